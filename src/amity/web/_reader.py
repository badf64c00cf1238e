"""Reading the store for the dashboard: read-only, one connection per computation, and
answers cached per version of the store file.

Why it is built this way
    DuckDB lets one process write a file, or any number read it, not both: while
    ``amity setup`` writes the store, opening it fails, and while the dashboard has it
    open, ``amity setup`` cannot start. So the dashboard never keeps the store open: each
    computation opens it read-only (:class:`amity.store.Store`), reads, and closes it.
    What it computed is kept, keyed by the request and by the store's *version* (the
    size, modification time and inode of the file and of its write-ahead log): an
    unchanged store answers from memory without opening the file, and a changed one
    (a finished ``amity setup``) is read afresh.

While a writer holds the store
    Opening is retried for up to ``wait`` seconds. If the writer still holds it, the
    answer computed from the previous version is returned, marked stale
    (``X-Amity-Data: stale``), or, if there is none, :class:`~amity.web._errors.StoreBusy`
    (503, one line). A reader never sees a half-written release: it either opens the
    store between two committed writes or not at all.

The same request arriving from several browsers at once is computed once (the others
wait for it), so a burst of clients costs one computation.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from amity._exceptions import StoreError
from amity.web._errors import StoreBusy

__all__ = ["Answer", "Reader"]

T = TypeVar("T")
Version = tuple[tuple[int, int, int] | None, ...]


@dataclass(frozen=True)
class Answer:
    """A computed value, and whether it comes from an earlier version of the store."""

    value: Any
    stale: bool = False


class Reader:
    """Read-only access to one store file, with a cache of computed answers.

    Parameters
    ----------
    path
        The DuckDB file (``$AMITY_HOME/amity.duckdb``).
    wait
        Seconds to keep retrying while another process holds the store's lock.
    size
        How many answers to keep (least recently used are dropped).
    """

    def __init__(self, path: Path, *, wait: float = 2.0, size: int = 256) -> None:
        self.path = Path(path)
        self.wait = wait
        self.size = size
        self._answers: OrderedDict[tuple[Version, Hashable], Any] = OrderedDict()
        self._latest: OrderedDict[Hashable, Any] = OrderedDict()
        self._flights: dict[tuple[Version, Hashable], threading.Lock] = {}
        self._mutex = threading.Lock()
        self.opened = 0  # how many times the store was opened (for tests and benchmarks)

    def version(self) -> Version:
        """The store's version: (mtime ns, size, inode) of the file and of its log."""
        out: list[tuple[int, int, int] | None] = []
        for p in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = p.stat()
            except FileNotFoundError:
                out.append(None)
                continue
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))
        return tuple(out)

    @contextmanager
    def store(self) -> Iterator[Any]:
        """The store, open read-only for the block (retried while a writer holds it).

        Raises
        ------
        StoreBusy
            Another process still holds the store after ``wait`` seconds.
        MissingDataError
            There is no store file.
        """
        from amity.store import Store

        deadline = time.monotonic() + self.wait
        delay = 0.05
        while True:
            try:
                opened = Store(self.path, read_only=True)
                break
            except StoreError as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        "the store is being written by another amity process (amity setup "
                        "or ingest) and this page was not computed before. Fix: try again "
                        "when it has finished") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.4)
        self.opened += 1
        try:
            yield opened
        finally:
            opened.close()

    def get(self, key: Hashable, compute: Callable[[Any], T]) -> Answer:
        """The answer to ``key``: cached for this version of the store, else
        ``compute(store)`` with the store open (once, however many ask at the same time),
        else, while a writer holds the store, the answer from an earlier version."""
        full = (self.version(), key)
        found = self._cached(full)
        if found is not None:
            return found
        with self._mutex:
            flight = self._flights.setdefault(full, threading.Lock())
        try:
            with flight:
                found = self._cached(full)
                if found is not None:
                    return found
                try:
                    with self.store() as store:
                        value = compute(store)
                except StoreBusy:
                    with self._mutex:
                        if key in self._latest:
                            return Answer(self._latest[key], stale=True)
                    raise
                self._keep(full, value)
                return Answer(value)
        finally:
            with self._mutex:
                self._flights.pop(full, None)

    def _cached(self, full: tuple[Version, Hashable]) -> Answer | None:
        with self._mutex:
            if full in self._answers:
                self._answers.move_to_end(full)
                return Answer(self._answers[full])
        return None

    def _keep(self, full: tuple[Version, Hashable], value: Any) -> None:
        with self._mutex:
            self._answers[full] = value
            self._latest[full[1]] = value
            self._latest.move_to_end(full[1])
            for kept in (self._answers, self._latest):
                while len(kept) > self.size:
                    kept.popitem(last=False)

    def derive(self, key: Hashable, compute: Callable[[], T], *, stale: bool = False) -> T:
        """A value computed from other answers (no store needed), cached under the
        store's version like them: e.g. a page's JSON from the profile it shows. From a
        ``stale`` answer it is computed but not kept."""
        if stale:
            return compute()
        full = (self.version(), key)
        found = self._cached(full)
        if found is not None:
            return found.value  # type: ignore[no-any-return]
        value = compute()
        self._keep(full, value)
        return value
