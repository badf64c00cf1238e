"""COW trade, IGO and state-system sources: hand fixtures, real spot values, bad files."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd
import pytest

from amity._exceptions import SourceFormatError
from amity.indicators.economic import trade_dyadic
from amity.indicators.multilateral import shared_igos
from amity.ingest import ingest_files
from amity.store import Store
from tests.conftest import DATA, gz


@pytest.fixture()
def cow_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "s.duckdb")
    files = [gz(DATA / "cow" / n, tmp_path) for n in ("cow_trade_ddy.csv", "National_COW_4.0.csv")]
    ingest_files(store, "cow_trade", files)
    ingest_files(store, "cow_igo", [gz(DATA / "cow" / "state_year_format3.csv", tmp_path)])
    return store


@pytest.mark.mirror
def test_real_trade_pak_rus_matches_raw_file(real_store: Store, mirror: Path) -> None:
    expected = {}
    with gzip.open(mirror / "cow_trade/cow_trade_ddy.csv.gz", "rt") as f:
        for row in csv.DictReader(f):
            if row["ccode1"] == "365" and row["ccode2"] == "770" and row["flow1"]:
                # flow1: Russia's imports from Pakistan = Pakistan's exports to Russia
                expected[int(row["year"])] = (float(row["flow1"]) * 1e6, float(row["flow2"]) * 1e6)
    frame = trade_dyadic(real_store, countries=["PAK", "RUS"]).set_index(["a", "b", "year"])
    assert len(expected) > 40
    for year, (pak_to_rus, rus_to_pak) in expected.items():
        row = frame.loc[("PAK", "RUS", year)]
        assert row.trade_a_to_b_usd == pak_to_rus and row.trade_b_to_a_usd == rus_to_pak
    assert not any(y > 2014 for _, _, y in frame.index)


@pytest.mark.mirror
def test_real_shared_igos_matches_raw_file(real_store: Store, mirror: Path) -> None:
    """PAK-RUS shared IGOs recomputed from the wide state-year file with the csv module."""
    rows = {}
    with gzip.open(mirror / "cow/state_year_format3.csv.gz", "rt") as f:
        reader = csv.reader(f)
        header = next(reader)
        for row in reader:
            if row[0] in ("770", "365") and row[1] in ("1975", "2000", "2014"):
                rows[(row[0], row[1])] = row
    frame = shared_igos(real_store, countries=["PAK", "RUS"], with_list=True).set_index(
        ["a", "b", "year"])
    for year in ("1975", "2000", "2014"):
        pak, rus = rows[("770", year)], rows[("365", year)]
        shared = [header[i] for i in range(3, len(header))
                  if pak[i] in ("1", "2") and rus[i] in ("1", "2")]
        row = frame.loc[("PAK", "RUS", int(year))]
        assert row.shared_igos == len(shared)
        assert row.shared_igos_list == ", ".join(sorted(shared))
    assert "sco" not in frame.loc[("PAK", "RUS", 2014)].shared_igos_list.split(", ")  # 2017


@pytest.mark.mirror
def test_real_igo_matrix_equals_ibis(real_store: Store) -> None:
    fast = shared_igos(real_store, years=(1990, 2014), method="matrix")
    slow = shared_igos(real_store, years=(1990, 2014), method="ibis")
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True),
                                  check_dtype=False)


# -- bad input -----------------------------------------------------------------------
def _write_gz(path: Path, text: str) -> Path:
    with gzip.open(path, "wt") as f:
        f.write(text)
    return path


def test_row_with_wrong_field_count_names_line(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    text = (DATA / "cow" / "cow_trade_ddy.csv").read_text().splitlines()
    text[3] = "365,2,2000,2092"  # line 4: too few fields
    bad = _write_gz(tmp_path / "cow_trade_ddy.csv.gz", "\n".join(text) + "\n")
    nat = gz(DATA / "cow" / "National_COW_4.0.csv", tmp_path)
    with pytest.raises(SourceFormatError) as info:
        ingest_files(store, "cow_trade", [bad, nat])
    assert info.value.line == 4 and "cow_trade_ddy.csv.gz:4" in str(info.value)
    report = ingest_files(store, "cow_trade", [bad, nat], on_bad_lines="skip")
    assert report.skipped == 1
    # the skipped line held the USA<-RUS direction of (2, 365); its twin row (2, 365) on
    # line 2 is kept, so the values are still complete
    frame = trade_dyadic(store).set_index(["a", "b", "year"])
    assert frame.loc[("RUS", "USA", 2000)].trade_a_to_b_usd == 7659e6


def test_value_of_wrong_type_names_line_and_column(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    text = (DATA / "cow" / "National_COW_4.0.csv").read_text().splitlines()
    text[2] = text[2].replace("33880", "n/a")  # line 3
    bad = tmp_path / "National_COW_4.0.csv.gz"
    _write_gz(bad, "\n".join(text) + "\n")
    with pytest.raises(SourceFormatError) as info:
        ingest_files(store, "cow_trade", [gz(DATA / "cow" / "cow_trade_ddy.csv", tmp_path), bad])
    assert info.value.line == 3 and info.value.column == "imports"


def test_wrong_columns_and_truncated_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    wrong = _write_gz(tmp_path / "state_year_format3.csv.gz", "code,yr,name,un\n2,2000,usa,1\n")
    with pytest.raises(SourceFormatError, match="expected columns ccode, year, state"):
        ingest_files(store, "cow_igo", [wrong])
    full = gzip.compress(("ccode,year,state,un\n" + "2,2000,usa,1\n" * 20000).encode())
    (tmp_path / "state_year_format3.csv.gz").write_bytes(full[: len(full) // 2])
    with pytest.raises(SourceFormatError, match="state_year_format3.csv.gz"):
        ingest_files(store, "cow_igo", [tmp_path / "state_year_format3.csv.gz"])
    assert not store.has("igo_membership")
