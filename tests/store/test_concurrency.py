"""Readers are never blocked by a writer, and writers queue (issue 15, finding 4).

``amity profile`` runs in a loop (as a command and through the API) while ``amity
ingest`` replaces a release again and again: every answer must come, and come wholly from
the old or wholly from the new release. Two ingests started together both finish, the
second saying that it waits for the first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from amity.ingest import ingest_files, setup
from amity.store import open_store
from tests.store.crash_harness import write_inputs


def _amity(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "AMITY_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "amity.cli", *args], env=env, text=True,
                          capture_output=True, timeout=120)


def _answer(rows: list[dict]) -> tuple:
    """What the two releases differ in: RUS→USA trade and the US trade share."""
    got = {r["indicator"]: r["value"] for r in rows if r["year"] == 2000}
    return got.get("trade_b_to_a_usd"), got.get("trade_share_a")


@pytest.mark.slow
def test_profile_answers_while_ingest_replaces_the_release(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from amity.profile import profile

    home = tmp_path / "home"
    monkeypatch.setenv("AMITY_HOME", str(home))
    inputs = write_inputs(tmp_path / "inputs")
    answers = {}
    for age in ("new", "old"):  # the old release stays in the store
        with open_store() as store:
            if age == "new":
                setup(store, sources=["amity_countries"])
            ingest_files(store, "cow_trade", inputs["cow_trade"][age], force=True)
        answers[age] = _answer(profile("USA", "RUS", years=(2000, 2000)).rows
                               .to_dict(orient="records"))
    assert answers["old"] != answers["new"]

    stop = threading.Event()
    writes: list[subprocess.CompletedProcess] = []

    def writer() -> None:
        for i in range(4):
            age = "new" if i % 2 == 0 else "old"
            writes.append(_amity("ingest", "cow_trade",
                                 *map(str, inputs["cow_trade"][age]), home=home))
        stop.set()

    thread = threading.Thread(target=writer)
    thread.start()
    seen: list[tuple] = []
    failures: list[str] = []
    cli_calls = 0
    try:
        while not stop.is_set():
            if cli_calls < 3 and len(seen) % 3 == 0:  # the command, as a user runs it
                done = _amity("profile", "USA", "RUS", "--years", "2000", "--format", "json",
                              home=home)
                cli_calls += 1
                if done.returncode:
                    failures.append(done.stderr)
                    continue
                seen.append(_answer(json.loads(done.stdout)["rows"]))
            else:  # the API, as the dashboard calls it
                try:
                    rows = profile("USA", "RUS", years=(2000, 2000)).rows
                except Exception as exc:  # noqa: BLE001 - a failure is the finding
                    failures.append(repr(exc))
                    continue
                seen.append(_answer(rows.to_dict(orient="records")))
    finally:
        thread.join()
    assert [w.returncode for w in writes] == [0] * 4, [w.stderr for w in writes]
    assert failures == []
    assert len(seen) >= 8 and cli_calls >= 2
    assert set(seen) <= {answers["old"], answers["new"]}, set(seen)
    assert len(set(seen)) == 2  # the loop saw both releases


@pytest.mark.slow
def test_two_writers_queue_with_a_message(tmp_path: Path,
                                          capfd: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    inputs = write_inputs(tmp_path / "inputs")
    with open_store(home=home) as store:
        ingest_files(store, "cow_trade", inputs["cow_trade"]["old"])
    trace = tmp_path / "trace.txt"
    env = {**os.environ, "AMITY_HOME": str(home), "AMITY_CRASH_PAUSE": "8:2000",
           "AMITY_CRASH_TRACE": str(trace)}
    # the first writer holds the lock 2 s longer than it needs (at its 8th crash point)
    first = subprocess.Popen([sys.executable, "-m", "amity.cli", "ingest", "cow_trade",
                              *map(str, inputs["cow_trade"]["new"])], env=env, text=True,
                             stderr=subprocess.PIPE)
    while first.poll() is None and (not trace.exists() or
                                    len(trace.read_text().splitlines()) < 8):
        time.sleep(0.02)
    with open_store(home=home) as store:  # waits for the first, then writes
        ingest_files(store, "cow_trade", inputs["cow_trade"]["old"], force=True)
    first.communicate(timeout=60)
    assert first.returncode == 0
    assert "waiting for another amity process (pid" in capfd.readouterr().err
    # the second ran after the first: its (old) release is the one stored
    with open_store(home=home, read_only=True) as store:
        assert store.execute("SELECT count(*) AS n FROM trade_dyadic WHERE year = 2000 AND "
                             "exporter = 'RUS' AND importer = 'USA' AND value_usd = 7.659e9"
                             )["n"].iloc[0] == 1
