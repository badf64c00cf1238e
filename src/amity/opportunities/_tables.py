"""Whole-table Ibis expressions behind opportunities and the trade indices.

For one plan (source, release, level) and all years (or a range), the store's product
tables become, in the plan's product space:

``flows``    year, e, i, k, v — flows by partner (``trade_products``), summed to the level;
``exports``  year, c, k, x, complete, country_complete — a country's exports of k to the
             world;
``imports``  year, c, k, m, complete, country_complete — its imports of k from the world.

A country's world total of k is the larger of the publisher's total
(``trade_country_products``) and the sum of its flows by partner: both are lower bounds of
the truth, so the larger is the better one (OTS's Kyrgyzstan 2018 textile imports are
447M in its own total and 3,877M summed over its suppliers). ``complete`` says the value
covers all partners (a publisher's total, a reporter whose file lists every partner, a
product whose flows the source holds for all pairs); an incomplete value is the sum of
the flows the source holds: a lower bound. ``country_complete`` says that holds for every
product of the country (not only for products the source covers for all pairs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from amity.opportunities._space import Coverage, Plan, coverage

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["Frames", "exporter_stats", "frames", "pair_table"]

_NULL = ibis.null().cast("float64")


@dataclass(frozen=True)
class Frames:
    """The plan's base tables (Ibis expressions, nothing computed yet)."""

    plan: Plan
    coverage: Coverage
    flows: ir.Table
    exports: ir.Table
    imports: ir.Table
    known_pairs: ir.Table
    totals: ir.Table

    def cached(self) -> Frames:
        """The same frames computed once into temporary tables (for several queries on
        one year); call :meth:`release` when done."""
        flows, totals = self.flows.cache(), self.totals.cache()
        exports, imports = _sides(self.plan, self.coverage, flows, totals)
        return Frames(self.plan, self.coverage, flows, exports.cache(), imports.cache(),
                      self.known_pairs, totals)

    def release(self) -> None:
        """Drop the temporary tables of :meth:`cached` frames."""
        for t in (self.flows, self.exports, self.imports, self.totals):
            if hasattr(t, "release"):
                t.release()


def _nothing(store: Store, **columns: str) -> ir.Table:
    """An empty table with these columns, on the store's backend (trade_products, which
    every plan has, with no rows)."""
    t = store.table("trade_products")
    t = t.filter(ibis.literal(False))
    source = {"string": t.exporter, "int64": t.year, "float64": t.value_usd}
    return t.select(**{name: source[kind] for name, kind in columns.items()})


def _years(t: ir.Table, years: tuple[int, int] | None) -> ir.Table:
    return t if years is None else t.filter(t.year.between(*years))


def _all_pairs(cov: Coverage, p: Plan, year: ir.IntegerValue,
               k: ir.StringValue) -> ir.BooleanValue:
    """Products whose flows the source holds for every pair (OTS textiles from 1995)."""
    if not cov.all_pairs or p.space != p.bilateral:
        return ibis.literal(False)
    return ibis.or_(*((k == name) & year.between(lo, hi)
                      for name, (lo, hi) in cov.all_pairs.items()))


def _in(column: ir.StringValue, values: frozenset[str]) -> ir.BooleanValue:
    return column.isin(sorted(values)) if values else ibis.literal(False)


def frames(store: Store, p: Plan, years: tuple[int, int] | None = None) -> Frames:
    """Build :class:`Frames` for a plan over ``years`` (inclusive; None: all)."""
    cov = coverage(p.source, p.release)
    if p.bilateral is not None:
        raw = store.table("trade_products", source=p.source, release=p.release)
        raw = _years(raw.filter(raw.classification == p.bilateral), years)
        keyed = raw.select(year=raw.year, e=raw.exporter, i=raw.importer,
                           k=p.key(raw["product"], p.bilateral_digits), v=raw.value_usd)
        # trade_products has one row per (year, exporter, importer, classification,
        # product): the sum is needed only when several codes map to one key
        flows = keyed if p.same(p.bilateral_digits) else keyed.group_by(
            ["year", "e", "i", "k"]).aggregate(v=keyed.v.sum())
        plain = raw.filter(~_all_pairs(cov, p, raw.year, raw["product"]))
        known = plain.select(year=plain.year, e=plain.exporter, i=plain.importer).distinct()
    else:
        flows = _nothing(store, year="int64", e="string", i="string", k="string",
                         v="float64")
        known = _nothing(store, year="int64", e="string", i="string")
    if p.totals is not None:
        cp = store.table("trade_country_products", source=p.source, release=p.release)
        cp = _years(cp.filter(cp.classification == p.totals), years)
        cp = cp.select(year=cp.year, c=cp.iso3, flow=cp.flow,
                       k=p.key(cp["product"], p.totals_digits), v=cp.value_usd)
    else:
        cp = _nothing(store, year="int64", c="string", flow="string", k="string",
                      v="float64")
    exports, imports = _sides(p, cov, flows, cp)
    return Frames(p, cov, flows, exports, imports, known, cp)


def _sides(p: Plan, cov: Coverage, flows: ir.Table, cp: ir.Table) -> tuple[ir.Table, ir.Table]:
    """Each country's exports and imports of each product, with their completeness."""
    side = {}
    for flow, own, name in (("export", "e", "x"), ("import", "i", "m")):
        bil = flows.group_by(["year", own, "k"]).aggregate(s=flows.v.sum()).rename(c=own)
        tot = cp.filter(cp.flow == flow)
        tot = tot.group_by(["year", "c", "k"]).aggregate(t=tot.v.sum())
        both = bil.select("year", "c", "k", s="s", t=_NULL).union(
            tot.select("year", "c", "k", s=_NULL, t="t"))
        both = both.group_by(["year", "c", "k"]).aggregate(s=both.s.max(), t=both.t.max())
        listed = tot.select("year", "c")
        if flow == "export" and cov.listed_exporters_complete:
            listed = listed.union(bil.select("year", "c"))
        listed = listed.distinct().mutate(ok=ibis.literal(True))
        j = both.left_join(listed, ["year", "c"])
        whole = _in(j.c, cov.reporters) | j.ok.notnull()
        if flow == "import" and cov.importers_complete:
            whole = ibis.literal(True)
        complete = whole | _all_pairs(cov, p, j.year, j.k)
        value = ibis.greatest(j.s.fill_null(0.0), j.t.fill_null(0.0))
        side[name] = j.select(year=j.year, c=j.c, k=j.k, **{name: value},
                              complete=complete.fill_null(False),
                              country_complete=whole.fill_null(False))
    return side["x"], side["m"]


def exporter_stats(fr: Frames) -> ir.Table:
    """year, a, k, x (X_ak), xa (X_a), xwk (X_wk), xw (X_w), rca, share (X_ak/X_wk), complete.

    World totals are sums over every exporter the source holds that year.
    """
    ex = fr.exports
    xwk = ex.group_by(["year", "k"]).aggregate(xwk=ex.x.sum())
    xw = xwk.group_by("year").aggregate(xw=xwk.xwk.sum())
    xa = ex.group_by(["year", "c"]).aggregate(xa=ex.x.sum())
    j = ex.join(xwk, ["year", "k"]).join(xw, "year").join(xa, ["year", "c"])
    return j.select(year=j.year, a=j.c, k=j.k, x=j.x, xa=j.xa, xwk=j.xwk, xw=j.xw,
                    rca=(j.x / j.xa.nullif(0.0)) / (j.xwk / j.xw.nullif(0.0)).nullif(0.0),
                    share=j.x / j.xwk.nullif(0.0), complete=j.complete)


def pair_table(fr: Frames, *, exporters: Sequence[str] | None = None,
               markets: Sequence[str] | None = None,
               min_rca: float | None = None) -> ir.Table:
    """Opportunities of every exporter a in every market b for every product k.

    One row per (year, a, b, k) with X_ak > 0 and M_bk > 0, a ≠ b: ``rca``,
    ``expected = (X_ak/X_wk)·M_bk``, ``actual`` (0 where the flow is known to be absent,
    NA where the source does not cover it) and ``untapped = max(0, expected − actual)``.
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
    im = im.select("year", "k", b="c", m="m", b_complete="complete")
    pairs = ex.join(im, ["year", "k"])
    pairs = pairs.filter(pairs.a != pairs.b)
    fl = fr.flows.select("year", "k", "v", a="e", b="i")
    j = pairs.left_join(fl, ["year", "a", "b", "k"])
    j = j.select(*[j[c] for c in pairs.columns], v=j.v)
    kp = fr.known_pairs.select("year", a="e", b="i", kp=ibis.literal(True))
    j2 = j.left_join(kp, ["year", "a", "b"])
    j2 = j2.select(*[j2[c] for c in j.columns], kp=j2.kp)
    zero = (ibis.ifelse(j2.complete | j2.b_complete | j2.kp.notnull(), 0.0, _NULL)
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
