"""Appending publisher files to a release as Parquet parts (Store.append, append_files).

Expected rows are typed by hand from the GDELT fixtures in tests/data/events.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from amity._contract import ParseResult
from amity._exceptions import StoreError
from amity.ingest.gdelt import ingest_event_files
from amity.sources import gdelt
from amity.store import Store
from amity.store._parts import Parts
from tests._fixtures import EVENTS, V2A, V2B, events_in, gzipped, zipped


def test_append_file_by_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    a, b = zipped(V2A, tmp_path), gzipped(V2B, tmp_path)
    report = ingest_event_files(store, [a, b], workers=2)
    assert (report.ingested, report.rows) == (2, 5)
    ev = events_in(store)
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
    ev = events_in(store).set_index("event_id")
    assert len(ev) == 4 and ev.loc[1000000003, "num_mentions"] == 6
    assert ev.loc[1000000004, "file"] == b.name
    assert store.datasets().set_index("release").loc["v2", "rows"] == 4


def test_append_is_atomic(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    ingest_event_files(store, [gzipped(V2A, tmp_path)])
    before = events_in(store)
    dataset = gdelt.DATASETS[0]
    good = gdelt.read_events(EVENTS / V2B).table
    bad = good.set_column(good.schema.get_field_index("date"), "date",
                          pa.array(["2019-01-02", "not a date"]))
    with pytest.raises(StoreError, match="nothing of the file was stored"):
        store.append(dataset, ParseResult({"events": bad}), V2B, "x")
    dup = pa.concat_tables([good, good])
    with pytest.raises(StoreError, match="duplicate key"):
        store.append(dataset, ParseResult({"events": dup}), V2B, "x")
    pd.testing.assert_frame_equal(events_in(store), before)
    assert list(store.ingested_files()["file_key"]) == [V2A + ".gz"]


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
    got = events_in(batched)
    pd.testing.assert_frame_equal(got, events_in(one_by_one))
    assert got.set_index("event_id").loc[1000000003, ["num_mentions", "file"]].tolist() == \
        [7, "b.zip"]
    files = batched.ingested_files().set_index("file_key")
    assert files.loc["a.zip", "rows"] == 3 and files.loc["b.zip", "hash"] == "hb"
    assert batched.datasets().set_index("release").loc["v2-sample", "rows"] == 4
    # the reverse order in the batch: a's row of ...03 wins
    rev = Store(tmp_path / "c.duckdb")
    rev.append_files(dataset, [("b.zip", "hb", ParseResult({"events": b})),
                               ("a.zip", "ha", ParseResult({"events": a}))])
    assert events_in(rev).set_index("event_id").loc[1000000003, "num_mentions"] == 6
    # one bad file: the whole batch is rolled back
    bad = b.set_column(b.schema.get_field_index("date"), "date",
                       pa.array(["2019-01-02", "not a date"]))
    c = a.set_column(0, "event_id", pa.array([7, 8, 9], pa.int64()))
    with pytest.raises(StoreError, match="nothing of the 2 files was stored"):
        batched.append_files(dataset, [("c.zip", "hc", ParseResult({"events": c})),
                                       ("d.zip", "hd", ParseResult({"events": bad}))])
    pd.testing.assert_frame_equal(events_in(batched), got)
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
    before = events_in(store)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    with monkeypatch.context() as m:
        m.setattr(Parts, "_record_release", fail)
        with pytest.raises(RuntimeError, match="disk full"):
            store.append(dataset, ParseResult({"events": b}), "b.zip", "hb")
    assert sorted((tmp_path / "s.parts" / "events").glob("*.parquet")) == parts
    pd.testing.assert_frame_equal(events_in(store), before)
    orphan = parts[0].with_name("gdelt-v2-sample-0123456789abcdef.parquet")
    orphan.write_bytes(parts[0].read_bytes())  # as if a crash came before the commit
    store.append(dataset, ParseResult({"events": b}), "b.zip", "hb")
    assert len(events_in(store)) == 4
    store.close()
    Store(tmp_path / "s.duckdb").close()  # the next writer sweeps what no release lists
    assert not orphan.exists()
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
