"""Reading the stored index: one pair's scorecard, a country's partners, benchmark pairs.

The index is computed for all pairs and years by :func:`amity.index.build` (run by
``amity setup``) and stored as ``index_scores``; these functions read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from amity import countries as _countries
from amity._exceptions import InputError, MissingDataError
from amity.index.score import MIN_BASIS_DIMS
from amity.indicators import DIMENSIONS, INDEX_DIMENSIONS
from amity.store import store_scope

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["benchmark_pairs", "default_year", "pair_index", "rank", "rank_partners",
           "scorecard"]

_NO_INDEX = ("the store has no relationship index. Fix: run `amity setup` (it builds the "
             "index after ingesting)")


def _index(store: Store) -> Any:
    if not store.has("index_scores"):
        raise MissingDataError(_NO_INDEX)
    return store.ibis.table("index_scores")


def default_year(store: Store) -> tuple[int, str]:
    """The index's default year, and why: the latest year whose basis has every core
    dimension and in which at least half the scored pairs have a composite (stored by
    ``amity setup``; :func:`amity.index.panel.default_year_of`).

    Raises
    ------
    MissingDataError
        No index, or no year meets the rule.
    """
    found = store.release("amity_index", "panel")
    if found is None:
        raise MissingDataError(_NO_INDEX)
    year = found.scope.get("default_year")
    if year is None:
        raise MissingDataError("no year of the index meets the default-year rule (every "
                               "core dimension in the year's basis). Fix: ingest the "
                               "sources of the missing dimensions with `amity setup`")
    basis = found.scope["basis"][str(year)]
    why = (f"{year}: the latest year whose basis has every core dimension "
           f"({', '.join(basis['dimensions'])}) and in which at least half of the scored "
           f"pairs have a composite ({basis['composites']:,} of {basis['scored']:,})")
    return int(year), why


def pair_index(store: Store, a: str, b: str, years: tuple[int, int] | None = None
               ) -> pd.DataFrame:
    """The stored index rows of the directed pair (a, b), one per year."""
    t = _index(store)
    t = t.filter((t.a == a) & (t.b == b))
    if years is not None:
        t = t.filter(t.year.between(*years))
    return t.order_by("year").to_pandas()


def scorecard(row: pd.Series) -> dict[str, Any]:
    """One year's index as a dict: composite, coverage, weakest, strongest, dimensions."""

    def num(v: Any) -> float | None:
        return None if v is None or pd.isna(v) else round(float(v), 2)

    def text(v: Any) -> str | None:
        return None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)

    dims = {}
    for d in DIMENSIONS:
        value = num(row[f"score_{d}"]) if f"score_{d}" in row else None
        n = row.get(f"n_{d}")
        dims[d] = {"score": value,
                   "indicators": int(n) if value is not None and n is not None else 0,
                   "trend_per_year": num(row.get(f"score_{d}_trend")),
                   "break": text(row.get(f"score_{d}_break")),
                   "note": None if value is not None else
                   "no data for this pair and year in the ingested sources"}
    if "hostility" in row:  # conflict is a discount, not a percentile (amity.index.score)
        dims["conflict"]["hostility"] = num(row["hostility"])
        dims["conflict"]["note"] = (
            "no conflict data for this pair and year" if dims["conflict"]["score"] is None
            else "100 x (1 - hostility): the composite is discounted by the hostility")
    basis = [d for d in str(row.get("basis") or "").split(", ") if d]
    lacking = [d for d in basis if dims[d]["score"] is None]
    unscored = (f"the year's data cover {len(basis)} dimension(s), fewer than the "
                f"{MIN_BASIS_DIMS} a composite needs" if len(basis) < MIN_BASIS_DIMS
                else ("no data on " + ", ".join(lacking)) if lacking else None)
    return {"year": int(row["year"]), "composite": num(row["composite"]),
            "basis": basis, "unscored": unscored,
            "coverage": int(row["coverage"]), "dimensions_total": len(INDEX_DIMENSIONS),
            "weakest": text(row["weakest"]), "strongest": text(row["strongest"]),
            "composite_trend_per_year": num(row.get("composite_trend")),
            "composite_break": text(row.get("composite_break")), "by_dimension": dims}


def rank_partners(store: Store, country: str | int, *, year: int | None = None,
                  dimension: str | None = None, top: int | None = 20,
                  min_coverage: int | None = None) -> pd.DataFrame:
    """A country's partners ranked by the composite or one dimension's score.

    Parameters
    ----------
    country
        Any form :func:`amity.resolve` accepts.
    year
        Default: the index's default year (:func:`default_year`), the same for every
        country, profile and brief.
    dimension
        One of ``political, economic, military, people, multilateral, media``; default
        the composite.
    top
        How many partners (None: all).
    min_coverage
        Partners need at least this many dimensions with data (default 1; a composite
        already needs every dimension of the year's basis). Partners without a score are
        listed in ``attrs["unranked"]`` with the reason.

    Returns
    -------
    DataFrame
        ``rank, partner, name, year, score, coverage`` and each dimension's score.
    """
    iso3 = _countries.to_iso3(country)
    if dimension is not None and dimension not in DIMENSIONS:
        raise InputError(f"--dimension {dimension}: not a dimension. Use one of "
                         f"{', '.join(DIMENSIONS)}")
    t = _index(store)
    mine = t.filter(t.a == iso3)
    why = f"{year}: the year asked for"
    if year is None:
        year, why = default_year(store)
    col = f"score_{dimension}" if dimension else "composite"
    if col not in t.columns:
        raise MissingDataError(f"no {dimension} data in the index. Fix: ingest its sources "
                               "with `amity setup`")
    least = min_coverage if min_coverage is not None else 1
    rows = mine.filter((mine.year == year) & mine[col].notnull() & (mine.coverage >= least))
    frame = rows.order_by([rows[col].desc(), rows.b]).to_pandas()
    if frame.empty:
        raise MissingDataError(f"no {dimension or 'composite'} scores for {iso3} in {year}"
                               f"{_why_none(store, year) if not dimension else ''}. Fix: "
                               "pick another --year (without one: the default year)")
    missing = mine.filter((mine.year == year) & mine[col].isnull()).select(
        "b", "coverage", "basis", *[f"score_{d}" for d in DIMENSIONS
                                    if f"score_{d}" in t.columns]).to_pandas()
    out = pd.DataFrame({
        "rank": range(1, len(frame) + 1), "partner": frame["b"],
        "name": [_countries.resolve(c).name for c in frame["b"]], "year": year,
        "score": frame[col], "coverage": frame["coverage"],
        **{d: frame[f"score_{d}"] for d in DIMENSIONS if f"score_{d}" in frame},
    })
    out.attrs.update(country=iso3, year=year, dimension=dimension or "composite", why=why,
                     basis=str(frame["basis"].iloc[0]) if "basis" in frame else "",
                     unranked=[(str(r.b), _reason(r)) for r in missing.itertuples()])
    return out.head(top) if top else out


def _why_none(store: Store, year: int) -> str:
    """Why a year has no composites, from the stored basis of each year."""
    found = store.release("amity_index", "panel")
    basis = found.scope.get("basis", {}) if found else {}
    if str(year) not in basis:
        years = sorted(int(y) for y in basis)
        return f" (the index covers {years[0]}-{years[-1]})" if years else ""
    dims = basis[str(year)]["dimensions"]
    if len(dims) < MIN_BASIS_DIMS:
        with_any = [int(y) for y, b in basis.items() if b["composites"]]
        return (f": {year}'s data cover {len(dims)} dimension(s) ({', '.join(dims) or 'none'}),"
                f" fewer than the {MIN_BASIS_DIMS} a composite needs; the latest year with "
                f"composites is {max(with_any, default='none')}")
    return ""


def _reason(row: Any) -> str:
    """Why a partner has no composite in the year: the basis dimensions it lacks."""
    need = [d for d in str(row.basis or "").split(", ") if d]
    lacking = [d for d in need if pd.isna(getattr(row, f"score_{d}", None))]
    return ("no data on " + ", ".join(lacking)) if lacking else "no composite"


def benchmark_pairs(store: Store, a: str, b: str, *, year: int | None = None,
                    compare: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """Pairs to compare (a, b) with: ``compare`` ("PAK-CHN") or each side's top partner.

    The default is a's and b's largest trade partner (``trade_total_usd`` in the latest
    panel year with trade data for them, before ``year`` when given), other than each
    other.
    """
    if compare:
        pairs = []
        for spec in compare:
            parts = spec.replace("–", "-").split("-")
            if len(parts) != 2:
                raise InputError(f"--compare {spec}: write a pair as A-B, e.g. PAK-CHN")
            pairs.append((_countries.to_iso3(parts[0]), _countries.to_iso3(parts[1])))
        return pairs
    if not store.has("panel") or "trade_total_usd" not in store.ibis.table("panel").columns:
        return []
    p = store.ibis.table("panel")
    out = []
    for side, other in ((a, b), (b, a)):
        rows = p.filter((p.a == side) & (p.b != other) & p.trade_total_usd.notnull())
        if year is not None:
            rows = rows.filter(rows.year <= year)
        last = rows.year.max().execute()
        if last is None or pd.isna(last):
            continue
        top = rows.filter(rows.year == last).order_by(rows.trade_total_usd.desc()).limit(1)
        frame = top.select("b").to_pandas()
        if len(frame):
            out.append((side, str(frame["b"].iloc[0])))
    return out


def rank(country: str | int, *, year: int | None = None, dimension: str | None = None,
         top: int | None = 20, store: Store | None = None) -> pd.DataFrame:
    """A country's partners ranked by the relationship index (:func:`rank_partners`), from
    ``store`` or the user's store."""
    with store_scope(store) as s:
        return rank_partners(s, country, year=year, dimension=dimension, top=top)
