"""Political indicators (UN votes, ideal points) by hand on the fixtures, on every backend."""

from __future__ import annotations

import pandas as pd
import pytest

from amity.indicators.political import idealpoint_distance, un_votes_dyadic
from amity.store import Store

# Hand computation for the fixture (session 55 -> year 2000), see tests/data/unvotes:
# rc1 PAK yes RUS yes USA no | rc2 yes abstain no | rc3 no no (USA absent) | rc4 yes yes yes
# PAK-RUS: 4 common, 3 same -> 0.75; marginals PAK (y3,a0,n1) RUS (y2,a1,n1):
#   p_e = (3*2 + 0 + 1*1)/16 = 7/16, kappa = (3/4 - 7/16)/(9/16) = 5/9
# PAK-USA: rc1, rc2, rc4 -> 1/3 same; p_e = (3*1)/9 = 1/3 -> kappa 0
# RUS-USA: 1/3 same; RUS (y2,a1) USA (n2,y1): p_e = 2/9 -> kappa (1/9)/(7/9) = 1/7
EXPECTED = {("PAK", "RUS"): (0.75, 4, 5 / 9), ("PAK", "USA"): (1 / 3, 3, 0.0),
            ("RUS", "USA"): (1 / 3, 3, 1 / 7)}


def check_expected(frame: pd.DataFrame) -> None:
    for (a, b), (agree, n, kappa) in EXPECTED.items():
        for x, y in ((a, b), (b, a)):
            row = frame[(frame.a == x) & (frame.b == y) & (frame.year == 2000)]
            assert len(row) == 1
            assert row.un_agreement.iloc[0] == pytest.approx(agree)
            assert row.un_common_votes.iloc[0] == n
            assert row.un_kappa.iloc[0] == pytest.approx(kappa, abs=1e-12)


@pytest.mark.parametrize("method", ["matrix", "ibis"])
@pytest.mark.parametrize("release", ["voeten-2017", "unvotes-0.3.0"])
def test_un_votes_by_hand(backend: Store, method: str, release: str) -> None:
    frame = un_votes_dyadic(backend, release=release, method=method)
    check_expected(frame)
    assert frame.attrs == {"source": "unvotes", "release": release}


def test_idealpoint_distance_by_hand(backend: Store) -> None:
    """|theta_a - theta_b| from the ideal points typed in tests/_fixtures.idealpoints_dta."""
    frame = idealpoint_distance(backend).set_index(["a", "b", "year"])
    assert frame.loc[("PAK", "RUS", 2000)].un_idealpoint_distance == 1.5
    assert frame.loc[("RUS", "USA", 2000)].un_idealpoint_distance == 3.0
    assert frame.loc[("PAK", "RUS", 2001)].un_idealpoint_distance == 0.75
    assert ("PAK", "USA", 2001) not in frame.index  # no USA value that year: NA
    assert len(frame) == 6 + 2
