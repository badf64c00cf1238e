"""The notes beside a profile's values: a sample note only on the event indicators, a
carry note only where the value is carried. Hand-made rows, one pair, two years."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from amity.indicators import FAMILIES, Slice
from amity.profile import _family_rows
from amity.store import Store

# a stored-panel slice of one pair: air routes observed in 2014 and carried to 2015, and
# event indicators from sample files that cover 1% of 2015
PANEL = pd.DataFrame({
    "a": ["PAK", "PAK"], "b": ["RUS", "RUS"], "year": [2014, 2015],
    "air_routes": [6.0, 6.0], "air_routes_asof": [2014.0, 2014.0],
    "events_count": [None, 3.0], "events_year_share": [None, 0.01],
})


def _notes(family_source: str, indicator: str, tmp_path: Path) -> dict[int, str | None]:
    family = next(f for f in FAMILIES if f.source == family_source
                  and indicator in f.indicators)
    with Store(tmp_path / "s.duckdb") as store:
        frames = _family_rows(store, Slice(family, "r", (2014, 2015)), PANEL, "PAK", "RUS")
    rows = pd.concat(frames)
    rows = rows[rows["indicator"] == indicator]
    return dict(zip(rows["year"], rows["note"], strict=True))


def test_sample_note_only_on_event_indicators(tmp_path: Path) -> None:
    routes = _notes("openflights", "air_routes", tmp_path)
    assert routes[2014] is None
    assert routes[2015].startswith("as of 2014: the latest value, carried forward")
    assert "sample" not in routes[2015]
    events = _notes("gdelt", "events_count", tmp_path)
    assert events[2015].startswith("sample: the event files cover 1.00% of 2015")
    assert events[2014].startswith("no gdelt r record")


def test_every_indicator_has_a_label_in_the_brief() -> None:
    from amity.indicators import INDICATORS
    from amity.report.model import _LABELS

    assert [n for n in INDICATORS if n not in _LABELS] == []
