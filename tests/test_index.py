"""The relationship index: hand-computed percentiles, scores, trends; both engines agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ibis

from amity.index import dynamics, dynamics_frame, index_indicators, score, score_frame
from amity.store import Store

# Four directed rows in 2000. un_agreement values 0.5, 0.5, 0.9, 0.9 (n = 4):
#   0.5: below 0, ties 2 -> mid rank 0.5 -> 100 * 0.5 / 3 = 16.67; 0.9: (2 + 0.5) / 3 = 83.33
# un_idealpoint_distance is "lower is closer": 1.0 -> 100 - 16.67, 2.0 -> 100 - 83.33
# alliance_any (military, boolean): True, False, False, False -> True: below 3, ties 1 ->
#   100; False: below 0, ties 3 -> mid 1 -> 33.33
# trade_total_usd only for two rows, tied -> 50 (all tied)
PANEL = pd.DataFrame({
    "a": ["PAK", "RUS", "PAK", "CHN"], "b": ["RUS", "PAK", "CHN", "PAK"], "year": 2000,
    "un_agreement": [0.5, 0.5, 0.9, 0.9], "un_idealpoint_distance": [1.0, 1.0, 2.0, 2.0],
    "alliance_any": [1.0, 0.0, 0.0, 0.0], "trade_total_usd": [np.nan, np.nan, 5.0, 5.0],
})
P = 100 / 3
EXPECTED = {  # (a, b): (political, military, economic, composite, coverage, weakest, strongest)
    ("PAK", "RUS"): ((P / 2 + (100 - P / 2)) / 2, 100.0, None, 75.0, 2, "political", "military"),
    ("RUS", "PAK"): (50.0, P, None, (50 + P) / 2, 2, "military", "political"),
    ("PAK", "CHN"): (50.0, P, 50.0, (100 + P) / 3, 3, "military", "political"),
}


def _check(frame: pd.DataFrame) -> None:
    frame = frame.set_index(["a", "b"])
    assert frame.loc[("PAK", "RUS"), "p_un_agreement"] == pytest.approx(P / 2)
    assert frame.loc[("PAK", "CHN"), "p_un_agreement"] == pytest.approx(2.5 * P)
    assert frame.loc[("PAK", "RUS"), "p_un_idealpoint_distance"] == pytest.approx(100 - P / 2)
    assert frame.loc[("PAK", "RUS"), "p_alliance_any"] == pytest.approx(100.0)
    assert frame.loc[("RUS", "PAK"), "p_alliance_any"] == pytest.approx(P)
    assert pd.isna(frame.loc[("PAK", "RUS"), "p_trade_total_usd"])
    for (a, b), (pol, mil, eco, comp, cov, weak, strong) in EXPECTED.items():
        row = frame.loc[(a, b)]
        assert row.score_political == pytest.approx(pol)
        assert row.score_military == pytest.approx(mil)
        assert (pd.isna(row.score_economic) if eco is None
                else row.score_economic == pytest.approx(eco))
        assert row.composite == pytest.approx(comp) and row.coverage == cov
        assert (row.weakest, row.strongest) == (weak, strong)


def test_score_numpy_hand_computed() -> None:
    _check(score_frame(PANEL, index_indicators(PANEL.columns)))


def test_score_ibis_hand_computed() -> None:
    _check(score(ibis.memtable(PANEL), index_indicators(PANEL.columns)).to_pandas())


# A series 40, 42, 44, 46, 48 (slope 2) then 80 in year 6: prior3 = (44 + 46 + 48) / 3 = 46
# -> a break "up" (80 - 46 >= 15); the trend over 2002..2006 (window 5) is the OLS slope of
# 42, 44, 46, 48, 80 against 2002..2006 = 8.8 (by hand: x̄ = 2004, ȳ = 52,
# Σ(x-x̄)(y-ȳ) = (-2)(-10)+(-1)(-8)+0+(1)(-4)+(2)(28) = 80, Σ(x-x̄)² = 10 -> 8.0)
SERIES = pd.DataFrame({"a": "PAK", "b": "RUS", "year": range(2001, 2007),
                       "composite": [40.0, 42.0, 44.0, 46.0, 48.0, 80.0]})


@pytest.mark.parametrize("engine", ["numpy", "ibis"])
def test_trend_and_break_hand_computed(engine: str) -> None:
    if engine == "numpy":
        out = dynamics_frame(SERIES, ["composite"])
    else:
        out = dynamics(ibis.memtable(SERIES), ["composite"]).to_pandas()
    out = out.sort_values("year").set_index("year")
    assert pd.isna(out.loc[2002, "composite_trend"])  # fewer than 3 years
    assert out.loc[2003, "composite_trend"] == pytest.approx(2.0)
    assert out.loc[2005, "composite_trend"] == pytest.approx(2.0)
    assert out.loc[2006, "composite_trend"] == pytest.approx(8.0)
    assert out.loc[2006, "composite_prior3"] == pytest.approx(46.0)
    assert out.loc[2006, "composite_break"] == "up"
    assert pd.isna(out.loc[2003, "composite_prior3"])  # only two previous years
    assert out.loc[2005, "composite_break"] is None or pd.isna(out.loc[2005, "composite_break"])


@pytest.fixture(scope="module")
def indexed_store(real_store: Store) -> Store:
    from amity.panel import is_current

    assert is_current(real_store)  # `setup` built it
    return real_store


@pytest.mark.mirror
def test_real_index_numpy_equals_ibis(indexed_store: Store) -> None:
    panel = indexed_store.ibis.table("panel")
    panel = panel.filter(panel.year.between(2005, 2012))
    names = index_indicators(panel.columns)
    fast = score_frame(panel.to_pandas(), names).sort_values(["a", "b", "year"],
                                                             ignore_index=True)
    slow = score(panel, names).to_pandas().sort_values(["a", "b", "year"], ignore_index=True)
    assert len(fast) == len(slow) > 100_000
    for col in fast.columns:
        if not pd.api.types.is_numeric_dtype(fast[col]):
            assert (fast[col].astype(str) == slow[col].astype(str)).all(), col
        else:
            np.testing.assert_allclose(fast[col].astype(float), slow[col].astype(float),
                                       rtol=1e-9, atol=1e-9, err_msg=col)


@pytest.mark.mirror
def test_real_rank_matches_pandas_ranking(indexed_store: Store) -> None:
    """PAK's political ranking in 2010, recomputed from the panel with pandas' rank."""
    from amity.ranking import rank_partners

    panel = indexed_store.ibis.table("panel")
    year = panel.filter(panel.year == 2010).to_pandas()
    pct = {}
    for col, lower in (("un_agreement", False), ("un_kappa", False),
                       ("un_idealpoint_distance", True)):
        v = year[col]
        r = v.rank(method="average")  # 1-based average ranks among non-NaN values
        p = 100 * (r - 1) / (v.notna().sum() - 1)
        pct[col] = 100 - p if lower else p
    political = pd.DataFrame(pct).mean(axis=1, skipna=True)
    mine = year.assign(political=political)[year.a == "PAK"].dropna(subset=["political"])
    expected = mine.sort_values(["political", "b"], ascending=[False, True]).head(15)
    ranked = rank_partners(indexed_store, "PAK", year=2010, dimension="political", top=15)
    assert ranked["partner"].tolist() == expected["b"].tolist()
    np.testing.assert_allclose(ranked["score"], expected["political"], rtol=1e-9)
