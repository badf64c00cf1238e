"""The relationship index: percentiles among all pairs, dimension scores, composite, trends.

Method (DESIGN.md §5), for every directed pair (a, b) and year, over the whole table:

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
   **Hostility** discounts it: ``composite × (1 − hostility)``, where ``hostility``
   (0–1) is the largest weight of :data:`amity.indicators.HOSTILITY` whose condition the
   pair-year's conflict indicators meet (war 1, a minor armed conflict or a fatal dispute
   0.75, use of force 0.5, a threat, a display or a rivalry 0.25), 0 when they are known
   and none holds, NA (no discount) when none is known; ``score_conflict`` =
   100 × (1 − hostility) shows it beside the dimension scores.
4. **Trend** = OLS slope (points per year) of a score over the last ``window`` (5)
   years ending at each year, over the years with a value (at least 3).
5. **Break** = a score that differs by at least ``threshold`` (15) points from the
   mean of its three previous years (all three present).

A percentile compares a pair with every other pair *that has data*: a pair with no
trade data is not "0th percentile in trade", it has no economic score.

Two implementations give the same table (tested on fixtures and on the real panel):

- :func:`score` + :func:`dynamics`: portable Ibis queries (long form: one row per
  pair-year-indicator, RANGE window frames), for any backend (PySpark included);
- :func:`amity.index.sql.index_sql`: the same as one SQL statement generated from the
  catalogue, in the shape DuckDB runs fastest (per-indicator percentile tables joined
  back to the wide panel, row-wise means, ``lag`` over the pair's previous rows), run
  through Ibis with ``store.ibis.sql``. :func:`amity.index.build_index` picks it on DuckDB.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import ibis.selectors as s
import pandas as pd

from amity.indicators import DIMENSIONS, HOSTILITY, INDICATORS

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["BASIS_SHARE", "MIN_BASIS_DIMS", "dynamics", "hostility_rules", "index_indicators",
           "percentiles", "score"]

#: A dimension is part of a year's basis when at least this share (numerator,
#: denominator) of the year's scored pairs have it: 1/2.
BASIS_SHARE = (1, 2)
#: A year gets composites only when its basis has at least this many dimensions (or
#: every dimension scored, when fewer are asked for): one or two measured dimensions
#: are reported as such, not as a relationship score.
MIN_BASIS_DIMS = 3

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


def hostility_rules(columns: Sequence[str]) -> list[tuple[str, int, float]]:
    """The rules of :data:`amity.indicators.HOSTILITY` whose indicator is in ``columns``.

    Examples
    --------
    >>> hostility_rules(["a", "b", "year", "rivalry"])
    [('rivalry', 1, 0.25)]
    """
    return [rule for rule in HOSTILITY if rule[0] in columns]


def _hostility(panel: ir.Table, rules: Sequence[tuple[str, int, float]]) -> ir.Value:
    """The pair-year's hostility (0-1), NA when none of the rules' indicators is known."""
    cols = list(dict.fromkeys(c for c, _, _ in rules))
    known = ibis.or_(*[panel[c].notnull() for c in cols])
    level = ibis.greatest(*[ibis.ifelse(panel[c].cast("float64") >= at, w, 0.0)
                            .fill_null(0.0) for c, at, w in rules])
    return ibis.ifelse(known, level, ibis.null()).cast("float64")


def _value(panel: ir.Table, name: str) -> ir.Value:
    """The indicator's value as the index uses it: NA where its support (e.g. the common
    votes behind UN agreement) is below the minimum (``Indicator.support``), or where the
    indicator it stands in for has a value (``Indicator.fallback_for``)."""
    value = panel[name].cast("float64")
    null = ibis.null().cast("float64")
    instead = INDICATORS[name].fallback_for
    if instead is not None and instead in panel.columns:  # only where the other is NA
        value = ibis.ifelse(panel[instead].isnull(), value, null).cast("float64")
    support = INDICATORS[name].support
    if support is None:
        return value
    if support[0] not in panel.columns:
        return null
    return ibis.ifelse(panel[support[0]] >= support[1], value, null).cast("float64")


def percentiles(panel: ir.Table, names: Sequence[str]) -> ir.Table:
    """Long ``a, b, year, indicator, dimension, percentile`` (oriented: higher = closer).

    Ties and ranks come from counts per distinct value (a group-by and one running sum
    over the distinct values), not from a window over every row.
    """
    wide = panel.select(*_KEYS, **{n: _value(panel, n) for n in names})
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
    rules = hostility_rules(panel.columns)
    if rules:
        host = panel.select(_h_a=panel.a, _h_b=panel.b, _h_year=panel.year,
                            hostility=_hostility(panel, rules))
        wide = wide.left_join(host, [wide.a == host._h_a, wide.b == host._h_b,
                                     wide.year == host._h_year]).drop("_h_a", "_h_b", "_h_year")
    scores = [wide[f"score_{d}"] for d in dims]
    coverage = sum((c.notnull().cast("int64") for c in scores), ibis.literal(0))
    low = ibis.least(*[c.fill_null(1e9) for c in scores])
    high = ibis.greatest(*[c.fill_null(-1e9) for c in scores])
    # the year's basis: the dimensions that half or more of the year's pairs have
    year = ibis.window(group_by="year")
    n_year = wide.a.count().over(year)
    basis = [(c.count().over(year) * BASIS_SHARE[1] >= n_year * BASIS_SHARE[0]) for c in scores]
    complete = ibis.and_(*[~b | c.notnull() for b, c in zip(basis, scores, strict=True)])
    used = sum((b.cast("int64") for b in basis), ibis.literal(0))
    total = sum((ibis.ifelse(b, c, 0.0) for b, c in zip(basis, scores, strict=True)),
                ibis.literal(0.0))
    enough = min(MIN_BASIS_DIMS, len(dims))
    mean = ibis.ifelse(complete & (used >= max(enough, 1)), total / used.cast("float64"),
                       ibis.null()).cast("float64")
    extra = {}
    if rules:
        extra["score_conflict"] = (100.0 * (1.0 - wide.hostility)).cast("float64")
        mean = (mean * (1.0 - wide.hostility.fill_null(0.0))).cast("float64")
    names_used = ibis.literal(", ").join(
        [ibis.ifelse(b, d, ibis.null().cast("string")) for b, d in zip(basis, dims, strict=True)])
    return wide.mutate(
        **extra, composite=mean, coverage=coverage, basis=names_used,
        # the first dimension (DIMENSIONS order) at the lowest / highest score
        weakest=ibis.cases(*[(c == low, d) for c, d in zip(scores, dims, strict=True)],
                           else_=None),
        strongest=ibis.cases(*[(c == high, d) for c, d in zip(scores, dims, strict=True)],
                             else_=None),
    )


def dynamics(scored: ir.Table, series: Sequence[str], *, window: int = 5,
             threshold: float = 15.0) -> ir.Table:
    """Trend and break columns for each of ``series`` (e.g. ``composite``, ``score_*``).

    Adds ``<series>_trend`` (OLS slope, points per year, over the last ``window`` years
    ending at each year, needing at least 3 values), ``<series>_prior3`` (the mean of the
    three previous years, when all three have a value) and ``<series>_break`` (``up`` or
    ``down`` when the value is at least ``threshold`` points from that mean).
    The composite's trend and prior mean use only the years with the same basis as the
    year itself (column ``basis``, when ``scored`` has it): a change of the dimensions
    averaged is not a change of the relationship. The series are stacked so one sort
    serves every window.
    """
    has_basis = "basis" in scored.columns
    extra = ["basis"] if has_basis else []
    long = scored.select("a", "b", "year", *extra, *series).pivot_longer(
        s.cols(*series), names_to="series", values_to="v")
    long = long.filter(long.v.notnull())
    # the composite's windows stay within one basis; the dimension scores' span any
    part = (ibis.ifelse(long.series == "composite", long.basis.fill_null(""), "")
            if has_basis else ibis.literal(""))
    long = long.mutate(part=part)
    keys = ["a", "b", "series", "part"]
    last = ibis.window(group_by=keys, order_by="year", range=(-(window - 1), 0))
    prev = ibis.window(group_by=keys, order_by="year", range=(-3, -1))
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
