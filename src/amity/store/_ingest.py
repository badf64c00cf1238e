"""Whole releases into the store: check, stage, then swap in one transaction.

1. Each parsed table is checked against its spec (columns, empty keys), cast to the
   spec's types into a temporary staging table and checked for duplicate keys.
2. Unless the caller allows it, a release that would leave a table empty, or replace a
   stored release by one with less than :data:`SHRINK_LIMIT` of its rows in a table, is
   refused (:class:`~amity.ShrinkError`): an empty, header-only or cut-short file must
   not silently replace good data.
3. One transaction deletes the release's previous rows, inserts the staged rows, and
   rewrites the release's catalogue row and file list. It runs in the writer's working
   copy of the store, which the writer then publishes by one atomic rename
   (:mod:`amity.store._snapshot`): a crash or a kill at any point, inside ``COMMIT``
   included, leaves the published store as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from amity._contract import Dataset, ParseResult
from amity._exceptions import ShrinkError, StoreError
from amity._schema import TABLES
from amity.store._crash import point
from amity.store._tables import coverage, ddl
from amity.store.catalog import Catalog, FileRecord, Release

__all__ = ["SHRINK_LIMIT", "IngestReport", "check_shrink", "stage", "swap_in"]

#: A release whose table has fewer than this share of the stored release's rows is
#: refused unless the user allows it.
SHRINK_LIMIT = 0.5


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


def check_shrink(dataset: Dataset, rows: Mapping[str, int],
                 previous: Release | None) -> None:
    """Refuse a release with no rows at all, or one that would leave fewer than
    :data:`SHRINK_LIMIT` of a stored table's rows (:class:`~amity.ShrinkError`).

    Examples
    --------
    >>> from amity.sources import get_dataset
    >>> d = get_dataset("cow_trade")
    >>> check_shrink(d, {"trade_dyadic": 0, "trade_national": 0}, None)
    Traceback (most recent call last):
    ...
    amity._exceptions.ShrinkError: cow_trade/4.0: the input has no rows; nothing was changed...
    >>> old = Release("cow_trade", "4.0", tables={"trade_dyadic": 100, "trade_national": 9})
    >>> check_shrink(d, {"trade_dyadic": 0, "trade_national": 9}, old)
    Traceback (most recent call last):
    ...
    amity._exceptions.ShrinkError: cow_trade/4.0: the input has 0 rows for trade_dyadic, ...
    """
    fix = ("Fix: check the input files (a header-only, empty or cut-short file?), or "
           "rerun with --allow-shrink if the smaller release is right")
    if not sum(rows.values()):
        raise ShrinkError(f"{dataset.key}: the input has no rows; nothing was changed. {fix}")
    if previous is None:
        return
    for table, before in sorted(previous.tables.items()):
        now = int(rows.get(table, 0))
        if before and now < SHRINK_LIMIT * int(before):
            raise ShrinkError(
                f"{dataset.key}: the input has {now:,} rows for {table}, the stored release "
                f"{int(before):,} (less than {SHRINK_LIMIT:.0%}); nothing was changed. {fix}")


def swap_in(con: Any, catalog: Catalog, base: Callable[[str], str], dataset: Dataset,
            result: ParseResult, hashes: Mapping[str, str], *, version: str,
            on_write: Callable[[str], None] | None = None,
            allow_shrink: bool = False) -> IngestReport:
    """Replace ``dataset``'s rows with ``result``'s, in one transaction (module docstring).

    ``base(name)`` is the qualified name of the stored table ``name``; ``hashes`` maps
    each file parsed to its sha256 (recorded with the file's period, when the dataset
    tells one, in ``ingested_files``); ``allow_shrink`` lets an empty or much smaller
    release replace the stored one.
    """
    missing = [t for t in dataset.tables if t not in result.tables]
    if missing:
        raise StoreError(f"{dataset.key}: the parser returned no {missing} table")
    rows = {name: len(frame) for name, frame in result.tables.items()}
    if not allow_shrink:
        check_shrink(dataset, rows, catalog.get(dataset.source, dataset.release))
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
            point("ingest.staged")
        con.execute("BEGIN TRANSACTION")
        point("ingest.begun")
        if on_write:
            on_write(f"{dataset.key}: writing {sum(rows.values()):,} rows")
        for name in result.tables:
            con.execute(ddl(name, base(name)))
            point("ingest.created")
            con.execute(f"DELETE FROM {base(name)} WHERE source = ? AND release = ?",
                        [dataset.source, dataset.release])
            point("ingest.deleted")
            cols = ", ".join(f'"{c}"' for c in TABLES[name].columns)
            con.execute(f"INSERT INTO {base(name)} (source, release, {cols}) "
                        f'SELECT ?, ?, {cols} FROM "_stage_{name}"',
                        [dataset.source, dataset.release])
            point("ingest.inserted")
        catalog.write(record)
        point("ingest.catalogued")
        catalog.write_files(dataset.source, dataset.release, files, replace_all=True)
        point("ingest.commit")
        con.execute("COMMIT")
        point("ingest.committed")
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
