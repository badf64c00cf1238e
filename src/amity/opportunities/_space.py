"""Product levels, how a source's classifications map to them, and what each source covers.

A *level* is what the user asks for (``chapter``, ``hs4``, ``hs6``, ``group``); a
*space* is the set of product keys the computation runs on: ``hs2``/``hs4``/``hs6``
(HS codes cut to 2, 4 or 6 digits), ``hs_group`` (the WITS HS-based product groups, from
the chapter) or a source's own groups (``ots_community``). A classification in the store
supports the spaces it can be mapped to exactly: an HS classification of d digits
supports ``hs_group`` and every ``hsN`` with N ≤ d; a source's own groups support only
themselves.

:class:`Coverage` says, per source, which flows are *known* when absent from
``trade_products`` (absent then means 0) and which are unknown (NA): see
``docs/opportunities.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ibis

from amity._exceptions import InputError, MissingDataError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.store import Store

__all__ = ["HS_GROUPS", "LEVELS", "Coverage", "Plan", "coverage", "group_of", "plan"]

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
    """Which absent flows of a source are zeros, and what its flow values are.

    A flow a→b of product k absent from ``trade_products`` is 0 when a's exports of k are
    complete, or b's imports of k are, or the pair has rows for other products (the
    publisher lists every product a pair traded); otherwise it is unknown (NA).
    """

    reporters: frozenset[str] = frozenset()
    listed_exporters_complete: bool = False
    importers_complete: bool = False
    all_pairs: dict[str, tuple[int, int]] = field(default_factory=dict)
    basis: str = "the source's value of the flow"


def _ots_reporters() -> frozenset[str]:
    import pandas as pd

    from amity import countries
    from amity.sources._trade import registry

    codes = [m.group(1) for f in registry("ots")
             if (m := re.fullmatch(r"ots/country/([a-z]{3})\.csv\.gz", f.path))]
    return frozenset(countries.iso3_from(pd.Series(codes), "iso3").dropna())


def coverage(source: str, release: str) -> Coverage:
    """The :class:`Coverage` of a source's product flows.

    Examples
    --------
    >>> c = coverage("ots", "api-v1-2020")
    >>> len(c.reporters), "PAK" in c.reporters, c.all_pairs
    (29, True, {'Textiles': (1995, 2018)})
    >>> coverage("baci", "hs92-v202301-sample").importers_complete
    False
    """
    if source == "ots":
        return Coverage(
            reporters=_ots_reporters(), all_pairs={"Textiles": (1995, 2018)},
            basis="OTS corrected flow, the larger of the exporter's report and the "
            "importer's report / 1.08: exporter- and importer-reported values coincide by "
            "construction, so there is no separate mirror flow to compare")
    if source == "comtrade":
        return Coverage(basis="exports as the exporter reports them (FOB); the importer's "
                        "reported imports (mirror flow) are not in this release")
    if source == "baci":
        return Coverage(listed_exporters_complete=True,
                        importers_complete="sample" not in release,
                        basis="CEPII's reconciled flow (FOB), one value built from both "
                        "partners' reports: there is no separate mirror flow")
    return Coverage()


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
