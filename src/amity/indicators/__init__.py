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
from amity.indicators._base import (
    DIMENSIONS,
    INDEX_DIMENSIONS,
    Family,
    Indicator,
    Orientation,
    pairs,
    state_years,
)
from amity.store.catalog import split_spec

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["DIMENSIONS", "FAMILIES", "HOSTILITY", "INDEX_DIMENSIONS", "INDICATORS", "Family",
           "Indicator", "Orientation", "Slice", "carry_forward", "carry_of", "default_slices",
           "default_source", "pairs", "short_label", "state_years"]

#: How conflict discounts the relationship index (:mod:`amity.indicators.conflict`).
HOSTILITY = conflict.HOSTILITY

#: Dimension modules in priority order (the order of the catalogue and of the panel).
_MODULES = (political, economic, multilateral, military, people, media, conflict)

#: Every indicator, by name.
INDICATORS: dict[str, Indicator] = {i.name: i for m in _MODULES for i in m.INDICATORS}
#: Every family, in priority order.
FAMILIES: tuple[Family, ...] = tuple(f for m in _MODULES for f in m.FAMILIES)


#: Column labels for narrow tables (80 columns): ``{a}`` and ``{b}`` are the pair's codes.
_SHORT = {
    "un_agreement": "agree", "un_common_votes": "votes", "un_kappa": "kappa",
    "un_idealpoint_distance": "ideal dist", "trade_a_to_b_usd": "{a}→{b}",
    "trade_b_to_a_usd": "{b}→{a}", "trade_total_usd": "total", "trade_balance_a_usd": "balance",
    "trade_share_a": "% of {a}", "trade_share_b": "% of {b}",
    "trade_intensity_a_to_b": "intensity", "trade_complementarity_a_b": "complem.",
    "shared_igos": "IGOs", "shared_groups": "groups", "alliance_any": "alliance",
    "alliance_defense": "defence", "arms_tiv_a_to_b": "arms {a}→{b}",
    "arms_tiv_b_to_a": "arms {b}→{a}", "arms_tiv_total": "arms both", "air_routes": "routes",
    "migrants_a_in_b": "{a} in {b}", "migrants_b_in_a": "{b} in {a}",
    "students_a_in_b": "stud {a}→{b}", "students_b_in_a": "stud {b}→{a}",
    "events_count": "events", "events_goldstein_mean": "Goldstein", "events_tone_mean": "tone",
    "events_coop_share": "coop", "events_conflict_share": "conflict",
    "events_year_share": "of year", "mid_any": "MID", "mid_count": "MIDs",
    "mid_hostility_max": "hostility", "mid_fatal": "fatal", "armed_conflict": "armed",
    "armed_conflict_intensity": "intensity", "war": "war", "rivalry": "rivalry",
}


def short_label(indicator: str, a: str = "a", b: str = "b") -> str:
    """A short column label for narrow tables (the indicator's name where there is none).

    Examples
    --------
    >>> short_label("trade_a_to_b_usd", "PAK", "RUS"), short_label("un_kappa")
    ('PAK→RUS', 'kappa')
    """
    return _SHORT.get(indicator, indicator).format(a=a, b=b)


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
    """A family from one release over the years it is the default for (inclusive).

    ``data_years``: the years its data are computed for; a carried slice
    (``default_slices(carry=True)``) extends ``years`` past them by the family's longest
    ``carry``, for the panel to carry slow-moving stocks forward.
    """

    family: Family
    release: str
    years: tuple[int, int]
    data_years: tuple[int, int] | None = None

    @property
    def computed(self) -> tuple[int, int]:
        """The years to compute the family for (without the carried years)."""
        return self.data_years or self.years


def carry_of(family: Family) -> dict[str, int]:
    """The family's indicators that are carried forward, with their maximum age."""
    return {n: INDICATORS[n].carry for n in family.indicators if INDICATORS[n].carry}


def carry_forward(frame: pd.DataFrame, ages: dict[str, int],
                  span: tuple[int, int]) -> pd.DataFrame:
    """Slow-moving stocks carried forward: each pair's latest value, within ``ages[col]``
    years, fills the years of ``span`` without one; ``<col>_asof`` says from which year.

    Examples
    --------
    >>> f = pd.DataFrame({"a": ["PAK"] * 2, "b": ["RUS"] * 2, "year": [1990, 1995],
    ...                   "stock": [10.0, 20.0]})
    >>> out = carry_forward(f, {"stock": 3}, (1990, 1999))
    >>> out["stock"].tolist(), out["stock_asof"].tolist()[-3:]
    ([10.0, 10.0, 10.0, 10.0, 20.0, 20.0, 20.0, 20.0], [1995.0, 1995.0, 1995.0])
    """
    keys = ["a", "b", "year"]
    pairs = frame[["a", "b"]].drop_duplicates()
    grid = pairs.merge(pd.DataFrame({"year": range(span[0], span[1] + 1)}, dtype="int64"),
                       how="cross")
    full = grid.merge(frame, on=keys, how="left").sort_values(keys, ignore_index=True)
    group = [full["a"], full["b"]]
    for col, age in ages.items():
        has = full[col].notna()
        asof = full["year"].astype("float64").where(has).groupby(group).ffill()
        keep = has | (full["year"] - asof <= age)
        full[col] = full[col].groupby(group).ffill().where(keep)
        full[f"{col}_asof"] = asof.where(keep)
    values = [c for c in full.columns if c not in keys]
    return full.dropna(subset=values, how="all").reset_index(drop=True)


def default_slices(store: Store, years: tuple[int, int] | None = None, *,
                   prefer: str | None = None, carry: bool = False) -> list[Slice]:
    """Which source gives each indicator in which years, by default.

    Sources of the same indicators are taken in :data:`FAMILIES` order (the documented
    priority); each takes the years of its coverage that no earlier source covers. So
    trade comes from COW to 2014, then from IMF DOTS (2019-2020), then OTS fills 2015-2018,
    each row labelled with its own source. A source's other releases fill years its
    default release does not cover (GDELT's 1.0 and 2.0 files). ``prefer`` (``"source"`` or
    ``"source/release"``) moves one source (and release) to the front. With ``carry``, a
    family of slow-moving stocks (:attr:`Indicator.carry`) also takes up to that many
    years after each of its slices that no source of its indicators covers.
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
            scope = row["scope"].iloc[0]
            if isinstance(scope, dict) and scope.get("no_indicators"):
                continue  # a release no indicator can use (destination totals only)
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
    if carry:
        out = [_carried(sl, claimed, years) for sl in out]
    return out


def _carried(sl: Slice, claimed: dict[str, set[int]], years: tuple[int, int] | None) -> Slice:
    """``sl`` extended by its family's longest carry into years no source covers."""
    ages = carry_of(sl.family)
    if not ages:
        return sl
    taken = set().union(*(claimed.get(n, set()) for n in sl.family.indicators))
    end = sl.years[1]
    while (end + 1 not in taken and end + 1 - sl.years[1] <= max(ages.values())
           and (years is None or end + 1 <= years[1])):
        end += 1
    return Slice(sl.family, sl.release, (sl.years[0], end), sl.years)


def _runs(years: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs: [2015, 2016, 2018] -> [(2015, 2016), (2018, 2018)]."""
    runs: list[tuple[int, int]] = []
    for y in years:
        if runs and runs[-1][1] == y - 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs
