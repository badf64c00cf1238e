"""What the command line prints: a profile, a ranking, trade opportunities and the sources,
as tables that read at 80 columns.

Columns carry short labels (:func:`amity.indicators.short_label`) with the indicators'
full names in the caption; a value carried forward from an earlier year is marked ``*``
and one from sample event files ``~``, with the key under the table. The same numbers in
full are in ``--format json``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from amity.indicators import INDICATORS, short_label
from amity.opportunities import ALL, competitors_text, money

if TYPE_CHECKING:
    from amity.profile import Profile

__all__ = ["format_cell", "narrow", "print_opportunities", "print_profile", "print_rank",
           "print_sources"]

#: Three-letter column labels of the dimensions.
DIM3 = {"political": "pol", "economic": "eco", "military": "mil", "people": "ppl",
        "multilateral": "mul", "media": "med", "conflict": "con"}


def narrow(*columns: str, **options: Any) -> Table:
    """A table for 80-column terminals: no vertical rules, one space between columns."""
    return Table(*columns, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1),
                 title_justify="left", **options)


def _isna(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_cell(value: object, unit: str) -> str:
    """A value as a table shows it: ``$1.2B``, ``54.3%``, ``yes``, ``NA``.

    Examples
    --------
    >>> format_cell(1.234e9, "current US$"), format_cell(0.0001, "share of the year")
    ('$1.2B', '0.010%')
    >>> format_cell(None, "IGOs"), format_cell(44.0, "IGOs")
    ('NA', '44')
    """
    if _isna(value):
        return "NA"
    if isinstance(value, str):
        return value if len(value) < 40 else value[:37] + "..."
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    v = float(value)  # type: ignore[arg-type]
    if unit == "current US$":
        for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if abs(v) >= div:
                return f"${v / div:,.1f}{suffix}"
        return f"${v:,.0f}"
    if unit.startswith("share"):
        return f"{v:.1%}" if v == 0 or abs(v) >= 0.001 else f"{v:.3%}"
    if v == int(v):
        return f"{int(v):,}"
    return f"{v:.3f}"


def _num(value: float | None, fmt: str = ".0f") -> str:
    return "NA" if value is None else format(value, fmt)


def print_scorecard(index: dict[str, Any], out: Console) -> None:
    """The headline year's scorecard with the benchmark pairs, and why that year."""
    latest = index["latest"]
    bench = [b for b in index["benchmarks"] if b["scorecard"]]
    out.print(f"Index year {index['why']}", highlight=False)
    table = narrow("dimension", "score", "trend/yr", *[b["pair"] for b in bench],
                   title=f"Relationship index {latest['year']}: percentile among all pairs "
                         "with data (0-100)")
    for dim, card in latest["by_dimension"].items():
        trend = "" if card["trend_per_year"] is None else f"{card['trend_per_year']:+.1f}"
        others = [_num(b["scorecard"]["by_dimension"][dim]["score"]) for b in bench]
        table.add_row(dim, _num(card["score"]), trend, *others)
    table.add_row("[bold]composite[/bold]", _num(latest["composite"]),
                  "" if latest["composite_trend_per_year"] is None
                  else f"{latest['composite_trend_per_year']:+.1f}",
                  *[_num(b["scorecard"]["composite"]) for b in bench])
    out.print(table)
    basis = ", ".join(latest.get("basis") or []) or "none"
    out.print(f"composite over the year's basis ({basis})"
              + (f"; {latest['unscored']}: no composite" if latest.get("unscored") else "")
              + f"; data on {latest['coverage']}/6 dimensions; weakest: {latest['weakest']}, "
              f"strongest: {latest['strongest']}", highlight=False)
    conflict = latest["by_dimension"].get("conflict") or {}
    if conflict.get("hostility"):
        out.print(f"conflict: hostility {conflict['hostility']:g} discounts the composite: "
                  f"{', '.join(conflict.get('reasons') or [])} "
                  f"({'; '.join(conflict.get('sources') or [])})", highlight=False)


def print_profile(p: Profile, out: Console) -> None:
    """The profile: the scorecard, then one table per dimension and source, years down."""
    out.print(f"[bold]{p.a.name} ({p.a.iso3}) – {p.b.name} ({p.b.iso3})[/bold], "
              f"{p.years[0]}–{p.years[1]}", highlight=False)
    for note in p.notes:
        out.print(f"note: {note}", highlight=False)
    if p.index and p.index["latest"]:
        print_scorecard(p.index, out)
    out.print("data to: " + ", ".join(f"{d} {y if y is not None else 'NA'}"
                                      for d, y in p.data_to().items()), highlight=False)
    rows = p.rows[~p.rows["indicator"].map(lambda n: INDICATORS[n].text)]
    for (dimension, src, rel), block in rows.groupby(["dimension", "source", "release"],
                                                     sort=False):
        _print_block(out, block, f"{dimension} — {src} {rel}", p.a.iso3, p.b.iso3)
    cited = p.citations()
    out.print("Sources: " + "; ".join(f"{c['source']}/{c['release']}" for c in cited)
              + ". Cite with `amity cite`.", highlight=False)
    for c in cited:
        for caveat in c["caveats"]:
            out.print(f"  caveat ({c['source']}): {caveat}", highlight=False)


def _print_block(out: Console, block: pd.DataFrame, title: str, a: str, b: str) -> None:
    """One dimension's indicators from one source, years down, with marks and NA notes."""
    names = list(dict.fromkeys(block["indicator"]))
    units = {n: block.loc[block["indicator"] == n, "unit"].iloc[0] for n in names}
    table = narrow("year", *(short_label(n, a, b) for n in names), title=title,
                   caption=", ".join(names), caption_justify="left")
    marks: set[str] = set()
    for year, yr in block.groupby("year"):
        if yr["value"].isna().all():
            continue
        vals = dict(zip(yr["indicator"], yr["value"], strict=True))
        notes = dict(zip(yr["indicator"], yr["note"].fillna("").astype(str), strict=True))
        cells = []
        for n in names:
            note = notes.get(n, "")
            mark = "*" if note.startswith("as of ") else "~" if note.startswith("sample:") else ""
            marks |= {mark} - {""}
            cells.append(format_cell(vals.get(n), units[n]) + mark)
        table.add_row(str(year), *cells)
    if table.row_count:
        out.print(table)
    if "*" in marks:
        out.print("  * carried forward: the latest earlier value (a slow-moving stock or state; "
                  "the note in --format json says from which year)", highlight=False)
    if "~" in marks:
        out.print("  ~ from sample event files covering part of the year: not the "
                  "year's figure", highlight=False)
    missing = block.loc[block["value"].isna(), "note"].dropna()
    if len(missing):
        out.print(f"  NA: {missing.iloc[0]} (and {len(missing) - 1} more year-indicator "
                  "cells; --format json lists each)" if len(missing) > 1 else
                  f"  NA: {missing.iloc[0]}", highlight=False)


def print_rank(frame: pd.DataFrame, out: Console) -> None:
    """A country's ranked partners, the dimensions behind the score and who is not ranked
    (grouped by the reason)."""
    what = frame.attrs["dimension"]
    dims = [c for c in frame.columns[6:] if c != what]
    out.print(f"Index year {frame.attrs['why']}", highlight=False)
    table = narrow("#", "partner", "score", "dims", *[DIM3.get(d, d[:3]) for d in dims],
                   title=f"{frame.attrs['country']}'s partners by {what}, "
                         f"{frame.attrs['year']} (percentile among all pairs, 0-100)")
    table.columns[1].no_wrap = True
    for r in frame.itertuples(index=False):
        vals = [getattr(r, c) for c in dims]
        table.add_row(str(r.rank), f"{r.partner} {r.name[:11]}", f"{r.score:.1f}",
                      f"{r.coverage}/6", *("NA" if _isna(v) else f"{v:.0f}" for v in vals))
    out.print(table)
    if frame.attrs.get("basis"):
        out.print(f"{what} over {frame.attrs['basis']}; "
                  + ", ".join(f"{DIM3.get(d, d[:3])} = {d}" for d in dims), highlight=False)
    unranked = frame.attrs.get("unranked") or []
    if unranked:
        by_reason: dict[str, list[str]] = {}
        for b, why in unranked:
            by_reason.setdefault(why, []).append(b)
        out.print(f"not ranked ({len(unranked)}): " + "; ".join(
            f"{why}: {', '.join(bs[:10])}" + (f" and {len(bs) - 10} more" if len(bs) > 10
                                              else "") for why, bs in by_reason.items()),
            highlight=False)


def print_sources(records: list[dict[str, Any]], out: Console, *, caveats: bool) -> None:
    """The releases amity knows, what the store holds of each, and (optionally) caveats."""
    table = narrow("source/release", "rows", "years", "caveats", title="amity sources")
    for r in records:
        table.add_row(f"{r['source']}/{r['release']}" + (" *" if r["default"] else ""),
                      f"{r['rows']:,}" if r["rows"] is not None else "not ingested",
                      r["coverage"] or "", str(len(r["caveats"])))
    out.print(table)
    if caveats:
        for r in records:
            for c in r["caveats"]:
                out.print(f"  {r['source']}/{r['release']}: {c}", highlight=False,
                          markup=False)
    out.print("* default release. Licences, citations: `amity cite [SOURCE[/RELEASE]]`; "
              "caveats: `amity sources --caveats`; everything: `--format json`.",
              highlight=False, markup=False)


def _pct(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "NA"
    return f"{float(value):.{digits}%}"


def print_opportunities(frame: pd.DataFrame, console: Console, *, top: int = 10) -> None:
    """Print the ranked products, the market totals per group and the caveats, in tables
    that fit 80 columns (competitors on their own lines below each table)."""
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
    table = narrow("#", "product", "RCA", "imports", "expected", "actual", "untapped",
                    f"{a} share", title=f"Products with RCA ≥ 1, by untapped potential "
                    f"(top {top}); imports: the market's; NA: flow not covered")
    for r in ranked.itertuples(index=False):
        table.add_row(str(r.rank), str(r.product)[:24], f"{r.rca:.2f}",
                      money(r.market_imports_usd), money(r.expected_usd), money(r.actual_usd),
                      money(r.untapped_usd), _pct(r.market_share, 2))
    if table.row_count:
        console.print(table)
        for r in ranked.itertuples(index=False):
            if r.competitors:
                console.print(f"  {r.rank} {r.product}: main competitors "
                              f"{competitors_text(r.competitors)}", highlight=False)
    else:
        unknown = frame[(frame["rca"] >= 1) & frame["untapped_usd"].isna()]
        console.print(f"no product of {a} has RCA ≥ 1 with a known untapped value here"
                      + (f" ({len(unknown)} with RCA ≥ 1 whose sales to the market the "
                         "source does not cover: their actual and untapped values are NA)"
                         if len(unknown) else ""), highlight=False)
    totals = narrow("product group", "imports", f"{a} sales", "share", "expected",
                     "untapped", title="Market totals per product group")
    records = attrs.get("market_totals", [])
    for rec in records:
        style = "bold" if rec["group"] == ALL else None
        totals.add_row(str(rec["group"])[:24], money(rec["market_imports_usd"]),
                       money(rec["exporter_sales_usd"]), _pct(rec["exporter_share"], 2),
                       money(rec["expected_usd"]), money(rec["untapped_usd"]), style=style)
    console.print(totals)
    for rec in records:
        if rec["top_suppliers"]:
            console.print(f"  {rec['group']}: top suppliers "
                          f"{competitors_text(rec['top_suppliers'])}", highlight=False)
    console.print("Method: docs/opportunities.md. Cite the source with "
                  f"`amity cite {attrs['source']}`.", highlight=False)
    for caveat in attrs.get("caveats", []):
        console.print(f"  caveat: {caveat}", highlight=False)
