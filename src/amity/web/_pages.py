"""The dashboard's pages: server-rendered HTML (Jinja2, autoescaped) with small scripts.

Pages take the same parameters as the API and check them the same way
(:mod:`amity.web._params`); a pair's pages live under ``/pair/{A}/{B}`` with ISO3 codes
(a name or COW code redirects there).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from amity._exceptions import AmityError, InputError
from amity.web import _charts, _data
from amity.web import _params as P
from amity.web._api import LEVELS, MAX_CHECK, reader_of, run_check
from amity.web._errors import TooLarge, status_of
from amity.web._render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=P.MAX_TEXT_PARAM)]
Short = Annotated[str | None, Query(max_length=20)]
#: Example pairs on the picker.
EXAMPLES = [("PAK", "RUS"), ("IND", "RUS"), ("PAK", "CHN"), ("USA", "CHN"), ("TUR", "RUS")]


def _page(name: str, *, stale: bool = False, status: int = 200, **context: Any) -> Response:
    headers = {"X-Amity-Data": "stale"} if stale else {}
    return HTMLResponse(render(name, stale=stale, **context), status_code=status,
                        headers=headers)


def _pair_or_redirect(request: Request, a: str, b: str) -> P.Pair | Response:
    pair = P.pair(a, b)
    if (a, b) != (pair.a.iso3, pair.b.iso3):
        path, prefix = request.scope["path"], f"/pair/{a}/{b}"
        rest = quote(path[len(prefix):]) if path.startswith(prefix) else ""
        query = request.url.query
        return RedirectResponse(f"/pair/{pair.a.iso3}/{pair.b.iso3}{rest}"
                                + (f"?{query}" if query else ""), status_code=303)
    return pair


def _nav(pair: P.Pair, current: str) -> dict[str, Any]:
    from amity.indicators import DIMENSIONS

    return {"pair": pair, "slug": pair.slug, "current": current,
            "base": f"/pair/{pair.a.iso3}/{pair.b.iso3}",
            "dimensions": DIMENSIONS, "query": urlencode({"a": pair.a.iso3, "b": pair.b.iso3})}


# -- picker --------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def picker(a: Text = None, b: Text = None) -> Response:
    """Pick a pair: names, ISO or COW codes, with suggestions."""
    if a or b:
        try:
            pair = P.pair(a or "", b or "")
        except AmityError as exc:
            return _page("picker.j2", status=status_of(exc), error=str(exc), a=a or "",
                         b=b or "", examples=_examples())
        return RedirectResponse(f"/pair/{pair.a.iso3}/{pair.b.iso3}", status_code=303)
    return _page("picker.j2", error=None, a="", b="", examples=_examples())


def _examples() -> list[dict[str, str]]:
    out = []
    for x, y in EXAMPLES:
        pair = P.pair(x, y)
        out.append({"href": f"/pair/{x}/{y}", "text": f"{pair.a.name} – {pair.b.name}"})
    return out


# -- overview ------------------------------------------------------------------------------
@router.get("/pair/{a}/{b}", response_class=HTMLResponse)
def overview(request: Request, a: str, b: str, year: Annotated[int | None, Query()] = None,
             years: Short = None) -> Response:
    """The index year and basis, the scorecard against benchmarks, weakest and strongest."""
    pair = _pair_or_redirect(request, a, b)
    if isinstance(pair, Response):
        return pair
    from amity.indicators import INDEX_DIMENSIONS

    span, chosen = P.years(years), P.year(year)
    reader = reader_of(request)
    got = _data.overview(reader, pair, span, chosen)

    def build() -> str:  # the page, kept like the answers it shows (per store version)
        data = got.value
        index = data.get("index") or {}
        cards = index.get("by_year", [])
        used = sorted({f"{c['source']}/{c['release']}" for c in data["citations"]})
        source = "amity relationship index (amity_index/panel), from " + (
            ", ".join(used) or "no sources")
        shown = (data.get("card") or {}).get("year")
        chart = (_charts.index_chart(cards, pair.slug, INDEX_DIMENSIONS, source, shown)
                 if cards else None)
        table_rows = [{"year": c["year"], "composite": c["composite"],
                       **{d: c["by_dimension"][d]["score"] for d in INDEX_DIMENSIONS}}
                      for c in cards]
        return render("overview.j2", stale=got.stale, **_nav(pair, "overview"), data=data,
                      charts_needed=chart is not None, card=data["card"], chart=chart,
                      chart_source=source, table_rows=table_rows,
                      index_dimensions=INDEX_DIMENSIONS, year=year, years=years or "")

    html = reader.derive(("page:overview", pair.slug, span, chosen), build, stale=got.stale)
    return HTMLResponse(html, headers={"X-Amity-Data": "stale"} if got.stale else {})


# -- a dimension -----------------------------------------------------------------------------
@router.get("/pair/{a}/{b}/dimension/{dimension}", response_class=HTMLResponse)
def dimension(request: Request, a: str, b: str, dimension: str, source: Text = None,
              years: Short = None) -> Response:
    """Trend charts of the dimension's indicators, a line per source release."""
    from amity.indicators import DIMENSIONS, INDICATORS

    pair = _pair_or_redirect(request, a, b)
    if isinstance(pair, Response):
        return pair
    dim = P.choice(dimension, DIMENSIONS, "dimension")
    got = _data.dimension_rows(reader_of(request), pair, str(dim), P.years(years),
                               P.source(source))
    rows = got.value["rows"]
    charts = []
    for name in [n for n in INDICATORS if INDICATORS[n].dimension == dim]:
        mine = [r for r in rows if r["indicator"] == name]
        known = [r for r in mine if r["value"] is not None]
        if not mine:
            continue
        ind = INDICATORS[name]
        spec = None if getattr(ind, "text", False) else _charts.indicator_chart(
            mine, name, ind.unit, pair.slug)
        used = sorted({f"{r['source']}/{r['release']}" for r in mine if r["source"]})
        charts.append({"id": f"chart-{name}", "name": name, "unit": ind.unit, "spec": spec,
                       "source": "Source: " + ("; ".join(used) or "no data"), "known": known,
                       "missing": len(mine) - len(known), "label": ind.definition})
    return _page("dimension.j2", stale=got.stale, **_nav(pair, str(dim)), dimension=dim,
                 charts_needed=any(c["spec"] for c in charts),
                 charts=charts, sources=got.value["sources"], source=source or "",
                 years=years or "")


# -- timeline ------------------------------------------------------------------------------
@router.get("/pair/{a}/{b}/timeline", response_class=HTMLResponse)
def timeline(request: Request, a: str, b: str, kind: Short = None, level: Short = None,
             years: Short = None) -> Response:
    """The pair's engagements, filtered by kind and level, each with its source."""
    from amity.sources.engagements import KINDS
    from amity.sources.engagements import LEVELS as TLEVELS

    pair = _pair_or_redirect(request, a, b)
    if isinstance(pair, Response):
        return pair
    got = _data.timeline(reader_of(request), pair, P.years(years),
                         P.choice(kind, KINDS, "kind"), P.choice(level, TLEVELS, "level"))
    return _page("timeline.j2", stale=got.stale, **_nav(pair, "timeline"), data=got.value,
                 kinds=KINDS, levels=TLEVELS, kind=kind or "", level=level or "",
                 years=years or "")


# -- opportunities ---------------------------------------------------------------------------
@router.get("/pair/{a}/{b}/opportunities", response_class=HTMLResponse)
def opportunities(request: Request, a: str, b: str, market: Text = None,
                  year: Annotated[int | None, Query()] = None, level: Short = None,
                  source: Text = None) -> Response:
    """Where A can sell more in B (or a region), product by product."""
    from amity.opportunities import competitors_text, to_dict

    pair = _pair_or_redirect(request, a, b)
    if isinstance(pair, Response):
        return pair
    target = P.market(market) if market else pair.b.iso3
    context = {**_nav(pair, "opportunities"), "market": market or "", "year": year,
               "level": level or "", "source": source or "", "levels": LEVELS}
    try:
        got = _data.opportunities(reader_of(request), pair.a.iso3, target, P.year(year),
                                  P.choice(level, LEVELS, "level"), P.source(source), None)
    except AmityError as exc:
        if isinstance(exc, InputError):
            raise
        return _page("opportunities.j2", status=status_of(exc), **context, data=None,
                     error=str(exc))
    data = to_dict(got.value)
    for row in data["products"]:
        row["competitors_text"] = competitors_text(row.get("competitors") or [])
    return _page("opportunities.j2", stale=got.stale, **context, data=data, error=None)


# -- claim checker -----------------------------------------------------------------------------
@router.get("/check", response_class=HTMLResponse)
def check_form() -> Response:
    """The claim checker: paste or upload a text, give its date."""
    return _page("check.j2", report=None, pieces=[], text="", date="", a="", b="",
                 max_chars=MAX_CHECK, error=None)


@router.post("/check", response_class=HTMLResponse)
async def check_run(request: Request) -> Response:
    """The text with its claims highlighted, each with its verdict and evidence."""
    form = await request.form(max_files=1, max_fields=8)
    try:
        text = form.get("text")
        text = text if isinstance(text, str) else ""
        upload = form.get("file")
        if upload is not None and not isinstance(upload, str) and upload.filename:
            raw = await upload.read(MAX_CHECK * 4 + 1)
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError("file: not UTF-8 text. Fix: upload a .txt file saved as "
                                 "UTF-8, or paste the text") from None
        date = str(form.get("date") or "")[:40]
        a = str(form.get("a") or "")[:P.MAX_TEXT_PARAM]
        b = str(form.get("b") or "")[:P.MAX_TEXT_PARAM]
    finally:
        await form.close()
    context: dict[str, Any] = {"text": text if len(text) <= MAX_CHECK else "", "date": date,
                               "a": a, "b": b, "max_chars": MAX_CHECK}
    try:
        got = await run_in_threadpool(run_check, request, text, date or None,
                                      [a, b] if a.strip() and b.strip() else None)
    except (InputError, TooLarge) as exc:
        return _page("check.j2", status=status_of(exc), report=None, pieces=[],
                     error=str(exc), **context)
    report = got.value
    return _page("check.j2", stale=got.stale, report=report.to_dict(),
                 pieces=_data.highlight(report), error=None, **context)


# -- rank, sources ---------------------------------------------------------------------------
@router.get("/rank", response_class=HTMLResponse)
def rank(request: Request, country: Text = None, year: Annotated[int | None, Query()] = None,
         dimension: Short = None, top: Annotated[int, Query(ge=1, le=500)] = 30) -> Response:
    """A country's partners ranked by the index or one dimension."""
    from amity.indicators import DIMENSIONS, INDEX_DIMENSIONS

    context: dict[str, Any] = {"country": country or "", "year": year, "dimension": dimension or "",
               "dimensions": INDEX_DIMENSIONS, "top": top}
    if not country:
        return _page("rank.j2", frame=None, **context)
    c = P.country(country, "country")
    got = _data.rank(reader_of(request), c.iso3, P.year(year),
                     P.choice(dimension, DIMENSIONS, "dimension"), top)
    frame = got.value
    context["dimensions"] = [d for d in INDEX_DIMENSIONS if d in frame.columns]
    return _page("rank.j2", stale=got.stale, frame=frame, records=_data.rank_records(frame),
                 attrs=frame.attrs, who=c, **context)


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request) -> Response:
    """Every release amity knows, what the store holds, and how to cite it."""
    got = _data.sources(reader_of(request))
    return _page("sources.j2", stale=got.stale, records=got.value)
