"""The product space shared by the trade indices and trade opportunities.

A *level* is what the user asks for (``chapter``, ``hs4``, ``hs6``, ``group``); a
*space* is the set of product keys the computation runs on: ``hs2``/``hs4``/``hs6``
(HS codes cut to 2, 4 or 6 digits), ``hs_group`` (the WITS HS-based product groups, from
the chapter) or a source's own groups (``ots_community``). A classification in the store
supports the spaces it can be mapped to exactly: an HS classification of d digits
supports ``hs_group`` and every ``hsN`` with N ≤ d; a source's own groups support only
themselves. :func:`plan` resolves a level for one source and release.

:class:`Coverage` says which flows of a source are *known* when absent from
``trade_products`` (absent then means 0) and which are unknown (NA): what the source's
parser recorded in the release's ``scope`` (see ``docs/opportunities.md``).

For one plan and all years (or a range), :func:`frames` turns the store's product tables
into whole-table Ibis expressions in the plan's product space:

``flows``    year, e, i, k, v — flows by partner (``trade_products``), summed to the level;
``exports``  year, c, k, x, complete, country_complete, flows_complete — a country's
             exports of k to the world;
``imports``  year, c, k, m, complete, country_complete, flows_complete — its imports of k
             from the world.

A country's world total of k is the larger of the publisher's total
(``trade_country_products``) and the sum of its flows by partner: both are lower bounds of
the truth, so the larger is the better one (OTS's Kyrgyzstan 2018 textile imports are
447M in its own total and 3,877M summed over its suppliers). ``complete`` says the value
covers all partners (a publisher's total, a reporter whose file lists every partner, a
product whose flows the source holds for all pairs); an incomplete value is the sum of
the flows the source holds: a lower bound. ``country_complete`` says that holds for every
product of the country (not only for products the source covers for all pairs).
``flows_complete`` says the source lists the country's flow with every partner for k, so
that an unlisted partner's flow is 0 (a world total alone does not say that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from amity._exceptions import InputError, MissingDataError

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["HS_GROUPS", "LEVELS", "PRIORITY", "Coverage", "Frames", "Plan", "coverage",
           "frames", "group_of", "plan", "product_sources"]

#: Product-level sources in the order amity prefers them when none is named.
PRIORITY = ("ots", "comtrade", "baci")

LEVELS = ("chapter", "hs4", "hs6", "group")
_DIGITS = {"chapter": 2, "hs4": 4, "hs6": 6}

#: The WITS HS-based product groups: (first chapter, last chapter, name as WITS writes it).
HS_GROUPS = (
    (1, 5, "Animal"), (6, 15, "Vegetable"), (16, 24, "Food Products"), (25, 26, "Minerals"),
    (27, 27, "Fuels"), (28, 38, "Chemicals"), (39, 40, "Plastic or Rubber"),
    (41, 43, "Hides and Skins"), (44, 49, "Wood"), (50, 63, "Textiles and Clothing"),
    (64, 67, "Footwear"), (68, 71, "Stone and Glass"), (72, 83, "Metals"),
    (84, 85, "Mach and Elec"), (86, 89, "Transportation"), (90, 99, "Miscellaneous"),
)
_GROUP_LABEL = {name: f"{name} (HS {lo:02d}-{hi:02d})" for lo, hi, name in HS_GROUPS}


def group_of(product: str, space: str) -> str:
    """The product group a product belongs to, for the market totals.

    Examples
    --------
    >>> group_of("6109", "hs4"), group_of("Textiles", "ots_community")
    ('Textiles and Clothing (HS 50-63)', 'Textiles')
    >>> group_of("Fuels", "hs_group")
    'Fuels (HS 27-27)'
    """
    if space == "hs_group":
        return _GROUP_LABEL.get(product, product)
    if re.fullmatch(r"hs[246]", space):
        chapter = int(product[:2]) if product[:2].isdigit() else -1
        for lo, hi, name in HS_GROUPS:
            if lo <= chapter <= hi:
                return _GROUP_LABEL[name]
        return "Unspecified"
    return product


@dataclass(frozen=True)
class Coverage:
    """Which absent flows of a source are zeros, and what its flow values are (from the
    ``product_flows`` entry of the release's scope, recorded by its parser).

    A flow a→b of product k absent from ``trade_products`` is 0 when the source lists all
    of a's partners for k (a is a reporter, k is held for all pairs, or the source lists
    every exporter's partners), or all of b's, or the pair has rows for other products
    (the publisher lists every product a pair traded); otherwise it is unknown (NA). A
    world total of a's exports does not make an unlisted flow 0: it does not say which
    partners the part missing from the flows went to.
    """

    reporters: frozenset[str] = frozenset()
    listed_exporters_complete: bool = False
    importers_complete: bool = False
    all_pairs: dict[str, tuple[int, int]] = field(default_factory=dict)
    basis: str = "the source's value of the flow"


def coverage(store: Store, source: str, release: str) -> Coverage:
    """The :class:`Coverage` of a source's product flows, as its parser recorded it.

    Examples
    --------
    >>> Coverage().reporters, Coverage().importers_complete
    (frozenset(), False)
    """
    found = store.release(source, release)
    scope = dict(found.scope.get("product_flows", {})) if found else {}
    return Coverage(
        reporters=frozenset(scope.get("reporters", ())),
        listed_exporters_complete=bool(scope.get("listed_exporters_complete", False)),
        importers_complete=bool(scope.get("importers_complete", False)),
        all_pairs={k: (int(v[0]), int(v[1])) for k, v in scope.get("all_pairs", {}).items()},
        basis=scope.get("basis", Coverage.basis))


def product_sources(store: Store) -> list[tuple[str, str]]:
    """(source, default release) of every product-level source in the store, in
    :data:`PRIORITY` order (others after, by name).

    Raises
    ------
    MissingDataError
        The store has no product-level trade data.
    """
    if not store.has("trade_products"):
        raise MissingDataError("the store has no product-level trade data. Fix: run `amity "
                               "setup --source ots` (or comtrade, baci)")
    t = store.table("trade_products")
    have = set(t.select("source").distinct().to_pandas()["source"])
    ordered = [s for s in PRIORITY if s in have] + sorted(have - set(PRIORITY))
    return [store.catalog.resolve(s) for s in ordered]


@dataclass(frozen=True)
class Plan:
    """How one (source, release, level) maps to the store's tables.

    ``bilateral``/``totals`` are the classifications read from ``trade_products`` and
    ``trade_country_products`` (None: that table has nothing at this level);
    ``*_digits`` their HS digits (None for a source's own groups).
    """

    source: str
    release: str
    level: str
    space: str
    bilateral: str | None
    bilateral_digits: int | None
    totals: str | None
    totals_digits: int | None

    def same(self, digits: int | None) -> bool:
        """Whether codes of a classification with ``digits`` are already this space's keys."""
        return self.space in ("hs2", "hs4", "hs6") and digits == int(self.space[2]) or (
            digits is None and self.space == self.bilateral)

    def key(self, product: ir.StringValue, digits: int | None) -> ir.StringValue:
        """The product key in this plan's space, from a classification's product code."""
        if self.space == "hs_group":
            chapter = product.substr(0, 2).cast("int64")
            return ibis.cases(*((chapter.between(lo, hi), name) for lo, hi, name in HS_GROUPS),
                              else_="Unspecified")
        if self.space in ("hs2", "hs4", "hs6") and digits != int(self.space[2]):
            return product.substr(0, int(self.space[2]))
        return product

    def describe(self) -> str:
        """The level in words, e.g. ``group (ots_community)``."""
        parts = [f"{name} {cls}" for name, cls in (("flows:", self.bilateral),
                                                    ("totals:", self.totals)) if cls]
        return f"{self.level} [{self.space}; {', '.join(parts)}]"


def _inventory(store: Store, table: str, source: str, release: str) -> dict[str, int | None]:
    """Classification → HS digits (None for non-HS) of a source's rows in ``table``."""
    if not store.has(table):
        return {}
    t = store.table(table, source=source, release=release)
    inv = t.group_by("classification").aggregate(
        lo=t["product"].length().min(), hi=t["product"].length().max()).to_pandas()
    # an HS classification is named hs... and has codes of one length (hs07_4: "6109")
    return {r.classification: int(r.hi) if r.classification.startswith("hs") and r.lo == r.hi
            and int(r.hi) in (2, 4, 6) else None for r in inv.itertuples()}


def _supports(cls: str, digits: int | None, space: str) -> bool:
    if digits is None:
        return space == cls
    return space == "hs_group" or (space in ("hs2", "hs4", "hs6") and int(space[2]) <= digits)


def _pick(inv: dict[str, int | None], space: str, prefer: str | None) -> str | None:
    fits = [c for c, d in inv.items() if _supports(c, d, space)]
    fits.sort(key=lambda c: (c != prefer, inv[c] or 0, c))
    return fits[0] if fits else None


def _native(cls: str, digits: int | None) -> str:
    if digits is None:
        return "group"
    return {2: "chapter", 4: "hs4"}.get(digits, "hs6")


def plan(store: Store, source: str, release: str, level: str | None = None) -> Plan:
    """Resolve ``level`` (default: the source's own level of flows by partner) for a source.

    Raises
    ------
    MissingDataError
        The source has no product flows by partner in the store.
    InputError
        The level is unknown, or the source has no data at that level.
    """
    if level is not None and level not in LEVELS:
        raise InputError(f"unknown level {level!r}. Fix: use one of {', '.join(LEVELS)}")
    bil = _inventory(store, "trade_products", source, release)
    if not bil:
        raise MissingDataError(f"{source}/{release} has no product flows by partner "
                               "(trade_products). Fix: use a product-level source (ots, "
                               "comtrade, baci; see `amity sources`)")
    tot = _inventory(store, "trade_country_products", source, release)
    first = min(bil, key=lambda c: (bil[c] is not None, c))  # own groups first
    own = next((c for c, d in bil.items() if d is None), None)

    def space_of(lv: str) -> str:
        return f"hs{_DIGITS[lv]}" if lv in _DIGITS else (own or "hs_group")

    level = level or _native(first, bil[first])
    space = space_of(level)
    bilateral = _pick(bil, space, None)
    totals = _pick(tot, space, bilateral)
    if bilateral is None and totals is None:
        have = [lv for lv in LEVELS if _pick(bil, space_of(lv), None) or
                _pick(tot, space_of(lv), None)]
        raise InputError(f"{source}/{release} has no data at level {level!r}. Fix: use "
                         f"--level {' or '.join(have)}")
    return Plan(source, release, level, space, bilateral,
                bil.get(bilateral) if bilateral else None, totals,
                tot.get(totals) if totals else None)


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
    cov = coverage(store, p.source, p.release)
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
        # every partner's flow is listed (so an unlisted one is 0): a reporter's own
        # files, a product held for all pairs, or a source that lists them all; a world
        # total alone does not say which partners the missing part went to
        listed_flows = _in(j.c, cov.reporters) | _all_pairs(cov, p, j.year, j.k)
        if flow == "export" and cov.listed_exporters_complete:
            listed_flows = listed_flows | j.s.notnull()
        if flow == "import" and cov.importers_complete:
            listed_flows = ibis.literal(True)
        value = ibis.greatest(j.s.fill_null(0.0), j.t.fill_null(0.0))
        side[name] = j.select(year=j.year, c=j.c, k=j.k, **{name: value},
                              complete=complete.fill_null(False),
                              country_complete=whole.fill_null(False),
                              flows_complete=listed_flows.fill_null(False))
    return side["x"], side["m"]
