"""The GDELT download path, end to end against a local HTTP server on 127.0.0.1.

The server serves a master file list written here (real sizes and MD5s, computed in the
tests) and the mirror's real GDELT files under GDELT's URL layout: the 2.0 files re-zipped
the way GDELT publishes them (``<stamp>.export.CSV.zip`` holding ``<stamp>.export.CSV``),
the 1.0 file as it is. ``AMITY_BASE_URL`` points amity at the server.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import http.server
import re
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from amity._exceptions import FetchError, HashMismatchError, SourceFormatError
from amity.fetch import cache_dir
from amity.ingest import gdelt as pipeline
from amity.ingest.gdelt import FileEvent, fetch_gdelt, parse_master_list, select_entries
from amity.store import Store

pytestmark = pytest.mark.mirror
HOST = "data.gdeltproject.org"
V2 = ["20161013151500", "20180101000000", "20180326044500", "20191024143000"]


class _Server:
    """A file server with switches: fail (HTTP 500), truncate, delay; logs requests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log: list[str] = []
        self.fail: set[str] = set()
        self.fail_nth: int | None = None
        self.truncate: set[str] = set()
        self.delay = 0.0
        self.inflight = self.max_inflight = 0
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                name = self.path.rsplit("/", 1)[-1]
                with server.lock:
                    server.log.append(name)
                    nth = sum(n.endswith(".export.CSV.zip") for n in server.log)
                    server.inflight += 1
                    server.max_inflight = max(server.max_inflight, server.inflight)
                try:
                    time.sleep(server.delay if name.endswith(".zip") else 0)
                    path = server.root / self.path.lstrip("/")
                    bad = name in server.fail or (name.endswith(".export.CSV.zip")
                                                  and nth == server.fail_nth)
                    if bad or not path.is_file():
                        self.send_error(500 if bad else 404)
                        return
                    data = path.read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2] if name in server.truncate else data)
                finally:
                    with server.lock:
                        server.inflight -= 1

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def requested(self) -> Counter:
        return Counter(n for n in self.log if n.endswith(".zip"))


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def _rezip(gz: Path, dest: Path, lines: list[str] | None = None) -> Path:
    member = gz.name[: -len(".gz")]
    out = dest / (member + ".zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, "".join(lines) if lines is not None else gzip.decompress(
            gz.read_bytes()))
    return out


def _write_list(folder: Path, version_dir: str, files: list[Path], extra: str = "") -> None:
    lines = [f"{p.stat().st_size} {_md5(p)} http://{HOST}/{version_dir}/{p.name}" for p in files]
    (folder / "masterfilelist.txt").write_text("\n".join(lines) + "\n" + extra)


@pytest.fixture()
def gdelt_server(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch
                 ) -> Iterator[tuple[_Server, Path]]:
    folder = tmp_path / "www" / HOST / "gdeltv2"
    folder.mkdir(parents=True)
    files = [_rezip(mirror / "gdelt/events_v2" / f"{s}.export.CSV.gz", folder) for s in V2]
    # other GDELT 2.0 files in the list are not event files and must not be fetched
    others = "".join(f"{123 + i} {'ab' * 16} http://{HOST}/gdeltv2/{s}.{kind}\n"
                     for i, s in enumerate(V2) for kind in ("mentions.CSV.zip", "gkg.csv.zip"))
    _write_list(folder, "gdeltv2", files, others)
    server = _Server(tmp_path / "www")
    monkeypatch.setenv("AMITY_BASE_URL", server.url)
    yield server, folder
    server.httpd.shutdown()
    server.httpd.server_close()


def _raw_rows(mirror: Path, stamp: str) -> list[list[str]]:
    with gzip.open(mirror / "gdelt/events_v2" / f"{stamp}.export.CSV.gz", "rt",
                   encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _md5_of_list(folder: Path, name: str) -> str:
    line = next(x for x in (folder / "masterfilelist.txt").read_text().splitlines() if name in x)
    return line.split()[1]


def _no_leftovers(version: str = "v2") -> None:
    folder = cache_dir() / "gdelt" / version
    left = [p.name for p in folder.iterdir()] if folder.exists() else []
    assert left == [], f"files left in the cache: {left}"


def _per_file(store: Store) -> dict[str, int]:
    frame = store.execute("SELECT file, count(*) AS n FROM events GROUP BY file")
    return dict(zip(frame["file"], frame["n"], strict=True))


def test_date_range_parallel_and_rerun(gdelt_server: tuple[_Server, Path], tmp_path: Path,
                                       mirror: Path) -> None:
    server, _ = gdelt_server
    server.delay = 0.3
    store = Store(tmp_path / "s.duckdb")
    seen: list[FileEvent] = []
    report = fetch_gdelt(store, "2018-01-01", "2018-12-31", workers=4, progress=False,
                         on_file=seen.append)
    want = {f"{s}.export.CSV.zip": len(_raw_rows(mirror, s)) for s in V2}
    in_2018 = {k: v for k, v in want.items() if k.startswith("2018")}
    assert (report.selected, report.downloaded, report.ingested) == (2, 2, 2)
    assert _per_file(store) == in_2018 and report.rows == sum(in_2018.values()) == 3954
    assert {e.name for e in seen} == set(in_2018) and {e.status for e in seen} == {"ingested"}
    assert server.max_inflight >= 2  # the two files were downloaded at the same time
    _no_leftovers()
    # the whole range: the two 2018 files are done, only the other two are fetched
    report = fetch_gdelt(store, "2016-10-13", "2019-10-24", workers=4, progress=False)
    assert (report.selected, report.already_done, report.downloaded) == (4, 2, 2)
    assert _per_file(store) == want
    assert server.requested() == Counter({name: 1 for name in want})
    files = store.ingested_files("gdelt", "v2")
    assert sorted(files["file_key"]) == sorted(want)
    # a day given as the end includes the whole day; a 15-minute file is its own period
    again = fetch_gdelt(store, "2019-10-24T14:30", "2019-10-24T14:40", progress=False)
    assert (again.selected, again.already_done, again.downloaded) == (1, 1, 0)


def test_md5_mismatch_stores_nothing_of_the_file(gdelt_server: tuple[_Server, Path],
                                                 tmp_path: Path, mirror: Path) -> None:
    _, folder = gdelt_server
    bad = folder / f"{V2[1]}.export.CSV.zip"
    data = bytearray(bad.read_bytes())
    data[len(data) // 2] ^= 0xFF  # the server's copy is corrupt; the list has the real MD5
    bad.write_bytes(bytes(data))
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(HashMismatchError, match=rf"^{bad.name}: the download's MD5 is not the "
                                                rf"{_md5_of_list(folder, bad.name)}"):
        fetch_gdelt(store, "2016-01-01", "2019-12-31", workers=2, progress=False)
    ingested = set(store.ingested_files("gdelt", "v2")["file_key"])
    assert bad.name not in ingested and len(ingested) == 3
    assert bad.name not in _per_file(store)
    assert _per_file(store) == {f"{s}.export.CSV.zip": len(_raw_rows(mirror, s))
                                for s in V2 if s != V2[1]}
    _no_leftovers()


def test_resume_after_a_failed_file(gdelt_server: tuple[_Server, Path], tmp_path: Path) -> None:
    server, _ = gdelt_server
    server.fail_nth = 3  # the third event file requested gets HTTP 500
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(FetchError, match="could not download .*500") as info:
        fetch_gdelt(store, "2016-01-01", "2019-12-31", workers=1, progress=False)
    failed = f"{V2[2]}.export.CSV.zip"
    assert re.search(rf"could not download http://127\.0\.0\.1:\d+/{HOST}/gdeltv2/{failed}",
                     str(info.value))
    assert len(store.ingested_files("gdelt", "v2")) == 3
    server.fail_nth = None
    before = server.requested()
    report = fetch_gdelt(store, "2016-01-01", "2019-12-31", workers=1, progress=False)
    assert (report.already_done, report.downloaded, report.ingested) == (3, 1, 1)
    assert server.requested() - before == Counter({failed: 1})
    assert len(store.ingested_files("gdelt", "v2")) == 4
    _no_leftovers()


def test_interrupted_run_resumes(gdelt_server: tuple[_Server, Path], tmp_path: Path) -> None:
    server, _ = gdelt_server
    store = Store(tmp_path / "s.duckdb")

    def stop_after_first(event: FileEvent) -> None:
        raise KeyboardInterrupt  # the user presses Ctrl-C after the first file

    with pytest.raises(KeyboardInterrupt):  # batch_rows=1: one transaction per file
        fetch_gdelt(store, "2016-01-01", "2019-12-31", workers=1, progress=False,
                    on_file=stop_after_first, batch_rows=1)
    done_first = store.ingested_files("gdelt", "v2")
    assert len(done_first) == 1
    first = done_first["file_key"].iloc[0]
    folder = cache_dir() / "gdelt" / "v2"
    assert not list(folder.glob("*.part")) and not list(folder.glob(".*"))
    report = fetch_gdelt(store, "2016-01-01", "2019-12-31", workers=1, progress=False)
    assert (report.already_done, report.ingested) == (1, 3)
    # the ingested file is not fetched again; a download that was still in flight when
    # Ctrl-C came (the pipeline prefetches) may be, once
    requested = server.requested()
    assert requested[first] == 1
    assert sum(requested.values()) <= 4 + 2 and max(requested.values()) <= 2
    assert store.execute("SELECT count(*) AS n FROM events")["n"].iloc[0] == 9631
    _no_leftovers()


def test_interrupt_keeps_committed_batches_only(gdelt_server: tuple[_Server, Path],
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while a batch waits: the parsed but uncommitted files are not in the store
    (nor in ingested_files), their downloads stay in the cache, and a rerun finishes."""
    server, _ = gdelt_server
    monkeypatch.setattr(pipeline, "FLUSH_SECONDS", 600.0)  # batches by rows only
    store = Store(tmp_path / "s.duckdb")
    seen: list[str] = []

    def stop_at_second(event: FileEvent) -> None:
        seen.append(event.name)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # the first batch: 2 files (about 6k rows)
        fetch_gdelt(store, "2016-01-01", "2019-12-31", workers=1, progress=False,
                    on_file=stop_at_second, batch_rows=5000)
    done = store.ingested_files("gdelt", "v2")
    assert sorted(done["file_key"]) == sorted(seen)  # the whole first batch, nothing else
    assert store.execute("SELECT count(DISTINCT file) AS n FROM events")["n"].iloc[0] == 2
    before = server.requested()
    report = fetch_gdelt(store, "2016-01-01", "2019-12-31", workers=1, progress=False)
    assert (report.already_done, report.ingested) == (2, 2)
    assert sum((server.requested() - before).values()) <= 2
    assert store.execute("SELECT count(*) AS n FROM events")["n"].iloc[0] == 9631
    _no_leftovers()


def test_truncated_download_leaves_no_partial_file(gdelt_server: tuple[_Server, Path],
                                                   tmp_path: Path) -> None:
    server, _ = gdelt_server
    name = f"{V2[0]}.export.CSV.zip"
    server.truncate.add(name)
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(FetchError, match=name):
        fetch_gdelt(store, "2016-10-13", "2016-10-13", progress=False)
    _no_leftovers()
    assert len(store.ingested_files()) == 0
    server.truncate.clear()
    assert fetch_gdelt(store, "2016-10-13", "2016-10-13", progress=False).ingested == 1


def test_bad_lines_error_or_skip(gdelt_server: tuple[_Server, Path], tmp_path: Path,
                                 mirror: Path) -> None:
    _, folder = gdelt_server
    rows = _raw_rows(mirror, V2[3])
    lines = ["\t".join(r) + "\n" for r in rows]
    lines[99] = "\t".join(rows[99][:40] + rows[99][41:]) + "\n"  # line 100: 60 fields
    broken = _rezip(mirror / "gdelt/events_v2" / f"{V2[3]}.export.CSV.gz", folder, lines)
    _write_list(folder, "gdeltv2", [broken])
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(SourceFormatError, match=rf"{broken.name}:100: .*--on-bad-lines skip"):
        fetch_gdelt(store, "2019-10-24", "2019-10-24", progress=False)
    assert len(store.ingested_files()) == 0
    report = fetch_gdelt(store, "2019-10-24", "2019-10-24", progress=False,
                         on_bad_lines="skip")
    assert (report.skipped_rows, report.rows) == (1, len(rows) - 1)
    assert store.ingested_files()["skipped_rows"].tolist() == [1]
    assert store.datasets().set_index("release").loc["v2", "skipped_rows"] == 1


def test_v1_file_list(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "www" / HOST / "events"
    folder.mkdir(parents=True)
    daily = folder / "20130401.export.CSV.zip"
    daily.write_bytes((mirror / "gdelt/events_v1/20130401.export.CSV.zip").read_bytes())
    listing = (f"{daily.stat().st_size} {_md5(daily)} http://{HOST}/events/{daily.name}\n"
               f"1000 {'cd' * 16} http://{HOST}/events/201303.zip\n"
               f"2000 {'ef' * 16} http://{HOST}/events/2005.zip\n")
    (folder / "filelist.txt").write_text(listing)
    server = _Server(tmp_path / "www")
    monkeypatch.setenv("AMITY_BASE_URL", server.url)
    try:
        store = Store(tmp_path / "s.duckdb")
        report = fetch_gdelt(store, "2013-04-01", "2013-04-01", version="v1", progress=False,
                             master_url=f"http://{HOST}/events/filelist.txt")
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    assert (report.selected, report.ingested, report.rows) == (1, 1, 27758)
    assert store.releases("gdelt") == ["v1"]


def test_file_lists() -> None:
    html = ('<LI><A HREF="20130401.export.CSV.zip">20130401.export.CSV.zip</A> 11MB '
            '(MD5: 0123456789ABCDEF0123456789abcdef)\n<UL>\n'
            '<LI><A HREF="201303.zip">201303.zip</A> (MD5: ' + "f" * 32 + ')\n')
    entries, bad = parse_master_list(html, "http://data.gdeltproject.org/events/index.html")
    assert [e.url for e in entries] == [
        "http://data.gdeltproject.org/events/20130401.export.CSV.zip",
        "http://data.gdeltproject.org/events/201303.zip"]
    assert entries[0].md5 == "0123456789abcdef0123456789abcdef" and bad == []
    # a monthly file overlaps a range inside its month; a daily file only its day
    picked = select_entries(entries, "2013-03-15", "2013-03-31", "v1")
    assert [e.name for e in picked] == ["201303.zip"]
    with pytest.raises(Exception, match="after"):
        select_entries(entries, "2013-04-02", "2013-04-01", "v1")
