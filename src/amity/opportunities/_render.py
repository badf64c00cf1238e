"""Printing an opportunities result as tables (the ``amity opportunities`` table format)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from amity.opportunities._report import ALL, competitors_text

__all__ = ["money", "render"]


def money(value: Any) -> str:
    """US dollars, short: ``$1.2B``, ``$35.5M``, ``$900K``, ``NA``.

    Examples
    --------
    >>> money(20779810000.0), money(177443635.0), money(950.0), money(None)
    ('$20.8B', '$177.4M', '$950', 'NA')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "NA"
    v = float(value)
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"${v / div:,.1f}{suffix}"
    return f"${v:,.0f}"


def _pct(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "NA"
    return f"{float(value):.{digits}%}"


def render(frame: pd.DataFrame, console: Console, *, top: int = 10) -> None:
    """Print the ranked products, the market totals per group and the caveats."""
    attrs = frame.attrs
    a = attrs["exporter"]["iso3"]
    market = attrs["market"]
    where = (f"{market['name']} ({', '.join(market['members'])})" if market["region"]
             else f"{market['name']} ({market['iso3']})")
    cls = attrs["classification"]
    console.print(f"[bold]{attrs['exporter']['name']} ({a}) → {where}, {attrs['year']}[/bold]",
                  highlight=False)
    console.print(f"source {attrs['source']}/{attrs['release']}; level {attrs['level']} "
                  f"(flows: {cls['flows'] or 'none'}; "
                  f"world totals: {cls['totals'] or 'from flows'})",
                  highlight=False)
    ranked = frame[frame["rank"].notna()].head(top)
    show_group = any(g != p for g, p in zip(frame["group"], frame["product"], strict=True))
    table = Table("#", "product", *(["group"] if show_group else []), f"{a} world exports",
                  "RCA", "market imports", "expected", "actual", "untapped", f"{a} share",
                  "main competitors (share)",
                  title=f"Products with RCA ≥ 1, by untapped potential (top {top})",
                  title_justify="left")
    for r in ranked.itertuples(index=False):
        table.add_row(str(r.rank), str(r.product), *([str(r.group)] if show_group else []),
                      money(r.exporter_exports_usd), f"{r.rca:.2f}", money(r.market_imports_usd),
                      money(r.expected_usd), money(r.actual_usd), money(r.untapped_usd),
                      _pct(r.market_share, 2), competitors_text(r.competitors))
    if table.row_count:
        console.print(table)
    else:
        console.print(f"no product of {a} has RCA ≥ 1 with a known untapped value here")
    totals = Table("product group", "market imports", f"{a} sales", f"{a} share",
                   f"{a} world exports", "expected", "untapped", "top suppliers (share)",
                   title="Market totals per product group", title_justify="left")
    for rec in attrs.get("market_totals", []):
        style = "bold" if rec["group"] == ALL else None
        totals.add_row(rec["group"], money(rec["market_imports_usd"]),
                       money(rec["exporter_sales_usd"]), _pct(rec["exporter_share"], 2),
                       money(rec["exporter_exports_usd"]), money(rec["expected_usd"]),
                       money(rec["untapped_usd"]), competitors_text(rec["top_suppliers"]),
                       style=style)
    console.print(totals)
    console.print("Method: docs/opportunities.md. Cite the source with "
                  f"`amity cite {attrs['source']}`.", highlight=False)
    for caveat in attrs.get("caveats", []):
        console.print(f"  caveat: {caveat}", highlight=False)
