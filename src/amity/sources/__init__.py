"""The registry of source releases amity can ingest, one module per publisher.

>>> from amity.sources import get_dataset
>>> get_dataset("cow_trade").release
'4.0'
"""

from __future__ import annotations

from amity._exceptions import InputError
from amity.sources import amity_countries, cow, cow_trade, unvotes
from amity.sources._base import Dataset

__all__ = ["Dataset", "all_datasets", "get_dataset", "source_names"]

_MODULES = (amity_countries, cow, unvotes, cow_trade)


def all_datasets() -> tuple[Dataset, ...]:
    """Every release of every source, in ingest order."""
    return tuple(d for module in _MODULES for d in module.DATASETS)


def source_names() -> list[str]:
    """The distinct source names."""
    return list(dict.fromkeys(d.source for d in all_datasets()))


def get_dataset(source: str, release: str | None = None) -> Dataset:
    """The release of ``source`` (its default release when ``release`` is None).

    Raises
    ------
    InputError
        No such source or release; the message lists the known ones.
    """
    matches = [d for d in all_datasets() if d.source == source]
    if not matches:
        raise InputError(f"unknown source {source!r}. Known sources: {', '.join(source_names())}")
    if release is None:
        return next((d for d in matches if d.default), matches[0])
    for d in matches:
        if d.release == release:
            return d
    raise InputError(f"source {source!r} has no release {release!r}; known: "
                     f"{', '.join(d.release for d in matches)}")
