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


def test_unlisted_partner_is_zero_only_for_reporters(backend: Store) -> None:
    # comtrade_totals fixture: 2020 reporters PAK and RUS (states among them), 2022 PAK
    # and CHN. A reporter lists every partner it exported to, so a state it did not list
    # received 0 from it; a country that did not report stays NA.
    frame = trade_dyadic(backend, source="comtrade_totals").set_index(["a", "b", "year"])
    ab = frame["trade_a_to_b_usd"]
    assert ab[("PAK", "RUS", 2020)] == 150001  # whole dollars, as the source stores
    assert ab[("RUS", "PAK", 2020)] == 200000
    assert ab[("RUS", "USA", 2020)] == 0.0  # Russia reported 2020, listed no USA row
    assert ab[("PAK", "USA", 2022)] == 0.0
    assert pd.isna(ab[("USA", "PAK", 2022)])  # the USA is no reporter in the files
    assert pd.isna(ab[("RUS", "PAK", 2022)])  # Russia did not report for 2022
    assert pd.isna(frame.loc[("PAK", "USA", 2022), "trade_total_usd"])  # 0 + NA is NA
    assert ab[("CHN", "PAK", 2022)] == 800000 and ab[("PAK", "CHN", 2022)] == 5000
    # zeros only towards states of the system: Sint Maarten is none, so Russia, which
    # did not list it, gets no row for it, while Pakistan's reported 70 stays
    assert ab[("PAK", "SXM", 2020)] == 70 and ("RUS", "SXM", 2020) not in ab.index
