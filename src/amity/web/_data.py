"""What each page and endpoint computes, from amity's public functions.

Every function takes the :class:`~amity.web._reader.Reader` and parameters already
checked by :mod:`amity.web._params` (ISO3 codes, ints, source names amity produced), asks
the library for the answer (:func:`amity.profile.profile`, :func:`amity.index.rank_partners`,
:func:`amity.timeline.timeline`, :func:`amity.opportunities.opportunities`,
:func:`amity.claims.check`, :func:`amity.report.brief`, :func:`amity.cite.cite`) and turns
it into JSON with the same functions as the CLI's ``--format json``
(``Profile.to_dict``, ``opportunities.to_dict``, ``CheckReport.to_dict``,
``DataFrame.to_json(orient="records")`` for ``rank``, :func:`amity.cite.source_records`
for ``sources``). Answers are cached by the reader per version of the store.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from amity._exceptions import InputError, MissingDataError
from amity.web._params import Pair
from amity.web._reader import Reader

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TIMELINE_COLUMNS", "Result", "brief", "check", "cite", "dimension_rows",
           "highlight", "opportunities", "overview", "profile", "profile_json", "rank",
           "rank_records", "sources", "suggest", "timeline", "to_json_bytes"]


@dataclass(frozen=True)
class Result:
    """A value and whether it was computed from an earlier version of the store."""

    value: Any
    stale: bool = False


def to_json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON (NaN as null)."""
    return json.dumps(_clean(value), ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False, default=str).encode("utf-8")


def _clean(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            return _clean(value.item())
        except (ValueError, AttributeError):
            return str(value)
    return value


# -- countries -------------------------------------------------------------------------
@cache
def _country_keys() -> list[tuple[str, str, str, list[str]]]:
    """(iso3, name, cow code, lower-case search keys) of every country in the crosswalk."""
    import pandas as pd

    from amity.countries import table

    out = []
    for r in table().itertuples():
        variants = str(r.variants) if pd.notna(r.variants) else ""
        names = [str(r.name)] + [v for v in variants.split("|") if v]
        codes = [str(r.iso3), str(r.iso2) if pd.notna(r.iso2) else ""]
        cow = "" if pd.isna(r.cow_code) else str(int(r.cow_code))
        keys = [k.lower() for k in names + codes + [cow] if k]
        out.append((str(r.iso3), str(r.name), cow, keys))
    return out


def suggest(query: str, limit: int = 10) -> list[dict[str, str]]:
    """Countries whose name, listed variant, ISO code or COW code starts with ``query``
    (then those with a word starting with it), best first.

    Examples
    --------
    >>> [c["iso3"] for c in suggest("pak")][:1], suggest("770")[0]["iso3"]
    (['PAK'], 'PAK')
    """
    q = " ".join(query.lower().split())
    if not q:
        return []
    scored = []
    for iso3, name, cow, keys in _country_keys():
        if q in (iso3.lower(), cow) or q == name.lower():
            rank = 0
        elif name.lower().startswith(q):
            rank = 1
        elif any(k.startswith(q) for k in keys):
            rank = 2
        elif any(w.startswith(q) for k in keys for w in k.replace("-", " ").split()):
            rank = 3
        else:
            continue
        scored.append((rank, name, iso3, cow))
    scored.sort()
    return [{"iso3": iso3, "name": name, "cow": cow} for _, name, iso3, cow in scored[:limit]]


# -- profile and overview ----------------------------------------------------------------
def profile(reader: Reader, pair: Pair, years: tuple[int, int] | None,
            source: str | None = None, all_sources: bool = False) -> Result:
    """The pair's :class:`~amity.profile.Profile` (as ``amity profile``)."""
    from amity.profile import profile as build

    def compute(store: Any) -> Any:
        return build(pair.a.iso3, pair.b.iso3, years=years, source=source,
                     all_sources=all_sources, store=store)

    found = reader.get(("profile", pair.slug, years, source, all_sources), compute)
    return Result(found.value, found.stale)


def profile_json(reader: Reader, pair: Pair, years: tuple[int, int] | None,
                 source: str | None = None, all_sources: bool = False) -> Result:
    """``amity profile --format json`` as bytes (``Profile.to_dict``)."""
    got = profile(reader, pair, years, source, all_sources)
    body = reader.derive(("profile.json", pair.slug, years, source, all_sources),
                         lambda: to_json_bytes(got.value.to_dict()), stale=got.stale)
    return Result(body, got.stale)


def overview(reader: Reader, pair: Pair, years: tuple[int, int] | None,
             year: int | None = None) -> Result:
    """The profile's JSON without its rows (``pair``, ``years``, ``index``, ``data_to``,
    ``notes``, ``citations``), plus ``card``: the scorecard of ``year`` (default the
    index's year) with ``benchmarks`` for that year and ``behind``: the indicators of
    its weakest and strongest dimension that year."""
    got = profile(reader, pair, years)

    def compute() -> dict[str, Any]:
        p = got.value
        data = p.to_dict()
        data.pop("rows")
        index = data.get("index") or {}
        cards = {c["year"]: c for c in index.get("by_year", [])}
        chosen = year if year is not None else index.get("year")
        if year is not None and year not in cards:
            have = sorted(y for y, c in cards.items() if c.get("composite") is not None)
            span = f"{have[0]}-{have[-1]}" if have else "none"
            raise InputError(f"year: {year} has no index for {pair.slug}. Fix: pick a year "
                             f"with a composite ({span})")
        card = cards.get(chosen) if chosen is not None else None
        data["card"] = card
        data["years_with_index"] = sorted(y for y, c in cards.items()
                                          if c.get("composite") is not None)
        data["benchmark_cards"] = (_benchmarks(reader, index, int(chosen))
                                   if card is not None and chosen is not None else [])
        data["behind"] = _behind(p.rows, card) if card is not None else {}
        return data

    value = reader.derive(("overview", pair.slug, years, year), compute, stale=got.stale)
    return Result(value, got.stale)


def _benchmarks(reader: Reader, index: dict[str, Any], year: int) -> list[dict[str, Any]]:
    """The benchmark pairs' scorecards in ``year`` (the profile has them for its year)."""
    if year == index.get("year"):
        return list(index.get("benchmarks", []))
    from amity.index import pair_index, scorecard

    pairs = [(b["a"], b["b"]) for b in index.get("benchmarks", [])]

    def compute(store: Any) -> list[dict[str, Any]]:
        out = []
        for x, y in pairs:
            rows = pair_index(store, x, y, (year, year))
            out.append({"pair": f"{x}-{y}", "a": x, "b": y,
                        "scorecard": scorecard(rows.iloc[0]) if len(rows) else None})
        return out

    return reader.get(("benchmarks", tuple(pairs), year), compute).value  # type: ignore


def _behind(rows: pd.DataFrame, card: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The indicators with a value in the card's year for its weakest and strongest
    dimension: indicator, value, unit, percentile, source, release."""
    out: dict[str, list[dict[str, Any]]] = {}
    year_rows = rows[(rows["year"] == card["year"]) & rows["value"].notna()]
    for which in ("weakest", "strongest"):
        dim = card.get(which)
        if not dim:
            continue
        part = year_rows[year_rows["dimension"] == dim]
        cols = [c for c in ("indicator", "value", "unit", "percentile", "source", "release",
                            "note") if c in part.columns]
        out[which] = _clean(part[cols].to_dict(orient="records"))
    return out


def dimension_rows(reader: Reader, pair: Pair, dimension: str, years: tuple[int, int] | None,
                   source: str | None) -> Result:
    """A dimension's profile rows (every source with ``source=None``: all releases)."""
    got = profile(reader, pair, years, all_sources=True)

    def compute() -> dict[str, Any]:
        import pandas as pd

        rows = got.value.rows
        part = rows[rows["dimension"] == dimension]
        sources = sorted({f"{s}/{r}" for s, r in zip(part["source"], part["release"],
                                                      strict=True) if pd.notna(s)})
        if source is not None:
            src, _, rel = source.partition("/")
            keep = part["source"] == src
            if rel:
                keep &= part["release"] == rel
            if not keep.any():
                raise InputError(f"source: {source} has no {dimension} rows for {pair.slug}. "
                                 f"Fix: use one of {', '.join(sources) or 'none'}")
            part = part[keep]
        cols = ["year", "indicator", "value", "unit", "source", "release", "note"]
        return {"dimension": dimension, "sources": sources, "source": source,
                "rows": _clean(part[cols].to_dict(orient="records"))}

    value = reader.derive(("dimension", pair.slug, dimension, years, source), compute,
                          stale=got.stale)
    return Result(value, got.stale)


# -- rank, timeline, opportunities --------------------------------------------------------
def rank(reader: Reader, iso3: str, year: int | None, dimension: str | None,
         top: int | None) -> Result:
    """``amity rank``: the frame (``attrs``: country, year, dimension, why, basis,
    unranked)."""
    from amity.index import rank_partners

    def compute(store: Any) -> pd.DataFrame:
        try:
            return rank_partners(store, iso3, year=year, dimension=dimension, top=top)
        except MissingDataError:
            latest = _latest_composite_year(store) if year is None else None
            if latest is None:
                raise
            frame = rank_partners(store, iso3, year=latest, dimension=dimension, top=top)
            frame.attrs["why"] = (f"{latest}: the latest year with composites (no year of "
                                  "the store's index has every core dimension)")
            return frame

    found = reader.get(("rank", iso3, year, dimension, top), compute)
    return Result(found.value, found.stale)


def _latest_composite_year(store: Any) -> int | None:
    """The latest year whose index has composites (the index's stored basis by year)."""
    found = store.release("amity_index", "panel")
    basis = found.scope.get("basis", {}) if found else {}
    years = [int(y) for y, b in basis.items() if b.get("composites")]
    return max(years) if years else None


def rank_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``amity rank --format json``: the frame's records."""
    return json.loads(frame.to_json(orient="records"))  # type: ignore[no-any-return]


#: Timeline columns shown and returned (the store's, with the date at its precision).
TIMELINE_COLUMNS = ["date", "kind", "level", "title", "a", "b", "derived", "events",
                    "source_name", "source_title", "source_date", "source_url", "notes",
                    "source", "release", "id"]


def timeline(reader: Reader, pair: Pair, years: tuple[int, int] | None,
             kind: str | None = None, level: str | None = None) -> Result:
    """The pair's engagements (:func:`amity.timeline.timeline`) as records, filtered by
    kind and level; ``kinds`` and ``levels`` list the values present."""
    import pandas as pd

    from amity.timeline import format_date
    from amity.timeline import timeline as build

    def compute(store: Any) -> dict[str, Any]:
        try:
            frame = build(store, pair.a.iso3, pair.b.iso3, years=years)
        except MissingDataError:
            frame = pd.DataFrame(columns=TIMELINE_COLUMNS + ["date_precision"])
        records = []
        for r in frame.to_dict(orient="records"):
            r["date"] = format_date(r["date"], str(r.get("date_precision") or "day"))
            records.append({c: r.get(c) for c in TIMELINE_COLUMNS})
        return {"pair": [pair.a.iso3, pair.b.iso3], "rows": _clean(records)}

    found = reader.get(("timeline", pair.slug, years), compute)
    rows = found.value["rows"]
    kinds = sorted({r["kind"] for r in rows if r["kind"]})
    levels = sorted({r["level"] for r in rows if r["level"]})
    chosen = [r for r in rows if (kind is None or r["kind"] == kind)
              and (level is None or r["level"] == level)]
    return Result({"pair": found.value["pair"], "kind": kind, "level": level, "kinds": kinds,
                   "levels": levels, "rows": chosen}, found.stale)


def opportunities(reader: Reader, exporter: str, market: str, year: int | None,
                  level: str | None, source: str | None, top: int | None) -> Result:
    """``amity opportunities``: the frame (``attrs`` as :func:`amity.opportunities`)."""
    from amity.opportunities import opportunities as find

    found = reader.get(("opportunities", exporter, market, year, level, source, top),
                       lambda store: find(exporter, market, year=year, level=level,
                                          source=source, store=store, top=top))
    return Result(found.value, found.stale)


# -- claims, brief, sources -------------------------------------------------------------
def check(reader: Reader, text: str, date: str | None,
          pair: tuple[str, str] | None) -> Result:
    """``amity check``: the :class:`~amity.claims.CheckReport` of ``text``."""
    from amity.claims import check as run

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    found = reader.get(("check", digest, date, pair),
                       lambda store: run(text, pair=pair, store=store, date=date))
    return Result(found.value, found.stale)


def highlight(report: Any) -> list[dict[str, Any]]:
    """The text cut at claim boundaries: ``{"text", "claim", "verdict"}`` pieces (claim
    None outside claims; overlaps take the first claim), for a template to escape."""
    text = report.text
    cuts = {0, len(text)}
    for r in report.results:
        cuts.update((r.claim.start, r.claim.end))
    bounds = sorted(cuts)
    out = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        over = [r for r in report.results if r.claim.start <= lo and hi <= r.claim.end]
        out.append({"text": text[lo:hi], "claim": over[0].claim.id if over else None,
                    "verdict": over[0].verdict if over else None})
    return out


def brief(reader: Reader, pair: Pair, years: tuple[int, int] | None) -> Result:
    """``amity brief``: the :class:`~amity.report.Brief` of the pair (built, as
    :func:`amity.report.brief` does, from the pair's profile: the cached one)."""
    import copy
    from dataclasses import replace

    from amity.report.model import build

    got = profile(reader, pair, years)
    mine = replace(got.value, rows=got.value.rows.copy(), index=copy.deepcopy(got.value.index))
    found = reader.get(("brief", pair.slug, years), lambda store: build(mine, store))
    return Result(found.value, found.stale or got.stale)


def sources(reader: Reader) -> Result:
    """``amity sources --format json``: every release amity knows and what the store holds."""
    from amity.cite import source_records

    found = reader.get(("sources",), lambda store: source_records(store.datasets()))
    return Result(found.value, found.stale)


def cite(spec: str | None) -> list[dict[str, str]]:
    """``amity cite --format json`` (the registry; no store needed)."""
    from amity.cite import cite as records

    return records(spec)

