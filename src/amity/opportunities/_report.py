"""One exporter in one market (a country or a region): products, market totals, caveats.

:func:`report` runs the whole-table expressions of :mod:`._tables` filtered to the
exporter and the market's members for one year, then sums over the members in pandas
(a region has at most a few dozen members). For a region B:
``demand_B = Σ_b M_bk``, ``expected_B = (X_ak/X_wk)·demand_B``, ``actual_B = Σ_b x_abk``
(NA if any member's flow is unknown) and ``untapped_B = Σ_b max(0, expected_b − actual_b)``:
market by market, so selling too much in one member does not hide room in another.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from amity._exceptions import MissingDataError
from amity.indicators.products import Frames, Plan, frames, group_of
from amity.opportunities._tables import exporter_stats, pair_table

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["ALL", "COLUMNS", "competitors_text", "money", "report", "to_csv", "to_dict",
           "to_json", "to_records"]

COLUMNS = ["rank", "product", "group", "exporter_exports_usd", "rca", "world_share",
           "market_imports_usd", "expected_usd", "actual_usd", "untapped_usd", "market_share",
           "competitors", "exports_complete", "imports_complete"]
_TOP_SUPPLIERS = 3
ALL = "All products"


def _suppliers(supp: pd.DataFrame, by: str, demand: pd.Series, a: str) -> dict[str, list]:
    """Top suppliers other than ``a`` per ``by`` value, with their share of the demand."""
    out: dict[str, list] = {}
    others = supp[supp["e"] != a].sort_values(["v", "e"], ascending=[False, True])
    for key, block in others.groupby(by, sort=False):
        total = demand.get(key)
        out[key] = [{"iso3": r.e, "sales_usd": float(r.v),
                     "share": float(r.v / total) if total else None}
                    for r in block.head(_TOP_SUPPLIERS).itertuples()]
    return out


def _sum_strict(values: pd.Series) -> float:
    """A sum that is NA when any term is NA (missing is not zero)."""
    return float(values.sum(skipna=False)) if len(values) else 0.0


def report(store: Store, p: Plan, a: str, members: list[str], year: int) -> pd.DataFrame:
    """Products of exporter ``a`` in the market ``members`` (one year), ranked.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, ranked rows first; ``attrs["market_totals"]`` (records, one per
        product group and one for all products) and ``attrs["computed_caveats"]``.
    """
    fr = frames(store, p, (year, year)).cached()
    try:
        return _report(fr, p, a, members, year)
    finally:
        fr.release()


def _report(fr: Frames, p: Plan, a: str, members: list[str], year: int) -> pd.DataFrame:
    rows = pair_table(fr, exporters=[a], markets=members).to_pandas()
    st = exporter_stats(fr)
    per_country = st.group_by("a").aggregate(ok=st.complete.all())
    world = per_country.aggregate(n=per_country.count(),
                                  n_complete=per_country.ok.cast("int64").sum()
                                  ).to_pandas().iloc[0]
    mine = st.filter((st.a == a) & (st.x > 0)).to_pandas()
    imp = fr.imports.filter(fr.imports.c.isin(members) & (fr.imports.m > 0)).to_pandas()
    fl = fr.flows.filter(fr.flows.i.isin(members))
    supp = fl.group_by(["e", "k"]).aggregate(v=fl.v.sum()).to_pandas()
    if mine.empty:
        raise MissingDataError(f"{p.source}/{p.release} has no exports of {a} in {year} at "
                               f"level {p.level}. Fix: try another --year or --source")
    if imp.empty:
        raise MissingDataError(f"{p.source}/{p.release} has no imports of {', '.join(members)} "
                               f"in {year} at level {p.level}. Fix: try another --year or "
                               "--source")
    demand = imp.groupby("k")["m"].sum()
    per = rows.groupby("product").agg(
        actual=("actual_usd", _sum_strict), untapped=("untapped_usd", _sum_strict))
    prod = pd.DataFrame({"product": mine["k"], "exporter_exports_usd": mine["x"],
                         "rca": mine["rca"], "world_share": mine["share"],
                         "exports_complete": mine["complete"].astype(bool)})
    prod["group"] = [group_of(k, p.space) for k in prod["product"]]
    prod["market_imports_usd"] = prod["product"].map(demand).fillna(0.0)
    prod["expected_usd"] = prod["world_share"] * prod["market_imports_usd"]
    no_flows = p.bilateral is None
    for col, src in (("actual_usd", "actual"), ("untapped_usd", "untapped")):
        prod[col] = prod["product"].map(per[src]) if len(per) else float("nan")
        if not no_flows:  # no demand in the market: nothing sold, nothing untapped
            prod.loc[prod["market_imports_usd"] == 0, col] = 0.0
    prod["market_share"] = prod["actual_usd"] / prod["market_imports_usd"].where(
        prod["market_imports_usd"] > 0)
    complete = imp.groupby("k")["complete"].all()
    prod["imports_complete"] = [bool(complete.get(k, True)) for k in prod["product"]]
    comp = _suppliers(supp, "k", demand, a)
    prod["competitors"] = [comp.get(k, []) for k in prod["product"]]

    key = "expected_usd" if no_flows else "untapped_usd"
    ranked = prod[(prod["rca"] >= 1) & prod[key].notna()].sort_values(
        [key, "product"], ascending=[False, True])
    rest = prod.drop(ranked.index).sort_values([key, "product"], ascending=[False, True],
                                               na_position="last")
    ranked = ranked.assign(rank=range(1, len(ranked) + 1))
    out = pd.concat([ranked, rest], ignore_index=True)
    out["rank"] = out["rank"].astype("Int64")
    out = out[COLUMNS]

    out.attrs["market_totals"] = _market_totals(p, a, imp, supp, prod, no_flows)
    out.attrs["computed_caveats"] = [f"actual sales: {fr.coverage.basis}",
                                     *_caveats(p, a, year, world, prod, imp, supp, no_flows, key)]
    return out


def _market_totals(p: Plan, a: str, imp: pd.DataFrame, supp: pd.DataFrame,
                   prod: pd.DataFrame, no_flows: bool) -> list[dict[str, Any]]:
    imp = imp.assign(g=[group_of(k, p.space) for k in imp["k"]])
    supp = supp.assign(g=[group_of(k, p.space) for k in supp["k"]])
    demand = imp.groupby("g")["m"].sum()
    by_group = prod.groupby("group")
    top = _suppliers(supp.groupby(["e", "g"], as_index=False)["v"].sum(), "g", demand, a)
    total_supp = supp.groupby("e", as_index=False)["v"].sum().assign(g=ALL)
    top[ALL] = _suppliers(total_supp, "g", pd.Series({ALL: demand.sum()}), a).get(ALL, [])
    records = []
    for g in [*demand.sort_values(ascending=False).index, ALL]:
        block = prod if g == ALL else (by_group.get_group(g) if g in by_group.groups
                                       else prod.iloc[0:0])
        m = float(demand.sum() if g == ALL else demand[g])
        s = None if no_flows else _sum_strict(block["actual_usd"])
        s = None if s is None or pd.isna(s) else s
        untapped = None if no_flows else _sum_strict(block["untapped_usd"])
        records.append({
            "group": g, "market_imports_usd": m, "exporter_sales_usd": s,
            "exporter_share": None if s is None or not m else s / m,
            "exporter_exports_usd": float(block["exporter_exports_usd"].sum()),
            "expected_usd": float(block["expected_usd"].sum()),
            "untapped_usd": None if untapped is None or pd.isna(untapped) else untapped,
            "top_suppliers": top.get(g, []),
        })
    return records


def _caveats(p: Plan, a: str, year: int, world: pd.Series, prod: pd.DataFrame,
             imp: pd.DataFrame, supp: pd.DataFrame, no_flows: bool, key: str) -> list[str]:
    notes = []
    if no_flows:
        notes.append(f"{p.source} has no flows by partner at level {p.level!r}: actual sales, "
                     "untapped potential and competitors are not available, and products "
                     "are ranked by expected sales (use the source's own level for them)")
    n, done = int(world["n"]), int(world["n_complete"])
    notes.append(f"world totals ({year}) are sums over the {n} exporters this source holds"
                 + ("" if done == n else f", {done} of them with complete product data")
                 + ("" if n >= 150 and done == n else ": RCA and world market shares are "
                    "relative to that coverage, not to the whole world"))
    if not prod["exports_complete"].all():
        notes.append(f"{a}'s world exports of some products are sums of the flows this "
                     "source holds (lower bounds)")
    unlisted = sorted(set(imp.loc[~imp["flows_complete"].astype(bool), "c"]))
    if unlisted and not no_flows:
        notes.append(f"competitors are ranked among the {supp['e'].nunique()} exporters whose "
                     f"flows into {', '.join(unlisted)} this source holds (of {n} exporters "
                     "with world totals): a larger supplier outside them is not seen; "
                     "shares are of the market's total imports")
    partial = sorted(set(imp.loc[~imp["complete"].astype(bool), "c"]))
    if partial:
        notes.append(f"imports of {', '.join(partial)} are sums of what their partners "
                     "report exporting to them (lower bounds), and so are demand and expected "
                     "sales")
    unknown = prod[key].isna().sum()
    if unknown and not no_flows:
        notes.append(f"{unknown} products have no known {a} sales to part of the market (the "
                     "source does not cover those flows): their untapped value is NA")
    return notes


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN → None)."""
    def clean(v: object) -> object:
        if isinstance(v, list):
            return v
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        return v.item() if hasattr(v, "item") else v

    return [{k: clean(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]


def to_dict(frame: pd.DataFrame) -> dict[str, Any]:
    """The stable JSON shape of an opportunities result (see docs/opportunities.md)."""
    meta = {k: frame.attrs.get(k) for k in ("exporter", "market", "year", "level", "source",
                                            "release", "classification")}
    return {**meta, "products": to_records(frame),
            "market_totals": frame.attrs.get("market_totals", []),
            "caveats": frame.attrs.get("caveats", []),
            "method": "docs/opportunities.md"}


def to_json(frame: pd.DataFrame) -> str:
    """:func:`to_dict` as indented JSON."""
    return json.dumps(to_dict(frame), indent=2, ensure_ascii=False)


def to_csv(frame: pd.DataFrame) -> str:
    """The products as CSV, competitors flattened to ``ISO3 share%; ...``."""
    flat = frame.assign(competitors=[competitors_text(c) for c in frame["competitors"]])
    return flat.to_csv(index=False)


def competitors_text(items: list[dict[str, Any]]) -> str:
    """``CHN 41.2%; TUR 8.0%``."""
    return "; ".join(f"{c['iso3']} {c['share']:.1%}" if c.get("share") is not None
                     else c["iso3"] for c in items)


def money(value: Any) -> str:
    """US dollars, short: ``$1.2B``, ``$35.5M``, ``$900K``, ``NA``.

    Examples
    --------
    >>> money(20779810000.0), money(177443635.0), money(950.0), money(None)
    ('$20.8B', '$177.4M', '$950', 'NA')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "NA"
    v = float(value)
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"${v / div:,.1f}{suffix}"
    return f"${v:,.0f}"
