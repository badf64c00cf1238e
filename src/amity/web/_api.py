"""The JSON API under ``/api/``: the data of every page, as the CLI's ``--format json``.

Every parameter passes :mod:`amity.web._params` before it is used; what reaches the
library is an ISO3 code, an int or a registered source name. Downloads (the brief, and
every table as CSV or Parquet) are built in memory and named from those checked values
only (``PAK-RUS-timeline.csv``), so nothing a request says becomes a path.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from amity._exceptions import InputError
from amity.web import _data
from amity.web import _params as P
from amity.web._errors import TooLarge
from amity.web._reader import Reader

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_CHECK", "TABLES", "attachment", "json_response", "reader_of", "router",
           "table_frame"]

router = APIRouter(prefix="/api", tags=["api"])
#: The longest text the claim checker takes (characters).
MAX_CHECK = 200_000
#: The tables that can be downloaded (``/api/table/{name}``).
TABLES = ("profile", "scorecard", "dimension", "timeline", "opportunities", "rank", "sources")

A = Annotated[str, Query(description="First country: name, ISO3, ISO2 or COW code",
                         max_length=P.MAX_TEXT_PARAM)]
B = Annotated[str, Query(description="Second country", max_length=P.MAX_TEXT_PARAM)]
Years = Annotated[str | None, Query(description="FIRST-LAST, e.g. 1990-2014",
                                    max_length=20)]
Year = Annotated[int | None, Query(description="A year, e.g. 2019")]
Source = Annotated[str | None, Query(description="source or source/release (see /api/sources)",
                                     max_length=P.MAX_TEXT_PARAM)]
Top = Annotated[int | None, Query(ge=1, le=1000, description="How many rows")]


def reader_of(request: Request) -> Reader:
    """The app's store reader."""
    return request.app.state.reader  # type: ignore[no-any-return]


def json_response(body: bytes | Any, stale: bool = False) -> Response:
    """JSON (bytes as they are, anything else serialised), marked stale when computed from
    an earlier version of the store (``X-Amity-Data: stale``)."""
    content = body if isinstance(body, bytes) else _data.to_json_bytes(body)
    headers = {"X-Amity-Data": "stale"} if stale else {}
    return Response(content, media_type="application/json", headers=headers)


def attachment(content: bytes, filename: str, media_type: str) -> Response:
    """A download named ``filename`` (made of checked values only: ISO3 codes, years)."""
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# -- countries, profile, overview ------------------------------------------------------------
@router.get("/countries", summary="Country suggestions for a name, ISO or COW code")
def countries(q: Annotated[str, Query(max_length=P.MAX_TEXT_PARAM)] = "",
              limit: Annotated[int, Query(ge=1, le=50)] = 10) -> Response:
    """Countries whose name, listed variant, ISO3/ISO2 or COW code starts with ``q``."""
    return json_response(_data.suggest(q, limit))


@router.get("/profile", summary="amity profile A B --format json")
def profile(request: Request, a: A, b: B, years: Years = None, source: Source = None,
            all_sources: bool = False) -> Response:
    """The pair's indicators year by year with sources (``Profile.to_dict``)."""
    pair = P.pair(a, b)
    got = _data.profile_json(reader_of(request), pair, P.years(years), P.source(source),
                             all_sources)
    return json_response(got.value, got.stale)


@router.get("/overview", summary="The pair's index: scorecard, benchmarks, weakest/strongest")
def overview(request: Request, a: A, b: B, year: Year = None, years: Years = None) -> Response:
    """The profile's JSON without its rows, with ``card`` (the scorecard of ``year``,
    default the index's year), ``benchmark_cards`` and ``behind`` (the indicators of the
    weakest and strongest dimension)."""
    pair, span, chosen = P.pair(a, b), P.years(years), P.year(year)
    reader = reader_of(request)
    got = _data.overview(reader, pair, span, chosen)
    body = reader.derive(("overview.json", pair.slug, span, chosen),
                         lambda: _data.to_json_bytes(got.value), stale=got.stale)
    return json_response(body, got.stale)


@router.get("/dimension/{dimension}", summary="One dimension's rows, from every source")
def dimension(request: Request, dimension: str, a: A, b: B, years: Years = None,
              source: Source = None) -> Response:
    """The rows of one dimension (every source and release, or ``source``)."""
    from amity.indicators import DIMENSIONS

    dim = P.choice(dimension, DIMENSIONS, "dimension")
    assert dim is not None
    got = _data.dimension_rows(reader_of(request), P.pair(a, b), dim, P.years(years),
                               P.source(source))
    return json_response(got.value, got.stale)


@router.get("/rank", summary="amity rank COUNTRY --format json")
def rank(request: Request, country: A, year: Year = None,
         dimension: Annotated[str | None, Query(max_length=20)] = None,
         top: Top = 20) -> Response:
    """A country's partners ranked by the relationship index or one dimension."""
    from amity.indicators import DIMENSIONS

    got = _data.rank(reader_of(request), P.country(country).iso3, P.year(year),
                     P.choice(dimension, DIMENSIONS, "dimension"), top)
    return json_response(_data.rank_records(got.value), got.stale)


@router.get("/timeline", summary="The pair's engagements, each with its source")
def timeline(request: Request, a: A, b: B, years: Years = None,
             kind: Annotated[str | None, Query(max_length=20)] = None,
             level: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    """Curated and derived engagements, filtered by ``kind`` and ``level``."""
    from amity.sources.engagements import KINDS, LEVELS

    got = _data.timeline(reader_of(request), P.pair(a, b), P.years(years),
                         P.choice(kind, KINDS, "kind"), P.choice(level, LEVELS, "level"))
    return json_response(got.value, got.stale)


LEVELS = ("chapter", "hs4", "hs6", "group")


@router.get("/opportunities", summary="amity opportunities A B --format json")
def opportunities(request: Request, a: A,
                  b: Annotated[str, Query(description="Market: a country or a region "
                                          "(EAEU, SCO, EU ...)", max_length=P.MAX_TEXT_PARAM)],
                  year: Year = None,
                  level: Annotated[str | None, Query(max_length=20)] = None,
                  source: Source = None, top: Top = None) -> Response:
    """Where exporter ``a`` can sell more in market ``b``, product by product."""
    from amity.opportunities import to_dict

    got = _opportunities(request, a, b, year, level, source, top)
    return json_response(to_dict(got.value), got.stale)


def _opportunities(request: Request, a: str, b: str, year: int | None, level: str | None,
                   source: str | None, top: int | None) -> _data.Result:
    exporter = P.country(a, "a").iso3
    market = P.market(b)
    if market == exporter:
        raise InputError(f"a and b are the same country ({exporter}). Fix: name a market "
                           "other than the exporter")
    return _data.opportunities(reader_of(request), exporter, market, P.year(year),
                               P.choice(level, LEVELS, "level"), P.source(source), top)


class CheckRequest(BaseModel):
    """A text to check: the article, its date (``YYYY-MM-DD``, optional) and the pair it
    is about (optional: the two most mentioned countries)."""

    text: str
    date: str | None = None
    pair: list[str] | None = None


def run_check(request: Request, text: str, date: str | None,
              pair: list[str] | None) -> _data.Result:
    """Check ``text`` (limits and parameters checked first)."""
    if len(text) > MAX_CHECK:
        raise TooLarge(f"text: {len(text):,} characters, over the limit of {MAX_CHECK:,}. "
                       "Fix: check the article in parts")
    if not text.strip():
        raise InputError("text: empty. Fix: paste the article or upload a .txt file")
    date = (date or "").strip() or None
    if date is not None and len(date) > 10:
        raise InputError(f"date: {date[:20]!r} is not a date. Fix: write YYYY-MM-DD")
    chosen = None
    if pair:
        if len(pair) != 2:
            raise InputError("pair: name exactly two countries")
        found = P.pair(pair[0], pair[1])
        chosen = (found.a.iso3, found.b.iso3)
    return _data.check(reader_of(request), text, date, chosen)


@router.post("/check", summary="amity check --format json")
def check(request: Request, body: CheckRequest) -> Response:
    """Every checkable claim in the text with its verdict, evidence and sources."""
    got = run_check(request, body.text, body.date, body.pair)
    return json_response(got.value.to_dict(), got.stale)


@router.get("/sources", summary="amity sources --format json")
def sources(request: Request) -> Response:
    """Every release amity knows: what the store holds, coverage, citation, licence."""
    got = _data.sources(reader_of(request))
    return json_response(got.value, got.stale)


@router.get("/cite", summary="amity cite [SOURCE] --format json|bibtex|ris")
def cite(source: Source = None,
         format: Annotated[str, Query(max_length=10)] = "json") -> Response:  # noqa: A002
    """How to cite a source, a release or every source."""
    from amity.cite import to_bibtex, to_ris

    fmt = P.choice(format, ("json", "bibtex", "ris"), "format")
    spec = None
    if source and source.strip():
        spec = "amity_index" if source.strip().split("/")[0] == "amity_index" else (
            P.source(source))
    records = _data.cite(spec)
    if fmt == "bibtex":
        return Response(to_bibtex(records) + "\n", media_type="text/plain; charset=utf-8")
    if fmt == "ris":
        return Response(to_ris(records) + "\n", media_type="text/plain; charset=utf-8")
    return json_response(records)


# -- downloads -------------------------------------------------------------------------------
@router.get("/brief", summary="amity brief A B: HTML, PDF or Markdown (zip with its charts)")
def brief(request: Request, a: A, b: B, years: Years = None,
          format: Annotated[str, Query(max_length=10)] = "html") -> Response:  # noqa: A002
    """The evidence brief as a download."""
    from amity.report import render_html, render_markdown

    fmt = P.choice(format, ("html", "pdf", "md"), "format")
    pair = P.pair(a, b)
    got = _data.brief(reader_of(request), pair, P.years(years))
    name = f"{pair.slug}-brief"
    if fmt == "pdf":
        try:
            import weasyprint
        except ImportError:
            raise InputError("format: PDF briefs need WeasyPrint on the server. Fix: pip "
                               "install 'amity[pdf]', or download html") from None
        pdf = weasyprint.HTML(string=render_html(got.value)).write_pdf()
        return attachment(pdf, f"{name}.pdf", "application/pdf")
    if fmt == "md":
        buffer = io.BytesIO()
        with tempfile.TemporaryDirectory(prefix="amity-brief-") as tmp:
            charts = Path(tmp) / f"{name}_charts"
            text = render_markdown(got.value, charts, charts.name)
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(f"{name}.md", text)
                for svg in sorted(charts.glob("*.svg")):
                    zf.writestr(f"{charts.name}/{svg.name}", svg.read_bytes())
        return attachment(buffer.getvalue(), f"{name}-md.zip", "application/zip")
    return attachment(render_html(got.value).encode("utf-8"), f"{name}.html",
                      "text/html; charset=utf-8")


@router.get("/table/{name}", summary="A table shown on a page, as CSV or Parquet")
def table(request: Request, name: str,
          format: Annotated[str, Query(max_length=10)] = "csv",  # noqa: A002
          a: Annotated[str | None, Query(max_length=P.MAX_TEXT_PARAM)] = None,
          b: Annotated[str | None, Query(max_length=P.MAX_TEXT_PARAM)] = None,
          country: Annotated[str | None, Query(max_length=P.MAX_TEXT_PARAM)] = None,
          years: Years = None, year: Year = None, source: Source = None,
          dimension: Annotated[str | None, Query(max_length=20)] = None,
          kind: Annotated[str | None, Query(max_length=20)] = None,
          level: Annotated[str | None, Query(max_length=20)] = None,
          top: Top = None) -> Response:
    """``name`` is one of profile, scorecard, dimension, timeline, opportunities, rank,
    sources; the other parameters are those of the page the table is on."""
    import pandas as pd

    which = P.choice(name, TABLES, "table")
    fmt = P.choice(format, ("csv", "parquet"), "format")
    frame, stem = table_frame(request, str(which), a=a, b=b, country=country, years=years,
                              year=year, source=source, dimension=dimension, kind=kind,
                              level=level, top=top)
    flat = frame.copy()
    for col in flat.columns:
        if flat[col].dtype != object:
            continue
        if flat[col].map(lambda v: isinstance(v, list | dict)).any():  # caveats, competitors
            flat[col] = flat[col].map(lambda v: json.dumps(v, ensure_ascii=False)
                                      if isinstance(v, list | dict) else v)
        kinds = {type(v) for v in flat[col] if v is not None and not pd.isna(v)}
        if len(kinds) > 1 and str in kinds:  # numbers and text (a text indicator's values)
            flat[col] = flat[col].map(lambda v: None if v is None or pd.isna(v) else str(v))
    if fmt == "parquet":
        buffer = io.BytesIO()
        flat.to_parquet(buffer, index=False)
        return attachment(buffer.getvalue(), f"{stem}.parquet",
                          "application/vnd.apache.parquet")
    return attachment(flat.to_csv(index=False).encode("utf-8"), f"{stem}.csv",
                      "text/csv; charset=utf-8")


def table_frame(request: Request, name: str, **q: Any) -> tuple[pd.DataFrame, str]:
    """The table ``name`` for the page parameters ``q``, and its file name stem."""
    import pandas as pd

    from amity.indicators import DIMENSIONS

    reader = reader_of(request)
    if name == "sources":
        return pd.DataFrame(_data.sources(reader).value), "amity-sources"
    if name == "rank":
        iso3 = P.country(q["country"] or "", "country").iso3
        dim = P.choice(q["dimension"], DIMENSIONS, "dimension")
        frame = _data.rank(reader, iso3, P.year(q["year"]), dim, q["top"] or 20).value
        return frame, f"{iso3}-rank-{frame.attrs.get('year')}"
    if name == "opportunities":
        from amity.opportunities import competitors_text

        got = _opportunities(request, q["a"] or "", q["b"] or "", q["year"], q["level"],
                             q["source"], q["top"])
        frame = got.value.assign(competitors=[competitors_text(c)
                                              for c in got.value["competitors"]])
        return frame, f"{got.value.attrs.get('exporter')}-{got.value.attrs.get('market')}-" \
                      f"opportunities-{got.value.attrs.get('year')}"
    pair = P.pair(q["a"] or "", q["b"] or "")
    years = P.years(q["years"])
    if name == "profile":
        return _data.profile(reader, pair, years).value.rows, f"{pair.slug}-profile"
    if name == "timeline":
        from amity.sources.engagements import KINDS, LEVELS

        got = _data.timeline(reader, pair, years, P.choice(q["kind"], KINDS, "kind"),
                             P.choice(q["level"], LEVELS, "level"))
        return pd.DataFrame(got.value["rows"], columns=_data.TIMELINE_COLUMNS), \
            f"{pair.slug}-timeline"
    if name == "dimension":
        dim = P.choice(q["dimension"], DIMENSIONS, "dimension")
        if dim is None:
            raise InputError("dimension: missing. Fix: give one of " + ", ".join(DIMENSIONS))
        got = _data.dimension_rows(reader, pair, dim, years, P.source(q["source"]))
        return pd.DataFrame(got.value["rows"]), f"{pair.slug}-{dim}"
    # scorecard
    data = _data.overview(reader, pair, years, P.year(q["year"])).value
    return scorecard_frame(data), f"{pair.slug}-scorecard-{(data['card'] or {}).get('year')}"


def scorecard_frame(data: dict[str, Any]) -> pd.DataFrame:
    """One row per dimension: the pair's score, trend and indicators, and each benchmark
    pair's score (an overview's ``card`` and ``benchmark_cards``)."""
    import pandas as pd

    card = data.get("card")
    if card is None:
        return pd.DataFrame(columns=["year", "dimension", "score"])
    rows = []
    for dim, entry in card["by_dimension"].items():
        row = {"year": card["year"], "dimension": dim, "score": entry["score"],
               "indicators": entry["indicators"], "trend_per_year": entry["trend_per_year"],
               "in_basis": dim in card["basis"], "note": entry["note"]}
        for bench in data.get("benchmark_cards", []):
            sc = bench.get("scorecard")
            row[bench["pair"]] = sc["by_dimension"][dim]["score"] if sc else None
        rows.append(row)
    rows.append({"year": card["year"], "dimension": "composite", "score": card["composite"],
                 "indicators": None, "trend_per_year": card["composite_trend_per_year"],
                 "in_basis": None, "note": card["unscored"],
                 **{b["pair"]: (b["scorecard"] or {}).get("composite")
                    for b in data.get("benchmark_cards", [])}})
    return pd.DataFrame(rows)
