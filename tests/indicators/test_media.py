"""The media/events indicators, hand-computed from the GDELT fixtures in tests/data/events."""

from __future__ import annotations

import pandas as pd
import pytest

from amity.indicators import INDICATORS, media
from amity.store import Store


def test_media_indicators_hand_computed(backend: Store) -> None:
    store = backend  # GDELT 2.0 files V2A and V2B, ingested as release v2
    frame = media.events_dyadic(store, countries=["PAK", "RUS", "IND"])
    assert frame.attrs["covered_years"] == [2019] and frame.attrs["release"] == "v2"
    assert set(INDICATORS) >= set(media.COLUMNS)
    # PAK-RUS 2019: events 1000000001 (036, quad 1, G 4.0, tone -1.5) and 1000000004 (173,
    # quad 4, G -5.0, tone -4.0); 1000000002 is dated 2018, a year no file covers: NA
    for a, b in (("PAK", "RUS"), ("RUS", "PAK")):
        row = frame[(frame.a == a) & (frame.b == b)]
        assert list(row["year"]) == [2019]
        r = row.iloc[0]
        assert r.events_count == 2
        assert r.events_goldstein_mean == pytest.approx(-0.5)
        assert r.events_tone_mean == pytest.approx(-2.75)
        assert (r.events_coop_share, r.events_conflict_share) == (0.5, 0.5)
    # a covered year without events: 0, means NA; EUR-PAK is no pair of states
    none = frame[(frame.a == "IND") & (frame.b == "PAK")].iloc[0]
    assert none.events_count == 0 and pd.isna(none.events_goldstein_mean)
    assert len(frame) == 6  # 3 countries -> 6 directed pairs x 1 covered year
    monthly = media.events_dyadic(store, countries=["PAK", "RUS"], period="month")
    assert list(monthly[monthly.a == "PAK"][["year", "month", "events_count"]].itertuples(
        index=False, name=None)) == [(2019, 1, 2)]
