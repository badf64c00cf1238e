"""Media/events dimension: coded events between two countries (GDELT, ICEWS).

For a pair (a, b) and year, over the events of one source and release whose two actor
countries are a and b, in either order (the events table holds one row per event id, so
a count of rows is a count of distinct events):

* ``events_count`` — the number of such events;
* ``events_goldstein_mean`` — their mean Goldstein score (−10 conflict … +10 cooperation);
* ``events_tone_mean`` — their mean AvgTone (GDELT only; NA for ICEWS);
* ``events_coop_share`` — the share with QuadClass 1–2 (verbal or material cooperation);
* ``events_conflict_share`` — the share with QuadClass 3–4 (verbal or material conflict);
  both shares among the events with a QuadClass.

The values are symmetric: (a, b) and (b, a) get the same row. Events whose actor is not a
state (a CAMEO region such as ``EUR``, or no country) or is the same country on both sides
are not dyadic and are left out. The year is the event's own year.

Coverage. Event files cover periods of publication (a 15-minute GDELT 2.0 file, a GDELT
1.0 day, an ICEWS year), so "no event" means 0 only in a year the ingested files cover:

* a year is *covered* when at least one ingested file of the release was published in it
  (the period of each file is recorded with it at ingest, in ``ingested_files``);
* in a covered year, a pair without events has ``events_count`` 0 (and NA means, shares)
  — returned for the pairs among ``countries`` and for every pair that has events in
  some covered year; outside the covered years every value is NA (no row), even if a
  file re-reported a few older events dated then;
* ``attrs["covered_years"]`` lists the covered years. A covered year may be covered by a
  single file: a count is a count *in the ingested files*, not in the year's news.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from amity._exceptions import InputError
from amity.indicators._base import Family, Indicator, resolve_release

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["COLUMNS", "FAMILIES", "INDICATORS", "WHOLE_YEAR", "covered_periods", "events_dyadic",
           "year_shares"]

#: The index compares event measures only where the files cover (nearly) the whole year.
WHOLE_YEAR = ("events_year_share", 0.95)

INDICATORS = (
    Indicator("events_count", "media", "events", "none",
              "coded events whose two actor countries are a and b, either order (distinct "
              "event ids); 0 only in years the ingested event files cover"),
    Indicator("events_goldstein_mean", "media", "Goldstein (-10 to 10)", "higher",
              "mean Goldstein score of those events", support=WHOLE_YEAR),
    Indicator("events_tone_mean", "media", "tone (-100 to 100)", "higher",
              "mean GDELT AvgTone of those events (NA for ICEWS)", support=WHOLE_YEAR),
    Indicator("events_coop_share", "media", "share (0-1)", "higher",
              "share of those events with QuadClass 1-2 (verbal or material cooperation)",
              support=WHOLE_YEAR),
    Indicator("events_conflict_share", "media", "share (0-1)", "lower",
              "share of those events with QuadClass 3-4 (verbal or material conflict)",
              support=WHOLE_YEAR),
    Indicator("events_year_share", "media", "share of the year", "none",
              "share of the year the ingested event files cover: below 1, the counts and "
              "shares are those of the files (a sample of the news), not the year's"),
)
#: The indicator columns :func:`events_dyadic` returns.
COLUMNS = tuple(i.name for i in INDICATORS)


def covered_periods(store: Store, source: str, release: str, period: str = "year"
                    ) -> list[tuple[int, ...]]:
    """``(year,)`` (or ``(year, month)``) periods in which an ingested file was published.

    Parameters
    ----------
    store
        An open store.
    source, release
        The events release.
    period
        ``"year"`` or ``"month"``.
    """
    covered: set[tuple[int, ...]] = set()
    for start, end in store.catalog.periods(source, release):
        last = end - timedelta(microseconds=1)
        year, month = start.year, start.month
        while (year, month) <= (last.year, last.month):
            covered.add((year,) if period == "year" else (year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(covered)


def year_shares(store: Store, source: str, release: str) -> dict[int, float]:
    """The share of each year (0-1) that the release's files cover (overlaps counted once).

    Six 15-minute GDELT files cover 0.0002 of their year; a release fetched for a whole
    year covers 1.
    """
    spans = sorted(store.catalog.periods(source, release))
    merged: list[list[datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    covered: dict[int, float] = {}
    for start, end in merged:
        while start < end:
            cut = min(end, datetime(start.year + 1, 1, 1))
            length = (datetime(start.year + 1, 1, 1) - datetime(start.year, 1, 1))
            covered[start.year] = covered.get(start.year, 0.0) + (cut - start) / length
            start = cut
    return {y: min(1.0, v) for y, v in sorted(covered.items())}


def _aggregate(store: Store, source: str, release: str, countries: Sequence[str] | None,
               years: tuple[int, int] | None, period: str) -> pd.DataFrame:
    import ibis

    ev = store.table("events", source=source, release=release)
    ev = ev.filter(ev.actor1_iso3.notnull() & ev.actor2_iso3.notnull()
                   & (ev.actor1_iso3 != ev.actor2_iso3))
    if years is not None:
        ev = ev.filter(ev.year.between(*years))
    if countries is not None:
        keep = list(countries)
        ev = ev.filter(ev.actor1_iso3.isin(keep) & ev.actor2_iso3.isin(keep))
    keys = ["a", "b", "year"] + (["month"] if period == "month" else [])
    ev = ev.mutate(a=ibis.least(ev.actor1_iso3, ev.actor2_iso3),
                   b=ibis.greatest(ev.actor1_iso3, ev.actor2_iso3),
                   **({"month": ev.date.month().cast("int64")} if period == "month" else {}))
    quad = ev.quad_class
    agg = ev.group_by(keys).aggregate(
        events_count=ev.count(),
        events_goldstein_mean=ev.goldstein.mean(),
        events_tone_mean=ev.avg_tone.mean(),
        coop=quad.isin([1, 2]).cast("int64").sum(),
        conflict=quad.isin([3, 4]).cast("int64").sum(),
        quad_n=quad.notnull().cast("int64").sum(),
    )
    n = agg.quad_n.nullif(0).cast("float64")
    out = agg.select(*keys, "events_count", "events_goldstein_mean", "events_tone_mean",
                     events_coop_share=agg.coop.cast("float64") / n,
                     events_conflict_share=agg.conflict.cast("float64") / n)
    frame = out.to_pandas()
    swapped = frame.rename(columns={"a": "b", "b": "a"})
    return pd.concat([frame, swapped], ignore_index=True)


def events_dyadic(
    store: Store,
    *,
    source: str = "gdelt",
    release: str | None = None,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    period: str = "year",
) -> pd.DataFrame:
    """Event indicators for all directed pairs (or among ``countries``) and years.

    Parameters
    ----------
    store
        An open store with events ingested.
    source
        ``"gdelt"`` or ``"icews"``.
    release
        The release (default: the source's default release in the store).
    countries
        ISO3 codes; both members of a pair must be among them. Pairs among them without
        events get ``events_count`` 0 in the covered years.
    years
        Inclusive (first, last) year.
    period
        ``"year"`` (the indicator) or ``"month"`` (adds a ``month`` column: dyad-months).

    Returns
    -------
    DataFrame
        ``a, b, year[, month], events_count, events_goldstein_mean, events_tone_mean,
        events_coop_share, events_conflict_share``; ``attrs`` give ``source``, ``release``
        and ``covered_years``.
    """
    if period not in ("year", "month"):
        raise InputError(f"period {period!r}: use 'year' or 'month'")
    release = resolve_release(store, source, release)
    keys = ["a", "b", "year"] + (["month"] if period == "month" else [])
    covered = covered_periods(store, source, release, period)
    if years is not None:
        covered = [c for c in covered if years[0] <= c[0] <= years[1]]
    frame = _aggregate(store, source, release, countries, years, period)
    grid_keys = pd.DataFrame(covered, columns=keys[2:])
    frame["events_count"] = frame["events_count"].astype("int64")
    frame = frame.merge(grid_keys, on=keys[2:], how="inner")  # covered periods only
    pairs = frame[["a", "b"]].drop_duplicates()
    if countries is not None:
        wanted = sorted(set(countries))
        pairs = pd.concat([pairs, pd.DataFrame([(x, y) for x in wanted for y in wanted
                                                if x != y], columns=["a", "b"])])
        pairs = pairs.drop_duplicates()
    grid = pairs.merge(grid_keys, how="cross")
    frame = grid.merge(frame, on=keys, how="left")
    frame["events_count"] = frame["events_count"].fillna(0).astype("int64")
    frame["events_year_share"] = frame["year"].map(year_shares(store, source, release))
    frame = frame[keys + list(COLUMNS)].sort_values(keys, ignore_index=True)
    frame.attrs.update(source=source, release=release,
                       covered_years=sorted({c[0] for c in covered}))
    return frame


def _events(source: str) -> Family:
    return Family(source, COLUMNS, lambda s, r, c, y: events_dyadic(
        s, source=source, release=r, countries=c, years=y))


FAMILIES = (_events("gdelt"), _events("icews"))
