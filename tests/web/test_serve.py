"""``amity serve`` as a user runs it: prints its address, answers, refuses a missing store
with one line."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.web.conftest import free_port

pytestmark = pytest.mark.mirror
AMITY = [sys.executable, "-c", "from amity.cli import main; main()"]


def test_serve_prints_its_address_and_answers(web_store: Path) -> None:
    pytest.importorskip("uvicorn")
    port = free_port()
    start = time.monotonic()
    proc = subprocess.Popen([*AMITY, "serve", "--port", str(port), "--store", str(web_store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line and "read-only" in line, line
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200 and b"amity" in r.read()
                    break
            except OSError:
                assert time.monotonic() < deadline, "amity serve did not answer"
                time.sleep(0.05)
        took = time.monotonic() - start
        assert took < 15  # about 1 s on a quiet machine (docs/dashboard.md)
    finally:
        proc.terminate()
        proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_serve_without_a_store_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run([*AMITY, "serve", "--store", str(tmp_path / "none.duckdb")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 3
    assert done.stderr.startswith("amity: error: no amity store at")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
