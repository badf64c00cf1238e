"""Military and people indicators on the hand-typed fixtures, on every backend.

Universe: the fixture states2016.csv (USA, GBR, ITA, DEU, RUS, IND, PAK, CHN, LKA, YEM;
DEU out of the system 1946-1954, PAK and IND from 1947, CHN from 1950, YEM from 1990),
carried forward past 2016. Every expected value below is read off the fixtures by hand.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from amity._exceptions import MissingDataError
from amity.indicators import INDICATORS, military, people
from amity.sources import atop, migration, sipri
from amity.store import Store
from tests import _fixtures as mp


@pytest.fixture()
def store(backend: Store) -> Store:
    """The fixture store (tests/indicators/conftest.py), on each backend."""
    return backend


def _at(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index(["a", "b", "year"])


# --- alliances ---------------------------------------------------------------------------

def test_alliances_by_hand(store: Store) -> None:
    f = military.alliances_dyadic(store)
    assert f.attrs == {"source": "atop", "release": "5.1"}
    v = _at(f)
    # USA has a defence obligation to PAK in 1990 (one direction), both consult: the
    # indicators are symmetric and name every kind
    assert tuple(v.loc[("PAK", "USA", 1990)]) == (True, True, "defence, consultation")
    assert tuple(v.loc[("USA", "PAK", 1990)]) == (True, True, "defence, consultation")
    assert tuple(v.loc[("PAK", "RUS", 2004)]) == (True, False, "non-aggression")
    assert tuple(v.loc[("RUS", "PAK", 2015)]) == (True, False, "non-aggression, consultation")
    # both in the system, inside ATOP's years (1930-2015), no row: False, not NA
    assert tuple(v.loc[("PAK", "RUS", 2003)]) == (False, False, "none")
    assert tuple(v.loc[("IND", "PAK", 2010)]) == (False, False, "none")
    # 255 + 260 merged: defence (255) and consultation (260)
    assert tuple(v.loc[("DEU", "USA", 1990)]) == (True, True, "defence, consultation")
    assert tuple(v.loc[("GBR", "ITA", 1930)]) == (False, False, "none")  # all flags 0
    # NA: PAK not yet a state; DEU out of the system 1946-54; after ATOP's last year
    for key in (("PAK", "RUS", 1946), ("DEU", "USA", 1950), ("PAK", "RUS", 2016)):
        assert key not in v.index
    # 2015: 10 states in the system -> 90 directed pairs; 1950: 8 states (no DEU, YEM)
    assert (f["year"] == 2015).sum() == 10 * 9 and (f["year"] == 1950).sum() == 8 * 7
    assert str(f["alliance_any"].dtype) == "boolean"


def test_alliances_filters(store: Store) -> None:
    f = military.alliances_dyadic(store, countries=["PAK", "RUS"], years=(2003, 2004))
    assert _rows(f) == {("PAK", "RUS", 2003, False, False, "none"),
                        ("RUS", "PAK", 2003, False, False, "none"),
                        ("PAK", "RUS", 2004, True, False, "non-aggression"),
                        ("RUS", "PAK", 2004, True, False, "non-aggression")}
    assert military.alliances_dyadic(store, years=(2030, 2040)).empty


def _rows(frame: pd.DataFrame) -> set[tuple]:
    return {tuple(None if pd.isna(x) else x for x in r) for r in frame.itertuples(index=False)}


# --- arms ----------------------------------------------------------------------------------

def test_arms_by_hand(store: Store) -> None:
    f = military.arms_dyadic(store)
    assert f.attrs == {"source": "sipri", "release": "trademap-2022"}
    v = _at(f)
    rus_pak = [tuple(v.loc[("RUS", "PAK", y)]) for y in range(2018, 2022)]
    # RUS->PAK 70, 64, no delivery (0), SIPRI's "0"; PAK->RUS: PAK is a supplier -> 0;
    # the total of both directions: 70, 64, 0, 0
    assert rus_pak == [(70.0, 0.0, 70.0), (64.0, 0.0, 64.0), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)]
    assert tuple(v.loc[("PAK", "RUS", 2018)]) == (0.0, 70.0, 70.0)
    chn_yem = v.loc[("CHN", "YEM", 2019)]  # "Yemen" 4 + "Yemen Arab Republic" 1
    assert chn_yem.arms_tiv_a_to_b == 5.0 and pd.isna(chn_yem.arms_tiv_b_to_a)  # no YEM table
    assert chn_yem.arms_tiv_total == 5.0  # the known direction (Yemen supplied no state)
    assert tuple(v.loc[("CHN", "PAK", 2020)]) == (500.0, 0.0, 500.0)


def test_arms_zero_and_na_rules(store: Store) -> None:
    v = _at(military.arms_dyadic(store))
    # a supplier with a table and no delivery: 0; a state without a table: NA
    pak_usa = v.loc[("PAK", "USA", 2020)]
    assert pak_usa.arms_tiv_a_to_b == 0.0 and pd.isna(pak_usa.arms_tiv_b_to_a)
    usa_gbr = v.loc[("USA", "GBR", 2020)]
    assert pd.isna(usa_gbr.arms_tiv_a_to_b) and pd.isna(usa_gbr.arms_tiv_b_to_a)
    assert pd.isna(usa_gbr.arms_tiv_total)  # neither direction known
    assert pak_usa.arms_tiv_total == 0.0
    yem_chn = v.loc[("YEM", "CHN", 2019)]
    assert pd.isna(yem_chn.arms_tiv_a_to_b) and yem_chn.arms_tiv_b_to_a == 5.0
    # outside SIPRI's years in the store (2018-2021): no row
    assert ("RUS", "PAK", 2017) not in v.index
    # 10 states in 2020 -> 90 directed pairs
    assert len(v.xs(2020, level="year")) == 90


def test_arms_processed_release_and_filters(store: Store) -> None:
    f = military.arms_dyadic(store, release="processed", countries=["PAK", "RUS"],
                             years=(1968, 1968))
    assert f.attrs["release"] == "processed"
    # the processed fixture has no Pakistani supplier rows, so PAK->RUS is NA, not 0
    assert _rows(f) == {("RUS", "PAK", 1968, 199.0, None, 199.0),
                        ("PAK", "RUS", 1968, None, 199.0, 199.0)}
    with pytest.raises(MissingDataError, match="release 'nope'"):
        military.arms_dyadic(store, release="nope")


def test_without_state_list_only_records(tmp_path: Path) -> None:
    s = Store(tmp_path / "s.duckdb")
    mp.ingest(s, sipri.DATASETS[0], tmp_path)
    mp.ingest(s, atop.DATASETS[0], tmp_path)
    f = military.arms_dyadic(s, countries=["PAK", "RUS"])
    assert "cow_states" in f.attrs["note"]
    assert _rows(f) == {("RUS", "PAK", 2018, 70.0, None, 70.0),
                        ("RUS", "PAK", 2019, 64.0, None, 64.0),
                        ("RUS", "PAK", 2021, 0.0, None, 0.0),
                        ("PAK", "RUS", 2018, None, 70.0, 70.0),
                        ("PAK", "RUS", 2019, None, 64.0, 64.0),
                        ("PAK", "RUS", 2021, None, 0.0, 0.0)}
    g = military.alliances_dyadic(s, countries=["PAK", "RUS"])
    assert set(g["year"]) == {2004, 2015}
    s.close()


# --- people ----------------------------------------------------------------------------------

def test_air_routes_by_hand(store: Store) -> None:
    f = people.air_routes_dyadic(store)
    assert f.attrs["snapshot"] == "2014-06-01" and f.attrs["release"] == "2014-06"
    assert set(f["year"]) == {2014}
    v = f.set_index(["a", "b"])["air_routes"]
    # KHI-DXB (PK), ISB-DXB (PK), DXB-KHI (EK codeshare), "DEL" with Karachi's id (AI)
    assert v[("PAK", "ARE")] == 4 and v[("ARE", "PAK")] == 4
    assert v[("PAK", "RUS")] == 1  # XYZ (extended file) -> KHI; SVO-ISB has a stop
    assert v[("RUS", "ARE")] == 1 and v[("VIR", "MMR")] == 1
    assert v[("PAK", "VIR")] == 0  # both in the network, no route: 0
    assert len(f) == 5 * 4  # PAK, ARE, RUS, VIR, MMR; IND has no airport with a route
    assert people.air_routes_dyadic(store, years=(2000, 2013)).empty  # not the snapshot
    one = people.air_routes_dyadic(store, countries=["PAK", "RUS"], years=(2014, 2014))
    assert _rows(one) == {("PAK", "RUS", 2014, 1), ("RUS", "PAK", 2014, 1)}


def test_migrants_by_hand(store: Store) -> None:
    f = people.migration_dyadic(store)
    assert f.attrs["release"] == "2019-clean"
    v = _at(f)
    assert v.loc[("PAK", "RUS", 2019)].migrants_a_in_b == 727.0
    assert pd.isna(v.loc[("PAK", "RUS", 2019)].migrants_b_in_a)  # 0 in the file: unknown
    assert tuple(v.loc[("HKG", "RUS", 2019)]) == (4.0, 20.0)
    assert ("PAK", "RUS", 2016) not in v.index
    f15 = _at(people.migration_dyadic(store, release="2015"))
    assert tuple(f15.loc[("RUS", "FSM", 2015)].fillna(-1)) == (2.0, 0.0)  # the UN's 0
    assert people.migration_dyadic(store, release="2020-totals").empty  # not bilateral


def test_students_by_hand(store: Store) -> None:
    f = people.students_dyadic(store, countries=["PAK", "RUS", "GBR"])
    assert f.attrs["derived"] is True
    v = _at(f)
    assert v.loc[("PAK", "RUS", 2014)].students_a_in_b == 94.0
    assert pd.isna(v.loc[("PAK", "RUS", 2014)].students_b_in_a)
    assert tuple(v.loc[("GBR", "RUS", 2019)]) == (50.0, 3000.0)
    assert ("PAK", "RUS", 2013) not in v.index  # a zero, which can mean "not reported"


def test_catalog_entries() -> None:
    for name in ("alliance_any", "alliance_defense", "arms_tiv_a_to_b", "arms_tiv_b_to_a"):
        assert INDICATORS[name].dimension == "military"
    for name in ("air_routes", "migrants_a_in_b", "migrants_b_in_a", "students_a_in_b",
                 "students_b_in_a"):
        assert INDICATORS[name].dimension == "people"
    assert people._ALL_ORIGINS == migration.ALL_ORIGINS
