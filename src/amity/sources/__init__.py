"""The registry of source releases amity can ingest, one module per publisher.

>>> from amity.sources import get_dataset
>>> get_dataset("cow_trade").release
'4.0'
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from amity._contract import Dataset
from amity._exceptions import UnknownSourceError
from amity.sources import (
    amity_countries,
    amity_regions,
    atop,
    baci,
    comtrade,
    comtrade_totals,
    cow,
    cow_trade,
    cow_war,
    dots,
    engagements,
    gdelt,
    icews,
    mid,
    migration,
    openflights,
    ots,
    rivalries,
    sipri,
    sipri_register,
    students,
    ucdp,
    undl,
    unvotes,
    wdi,
    wits,
    wto,
)

__all__ = ["Dataset", "all_datasets", "get_dataset", "source_names", "user_dataset"]

_MODULES = (amity_countries, amity_regions, cow, unvotes, undl, cow_trade, dots, comtrade,
            comtrade_totals, ots, wits, baci, wto, atop, mid, ucdp, cow_war, rivalries, sipri,
            sipri_register, openflights, migration, students, wdi, gdelt, icews, engagements)


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
    UnknownSourceError
        No such source or release; the message lists the known ones.
    """
    matches = [d for d in all_datasets() if d.source == source]
    if not matches:
        raise UnknownSourceError(f"unknown source {source!r}. Known sources: "
                                 f"{', '.join(source_names())}. Fix: use one of them (see "
                                 "`amity sources`)")
    if release is None:
        return next((d for d in matches if d.default), matches[0])
    for d in matches:
        if d.release == release:
            return d
    raise UnknownSourceError(f"source {source!r} has no release {release!r}; known: "
                             f"{', '.join(d.release for d in matches)}")


def user_dataset(source: str, files: Sequence[str | os.PathLike[str]]) -> Dataset | None:
    """A release for the user's own files of ``source``, whatever their names, or None.

    Only sources whose format users write themselves (the engagements timeline) have one.
    """
    for module in _MODULES:
        if any(d.source == source for d in module.DATASETS) and hasattr(module, "user_dataset"):
            return module.user_dataset(files)
    return None
