"""The dashboard's parts without a server: the reader's cache, chart specs, escaping
helpers and parameter checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the dashboard needs the web extra")

from amity._exceptions import InputError  # noqa: E402
from amity.web import _charts, _data, _params  # noqa: E402
from amity.web._errors import StoreBusy  # noqa: E402
from amity.web._reader import Reader  # noqa: E402
from amity.web._render import safe_url  # noqa: E402


class FakeReader(Reader):
    """A reader whose store is a token; ``busy`` makes opening it fail like a lock."""

    busy = False

    @contextmanager
    def store(self) -> Iterator[Any]:
        if self.busy:
            raise StoreBusy("the store is being written by another amity process")
        self.opened += 1
        yield "store"


def test_reader_computes_once_per_version(tmp_path: Path) -> None:
    path = tmp_path / "amity.duckdb"
    path.write_bytes(b"v1")
    reader = FakeReader(path)
    calls: list[int] = []

    def compute(store: Any) -> int:
        calls.append(1)
        time.sleep(0.05)
        return len(calls)

    threads = [threading.Thread(target=reader.get, args=("k", compute)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and reader.get("k", compute).value == 1  # 8 clients, 1 computation
    path.write_bytes(b"version 2")  # a finished `amity setup`: another size and mtime
    assert reader.get("k", compute).value == 2


def test_reader_answers_stale_while_busy(tmp_path: Path) -> None:
    path = tmp_path / "amity.duckdb"
    path.write_bytes(b"v1")
    reader = FakeReader(path)
    assert reader.get("k", lambda s: "old").stale is False
    path.write_bytes(b"version 2")
    reader.busy = True
    found = reader.get("k", lambda s: "new")
    assert (found.value, found.stale) == ("old", True)
    with pytest.raises(StoreBusy):
        reader.get("other", lambda s: "x")


def test_charts_keep_missing_years_missing() -> None:
    rows = [{"year": 2000, "value": 5.0, "source": "cow_trade", "release": "4.0", "note": None},
            {"year": 2001, "value": None, "source": "cow_trade", "release": "4.0",
             "note": "no record"},
            {"year": 2002, "value": 7.0, "source": "cow_trade", "release": "4.0", "note": None},
            {"year": 2003, "value": None, "source": None, "release": None, "note": "outside"}]
    spec = _charts.indicator_chart(rows, "trade_total_usd", "current US$", "PAK-RUS")
    values = spec["data"]["values"]
    assert [v["value"] for v in values] == [5.0, None, 7.0]  # null, never 0
    assert spec["mark"]["invalid"] == "break-paths-show-domains"
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"year", "value", "source",
                                                                  "release"}
    assert spec["title"]["subtitle"] == "Source: cow_trade/4.0" and spec["description"]


def test_highlight_pieces_rebuild_the_text() -> None:
    from types import SimpleNamespace as NS

    text = "Pakistan and Russia <b>both</b> joined the SCO in 2017. Trade was $5 billion."
    claims = [NS(claim=NS(id="c1", start=0, end=52), verdict="supported"),
              NS(claim=NS(id="c2", start=40, end=77), verdict="contradicted")]
    pieces = _data.highlight(NS(text=text, results=claims))
    assert "".join(p["text"] for p in pieces) == text
    assert len(text) == 77 and [p["claim"] for p in pieces] == ["c1", "c1", "c2"]
    assert pieces[1]["text"] == text[40:52]  # the overlap goes to the first claim
    assert "<b>both</b>" in pieces[0]["text"]  # raw here: the template escapes it


def test_safe_url_and_params() -> None:
    assert safe_url("javascript:alert(1)") is None and safe_url("//evil.example") is None
    assert _params.pair("770", "Russian Federation").slug == "PAK-RUS"
    for bad in ("PAK'--", "<b>", "P" * 81, ""):
        with pytest.raises(InputError):
            _params.country(bad)
    with pytest.raises(InputError, match="first year is after the last"):
        _params.years("2014-1990")
    assert _params.source("cow_trade/4.0") == "cow_trade/4.0"
    with pytest.raises(InputError):
        _params.source("cow_trade;drop")
