"""The relationship index: hand-computed percentiles, scores, trends; both paths agree."""

from __future__ import annotations

from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

from amity.index import (
    build_index,
    dynamics,
    index_indicators,
    index_series,
    index_sql,
    score,
)
from amity.store import Store

METHODS = ["sql", "ibis"]

# Four directed rows in 2000. un_agreement values 0.5, 0.5, 0.9, 0.9 (n = 4):
#   0.5: below 0, ties 2 -> mid rank 0.5 -> 100 * 0.5 / 3 = 16.67; 0.9: (2 + 0.5) / 3 = 83.33
# un_idealpoint_distance is "lower is closer": 1.0 -> 100 - 16.67, 2.0 -> 100 - 83.33
# alliance_any (military, boolean): True, False, False, False -> True: below 3, ties 1 ->
#   100; False: below 0, ties 3 -> mid 1 -> 33.33
# trade_total_usd only for two rows, tied -> 50 (all tied)
# The year's basis: political, military (4 of 4 pairs) and economic (2 of 4: half) -> a
# composite needs all three, so PAK-RUS and RUS-PAK (no trade) have none
PANEL = pd.DataFrame({
    "a": ["PAK", "RUS", "PAK", "CHN"], "b": ["RUS", "PAK", "CHN", "PAK"], "year": 2000,
    "un_agreement": [0.5, 0.5, 0.9, 0.9], "un_common_votes": [60, 60, 70, 70],
    "un_idealpoint_distance": [1.0, 1.0, 2.0, 2.0],
    "alliance_any": [1.0, 0.0, 0.0, 0.0], "trade_total_usd": [np.nan, np.nan, 5.0, 5.0],
})
P = 100 / 3
EXPECTED = {  # (a, b): (political, military, economic, composite, coverage, weakest, strongest)
    ("PAK", "RUS"): ((P / 2 + (100 - P / 2)) / 2, 100.0, None, None, 2, "political", "military"),
    ("RUS", "PAK"): (50.0, P, None, None, 2, "military", "political"),
    ("PAK", "CHN"): (50.0, P, 50.0, (100 + P) / 3, 3, "military", "political"),
}
BASIS = "political, economic, military"


def _index(tmp_path: Path, panel: pd.DataFrame, method: str) -> pd.DataFrame:
    """``build_index(method=...)`` on ``panel`` stored in a fresh store."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    with Store(tmp_path / f"{method}.duckdb") as store:
        store.write_frame("panel", panel)
        rows = build_index(store, method=method)
        frame = store.execute("SELECT * FROM index_scores ORDER BY a, b, year")
    assert len(frame) == rows
    return frame


def _check(frame: pd.DataFrame) -> None:
    frame = frame.set_index(["a", "b"])
    assert frame.loc[("PAK", "RUS"), "p_un_agreement"] == pytest.approx(P / 2)
    assert frame.loc[("PAK", "CHN"), "p_un_agreement"] == pytest.approx(2.5 * P)
    assert frame.loc[("PAK", "RUS"), "p_un_idealpoint_distance"] == pytest.approx(100 - P / 2)
    assert frame.loc[("PAK", "RUS"), "p_alliance_any"] == pytest.approx(100.0)
    assert frame.loc[("RUS", "PAK"), "p_alliance_any"] == pytest.approx(P)
    assert frame.loc[("PAK", "CHN"), "p_trade_total_usd"] == 50.0  # all tied
    assert pd.isna(frame.loc[("PAK", "RUS"), "p_trade_total_usd"])
    for (a, b), (pol, mil, eco, comp, cov, weak, strong) in EXPECTED.items():
        row = frame.loc[(a, b)]
        assert row.score_political == pytest.approx(pol)
        assert row.score_military == pytest.approx(mil)
        assert (pd.isna(row.score_economic) if eco is None
                else row.score_economic == pytest.approx(eco))
        assert row.n_economic == (0 if eco is None else 1)
        assert (pd.isna(row.composite) if comp is None
                else row.composite == pytest.approx(comp)) and row.coverage == cov
        assert (row.weakest, row.strongest) == (weak, strong)
        assert row.basis == BASIS


@pytest.mark.parametrize("method", METHODS)
def test_score_hand_computed(tmp_path: Path, method: str) -> None:
    frame = _index(tmp_path, PANEL, method)
    _check(frame)
    # one year: no trend, prior mean or break anywhere (null scores stay null)
    dynamic = [c for c in frame.columns if c.endswith(("_trend", "_prior3", "_break"))]
    assert len(dynamic) == 3 * 4 and frame[dynamic].isna().all().all()


def test_score_ibis_expression_hand_computed() -> None:
    _check(score(ibis.memtable(PANEL), index_indicators(PANEL.columns)).to_pandas())


@pytest.mark.parametrize("method", METHODS)
def test_agreement_on_too_few_common_votes_stays_out(tmp_path: Path, method: str) -> None:
    """UN agreement and kappa enter the index only on 10 or more common votes: with 9,
    PAK-RUS has no political percentile of its own and the others are ranked without it."""
    few = PANEL.assign(un_common_votes=[9, 60, 70, 70])
    frame = _index(tmp_path, few, method).set_index(["a", "b"])
    assert pd.isna(frame.loc[("PAK", "RUS"), "p_un_agreement"])
    # RUS-PAK 0.5 is now below both 0.9s: below 0, ties 1, n = 3 -> 0
    assert frame.loc[("RUS", "PAK"), "p_un_agreement"] == pytest.approx(0.0)
    assert frame.loc[("PAK", "CHN"), "p_un_agreement"] == pytest.approx(75.0)
    # the ideal points still give PAK-RUS a political score
    assert frame.loc[("PAK", "RUS"), "score_political"] == pytest.approx(100 - P / 2)


@pytest.mark.parametrize("method", METHODS)
def test_year_with_too_few_dimensions_has_no_composite(tmp_path: Path, method: str) -> None:
    """2000 is FULL (basis: three dimensions, every pair scored); 2001 repeats it without
    trade: its basis is political and military only, under MIN_BASIS_DIMS = 3, so the
    dimensions are scored as in 2000 and no pair has a composite."""
    thin = pd.concat([FULL, FULL.assign(year=2001, trade_total_usd=np.nan)])
    frame = _index(tmp_path, thin, method).set_index(["a", "b", "year"])
    y2000, y2001 = frame.xs(2000, level="year"), frame.xs(2001, level="year")
    assert y2000.composite.notna().all() and y2001.composite.isna().all()
    assert set(y2001.basis) == {"political, military"}
    np.testing.assert_allclose(y2001.score_political, y2000.score_political)
    np.testing.assert_allclose(y2001.score_military, y2000.score_military)


@pytest.mark.parametrize("method", METHODS)
def test_composite_dynamics_stay_within_one_basis(tmp_path: Path, method: str) -> None:
    """FULL in 2000-2003 (basis of three dimensions), then 2004 with air routes for every
    pair: people joins the basis. The composite's prior mean and trend in 2004 would
    compare means over different dimensions, so they are NA; the dimension scores' are
    not."""
    years = [FULL.assign(year=y) for y in range(2000, 2004)]
    years.append(FULL.assign(year=2004, air_routes=[1.0, 2.0, 3.0, 4.0]))
    frame = _index(tmp_path, pd.concat(years), method).set_index(["a", "b", "year"])
    row = frame.loc[("PAK", "CHN", 2003)]  # the same values every year
    assert row.composite_prior3 == pytest.approx(row.composite)
    assert row.composite_trend == pytest.approx(0.0, abs=1e-9)
    new = frame.xs(2004, level="year")
    assert set(new.basis) == {"political, economic, military, people"}
    assert new.composite.notna().all() and new.composite_prior3.isna().all()
    assert new.composite_trend.isna().all() and new.composite_break.isna().all()
    assert new.score_political_prior3.notna().all()
    np.testing.assert_allclose(new.score_political_trend, 0.0, atol=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_fallback_indicator_only_where_the_main_one_is_missing(tmp_path: Path,
                                                               method: str) -> None:
    """shared_groups stands in for shared_igos: PAK-RUS and RUS-PAK have IGO counts (1, 2),
    so their group counts (3, 0) stay out; PAK-CHN and CHN-PAK have none, so their group
    counts (1, 0) are ranked between the two of them only: 100 and 0."""
    panel = FULL.assign(shared_igos=[1.0, 2.0, np.nan, np.nan],
                        shared_groups=[3.0, 0.0, 1.0, 0.0])
    frame = _index(tmp_path, panel, method).set_index(["a", "b"])
    assert pd.isna(frame.loc[("PAK", "RUS"), "p_shared_groups"])
    assert pd.isna(frame.loc[("RUS", "PAK"), "p_shared_groups"])
    assert frame.loc[("PAK", "CHN"), "p_shared_groups"] == 100.0
    assert frame.loc[("CHN", "PAK"), "p_shared_groups"] == 0.0
    assert (frame.loc[("PAK", "RUS"), "p_shared_igos"],
            frame.loc[("RUS", "PAK"), "p_shared_igos"]) == (0.0, 100.0)
    multilateral = {pair: frame.loc[pair, "score_multilateral"] for pair in frame.index}
    assert multilateral == {("CHN", "PAK"): 0.0, ("PAK", "CHN"): 100.0,
                            ("PAK", "RUS"): 0.0, ("RUS", "PAK"): 100.0}


# Conflict discounts the composite. FULL (PANEL with trade for every pair) plus conflict:
#   PAK-RUS: a MID threat (hostility level 2) and a rivalry -> hostility 0.25
#   RUS-PAK: war -> 1.0 (the composite is 0)
#   PAK-CHN: a fatal dispute (use of force) -> max(0.75, 0.5) = 0.75
#   CHN-PAK: all conflict indicators NA -> hostility NA, no discount
FULL = PANEL.assign(trade_total_usd=[3.0, 3.0, 5.0, 5.0])  # every pair has the basis
HOSTILE = FULL.assign(
    mid_hostility_max=[2.0, 0.0, 4.0, np.nan], mid_fatal=[0.0, 0.0, 1.0, np.nan],
    rivalry=[1.0, 0.0, 0.0, np.nan], war=[0.0, 1.0, 0.0, np.nan])
HOSTILITY = {("PAK", "RUS"): 0.25, ("RUS", "PAK"): 1.0, ("PAK", "CHN"): 0.75,
             ("CHN", "PAK"): None}


@pytest.mark.parametrize("method", METHODS)
def test_hostility_discounts_the_composite(tmp_path: Path, method: str) -> None:
    frame = _index(tmp_path, HOSTILE, method).set_index(["a", "b"])
    undiscounted = _index(tmp_path / "plain", FULL, method).set_index(["a", "b"])
    for pair, h in HOSTILITY.items():
        row, before = frame.loc[pair], undiscounted.loc[pair]
        if h is None:
            assert pd.isna(row.hostility) and pd.isna(row.score_conflict)
            assert row.composite == pytest.approx(before.composite)
        else:
            assert row.hostility == h and row.score_conflict == pytest.approx(100 * (1 - h))
            assert row.composite == pytest.approx(before.composite * (1 - h))
        # the dimension scores, coverage and weakest/strongest are not discounted
        assert row.score_political == pytest.approx(before.score_political)
        assert (row.coverage, row.weakest) == (before.coverage, before.weakest)
    assert frame.loc[("RUS", "PAK"), "composite"] == 0.0


# A series 40, 42, 44, 46, 48 (slope 2) then 80 in year 6: prior3 = (44 + 46 + 48) / 3 = 46
# -> a break "up" (80 - 46 >= 15); the trend over 2002..2006 (window 5) is the OLS slope of
# 42, 44, 46, 48, 80 against 2002..2006 = 8.0 (by hand: x̄ = 2004, ȳ = 52,
# Σ(x-x̄)(y-ȳ) = (-2)(-10)+(-1)(-8)+0+(1)(-4)+(2)(28) = 80, Σ(x-x̄)² = 10 -> 8.0)
SERIES = pd.DataFrame({"a": "PAK", "b": "RUS", "year": range(2001, 2007),
                       "composite": [40.0, 42.0, 44.0, 46.0, 48.0, 80.0]})


def _series_panel() -> pd.DataFrame:
    """A panel whose scores are the series above, with gaps, a lone pair, an empty row.

    50 filler pairs F00..F49 hold the values 0..49 of un_agreement and un_kappa every year
    2001-2021. A pair at ``r - 0.5`` has 50 fillers and itself that year (n = 51) and r
    fillers below it: percentile 100 · r / 50 = 2r, and its political score and composite
    are that percentile (its only indicator).

    - PAK→RUS, un_agreement, 2001-2006: r = 20, 21, 22, 23, 24, 40 -> SERIES.
    - PAK→IND, un_kappa, with gaps: 2011 r=20 (40), 2012 r=25 (50), 2014 r=22 (44),
      2016 r=30 (60), 2018 r=25 (50), 2021 r=10 (20).
    - CHN→USA, 1999, alone: all its indicators -> 50 (a single pair).

    Each row's political value is repeated as trade_total_usd and shared_igos, so each
    pair has the same percentile in the three dimensions of each year's basis (the two
    pairs never share a year, so each year has 51 values of each).
    - PAK→XXX, 2001, no index indicator -> no index row.
    """
    rows = [(f"F{i:02d}", "ZZZ", y, float(i), float(i), np.nan)
            for y in range(2001, 2022) for i in range(50)]
    rows += [("PAK", "RUS", y, r - 0.5, np.nan, np.nan)
             for y, r in zip(range(2001, 2007), (20, 21, 22, 23, 24, 40), strict=True)]
    rows += [("PAK", "IND", y, np.nan, r - 0.5, np.nan)
             for y, r in ((2011, 20), (2012, 25), (2014, 22), (2016, 30), (2018, 25),
                          (2021, 10))]
    rows += [("CHN", "USA", 1999, 0.7, np.nan, 1.0), ("PAK", "XXX", 2001, np.nan, np.nan,
                                                      np.nan)]
    frame = pd.DataFrame(rows, columns=["a", "b", "year", "un_agreement", "un_kappa",
                                        "alliance_any"])
    # each political indicator repeated in an economic and a multilateral one: three
    # dimensions (a composite needs MIN_BASIS_DIMS), each scoring what politics scores
    political = frame.un_agreement.fillna(frame.un_kappa)
    return frame.assign(un_common_votes=50.0,  # enough common votes for the index
                        trade_total_usd=political, shared_igos=political)


@pytest.mark.parametrize("method", METHODS)
def test_trend_and_break_hand_computed(tmp_path: Path, method: str) -> None:
    out = _index(tmp_path, _series_panel(), method).set_index(["a", "b", "year"])
    rus = out.loc[("PAK", "RUS")]
    np.testing.assert_allclose(rus["composite"], SERIES["composite"], atol=1e-9)
    assert pd.isna(rus.loc[2002, "composite_trend"])  # fewer than 3 years
    assert rus.loc[2003, "composite_trend"] == pytest.approx(2.0, abs=1e-9)
    assert rus.loc[2005, "score_political_trend"] == pytest.approx(2.0, abs=1e-9)
    assert rus.loc[2006, "composite_trend"] == pytest.approx(8.0, abs=1e-9)
    assert rus.loc[2006, "composite_prior3"] == pytest.approx(46.0)
    assert rus.loc[2006, "composite_break"] == "up"
    assert rus.loc[2005, "composite_prior3"] == pytest.approx(44.0)  # 42, 44, 46
    assert pd.isna(rus.loc[2005, "composite_break"])  # 48 - 44 < 15
    assert pd.isna(rus.loc[2003, "composite_prior3"])  # only two previous years
    assert rus["score_military"].isna().all() and rus["score_military_trend"].isna().all()
    # gaps: the trend needs 3 values within the last 5 years; prior3 the 3 previous years
    ind = out.loc[("PAK", "IND")]
    assert ind["composite"].tolist() == pytest.approx([40, 50, 44, 60, 50, 20])
    trend = {2014: 5 / 7, 2016: 2.5, 2018: 1.5}  # see the docstring of _series_panel
    for year, value in ind["composite_trend"].items():
        if year in trend:
            assert value == pytest.approx(trend[year], abs=1e-9), year
        else:  # 2011, 2012: too few years; 2021: only 2018 and 2021 within 2017-2021
            assert pd.isna(value), year
    assert ind["composite_prior3"].isna().all() and ind["composite_break"].isna().all()
    lone = out.loc[("CHN", "USA", 1999)]
    assert (lone.p_un_agreement, lone.p_alliance_any, lone.composite) == (50.0, 50.0, 50.0)
    assert lone.coverage == 4 and pd.isna(lone.composite_trend)
    assert ("PAK", "XXX", 2001) not in out.index
    assert len(out) == 50 * 21 + 6 + 6 + 1


def test_trend_and_break_ibis_expression() -> None:
    out = dynamics(ibis.memtable(SERIES), ["composite"]).to_pandas().set_index("year")
    assert out.loc[2006, "composite_trend"] == pytest.approx(8.0)
    assert out.loc[2006, "composite_break"] == "up"
    assert pd.isna(out.loc[2003, "composite_prior3"])


def _assert_same(x: pd.DataFrame, y: pd.DataFrame) -> None:
    """Same columns, order and types; percentiles and scores to 1e-9, trends to 1e-8."""
    assert list(x.columns) == list(y.columns)
    assert (x.dtypes == y.dtypes).all()
    x = x.sort_values(["a", "b", "year"], ignore_index=True)
    y = y.sort_values(["a", "b", "year"], ignore_index=True)
    assert len(x) == len(y) > 0
    for col in x.columns:
        if pd.api.types.is_float_dtype(x[col]):
            tol = 1e-8 if col.endswith("_trend") else 1e-9
            np.testing.assert_allclose(x[col], y[col], rtol=0, atol=tol, err_msg=col)
        else:
            assert x[col].fillna("<NA>").tolist() == y[col].fillna("<NA>").tolist(), col


@pytest.mark.parametrize("panel", [PANEL, _series_panel(), HOSTILE],
                         ids=["scores", "series", "hostility"])
def test_sql_equals_ibis_on_fixtures(tmp_path: Path, panel: pd.DataFrame) -> None:
    _assert_same(_index(tmp_path, panel, "sql"), _index(tmp_path, panel, "ibis"))


def test_build_index_methods(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from amity.index import panel

    with Store(tmp_path / "s.duckdb") as store:
        store.write_frame("panel", PANEL)
        with pytest.raises(ValueError, match="'auto', 'sql' or 'ibis'"):
            build_index(store, method="numpy")
        # auto on DuckDB is the SQL statement: the Ibis queries are not called
        monkeypatch.setattr(panel, "score", lambda *a, **k: pytest.fail("ibis path"))
        assert build_index(store) == 4
    with pytest.raises(ValueError, match="no index indicators"):
        index_sql("panel", ["a", "b", "year", "trade_balance_a_usd"])


@pytest.fixture(scope="module")
def indexed_store(real_store: Store) -> Store:
    from amity.index import is_current

    assert is_current(real_store)  # `setup` built it
    return real_store


@pytest.mark.mirror
def test_real_index_sql_equals_ibis(indexed_store: Store) -> None:
    """The stored index (the SQL path, via setup) = the Ibis queries, every pair-year from
    1995 (the Ibis queries run on the panel from 1990: percentiles are per year, and the
    trends and prior means of 1995 reach back four years)."""
    store = indexed_store
    panel = store.ibis.table("panel")
    recent = panel.filter((panel.year >= 1990) & (panel.system_pair == 1.0))
    scored = score(recent, index_indicators(panel.columns))
    ibis_path = dynamics(scored, index_series(scored.columns))
    store.replace_table("_test_index_ibis", ibis_path.filter(ibis_path.year >= 1995))
    try:
        mine, other = store.ibis.table("index_scores"), store.ibis.table("_test_index_ibis")
        assert mine.schema() == other.schema()  # names, order, types
        checks = []
        for col, typ in mine.schema().items():
            if col in ("a", "b", "year"):
                continue
            if typ.is_floating():
                tol = 1e-8 if col.endswith("_trend") else 1e-9
                bad = (f"(l.{col} IS NULL) <> (r.{col} IS NULL) "
                       f"OR abs(l.{col} - r.{col}) > {tol}")
            else:
                bad = f"l.{col} IS DISTINCT FROM r.{col}"
            checks.append(f"count(*) FILTER (WHERE l.a IS NOT NULL AND r.a IS NOT NULL "
                          f"AND ({bad})) AS {col}")
        result = store.execute(
            "SELECT count(*) AS rows, count(*) FILTER (WHERE l.a IS NULL OR r.a IS NULL) "
            f"AS one_side, {', '.join(checks)} FROM (SELECT * FROM index_scores WHERE "
            "year >= 1995) l FULL JOIN _test_index_ibis r ON l.a = r.a AND l.b = r.b "
            "AND l.year = r.year").iloc[0]
        # a row for every system pair-year with at least one index indicator, only those
        # (an indicator counts where its support is enough, e.g. UN agreement on >= 10 votes)
        from amity.index.score import _value

        names = index_indicators(panel.columns)
        sys95 = panel.filter((panel.year >= 1995) & (panel.system_pair == 1.0))
        values = sys95.select(**{n: _value(sys95, n) for n in names})
        want = values.filter(ibis.coalesce(*[values[n] for n in names]).notnull()).count()
        want = want.execute()
        assert result["rows"] == want > 500_000
        assert {k: int(v) for k, v in result.items() if k != "rows" and v} == {}
        # trends and breaks are present, not all null
        n = store.execute("SELECT count(composite_trend) AS t, count(composite_break) AS k, "
                          "count(composite_prior3) AS p FROM index_scores").iloc[0]
        assert n["t"] > 500_000 and n["p"] > 500_000 and n["k"] > 1_000
    finally:
        store.con.execute("DROP TABLE IF EXISTS _test_index_ibis")


@pytest.mark.mirror
def test_real_rank_matches_pandas_ranking(indexed_store: Store) -> None:
    """PAK's political ranking in 2010, recomputed from the panel with pandas' rank."""
    from amity.index import rank_partners

    panel = indexed_store.ibis.table("panel")
    year = panel.filter((panel.year == 2010) & (panel.system_pair == 1.0)).to_pandas()
    pct = {}
    enough = year["un_common_votes"] >= 10  # agreement and kappa need 10 common votes
    for col, lower in (("un_agreement", False), ("un_kappa", False),
                       ("un_idealpoint_distance", True)):
        v = year[col].where(enough) if col != "un_idealpoint_distance" else year[col]
        r = v.rank(method="average")  # 1-based average ranks among non-NaN values
        p = 100 * (r - 1) / (v.notna().sum() - 1)
        pct[col] = 100 - p if lower else p
    political = pd.DataFrame(pct).mean(axis=1, skipna=True)
    mine = year.assign(political=political)[year.a == "PAK"].dropna(subset=["political"])
    expected = mine.sort_values(["political", "b"], ascending=[False, True]).head(15)
    ranked = rank_partners(indexed_store, "PAK", year=2010, dimension="political", top=15)
    assert ranked["partner"].tolist() == expected["b"].tolist()
    np.testing.assert_allclose(ranked["score"], expected["political"], rtol=1e-9)


@pytest.mark.mirror
@pytest.mark.parametrize("year", [1964, 1995, 2014, 2019, 2022, 2024])
def test_real_composite_follows_the_basis_rule(indexed_store: Store, year: int) -> None:
    """The stored composite, recomputed with pandas from the stored dimension scores: the
    basis is the dimensions at least half of the year's pairs have; a pair gets a composite
    only with every basis dimension and a basis of three or more; it is their mean times
    (1 - hostility). No composite rests on fewer dimensions than that."""
    from amity.index.score import MIN_BASIS_DIMS

    rows = indexed_store.execute(f"SELECT * FROM index_scores WHERE year = {year}")
    dims = [c[6:] for c in rows.columns if c.startswith("score_") and c != "score_conflict"
            and not c.endswith(("_trend", "_prior3", "_break"))]
    basis = [d for d in dims if 2 * rows[f"score_{d}"].notna().sum() >= len(rows)]
    assert rows["basis"].dropna().unique().tolist() in ([", ".join(basis)], [])
    complete = rows[[f"score_{d}" for d in basis]].notna().all(axis=1)
    ok = complete & (len(basis) >= MIN_BASIS_DIMS)
    assert rows["composite"].notna().tolist() == ok.tolist()
    expected = (rows[[f"score_{d}" for d in basis]].mean(axis=1)
                * (1 - rows["hostility"].fillna(0.0)))[ok]
    np.testing.assert_allclose(rows.loc[ok, "composite"], expected, rtol=1e-9)
    if year == 1964:  # the General Assembly held almost no recorded votes that session
        assert "political" not in basis and ok.sum() > 10_000
