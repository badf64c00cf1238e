"""The append engine: publisher files added to a release as Parquet parts (GDELT).

Sources published as a stream of files (GDELT: one every 15 minutes) add files to a
release instead of replacing it. Each batch of files becomes one Parquet part in
``<store>.parts/<table>/`` (zstd, written with Arrow: several times cheaper than inserting
into a compressed DuckDB table, and the layout event data at GDELT's scale wants),
recorded with its files in ``ingested_files`` in one transaction. A temporary view with
the table's name unites the stored table and the parts it lists, so readers (Ibis, SQL,
the Parquet export) see one table; parts that no published batch lists (a crash between
writing and publishing) are deleted when the next writer opens the store, and parts a
rewrite replaced only once the store that no longer lists them is published.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from amity._contract import Dataset, ParseResult
from amity._exceptions import StoreError
from amity._schema import TABLES
from amity.store._crash import point
from amity.store._ingest import IngestReport
from amity.store._tables import arrow_type, ddl, sql_text
from amity.store.catalog import (
    Catalog,
    FileRecord,
    Release,
    merged_notes,
    now,
    totals_after,
)

__all__ = ["Parts"]

#: One file of a batch: its key (name), its checksum as the publisher gives it, its rows.
AppendedFile = tuple[str, str | None, ParseResult]


class Parts:
    """The Parquet parts of one open store.

    Parameters
    ----------
    con
        The store's DuckDB connection.
    catalog
        Its release catalogue (lists the parts of each file).
    folder
        ``<store>.parts``.
    base
        ``name`` → the qualified name of the stored table itself (a temporary view of the
        same name adds the parts for readers).
    """

    def __init__(self, con: Any, catalog: Catalog, folder: Path,
                 base: Callable[[str], str]) -> None:
        self.con, self.catalog, self.folder, self.base = con, catalog, folder, base
        self.missing: dict[str, list[Path]] = {}
        #: Parts replaced by a rewrite, deleted once no published state lists them.
        self.superseded: list[Path] = []

    # -- reading ---------------------------------------------------------------------
    def _relative(self, part: Path) -> str:
        return part.relative_to(self.folder).as_posix()

    def paths(self) -> dict[str, list[Path]]:
        """Table → its Parquet parts, as ``ingested_files`` lists them (committed only)."""
        parts: dict[str, list[Path]] = {}
        for rel in self.catalog.part_names():
            parts.setdefault(rel.split("/", 1)[0], []).append(self.folder / rel)
        return parts

    def refresh_views(self) -> None:
        """(Re)create, for each table with Parquet parts, a temporary view of the same name
        over the stored table and the parts: every reader sees one table. Parts that are
        listed but missing are remembered in :attr:`missing`."""
        con = self.con
        parts: dict[str, list[Path]] = {}
        self.missing = {}
        for name, paths in self.paths().items():
            for path in paths:
                found = parts if path.is_file() else self.missing
                found.setdefault(name, []).append(path)
        for name, paths in parts.items():
            files = ", ".join(sql_text(p) for p in paths)
            con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * FROM '
                        f"{self.base(name)} UNION ALL BY NAME SELECT * FROM "
                        f"read_parquet([{files}])")
        for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE temporary "
                                   "AND NOT internal").fetchall():
            if name not in parts and name in TABLES:
                con.execute(f'DROP VIEW IF EXISTS temp.main."{name}"')

    def check_complete(self, name: str) -> None:
        """Raise when parts of table ``name`` that the store lists are missing."""
        missing = self.missing.get(name)
        if missing:
            raise StoreError(
                f"{len(missing)} Parquet parts of the {name!r} table that the store lists are "
                f"missing (e.g. {missing[0]}). Fix: restore the folder {self.folder}, or "
                "start a new store (AMITY_HOME) and run `amity setup` and `amity fetch` again")

    # -- appending ---------------------------------------------------------------------
    def append_files(self, dataset: Dataset, files: Sequence[AppendedFile], *,
                     version: str = "") -> list[IngestReport]:
        """Add a batch of publisher files' rows to ``dataset``'s release, in one transaction.

        One batch

        1. drops the rows earlier appends of these files wrote (a re-ingest), and the
           rows of other files of the release that carry a key of the new rows (one row
           per key: the file appended last wins, also within the batch); rows in Parquet
           parts are dropped by rewriting those parts (rare: GDELT ids are unique);
        2. writes the new rows, ``file`` set to their file's key, as a new Parquet part;
        3. records, in one transaction, each file in ``ingested_files`` (hash, rows,
           skipped rows, part, the period the file covers) and the release's catalogue
           row (rows, coverage, notes, skipped rows).

        A crash or kill before the commit leaves the store as it was (the new part is
        listed nowhere and is deleted by the next append), so ``ingested_files`` lists
        exactly the files whose rows are in: a rerun can skip them. Other files' rows are
        never dropped except for duplicated keys.

        Parameters
        ----------
        dataset
            The release (its provenance fills the catalogue row).
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
        files = list(files)
        if not files:
            return []
        keys_given = [f[0] for f in files]
        if len(set(keys_given)) < len(keys_given):
            raise StoreError(f"{dataset.key}: a file appears twice in one batch; this is a "
                             "bug in amity")
        origin = f"{dataset.key} {files[0][0]}" + (f" (+{len(files) - 1} files)"
                                                   if len(files) > 1 else "")
        con = self.con
        key = [dataset.source, dataset.release]
        views: dict[str, tuple[str, str, Any]] = {}
        written: list[Path] = []  # part files of this batch: deleted if it fails
        replaced: list[Path] = []  # part files it supersedes: deleted once it commits
        counts = [{name: len(frame) for name, frame in r.tables.items()} for _, _, r in files]
        try:
            names = list(dict.fromkeys(n for _, _, r in files for n in r.tables))
            for name in names:
                views[name] = self._check_appendable(name, files, origin)
            con.execute("BEGIN TRANSACTION")
            point("append.begun")
            marks = ", ".join("?" for _ in files)
            known = [r[0] for r in con.execute(
                "SELECT file_key FROM ingested_files WHERE source = ? AND release = ? AND "
                f"file_key IN ({marks})", [*key, *keys_given]).fetchall()]
            deltas: dict[str, int] = {}
            years: list[int] = []
            parts: dict[str, str] = {}
            for name, (view, rows_sql, rows) in views.items():
                deleted = self._drop_replaced(name, dataset, view, known, written, replaced)
                point("append.dropped")
                part, inserted = self._write_part(name, dataset, rows_sql, rows)
                written.append(part)
                point("append.part_written")
                parts[name] = self._relative(part)
                deltas[name] = inserted - deleted
                if "year" in TABLES[name].columns:
                    years += [y for y in con.execute(
                        f'SELECT min(year), max(year) FROM "{view}"').fetchone() if y is not None]
            self.catalog.write_files(dataset.source, dataset.release, [
                FileRecord(k, h, sum(c.values()), r.skipped,
                           ";".join(parts[t] for t in r.tables if t in parts) or None,
                           dataset.file_period(k) if dataset.file_period else None)
                for (k, h, r), c in zip(files, counts, strict=True)])
            point("append.files_recorded")
            self._record_release(dataset, deltas, years,
                                 [n for _, _, r in files for n in r.notes], version)
            point("append.commit")
            con.execute("COMMIT")
            point("append.committed")
        except BaseException as exc:
            import duckdb
            import pyarrow as pa

            try:
                con.execute("ROLLBACK")
            except duckdb.Error:  # no transaction open (failed while checking)
                pass
            for path in written:
                path.unlink(missing_ok=True)
            self.catalog.invalidate()
            self.refresh_views()
            if isinstance(exc, duckdb.Error | OSError | pa.ArrowException):
                what = "the file" if len(files) == 1 else f"the {len(files)} files"
                raise StoreError(f"{origin}: cannot append the rows (nothing of {what} was "
                                 f"stored): {str(exc).splitlines()[0]}") from exc
            raise
        finally:
            for view, _, _ in views.values():
                con.unregister(view)
        self.catalog.invalidate()
        self.refresh_views()
        self.superseded += replaced  # the published store may list them still
        return [IngestReport(dataset.source, dataset.release, "ingested", c, r.skipped,
                             tuple(r.notes)) for (_, _, r), c in zip(files, counts, strict=True)]

    def _drop_replaced(self, name: str, dataset: Dataset, view: str, known: list[str],
                       written: list[Path], replaced: list[Path]) -> int:
        """Delete the rows the batch replaces (inside its transaction): those of files it
        ingests again, and those of other files with a key of the new rows. Rows removed."""
        con, spec = self.con, TABLES[name]
        key = [dataset.source, dataset.release]
        con.execute(ddl(name, self.base(name)))
        deleted = 0
        gone = " OR ".join("file = ?" for _ in known)
        if known:  # a re-ingest: the files' earlier rows go
            deleted += con.execute(
                f"DELETE FROM {self.base(name)} WHERE source = ? AND release = ? AND "
                f"({gone})", [*key, *known]).fetchone()[0]
        first = spec.key[0]
        lo, hi = con.execute(f'SELECT min("{first}"), max("{first}") FROM "{view}"').fetchone()
        # rows of other files with the same keys: none when no stored key falls in the new
        # rows' range (zone maps and Parquet statistics make that check cheap), else they go
        clash = lo is not None and con.execute(
            f'SELECT count(*) FROM "{name}" WHERE source = ? AND release = ? AND '
            f'"{first}" BETWEEN ? AND ?', [*key, lo, hi]).fetchone()[0]
        match = " AND ".join(f't."{k}" = v."{k}"' for k in spec.key)
        if clash:
            deleted += con.execute(
                f'DELETE FROM {self.base(name)} AS t USING "{view}" AS v WHERE '
                f't.source = ? AND t.release = ? AND t."{first}" BETWEEN ? AND ? AND '
                f"{match}", [*key, lo, hi]).fetchone()[0]
        if known or clash:
            keep = [f"NOT EXISTS (SELECT 1 FROM \"{view}\" AS v WHERE {match})"]
            if known:
                keep.append(f"NOT ({gone})")
            deleted += self._rewrite(name, dataset, " AND ".join(keep), known, written,
                                     replaced)
        return deleted

    def _record_release(self, dataset: Dataset, deltas: Mapping[str, int], years: list[int],
                        notes: list[str], version: str) -> None:
        """Rewrite the release's catalogue row after an append (inside its transaction)."""
        prev = self.catalog.get(dataset.source, dataset.release)
        tables = totals_after(prev.tables if prev else {}, deltas)
        bounds = years + [y for y in ((prev.coverage_start, prev.coverage_end) if prev
                                      else ()) if y is not None]
        _, skipped = self.catalog.appended_totals(dataset.source, dataset.release)
        self.catalog.write(Release(
            dataset.source, dataset.release, dataset.title, dataset.publisher,
            dataset.citation, dataset.licence, dataset.homepage, tables=tables,
            rows=sum(tables.values()), coverage_start=min(bounds, default=None),
            coverage_end=max(bounds, default=None), caveats=list(dataset.caveats),
            notes=merged_notes(prev.notes if prev else [], notes), skipped_rows=skipped,
            is_default=dataset.default, ingested_at=now(), amity_version=version))

    def _write_part(self, name: str, dataset: Dataset, rows_sql: str,
                    rows: Any) -> tuple[Path, int]:
        """Write the batch's rows of ``name`` (``rows``, or the rows of ``rows_sql`` when a
        key repeats across its files) as a new Parquet part (Arrow's writer, zstd); the
        part and its rows."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        spec = TABLES[name]
        if rows_sql.startswith("("):
            rows = self.con.execute(f"SELECT * EXCLUDE (_batch_seq) FROM {rows_sql}"
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
                cols[col] = values.cast(arrow_type(kind))
        folder = self.folder / name
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

    def _rewrite(self, name: str, dataset: Dataset, keep_sql: str, known: list[str],
                 written: list[Path], replaced: list[Path]) -> int:
        """Rewrite the release's parts of ``name`` keeping the rows where ``keep_sql`` holds
        (``t`` is the part's row; parameters: the ``known`` file keys); updates
        ``ingested_files`` (in the caller's transaction). Rows removed."""
        con = self.con
        rels = [r for r in self.catalog.part_names(dataset.source, dataset.release)
                if r.startswith(f"{name}/")]
        removed = 0
        for rel in rels:
            old = self.folder / rel
            src = sql_text(old)
            before = con.execute(f"SELECT count(*) FROM read_parquet({src})").fetchone()[0]
            after = con.execute(f"SELECT count(*) FROM read_parquet({src}) AS t WHERE "
                                f"{keep_sql}", known).fetchone()[0]
            if after == before:
                continue
            new_rel = None
            if after:
                new = old.with_name(f"{old.name.rsplit('-', 1)[0]}-{uuid.uuid4().hex[:16]}"
                                    ".parquet")
                tmp = new.with_name("." + new.name + ".tmp")
                con.execute(f"COPY (SELECT * FROM read_parquet({src}) AS t WHERE {keep_sql}) "
                            f"TO {sql_text(tmp)} (FORMAT parquet, COMPRESSION zstd)", known)
                os.replace(tmp, new)
                written.append(new)
                new_rel = self._relative(new)
            self.catalog.replace_parts(dataset.source, dataset.release, rel, new_rel)
            replaced.append(old)
            removed += before - after
        return removed

    def remove_orphans(self) -> None:
        """Delete part files no committed batch refers to (left by a crash or a kill);
        the writer calls it when it opens the store, before its first change."""
        if not self.folder.is_dir():
            return
        live = {p for paths in self.paths().values() for p in paths}
        for path in self.folder.glob("*/*"):
            if path.is_file() and path not in live:
                path.unlink(missing_ok=True)

    def _check_appendable(self, name: str, files: Sequence[AppendedFile],
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
        self.con.register(view, rows)
        keys = ", ".join(f'"{k}"' for k in spec.key)
        nulls = " OR ".join(f'"{k}" IS NULL' for k in spec.key)
        distinct = f'"{spec.key[0]}"' if len(spec.key) == 1 else f"({keys})"
        n_null, n_rows, n_keys = self.con.execute(
            f'SELECT count(*) FILTER (WHERE {nulls}), count(*), count(DISTINCT {distinct}) '
            f'FROM "{view}"').fetchone()
        n_file_keys = n_rows if n_keys == n_rows else self.con.execute(
            f'SELECT count(DISTINCT (_batch_seq, {keys})) FROM "{view}"').fetchone()[0]
        problem = None
        if n_null:
            problem = f"table {name!r} has empty key values in {spec.key}"
        elif n_file_keys < n_rows:
            dup = self.con.execute(f'SELECT {keys}, any_value(file), count(*) AS n FROM '
                                   f'"{view}" GROUP BY _batch_seq, {keys} HAVING n > 1 '
                                   "LIMIT 1").fetchone()
            problem = (f"table {name!r} of {dup[-2]} has duplicate key "
                       f"{dict(zip(spec.key, dup[:-2], strict=True))}; this is a bug in the parser")
        if problem:
            self.con.unregister(view)
            raise StoreError(f"{origin}: {problem}")
        if n_keys == n_rows:
            return view, f'"{view}"', rows
        return view, (f'(SELECT * FROM "{view}" QUALIFY row_number() OVER (PARTITION BY '
                      f'{keys} ORDER BY _batch_seq DESC) = 1)'), rows
