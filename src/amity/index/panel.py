"""The dyad-year panel and the materialised index, for all pairs and years.

:func:`build` computes every indicator family from its default source for all directed
pairs (the whole-table functions of :mod:`amity.indicators`), joins them on
``a, b, year`` into the wide ``panel`` table, and scores it (:mod:`amity.index.score`,
:mod:`amity.index.sql`) into ``index_scores``, with trends and breaks of the composite
and each dimension. Both are stored, so that a profile, a rank or a brief reads one
pair's rows instead of recomputing the world. :func:`amity.index.refresh.setup`
(``amity setup``) ingests and rebuilds them when a release changed; the catalogue row
``amity_index/panel`` records which releases they were built from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

import ibis
import pandas as pd

from amity._exceptions import MissingDataError
from amity.index.score import BASIS_SHARE, MIN_BASIS_DIMS, dynamics, index_indicators, score
from amity.index.sql import index_sql
from amity.indicators import (
    DIMENSIONS,
    FAMILIES,
    INDICATORS,
    Family,
    carry_forward,
    carry_of,
    default_slices,
    pairs,
    state_years,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.store import Store

__all__ = ["CORE", "FINGERPRINT", "FIRST_YEAR", "MIN_COMPOSITES", "YearBasis", "build",
           "build_index",
           "default_year_of", "index_series", "is_current", "panel_columns",
           "year_basis"]

#: The panel and index start with the UN era.
FIRST_YEAR = 1946
_KEYS = ["a", "b", "year"]
_METHODS = ("auto", "sql", "ibis")
#: Changes when the families or the index method change, so `amity setup` rebuilds.
FINGERPRINT = "index-3:" + hashlib.sha1(repr(
    [(f.source, f.indicators) for f in FAMILIES]
    + [(i.name, i.in_index, i.carry, i.support, i.fallback_for) for i in INDICATORS.values()]
    + [BASIS_SHARE, MIN_BASIS_DIMS]).encode()
).hexdigest()[:12]


def is_current(store: Store) -> bool:
    """Whether the stored panel and index match the stored datasets and this amity."""
    return store.derived_is_current("amity_index", "panel", FINGERPRINT)


def panel_columns(family: Family) -> list[str]:
    """The family's indicators that go into the panel (numbers and flags, not lists)."""
    return [n for n in family.indicators if not INDICATORS[n].text]


def _panel_expr(store: Store, years: tuple[int, int],
                on_step: Callable[[str], None] | None) -> tuple[ir.Table, dict[str, list[str]]]:
    groups: dict[tuple[str, ...], list[ir.Table]] = {}
    provenance: dict[str, list[str]] = {}
    for i, sl in enumerate(default_slices(store, years, carry=True)):
        cols = panel_columns(sl.family)
        if on_step:
            on_step(f"computing {', '.join(cols)} ({sl.family.source} {sl.release}, "
                    f"{sl.computed[0]}-{sl.computed[1]})")
        try:
            frame = sl.family.compute(store, sl.release, None, sl.computed)[_KEYS + cols]
        except MissingDataError as exc:  # e.g. a release without product flows
            if on_step:
                on_step(f"  skipped: {exc}")
            continue
        if frame.empty:
            continue
        frame = frame.astype({"a": str, "b": str, "year": "int64"})
        for col in cols:  # flags become 0/1 with NA; every indicator a float
            frame[col] = pd.to_numeric(frame[col].astype("float64"), errors="raise")
        ages = {c: a for c, a in carry_of(sl.family).items() if c in cols}
        if ages:  # slow-moving stocks: carried forward, with the year they are as of
            frame = carry_forward(frame, ages, sl.years)
        name = f"_panel_part_{i}"
        store.ibis.create_table(name, frame, temp=True, overwrite=True)
        groups.setdefault(tuple(frame.columns[3:]), []).append(store.ibis.table(name))
        for col in cols:
            carried = (f" (carried to {sl.years[1]})" if col in ages
                       and sl.years[1] > sl.computed[1] else "")
            provenance.setdefault(col, []).append(
                f"{sl.family.source}/{sl.release} {sl.computed[0]}-{sl.computed[1]}{carried}")
    if not groups:
        raise MissingDataError("no indicator source is ingested. Fix: run `amity setup`")
    parts = [ibis.union(*tables) if len(tables) > 1 else tables[0] for tables in groups.values()]
    panel = ibis.union(*[p.select(*_KEYS) for p in parts], distinct=True)
    for part in parts:
        renamed = part.rename(**{f"_k_{k}": k for k in _KEYS})
        panel = panel.left_join(renamed, [panel[k] == renamed[f"_k_{k}"] for k in _KEYS])
        panel = panel.drop(*[f"_k_{k}" for k in _KEYS])
    sy = state_years(store, years[0], years[1])
    if sy is not None:  # which rows are pairs of states in the international system
        system = pairs(sy).mutate(_s=ibis.literal(1.0)).rename(
            _k_a="a", _k_b="b", _k_year="year")
        panel = panel.left_join(system, [panel.a == system._k_a, panel.b == system._k_b,
                                         panel.year == system._k_year])
        panel = panel.drop("_k_a", "_k_b", "_k_year").rename(system_pair="_s")
    return panel, provenance


def index_series(columns: list[str]) -> list[str]:
    """The series that get trends and breaks: the composite and each dimension score."""
    return ["composite"] + [f"score_{d}" for d in DIMENSIONS if f"score_{d}" in columns]


def build_index(store: Store, *, method: str = "auto") -> int:
    """Score the stored ``panel`` into ``index_scores``; returns its row count.

    ``method``: ``"sql"`` (one SQL statement generated from the catalogue,
    :func:`amity.index.index_sql`: the fast path on DuckDB), ``"ibis"`` (the portable
    queries :func:`amity.index.score` and :func:`amity.index.dynamics`: any backend) or
    ``"auto"`` (sql on DuckDB, ibis elsewhere). Both give the same table (tested).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from amity.store import Store
    >>> with Store(tempfile.mkdtemp() + "/s.duckdb") as store:
    ...     store.write_frame("panel", pd.DataFrame({
    ...         "a": ["PAK", "RUS"], "b": ["RUS", "PAK"], "year": [2000, 2000],
    ...         "un_agreement": [0.4, 0.8], "un_common_votes": [50, 50]}))
    ...     build_index(store)
    ...     store.execute("SELECT a, p_un_agreement, composite FROM index_scores ORDER BY a")
    2
         a  p_un_agreement  composite
    0  PAK             0.0        0.0
    1  RUS           100.0      100.0
    """
    if method not in _METHODS:
        raise ValueError(f"method must be 'auto', 'sql' or 'ibis', not {method!r}")
    if method == "auto":
        method = "sql" if store.ibis.name == "duckdb" else "ibis"
    panel = store.ibis.table("panel")
    names = index_indicators(panel.columns)
    table = "panel"
    if "system_pair" in panel.columns:  # the index compares pairs of states only
        panel = panel.filter(panel.system_pair == 1.0)
        if method == "sql":
            store.con.execute('CREATE OR REPLACE TEMP VIEW "_index_input" AS '
                              'SELECT * FROM "panel" WHERE system_pair = 1.0')
            table = "_index_input"
    if method == "sql":
        expr = store.ibis.sql(index_sql(table, panel.columns, names), dialect="duckdb")
    else:
        scored = score(panel, names)
        expr = dynamics(scored, index_series(scored.columns))
    store.replace_table("index_scores", expr)
    return int(store.ibis.table("index_scores").count().execute())


def build(store: Store, *, years: tuple[int, int] | None = None, method: str = "auto",
          on_step: Callable[[str], None] | None = None) -> dict[str, int]:
    """Compute and store ``panel`` and ``index_scores``; returns their row counts.

    ``method`` is :func:`build_index`'s: ``"sql"`` (the fast path on DuckDB), ``"ibis"``
    (portable: runs on any backend) or ``"auto"`` (sql on DuckDB).
    """
    if method not in _METHODS:
        raise ValueError(f"method must be 'auto', 'sql' or 'ibis', not {method!r}")
    ds = store.datasets()
    last = int(ds["coverage_end"].max()) if len(ds) and ds["coverage_end"].notna().any() else 2024
    years = years or (FIRST_YEAR, last)
    panel, provenance = _panel_expr(store, years, on_step)
    if on_step:
        on_step("writing the panel")
    store.replace_table("panel", panel.order_by(_KEYS))
    if on_step:
        on_step("scoring every pair and year against all pairs")
    counts = {"panel": int(store.ibis.table("panel").count().execute()),
              "index_scores": build_index(store, method=method)}
    basis = year_basis(store)
    store.record_derived("amity_index", "panel", years, counts,
                         {"provenance": dict(sorted(provenance.items())), "basis": basis,
                          "default_year": default_year_of(basis)}, FINGERPRINT)
    return counts


#: The dimensions a year's basis must include for the year to be the default year.
CORE = ("political", "economic", "military", "people", "multilateral")
#: ... and the share of the year's scored pairs that must have a composite.
MIN_COMPOSITES = 0.5


class YearBasis(TypedDict):
    """One year of the index: its basis dimensions, scored pairs and composites."""

    dimensions: list[str]
    scored: int
    composites: int


def year_basis(store: Store) -> dict[str, YearBasis]:
    """Per year of the index: its basis (the dimensions half or more of its scored pairs
    have), the scored pairs and the pairs with a composite."""
    t = store.ibis.table("index_scores")
    per = t.group_by("year").aggregate(basis=t.basis.max(), scored=t.count(),
                                       composites=t.composite.count()).to_pandas()
    return {str(int(r.year)): YearBasis(
        dimensions=[d for d in str(r.basis or "").split(", ") if d], scored=int(r.scored),
        composites=int(r.composites)) for r in per.sort_values("year").itertuples()}


def default_year_of(basis: dict[str, YearBasis]) -> int | None:
    """The latest year whose basis has every :data:`CORE` dimension and in which at least
    :data:`MIN_COMPOSITES` of the scored pairs have a composite (None: no such year).

    Examples
    --------
    >>> full = {"dimensions": list(CORE), "scored": 10, "composites": 8}
    >>> default_year_of({"2018": full, "2019": full, "2020": {**full, "composites": 2}})
    2019
    """
    good = [int(y) for y, b in basis.items()
            if set(CORE) <= set(b["dimensions"])
            and b["composites"] >= MIN_COMPOSITES * b["scored"]]
    return max(good, default=None)
