"""Opening the engines: the DuckDB file through Ibis, or PySpark over a Parquet copy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from amity._exceptions import MissingDataError, StoreError

__all__ = ["attach_duckdb", "connect_duckdb", "connect_spark", "spark_session"]


def connect_duckdb(path: Path, *, read_only: bool) -> Any:
    """An Ibis DuckDB backend on the store file (created with its folder when writable).

    Read-only, the file is attached to an in-memory database of its own (not DuckDB's
    per-process cache of open files): a reader opened after a writer published a new
    store file reads the new file even while an older reader in the same process still
    reads the old one (:mod:`amity.store._snapshot`). ``":memory:"``: an in-memory
    database (a writer attaches its working copy to it).

    Raises
    ------
    MissingDataError
        Read-only, and there is no store file.
    StoreError
        The file cannot be opened (another process writes it, it is not a DuckDB file).
    """
    import duckdb
    import ibis

    if str(path) == ":memory:":
        return ibis.duckdb.connect()
    if read_only and not path.exists():
        raise MissingDataError(
            f"no amity store at {path}. Fix: run `amity setup` (with --mirror DIR or "
            "AMITY_MIRROR for a local copy of the data)")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if not read_only:
            return ibis.duckdb.connect(str(path))
        backend = ibis.duckdb.connect()
        from amity.store._tables import sql_text

        alias = path.stem if path.stem.isidentifier() and path.stem not in (
            "memory", "temp", "system") else "amity_store"
        backend.con.execute(f'ATTACH {sql_text(path)} AS "{alias}" (READ_ONLY)')
        backend.con.execute(f'USE "{alias}"')
        return backend
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot open the store {path}: {str(exc).splitlines()[0]}. Fix: close other "
            "amity processes writing to it, or set AMITY_HOME to another folder") from exc


def attach_duckdb(backend: Any, path: Path, alias: str) -> None:
    """Attach the DuckDB file ``path`` (a writer's working copy) to ``backend``'s
    connection as ``alias`` and make it the current database.

    Raises
    ------
    StoreError
        The file cannot be opened (not a DuckDB file, a log that cannot be replayed).
    """
    import duckdb

    from amity.store._tables import sql_text

    try:
        backend.con.execute(f'ATTACH {sql_text(path)} AS "{alias}"')
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot open a copy of the store to write it: {str(exc).splitlines()[0]}. "
            "Fix: restore the store file from a backup, or start a new store (AMITY_HOME) "
            "and run `amity setup`") from exc
    backend.con.execute(f'USE "{alias}"')


def spark_session() -> Any:
    """A local PySpark session bound to the loopback interface (2 cores, UTC)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise StoreError("AMITY_BACKEND=pyspark needs PySpark. Fix: pip install "
                         "'amity[spark]'") from exc
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (SparkSession.builder.master("local[2]").appName("amity")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.ansi.enabled", "false").getOrCreate())


def connect_spark(folder: Path, session: Any = None) -> Any:
    """An Ibis PySpark backend with every ``<folder>/<table>.parquet`` registered as a table.

    Raises
    ------
    MissingDataError
        The folder holds no Parquet tables (``amity setup --parquet`` writes them).
    """
    import ibis

    files = sorted(folder.glob("*.parquet"))
    if not files:
        raise MissingDataError(f"no Parquet tables in {folder}. Fix: run `amity setup "
                               "--parquet` to write them from the store")
    backend = ibis.pyspark.connect(session if session is not None else spark_session())
    for file in files:
        backend.read_parquet(str(file), table_name=file.stem)
    return backend
