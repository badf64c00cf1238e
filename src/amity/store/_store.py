"""The :class:`Store`: one object for everything that reads or writes the engine."""

from __future__ import annotations

import os
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from amity._contract import Dataset, ParseResult
from amity._exceptions import MissingDataError, StoreError
from amity._version import __version__
from amity.fetch import amity_home
from amity.store._crash import point
from amity.store._derived import derived_is_current, record_derived, write_frame
from amity.store._engine import attach_duckdb, connect_duckdb, connect_spark
from amity.store._ingest import IngestReport, swap_in
from amity.store._parts import AppendedFile, Parts
from amity.store._snapshot import WriterLock, new_working_copy, publish_file
from amity.store._tables import sql_text
from amity.store.catalog import FORMAT, Catalog, Release

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["Store", "open_store", "store_scope"]

#: Lock files this process holds (a second writer in the same process would wait for
#: itself).
_HELD: set[Path] = set()


def _take_lock(path: Path, on_wait: Callable[[str], None] | None) -> WriterLock:
    lock_path = path.with_name(path.name + ".lock").resolve()
    if lock_path in _HELD:
        raise StoreError(f"this process already writes the store {path}; close that Store "
                         "first. This is a bug in amity")
    lock = WriterLock(path, on_wait)
    lock.path = lock_path
    _HELD.add(lock_path)
    return lock


def _drop(lock: WriterLock, leftovers: list[Path]) -> None:
    """Release a writer that was never closed (garbage-collected)."""
    for path in leftovers:
        path.unlink(missing_ok=True)
    if lock.held:
        _HELD.discard(lock.path)
        lock.release()


def _alias(path: Path) -> str:
    """The name a writer attaches its working copy under (the reader's name: the stem)."""
    stem = path.stem
    return stem if stem.isidentifier() and stem not in ("memory", "temp", "system") \
        else "amity_store"


class Store:
    """An open store.

    Parameters
    ----------
    path
        The DuckDB file; created (with its folder) if absent.
    read_only
        Open the published store file read-only (any number of readers, never blocked
        by a writer). Otherwise the store is opened for writing: the writer lock is
        taken (waiting for another writer, with a message), changes go to a working copy
        and become current when published (:meth:`publish`; :meth:`ingest` and
        :meth:`record_derived` publish, and so does :meth:`close` unless the ``with``
        block failed).
    on_wait
        Called with a message when a writer waits for another one (default: standard
        error).

    Attributes
    ----------
    ibis
        The Ibis backend: readers get Ibis tables (:meth:`table`), so the indicator code
        is backend-neutral.
    con
        The DuckDB connection under Ibis (fast paths and benchmarks), or None on another
        backend.
    catalog
        The release catalogue (:class:`~amity.store.catalog.Catalog`).
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lock: WriterLock | None = None
        self._work: Path | None = None
        self._leftovers: list[Path] = []  # the working copy, for the finalizer
        self._discard = False
        self._published = time.monotonic()
        self.ibis: Any = None
        if read_only:
            self.ibis = connect_duckdb(self.path, read_only=True)
        else:
            self._lock = _take_lock(self.path, on_wait)
            # a writer dropped without close(): its unpublished changes go, the lock too
            weakref.finalize(self, _drop, self._lock, self._leftovers)
            try:
                self.ibis = connect_duckdb(Path(":memory:"), read_only=False)
                self._alias = _alias(self.path)
                self._attach()
            except BaseException:
                self._abandon()
                raise
        self.con: Any = self.ibis.con
        self._name = self.con.execute("SELECT current_database()").fetchone()[0]
        self.catalog = Catalog(self.con)
        self._parts = Parts(self.con, self.catalog, self.path.parent / f"{self.path.stem}.parts",
                            self._base)
        if not read_only:
            try:
                self.catalog.create()
                self._sweep()
            except BaseException:
                self._abandon()
                raise
        self._parts.refresh_views()

    def _sweep(self) -> None:
        """Remove what killed writers of older amity versions left in the store (empty
        ``ibis_duckdb_table_*`` tables) and Parquet parts no release lists."""
        for (name,) in self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = "
                "current_database() AND (table_name LIKE 'ibis\\_duckdb\\_table\\_%' "
                "ESCAPE '\\' OR table_name LIKE '\\_stage\\_%' ESCAPE '\\')").fetchall():
            self.con.execute(f'DROP TABLE IF EXISTS {self._base(name)}')
        self._parts.remove_orphans()

    def _abandon(self) -> None:
        """Drop the working copy and its changes, and let the next writer in."""
        if self._work is not None:
            if self.ibis is not None and self.ibis.name == "duckdb":
                try:
                    self.ibis.con.execute("USE memory")
                    self.ibis.con.execute(f'DETACH "{self._alias}"')
                except Exception:  # noqa: BLE001 - not attached, or the connection is gone
                    pass
            for leftover in (self._work, self._work.with_name(self._work.name + ".wal")):
                leftover.unlink(missing_ok=True)
            self._work = None
        if self._lock is not None:
            _HELD.discard(self._lock.path)
            self._lock.release()
            self._lock = None

    def publish(self, *, reopen: bool = True) -> None:
        """Make this writer's changes the store's current state, in one atomic step.

        Checkpoints and closes the working copy, then renames it onto the store file
        (:mod:`amity.store._snapshot`); with ``reopen``, writing goes on in a fresh copy.
        Readers see the whole previous state until the rename, the whole new one after.
        """
        self._writable()
        if self._work is None:
            raise StoreError("the store is closed; this is a bug in amity")
        point("publish.start")
        self.con.execute(f'CHECKPOINT "{self._alias}"')
        point("publish.checkpointed")
        self.con.execute("USE memory")
        self.con.execute(f'DETACH "{self._alias}"')
        point("publish.detached")
        work, self._work = self._work, None
        try:
            publish_file(work, self.path)
        except BaseException:
            work.unlink(missing_ok=True)
            raise
        self._published = time.monotonic()
        for part in self._parts.superseded:  # no published state lists them any more
            part.unlink(missing_ok=True)
        self._parts.superseded.clear()
        if reopen:
            self._attach()
            self.catalog.invalidate()
            self._parts.refresh_views()

    def _changed(self) -> bool:
        """Whether the working copy changed since it was copied (its log has entries: the
        engine never checkpoints it on its own, see :meth:`_attach`)."""
        assert self._work is not None
        wal = self._work.with_name(self._work.name + ".wal")
        return wal.exists() and wal.stat().st_size > 0

    def _attach(self) -> None:
        """Copy the store to a new working copy and make it the current database; the
        engine's own checkpoints are off, so that changes stay in the copy's log until
        :meth:`publish` (and :meth:`_changed` can tell whether there are any)."""
        self._work = new_working_copy(self.path)
        self._leftovers[:] = [self._work, self._work.with_name(self._work.name + ".wal")]
        attach_duckdb(self.ibis, self._work, self._alias)
        self.ibis.con.execute("SET checkpoint_threshold = '1TB'")

    def _publish_if_due(self) -> None:
        """Publish when the last publish is ``AMITY_PUBLISH_SECONDS`` (30) old: a stream of
        appends costs one copy of the store per interval, not per batch."""
        every = float(os.environ.get("AMITY_PUBLISH_SECONDS", "30"))
        if time.monotonic() - self._published >= every:
            self.publish()

    @classmethod
    def on_spark(cls, folder: str | os.PathLike[str], session: Any = None) -> Store:
        """A read-only store on PySpark over the canonical tables as Parquet files.

        ``folder`` holds ``<table>.parquet`` files written by :meth:`to_parquet`
        (``amity setup --parquet``). The indicator and index code runs unchanged on it
        through Ibis; the DuckDB fast paths are skipped.
        """
        self = cls.__new__(cls)
        self.path, self.read_only = Path(folder), True
        self._lock, self._work, self._discard = None, None, False
        self.ibis = connect_spark(self.path, session)
        self.con = None
        self.catalog = Catalog(None, read=self._read_whole)
        self._parts = None  # type: ignore[assignment]
        return self

    def _read_whole(self, name: str) -> pd.DataFrame:
        if name not in self.ibis.list_tables():
            from amity._schema import CATALOG

            return pd.DataFrame(columns=list(CATALOG[name].columns))
        return self.ibis.table(name).to_pandas()

    def _base(self, name: str) -> str:
        """The stored table ``name`` itself (a temporary view of the same name adds the
        Parquet parts for readers)."""
        return f'"{self._name}"."main"."{name}"'

    def to_parquet(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write every table (canonical, catalogue, derived) as ``<folder>/<table>.parquet``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(".*.parquet.part"):  # left by a killed run
            stale.unlink(missing_ok=True)
        written = []
        for name in self.ibis.list_tables():
            if name.startswith("_"):
                continue
            dest = folder / f"{name}.parquet"
            tmp = folder / f".{name}.parquet.part"
            self.con.execute(f'COPY "{name}" TO {sql_text(tmp)} (FORMAT PARQUET)')
            os.replace(tmp, dest)
            written.append(dest)
        return written

    def close(self) -> None:
        """Close the store: a writer publishes its changes (:meth:`publish`) unless the
        block it was opened for failed; a Spark session is left running for its other
        users."""
        if self.ibis.name != "duckdb":
            return
        try:
            if self._work is not None and not self._discard and self._changed():
                self.publish(reopen=False)
        finally:
            self._abandon()
            self.ibis.disconnect()

    def checkpoint(self) -> None:
        """Make the store file complete and current (before copying it): a writer
        publishes its changes (:meth:`publish`), a reader has nothing to do."""
        if self._work is not None:
            self.publish()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is not None:  # the block failed: its unpublished changes are dropped
            self._discard = True
        self.close()

    # -- reading -------------------------------------------------------------------
    def has(self, name: str) -> bool:
        """Whether table ``name`` exists and has rows."""
        if name not in self.ibis.list_tables():
            return False
        if self.con is None:
            return bool(self.ibis.table(name).limit(1).count().execute())
        return bool(self.con.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0])

    def table(self, name: str, *, source: str | None = None,
              release: str | None = None) -> ir.Table:
        """An Ibis table, optionally filtered to one source and release.

        Raises
        ------
        MissingDataError
            The table is empty or absent; the message names the ``amity setup`` step.
        StoreError
            Parquet parts of the table that the store lists are missing.
        """
        if self._parts is not None:
            self._parts.check_complete(name)
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
        return self.con.execute(sql, list(params)).df()

    def datasets(self) -> pd.DataFrame:
        """The release catalogue, one row per source and release (JSON columns decoded)."""
        return self.catalog.frame()

    def releases(self, source: str) -> list[str]:
        """Releases of ``source`` in the store, the default first."""
        return self.catalog.releases(source)

    def release(self, source: str, release: str) -> Release | None:
        """The catalogue's record of one release (None: not in the store)."""
        return self.catalog.get(source, release)

    def ingested_files(self, source: str | None = None,
                       release: str | None = None) -> pd.DataFrame:
        """The files of the releases: source, release, file_key, hash, rows, period, part."""
        return self.catalog.files(source, release)

    # -- writing -------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only or self._lock is None:
            raise StoreError("the store is open read-only; this is a bug in amity")

    def is_current(self, dataset: Dataset, hashes: Mapping[str, str]) -> bool:
        """Whether this release is stored, in this amity's format, from files with exactly
        these hashes."""
        row = self.catalog.get(dataset.source, dataset.release)
        return (row is not None and row.format >= FORMAT
                and self.catalog.file_hashes(dataset.source, dataset.release) == dict(hashes))

    def ingest(self, dataset: Dataset, result: ParseResult, hashes: Mapping[str, str], *,
               on_write: Callable[[str], None] | None = None,
               allow_shrink: bool = False) -> IngestReport:
        """Swap ``result`` in as ``dataset``'s rows, in one transaction.

        Parameters
        ----------
        dataset
            The release being written.
        result
            Parsed canonical tables.
        hashes
            File name → sha256 of the files parsed (recorded, and used for no-op checks).
        on_write
            Called with a message when the write transaction starts (progress output).
        allow_shrink
            Let a release with an empty table, or far fewer rows than the stored one,
            replace it (else :class:`~amity.ShrinkError`, nothing changed).

        The new release is published (:meth:`publish`) before this returns: readers see
        the old release or the new one, never a mixture.
        """
        self._writable()
        report = swap_in(self.con, self.catalog, self._base, dataset, result, hashes,
                         version=__version__, on_write=on_write, allow_shrink=allow_shrink)
        self.publish()
        return report

    def append(self, dataset: Dataset, result: ParseResult, file_key: str,
               file_hash: str | None) -> IngestReport:
        """Add one publisher file's rows to ``dataset``'s release (:meth:`append_files`)."""
        return self.append_files(dataset, [(file_key, file_hash, result)])[0]

    def append_files(self, dataset: Dataset,
                     files: Sequence[AppendedFile]) -> list[IngestReport]:
        """Add a batch of publisher files' rows to ``dataset``'s release, in one transaction
        (see :meth:`amity.store._parts.Parts.append_files`)."""
        self._writable()
        reports = self._parts.append_files(dataset, files, version=__version__)
        self._publish_if_due()
        return reports

    @contextmanager
    def settings(self, **values: str | bool) -> Iterator[None]:
        """DuckDB settings for the duration of a block (``memory_limit="256MB"``), the
        previous values restored afterwards."""
        con = self.con
        old = {k: con.execute(f"SELECT current_setting('{k}')").fetchone()[0] for k in values}
        try:
            for key, value in values.items():
                con.execute(f"SET {key} = '{value}'")
            yield
        finally:
            for key, value in old.items():
                con.execute(f"SET {key} = '{value}'")

    # -- derived tables (the panel and the index) -------------------------------------
    def replace_table(self, name: str, expr: ir.Table) -> None:
        """Create or replace ``name`` from an Ibis expression in one statement."""
        self.ibis.create_table(name, expr, overwrite=True)

    def write_frame(self, name: str, frame: pd.DataFrame) -> None:
        """Create or replace ``name`` from a DataFrame in one statement."""
        write_frame(self.con, name, frame)

    def record_derived(self, source: str, release: str, years: tuple[int, int],
                       rows: Mapping[str, int], scope: Mapping[str, Any],
                       fingerprint: str) -> None:
        """Record a derived table set with the releases it was built from, and publish it
        with the tables written before (all of them become current in one step)."""
        self._writable()
        record_derived(self.catalog, source, release, years, rows, scope,
                       fingerprint, __version__)
        self.publish()  # the derived tables and their record become current together

    def derived_is_current(self, source: str, release: str, fingerprint: str) -> bool:
        """Whether the derived tables match the releases stored now and this computation."""
        if self.con is None:
            return False
        return derived_is_current(self.catalog, source, release, fingerprint)


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


@contextmanager
def store_scope(store: Store | None = None, *, read_only: bool = True) -> Iterator[Store]:
    """``store`` itself, or the user's store opened for the block and closed after it.

    The one way the public functions take an optional store::

        def profile(a, b, *, store=None):
            with store_scope(store) as s:
                ...

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["AMITY_HOME"] = tempfile.mkdtemp()
    >>> with store_scope(read_only=False) as s:
    ...     s.has("un_votes")
    False
    >>> del os.environ["AMITY_HOME"]
    """
    if store is not None:
        yield store
        return
    with open_store(read_only=read_only) as own:
        yield own
