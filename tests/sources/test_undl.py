"""UN Digital Library votes of 2025 (3DL's wide file): hand-computed rows of all four
tables from tests/data/undl, strict reading (tallies, malformed rows, header), and the
real mirror recomputed with csv/gzip."""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from amity import countries
from amity._contract import ParseResult
from amity._exceptions import SourceFormatError
from amity.indicators.political import un_votes_dyadic
from amity.sources import undl
from amity.store import Store
from tests.conftest import DATA, gz

NAME = "un_votes_2025_processed.csv.gz"
FIXTURE = DATA / "undl" / "un_votes_2025_processed.csv"
RESOLUTIONS, UNVOTES = undl.DATASETS
URL = "https://digitallibrary.un.org/record/"
STATES = ("CIV", "KOR", "PAK", "PRK", "RUS", "UKR", "USA")

# The fixture by hand (see tests/data/undl/README.md): Y yes, N no, A abstain, . empty.
CELLS = {
    ("SC", "S/RES/2768(2025)"): ". Y Y . A . Y",
    ("GA", "A/RES/ES-11/7"): ". Y A N N Y N",
    ("GA", "A/RES/79/269"): "Y Y Y . Y Y N",
    ("GA", "A/RES/ES-11/9"): "A Y A N N Y Y",
    ("GA", "A/RES/80/84 B"): "Y A Y Y Y . N",
}
WORDS = {"Y": "yes", "N": "no", "A": "abstain"}
GA_TITLE = " : resolution / adopted by the General Assembly"
# body, symbol, date, year, title, yes, no, abstain, non_voting, record_url
RESOLUTION_ROWS = {
    ("SC", "S/RES/2768(2025)", date(2025, 1, 15), 2025,
     "Security Council resolution 2768 (2025) [on a test subject, with a comma]",
     3, 0, 1, 0, URL + "4072364"),
    ("GA", "A/RES/ES-11/7", date(2025, 2, 24), 2025, "A test text on Ukraine" + GA_TITLE,
     2, 3, 1, 1, URL + "4076672"),
    ("GA", "A/RES/79/269", date(2025, 3, 4), 2025, "A test day of coexistence" + GA_TITLE,
     5, 1, 0, 1, URL + "4078357"),
    ("GA", "A/RES/ES-11/9", date(2025, 12, 3), 2025, "A test text on children" + GA_TITLE,
     3, 2, 2, 0, URL + "4094643"),
    ("GA", "A/RES/80/84 B", date(2025, 12, 5), 2025, "Test policies, part B" + GA_TITLE,
     4, 1, 1, 1, URL + "4095065"),
}
# rcid = 1e9 + record id; ES-11/7 (February) is resumed in the 79th session, ES-11/9
# (December) in the 80th
ROLL_CALLS = {
    "A/RES/ES-11/7": (1_004_076_672, 79, date(2025, 2, 24), "A test text on Ukraine"),
    "A/RES/79/269": (1_004_078_357, 79, date(2025, 3, 4), "A test day of coexistence"),
    "A/RES/ES-11/9": (1_004_094_643, 80, date(2025, 12, 3), "A test text on children"),
    "A/RES/80/84 B": (1_004_095_065, 80, date(2025, 12, 5), "Test policies, part B"),
}


def _rows(frame: pd.DataFrame) -> set[tuple]:
    return {tuple(None if pd.isna(v) else v for v in r) for r in frame.itertuples(index=False)}


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / NAME
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    return path


def _fixture_lines() -> list[str]:
    return FIXTURE.read_text(encoding="utf-8").splitlines()


def _parse(dataset, path: Path, on_bad_lines: str = "error") -> ParseResult:  # noqa: ANN001
    return dataset.parse({NAME: path}, on_bad_lines)


@pytest.fixture()
def fixture_file(tmp_path: Path) -> Path:
    return gz(FIXTURE, tmp_path, NAME)


# --- the hand-made fixture ------------------------------------------------------------------

def test_resolutions_by_hand(fixture_file: Path) -> None:
    result = _parse(RESOLUTIONS, fixture_file)
    assert set(result.tables) == {"un_resolutions", "un_resolution_votes"}
    table = result.tables["un_resolutions"]
    assert list(table.columns) == ["body", "symbol", "date", "year", "title", "yes", "no",
                                   "abstain", "non_voting", "record_url"]
    assert _rows(table) == RESOLUTION_ROWS
    votes = result.tables["un_resolution_votes"]
    assert list(votes.columns) == ["body", "symbol", "iso3", "vote"]
    expected = {(body, symbol, iso3, WORDS.get(cell, "none"))
                for (body, symbol), cells in CELLS.items()
                for iso3, cell in zip(STATES, cells.split(), strict=True)}
    assert len(expected) == 35
    assert _rows(votes) == expected
    assert len(votes) == 35  # one row per state column and text, no duplicates
    assert result.skipped == 0 and result.notes == []


def test_unvotes_by_hand(fixture_file: Path) -> None:
    result = _parse(UNVOTES, fixture_file)
    calls = result.tables["un_roll_calls"]
    assert len(calls) == 4  # the Security Council row is not a GA roll call
    for row in calls.itertuples(index=False):
        rcid, session, day, short = ROLL_CALLS[row.unres]
        assert (row.rcid, row.session, row.year, row.date) == (rcid, session, 2025, day)
        assert (row.short, row.descr) == (short, short + GA_TITLE)
        assert row.amend == False and row.para == False  # noqa: E712 - whole texts
        assert all(pd.isna(getattr(row, c)) for c in ("important", "me", "nu", "di", "hr",
                                                      "co", "ec"))
    gwords = {**WORDS, ".": "absent"}
    expected = {(ROLL_CALLS[symbol][0], iso3, gwords[cell], ROLL_CALLS[symbol][1], 2025)
                for (body, symbol), cells in CELLS.items() if body == "GA"
                for iso3, cell in zip(STATES, cells.split(), strict=True)}
    votes = result.tables["un_votes"]
    assert list(votes.columns) == ["rcid", "iso3", "vote", "session", "year"]
    assert len(votes) == 28 and _rows(votes) == expected


def test_both_releases_ingest_and_agreement_by_hand(fixture_file: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    for dataset in undl.DATASETS:
        report = store.ingest(dataset, _parse(dataset, fixture_file), hashes={})
        assert report.status == "ingested"
    stored = store.table("un_resolution_votes", source="undl", release="2025").to_pandas()
    assert len(stored) == 35
    assert store.table("un_votes", source="unvotes", release="undl-2025").count().execute() == 28
    # PAK-RUS over the 4 GA votes: A/N, Y/Y, A/N, Y/Y -> 4 common, 2 same = 0.5;
    # PAK (y2, a2, n0), RUS (y2, a0, n2): p_e = (2*2)/16 = 1/4, kappa = (1/2-1/4)/(3/4) = 1/3
    # KOR-PRK: the empty PRK cell (absent) drops A/RES/79/269: 3 common, none the same
    for method in ("matrix", "ibis"):
        frame = un_votes_dyadic(store, release="undl-2025", method=method)
        row = frame[(frame.a == "PAK") & (frame.b == "RUS")].iloc[0]
        assert (row.year, row.un_common_votes) == (2025, 4)
        assert row.un_agreement == pytest.approx(0.5)
        assert row.un_kappa == pytest.approx(1 / 3)
        row = frame[(frame.a == "KOR") & (frame.b == "PRK")].iloc[0]
        assert (row.un_common_votes, row.un_agreement) == (3, 0.0)
    store.close()


def test_session_of() -> None:
    assert undl.session_of("A/DEC/80/506", date(2025, 9, 12)) == 80
    assert undl.session_of("A/RES/ES-10/27", date(2025, 6, 12)) == 79
    assert undl.session_of("A/RES/ES-11/9", date(2025, 9, 8)) == 79  # the day before the 80th
    assert undl.session_of("A/RES/ES-11/9", date(2025, 9, 9)) == 80
    assert undl.session_of("A/RES/ES-11/1", date(2022, 3, 2)) is None  # no opening date known
    assert undl.session_of("S/RES/2768(2025)", date(2025, 1, 15)) is None


# --- strict reading -------------------------------------------------------------------------

def test_tally_mismatch_names_file_line(tmp_path: Path) -> None:
    lines = _fixture_lines()
    lines[3] = lines[3].replace(",5,1,0,1,7,", ",6,1,0,0,7,")  # line 4: 6 yes, 5 YES cells
    path = _write(tmp_path, lines)
    for dataset in undl.DATASETS:
        with pytest.raises(SourceFormatError, match=rf"{NAME}:4: column 'YES COUNT': the "
                           r"row's YES COUNT is 6 but it has 5 YES cells.*Fix: .*re-fetch"):
            _parse(dataset, path)
    result = _parse(RESOLUTIONS, path, "skip")
    assert result.skipped == 1
    assert "A/RES/79/269" not in set(result.tables["un_resolutions"].symbol)
    assert len(result.tables["un_resolution_votes"]) == 28
    assert any(f"{NAME}:4 " in n for n in result.notes)
    assert len(_parse(UNVOTES, path, "skip").tables["un_roll_calls"]) == 3


def test_total_mismatch_and_bad_cell(tmp_path: Path) -> None:
    lines = _fixture_lines()
    lines[4] = lines[4].replace(",3,2,2,0,7,", ",3,2,2,0,8,")
    with pytest.raises(SourceFormatError, match=rf"{NAME}:5: column 'TOTAL VOTES'"):
        _parse(RESOLUTIONS, _write(tmp_path, lines))
    lines = _fixture_lines()
    lines[5] = lines[5].replace(",YES,ABSTAIN,YES,", ",YES,ABST,YES,")  # KOR on line 6
    with pytest.raises(SourceFormatError, match=rf"{NAME}:6: column 'KOR': vote 'ABST'"):
        _parse(RESOLUTIONS, _write(tmp_path, lines))


def test_malformed_row_names_file_line_and_skip_counts(tmp_path: Path) -> None:
    lines = _fixture_lines()
    lines[2] = lines[2].rsplit(",", 1)[0]  # line 3: the USA field missing
    lines[3] = lines[3].replace(",5,1,0,1,7,", ",5,1,0,x,7,")  # line 4: a count not a number
    lines[5] = lines[5].replace(",4,1,1,1,7,", ",4,2,1,1,8,")  # line 6: 2 NO but one NO cell
    path = _write(tmp_path, lines)
    with pytest.raises(SourceFormatError,
                       match=rf"{NAME}:3: column 'USA': malformed row.*2 malformed"):
        _parse(RESOLUTIONS, path)
    result = _parse(RESOLUTIONS, path, "skip")
    assert result.skipped == 3
    assert list(result.tables["un_resolutions"].symbol) == ["S/RES/2768(2025)",
                                                            "A/RES/ES-11/9"]
    # after rows are skipped, the line of the inconsistent row is still found (by record id)
    assert any(f"{NAME}:6 the row's NO COUNT is 2" in n for n in result.notes)


def test_empty_required_cell(tmp_path: Path) -> None:
    lines = _fixture_lines()
    lines[2] = lines[2].replace(",4076672,", ",,")  # line 3: no record id
    path = _write(tmp_path, lines)
    with pytest.raises(SourceFormatError, match=rf"{NAME}:3: column 'token': the cell is empty"):
        _parse(RESOLUTIONS, path)
    result = _parse(UNVOTES, path, "skip")
    assert result.skipped == 1 and len(result.tables["un_roll_calls"]) == 3


def test_symbols_and_bodies_are_checked(tmp_path: Path) -> None:
    lines = _fixture_lines()
    lines[2] = lines[2].replace(",General Assembly,", ",Assembly,")
    with pytest.raises(SourceFormatError, match=rf"{NAME}:3: column 'Council'"):
        _parse(RESOLUTIONS, _write(tmp_path, lines))
    lines = _fixture_lines()
    lines[3] = lines[3].replace(",A/RES/79/269,", ",S/RES/79/269,")  # a GA row, an SC symbol
    with pytest.raises(SourceFormatError, match=rf"{NAME}:4: column 'Resolution'"):
        _parse(RESOLUTIONS, _write(tmp_path, lines))
    lines = _fixture_lines()
    lines.append(lines[5].replace("4095065", "4095066"))  # the same symbol twice
    with pytest.raises(SourceFormatError, match=rf"{NAME}:7: .*'A/RES/80/84 B' appears"):
        _parse(RESOLUTIONS, _write(tmp_path, lines))
    lines = _fixture_lines()
    lines[1] = lines[1].replace("record/4072364", "record/4072365")
    with pytest.raises(SourceFormatError, match=rf"{NAME}:2: column 'Link'"):
        _parse(RESOLUTIONS, _write(tmp_path, lines))


def test_sc_title_naming_another_resolution_is_a_note(tmp_path: Path) -> None:
    lines = _fixture_lines()
    lines[1] = lines[1].replace("resolution 2768 (2025)", "resolution 2767 (2025)")
    result = _parse(RESOLUTIONS, _write(tmp_path, lines))
    assert result.tables["un_resolutions"].symbol.iloc[0] == "S/RES/2768(2025)"  # as published
    assert any(f"{NAME}:2 S/RES/2768(2025) is titled 'resolution 2767 (2025)'" in n
               for n in result.notes)


def test_header_checks(tmp_path: Path) -> None:
    lines = _fixture_lines()
    lines[0] = lines[0].replace("NO-VOTE COUNT", "NO VOTE COUNT")
    with pytest.raises(SourceFormatError, match=rf"{NAME}:1: the header does not start"):
        _parse(RESOLUTIONS, _write(tmp_path, lines))
    lines = _fixture_lines()
    lines[0] = lines[0].replace(",PRK,", ",Korea DPR,")
    with pytest.raises(SourceFormatError, match=r"not ISO3 codes \['Korea DPR'\]"):
        _parse(RESOLUTIONS, _write(tmp_path, lines))
    lines = _fixture_lines()
    lines[0] = lines[0].replace(",PRK,", ",KOR,")
    with pytest.raises(SourceFormatError, match=r"repeated state columns \['KOR'\]"):
        _parse(RESOLUTIONS, _write(tmp_path, lines))


def test_header_codes_through_the_crosswalk(tmp_path: Path) -> None:
    """A former code maps to today's (ROM -> ROU); an unknown one is dropped with a note."""
    lines = _fixture_lines()
    lines[0] = lines[0].replace(",CIV,", ",ROM,").replace(",UKR,", ",XXA,")
    result = _parse(RESOLUTIONS, _write(tmp_path, lines))
    votes = result.tables["un_resolution_votes"]
    assert sorted(set(votes.iso3)) == ["KOR", "PAK", "PRK", "ROU", "RUS", "USA"]
    assert len(votes) == 30
    assert any("XXA" in n and "dropped" in n for n in result.notes)
    # the tallies still count the dropped column's cells
    assert result.tables["un_resolutions"].yes.tolist() == [3, 2, 5, 3, 4]


# --- the real mirror ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def raw(mirror: Path) -> tuple[list[str], list[list[str]]]:
    with gzip.open(mirror / "undl_votes" / NAME, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, list(reader)


@pytest.fixture(scope="module")
def real(mirror: Path) -> dict[str, ParseResult]:
    path = mirror / "undl_votes" / NAME
    return {d.key: d.parse({NAME: path}, "error") for d in undl.DATASETS}


@pytest.mark.mirror
def test_real_file_hash(mirror: Path) -> None:
    digest = hashlib.sha256((mirror / "undl_votes" / NAME).read_bytes()).hexdigest()
    assert RESOLUTIONS.files[0].sha256 == UNVOTES.files[0].sha256 == digest


@pytest.mark.mirror
def test_real_rows_and_columns(raw: tuple[list[str], list[list[str]]],
                               real: dict[str, ParseResult]) -> None:
    header, rows = raw
    states = header[16:]
    assert len(header) == 207 and len(states) == 191
    assert {"AFG", "VEN", "PSE"}.isdisjoint(states)
    assert countries.iso3_from(pd.Series(states), "iso3").tolist() == states
    assert len(rows) == 236
    assert Counter(r[4] for r in rows) == {"General Assembly": 192, "Security Council": 44}
    res = real["undl/2025"].tables["un_resolutions"]
    expected = {("GA" if r[4] == "General Assembly" else "SC", r[5], date.fromisoformat(r[9]),
                 r[3], int(r[10]), int(r[11]), int(r[12]), int(r[13]), r[0]) for r in rows}
    cols = ["body", "symbol", "date", "title", "yes", "no", "abstain", "non_voting",
            "record_url"]
    assert _rows(res[cols]) == expected
    assert set(res.year) == {2025}
    assert (min(res.date), max(res.date)) == (date(2025, 1, 15), date(2025, 12, 29))
    votes = real["undl/2025"].tables["un_resolution_votes"]
    assert len(votes) == 236 * 191
    assert {"AFG", "VEN", "PSE"}.isdisjoint(set(votes.iso3))
    words = {"YES": "yes", "NO": "no", "ABSTAIN": "abstain", "": "none"}
    assert Counter(votes.vote) == Counter(words[c] for r in rows for c in r[16:])
    un_votes = real["unvotes/undl-2025"].tables["un_votes"]
    assert len(un_votes) == 192 * 191
    assert Counter(un_votes.vote) == Counter({**words, "": "absent"}[c] for r in rows
                                             if r[4] == "General Assembly" for c in r[16:])
    assert real["unvotes/undl-2025"].tables["un_roll_calls"].rcid.is_unique


@pytest.mark.mirror
def test_real_tallies_equal_cells(raw: tuple[list[str], list[list[str]]]) -> None:
    """SOURCE.md's check, redone; and the two members without a column are non-voting."""
    _, rows = raw
    for r in rows:
        counted = Counter(r[16:])
        assert (int(r[10]), int(r[11]), int(r[12])) == (counted["YES"], counted["NO"],
                                                         counted["ABSTAIN"])
        assert int(r[10]) + int(r[11]) + int(r[12]) + int(r[13]) == int(r[14])
    ga = [r for r in rows if r[4] == "General Assembly"]
    assert {int(r[14]) for r in ga} == {193}
    assert {int(r[13]) - r[16:].count("") for r in ga} == {2}  # AFG and VEN


@pytest.mark.mirror
def test_real_es_11_7(real: dict[str, ParseResult]) -> None:
    res = real["undl/2025"].tables["un_resolutions"].set_index("symbol")
    row = res.loc["A/RES/ES-11/7"]
    assert (row.body, row.date, row.yes, row.no, row.abstain) == ("GA", date(2025, 2, 24), 93,
                                                                  18, 65)
    votes = real["undl/2025"].tables["un_resolution_votes"]
    on = votes[votes.symbol == "A/RES/ES-11/7"].set_index("iso3").vote
    assert (on["USA"], on["RUS"], on["UKR"]) == ("no", "no", "yes")
    assert (on["CHN"], on["IND"], on["PAK"]) == ("abstain", "abstain", "abstain")
    calls = real["unvotes/undl-2025"].tables["un_roll_calls"].set_index("unres")
    sessions = calls.session.to_dict()
    assert (sessions["A/RES/ES-11/7"], sessions["A/RES/ES-11/8"], sessions["A/RES/ES-10/27"],
            sessions["A/RES/ES-11/9"]) == (79, 79, 79, 80)
    # every regular-session record falls in its session (79th opened 2024-09-10, 80th
    # 2025-09-09)
    for symbol, day in calls.date.items():
        match = re.match(r"A/(?:RES|DEC)/(\d+)/", symbol)
        if match:
            assert int(match.group(1)) == (80 if day >= date(2025, 9, 9) else 79), symbol


@pytest.mark.mirror
def test_real_title_typos_noted(real: dict[str, ParseResult]) -> None:
    note = " ".join(real["undl/2025"].notes)
    assert f"{NAME}:76 S/RES/2804(2025) is titled 'resolution 2803 (2025)'" in note
    assert f"{NAME}:235 S/RES/2808(2025) is titled 'resolution 2806 (2025)'" in note


@pytest.mark.mirror
def test_real_pak_rus_2025_agreement(raw: tuple[list[str], list[list[str]]],
                                     real: dict[str, ParseResult], tmp_path: Path) -> None:
    header, rows = raw
    pak, rus = header.index("PAK"), header.index("RUS")
    cast = {"YES", "NO", "ABSTAIN"}
    common = [(r[pak], r[rus]) for r in rows
              if r[4] == "General Assembly" and r[pak] in cast and r[rus] in cast]
    same = sum(a == b for a, b in common)
    store = Store(tmp_path / "s.duckdb")
    for dataset in undl.DATASETS:
        store.ingest(dataset, real[dataset.key], hashes={})
    for method in ("matrix", "ibis"):
        frame = un_votes_dyadic(store, release="undl-2025", countries=["PAK", "RUS"],
                                method=method)
        row = frame[(frame.a == "PAK") & (frame.b == "RUS")]
        assert row.year.tolist() == [2025]
        assert row.un_common_votes.iloc[0] == len(common)
        assert row.un_agreement.iloc[0] == pytest.approx(same / len(common))
    store.close()
