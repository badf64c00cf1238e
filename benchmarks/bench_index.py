"""Benchmark: the relationship index for all directed pairs × all years, and a profile.

Data: a store built in a temporary ``AMITY_HOME`` by ``amity.ingest.setup`` from the real
mirror, every source (not timed; it also builds the stored ``panel`` and ``index_scores``).

Timed: the whole index computation *from the stored panel to a stored index table*:
percentiles of every index indicator among all pairs with data that year, dimension
scores, composite, coverage, weakest/strongest, then trend, prior-3 mean and break of the
composite and each dimension score. Methods, each in its own child process (peak RSS =
that child's ``ru_maxrss``), each writing its own table in the store:

``amity``
    The production path: ``amity.panel.build_index(store, method="sql")``, what
    :func:`amity.panel.build` calls after writing the panel on DuckDB (``method="auto"``;
    :data:`BUILD_CALLS` checks at run time that it still does): one SQL statement that
    amity generates from its catalogue (:func:`amity.index.index_sql`), run through Ibis
    (``store.ibis.sql``) and written with ``store.replace_table``.
``amity-ibis``
    The portable path, ``build_index(store, method="ibis")``: ``score`` + ``dynamics`` as
    one Ibis expression written with ``store.replace_table`` (runs in DuckDB).
``duckdb-sql``
    The same computation written by hand as one DuckDB SQL statement: per indicator,
    counts per distinct value and year with a running sum for the mid-rank percentiles,
    joined back to the panel on (year, value); dimension means row-wise; trends and prior
    means from ``lag`` over the pair's previous rows (no window frames). The limit,
    written independently of amity's generated statement.
``duckdb-sql-long``
    The same in the long form that amity's Ibis queries take: UNPIVOT, counts per
    distinct value with a running sum, conditional aggregates for the dimension means,
    RANGE window frames (``regr_slope``, ``avg``) for trends and prior means.
``pandas``
    A competent pandas baseline: the needed columns read with DuckDB's ``.df()``,
    ``groupby("year").rank(method="average")`` for all indicators at once, row-wise
    means, and for the trends and prior means the pair's previous rows by ``shift``
    (vectorised; ``groupby(pair).rolling`` over offset windows gave the same numbers but
    spent over a minute rebuilding window bounds per column), written back through DuckDB.

All methods must give the same numbers on every pair-year (and equal setup's stored
``index_scores``, copied aside before the amity methods replace it; each amity method's
result is copied to its own table after the timed runs), checked in the run. Then
``amity.profile("PAK", "RUS")`` on the warm store, and the
``amity profile PAK RUS --format json`` command line. Run:
``.venv/bin/python benchmarks/bench_index.py`` (or ``make bench``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common

METHODS = ("amity", "amity-ibis", "duckdb-sql", "duckdb-sql-long", "pandas")
LABELS = {
    "amity": "amity production path (`panel.build_index(method=\"sql\")`: one generated SQL "
             "statement through Ibis, `replace_table`)",
    "amity-ibis": "amity portable Ibis path (`panel.build_index(method=\"ibis\")`: `score` + "
                  "`dynamics`, `replace_table`) on DuckDB",
    "duckdb-sql": "raw DuckDB SQL, one statement, per-indicator counts joined back (the limit)",
    "duckdb-sql-long": "raw DuckDB SQL, one statement, long form (UNPIVOT + conditional "
                       "aggregates, the shape of the Ibis queries)",
    "pandas": "pandas: groupby-rank + row means + shifted previous years (baseline)",
}
SECTION = "Relationship index: all pairs × all years"
RESULTS = Path(__file__).resolve().parent / "results" / "index.md"
BENCHMARKS_MD = _common.REPO / "BENCHMARKS.md"
#: the last run's raw measurements (to re-render the report without re-measuring)
LAST = Path(tempfile.gettempdir()) / "amity-bench-index-last.json"
#: tolerances of the agreement check: absolute for percentiles, scores, composite, priors
TOL = 1e-9
TREND_ABS, TREND_REL = 1e-8, 1e-6
THRESHOLD, WINDOW = 15.0, 5


def table_of(method: str) -> str:
    return "bench_index__" + method.replace("-", "_")


# -- the methods --------------------------------------------------------------------------
#: what ``amity.panel.build`` and ``build_index`` must still contain for the amity row to be
#: the production path (checked at run time, so that a change cannot go unnoticed)
BUILD_CALLS = {"build": ("build_index(store, method=method)",),
               "build_index": ('method = "sql" if store.ibis.name == "duckdb" else "ibis"',)}


def mirrors_build() -> bool:
    """Whether ``amity.index.build`` on DuckDB still runs ``build_index(method="sql")``."""
    import inspect

    import amity.index.panel

    return all(line in inspect.getsource(getattr(amity.index.panel, name))
               for name, lines in BUILD_CALLS.items() for line in lines)


def amity_build_index(store: Any, method: str) -> int:
    """``amity.index.build_index(store, method=method)``: writes ``index_scores``."""
    from amity.index import build_index

    return build_index(store, method=method)


def _spec(columns: list[str]) -> tuple[list[str], dict[str, str], set[str], list[str]]:
    """Index indicators in the panel, their dimension, the flipped ones, the dimensions."""
    from amity.index import index_indicators
    from amity.indicators import DIMENSIONS, INDICATORS

    names = index_indicators(columns)
    dim = {n: INDICATORS[n].dimension for n in names}
    lower = {n for n in names if INDICATORS[n].orientation == "lower"}
    return names, dim, lower, [d for d in DIMENSIONS if d in dim.values()]


def _q(name: str) -> str:
    return f'"{name}"'


def _percentile_sql(ties: str, partition: str) -> str:
    """Mid-rank percentile per distinct value of ``ties`` (value, ties, ...)."""
    return f"""SELECT *, CASE WHEN ties = n THEN 50.0
                   ELSE 100.0 * (below + (ties - 1) / 2.0) / (n - 1.0) END AS raw
    FROM (SELECT *, sum(ties) OVER (PARTITION BY {partition} ORDER BY value
                                    ROWS UNBOUNDED PRECEDING) - ties AS below,
                 sum(ties) OVER (PARTITION BY {partition}) AS n FROM {ties})"""


def sql_statement(columns: list[str], table: str, form: str = "wide") -> str:
    """The whole index as one DuckDB statement (column lists from the catalogue).

    ``form="wide"`` (the fast one): per indicator, counts per distinct value and year with
    a running sum, joined back to the panel on (year, value); dimension means row-wise.
    ``form="long"``: the panel unpivoted to one row per pair-year-indicator, percentiles
    joined on (indicator, year, value), pivoted back with conditional aggregates (the
    shape of amity's Ibis queries). The trends and breaks are the same in both.
    """
    names, dim, lower, dims = _spec(columns)
    scores = [f"score_{d}" for d in dims]
    if form == "wide":
        ranked = ",\n".join(
            f"r{i} AS (SELECT year, value, {'100.0 - raw' if n in lower else 'raw'} AS p FROM ("
            + _percentile_sql(f"(SELECT year, {_q(n)}::DOUBLE AS value, count(*) AS ties "
                              f"FROM panel WHERE {_q(n)} IS NOT NULL GROUP BY ALL)", "year")
            + "))" for i, n in enumerate(names))
        joins = "\n".join(f"  LEFT JOIN r{i} ON r{i}.year = panel.year "
                          f"AND r{i}.value = panel.{_q(n)}::DOUBLE" for i, n in enumerate(names))
        means = []
        for d in dims:
            ps = [f"p_{n}" for n in names if dim[n] == d]
            count = " + ".join(f"({p} IS NOT NULL)::BIGINT" for p in ps)
            means.append(f"({' + '.join(f'coalesce({p}, 0.0)' for p in ps)}) / "
                         f"nullif({count}, 0) AS score_{d}, {count} AS n_{d}")
        head = f"""{ranked},
pct AS (SELECT panel.a, panel.b, panel.year,
  {', '.join(f"r{i}.p AS p_{n}" for i, n in enumerate(names))}
  FROM panel
{joins}),
wide AS (SELECT *, {', '.join(means)} FROM pct)"""
    else:
        meta = ", ".join(f"('{n}', '{dim[n]}', {str(n in lower).lower()})" for n in names)
        head = f"""meta(indicator, dimension, flip) AS (VALUES {meta}),
long AS (
  UNPIVOT (SELECT a, b, year, {', '.join(f'{_q(n)}::DOUBLE AS {_q(n)}' for n in names)}
           FROM panel)
  ON {', '.join(_q(n) for n in names)} INTO NAME indicator VALUE value),
ranked AS (
  SELECT indicator, year, value, dimension,
         CASE WHEN flip THEN 100.0 - raw ELSE raw END AS p
  FROM ({_percentile_sql("(SELECT indicator, year, value, count(*) AS ties FROM long "
                         "GROUP BY ALL)", "indicator, year")}) JOIN meta USING (indicator)),
pct AS (SELECT a, b, year, indicator, dimension, p
        FROM long JOIN ranked USING (indicator, year, value)),
wide AS (
  SELECT a, b, year,
  {', '.join(f"max(p) FILTER (WHERE indicator = '{n}') AS p_{n}" for n in names)},
  {', '.join(f"avg(p) FILTER (WHERE dimension = '{d}') AS score_{d}" for d in dims)},
  {', '.join(f"count(p) FILTER (WHERE dimension = '{d}') AS n_{d}" for d in dims)}
  FROM pct GROUP BY a, b, year)"""
    series = ["composite", *scores]
    cov = " + ".join(f"({s} IS NOT NULL)::BIGINT" for s in scores)
    total = " + ".join(f"coalesce({s}, 0.0)" for s in scores)

    def pick(fn: str) -> str:
        return "CASE " + " ".join(f"WHEN {s} = {fn}({', '.join(scores)}) THEN '{d}'"
                                  for s, d in zip(scores, dims, strict=True)) + " END"

    if form == "wide":
        tail = _dynamics_lags(series)
    else:
        tail = _dynamics_frames(series)
    return f"""CREATE OR REPLACE TABLE {table} AS
WITH {head},
scored AS (
  SELECT *, ({total}) / ({cov})::DOUBLE AS composite, {cov} AS coverage,
         {pick('least')} AS weakest, {pick('greatest')} AS strongest
  FROM wide WHERE {cov} > 0),
{tail}
"""


def _brk(s: str) -> str:
    return (f"CASE WHEN {s} - {s}_prior3 >= {THRESHOLD} THEN 'up' "
            f"WHEN {s} - {s}_prior3 <= -{THRESHOLD} THEN 'down' END AS {s}_break")


def _dynamics_frames(series: list[str]) -> str:
    """Trends and prior means as aggregates over RANGE window frames (the plain way)."""
    dyn = ",\n  ".join(
        f"CASE WHEN {s} IS NOT NULL AND count({s}) OVER w5 >= 3 "
        f"THEN regr_slope({s}, year::DOUBLE) OVER w5 END AS {s}_trend, "
        f"CASE WHEN {s} IS NOT NULL AND count({s}) OVER w3 = 3 "
        f"THEN avg({s}) OVER w3 END AS {s}_prior3" for s in series)
    return f"""dyn AS (
  SELECT *,
  {dyn}
  FROM scored
  WINDOW w5 AS (PARTITION BY a, b ORDER BY year RANGE BETWEEN {WINDOW - 1} PRECEDING
                AND CURRENT ROW),
         w3 AS (PARTITION BY a, b ORDER BY year RANGE BETWEEN 3 PRECEDING AND 1 PRECEDING))
SELECT *, {', '.join(_brk(s) for s in series)} FROM dyn"""


def _dynamics_lags(series: list[str]) -> str:
    """Trends and prior means from the previous rows of the pair (``lag``, no frames).

    A pair has one row per year, so the years t-4 .. t-1 are among its 4 previous rows:
    each enters when its year is within the window and its value is not null. Windowed
    aggregates over RANGE frames cost several times more in DuckDB than plain lags.
    """
    k_all = range(1, WINDOW)
    lags = [f"lag(year, {k}) OVER w AS _y{k}" for k in k_all]
    lags += [f"lag({s}, {k}) OVER w AS _{s}_{k}" for s in series for k in k_all]
    terms, helpers = [], [f"_y{k}" for k in k_all]
    for s in series:
        helpers += [f"_{s}_{k}" for k in k_all]
        terms.append(f"{s} AS _{s}_v0, 0.0 AS _{s}_x0")
        for k in k_all:
            inc = f"_{s}_{k} IS NOT NULL AND _y{k} >= year - {WINDOW - 1}"
            terms.append(f"CASE WHEN {inc} THEN _{s}_{k} END AS _{s}_v{k}, "
                         f"CASE WHEN {inc} THEN (_y{k} - year)::DOUBLE END AS _{s}_x{k}")
    ks = range(WINDOW)
    sums, out = [], []
    for s in series:
        v, x = (lambda k, s=s: f"_{s}_v{k}"), (lambda k, s=s: f"_{s}_x{k}")
        sums.append(
            f"{' + '.join(f'({v(k)} IS NOT NULL)::DOUBLE' for k in ks)} AS _{s}_n, "
            f"{' + '.join(f'coalesce({x(k)}, 0.0)' for k in ks)} AS _{s}_sx, "
            f"{' + '.join(f'coalesce({v(k)}, 0.0)' for k in ks)} AS _{s}_sy, "
            f"{' + '.join(f'coalesce({x(k)} * {v(k)}, 0.0)' for k in ks)} AS _{s}_sxy, "
            f"{' + '.join(f'coalesce({x(k)} * {x(k)}, 0.0)' for k in ks)} AS _{s}_sxx")
        helpers += [f"_{s}_{n}" for n in ("n", "sx", "sy", "sxy", "sxx")]
        helpers += [f"_{s}_{c}{k}" for c in ("v", "x") for k in ks]
        prior_ok = " AND ".join(f"_y{k} = year - {k} AND _{s}_{k} IS NOT NULL" for k in (1, 2, 3))
        out.append(
            f"CASE WHEN {s} IS NOT NULL AND _{s}_n >= 3 THEN (_{s}_n * _{s}_sxy - _{s}_sx * "
            f"_{s}_sy) / (_{s}_n * _{s}_sxx - _{s}_sx * _{s}_sx) END AS {s}_trend, "
            f"CASE WHEN {s} IS NOT NULL AND {prior_ok} "
            f"THEN (_{s}_1 + _{s}_2 + _{s}_3) / 3.0 END AS {s}_prior3")
    return f"""lagged AS (
  SELECT *, {', '.join(lags)}
  FROM scored WINDOW w AS (PARTITION BY a, b ORDER BY year)),
terms AS (SELECT *, {', '.join(terms)} FROM lagged),
sums AS (SELECT *, {', '.join(sums)} FROM terms),
dyn AS (SELECT *, {', '.join(out)} FROM sums)
SELECT * EXCLUDE ({', '.join(helpers)}), {', '.join(_brk(s) for s in series)} FROM dyn"""


def pandas_index(panel: Any, columns: list[str]) -> Any:
    """The index with pandas: per-year average ranks, row means, shifted previous years."""
    import numpy as np
    import pandas as pd

    names, dim, lower, dims = _spec(columns)
    by_year = panel.groupby("year")[names]
    n = by_year.transform("count")
    p = 100.0 * (by_year.rank(method="average") - 1.0) / (n - 1.0)
    p = p.mask((n == 1) & p.isna() & panel[names].notna(), 50.0)  # a lone pair: 50
    p[sorted(lower)] = 100.0 - p[sorted(lower)]
    out = panel[["a", "b", "year"]].copy()
    out[[f"p_{c}" for c in names]] = p.to_numpy()
    for d in dims:
        block = p[[c for c in names if dim[c] == d]]
        out[f"score_{d}"], out[f"n_{d}"] = block.mean(axis=1), block.count(axis=1)
    scores = out[[f"score_{d}" for d in dims]]
    out["composite"], out["coverage"] = scores.mean(axis=1), scores.count(axis=1)
    keep = out["coverage"].to_numpy() > 0
    out, scores = out[keep], scores[keep]
    label = pd.Series(dims, index=scores.columns)
    out["weakest"] = label[scores.idxmin(axis=1)].to_numpy()
    out["strongest"] = label[scores.idxmax(axis=1)].to_numpy()

    # dynamics: sort by pair and year; a pair has one row per year, so the years t-4 ..
    # t-1 are among its 4 previous rows (shift): each counts when in the window and not NA
    out = out.sort_values(["a", "b", "year"], ignore_index=True)
    series = ["composite"] + [f"score_{d}" for d in dims]
    pair = ((out["a"] != out["a"].shift()) | (out["b"] != out["b"].shift())).cumsum()
    year = out["year"].astype("float64")
    back = range(1, WINDOW)
    gap = {k: (year - year.shift(k)).where(pair.shift(k) == pair) for k in back}
    for s in series:
        v = out[s]
        xs, ys = [pd.Series(0.0, index=v.index).where(v.notna())], [v]
        for k in back:
            inside = (gap[k] <= WINDOW - 1) & v.shift(k).notna()
            xs.append((-gap[k]).where(inside))
            ys.append(v.shift(k).where(inside))
        count = sum(y.notna().astype("float64") for y in ys)
        sx, sy = sum(x.fillna(0.0) for x in xs), sum(y.fillna(0.0) for y in ys)
        sxy = sum((x * y).fillna(0.0) for x, y in zip(xs, ys, strict=True))
        sxx = sum((x * x).fillna(0.0) for x in xs)
        slope = (count * sxy - sx * sy) / (count * sxx - sx * sx)
        out[f"{s}_trend"] = slope.where((count >= 3) & v.notna())
        full = v.notna()
        for k in (1, 2, 3):
            full &= (gap[k] == k) & v.shift(k).notna()
        prior = ((v.shift(1) + v.shift(2) + v.shift(3)) / 3.0).where(full)
        out[f"{s}_prior3"] = prior
        diff = (v - prior).to_numpy()
        out[f"{s}_break"] = np.select([diff >= THRESHOLD, diff <= -THRESHOLD], ["up", "down"],
                                      default=None)
    return out


# -- children -----------------------------------------------------------------------------
def child_ingest(store_path: str, mirror: str) -> None:
    from amity.index.refresh import setup
    from amity.store import Store

    start = time.perf_counter()
    with Store(store_path) as store:
        events = setup(store, mirror=mirror)
        counts = {t: int(store.execute(f"SELECT count(*) AS n FROM {t}")["n"].iloc[0])
                  for t in ("panel", "index_scores")}
        columns = list(store.ibis.table("panel").columns)
        # the amity methods replace index_scores: keep setup's aside for the check
        store._raw.execute(f"CREATE OR REPLACE TABLE {table_of('setup')} AS "
                           "SELECT * FROM index_scores")
    names, _, _, dims = _spec(columns)
    _common.child_reply({"index_names": names, "dims": dims,
                         "events": [f"{e.dataset.source}/{e.dataset.release}: {e.status}"
                                    for e in events], "counts": counts, "columns": columns,
                         "seconds": time.perf_counter() - start})


def child_baseline(store_path: str) -> None:
    import amity  # noqa: F401
    from amity.store import Store

    store = Store(store_path, read_only=True)
    _common.child_reply({"tables": len(store.ibis.list_tables())})


def child_measure(method: str, store_path: str, once: str = "") -> None:
    """Time ``method``: one warm-up and best of 3, or (``once``) one run in a fresh process."""
    import duckdb

    table, phases, runs = table_of(method), {}, []
    if method in ("amity", "amity-ibis"):
        from amity.store import Store

        store = Store(store_path)
        con = store._raw
        kind = "sql" if method == "amity" else "ibis"

        def run() -> None:
            amity_build_index(store, kind)
    else:
        con = duckdb.connect(store_path)
        columns = [r[0] for r in con.execute("DESCRIBE panel").fetchall()]
        if method.startswith("duckdb-sql"):
            sql = sql_statement(columns, table, "long" if method.endswith("long") else "wide")

            def run() -> None:
                con.execute(sql)
        else:
            names = _spec(columns)[0]
            select = "SELECT a, b, year, " + ", ".join(f'"{n}"::DOUBLE AS "{n}"' for n in names)

            def run() -> None:
                t0 = time.perf_counter()
                panel = con.execute(select + " FROM panel").df()
                t1 = time.perf_counter()
                out = pandas_index(panel, columns)
                t2 = time.perf_counter()
                con.register("_bench_frame", out)
                con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _bench_frame")
                con.unregister("_bench_frame")
                runs.append({"read panel (.df())": t1 - t0, "compute": t2 - t1,
                             "write (CREATE TABLE AS)": time.perf_counter() - t2})
    cpu: list[float] = []

    def timed() -> None:
        c0 = time.process_time()
        run()
        cpu.append(time.process_time() - c0)

    warmup = 0 if once else 1
    best, times, _ = _common.best_of(timed, repeat=1 if once else 3, warmup=warmup)
    if runs:
        phases = runs[warmup + times.index(best)]
    if method in ("amity", "amity-ibis"):  # build_index wrote index_scores: keep a copy
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM index_scores")
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    _common.child_reply({"best": best, "times": times, "cpu": cpu[warmup:], "rows": rows,
                         "mirrors_build": mirrors_build() if method == "amity" else None,
                         "phases": phases, "threads": con.execute(
                             "SELECT current_setting('threads')").fetchone()[0]})


def child_verify(store_path: str) -> None:
    import duckdb

    con = duckdb.connect(store_path, read_only=True)
    tables = {m: table_of(m) for m in METHODS} | {"setup": table_of("setup")}
    _common.child_reply(verify(con, tables, "pandas"))


def child_profile(store_path: str) -> None:
    import amity
    from amity.store import Store

    own = _common.best_of(lambda: amity.profile("PAK", "RUS"), repeat=5, warmup=1)
    store = Store(store_path, read_only=True)
    opened = _common.best_of(lambda: amity.profile("PAK", "RUS", store=store), repeat=5,
                             warmup=1)
    p = opened[2]
    latest = p.index["latest"] if p.index else None
    _common.child_reply({"best": own[0], "times": own[1], "store_best": opened[0],
                         "store_times": opened[1], "rows": len(p.rows),
                         "latest": {k: latest[k] for k in ("year", "composite", "coverage",
                                                           "weakest", "strongest")}
                         if latest else None})


def time_cli(env: dict[str, str], repeat: int = 3) -> dict[str, Any]:
    """``amity profile PAK RUS --format json``: wall time and peak RSS (warm-up, best of 3)."""
    exe = str(Path(sys.executable).with_name("amity"))
    times, peaks, size = [], [], 0
    for i in range(repeat + 1):
        with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
            start = time.perf_counter()
            proc = subprocess.Popen([exe, "profile", "PAK", "RUS", "--format", "json"],
                                    stdout=fout, stderr=ferr, env={**os.environ, **env})
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            fout.seek(0)
            head, size = fout.read(400), fout.seek(0, os.SEEK_END)
            ferr.seek(0)
            if proc.returncode != 0 or b'"pair"' not in head:
                raise RuntimeError(f"amity profile failed ({proc.returncode}): "
                                   f"{ferr.read().decode()[-2000:]}")
        if i:
            times.append(seconds)
            peaks.append(usage.ru_maxrss / 1024)
    return {"best": min(times), "times": times, "bytes": size, "rss": max(peaks)}


def verify(con: Any, tables: dict[str, str], ref: str) -> dict[str, Any]:
    """Compare every table with ``tables[ref]`` on every pair-year, column by column."""
    import pandas as pd

    def describe(t: str) -> dict[str, str]:
        return {r[0]: r[1] for r in con.execute(f"DESCRIBE {t}").fetchall()}

    out: dict[str, Any] = {"ok": True, "problems": [], "max_diff": {}, "nan_cells": {},
                           "pak_rus": {}}
    want = describe(tables[ref])
    floats = [c for c, t in want.items() if t in ("DOUBLE", "FLOAT")]
    year = con.execute(f"SELECT max(year) FROM {tables[ref]} WHERE a = 'PAK' AND b = 'RUS' "
                       "AND coverage >= 3").fetchone()[0]
    out["pak_rus_year"] = year
    for method, table in tables.items():
        have = describe(table)
        out["nan_cells"][method] = con.execute("SELECT " + " + ".join(
            f"count(*) FILTER (WHERE isnan({c}))" for c in floats) + f" FROM {table}").fetchone()[0]
        row = con.execute(f"SELECT composite, coverage, weakest, strongest, composite_trend "
                          f"FROM {table} WHERE a = 'PAK' AND b = 'RUS' AND year = ?",
                          [year]).fetchone()
        out["pak_rus"][method] = list(row) if row else None
        if method == ref:
            continue
        if set(have) != set(want):
            out["ok"] = False
            out["problems"].append(f"{method}: columns differ: missing "
                                   f"{sorted(set(want) - set(have))}, extra "
                                   f"{sorted(set(have) - set(want))}")
            continue
        checks, diffs = [], []
        for c in want:
            if c in ("a", "b", "year"):
                continue
            if c in floats:
                miss = f"((l.{c} IS NULL OR isnan(l.{c})) <> (r.{c} IS NULL OR isnan(r.{c})))"
                tol = (f"{TREND_ABS} + {TREND_REL} * abs(l.{c})" if c.endswith("_trend")
                       else str(TOL))
                checks.append("count(*) FILTER (WHERE l.a IS NOT NULL AND r.a IS NOT NULL AND "
                              f"({miss} OR abs(l.{c} - r.{c}) > {tol})) AS \"{c}\"")
                diffs.append(f"max(abs(l.{c} - r.{c})) AS \"{c}\"")
            else:
                checks.append("count(*) FILTER (WHERE l.a IS NOT NULL AND r.a IS NOT NULL AND "
                              f"l.{c} IS DISTINCT FROM r.{c}) AS \"{c}\"")
        sql = (f"SELECT count(*) FILTER (WHERE l.a IS NULL) AS only_method, "
               f"count(*) FILTER (WHERE r.a IS NULL) AS only_reference, {', '.join(checks)} "
               f"FROM {tables[ref]} l FULL JOIN {table} r "
               f"ON l.a = r.a AND l.b = r.b AND l.year = r.year")
        bad = con.execute(sql).df().iloc[0]
        bad = {k: int(v) for k, v in bad.items() if v}
        worst = con.execute(f"SELECT {', '.join(diffs)} FROM {tables[ref]} l JOIN {table} r "
                            f"ON l.a = r.a AND l.b = r.b AND l.year = r.year").df().iloc[0]
        groups: dict[str, float] = {}
        for c, v in worst.items():
            key = ("trend" if c.endswith("_trend") else "prior3" if c.endswith("_prior3")
                   else "percentile" if c.startswith("p_") else "score/composite")
            groups[key] = max(groups.get(key, 0.0), 0.0 if pd.isna(v) else float(v))
        out["max_diff"][method] = groups
        if bad:
            out["ok"] = False
            out["problems"].append(f"{method}: cells beyond tolerance or rows on one side "
                                   f"only, by column: {bad}")
    return out


# -- the report ---------------------------------------------------------------------------
def _fmt_runs(values: list[float]) -> str:
    return ", ".join(f"{v:.3f}" for v in values)


def _section(rows: list[dict[str, Any]], info: dict[str, str], extra: dict[str, Any],
             level: str = "##") -> str:
    ing, ver, prof, cli = extra["ingest"], extra["verify"], extra["profile"], extra["cli"]
    table = [("| method | seconds (best of 3) | CPU s (that run) | peak RSS MB, warm-up + 3 "
              "runs | peak RSS MB, one run in a fresh process | index rows | seconds ÷ raw "
              "engine's | CPU s ÷ raw engine's | pandas seconds ÷ method's |"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        table.append(f"| {LABELS[r['method']]} | {r['best']:.3f} | {r['best_cpu']:.2f} | "
                     f"{r['rss']:.0f} | {r['rss_once']:.0f} | {r['rows']:,} | "
                     f"{r['vs_sql']:.2f}× | {r['cpu_vs_sql']:.2f}× | {r['vs_pandas']:.2f}× |")
    phases = "\n".join(f"- {r['method']}: " + ", ".join(f"{k} {v:.3f} s"
                                                        for k, v in r["phases"].items())
                       for r in rows if r["phases"])
    runs = "\n".join(f"- {r['method']}: {_fmt_runs(r['times'])} (CPU {_fmt_runs(r['cpu'])}; "
                     f"one run in a fresh process: {r['once']:.3f}; load average before the "
                     f"child: {r['load']})" for r in rows)
    diffs = "\n".join(f"- {m}: " + ", ".join(f"{k} {v:.1e}" for k, v in d.items())
                      for m, d in ver["max_diff"].items())
    tol, t_abs, t_rel = extra["tolerances"]
    status = (f"every method, and the `index_scores` table that `amity setup` stored, "
              f"agree with the pandas baseline on every pair-year and every column: the same "
              f"pair-years; counts, coverage, weakest, strongest and breaks equal; "
              f"percentiles, scores, composite and prior-3 means within {tol:g} (absolute); "
              f"trends within {t_abs:g} + {t_rel:g}·|trend| points per year"
              if ver["ok"] else "**MISMATCH**: " + "; ".join(ver["problems"]))
    pak = "\n".join(f"- {m}: composite {v[0]!r}, coverage {v[1]}, weakest {v[2]}, "
                    f"strongest {v[3]}, composite trend {v[4]!r}" if v else f"- {m}: missing"
                    for m, v in ver["pak_rus"].items())
    setup_note = (f"copied from an existing store ({ing['reused']}) for a development run"
                  if ing.get("reused") else
                  f"built by `amity.ingest.setup(store, mirror=MIRROR)` from every source, "
                  f"{ing['seconds']:.0f} s, peak {extra['ingest_rss']:.0f} MB, not timed")
    latest = prof["latest"] or {}
    amity_row = next(r for r in rows if r["method"] == "amity")
    mirror = ("The amity row runs `amity.panel.build_index(store, method=\"sql\")`, what "
              "`amity.panel.build` calls after writing the panel on DuckDB (checked in the "
              "run against the source of `build` and `build_index`)."
              if amity_row["mirrors_build"] else
              "**`amity.panel.build` no longer runs `build_index(method=\"sql\")` on DuckDB: "
              "update `BUILD_CALLS` and the amity row in the script.**")
    return f"""{level} {SECTION}

The index of every directed pair and year, computed from the stored `panel`
({ing['counts']['panel']:,} pair-years × {len(ing['columns']) - 3} indicator columns, of which
{len(ing['index_names'])} enter the index) into a stored index table
({rows[0]['rows']:,} rows: percentiles, {len(ing['dims'])} dimension scores and counts, composite,
coverage, weakest, strongest, and trend, prior-3 mean and break of the composite and of
each dimension). The store: {setup_note}. Each method runs in its own process, reads the
panel from the store and writes its result as a table in the same store; the time covers
all of that. Seconds: best of 3 after one warm-up; CPU s is the process's CPU time in that
run (all threads: DuckDB uses {rows[0]['threads']}; pandas runs on one). Peak RSS:
that process's `ru_maxrss`, absolute, first over the warm-up and the 3 timed runs, then for
one run in a fresh process (what one `amity setup` pays; repeated runs keep DuckDB's
cached blocks and freed heap, so the first figure is higher); a process that only imports
amity and opens the store peaks at {extra['baseline_rss']:.0f} MB. \
The load averages (below and under "Machine") say how
busy the shared machine was: other work on the same cores slows single runs.

{chr(10).join(table)}

Where the time goes (the best run):
{phases}

{mirror}

Check: {status}. Why these tolerances: percentiles are computed from exact integer
counts, so they agree to the last bits; scores and means differ only in summation
order. Trends are OLS slopes from sums of x, x², xy: amity's Ibis path and the long-form
SQL take them over absolute years (`regr_slope` and sums over RANGE frames; x² ≈ 4·10⁶),
which cancels in `n·Σx² − (Σx)²`, so their slopes carry absolute errors up to about
1e-10 points per year (relative errors are larger where a slope is near 0, hence the
absolute term); pandas, amity's SQL path and the hand-written wide SQL centre x on the
current year and are exact to about 1e-12. Largest absolute differences from pandas, by
kind of column:
{diffs}

PAK→RUS {ver['pak_rus_year']} from each table:
{pak}

Targets:
{chr(10).join(f"- {v}" for v in extra["verdicts"])}

Profile (`amity.profile("PAK", "RUS")`, warm store, {prof['rows']:,} rows, latest scorecard
{latest.get('year')}: composite {latest.get('composite')}, coverage {latest.get('coverage')},
weakest {latest.get('weakest')}, strongest {latest.get('strongest')}): one warm-up call,
then best of 5, in a child process peaking at {prof['rss']:.0f} MB.

| call | seconds (best) | all runs |
|---|---:|---|
| `amity.profile("PAK", "RUS")` (opens the store read-only itself, each call) | \
{prof['best']:.3f} | {_fmt_runs(prof['times'])} |
| `amity.profile("PAK", "RUS", store=store)` (store opened read-only once) | \
{prof['store_best']:.3f} | {_fmt_runs(prof['store_times'])} |
| `amity profile PAK RUS --format json` (command line, wall time with Python start-up; \
warm-up + best of 3; {cli['bytes']:,} bytes of JSON; peak {cli['rss']:.0f} MB) | \
{cli['best']:.3f} | {_fmt_runs(cli['times'])} |

All timed runs of the index (seconds):
{runs}

Machine:
{_common.machine_markdown(info)}
"""



def write_report(rows: list[dict[str, Any]], info: dict[str, str],
                 extra: dict[str, Any]) -> list[str]:
    """Ratios and verdicts; write results/index.md and the BENCHMARKS.md section."""
    best = {r["method"]: r for r in rows}
    for r in rows:
        r["best_cpu"] = r["cpu"][r["times"].index(r["best"])]
    for r in rows:
        r["vs_sql"] = r["best"] / best["duckdb-sql"]["best"]
        r["cpu_vs_sql"] = r["best_cpu"] / best["duckdb-sql"]["best_cpu"]
        r["vs_pandas"] = best["pandas"]["best"] / r["best"]
    verdicts = []
    for m in ("amity", "amity-ibis"):
        r = best[m]
        tag = "target" if m == "amity" else "for information"
        verdicts.append(
            f"{m} ({tag}): {r['vs_sql']:.2f}× the raw engine's time "
            f"({'meets' if r['vs_sql'] <= 1.25 else 'MISSES'} ≤ 1.25×; in CPU time "
            f"{r['cpu_vs_sql']:.2f}×); "
            f"{r['vs_pandas']:.2f}× faster than pandas "
            f"({'meets' if r['vs_pandas'] > 1 else 'MISSES'} faster than pandas); "
            f"peak {r['rss_once']:.0f} MB in one run "
            f"({'meets' if r['rss_once'] < 4096 else 'MISSES'} < 4 GB), {r['rss']:.0f} MB over "
            f"warm-up + 3 runs ({'meets' if r['rss'] < 4096 else 'MISSES'} < 4 GB)")
    prof, cli = extra["profile"], extra["cli"]
    verdicts.append(f"profile: {prof['best']:.3f} s "
                    f"({'meets' if prof['best'] < 1 else 'MISSES'} < 1 s); the command line, "
                    f"Python start-up included: {cli['best']:.3f} s "
                    f"({'under' if cli['best'] < 1 else 'over'} 1 s)")
    extra["verdicts"] = verdicts
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(_section(rows, info, extra, level="#"))
    _common.write_section(SECTION, _section(rows, info, extra))
    return verdicts


# -- driver (stdlib only, so that the children's ru_maxrss is theirs) --------------------
def main(argv: list[str] | None = None) -> int:
    parser = _common.arg_parser(__doc__)
    parser.add_argument("--reuse-store", help="copy this already set-up store instead of "
                        "running setup (for development; the report says so)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from "
                        f"the last run's measurements ({LAST})")
    args = parser.parse_args(argv)
    if args.report_only:
        last = json.loads(LAST.read_text())
        return _report(last["rows"], last["info"], last["extra"])
    if args.child:
        kind, *rest = args.child
        {"ingest": child_ingest, "baseline": child_baseline, "measure": child_measure,
         "verify": child_verify, "profile": child_profile}[kind](*rest)
        return 0
    if not Path(args.mirror).is_dir():
        print(f"no mirror at {args.mirror}; set --mirror or AMITY_MIRROR")
        return 2
    info = _common.machine()
    work = tempfile.mkdtemp(prefix="amity-bench-index-")
    env = {"AMITY_HOME": work}
    store = str(Path(work) / "amity.duckdb")
    me = str(Path(__file__).resolve())
    try:
        if args.reuse_store:
            shutil.copyfile(args.reuse_store, store)
            ingest = _common.run_child([me, "--child", "ingest", store, args.mirror], env=env)
            ingest.reply["reused"] = args.reuse_store
        else:
            print(f"setup into {store} (all sources; not timed) ...", flush=True)
            ingest = _common.run_child([me, "--child", "ingest", store, args.mirror], env=env)
        print(f"  setup {ingest.reply['seconds']:.0f} s; {ingest.reply['counts']}", flush=True)
        base = _common.run_child([me, "--child", "baseline", store], env=env)
        print(f"baseline (import amity + open store): {base.maxrss_mb:.0f} MB", flush=True)
        rows = []
        for method in METHODS:
            load = _common.load_average()
            c = _common.run_child([me, "--child", "measure", method, store], env=env)
            one = _common.run_child([me, "--child", "measure", method, store, "once"], env=env)
            rows.append({"method": method, "rss": c.maxrss_mb, "driver": c.driver_maxrss_mb,
                         "load": load, "rss_once": one.maxrss_mb, "once": one.reply["best"],
                         **c.reply})
            print(f"{method:>15}: {c.reply['best']:8.3f} s  {c.maxrss_mb:6.0f} MB  "
                  f"(one run in a fresh process: {one.reply['best']:.3f} s, "
                  f"{one.maxrss_mb:.0f} MB)  {c.reply['rows']:,} rows  (load {load})", flush=True)
        verify = _common.run_child([me, "--child", "verify", store], env=env).reply
        print("agreement:", "ok" if verify["ok"] else verify["problems"], flush=True)
        prof = _common.run_child([me, "--child", "profile", store], env=env)
        prof.reply["rss"] = prof.maxrss_mb
        cli = time_cli(env)
        print(f"profile: {prof.reply['best']:.3f} s (store opened per call), "
              f"{prof.reply['store_best']:.3f} s (open store); CLI {cli['best']:.3f} s",
              flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    info["load average at end"] = _common.load_average()
    extra = {"ingest": ingest.reply, "ingest_rss": ingest.maxrss_mb,
             "baseline_rss": base.maxrss_mb, "verify": verify, "profile": prof.reply,
             "cli": cli, "tolerances": (TOL, TREND_ABS, TREND_REL)}
    LAST.write_text(json.dumps({"rows": rows, "info": info, "extra": extra}))
    return _report(rows, info, extra)


def _report(rows: list[dict[str, Any]], info: dict[str, str], extra: dict[str, Any]) -> int:
    print("\n".join(write_report(rows, info, extra)))
    print(f"wrote {RESULTS} and the section of {BENCHMARKS_MD}")
    verify = extra["verify"]
    assert verify["ok"], "results disagree: " + "; ".join(verify["problems"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
