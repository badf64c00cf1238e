"""Shared helpers for the benchmarks: machine description, timing, child processes.

Benchmarks run each method in its own child process and read the child's peak resident
set size (``ru_maxrss``) from ``os.wait4``. On Linux a child's ``ru_maxrss`` starts at
the high-water mark of the process that spawned it (the kernel carries the parent's
``hiwater_rss`` over at ``exec``), so the driver process must stay small: it imports
only the standard library (this module does too) and does all heavy work — ingest,
measurement, checking results — in children. :func:`run_child` records the driver's own
peak RSS beside each measurement so that a report can show it is negligible.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["Child", "best_of", "child_reply", "load_average", "machine", "machine_markdown",
           "run_child", "write_section"]

REPO = Path(__file__).resolve().parents[1]


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def load_average() -> str:
    """The 1/5/15-minute load averages (other work on the machine skews timings)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def machine(packages: Sequence[str] = ("duckdb", "pandas", "numpy")) -> dict[str, str]:
    """Describe the machine and the library versions (without importing the libraries)."""
    cpu, mem_kb = "unknown", 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
                break
    except OSError:  # not Linux
        cpu = platform.processor() or "unknown"
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                     else os.cpu_count()),
        "memory": f"{mem_kb / 1024 ** 2:.1f} GiB (MemTotal {mem_kb} kB)" if mem_kb else "unknown",
        "cpu": cpu,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }
    info.update({name: _version(name) for name in packages})
    info["load average at start"] = load_average()
    return info


def machine_markdown(info: Mapping[str, str]) -> str:
    """The machine description as a Markdown bullet list."""
    return "\n".join(f"- {key}: {value}" for key, value in info.items())


def best_of(fn: Callable[[], Any], *, repeat: int = 3,
            warmup: int = 1) -> tuple[float, list[float], Any]:
    """Run ``fn`` ``warmup`` times untimed, then ``repeat`` times timed.

    Returns
    -------
    (best seconds, all timed seconds, the last result)
    """
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), times, result


def child_reply(payload: Mapping[str, Any]) -> None:
    """In a child: print the reply as the last line of stdout (read by :func:`run_child`)."""
    reply = dict(payload)
    reply["self_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.flush()
    print("\n@@reply " + json.dumps(reply), flush=True)


@dataclass(frozen=True)
class Child:
    """What a child process returned: its reply, peak RSS (MB) and wall time."""

    reply: dict[str, Any]
    maxrss_mb: float
    seconds: float
    driver_maxrss_mb: float


def run_child(argv: Sequence[str], *, env: Mapping[str, str] | None = None,
              echo: bool = True) -> Child:
    """Run ``python argv...`` and return its reply with its peak RSS from ``wait4``.

    The child's stdout is shown (when ``echo``) except for the reply line; a non-zero
    exit raises ``RuntimeError`` with the child's stderr.
    """
    full_env = {**os.environ, **(env or {})}
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as fout, tempfile.TemporaryFile("w+") as ferr:
        proc = subprocess.Popen([sys.executable, *argv], stdout=fout, stderr=ferr,
                                env=full_env, text=True)
        # wait4, not Popen.wait: it returns the child's rusage
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        fout.seek(0)
        ferr.seek(0)
        out, err = fout.read(), ferr.read()
    reply: dict[str, Any] = {}
    shown = []
    for line in out.splitlines():
        if line.startswith("@@reply "):
            reply = json.loads(line[len("@@reply "):])
        elif line:
            shown.append(line)
    if echo and shown:
        print("\n".join(shown), flush=True)
    if proc.returncode != 0:
        raise RuntimeError(f"child {' '.join(argv)} exited with {proc.returncode}:\n{err}")
    driver = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Child(reply, usage.ru_maxrss / 1024, seconds, driver)


def write_section(title: str, section: str, *, intro: str = "# Benchmarks\n") -> None:
    """Replace the ``## title`` section of BENCHMARKS.md with ``section`` (or append it).

    Only that section changes: each benchmark owns one, and others may be rewritten by
    other benchmarks in between. ``intro`` starts the file when it does not exist yet.
    """
    import re

    path = REPO / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else intro
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip() + "\n\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text)


def arg_parser(doc: str | None) -> argparse.ArgumentParser:
    """A benchmark's command line: ``--mirror`` (default ``$AMITY_MIRROR``, else
    ``../shared/data``) and the hidden ``--child`` that measured subprocesses run."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--mirror", default=os.environ.get(
        "AMITY_MIRROR", str(REPO.parent / "shared" / "data")))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser
