"""Whole releases into the store: check, stage, then swap in one transaction.

1. Each parsed table is checked against its spec (columns, empty keys), cast to the
   spec's types into a temporary staging table and checked for duplicate keys.
2. One transaction deletes the release's previous rows, inserts the staged rows, and
   rewrites the release's catalogue row and file list; a crash or a kill before the
   commit leaves the previous data (DuckDB rolls the transaction back on the next open).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from amity._contract import Dataset, ParseResult
from amity._exceptions import StoreError
from amity._schema import TABLES
from amity.store._tables import coverage, ddl
from amity.store.catalog import Catalog, FileRecord, Release

__all__ = ["IngestReport", "stage", "swap_in"]


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did: ``status`` is ``"ingested"`` or ``"unchanged"``."""

    source: str
    release: str
    status: str
    rows: dict[str, int]
    skipped: int = 0
    notes: tuple[str, ...] = ()


def stage(con: Any, name: str, frame: pd.DataFrame, origin: str) -> None:
    """Check ``frame`` against table ``name``'s spec and load it into ``_stage_<name>``.

    Raises
    ------
    StoreError
        Columns missing or unexpected, empty or duplicate keys, values that do not fit
        the column types (each a bug in the parser, not in the user's file).
    """
    spec = TABLES.get(name)
    if spec is None:
        raise StoreError(f"{origin}: {name!r} is not a canonical table (see amity._schema)")
    missing = [c for c in spec.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in spec.columns]
    if missing or extra:
        raise StoreError(f"{origin}: table {name!r} has missing columns {missing} / "
                         f"unexpected columns {extra}; this is a bug in the parser")
    nulls = [k for k in spec.key if frame[k].isna().any()]
    if nulls:
        raise StoreError(f"{origin}: table {name!r} has empty key values in {nulls}")
    view = f"_amity_df_{name}"
    casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in spec.columns.items())
    con.register(view, frame[list(spec.columns)])
    try:
        con.execute(f'CREATE OR REPLACE TEMP TABLE "_stage_{name}" AS '
                    f'SELECT {casts} FROM "{view}"')
    except Exception as exc:
        raise StoreError(f"{origin}: table {name!r} does not fit its column types: "
                         f"{str(exc).splitlines()[0]}") from exc
    finally:
        con.unregister(view)
    keys = ", ".join(f'"{k}"' for k in spec.key)
    dup = con.execute(f'SELECT {keys}, count(*) AS n FROM "_stage_{name}" '
                      "GROUP BY ALL HAVING n > 1 LIMIT 1").fetchone()
    if dup is not None:
        raise StoreError(f"{origin}: table {name!r} has duplicate key "
                         f"{dict(zip(spec.key, dup[:-1], strict=True))}; "
                         "this is a bug in the parser")


def swap_in(con: Any, catalog: Catalog, base: Callable[[str], str], dataset: Dataset,
            result: ParseResult, hashes: Mapping[str, str], *, version: str,
            on_write: Callable[[str], None] | None = None) -> IngestReport:
    """Replace ``dataset``'s rows with ``result``'s, in one transaction (module docstring).

    ``base(name)`` is the qualified name of the stored table ``name``; ``hashes`` maps
    each file parsed to its sha256 (recorded with the file's period, when the dataset
    tells one, in ``ingested_files``).
    """
    missing = [t for t in dataset.tables if t not in result.tables]
    if missing:
        raise StoreError(f"{dataset.key}: the parser returned no {missing} table")
    rows = {name: len(frame) for name, frame in result.tables.items()}
    start, end = result.coverage or coverage(result.tables)
    files = [FileRecord(name, digest, period=dataset.file_period(name)
                        if dataset.file_period else None)
             for name, digest in sorted(hashes.items())]
    record = Release(
        dataset.source, dataset.release, dataset.title, dataset.publisher, dataset.citation,
        dataset.licence, dataset.homepage, tables=rows, rows=sum(rows.values()),
        coverage_start=start, coverage_end=end, caveats=list(dataset.caveats),
        notes=list(result.notes), scope=dict(result.scope), skipped_rows=result.skipped,
        is_default=dataset.default, amity_version=version)
    try:
        for name, frame in result.tables.items():
            stage(con, name, frame, dataset.key)
        con.execute("BEGIN TRANSACTION")
        if on_write:
            on_write(f"{dataset.key}: writing {sum(rows.values()):,} rows")
        for name in result.tables:
            con.execute(ddl(name, base(name)))
            con.execute(f"DELETE FROM {base(name)} WHERE source = ? AND release = ?",
                        [dataset.source, dataset.release])
            cols = ", ".join(f'"{c}"' for c in TABLES[name].columns)
            con.execute(f"INSERT INTO {base(name)} (source, release, {cols}) "
                        f'SELECT ?, ?, {cols} FROM "_stage_{name}"',
                        [dataset.source, dataset.release])
        catalog.write(record)
        catalog.write_files(dataset.source, dataset.release, files, replace_all=True)
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - no transaction open (failed while staging)
            pass
        raise
    finally:
        catalog.invalidate()
        for name in result.tables:
            con.execute(f'DROP TABLE IF EXISTS "_stage_{name}"')
    return IngestReport(dataset.source, dataset.release, "ingested", rows, result.skipped,
                        tuple(result.notes))
