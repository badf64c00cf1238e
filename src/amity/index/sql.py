"""The relationship index as one SQL statement generated from the catalogue: the fast
path on DuckDB (the same table as :func:`amity.index.score.score` and
:func:`amity.index.score.dynamics`, tested on fixtures and on the real panel)."""

from __future__ import annotations

from collections.abc import Sequence

from amity.index.score import hostility_rules, index_indicators
from amity.indicators import DIMENSIONS, INDICATORS

__all__ = ["index_sql"]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ranked_sql(table: str, column: str, flip: bool) -> str:
    """``year, value, p``: the mid-rank percentile of each distinct value of a year."""
    raw = ("CASE WHEN ties = n THEN 50.0 "
           "ELSE 100.0 * (below + (ties - 1) / 2.0) / (n - 1.0) END")
    return f"""SELECT year, value, {f"100.0 - {raw}" if flip else raw} AS p
    FROM (SELECT year, value, CAST(ties AS DOUBLE) AS ties,
                 CAST(sum(ties) OVER (PARTITION BY year ORDER BY value
                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - ties AS DOUBLE)
                   AS below,
                 CAST(sum(ties) OVER (PARTITION BY year ORDER BY value ROWS BETWEEN
                      UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS DOUBLE) AS n
          FROM (SELECT year, CAST({_q(column)} AS DOUBLE) AS value, count(*) AS ties
                FROM {_q(table)} WHERE {_q(column)} IS NOT NULL GROUP BY 1, 2) AS c) AS w"""


def _dynamics_sql(source: str, series: Sequence[str], window: int,
                  threshold: float) -> tuple[str, list[str]]:
    """CTEs after ``source`` ending in ``_ix_dyn``, and the trend/prior3/break output columns.

    A pair has one row per year, so the years ``t - window + 1 .. t - 1`` are among its
    ``window - 1`` previous rows (``lag``): each enters the sums when its year is inside
    the window and its value is not null; years are centred on ``t`` (exact integers).
    The prior-3 mean needs the 3rd previous row to be the year ``t - 3`` (years are
    unique per pair, so the two rows between are ``t - 1`` and ``t - 2``) and all three
    values. Each step is its own projection so that no expression is evaluated twice.
    """
    back, lagged = range(1, window), range(1, max(window, 4))
    lags = [f"lag(year, {k}) OVER w AS _y{k}" for k in lagged]
    lags += [f"lag({c}, {k}) OVER w AS _{c}_{k}" for c in series for k in lagged]
    years = [f"coalesce(_y{k} >= year - {window - 1}, false) AS _in{k}, "
             f"coalesce(CAST(_y{k} - year AS DOUBLE), 0.0) AS _x{k}" for k in back]
    terms, sums, dyn, out = [], [], [], []
    for c in series:
        # _w: 1 when the k-th previous row is in the window with a value; _z: that value
        w, z = [f"_{c}_w{k}" for k in back], [f"_{c}_z{k}" for k in back]
        terms += [(f"CAST(_in{k} AND _{c}_{k} IS NOT NULL AS DOUBLE) AS _{c}_w{k}, "
                   f"CASE WHEN _in{k} THEN coalesce(_{c}_{k}, 0.0) ELSE 0.0 END AS _{c}_z{k}")
                  for k in back]
        sums += [f"1.0 + {' + '.join(w)} AS _{c}_n",
                 f"{' + '.join(f'{wk} * _x{k}' for wk, k in zip(w, back, strict=True))} AS _{c}_sx",
                 f"{c} + {' + '.join(z)} AS _{c}_sy",
                 f"{' + '.join(f'{zk} * _x{k}' for zk, k in zip(z, back, strict=True))} "
                 f"AS _{c}_sxy",
                 f"{' + '.join(f'{wk} * _x{k} * _x{k}' for wk, k in zip(w, back, strict=True))} "
                 f"AS _{c}_sxx"]
        n, sx, sy, sxy, sxx = (f"_{c}_{m}" for m in ("n", "sx", "sy", "sxy", "sxx"))
        dyn += [(f"CASE WHEN {c} IS NOT NULL AND {n} >= 3 THEN ({n} * {sxy} - {sx} * {sy}) / "
                 f"nullif({n} * {sxx} - {sx} * {sx}, 0.0) END AS {c}_trend"),
                (f"CASE WHEN {c} IS NOT NULL AND _y3 = year - 3 "
                 f"THEN (_{c}_1 + _{c}_2 + _{c}_3) / 3.0 END AS {c}_prior3")]
        diff = f"{c} - {c}_prior3"
        out += [f"{c}_trend", f"{c}_prior3",
                (f"CASE WHEN {diff} >= {threshold!r} THEN 'up' WHEN {diff} <= {-threshold!r} "
                 f"THEN 'down' END AS {c}_break")]
    ctes = f"""_ix_lagged AS (
  SELECT *, {", ".join(lags)}
  FROM {source} WINDOW w AS (PARTITION BY a, b ORDER BY year)),
_ix_years AS (SELECT *, {", ".join(years)} FROM _ix_lagged),
_ix_terms AS (SELECT *, {", ".join(terms)} FROM _ix_years),
_ix_sums AS (SELECT *, {", ".join(sums)} FROM _ix_terms),
_ix_dyn AS (SELECT *, {", ".join(dyn)} FROM _ix_sums)"""
    return ctes, out


def index_sql(table: str, columns: Sequence[str], indicators: Sequence[str] | None = None,
              *, window: int = 5, threshold: float = 15.0) -> str:
    """``dynamics(score(panel), series)`` as one SQL SELECT (DuckDB dialect), fast.

    The same columns, types and numbers as the Ibis queries, in the shape the engine runs
    fastest: per indicator, counts of each distinct value and year with a running sum
    (the percentiles), joined back to the panel on (year, value); dimension means and
    the composite row-wise; trends and prior means from the pair's previous rows
    (``lag``) instead of window frames. ``series`` = the composite and every dimension
    score; ``columns`` = the panel's columns.

    Examples
    --------
    >>> sql = index_sql("panel", ["a", "b", "year", "un_agreement", "alliance_any"])
    >>> sql.startswith("WITH") and "composite_break" in sql
    True
    """
    names = list(indicators) if indicators is not None else index_indicators(columns)
    if not names:
        raise ValueError("the panel has no index indicators")
    dims = [d for d in DIMENSIONS if any(INDICATORS[n].dimension == d for n in names)]
    scores = [f"score_{d}" for d in dims]
    rules = hostility_rules(columns)
    series = ["composite", *scores, *(["score_conflict"] if rules else [])]
    ranked = [f"_ix_r{i} AS (\n  {_ranked_sql(table, n, INDICATORS[n].orientation == 'lower')})"
              for i, n in enumerate(names)]
    joins = "\n".join(f"  LEFT JOIN _ix_r{i} AS r{i} ON r{i}.year = t.year "
                      f"AND r{i}.value = CAST(t.{_q(n)} AS DOUBLE)" for i, n in enumerate(names))
    per_dim = {d: [f"p_{n}" for n in names if INDICATORS[n].dimension == d] for d in dims}
    count = {d: " + ".join(f"CAST({p} IS NOT NULL AS BIGINT)" for p in per_dim[d]) for d in dims}
    means = [f"({' + '.join(f'coalesce({p}, 0.0)' for p in per_dim[d])}) / "
             f"CAST(nullif({count[d]}, 0) AS DOUBLE) AS score_{d}" for d in dims]
    coverage = " + ".join(f"CAST({s} IS NOT NULL AS BIGINT)" for s in scores)
    total = " + ".join(["0.0", *(f"coalesce({s}, 0.0)" for s in scores)])

    def pick(fn: str, fill: str) -> str:
        extreme = f"{fn}({', '.join(f'coalesce({s}, {fill})' for s in scores)})"
        return "CASE " + " ".join(f"WHEN {s} = {extreme} THEN '{d}'"
                                  for s, d in zip(scores, dims, strict=True)) + " END"

    dynamics_ctes, dyn = _dynamics_sql("_ix_scored", series, window, threshold)
    host = (["hostility", "score_conflict"] if rules else [])
    out = ["a", "b", "year", *(f"p_{n}" for n in names), *scores, *(f"n_{d}" for d in dims),
           *host, "composite", "coverage", "weakest", "strongest"]
    mean = f"({total}) / CAST({coverage} AS DOUBLE)"
    hostility, conflict = "", ""
    if rules:  # the hostility of amity.indicators.HOSTILITY, discounting the composite
        known = " OR ".join(f"t.{_q(c)} IS NOT NULL" for c in dict.fromkeys(r[0] for r in rules))
        level = ", ".join(f"CASE WHEN CAST(t.{_q(c)} AS DOUBLE) >= {at} THEN {w!r} ELSE 0.0 "
                          "END" for c, at, w in rules)
        hostility = (f",\n    CAST(CASE WHEN {known} THEN greatest({level}) END AS DOUBLE) "
                     "AS hostility")
        conflict = "CAST(100.0 * (1.0 - hostility) AS DOUBLE) AS score_conflict, "
        mean = f"{mean} * (1.0 - coalesce(hostility, 0.0))"
    return f"""WITH {", ".join(ranked)},
_ix_pct AS (
  SELECT t.a, t.b, t.year, {", ".join(f"r{i}.p AS p_{n}" for i, n in enumerate(names))}{hostility}
  FROM {_q(table)} AS t
{joins}),
_ix_wide AS (
  SELECT *, {", ".join(means)}, {", ".join(f"{count[d]} AS n_{d}" for d in dims)}
  FROM _ix_pct),
_ix_scored AS (
  SELECT *, {conflict}{mean} AS composite, {coverage} AS coverage,
         {pick("least", "1e9")} AS weakest, {pick("greatest", "-1e9")} AS strongest
  FROM _ix_wide WHERE {coverage} > 0),
{dynamics_ctes}
SELECT {", ".join(out)},
  {", ".join(dyn)}
FROM _ix_dyn"""
