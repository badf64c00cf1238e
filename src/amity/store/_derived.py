"""Tables amity derives from the releases (the panel, the index) and their bookkeeping.

A derived table set is recorded in the catalogue like a release (source ``amity_index``),
with ``inputs`` = the releases it was built from (source, release, time of ingest) and a
``fingerprint`` of the computation in its ``scope``. It is current while both match.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from amity.store.catalog import Catalog, Release, now

__all__ = ["derived_is_current", "record_derived", "write_frame"]


def write_frame(con: Any, name: str, frame: pd.DataFrame) -> None:
    """Create or replace table ``name`` from a DataFrame in one statement (via Arrow, text
    columns dictionary-encoded: the fast way into DuckDB)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    cols = [c.dictionary_encode() if pa.types.is_string(c.type) or
            pa.types.is_large_string(c.type) else c for c in table.columns]
    table = pa.table(cols, names=table.column_names)
    view = f"_amity_frame_{name}"
    con.register(view, table)
    try:
        casts = ", ".join(
            f'CAST("{c}" AS VARCHAR) AS "{c}"' if pa.types.is_dictionary(t) else f'"{c}"'
            for c, t in zip(table.column_names, table.schema.types, strict=True))
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT {casts} FROM "{view}"')
    finally:
        con.unregister(view)


def record_derived(catalog: Catalog, source: str, release: str, years: tuple[int, int],
                   rows: Mapping[str, int], scope: Mapping[str, Any], fingerprint: str,
                   version: str) -> None:
    """Record a derived table set with the releases it was built from."""
    catalog.write(Release(
        source, release, "amity dyad-year panel and relationship index", "amity",
        "derived by amity from the releases listed in its inputs", "Apache-2.0",
        tables=dict(rows), rows=sum(rows.values()), coverage_start=years[0],
        coverage_end=years[1], scope={**scope, "fingerprint": fingerprint},
        inputs=catalog.derived_inputs(exclude=source), is_default=True, ingested_at=now(),
        amity_version=version))


def derived_is_current(catalog: Catalog, source: str, release: str, fingerprint: str) -> bool:
    """Whether the derived tables were built from the releases stored now, by the same
    computation (``fingerprint``)."""
    row = catalog.get(source, release)
    if row is None or row.scope.get("fingerprint") != fingerprint:
        return False
    return row.inputs == catalog.derived_inputs(exclude=source)
