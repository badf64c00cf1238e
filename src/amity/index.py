"""The relationship index: percentiles among all pairs, dimension scores, composite, trends.

Method (DESIGN.md §5), for every directed pair (a, b) and year, as whole-table Ibis
queries that run on DuckDB and PySpark alike:

1. **Percentile.** For each oriented indicator (catalogue ``orientation`` ``higher`` or
   ``lower``, ``in_index``) and year, the pair's mid-rank percentile among all pairs with
   a value that year: ``100 · (below + (ties − 1) / 2) / (n − 1)``, where ``below`` is
   the number of pairs with a smaller value and ``ties`` the number with the same value
   (ties share the mean of their ranks; a single pair, or all pairs tied, is 50).
   ``lower`` indicators are flipped (``100 − p``) so that a higher percentile always
   means closer. Booleans count as 0/1.
2. **Dimension score** = mean of the dimension's available percentiles (0–100).
3. **Composite** = mean of the available dimension scores, with ``coverage`` = the
   number of dimensions with data (of six); ``weakest``/``strongest`` = the dimensions
   with the lowest/highest score (ties: the first in ``DIMENSIONS`` order).
4. **Trend** = OLS slope (points per year) of a score over the last ``window`` (5)
   years ending at each year, over the years with a value (at least 3).
5. **Break** = a score that differs by at least ``threshold`` (15) points from the
   mean of its three previous years (all three present).

A percentile compares a pair with every other pair *that has data*: a pair with no
trade data is not "0th percentile in trade", it has no economic score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import ibis.selectors as s
import numpy as np
import pandas as pd

from amity.indicators._catalog import DIMENSIONS, INDICATORS

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["dynamics", "dynamics_frame", "index_indicators", "percentiles", "score",
           "score_frame"]

_KEYS = ["a", "b", "year"]


def index_indicators(columns: Sequence[str] | None = None) -> list[str]:
    """The catalogue's indicators that enter the index (optionally among ``columns``).

    Examples
    --------
    >>> "un_agreement" in index_indicators() and "trade_balance_a_usd" not in index_indicators()
    True
    """
    names = [n for n, i in INDICATORS.items() if i.orientation != "none" and i.in_index]
    return [n for n in names if columns is None or n in columns]


def percentiles(panel: ir.Table, names: Sequence[str]) -> ir.Table:
    """Long ``a, b, year, indicator, dimension, percentile`` (oriented: higher = closer).

    Ties and ranks come from counts per distinct value (a group-by and one running sum
    over the distinct values), not from a window over every row.
    """
    wide = panel.select(*_KEYS, **{n: panel[n].cast("float64") for n in names})
    long = wide.pivot_longer(s.cols(*names), names_to="indicator", values_to="value")
    long = long.filter(long.value.notnull())
    counts = long.group_by(["indicator", "year", "value"]).aggregate(ties=long.count())
    running = ibis.window(group_by=["indicator", "year"], order_by="value",
                          rows=(None, 0))
    counts = counts.mutate(
        below=(counts.ties.sum().over(running) - counts.ties).cast("float64"),
        n=counts.ties.sum().over(ibis.window(group_by=["indicator", "year"])).cast("float64"),
    )
    mid = 100.0 * (counts.below + (counts.ties - 1).cast("float64") / 2.0) / (counts.n - 1.0)
    counts = counts.mutate(raw=ibis.ifelse(counts.ties.cast("float64") == counts.n, 50.0, mid))
    meta = ibis.memtable(pd.DataFrame(
        [(n, INDICATORS[n].dimension, INDICATORS[n].orientation == "lower") for n in names],
        columns=["m_indicator", "dimension", "flip"]))
    counts = counts.join(meta, counts.indicator == meta.m_indicator)
    counts = counts.select("indicator", "year", "value", "dimension",
                           pct=ibis.ifelse(counts.flip, 100.0 - counts.raw, counts.raw))
    joined = long.join(counts, ["indicator", "year", "value"])
    return joined.select(*_KEYS, "indicator", "dimension", percentile=joined.pct)


def score(panel: ir.Table, indicators: Sequence[str] | None = None) -> ir.Table:
    """Percentiles, dimension scores and the composite for every pair-year of ``panel``.

    Parameters
    ----------
    panel
        Wide dyad-year table: ``a, b, year`` and indicator columns.
    indicators
        Which to use (default: every index indicator present in ``panel``).

    Returns
    -------
    ibis Table
        ``a, b, year``; ``p_<indicator>`` (0–100, higher = closer); ``score_<dimension>``
        and ``n_<dimension>`` (indicators behind it); ``composite``, ``coverage``,
        ``weakest``, ``strongest``. Pair-years without any index indicator are absent.
    """
    names = list(indicators) if indicators is not None else index_indicators(panel.columns)
    if not names:
        raise ValueError("the panel has no index indicators")
    pct = percentiles(panel, names)
    dims = [d for d in DIMENSIONS if any(INDICATORS[n].dimension == d for n in names)]
    wide = pct.group_by(_KEYS).aggregate(
        **{f"p_{n}": pct.percentile.max(where=pct.indicator == n) for n in names},
        **{f"score_{d}": pct.percentile.mean(where=pct.dimension == d) for d in dims},
        **{f"n_{d}": pct.percentile.count(where=pct.dimension == d) for d in dims},
    )
    scores = [wide[f"score_{d}"] for d in dims]
    total = sum((c.fill_null(0.0) for c in scores), ibis.literal(0.0))
    coverage = sum((c.notnull().cast("int64") for c in scores), ibis.literal(0))
    low = ibis.least(*[c.fill_null(1e9) for c in scores])
    high = ibis.greatest(*[c.fill_null(-1e9) for c in scores])
    return wide.mutate(
        composite=(total / coverage.cast("float64")).cast("float64"), coverage=coverage,
        # the first dimension (DIMENSIONS order) at the lowest / highest score
        weakest=ibis.cases(*[(c == low, d) for c, d in zip(scores, dims)], else_=None),
        strongest=ibis.cases(*[(c == high, d) for c, d in zip(scores, dims)], else_=None),
    )


def dynamics(scored: ir.Table, series: Sequence[str], *, window: int = 5,
             threshold: float = 15.0) -> ir.Table:
    """Trend and break columns for each of ``series`` (e.g. ``composite``, ``score_*``).

    Adds ``<series>_trend`` (OLS slope, points per year, over the last ``window`` years
    ending at each year, needing at least 3 values), ``<series>_prior3`` (the mean of the
    three previous years, when all three have a value) and ``<series>_break`` (``up`` or
    ``down`` when the value is at least ``threshold`` points from that mean).
    The series are stacked so one sort serves every window.
    """
    long = scored.select("a", "b", "year", *series).pivot_longer(
        s.cols(*series), names_to="series", values_to="v")
    long = long.filter(long.v.notnull())
    last = ibis.window(group_by=["a", "b", "series"], order_by="year",
                       range=(-(window - 1), 0))
    prev = ibis.window(group_by=["a", "b", "series"], order_by="year", range=(-3, -1))
    x = long.year.cast("float64")
    n = long.v.count().over(last).cast("float64")
    sx, sy = x.sum().over(last), long.v.sum().over(last)
    sxy, sxx = (x * long.v).sum().over(last), (x * x).sum().over(last)
    den = n * sxx - sx * sx
    n_prev = long.v.count().over(prev)
    prior = ibis.ifelse(n_prev == 3, long.v.mean().over(prev), ibis.null()).cast("float64")
    long = long.mutate(
        trend=ibis.ifelse((n >= 3) & (den != 0), (n * sxy - sx * sy) / den,
                          ibis.null()).cast("float64"),
        prior3=prior)
    diff = long.v - long.prior3
    long = long.mutate(brk=ibis.cases((diff >= threshold, "up"), (diff <= -threshold, "down"),
                                      else_=ibis.null().cast("string")))
    metrics = {}
    for name in series:
        hit = long.series == name
        metrics[f"{name}_trend"] = long.trend.max(where=hit)
        metrics[f"{name}_prior3"] = long.prior3.max(where=hit)
        metrics[f"{name}_break"] = long.brk.max(where=hit)
    wide = long.group_by(["a", "b", "year"]).aggregate(**metrics)
    wide = wide.rename(**{f"_d_{k}": k for k in ("a", "b", "year")})
    joined = scored.left_join(wide, [scored.a == wide._d_a, scored.b == wide._d_b,
                                     scored.year == wide._d_year])
    return joined.drop("_d_a", "_d_b", "_d_year")


# -- the same computations on NumPy arrays: the fast path on the embedded engine -------
def _mid_percentiles(values: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Mid-rank percentile of each value among the non-NaN values of its year."""
    out = np.full(len(values), np.nan)
    idx = np.flatnonzero(~np.isnan(values))
    if not len(idx):
        return out
    order = idx[np.lexsort((values[idx], years[idx]))]
    y, v = years[order], values[order]
    pos = np.arange(len(order))
    new_year = np.r_[True, y[1:] != y[:-1]]
    year_start = np.maximum.accumulate(np.where(new_year, pos, 0))
    year_id = np.cumsum(new_year) - 1
    n = np.bincount(year_id)[year_id]
    new_tie = new_year | np.r_[True, v[1:] != v[:-1]]
    tie_id = np.cumsum(new_tie) - 1
    ties = np.bincount(tie_id)[tie_id]
    tie_start = np.flatnonzero(new_tie)[tie_id] - year_start
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * (tie_start + (ties - 1) / 2.0) / (n - 1)
    out[order] = np.where(ties == n, 50.0, pct)
    return out


def score_frame(panel: pd.DataFrame, indicators: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`score` on a pandas panel with NumPy (same columns, same numbers)."""
    names = list(indicators) if indicators is not None else index_indicators(panel.columns)
    years = panel["year"].to_numpy()
    out = {k: panel[k].to_numpy() for k in _KEYS}
    for name in names:
        p = _mid_percentiles(panel[name].to_numpy(dtype="float64", na_value=np.nan), years)
        out[f"p_{name}"] = 100.0 - p if INDICATORS[name].orientation == "lower" else p
    dims = [d for d in DIMENSIONS if any(INDICATORS[n].dimension == d for n in names)]
    for dim in dims:
        stack = np.column_stack([out[f"p_{n}"] for n in names if INDICATORS[n].dimension == dim])
        count = (~np.isnan(stack)).sum(axis=1)
        with np.errstate(invalid="ignore"):
            out[f"score_{dim}"] = np.nansum(stack, axis=1) / np.where(count, count, np.nan)
        out[f"n_{dim}"] = count
    scores = np.column_stack([out[f"score_{d}"] for d in dims])
    coverage = (~np.isnan(scores)).sum(axis=1)
    keep = coverage > 0
    with np.errstate(invalid="ignore"):
        out["composite"] = np.nansum(scores, axis=1) / np.where(coverage, coverage, np.nan)
    out["coverage"] = coverage
    labels = np.array(dims, dtype=object)
    out["weakest"] = pd.array(
        labels[np.argmin(np.where(np.isnan(scores), np.inf, scores), axis=1)], dtype="string")
    out["strongest"] = pd.array(
        labels[np.argmax(np.where(np.isnan(scores), -np.inf, scores), axis=1)], dtype="string")
    return pd.DataFrame(out)[keep].reset_index(drop=True)


def dynamics_frame(scored: pd.DataFrame, series: Sequence[str], *, window: int = 5,
                   threshold: float = 15.0) -> pd.DataFrame:
    """:func:`dynamics` with NumPy on a dense pair × year grid (same numbers)."""
    pair, _ = pd.factorize(scored["a"].astype(str) + "|" + scored["b"].astype(str))
    year0 = int(scored["year"].min())
    col = scored["year"].to_numpy() - year0
    shape = (int(pair.max()) + 1, int(col.max()) + 1 + window)
    out = scored.copy()

    def rolling(grid: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Sum over years t+lo .. t+hi (lo <= hi <= 0) for every t, NaN as 0."""
        c = np.cumsum(np.nan_to_num(grid), axis=1)
        c = np.pad(c, ((0, 0), (window + 1, 0)))
        t = np.arange(grid.shape[1]) + window + 1
        return c[:, t + hi] - c[:, t + lo - 1]

    for name in series:
        grid = np.full(shape, np.nan)
        grid[pair, col] = scored[name].to_numpy(dtype="float64", na_value=np.nan)
        have = (~np.isnan(grid)).astype(float)
        x = np.where(have > 0, np.arange(shape[1])[None, :] + year0, 0.0).astype(float)
        lo = -(window - 1)
        n, sx = rolling(have, lo, 0), rolling(x, lo, 0)
        sy, sxy = rolling(grid, lo, 0), rolling(x * np.nan_to_num(grid), lo, 0)
        sxx = rolling(x * x, lo, 0)
        den = n * sxx - sx * sx
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where((n >= 3) & (den != 0), (n * sxy - sx * sy) / den, np.nan)
            n3, s3 = rolling(have, -3, -1), rolling(grid, -3, -1)
            prior = np.where(n3 == 3, s3 / 3.0, np.nan)
        value = grid[pair, col]
        ok = ~np.isnan(value)
        out[f"{name}_trend"] = np.where(ok, slope[pair, col], np.nan)
        pr = np.where(ok, prior[pair, col], np.nan)
        out[f"{name}_prior3"] = pr
        diff = value - pr
        out[f"{name}_break"] = pd.array(np.select([diff >= threshold, diff <= -threshold],
                                                  ["up", "down"], default=None), dtype="string")
    return out
