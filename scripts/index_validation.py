"""Validate the relationship index against what an area specialist knows, and measure its
seams: writes ``docs/index-validation.md``.

For 15 major countries across regions, the script lists their top 10 partners by the
composite in the index's default year beside their top 10 by total trade and by UN
agreement that year, with each partner's coverage. It also measures how much of the
composite's year-to-year change comes from coverage alone: for every pair and pair of
consecutive years with a composite, the composite of year t minus the composite of year t
recomputed over the dimensions the pair had in year t-1 (0 when the dimensions are the
same); the largest such change, its 99th percentile and the year where it peaks.

Usage (after ``amity setup`` on the mirror)::

    python scripts/index_validation.py [--home DIR] [--out docs/index-validation.md]
                                       [--compare-home OLD_HOME --compare-label TEXT]

``--compare-home`` measures the same seams on another store (e.g. one built by an earlier
version of amity) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
COUNTRIES = ("USA", "CHN", "RUS", "IND", "PAK", "DEU", "GBR", "FRA", "JPN", "BRA", "TUR",
             "SAU", "NGA", "ZAF", "IDN")
RECENT = 2005
DIMS = ("political", "economic", "military", "people", "multilateral", "media")


def _con(home: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Path(home) / "amity.duckdb"), read_only=True)


def seams(home: str) -> dict[str, object]:
    """The coverage part of year-to-year composite changes in a store's index.

    A composite is a mean over a set of dimensions: the year's basis where the index
    records one (column ``basis``), else every dimension the pair has. For each pair and
    consecutive years with composites, the seam is the composite's change that comes from
    the set alone: |composite(t) − t's scores over t−1's set| where a source starts,
    |composite(t−1) − t−1's scores over t's set| where one ends (0 when the sets are
    equal; discounted by hostility as the composite is).
    """
    con = _con(home)
    cols = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE "
                                      "table_name = 'index_scores'").fetchall()}
    dims = [d for d in DIMS if f"score_{d}" in cols]
    hostility = "coalesce(hostility, 0.0)" if "hostility" in cols else "0.0"
    basis = "basis" if "basis" in cols else "NULL"
    frame = con.execute(
        f"SELECT a, b, year, composite, {hostility} AS h, {basis} AS basis, "
        + ", ".join(f"score_{d}" for d in dims)
        + " FROM index_scores WHERE composite IS NOT NULL ORDER BY a, b, year").df()
    con.close()
    frame = frame.sort_values(["a", "b", "year"], ignore_index=True)
    if frame["basis"].notna().any():
        in_set = pd.concat({d: frame["basis"].str.split(", ").apply(lambda b, d=d: d in b)
                            for d in dims}, axis=1)
    else:
        in_set = pd.concat({d: frame[f"score_{d}"].notna() for d in dims}, axis=1)
    scores = frame[[f"score_{d}" for d in dims]].set_axis(list(dims), axis=1)
    pair = [frame["a"], frame["b"]]
    before = frame.groupby(pair).shift(1)
    had = in_set.groupby(pair).shift(1).astype("boolean").fillna(False).astype(bool)
    before_scores = scores.groupby(pair).shift(1)
    consecutive = before["year"] == frame["year"] - 1

    def mean_over(values: pd.DataFrame, chosen: pd.DataFrame, h: pd.Series) -> pd.Series:
        n = chosen.sum(axis=1).where(lambda k: k > 0)
        return values.where(chosen, 0.0).fillna(0.0).sum(axis=1) / n * (1.0 - h)

    # a source starts: t's scores over t-1's set; a source ends: t-1's scores over t's set
    starts = consecutive & (had <= scores.notna()).all(axis=1) & had.any(axis=1)
    ends = consecutive & ~starts & (in_set <= before_scores.notna()).all(axis=1)
    effect = pd.concat([
        (frame["composite"] - mean_over(scores, had, frame["h"])).where(starts),
        (before["composite"] - mean_over(before_scores, in_set, before["h"])).where(ends),
    ], axis=1).max(axis=1).abs()
    usable = starts | ends
    per_year = effect.groupby(frame["year"]).mean()
    worst = effect.idxmax()
    return {"pair_years": int(usable.sum()), "max": float(effect.max()),
            "p99": float(effect.quantile(0.99)), "changed": int((effect > 1e-9).sum()),
            "worst": (f"{frame.at[worst, 'a']}-{frame.at[worst, 'b']} "
                      f"{int(frame.at[worst, 'year'])}"),
            "peak_year": int(per_year.idxmax()), "peak_mean": float(per_year.max()),
            "per_year": per_year}


def top_tables(home: str) -> tuple[int, str, dict[str, pd.DataFrame]]:
    """The default year, its rule, and per country the three top-10 lists side by side."""
    sys.path.insert(0, str(REPO / "src"))
    os.environ["AMITY_HOME"] = home
    from amity.index import default_year
    from amity.store import open_store

    with open_store(read_only=True) as store:
        year, why = default_year(store)
    con = _con(home)
    out = {}
    for iso in COUNTRIES:
        comp = con.execute(
            "SELECT b, composite, coverage FROM index_scores WHERE a = ? AND year = ? AND "
            "composite IS NOT NULL ORDER BY composite DESC, b LIMIT 10", [iso, year]).df()
        trade = con.execute(
            "SELECT b, trade_total_usd FROM panel WHERE a = ? AND year = ? AND "
            "trade_total_usd IS NOT NULL ORDER BY trade_total_usd DESC, b LIMIT 10",
            [iso, year]).df()
        un = con.execute(
            "SELECT b, un_agreement FROM panel WHERE a = ? AND year = ? AND "
            "un_common_votes >= 10 ORDER BY un_agreement DESC, b LIMIT 10", [iso, year]).df()
        rows = [(i + 1,
                 _cell(comp, i, lambda r: f"{r.composite:.0f} ({int(r.coverage)})"),
                 _cell(trade, i, lambda r: f"${r.trade_total_usd / 1e9:,.1f}B"),
                 _cell(un, i, lambda r: f"{r.un_agreement:.0%}")) for i in range(10)]
        out[iso] = pd.DataFrame(rows, columns=["#", "composite (dims)", "total trade",
                                               "UN agreement"])
    con.close()
    return year, why, out


def _cell(frame: pd.DataFrame, i: int, fmt: Callable[[Any], str]) -> str:
    """Row ``i`` of a top-10 list as "PARTNER value" ("" past its end)."""
    if i >= len(frame):
        return ""
    row = frame.iloc[i]
    return f"{row.b} {fmt(row)}"


def _md(frame: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(frame.columns) + " |",
             "|" + "|".join("---" for _ in frame.columns) + "|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(
        index=False)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", default=os.environ.get("AMITY_HOME"))
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "index-validation.md")
    parser.add_argument("--notes", type=Path, default=REPO / "docs" / "index-notes.md",
                        help="hand-written explanations included after the tables")
    parser.add_argument("--compare-home", help="another store to measure seams on")
    parser.add_argument("--compare-label", default="an earlier amity")
    args = parser.parse_args()
    if not args.home:
        raise SystemExit("give --home (the AMITY_HOME of a store built with amity setup)")
    year, why, tables = top_tables(args.home)
    now = seams(args.home)
    parts = ["# Index validation\n",
             "Written by `scripts/index_validation.py` from a store built with `amity setup` "
             "on the data mirror. Do not edit by hand: edit the script or "
             "`docs/index-notes.md` and run it again.\n",
             f"Default year {why}.\n",
             "## Seams: how much of the composite's change is coverage alone\n",
             "For every pair and consecutive years with a composite, the part of the "
             "change that comes from the set of dimensions averaged (the year's basis; "
             "for an index without one, the dimensions the pair has): where a source "
             "starts, |composite(t) − t's scores averaged over t−1's set|; where one "
             "ends, |composite(t−1) − t−1's scores averaged over t's set|; 0 when the "
             "sets are the same. Per-year means are over the pairs compared that "
             "year.\n",
             "| index | pair-years compared | changed by coverage | largest | 99th pct | "
             "largest at | worst year (mean) |", "|---|---:|---:|---:|---:|---|---|"]
    rows = [("this amity", now)]
    if args.compare_home:
        rows.insert(0, (args.compare_label, seams(args.compare_home)))
    for label, s in rows:
        parts.append(f"| {label} | {s['pair_years']:,} | {s['changed']:,} | {s['max']:.1f} | "
                     f"{s['p99']:.1f} | {s['worst']} | {s['peak_year']} "
                     f"({s['peak_mean']:.2f}) |")
    recent = pd.DataFrame({label: s["per_year"] for label, s in rows}).loc[RECENT:]
    parts.append(f"\nMean seam per year since {RECENT} (points of the composite):\n")
    parts.append(_md(recent.round(2).fillna("").reset_index(names="year")))
    parts.append(f"\n## Top partners in {year}\n")
    parts.append("Composite: the relationship index (0–100) with the number of dimensions "
                 "the pair has data on; total trade: goods trade both ways that year (the "
                 "default source); UN agreement: share of common General Assembly votes "
                 "(10 or more common votes).\n")
    for iso, frame in tables.items():
        parts.append(f"### {iso}\n\n{_md(frame)}\n")
    if args.notes.exists():
        parts.append(args.notes.read_text("utf-8"))
    args.out.write_text("\n".join(parts) + "\n", "utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
