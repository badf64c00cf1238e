"""What one check shares between claims: the store, the pair, the tolerance, a cache."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from amity.claims.compare import TOLERANCE
from amity.store import Store

__all__ = ["Context"]


@dataclass
class Context:
    """What one check shares between claims: the store and cached query results."""

    store: Store
    pair: tuple[str, str] | None = None
    tolerance: float = TOLERANCE
    cache: dict = field(default_factory=dict)
    as_of: datetime.date | None = None

    def releases(self, source: str) -> list[str]:
        """The store's releases of ``source`` (asked once per check)."""
        key = ("releases", source)
        if key not in self.cache:
            self.cache[key] = list(self.store.releases(source))
        return self.cache[key]

    def has(self, table: str) -> bool:
        """Whether the store has rows in ``table`` (asked once per check)."""
        key = ("has", table)
        if key not in self.cache:
            self.cache[key] = self.store.has(table)
        return self.cache[key]
