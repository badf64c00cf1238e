"""Benchmark: trade opportunities for all exporters × all markets × all products × all years.

Data: the largest product table in the mirror, Open Trade Statistics' ``trade_products``
(``ots/api-v1-2020``: 3.8 million exporter–importer–community rows, 1962–2018, with the
2018 world totals of ``trade_country_products``), ingested once into a temporary
``AMITY_HOME`` (not timed).

The computation (DESIGN.md §6, docs/opportunities.md): every country's world exports and
imports of each OTS community (the larger of the publisher's total and the sum of its
flows), world totals, ``rca``, then every (year, exporter a, market b, product k) with
X_ak > 0, M_bk > 0 and rca ≥ 1 (the products the ranking uses): expected = X_ak/X_wk · M_bk,
actual (0 where the flow is known to be absent, NA where the source does not cover it),
untapped. About 10.8 million rows.

Methods, each in its own child process (peak RSS = that child's ``ru_maxrss``):

``amity``
    ``opportunity_table(store, source="ots", min_rca=1.0)``: amity's whole-table Ibis
    expression run on DuckDB, result as a pandas DataFrame with categorical codes.
``duckdb-sql``
    The same query written by hand in DuckDB SQL over the store's tables, converted to
    pandas the same way (Arrow, strings as categories): the limit of the engine.
``pandas``
    A competent pandas implementation: the needed columns of the two tables read from the
    store with categorical dtypes (not timed), then groupby sums, a merge of exporters and
    markets on (year, product) and merges with the flows.

All methods must give the same rows and values (relative 1e-9, NA on the same rows),
checked in the run. Timing: one warm-up, then best of 3, inside each child; each run's
result is released before the next run starts, and the peak RSS is read when the runs
end (before the result is written out for the check). Run:
``.venv/bin/python benchmarks/bench_opportunities.py``.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import _common

METHODS = ("amity", "duckdb-sql", "pandas")
LABELS = {
    "amity": "amity `opportunity_table` (Ibis on DuckDB)",
    "duckdb-sql": "raw DuckDB SQL (the limit)",
    "pandas": "pandas groupby + merges (baseline)",
}
SECTION = "Trade opportunities: all exporters × markets × products × years"
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "opportunities.md"
BENCHMARKS_MD = _common.REPO / "BENCHMARKS.md"
RELEASE = "api-v1-2020"
MIN_RCA = 1.0
TOL = 1e-9
KEYS = ["year", "a", "b", "product"]
VALUES = ["exporter_exports_usd", "rca", "world_share", "market_imports_usd", "expected_usd",
          "actual_usd", "untapped_usd"]

_SQL = """
WITH raw AS (
    SELECT year, exporter AS e, importer AS i, product AS k, value_usd AS v
    FROM trade_products
    WHERE source = 'ots' AND release = $release AND classification = 'ots_community'),
cp AS (
    SELECT year, iso3 AS c, flow, product AS k, sum(value_usd) AS v
    FROM trade_country_products
    WHERE source = 'ots' AND release = $release AND classification = 'ots_community'
    GROUP BY ALL),
x AS (
    SELECT year, c, k, greatest(coalesce(b.s, 0), coalesce(t.v, 0)) AS x,
           c IN ({reporters}) OR l.c IS NOT NULL
           OR (k = 'Textiles' AND year BETWEEN 1995 AND 2018) AS complete
    FROM (SELECT year, e AS c, k, sum(v) AS s FROM raw GROUP BY ALL) AS b
    FULL JOIN (SELECT year, c, k, v FROM cp WHERE flow = 'export') AS t USING (year, c, k)
    LEFT JOIN (SELECT DISTINCT year, c FROM cp WHERE flow = 'export') AS l USING (year, c)),
m AS (
    SELECT year, c, k, greatest(coalesce(b.s, 0), coalesce(t.v, 0)) AS m,
           c IN ({reporters}) OR l.c IS NOT NULL
           OR (k = 'Textiles' AND year BETWEEN 1995 AND 2018) AS complete
    FROM (SELECT year, i AS c, k, sum(v) AS s FROM raw GROUP BY ALL) AS b
    FULL JOIN (SELECT year, c, k, v FROM cp WHERE flow = 'import') AS t USING (year, c, k)
    LEFT JOIN (SELECT DISTINCT year, c FROM cp WHERE flow = 'import') AS l USING (year, c)),
xwk AS (SELECT year, k, sum(x) AS xwk FROM x GROUP BY ALL),
xw AS (SELECT year, sum(xwk) AS xw FROM xwk GROUP BY ALL),
xa AS (SELECT year, c, sum(x) AS xa FROM x GROUP BY ALL),
ex AS (
    SELECT x.year, x.c AS a, x.k, x.x, x.complete,
           (x.x / nullif(xa.xa, 0)) / nullif(xwk.xwk / nullif(xw.xw, 0), 0) AS rca,
           x.x / nullif(xwk.xwk, 0) AS share
    FROM x JOIN xwk USING (year, k) JOIN xw USING (year) JOIN xa USING (year, c)
    WHERE x.x > 0),
known AS (
    SELECT DISTINCT year, e, i FROM raw
    WHERE NOT (k = 'Textiles' AND year BETWEEN 1995 AND 2018)),
p AS (
    SELECT ex.year, ex.a, m.c AS b, ex.k AS product, ex.x, ex.rca, ex.share, m.m,
           ex.share * m.m AS expected,
           coalesce(f.v, CASE WHEN ex.complete OR m.complete OR kp.e IS NOT NULL
                              THEN 0.0 END) AS actual,
           ex.complete AS exports_complete, m.complete AS imports_complete
    FROM ex JOIN m ON ex.year = m.year AND ex.k = m.k AND ex.a <> m.c
    LEFT JOIN raw AS f ON f.year = ex.year AND f.e = ex.a AND f.i = m.c AND f.k = ex.k
    LEFT JOIN known AS kp ON kp.year = ex.year AND kp.e = ex.a AND kp.i = m.c
    WHERE ex.rca >= $min_rca AND m.m > 0)
SELECT year, a, b, product, x AS exporter_exports_usd, rca, share AS world_share,
       m AS market_imports_usd, expected AS expected_usd, actual AS actual_usd,
       CASE WHEN actual IS NULL THEN NULL ELSE greatest(expected - actual, 0.0) END
           AS untapped_usd,
       exports_complete, imports_complete
FROM p
"""


def _reporters(store_path: str) -> list[str]:
    """The OTS reporters whose files list all partners, as the store's catalogue records
    them (read for every method, outside the timing)."""
    from amity.indicators.products import coverage
    from amity.store import Store

    with Store(store_path, read_only=True) as store:
        return sorted(coverage(store, "ots", RELEASE).reporters)


def sql(store_path: str) -> str:
    """The raw query with the OTS reporters inlined."""
    return _SQL.replace("{reporters}", ", ".join(f"'{r}'" for r in _reporters(store_path)))


# -- the pandas baseline ------------------------------------------------------------------
def load_for_pandas(store_path: str) -> tuple[Any, Any]:
    """The needed columns of OTS's two product tables, compact dtypes (not timed)."""
    import duckdb

    con = duckdb.connect(store_path, read_only=True)
    flows = con.execute(
        "SELECT year, exporter AS e, importer AS i, product AS k, value_usd AS v "
        "FROM trade_products WHERE source = 'ots' AND release = ? "
        "AND classification = 'ots_community'", [RELEASE]).arrow().read_all()
    totals = con.execute(
        "SELECT year, iso3 AS c, flow, product AS k, value_usd AS v FROM trade_country_products "
        "WHERE source = 'ots' AND release = ? AND classification = 'ots_community'",
        [RELEASE]).arrow().read_all()
    con.close()
    return (flows.to_pandas(strings_to_categorical=True),
            totals.to_pandas(strings_to_categorical=True))


def pandas_baseline(flows: Any, totals: Any, reporters: list[str]) -> Any:
    """The same table with pandas: groupby sums, one merge on (year, k), two lookups."""
    import numpy as np
    import pandas as pd

    def side(own: str, flow: str, name: str) -> Any:
        b = flows.groupby(["year", own, "k"], observed=True, sort=False)["v"].sum()
        b.index = b.index.set_names(["year", "c", "k"])
        t = totals[totals["flow"] == flow].groupby(["year", "c", "k"], observed=True,
                                                   sort=False)["v"].sum()
        both = pd.concat([b.rename("s"), t.rename("t")], axis=1).fillna(0.0).reset_index()
        listed = set(zip(t.index.get_level_values(0), t.index.get_level_values(1), strict=True))
        complete = (both["c"].isin(reporters)
                    | pd.Series([yc in listed for yc in zip(both["year"], both["c"], strict=True)],
                                index=both.index)
                    | ((both["k"] == "Textiles") & both["year"].between(1995, 2018)))
        return pd.DataFrame({"year": both["year"], "c": both["c"].astype(str),
                             "k": both["k"].astype(str),
                             name: np.maximum(both["s"], both["t"]), "complete": complete})

    x, m = side("e", "export", "x"), side("i", "import", "m")
    xwk = x.groupby(["year", "k"])["x"].transform("sum")
    xw = x.groupby("year")["x"].transform("sum")
    xa = x.groupby(["year", "c"])["x"].transform("sum")
    x = x.assign(rca=(x["x"] / xa.replace(0, np.nan)) / (xwk / xw.replace(0, np.nan)),
                 share=x["x"] / xwk.replace(0, np.nan))
    ex = x[(x["x"] > 0) & (x["rca"] >= MIN_RCA)].rename(columns={"c": "a"})
    mk = m[m["m"] > 0].rename(columns={"c": "b", "complete": "b_complete"})
    p = ex.merge(mk, on=["year", "k"])
    p = p[p["a"] != p["b"]]
    fl = flows.astype({"e": str, "i": str, "k": str}).rename(
        columns={"e": "a", "i": "b"})
    p = p.merge(fl, on=["year", "a", "b", "k"], how="left")
    plain = fl[~((fl["k"] == "Textiles") & fl["year"].between(1995, 2018))]
    known = plain[["year", "a", "b"]].drop_duplicates().assign(kp=True)
    p = p.merge(known, on=["year", "a", "b"], how="left")
    zero = np.where(p["complete"] | p["b_complete"] | p["kp"].notna(), 0.0, np.nan)
    actual = p["v"].fillna(pd.Series(zero, index=p.index))
    expected = p["share"] * p["m"]
    untapped = (expected - actual).clip(lower=0)
    return pd.DataFrame({
        "year": p["year"], "a": p["a"].astype("category"), "b": p["b"].astype("category"),
        "product": p["k"].astype("category"), "exporter_exports_usd": p["x"],
        "rca": p["rca"], "world_share": p["share"], "market_imports_usd": p["m"],
        "expected_usd": expected, "actual_usd": actual, "untapped_usd": untapped,
        "exports_complete": p["complete"].astype(bool),
        "imports_complete": p["b_complete"].astype(bool)})


# -- children ----------------------------------------------------------------------------
def child_ingest(store_path: str, mirror: str) -> None:
    from amity.ingest import setup
    from amity.store import Store

    with Store(store_path) as store:
        setup(store, mirror=mirror, sources=["amity_countries", "ots"])
    _common.child_reply({})


def child_baseline(store_path: str) -> None:
    import amity  # noqa: F401
    from amity.store import Store

    store = Store(store_path, read_only=True)
    n = store.execute("SELECT count(*) AS n FROM trade_products WHERE source = 'ots'")
    _common.child_reply({"rows": int(n["n"].iloc[0])})


def _runner(method: str, store_path: str) -> Any:
    if method == "amity":
        from amity.opportunities import opportunity_table
        from amity.store import Store

        store = Store(store_path, read_only=True)
        return lambda: opportunity_table(store, source="ots", min_rca=MIN_RCA)
    if method == "duckdb-sql":
        import duckdb

        con = duckdb.connect(store_path, read_only=True)
        query = sql(store_path)
        return lambda: con.execute(query, {"release": RELEASE, "min_rca": MIN_RCA}).arrow(
            ).read_all().to_pandas(strings_to_categorical=True)
    flows, totals = load_for_pandas(store_path)
    reporters = _reporters(store_path)
    return lambda: pandas_baseline(flows, totals, reporters)


def child_measure(method: str, store_path: str, out: str) -> None:
    compute = _runner(method, store_path)
    held: list[Any] = []

    def run() -> None:
        # drop the previous run's result first: peak memory is then one run's, not two
        held.clear()
        held.append(compute())

    best, times, _ = _common.best_of(run, repeat=3, warmup=1)
    # the peak up to here is the computation's; writing the result for the check below
    # must not count (turning 10 million codes into Python strings would dominate it)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    frame = held.pop()
    frame.to_parquet(out)
    _common.child_reply({"best": best, "times": times, "rows": len(frame), "peak_mb": peak})


def child_verify(workdir: str) -> None:
    """Compare every method with the raw SQL result; PAK→RUS Textiles 2018 from each."""
    import numpy as np
    import pandas as pd

    report: dict[str, Any] = {"ok": True, "problems": [], "pak_rus": {}}
    frames = {m: pd.read_parquet(Path(workdir) / f"{m}.parquet").astype(
        {"a": str, "b": str, "product": str, "year": "int64"}) for m in METHODS}
    ref = frames["duckdb-sql"]
    for method, frame in frames.items():
        row = frame[(frame.a == "PAK") & (frame.b == "RUS") & (frame.year == 2018)
                    & (frame["product"] == "Textiles")]
        report["pak_rus"][method] = ([float(row[c].iloc[0]) for c in
                                      ("rca", "expected_usd", "actual_usd", "untapped_usd")]
                                     if len(row) else None)
        if method == "duckdb-sql":
            continue
        both = ref.merge(frame, on=KEYS, how="outer", indicator=True, suffixes=("_ref", ""))
        only = int((both["_merge"] != "both").sum())
        both = both[both["_merge"] == "both"]
        bad = pd.Series(False, index=both.index)
        for col in VALUES:
            bad |= ~np.isclose(both[f"{col}_ref"], both[col], rtol=TOL, atol=0,
                               equal_nan=True)
        for col in ("exports_complete", "imports_complete"):
            bad |= both[f"{col}_ref"] != both[col]
        if only or bad.any():
            report["ok"] = False
            report["problems"].append(f"{method}: {int(bad.sum())} rows differ, {only} rows "
                                      f"on one side only; e.g. "
                                      f"{both[bad].head(2).to_dict('records')}")
    _common.child_reply(report)


# -- driver (stdlib only, so that the children's ru_maxrss is their own) -------------------
def _table(rows: list[dict[str, Any]], raw: float, pandas: float) -> str:
    lines = ["| method | seconds (best of 3) | peak RSS MB | rows | × raw SQL | pandas / method |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {LABELS[r['method']]} | {r['best']:.3f} | {r['rss']:.0f} | "
                     f"{r['rows']:,} | {r['best'] / raw:.2f} | {pandas / r['best']:.2f}× |")
    return "\n".join(lines)


def _section(rows: list[dict[str, Any]], info: dict[str, str], extra: dict[str, Any]) -> str:
    by = {r["method"]: r for r in rows}
    raw, pandas = by["duckdb-sql"]["best"], by["pandas"]["best"]
    amity = by["amity"]["best"]
    verdicts = [
        (f"amity / raw SQL = {amity / raw:.2f} (target ≤ 1.25: "
         f"{'meets' if amity / raw <= 1.25 else 'MISSES'})"),
        (f"pandas / amity = {pandas / amity:.2f} (target > 1, amity faster: "
         f"{'meets' if pandas > amity else 'MISSES'})"),
    ]
    pak = "\n".join(f"- {k}: rca, expected, actual, untapped = {v}" for k, v in
                    extra["verify"]["pak_rus"].items())
    times = "\n".join(f"- {r['method']}: " + ", ".join(f"{t:.3f}" for t in r["times"])
                      for r in rows)
    status = ("all methods give the same rows and values (relative difference ≤ "
              f"{TOL:g}, NA on the same rows)" if extra["verify"]["ok"] else
              "**MISMATCH**: " + "; ".join(extra["verify"]["problems"]))
    return f"""## {SECTION}

Open Trade Statistics from the mirror (`ots/`), ingested into a fresh store before timing
({extra['ingest_rows']:,} `trade_products` rows, 1962–2018, 22 OTS communities). Each
method computes, in one call and in its own process, every (year, exporter, market,
product) with X_ak > 0, M_bk > 0 and RCA ≥ 1: world exports and imports per country and
product (the larger of the publisher's total and the sum of the flows), world totals,
RCA, expected = X_ak/X_wk · M_bk, actual (0 where the flow is known to be absent, NA
where OTS does not cover it), untapped = max(0, expected − actual) (DESIGN.md §6;
docs/opportunities.md). The result is a pandas DataFrame with categorical country and
product codes. Seconds: best of 3 after one warm-up. Peak RSS: that process's
`ru_maxrss`, absolute, read when the four runs end (each run's result is released before
the next starts; writing the result out for the check comes after). A process that only
imports amity and opens the store peaks at {extra['baseline_rss']:.0f} MB, the driver at
{extra['driver_rss']:.0f} MB. The pandas baseline reads the needed columns from the store
before timing starts; amity and the raw SQL read the store inside the timing. The peaks
of the two DuckDB methods are mostly the engine's working memory and the allocator
keeping freed memory between runs (one run alone peaks at about 2.2 GB).

{_table(rows, raw, pandas)}

Check: {status}.

Targets: {'; '.join(verdicts)}.

PAK → RUS, Textiles, 2018 from each method:
{pak}

All timed runs (seconds):
{times}

Machine:
{_common.machine_markdown(info)}
"""



def main(argv: list[str] | None = None) -> int:
    parser = _common.arg_parser(__doc__)
    parser.add_argument("--store", help="reuse a store that has ots ingested (skip ingest)")
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        {"ingest": child_ingest, "baseline": child_baseline, "measure": child_measure,
         "verify": child_verify}[kind](*rest)
        return 0
    if not (Path(args.mirror) / "ots").is_dir():
        print(f"no OTS data in the mirror at {args.mirror}; set --mirror or AMITY_MIRROR")
        return 2
    info = _common.machine()
    work = tempfile.mkdtemp(prefix="amity-bench-")
    env = {"AMITY_HOME": work}
    me = str(Path(__file__).resolve())
    try:
        store = args.store or str(Path(work) / "amity.duckdb")
        if not args.store:
            _common.run_child([me, "--child", "ingest", store, args.mirror], env=env)
        base = _common.run_child([me, "--child", "baseline", store], env=env)
        rows = []
        for method in METHODS:
            print(f"measuring {method} ...", flush=True)
            out = str(Path(work) / f"{method}.parquet")
            child = _common.run_child([me, "--child", "measure", method, store, out], env=env)
            rows.append({"method": method, "best": child.reply["best"],
                         "times": child.reply["times"], "rows": child.reply["rows"],
                         "rss": child.reply["peak_mb"]})
        verify = _common.run_child([me, "--child", "verify", work], env=env).reply
        info["load average at end"] = _common.load_average()
        section = _section(rows, info, {"verify": verify, "ingest_rows": base.reply["rows"],
                                        "baseline_rss": base.maxrss_mb,
                                        "driver_rss": base.driver_maxrss_mb})
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text("# " + section[3:])
        _common.write_section(SECTION, section)
        print(section)
        return 0 if verify["ok"] else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
