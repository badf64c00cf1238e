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

Sources published as a stream of files (GDELT) add one file at a time with
:meth:`Store.append`: one transaction per file, recorded in the ``ingested_files`` table.

Readers get Ibis tables (:meth:`Store.table`), so the indicator code is backend-neutral.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def _ddl(name: str) -> str:
    spec = TABLES[name]
    cols = ", ".join(f'"{c}" {t}' for c, t in spec.columns.items())
    return f'CREATE TABLE IF NOT EXISTS "{name}" (source VARCHAR NOT NULL, release VARCHAR NOT NULL, {cols})'


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
        if not read_only:
            self._raw.execute(_DATASETS_DDL)

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
            self._raw.execute(f"COPY \"{name}\" TO '{tmp}' (FORMAT PARQUET)")
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
                             f"{dict(zip(spec.key, dup[:-1]))}; this is a bug in the parser")

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
                raw.execute(_ddl(name))
                raw.execute(f'DELETE FROM "{name}" WHERE source = ? AND release = ?',
                            [dataset.source, dataset.release])
                cols = ", ".join(f'"{c}"' for c in TABLES[name].columns)
                raw.execute(f'INSERT INTO "{name}" (source, release, {cols}) '
                            f'SELECT ?, ?, {cols} FROM "_stage_{name}"',
                            [dataset.source, dataset.release])
            raw.execute("DELETE FROM datasets WHERE source = ? AND release = ?",
                        [dataset.source, dataset.release])
            raw.execute(
                "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [dataset.source, dataset.release, dataset.title, dataset.publisher,
                 dataset.citation, dataset.licence, dataset.homepage,
                 json.dumps(dict(sorted(hashes.items()))), json.dumps(rows),
                 sum(rows.values()), start, end, json.dumps(list(dataset.caveats)),
                 json.dumps(result.notes), result.skipped, dataset.default,
                 datetime.now(timezone.utc).replace(tzinfo=None), version])
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

    # -- appending one publisher file at a time (GDELT) ------------------------------
    def append(self, dataset: Dataset, result: ParseResult, file_key: str,
               file_hash: str | None, *, version: str = "") -> IngestReport:
        """Add one publisher file's rows to ``dataset``'s release, in one transaction.

        For sources published as a stream of files (GDELT: one file every 15 minutes),
        where :meth:`ingest`'s swap of the whole release would re-read every file. One
        transaction

        1. deletes the rows an earlier append of ``file_key`` wrote (a re-ingest), and
           the rows of other files of the release that carry a key of the new rows (one
           row per key: the file appended last wins);
        2. inserts the new rows with ``file`` set to ``file_key``;
        3. records the file in ``ingested_files`` (source, release, file_key, hash,
           rows, skipped rows, time) and updates the release's ``datasets`` row (rows,
           coverage, notes, skipped rows; ``files`` holds a pointer to
           ``ingested_files``).

        A crash or kill before the commit leaves the store as it was, so
        ``ingested_files`` lists exactly the files whose rows are in: a rerun can skip
        them. Other files' rows are never deleted except for duplicated keys.

        Parameters
        ----------
        dataset
            The release (its provenance fills the ``datasets`` row).
        result
            The file's parsed tables (pandas DataFrames or pyarrow Tables); each table's
            spec in :mod:`amity._schema` must have a ``file`` column.
        file_key
            The file's name, unique within the release (``20191024143000.export.CSV.zip``).
        file_hash
            Its checksum as the publisher gives it (MD5 for GDELT), recorded.
        version
            amity's version, recorded.
        """
        if self.read_only:
            raise StoreError("the store is open read-only; this is a bug in amity")
        origin = f"{dataset.key} {file_key}"
        raw = self._raw
        key = [dataset.source, dataset.release]
        views = {}
        # one file's rows are small: one thread does the work with less overhead (the
        # caller parses other files in parallel); the setting is restored below
        threads = raw.execute("SELECT current_setting('threads')").fetchone()[0]
        raw.execute("SET threads TO 1")
        try:
            for name, frame in result.tables.items():
                views[name] = self._check_appendable(name, frame, origin)
            raw.execute(_INGESTED_FILES_DDL)
            raw.execute("BEGIN TRANSACTION")
            known = raw.execute("SELECT 1 FROM ingested_files WHERE source = ? AND release = ? "
                                "AND file_key = ?", [*key, file_key]).fetchone() is not None
            deltas: dict[str, int] = {}
            years: list[int] = []
            for name, view in views.items():
                spec = TABLES[name]
                raw.execute(_ddl(name))
                deleted = 0
                if known:
                    deleted += raw.execute(f'DELETE FROM "{name}" WHERE source = ? AND '
                                           "release = ? AND file = ?",
                                           [*key, file_key]).fetchone()[0]
                first = spec.key[0]
                lo, hi = raw.execute(f'SELECT min("{first}"), max("{first}") FROM "{view}"'
                                     ).fetchone()
                # rows of other files with the same keys: none when no stored key falls in
                # the new rows' range (zone maps make that check cheap), else delete them
                clash = lo is not None and raw.execute(
                    f'SELECT count(*) FROM "{name}" WHERE source = ? AND release = ? AND '
                    f'"{first}" BETWEEN ? AND ?', [*key, lo, hi]).fetchone()[0]
                if clash:
                    match = " AND ".join(f't."{k}" = v."{k}"' for k in spec.key)
                    deleted += raw.execute(
                        f'DELETE FROM "{name}" AS t USING "{view}" AS v WHERE t.source = ? '
                        f'AND t.release = ? AND t."{first}" BETWEEN ? AND ? AND {match}',
                        [*key, lo, hi]).fetchone()[0]
                cols = [c for c in spec.columns if c != "file"]
                casts = ", ".join(f'CAST("{c}" AS {spec.columns[c]})' for c in cols)
                names = ", ".join(f'"{c}"' for c in cols)
                inserted = raw.execute(
                    f'INSERT INTO "{name}" (source, release, {names}, file) '
                    f'SELECT ?, ?, {casts}, ? FROM "{view}"', [*key, file_key]).fetchone()[0]
                deltas[name] = inserted - deleted
                if "year" in spec.columns:
                    years += [y for y in raw.execute(
                        f'SELECT min(year), max(year) FROM "{view}"').fetchone() if y is not None]
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            rows = {name: len(frame) for name, frame in result.tables.items()}
            raw.execute("DELETE FROM ingested_files WHERE source = ? AND release = ? AND "
                        "file_key = ?", [*key, file_key])
            raw.execute("INSERT INTO ingested_files VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [*key, file_key, file_hash, sum(rows.values()), result.skipped, now])
            self._append_dataset_row(dataset, deltas, years, result.notes, now, version)
            raw.execute("COMMIT")
        except BaseException as exc:
            import duckdb

            try:
                raw.execute("ROLLBACK")
            except duckdb.Error:  # no transaction open (failed while checking)
                pass
            if isinstance(exc, duckdb.Error):
                raise StoreError(f"{origin}: cannot append the rows (nothing of the file was "
                                 f"stored): {str(exc).splitlines()[0]}") from exc
            raise
        finally:
            for view in views.values():
                raw.unregister(view)
            raw.execute(f"SET threads TO {int(threads)}")
        return IngestReport(dataset.source, dataset.release, "ingested", rows,
                            result.skipped, tuple(result.notes))

    def _check_appendable(self, name: str, frame: Any, origin: str) -> str:
        """Register ``frame`` as a view after checking its columns and keys; the view name."""
        spec = TABLES.get(name)
        if spec is None or "file" not in spec.columns:
            raise StoreError(f"{origin}: {name!r} is not a canonical table with a 'file' "
                             "column; use Store.ingest for whole releases")
        found = list(getattr(frame, "column_names", None) or frame.columns)
        missing = [c for c in spec.columns if c not in found]
        extra = [c for c in found if c not in spec.columns]
        if missing or extra:
            raise StoreError(f"{origin}: table {name!r} has missing columns {missing} / "
                             f"unexpected columns {extra}; this is a bug in the parser")
        view = f"_amity_append_{name}"
        self._raw.register(view, frame)
        keys = ", ".join(f'"{k}"' for k in spec.key)
        nulls = " OR ".join(f'"{k}" IS NULL' for k in spec.key)
        n_null, n_dup = self._raw.execute(
            f'SELECT count(*) FILTER (WHERE {nulls}), count(*) - count(DISTINCT ({keys})) '
            f'FROM "{view}"').fetchone()
        if n_null:
            self._raw.unregister(view)
            raise StoreError(f"{origin}: table {name!r} has empty key values in {spec.key}")
        dup = None if not n_dup else self._raw.execute(
            f'SELECT {keys}, count(*) AS n FROM "{view}" GROUP BY ALL HAVING n > 1 LIMIT 1'
        ).fetchone()
        if dup is not None:
            self._raw.unregister(view)
            raise StoreError(f"{origin}: table {name!r} has duplicate key "
                             f"{dict(zip(spec.key, dup[:-1]))}; this is a bug in the parser")
        return view

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
                for c, t in zip(table.column_names, table.schema.types))
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
             datetime.now(timezone.utc).replace(tzinfo=None), fingerprint])

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
