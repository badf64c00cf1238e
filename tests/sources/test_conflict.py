"""Conflict sources (MIDs, UCDP armed conflicts, COW wars, rivalries): hand fixtures with
expected rows worked out by hand, malformed files, and the real mirror re-read with csv."""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity._schema import TABLES
from amity.sources import cow_war, mid, rivalries, ucdp
from amity.store import Store
from tests.conftest import DATA, gz

CONFLICT = DATA / "conflict"
NA = None
T, F = True, False

RELEASES = [(mid, "gml_mid", "2.2.1"), (mid, "cow_mid", "5.0"), (ucdp, "ucdp", "acd-25.1"),
            (cow_war, "cow_war", "4.0"), (rivalries, "rivalries", "tss-2021"),
            (rivalries, "rivalries", "td-2012")]
IDS = [f"{source}/{release}" for _, source, release in RELEASES]


def _dataset(module: ModuleType, source: str, release: str) -> Dataset:
    return next(d for d in module.DATASETS if d.source == source and d.release == release)


def _fixture_paths(dataset: Dataset, tmp_path: Path) -> dict[str, Path]:
    """The hand-typed fixtures gzipped under the publisher's file names."""
    return {f.name: gz(CONFLICT / f.name.removesuffix(".gz"), tmp_path) for f in dataset.files}


def _parse(module: ModuleType, source: str, release: str, tmp_path: Path,
           on_bad_lines: OnBadLines = "error") -> ParseResult:
    dataset = _dataset(module, source, release)
    return dataset.parse(_fixture_paths(dataset, tmp_path), on_bad_lines)


def _table(result: ParseResult) -> pd.DataFrame:
    (frame,) = result.tables.values()
    return frame


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in frame.itertuples(index=False)]


# -- hand fixtures ---------------------------------------------------------------------
def test_gml_disputes_by_hand(tmp_path: Path) -> None:
    result = _parse(mid, "gml_mid", "2.2.1", tmp_path)
    # dispute, year, a, b, onset, side_a, orig_a, orig_b, host_a, host_b, hostility, fatality
    assert _rows(_table(result)) == [
        (9001, 1990, "ALB", "YUG", T, F, F, T, 3, 4, 4, 0),  # COW 345 in 1990: Yugoslavia
        (9001, 1990, "YUG", "ALB", T, T, T, F, 4, 3, 4, 0),
        (9001, 1991, "YUG", "ALB", F, T, T, F, 4, 3, 4, 0),  # not the onset year
        (9002, 2010, "SRB", "XKX", T, T, T, F, 3, 1, 3, NA),  # 345 in 2010: Serbia; -9 -> NA
        (9002, 2010, "XKX", "SRB", T, F, F, T, 1, 3, 3, NA),
        (9003, 1999, "IND", "PAK", F, F, T, T, 5, 5, 5, 6),
        (9003, 1999, "PAK", "IND", F, T, T, T, 5, 5, 5, 6),
    ]
    assert result.skipped == 0
    assert len(result.notes) == 1 and "[999]" in result.notes[0] and "2 rows" in result.notes[0]


def test_cow_mid_disputes_by_hand(tmp_path: Path) -> None:
    result = _parse(mid, "cow_mid", "5.0", tmp_path)
    # hostility and fatality are the dispute's, from cow_mid_disps (9102: fatality -9)
    assert _rows(_table(result)) == [
        (9101, 2013, "RUS", "UKR", T, T, T, T, 4, 1, 4, 0),
        (9101, 2013, "UKR", "RUS", T, F, T, T, 1, 4, 4, 0),
        (9102, 2014, "RUS", "UKR", T, F, F, T, 4, 4, 4, NA),
        (9102, 2014, "UKR", "RUS", T, T, T, F, 4, 4, 4, NA),
        (9103, 1961, "DDR", "DEU", T, F, T, T, 3, 4, 4, 1),  # COW 260 West Germany -> DEU
        (9103, 1961, "DEU", "DDR", T, T, T, T, 4, 3, 4, 1),
        (9103, 1962, "DEU", "DDR", F, T, T, T, 4, 3, 4, 1),
    ]
    assert result.notes == []


def test_ucdp_pairs_by_hand(tmp_path: Path) -> None:
    result = _parse(ucdp, "ucdp", "acd-25.1", tmp_path)
    ii = "internationalized intrastate"
    # conflict_id, year, a, b, primary_a, primary_b, intensity, type, incompatibility
    assert _rows(_table(result)) == [
        (9201, 2024, "PRK", "UKR", F, T, 2, "interstate", "both"),  # secondary on side A
        (9201, 2024, "RUS", "UKR", T, T, 2, "interstate", "both"),
        (9202, 2015, "UKR", "RUS", T, F, 1, ii, "territory"),  # rebels + Russia on side B
        # side A {COD primary, UGA secondary} x side B {RWA, BDI secondary}; the repeated
        # unnested row (490, 500, -, 517) gives no second COD-RWA row
        (9204, 2016, "COD", "BDI", T, F, 2, ii, "government"),
        (9204, 2016, "COD", "RWA", T, F, 2, ii, "government"),
        (9204, 2016, "UGA", "BDI", F, F, 2, ii, "government"),
        (9204, 2016, "UGA", "RWA", F, F, 2, ii, "government"),
        # GW 340 Serbia and GW 970 Kiribati (COW 970 would be Nauru)
        (9207, 2010, "KIR", "XKX", F, T, 1, "interstate", "territory"),
        (9207, 2010, "SRB", "XKX", T, T, 1, "interstate", "territory"),
        (9208, 1995, "HRV", "YUG", T, T, 2, "interstate", "territory"),  # 345 in 1995
        (9209, 2014, "CAF", "TCD", T, F, 1, ii, "government"),
        (9209, 2014, "SRB", "TCD", F, F, 1, ii, "government"),  # 345 in 2014: Serbia
        # 9212: Guinea on both sides; only SLE-NGA does not involve it
        (9212, 1997, "SLE", "NGA", T, F, 2, ii, "government"),
    ]  # 9210 (GW 751 Hyderabad) is dropped; 9211 has no state on side B
    notes = " ".join(result.notes)
    assert "[751]" in notes and "9212 in 1997 (GIN)" in notes and "3 pairs" in notes


def test_ucdp_reads_codes_and_labels_alike(tmp_path: Path) -> None:
    """UCDP's numeric codes and the labels minor/war give the same rows."""
    recode = {"intensity_level": {"1": "minor", "2": "war"},
              "type_of_conflict": {"interstate": "2", "II": "4", "intrastate": "3"},
              "incompatibility": {"territory": "1", "government": "2", "both": "3"}}
    with open(CONFLICT / "ucdp_acd.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        for column, mapping in recode.items():
            row[column] = mapping[row[column]]
    path = tmp_path / "other" / "ucdp_acd.csv.gz"
    path.parent.mkdir()
    with gzip.open(path, "wt", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    recoded = ucdp.DATASETS[0].parse({"ucdp_acd.csv.gz": path}, "error")
    original = _parse(ucdp, "ucdp", "acd-25.1", tmp_path)
    pd.testing.assert_frame_equal(_table(recoded), _table(original))


def test_cow_wars_by_hand(tmp_path: Path) -> None:
    result = _parse(cow_war, "cow_war", "4.0", tmp_path)
    # war, year, a, b, name, deaths_a, initiator_a
    assert _rows(_table(result)) == [
        (9301, 1965, "IND", "PAK", NA, 3000.0, F),
        (9301, 1965, "PAK", "IND", NA, 3800.0, T),
        (9302, 1970, "THA", "VNM", NA, NA, F),  # -9: unknown, not 0
        (9302, 1970, "VNM", "THA", NA, 2250.0, F),
        (9303, 1948, "EGY", "ISR", NA, 2000.0, T),  # two combat spells, one row
        (9303, 1948, "ISR", "EGY", NA, 3000.0, F),
        (9304, 1912, "YUG", "TUR", NA, 15000.0, T),  # COW 345 in 1912
    ]
    notes = " ".join(result.notes)
    assert "[998]" in notes and "2 rows merged" in notes


def test_tss_rivalries_by_hand(tmp_path: Path) -> None:
    result = _parse(rivalries, "rivalries", "tss-2021", tmp_path)
    assert _rows(_table(result)) == [
        ("BIH", "SRB", 2006, NA, "spatial, interventionary"),  # split at 345's change
        ("BIH", "YUG", 1993, 2005, "spatial, interventionary"),
        ("IND", "PAK", 1948, NA, "positional, spatial, interventionary"),  # 2020 = ongoing
        ("RUS", "USA", 2008, NA, "positional, ideological"),
        ("SDN", "TCD", 2003, 2010, "spatial, interventionary"),  # ended before 2020
        ("VNM", "XRV", 1955, 1974, "positional, ideological, interventionary"),
        ("YEM", "YMD", 1968, 1989, "spatial, ideological, interventionary"),
    ]
    notes = " ".join(result.notes)
    assert "[324]" in notes and "'Ottoman E-Venice'" in notes and "'Bosnia-Serbia'" in notes


def test_td_rivalries_by_hand(tmp_path: Path) -> None:
    result = _parse(rivalries, "rivalries", "td-2012", tmp_path)
    assert _rows(_table(result)) == [
        ("BIH", "SRB", 2006, NA, "spatial"),
        ("BIH", "YUG", 1993, 2005, "spatial"),
        ("DDR", "DEU", 1950, 1972, "positional, ideological, spatial"),
        ("IND", "PAK", 1948, NA, "positional, spatial"),  # 2010 = ongoing in td-2012
        ("RUS", "TUR", 1700, 1900, "positional, spatial"),  # 365 before 1816: Russia
        ("RUS", "USA", 1946, 1990, "ideological, positional"),
    ]


def test_rivalry_key_clash_is_reported_not_dropped(tmp_path: Path) -> None:
    text = (CONFLICT / "tss_rivalries.csv").read_text()
    text += "8,India-Pakistan 2,750,770,1948,1960,,1,,,,\n"
    path = tmp_path / "tss_rivalries.csv.gz"
    with gzip.open(path, "wt") as fh:
        fh.write(text)
    with pytest.raises(SourceFormatError, match="India-Pakistan 2") as info:
        rivalries.DATASETS[0].parse({"tss_rivalries.csv.gz": path}, "error")
    assert "(a, b, start)" in str(info.value)


@pytest.mark.parametrize(("module", "source", "release"), RELEASES, ids=IDS)
def test_fixture_frames_fit_the_schema_and_the_store(module: ModuleType, source: str,
                                                     release: str, tmp_path: Path) -> None:
    dataset = _dataset(module, source, release)
    result = _parse(module, source, release, tmp_path)
    _check_against_schema(dataset, result, tmp_path)


def _check_against_schema(dataset: Dataset, result: ParseResult, tmp_path: Path) -> None:
    (name,) = dataset.tables
    spec = TABLES[name]
    frame = result.tables[name]
    assert list(frame.columns) == list(spec.columns)
    assert not frame.duplicated(list(spec.key)).any()
    assert frame[list(spec.key)].notna().all().all()
    store = Store(tmp_path / "s.duckdb")
    report = store.ingest(dataset, result, hashes={})
    assert report.rows == {name: len(frame)}
    stored = store.execute(f'SELECT * FROM "{name}"')
    assert list(stored.columns) == ["source", "release", *spec.columns]
    assert len(stored) == len(frame)
    store.close()


# -- malformed files -------------------------------------------------------------------
BROKEN = [  # (module, source, release, file, line to break, rows left after skipping it)
    (mid, "gml_mid", "2.2.1", "gml_dirdisp.csv", 3, 6),
    (mid, "cow_mid", "5.0", "cow_mid_dirdisps.csv", 2, 6),
    (ucdp, "ucdp", "acd-25.1", "ucdp_acd.csv", 2, 11),
    (cow_war, "cow_war", "4.0", "cow_war_inter.csv", 2, 6),
    (rivalries, "rivalries", "tss-2021", "tss_rivalries.csv", 2, 6),
    (rivalries, "rivalries", "td-2012", "td_rivalries.csv", 2, 5),
]


def _broken(dataset: Dataset, tmp_path: Path, name: str,
            edit: Callable[[list[str]], list[str]]) -> dict[str, Path]:
    """The fixtures, with ``name`` rewritten by ``edit`` (a function of its lines)."""
    paths = _fixture_paths(dataset, tmp_path)
    lines = (CONFLICT / name).read_text().splitlines()
    lines = edit(lines)
    with gzip.open(paths[name + ".gz"], "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    return paths


@pytest.mark.parametrize(("module", "source", "release", "name", "line", "left"), BROKEN,
                         ids=[f"{b[1]}/{b[2]}" for b in BROKEN])
def test_wrong_field_count_names_file_and_line(module: ModuleType, source: str, release: str,
                                               name: str, line: int, left: int,
                                               tmp_path: Path) -> None:
    dataset = _dataset(module, source, release)

    def drop_last_field(lines: list[str]) -> list[str]:
        lines[line - 1] = lines[line - 1].rsplit(",", 1)[0]
        return lines

    paths = _broken(dataset, tmp_path, name, drop_last_field)
    with pytest.raises(SourceFormatError) as info:
        dataset.parse(paths, "error")
    assert info.value.line == line and f"{name}.gz:{line}" in str(info.value)
    result = dataset.parse(paths, "skip")
    assert result.skipped == 1
    assert len(_table(result)) == left


def test_skipped_dispute_level_row_leaves_na_with_a_note(tmp_path: Path) -> None:
    dataset = _dataset(mid, "cow_mid", "5.0")

    def drop_field(lines: list[str]) -> list[str]:
        lines[2] = lines[2].rsplit(",", 1)[0]  # line 3: dispute 9102
        return lines

    paths = _broken(dataset, tmp_path, "cow_mid_disps.csv", drop_field)
    result = dataset.parse(paths, "skip")
    assert result.skipped == 1
    frame = _table(result).set_index(list(TABLES["disputes"].key))
    assert frame.loc[(9102, 2014, "RUS", "UKR"), ["hostility", "fatality"]].isna().all()
    assert frame.loc[(9101, 2013, "RUS", "UKR"), "hostility"] == 4
    assert any("[9102]" in n for n in result.notes)


@pytest.mark.parametrize(("module", "source", "release", "name", "old", "new", "column",
                          "line"), [
    (mid, "gml_mid", "2.2.1", "gml_dirdisp.csv", ",6,-9,5,7,", ",9,-9,5,7,", "fatality", 7),
    (mid, "gml_mid", "2.2.1", "gml_dirdisp.csv", ",4,3,1,0,14,4,", ",4,x,1,0,14,4,",
     "hostlev2", 2),
    (ucdp, "ucdp", "acd-25.1", "ucdp_acd.csv", ",territory,1,intrastate,",
     ",territory,3,intrastate,", "intensity_level", 11),
    (cow_war, "cow_war", "4.0", "cow_war_inter.csv", ",2250,-9,0", ",2250,-9,2",
     "resume", 5),
], ids=["fatality-code", "hostility-type", "ucdp-intensity", "war-resume"])
def test_bad_value_names_line_and_column(module: ModuleType, source: str, release: str,
                                         name: str, old: str, new: str, column: str,
                                         line: int, tmp_path: Path) -> None:
    dataset = _dataset(module, source, release)

    def replace(lines: list[str]) -> list[str]:
        assert old in lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        return lines

    with pytest.raises(SourceFormatError) as info:
        dataset.parse(_broken(dataset, tmp_path, name, replace), "error")
    assert info.value.line == line and info.value.column == column


def test_gml_release_and_header_are_checked(tmp_path: Path) -> None:
    dataset = _dataset(mid, "gml_mid", "2.2.1")
    old = _broken(dataset, tmp_path, "gml_dirdisp.csv",
                  lambda lines: [ln.replace("gml-2.2.1", "gml-2.1.1") for ln in lines])
    with pytest.raises(SourceFormatError, match="gml-2.1.1") as info:
        dataset.parse(old, "error")
    assert info.value.line == 2 and info.value.column == "version"
    renamed = _broken(dataset, tmp_path, "gml_dirdisp.csv",
                      lambda lines: [lines[0].replace("hostlev,", "hostility,"), *lines[1:]])
    with pytest.raises(SourceFormatError) as info:
        dataset.parse(renamed, "error")
    assert info.value.line == 1 and "hostility" in str(info.value)


# -- the real mirror, re-read with csv ---------------------------------------------------
def _mirror_rows(mirror: Path, name: str) -> list[dict[str, str]]:
    with gzip.open(mirror / "conflict" / name, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _parse_mirror(module: ModuleType, source: str, release: str, mirror: Path) -> ParseResult:
    dataset = _dataset(module, source, release)
    return dataset.parse({f.name: mirror / f.path for f in dataset.files}, "error")


@pytest.mark.mirror
@pytest.mark.parametrize(("module", "source", "release"), RELEASES, ids=IDS)
def test_real_files_match_their_hashes_and_fit_the_store(module: ModuleType, source: str,
                                                        release: str, mirror: Path,
                                                        tmp_path: Path) -> None:
    dataset = _dataset(module, source, release)
    for f in dataset.files:
        assert hashlib.sha256((mirror / f.path).read_bytes()).hexdigest() == f.sha256
    result = _parse_mirror(module, source, release, mirror)
    assert result.skipped == 0
    _check_against_schema(dataset, result, tmp_path)


@pytest.mark.mirror
def test_real_gml_kargil(mirror: Path) -> None:
    rows = _mirror_rows(mirror, "gml_dirdisp.csv.gz")
    frame = _table(_parse_mirror(mid, "gml_mid", "2.2.1", mirror))
    assert len(rows) == len(frame) == 10276  # every code maps, one row per directed key
    ind_pak = {int(r["dispnum"]): r for r in rows
               if (r["ccode1"], r["ccode2"], r["year"]) == ("750", "770", "1999")}
    assert ind_pak[4007]["hostlev"] == "5" and ind_pak[4007]["fatality"] == "6"
    parsed = frame[(frame.a == "IND") & (frame.b == "PAK") & (frame.year == 1999)]
    assert set(parsed.dispute) == set(ind_pak) == {4007, 4223}
    kargil = parsed.set_index("dispute").loc[4007]
    assert (kargil.hostility, kargil.fatality, kargil.hostility_a) == (5, 6, 5)
    unknown = sum(r["fatality"] == "-9" for r in rows)
    assert unknown > 0 and frame.fatality.isna().sum() == unknown  # -9 is NA, never 0
    assert (frame.fatality.dropna() >= 0).all()


@pytest.mark.mirror
def test_real_cow_mid_russia_ukraine(mirror: Path) -> None:
    rows = _mirror_rows(mirror, "cow_mid_dirdisps.csv.gz")
    level = {r["dispnum"]: r for r in _mirror_rows(mirror, "cow_mid_disps.csv.gz")}
    frame = _table(_parse_mirror(mid, "cow_mid", "5.0", mirror))
    assert len(rows) == len(frame) == 11390
    for year in (2013, 2014):
        expected = {int(r["dispnum"]) for r in rows
                    if (r["ccode1"], r["ccode2"], r["year"]) == ("365", "369", str(year))}
        parsed = frame[(frame.a == "RUS") & (frame.b == "UKR") & (frame.year == year)]
        assert expected and set(parsed.dispute) == expected
        for _, row in parsed.iterrows():
            assert row.hostility == int(level[str(row.dispute)]["hostlev"])
    unknown = sum(level[r["dispnum"]]["fatality"] == "-9" for r in rows)
    assert frame.fatality.isna().sum() == unknown
    assert frame.year.max() == 2014


@pytest.mark.mirror
def test_real_ucdp_russia_ukraine_and_pair_count(mirror: Path) -> None:
    rows = _mirror_rows(mirror, "ucdp_acd.csv.gz")
    frame = _table(_parse_mirror(ucdp, "ucdp", "acd-25.1", mirror))
    assert len(rows) == 5652
    for year in ("2022", "2023", "2024"):
        raw = [r for r in rows if r["conflict_id"] == "13243" and r["year"] == year]
        assert raw and all(r["gwno_a"] == "365" and r["gwno_b"] == "369"
                           and r["intensity_level"] == "2" for r in raw)
        row = frame.set_index(["conflict_id", "year", "a", "b"]).loc[(13243, int(year),
                                                                      "RUS", "UKR")]
        assert (row.intensity, row.primary_a, row.primary_b) == (2, True, True)
    # every side-A state x side-B state of a conflict-year, by GW number, without GW 751
    # (no ISO3) and without the conflict-years' states listed on both sides
    sides: dict[tuple[str, str], tuple[set, set]] = {}
    for r in rows:
        a, b = sides.setdefault((r["conflict_id"], r["year"]), (set(), set()))
        a.update(c for c in (r["gwno_a"], r["gwno_a_2nd"]) if c)
        b.update(c for c in (r["gwno_b"], r["gwno_b_2nd"]) if c)
    pairs = {(k, x, y) for k, (a, b) in sides.items() for x in a for y in b
             if "751" not in (x, y) and not {x, y} & a & b}
    assert len(frame) == len(pairs) == 809


@pytest.mark.mirror
def test_real_cow_wars(mirror: Path) -> None:
    rows = _mirror_rows(mirror, "cow_war_inter.csv.gz")
    frame = _table(_parse_mirror(cow_war, "cow_war", "4.0", mirror))
    keys = {(r["warnum"], r["year"], r["ccode1"], r["ccode2"]) for r in rows}
    assert len(rows) == 1932 and len(frame) == len(keys) == 1916  # resumed combat merged
    unknown = {k for k, r in zip(((r["warnum"], r["year"], r["ccode1"], r["ccode2"])
                                  for r in rows), rows, strict=True) if r["batdeath1"] == "-9"}
    assert frame.deaths_a.isna().sum() == len(unknown) > 0
    ind_pak = {(int(r["warnum"]), int(r["year"])): float(r["batdeath1"]) for r in rows
               if (r["ccode1"], r["ccode2"]) == ("750", "770")}
    parsed = frame[(frame.a == "IND") & (frame.b == "PAK")]
    assert ind_pak and dict(zip(zip(parsed.war, parsed.year, strict=True), parsed.deaths_a,
                                strict=True)) == ind_pak


@pytest.mark.mirror
@pytest.mark.parametrize(("release", "name", "start", "end", "last"), [
    ("tss-2021", "tss_rivalries.csv.gz", "start", "end", 2020),
    ("td-2012", "td_rivalries.csv.gz", "styear", "endyear", 2010),
])
def test_real_rivalries(release: str, name: str, start: str, end: str, last: int,
                        mirror: Path) -> None:
    rows = _mirror_rows(mirror, name)
    frame = _table(_parse_mirror(rivalries, "rivalries", release, mirror))
    venice = sum("324" in (r["ccode1"], r["ccode2"]) for r in rows)
    split = sum("345" in (r["ccode1"], r["ccode2"]) and int(r[start]) <= 2005 < int(r[end])
                for r in rows)
    assert (venice, split) == (2, 1)
    assert len(frame) == len(rows) - venice + split
    assert not frame.duplicated(["a", "b", "start"]).any()
    ongoing = sum(r[end] == str(last) for r in rows)
    assert frame.end.isna().sum() == ongoing
    ind_pak = [r for r in rows if (r["ccode1"], r["ccode2"]) == ("750", "770")]
    assert len(ind_pak) == 1 and ind_pak[0][end] == str(last)
    row = frame[(frame.a == "IND") & (frame.b == "PAK")]
    assert row.start.tolist() == [int(ind_pak[0][start])] and row.end.isna().all()
