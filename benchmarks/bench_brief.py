"""Benchmark: one evidence brief from a warm store (HTML, PDF, Markdown), issue 5.

Usage: ``.venv/bin/python benchmarks/bench_brief.py [--home DIR]``. With ``--home`` it uses
an existing amity home (a store with every source ingested and the index built, e.g. the
one ``make demo`` made); otherwise it ingests the mirror into a temporary home first (not
timed). Each format is timed in its own child process: the store is opened read-only,
one brief is rendered untimed (warm-up), then the best of 5 builds + renders is kept;
the child's peak RSS is reported. The baseline beside it is the profile alone (the data
the brief is built from), so the table shows what rendering adds. Targets: HTML under 3 s,
PDF under 6 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    REPO,
    best_of,
    child_reply,
    load_average,
    machine,
    machine_markdown,
    run_child,
    write_section,
)

MIRROR = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results" / "brief.md"


def _child(kind: str, home: str) -> None:
    os.environ["AMITY_HOME"] = home
    import amity
    from amity.report import brief, write
    from amity.store import open_store

    out = Path(tempfile.mkdtemp()) / f"brief.{kind}"
    with open_store(read_only=True) as store:
        if kind == "profile":
            best, times, _ = best_of(lambda: amity.profile("PAK", "RUS", store=store), repeat=5)
        else:
            best, times, _ = best_of(lambda: write(brief("PAK", "RUS", store=store), out),
                                     repeat=5)
    child_reply({"best": best, "times": times,
                 "bytes": out.stat().st_size if out.exists() else 0})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    info = machine(("duckdb", "pandas", "numpy", "weasyprint", "jinja2"))
    home = args.home
    if home is None:
        home = tempfile.mkdtemp(prefix="amity-bench-brief-")
        print(f"ingesting the mirror into {home} (not timed)...", flush=True)
        run_child(["-m", "amity.cli", "setup", "--mirror", str(MIRROR)],
                  env={"AMITY_HOME": home})
    rows = []
    for kind, label in (("profile", "profile only (the brief's data), API"),
                        ("html", "brief → self-contained HTML"),
                        ("pdf", "brief → PDF (WeasyPrint)"),
                        ("md", "brief → Markdown + SVG charts")):
        child = run_child([__file__, "--child", kind, home])
        rows.append((label, child.reply["best"], child.maxrss_mb, child.reply["bytes"]))
        print(f"{label}: {child.reply['best']:.2f} s, peak {child.maxrss_mb:.0f} MB", flush=True)
    target = {"brief → self-contained HTML": 3.0, "brief → PDF (WeasyPrint)": 6.0}
    lines = ["## Evidence brief: one pair from a warm store", "",
             "`amity brief PAK RUS` built and rendered from a store with every mirror source "
             "ingested and the index built (best of 5 after a warm-up, each format in its own "
             "process; peak RSS of that process).", "",
             "| what | seconds (best of 5) | peak RSS MB | output bytes | target |",
             "|---|---:|---:|---:|---|"]
    for label, best, rss, size in rows:
        goal = target.get(label)
        verdict = "" if goal is None else (f"< {goal:g} s: {'met' if best < goal else 'MISSED'}")
        lines.append(f"| {label} | {best:.2f} | {rss:.0f} | {size:,} | {verdict} |")
    lines += ["", f"Load average at the end: {load_average()}.", "", "Machine:", "",
              machine_markdown(info), ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    write_section("Evidence brief: one pair from a warm store", "\n".join(lines))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
