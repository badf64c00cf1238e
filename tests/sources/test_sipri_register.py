"""SIPRI trade register (deal level): rows by hand, strict reading, derived 2022-2023 TIV.

The fixture (tests/data/sipri_register) is a hand-typed register in SIPRI's export format:
Windows-1252 ("Alizé", "€"), the 11-line preamble, the " " uncertainty columns, a
multi-year delivery list, a non-state recipient (*), an organisation (**), an unknown
supplier, and a deal whose Comments end in an unquoted CR LF, so that its TIVs sit alone
on the next line (the "row of numbers only" of the real file). Expected values are
written out by hand; the mirror tests recount the real file with the csv module.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
import statistics
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from amity._exceptions import SourceFormatError
from amity._schema import TABLES
from amity.sources import sipri, sipri_register
from amity.store import Store
from tests.conftest import DATA

DATASET = sipri_register.DATASETS[0]
NAME = "trade-register_sipri_2024-10-21.csv.gz"
FIXTURE = DATA / "sipri_register" / "trade-register_sipri_2024-10-21.csv"


def _paths(tmp_path: Path, data: bytes | None = None) -> dict[str, Path]:
    dest = tmp_path / NAME
    dest.write_bytes(gzip.compress(FIXTURE.read_bytes() if data is None else data))
    return {NAME: dest}


def _lines() -> list[bytes]:
    return FIXTURE.read_bytes().split(b"\n")


def _edit(line: int, text: str) -> bytes:
    """The fixture with physical line ``line`` (1-based) replaced."""
    lines = _lines()
    lines[line - 1] = text.encode("cp1252")
    return b"\n".join(lines)


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in frame.itertuples(index=False)]


# --- the hand-typed register -------------------------------------------------------------

_DEALS = [
    (1, "RUS", "IND", "Russia", "India", 2018, False, 5.0, False, "S-400", "SAM system", 3.0,
     True, "2021; 2022; 2023", "New", "$5.4 b deal; Triumf", 300.0, 1500.0, 900.0),
    (2, "CHN", "PAK", "China", "Pakistan", 2020, True, 4.0, True, "Type-054A/P", "frigate",
     4.0, False, "2022; 2023", "New", "Tughril class", 150.0, 600.0, 600.0),
    (3, "CHN", "PAK", "China", "Pakistan", 2021, False, 100.0, False, "HQ-16FE", "SAM", 50.0,
     True, "2023", "New", None, 0.5, 50.0, 25.0),
    # Windows-1252 text; the comment's trailing blank is dropped
    (4, "FRA", "IND", "France", "India", 1960, True, 12.0, False, "Alizé", "ASW aircraft",
     12.0, False, "1961; 1962", "New", "Br.1050 Alizé; for aircraft carrier Vikrant", 2.5,
     30.0, 30.0),
    # non-state recipient and organisation: kept, ISO3 NA, names kept
    (5, "IRN", None, "Iran", "Houthi rebels (Yemen)*", 2015, True, 100.0, True, "Burkan-2",
     "SSM", 100.0, True, "2022; 2023", "New", "Supplier uncertain", 0.5, 50.0, 50.0),
    (6, "USA", None, "United States", "NATO**", 2012, False, 5.0, False, "RQ-4 Global Hawk",
     "UAV", 5.0, False, "2020; 2021; 2022", "New", "RQ-4D version", 30.0, 150.0, 150.0),
    # number ordered unknown: the export's TIV for the order "0" is stored as NA
    (7, None, "UKR", "unknown supplier(s)", "Ukraine", 2022, True, None, False,
     "122mm rocket", "MRL", 20.0, True, "2022; 2023", "Second hand", "Aid", 0.1, None, 2.0),
    # lines 20-21: Comments end in CR LF, the TIVs follow on the next line
    (8, "DEU", "EGY", "Germany", "Egypt", 2018, False, 4.0, False, "MEKO-A200", "frigate", 3.0,
     False, "2022; 2023", "New", "Part of €2.3 b deal; delivery of 4th ship delayed", 400.0,
     1600.0, 1200.0),
    (9, "RUS", "IND", "Soviet Union", "India", 1962, True, 12.0, True, "MiG-21F",
     "fighter aircraft", 12.0, True, "1963; 1964", "New", None, 2.2, 26.4, 26.4),
    (10, "TUR", "ALB", "Turkiye", "Albania", 2023, False, 2.0, True, "Bayraktar TB2",
     "armed UAV", 0.0, False, None, "New", "Delivery planned 2025", 2.4, 4.8, 0.0),
    (11, "RUS", "IND", "Russia", "India", 2020, True, 10.0, False, "Igla-S", "portable SAM",
     10.0, True, "2022", "Second hand but modernized", None, 0.03, 0.3, 0.3),
    (12, "PAK", "LKA", "Pakistan", "Sri Lanka", 2022, True, 50.0, True, "Baktar Shikan",
     "anti-tank missile", 50.0, True, "2023", "New", None, 0.008, 0.4, 0.4),
]

# by hand: deal TIV / number of delivery years, summed; states on both sides only
_DERIVED = {
    (2022, "RUS", "IND"): 900 / 3 + 0.3,  # deals 1 and 11
    (2023, "RUS", "IND"): 900 / 3,
    (2022, "CHN", "PAK"): 600 / 2,
    (2023, "CHN", "PAK"): 600 / 2 + 25,  # deals 2 and 3
    (2022, "DEU", "EGY"): 1200 / 2,  # the deal joined from two lines
    (2023, "DEU", "EGY"): 1200 / 2,
    (2023, "PAK", "LKA"): 0.4,
}


def _derived(frame: pd.DataFrame) -> dict[tuple[int, str, str], float]:
    return {(int(r.year), r.supplier, r.recipient): r.tiv for r in frame.itertuples()}


def test_deals_by_hand(tmp_path: Path) -> None:
    result = DATASET.parse(_paths(tmp_path), "error")
    deals = result.tables["arms_deals"]
    assert list(deals.columns) == list(TABLES["arms_deals"].columns)
    got = _rows(deals)
    assert len(got) == len(_DEALS)
    for row, expected in zip(got, _DEALS, strict=True):
        assert row == pytest.approx(expected), expected[0]
    assert result.skipped == 0
    notes = " | ".join(result.notes)
    assert "joined back (lines 20)" in notes
    assert "unknown supplier(s) (1)" in notes
    assert "1 deals with a non-state actor (*)" in notes
    assert "1 deals with an international organisation (**)" in notes
    assert "1 deals without a number ordered" in notes


def test_derived_2022_2023_by_hand(tmp_path: Path) -> None:
    result = DATASET.parse(_paths(tmp_path), "error")
    transfers = result.tables["arms_transfers"]
    assert list(transfers.columns) == list(TABLES["arms_transfers"].columns)
    got = _derived(transfers)
    assert got.keys() == _DERIVED.keys()  # no IRN->Houthis, USA->NATO, unknown->UKR
    for key, value in _DERIVED.items():
        assert got[key] == pytest.approx(value), key
    assert result.scope["arms_transfers"]["years"] == [2022, 2023]


def test_derive_other_years(tmp_path: Path) -> None:
    deals = DATASET.parse(_paths(tmp_path), "error").tables["arms_deals"]
    got = _derived(sipri_register.derive_transfers(deals, (1960, 2021)))
    assert got == pytest.approx({(1961, "FRA", "IND"): 15.0, (1962, "FRA", "IND"): 15.0,
                                 (1963, "RUS", "IND"): 13.2, (1964, "RUS", "IND"): 13.2,
                                 (2021, "RUS", "IND"): 300.0})


def test_dataset_metadata() -> None:
    assert (DATASET.source, DATASET.release, DATASET.default) == (
        "sipri", "register-2024-10-21", False)
    assert "derived from deal totals, spread evenly over delivery years" in DATASET.title
    assert any("spread evenly over delivery years" in c for c in DATASET.caveats)
    (file,) = DATASET.files
    assert file.path == "sipri/" + NAME and file.url is None  # gzipped here, not upstream
    assert len(file.sha256 or "") == 64


def test_ingests_into_a_store(tmp_path: Path) -> None:
    result = DATASET.parse(_paths(tmp_path), "error")
    store = Store(tmp_path / "s.duckdb")
    try:
        store.ingest(DATASET, result, hashes={})
        deals = store.table("arms_deals", source="sipri", release="register-2024-10-21")
        assert deals.count().execute() == 12
        tr = store.table("arms_transfers", source="sipri", release="register-2024-10-21")
        stored = _derived(tr.to_pandas())
        assert stored == pytest.approx(_DERIVED)
        row = store.release("sipri", "register-2024-10-21")
        assert row is not None and (row.coverage_start, row.coverage_end) == (2022, 2023)
    finally:
        store.close()


# --- strict reading ----------------------------------------------------------------------

@pytest.mark.parametrize(("line", "text", "where"), [
    (15, "Pakistan,China,20x1,,100,,HQ-16FE,SAM,50,?,2023,New,,0.5,50,25",
     r":15: column 'Year of order': malformed deal: year '20x1'"),
    (17, "Houthi rebels (Yemen)*,Iran,2015,x,100,?,Burkan-2,SSM,100,?,2022; 2023,New,,0.5,50,50",
     r":17: column '\" \" \(uncertainty of Year of order\)': .*uncertainty mark 'x'"),
    (24, "India,Russia,2020,?,10,,Igla-S,portable SAM,10,?,2022,New,0.03,0.3,0.3",
     r":24: .*expected 16 fields.*saw 15"),
    (25, "Sri Lanka,Pakistan,2022,?,50,?,Baktar Shikan,ATM,50,?,2023,2022,New,,0.008,0.4,0.4",
     r":25: .*expected 16 fields"),
    (13, "India,Russia,2018,,5,,S-400,SAM system,3,?,2022; 2021,New,,300,1500,900",
     r":13: column 'Year\(s\) of delivery': .*years '2022; 2021'"),
    (14, "Pakistan,China,2020,?,4,?,Type-054A/P,frigate,4,,2022; 2023,New,,150,600,n/a",
     r":14: column 'SIPRI TIV of delivered weapons': .*'n/a' is not a non-negative"),
])
def test_malformed_row_names_file_and_line(tmp_path: Path, line: int, text: str,
                                           where: str) -> None:
    paths = _paths(tmp_path, _edit(line, text))
    with pytest.raises(SourceFormatError, match=r"trade-register_sipri_2024-10-21\.csv\.gz"
                       + where) as info:
        DATASET.parse(paths, "error")
    assert "--on-bad-lines skip" in str(info.value)
    result = DATASET.parse(paths, "skip")
    assert result.skipped == 1
    deals = result.tables["arms_deals"]
    gone = line - 12  # these lines hold one deal each, before or after the joined one
    assert list(deals["deal"]) == [d for d in range(1, 13) if d != gone - (line > 21)]


def test_numbers_only_row_without_a_broken_line_is_malformed(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes().replace(b"delayed\r\n", b"delayed\n")
    with pytest.raises(SourceFormatError, match=r"\.csv\.gz:20: .*saw 13"):
        DATASET.parse(_paths(tmp_path, data), "error")
    result = DATASET.parse(_paths(tmp_path, data), "skip")
    assert result.skipped == 2  # the cut row (line 20) and its numbers (line 21)
    # positions count every row of the register, skipped ones included
    assert list(result.tables["arms_deals"]["deal"]) == [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13]
    assert (2022, "DEU", "EGY") not in _derived(result.tables["arms_transfers"])


def test_utf8_copy_is_refused(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes().decode("cp1252").encode("utf-8")
    with pytest.raises(SourceFormatError, match=r"\.csv\.gz:16: the file is UTF-8 encoded.*"
                       "Windows-1252.*Fix: use SIPRI's trade-register CSV export"):
        DATASET.parse(_paths(tmp_path, data), "skip")


def test_bytes_outside_windows_1252_are_refused(tmp_path: Path) -> None:
    data = _edit(14, "Pakistan,China,2020,?,4,?,Type-054A/P,frigate,4,,2022; 2023,New,x,1,2,2")
    data = data.replace(b",x,", b",\x81,")  # 0x81 is undefined in Windows-1252
    with pytest.raises(SourceFormatError, match=r":14: byte 0x81 is not Windows-1252"):
        DATASET.parse(_paths(tmp_path, data), "skip")


def test_missing_or_moved_header(tmp_path: Path) -> None:
    lines = _lines()
    without = b"\n".join(lines[:11] + lines[12:])
    with pytest.raises(SourceFormatError, match=r":12: no header row 'Recipient,Supplier"):
        DATASET.parse(_paths(tmp_path, without), "skip")
    moved = b"\n".join([b"an extra line", *lines])
    with pytest.raises(SourceFormatError, match=r":13: the header is on line 13, not after "
                       "SIPRI's 11 preamble lines"):
        DATASET.parse(_paths(tmp_path, moved), "skip")
    renamed = _edit(12, "Recipient,Supplier,Year of order,?,Number ordered, ,Weapon designation,"
                    "Weapon description,Number delivered, ,Year(s) of delivery,status,Comments,"
                    "SIPRI TIV per unit,SIPRI TIV for total order,SIPRI TIV of delivered weapons")
    with pytest.raises(SourceFormatError, match=r":12: unexpected header"):
        DATASET.parse(_paths(tmp_path, renamed), "skip")
    no_source = _edit(10, "Compiled by someone")
    with pytest.raises(SourceFormatError, match=r":1: the preamble has no 'Source: SIPRI"):
        DATASET.parse(_paths(tmp_path, no_source), "skip")
    crlf = FIXTURE.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with pytest.raises(SourceFormatError, match=r":12: lines end in CR LF"):
        DATASET.parse(_paths(tmp_path, crlf), "skip")


def test_not_gzip_or_truncated(tmp_path: Path) -> None:
    plain = tmp_path / NAME
    plain.write_bytes(FIXTURE.read_bytes())
    with pytest.raises(SourceFormatError, match=r"\.csv\.gz: cannot read the file"):
        DATASET.parse({NAME: plain}, "error")
    whole = gzip.compress(FIXTURE.read_bytes())
    plain.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(SourceFormatError, match=r"cannot read the file"):
        DATASET.parse({NAME: plain}, "error")


# --- the real register (../shared/data) ---------------------------------------------------

def _register_rows(mirror: Path) -> list[list[str]]:
    with gzip.open(mirror / "sipri" / NAME, "rt", encoding="cp1252", newline="") as fh:
        return list(csv.reader(fh))[12:]


@pytest.fixture(scope="module")
def real(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    result = DATASET.parse({NAME: mirror / "sipri" / NAME}, "error")
    return result.tables["arms_deals"], result.tables["arms_transfers"], result.notes


@pytest.mark.mirror
def test_real_file_is_the_original_gzipped(mirror: Path) -> None:
    (file,) = DATASET.files
    data = (mirror / file.path).read_bytes()
    assert hashlib.sha256(data).hexdigest() == file.sha256
    # SOURCE.md: the uncompressed bytes are the GitHub original's
    assert hashlib.sha256(gzip.decompress(data)).hexdigest() == (
        "d96bfc1b9b726073121eac863f7972879eb77d22e72565e0e4bbc1c9a1f45811")


@pytest.mark.mirror
def test_real_counts(mirror: Path, real: tuple[pd.DataFrame, pd.DataFrame, list[str]]) -> None:
    rows = _register_rows(mirror)
    # SOURCE.md's count: every data line a deal, with the half-lines' "names"
    assert len(rows) == 29_058
    assert len({r[1] for r in rows}) == 138 and len({r[0] for r in rows}) == 262
    # the half-lines: 13 fields ending in CR (csv ends the record there), then 4 fields
    halves = [r for r in rows if len(r) != 16]
    assert [len(r) for r in halves] == [13, 4, 13, 4] and all(r[0] == "" for r in halves[1::2])
    whole = [r for r in rows if len(r) == 16] + [a + b[1:] for a, b in
                                                 zip(halves[::2], halves[1::2], strict=True)]
    deals, _, notes = real
    assert len(deals) == len(whole) == 29_056
    assert deals["supplier_name"].nunique() == len({r[1] for r in whole}) == 136
    assert deals["recipient_name"].nunique() == len({r[0] for r in whole}) == 261
    assert list(deals["deal"]) == list(range(1, 29_057))
    assert any("lines 25277, 27517" in n for n in notes)
    joined = deals.set_index("deal").loc[25265]
    assert (joined.supplier_name, joined.recipient_name, joined.tiv_delivered) == (
        "Ukraine", "Thailand", 3.25)
    unknown = next(n for n in notes if "not states in amity's crosswalk" in n)
    for name in ("Biafra", "Katanga", "Libya GNC", "Northern Cyprus",
                 "Yemen Arab Republic (North Yemen)", "unknown recipient(s)",
                 "unknown supplier(s)"):
        assert name in unknown


def _by_hand(rows: list[list[str]], supplier: set[str], recipient: str,
             years: range) -> dict[int, float]:
    """Yearly TIV of one pair from the csv rows, with plain arithmetic."""
    out = dict.fromkeys(years, 0.0)
    pending = None
    for r in rows:
        if len(r) == 13:  # a half-line: its TIVs are on the next line
            pending = r
            continue
        if pending is not None:
            r, pending = pending + r[1:], None
        if r[1] in supplier and r[0] == recipient and r[10]:
            listed = [int(y) for y in r[10].split("; ")]
            for y in listed:
                if y in out:
                    out[y] += float(r[15]) / len(listed)
    return out


@pytest.mark.mirror
def test_real_derived_2022_2023_recomputed(
        mirror: Path, real: tuple[pd.DataFrame, pd.DataFrame, list[str]]) -> None:
    rows = _register_rows(mirror)
    got = _derived(real[1])
    assert set(real[1]["year"]) == {2022, 2023}
    for sup, names, rec, name in (("CHN", {"China"}, "PAK", "Pakistan"),
                                  ("RUS", {"Russia", "Soviet Union"}, "IND", "India")):
        expected = _by_hand(rows, names, name, range(2022, 2024))
        for year, value in expected.items():
            assert got[(year, sup, rec)] == pytest.approx(value), (sup, rec, year)
    assert got[(2022, "CHN", "PAK")] == pytest.approx(1251.8, abs=0.05)
    assert got[(2023, "RUS", "IND")] == pytest.approx(411.6, abs=0.05)


def _table(mirror: Path, code: str, recipient: str) -> dict[int, float]:
    with open(mirror / "sipri/trademap-raw" / f"TIV-Export-{code}-1950-2021.csv",
              newline="", encoding="utf-8") as fh:
        lines = list(csv.reader(fh))
    years = [int(y) for y in lines[10][1:-1]]
    row = next(r for r in lines[11:] if r and r[0] == recipient)
    return {y: float(v) for y, v in zip(years, row[1:-1], strict=True) if v}


# the module docstring's validation table: (register-derived, SIPRI's table) per year
_VALIDATION = {
    ("RUS", "IND"): [(1088, 1322), (1000, 1562), (1153, 1241), (1393, 1392)],
    ("USA", "SAU"): [(1976, 2752), (2023, 2866), (2808, 2151), (1340, 1389)],
    ("CHN", "PAK"): [(684, 499), (535, 455), (567, 541), (1077, 753)],
    ("RUS", "CHN"): [(1652, 1767), (1082, 1179), (529, 632), (446, 773)],
}
_PAIRS = {("RUS", "IND"): ("RUS", {"Russia"}, "India"),
          ("USA", "SAU"): ("USA", {"United States"}, "Saudi Arabia"),
          ("CHN", "PAK"): ("CHI", {"China"}, "Pakistan"),
          ("RUS", "CHN"): ("RUS", {"Russia"}, "China")}


@pytest.mark.mirror
def test_real_2018_2021_against_sipri_tables(
        mirror: Path, real: tuple[pd.DataFrame, pd.DataFrame, list[str]]) -> None:
    rows = _register_rows(mirror)
    derived = _derived(sipri_register.derive_transfers(real[0], (2018, 2021)))
    years = range(2018, 2022)
    for pair, documented in _VALIDATION.items():
        code, names, recipient = _PAIRS[pair]
        by_hand = _by_hand(rows, names, recipient, years)
        table = _table(mirror, code, recipient)
        for year, (reg, tab) in zip(years, documented, strict=True):
            assert derived[(year, *pair)] == pytest.approx(by_hand[year])
            assert round(by_hand[year]) == reg and table[year] == tab, (pair, year)

    # world totals and the spread of pair-year differences, as the docstring states
    tables = sipri.DATASETS[0]
    exact = tables.parse({f.name: mirror / f.path for f in tables.files}, "error")
    tab = _derived(exact.tables["arms_transfers"].query("2018 <= year <= 2021"))
    totals = [(round(sum(v for k, v in derived.items() if k[0] == y)),
               round(sum(v for k, v in tab.items() if k[0] == y))) for y in years]
    assert totals == [(26505, 27275), (26018, 27342), (25036, 23262), (25073, 25427)]
    big = [k for k, v in tab.items() if v >= 100]
    diff = [abs(derived.get(k, 0.0) / tab[k] - 1) for k in big]
    assert len(big) == 179 and round(statistics.median(diff), 2) == 0.17
    assert (sum(d <= 0.1 for d in diff), sum(d <= 0.25 for d in diff)) == (62, 113)
    window: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for pair in {k[1:] for k in big}:
        for y in years:
            window[pair][0] += derived.get((y, *pair), 0.0)
            window[pair][1] += tab.get((y, *pair), 0.0)
    wdiff = [abs(r / t - 1) for r, t in window.values()]
    assert len(wdiff) == 92 and round(statistics.median(wdiff), 2) == 0.09
    assert (sum(d <= 0.1 for d in wdiff), sum(d <= 0.25 for d in wdiff)) == (54, 80)
