"""The data behind a numeric claim: one year → value series per source and release.

Bilateral trade and UN vote agreement come from the indicator families of
:data:`amity.indicators.FAMILIES` — the computation ``amity.profile(a, b,
all_sources=True)`` runs, restricted to the families that provide the indicator a claim
needs. A country's (or a group's) totals come from ``trade_national``, product groups
from ``trade_country_products`` and ``trade_products`` (see
:data:`amity.claims.lexicon.PRODUCTS` for what each source calls a group).

Each trade source reports flows from one side, so sources are mirror statistics of
each other (:data:`BASIS`): COW takes each flow from the importer's report, DOTS and
Comtrade from the exporter's, OTS the larger of the two.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from amity import countries as _countries
from amity import regions
from amity._exceptions import AmityError, UnknownCountryError
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.lexicon import GROUPS, PRODUCTS
from amity.indicators import FAMILIES, Family

__all__ = ["BASIS", "Series", "name_of", "group_members", "prefetch", "series_for"]

#: How each trade source reports a flow (the side whose statistics it uses).
BASIS: dict[str, str] = {
    "cow_trade": "importer-reported",
    "dots": "exporter-reported (FOB)",
    "comtrade": "exporter-reported (FOB)",
    "ots": "max(exporter report, importer report / 1.08); OTS levels run 20-50% high",
    "wits": "top-5 partners only; exporter-reported, else importer's CIF",
    "wto": "reporter's own declaration",
    "baci": "reconciled mirror flows (sample)",
}
#: Region named for "X together with its neighbouring countries", when amity.regions
#: has it; other anchors use lexicon.GROUPS["neighbours"].
_NEIGHBOUR_REGION = {"RUS": "EAEU"}


@dataclass
class Series:
    """One source's values by year for the claimed quantity.

    ``bound``: ``same`` (the claimed measure), ``narrower`` (a part of it: a lower
    bound) or ``context`` (shown, not judged).
    """

    source: str
    release: str | None
    values: dict[int, float]
    what: str
    unit: str = "USD"
    bound: str = "same"
    note: str | None = None


def name_of(iso3: str) -> str:
    """The country's name, or the code itself when the crosswalk does not know it."""
    try:
        return _countries.resolve(iso3).name
    except UnknownCountryError:  # a code the crosswalk does not know is shown as is
        return iso3


@functools.cache
def group_members(anchor: str) -> tuple[tuple[str, ...], str]:
    """(members, label) for "``anchor`` together with its neighbouring countries".

    The same countries in every year: a market, not an institution's membership history
    (today's members of the region, from :mod:`amity.regions` when it has one).

    >>> group_members("RUS")
    (('ARM', 'BLR', 'KAZ', 'KGZ', 'RUS'), 'Russia + EAEU neighbours')
    """
    region = _NEIGHBOUR_REGION.get(anchor)
    if region is not None:
        try:
            members: list[str] = regions.members(region, datetime.date.today().year)
        except AmityError:  # the user's regions file lacks it: use the lexicon's table
            members = []
        if anchor in members:
            return tuple(members), f"{name_of(anchor)} + {region} neighbours"
    group = GROUPS["neighbours"].get(anchor, (anchor,))
    return tuple(sorted(group)), f"{name_of(anchor)} + neighbours ({', '.join(group[1:])})"


def prefetch(ctx: Context, claims: Iterable[Claim]) -> None:
    """Note every country the numeric claims name, so that each indicator family is
    computed once for all of them (one query per source and release, not per pair)."""
    wanted: set[str] = set()
    for c in claims:
        if c.kind in ("trade", "vote", "people", "trend") and c.partner and not c.not_a_fact:
            wanted.update(c.countries[:1] + c.partner[:1])
    ctx.cache["countries"] = frozenset(wanted)
    owners: set[str] = set()  # countries whose every partner a rank or balance reads
    for c in claims:
        if c.not_a_fact:
            continue
        if c.kind == "rank" and c.partner:
            owners.add(c.partner[0])
        elif (c.kind == "balance" or c.flow == "export_share") and c.countries:
            owners.add(c.countries[0])
    ctx.cache["owners"] = frozenset(owners)


def _family_frame(ctx: Context, fam: Family, release: str, a: str, b: str) -> pd.DataFrame:
    batch = ctx.cache.get("countries", frozenset())
    countries = batch if {a, b} <= batch else frozenset((a, b))
    key = ("family", fam.source, release, countries)
    if key not in ctx.cache:
        ctx.cache[key] = fam.compute(ctx.store, release, sorted(countries), None)
    return ctx.cache[key]


def _families(ctx: Context, indicator: str, a: str, b: str) -> list[Series]:
    out: list[Series] = []
    for fam in FAMILIES:
        if indicator not in fam.indicators:
            continue
        for release in ctx.releases(fam.source):
            frame = _family_frame(ctx, fam, release, a, b)
            rows = frame[(frame["a"] == a) & (frame["b"] == b)]
            values = {int(y): float(v) for y, v in zip(rows["year"], rows[indicator], strict=True)
                      if pd.notna(v)}
            same = next((s for s in out if s.source == fam.source and s.values == values), None)
            if same is not None:
                same.note = (same.note + "; " if same.note else "") + f"same in release {release}"
                continue
            out.append(Series(fam.source, release, values, "", note=BASIS.get(fam.source)))
    return out


def _by_year(frame: pd.DataFrame, members_of: dict[int, tuple[str, ...]] | None,
             members: tuple[str, ...]) -> dict[int, float]:
    """Sum ``value`` over the members, for the years every member has a value."""
    out = {}
    for year, rows in frame.groupby("year"):
        want = set(members_of.get(int(year), members) if members_of else members)
        have = set(rows["iso3"])
        if want and want <= have:
            out[int(year)] = float(rows.loc[rows["iso3"].isin(want), "value"].sum())
    return out


def _national(ctx: Context, claim: Claim, members: tuple[str, ...],
              members_of: dict[int, tuple[str, ...]] | None) -> list[Series]:
    store, flow = ctx.store, claim.flow
    out: list[Series] = []
    if claim.product is None:
        if not ctx.has("trade_national"):
            return out
        t = store.table("trade_national")
        t = t.filter(t.iso3.isin(list(members)))
        frame = t.to_pandas()
        col = {"exports": frame["exports_usd"], "imports": frame["imports_usd"]}.get(
            flow or "total", frame["exports_usd"] + frame["imports_usd"])
        frame = frame.assign(value=col).dropna(subset=["value"])
        for (src, rel), rows in frame.groupby(["source", "release"], sort=False):
            out.append(Series(src, rel, _by_year(rows, members_of, members), "",
                              note=BASIS.get(src)))
        return out
    product = next(p for p in PRODUCTS if p.key == claim.product)
    wanted = "import" if flow == "imports" else "export"
    if ctx.has("trade_country_products"):
        t = store.table("trade_country_products")
        t = t.filter(t.iso3.isin(list(members)), t.flow == wanted,
                     t.classification.isin([c for _, c in product.sources]))
        frame = t.to_pandas()
        for (src, cls), (codes, bound) in product.sources.items():
            rows = frame[(frame["source"] == src) & (frame["classification"] == cls)]
            rows = rows[rows["product"].astype(str).str[:2].isin(codes) if cls == "hs92"
                        else rows["product"].isin(codes)]
            if rows.empty:
                continue
            rows = rows.groupby(["release", "year", "iso3"], as_index=False)["value_usd"].sum()
            for rel, part in rows.groupby("release"):
                values = _by_year(part.rename(columns={"value_usd": "value"}), members_of,
                                  members)
                out.append(Series(src, rel, values, "", bound=bound,
                                  note=f"{cls}: {', '.join(codes[:4])}"
                                       f"{'...' if len(codes) > 4 else ''} ({bound} than the "
                                       f"claim)" if bound != "same" else f"{cls}: "
                                       f"{', '.join(codes[:3])}{'...' if len(codes) > 3 else ''}"))
    ots = ("ots", "ots_community")
    if ots in product.sources and ctx.has("trade_products"):
        # OTS bilateral flows summed over partners fill the years the country files lack
        codes, bound = product.sources[ots]
        t = store.table("trade_products", source="ots")
        side = t.importer if wanted == "import" else t.exporter
        t = t.filter(side.isin(list(members)), t.classification == "ots_community",
                     t.product.isin(list(codes)))
        t = t.group_by(["release", "year", side.name("iso3")]).aggregate(value=t.value_usd.sum())
        frame = t.to_pandas()
        for rel, part in frame.groupby("release"):
            values = _by_year(part, members_of, members)
            base = next((s for s in out if s.source == "ots" and s.release == rel), None)
            if base is None:
                out.append(Series("ots", rel, values, "", bound=bound,
                                  note="OTS flows summed over partners"))
            else:
                base.values = {**values, **base.values}
                base.note = (base.note or "") + "; other years: OTS flows summed over partners"
    return out


def _bilateral_products(ctx: Context, claim: Claim, a: str, b: str) -> list[Series]:
    """Product trade a → b (or both ways for a total) from ``trade_products``."""
    if not ctx.has("trade_products"):
        return []
    product = next(p for p in PRODUCTS if p.key == claim.product)
    t = ctx.store.table("trade_products")
    t = t.filter(((t.exporter == a) & (t.importer == b)) | ((t.exporter == b) & (t.importer == a)),
                 t.classification.isin([c for _, c in product.sources]))
    frame = t.to_pandas()
    out = []
    for (src, cls), (codes, bound) in product.sources.items():
        rows = frame[(frame["source"] == src) & (frame["classification"] == cls)]
        rows = rows[rows["product"].astype(str).str[:2].isin(codes) if cls == "hs92"
                    else rows["product"].isin(codes)]
        for rel, part in rows.groupby("release"):
            ab = part[part["exporter"] == a].groupby("year")["value_usd"].sum()
            ba = part[part["exporter"] == b].groupby("year")["value_usd"].sum()
            if claim.flow == "total":
                years = sorted(set(ab.index) & set(ba.index))
                values = {int(y): float(ab[y] + ba[y]) for y in years}
            else:
                values = {int(y): float(v) for y, v in ab.items()}
            out.append(Series(src, rel, values, "", bound=bound, note=BASIS.get(src)))
    return out


def _label(isos: Iterable[str]) -> str:
    return " + ".join(name_of(c) for c in isos)


def series_for(ctx: Context, claim: Claim) -> tuple[list[Series], str]:
    """Every source's series for a numeric claim, and the query in words (cached: the
    same question asked twice in a text is answered once)."""
    key = ("series", claim.kind, claim.flow, claim.product, claim.group, claim.measure,
           claim.countries[:1], claim.partner[:1])
    if key not in ctx.cache:
        ctx.cache[key] = _series_for(ctx, claim)
    series, query = ctx.cache[key]
    return [replace(s, values=dict(s.values)) for s in series], query


def _series_for(ctx: Context, claim: Claim) -> tuple[list[Series], str]:
    a = claim.countries[0] if claim.countries else None
    b = claim.partner[0] if claim.partner else None
    product = next((p for p in PRODUCTS if p.key == claim.product), None)
    what_product = f"{product.label} " if product else "goods "
    if claim.kind == "vote":
        if not (a and b):
            return [], "UN vote agreement of two countries (not both named)"
        series = _families(ctx, "un_agreement", a, b)
        for s in series:
            s.unit, s.what = "share", f"{a}-{b} UN vote agreement"
        return series, (f"Share of UN General Assembly roll calls on which {name_of(a)} and "
                        f"{name_of(b)} voted the same way (un_agreement), every UN votes release")
    if claim.kind == "people":
        if not (a and b and claim.measure):
            return [], "people of one country in another (not both named)"
        series = _families(ctx, claim.measure, a, b)
        noun = "students" if claim.measure.startswith("students") else "migrants"
        for s in series:
            s.unit, s.what = "count", f"{noun} from {a} in {b}"
        return series, (f"{noun.capitalize()} from {name_of(a)} in {name_of(b)} "
                        f"({claim.measure}), every source")
    if a is None:
        return [], "a trade value whose countries the text does not name"
    if b is None:  # a country's (or a group's) own trade
        members: tuple[str, ...] = (a,)
        label = name_of(a)
        members_of = None
        if claim.group == "neighbours":
            members, label = group_members(a)
        flow = {"exports": "exports", "imports": "imports"}.get(claim.flow or "", "trade")
        series = _national(ctx, claim, members, members_of)
        for s in series:
            s.what = f"{label}: {what_product}{flow}"
        query = (f"{label}: {what_product}{flow} with the world, current US$, from every "
                 "source in the store" + (f" ({', '.join(members)})" if len(members) > 1
                                          else ""))
        if claim.group == "neighbours" and a in GROUPS["neighbours"]:
            for name, isos in GROUPS["readings"].items():
                if not name.startswith(a) or set(isos) == set(members):
                    continue
                extra = _national(ctx, claim, tuple(isos), None)
                for s in extra:
                    s.bound, s.what = "context", f"other reading, {name}: {what_product}{flow}"
                series += extra
        return series, query
    if claim.product is not None:
        series = _bilateral_products(ctx, claim, a, b)
        flow = "both ways" if claim.flow == "total" else f"{a}→{b}"
        for s in series:
            s.what = f"{what_product}trade {flow}"
        return series, (f"Trade in {what_product}between {name_of(a)} and {name_of(b)} ({flow}), "
                        "current US$, from every source with bilateral product data")
    if claim.flow == "growth":
        measure = claim.measure or ""
        if measure.startswith(("exports", "imports")):
            ex, im = (a, b) if measure.startswith("exports") else (b, a)
            series = _families(ctx, "trade_a_to_b_usd", ex, im)
            what = f"{name_of(ex)}'s goods exports to {name_of(im)}"
        else:
            series = _families(ctx, "trade_total_usd", a, b)
            what = f"total goods trade between {name_of(a)} and {name_of(b)}"
        for s in series:
            s.values = {y: (v / s.values[y - 1] - 1) * 100 for y, v in s.values.items()
                        if s.values.get(y - 1)}
            s.unit, s.what, s.bound = "percent", f"{what}, change on the year before", "growth"
        return series, (f"Change in {what} on the year before, %, every trade source")
    if claim.flow == "share":
        series = _families(ctx, "trade_share_a", a, b)
        for s in series:
            s.unit, s.what = "share", f"{a}-{b} trade as a share of {a}'s trade"
        series += _share_with_wto(ctx, a, b, series)
        return series, (f"Trade with {name_of(b)} as a share of {name_of(a)}'s total trade, "
                        "every trade source")
    if claim.flow == "total":
        series = _families(ctx, "trade_total_usd", a, b)
        for s in series:
            s.what = f"{a}-{b} total trade"
        return series, (f"Total goods trade between {name_of(a)} and {name_of(b)} (both "
                        "directions), current US$, from every trade source in the store")
    exporter, importer = (a, b) if claim.flow == "exports" else (b, a)
    series = _families(ctx, "trade_a_to_b_usd", exporter, importer)
    for s in series:
        s.what = f"{exporter}→{importer} goods exports"
    return series, (f"{name_of(exporter)}'s goods exports to {name_of(importer)}, current US$, "
                    "every trade source (each reports from the exporter's or the importer's "
                    "side)")


def _share_with_wto(ctx: Context, a: str, b: str, have: list[Series]) -> list[Series]:
    """``a``'s trade with ``b`` over its total trade, for the years no family covers:
    bilateral totals (exporter-reported) over WTO's national totals (exports + imports)."""
    if not ctx.has("trade_national"):
        return []
    t = ctx.store.table("trade_national")
    nat = t.filter(t.iso3 == a, t.source == "wto").to_pandas().dropna(
        subset=["exports_usd", "imports_usd"])
    totals = {int(y): float(e + i) for y, e, i in zip(nat["year"], nat["exports_usd"],
                                                       nat["imports_usd"], strict=True)}
    covered = {y for s in have for y in s.values}
    out = []
    for s in _families(ctx, "trade_total_usd", a, b):
        if s.source not in ("comtrade_totals", "dots"):
            continue
        values = {y: v / totals[y] for y, v in s.values.items()
                  if y in totals and y not in covered}
        if values:
            out.append(Series(f"{s.source}+wto", s.release, values,
                              f"{a}-{b} trade ({s.source}) over {a}'s total trade (WTO)",
                              unit="share", note="bilateral flows as each exporter reports "
                              "them, over the reporter's own totals"))
    return out
