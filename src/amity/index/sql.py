"""The relationship index as one SQL statement generated from the catalogue: the fast
path on DuckDB (the same table as :func:`amity.index.score.score` and
:func:`amity.index.score.dynamics`, tested on fixtures and on the real panel)."""

from __future__ import annotations

from collections.abc import Sequence

from amity.index.score import BASIS_SHARE, MIN_BASIS_DIMS, hostility_rules, index_indicators
from amity.indicators import DIMENSIONS, INDICATORS

__all__ = ["index_sql"]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _value_sql(column: str, columns: Sequence[str], alias: str = "") -> str:
    """The indicator's value as the index uses it: NULL where its support (e.g. the
    common votes behind UN agreement) is below the minimum (:attr:`Indicator.support`),
    or where the indicator it stands in for has a value (:attr:`Indicator.fallback_for`)."""
    col = f"{alias}{_q(column)}"
    conditions = []
    instead = INDICATORS[column].fallback_for
    if instead is not None and instead in columns:
        conditions.append(f"{alias}{_q(instead)} IS NULL")
    support = INDICATORS[column].support
    if support is not None:
        if support[0] not in columns:  # without the support column it cannot be used
            return "CAST(NULL AS DOUBLE)"
        conditions.append(f"{alias}{_q(support[0])} >= {support[1]!r}")
    if not conditions:
        return f"CAST({col} AS DOUBLE)"
    return f"CASE WHEN {' AND '.join(conditions)} THEN CAST({col} AS DOUBLE) END"


def _ranked_sql(table: str, column: str, flip: bool, columns: Sequence[str]) -> str:
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
          FROM (SELECT year, {_value_sql(column, columns)} AS value, count(*) AS ties
                FROM {_q(table)} WHERE {_value_sql(column, columns)} IS NOT NULL
                GROUP BY 1, 2) AS c) AS w"""


def _dynamics_sql(source: str, series: Sequence[str], window: int,
                  threshold: float) -> tuple[str, list[str]]:
    """CTEs after ``source`` ending in ``_ix_dyn``, and the trend/prior3/break output columns.

    A pair has one row per year, so the years ``t - window + 1 .. t - 1`` are among its
    ``window - 1`` previous rows (``lag``): each enters the sums when its year is inside
    the window and its value is not null; years are centred on ``t`` (exact integers).
    The prior-3 mean needs the 3rd previous row to be the year ``t - 3`` (years are
    unique per pair, so the two rows between are ``t - 1`` and ``t - 2``) and all three
    values. The composite's previous rows count only with the same ``basis`` (as
    :func:`amity.index.dynamics`). Each step is its own projection so that no expression
    is evaluated twice.
    """
    back, lagged = range(1, window), range(1, max(window, 4))
    lags = [f"lag(year, {k}) OVER w AS _y{k}" for k in lagged]
    lags += [f"lag({c}, {k}) OVER w AS _{c}_{k}" for c in series for k in lagged]
    with_basis = "composite" in series
    if with_basis:  # the composite's trend and prior mean stay within one basis
        lags += [f"lag(basis, {k}) OVER w AS _basis_{k}" for k in lagged]

    def same(c: str, k: int) -> str:
        return (f" AND _basis_{k} IS NOT DISTINCT FROM basis"
                if with_basis and c == "composite" else "")

    years = [f"coalesce(_y{k} >= year - {window - 1}, false) AS _in{k}, "
             f"coalesce(CAST(_y{k} - year AS DOUBLE), 0.0) AS _x{k}" for k in back]
    terms, sums, dyn, out = [], [], [], []
    for c in series:
        # _w: 1 when the k-th previous row is in the window with a value; _z: that value
        w, z = [f"_{c}_w{k}" for k in back], [f"_{c}_z{k}" for k in back]
        terms += [(f"CAST(_in{k}{same(c, k)} AND _{c}_{k} IS NOT NULL AS DOUBLE) AS _{c}_w{k}, "
                   f"CASE WHEN _in{k}{same(c, k)} THEN coalesce(_{c}_{k}, 0.0) ELSE 0.0 END "
                   f"AS _{c}_z{k}")
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
                (f"CASE WHEN {c} IS NOT NULL AND _y3 = year - 3"
                 f"{same(c, 1)}{same(c, 2)}{same(c, 3)} "
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
    ranked = [f"_ix_r{i} AS (\n  "
              f"{_ranked_sql(table, n, INDICATORS[n].orientation == 'lower', columns)})"
              for i, n in enumerate(names)]
    joins = "\n".join(f"  LEFT JOIN _ix_r{i} AS r{i} ON r{i}.year = t.year "
                      f"AND r{i}.value = {_value_sql(n, columns, 't.')}"
                      for i, n in enumerate(names))
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
           *host, "composite", "coverage", "basis", "weakest", "strongest"]
    # the year's basis: the dimensions that half or more of the year's scored pairs have;
    # a composite needs all of them and averages exactly them
    num, den = BASIS_SHARE
    flags = ", ".join(f"count({s}) OVER y * {den} >= count(*) OVER y * {num} AS _in_{d}"
                      for s, d in zip(scores, dims, strict=True))
    complete = " AND ".join(f"(NOT _in_{d} OR {s} IS NOT NULL)"
                            for s, d in zip(scores, dims, strict=True))
    used = " + ".join(f"CAST(_in_{d} AS BIGINT)" for d in dims)
    total = " + ".join(["0.0", *(f"CASE WHEN _in_{d} THEN {s} ELSE 0.0 END"
                                 for s, d in zip(scores, dims, strict=True))])
    enough = max(min(MIN_BASIS_DIMS, len(dims)), 1)
    mean = (f"CASE WHEN {complete} AND {used} >= {enough} "
            f"THEN ({total}) / CAST({used} AS DOUBLE) END")
    basis = ("concat_ws(', ', " + ", ".join(f"CASE WHEN _in_{d} THEN '{d}' END" for d in dims)
             + ")")
    hostility, conflict = "", ""
    if rules:  # the hostility of amity.indicators.HOSTILITY, discounting the composite
        known = " OR ".join(f"t.{_q(c)} IS NOT NULL" for c in dict.fromkeys(r[0] for r in rules))
        level = ", ".join(f"CASE WHEN CAST(t.{_q(c)} AS DOUBLE) >= {at} THEN {w!r} ELSE 0.0 "
                          "END" for c, at, w in rules)
        hostility = (f",\n    CAST(CASE WHEN {known} THEN greatest({level}) END AS DOUBLE) "
                     "AS hostility")
        conflict = "CAST(100.0 * (1.0 - hostility) AS DOUBLE) AS score_conflict, "
        mean = f"({mean}) * (1.0 - coalesce(hostility, 0.0))"
    return f"""WITH {", ".join(ranked)},
_ix_pct AS (
  SELECT t.a, t.b, t.year, {", ".join(f"r{i}.p AS p_{n}" for i, n in enumerate(names))}{hostility}
  FROM {_q(table)} AS t
{joins}),
_ix_wide AS (
  SELECT *, {", ".join(means)}, {", ".join(f"{count[d]} AS n_{d}" for d in dims)}
  FROM _ix_pct),
_ix_basis AS (
  SELECT *, {flags}
  FROM _ix_wide WHERE {coverage} > 0 WINDOW y AS (PARTITION BY year)),
_ix_scored AS (
  SELECT *, {conflict}CAST({mean} AS DOUBLE) AS composite, {coverage} AS coverage,
         {basis} AS basis,
         {pick("least", "1e9")} AS weakest, {pick("greatest", "-1e9")} AS strongest
  FROM _ix_basis),
{dynamics_ctes}
SELECT {", ".join(out)},
  {", ".join(dyn)}
FROM _ix_dyn"""
