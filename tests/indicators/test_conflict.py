"""Conflict indicators by hand on the fixtures in tests/data/conflict, on every backend.

The universe is the fixture state list (tests/data/milpeople/states2016.csv: USA, GBR,
ITA, DEU, RUS, IND, PAK, CHN, LKA, YEM), carried forward past 2016: inside a source's
years a pair of those states without a record is False/0; records of other states (UKR,
YUG, ...) come with their own rows; years outside a source are NA (no row).
"""

from __future__ import annotations

import pandas as pd
import pytest

from amity.indicators import conflict
from amity.store import Store


def _at(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index(["a", "b", "year"])


def test_mids_gml_by_hand(backend: Store) -> None:
    f = conflict.mids_dyadic(backend)
    assert f.attrs["source"] == "gml_mid"
    v = _at(f)
    # dispute 9003, 1999: both sides at hostility 5, the dispute's fatality 6
    for pair in (("IND", "PAK", 1999), ("PAK", "IND", 1999)):
        assert tuple(v.loc[pair]) == (True, 1, 5, True)
    assert tuple(v.loc[("IND", "PAK", 1998)]) == (False, 0, 0, False)  # in the data's years
    # 9001 YUG-ALB 1990: hostility 4 against 3, the dispute's fatality 0 (not fatal)
    assert tuple(v.loc[("ALB", "YUG", 1990)]) == (True, 1, 4, False)
    # 9002 SRB-XKX 2010: fatality -9 (unknown) is not "fatal"
    assert tuple(v.loc[("SRB", "XKX", 2010)]) == (True, 1, 3, False)
    assert ("IND", "PAK", 2011) not in v.index  # after GML's last year: NA


def test_mids_cow_by_hand(backend: Store) -> None:
    v = _at(conflict.mids_dyadic(backend, source="cow_mid"))
    assert tuple(v.loc[("RUS", "UKR", 2014)]) == (True, 1, 4, False)  # fatality -9: unknown
    assert tuple(v.loc[("UKR", "RUS", 2013)]) == (True, 1, 4, False)
    assert tuple(v.loc[("DEU", "USA", 1961)]) == (False, 0, 0, False)


def test_armed_conflicts_by_hand(backend: Store) -> None:
    v = _at(conflict.armed_conflicts_dyadic(backend))
    # 9201 2024: RUS (primary) and PRK (secondary) against UKR, war intensity
    assert tuple(v.loc[("RUS", "UKR", 2024)]) == (True, 2)
    assert tuple(v.loc[("UKR", "RUS", 2024)]) == (True, 2)  # symmetric
    assert tuple(v.loc[("UKR", "RUS", 2015)]) == (True, 1)  # Russia as a secondary party
    assert tuple(v.loc[("RUS", "USA", 2024)]) == (False, 0)
    assert tuple(v.loc[("IND", "PAK", 1995)]) == (False, 0)
    # 9210 1948 (GW 751, Hyderabad, has no ISO3) is dropped at ingest, so the release's
    # years are those of its stored rows, 1995-2024: 1948 is outside them, NA
    assert ("IND", "PAK", 1948) not in v.index


def test_wars_by_hand(backend: Store) -> None:
    v = _at(conflict.wars_dyadic(backend))["war"]
    assert v[("IND", "PAK", 1965)] and v[("PAK", "IND", 1965)]
    assert v[("IND", "PAK", 1966)] == False  # noqa: E712 - inside the fixture's 1965-1970
    assert ("IND", "PAK", 1971) not in v.index


def test_rivalries_by_hand(backend: Store) -> None:
    v = _at(conflict.rivalries_dyadic(backend))["rivalry"]
    # IND-PAK 1948-2020: 2020 is the data's last year, so "ongoing": in force to 2020
    assert v[("IND", "PAK", 1948)] and v[("PAK", "IND", 2020)]
    assert v[("RUS", "USA", 2008)] and v[("USA", "RUS", 2020)]
    assert v[("RUS", "USA", 2007)] == False  # noqa: E712 - before the spell
    assert ("IND", "PAK", 2021) not in v.index  # after the data's last year: NA


@pytest.mark.parametrize(("values", "expected"), [
    ({"war": 1.0, "rivalry": 1.0}, 1.0),
    ({"armed_conflict_intensity": 1.0, "mid_hostility_max": 3.0}, 0.75),
    ({"mid_hostility_max": 4.0, "mid_fatal": 0.0}, 0.5),
    ({"rivalry": 1.0, "war": 0.0}, 0.25),
    ({"mid_hostility_max": 0.0, "rivalry": 0.0}, 0.0),
    ({"rivalry": None}, None),
])
def test_hostility_of_by_hand(values: dict[str, object], expected: float | None) -> None:
    assert conflict.hostility_of(values)[0] == expected
