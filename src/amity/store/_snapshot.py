"""Copy-on-write snapshots: how a writer changes the store without anyone seeing it half done.

The store file ``amity.duckdb`` is never written in place. A writer

1. takes the writer lock ``amity.duckdb.lock`` (``flock``; a second writer waits, saying
   for whom, up to ``AMITY_WRITE_WAIT`` seconds, default 3600);
2. sweeps what killed writers left: working copies ``.amity.duckdb.*.work`` and their
   logs;
3. copies the store file to a working copy beside it and makes every change there;
4. *publishes*: ``CHECKPOINT`` (the working copy's log goes into the file), detach (the
   file is closed and has no log), ``fsync``, then one ``os.replace`` of the working copy
   onto ``amity.duckdb`` and an ``fsync`` of the folder.

The rename is the one step that makes a new state current, and it is atomic: a reader
that opens the store gets the whole old file or the whole new one, and a process killed at
any moment (inside ``COMMIT``, the checkpoint, the copy) leaves the published file as it
was plus a working copy that the next writer deletes. Nothing depends on the engine
replaying its write-ahead log after a crash: the published file never has one. Readers
open the published file read-only and never wait for a writer (a reader that opened the
old file keeps reading it until it closes; Linux keeps the unlinked file while it is open).

The price is one copy of the store file per publish (about 0.6 s per GB from the page
cache) and twice the store's size on disk while a writer runs. See docs/reliability.md.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from amity._exceptions import StoreError
from amity.store._crash import point

__all__ = ["WriterLock", "fsync_dir", "leftovers", "new_working_copy", "publish_file"]


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _default_wait(message: str) -> None:
    print(f"amity: {message}", file=sys.stderr, flush=True)


class WriterLock:
    """The store's writer lock: one writing process at a time, the others wait.

    Parameters
    ----------
    path
        The store file; the lock is ``<path>.lock``.
    on_wait
        Called once with a message when another process holds the lock (default: print
        it to standard error).
    timeout
        Seconds to wait (default ``AMITY_WRITE_WAIT`` or 3600) before
        :class:`~amity.StoreError`.
    """

    def __init__(self, path: Path, on_wait: Callable[[str], None] | None = None,
                 timeout: float | None = None) -> None:
        self.path = path.with_name(path.name + ".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        wait = timeout if timeout is not None else float(
            os.environ.get("AMITY_WRITE_WAIT", "3600"))
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            self._acquire(path, wait, on_wait or _default_wait)
        except BaseException:
            os.close(self._fd)
            raise
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)

    def _acquire(self, store: Path, wait: float, on_wait: Callable[[str], None]) -> None:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise StoreError(f"cannot lock the store {store}: {exc.strerror}") from exc
            holder = os.pread(self._fd, 32, 0).decode(errors="replace").strip() or "?"
            if not told:
                on_wait(f"waiting for another amity process (pid {holder}) that writes "
                        f"{store} to finish ...")
                told = True
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"another amity process (pid {holder}) has been writing {store} for "
                    f"more than {wait:g} s. Fix: wait for it to finish, or stop it (the "
                    "store keeps its last complete state), or raise AMITY_WRITE_WAIT")
            time.sleep(0.1)

    @property
    def held(self) -> bool:
        """Whether this lock is still held."""
        return self._fd >= 0

    def release(self) -> None:
        """Let the next writer in."""
        if self._fd >= 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = -1


def leftovers(path: Path) -> list[Path]:
    """Working copies (and their logs) of ``path`` that killed writers left behind."""
    return sorted(path.parent.glob(f".{path.name}.*.work*"))


def new_working_copy(path: Path) -> Path:
    """Sweep leftovers, then copy the store file (and a log an older amity left) to a new
    working copy beside it; the copy's path (the file may not exist: a new store)."""
    for stale in leftovers(path):
        stale.unlink(missing_ok=True)
    work = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.work")
    if path.exists():
        try:
            shutil.copyfile(path, work)
            if _wal(path).exists():  # left by an amity before snapshots: replayed in the copy
                shutil.copyfile(_wal(path), _wal(work))
        except OSError as exc:
            work.unlink(missing_ok=True)
            _wal(work).unlink(missing_ok=True)
            raise StoreError(f"cannot copy the store {path} to write it: {exc.strerror}. "
                             "Fix: free disk space (a writer needs the store's size again)"
                             ) from exc
    point("snapshot.copied")
    return work


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_file(work: Path, path: Path) -> None:
    """Make the closed working copy ``work`` the store file ``path`` (one atomic rename).

    Raises
    ------
    StoreError
        The working copy still has a log (the engine did not checkpoint it): nothing is
        published.
    """
    if _wal(work).exists() and _wal(work).stat().st_size:
        raise StoreError(f"the store's working copy {work} was not checkpointed; nothing "
                         "was changed. Fix: run the command again")
    _wal(work).unlink(missing_ok=True)
    with open(work, "rb+") as handle:
        os.fsync(handle.fileno())
    point("snapshot.before_rename")
    # a log an older amity left beside the store is in the working copy now; it must not
    # be replayed onto the new file (a kill between these two lines loses only that log)
    _wal(path).unlink(missing_ok=True)
    os.replace(work, path)
    point("snapshot.renamed")
    fsync_dir(path.parent)
