"""Several clients read while an amity process writes the same store: no request fails,
and none sees a half-written release (once a client sees the new release, it never sees
the old one again). Runs after the other web tests: the write changes the store's
version, so every cached answer is computed afresh afterwards.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from amity.store import Store

pytestmark = pytest.mark.mirror


def test_reading_while_a_writer_publishes(server: str, web_store: Path) -> None:
    import httpx

    from amity.sources import amity_regions

    stop = threading.Event()
    problems: list[Any] = []
    seen: list[bool] = []

    def client(url: str) -> None:
        with httpx.Client(base_url=server, timeout=120) as c:
            while not stop.is_set():
                r = c.get(url)
                if r.status_code != 200:
                    problems.append((url, r.status_code, r.text[:300]))
                elif url == "/api/sources":
                    seen.append(next(x["ingested"] for x in r.json()
                                     if x["source"] == "amity_regions"))

    urls = ["/api/sources", "/api/sources", "/api/timeline?a=PAK&b=RUS",
            "/api/rank?country=PAK&year=2015&top=5", "/api/countries?q=pak"]
    threads = [threading.Thread(target=client, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    time.sleep(0.5)
    with Store(web_store) as store:  # a writer: works on a copy, publishes on close
        ds = amity_regions.DATASETS[0]
        store.ingest(ds, ds.parse({}, "error"), hashes={})
    deadline = time.monotonic() + 20
    while (not seen or not seen[-1]) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join(60)
    assert problems == []
    assert seen and seen[0] is False and seen[-1] is True
    assert seen == sorted(seen)  # never back to the old release
