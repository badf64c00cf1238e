"""One store for the indicator tests, on every backend (as ibis's ``backend`` fixture).

``fixture_store`` is a DuckDB store holding the hand-typed fixtures of every source that
feeds an indicator family. ``backend`` is that store on each engine amity runs the
indicator code on: DuckDB itself, and PySpark (local mode) over its Parquet copy
(``Store.to_parquet``, what ``amity setup --parquet`` writes). A test that takes
``backend`` runs once per engine.

A test that an engine truly cannot pass says so with
``@pytest.mark.notimpl(["pyspark"], reason=...)``: it still runs there, as a strict
expected failure, so a fix shows up as an unexpected pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from amity.ingest.gdelt import ingest_event_files
from amity.sources import get_dataset
from amity.store import Store
from tests import _fixtures
from tests._fixtures import V2A, V2B, zipped
from tests.index.test_index import PANEL, SERIES

BACKENDS = ("duckdb", "pyspark")

#: Releases whose fixtures the store holds (with cow_states: the state system).
RELEASES = ("cow_states/2016", "unvotes/unvotes-0.3.0", "unvotes/voeten-2017",
            "un_idealpoints/2025-07", "cow_trade/4.0", "comtrade_totals/plus-2023",
            "dots/txg-fob-2019-2020",
            "comtrade/top30-2019-2020", "ots/api-v1-2020", "wits/trade-summary-2019",
            "cow_igo/3.0", "amity_regions/1", "atop/5.1", "sipri/trademap-2022", "sipri/processed",
            "openflights/2014-06", "migration/2019-clean", "migration/2015",
            "migration/2020-totals", "students/oecd-2013-2019",
            "icews/2018-sample", "gml_mid/2.2.1", "cow_mid/5.0", "ucdp/acd-25.1",
            "cow_war/4.0", "rivalries/tss-2021")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # py4j leaves its loopback sockets to the garbage collector
    for item in items:
        if "backend" in getattr(item, "fixturenames", ()) or "spark_store" in getattr(
                item, "fixturenames", ()):
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))
            item.add_marker(pytest.mark.filterwarnings(
                "ignore::pytest.PytestUnraisableExceptionWarning"))


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A DuckDB store with every indicator source's hand-typed fixtures."""
    tmp = tmp_path_factory.mktemp("fixture_store")
    store = Store(tmp / "s.duckdb")
    for key in RELEASES:
        source, release = key.split("/")
        _fixtures.ingest(store, get_dataset(source, release), tmp)
    ingest_event_files(store, [zipped(V2A, tmp), zipped(V2B, tmp)])  # gdelt/v2
    store.write_frame("panel_fixture", PANEL)  # for the index on every backend
    store.write_frame("series_fixture", SERIES)
    yield store
    store.close()


@pytest.fixture(scope="session")
def spark_store(fixture_store: Store, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Store]:
    """The fixture store on PySpark, over its Parquet copy."""
    pytest.importorskip("pyspark", reason="PySpark is in the test extra; `make test` "
                        "installs it")
    folder: Path = tmp_path_factory.mktemp("fixture_parquet")
    fixture_store.to_parquet(folder)
    store = Store.on_spark(folder)
    assert store.ibis.name == "pyspark"
    yield store
    store.ibis.disconnect()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, fixture_store: Store) -> Store:
    """The fixture store on each backend (tests taking it run once per backend)."""
    marker = request.node.get_closest_marker("notimpl")
    if marker is not None and request.param in marker.args[0]:
        request.applymarker(pytest.mark.xfail(reason=marker.kwargs.get("reason", ""),
                                              strict=True))
    if request.param == "duckdb":
        return fixture_store
    return request.getfixturevalue("spark_store")
