"""Indicators, one module per dimension, computed for all pairs and years.

Each dimension module declares its indicators (``INDICATORS``: name, unit, orientation,
definition) and its families (``FAMILIES``: which source computes which indicators);
this package gathers them, as :mod:`amity.sources` gathers the sources' releases.

:data:`INDICATORS` is the catalogue (``docs/indicators.md`` documents the same names; a
test keeps the two in step); the profile, the export's data dictionary and the index read
units and orientation from it. :data:`FAMILIES` is the registry of computations, in the
documented priority order: the first ingested source of an indicator is its default, and
:func:`default_slices` says which source gives each indicator in which years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from amity.indicators import (
    conflict,
    economic,
    media,
    military,
    multilateral,
    people,
    political,
)
from amity.indicators._base import DIMENSIONS, INDEX_DIMENSIONS, Family, Indicator, Orientation
from amity.store.catalog import split_spec

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["DIMENSIONS", "FAMILIES", "HOSTILITY", "INDEX_DIMENSIONS", "INDICATORS", "Family",
           "Indicator", "Orientation", "Slice", "default_slices", "default_source"]

#: How conflict discounts the relationship index (:mod:`amity.indicators.conflict`).
HOSTILITY = conflict.HOSTILITY

#: Dimension modules in priority order (the order of the catalogue and of the panel).
_MODULES = (political, economic, multilateral, military, people, media, conflict)

#: Every indicator, by name.
INDICATORS: dict[str, Indicator] = {i.name: i for m in _MODULES for i in m.INDICATORS}
#: Every family, in priority order.
FAMILIES: tuple[Family, ...] = tuple(f for m in _MODULES for f in m.FAMILIES)


def default_source(indicator: str) -> str:
    """The source that gives ``indicator`` by default: the first family that computes it.

    Examples
    --------
    >>> default_source("trade_total_usd"), default_source("un_kappa")
    ('cow_trade', 'unvotes')
    """
    return next(f.source for f in FAMILIES if indicator in f.indicators)


@dataclass(frozen=True)
class Slice:
    """A family from one release over the years it is the default for (inclusive)."""

    family: Family
    release: str
    years: tuple[int, int]


def default_slices(store: Store, years: tuple[int, int] | None = None, *,
                   prefer: str | None = None) -> list[Slice]:
    """Which source gives each indicator in which years, by default.

    Sources of the same indicators are taken in :data:`FAMILIES` order (the documented
    priority); each takes the years of its coverage that no earlier source covers. So
    trade comes from COW to 2014, then from IMF DOTS (2019-2020), then OTS fills 2015-2018,
    each row labelled with its own source. A source's other releases fill years its
    default release does not cover (GDELT's 1.0 and 2.0 files). ``prefer`` (``"source"`` or
    ``"source/release"``) moves one source (and release) to the front.
    """
    want, want_release = split_spec(prefer) if prefer else (None, None)
    datasets = store.datasets()
    claimed: dict[str, set[int]] = {}
    out: list[Slice] = []
    for fam in sorted(FAMILIES, key=lambda f: f.source != want):
        releases = store.releases(fam.source)
        if fam.source == want and want_release in releases:
            releases = [want_release]
        for release in releases:  # the default release first; others fill other years
            row = datasets[(datasets["source"] == fam.source) & (datasets["release"] == release)]
            lo, hi = row["coverage_start"].iloc[0], row["coverage_end"].iloc[0]
            if pd.isna(lo) or pd.isna(hi):
                continue
            lo, hi = int(lo), int(hi)
            if years is not None:
                lo, hi = max(lo, years[0]), min(hi, years[1])
            taken = set().union(*(claimed.get(n, set()) for n in fam.indicators))
            free = [y for y in range(lo, hi + 1) if y not in taken]
            for start, end in _runs(free):
                out.append(Slice(fam, release, (start, end)))
            for name in fam.indicators:
                claimed.setdefault(name, set()).update(free)
    return out


def _runs(years: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs: [2015, 2016, 2018] -> [(2015, 2016), (2018, 2018)]."""
    runs: list[tuple[int, int]] = []
    for y in years:
        if runs and runs[-1][1] == y - 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs
