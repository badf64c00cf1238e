"""The :class:`Store`: one object for everything that reads or writes the engine."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from amity._contract import Dataset, ParseResult
from amity._exceptions import MissingDataError, StoreError
from amity._version import __version__
from amity.fetch import amity_home
from amity.store._derived import derived_is_current, record_derived, write_frame
from amity.store._engine import connect_duckdb, connect_spark
from amity.store._ingest import IngestReport, swap_in
from amity.store._parts import AppendedFile, Parts
from amity.store._tables import sql_text
from amity.store.catalog import FORMAT, Catalog, Release

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["Store", "open_store", "store_scope"]


class Store:
    """An open store.

    Parameters
    ----------
    path
        The DuckDB file; created (with its folder) if absent.
    read_only
        Open without write access (several readers may share the file).

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

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.ibis = connect_duckdb(self.path, read_only=read_only)
        self.con: Any = self.ibis.con
        self._name = self.con.execute("SELECT current_database()").fetchone()[0]
        self.catalog = Catalog(self.con)
        if not read_only:
            self.catalog.create()
        self._parts = Parts(self.con, self.catalog, self.path.parent / f"{self.path.stem}.parts",
                            self._base)
        self._parts.refresh_views()

    @classmethod
    def on_spark(cls, folder: str | os.PathLike[str], session: Any = None) -> Store:
        """A read-only store on PySpark over the canonical tables as Parquet files.

        ``folder`` holds ``<table>.parquet`` files written by :meth:`to_parquet`
        (``amity setup --parquet``). The indicator and index code runs unchanged on it
        through Ibis; the DuckDB fast paths are skipped.
        """
        self = cls.__new__(cls)
        self.path, self.read_only = Path(folder), True
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
        """Close the connection (a Spark session is left running for its other users)."""
        if self.ibis.name == "duckdb":
            self.ibis.disconnect()

    def checkpoint(self) -> None:
        """Write the DuckDB file's log into the file (before copying the file)."""
        self.con.execute("CHECKPOINT")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
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
        if self.read_only:
            raise StoreError("the store is open read-only; this is a bug in amity")

    def is_current(self, dataset: Dataset, hashes: Mapping[str, str]) -> bool:
        """Whether this release is stored, in this amity's format, from files with exactly
        these hashes."""
        row = self.catalog.get(dataset.source, dataset.release)
        return (row is not None and row.format >= FORMAT
                and self.catalog.file_hashes(dataset.source, dataset.release) == dict(hashes))

    def ingest(self, dataset: Dataset, result: ParseResult, hashes: Mapping[str, str], *,
               on_write: Callable[[str], None] | None = None) -> IngestReport:
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
        """
        self._writable()
        return swap_in(self.con, self.catalog, self._base, dataset, result, hashes,
                       version=__version__, on_write=on_write)

    def append(self, dataset: Dataset, result: ParseResult, file_key: str,
               file_hash: str | None) -> IngestReport:
        """Add one publisher file's rows to ``dataset``'s release (:meth:`append_files`)."""
        return self.append_files(dataset, [(file_key, file_hash, result)])[0]

    def append_files(self, dataset: Dataset,
                     files: Sequence[AppendedFile]) -> list[IngestReport]:
        """Add a batch of publisher files' rows to ``dataset``'s release, in one transaction
        (see :meth:`amity.store._parts.Parts.append_files`)."""
        self._writable()
        return self._parts.append_files(dataset, files, version=__version__)

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
        """Record a derived table set with the releases it was built from."""
        self._writable()
        record_derived(self.catalog, source, release, years, rows, scope,
                       fingerprint, __version__)

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
