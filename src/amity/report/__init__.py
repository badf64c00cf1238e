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

from amity._exceptions import InputError
from amity._version import __version__
from amity.profile import profile
from amity.report.charts import Series, bar_chart, line_chart
from amity.report.model import Brief, Figure, build, format_value
from amity.store import Store, store_scope

__all__ = ["Brief", "brief", "render_html", "render_markdown", "write"]


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
        out[key] = line_chart([Series(label, pts) for label, pts in ch["series"]],
                              title=ch["title"], y_label=ch["y_label"], source=src, fmt=fmt)
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
        out["composite"] = line_chart(
            [Series(pair, br.composite_series)], title="Relationship index (composite)",
            y_label="percentile (0-100)", source="amity relationship index",
            fmt=lambda v: f"{v:.0f}")
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
    opp = br.opportunities
    if opp is None:
        return None
    if "error" in opp:
        return {"reason": opp["error"], "rows": []}
    table = opp["table"]
    if table is None or len(table) == 0:
        return {"reason": "no product with a revealed comparative advantage and untapped "
                          "potential in the product data", "rows": []}
    cols = [c for c in table.columns if c not in ("caveats",)][:8]
    rows = [[format_value(v, "current US$") if isinstance(v, float) and c.endswith("usd")
             else (f"{v:.2f}" if isinstance(v, float) else v) for c, v in zip(cols, r, strict=True)]
            for r in table[cols].itertuples(index=False)]
    caveats = table.attrs.get("caveats", []) if hasattr(table, "attrs") else []
    intro = str(opp.get("totals", {}).get("summary", "")) if isinstance(opp.get("totals"),
                                                                          dict) else ""
    return {"columns": cols, "rows": rows, "caveats": caveats, "intro": intro}


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


def render_markdown(br: Brief, chart_dir: Path, link_prefix: str) -> str:
    """The brief as Markdown; charts are written as SVG files into ``chart_dir``."""
    chart_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"# {br.title}", "", f"{br.profile.a.name} ({br.profile.a.iso3}) and "
             f"{br.profile.b.name} ({br.profile.b.iso3}), {br.profile.years[0]}–"
             f"{br.profile.years[1]}. Every figure cites its indicator, year and source.", "",
             "## Headline figures", "", "| measure | value | year | source |", "|---|---:|---|---|"]
    lines += [f"| {f.label} | {f.text} | {f.year} | {f.origin} |" for f in br.headline]
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
        f"| {r['date']} | {r['kind']} | {r['title']} | {r['source']} |" for r in rows
    ] if rows else ["No engagements recorded for this pair."]
    lines += ["", "## Data coverage and caveats", ""] + [f"- {c}" for c in br.coverage]
    lines += [f"- not covered: {m}" for m in br.missing] + [f"- caveat: {c}" for c in br.caveats]
    lines += ["", "## Sources", ""] + [f"{i}. **{c['source']}/{c['release']}** — {c['title']}. "
                                       f"{c['citation']} ({c['licence']})"
                                       for i, c in enumerate(br.citations, 1)]
    return "\n".join(lines) + "\n"


def write(br: Brief, out: str | os.PathLike[str]) -> list[Path]:
    """Write the brief to ``out`` (.html, .pdf or .md); returns the files written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".html":
        out.write_text(render_html(br), encoding="utf-8")
        return [out]
    if out.suffix == ".pdf":
        try:
            import weasyprint
        except ImportError as exc:
            raise InputError("PDF briefs need WeasyPrint. Fix: pip install 'amity[pdf]' "
                             "(and Debian's libpango-1.0-0)") from exc
        weasyprint.HTML(string=render_html(br)).write_pdf(out)
        return [out]
    if out.suffix == ".md":
        charts = out.with_name(out.stem + "_charts")
        out.write_text(render_markdown(br, charts, charts.name), encoding="utf-8")
        return [out, *sorted(charts.glob("*.svg"))]
    raise InputError(f"{out}: the brief can be written as .html, .pdf or .md")
