"""The store: one DuckDB file reached through Ibis, and the only module that talks to it.

``$AMITY_HOME/amity.duckdb`` holds the canonical tables of :mod:`amity._schema` and the
``datasets`` table of provenance (one row per ingested source and release: publisher,
citation, licence, file sha256s, rows, coverage, time of ingest).

Ingest is atomic and idempotent:

1. the parsed frames are checked against the table specs (columns, types, keys) and
   loaded into temporary staging tables;
2. one transaction deletes the release's previous rows, inserts the staged rows and
   rewrites its ``datasets`` row; a crash or kill before the commit leaves the previous
   data intact (DuckDB rolls the transaction back on the next open);
3. a release whose files have the same sha256s as the stored ones is skipped.

Sources published as a stream of files (GDELT) add files with :meth:`Store.append_files`:
each batch of files becomes one Parquet part in ``<store>.parts/<table>/`` (zstd, written
with Arrow: several times cheaper than inserting into a compressed DuckDB table, and the
layout event data at GDELT's scale wants), recorded with its files in ``ingested_files`` in
one transaction. A temporary view with the table's name unites the stored table and the
parts it lists, so readers (Ibis, SQL, the Parquet export) see one table; parts that no
committed batch lists (a crash between writing and committing) are deleted.

Readers get Ibis tables (:meth:`Store.table`), so the indicator code is backend-neutral.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from amity._exceptions import MissingDataError, StoreError
from amity._schema import TABLES
from amity.fetch import amity_home

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.sources._base import Dataset, ParseResult

__all__ = ["IngestReport", "Store", "open_store"]

_DATASETS_DDL = """
CREATE TABLE IF NOT EXISTS datasets (
    source VARCHAR NOT NULL, release VARCHAR NOT NULL, title VARCHAR, publisher VARCHAR,
    citation VARCHAR, licence VARCHAR, homepage VARCHAR, files VARCHAR, tables VARCHAR,
    rows BIGINT, coverage_start BIGINT, coverage_end BIGINT, caveats VARCHAR, notes VARCHAR,
    skipped_rows BIGINT, is_default BOOLEAN, ingested_at TIMESTAMP, amity_version VARCHAR,
    PRIMARY KEY (source, release))
"""

_INGESTED_FILES_DDL = """
CREATE TABLE IF NOT EXISTS ingested_files (
    source VARCHAR NOT NULL, release VARCHAR NOT NULL, file_key VARCHAR NOT NULL,
    hash VARCHAR, rows BIGINT, skipped_rows BIGINT, ingested_at TIMESTAMP,
    PRIMARY KEY (source, release, file_key))
"""


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did: ``status`` is ``"ingested"`` or ``"unchanged"``."""

    source: str
    release: str
    status: str
    rows: dict[str, int]
    skipped: int = 0
    notes: tuple[str, ...] = ()


def _ddl(name: str, qualified: str) -> str:
    spec = TABLES[name]
    cols = ", ".join(f'"{c}" {t}' for c, t in spec.columns.items())
    return (f"CREATE TABLE IF NOT EXISTS {qualified} (source VARCHAR NOT NULL, "
            f"release VARCHAR NOT NULL, {cols})")


def _sql_text(path: Path) -> str:
    """``path`` as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _arrow_type(kind: str) -> Any:
    """The Arrow type of a DuckDB column type of :mod:`amity._schema`."""
    import pyarrow as pa

    return {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
            "VARCHAR": pa.string(), "DATE": pa.date32(), "BOOLEAN": pa.bool_(),
            "TIMESTAMP": pa.timestamp("us")}[kind]


def _coverage(frames: Mapping[str, pd.DataFrame]) -> tuple[int | None, int | None]:
    lows, highs = [], []
    for frame in frames.values():
        for col in ("year",):
            if col in frame and frame[col].notna().any():
                lows.append(int(frame[col].min()))
                highs.append(int(frame[col].max()))
        for col in ("date", "snapshot"):
            if "year" in frame or col not in frame or not frame[col].notna().any():
                continue
            dates = pd.to_datetime(frame[col])
            lows.append(int(dates.min().year))
            highs.append(int(dates.max().year))
    return (min(lows), max(highs)) if lows else (None, None)


class Store:
    """An open store.

    Parameters
    ----------
    path
        The DuckDB file; created (with its folder) if absent.
    read_only
        Open without write access (several readers may share the file).
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        import duckdb
        import ibis

        self.path = Path(path)
        if read_only and not self.path.exists():
            raise MissingDataError(
                f"no amity store at {self.path}. Fix: run `amity setup` (with --mirror DIR "
                "or AMITY_MIRROR for a local copy of the data)"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.ibis = ibis.duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot open the store {self.path}: {str(exc).splitlines()[0]}. Fix: close "
                "other amity processes writing to it, or set AMITY_HOME to another folder"
            ) from exc
        self.read_only = read_only
        self._catalog = self._raw.execute("SELECT current_database()").fetchone()[0]
        if not read_only:
            self._raw.execute(_DATASETS_DDL)
        self._refresh_views()

    @classmethod
    def on_spark(cls, folder: str | os.PathLike[str], session: Any = None) -> Store:
        """A read-only store on PySpark over the canonical tables as Parquet files.

        ``folder`` holds ``<table>.parquet`` files written by :meth:`to_parquet`
        (``amity setup --parquet``). The indicator and index code runs unchanged on it
        through Ibis; the DuckDB fast paths are skipped.
        """
        import ibis

        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise StoreError("AMITY_BACKEND=pyspark needs PySpark. Fix: pip install "
                             "'amity[spark]'") from exc
        folder = Path(folder)
        files = sorted(folder.glob("*.parquet"))
        if not files:
            raise MissingDataError(f"no Parquet tables in {folder}. Fix: run `amity setup "
                                   "--parquet` to write them from the store")
        if session is None:  # local mode, bound to the loopback interface only
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            session = (SparkSession.builder.master("local[2]").appName("amity")
                       .config("spark.driver.host", "127.0.0.1")
                       .config("spark.driver.bindAddress", "127.0.0.1")
                       .config("spark.ui.enabled", "false")
                       .config("spark.sql.shuffle.partitions", "4")
                       .config("spark.sql.session.timeZone", "UTC")
                       .config("spark.sql.ansi.enabled", "false").getOrCreate())
        self = cls.__new__(cls)
        self.path, self.read_only = folder, True
        self.ibis = ibis.pyspark.connect(session)
        for file in files:
            self.ibis.read_parquet(str(file), table_name=file.stem)
        return self

    def to_parquet(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write every table (canonical, ``datasets``, derived) as ``<folder>/<table>.parquet``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name in self.ibis.list_tables():
            if name.startswith("_"):
                continue
            dest = folder / f"{name}.parquet"
            tmp = folder / f".{name}.parquet.part"
            self._raw.execute(f'COPY "{name}" TO {_sql_text(tmp)} (FORMAT PARQUET)')
            os.replace(tmp, dest)
            written.append(dest)
        return written

    @property
    def _raw(self) -> Any:
        """The DuckDB connection under Ibis (for transactions and fast paths)."""
        return self.ibis.con

    def close(self) -> None:
        """Close the connection (a Spark session is left running for its other users)."""
        if self.ibis.name == "duckdb":
            self.ibis.disconnect()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------
    def has(self, name: str) -> bool:
        """Whether table ``name`` exists and has rows."""
        if name not in self.ibis.list_tables():
            return False
        if self.ibis.name != "duckdb":
            return bool(self.ibis.table(name).limit(1).count().execute())
        return bool(self._raw.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0])

    def table(self, name: str, *, source: str | None = None,
              release: str | None = None) -> ir.Table:
        """An Ibis table, optionally filtered to one source and release.

        Raises
        ------
        MissingDataError
            The table is empty or absent; the message names the ``amity setup`` step.
        """
        missing = getattr(self, "_missing_parts", {}).get(name)
        if missing:
            raise StoreError(
                f"{len(missing)} Parquet parts of the {name!r} table that the store lists are "
                f"missing (e.g. {missing[0]}). Fix: restore the folder {self._parts_dir}, or "
                "start a new store (AMITY_HOME) and run `amity setup` and `amity fetch` again")
        if not self.has(name):
            raise MissingDataError(
                f"the store has no {name!r} data. Fix: run `amity setup` (or `amity setup "
                "--source NAME`) to ingest the sources that provide it"
            )
        table = self.ibis.table(name)
        if source is not None:
            table = table.filter(table.source == source)
        if release is not None:
            table = table.filter(table.release == release)
        return table

    def execute(self, sql: str, params: Iterable[Any] = ()) -> pd.DataFrame:
        """Run SQL on the store and return a DataFrame (fast paths, benchmarks)."""
        return self._raw.execute(sql, list(params)).df()

    def datasets(self) -> pd.DataFrame:
        """The ``datasets`` table: one row per ingested source and release."""
        if "datasets" not in self.ibis.list_tables():
            return pd.DataFrame(columns=["source", "release"])
        if self.ibis.name != "duckdb":
            return self.ibis.table("datasets").order_by(["source", "release"]).to_pandas()
        return self.execute("SELECT * FROM datasets ORDER BY source, release")

    def releases(self, source: str) -> list[str]:
        """Releases of ``source`` in the store, the default first."""
        if self.ibis.name != "duckdb":
            ds = self.datasets()
            ds = ds[ds["source"] == source].sort_values(["is_default", "release"],
                                                        ascending=[False, True])
            return ds["release"].tolist()
        rows = self._raw.execute(
            "SELECT release FROM datasets WHERE source = ? ORDER BY is_default DESC, release",
            [source]).fetchall()
        return [r[0] for r in rows]

    # -- writing -------------------------------------------------------------------
    def is_current(self, dataset: Dataset, hashes: Mapping[str, str]) -> bool:
        """Whether this release is stored from files with exactly these hashes."""
        row = self._raw.execute("SELECT files FROM datasets WHERE source = ? AND release = ?",
                                [dataset.source, dataset.release]).fetchone()
        return row is not None and json.loads(row[0]) == dict(sorted(hashes.items()))

    def _stage(self, name: str, frame: pd.DataFrame, origin: str) -> None:
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
        self._raw.register(view, frame[list(spec.columns)])
        try:
            self._raw.execute(f'CREATE OR REPLACE TEMP TABLE "_stage_{name}" AS '
                              f'SELECT {casts} FROM "{view}"')
        except Exception as exc:
            raise StoreError(f"{origin}: table {name!r} does not fit its column types: "
                             f"{str(exc).splitlines()[0]}") from exc
        finally:
            self._raw.unregister(view)
        keys = ", ".join(f'"{k}"' for k in spec.key)
        dup = self._raw.execute(f'SELECT {keys}, count(*) AS n FROM "_stage_{name}" '
                                f"GROUP BY ALL HAVING n > 1 LIMIT 1").fetchone()
        if dup is not None:
            raise StoreError(f"{origin}: table {name!r} has duplicate key "
                             f"{dict(zip(spec.key, dup[:-1], strict=True))}; "
                             "this is a bug in the parser")

    def ingest(self, dataset: Dataset, result: ParseResult, hashes: Mapping[str, str],
               *, version: str = "",
               on_write: Callable[[str], None] | None = None) -> IngestReport:
        """Swap ``result`` in as ``dataset``'s rows, in one transaction.

        Parameters
        ----------
        dataset
            The release being written.
        result
            Parsed canonical tables.
        hashes
            File name → sha256 of the files parsed (stored, and used for no-op checks).
        version
            amity's version, recorded with the row.
        on_write
            Called with a message when the write transaction starts (progress output).
        """
        if self.read_only:
            raise StoreError("the store is open read-only; this is a bug in amity")
        missing = [t for t in dataset.tables if t not in result.tables]
        if missing:
            raise StoreError(f"{dataset.key}: the parser returned no {missing} table")
        raw = self._raw
        rows = {name: len(frame) for name, frame in result.tables.items()}
        start, end = _coverage(result.tables)
        try:
            for name, frame in result.tables.items():
                self._stage(name, frame, dataset.key)
            raw.execute("BEGIN TRANSACTION")
            if on_write:
                on_write(f"{dataset.key}: writing {sum(rows.values()):,} rows")
            for name in result.tables:
                raw.execute(_ddl(name, self._base(name)))
                raw.execute(f"DELETE FROM {self._base(name)} WHERE source = ? AND release = ?",
                            [dataset.source, dataset.release])
                cols = ", ".join(f'"{c}"' for c in TABLES[name].columns)
                raw.execute(f"INSERT INTO {self._base(name)} (source, release, {cols}) "
                            f'SELECT ?, ?, {cols} FROM "_stage_{name}"',
                            [dataset.source, dataset.release])
            raw.execute("DELETE FROM datasets WHERE source = ? AND release = ?",
                        [dataset.source, dataset.release])
            raw.execute(
                "INSERT INTO datasets VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [dataset.source, dataset.release, dataset.title, dataset.publisher,
                 dataset.citation, dataset.licence, dataset.homepage,
                 json.dumps(dict(sorted(hashes.items()))), json.dumps(rows),
                 sum(rows.values()), start, end, json.dumps(list(dataset.caveats)),
                 json.dumps(result.notes), result.skipped, dataset.default,
                 datetime.now(UTC).replace(tzinfo=None), version])
            raw.execute("COMMIT")
        except BaseException:
            if raw.execute("SELECT 1").fetchone() is not None:
                try:
                    raw.execute("ROLLBACK")
                except Exception:  # no transaction open (failed while staging)
                    pass
            raise
        finally:
            for name in result.tables:
                raw.execute(f'DROP TABLE IF EXISTS "_stage_{name}"')
        return IngestReport(dataset.source, dataset.release, "ingested", rows,
                            result.skipped, tuple(result.notes))

    # -- appending publisher files to a release (GDELT) -----------------------------
    @contextmanager
    def settings(self, **values: str | bool) -> Iterator[None]:
        """DuckDB settings for the duration of a block (``memory_limit="256MB"``), the
        previous values restored afterwards."""
        raw = self._raw
        old = {k: raw.execute(f"SELECT current_setting('{k}')").fetchone()[0] for k in values}
        try:
            for key, value in values.items():
                raw.execute(f"SET {key} = '{value}'")
            yield
        finally:
            for key, value in old.items():
                raw.execute(f"SET {key} = '{value}'")

    def append(self, dataset: Dataset, result: ParseResult, file_key: str,
               file_hash: str | None, *, version: str = "") -> IngestReport:
        """Add one publisher file's rows to ``dataset``'s release, in one transaction.

        The same as :meth:`append_files` with one file.
        """
        return self.append_files(dataset, [(file_key, file_hash, result)], version=version)[0]

    def append_files(self, dataset: Dataset,
                     files: Sequence[tuple[str, str | None, ParseResult]], *,
                     version: str = "") -> list[IngestReport]:
        """Add a batch of publisher files' rows to ``dataset``'s release, in one transaction.

        For sources published as a stream of files (GDELT: one file every 15 minutes),
        where :meth:`ingest`'s swap of the whole release would re-read every file. One
        batch

        1. drops the rows earlier appends of these files wrote (a re-ingest), and the
           rows of other files of the release that carry a key of the new rows (one row
           per key: the file appended last wins, also within the batch); rows in Parquet
           parts are dropped by rewriting those parts (rare: GDELT ids are unique);
        2. writes the new rows, ``file`` set to their file's key, as a new Parquet part;
        3. records, in one transaction, each file in ``ingested_files`` (source, release,
           file_key, hash, rows, skipped rows, time, part) and the release's ``datasets``
           row (rows, coverage, notes, skipped rows; ``files`` holds a pointer to
           ``ingested_files``).

        A crash or kill before the commit leaves the store as it was (the new part is
        listed nowhere and is deleted by the next append), so ``ingested_files`` lists
        exactly the files whose rows are in: a rerun can skip them. Other files' rows are
        never dropped except for duplicated keys.

        Parameters
        ----------
        dataset
            The release (its provenance fills the ``datasets`` row).
        files
            ``(file_key, file_hash, result)`` per file, in the order they were published:
            the file's name, unique within the release
            (``20191024143000.export.CSV.zip``), its checksum as the publisher gives it
            (MD5 for GDELT), recorded, and its parsed tables (pandas DataFrames or
            pyarrow Tables; each table's spec in :mod:`amity._schema` must have a
            ``file`` column).
        version
            amity's version, recorded.

        Returns
        -------
        list of IngestReport
            One per file, in the order given.
        """
        if self.read_only:
            raise StoreError("the store is open read-only; this is a bug in amity")
        files = list(files)
        if not files:
            return []
        keys_given = [f[0] for f in files]
        if len(set(keys_given)) < len(keys_given):
            raise StoreError(f"{dataset.key}: a file appears twice in one batch; this is a "
                             "bug in amity")
        origin = f"{dataset.key} {files[0][0]}" + (f" (+{len(files) - 1} files)"
                                                   if len(files) > 1 else "")
        raw = self._raw
        key = [dataset.source, dataset.release]
        views: dict[str, tuple[str, str, Any]] = {}
        written: list[Path] = []  # part files of this batch: deleted if it fails
        replaced: list[Path] = []  # part files it supersedes: deleted once it commits
        try:
            raw.execute(_INGESTED_FILES_DDL)
            raw.execute("ALTER TABLE ingested_files ADD COLUMN IF NOT EXISTS part VARCHAR")
            self._remove_orphan_parts()
            names = list(dict.fromkeys(n for _, _, r in files for n in r.tables))
            for name in names:
                views[name] = self._check_appendable(name, files, origin)
            raw.execute("BEGIN TRANSACTION")
            marks = ", ".join("?" for _ in files)
            known = [r[0] for r in raw.execute(
                "SELECT file_key FROM ingested_files WHERE source = ? AND release = ? AND "
                f"file_key IN ({marks})", [*key, *keys_given]).fetchall()]
            deltas: dict[str, int] = {}
            years: list[int] = []
            parts: dict[str, str] = {}
            for name, (view, rows_sql, rows) in views.items():
                spec = TABLES[name]
                raw.execute(_ddl(name, self._base(name)))
                deleted = 0
                gone = " OR ".join("file = ?" for _ in known)
                if known:  # a re-ingest: the files' earlier rows go
                    deleted += raw.execute(
                        f"DELETE FROM {self._base(name)} WHERE source = ? AND release = ? AND "
                        f"({gone})", [*key, *known]).fetchone()[0]
                first = spec.key[0]
                lo, hi = raw.execute(f'SELECT min("{first}"), max("{first}") FROM "{view}"'
                                     ).fetchone()
                # rows of other files with the same keys: none when no stored key falls in
                # the new rows' range (zone maps and Parquet statistics make that check
                # cheap), else they go
                clash = lo is not None and raw.execute(
                    f'SELECT count(*) FROM "{name}" WHERE source = ? AND release = ? AND '
                    f'"{first}" BETWEEN ? AND ?', [*key, lo, hi]).fetchone()[0]
                match = " AND ".join(f't."{k}" = v."{k}"' for k in spec.key)
                if clash:
                    deleted += raw.execute(
                        f'DELETE FROM {self._base(name)} AS t USING "{view}" AS v WHERE '
                        f't.source = ? AND t.release = ? AND t."{first}" BETWEEN ? AND ? AND '
                        f"{match}", [*key, lo, hi]).fetchone()[0]
                if known or clash:
                    keep = [f"NOT EXISTS (SELECT 1 FROM \"{view}\" AS v WHERE {match})"]
                    if known:
                        keep.append(f"NOT ({gone})")
                    deleted += self._rewrite_parts(
                        name, dataset, " AND ".join(keep), known, written, replaced)
                part, inserted = self._write_part(name, dataset, rows_sql, rows)
                written.append(part)
                parts[name] = self._relative(part)
                deltas[name] = inserted - deleted
                if "year" in spec.columns:
                    years += [y for y in raw.execute(
                        f'SELECT min(year), max(year) FROM "{view}"').fetchone() if y is not None]
            now = datetime.now(UTC).replace(tzinfo=None)
            counts = [{name: len(frame) for name, frame in r.tables.items()}
                      for _, _, r in files]
            raw.execute(f"DELETE FROM ingested_files WHERE source = ? AND release = ? AND "
                        f"file_key IN ({marks})", [*key, *keys_given])
            raw.executemany(
                "INSERT INTO ingested_files (source, release, file_key, hash, rows, "
                "skipped_rows, ingested_at, part) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [[*key, k, h, sum(c.values()), r.skipped, now,
                  ";".join(parts[t] for t in r.tables if t in parts) or None]
                 for (k, h, r), c in zip(files, counts, strict=True)])
            notes = [n for _, _, r in files for n in r.notes]
            self._append_dataset_row(dataset, deltas, years, notes, now, version)
            raw.execute("COMMIT")
        except BaseException as exc:
            import duckdb
            import pyarrow as pa

            try:
                raw.execute("ROLLBACK")
            except duckdb.Error:  # no transaction open (failed while checking)
                pass
            for path in written:
                path.unlink(missing_ok=True)
            self._refresh_views()
            if isinstance(exc, duckdb.Error | OSError | pa.ArrowException):
                what = "the file" if len(files) == 1 else f"the {len(files)} files"
                raise StoreError(f"{origin}: cannot append the rows (nothing of {what} was "
                                 f"stored): {str(exc).splitlines()[0]}") from exc
            raise
        finally:
            for view, _, _ in views.values():
                raw.unregister(view)
        self._refresh_views()
        for path in replaced:
            path.unlink(missing_ok=True)
        return [IngestReport(dataset.source, dataset.release, "ingested", c, r.skipped,
                             tuple(r.notes)) for (_, _, r), c in zip(files, counts, strict=True)]

    # -- Parquet parts: the appended rows ----------------------------------------------
    def _base(self, name: str) -> str:
        """The stored table ``name`` itself (a temporary view of the same name adds the
        Parquet parts for readers)."""
        return f'"{self._catalog}"."main"."{name}"'

    @property
    def _parts_dir(self) -> Path:
        return self.path.parent / f"{self.path.stem}.parts"

    def _relative(self, part: Path) -> str:
        return part.relative_to(self._parts_dir).as_posix()

    def _part_paths(self) -> dict[str, list[Path]]:
        """Table → its Parquet parts, as ``ingested_files`` lists them (committed only)."""
        if "ingested_files" not in self._raw.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND "
                "schema_name = 'main'", [self._catalog]).df()["table_name"].tolist():
            return {}
        cols = self._raw.execute("SELECT column_name FROM duckdb_columns() WHERE "
                                 "database_name = ? AND table_name = 'ingested_files'",
                                 [self._catalog]).df()["column_name"].tolist()
        if "part" not in cols:
            return {}
        parts: dict[str, list[Path]] = {}
        for rel in self._part_names():
            parts.setdefault(rel.split("/", 1)[0], []).append(self._parts_dir / rel)
        return parts

    def _part_names(self, source: str | None = None, release: str | None = None
                    ) -> list[str]:
        """The parts ``ingested_files`` lists (of one release), relative to the parts dir."""
        where = "" if source is None else " AND source = ? AND release = ?"
        params = [] if source is None else [source, release]
        return [r[0] for r in self._raw.execute(
            "SELECT DISTINCT unnest(string_split(part, ';')) FROM ingested_files "
            f"WHERE part IS NOT NULL{where} ORDER BY 1", params).fetchall()]

    def _refresh_views(self) -> None:
        """(Re)create, for each table with Parquet parts, a temporary view of the same name
        over the stored table and the parts: every reader (Ibis, SQL, the Parquet export)
        sees one table."""
        raw = self._raw
        parts: dict[str, list[Path]] = {}
        self._missing_parts: dict[str, list[Path]] = {}
        for name, paths in self._part_paths().items():
            for path in paths:
                found = parts if path.is_file() else self._missing_parts
                found.setdefault(name, []).append(path)
        for name, paths in parts.items():
            files = ", ".join(_sql_text(p) for p in paths)
            raw.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * FROM '
                        f"{self._base(name)} UNION ALL BY NAME SELECT * FROM "
                        f"read_parquet([{files}])")
        for (name,) in raw.execute("SELECT view_name FROM duckdb_views() WHERE temporary "
                                   "AND NOT internal").fetchall():
            if name not in parts and name in TABLES:
                raw.execute(f'DROP VIEW IF EXISTS temp.main."{name}"')

    def _write_part(self, name: str, dataset: Dataset, rows_sql: str,
                    rows: Any) -> tuple[Path, int]:
        """Write the batch's rows of ``name`` (``rows``, or the rows of ``rows_sql`` when a
        key repeats across its files) as a new Parquet part (Arrow's writer, zstd); the
        part and its rows."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        spec = TABLES[name]
        if rows_sql.startswith("("):
            rows = self._raw.execute(f"SELECT * EXCLUDE (_batch_seq) FROM {rows_sql}"
                                     ).fetch_arrow_table()
        n = len(rows)
        cols: dict[str, Any] = {
            "source": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)),
                                                     pa.array([dataset.source])),
            "release": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)),
                                                      pa.array([dataset.release]))}
        for col, kind in spec.columns.items():
            values = rows.column(col)
            if col == "file" or (kind == "VARCHAR" and pa.types.is_dictionary(values.type)):
                cols[col] = values  # dictionary-encoded text stays so (Parquet keeps it)
            else:
                cols[col] = values.cast(_arrow_type(kind))
        folder = self._parts_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{dataset.source}-{dataset.release}")
        part = folder / f"{safe}-{uuid.uuid4().hex[:16]}.parquet"
        tmp = part.with_name("." + part.name + ".tmp")
        table = pa.table(cols)
        # Parquet dictionaries for the columns that arrive dictionary-encoded (codes, the
        # file), statistics for what reads filter on (key, year, date, file): building
        # both for every column (e.g. unique URLs) costs a third of the write for nothing
        coded = [c for c, t in zip(table.column_names, table.schema.types, strict=True)
                 if pa.types.is_dictionary(t)]
        stats = ["source", "release", *spec.key, *(c for c in ("year", "date", "file")
                                                   if c in spec.columns)]
        pq.write_table(table, tmp, compression="zstd", row_group_size=1 << 17,
                       use_dictionary=coded, write_statistics=list(dict.fromkeys(stats)))
        os.replace(tmp, part)
        return part, n

    def _rewrite_parts(self, name: str, dataset: Dataset, keep_sql: str, known: list[str],
                       written: list[Path], replaced: list[Path]) -> int:
        """Rewrite the release's parts of ``name`` keeping the rows where ``keep_sql`` holds
        (``t`` is the part's row; parameters: the ``known`` file keys); updates
        ``ingested_files`` (in the caller's transaction). Rows removed."""
        raw = self._raw
        rels = [r for r in self._part_names(dataset.source, dataset.release)
                if r.startswith(f"{name}/")]
        removed = 0
        for rel in rels:
            old = self._parts_dir / rel
            src = _sql_text(old)
            before = raw.execute(f"SELECT count(*) FROM read_parquet({src})").fetchone()[0]
            after = raw.execute(f"SELECT count(*) FROM read_parquet({src}) AS t WHERE "
                                f"{keep_sql}", known).fetchone()[0]
            if after == before:
                continue
            new_rel = None
            if after:
                new = old.with_name(f"{old.name.rsplit('-', 1)[0]}-{uuid.uuid4().hex[:16]}"
                                    ".parquet")
                tmp = new.with_name("." + new.name + ".tmp")
                raw.execute(f"COPY (SELECT * FROM read_parquet({src}) AS t WHERE {keep_sql}) "
                            f"TO {_sql_text(tmp)} (FORMAT parquet, COMPRESSION zstd)", known)
                os.replace(tmp, new)
                written.append(new)
                new_rel = self._relative(new)
            raw.execute("UPDATE ingested_files SET part = nullif(replace(part, ?, ?), '') "
                        "WHERE source = ? AND release = ? AND part LIKE ?",
                        [rel, new_rel or "", dataset.source, dataset.release, f"%{rel}%"])
            replaced.append(old)
            removed += before - after
        return removed

    def _remove_orphan_parts(self) -> None:
        """Delete part files no committed batch refers to (left by a crash or a kill)."""
        if not self._parts_dir.is_dir():
            return
        live = {p for paths in self._part_paths().values() for p in paths}
        for path in self._parts_dir.glob("*/*"):
            if path.is_file() and path not in live:
                path.unlink(missing_ok=True)

    def _check_appendable(self, name: str,
                          files: Sequence[tuple[str, str | None, ParseResult]],
                          origin: str) -> tuple[str, str, Any]:
        """Register the files' rows of table ``name`` as one view, after checking their
        columns and keys; the view, the SQL of its rows to store (the last file's row of a
        key repeated across files) and the Arrow table."""
        import pyarrow as pa

        spec = TABLES.get(name)
        if spec is None or "file" not in spec.columns:
            raise StoreError(f"{origin}: {name!r} is not a canonical table with a 'file' "
                             "column; use Store.ingest for whole releases")
        file_keys = pa.array([k for k, _, _ in files], pa.string())
        parts = []
        for i, (file_key, _, result) in enumerate(files):
            frame = result.tables.get(name)
            if frame is None:
                continue
            found = list(getattr(frame, "column_names", None) or frame.columns)
            missing = [c for c in spec.columns if c not in found]
            extra = [c for c in found if c not in spec.columns]
            if missing or extra:
                raise StoreError(f"{origin}: {file_key}: table {name!r} has "
                                 f"missing columns {missing} / unexpected columns {extra}; "
                                 "this is a bug in the parser")
            table = frame if isinstance(frame, pa.Table) else \
                pa.Table.from_pandas(frame, preserve_index=False)
            table = table.drop_columns(["file"])
            n = len(table)
            table = table.append_column("file", pa.DictionaryArray.from_arrays(
                pa.array(np.full(n, i, dtype=np.int32)), file_keys))
            parts.append(table.append_column("_batch_seq", pa.array(np.full(n, i, np.int32))))
        try:
            rows = pa.concat_tables(parts, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise StoreError(f"{origin}: cannot append the rows (nothing of the {len(files)} "
                             f"files was stored): their {name!r} columns differ in type "
                             f"({exc}); this is a bug in the parser") from exc
        view = f"_amity_append_{name}"
        self._raw.register(view, rows)
        keys = ", ".join(f'"{k}"' for k in spec.key)
        nulls = " OR ".join(f'"{k}" IS NULL' for k in spec.key)
        distinct = f'"{spec.key[0]}"' if len(spec.key) == 1 else f"({keys})"
        n_null, n_rows, n_keys = self._raw.execute(
            f'SELECT count(*) FILTER (WHERE {nulls}), count(*), count(DISTINCT {distinct}) '
            f'FROM "{view}"').fetchone()
        n_file_keys = n_rows if n_keys == n_rows else self._raw.execute(
            f'SELECT count(DISTINCT (_batch_seq, {keys})) FROM "{view}"').fetchone()[0]
        problem = None
        if n_null:
            problem = f"table {name!r} has empty key values in {spec.key}"
        elif n_file_keys < n_rows:
            dup = self._raw.execute(f'SELECT {keys}, any_value(file), count(*) AS n FROM '
                                    f'"{view}" GROUP BY _batch_seq, {keys} HAVING n > 1 '
                                    "LIMIT 1").fetchone()
            problem = (f"table {name!r} of {dup[-2]} has duplicate key "
                       f"{dict(zip(spec.key, dup[:-2], strict=True))}; this is a bug in the parser")
        if problem:
            self._raw.unregister(view)
            raise StoreError(f"{origin}: {problem}")
        if n_keys == n_rows:
            return view, f'"{view}"', rows
        return view, (f'(SELECT * FROM "{view}" QUALIFY row_number() OVER (PARTITION BY '
                      f'{keys} ORDER BY _batch_seq DESC) = 1)'), rows

    def _append_dataset_row(self, dataset: Dataset, deltas: Mapping[str, int],
                            years: list[int], notes: list[str], now: datetime,
                            version: str) -> None:
        """Rewrite the release's ``datasets`` row after an append (inside its transaction)."""
        raw = self._raw
        key = [dataset.source, dataset.release]
        prev = raw.execute("SELECT tables, coverage_start, coverage_end, notes FROM datasets "
                           "WHERE source = ? AND release = ?", key).fetchone()
        tables = json.loads(prev[0]) if prev and prev[0] else {}
        for name, delta in deltas.items():
            tables[name] = int(tables.get(name, 0)) + delta
        bounds = years + [int(y) for y in (prev[1:3] if prev else ()) if y is not None]
        all_notes = list(dict.fromkeys((json.loads(prev[3]) if prev and prev[3] else [])
                                       + list(notes)))[:50]
        n_files, skipped = raw.execute("SELECT count(*), sum(skipped_rows) FROM ingested_files "
                                       "WHERE source = ? AND release = ?", key).fetchone()
        raw.execute("DELETE FROM datasets WHERE source = ? AND release = ?", key)
        raw.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*key, dataset.title, dataset.publisher, dataset.citation, dataset.licence,
             dataset.homepage,
             json.dumps({"ingested_files": f"{n_files} files, see the ingested_files table"}),
             json.dumps(tables), sum(tables.values()), min(bounds, default=None),
             max(bounds, default=None), json.dumps(list(dataset.caveats)),
             json.dumps(all_notes), int(skipped or 0), dataset.default, now, version])

    def ingested_files(self, source: str | None = None,
                       release: str | None = None) -> pd.DataFrame:
        """The files :meth:`append` wrote: source, release, file_key, hash, rows, time."""
        if "ingested_files" not in self.ibis.list_tables():
            return pd.DataFrame(columns=["source", "release", "file_key", "hash", "rows",
                                         "skipped_rows", "ingested_at"])
        where, params = [], []
        for col, value in (("source", source), ("release", release)):
            if value is not None:
                where.append(f"{col} = ?")
                params.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self.execute(f"SELECT * FROM ingested_files {clause} ORDER BY source, release, "
                            "file_key", params)

    # -- derived tables (the panel and the index) -------------------------------------
    def replace_table(self, name: str, expr: ir.Table) -> None:
        """Create or replace ``name`` from an Ibis expression in one statement."""
        self.ibis.create_table(name, expr, overwrite=True)

    def write_frame(self, name: str, frame: pd.DataFrame) -> None:
        """Create or replace ``name`` from a DataFrame in one statement (via Arrow, text
        columns dictionary-encoded: the fast way into DuckDB)."""
        import pyarrow as pa

        table = pa.Table.from_pandas(frame, preserve_index=False)
        cols = [c.dictionary_encode() if pa.types.is_string(c.type) or
                pa.types.is_large_string(c.type) else c for c in table.columns]
        table = pa.table(cols, names=table.column_names)
        view = f"_amity_frame_{name}"
        self._raw.register(view, table)
        try:
            casts = ", ".join(
                f'CAST("{c}" AS VARCHAR) AS "{c}"' if pa.types.is_dictionary(t) else f'"{c}"'
                for c, t in zip(table.column_names, table.schema.types, strict=True))
            self._raw.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT {casts} FROM "{view}"')
        finally:
            self._raw.unregister(view)

    def record_derived(self, source: str, release: str,
                       years: tuple[int, int], rows: Mapping[str, int],
                       provenance: str, fingerprint: str = "") -> None:
        """Record a derived table set in ``datasets`` with the releases it was built from."""
        inputs = self._raw.execute(
            "SELECT source, release, CAST(ingested_at AS VARCHAR) FROM datasets "
            "WHERE source <> ? ORDER BY 1, 2", [source]).fetchall()
        self._raw.execute("DELETE FROM datasets WHERE source = ? AND release = ?",
                          [source, release])
        self._raw.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [source, release, "amity dyad-year panel and relationship index", "amity",
             "derived by amity from the datasets listed in its files column", "Apache-2.0", "",
             json.dumps([list(r) for r in inputs]), json.dumps(dict(rows)), sum(rows.values()),
             years[0], years[1], json.dumps([]), json.dumps([provenance]), 0, True,
             datetime.now(UTC).replace(tzinfo=None), fingerprint])

    def derived_is_current(self, source: str, release: str, fingerprint: str = "") -> bool:
        """Whether the derived tables were built from the datasets stored now (and, with
        ``fingerprint``, by the same computation: amity's version of them)."""
        if self.ibis.name != "duckdb":
            return False
        row = self._raw.execute("SELECT files, amity_version FROM datasets WHERE source = ? "
                                "AND release = ?", [source, release]).fetchone()
        if row is None or (fingerprint and row[1] != fingerprint):
            return False
        inputs = self._raw.execute(
            "SELECT source, release, CAST(ingested_at AS VARCHAR) FROM datasets "
            "WHERE source <> ? ORDER BY 1, 2", [source]).fetchall()
        return json.loads(row[0]) == [list(r) for r in inputs]


def open_store(*, read_only: bool = False, home: str | os.PathLike[str] | None = None) -> Store:
    """Open ``<home or AMITY_HOME>/amity.duckdb`` (or, read-only with
    ``AMITY_BACKEND=pyspark``, its Parquet copy on PySpark: :meth:`Store.on_spark`).

    Examples
    --------
    >>> import tempfile
    >>> with open_store(home=tempfile.mkdtemp()) as store:
    ...     store.has("un_votes")
    False
    """
    root = Path(home) if home is not None else amity_home()
    backend = os.environ.get("AMITY_BACKEND", "duckdb")
    if backend == "pyspark" and read_only:
        return Store.on_spark(root / "parquet")
    if backend not in ("duckdb", "pyspark"):
        raise StoreError(f"AMITY_BACKEND={backend!r} is not supported. Fix: use duckdb "
                         "(default) or pyspark")
    return Store(root / "amity.duckdb", read_only=read_only)
