"""The download path, for real, against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from amity._exceptions import FetchError, HashMismatchError
from amity.fetch import RemoteFile, cache_dir, file_hash, locate
from amity.ingest import setup
from amity.sources import get_dataset
from amity.store import Store


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Serve tmp_path/srv as <host>/<path>, the publishers' URL layout; AMITY_BASE_URL points
    at it."""
    root = tmp_path / "srv"
    root.mkdir()
    handler = functools.partial(_Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AMITY_BASE_URL", f"http://127.0.0.1:{httpd.server_address[1]}")
    yield root
    httpd.shutdown()
    httpd.server_close()


def _publish(root: Path, file: RemoteFile, content: Path) -> Path:
    assert file.url is not None
    parts = urlsplit(file.url)
    dest = root / parts.netloc / parts.path.lstrip("/")
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(content, dest)
    return dest


@pytest.mark.mirror
def test_download_verifies_and_caches(server: Path, mirror: Path) -> None:
    file = get_dataset("cow_states").files[0]
    _publish(server, file, mirror / file.path)
    path = locate(file)
    assert path == cache_dir() / file.path
    assert file_hash(path) == file_hash(mirror / file.path) == file.sha256
    shutil.rmtree(server)  # the cache is used from now on, no server needed
    assert locate(file) == path


@pytest.mark.mirror
def test_hash_mismatch_deletes_the_download(server: Path, mirror: Path) -> None:
    file = get_dataset("cow_states").files[0]
    served = _publish(server, file, mirror / file.path)
    served.write_bytes(served.read_bytes()[:-100])  # truncated on the server
    with pytest.raises(HashMismatchError, match="sha256 is .*expected .*deleted"):
        locate(file)
    folder = cache_dir() / "cow"
    assert not folder.exists() or list(folder.iterdir()) == []  # no file, no .part left


def test_missing_url_and_server_errors(server: Path) -> None:
    with pytest.raises(FetchError, match="no public download"):
        locate(RemoteFile("unvotes/un_votes.csv.gz", None, None))
    with pytest.raises(FetchError, match="could not download"):
        locate(RemoteFile("x/none.csv", None, "https://example.org/none.csv"))  # 404 locally


def test_mirror_missing_file_and_bad_mirror(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="missing from the mirror"):
        locate(RemoteFile("x/none.csv", None), mirror=tmp_path)
    with pytest.raises(FetchError, match="does not exist"):
        locate(RemoteFile("x/none.csv", None), mirror=tmp_path / "nowhere")


@pytest.mark.mirror
def test_setup_downloads_then_is_a_noop(server: Path, mirror: Path, tmp_path: Path) -> None:
    """`setup` without a mirror: sources with a public URL download and ingest; the rest
    are reported as unavailable, not as failures."""
    for name in ("cow_states", "un_idealpoints"):
        for f in get_dataset(name).files:
            _publish(server, f, mirror / f.path)
    store = Store(tmp_path / "s.duckdb")
    events = setup(store, sources=["amity_countries", "cow_states", "un_idealpoints", "cow_trade"])
    status = {e.dataset.key: e.status for e in events}
    assert status == {"amity_countries/1": "ingested", "cow_states/2016": "ingested",
                      "un_idealpoints/2025-07": "ingested", "cow_trade/4.0": "missing"}
    assert store.table("states").count().to_pyarrow().as_py() == 243
    again = setup(store, sources=["amity_countries", "cow_states", "un_idealpoints"])
    assert {e.status for e in again} == {"unchanged"}
