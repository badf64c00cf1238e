"""Event sources (GDELT 1.0/2.0, ICEWS), CAMEO lookups, Store.append and the media indicators.

Expected values are typed by hand from the fixtures in tests/data/events (see its README),
or counted on the real mirror files with the csv/zipfile/gzip modules.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from amity._exceptions import SourceFormatError, StoreError
from amity.fetch import locate
from amity.indicators import media
from amity.indicators._catalog import INDICATORS
from amity.sources import cameo, gdelt, icews
from amity.sources._base import ParseResult
from amity.sources._gdelt_download import ingest_event_files
from amity.store import Store
from tests.conftest import DATA

EVENTS = DATA / "events"
V2A, V2B = "20190102030000.export.CSV", "20190102031500.export.CSV"
NA = None

# event_id, date, year, actor1, actor2, code, root, quad, goldstein, mentions, sources,
# articles, tone, action geo, url: typed from the fixture rows
V2A_ROWS = [
    (1000000001, date(2019, 1, 2), 2019, "PAK", "RUS", "036", "03", 1, 4.0, 10, 2, 9, -1.5,
     "RUS", "http://example.org/pak-rus-talks"),
    (1000000002, date(2018, 12, 30), 2018, "RUS", "PAK", "0231", "02", 1, 3.4, 4, 1, 4, 2.25,
     "PAK", "http://example.org/aid-appeal"),
    (1000000003, date(2019, 1, 2), 2019, NA, "PAK", "190", "19", 4, -10.0, 6, 3, 6, -8.75,
     NA, "http://example.org/europe-pakistan"),
]
V1_DAILY_ROWS = [
    (253461011, date(2013, 4, 1), 2013, "PAK", "RUS", "042", "04", 1, 1.9, 5, 1, 5, 3.5,
     "CHN", "http://example.org/visit"),
    (253461012, date(2012, 8, 15), 2012, "USA", NA, "1123", "11", 3, -2.0, 1, 1, 1, -3.0,
     NA, "BBC Monitoring"),
]
V1_HIST_ROWS = [
    (97, date(1979, 1, 1), 1979, "IND", "PAK", "051", "05", 1, 3.4, 2, 2, 2, 1.0, "IND", NA),
    (98, date(1979, 1, 5), 1979, "PAK", NA, "010", "01", 1, 0.0, 1, 1, 1, 0.0, NA, NA),
]


def zipped(name: str, dest: Path, member: str | None = None) -> Path:
    """A fixture zipped the way GDELT publishes it: <name>.zip holding <name>."""
    path = dest / (Path(member or name).stem + ".zip" if name.endswith(".csv") else name + ".zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(EVENTS / name, member or name)
    return path


def gzipped(name: str, dest: Path) -> Path:
    path = dest / (name + ".gz")
    with open(EVENTS / name, "rb") as fin, gzip.open(path, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    return path


def rows(table: pa.Table) -> list[tuple]:
    cols = [c for c in gdelt.EVENT_COLUMNS if c != "file"]
    return list(zip(*(table.column(c).to_pylist() for c in cols), strict=True))


# -- GDELT parsing -------------------------------------------------------------------------
@pytest.mark.parametrize("packing", ["zip", "gz", "plain"])
def test_v2_fixture_rows(tmp_path: Path, packing: str) -> None:
    path = {"zip": lambda: zipped(V2A, tmp_path), "gz": lambda: gzipped(V2A, tmp_path),
            "plain": lambda: EVENTS / V2A}[packing]()
    events = gdelt.read_events(path)
    assert events.columns == 61 and events.skipped == 0
    assert rows(events.table) == V2A_ROWS
    assert set(events.table.column("file").to_pylist()) == {path.name}
    assert events.table.column_names == list(gdelt.EVENT_COLUMNS)
    assert events.notes == []  # EUR is a CAMEO region: NA without a warning


def test_v1_daily_and_historical(tmp_path: Path) -> None:
    daily = gdelt.read_events(zipped("20130401.export.CSV", tmp_path))
    assert daily.columns == 58 and rows(daily.table) == V1_DAILY_ROWS
    hist = gdelt.read_events(zipped("197901.csv", tmp_path))  # 197901.zip holding 197901.csv
    assert hist.columns == 57 and rows(hist.table) == V1_HIST_ROWS


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
    assert rows(skipped.table) == [V2A_ROWS[0], V2A_ROWS[2]]


def test_bad_value_and_empty_id_are_malformed(tmp_path: Path) -> None:
    text = (EVENTS / V2A).read_text()
    path = tmp_path / "20190102030000.export.CSV"
    path.write_text(text.replace("\t-1.5\t", "\tabc\t").replace("1000000003\t", "\t", 1))
    with pytest.raises(SourceFormatError, match=r":1: column 'AvgTone'"):
        gdelt.read_events(path)
    events = gdelt.read_events(path, on_bad_lines="skip")
    assert events.skipped == 2 and rows(events.table) == [V2A_ROWS[1]]


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
    assert rows(events.table) == V2A_ROWS  # the first of the two rows of 1000000001 kept
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
def _events_in(store: Store) -> pd.DataFrame:
    return store.execute("SELECT * FROM events ORDER BY event_id")


def test_append_file_by_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    a, b = zipped(V2A, tmp_path), gzipped(V2B, tmp_path)
    report = ingest_event_files(store, [a, b], workers=2)
    assert (report.ingested, report.rows) == (2, 5)
    ev = _events_in(store)
    assert list(ev["event_id"]) == [1000000001, 1000000002, 1000000003, 1000000004]
    by_id = ev.set_index("event_id")
    # the id in both files is one event; the file appended last supplies it
    last = by_id.loc[1000000003, "file"]
    assert by_id.loc[1000000003, "num_mentions"] == (7 if last == b.name else 6)
    files = store.ingested_files("gdelt", "v2")
    assert sorted(files["file_key"]) == sorted([a.name, b.name])
    assert sorted(files["rows"]) == [2, 3]
    meta = store.datasets().set_index(["source", "release"]).loc[("gdelt", "v2")]
    assert meta["rows"] == 4 and (meta["coverage_start"], meta["coverage_end"]) == (2018, 2019)
    # a rerun skips both; forcing one re-ingests only it, the other file's rows intact
    again = ingest_event_files(store, [a, b])
    assert (again.already_done, again.ingested) == (2, 0)
    ingest_event_files(store, [a], force=True)
    ev = _events_in(store).set_index("event_id")
    assert len(ev) == 4 and ev.loc[1000000003, "num_mentions"] == 6
    assert ev.loc[1000000004, "file"] == b.name
    assert store.datasets().set_index("release").loc["v2", "rows"] == 4


def test_append_is_atomic(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    ingest_event_files(store, [gzipped(V2A, tmp_path)])
    before = _events_in(store)
    dataset = gdelt.DATASETS[0]
    good = gdelt.read_events(EVENTS / V2B).table
    bad = good.set_column(good.schema.get_field_index("date"), "date",
                          pa.array(["2019-01-02", "not a date"]))
    with pytest.raises(StoreError, match="nothing of the file was stored"):
        store.append(dataset, ParseResult({"events": bad}), V2B, "x")
    dup = pa.concat_tables([good, good])
    with pytest.raises(StoreError, match="duplicate key"):
        store.append(dataset, ParseResult({"events": dup}), V2B, "x")
    pd.testing.assert_frame_equal(_events_in(store), before)
    assert list(store.ingested_files()["file_key"]) == [V2A + ".gz"]


# -- media indicators ------------------------------------------------------------------
def test_media_indicators_hand_computed(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    ingest_event_files(store, [zipped(V2A, tmp_path), zipped(V2B, tmp_path)])
    frame = media.events_dyadic(store, countries=["PAK", "RUS", "IND"])
    assert frame.attrs["covered_years"] == [2019] and frame.attrs["release"] == "v2"
    assert set(INDICATORS) >= set(media.INDICATORS)
    # PAK-RUS 2019: events 1000000001 (036, quad 1, G 4.0, tone -1.5) and 1000000004 (173,
    # quad 4, G -5.0, tone -4.0); 1000000002 is dated 2018, a year no file covers: NA
    for a, b in (("PAK", "RUS"), ("RUS", "PAK")):
        row = frame[(frame.a == a) & (frame.b == b)]
        assert list(row["year"]) == [2019]
        r = row.iloc[0]
        assert r.events_count == 2
        assert r.events_goldstein_mean == pytest.approx(-0.5)
        assert r.events_tone_mean == pytest.approx(-2.75)
        assert (r.events_coop_share, r.events_conflict_share) == (0.5, 0.5)
    # a covered year without events: 0, means NA; EUR-PAK is no pair of states
    none = frame[(frame.a == "IND") & (frame.b == "PAK")].iloc[0]
    assert none.events_count == 0 and pd.isna(none.events_goldstein_mean)
    assert len(frame) == 6  # 3 countries -> 6 directed pairs x 1 covered year
    monthly = media.events_dyadic(store, countries=["PAK", "RUS"], period="month")
    assert list(monthly[monthly.a == "PAK"][["year", "month", "events_count"]].itertuples(
        index=False, name=None)) == [(2019, 1, 2)]


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
def _mirror_rows(path: Path) -> list[list[str]]:
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
    raw = _mirror_rows(mirror / "gdelt/events_v1/20130401.export.CSV.zip")
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
    for path in sorted((mirror / "gdelt/events_v2").glob("*.gz")):
        raw = _mirror_rows(path)
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


def test_append_files_in_one_batch(tmp_path: Path) -> None:
    """A batch of files is one transaction with the same result as file-by-file appends:
    an id in two files of the batch keeps the later file's row (as an append after the
    other would), ingested_files has each file with its own rows, and a bad file in the
    batch stores nothing of any file."""
    dataset = gdelt.DATASETS[0]
    a = gdelt.read_events(EVENTS / V2A).table  # ids ...01, ...02, ...03 (3 mentions: 6)
    b = gdelt.read_events(EVENTS / V2B).table  # ids ...03 (7 mentions), ...04
    one_by_one = Store(tmp_path / "a.duckdb")
    one_by_one.append(dataset, ParseResult({"events": a}), "a.zip", "ha")
    one_by_one.append(dataset, ParseResult({"events": b}), "b.zip", "hb")
    batched = Store(tmp_path / "b.duckdb")
    reports = batched.append_files(dataset, [("a.zip", "ha", ParseResult({"events": a})),
                                             ("b.zip", "hb", ParseResult({"events": b}))])
    assert [r.rows for r in reports] == [{"events": 3}, {"events": 2}]
    got = _events_in(batched)
    pd.testing.assert_frame_equal(got, _events_in(one_by_one))
    assert got.set_index("event_id").loc[1000000003, ["num_mentions", "file"]].tolist() == \
        [7, "b.zip"]
    files = batched.ingested_files().set_index("file_key")
    assert files.loc["a.zip", "rows"] == 3 and files.loc["b.zip", "hash"] == "hb"
    assert batched.datasets().set_index("release").loc["v2-sample", "rows"] == 4
    # the reverse order in the batch: a's row of ...03 wins
    rev = Store(tmp_path / "c.duckdb")
    rev.append_files(dataset, [("b.zip", "hb", ParseResult({"events": b})),
                               ("a.zip", "ha", ParseResult({"events": a}))])
    assert _events_in(rev).set_index("event_id").loc[1000000003, "num_mentions"] == 6
    # one bad file: the whole batch is rolled back
    bad = b.set_column(b.schema.get_field_index("date"), "date",
                       pa.array(["2019-01-02", "not a date"]))
    c = a.set_column(0, "event_id", pa.array([7, 8, 9], pa.int64()))
    with pytest.raises(StoreError, match="nothing of the 2 files was stored"):
        batched.append_files(dataset, [("c.zip", "hc", ParseResult({"events": c})),
                                       ("d.zip", "hd", ParseResult({"events": bad}))])
    pd.testing.assert_frame_equal(_events_in(batched), got)
    assert sorted(batched.ingested_files()["file_key"]) == ["a.zip", "b.zip"]


def test_appended_rows_live_in_parquet_parts(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Appended rows are Parquet parts listed in ingested_files; readers see one table
    (SQL, Ibis, a read-only store); a failure after the part is written leaves no part
    and the store as it was; an unlisted part left by a crash is removed."""
    dataset = gdelt.DATASETS[0]
    a = gdelt.read_events(EVENTS / V2A).table
    b = gdelt.read_events(EVENTS / V2B).table
    store = Store(tmp_path / "s.duckdb")
    store.append(dataset, ParseResult({"events": a}), "a.zip", "ha")
    parts = sorted((tmp_path / "s.parts" / "events").glob("*.parquet"))
    assert len(parts) == 1
    assert store.ingested_files()["part"].tolist() == [f"events/{parts[0].name}"]
    import pyarrow.parquet as pq

    assert sorted(pq.read_table(parts[0])["event_id"].to_pylist()) == \
        [1000000001, 1000000002, 1000000003]
    assert store.table("events").count().execute() == 3
    before = _events_in(store)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    with monkeypatch.context() as m:
        m.setattr(Store, "_append_dataset_row", fail)
        with pytest.raises(RuntimeError, match="disk full"):
            store.append(dataset, ParseResult({"events": b}), "b.zip", "hb")
    assert sorted((tmp_path / "s.parts" / "events").glob("*.parquet")) == parts
    pd.testing.assert_frame_equal(_events_in(store), before)
    orphan = parts[0].with_name("gdelt-v2-sample-0123456789abcdef.parquet")
    orphan.write_bytes(parts[0].read_bytes())  # as if a crash came before the commit
    store.append(dataset, ParseResult({"events": b}), "b.zip", "hb")
    assert not orphan.exists()
    assert len(_events_in(store)) == 4
    store.close()
    with Store(tmp_path / "s.duckdb", read_only=True) as ro:
        assert ro.table("events", release="v2-sample").count().execute() == 4
        assert sorted(ro.execute("SELECT DISTINCT file FROM events")["file"]) == \
            ["a.zip", "b.zip"]
        # the Parquet copy for the Spark backend has the appended rows too
        copy = {p.stem: p for p in ro.to_parquet(tmp_path / "copy")}
        assert sorted(pq.read_table(copy["events"])["event_id"].to_pylist()) == \
            [1000000001, 1000000002, 1000000003, 1000000004]


def test_missing_parts_are_an_error_not_zero(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    store.append(gdelt.DATASETS[0], ParseResult({"events": gdelt.read_events(EVENTS / V2A)
                                                 .table}), "a.zip", "ha")
    store.close()
    for part in (tmp_path / "s.parts" / "events").glob("*.parquet"):
        part.unlink()  # e.g. a store copied without its parts folder
    with Store(tmp_path / "s.duckdb", read_only=True) as ro:
        assert ro.has("datasets")  # the rest of the store still opens
        with pytest.raises(StoreError, match=r"1 Parquet parts of the 'events' table .* "
                           r"missing .*Fix: restore the folder"):
            ro.table("events")
