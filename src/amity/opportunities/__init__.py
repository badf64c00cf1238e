"""Trade opportunities: where can exporter a sell more to market b, or to a region?

For exporter a, market b (a country, or a region: the sum over its members that year),
product k and year t, from one product-level source (DESIGN.md §6)::

    rca_ak      = (X_ak / X_a) / (X_wk / X_w)        revealed comparative advantage
    demand_bk   = M_bk                               the market's imports of k
    expected_abk = (X_ak / X_wk) · M_bk              a's world market share applied to b
    actual_abk  = x_abk                              what a already sells to b
    untapped_abk = max(0, expected − actual)

Products with ``rca ≥ 1`` are ranked by untapped value. Market totals per product group
(OTS communities; or the WITS HS groups, e.g. Textiles and Clothing = HS 50–63) come
with the exporter's share. Every result names its source, release and level and carries
the source's caveats. Method and limits: ``docs/opportunities.md``.

:func:`opportunity_table` computes every exporter × market × product at once (whole-table
Ibis expressions); :func:`opportunities` is one exporter and one market;
:func:`top_opportunities` is what the brief shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from amity import countries as _countries
from amity._exceptions import InputError, MissingDataError
from amity.indicators.products import LEVELS, Plan, frames, plan, product_sources
from amity.opportunities._report import (
    ALL,
    COLUMNS,
    competitors_text,
    money,
    report,
    to_csv,
    to_dict,
    to_json,
)
from amity.opportunities._tables import pair_table
from amity.regions import PathLike, find_region
from amity.regions import members as region_members
from amity.store import Store, store_scope

__all__ = ["ALL", "COLUMNS", "LEVELS", "competitors_text", "money", "opportunities",
           "opportunity_table", "to_csv", "to_dict", "to_json", "top_opportunities"]

def _years_of(store: Store, p: Plan, a: str) -> list[int]:
    """Years in which the plan's tables hold exports of ``a``, latest first."""
    years: set[int] = set()
    for table, cls, col in (("trade_products", p.bilateral, "exporter"),
                            ("trade_country_products", p.totals, "iso3")):
        if cls is None:
            continue
        t = store.table(table, source=p.source, release=p.release)
        t = t.filter((t.classification == cls) & (t[col] == a))
        years |= set(t.select("year").distinct().to_pandas()["year"].astype(int))
    return sorted(years, reverse=True)


def _market(b: str, a: str, year: int,
            regions: PathLike | None) -> tuple[dict, list[str], list[str]]:
    """The market's description, its member markets in ``year`` and notes."""
    name = find_region(b, regions)
    if name is None:
        c = _countries.resolve(b)
        if c.iso3 == a:
            raise InputError(f"{b!r} is the exporter itself ({a}). Fix: name another market")
        return ({"name": c.name, "iso3": c.iso3, "region": False, "members": [c.iso3]},
                [c.iso3], [c.note] if c.note and str(b).strip().upper() != c.iso3 else [])
    inside = region_members(name, year, regions)
    notes = []
    if a in inside:
        notes.append(f"{a} is a member of {name} in {year}: its own market is left out")
        inside = [m for m in inside if m != a]
    if not inside:
        raise MissingDataError(f"{name} has no members (other than {a}) in {year}. Fix: pick "
                               "a year in which the region existed")
    return ({"name": name, "iso3": None, "region": True, "members": inside}, inside, notes)


def _dataset_caveats(store: Store, source: str, release: str) -> list[str]:
    found = store.release(source, release)
    return [f"{source}: {c}" for c in found.caveats] if found else []


def _run(store: Store, a: str | int, b: str, *, year: int | None, level: str | None,
         source: str | None, regions: PathLike | None) -> pd.DataFrame:
    if level is not None and level not in LEVELS:
        raise InputError(f"unknown level {level!r}. Fix: use one of {', '.join(LEVELS)}")
    exporter = _countries.resolve(a)
    tried = []
    for src, rel in ([store.catalog.resolve(source)] if source else product_sources(store)):
        try:
            p = plan(store, src, rel, level)
        except (InputError, MissingDataError):
            if source:
                raise
            tried.append(f"{src}/{rel} (no data at level {level})")
            continue
        years = _years_of(store, p, exporter.iso3)
        pick = year if year in years else (None if year is not None else
                                           (years[0] if years else None))
        if pick is not None:
            break
        tried.append(f"{src}/{rel} ({'no' if not years else 'other years:'} "
                     f"{exporter.iso3} exports{'' if not years else ' ' + _span(years)})")
    else:
        when = f" in {year}" if year is not None else ""
        raise MissingDataError(f"no product-level source in the store has exports of "
                               f"{exporter.iso3}{when}: tried {'; '.join(tried) or 'none'}. "
                               "Fix: run `amity setup` or pick another --year")
    market, inside, notes = _market(b, exporter.iso3, pick, regions)
    frame = report(store, p, exporter.iso3, inside, pick)
    computed = frame.attrs.pop("computed_caveats")
    frame.attrs.update(
        exporter={"iso3": exporter.iso3, "name": exporter.name}, market=market, year=pick,
        level=p.level, source=p.source, release=p.release,
        classification={"flows": p.bilateral, "totals": p.totals, "space": p.space},
        caveats=[*_dataset_caveats(store, p.source, p.release), *computed,
                 *notes,
                 *[n for n in [exporter.note] if n and str(a).strip().upper() != exporter.iso3]])
    return frame


def _span(years: list[int]) -> str:
    return f"{min(years)}-{max(years)}" if len(years) > 1 else str(years[0])


def opportunities(
    a: str | int,
    b: str,
    *,
    year: int | None = None,
    level: str | None = None,
    top: int | None = None,
    source: str | None = None,
    regions: PathLike | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Where exporter ``a`` can sell more in market ``b`` (a country or a region).

    Parameters
    ----------
    a
        The exporter, in any form :func:`amity.resolve` accepts.
    b
        The market: a country, or a region name (``"EAEU"``, ``"SCO"``, ``"EU"`` ...; see
        :mod:`amity.regions`), summed over its members in ``year``.
    year
        Default: the latest year the source holds exports of ``a``.
    level
        ``chapter``, ``hs4``, ``hs6`` or ``group``; default the source's own level of flows
        by partner (OTS communities, Comtrade chapters, BACI HS6).
    top
        Keep the ``top`` ranked products only (default: every product ``a`` exports).
    source
        ``"ots"``, ``"comtrade"``, ``"baci"`` (or ``source/release``); default the first of
        those in the store with exports of ``a`` that year.
    regions
        A user regions CSV (default ``$AMITY_REGIONS``), added to amity's.
    store
        An open store (default: the user's, read-only).

    Returns
    -------
    DataFrame
        One row per product: ``rank`` (products with rca ≥ 1 ranked by untapped value),
        the figures of :data:`COLUMNS`, ``competitors`` (top suppliers other than ``a``
        with their share of the market). ``attrs``: ``exporter``, ``market`` (with its
        ``members``), ``year``, ``level``, ``source``, ``release``, ``classification``,
        ``market_totals`` (records per product group and for all products) and
        ``caveats``.
    """
    with store_scope(store) as s:
        frame = _run(s, a, b, year=year, level=level, source=source, regions=regions)
    if top is not None:
        attrs = frame.attrs
        frame = frame[frame["rank"].notna()].head(top).reset_index(drop=True)
        frame.attrs = attrs
    return frame


def top_opportunities(store: Store, a: str | int, b: str, *, year: int | None = None,
                      top: int = 10) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The ``top`` ranked products and the market totals, for the brief.

    Returns
    -------
    (DataFrame, dict)
        The ranked rows (as :func:`opportunities`) and ``{"exporter", "market", "year",
        "level", "source", "release", "market_totals", "caveats", "ranked_by"}``. When
        no product has a known untapped value (the source does not cover a's sales to
        b), the products with rca ≥ 1 by expected sales, ``ranked_by`` "expected".
    """
    frame = opportunities(a, b, year=year, store=store)
    attrs = frame.attrs
    ranked = frame[frame["rank"].notna()].head(top)
    ranked_by = "untapped"
    if ranked.empty:
        ranked = frame[frame["rca"] >= 1].sort_values(
            ["expected_usd", "product"], ascending=[False, True]).head(top)
        ranked_by = "expected"
    ranked = ranked.reset_index(drop=True)
    ranked.attrs = attrs
    meta = to_dict(ranked)
    meta.pop("products")
    meta["ranked_by"] = ranked_by
    return ranked, meta


def opportunity_table(store: Store, *, source: str | None = None, level: str | None = None,
                      years: tuple[int, int] | None = None,
                      exporters: Sequence[str] | None = None,
                      markets: Sequence[str] | None = None,
                      min_rca: float | None = None) -> pd.DataFrame:
    """Every exporter × market × product (× year) at once, one whole-table query.

    Returns
    -------
    DataFrame
        ``year, a, b, product, exporter_exports_usd, rca, world_share,
        market_imports_usd, expected_usd, actual_usd, untapped_usd, exports_complete,
        imports_complete`` for each (a, b, k) with X_ak > 0, M_bk > 0 (and rca ≥
        ``min_rca``); ``attrs`` name the source, release and level.
    """
    src, rel = store.catalog.resolve(source) if source else product_sources(store)[0]
    p = plan(store, src, rel, level)
    expr = pair_table(frames(store, p, years), exporters=exporters, markets=markets,
                      min_rca=min_rca)
    # codes as categories: millions of rows repeat a few hundred country and product names
    frame = expr.to_pyarrow().to_pandas(strings_to_categorical=True)
    frame.attrs.update(source=src, release=rel, level=p.level)
    return frame
