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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from amity import countries as _countries
from amity._exceptions import InputError, MissingDataError, OptionError
from amity.index import (
    benchmark_pairs,
    default_year,
    is_current,
    pair_index,
    scorecard,
)
from amity.indicators import (
    DIMENSIONS,
    FAMILIES,
    INDICATORS,
    Slice,
    carry_forward,
    carry_of,
    default_slices,
)
from amity.indicators.conflict import hostility_of
from amity.indicators.media import WHOLE_YEAR
from amity.store import Store, store_scope

__all__ = ["Profile", "parse_years", "profile"]

def parse_years(text: str | None) -> tuple[int, int] | None:
    """``"1990-2014"`` → (1990, 2014); ``"2010"`` → (2010, 2010).

    Examples
    --------
    >>> parse_years("1990-2014")
    (1990, 2014)
    >>> parse_years("2014-1990")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    amity._exceptions.InputError: --years 2014-1990: the first year is after the last. Fix:
    write it as FIRST-LAST, e.g. 1990-2014
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
    if not (1000 <= lo <= 9999 and 1000 <= hi <= 9999):
        raise OptionError(f"--years {text}: years have four digits. Fix: write it as "
                          "FIRST-LAST, e.g. 1990-2014")
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
    index: dict[str, Any] | None = None

    def wide(self) -> pd.DataFrame:
        """Years × indicators (default source only), for display."""
        rows = self.rows
        return rows.pivot_table(index="year", columns="indicator", values="value",
                                aggfunc="first", dropna=False).reindex(
            columns=[i for i in INDICATORS if i in set(rows["indicator"])])

    def citations(self) -> list[dict[str, Any]]:
        """Source, release, title and citation of every dataset behind the rows."""
        used = self.rows[["source", "release"]].drop_duplicates()
        merged = used.merge(self.datasets, on=["source", "release"])
        return [{"source": r.source, "release": r.release, "title": r.title,
                 "citation": r.citation, "licence": r.licence, "caveats": list(r.caveats)}
                for r in merged.itertuples()]

    def data_to(self) -> dict[str, int | None]:
        """The last year with a value, per dimension (None: no value in the years asked)."""
        known = self.rows[self.rows["value"].notna()]
        last = known.groupby("dimension")["year"].max()
        return {d: (int(last[d]) if d in last.index else None) for d in DIMENSIONS}

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: ``pair``, ``years``, ``rows``, ``index``, ``data_to``
        (the last year with a value per dimension), ``notes``, ``citations``."""

        def clean(v: object) -> object:
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                return None
            return v.item() if hasattr(v, "item") else v

        records = [{k: clean(v) for k, v in rec.items()}
                   for rec in self.rows.to_dict(orient="records")]
        return {
            "pair": {side: {"iso3": c.iso3, "name": c.name, "note": c.note}
                     for side, c in (("a", self.a), ("b", self.b))},
            "years": list(self.years), "rows": records, "index": self.index,
            "data_to": self.data_to(), "notes": self.notes, "citations": self.citations(),
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def _plan(store: Store, source: str | None, all_sources: bool,
          years: tuple[int, int]) -> list[Slice]:
    """The (family, release, years) slices to compute for the profile."""
    if source:
        store.catalog.resolve(source)  # the source (and release) must be in the store
    if all_sources:
        return [Slice(fam, rel, years) for fam in FAMILIES for rel in store.releases(fam.source)]
    return default_slices(store, years, prefer=source, carry=True)


def _coverage_text(store_rows: pd.DataFrame, sources: list[str]) -> str:
    parts = []
    for src in dict.fromkeys(sources):
        for r in store_rows[store_rows["source"] == src].itertuples():
            if pd.notna(r.coverage_start):
                parts.append(f"{src} {r.release}: {int(r.coverage_start)}-{int(r.coverage_end)}")
    return "; ".join(parts)


def _uncovered(plan: list[Slice], frames: list[pd.DataFrame], years: tuple[int, int],
               datasets: pd.DataFrame) -> pd.DataFrame:
    """NA rows, with a coverage note, for the years no planned source covers."""
    have = {(n, y) for f in frames for n, y in zip(f["indicator"], f["year"], strict=True)}
    sources: dict[str, list[str]] = {}
    for fam in FAMILIES:
        if fam.source in set(datasets["source"]):
            for name in fam.indicators:
                sources.setdefault(name, []).append(fam.source)
    planned = {n for sl in plan for n in sl.family.indicators}
    rows = []
    for name in (n for n in INDICATORS if n in planned):
        note = f"outside the coverage of {_coverage_text(datasets, sources.get(name, []))}"
        for y in range(years[0], years[1] + 1):
            if (name, y) not in have:
                rows.append({"year": y, "dimension": INDICATORS[name].dimension,
                             "indicator": name, "value": None, "unit": INDICATORS[name].unit,
                             "source": None, "release": None, "note": note})
    return pd.DataFrame(rows, columns=["year", "dimension", "indicator", "value", "unit",
                                       "source", "release", "note"])


def _family_rows(store: Store, sl: Slice, values: pd.DataFrame, a: str, b: str
                 ) -> list[pd.DataFrame]:
    """Long rows of one slice's indicators, each with the note a reader needs beside it:
    why it is NA, the year a carried stock is as of, what the source's values are."""
    grid = pd.DataFrame({"year": range(sl.years[0], sl.years[1] + 1)})
    merged = grid.merge(values, on="year", how="left")
    found = store.release(sl.family.source, sl.release)
    derived = found.scope.get("derived") if found else None
    always = "; ".join(n for n in (f"derived: {derived}" if derived else None,
                                   sl.family.value_note) if n)
    share_col, whole = WHOLE_YEAR
    # the event families' own coverage of the year (not another family's)
    share = merged[share_col] if share_col in sl.family.indicators else None
    out = []
    for name in sl.family.indicators:
        if name not in merged:
            continue
        col = merged[name].astype(object).where(merged[name].notna(), None)
        asof = merged.get(f"{name}_asof")
        notes: list[str | None] = []
        for i, (y, v) in enumerate(zip(merged["year"], col, strict=True)):
            if v is None:
                notes.append(f"no {sl.family.source} {sl.release} record for {a}-{b} in {y}")
                continue
            parts = [always] if always else []
            if asof is not None and pd.notna(asof.iloc[i]) and asof.iloc[i] < y:
                parts.insert(0, f"as of {int(asof.iloc[i])}: the latest value, carried "
                                f"forward (a slow-moving stock or state; at most "
                                f"{INDICATORS[name].carry} years)")
            if share is not None and pd.notna(share.iloc[i]) and share.iloc[i] < whole:
                parts.insert(0, f"sample: the event files cover {share.iloc[i]:.2%} of {y}; "
                                "not the year's figure")
            notes.append("; ".join(parts) or None)
        out.append(pd.DataFrame({
            "year": merged["year"], "dimension": INDICATORS[name].dimension,
            "indicator": name, "value": col, "unit": INDICATORS[name].unit,
            "source": sl.family.source, "release": sl.release, "note": notes}))
    return out


def profile(
    a: str | int,
    b: str | int,
    *,
    years: tuple[int, int] | None = None,
    source: str | None = None,
    all_sources: bool = False,
    compare: Sequence[str] | None = None,
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
    compare
        Benchmark pairs ("PAK-CHN"); default: each country's largest trade partner.
    store
        An open store (default: the user's, read-only).
    """
    ca, cb = _countries.resolve(a), _countries.resolve(b)
    if ca.iso3 == cb.iso3:
        raise InputError(f"{a!r} and {b!r} are the same country ({ca.iso3}). Fix: name two "
                         "different countries")
    with store_scope(store) as s:
        return _profile(s, ca, cb, years, source, all_sources, compare)


def _profile(store: Store, ca: _countries.Country, cb: _countries.Country,
         years: tuple[int, int] | None, source: str | None, all_sources: bool,
         compare: Sequence[str] | None) -> Profile:
    datasets = store.datasets()
    if datasets.empty:
        raise MissingDataError("the store is empty. Fix: run `amity setup` (with --mirror "
                               "DIR or AMITY_MIRROR for a local copy of the data)")
    first, last = int(datasets["coverage_start"].min()), int(datasets["coverage_end"].max())
    if years is None:
        years = (1946, last)
    elif years[1] < first or years[0] > last:
        raise InputError(f"--years {years[0]}-{years[1]}: no data in that range; the "
                         f"store's sources cover {first}-{last}. Fix: ask for years in "
                         f"{first}-{last} (`amity sources` shows each source's years)")
    # the names of the years asked for: the Soviet Union up to 1991, Russia after
    ca, cb = (replace(c, name=_countries.name_in(c, years)) for c in (ca, cb))
    pair = [ca.iso3, cb.iso3]
    frames = []
    plan = _plan(store, source, all_sources, years)
    stored = _stored_panel(store, ca.iso3, cb.iso3, years) if not (
        all_sources or source) else None
    for sl in plan:
        if stored is not None and set(sl.family.indicators) <= set(stored.columns):
            values = stored  # the default sources' values, computed by `amity setup`
        else:
            try:
                values = sl.family.compute(store, sl.release, pair, sl.computed)
            except MissingDataError:  # the release lacks a table this family needs
                continue
            values = values[(values["a"] == ca.iso3) & (values["b"] == cb.iso3)]
            ages = carry_of(sl.family)
            if ages and sl.years != sl.computed and len(values):
                values = carry_forward(values, ages, sl.years)
        frames.extend(_family_rows(store, sl, values, ca.iso3, cb.iso3))
    frames.append(_uncovered(plan, frames, years, datasets))
    index = _index_part(store, ca.iso3, cb.iso3, years, compare)
    order = {n: i for i, n in enumerate(INDICATORS)}
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["year", "dimension", "indicator", "value", "unit", "source", "release", "note"])
    rows = rows.sort_values(["year", "indicator", "source", "release"], na_position="last",
                            key=lambda s: s.map(order) if s.name == "indicator" else s,
                            ignore_index=True)
    if index is not None and index["latest"]:
        _say_why(index["latest"], rows)
    if index is not None and not all_sources and source is None:
        pct = index.pop("_percentiles")
        rows["percentile"] = [pct.get((y, n)) if v is not None else None
                              for y, n, v in zip(rows["year"], rows["indicator"], rows["value"],
                                                 strict=True)]
    elif index is not None:
        index.pop("_percentiles")
    notes = [n for n in (ca.note, cb.note) if n]
    if index is None:
        notes.append("no relationship index in the store: run `amity setup` to build it")
    return Profile(ca, cb, years, rows, datasets, notes, index)


def _say_why(card: dict[str, Any], rows: pd.DataFrame) -> None:
    """Add to the scorecard's conflict entry the conflict indicators behind its hostility."""
    entry = card["by_dimension"].get("conflict")
    if entry is None:
        return
    year = rows[(rows["year"] == card["year"]) & (rows["dimension"] == "conflict")]
    values = dict(zip(year["indicator"], year["value"], strict=True))
    level, reasons = hostility_of(values)
    entry["reasons"] = reasons
    entry["sources"] = sorted({f"{s}/{r}" for s, r, v in zip(
        year["source"], year["release"], year["value"], strict=True) if v is not None})


def _stored_panel(store: Store, a: str, b: str, years: tuple[int, int]) -> pd.DataFrame | None:
    """The pair's rows of the stored panel, if it is current with the stored datasets."""
    if not store.has("panel") or not is_current(store):
        return None
    p = store.ibis.table("panel")
    return p.filter((p.a == a) & (p.b == b) & p.year.between(*years)).to_pandas()


def _index_part(store: Store, a: str, b: str, years: tuple[int, int],
                compare: Sequence[str] | None) -> dict[str, Any] | None:
    """The pair's scorecards by year, the latest one, and the benchmark pairs'."""
    if not store.has("index_scores"):
        return None
    idx = pair_index(store, a, b, years)
    cards = [scorecard(r) for _, r in idx.iterrows()]
    latest, why = _index_year(store, cards, years)
    pct = {}
    for col in (c for c in idx.columns if c.startswith("p_")):
        for y, v in zip(idx["year"], idx[col], strict=True):
            if pd.notna(v):
                pct[(int(y), col[2:])] = round(float(v), 2)
    bench = []
    if latest is not None:
        for x, y in benchmark_pairs(store, a, b, year=latest["year"], compare=compare):
            other = pair_index(store, x, y, (latest["year"], latest["year"]))
            bench.append({"pair": f"{x}-{y}", "a": x, "b": y,
                          "scorecard": scorecard(other.iloc[0]) if len(other) else None})
    return {"method": "percentile among all pairs with data that year, composite over the "
                      "year's basis, discounted by hostility; see docs/indicators.md",
            "year": latest["year"] if latest else None, "why": why, "latest": latest,
            "by_year": cards, "benchmarks": bench, "_percentiles": pct}


def _index_year(store: Store, cards: list[dict[str, Any]], years: tuple[int, int]
                ) -> tuple[dict[str, Any] | None, str]:
    """The scorecard the profile headlines, and why that year: the index's default year
    (the same for every pair, rank and brief) when the years asked include it, else the
    last year asked for with a composite."""
    try:
        year, why = default_year(store)
    except MissingDataError:
        year, why = None, ""
    if year is not None and years[0] <= year <= years[1]:
        card = next((c for c in cards if c["year"] == year), None)
        if card is not None and card["composite"] is None:
            why += (f"; this pair has no composite in {year}: "
                    f"{card.get('unscored') or 'no data on a dimension of the basis'}")
        return card, why
    with_composite = [c for c in cards if c["composite"] is not None]
    if with_composite:
        card = with_composite[-1]
        return card, (f"{card['year']}: the last year asked for ({years[0]}-{years[1]}) in "
                      "which the pair has a composite")
    return (cards[-1] if cards else None), "no year asked for has a composite for this pair"


