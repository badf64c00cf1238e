"""Every indicator family, and the index, gives the same numbers on PySpark as on DuckDB.

The families run on the fixture store (``conftest.py``) on both engines: DuckDB with its
fast paths where it has them (the matrix products of UN votes and IGOs), PySpark with the
portable Ibis expressions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from amity.index import dynamics, index_indicators, score
from amity.indicators import FAMILIES, Family
from amity.store import Store
from tests.index.test_index import PANEL


def same(x: pd.DataFrame, y: pd.DataFrame, keys: list[str]) -> None:
    """Equal frames up to row order (numbers to 1e-12)."""
    x = x.sort_values(keys, ignore_index=True)
    y = y.sort_values(keys, ignore_index=True)[list(x.columns)]
    assert len(x) == len(y)
    for col in x.columns:
        if x[col].dtype == object or y[col].dtype == object:
            assert (x[col].astype(str) == y[col].astype(str)).all(), col
        else:
            np.testing.assert_allclose(x[col].astype(float), y[col].astype(float),
                                       rtol=1e-12, atol=1e-12, err_msg=col)


def _id(family: Family) -> str:
    return f"{family.source}:{family.indicators[0]}"


def test_every_family_has_fixtures(fixture_store: Store) -> None:
    assert {f.source for f in FAMILIES} <= {*fixture_store.datasets()["source"], "gdelt"}


@pytest.mark.parametrize("family", FAMILIES, ids=_id)
def test_family_on_pyspark_equals_duckdb(family: Family, fixture_store: Store,
                                         spark_store: Store) -> None:
    rows = 0
    for release in fixture_store.releases(family.source):
        on_duck = family.compute(fixture_store, release, None, None)
        on_spark = family.compute(spark_store, release, None, None)
        same(on_duck, on_spark, ["a", "b", "year"])
        for side in (on_duck, on_spark):
            assert side.attrs["release"] == release
        rows += len(on_duck)
    assert rows > 0  # the fixtures feed the family (an empty release alone proves nothing)


@pytest.mark.parametrize("family", [f for f in FAMILIES if f.source in ("unvotes", "cow_igo")],
                         ids=_id)
def test_family_on_a_few_countries(family: Family, backend: Store) -> None:
    """The per-pair path (what a profile runs) equals the whole-table path."""
    release = backend.releases(family.source)[0]
    keep = ["PAK", "RUS", "USA"]
    whole = family.compute(backend, release, None, None)
    whole = whole[whole["a"].isin(keep) & whole["b"].isin(keep)]
    few = family.compute(backend, release, keep, None)
    cols = [c for c in few.columns if c in whole.columns]
    same(whole[cols], few[cols], ["a", "b", "year"])


def test_index_on_both(backend: Store, fixture_store: Store) -> None:
    """The portable index queries on each backend equal the SQL fast path on DuckDB."""
    from amity.index import index_sql

    names = index_indicators(PANEL.columns)
    fast = fixture_store.execute(index_sql("panel_fixture", list(PANEL.columns), names))
    got = score(backend.ibis.table("panel_fixture"), names).to_pandas()
    same(fast[list(got.columns)], got, ["a", "b", "year"])
    want = dynamics(fixture_store.ibis.table("series_fixture"), ["composite"]).to_pandas()
    got = dynamics(backend.ibis.table("series_fixture"), ["composite"]).to_pandas()
    same(want, got, ["a", "b", "year"])
