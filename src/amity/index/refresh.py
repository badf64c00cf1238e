"""``amity setup``: ingest, then rebuild the panel and the index if a release changed.

Kept apart from :mod:`amity.index.panel` so that reading the index (a profile, a rank)
does not load the ingest pipeline and every source's parser.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from amity._contract import OnBadLines
from amity.index.panel import build, is_current
from amity.indicators import default_slices
from amity.ingest import SetupEvent
from amity.ingest import setup as ingest_all

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["refresh", "setup"]


def refresh(store: Store, *, on_step: Callable[[str], None] | None = None) -> bool:
    """Rebuild the panel and the index if a release changed since they were built (and at
    least one indicator source is ingested); whether it rebuilt them."""
    if is_current(store) or not default_slices(store):
        return False
    build(store, on_step=on_step)
    return True


def setup(
    store: Store,
    *,
    mirror: str | os.PathLike[str] | None = None,
    sources: Sequence[str] | None = None,
    on_bad_lines: OnBadLines = "error",
    force: bool = False,
    on_event: Callable[[SetupEvent], None] | None = None,
    on_write: Callable[[str], None] | None = None,
    index: bool = True,
    allow_shrink: bool = False,
) -> list[SetupEvent]:
    """Ingest every source (or ``sources``: :func:`amity.ingest.setup`), then, with
    ``index=True``, rebuild the panel and the index if any release changed
    (:func:`refresh`). What ``amity setup`` runs. ``allow_shrink`` lets a release replace
    a much larger stored one (see :func:`amity.ingest.setup`).

    Returns
    -------
    list of SetupEvent
        The final event of each release.
    """
    events = ingest_all(store, mirror=mirror, sources=sources, on_bad_lines=on_bad_lines,
                        force=force, on_event=on_event, on_write=on_write,
                        allow_shrink=allow_shrink)
    if index:
        refresh(store, on_step=on_write)
    return events
