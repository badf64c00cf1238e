"""Benchmark: cold start of the command line, against ``python -c "import duckdb"``.

Every command runs in a fresh Python process (cold interpreter; the OS file cache is
warm, as for a user who runs amity twice). For each command the benchmark reports the
median and best wall time of ``--repeat`` runs, the ratio of the median to the median of
``python -c "import duckdb"`` measured in the same run, and how many modules the process
imported (all, and amity's own), counted with ``python -X importtime``.

Commands: ``amity --version``, ``amity --help``, ``amity profile PAK RUS`` (on a warm
store: ``--home``, default ``$AMITY_HOME``), and ``import amity``. With ``--before-src
DIR`` the same commands also run on an earlier source tree (``PYTHONPATH=DIR``, the same
interpreter and libraries), so that before and after are measured in one run.

Usage::

    python benchmarks/bench_cli.py [--home DIR] [--before-src DIR [--before-home DIR]]
                                   [--repeat 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, load_average, machine, machine_markdown, write_section  # noqa: E402

TITLE = "Command line: cold start"
CLI = [sys.executable, "-m", "amity.cli"]
COMMANDS = {
    'python -c "import duckdb"': [sys.executable, "-c", "import duckdb"],
    "amity --version": [*CLI, "--version"],
    "amity --help": [*CLI, "--help"],
    "amity profile PAK RUS": [*CLI, "profile", "PAK", "RUS"],
    'python -c "import amity"': [sys.executable, "-c", "import amity"],
}


def _env(src: str | None, home: str | None) -> dict[str, str]:
    env = dict(os.environ, COLUMNS="120")
    env.pop("PYTHONPATH", None)
    if src:
        env["PYTHONPATH"] = src
    if home:
        env["AMITY_HOME"] = home
    return env


def _time(argv: list[str], env: dict[str, str], repeat: int) -> tuple[list[float], bool]:
    """Wall times of ``repeat`` runs (after one untimed run) and whether it succeeded."""
    ok = subprocess.run(argv, env=env, capture_output=True, check=False).returncode == 0
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times, ok


def _modules(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    """(modules imported, of which amity's) by the command, from ``-X importtime``."""
    done = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], env=env,
                          capture_output=True, text=True, check=False)
    names = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:") and "|" in line]
    names = [n for n in names if n and n != "package"]
    return len(names), sum(1 for n in names if n == "amity" or n.startswith("amity."))


def measure(src: str | None, home: str | None, repeat: int) -> dict[str, dict[str, object]]:
    """Each command's times, ratio to the duckdb import and module counts."""
    env = _env(src, home)
    rows: dict[str, dict[str, object]] = {}
    for name, argv in COMMANDS.items():
        print(f"  {name} ...", file=sys.stderr, flush=True)
        times, ok = _time(argv, env, repeat)
        mods, own = _modules(argv, env) if ok else (0, 0)
        rows[name] = {"median": statistics.median(times), "best": min(times), "ok": ok,
                      "modules": mods, "amity_modules": own}
    base = rows['python -c "import duckdb"']["median"]
    for row in rows.values():
        row["ratio"] = row["median"] / base  # type: ignore[operator]
    return rows


def _table(rows: dict[str, dict[str, object]]) -> str:
    lines = ["| command | median | best | × import duckdb | modules (amity's) |",
             "|---|---:|---:|---:|---:|"]
    for name, r in rows.items():
        if not r["ok"]:
            lines.append(f"| `{name}` | — | — | — | not available |")
            continue
        lines.append(f"| `{name}` | {r['median']:.3f} s | {r['best']:.3f} s | "
                     f"{r['ratio']:.2f}× | {r['modules']} ({r['amity_modules']}) |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", default=os.environ.get("AMITY_HOME"),
                        help="AMITY_HOME of a warm store (for the profile command)")
    parser.add_argument("--before-src", help="an earlier source tree to measure too")
    parser.add_argument("--before-home", help="the store the earlier tree reads (default: "
                        "--home; an earlier tree may need a store in its own format)")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    info = machine(("duckdb", "ibis-framework", "pandas", "pyarrow", "typer", "rich"))
    results = {}
    if args.before_src:
        print("before:", file=sys.stderr)
        results["before"] = measure(args.before_src, args.before_home or args.home,
                                    args.repeat)
    print("after:" if args.before_src else "this tree:", file=sys.stderr)
    results["after"] = measure(str(REPO / "src"), args.home, args.repeat)
    parts = [f"## {TITLE}\n",
             "`benchmarks/bench_cli.py`: each command in a fresh Python process, "
             f"{args.repeat} timed runs after one untimed run (warm OS file cache); the "
             "ratio is the median over the median of `python -c \"import duckdb\"` in the "
             "same run; modules counted with `python -X importtime`. `amity profile PAK "
             "RUS` reads a warm store built from the mirror.\n"]
    for label, rows in results.items():
        heading = {"before": "Before (the tree given with --before-src)",
                   "after": "After (this tree)" if args.before_src else "This tree"}[label]
        parts.append(f"### {heading}\n\n{_table(rows)}\n")
    parts.append(f"Load average at the end: {load_average()}.\n\nMachine:\n\n"
                 f"{machine_markdown(info)}\n")
    section = "\n".join(parts)
    write_section(TITLE, section)
    print(section)


if __name__ == "__main__":
    main()
