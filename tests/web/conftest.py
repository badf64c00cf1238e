"""The dashboard under test: one store, one app, one uvicorn server and one browser for the
whole session.

The store is a copy of the session's real store (tests/conftest.py) with the OTS product
trade of Pakistan, Russia and India added (the opportunities pages). The server runs in a
thread on a free port on 127.0.0.1; API tests speak HTTP to it, browser tests drive
Debian's chromium through Playwright (never a downloaded browser). Screenshots go to
``out/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from amity.store import Store

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "out" / "screenshots"
ARTICLE = REPO.parent / "shared" / "examples" / "pakistan-russia-strategic-imperatives.txt"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory, real_store: Store,
              mirror: Path) -> Path:
    """A store file: the real store's copy plus OTS for PAK, RUS and IND."""
    from amity.sources import ots

    path = tmp_path_factory.mktemp("web") / "amity.duckdb"
    publish = getattr(real_store, "publish", None)  # a writer's changes, to the file
    if callable(publish):
        publish()
    real_store.checkpoint()
    shutil.copyfile(real_store.path, path)
    keep = {"pak", "rus", "ind"}
    ds = ots.DATASETS[0]
    files = {f.name: mirror / f.path for f in ds.files
             if "/country/" not in f.path or f.name.split(".")[0] in keep}
    with Store(path) as store:
        store.ingest(ds, ds.parse(files, "error"), hashes={})
        store.checkpoint()
    return path


@pytest.fixture(scope="session")
def web_app(web_store: Path) -> Any:
    pytest.importorskip("fastapi", reason="the dashboard needs the web extra (make test "
                        "installs it)")
    from amity.web import create_app

    return create_app(web_store)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(web_app: Any) -> Iterator[str]:
    """The app served by uvicorn in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", ws="none", server_header=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, name="amity-serve-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def http(server: str) -> Iterator[Any]:
    """An HTTP client on the server (generous timeout: first answers compute)."""
    import httpx

    with httpx.Client(base_url=server, timeout=120) as client:
        yield client


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (skips without them)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium: .ci/run installs Debian's package")
    pw = sync_api.sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                               args=["--no-sandbox", "--disable-gpu",
                                     "--disable-dev-shm-usage"])
    except Exception as exc:  # noqa: BLE001 - a browser that does not start: say why
        pw.stop()
        pytest.skip(f"chromium does not start under Playwright: {str(exc).splitlines()[0]}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def shots() -> Path:
    """The screenshot folder (out/screenshots, git-ignored), emptied once per session."""
    if SHOTS.exists():
        for old in SHOTS.glob("*.png"):
            old.unlink()
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture(scope="session")
def article() -> str:
    """The flagship article, read from the mirror's examples folder at test time."""
    if not ARTICLE.is_file():
        pytest.skip(f"the flagship article is not at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")
