"""Whole-table Ibis expressions of opportunities: every exporter × market × product.

Built on the product space's frames (:func:`amity.indicators.products.frames`).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from amity.indicators.products import Frames

__all__ = ["exporter_stats", "pair_table"]

_NULL = ibis.null().cast("float64")


def exporter_stats(fr: Frames) -> ir.Table:
    """year, a, k, x (X_ak), xa (X_a), xwk (X_wk), xw (X_w), rca, share (X_ak/X_wk), complete
    (X_ak covers all partners), flows_complete (every partner's flow is listed).

    World totals are sums over every exporter the source holds that year.
    """
    ex = fr.exports
    xwk = ex.group_by(["year", "k"]).aggregate(xwk=ex.x.sum())
    xw = xwk.group_by("year").aggregate(xw=xwk.xwk.sum())
    xa = ex.group_by(["year", "c"]).aggregate(xa=ex.x.sum())
    j = ex.join(xwk, ["year", "k"]).join(xw, "year").join(xa, ["year", "c"])
    return j.select(year=j.year, a=j.c, k=j.k, x=j.x, xa=j.xa, xwk=j.xwk, xw=j.xw,
                    rca=(j.x / j.xa.nullif(0.0)) / (j.xwk / j.xw.nullif(0.0)).nullif(0.0),
                    share=j.x / j.xwk.nullif(0.0), complete=j.complete,
                    flows_complete=j.flows_complete)


def pair_table(fr: Frames, *, exporters: Sequence[str] | None = None,
               markets: Sequence[str] | None = None,
               min_rca: float | None = None) -> ir.Table:
    """Opportunities of every exporter a in every market b for every product k.

    One row per (year, a, b, k) with X_ak > 0 and M_bk > 0, a ≠ b: ``rca``,
    ``expected = (X_ak/X_wk)·M_bk``, ``actual`` (0 where the flow is known to be absent:
    the source lists all of a's or all of b's partners for k, or the pair's other
    products; NA where the source does not cover it) and ``untapped = max(0, expected − actual)``.
    """
    ex = exporter_stats(fr)
    ex = ex.filter(ex.x > 0)
    if exporters is not None:
        ex = ex.filter(ex.a.isin(list(exporters)))
    if min_rca is not None:
        ex = ex.filter(ex.rca >= min_rca)
    im = fr.imports.filter(fr.imports.m > 0)
    if markets is not None:
        im = im.filter(im.c.isin(list(markets)))
    im = im.select("year", "k", b="c", m="m", b_complete="complete",
                   b_flows="flows_complete")
    pairs = ex.join(im, ["year", "k"])
    pairs = pairs.filter(pairs.a != pairs.b)
    fl = fr.flows.select("year", "k", "v", a="e", b="i")
    j = pairs.left_join(fl, ["year", "a", "b", "k"])
    j = j.select(*[j[c] for c in pairs.columns], v=j.v)
    kp = fr.known_pairs.select("year", a="e", b="i", kp=ibis.literal(True))
    j2 = j.left_join(kp, ["year", "a", "b"])
    j2 = j2.select(*[j2[c] for c in j.columns], kp=j2.kp)
    zero = (ibis.ifelse(j2.flows_complete | j2.b_flows | j2.kp.notnull(), 0.0, _NULL)
            if fr.plan.bilateral is not None else _NULL)  # no flows by partner: unknown
    actual = ibis.coalesce(j2.v, zero)
    expected = j2.share * j2.m
    diff = expected - actual
    untapped = ibis.cases((diff.isnull(), _NULL), (diff > 0, diff), else_=0.0)
    return j2.select(
        year=j2.year, a=j2.a, b=j2.b, product=j2.k, exporter_exports_usd=j2.x, rca=j2.rca,
        world_share=j2.share, market_imports_usd=j2.m, expected_usd=expected,
        actual_usd=actual, untapped_usd=untapped, exports_complete=j2.complete,
        imports_complete=j2.b_complete)
