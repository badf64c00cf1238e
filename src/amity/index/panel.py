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
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from amity._exceptions import MissingDataError
from amity.index.score import dynamics, index_indicators, score
from amity.index.sql import index_sql
from amity.indicators import DIMENSIONS, FAMILIES, INDICATORS, Family, default_slices

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.store import Store

__all__ = ["FINGERPRINT", "FIRST_YEAR", "build", "build_index", "index_series", "is_current",
           "panel_columns"]

#: The panel and index start with the UN era.
FIRST_YEAR = 1946
_KEYS = ["a", "b", "year"]
_METHODS = ("auto", "sql", "ibis")
#: Changes when the families or the index method change, so `amity setup` rebuilds.
FINGERPRINT = "index-1:" + hashlib.sha1(repr(
    [(f.source, f.indicators) for f in FAMILIES]).encode()).hexdigest()[:12]


def is_current(store: Store) -> bool:
    """Whether the stored panel and index match the stored datasets and this amity."""
    return store.derived_is_current("amity_index", "panel", FINGERPRINT)


def panel_columns(family: Family) -> list[str]:
    """The family's indicators that go into the panel (numbers and flags, not lists)."""
    return [n for n in family.indicators if INDICATORS[n].unit != "IGO abbreviations"]


def _panel_expr(store: Store, years: tuple[int, int],
                on_step: Callable[[str], None] | None) -> tuple[ir.Table, dict[str, list[str]]]:
    groups: dict[tuple[str, ...], list[ir.Table]] = {}
    provenance: dict[str, list[str]] = {}
    for i, sl in enumerate(default_slices(store, years)):
        cols = panel_columns(sl.family)
        if on_step:
            on_step(f"computing {', '.join(cols)} ({sl.family.source} {sl.release}, "
                    f"{sl.years[0]}-{sl.years[1]})")
        try:
            frame = sl.family.compute(store, sl.release, None, sl.years)[_KEYS + cols]
        except MissingDataError as exc:  # e.g. a release without product flows
            if on_step:
                on_step(f"  skipped: {exc}")
            continue
        if frame.empty:
            continue
        frame = frame.astype({"a": str, "b": str, "year": "int64"})
        for col in cols:  # flags become 0/1 with NA; every indicator a float
            frame[col] = pd.to_numeric(frame[col].astype("float64"), errors="raise")
        name = f"_panel_part_{i}"
        store.ibis.create_table(name, frame, temp=True, overwrite=True)
        groups.setdefault(tuple(cols), []).append(store.ibis.table(name))
        for col in cols:
            provenance.setdefault(col, []).append(
                f"{sl.family.source}/{sl.release} {sl.years[0]}-{sl.years[1]}")
    if not groups:
        raise MissingDataError("no indicator source is ingested. Fix: run `amity setup`")
    parts = [ibis.union(*tables) if len(tables) > 1 else tables[0] for tables in groups.values()]
    panel = ibis.union(*[p.select(*_KEYS) for p in parts], distinct=True)
    for part in parts:
        renamed = part.rename(**{f"_k_{k}": k for k in _KEYS})
        panel = panel.left_join(renamed, [panel[k] == renamed[f"_k_{k}"] for k in _KEYS])
        panel = panel.drop(*[f"_k_{k}" for k in _KEYS])
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
    ...         "un_agreement": [0.4, 0.8]}))
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
    if method == "sql":
        expr = store.ibis.sql(index_sql("panel", panel.columns, names), dialect="duckdb")
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
    store.record_derived("amity_index", "panel", years, counts,
                         {"provenance": dict(sorted(provenance.items()))}, FINGERPRINT)
    return counts
