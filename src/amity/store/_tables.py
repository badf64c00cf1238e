"""SQL and Arrow helpers the store's writers share: table DDL, quoting, types, coverage."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from amity._schema import TABLES

__all__ = ["arrow_type", "coverage", "ddl", "sql_text"]


def ddl(name: str, qualified: str) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for canonical table ``name`` (with source, release).

    Examples
    --------
    >>> ddl("macro", '"macro"')[:60]
    'CREATE TABLE IF NOT EXISTS "macro" (source VARCHAR NOT NULL,'
    """
    spec = TABLES[name]
    cols = ", ".join(f'"{c}" {t}' for c, t in spec.columns.items())
    return (f"CREATE TABLE IF NOT EXISTS {qualified} (source VARCHAR NOT NULL, "
            f"release VARCHAR NOT NULL, {cols})")


def sql_text(path: Path | str) -> str:
    """``path`` as an SQL string literal.

    Examples
    --------
    >>> sql_text("/tmp/it's.parquet")
    "'/tmp/it''s.parquet'"
    """
    return "'" + str(path).replace("'", "''") + "'"


def arrow_type(kind: str) -> Any:
    """The Arrow type of a DuckDB column type of :mod:`amity._schema`."""
    import pyarrow as pa

    return {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
            "VARCHAR": pa.string(), "DATE": pa.date32(), "BOOLEAN": pa.bool_(),
            "TIMESTAMP": pa.timestamp("us")}[kind]


def coverage(frames: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """The first and last year of a release's rows: from ``year`` columns, else from the
    years of ``date`` or ``snapshot`` columns (None, None without any)."""
    lows, highs = [], []
    for frame in frames.values():
        names = getattr(frame, "column_names", None) or list(frame.columns)
        if "year" in names:
            years = pd.Series(frame["year"])
            if years.notna().any():
                lows.append(int(years.min()))
                highs.append(int(years.max()))
            continue
        for col in ("date", "snapshot"):
            if col not in names or not pd.Series(frame[col]).notna().any():
                continue
            dates = pd.to_datetime(pd.Series(frame[col]))
            lows.append(int(dates.min().year))
            highs.append(int(dates.max().year))
    return (min(lows), max(highs)) if lows else (None, None)
