"""Economic dimension: bilateral goods trade, trade intensity and trade complementarity.

For a directed pair (a, b) and year, from one trade source (default COW Trade 4.0 to 2014,
then UN Comtrade's reported totals to 2022, then the other sources of :data:`FAMILIES`
for the years no earlier one covers):

* ``trade_a_to_b_usd`` — exports of a to b (``trade_dyadic`` row exporter a, importer b);
* ``trade_b_to_a_usd`` — exports of b to a;
* ``trade_total_usd`` — their sum (NA when either direction is NA);
* ``trade_balance_a_usd`` — a_to_b − b_to_a;
* ``trade_share_a`` / ``trade_share_b`` — total / (the country's exports + imports) from
  ``trade_national`` of the same source.

A pair with no row in the source is NA, never 0 — except in a source that lists every
partner of each reporter (UN Comtrade's reported totals: the release's scope has
``unlisted_partner_is_zero`` and ``reporters_by_year``): there, in a year a country
reported, its exports to a state of the system it does not list are 0.

From one product-level source (default: the first of ``ots``, ``comtrade``, ``baci`` in
the store), over the years its product data cover (the product space of
:mod:`amity.indicators.products`):

* ``trade_intensity_a_to_b`` = (x_ab / X_a) / (M_b / M_w): the share of a's exports that
  goes to b, over b's share of world imports (> 1: a exports more to b than b's size in
  world trade predicts). x_ab from the source's ``trade_dyadic``, X_a and M_b from its
  ``trade_national``, M_w the sum of every country's imports that year. A pair with no
  ``trade_dyadic`` row is NA; a source without national imports (UN Comtrade, IMF DOTS) or
  without those tables (the BACI sample) gives NA.
* ``trade_complementarity_a_b`` = 100·(1 − Σ_k |m_bk − x_ak| / 2), with m_bk the share of
  product k in b's imports and x_ak its share in a's exports, at the source's own product
  level (OTS communities, HS chapters, HS6). Since both shares sum to 1,
  Σ_k |m_bk − x_ak| = 2 − 2·Σ_k min(m_bk, x_ak), so the index is 100·Σ_k min(m_bk, x_ak)
  and only products both have enter the join. It is computed only where both product
  mixes are complete: a's exports and b's imports of every product to and from all
  partners (a publisher's world total, or a reporter whose flows cover all partners); 0
  where both are complete and share no product, NA otherwise. With OTS that is every
  country in 2018 and the 29 reporters with country files in other years.

References: WITS, "Trade Indicators" (trade intensity index; trade complementarity
index, after Michaely 1996).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pandas as pd

from amity.indicators._base import Family, Indicator, pairs, resolve_release, state_years
from amity.indicators.products import frames, plan, product_sources

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["FAMILIES", "INDICATORS", "TRADE_NOTES", "trade_dyadic", "trade_indices_dyadic"]

_TRADE = ("trade_a_to_b_usd", "trade_b_to_a_usd", "trade_total_usd", "trade_balance_a_usd",
          "trade_share_a", "trade_share_b")
_NULL = ibis.null().cast("float64")

INDICATORS = (
    Indicator("trade_a_to_b_usd", "economic", "current US$", "higher",
              "goods exports of a to b (b's reported imports from a)", in_index=False),
    Indicator("trade_b_to_a_usd", "economic", "current US$", "higher",
              "goods exports of b to a (a's reported imports from b)", in_index=False),
    Indicator("trade_total_usd", "economic", "current US$", "higher",
              "trade_a_to_b_usd + trade_b_to_a_usd"),
    Indicator("trade_balance_a_usd", "economic", "current US$", "none",
              "trade_a_to_b_usd - trade_b_to_a_usd"),
    Indicator("trade_share_a", "economic", "share (0-1)", "higher",
              "trade_total_usd / (a's total exports + imports)"),
    Indicator("trade_share_b", "economic", "share (0-1)", "higher",
              "trade_total_usd / (b's total exports + imports)"),
    Indicator("trade_intensity_a_to_b", "economic", "index (1 = neutral)", "higher",
              "(x_ab / X_a) / (M_b / M_w): share of a's exports going to b over b's share of "
              "world imports (WITS)", in_index=False),
    Indicator("trade_complementarity_a_b", "economic", "index (0-100)", "higher",
              "100 * (1 - sum_k |m_bk - x_ak| / 2), shares of product k in b's imports and "
              "a's exports (WITS); complete product mixes only", in_index=False),
)


def trade_dyadic(
    store: Store,
    *,
    source: str = "cow_trade",
    release: str | None = None,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Trade indicators for all directed pairs (or among ``countries``) and years.

    Returns
    -------
    DataFrame
        ``a, b, year, trade_a_to_b_usd, trade_b_to_a_usd, trade_total_usd,
        trade_balance_a_usd, trade_share_a, trade_share_b``; ``attrs`` name the source
        and release.
    """
    release = resolve_release(store, source, release)
    flows = store.table("trade_dyadic", source=source, release=release)
    if years is not None:
        flows = flows.filter(flows.year.between(*years))
    if countries is not None:
        keep = list(countries)
        flows = flows.filter(flows.exporter.isin(keep) & flows.importer.isin(keep))
    null = ibis.null().cast("float64")
    both = flows.select(a=flows.exporter, b=flows.importer, year=flows.year,
                        ab=flows.value_usd, ba=null).union(
        flows.select(a=flows.importer, b=flows.exporter, year=flows.year,
                     ab=null, ba=flows.value_usd))
    zeros = _unlisted_zero(store, source, release, countries, years)
    if zeros is not None:  # the reporters' unlisted partners: 0, not NA
        grid, reported = zeros
        both = both.union(grid.select("a", "b", "year", ab=null, ba=null))
    pairs = both.group_by(["a", "b", "year"]).aggregate(ab=both.ab.max(), ba=both.ba.max())
    if zeros is not None:
        ra = reported.select(ra_year="year", ra="iso3", ra_ok=ibis.literal(True))
        rb = reported.select(rb_year="year", rb="iso3", rb_ok=ibis.literal(True))
        pairs = (pairs.left_join(ra, [pairs.year == ra.ra_year, pairs.a == ra.ra])
                 .left_join(rb, [pairs.year == rb.rb_year, pairs.b == rb.rb]))
        pairs = pairs.select(
            "a", "b", "year",
            ab=pairs.ab.coalesce(ibis.ifelse(pairs.ra_ok.notnull(), 0.0, null)),
            ba=pairs.ba.coalesce(ibis.ifelse(pairs.rb_ok.notnull(), 0.0, null))).view()
    nat = store.table("trade_national", source=source, release=release)
    nat = nat.select(iso3=nat.iso3, nyear=nat.year, total=nat.exports_usd + nat.imports_usd)
    na = nat.select(na_iso3="iso3", na_year="nyear", total_a="total")
    nb = nat.select(nb_iso3="iso3", nb_year="nyear", total_b="total")
    joined = (pairs.left_join(na, [pairs.a == na.na_iso3, pairs.year == na.na_year])
              .left_join(nb, [pairs.b == nb.nb_iso3, pairs.year == nb.nb_year]))
    total = joined.ab + joined.ba
    out = joined.select(
        "a", "b", "year", trade_a_to_b_usd=joined.ab, trade_b_to_a_usd=joined.ba,
        trade_total_usd=total, trade_balance_a_usd=joined.ab - joined.ba,
        trade_share_a=(total / joined.total_a.nullif(0.0)),
        trade_share_b=(total / joined.total_b.nullif(0.0)),
    )
    frame = out.to_pandas().sort_values(["a", "b", "year"], ignore_index=True)
    frame.attrs.update(source=source, release=release)
    return frame


def _unlisted_zero(store: Store, source: str, release: str,
                   countries: Sequence[str] | None, years: tuple[int, int] | None
                   ) -> tuple[ir.Table, ir.Table] | None:
    """For a source whose reporters list every partner: the universe of state pairs in
    the reporting years, and the (year, iso3) reporters; None for other sources."""
    found = store.release(source, release)
    scope = found.scope if found else {}
    if not scope.get("unlisted_partner_is_zero") or "reporters_by_year" not in scope:
        return None
    rows = [(int(y), c) for y, cs in scope["reporters_by_year"].items() for c in cs
            if (years is None or years[0] <= int(y) <= years[1])
            and (countries is None or c in countries)]
    if not rows:
        return None
    reported = ibis.memtable(pd.DataFrame(rows, columns=["year", "iso3"]).astype(
        {"year": "int64"}))
    lo, hi = min(y for y, _ in rows), max(y for y, _ in rows)
    sy = state_years(store, lo, hi, countries)
    if sy is None:
        return None
    return pairs(sy), reported


def _complementarity(exports: ir.Table, imports: ir.Table) -> ir.Table:
    """year, a, b, c = 100·Σ_k min(x_ak, m_bk) for complete export/import mixes."""
    sides = []
    for t, value, who in ((exports, "x", "a"), (imports, "m", "b")):
        ok = t.group_by(["year", "c"]).aggregate(ok=t.country_complete.all(),
                                                 total=t[value].sum())
        ok = ok.filter(ok.ok & (ok.total > 0))
        j = t.join(ok, ["year", "c"])
        shares = j.select(year=j.year, k=j.k, **{who: j.c},
                          share=j[value] / j.total).filter(lambda s: s.share > 0)
        sides.append((ok.select("year", **{who: "c"}), shares))
    (ea, xs), (ib, ms) = sides
    common = xs.join(ms.rename(mshare="share"), ["year", "k"])
    common = common.filter(common.a != common.b)
    summed = common.group_by(["year", "a", "b"]).aggregate(
        s=ibis.least(common.share, common.mshare).sum())
    grid = ea.join(ib, "year")
    grid = grid.filter(grid.a != grid.b)
    j = grid.left_join(summed, ["year", "a", "b"])
    return j.select(year=j.year, a=j.a, b=j.b, c=100.0 * j.s.fill_null(0.0))


def _intensity(store: Store, source: str, release: str) -> ir.Table | None:
    """year, a, b, i = (x_ab / X_a) / (M_b / M_w) from trade_dyadic and trade_national."""
    if not (store.has("trade_dyadic") and store.has("trade_national")):
        return None
    dy = store.table("trade_dyadic", source=source, release=release)
    nat = store.table("trade_national", source=source, release=release)
    world = nat.group_by("year").aggregate(mw=nat.imports_usd.sum())
    xa = nat.select("year", a="iso3", xa="exports_usd")
    mb = nat.select("year", b="iso3", mb="imports_usd")
    j = (dy.select("year", a="exporter", b="importer", v="value_usd")
         .join(xa, ["year", "a"]).join(mb, ["year", "b"]).join(world, "year"))
    return j.select("year", "a", "b", i=(j.v / j.xa.nullif(0.0))
                    / (j.mb / j.mw.nullif(0.0)).nullif(0.0))


def trade_indices_dyadic(
    store: Store,
    *,
    source: str | None = None,
    release: str | None = None,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Trade intensity and complementarity for all directed pairs and years.

    Returns
    -------
    DataFrame
        ``a, b, year, trade_intensity_a_to_b, trade_complementarity_a_b`` (a row where
        either is known); ``attrs`` name the source, release and product level.
    """
    source = source or product_sources(store)[0][0]
    release = resolve_release(store, source, release)
    p = plan(store, source, release)
    fr = frames(store, p, years)
    exports, imports = fr.exports, fr.imports
    if countries is not None:
        keep = list(countries)
        exports = exports.filter(exports.c.isin(keep))
        imports = imports.filter(imports.c.isin(keep))
    # each side feeds two joins: computing it once is ~3x faster on DuckDB
    exports, imports = exports.cache(), imports.cache()
    try:
        frame = _combine(store, source, release, fr.flows, exports, imports, countries, years)
    finally:
        exports.release()
        imports.release()
    frame.attrs.update(source=source, release=release, level=p.level)
    return frame


def _combine(store: Store, source: str, release: str, flows: ir.Table, exports: ir.Table,
             imports: ir.Table, countries: Sequence[str] | None,
             years: tuple[int, int] | None) -> pd.DataFrame:
    comp = _complementarity(exports, imports)
    parts = [comp.select("year", "a", "b", i=_NULL, c="c")]
    inten = _intensity(store, source, release)
    if inten is not None:
        covered = flows.select("year").distinct()
        inten = inten.filter(inten.year.isin(covered.year) & inten.i.notnull())
        if years is not None:
            inten = inten.filter(inten.year.between(*years))
        if countries is not None:
            keep = list(countries)
            inten = inten.filter(inten.a.isin(keep) & inten.b.isin(keep))
        parts.append(inten.select("year", "a", "b", i="i", c=_NULL))
    both = parts[0] if len(parts) == 1 else parts[0].union(parts[1])
    out = both.group_by(["a", "b", "year"]).aggregate(
        trade_intensity_a_to_b=both.i.max(), trade_complementarity_a_b=both.c.max())
    return out.to_pandas().sort_values(["a", "b", "year"], ignore_index=True)


#: How each trade source's dollar values were reported: each value's note says it, since
#: the sources differ by 10-50% for the same flow (see docs/indicators.md).
TRADE_NOTES = {
    "cow_trade": "COW: as the importer reported it (the exporter's report where missing)",
    "comtrade_totals": "Comtrade: as the exporter reported it",
    "dots": "IMF DOTS: as the exporter reported it (FOB)",
    "comtrade": "Comtrade: as the reporter reported it",
    "ots": "OTS: levels overstated by 20-50% against reporters' totals; use for trends",
    "wits": "WITS: a top-5 partner of the reporter only",
}


def _trade(source: str) -> Family:
    return Family(source, _TRADE, lambda s, r, c, y: trade_dyadic(
        s, source=source, release=r, countries=c, years=y), TRADE_NOTES[source])


FAMILIES = (
    *(_trade(source) for source in TRADE_NOTES),
    Family("ots", ("trade_intensity_a_to_b", "trade_complementarity_a_b"), lambda s, r, c, y:
           trade_indices_dyadic(s, source="ots", release=r, countries=c, years=y)),
)
