"""Event sources (GDELT 1.0/2.0, ICEWS), CAMEO lookups, Store.append and the media indicators.

Expected values are typed by hand from the fixtures in tests/data/events (see its README),
or counted on the real mirror files with the csv/zipfile/gzip modules.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from amity._exceptions import SourceFormatError
from amity.fetch import locate
from amity.indicators import media
from amity.sources import cameo, gdelt, icews
from amity.store import Store
from tests._fixtures import (
    EVENTS,
    V1_DAILY_ROWS,
    V1_HIST_ROWS,
    V2A,
    V2A_ROWS,
    V2B,
    event_rows,
    gzipped,
    zipped,
)


# -- GDELT parsing -------------------------------------------------------------------------
@pytest.mark.parametrize("packing", ["zip", "gz", "plain"])
def test_v2_fixture_event_rows(tmp_path: Path, packing: str) -> None:
    path = {"zip": lambda: zipped(V2A, tmp_path), "gz": lambda: gzipped(V2A, tmp_path),
            "plain": lambda: EVENTS / V2A}[packing]()
    events = gdelt.read_events(path)
    assert events.columns == 61 and events.skipped == 0
    assert event_rows(events.table) == V2A_ROWS
    assert set(events.table.column("file").to_pylist()) == {path.name}
    assert events.table.column_names == list(gdelt.EVENT_COLUMNS)
    assert events.notes == []  # EUR is a CAMEO region: NA without a warning


def test_v1_daily_and_historical(tmp_path: Path) -> None:
    daily = gdelt.read_events(zipped("20130401.export.CSV", tmp_path))
    assert daily.columns == 58 and event_rows(daily.table) == V1_DAILY_ROWS
    hist = gdelt.read_events(zipped("197901.csv", tmp_path))  # 197901.zip holding 197901.csv
    assert hist.columns == 57 and event_rows(hist.table) == V1_HIST_ROWS


def test_layout_can_be_required(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"20130401.export.CSV.zip:1: .*58 "
                       r"tab-separated fields; a GDELT event file has 61"):
        gdelt.read_events(zipped("20130401.export.CSV", tmp_path), columns=61)


def _corrupt(tmp_path: Path, line: int) -> Path:
    """The 2.0 fixture with one field removed from ``line`` (1-based), zipped."""
    lines = (EVENTS / V2A).read_text().splitlines(keepends=True)
    fields = lines[line - 1].split("\t")
    del fields[20]
    lines[line - 1] = "\t".join(fields)
    path = tmp_path / (V2A + ".zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(V2A, "".join(lines))
    return path


def test_wrong_column_count_names_file_and_line(tmp_path: Path) -> None:
    path = _corrupt(tmp_path, 2)
    with pytest.raises(SourceFormatError) as info:
        gdelt.read_events(path)
    assert f"{path}:2:" in str(info.value) and "--on-bad-lines skip" in str(info.value)
    skipped = gdelt.read_events(path, on_bad_lines="skip")
    assert skipped.skipped == 1
    assert event_rows(skipped.table) == [V2A_ROWS[0], V2A_ROWS[2]]


def test_bad_value_and_empty_id_are_malformed(tmp_path: Path) -> None:
    text = (EVENTS / V2A).read_text()
    path = tmp_path / "20190102030000.export.CSV"
    path.write_text(text.replace("\t-1.5\t", "\tabc\t").replace("1000000003\t", "\t", 1))
    with pytest.raises(SourceFormatError, match=r":1: column 'AvgTone'"):
        gdelt.read_events(path)
    events = gdelt.read_events(path, on_bad_lines="skip")
    assert events.skipped == 2 and event_rows(events.table) == [V2A_ROWS[1]]


def test_truncated_zip_and_gzip(tmp_path: Path) -> None:
    whole = zipped(V2A, tmp_path).read_bytes()
    cut = tmp_path / "cut" / (V2A + ".zip")
    cut.parent.mkdir()
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(SourceFormatError, match=rf"{cut}: not a readable zip file"):
        gdelt.read_events(cut)
    data = gzip.compress((EVENTS / V2A).read_bytes() * 200)
    cut_gz = tmp_path / (V2A + ".gz")
    cut_gz.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFormatError, match=str(cut_gz)):
        gdelt.read_events(cut_gz)


def test_repeated_ids_are_one_event(tmp_path: Path) -> None:
    text = (EVENTS / V2A).read_text()
    path = tmp_path / V2A
    path.write_text(text + text.splitlines(keepends=True)[0].replace("\t10\t2\t9\t",
                                                                     "\t99\t2\t9\t"))
    events = gdelt.read_events(path)
    assert event_rows(events.table) == V2A_ROWS  # the first of the two rows of 1000000001 kept
    assert "1 repeated GLOBALEVENTID" in events.notes[0]
    # across the files of a release: one row per id (the first file's)
    a, b = gzipped(V2A, tmp_path), gzipped(V2B, tmp_path)
    result = gdelt.DATASETS[0].parse({a.name: a, b.name: b}, "error")
    frame = result.tables["events"]
    assert sorted(frame["event_id"]) == [1000000001, 1000000002, 1000000003, 1000000004]
    assert frame.set_index("event_id").loc[1000000003, "num_mentions"] == 6


def test_file_names() -> None:
    assert gdelt.file_period("20190102030000.export.CSV.zip")[1].minute == 15
    assert gdelt.file_period("1979.zip")[1] == pd.Timestamp("1980-01-01")
    assert gdelt.file_period("masterfilelist.txt") is None


# -- the store: append, one file at a time -----------------------------------------------






def test_icews_fixture(tmp_path: Path) -> None:
    path = EVENTS / "events.2018.fixture.tab"
    result = icews.DATASETS[0].parse({path.name: path}, "error")
    ev = result.tables["events"].set_index("event_id")
    assert list(ev.index) == [9001, 9002, 9003]
    assert list(ev["event_code"]) == ["040", "141", "010"]  # "40" gets its zero back
    assert list(ev["quad_class"]) == [1, 3, 1]
    assert list(ev["actor1_iso3"].fillna("-")) == ["PAK", "RUS", "-"]
    assert list(ev["actor2_iso3"]) == ["RUS", "PAK", "PAK"]
    assert list(ev["action_geo_iso3"].fillna("-")) == ["PAK", "RUS", "-"]
    assert list(ev["goldstein"]) == [1.0, -6.5, 0.0]
    assert ev["avg_tone"].isna().all() and ev["url"].isna().all()
    store = Store(tmp_path / "s.duckdb")
    store.ingest(icews.DATASETS[0], result, {path.name: "x"})
    frame = media.events_dyadic(store, source="icews", countries=["PAK", "RUS"])
    r = frame[(frame.a == "PAK") & (frame.b == "RUS")].iloc[0]
    # 9001 (040, G 1) and 9002 (141, G -6.5): mean -2.75, one cooperation, one conflict
    assert (r.year, r.events_count, r.events_goldstein_mean) == (2018, 2, -2.75)
    assert (r.events_coop_share, r.events_conflict_share) == (0.5, 0.5)
    assert pd.isna(r.events_tone_mean)


def test_cameo_quad_classes() -> None:
    expected = {f"{r:02d}": 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4
                for r in range(1, 21)}
    assert {root: cameo.quad_class(root) for root in expected} == expected
    assert cameo.quad_class("21") is None and cameo.quad_class(None) is None


# -- the real mirror -------------------------------------------------------------------
def _mirror_event_rows(path: Path) -> list[list[str]]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            text = io.TextIOWrapper(zf.open(zf.namelist()[0]), encoding="utf-8", newline="")
            return list(csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE))
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def mirror_store(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Store:
    store = Store(tmp_path_factory.mktemp("events") / "s.duckdb")
    for dataset in (*gdelt.DATASETS, *icews.DATASETS):
        paths = {f.name: locate(f, mirror=mirror) for f in dataset.files}
        store.ingest(dataset, dataset.parse(paths, "error"), {n: "x" for n in paths})
    return store


@pytest.mark.mirror
@pytest.mark.parametrize("a, b", [("PAK", "RUS"), ("AFG", "PAK"), ("PAK", "USA")])
def test_mirror_v1_pairs(mirror_store: Store, mirror: Path, a: str, b: str) -> None:
    raw = _mirror_event_rows(mirror / "gdelt/events_v1/20130401.export.CSV.zip")
    assert len(raw) == 27758 and {len(r) for r in raw} == {58}
    pair = [r for r in raw if {r[7], r[17]} == {a, b}]
    stored = mirror_store.execute(
        "SELECT count(*) AS n FROM events WHERE release = 'v1-sample' AND "
        "((actor1_iso3 = ? AND actor2_iso3 = ?) OR (actor1_iso3 = ? AND actor2_iso3 = ?))",
        [a, b, b, a])["n"].iloc[0]
    assert stored == len(pair)
    in_2013 = [r for r in pair if r[1].startswith("2013")]
    frame = media.events_dyadic(mirror_store, release="v1-sample", countries=[a, b])
    row = frame[(frame.a == a) & (frame.b == b)]
    # 2013 is the only covered year; no PAK-RUS event that day is a count of 0, not NA
    assert list(row["year"]) == [2013] and row["events_count"].iloc[0] == len(in_2013)
    if not in_2013:
        assert a == "PAK" and b == "RUS" and row["events_goldstein_mean"].isna().all()
        return
    gold = sum(float(r[30]) for r in in_2013) / len(in_2013)
    assert row["events_goldstein_mean"].iloc[0] == pytest.approx(gold)
    tone = sum(float(r[34]) for r in in_2013) / len(in_2013)
    assert row["events_tone_mean"].iloc[0] == pytest.approx(tone)
    coop = sum(r[29] in ("1", "2") for r in in_2013) / len(in_2013)
    assert row["events_coop_share"].iloc[0] == pytest.approx(coop)
    assert len(in_2013) > 10


@pytest.mark.mirror
def test_mirror_v2_files(mirror_store: Store, mirror: Path) -> None:
    ev = mirror_store.execute("SELECT file, count(*) AS n, count_if(starts_with(event_code, "
                              "'0')) AS zero, count_if(actor1_iso3 IS NULL) AS na1 FROM events "
                              "WHERE release = 'v2-sample' GROUP BY file").set_index("file")
    for path in sorted(mirror / f.path for f in gdelt.DATASETS[0].files):
        raw = _mirror_event_rows(path)
        assert {len(r) for r in raw} == {61}
        assert ev.loc[path.name, "n"] == len(raw) == len({r[0] for r in raw})
        assert ev.loc[path.name, "zero"] == sum(r[26].startswith("0") for r in raw)
        # regional and blank actors are kept with NA states, never dropped
        assert ev.loc[path.name, "na1"] == sum(r[7] == "" or cameo_is_region(r[7]) for r in raw)
        # GDELT's QuadClass is the root code's quad class in every row
        assert all(int(r[29]) == cameo.quad_class(r[28]) for r in raw)


def cameo_is_region(code: str) -> bool:
    from amity.countries import cameo_region

    return cameo_region(code) is not None


@pytest.mark.mirror
def test_mirror_icews_and_cameo(mirror_store: Store, mirror: Path) -> None:
    with gzip.open(mirror / "icews/events.2018.sample.tab.gz", "rt", newline="") as fh:
        raw = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert mirror_store.execute("SELECT count(*) AS n FROM events WHERE source = 'icews'"
                                )["n"].iloc[0] == len(raw) == 3705
    frame = media.events_dyadic(mirror_store, source="icews", countries=["PAK", "RUS"])
    row = frame[(frame.a == "RUS") & (frame.b == "PAK")].iloc[0]
    # SOURCE.md: one Pakistan-Russian Federation event, CAMEO 054, Intensity 6
    assert (row.events_count, row.events_goldstein_mean, row.events_coop_share) == (1, 6.0, 1.0)
    pak = sum("Pakistan" in (r["Source Country"], r["Target Country"]) for r in raw)
    assert pak == mirror_store.execute(
        "SELECT count(*) AS n FROM events WHERE source = 'icews' AND 'PAK' IN "
        "(actor1_iso3, actor2_iso3)")["n"].iloc[0] == 20
    codes = cameo.event_codes(mirror)
    assert len(codes) == 311 and codes["code"].str.len().isin([2, 3, 4]).all()
    assert cameo.describe("036", mirror) == "Express intent to meet or negotiate"
    assert cameo.describe("36", mirror) is None
    with open(mirror / "cameo/CAMEO.goldsteinscale.txt", newline="") as fh:
        scores = {r["CAMEOEVENTCODE"]: float(r["GOLDSTEINSCALE"])
                  for r in csv.DictReader(fh, delimiter="\t")}
    assert dict(zip(codes["code"], codes["goldstein"], strict=True)) == scores
    roots = Counter(codes.loc[codes["level"] == "root", "quad_class"])
    assert roots == {1: 5, 2: 4, 3: 5, 4: 6}






