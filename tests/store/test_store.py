"""The store: atomic, idempotent ingest; a failed or killed ingest keeps the old data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from amity._contract import Dataset, ParseResult
from amity._exceptions import MissingDataError, StoreError
from amity.ingest import ingest_files
from amity.sources import get_dataset
from amity.store import Store, open_store
from tests.conftest import DATA, gz


def _fake(parse) -> Dataset:  # noqa: ANN001
    return Dataset(source="fake", release="1", title="t", publisher="p", citation="c",
                   licence="l", homepage="", files=(), parse=parse, tables=("macro",))


def _macro(values: list[float]) -> ParseResult:
    return ParseResult({"macro": pd.DataFrame({
        "year": [2000 + i for i in range(len(values))], "iso3": "PAK",
        "gdp_usd": values, "population": 1.0})})


def test_ingest_records_provenance_and_is_idempotent(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    ds = _fake(None)
    store.ingest(ds, _macro([1.0, 2.0]), {"f.csv": "abc"})
    row = store.datasets().iloc[0]
    assert (row.source, row.release, row.rows, row.coverage_start, row.coverage_end) == (
        "fake", "1", 2, 2000, 2001)
    assert store.is_current(ds, {"f.csv": "abc"}) and not store.is_current(ds, {"f.csv": "x"})
    store.ingest(ds, _macro([5.0]), {"f.csv": "def"})  # a new release replaces, not appends
    assert store.table("macro").gdp_usd.to_pandas().tolist() == [5.0]


def test_failed_validation_keeps_previous_data(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    ds = _fake(None)
    store.ingest(ds, _macro([1.0, 2.0]), {"f": "a"})
    bad_type = ParseResult({"macro": _macro([1.0]).tables["macro"].assign(gdp_usd="lots")})
    with pytest.raises(StoreError, match="does not fit its column types"):
        store.ingest(ds, bad_type, {"f": "b"})
    dup = ParseResult({"macro": pd.concat([_macro([1.0]).tables["macro"]] * 2)})
    with pytest.raises(StoreError, match="duplicate key"):
        store.ingest(ds, dup, {"f": "c"})
    assert store.table("macro").gdp_usd.to_pandas().tolist() == [1.0, 2.0]
    assert store.is_current(ds, {"f": "a"})


def test_missing_table_says_which_setup_step(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(MissingDataError, match="amity setup"):
        store.table("un_votes")
    with pytest.raises(MissingDataError, match="amity setup"):
        open_store(read_only=True, home=tmp_path / "empty")


@pytest.mark.mirror
@pytest.mark.slow
def test_killed_ingest_leaves_previous_data_intact(tmp_path: Path, mirror: Path) -> None:
    """Kill `amity ingest` inside its write transaction; the old rows must survive."""
    home = tmp_path / "home"
    env = {**os.environ, "AMITY_HOME": str(home)}
    fixture = [gz(DATA / "cow" / n, tmp_path)
               for n in ("cow_trade_ddy.csv", "National_COW_4.0.csv")]
    with open_store(home=home) as store:
        ingest_files(store, "cow_trade", fixture)
        before = store.execute("SELECT * FROM trade_dyadic ORDER BY ALL")
        before_meta = store.datasets()[["source", "release", "rows", "ingested_at"]]
        before_files = store.ingested_files()
    real = [str(mirror / f.path) for f in get_dataset("cow_trade").files]
    proc = subprocess.Popen([sys.executable, "-m", "amity.cli", "ingest", "cow_trade", *real,
                             "--force"], env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "writing" in line:  # printed right after BEGIN TRANSACTION
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=120)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    with open_store(home=home) as store:
        after = store.execute("SELECT * FROM trade_dyadic ORDER BY ALL")
        pd.testing.assert_frame_equal(before, after)
        pd.testing.assert_frame_equal(
            before_meta, store.datasets()[["source", "release", "rows", "ingested_at"]])
        pd.testing.assert_frame_equal(before_files, store.ingested_files())
    # and the store still works: the real ingest now completes
    done = subprocess.run([sys.executable, "-m", "amity.cli", "ingest", "cow_trade", *real,
                           "--force"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with open_store(home=home) as store:
        assert store.datasets().rows.iloc[0] > 1_000_000
