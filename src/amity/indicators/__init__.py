"""Indicators, one module per dimension, computed for all pairs and years.

:data:`FAMILIES` is the registry: each family is a set of indicators computed together
from one source, in the documented priority order (the first ingested source of an
indicator is its default). The profile, the panel/index and the export all read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from amity.indicators import (
    economic,
    media,
    military,
    multilateral,
    people,
    political,
    trade_indices,
)

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["FAMILIES", "Family", "Slice", "default_slices"]

_UN = ("un_agreement", "un_common_votes", "un_kappa")
_EVENTS = ("events_count", "events_goldstein_mean", "events_tone_mean", "events_coop_share",
           "events_conflict_share")
_TRADE = ("trade_a_to_b_usd", "trade_b_to_a_usd", "trade_total_usd", "trade_balance_a_usd",
          "trade_share_a", "trade_share_b")

Compute = Callable[["Store", str | None, "list[str] | None", "tuple[int, int] | None"],
                   pd.DataFrame]


@dataclass(frozen=True)
class Family:
    """Indicators computed together from one source.

    ``compute(store, release, countries, years)`` returns ``a, b, year`` and the
    indicators for directed pairs (all pairs when ``countries`` is None).
    """

    source: str
    indicators: tuple[str, ...]
    compute: Compute


FAMILIES: tuple[Family, ...] = (
    Family("unvotes", _UN, lambda s, r, c, y: political.un_votes_dyadic(
        s, release=r, countries=c, years=y, method="auto" if c is None else "ibis")),
    Family("un_idealpoints", ("un_idealpoint_distance",),
           lambda s, r, c, y: political.idealpoint_distance(s, countries=c, years=y)),
    Family("cow_trade", _TRADE, lambda s, r, c, y: economic.trade_dyadic(
        s, source="cow_trade", release=r, countries=c, years=y)),
    Family("dots", _TRADE, lambda s, r, c, y: economic.trade_dyadic(
        s, source="dots", release=r, countries=c, years=y)),
    Family("comtrade", _TRADE, lambda s, r, c, y: economic.trade_dyadic(
        s, source="comtrade", release=r, countries=c, years=y)),
    Family("ots", _TRADE, lambda s, r, c, y: economic.trade_dyadic(
        s, source="ots", release=r, countries=c, years=y)),
    Family("wits", _TRADE, lambda s, r, c, y: economic.trade_dyadic(
        s, source="wits", release=r, countries=c, years=y)),
    Family("ots", ("trade_intensity_a_to_b", "trade_complementarity_a_b"), lambda s, r, c, y:
           trade_indices.trade_indices_dyadic(s, source="ots", release=r, countries=c, years=y)),
    Family("cow_igo", ("shared_igos", "shared_igos_list"),
           lambda s, r, c, y: multilateral.shared_igos(s, countries=c, years=y,
                                                       with_list=c is not None)),
    Family("atop", ("alliance_any", "alliance_defense"), lambda s, r, c, y:
           military.alliances_dyadic(s, release=r, countries=c, years=y)),
    Family("sipri", ("arms_tiv_a_to_b", "arms_tiv_b_to_a"), lambda s, r, c, y:
           military.arms_dyadic(s, release=r, countries=c, years=y)),
    Family("openflights", ("air_routes",), lambda s, r, c, y:
           people.air_routes_dyadic(s, release=r, countries=c, years=y)),
    Family("migration", ("migrants_a_in_b", "migrants_b_in_a"), lambda s, r, c, y:
           people.migration_dyadic(s, release=r, countries=c, years=y)),
    Family("students", ("students_a_in_b", "students_b_in_a"), lambda s, r, c, y:
           people.students_dyadic(s, release=r, countries=c, years=y)),
    Family("gdelt", _EVENTS, lambda s, r, c, y: media.events_dyadic(
        s, source="gdelt", release=r, countries=c, years=y)),
    Family("icews", _EVENTS, lambda s, r, c, y: media.events_dyadic(
        s, source="icews", release=r, countries=c, years=y)),
)




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
    want, want_release = (prefer.split("/", 1) + [None])[:2] if prefer else (None, None)
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
