"""Economic dimension: bilateral goods trade, by direction, with shares of total trade.

For a directed pair (a, b) and year, from one trade source (default COW Trade 4.0):

* ``trade_a_to_b_usd`` — exports of a to b (``trade_dyadic`` row exporter a, importer b);
* ``trade_b_to_a_usd`` — exports of b to a;
* ``trade_total_usd`` — their sum (NA when either direction is NA);
* ``trade_balance_a_usd`` — a_to_b − b_to_a;
* ``trade_share_a`` / ``trade_share_b`` — total / (the country's exports + imports) from
  ``trade_national`` of the same source.

A pair with no row in the source is NA, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from amity.indicators._base import resolve_release

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["trade_dyadic"]


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
    pairs = both.group_by(["a", "b", "year"]).aggregate(ab=both.ab.max(), ba=both.ba.max())
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
