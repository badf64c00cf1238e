"""ATOP, SIPRI, OpenFlights, UN migrant stock, OECD students and WDI readers.

Each reader parses hand-typed fixtures (tests/data/milpeople, in the publisher's layout)
into rows computed by hand, and each rejects a malformed file with SourceFormatError
naming the file and the line.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pandas as pd
import pytest

from amity._exceptions import SourceFormatError
from amity.sources import atop, migration, openflights, sipri, students, wdi
from tests import _fixtures as mp


def _rows(frame: pd.DataFrame, columns: list[str]) -> set[tuple]:
    return {tuple(r) for r in frame[columns].itertuples(index=False)}


# --- ATOP --------------------------------------------------------------------------------

def test_atop_rows_by_hand(tmp_path: Path) -> None:
    result = mp.parse(atop.DATASETS[0], tmp_path)
    table = result.tables["alliances"]
    cols = ["year", "a", "b", "defense", "offense", "neutrality", "nonaggression", "consult"]
    assert list(table.columns) == cols
    assert _rows(table, cols) == {
        (1990, "USA", "PAK", True, False, False, False, True),
        (1990, "PAK", "USA", False, False, False, False, True),  # directed: as published
        (2004, "RUS", "PAK", False, False, False, True, False),
        (2004, "PAK", "RUS", False, False, False, True, False),
        (2015, "RUS", "PAK", False, False, False, True, True),
        (2015, "PAK", "RUS", False, False, False, True, True),
        # COW 255 (defence) and 260 (consultation) are both DEU in 1990: merged
        (1990, "DEU", "USA", True, False, False, False, True),
        (1990, "USA", "DEU", True, False, False, False, True),
        # Locarno co-guarantors: an alliance without obligations towards each other
        (1930, "GBR", "ITA", False, False, False, False, False),
        (1930, "ITA", "GBR", False, False, False, False, False),
    }
    assert any("999" in n for n in result.notes)
    assert any("2 rows merged" in n for n in result.notes)


def test_atop_malformed(tmp_path: Path) -> None:
    bad = tmp_path / "atop_alliance.csv.gz"
    lines = (mp.MP / "atop_alliance.csv").read_text().splitlines()
    lines[4] = "365,770,2004,0,0,0,1"  # line 5: a field missing
    bad.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    with pytest.raises(SourceFormatError, match=r"atop_alliance\.csv\.gz:5"):
        atop.DATASETS[0].parse({bad.name: bad}, "error")
    lines[4] = "365,770,2004,0,0,0,2,0"  # a flag that is not 0/1
    bad.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    with pytest.raises(SourceFormatError, match=r"atop_alliance\.csv\.gz:5:.*atop_nonagg"):
        atop.DATASETS[0].parse({bad.name: bad}, "error")


# --- SIPRI --------------------------------------------------------------------------------

_SIPRI_ROWS = {
    (2018, "RUS", "IND", 1500.0), (2019, "RUS", "IND", 1400.0), (2021, "RUS", "IND", 900.0),
    (2018, "RUS", "PAK", 70.0), (2019, "RUS", "PAK", 64.0),
    (2021, "RUS", "PAK", 0.0),  # SIPRI's "0": a delivery below 0.5m, kept as 0
    (2018, "CHN", "PAK", 600.0), (2019, "CHN", "PAK", 700.0), (2020, "CHN", "PAK", 500.0),
    (2021, "CHN", "PAK", 800.0),
    (2019, "CHN", "YEM", 5.0),  # "Yemen" 4 + "Yemen Arab Republic" 1, both YEM
    (2019, "PAK", "LKA", 3.0),
}


def test_sipri_tables_by_hand(tmp_path: Path) -> None:
    result = mp.parse(sipri.DATASETS[0], tmp_path)
    table = result.tables["arms_transfers"]
    assert list(table.columns) == ["year", "supplier", "recipient", "tiv"]
    assert _rows(table, list(table.columns)) == _SIPRI_ROWS  # Total row/column dropped
    text = " ".join(result.notes)
    # non-states are dropped and counted, never put on a state
    assert "3 deliveries" in text and "Hezbollah (Lebanon)*" in text
    assert "Unknown recipient(s)" in text


def test_sipri_read_tiv_table(tmp_path: Path) -> None:
    name, frame, skipped = sipri.read_tiv_table(mp.copy("TIV-Export-PAK-2018-2021.csv", tmp_path))
    assert name == "Pakistan" and skipped == 0
    assert _rows(frame, ["recipient", "year", "tiv"]) == {
        ("Sri Lanka", 2019, 3.0), ("Unknown rebel group*", 2020, 1.0)}


def test_sipri_processed_by_hand(tmp_path: Path) -> None:
    result = mp.parse(sipri.DATASETS[1], tmp_path)
    assert _rows(result.tables["arms_transfers"], ["year", "supplier", "recipient", "tiv"]) == {
        (2018, "RUS", "PAK", 70.0), (2021, "RUS", "PAK", 0.0),
        (1968, "RUS", "PAK", 199.0),  # "Soviet Union" is RUS
        (2019, "CHN", "YEM", 5.0)}
    assert any("Unknown supplier(s)" in n for n in result.notes)
    assert any("NATO**" in n for n in result.notes)


@pytest.mark.parametrize(("line_no", "text", "match"), [
    (15, "Pakistan,70,64,0", r":15: expected 6 fields"),
    (15, "Pakistan,70,six,,0,134", r":15: column '2019': value 'six'"),
    (1, "TIV of arms imports to Russia", r":1: first line"),
    (11, ",2018,2019,2021,2020,Total", r":11: header should be"),
])
def test_sipri_malformed(tmp_path: Path, line_no: int, text: str, match: str) -> None:
    path = mp.copy("TIV-Export-RUS-2018-2021.csv", tmp_path)
    lines = path.read_text().splitlines()
    lines[line_no - 1] = text
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SourceFormatError, match=r"TIV-Export-RUS-2018-2021\.csv" + match):
        sipri.read_tiv_table(path)


def test_sipri_truncated_and_skip(tmp_path: Path) -> None:
    path = mp.copy("TIV-Export-RUS-2018-2021.csv", tmp_path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:14]) + "\n")  # cut after India
    with pytest.raises(SourceFormatError, match=r"TIV-Export-RUS-2018-2021\.csv:14: .*truncated"):
        sipri.read_tiv_table(path)
    lines[14] = "Pakistan,70"
    path.write_text("\n".join(lines) + "\n")
    _, frame, skipped = sipri.read_tiv_table(path, "skip")
    assert skipped == 1 and "Pakistan" not in set(frame["recipient"])


def test_sipri_processed_malformed(tmp_path: Path) -> None:
    lines = (mp.MP / "sipri-exports-processed.csv").read_text().splitlines()
    lines[2] = "Russia,Pakistan,2021"
    bad = tmp_path / "sipri-exports-processed.csv.gz"
    bad.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    with pytest.raises(SourceFormatError, match=r"sipri-exports-processed\.csv\.gz:3"):
        sipri.DATASETS[1].parse({bad.name: bad}, "error")


def test_sipri_registry_lists_134_tables() -> None:
    files = sipri.DATASETS[0].files
    assert len(files) == 134 and len({f.name for f in files}) == 134
    assert all(f.sha256 and len(f.sha256) == 64 and f.url.endswith(f.name) for f in files)
    assert "sipri/trademap-raw/TIV-Export-RUS-1950-2021.csv" in {f.path for f in files}


# --- OpenFlights ---------------------------------------------------------------------------

def test_openflights_routes_by_hand(tmp_path: Path) -> None:
    result = mp.parse(openflights.DATASETS[0], tmp_path)
    table = result.tables["air_routes"]
    assert list(table.columns) == ["airline", "src_airport", "dst_airport", "src_iso3",
                                   "dst_iso3", "stops", "snapshot"]
    cols = ["airline", "src_airport", "dst_airport", "src_iso3", "dst_iso3", "stops"]
    got = {tuple(None if pd.isna(v) else v for v in r)
           for r in table[cols].itertuples(index=False)}
    assert got == {
        ("PK", "KHI", "DXB", "PAK", "ARE", 0), ("PK", "ISB", "DXB", "PAK", "ARE", 0),
        ("EK", "DXB", "KHI", "ARE", "PAK", 0), ("SU", "SVO", "DXB", "RUS", "ARE", 0),
        ("SU", "SVO", "ISB", "RUS", "PAK", 1), ("PK", "KHI", "ISB", "PAK", "PAK", 0),
        ("2B", "XYZ", "KHI", "RUS", "PAK", 0),  # XYZ only in airports-extended.dat
        ("AA", "STT", "RGN", "VIR", "MMR", 0),  # "Virgin Islands" (US), "Burma"
        ("ZZ", "QQQ", "DXB", None, "ARE", 0),  # unknown airport: kept, country NA
        ("AI", "DEL", "DXB", "PAK", "ARE", 0),  # airport id 1 (Karachi) wins over the code
    }
    assert set(table["snapshot"]) == {dt.date(2014, 6, 1)}
    assert any("2 routes have an endpoint" in n and "resolves 1; 1 keep" in n
               for n in result.notes)


def test_openflights_malformed(tmp_path: Path) -> None:
    paths = mp.files("openflights/2014-06", tmp_path)
    lines = paths["routes.dat"].read_text().splitlines()
    lines[6] = "2B,410,XYZ,\\N,KHI"
    paths["routes.dat"].write_text("\n".join(lines) + "\n")
    with pytest.raises(SourceFormatError, match=r"routes\.dat:7"):
        openflights.DATASETS[0].parse(paths, "error")
    result = openflights.DATASETS[0].parse(paths, "skip")
    assert result.skipped == 1 and len(result.tables["air_routes"]) == 9


# --- UN migrant stock -----------------------------------------------------------------------

def test_migration_2015_workbook_by_hand(tmp_path: Path) -> None:
    result = mp.parse(migration.DATASETS[1], tmp_path)
    assert _rows(result.tables["migration"], ["year", "origin", "destination", "stock"]) == {
        (2015, "RUS", "FSM", 2.0),  # by code 583; the region "Micronesia" (954) is dropped
        (2015, "PAK", "RUS", 728.0),
        (2015, "FSM", "RUS", 0.0),  # the UN's explicit 0 is kept; empty cells are not
    }
    text = " ".join(result.notes)
    assert "Total, Other North, Other South, Channel Islands" in text
    assert "3 destination rows" in text  # WORLD, Micronesia (region), Channel Islands


def test_migration_2019_clean_by_hand(tmp_path: Path) -> None:
    result = mp.parse(migration.DATASETS[0], tmp_path)
    assert _rows(result.tables["migration"], ["year", "origin", "destination", "stock"]) == {
        (2015, "HKG", "PAK", 12.0), (2015, "PAK", "RUS", 728.0), (2019, "PAK", "RUS", 727.0),
        (2019, "HKG", "RUS", 4.0), (2019, "PAK", "HKG", 1500.0), (2019, "RUS", "HKG", 20.0),
    }  # zeros, "..", "-", the region "Micronesia" and Channel Islands are not stored
    assert any("Micronesia" in n for n in result.notes)


def test_migration_2020_totals_by_hand(tmp_path: Path) -> None:
    table = mp.parse(migration.DATASETS[2], tmp_path).tables["migration"]
    assert set(table["origin"]) == {"WLD"}
    got = table.set_index(["destination", "year"])["stock"]
    assert got[("RUS", 2015)] == 11643276 and got[("PAK", 1990)] == 6208204
    assert got[("SSD", 2010)] == 230732 and ("SSD", 2005) not in got.index  # ".."
    assert len(table) == 7 + 7 + 3  # PAK, RUS, South Sudan; Taiwan all ".."
    assert "TWN" not in set(table["destination"])


def test_migration_malformed(tmp_path: Path) -> None:
    grid = (mp.MP / "un_migrant_stock_2015_table16.csv").read_text().splitlines()
    grid[-2] = grid[-2].replace(",728,", ",n/a,")  # sheet row 21, column I (Pakistan)
    bad_grid = tmp_path / "grid.csv"
    bad_grid.write_text("\n".join(grid) + "\n")
    book = mp.grid_to_xlsx(bad_grid, tmp_path / "UN_MigrantStockByOriginAndDestination_2015.xlsx",
                           "Table 16")
    with pytest.raises(SourceFormatError, match=r"2015\.xlsx:21: column 'I \(Pakistan\)'"):
        migration.DATASETS[1].parse({book.name: book}, "error")
    assert migration.DATASETS[1].parse({book.name: book}, "skip").skipped == 1
    lines = (mp.MP / "UN_MigrantStockByOriginAndDestination_2019_clean.csv").read_text()
    bad = tmp_path / "UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz"
    bad.write_bytes(gzip.compress(lines.replace("727", "7x7").encode()))
    with pytest.raises(SourceFormatError, match=r"2019_clean\.csv\.gz:6: column 'Pakistan'"):
        migration.DATASETS[0].parse({bad.name: bad}, "error")
    not_xlsx = tmp_path / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
    not_xlsx.write_text("Region,Location code\n")
    with pytest.raises(SourceFormatError, match="not a readable .xlsx"):
        migration.DATASETS[2].parse({not_xlsx.name: not_xlsx}, "error")


# --- OECD students, WDI ----------------------------------------------------------------------

def test_students_by_hand(tmp_path: Path) -> None:
    result = mp.parse(students.DATASETS[0], tmp_path)
    table = result.tables["students"]
    assert list(table.columns) == ["year", "origin", "destination", "count", "derived"]
    assert _rows(table, ["year", "origin", "destination", "count"]) == {
        (2014, "PAK", "RUS", 94.0), (2019, "PAK", "RUS", 230.0), (2019, "PAK", "GBR", 9000.0),
        (2019, "RUS", "GBR", 3000.0), (2019, "GBR", "RUS", 50.0)}  # the 2013 zero is dropped
    assert table["derived"].all()
    assert "derived: not the OECD original" in students.DATASETS[0].caveats


def test_students_malformed(tmp_path: Path) -> None:
    text = (mp.MP / "OECD_Intl_Student_Enrollment_2013_2019.csv").read_text()
    bad = tmp_path / "OECD_Intl_Student_Enrollment_2013_2019.csv.gz"
    bad.write_bytes(gzip.compress(text.replace("2014,94", "2014,ninety").encode()))
    with pytest.raises(SourceFormatError, match=r"2019\.csv\.gz:3"):
        students.DATASETS[0].parse({bad.name: bad}, "error")


def test_wdi_by_hand(tmp_path: Path) -> None:
    result = mp.parse(wdi.DATASETS[0], tmp_path)
    table = result.tables["macro"]
    assert list(table.columns) == ["year", "iso3", "gdp_usd", "population"]
    got = {(r.year, r.iso3): (r.gdp_usd, r.population) for r in table.itertuples()}
    assert set(got) == {(2020, "PAK"), (2021, "PAK"), (2020, "RUS")}  # WLD, SAS, HIC, CHI out
    assert got[(2020, "PAK")] == (300425666869.9, 227196741.0)
    assert pd.isna(got[(2021, "PAK")][0]) and got[(2021, "PAK")][1] == 231402117.0
    assert any("CHI" in n and "SAS" in n for n in result.notes)


def test_wdi_malformed(tmp_path: Path) -> None:
    paths = mp.files("wdi/datahub", tmp_path)
    paths["gdp.csv"].write_bytes(paths["gdp.csv"].read_bytes().replace(
        b"RUS,2020,1493075894362.2", b"RUS,2020"))
    with pytest.raises(SourceFormatError, match=r"gdp\.csv:3"):
        wdi.DATASETS[0].parse(paths, "error")
