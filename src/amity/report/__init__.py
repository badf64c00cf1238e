"""The evidence brief: ``amity brief A B`` as HTML, PDF or Markdown.

:func:`brief` computes the content (:mod:`amity.report.model`) and :func:`write` renders
it: a self-contained HTML file (inline CSS and SVG charts, nothing fetched at view
time), a PDF (WeasyPrint, from the same HTML), or Markdown with the charts as SVG files
beside it. In the HTML every figure is a ``<span class="fig">`` carrying
``data-indicator``, ``data-year``, ``data-source`` and ``data-value``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from amity._exceptions import InputError
from amity._files import check_output, replacing
from amity._version import __version__
from amity.opportunities import competitors_text, money
from amity.profile import profile
from amity.report.charts import Series, bar_chart, line_chart
from amity.report.model import Brief, Figure, build
from amity.store import Store, store_scope

__all__ = ["Brief", "brief", "md_text", "render_html", "render_markdown", "write"]


def brief(a: str | int, b: str | int, *, years: tuple[int, int] | None = None,
          compare: Sequence[str] | None = None, store: Store | None = None) -> Brief:
    """Compute a brief for the pair (see :class:`~amity.report.model.Brief`)."""
    with store_scope(store) as s:
        return build(profile(a, b, years=years, compare=compare, store=s), s)


def _fig_html(f: Figure) -> str:
    value = "" if f.value is None else escape(str(f.value))
    return (f'<span class="fig" data-indicator="{escape(f.indicator)}" data-year="{f.year}" '
            f'data-source="{escape(f.origin)}" data-value="{value}" '
            f'title="{escape(f.indicator)}, {f.year}, {escape(f.origin)}">{escape(f.text)}</span>')


def _charts(br: Brief) -> dict[str, str]:
    out = {}
    for key, ch in br.charts.items():
        fmt = (lambda v: f"{v:,.0f}") if key in ("trade", "igos", "events") else (
            lambda v: f"{v:.2f}")
        src = "; ".join(ch["sources"]) or "no data"
        out[key] = line_chart([Series(x["label"], x["points"], x.get("colour"),
                                      x.get("dash", False)) for x in ch["series"]],
                              title=ch["title"], y_label=ch["y_label"], source=src, fmt=fmt,
                              legend=ch.get("legend"))
    if br.scorecard:
        dims = [r["dimension"] for r in br.scorecard]
        pair = f"{br.profile.a.iso3}-{br.profile.b.iso3}"
        groups = [Series(pair, [(i, r["score"]) for i, r in enumerate(br.scorecard)])]
        for j, name in enumerate(br.benchmarks):
            groups.append(Series(name, [(i, r["benchmarks"][j])
                                        for i, r in enumerate(br.scorecard)]))
        year = br.profile.index["latest"]["year"] if br.profile.index else ""
        out["scorecard"] = bar_chart(dims, groups, title=f"Scorecard {year} vs benchmark pairs",
                                     y_label="percentile among all pairs (0-100)",
                                     source="amity relationship index (docs/indicators.md)")
        breaks = {year for year, _ in br.composite_markers}
        segments: list[list[tuple[int, float | None]]] = [[]]
        for year, value in br.composite_series:  # one segment per basis: no line across
            if year in breaks and segments[-1]:
                segments.append([])
            segments[-1].append((year, value))
        out["composite"] = line_chart(
            [Series(pair, seg, colour=0) for seg in segments], legend=[(pair, 0, False)],
            title="Relationship index (composite)",
            y_label="percentile (0-100)", source="amity relationship index; dotted lines: "
            "the dimensions behind the composite change", fmt=lambda v: f"{v:.0f}",
            markers=[(year, "") for year, _ in br.composite_markers])
    return out


def _timeline_rows(br: Brief) -> list[dict[str, str]]:
    rows = []
    for r in br.timeline.to_dict(orient="records") if len(br.timeline) else []:
        src = r.get("source_name") or ""
        if r.get("derived"):
            src = f"derived from event data ({src})" if src else "derived from event data"
        rows.append({"date": str(r.get("date", ""))[:10], "kind": str(r.get("kind", "")),
                     "title": str(r.get("title", "")), "source": src})
    return rows


def _opportunity_view(br: Brief) -> dict[str, Any] | None:
    """The trade opportunities as the brief shows them: readable column names, dollar
    amounts, NA where the source does not cover a flow, the ranking rule and caveats."""
    opp = br.opportunities
    if opp is None:
        return None
    if "error" in opp:
        return {"reason": opp["error"], "rows": []}
    table, meta = opp["table"], opp.get("totals") or {}
    a, b = br.profile.a.iso3, br.profile.b.iso3
    if table is None or len(table) == 0:
        return {"reason": f"no product in which {a} has a revealed comparative advantage "
                          f"(RCA ≥ 1) is imported by {b} in the product data", "rows": []}
    columns = ["#", "product", "RCA", f"{b} imports", "expected", "actual", "untapped",
               "main competitors (share of imports)"]
    rows = [[str(r.rank) if not pd.isna(r.rank) else "–", str(r.product), f"{r.rca:.2f}",
             money(r.market_imports_usd), money(r.expected_usd), money(r.actual_usd),
             money(r.untapped_usd), competitors_text(r.competitors) or "–"]
            for r in table.itertuples(index=False)]
    year, source = meta.get("year"), f"{meta.get('source')}/{meta.get('release')}"
    intro = (f"Products in which {a} has a revealed comparative advantage (RCA ≥ 1) in "
             f"{year}, with {b}'s imports, the sales {a} would have at its world market "
             f"share (expected), its actual sales and the difference (untapped), from "
             f"{source} at level {meta.get('level')}. ")
    if meta.get("ranked_by") == "expected":
        intro += (f"The source does not cover {a}'s sales to {b} for these products, so "
                  "actual and untapped are NA (unknown, not zero) and the products are "
                  "ranked by expected sales.")
    else:
        intro += "Ranked by untapped value; NA: the source does not cover that flow."
    return {"columns": columns, "rows": rows, "caveats": list(meta.get("caveats", [])),
            "intro": intro}


def render_html(br: Brief) -> str:
    """The brief as one self-contained HTML document."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("amity.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    env.globals["fig"] = lambda f: jinja2.utils.markupsafe.Markup(_fig_html(f))

    def idxfig(dim: str, value: float | None) -> Any:
        if value is None:
            return "NA"
        year = br.profile.index["latest"]["year"] if br.profile.index else None
        f = Figure(dim, value, f"{value:.0f}", f"score_{dim}" if dim != "composite"
                   else "composite", year, "amity index", "")
        return jinja2.utils.markupsafe.Markup(_fig_html(f))

    env.globals["idxfig"] = idxfig
    template = env.get_template("brief.html.j2")
    return template.render(brief=br, p=br.profile, charts=_charts(br),
                           lt=br.profile.index["latest"] if br.profile.index else None,
                           timeline=_timeline_rows(br), opp=_opportunity_view(br),
                           version=__version__)


_MD_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|",
                             "[": "\\[", "]": "\\]", "`": "\\`", "\\": "\\\\",
                             "\n": " ", "\r": " "})


def md_text(value: object) -> str:
    """``value`` as inert Markdown text: no HTML (``<script>``, ``<img onerror=...>``), no
    links or images, no code spans, and nothing that ends a table cell or a line.

    Examples
    --------
    >>> md_text("<img src=x onerror=alert(1)> | [a](javascript:x)")
    '&lt;img src=x onerror=alert(1)&gt; \\\\| \\\\[a\\\\](javascript:x)'
    """
    return str(value).translate(_MD_ESCAPES)


def render_markdown(br: Brief, chart_dir: Path, link_prefix: str) -> str:
    """The brief as Markdown; charts are written as SVG files into ``chart_dir``."""
    chart_dir.mkdir(parents=True, exist_ok=True)
    e = md_text
    lines = [f"# {e(br.title)}", "", f"{e(br.profile.a.name)} ({br.profile.a.iso3}) and "
             f"{e(br.profile.b.name)} ({br.profile.b.iso3}), {br.profile.years[0]}–"
             f"{br.profile.years[1]}. Every figure cites its indicator, year and source.", "",
             "## Headline figures", "", "| measure | value | year | source |", "|---|---:|---|---|"]
    lines += [f"| {e(f.label)} | {e(f.text)} | {e(f.year)} | {e(f.origin)} |"
              for f in br.headline]
    if br.scorecard and br.profile.index:
        lt = br.profile.index["latest"]
        lines += ["", f"## Scorecard ({lt['year']}, percentile among all pairs)", "",
                  f"Coverage {lt['coverage']}/6; weakest **{lt['weakest']}**, strongest "
                  f"**{lt['strongest']}**.", "",
                  "| dimension | score | trend/yr | " + " | ".join(br.benchmarks) + " |",
                  "|---|---:|---:|" + "---:|" * len(br.benchmarks)]
        for r in br.scorecard:
            score = "NA" if r["score"] is None else f"{r['score']:.0f}"
            trend = "" if r["trend"] is None else f"{r['trend']:+.1f}"
            bench = " | ".join("NA" if v is None else f"{v:.0f}" for v in r["benchmarks"])
            lines.append(f"| {r['dimension']} | {score} | {trend} | {bench} |")
    lines += ["", "## Charts", ""]
    for key, svg in _charts(br).items():
        (chart_dir / f"{key}.svg").write_text(svg, encoding="utf-8")
        lines.append(f"![{key}]({link_prefix}/{key}.svg)")
        lines.append("")
    lines += ["## Engagements timeline", ""]
    rows = _timeline_rows(br)
    lines += ["| date | kind | event | source |", "|---|---|---|---|"] + [
        f"| {e(r['date'])} | {e(r['kind'])} | {e(r['title'])} | {e(r['source'])} |"
        for r in rows
    ] if rows else ["No engagements recorded for this pair."]
    lines += ["", "## Data coverage and caveats", ""] + [f"- {e(c)}" for c in br.coverage]
    lines += [f"- not covered: {e(m)}" for m in br.missing] + [f"- caveat: {e(c)}"
                                                              for c in br.caveats]
    lines += ["", "## Sources", ""] + [
        f"{i}. **{e(c['source'])}/{e(c['release'])}** — {e(c['title'])}. "
        f"{e(c['citation'])} ({e(c['licence'])})" for i, c in enumerate(br.citations, 1)]
    return "\n".join(lines) + "\n"


def write(br: Brief, out: str | os.PathLike[str]) -> list[Path]:
    """Write the brief to ``out`` (.html, .pdf or .md); returns the files written.

    The file is written under a temporary name beside ``out`` and moved into place
    (:func:`amity._files.replacing`); a path that cannot be written is an
    :class:`~amity.InputError` before anything is rendered.
    """
    out = check_output(out, make_parents=True)
    if out.suffix == ".html":
        with replacing(out) as tmp:
            tmp.write_text(render_html(br), encoding="utf-8")
        return [out]
    if out.suffix == ".pdf":
        try:
            import weasyprint
        except ImportError as exc:
            raise InputError("PDF briefs need WeasyPrint. Fix: pip install 'amity[pdf]' "
                             "(and Debian's libpango-1.0-0)") from exc
        with replacing(out) as tmp:
            weasyprint.HTML(string=render_html(br)).write_pdf(tmp)
        return [out]
    if out.suffix == ".md":
        charts = out.with_name(out.stem + "_charts")
        with replacing(out) as tmp:
            tmp.write_text(render_markdown(br, charts, charts.name), encoding="utf-8")
        return [out, *sorted(charts.glob("*.svg"))]
    raise InputError(f"{out}: the brief can be written as .html, .pdf or .md")
