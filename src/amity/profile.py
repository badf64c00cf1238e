"""The profile of one pair: every indicator, year by year, with its source and release.

:func:`profile` computes each indicator family for the pair (the same whole-table
functions the export uses, filtered to the two countries) and returns long rows
``year, dimension, indicator, value, unit, source, release, note``. A year without a
value keeps its row with ``value`` NA and a note saying why (outside the source's
coverage, or no record for this pair), never 0.

Indicators that several sources provide are taken from the first ingested source in
:data:`FAMILIES` order (the documented priority); ``source=`` prefers another and
``all_sources=True`` returns every source's rows, so disagreements show.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from amity import countries as _countries
from amity._exceptions import InputError, MissingDataError
from amity.indicators import economic, multilateral, political
from amity.indicators._catalog import INDICATORS
from amity.store import Store, open_store

__all__ = ["FAMILIES", "Family", "Profile", "parse_years", "profile"]

_UN = ("un_agreement", "un_common_votes", "un_kappa")
_TRADE = ("trade_a_to_b_usd", "trade_b_to_a_usd", "trade_total_usd", "trade_balance_a_usd",
          "trade_share_a", "trade_share_b")

Compute = Callable[[Store, str | None, list[str], tuple[int, int]], pd.DataFrame]


@dataclass(frozen=True)
class Family:
    """Indicators computed together from one source."""

    source: str
    indicators: tuple[str, ...]
    compute: Compute


FAMILIES: tuple[Family, ...] = (
    Family("unvotes", _UN, lambda s, r, c, y: political.un_votes_dyadic(
        s, release=r, countries=c, years=y, method="ibis")),
    Family("un_idealpoints", ("un_idealpoint_distance",),
           lambda s, r, c, y: political.idealpoint_distance(s, countries=c, years=y)),
    Family("cow_trade", _TRADE, lambda s, r, c, y: economic.trade_dyadic(
        s, source="cow_trade", release=r, countries=c, years=y)),
    Family("cow_igo", ("shared_igos", "shared_igos_list"),
           lambda s, r, c, y: multilateral.shared_igos(s, countries=c, years=y, with_list=True)),
)


def parse_years(text: str | None) -> tuple[int, int] | None:
    """``"1990-2014"`` → (1990, 2014); ``"2010"`` → (2010, 2010).

    Examples
    --------
    >>> parse_years("1990-2014")
    (1990, 2014)
    >>> parse_years("2014-1990")
    Traceback (most recent call last):
    ...
    amity._exceptions.InputError: --years 2014-1990: the first year is after the last. Fix: write it as FIRST-LAST, e.g. 1990-2014
    """
    if text is None:
        return None
    parts = text.replace("–", "-").split("-")
    try:
        lo, hi = (int(parts[0]), int(parts[-1])) if len(parts) <= 2 else (None, None)
    except ValueError:
        lo = hi = None
    if lo is None or hi is None:
        raise InputError(f"--years {text}: not a year or range. Fix: write it as FIRST-LAST, "
                         "e.g. 1990-2014, or a single year")
    if lo > hi:
        raise InputError(f"--years {text}: the first year is after the last. Fix: write it as "
                         "FIRST-LAST, e.g. 1990-2014")
    return lo, hi


@dataclass
class Profile:
    """A pair's profile: long ``rows`` plus who the countries are and what was cited."""

    a: _countries.Country
    b: _countries.Country
    years: tuple[int, int]
    rows: pd.DataFrame
    datasets: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def wide(self) -> pd.DataFrame:
        """Years × indicators (default source only), for display."""
        rows = self.rows
        return rows.pivot_table(index="year", columns="indicator", values="value",
                                aggfunc="first", dropna=False).reindex(
            columns=[i for i in INDICATORS if i in set(rows["indicator"])])

    def citations(self) -> list[dict[str, str]]:
        """Source, release, title and citation of every dataset behind the rows."""
        used = self.rows[["source", "release"]].drop_duplicates()
        merged = used.merge(self.datasets, on=["source", "release"])
        return [{"source": r.source, "release": r.release, "title": r.title,
                 "citation": r.citation, "licence": r.licence}
                for r in merged.itertuples()]

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: ``pair``, ``years``, ``rows``, ``index``, ``citations``."""

        def clean(v: object) -> object:
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                return None
            return v.item() if hasattr(v, "item") else v

        records = [{k: clean(v) for k, v in rec.items()}
                   for rec in self.rows.to_dict(orient="records")]
        return {
            "pair": {side: {"iso3": c.iso3, "name": c.name, "note": c.note}
                     for side, c in (("a", self.a), ("b", self.b))},
            "years": list(self.years), "rows": records, "index": None,
            "notes": self.notes, "citations": self.citations(),
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def _families(store: Store, source: str | None, all_sources: bool) -> list[tuple[Family, str]]:
    """(family, release) pairs to compute, in priority order."""
    datasets = store.datasets()
    present = {(r.source, r.release) for r in datasets.itertuples()}
    want_source, want_release = (source.split("/", 1) + [None])[:2] if source else (None, None)
    if want_source and not any(s == want_source for s, _ in present):
        raise MissingDataError(f"--source {source}: that source is not in the store. Fix: run "
                               f"`amity setup --source {want_source}` (see `amity sources`)")
    chosen: list[tuple[Family, str]] = []
    covered: set[str] = set()
    ordered = sorted(FAMILIES, key=lambda f: f.source != want_source)
    for fam in ordered:
        releases = store.releases(fam.source)
        if fam.source == want_source and want_release:
            if want_release not in releases:
                raise MissingDataError(f"--source {source}: release {want_release!r} is not in "
                                       f"the store (have {releases})")
            releases = [want_release]
        if not releases:
            continue
        if all_sources:
            chosen += [(fam, r) for r in releases]
        elif not covered.intersection(fam.indicators):
            chosen.append((fam, releases[0]))
            covered.update(fam.indicators)
    return chosen


def _note(year: int, cov: tuple[Any, Any], label: str, a: str, b: str) -> str:
    lo, hi = cov
    if lo is not None and hi is not None and not (lo <= year <= hi):
        return f"outside {label} coverage ({int(lo)}-{int(hi)})"
    return f"no {label} record for {a}-{b} in {year}"


def profile(
    a: str | int,
    b: str | int,
    *,
    years: tuple[int, int] | None = None,
    source: str | None = None,
    all_sources: bool = False,
    store: Store | None = None,
) -> Profile:
    """Every indicator for the pair (a → b), year by year.

    Parameters
    ----------
    a, b
        Countries in any form :func:`amity.resolve` accepts ("PAK", 770, "Russian Federation").
    years
        Inclusive range; default 1946 to the last year any source covers.
    source
        Prefer this source (``"unvotes/voeten-2017"``, ``"cow_trade"``) where it applies.
    all_sources
        Rows from every source and release, not only the preferred one.
    store
        An open store (default: the user's, read-only).
    """
    ca, cb = _countries.resolve(a), _countries.resolve(b)
    if ca.iso3 == cb.iso3:
        raise InputError(f"{a!r} and {b!r} are the same country ({ca.iso3}). Fix: name two "
                         "different countries")
    own = store is None
    store = store or open_store(read_only=True)
    try:
        datasets = store.datasets()
        if datasets.empty:
            raise MissingDataError("the store is empty. Fix: run `amity setup` (with --mirror "
                                   "DIR or AMITY_MIRROR for a local copy of the data)")
        if years is None:
            years = (1946, int(datasets["coverage_end"].max()))
        pair = [ca.iso3, cb.iso3]
        frames = []
        for fam, release in _families(store, source, all_sources):
            values = fam.compute(store, release, pair, years)
            values = values[(values["a"] == ca.iso3) & (values["b"] == cb.iso3)]
            meta = datasets[(datasets["source"] == fam.source) & (datasets["release"] == release)]
            cov = (meta["coverage_start"].iloc[0], meta["coverage_end"].iloc[0])
            grid = pd.DataFrame({"year": range(years[0], years[1] + 1)})
            merged = grid.merge(values, on="year", how="left")
            for name in fam.indicators:
                if name not in merged:
                    continue
                col = merged[name].astype(object).where(merged[name].notna(), None)
                frames.append(pd.DataFrame({
                    "year": merged["year"], "dimension": INDICATORS[name].dimension,
                    "indicator": name, "value": col, "unit": INDICATORS[name].unit,
                    "source": fam.source, "release": release,
                    "note": [None if v is not None else
                             _note(y, cov, f"{fam.source} {release}", ca.iso3, cb.iso3)
                             for y, v in zip(merged["year"], col)],
                }))
    finally:
        if own:
            store.close()
    order = {n: i for i, n in enumerate(INDICATORS)}
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["year", "dimension", "indicator", "value", "unit", "source", "release", "note"])
    rows = rows.sort_values(["year", "indicator", "source", "release"],
                            key=lambda s: s.map(order) if s.name == "indicator" else s,
                            ignore_index=True)
    notes = [n for n in (ca.note, cb.note) if n]
    return Profile(ca, cb, years, rows, datasets, notes)


