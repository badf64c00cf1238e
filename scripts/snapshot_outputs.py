"""Record what amity prints and writes for a fixed set of commands, and compare two records.

A refactoring must not change what users see. This script runs the commands below with an
``amity`` command (the one on PATH, or ``--amity "python -m amity.cli"``) against a store
(``AMITY_HOME``), writes every output into a folder, and compares two such folders::

    python scripts/snapshot_outputs.py record OUT [--amity CMD] [--home DIR]
    python scripts/snapshot_outputs.py compare BEFORE AFTER

The commands (DESIGN.md §9): the Pakistan–Russia profile as JSON, CSV and table; the
Markdown and HTML brief; ``check`` on the flagship article (table and JSON);
``opportunities PAK EAEU --year 2018`` (table and JSON); ``rank PAK --year 2010`` (table
and JSON); ``sources --format json``; ``cite``; ``export`` of the whole dyad-year dataset
(Parquet: compared as data, row by row, not as bytes, since Parquet files carry the
writer's version) and its dictionary. Values that legitimately differ between two runs
(times of ingest, the date a brief was generated, amity's version, the paths of the
temporary output folder) are masked before comparing; ``compare`` prints each difference
and exits 1 if there is any.

Numbers are compared to a relative 1e-9: two stores built from the same files by
the same code differ in the last bits of some sums (DuckDB aggregates in parallel, so
the order of floating-point additions varies), e.g. a trade complementarity of
47.40097227476073 in one build and 47.40097227476074 in another.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO.parent / "shared" / "examples" / "pakistan-russia-strategic-imperatives.txt"

#: name -> (arguments, file written by the command or None for standard output)
COMMANDS: dict[str, tuple[list[str], str | None]] = {
    "profile.json": (["profile", "PAK", "RUS", "--format", "json"], None),
    "profile.csv": (["profile", "PAK", "RUS", "--format", "csv"], None),
    "profile.txt": (["profile", "PAK", "RUS"], None),
    "brief.md": (["brief", "PAK", "RUS", "--out", "{out}/brief/x.md"], "brief/x.md"),
    "brief.html": (["brief", "PAK", "RUS", "--out", "{out}/briefhtml/x.html"],
                   "briefhtml/x.html"),
    "check.txt": (["check", str(ARTICLE)], None),
    "check.json": (["check", str(ARTICLE), "--format", "json"], None),
    "opportunities.txt": (["opportunities", "PAK", "EAEU", "--year", "2018"], None),
    "opportunities.json": (["opportunities", "PAK", "EAEU", "--year", "2018", "--format",
                            "json"], None),
    "rank.txt": (["rank", "PAK", "--year", "2010"], None),
    "rank.json": (["rank", "PAK", "--year", "2010", "--format", "json"], None),
    "sources.json": (["sources", "--format", "json"], None),
    "cite.txt": (["cite"], None),
    "export": (["export", "{out}/export/dyads.parquet"], None),
}

_MASKS = [
    (re.compile(r'"ingested_at": "[^"]*"'), '"ingested_at": "<time>"'),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?"), "<time>"),
    (re.compile(r"amity \d+\.\d+\.\d+\S*"), "amity <version>"),
    (re.compile(r"generated (on )?\d{1,2} \w+ \d{4}"), "generated <date>"),
    (re.compile(r"Generated (on )?\d{4}-\d{2}-\d{2}"), "Generated <date>"),
]


def _run(amity: list[str], args: list[str], out: Path, env: dict[str, str]) -> str:
    args = [a.replace("{out}", str(out)) for a in args]
    done = subprocess.run([*amity, *args], capture_output=True, text=True, env=env,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"`amity {' '.join(args)}` exited {done.returncode}: "
                         f"{done.stderr.strip()[-500:]}")
    return done.stdout.replace(str(out), "<out>")


def record(out: Path, amity: list[str], home: str | None) -> None:
    """Run :data:`COMMANDS` and write their outputs under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, COLUMNS="160", NO_COLOR="1", TERM="dumb")
    if home:
        env["AMITY_HOME"] = home
    for name, (args, written) in COMMANDS.items():
        print(f"recording {name}", file=sys.stderr)
        text = _run(amity, args, out, env)
        if name == "export":
            _export_text(out / "export")
            continue
        if written is None:
            (out / name).write_text(text, encoding="utf-8")
    for folder in ("brief", "briefhtml"):
        for path in sorted((out / folder).rglob("*")):
            if path.is_file() and path.suffix in (".svg", ".md", ".html"):
                rel = path.relative_to(out / folder).as_posix().replace("/", "__")
                target = out / f"{folder}__{rel}"
                target.write_text(path.read_text("utf-8").replace(str(out), "<out>"), "utf-8")


def _export_text(folder: Path) -> None:
    """The exported Parquet as sorted CSV text (comparable across writers), and its
    dictionary."""
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "dyads.parquet")
    frame = table.to_pandas().sort_values(["a", "b", "year"], ignore_index=True)
    (folder.parent / "export.schema.txt").write_text(str(table.schema) + "\n", "utf-8")
    frame.to_csv(folder.parent / "export.csv", index=False, float_format="%.12g")
    (folder.parent / "export.dictionary.csv").write_text(
        (folder / "dyads.dictionary.csv").read_text("utf-8"), "utf-8")


_FLOAT = re.compile(r"(?<![\w.])(-?\d+\.\d+(?:[eE][-+]?\d+)?|-?\d+[eE][-+]?\d+)(?![\w.])")


def _close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _mask(text: str) -> str:
    for pattern, repl in _MASKS:
        text = pattern.sub(repl, text)
    return text


def _same_text(a: str, b: str) -> bool:
    """Equal texts, but for numbers within a relative 1e-9 of each other."""
    if a == b:
        return True
    pa, pb = _FLOAT.split(a), _FLOAT.split(b)
    if len(pa) != len(pb):
        return False
    # split() with one group alternates text, number, text, ...
    return all(x == y if i % 2 == 0 else _close(float(x), float(y))
               for i, (x, y) in enumerate(zip(pa, pb, strict=True)))


def _same_json(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return _close(a, b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, str) and isinstance(b, str):
        return _same_text(_mask(a), _mask(b))
    return a == b


def _compare_large(a: Path, b: Path) -> str:
    """'' when two large text files are equal, else where they first differ."""
    with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
        for number, (la, lb) in enumerate(zip(fa, fb, strict=False), 1):
            if not _same_text(la, lb):
                return f"first at line {number}: {la[:120]!r} vs {lb[:120]!r}"
        if fa.readline() or fb.readline():
            return "different numbers of lines"
    return ""


def compare(before: Path, after: Path) -> int:
    """Print the differences between two records; the number of differing files."""
    names = sorted({p.name for p in before.iterdir() if p.is_file()}
                   | {p.name for p in after.iterdir() if p.is_file()})
    bad = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if not a.exists() else 'before'}")
            bad += 1
            continue
        if a.stat().st_size > 50_000_000:  # the export: compared line by line, streamed
            diffs = _compare_large(a, b)
            print(f"{name}: " + ("identical" if not diffs else f"DIFFERS ({diffs})"))
            bad += bool(diffs)
            continue
        ta, tb = _mask(a.read_text("utf-8")), _mask(b.read_text("utf-8"))
        if name.endswith(".json"):
            same = _same_json(json.loads(a.read_text("utf-8")), json.loads(b.read_text("utf-8")))
        else:
            same = _same_text(ta, tb)
        if same:
            print(f"{name}: identical")
            continue
        bad += 1
        print(f"{name}: DIFFERS")
        diff = difflib.unified_diff(ta.splitlines(), tb.splitlines(), "before", "after",
                                    lineterm="", n=1)
        for i, line in enumerate(diff):
            if i >= 40:
                print("  ...")
                break
            print("  " + line[:200])
    print(f"{len(names) - bad} of {len(names)} outputs identical")
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record", help="run the commands and write their outputs")
    rec.add_argument("out", type=Path)
    rec.add_argument("--amity", default="amity", help="the amity command (default: amity)")
    rec.add_argument("--home", help="AMITY_HOME of the store to read")
    cmp_ = sub.add_parser("compare", help="compare two records")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.cmd == "record":
        record(args.out, shlex.split(args.amity), args.home)
    else:
        sys.exit(1 if compare(args.before, args.after) else 0)


if __name__ == "__main__":
    main()
