"""Crash points: where the crash-test harness may kill a writing amity (tests only).

The writers call :func:`point` between their steps: between the SQL statements of an
ingest, around its ``COMMIT``, the checkpoint, the detach and the rename that publishes a
snapshot (:mod:`amity.store._snapshot`). Normally it does nothing. With
``AMITY_CRASH_AT=N`` the process kills itself with SIGKILL at the N-th point it passes;
with ``AMITY_CRASH_AT=N:MS`` it starts, at the N-th point, a timer that kills it MS
milliseconds later, inside whatever the writer does next (a ``COMMIT``, a copy, a
rename); ``AMITY_CRASH_PAUSE=N:MS`` sleeps MS milliseconds at the N-th point instead
(a slow writer, for the tests of readers and queued writers). ``AMITY_CRASH_TRACE=FILE``
appends the name of every point passed to FILE (how
the harness learns how many points an ingest has). ``tests/store/test_crash.py`` and
``scripts/crash_harness.py`` use them; docs/reliability.md gives the figures.
"""

from __future__ import annotations

import os
import signal
import threading
import time

__all__ = ["kill_now", "point", "reset"]

_passed = [0]


def kill_now() -> None:
    """SIGKILL this process (no cleanup, no ``finally``: what a power cut or the OOM
    killer does)."""
    os.kill(os.getpid(), signal.SIGKILL)


def point(name: str) -> None:
    """Pass crash point ``name`` (see the module docstring); a no-op unless the harness
    set ``AMITY_CRASH_AT`` or ``AMITY_CRASH_TRACE``."""
    at = os.environ.get("AMITY_CRASH_AT")
    trace = os.environ.get("AMITY_CRASH_TRACE")
    pause = os.environ.get("AMITY_CRASH_PAUSE")
    if at is None and trace is None and pause is None:
        return
    _passed[0] += 1
    if trace:
        with open(trace, "a", encoding="utf-8") as handle:
            handle.write(f"{_passed[0]} {name}\n")
    if pause and int(pause.partition(":")[0]) == _passed[0]:
        time.sleep(float(pause.partition(":")[2]) / 1000)
    if at is None:
        return
    n, _, delay = at.partition(":")
    if _passed[0] != int(n):
        return
    if not delay:
        kill_now()
    timer = threading.Timer(float(delay) / 1000, kill_now)
    timer.daemon = True
    timer.start()


def reset() -> None:
    """Start counting points from zero again (a forked harness child)."""
    _passed[0] = 0
