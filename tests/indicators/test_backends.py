"""The same indicator and index code on PySpark (local mode) gives DuckDB's numbers."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from amity.index import dynamics, index_indicators, score
from amity.indicators import economic, multilateral, political
from amity.ingest import ingest_files
from amity.store import Store
from tests.conftest import DATA, gz
from tests.index.test_index import PANEL, SERIES

pytest.importorskip("pyspark", reason="PySpark is in the test extra; `make test` installs it")
# py4j leaves its loopback sockets to the garbage collector
pytestmark = [pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store]]:
    tmp = tmp_path_factory.mktemp("spark")
    duck = Store(tmp / "s.duckdb")
    ingest_files(duck, "unvotes", [gz(DATA / "unvotes" / "UNVotesPublished.csv", tmp)])
    ingest_files(duck, "cow_trade", [gz(DATA / "cow" / n, tmp)
                                     for n in ("cow_trade_ddy.csv", "National_COW_4.0.csv")])
    ingest_files(duck, "cow_igo", [gz(DATA / "cow" / "state_year_format3.csv", tmp)])
    duck.ibis.create_table("panel_fixture", PANEL)
    duck.ibis.create_table("series_fixture", SERIES)
    duck.to_parquet(tmp / "parquet")
    spark = Store.on_spark(tmp / "parquet")
    assert spark.ibis.name == "pyspark"
    yield duck, spark
    duck.close()
    spark.ibis.disconnect()


def _same(x: pd.DataFrame, y: pd.DataFrame, keys: list[str]) -> None:
    x = x.sort_values(keys, ignore_index=True)
    y = y.sort_values(keys, ignore_index=True)[list(x.columns)]
    assert len(x) == len(y) > 0
    for col in x.columns:
        if x[col].dtype == object or y[col].dtype == object:
            assert (x[col].astype(str) == y[col].astype(str)).all(), col
        else:
            np.testing.assert_allclose(x[col].astype(float), y[col].astype(float),
                                       rtol=1e-12, atol=1e-12, err_msg=col)


def test_un_votes_on_spark(stores: tuple[Store, Store]) -> None:
    duck, spark = stores
    fast = political.un_votes_dyadic(duck, method="matrix")
    on_duck = political.un_votes_dyadic(duck, method="ibis")
    on_spark = political.un_votes_dyadic(spark)  # auto: the portable Ibis path
    _same(fast, on_spark, ["a", "b", "year"])
    _same(on_duck, on_spark, ["a", "b", "year"])


def test_trade_and_igos_on_spark(stores: tuple[Store, Store]) -> None:
    duck, spark = stores
    _same(economic.trade_dyadic(duck), economic.trade_dyadic(spark), ["a", "b", "year"])
    _same(multilateral.shared_igos(duck, method="matrix"), multilateral.shared_igos(spark),
          ["a", "b", "year"])
    _same(multilateral.shared_igos(duck, with_list=True),
          multilateral.shared_igos(spark, with_list=True), ["a", "b", "year"])


def test_index_on_spark(stores: tuple[Store, Store]) -> None:
    duck, spark = stores
    names = index_indicators(PANEL.columns)
    on_duck = score(duck.ibis.table("panel_fixture"), names).to_pandas()
    on_spark = score(spark.ibis.table("panel_fixture"), names).to_pandas()
    _same(on_duck, on_spark, ["a", "b", "year"])
    d = dynamics(duck.ibis.table("series_fixture"), ["composite"]).to_pandas()
    s = dynamics(spark.ibis.table("series_fixture"), ["composite"]).to_pandas()
    _same(d, s, ["a", "b", "year"])
