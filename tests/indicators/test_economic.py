"""Economic indicators by hand on the COW trade fixtures, on every backend."""

from __future__ import annotations

import pandas as pd
import pytest

from amity.indicators.economic import trade_dyadic
from amity.store import Store


def test_trade_hand_computed(backend: Store) -> None:
    frame = trade_dyadic(backend).set_index(["a", "b", "year"])
    # row (365, 770): flow1 = RUS imports from PAK = 6, flow2 = PAK imports from RUS = 76
    pak_rus = frame.loc[("PAK", "RUS", 2000)]
    assert pak_rus.trade_a_to_b_usd == 6e6
    assert pak_rus.trade_b_to_a_usd == 76e6
    assert pak_rus.trade_total_usd == 82e6
    assert pak_rus.trade_balance_a_usd == -70e6
    assert pak_rus.trade_share_a == pytest.approx(82 / (10864 + 8733))
    assert pak_rus.trade_share_b == pytest.approx(82 / (33880 + 105033))
    rus_pak = frame.loc[("RUS", "PAK", 2000)]
    assert rus_pak.trade_a_to_b_usd == 76e6 and rus_pak.trade_balance_a_usd == 70e6
    # USA-RUS: flow1 of (2, 365) = US imports from Russia = 7659
    assert frame.loc[("RUS", "USA", 2000)].trade_a_to_b_usd == 7659e6
    # USA-PAK: the publisher's NA stays NA, never 0
    usa_pak = frame.loc[("USA", "PAK", 2000)]
    assert pd.isna(usa_pak.trade_a_to_b_usd) and pd.isna(usa_pak.trade_total_usd)
