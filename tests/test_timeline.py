"""The engagements timeline: file format, errors, the starter set, derived engagements."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

import amity.sources
from amity import countries
from amity._contract import Dataset, ParseResult
from amity._exceptions import MissingDataError, SourceFormatError
from amity._schema import TABLES
from amity.index.refresh import setup
from amity.ingest import ingest_files
from amity.sources import engagements as timeline_source
from amity.sources.engagements import DATASETS, read_timeline, user_dataset
from amity.store import Store
from amity.timeline import COLUMNS, DERIVED_CODES, derived_engagements, timeline
from tests.conftest import DATA

TL = DATA / "timeline"
STARTER_DIR = Path(str(resources.files("amity") / "data" / "timeline"))
STARTER = STARTER_DIR / "pak_rus.csv"
PAIR_FILES = sorted(STARTER_DIR.glob("*.csv"))


# -- the file format ----------------------------------------------------------------
def test_good_file_parsed_by_hand() -> None:
    frame = read_timeline(TL / "good.csv").set_index("title")
    assert len(frame) == 4  # the blank line and the comment line are not rows
    ayub = frame.loc["Ayub Khan visits Moscow, the first visit by a Pakistani head of state"]
    assert (ayub.a, ayub.b, ayub.kind, ayub.level) == ("PAK", "RUS", "visit", "head_of_state")
    assert ayub.date == dt.date(1965, 4, 1) and ayub.date_precision == "month"
    assert ayub.id.startswith("PAK-RUS:1965-04:visit:")
    assert (ayub.source_name, ayub.source_title, ayub.source_date) == (
        "Example Press", "Ayub in Moscow", "1965-04-12")
    assert pd.isna(ayub.source_url) and pd.isna(ayub.notes) and not ayub.derived
    steel = frame.loc["Foundation stone of the steel mill"]
    assert steel.date == dt.date(1973, 12, 30) and steel.date_precision == "day"
    assert steel.source_name == "Pakistan Steel, Karachi" and steel.source_date == "n.d."
    assert steel.source_url == "http://example.org/history"
    assert steel.notes == "a note, with a comma" and pd.isna(steel.level)
    sco = frame.loc["Pakistan joins the Shanghai Cooperation Organisation"]
    assert (sco.a, sco.kind) == ("PAK", "membership") and pd.isna(sco.b)  # ISO2 "PK"
    assert sco.id.startswith("PAK:2017-06-09:membership:")
    arms = frame.loc["Arms in principle"]  # COW codes 365 and 770
    assert (arms.a, arms.b, arms.date, arms.date_precision) == (
        "RUS", "PAK", dt.date(1968, 1, 1), "year")
    assert arms.id.startswith("RUS-PAK:1968:agreement:")


def test_columns_in_any_order_and_optional_ones_left_out() -> None:
    row = read_timeline(TL / "reordered.csv").iloc[0]
    assert (row.a, row.b, row.kind, row.date) == ("RUS", "PAK", "visit", dt.date(2021, 4, 6))
    assert pd.isna(row.level) and pd.isna(row.source_url) and row.source_name == "Geo News"


@pytest.mark.parametrize(("name", "where", "words"), [
    ("bad_country.csv", "bad_country.csv:3", ["column 'a'", "'Rusia'", "Russia"]),
    ("bad_kind.csv", "bad_kind.csv:2",
     ["column 'kind'", "'summit'", "visit, agreement, exercise, meeting, membership, other"]),
    ("bad_level.csv", "bad_level.csv:2",
     ["column 'level'", "head_of_state, head_of_government, minister, official, military"]),
    ("bad_date.csv", "bad_date.csv:3", ["column 'date'", "'30/12/1973'", "YYYY-MM-DD"]),
    ("bad_day.csv", "bad_day.csv:2", ["'1973-02-30' is not a real date"]),
    ("no_publisher.csv", "no_publisher.csv:2", ["column 'source_publisher'", "required"]),
    ("bad_fields.csv", "bad_fields.csv:2", ["expected 11 fields, found 12"]),
    ("bad_header.csv", "bad_header.csv:1", ["unknown columns ['country', 'partner']",
                                            "missing columns ['a']"]),
    # the first record spans lines 2-3, so the bad kind is on line 4
    ("multiline.csv", "multiline.csv:4", ["'drill'"]),
    ("duplicate.csv", "duplicate.csv:4", ["already at duplicate.csv:2"]),
])
def test_errors_name_file_line_and_fix(name: str, where: str, words: list[str]) -> None:
    with pytest.raises(SourceFormatError) as err:
        read_timeline(TL / name)
    message = str(err.value)
    assert where in message and "Fix:" in message
    for word in words:
        assert word in message


def test_skip_mode_counts_bad_rows() -> None:
    result = user_dataset([TL / "mixed.csv"]).parse({"mixed.csv": TL / "mixed.csv"}, "skip")
    frame = result.tables["engagements"]
    # rows 3-7 are bad: agreement without b, membership with b, a == b, bad url, bad date
    assert result.skipped == 5
    assert sorted(frame["title"]) == ["Lavrov in Islamabad", "Samarkand"]
    assert "mixed.csv:3" in result.notes[0]
    with pytest.raises(SourceFormatError, match="mixed.csv:3"):
        read_timeline(TL / "mixed.csv")


# -- the starter set -----------------------------------------------------------------
def _starter_rows(path: Path | None = None) -> list[dict[str, str]]:
    """The rows of one packaged timeline file, or of all of them."""
    rows = []
    for one in [path] if path else PAIR_FILES:
        with open(one, encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def test_packaged_pair_files() -> None:
    # Pakistan-Russia plus at least 20 more pairs, one file each, every row sourced
    assert len(PAIR_FILES) >= 21 and STARTER in PAIR_FILES
    for path in PAIR_FILES:
        rows = _starter_rows(path)
        assert len(rows) >= 5, path.name
        pair = {countries.to_iso3(r["a"]) for r in rows if r["b"]} | {
            countries.to_iso3(r["b"]) for r in rows if r["b"]}
        assert len(pair) == 2, (path.name, pair)  # one pair per file
        for row in rows:
            assert row["source_publisher"].strip() and row["source_title"].strip(), row
            assert row["source_date"].strip(), row
            assert not row["source_url"] or row["source_url"].startswith(
                ("http://", "https://")), row


def test_starter_set_integrity() -> None:
    rows = _starter_rows(STARTER)
    assert 30 <= len(rows) <= 50
    for row in rows:
        assert row["source_publisher"].strip() and row["source_title"].strip(), row
        assert row["source_date"].strip(), row
        assert not row["source_url"] or row["source_url"].startswith(("http://", "https://"))
        assert countries.to_iso3(row["a"]) in ("PAK", "RUS")
        assert row["b"] == "" and row["kind"] == "membership" or countries.to_iso3(row["b"])
    every = _starter_rows()
    keys = [(r["date"], r["a"], r["b"], r["kind"], r["title"].casefold()) for r in every]
    assert len(set(keys)) == len(keys)
    # the rows the flagship article and the brief rely on
    assert any(r["date"].startswith("1965") and r["kind"] == "visit" for r in rows)
    assert any(r["date"] == "1973-12-30" and "Steel" in r["title"] for r in rows)
    assert any(r["date"].startswith("2017") and r["kind"] == "membership"
               and "Shanghai Cooperation Organisation" in r["title"] for r in rows)
    # the parser reads every row of every file and keeps the ids unique
    frame = DATASETS[0].parse({}, "error").tables["engagements"]
    assert len(frame) == len(every) and frame["id"].is_unique
    assert set(frame["derived"]) == {False}


def test_setup_ingests_starter_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if timeline_source not in amity.sources._MODULES:  # until the module is registered
        monkeypatch.setattr(amity.sources, "_MODULES",
                            (*amity.sources._MODULES, timeline_source))
    store = Store(tmp_path / "s.duckdb")
    events = setup(store, sources=["timeline"])
    assert [e.status for e in events] == ["ingested"]
    assert events[0].report.rows == {"engagements": len(_starter_rows())}  # every file
    assert store.releases("timeline") == ["amity-starter-1"]


# -- derived engagements ---------------------------------------------------------------
def _event(event_id: int, day: str, a1: str | None, a2: str | None, code: str,
           mentions: int | None, url: str | None) -> dict[str, object]:
    when = dt.date.fromisoformat(day)
    return {"event_id": event_id, "date": when, "year": when.year, "actor1_iso3": a1,
            "actor2_iso3": a2, "event_code": code, "event_root": code.zfill(3)[:2],
            "quad_class": 1, "goldstein": 1.0, "num_mentions": mentions, "num_sources": 1,
            "num_articles": mentions, "avg_tone": 0.0, "action_geo_iso3": None, "url": url}


EVENTS = [
    _event(1, "2022-02-24", "PAK", "RUS", "042", 10, "u1"),   # PAK visits RUS
    _event(2, "2022-02-24", "RUS", "PAK", "043", 25, "u2"),   # RUS hosts PAK: same visit
    _event(3, "2022-02-24", "PAK", "RUS", "042", 25, "u3"),   # tie with 2: lower id wins
    _event(4, "2022-02-24", "RUS", "PAK", "042", 5, "u4"),    # RUS visits PAK: another row
    _event(5, "2022-02-24", "RUS", "PAK", "057", 3, "u5"),    # agreement, pair sorted
    _event(6, "2022-02-25", "PAK", "RUS", "57", None, None),  # code without leading zero
    _event(7, "2022-02-24", "PAK", "RUS", "036", 50, "u7"),   # intent: not by default
    _event(8, "2022-02-24", "PAK", "PAK", "042", 9, "u8"),    # same country: never
    _event(9, "2022-02-24", "PAK", None, "042", 9, "u9"),     # non-state actor: never
    _event(10, "2021-04-06", "RUS", "PAK", "044", 7, "u10"),  # meeting
    _event(11, "2021-04-06", "PAK", "RUS", "046", 9, "u11"),  # negotiation: same meeting
    _event(12, "2021-04-06", "IND", "CHN", "042", 4, "u12"),  # another pair
    _event(13, "2021-04-06", "PAK", "RUS", "190", 99, "u13"), # fighting: not an engagement
]


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "s.duckdb")
    fake = Dataset(source="fake_events", release="t1", title="hand-made events",
                   publisher="tests", citation="tests", licence="", homepage="", files=(),
                   parse=lambda paths, mode: ParseResult({}), tables=("events",))
    # columns other helpers may add to the events table stay empty here
    events = pd.DataFrame(EVENTS).reindex(columns=list(TABLES["events"].columns))
    store.ingest(fake, ParseResult({"events": events}), hashes={})
    starter = DATASETS[0]
    store.ingest(starter, starter.parse({}, "error"), hashes={})
    return store


def _rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return [(f"{d:%Y-%m-%d}", a, b, k, n, u) for d, a, b, k, n, u in zip(
        frame["date"], frame["a"], frame["b"], frame["kind"], frame["events"],
        frame["source_url"], strict=True)]


def test_derived_engagements_hand_computed(store: Store) -> None:
    frame = derived_engagements(store, countries=["PAK", "Russia"])
    assert list(frame.columns) == COLUMNS
    assert _rows(frame) == [
        ("2021-04-06", "PAK", "RUS", "meeting", 2, "u11"),
        ("2022-02-24", "PAK", "RUS", "agreement", 1, "u5"),
        ("2022-02-24", "PAK", "RUS", "visit", 3, "u2"),
        ("2022-02-24", "RUS", "PAK", "visit", 1, "u4"),
        ("2022-02-25", "PAK", "RUS", "agreement", 1, None),
    ]
    assert frame["derived"].all() and set(frame["date_precision"]) == {"day"}
    first = frame.iloc[0]
    assert first.id == "fake_events:PAK-RUS:2021-04-06:meeting"
    assert first.source_title == "fake_events t1 events, CAMEO 044, 046"
    assert first.source_name == "tests" and first.notes == "most-mentioned event 11 (9 mentions)"
    assert frame.iloc[2].title == "Pakistan visit to Russia, reported in 3 coded events"
    assert frame.iloc[4].notes == "first event 6"


def test_derived_engagements_options(store: Store) -> None:
    everyone = derived_engagements(store)
    assert ("2021-04-06", "IND", "CHN", "visit", 1, "u12") in _rows(everyone)
    assert len(everyone) == 6
    assert len(derived_engagements(store, countries=["PAK"], years=(2022, 2022))) == 4
    with_intent = derived_engagements(store, countries=["PAK"],
                                      codes={**DERIVED_CODES, "036": "other"})
    assert ("2022-02-24", "PAK", "RUS", "other", 1, "u7") in _rows(with_intent)


def test_timeline_merges_curated_and_derived(store: Store) -> None:
    frame = timeline(store, "Pakistan", "Russian Federation", years=(2021, 2022))
    got = [(f"{d:%Y-%m-%d}", k, bool(x)) for d, k, x in
           zip(frame["date"], frame["kind"], frame["derived"], strict=True)]
    assert got == [
        ("2021-04-06", "visit", False),      # Lavrov (starter set) before the derived row
        ("2021-04-06", "meeting", True),
        ("2021-05-28", "agreement", False),  # Pakistan Stream protocol
        ("2022-02-23", "visit", False),      # Imran Khan in Moscow
        ("2022-02-24", "agreement", True),
        ("2022-02-24", "visit", True),       # id fake_events:PAK-RUS:... first
        ("2022-02-24", "visit", True),
        ("2022-02-25", "agreement", True),
        ("2022-09-15", "meeting", False),    # Samarkand
    ]
    whole = timeline(store, "RUS", "PAK", include_derived=False)
    memberships = [r for r in _starter_rows() if not r["b"] and r["a"] == "PAK"]
    assert len(whole) == len(_starter_rows(STARTER)) + len(memberships) - 2
    assert not whole["derived"].any() and whole["date"].is_monotonic_increasing
    # Pakistan's SCO rows (in pak_rus.csv) and its 1955 SEATO/CENTO row (pak_usa.csv)
    assert (whole["kind"] == "membership").sum() == 3
    # a pair with its own file: its rows, plus each country's memberships
    other = timeline(store, "PAK", "IND", include_derived=False)
    assert (other["kind"] == "membership").sum() == 4  # 3 Pakistani, India's SCO row
    assert len(other) == len(_starter_rows(STARTER_DIR / "ind_pak.csv")) + 4
    assert timeline(store, "KOR", "BRA", include_derived=False).empty


def test_timeline_without_data(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="amity setup --source timeline"):
        timeline(Store(tmp_path / "empty.duckdb"), "PAK", "RUS")


def test_user_timeline_release(store: Store) -> None:
    dataset = user_dataset([TL / "good.csv"])
    store.ingest(dataset, dataset.parse({"good.csv": TL / "good.csv"}, "error"), hashes={})
    assert store.releases("timeline") == ["amity-starter-1", "user-good"]
    frame = timeline(store, "PAK", "RUS", years=(1965, 1965), include_derived=False)
    # two visits dated "1965-04" (user file, starter set), then 7 April and 5 June
    assert [f"{d:%m-%d}" for d in frame["date"]] == ["04-01", "04-01", "04-07", "06-05"]
    assert sorted(frame["release"][:2]) == ["amity-starter-1", "user-good"]
    assert frame["title"][0].startswith(("Ayub Khan visits", "President Ayub Khan"))
    assert frame["title"][3] == "Agreement on cultural and scientific cooperation signed"


@pytest.mark.xfail(not hasattr(amity.sources, "user_dataset"), strict=True,
                   reason="needs the ingest_files hook proposed in the timeline report")
def test_amity_ingest_timeline_user_file(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    if timeline_source not in amity.sources._MODULES:
        monkeypatch.setattr(amity.sources, "_MODULES",
                            (*amity.sources._MODULES, timeline_source))
    store = Store(tmp_path / "s.duckdb")
    report = ingest_files(store, "timeline", [TL / "good.csv"])
    assert (report.release, report.rows) == ("user-good", {"engagements": 4})


@pytest.mark.mirror
def test_real_gdelt_visits_match_raw_file(tmp_path: Path, mirror: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """GDELT 1.0 file of 2013-04-01: visits counted a second way, with csv and zipfile."""
    import io
    import zipfile

    from amity.sources import gdelt

    if gdelt not in amity.sources._MODULES:  # until the module is registered
        monkeypatch.setattr(amity.sources, "_MODULES", (*amity.sources._MODULES, gdelt))
    store = Store(tmp_path / "s.duckdb")
    setup(store, mirror=mirror, sources=["gdelt"])
    labels = (mirror / "gdelt" / "headers" /
              "GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv").read_text().split()[1:]
    col = {name: labels.index(name) for name in
           ("SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "EventCode")}
    expected: dict[tuple[str, str], set[str]] = {("USA", "JPN"): set(), ("AFG", "PAK"): set()}
    with zipfile.ZipFile(mirror / "gdelt" / "events_v1" / "20130401.export.CSV.zip") as zf:
        member = zf.open(zf.namelist()[0])
        for row in csv.reader(io.TextIOWrapper(member, encoding="utf-8"), delimiter="\t",
                              quoting=csv.QUOTE_NONE):
            a1, a2 = row[col["Actor1CountryCode"]], row[col["Actor2CountryCode"]]
            code = row[col["EventCode"]]
            visitor_host = (a1, a2) if code == "042" else (a2, a1) if code == "043" else None
            if row[col["SQLDATE"]] == "20130401" and visitor_host in expected:
                expected[visitor_host].add(row[0])
    frame = derived_engagements(store, years=(2013, 2013))
    frame = frame[(frame["release"] == "v1-sample") & (frame["kind"] == "visit")
                  & (frame["date"] == pd.Timestamp("2013-04-01"))].set_index(["a", "b"])
    for pair, ids in expected.items():
        assert len(ids) > 0 and frame.loc[pair, "events"] == len(ids)
