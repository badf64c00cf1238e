"""`amity export` and `amity rank` on the real store, checked against the raw files."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd
import pytest

import amity
from amity.store import Store

pytestmark = pytest.mark.mirror


def _agreement_from_raw(mirror: Path, pairs: list[tuple[str, str, int]]) -> dict:
    """un_agreement from un_votes.csv.gz + un_roll_calls.csv.gz with the csv module."""
    from amity.countries import iso3_from

    with gzip.open(mirror / "unvotes/un_roll_calls.csv.gz", "rt") as f:
        year_of = {r["rcid"]: int(r["session"]) + 1945 for r in csv.DictReader(f)}
    wanted_years = {y for _, _, y in pairs}
    votes: dict[tuple[str, int], dict[str, str]] = {}
    rows = []
    with gzip.open(mirror / "unvotes/un_votes.csv.gz", "rt") as f:
        for r in csv.DictReader(f):
            if year_of[r["rcid"]] in wanted_years:
                rows.append(r)
    codes = pd.Series([r["country_code"] for r in rows])
    iso = iso3_from(codes, "iso2").fillna(iso3_from(pd.Series([r["country"] for r in rows]),
                                                    "name"))
    for r, c in zip(rows, iso, strict=True):
        votes.setdefault((c, year_of[r["rcid"]]), {})[r["rcid"]] = r["vote"]
    out = {}
    for a, b, y in pairs:
        va, vb = votes[(a, y)], votes[(b, y)]
        common = set(va) & set(vb)
        out[(a, b, y)] = sum(va[k] == vb[k] for k in common) / len(common)
    return out


def _shared_igos_from_raw(mirror: Path, pairs: list[tuple[int, int, int]]) -> dict:
    want = {(str(c), str(y)) for a, b, y in pairs for c in (a, b)}
    rows = {}
    with gzip.open(mirror / "cow/state_year_format3.csv.gz", "rt") as f:
        reader = csv.reader(f)
        header = next(reader)
        for r in reader:
            if (r[0], r[1]) in want:
                rows[(r[0], r[1])] = r
    return {(a, b, y): sum(1 for i in range(3, len(header))
                           if rows[(str(a), str(y))][i] in ("1", "2")
                           and rows[(str(b), str(y))][i] in ("1", "2"))
            for a, b, y in pairs}


def test_export_agrees_with_raw_files(real_store: Store, mirror: Path, tmp_path: Path) -> None:
    data, dictionary, rows = amity.export(tmp_path / "dyads.parquet", store=real_store)
    frame = pd.read_parquet(data).set_index(["a", "b", "year"])
    assert rows == len(frame) > 1_000_000 and frame.index.is_unique
    pairs = [("PAK", "RUS", 2000), ("USA", "CHN", 1985), ("IND", "PAK", 2010),
             ("FRA", "DEU", 1995)]
    for key, value in _agreement_from_raw(mirror, pairs).items():
        assert frame.loc[key, "un_agreement"] == pytest.approx(value), key
    cow = {"PAK": 770, "RUS": 365, "IND": 750, "CHN": 710, "USA": 2, "BRA": 140}
    igo_pairs = [("PAK", "RUS", 1975), ("IND", "CHN", 2000), ("USA", "BRA", 2014)]
    raw = _shared_igos_from_raw(mirror, [(cow[a], cow[b], y) for a, b, y in igo_pairs])
    for a, b, y in igo_pairs:
        assert frame.loc[(a, b, y), "shared_igos"] == raw[(cow[a], cow[b], y)]
    # after the IGO data end (2014): 2014's count carried five years, said so, then NA
    carried = frame.loc[("PAK", "RUS", 2017), ["shared_igos", "shared_igos_asof"]].tolist()
    assert carried == [frame.loc[("PAK", "RUS", 2014), "shared_igos"], 2014]
    assert pd.isna(frame.loc[("PAK", "RUS", 2020), "shared_igos"])
    words = pd.read_csv(dictionary).set_index("column")
    assert words.loc["un_agreement", "sources"] == ("unvotes/unvotes-0.3.0 1946-2019; "
                                                    "unvotes/undl-2025 2025-2025")
    assert words.loc["composite", "unit"] == "0-100"
    und, _, n_und = amity.export(tmp_path / "und.csv", store=real_store, directed=False,
                                 years=(2000, 2001), indicators=["un_agreement"])
    small = pd.read_csv(und)
    assert (small.a < small.b).all() and set(small.year) == {2000, 2001} and n_und == len(small)
    assert list(small.columns[:4]) == ["a", "b", "year", "un_agreement"]
    with pytest.raises(amity.InputError, match="not in the panel"):
        amity.export(tmp_path / "x.csv", store=real_store, indicators=["nope"])


def test_dictionary_explains_index_and_carry_columns() -> None:
    from amity.export import data_dictionary

    d = data_dictionary(["basis", "system_pair", "air_routes_asof", "composite", "no_such"],
                        {"air_routes": ["openflights/2014 2014"]}).set_index("column")
    assert "half of the year's pairs" in d.loc["basis", "definition"]
    assert d.loc["system_pair", "unit"] == "true/false"
    assert d.loc["air_routes_asof", "unit"] == "year"
    assert d.loc["air_routes_asof", "dimension"] == "people"
    assert d.loc["air_routes_asof", "sources"] == "openflights/2014 2014"
    assert "at least three" in d.loc["composite", "definition"]
    assert d.loc["no_such", "definition"] == "no_such"  # unknown columns are named, not invented
