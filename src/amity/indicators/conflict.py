"""Conflict dimension: militarized disputes, armed conflicts, wars and strategic rivalries.

For a pair (a, b) and year (symmetric: (a, b) and (b, a) get the same values):

* ``mid_any``, ``mid_count`` — a militarized interstate dispute (MID) set a and b against
  each other that year, and how many (distinct disputes);
* ``mid_hostility_max`` — the highest hostility level either reached against the other in
  those disputes: 1 no militarized action, 2 threat, 3 display, 4 use of force, 5 war; 0
  without a dispute;
* ``mid_fatal`` — one of those disputes caused deaths (the dispute's fatality level ≥ 1);
* ``armed_conflict``, ``armed_conflict_intensity`` — a and b were on opposite sides of a
  UCDP/PRIO armed conflict (25 or more battle deaths in the year), and its intensity:
  1 minor (25–999), 2 war (1,000 or more); 0 without one;
* ``war`` — a and b fought each other in a COW inter-state war that year;
* ``rivalry`` — a strategic rivalry between a and b was in force that year.

Sources, year by year (:data:`FAMILIES`, in priority order): MIDs from GML 2.2.1
(1816–2010), then COW MID 5.0 for the years after (2011–2014); armed conflicts from UCDP/PRIO
25.1 (1946–2024); wars from COW 4.0 (to 2003, the data's last war year); rivalries from
Thompson, Sakuwa and Suhas (to 2020).

Missing is not zero. Each source lists only what happened, so inside its years a pair of
states both in the international system (COW's state list, carried forward past 2016)
without a record gets False/0, and every other pair-year is NA: a year after the source
ends is NA, never "no dispute". After 2014 only UCDP's armed conflicts and the rivalries
cover hostility: a pair with no armed conflict then had no 25-death conflict, which is not
"no dispute".

In the relationship index the conflict dimension is not a percentile among pairs (almost
every pair-year has no dispute, so a percentile ties nearly all of them): it is a
hostility level (:data:`HOSTILITY`) that discounts the composite (``docs/indicators.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from amity.indicators._base import Family, Indicator, pairs, resolve_release, state_years

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.store import Store

__all__ = ["FAMILIES", "HOSTILITY", "INDICATORS", "armed_conflicts_dyadic", "hostility_of",
           "mids_dyadic", "rivalries_dyadic", "wars_dyadic"]

def _c(name: str, unit: str, definition: str, carry: int = 0) -> Indicator:
    """A conflict indicator: lower is closer, and a discount of the index, not a percentile."""
    return Indicator(name, "conflict", unit, "lower", definition, in_index=False, carry=carry)


INDICATORS = (
    _c("mid_any", "yes/no",
       "a militarized interstate dispute set a and b against each other that year; False "
       "for system members without one, inside the MID data's years"),
    _c("mid_count", "disputes",
       "distinct militarized interstate disputes between a and b that year"),
    _c("mid_hostility_max", "level (0-5)",
       "highest hostility level either reached against the other in their disputes that "
       "year: 1 none, 2 threat, 3 display, 4 use of force, 5 war; 0 no dispute"),
    _c("mid_fatal", "yes/no",
       "a dispute between a and b that year caused deaths (fatality level 1 or more)"),
    _c("armed_conflict", "yes/no",
       "a and b on opposite sides of a UCDP/PRIO armed conflict that year (25 or more battle "
       "deaths)"),
    _c("armed_conflict_intensity", "level (0-2)",
       "intensity of their armed conflict that year: 1 minor (25-999 battle deaths), 2 war "
       "(1,000 or more); 0 none"),
    _c("war", "yes/no", "a and b fought each other in a COW inter-state war that year"),
    # a rivalry is a lasting state: the data's last year (2020) is carried five years, as
    # alliances are, so that an ongoing rivalry does not vanish when the data ends
    _c("rivalry", "yes/no", "a strategic rivalry between a and b was in force that year",
       carry=5),
)

#: The index's hostility of a pair-year: the largest weight whose condition holds
#: (``indicator >= at least``); 0 when the conflict indicators are known and none holds,
#: NA when none is known. ``docs/indicators.md`` argues the weights.
HOSTILITY: tuple[tuple[str, int, float], ...] = (
    ("war", 1, 1.0), ("armed_conflict_intensity", 2, 1.0), ("mid_hostility_max", 5, 1.0),
    ("armed_conflict_intensity", 1, 0.75), ("mid_fatal", 1, 0.75),
    ("mid_hostility_max", 4, 0.5),
    ("mid_hostility_max", 2, 0.25), ("rivalry", 1, 0.25),
)


#: What each rule of :data:`HOSTILITY` means, in words.
_WORDS = {("war", 1): "a war (COW)", ("armed_conflict_intensity", 2): "an armed conflict at war "
          "intensity (UCDP)", ("mid_hostility_max", 5): "a dispute at the level of war (MID)",
          ("armed_conflict_intensity", 1): "a minor armed conflict (UCDP)",
          ("mid_fatal", 1): "a dispute that caused deaths (MID)",
          ("mid_hostility_max", 4): "a use of force (MID)",
          ("mid_hostility_max", 2): "threats or displays of force (MID)",
          ("rivalry", 1): "a strategic rivalry in force"}


def hostility_of(values: dict[str, object]) -> tuple[float | None, list[str]]:
    """A pair-year's hostility from its conflict indicators, and the reasons in words.

    The same rule as the index (:data:`HOSTILITY`): the largest weight whose condition
    holds; 0 when the indicators are known and none holds; None when none is known.

    Examples
    --------
    >>> hostility_of({"mid_hostility_max": 4, "mid_fatal": True,
    ...               "rivalry": True})  # doctest: +NORMALIZE_WHITESPACE
    (0.75, ['a dispute that caused deaths (MID)', 'a use of force (MID)',
            'a strategic rivalry in force'])
    >>> hostility_of({"war": 0, "rivalry": None}), hostility_of({})
    ((0.0, []), (None, []))
    """
    known = {k: float(v) for k, v in values.items()  # type: ignore[arg-type]
             if v is not None and not pd.isna(v)}  # type: ignore[call-overload]
    if not any(name in known for name, _, _ in HOSTILITY):
        return None, []
    level, words, said = 0.0, [], set()
    for name, at, weight in HOSTILITY:  # heaviest first: one reason per indicator
        if known.get(name, -1.0) >= at and name not in said:
            level = max(level, weight)
            words.append(_WORDS[(name, at)])
            said.add(name)
    return level, words


def _years(store: Store, source: str, release: str,
           years: tuple[int, int] | None) -> tuple[int, int] | None:
    """The release's years (from the catalogue), within ``years``; None if none."""
    found = store.release(source, release)
    if found is None or found.coverage_start is None or found.coverage_end is None:
        return None
    lo, hi = found.coverage_start, found.coverage_end
    if years is not None:
        lo, hi = max(lo, years[0]), min(hi, years[1])
    return (lo, hi) if lo <= hi else None


def _both_ways(records: ir.Table, **values: ir.Value) -> ir.Table:
    """``a, b, year`` and ``values`` of each record, in both orders."""
    t = records
    return ibis.union(t.select(a=t.a, b=t.b, year=t.year, **values),
                      t.select(a=t.b, b=t.a, year=t.year, **values))


def _dyadic(store: Store, source: str, release: str, records: ir.Table,
            countries: Sequence[str] | None, span: tuple[int, int],
            metrics: dict[str, str], zero: dict[str, int]) -> pd.DataFrame:
    """Aggregate symmetric records per pair-year, over the universe of system pairs.

    ``records`` has ``a, b, year`` and the columns ``metrics`` aggregates (name → "max"
    or "count_distinct:<col>"); pairs of the universe without a record get ``zero``.
    """
    t = records.filter(records.year.between(*span))
    if countries is not None:
        keep = list(countries)
        t = t.filter(t.a.isin(keep) & t.b.isin(keep))
    aggs = {}
    for name, how in metrics.items():
        if how.startswith("count_distinct:"):
            aggs[name] = t[how.split(":", 1)[1]].nunique().cast("int64")
        else:
            aggs[name] = t[name].max().cast("int64")
    agg = t.group_by(["a", "b", "year"]).aggregate(**aggs)
    sy = state_years(store, span[0], span[1], countries)
    if sy is not None:  # the universe: system pairs, with no record (NULL) yet
        null = ibis.null().cast("int64")
        grid = pairs(sy).select("a", "b", "year", **dict.fromkeys(metrics, null))
        both = ibis.union(agg, grid)
        agg = both.group_by(["a", "b", "year"]).aggregate(
            **{name: both[name].max() for name in metrics})
    agg = agg.mutate(**{name: agg[name].fill_null(value) for name, value in zero.items()})
    frame = agg.to_pandas()
    frame = frame.sort_values(["a", "b", "year"], ignore_index=True)
    frame.attrs.update(source=source, release=release)
    if sy is None:
        frame.attrs["note"] = ("no COW state list in the store: pair-years without a record "
                               "are NA, not 0. Fix: run `amity setup --source cow_states`")
    return frame


def _empty(columns: list[str], source: str, release: str) -> pd.DataFrame:
    frame = pd.DataFrame(columns=["a", "b", "year", *columns])
    frame.attrs.update(source=source, release=release, note="outside the source's coverage")
    return frame


def mids_dyadic(store: Store, *, source: str = "gml_mid", release: str | None = None,
                countries: Sequence[str] | None = None,
                years: tuple[int, int] | None = None) -> pd.DataFrame:
    """``mid_any, mid_count, mid_hostility_max, mid_fatal`` from one MID source.

    Parameters
    ----------
    source
        ``gml_mid`` (GML 2.2.1, to 2010) or ``cow_mid`` (COW MID 5.0, to 2014).
    """
    release = resolve_release(store, source, release)
    names = ["mid_any", "mid_count", "mid_hostility_max", "mid_fatal"]
    span = _years(store, source, release, years)
    if span is None:
        return _empty(names, source, release)
    d = store.table("disputes", source=source, release=release)
    level = ibis.greatest(d.hostility_a.fill_null(0), d.hostility_b.fill_null(0))
    both = _both_ways(d, dispute=d.dispute, mid_hostility_max=level,
                      mid_fatal=(d.fatality >= 1).fill_null(False).cast("int64"))
    frame = _dyadic(store, source, release, both, countries, span,
                    {"mid_count": "count_distinct:dispute", "mid_hostility_max": "max",
                     "mid_fatal": "max"},
                    {"mid_count": 0, "mid_hostility_max": 0, "mid_fatal": 0})
    frame["mid_any"] = (frame["mid_count"] > 0).astype("boolean")
    frame["mid_fatal"] = frame["mid_fatal"].astype(bool).astype("boolean")
    frame = frame.astype({"mid_count": "int64", "mid_hostility_max": "int64"})
    return frame[["a", "b", "year", *names]]


def armed_conflicts_dyadic(store: Store, *, release: str | None = None,
                           countries: Sequence[str] | None = None,
                           years: tuple[int, int] | None = None) -> pd.DataFrame:
    """``armed_conflict`` and ``armed_conflict_intensity`` (UCDP/PRIO)."""
    release = resolve_release(store, "ucdp", release)
    span = _years(store, "ucdp", release, years)
    if span is None:
        return _empty(["armed_conflict", "armed_conflict_intensity"], "ucdp", release)
    c = store.table("armed_conflicts", source="ucdp", release=release)
    both = _both_ways(c, armed_conflict_intensity=c.intensity)
    frame = _dyadic(store, "ucdp", release, both, countries, span,
                    {"armed_conflict_intensity": "max"}, {"armed_conflict_intensity": 0})
    frame["armed_conflict_intensity"] = frame["armed_conflict_intensity"].astype("int64")
    frame["armed_conflict"] = (frame["armed_conflict_intensity"] > 0).astype("boolean")
    return frame[["a", "b", "year", "armed_conflict", "armed_conflict_intensity"]]


def wars_dyadic(store: Store, *, release: str | None = None,
                countries: Sequence[str] | None = None,
                years: tuple[int, int] | None = None) -> pd.DataFrame:
    """``war``: a and b fought each other in a COW inter-state war that year."""
    release = resolve_release(store, "cow_war", release)
    span = _years(store, "cow_war", release, years)
    if span is None:
        return _empty(["war"], "cow_war", release)
    w = store.table("wars", source="cow_war", release=release)
    both = _both_ways(w, war=ibis.literal(1))
    frame = _dyadic(store, "cow_war", release, both, countries, span, {"war": "max"},
                    {"war": 0})
    frame["war"] = frame["war"].astype(bool).astype("boolean")
    return frame[["a", "b", "year", "war"]]


def rivalries_dyadic(store: Store, *, release: str | None = None,
                     countries: Sequence[str] | None = None,
                     years: tuple[int, int] | None = None) -> pd.DataFrame:
    """``rivalry``: a strategic rivalry between a and b was in force that year (a spell
    without an end is in force to the data's last year)."""
    release = resolve_release(store, "rivalries", release)
    span = _years(store, "rivalries", release, years)
    if span is None:
        return _empty(["rivalry"], "rivalries", release)
    r = store.table("rivalries", source="rivalries", release=release)
    grid = ibis.memtable(pd.DataFrame({"year": range(span[0], span[1] + 1)}, dtype="int64"))
    spells = r.select(a=r.a, b=r.b, lo=r.start, hi=r.end.fill_null(span[1]))
    years_in = spells.join(grid, (grid.year >= spells.lo) & (grid.year <= spells.hi))
    both = _both_ways(years_in.select("a", "b", "year"), rivalry=ibis.literal(1))
    frame = _dyadic(store, "rivalries", release, both, countries, span, {"rivalry": "max"},
                    {"rivalry": 0})
    frame["rivalry"] = frame["rivalry"].astype(bool).astype("boolean")
    return frame[["a", "b", "year", "rivalry"]]


_MID = ("mid_any", "mid_count", "mid_hostility_max", "mid_fatal")


def _mids(source: str) -> Family:
    return Family(source, _MID, lambda s, r, c, y: mids_dyadic(
        s, source=source, release=r, countries=c, years=y))


FAMILIES = (
    _mids("gml_mid"), _mids("cow_mid"),
    Family("ucdp", ("armed_conflict", "armed_conflict_intensity"), lambda s, r, c, y:
           armed_conflicts_dyadic(s, release=r, countries=c, years=y)),
    Family("cow_war", ("war",), lambda s, r, c, y:
           wars_dyadic(s, release=r, countries=c, years=y)),
    Family("rivalries", ("rivalry",), lambda s, r, c, y:
           rivalries_dyadic(s, release=r, countries=c, years=y)),
)
