"""A self-contained HTML view of a check: the text with its claims highlighted, and a side
list of verdicts with reasons and evidence.

No external resources: inline CSS, no scripts, no fonts or images to fetch. Each
highlight links to its verdict card (``#claim-c3``) and each card back to its place in
the text (``#span-c3``).
"""

from __future__ import annotations

from html import escape
from itertools import pairwise

from amity.claims.report import VERDICTS, CheckReport, Result, format_value

__all__ = ["render_html"]

_COLOURS = {"supported": "#1a7f37", "approximately": "#4d9e2f", "disputed": "#b08800",
            "contradicted": "#cf222e", "unverifiable": "#6e7781", "not_a_fact": "#0969da"}
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328}
header{padding:12px 20px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
header h1{font-size:18px;margin:0 0 4px}
.counts span{margin-right:12px;font-size:13px}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0}
.text{padding:16px 24px;line-height:1.65;white-space:pre-wrap;border-right:1px solid #d0d7de}
.side{padding:12px 16px;max-height:100vh;overflow-y:auto;position:sticky;top:0}
mark{border-radius:3px;padding:0 1px;color:inherit}
mark a{color:inherit;text-decoration:none}
mark sup{font-size:10px;font-weight:600}
.card{border:1px solid #d0d7de;border-left-width:5px;border-radius:6px;padding:8px 10px;
margin:0 0 10px;font-size:13px}
.card h3{font-size:13px;margin:0 0 4px}
.badge{display:inline-block;color:#fff;border-radius:10px;padding:0 8px;font-size:12px}
.quote{font-style:italic;color:#57606a}
.query{color:#57606a;font-size:12px}
table{border-collapse:collapse;width:100%;margin-top:4px;font-size:12px;table-layout:fixed}
td,th{border-top:1px solid #eaeef2;padding:2px 4px;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th:nth-child(1){width:18%}th:nth-child(2){width:9%}th:nth-child(3){width:25%}
th:nth-child(4){width:16%}
.sources{font-size:12px;color:#57606a;padding:8px 20px;border-top:1px solid #d0d7de}
"""


def _mark_colour(verdict: str) -> str:
    c = _COLOURS.get(verdict, "#6e7781")
    return f"{c}33"  # the verdict colour at 20 % opacity


def _text_html(report: CheckReport) -> str:
    """The text with each claim's span in a <mark> (overlaps: the first claim's colour)."""
    text = report.text
    cuts = {0, len(text)}
    for r in report.results:
        cuts.update((r.claim.start, r.claim.end))
    bounds = sorted(cuts)
    out, opened = [], set()
    for a, b in pairwise(bounds):
        piece = escape(text[a:b])
        over = [r for r in report.results if r.claim.start <= a and b <= r.claim.end]
        if not over:
            out.append(piece)
            continue
        r = over[0]
        first = r.claim.id not in opened
        opened.add(r.claim.id)
        anchor = f' id="span-{r.claim.id}"' if first else ""
        ids = " ".join(x.claim.id for x in over)
        sup = "".join(f"<sup>{x.claim.id}</sup>" for x in over if x.claim.end == b)
        out.append(f'<mark{anchor} style="background:{_mark_colour(r.verdict)}" '
                   f'title="{escape(ids)}: {escape(r.verdict)}"><a href="#claim-{r.claim.id}">'
                   f"{piece}</a>{sup}</mark>")
    return "".join(out)


def _card(r: Result) -> str:
    colour = _COLOURS.get(r.verdict, "#6e7781")
    rows = []
    for e in r.evidence[:12]:
        value = escape(format_value(e.value, e.unit))
        err = "" if e.error is None else f"{e.error:+.1%}"
        rows.append(f"<tr><td>{escape(e.source)}{' ' + escape(e.release) if e.release else ''}"
                    f"</td><td>{e.year if e.year is not None else ''}</td><td>{value}</td>"
                    f"<td>{escape(e.outcome)} {err}</td><td>{escape(e.what)}"
                    f"{'<br>' + escape(e.note) if e.note else ''}</td></tr>")
    more = f"<p class=query>… and {len(r.evidence) - 12} more values</p>" if len(
        r.evidence) > 12 else ""
    table = ("<table><tr><th>source</th><th>year</th><th>value</th><th>outcome</th>"
             "<th>what</th></tr>" + "".join(rows) + "</table>") if rows else ""
    quote = r.claim.text if len(r.claim.text) < 160 else r.claim.text[:157] + "…"
    return (f'<div class="card" id="claim-{r.claim.id}" style="border-left-color:{colour}">'
            f'<h3><a href="#span-{r.claim.id}">{escape(r.claim.id)}</a> '
            f'<span class="badge" style="background:{colour}">{escape(r.verdict)}</span> '
            f"{escape(r.claim.kind)}</h3><div class=quote>“{escape(quote)}”</div>"
            f"<div>{escape(r.reason)}</div><div class=query>Query: {escape(r.query)}</div>"
            f"{table}{more}</div>")


def render_html(report: CheckReport, title: str = "amity claim check") -> str:
    """The report as one self-contained HTML page (inline CSS, no external resources).

    Examples
    --------
    >>> from amity.claims.report import CheckReport
    >>> page = render_html(CheckReport("No claims here.", None, "none", 0.1, []))
    >>> page.startswith("<!DOCTYPE html>") and "No claims here." in page and "http" not in page
    True
    """
    counts = report.counts()
    pair = " – ".join(report.pair) if report.pair else "no pair found"
    summary = "".join(f'<span style="color:{_COLOURS[v]}">{escape(v)}: {counts[v]}</span>'
                      for v in VERDICTS)
    sources = "; ".join(f"{escape(s['source'])}/{escape(str(s['release']))}"
                        f"{': ' + escape(str(s['citation'])) if s.get('citation') else ''}"
                        for s in report.sources)
    notes = "".join(f"<p>{escape(n)}</p>" for n in report.notes)
    cards = "".join(_card(r) for r in report.results) or "<p>No checkable claims found.</p>"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><div>Pair: {escape(pair)} "
        f"({escape(report.pair_from)}); tolerance {report.tolerance:.0%}; "
        f"{len(report.results)} claims</div><div class=counts>{summary}</div>{notes}</header>"
        f"<main><div class=text>{_text_html(report)}</div><div class=side>{cards}</div></main>"
        f"<div class=sources>Sources: {sources or 'none used'}</div></body></html>\n")
