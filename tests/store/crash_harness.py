"""The crash-test harness: kill a writing amity at every step and check what survives.

A small store (the hand-written fixtures of tests/data: COW trade, UN votes, two GDELT
files) holds an *old* release of each scenario's source; a child process replaces it by a
*new* one (a changed COW trade release, a changed UN votes release, a GDELT file
appended) and is killed with SIGKILL

- at every crash point the writer passes (:mod:`amity.store._crash`: between the SQL
  statements of the ingest, around ``COMMIT``, the checkpoint, the detach, the rename),
- a few milliseconds after a crash point, i.e. inside the step that follows (``COMMIT``,
  the checkpoint, the copy of the store, the rename),
- at random moments of the whole run.

After each kill: the store opens read-only, every table of the scenario holds wholly the
old release or wholly the new one (rows, catalogue row and file list agree), no working
copy, temporary table or unlisted Parquet part survives the next writer, and a rerun of
the same ingest gives exactly what a clean run gives. ``tests/store/test_crash.py`` runs
it in the suite; ``scripts/crash_harness.py`` runs it bigger and prints the figures for
docs/reliability.md.

Children are forked from a fork server that has imported amity once, so a kill costs
tens of milliseconds, not an interpreter start.
"""

from __future__ import annotations

import gzip
import hashlib
import multiprocessing
import os
import random
import shutil
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
EVENTS = DATA / "events"
V2A, V2B = "20190102030000.export.CSV", "20190102031500.export.CSV"
SCENARIOS = ("cow_trade", "unvotes", "gdelt")
_TABLES = {"cow_trade": ("trade_dyadic", "trade_national"),
           "unvotes": ("un_votes", "un_roll_calls"), "gdelt": ("events",)}


def _gz(text: str, dest: Path) -> Path:
    with gzip.open(dest, "wt", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return dest


def write_inputs(folder: Path) -> dict[str, dict[str, list[Path]]]:
    """The old and new input files of each scenario, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    ddy = (DATA / "cow" / "cow_trade_ddy.csv").read_text()
    nat = (DATA / "cow" / "National_COW_4.0.csv").read_text()
    votes = (DATA / "unvotes" / "UNVotesPublished.csv").read_text()
    out: dict[str, dict[str, list[Path]]] = {}
    for age, change in (("old", False), ("new", True)):
        sub = folder / age
        sub.mkdir(exist_ok=True)
        d = ddy.replace("2,365,2000,7659", "2,365,2000,7700", 1) if change else ddy
        n = nat.replace("1258080", "1258999", 1) if change else nat
        lines = votes.splitlines(keepends=True)
        if change:  # one vote changed: yes -> abstain
            lines[1] = lines[1].replace("1,55,1,770", "1,55,2,770", 1)
        out.setdefault("cow_trade", {})[age] = [
            _gz(d, sub / "cow_trade_ddy.csv.gz"), _gz(n, sub / "National_COW_4.0.csv.gz")]
        out.setdefault("unvotes", {})[age] = [_gz("".join(lines),
                                                  sub / "UNVotesPublished.csv.gz")]
    return out


def _events(name: str):  # noqa: ANN202 - an Arrow table
    from amity.sources import gdelt

    return gdelt.read_events(EVENTS / name).table


def run_job(home: Path, scenario: str, inputs: dict[str, dict[str, list[Path]]],
            age: str = "new") -> None:
    """The writer under test: replace (or append) ``scenario``'s release in ``home``."""
    from amity._contract import ParseResult
    from amity.ingest import ingest_files
    from amity.sources import gdelt
    from amity.store import open_store

    with open_store(home=home) as store:
        if scenario == "gdelt":
            name, key = (V2A, "a.zip") if age == "old" else (V2B, "b.zip")
            store.append(gdelt.DATASETS[0], ParseResult({"events": _events(name)}), key,
                         f"md5-{key}")
            store.publish()
        else:
            ingest_files(store, scenario, inputs[scenario][age], force=True)


def build_base(home: Path, inputs: dict[str, dict[str, list[Path]]]) -> None:
    """The store every kill starts from: the old release of every scenario."""
    for scenario in SCENARIOS:
        run_job(home, scenario, inputs, "old")


def states(home: Path) -> dict[str, str]:
    """Per scenario, a digest of what a reader sees of it: its rows in every table of it,
    its catalogue row and its file list (raises if the store does not open)."""
    from amity.store import Store

    out = {}
    with Store(home / "amity.duckdb", read_only=True) as store:
        catalogue = store.datasets()
        for scenario in SCENARIOS:
            source = scenario
            digest = hashlib.sha256()
            said = Counter()
            for tables in catalogue[catalogue["source"] == source]["tables"]:
                said.update({k: int(v) for k, v in tables.items()})
            for table in _TABLES[scenario]:
                rows = store.execute(f'SELECT * EXCLUDE (source) FROM "{table}" WHERE '
                                     "source = ? ORDER BY ALL", [source])
                if len(rows) != said[table]:  # the catalogue agrees with the rows
                    out[scenario] = (f"inconsistent: {table} has {len(rows)} rows, the "
                                     f"catalogue says {said[table]}")
                    break
                digest.update(f"{table}:{len(rows)}:".encode())
                digest.update(rows.to_csv(index=False).encode())
            else:
                cat = catalogue[catalogue["source"] == source][
                    ["release", "rows", "tables", "coverage_start", "coverage_end"]]
                digest.update(cat.to_csv(index=False).encode())
                files = store.ingested_files(source)[["release", "file_key", "hash", "rows"]]
                digest.update(files.to_csv(index=False).encode())
                out[scenario] = digest.hexdigest()
    return out


def leftovers(home: Path) -> list[str]:
    """What a killed writer may leave that the next writer must have swept: working
    copies, temporary tables, Parquet parts (or their temporary files) no release lists."""
    from amity.store import Store

    found = [p.name for p in home.glob(".amity.duckdb.*")]
    with Store(home / "amity.duckdb", read_only=True) as store:
        tables = store.execute("SELECT table_name FROM duckdb_tables() WHERE "
                               "database_name = current_database()")["table_name"]
        found += [t for t in tables if t.startswith(("ibis_", "_stage_", "_amity_"))]
        listed = {home / "amity.parts" / p for p in store.catalog.part_names()}
    parts = home / "amity.parts"
    if parts.is_dir():
        found += [p.name for p in parts.glob("*/*") if p not in listed]
    return found


def _child(home: str, scenario: str, inputs: dict, crash_at: str | None,
           trace: str | None) -> None:
    from amity.store import _crash

    _crash.reset()
    for key, value in (("AMITY_CRASH_AT", crash_at), ("AMITY_CRASH_TRACE", trace)):
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    os.environ["AMITY_PUBLISH_SECONDS"] = "0"
    run_job(Path(home), scenario, inputs)


@dataclass
class Figures:
    """What a harness run did."""

    kills: Counter = field(default_factory=Counter)  # (scenario, kind) -> kills
    survived: Counter = field(default_factory=Counter)  # (scenario, "old"/"new") -> count
    completed: int = 0  # children the kill came too late for (the run finished)
    points: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_kills(self) -> int:
        return sum(self.kills.values())


class Harness:
    """Kills writers of a small store; see the module docstring.

    Parameters
    ----------
    folder
        A scratch folder (inputs, the base store, one store per kill).
    seed
        Seed of the random kill moments.
    """

    def __init__(self, folder: Path, seed: int = 15) -> None:
        os.environ["AMITY_PUBLISH_SECONDS"] = "0"
        self.folder = folder
        self.rng = random.Random(seed)
        self.inputs = write_inputs(folder / "inputs")
        self.base = folder / "base"
        build_base(self.base, self.inputs)
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["amity.ingest", "amity.store", "amity.sources.gdelt",
                                    "ibis.backends.duckdb", "pyarrow.parquet",
                                    "tests.store.crash_harness"])
        self.ctx = ctx
        self.old = states(self.base)
        self.new: dict[str, str] = {}
        self._lock = threading.Lock()
        self.figures = Figures()
        self._n = 0
        self._spawn(self._fresh(), "cow_trade", "1")  # starts the fork server
        for scenario in SCENARIOS:
            home = self._fresh()
            trace = folder / f"trace-{scenario}.txt"
            start = time.perf_counter()
            self._spawn(home, scenario, None, str(trace))
            self.duration = time.perf_counter() - start
            self.figures.points[scenario] = len(trace.read_text().splitlines())
            self.new[scenario] = states(home)[scenario]
            assert self.new[scenario] != self.old[scenario], scenario

    def _fresh(self) -> Path:
        with self._lock:
            self._n += 1
            home = self.folder / f"run{self._n}"
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(self.base, home, ignore=shutil.ignore_patterns("*.lock"))
        return home

    def _spawn(self, home: Path, scenario: str, crash_at: str | None,
               trace: str | None = None) -> int:
        proc = self.ctx.Process(target=_child, args=(str(home), scenario, self.inputs,
                                                     crash_at, trace))
        proc.start()
        proc.join(60)
        if proc.exitcode is None:
            proc.kill()
            proc.join()
            raise AssertionError(f"{scenario} {crash_at}: the writer hung")
        return int(proc.exitcode)

    def kill(self, scenario: str, crash_at: str, kind: str, rerun: bool = True) -> None:
        """One kill and the checks after it (the rerun check with ``rerun``; without,
        the next writer only opens and closes the store, which sweeps it)."""
        home = self._fresh()
        what = f"{scenario} AMITY_CRASH_AT={crash_at}"
        failures: list[str] = []
        code = self._spawn(home, scenario, crash_at)
        if code not in (0, -9):
            failures.append(f"{what}: the writer exited {code}, not killed")
        else:
            try:
                seen = states(home)
            except Exception as exc:  # noqa: BLE001 - the failure is the finding
                seen = {}
                failures.append(f"{what}: the store does not open: {exc}")
            age = ("old" if seen.get(scenario) == self.old[scenario] else
                   "new" if seen.get(scenario) == self.new[scenario] else None)
            if seen and age is None:
                failures.append(f"{what}: neither the old nor the new release "
                                f"({seen.get(scenario)})")
            for other in SCENARIOS:  # untouched sources stay as they were
                if seen and other != scenario and seen[other] != self.old[other]:
                    failures.append(f"{what}: {other} changed")
            if rerun:  # the next writer sweeps, and ends where a clean run ends
                run_job(home, scenario, self.inputs)
                if states(home)[scenario] != self.new[scenario]:
                    failures.append(f"{what}: the rerun differs from a clean run")
            else:
                from amity.store import open_store

                open_store(home=home).close()
            left = leftovers(home)
            if left:
                failures.append(f"{what}: leftovers after the next writer: {left}")
        with self._lock:
            self.figures.failures += failures
            if code == 0:
                self.figures.completed += 1
            elif code == -9:
                self.figures.kills[scenario, kind] += 1
                if age:
                    self.figures.survived[scenario, age] += 1
        shutil.rmtree(home, ignore_errors=True)

    def plan(self, *, boundary: bool = True, inside: int = 1, inside_every: int = 1,
             random_kills: int = 0, rerun_every: int = 1) -> list[tuple[str, str, str, bool]]:
        """The kills of a run: at every crash point (``boundary``), ``inside`` times a
        few milliseconds after every ``inside_every``-th point, ``random_kills`` times
        at a random moment per scenario; a rerun check after every ``rerun_every``-th."""
        jobs = []
        for scenario in SCENARIOS:
            n = self.figures.points[scenario]
            for point in range(1, n + 1):
                if boundary:
                    jobs.append((scenario, str(point), "boundary"))
                if point % inside_every == 0:
                    for _ in range(inside):
                        delay = self.rng.choice([0.05, 0.2, 0.5, 1, 2, 5])
                        jobs.append((scenario, f"{point}:{delay}", "inside"))
            for _ in range(random_kills):
                delay = self.rng.uniform(0, self.duration * 1000)
                jobs.append((scenario, f"1:{delay:.1f}", "random"))
        return [(*job, i % rerun_every == 0) for i, job in enumerate(jobs)]

    def run(self, jobs: list[tuple[str, str, str, bool]], workers: int = 2) -> Figures:
        """Run the kills of :meth:`plan` (``workers`` at a time)."""
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(self.kill, *job) for job in jobs]:
                future.result()
        self.figures.seconds = time.perf_counter() - start
        return self.figures
