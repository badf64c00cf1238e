"""The store: one DuckDB file reached through Ibis, and the only package that talks to it.

``$AMITY_HOME/amity.duckdb`` holds the canonical tables of :mod:`amity._schema` and the
release catalogue (:mod:`amity.store.catalog`: one row per ingested source and release,
and the files each was read from).

- :class:`Store` opens the engine (:mod:`~amity.store._engine`: DuckDB, or PySpark over a
  Parquet copy) and gives readers Ibis tables, so that the indicator code is
  backend-neutral.
- The store file is never written in place: a writer takes the writer lock, works on a
  copy and publishes it with one atomic rename (:mod:`~amity.store._snapshot`), so a kill
  at any point leaves the last complete state and readers never wait for a writer
  (docs/reliability.md).
- Whole releases are swapped in atomically and idempotently, and an input that would
  empty or shrink a release is refused (:mod:`~amity.store._ingest`); releases published
  as a stream of files (GDELT) grow by Parquet parts (:mod:`~amity.store._parts`); tables
  amity derives (the panel, the index) are recorded with the releases they were built
  from (:mod:`~amity.store._derived`).
- :func:`open_store` opens the user's store; :func:`store_scope` is the one way the
  public functions take an optional store.
"""

from __future__ import annotations

from amity.store._ingest import IngestReport
from amity.store._store import Store, open_store, store_scope
from amity.store.catalog import Release

__all__ = ["IngestReport", "Release", "Store", "open_store", "store_scope"]
