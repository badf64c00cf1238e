"""Shared fixtures: the real mirror, a store ingested from it once per session, and
helpers to turn the hand-written fixtures in tests/data into publisher-named files."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from amity.store import Store

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "data"
DATA = Path(__file__).resolve().parent / "data"
CORE_SOURCES = ["amity_countries", "cow_states", "cow_igo", "unvotes", "un_idealpoints",
                "undl", "cow_trade", "comtrade_totals", "gml_mid", "cow_mid", "ucdp", "cow_war",
                "rivalries", "sipri", "timeline"]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the user's store, cache or mirror setting."""
    monkeypatch.setenv("AMITY_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AMITY_MIRROR", raising=False)
    monkeypatch.delenv("AMITY_BASE_URL", raising=False)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The real data mirror at ../shared/data (skips the test when it is absent)."""
    if not MIRROR.is_dir():
        pytest.skip(f"the data mirror is not at {MIRROR}")
    return MIRROR


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Iterator[Store]:
    """A store with the core sources ingested from the real mirror (once per session): the
    country crosswalk and state system, UN votes, trade totals, IGOs, conflict, arms and
    the timeline."""
    from amity.index.refresh import setup

    path = tmp_path_factory.mktemp("real") / "amity.duckdb"
    store = Store(path)
    setup(store, mirror=mirror, sources=CORE_SOURCES)
    yield store
    store.close()


def gz(src: Path, dest_dir: Path, name: str | None = None) -> Path:
    """Gzip a fixture into ``dest_dir`` under its publisher's name (``name`` or src + .gz)."""
    dest = dest_dir / (name or src.name + ".gz")
    with open(src, "rb") as fin, gzip.open(dest, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    return dest


@pytest.fixture(scope="session")
def real_home(tmp_path_factory: pytest.TempPathFactory, real_store: Store) -> Path:
    """An AMITY_HOME holding a copy of :func:`real_store`'s file (for CLI subprocesses)."""
    home = tmp_path_factory.mktemp("realhome")
    real_store.checkpoint()
    shutil.copyfile(real_store.path, home / "amity.duckdb")
    return home
