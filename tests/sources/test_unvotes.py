"""UN votes: parsing both releases, hand-computed agreement and κ, real-mirror spot values."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd
import pytest

from amity.indicators.political import un_votes_dyadic, un_votes_matrix
from amity.ingest import ingest_files
from amity.store import Store
from tests.conftest import DATA, gz
from tests.indicators.test_political import check_expected


@pytest.fixture()
def voeten_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "s.duckdb")
    path = gz(DATA / "unvotes" / "UNVotesPublished.csv", tmp_path)
    ingest_files(store, "unvotes", [path])
    return store


@pytest.fixture()
def unvotes_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "s.duckdb")
    files = [gz(DATA / "unvotes" / n, tmp_path)
             for n in ("un_votes.csv", "un_roll_calls.csv", "un_roll_call_issues.csv")]
    ingest_files(store, "unvotes", files)
    return store


@pytest.mark.parametrize("method", ["matrix", "ibis"])
def test_voeten_fixture_hand_computed(voeten_store: Store, method: str) -> None:
    frame = un_votes_dyadic(voeten_store, release="voeten-2017", method=method)
    check_expected(frame)
    # absent (8) and non-member (9) rows are stored but never counted
    votes = voeten_store.table("un_votes").to_pandas()
    assert sorted(votes.vote.unique()) == ["absent", "abstain", "no", "yes"]
    assert "nonmember" not in set(votes.vote)  # code 999 is no country: dropped with a note
    notes = " ".join(voeten_store.datasets().notes.iloc[-1])
    assert "999" in notes


def test_voeten_roll_call_quirk(voeten_store: Store) -> None:
    calls = voeten_store.table("un_roll_calls").to_pandas().set_index("rcid")
    assert calls.loc[3, "ec"] == False  # the literal 0\" of the original file  # noqa: E712
    assert calls.loc[4, "ec"] == True  # noqa: E712
    assert calls.loc[2, "important"] == True  # noqa: E712
    assert pd.Timestamp(calls.loc[4, "date"]) == pd.Timestamp("2000-12-01")


@pytest.mark.parametrize("method", ["matrix", "ibis"])
def test_unvotes_fixture_hand_computed(unvotes_store: Store, method: str) -> None:
    frame = un_votes_dyadic(unvotes_store, method=method)
    check_expected(frame)
    # the Federal Republic of Germany has no ISO2 in the package: matched by name
    votes = unvotes_store.table("un_votes").to_pandas()
    assert votes.loc[votes.rcid == 5, "iso3"].tolist() == ["DEU", "PAK"] or sorted(
        votes.loc[votes.rcid == 5, "iso3"]) == ["DEU", "PAK"]
    assert votes.loc[votes.rcid == 5, "year"].unique().tolist() == [1989]
    calls = unvotes_store.table("un_roll_calls").to_pandas().set_index("rcid")
    assert calls.loc[4, "hr"] and calls.loc[4, "ec"] and not calls.loc[4, "me"]


def test_kappa_undefined_when_no_variation() -> None:
    votes = pd.DataFrame({"rcid": [1, 1, 2, 2], "iso3": ["A", "B"] * 2,
                          "vote": ["yes"] * 4, "year": [2000] * 4})
    frame = un_votes_matrix(votes)
    assert frame.un_agreement.tolist() == [1.0, 1.0]
    assert frame.un_kappa.isna().all()


@pytest.mark.mirror
def test_real_pak_rus_2000_both_releases(real_store: Store, mirror: Path) -> None:
    """PAK-RUS 2000 recomputed from the raw files with the csv module."""
    def agreement(pairs: dict[int, dict[str, str]]) -> tuple[float, int]:
        common = [v for v in pairs.values() if {"a", "b"} <= v.keys()]
        return sum(v["a"] == v["b"] for v in common) / len(common), len(common)

    codes = {"1": "yes", "2": "abstain", "3": "no"}
    pairs: dict[int, dict[str, str]] = {}
    with gzip.open(mirror / "unvotes/UNVotesPublished.csv.gz", "rt") as f:
        for row in csv.DictReader(f):
            if row["session"] == "55" and row["ccode"] in ("770", "365") and row["vote"] in codes:
                pairs.setdefault(int(row["rcid"]), {})["a" if row["ccode"] == "770" else "b"] = \
                    codes[row["vote"]]
    expected_v = agreement(pairs)
    assert expected_v[0] == 0.765625  # the value DESIGN.md quotes

    with gzip.open(mirror / "unvotes/un_roll_calls.csv.gz", "rt") as f:
        session55 = {r["rcid"] for r in csv.DictReader(f) if r["session"] == "55"}
    pairs = {}
    with gzip.open(mirror / "unvotes/un_votes.csv.gz", "rt") as f:
        for row in csv.DictReader(f):
            if row["rcid"] in session55 and row["country"] in ("Pakistan", "Russia"):
                pairs.setdefault(int(row["rcid"]), {})[
                    "a" if row["country"] == "Pakistan" else "b"] = row["vote"]
    expected_u = agreement(pairs)

    for release, (agree, n) in (("voeten-2017", expected_v), ("unvotes-0.3.0", expected_u)):
        frame = un_votes_dyadic(real_store, release=release, countries=["PAK", "RUS"],
                                years=(2000, 2000))
        row = frame[(frame.a == "PAK") & (frame.b == "RUS")]
        assert row.un_agreement.iloc[0] == pytest.approx(agree)
        assert row.un_common_votes.iloc[0] == n


@pytest.mark.mirror
def test_real_matrix_path_equals_ibis_path(real_store: Store) -> None:
    """The fast path and the portable Ibis query agree on every pair-year of a release."""
    years = (2000, 2015)
    fast = un_votes_dyadic(real_store, release="voeten-2017", years=years, method="matrix")
    portable = un_votes_dyadic(real_store, release="voeten-2017", years=years, method="ibis")
    assert len(fast) == len(portable) > 300_000
    merged = fast.merge(portable, on=["a", "b", "year"], suffixes=("_m", "_i"))
    assert len(merged) == len(fast)
    assert (merged.un_common_votes_m == merged.un_common_votes_i).all()
    pd.testing.assert_series_equal(merged.un_agreement_m, merged.un_agreement_i,
                                   check_names=False, rtol=1e-12)
    pd.testing.assert_series_equal(merged.un_kappa_m, merged.un_kappa_i, check_names=False,
                                   rtol=1e-9, atol=1e-12)
