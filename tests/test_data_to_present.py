"""Data to the present (the mirror's newest sources), through the command line, on the
real mirror: trade beyond 2014, UN votes of 2025, arms to 2023, and the conflict record.

Expected values are read from the publishers' files with the csv module, not from amity.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from tests.test_cli import amity

pytestmark = pytest.mark.mirror


def _rows(home: Path, a: str, b: str, years: str, *extra: str) -> list[dict]:
    done = amity("profile", a, b, "--years", years, "--format", "json", *extra, home=home)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["rows"]


def _value(rows: list[dict], indicator: str, year: int, source: str | None = None) -> dict:
    hits = [r for r in rows if r["indicator"] == indicator and r["year"] == year
            and (source is None or r["source"] == source)]
    assert len(hits) == 1, (indicator, year, source, hits)
    return hits[0]


def test_pak_rus_trade_from_comtrade_beside_the_others(real_home: Path, mirror: Path) -> None:
    rows = _rows(real_home, "PAK", "RUS", "2014-2021", "--all-sources")
    with gzip.open(mirror / "comtrade_totals/comtrade_all_exports_2019A.csv.gz", "rt") as fh:
        raw = {(r["reporter"], r["partner"]): float(r["value"]) for r in csv.DictReader(fh)}
    pak_rus = raw[("Pakistan", "Russian Federation")]
    rus_pak = raw[("Russian Federation", "Pakistan")]
    row = _value(rows, "trade_total_usd", 2019, "comtrade_totals")
    assert row["value"] == pytest.approx(round(pak_rus) + round(rus_pak))
    assert _value(rows, "trade_a_to_b_usd", 2019, "comtrade_totals")["value"] == round(pak_rus)
    for year in range(2014, 2022):  # every year 2014-2021 from Comtrade
        assert _value(rows, "trade_total_usd", year, "comtrade_totals")["value"] is not None
    assert _value(rows, "trade_total_usd", 2014, "cow_trade")["value"] is not None  # beside COW


def test_pak_rus_default_trade_after_2014_is_comtrade(real_home: Path) -> None:
    rows = _rows(real_home, "PAK", "RUS", "2013-2016")
    sources = {r["year"]: r["source"] for r in rows if r["indicator"] == "trade_total_usd"}
    assert sources == {2013: "cow_trade", 2014: "cow_trade", 2015: "comtrade_totals",
                       2016: "comtrade_totals"}


def test_pak_rus_un_agreement_2025(real_home: Path, mirror: Path) -> None:
    with gzip.open(mirror / "undl_votes/un_votes_2025_processed.csv.gz", "rt",
                   encoding="utf-8") as fh:
        ga = [r for r in csv.DictReader(fh) if r["Council"] == "General Assembly"]
    cast = [(r["PAK"], r["RUS"]) for r in ga if r["PAK"] and r["RUS"]]
    row = _value(_rows(real_home, "PAK", "RUS", "2025-2025"), "un_agreement", 2025)
    assert row["release"] == "undl-2025"
    assert row["value"] == pytest.approx(sum(a == b for a, b in cast) / len(cast))
    assert _value(_rows(real_home, "PAK", "RUS", "2025-2025"),
                  "un_common_votes", 2025)["value"] == len(cast)


def test_arms_to_2023_marked_derived(real_home: Path) -> None:
    rows = _rows(real_home, "CHN", "PAK", "2021-2023")
    exact = _value(rows, "arms_tiv_a_to_b", 2021)
    assert exact["release"] == "trademap-2022" and exact["note"] is None
    for year in (2022, 2023):
        row = _value(rows, "arms_tiv_a_to_b", year)
        assert row["release"] == "register-2024-10-21" and row["value"] > 0
        assert row["note"].startswith("derived:")


def test_ind_pak_kargil_war_and_disputes(real_home: Path) -> None:
    done = amity("profile", "IND", "PAK", "--years", "1999-1999", home=real_home)
    assert done.returncode == 0, done.stderr
    assert "conflict: hostility 1 discounts the composite" in done.stdout
    rows = _rows(real_home, "IND", "PAK", "1999-1999")
    assert _value(rows, "war", 1999)["value"] == 1
    assert _value(rows, "mid_hostility_max", 1999)["value"] == 5
    assert _value(rows, "mid_count", 1999)["value"] == 2  # GML 4007 (Kargil) and 4223
    assert _value(rows, "rivalry", 1999)["value"] == 1


def test_rivalry_in_force_at_the_data_end_is_carried_and_said_so(real_home: Path) -> None:
    """The rivalry data end in 2020: India-Pakistan's rivalry is carried five years with a
    note, not read as "no rivalry" because the data ended."""
    rows = _rows(real_home, "IND", "PAK", "2020-2023")
    assert _value(rows, "rivalry", 2020)["value"] == 1
    assert _value(rows, "rivalry", 2020)["note"] is None
    carried = _value(rows, "rivalry", 2022)
    assert carried["value"] == 1 and carried["note"].startswith("as of 2020:")


def _ucdp_intensity(mirror: Path, x: str, y: str) -> dict[int, int]:
    """Max intensity per year of UCDP conflicts with GW state x on one side and y on the
    other (primary or secondary), read from the raw file."""
    out: dict[int, int] = {}
    with gzip.open(mirror / "conflict/ucdp_acd.csv.gz", "rt") as fh:
        for r in csv.DictReader(fh):
            a = {r["gwno_a"], r["gwno_a_2nd"]}
            b = {r["gwno_b"], r["gwno_b_2nd"]}
            if (x in a and y in b) or (y in a and x in b):
                year = int(r["year"])
                level = {"1": 1, "2": 2, "minor": 1, "war": 2}[r["intensity_level"]]
                out[year] = max(out.get(year, 0), level)
    return out


def test_rus_ukr_armed_conflict_2022_2024(real_home: Path, mirror: Path) -> None:
    raw = _ucdp_intensity(mirror, "365", "369")  # GW: Russia 365, Ukraine 369
    assert {raw[y] for y in (2022, 2023, 2024)} == {2}  # war intensity, as SOURCE.md says
    rows = _rows(real_home, "RUS", "UKR", "2012-2024")
    for year in range(2012, 2025):
        row = _value(rows, "armed_conflict_intensity", year)
        assert row["value"] == raw.get(year, 0), year
        assert row["source"] == "ucdp"
