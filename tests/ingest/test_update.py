"""``amity update``, end to end, against real recorded answers replayed from 127.0.0.1.

The server below answers each publisher's API path (``AMITY_BASE_URL`` points amity at
it) with a real response of that API recorded by another project
(``tests/data/replay/<publisher>/``, with ``ORIGIN.md``): UN Comtrade (keyless preview and
keyed endpoints), the IMF's IMTS by SDMX, the World Bank API v2 and SIPRI's database
backend. Expected values are read from the recordings here with ``json``, ``re``,
``base64`` and ``csv``, not through amity's parsers. The server can answer 503 first,
fail a path, or stream a body slowly; it logs every request. No test touches the
internet.
"""

from __future__ import annotations

import base64
import csv
import http.server
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from amity._exceptions import FetchError, SourceFormatError
from amity.apiclient import ApiClient
from amity.fetch import cache_dir
from amity.ingest import comtrade as comtrade_connector
from amity.ingest.update import Options, resolve, update, update_gdelt
from amity.store import Store
from tests.ingest import test_gdelt
from tests.ingest.test_gdelt import V2

REPLAY = Path(__file__).resolve().parents[1] / "data" / "replay"
PREVIEW = "/comtradeapi.un.org/public/v1/preview/C/A/HS"
KEYED = "/comtradeapi.un.org/data/v1/get/C/A/HS"
IMTS = "/api.imf.org/external/sdmx/2.1/data/IMF.STA,IMTS,1.0.0/LAO.XG_FOB_USD..A"
WB = "/api.worldbank.org/v2/country/USA;JPN/indicator/SP.POP.TOTL"
SIPRI = "/atbackend.sipri.org/api/p/trades/trade-register-csv/"
# the keyed endpoint answers in the preview's format: it replays the preview's recording
ROUTES = {PREVIEW: "comtrade/preview-842-2023.json", KEYED: "comtrade/preview-842-2023.json",
          IMTS: "imf/imts-LAO-2019.xml", WB: "worldbank/SP.POP.TOTL-USA-JPN-2022-2023.json",
          SIPRI: "sipri/trade-register-csv-2000-2001.json"}


class Replay:
    """Recorded answers by path; switches: statuses to answer first, slow bodies."""

    def __init__(self) -> None:
        self.bodies = {path: (REPLAY / name).read_bytes() for path, name in ROUTES.items()}
        self.first: dict[str, list[int]] = {}  # path -> statuses answered before the body
        self.slow: dict[str, float] = {}  # path -> seconds of pause halfway through
        self.stall: dict[str, list[float]] = {}  # path -> pauses before answering, in turn
        self.log: list[dict[str, object]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                path = self.path.split("?", 1)[0]
                length = int(self.headers.get("Content-Length") or 0)
                server.log.append({"method": self.command, "path": path, "url": self.path,
                                   "body": self.rfile.read(length) if length else b"",
                                   "headers": dict(self.headers)})
                stall = server.stall.get(path)
                if stall:
                    time.sleep(stall.pop(0))
                queue = server.first.get(path)
                if queue:
                    status = queue.pop(0)
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = server.bodies.get(path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if path in server.slow:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    time.sleep(server.slow[path])
                    self.wfile.write(body[len(body) // 2:])
                else:
                    self.wfile.write(body)

            do_GET = _answer
            do_POST = _answer

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def hits(self, path: str) -> int:
        return sum(1 for entry in self.log if entry["path"] == path)


@pytest.fixture()
def replay(monkeypatch: pytest.MonkeyPatch) -> Iterator[Replay]:
    server = Replay()
    monkeypatch.setenv("AMITY_BASE_URL", server.url)
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


#: GDELT's file server with real GDELT files (from the mirror), as its own tests use it.
gdelt_server = test_gdelt.gdelt_server


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "amity.duckdb") as opened:
        yield opened


def opts(**kwargs: object) -> Options:
    """Fast, fixed-day options: no pacing, short backoff."""
    base: dict[str, object] = {"today": date(2026, 10, 1), "min_interval": 0.0,
                               "backoff": 0.01, "retries": 2, "timeout": 10.0}
    return Options(**{**base, **kwargs})  # type: ignore[arg-type]


def value(store: Store, sql: str, *params: object) -> float:
    return float(store.execute(sql, params).iloc[0, 0])


def no_leftovers(source: str) -> None:
    parts = [p.name for p in (cache_dir() / source).rglob("*.part")]
    assert parts == [], f"temporary files left: {parts}"


# -- UN Comtrade --------------------------------------------------------------------------
def _comtrade_exports(name: str) -> dict[tuple[str, str], float]:
    doc = json.loads((REPLAY / "comtrade" / name).read_text())
    return {(r["reporterISO"], r["partnerISO"]): r["primaryValue"] for r in doc["data"]
            if r["flowCode"] == "X"}


def test_comtrade_keyless_preview(replay: Replay, store: Store) -> None:
    reports = update(store, ["comtrade"], options=opts(years=(2023, 2023),
                                                       comtrade_reporters=(842,)))
    assert [(r.release, r.status) for r in reports[0].releases] == [("preview-2023", "ingested")]
    [request] = replay.log
    query = dict(kv.split("=") for kv in request["url"].split("?", 1)[1].split("&"))
    assert (query["reporterCode"], query["period"], query["flowCode"], query["maxRecords"]) == \
        ("842", "2023", "X", "500")
    assert "Ocp-Apim-Subscription-Key" not in request["headers"]
    want = _comtrade_exports("preview-842-2023.json")[("USA", "JPN")]  # 76,154,045,176
    got = value(store, "SELECT value_usd FROM trade_dyadic WHERE source = 'comtrade_totals' AND "
                "release = 'preview-2023' AND exporter = 'USA' AND importer = 'JPN' AND "
                "year = 2023")
    assert got == want == 76154045176
    assert store.release("comtrade_totals", "preview-2023").is_default is False
    cached = cache_dir() / "comtrade_totals" / "preview-2023" / "preview-842-2023.json"
    assert cached.read_bytes() == (REPLAY / "comtrade/preview-842-2023.json").read_bytes()
    no_leftovers("comtrade_totals")


def test_comtrade_keyed_endpoint(replay: Replay, store: Store,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """With a key, amity asks the keyed endpoint with the key in its header. Its answers
    have the preview's format; the server replays the real preview recording (no recording
    of the keyed endpoint from a repository with a compatible licence was found)."""
    monkeypatch.setenv("COMTRADE_API_KEY", "test-key-123")
    update(store, ["comtrade_totals"], options=opts(years=(2023, 2023)))
    [request] = replay.log
    assert request["path"] == KEYED
    assert request["headers"]["Ocp-Apim-Subscription-Key"] == "test-key-123"
    want = _comtrade_exports("preview-842-2023.json")
    rows = store.execute("SELECT exporter, importer, value_usd FROM trade_dyadic WHERE "
                         "release = 'api-2023' ORDER BY importer")
    assert {(a, b): v for a, b, v in rows.itertuples(index=False)} == want


def test_comtrade_answer_at_the_record_limit_is_refused(replay: Replay, store: Store,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # the recording holds 2 records: with a limit of 2 it is an answer cut short
    monkeypatch.setattr(comtrade_connector, "_CAP", {True: 2, False: 2})
    with pytest.raises(FetchError, match=r"^UN Comtrade: the answer preview-842-2023\.json holds "
                                         r"2 records.*Fix: set COMTRADE_API_KEY"):
        update(store, ["comtrade"], options=opts(years=(2023, 2023), comtrade_reporters=(842,)))
    assert store.releases("comtrade_totals") == []


def test_years_already_ingested_are_not_fetched_again(replay: Replay, store: Store) -> None:
    options = opts(years=(2023, 2023), comtrade_reporters=(842,))
    update(store, ["comtrade"], options=options)
    assert replay.hits(PREVIEW) == 1
    # 2023 is older than the recheck window of 2026-10-01 (2024 on): not asked again
    again = update(store, ["comtrade"], options=options)
    assert replay.hits(PREVIEW) == 1 and again[0].releases == [] and again[0].requests == 0
    # within the window it is asked again, and identical answers ingest nothing
    recent = update(store, ["comtrade"], options=opts(years=(2023, 2023), today=date(2024, 6, 1),
                                                      comtrade_reporters=(842,)))
    assert replay.hits(PREVIEW) == 2
    assert [(r.release, r.status) for r in recent[0].releases] == [("preview-2023", "unchanged")]


def test_interrupted_before_ingest_resumes_without_asking_again(
        replay: Replay, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    options = opts(years=(2023, 2023), comtrade_reporters=(842,))
    real_ingest = Store.ingest

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the user's Ctrl-C while the release is written

    monkeypatch.setattr(Store, "ingest", killed)
    with pytest.raises(KeyboardInterrupt):
        update(store, ["comtrade"], options=options)
    assert store.releases("comtrade_totals") == []  # nothing half-written
    monkeypatch.setattr(Store, "ingest", real_ingest)
    report = update(store, ["comtrade"], options=options)[0]
    assert (replay.hits(PREVIEW), report.requests, report.reused) == (1, 0, 1)
    assert store.releases("comtrade_totals") == ["preview-2023"]


# -- IMF IMTS -------------------------------------------------------------------------------
def _imts_value(counterpart: str) -> float:
    text = (REPLAY / "imf/imts-LAO-2019.xml").read_text(encoding="utf-8")
    match = re.search(rf'COUNTERPART_COUNTRY="{counterpart}"[^>]*><Obs TIME_PERIOD="2019" '
                      r'OBS_VALUE="(\d+)"', text)
    assert match
    return float(match.group(1))


def test_imts_sdmx(replay: Replay, store: Store) -> None:
    reports = update(store, ["imf"], options=opts(years=(2019, 2019), imts_reporters=("LAO",)))
    assert [(r.release, r.status) for r in reports[0].releases] == [("imts-2019", "ingested")]
    [request] = replay.log
    assert request["url"] == IMTS + "?startPeriod=2019&endPeriod=2019"
    assert "structurespecificdata" in request["headers"]["Accept"]
    tha = value(store, "SELECT value_usd FROM trade_dyadic WHERE source = 'dots' AND "
                "release = 'imts-2019' AND exporter = 'LAO' AND importer = 'THA'")
    assert tha == _imts_value("THA") == 2406848899
    world = value(store, "SELECT exports_usd FROM trade_national WHERE release = 'imts-2019' "
                  "AND iso3 = 'LAO' AND year = 2019")
    assert world == _imts_value("G001") == 5809346166
    # a partner listed without an observation (Bangladesh) is missing, not zero
    assert store.execute("SELECT count(*) FROM trade_dyadic WHERE release = 'imts-2019' AND "
                         "importer = 'BGD'").iloc[0, 0] == 0


# -- World Bank -----------------------------------------------------------------------------
def test_world_bank_population(replay: Replay, store: Store) -> None:
    options = opts(years=(2022, 2023), wdi_countries=("USA", "JPN"),
                   wdi_indicators=("SP.POP.TOTL",), wdi_per_page=1000)
    reports = update(store, ["worldbank"], options=options)
    assert [(r.release, r.status) for r in reports[0].releases] == [("api-2023", "ingested")]
    [request] = replay.log  # exactly the recorded request
    assert request["url"] == WB + "?format=json&date=2022:2023&per_page=1000"
    rows = json.loads((REPLAY / "worldbank/SP.POP.TOTL-USA-JPN-2022-2023.json").read_text())[1]
    want = {(r["countryiso3code"], int(r["date"])): r["value"] for r in rows}
    got = store.execute("SELECT iso3, year, population, gdp_usd FROM macro WHERE source = 'wdi' "
                        "AND release = 'api-2023'")
    assert {(i, y): p for i, y, p, _ in got.itertuples(index=False)} == want
    assert want[("JPN", 2023)] == 124516650 and got["gdp_usd"].isna().all()
    # nothing new: the World Bank is asked again, and the same answer ingests nothing
    again = update(store, ["wdi"], options=options)
    assert [(r.release, r.status) for r in again[0].releases] == [("api-2023", "unchanged")]
    assert replay.hits(WB) == 2


def test_malformed_answer_names_the_publisher(replay: Replay, store: Store) -> None:
    replay.bodies[WB] = b"<html><body>Service temporarily unavailable</body></html>"
    options = opts(years=(2022, 2023), wdi_countries=("USA", "JPN"),
                   wdi_indicators=("SP.POP.TOTL",), wdi_per_page=1000)
    with pytest.raises(SourceFormatError) as info:
        update(store, ["wdi"], options=options)
    message = str(info.value)
    assert message.startswith("World Bank API response ") and "not the API's JSON" in message
    assert "Fix: rerun `amity update wdi`" in message and "\n" not in message
    assert store.releases("wdi") == []


# -- SIPRI ------------------------------------------------------------------------------------
def _sipri_sum(supplier: str, recipient: str, year: int) -> float:
    doc = json.loads((REPLAY / "sipri/trade-register-csv-2000-2001.json").read_text())
    text = base64.b64decode(doc["bytes"]).decode("ascii")
    body = text[text.index("SIPRI AT Database ID,"):]
    return sum(float(r["TIV delivery values"]) for r in csv.DictReader(io.StringIO(body))
               if (r["Supplier"], r["Recipient"], r["Delivery year"]) ==
               (supplier, recipient, str(year)))


def test_sipri_register_and_nothing_new(replay: Replay, store: Store) -> None:
    reports = update(store, ["sipri"], options=opts(years=(2000, 2001)))
    assert [(r.release, r.status) for r in reports[0].releases] == [("atdb-2000-2001",
                                                                      "ingested")]
    [request] = replay.log
    body = json.loads(request["body"])  # the filters of the recorded request
    assert request["method"] == "POST" and body["logic"] == "AND"
    assert [(f["field"], f["value1"], f["value2"]) for f in body["filters"]] == [
        ("Delivery year", 2000, 2001), ("Order year", 0, 2001), ("opendeals", "", ""),
        ("exportOption", "", "")]
    for supplier, recipient, iso in (("Russia", "Algeria", ("RUS", "DZA")),
                                     ("Ukraine", "Algeria", ("UKR", "DZA"))):
        for year in (2000, 2001):
            got = value(store, "SELECT tiv FROM arms_transfers WHERE source = 'sipri' AND "
                        "release = 'atdb-2000-2001' AND supplier = ? AND recipient = ? AND "
                        "year = ?", *iso, year)
            assert got == pytest.approx(_sipri_sum(supplier, recipient, year))
    assert _sipri_sum("Russia", "Algeria", 2000) == pytest.approx(5 + 8 + 2.25 + 30 + 2.5 + 10
                                                                  + 49.56 + 136)
    stamp = store.release("sipri", "atdb-2000-2001").ingested_at
    # the same register again (only its "Data generated" stamp would differ): a no-op
    again = update(store, ["sipri"], options=opts(years=(2000, 2001)))
    assert [(r.release, r.status) for r in again[0].releases] == [("atdb-2000-2001",
                                                                    "unchanged")]
    assert store.release("sipri", "atdb-2000-2001").ingested_at == stamp
    assert store.releases("sipri") == ["atdb-2000-2001"]


def test_retries_a_503_then_succeeds(replay: Replay, store: Store) -> None:
    replay.first[SIPRI] = [503, 503]
    report = update(store, ["sipri"], options=opts(years=(2000, 2001)))[0]
    assert replay.hits(SIPRI) == 3 and report.requests == 3
    assert [r.status for r in report.releases] == ["ingested"]


def test_backoff_doubles_and_retry_after_is_obeyed(replay: Replay, tmp_path: Path) -> None:
    waits: list[float] = []
    client = ApiClient("SIPRI", min_interval=0, backoff=1.0, sleep=waits.append)
    url = "https://atbackend.sipri.org/api/p/trades/trade-register-csv/"
    replay.first[SIPRI] = [503, 502, 429]  # 429 carries Retry-After: 0
    client.fetch(url, tmp_path / "answer.json", data=b"{}")
    assert waits == [1.0, 2.0, 0.0] and client.requests == 4
    assert (tmp_path / "answer.json").read_bytes() == replay.bodies[SIPRI]


def test_a_timeout_is_retried(replay: Replay, store: Store) -> None:
    replay.stall[SIPRI] = [2.0]  # the first answer comes too late
    report = update(store, ["sipri"], options=opts(years=(2000, 2001), timeout=0.5))[0]
    assert replay.hits(SIPRI) == 2 and report.requests == 2
    assert [r.status for r in report.releases] == ["ingested"]


def test_gives_up_after_the_retries_with_one_line(replay: Replay, store: Store) -> None:
    replay.first[SIPRI] = [503] * 5
    with pytest.raises(FetchError, match=r"^SIPRI: .* answered HTTP 503 .* after 3 attempts\. "
                                         r"Fix: the publisher's server is busy"):
        update(store, ["sipri"], options=opts(years=(2000, 2001), retries=2))
    assert store.releases("sipri") == [] and replay.hits(SIPRI) == 3


def test_a_failed_connector_keeps_the_ones_before_it(replay: Replay, store: Store) -> None:
    replay.first[IMTS] = [500] * 3
    options = opts(years=(2000, 2001), imts_reporters=("LAO",), retries=1)
    with pytest.raises(FetchError, match=r"^IMF: "):
        update(store, ["sipri", "imf"], options=options)
    assert store.releases("sipri") == ["atdb-2000-2001"] and store.releases("dots") == []
    assert not (cache_dir() / "dots").exists() or not any((cache_dir() / "dots").rglob("*.xml"))
    again = update(store, ["sipri"], options=options)
    assert again[0].releases[0].status == "unchanged"
    done = update(store, ["imf"], options=opts(years=(2019, 2019), imts_reporters=("LAO",)))
    assert done[0].releases[0].status == "ingested" and store.releases("dots") == ["imts-2019"]


def test_an_answer_for_other_years_is_refused(replay: Replay, store: Store) -> None:
    # the server answers the 2000-2001 register whatever is asked: amity notices
    with pytest.raises(SourceFormatError, match=r"^SIPRI trade-register response .* holds the "
                                                r"delivery years \(2000, 2001\), not the "
                                                r"2019-2019 asked for"):
        update(store, ["sipri"], options=opts(years=(2019, 2019)))
    assert store.releases("sipri") == []


# -- offline and the command line ---------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _amity(args: list[str], home: Path, base: str,
           **popen: object) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "COMTRADE_API_KEY"}
    env.update(AMITY_HOME=str(home), AMITY_BASE_URL=base)
    return subprocess.Popen([sys.executable, "-c", "from amity.cli import main; main()",
                             *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **popen)  # type: ignore[call-overload]


@pytest.mark.parametrize(("args", "publisher"), [(["update", "sipri"], "SIPRI"),
                                                 (["update"], "UN Comtrade")])
def test_offline_exits_1_with_one_line(tmp_path: Path, args: list[str], publisher: str) -> None:
    done = _amity(args, tmp_path / "home", f"http://127.0.0.1:{_closed_port()}")
    stdout, stderr = done.communicate(timeout=120)
    assert done.returncode == 1, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"amity: error: {publisher}: cannot reach 127.0.0.1:")
    assert "Fix: check the internet connection" in lines[0] and "Traceback" not in stderr


def test_list_shows_the_connectors() -> None:
    from typer.testing import CliRunner

    from amity.cli import app

    result = CliRunner().invoke(app, ["update", "--list"])
    assert result.exit_code == 0
    for name in ("comtrade_totals", "dots", "wdi", "sipri", "gdelt"):
        assert name in result.output
    assert resolve(None) == ["comtrade_totals", "dots", "wdi", "sipri", "gdelt"]


@pytest.mark.slow
def test_killed_mid_download_leaves_nothing_and_the_rerun_finishes(
        replay: Replay, tmp_path: Path) -> None:
    home = tmp_path / "home"
    replay.slow[SIPRI] = 30.0  # half the body, then a long pause: kill the client then
    proc = _amity(["update", "sipri", "--years", "2000-2001"], home, replay.url,
                  start_new_session=True)
    deadline = time.monotonic() + 60
    while replay.hits(SIPRI) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    folder = home / "cache" / "sipri" / "atdb-2000-2001"
    assert not (folder / "trade-register-2000-2001.json").exists()  # nothing half-written
    del replay.slow[SIPRI]
    rerun = _amity(["update", "sipri", "--years", "2000-2001"], home, replay.url)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    assert "atdb-2000-2001 ingested" in stderr
    assert [p.name for p in folder.iterdir()] == ["trade-register-2000-2001.json"]
    with Store(home / "amity.duckdb", read_only=True) as store:
        assert store.releases("sipri") == ["atdb-2000-2001"]


def test_gdelt_has_nothing_to_continue_from(store: Store) -> None:
    report = update_gdelt(store, opts())
    assert [(r.release, r.status) for r in report.releases] == [("v2", "skipped")]
    assert "amity fetch gdelt" in report.notes[0]


@pytest.mark.mirror
def test_gdelt_continues_from_the_last_file(gdelt_server: tuple[object, Path],
                                            store: Store) -> None:
    from amity.ingest.gdelt import fetch_gdelt

    server, _ = gdelt_server
    fetch_gdelt(store, "2016-10-13", "2018-01-01", progress=False)
    assert len(store.ingested_files("gdelt", "v2")) == 2
    report = update(store, ["gdelt"], options=opts(today=date(2019, 10, 25)))[0]
    assert [(r.release, r.status) for r in report.releases] == [("v2", "ingested")]
    files = sorted(store.ingested_files("gdelt", "v2")["file_key"])
    assert files == [f"{stamp}.export.CSV.zip" for stamp in V2]
    # each file was downloaded once: the update asked only for the two new ones
    assert set(server.requested().values()) == {1}  # type: ignore[attr-defined]
    again = update(store, ["gdelt"], options=opts(today=date(2019, 10, 25)))[0]
    assert again.releases[0].status == "unchanged"
