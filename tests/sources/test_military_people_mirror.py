"""Spot checks on the real mirror: each value recomputed a second, simpler way.

The store is built once per module from ../shared/data (COW states for the universe,
ATOP, SIPRI, OpenFlights, UN migrant stock, OECD students, WDI). The expected values are
read from the publisher files with the csv module or pandas.read_excel, not through amity.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from amity.indicators import military, people
from amity.sources import atop, cow, migration, openflights, sipri, students, wdi
from amity.store import Store

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Iterator[Store]:
    s = Store(tmp_path_factory.mktemp("milmirror") / "s.duckdb")
    for dataset in (cow.DATASETS[0], *atop.DATASETS, *sipri.DATASETS, *openflights.DATASETS,
                    *migration.DATASETS, *students.DATASETS, *wdi.DATASETS):
        paths = {f.name: mirror / f.path for f in dataset.files}
        s.ingest(dataset, dataset.parse(paths, "error"), hashes={})
    yield s
    s.close()


def test_atop_pak_rus_and_pak_usa(store: Store, mirror: Path) -> None:
    rows: dict[tuple[str, int], list[dict[str, str]]] = {}
    with gzip.open(mirror / "atop/atop_alliance.csv.gz", "rt", newline="") as fh:
        for r in csv.DictReader(fh):
            pair = {r["ccode1"], r["ccode2"]}
            for other, code in (("RUS", "365"), ("USA", "2")):
                if pair == {"770", code}:
                    rows.setdefault((other, int(r["year"])), []).append(r)
    f = military.alliances_dyadic(store, countries=["PAK", "RUS", "USA"]).set_index(
        ["a", "b", "year"])
    for other in ("RUS", "USA"):
        for year in range(1947, 2019):  # PAK in the system from 1947; ATOP ends 2018
            found = rows.get((other, year), [])
            flags = [int(r[k]) for r in found for k in r if k.startswith("atop_")]
            defense = any(r["atop_defense"] == "1" for r in found)
            got = f.loc[("PAK", other, year)]
            assert bool(got.alliance_any) == any(flags), (other, year)
            assert bool(got.alliance_defense) == defense, (other, year)
    assert min(y for o, y in rows if o == "RUS") == 2004  # SOURCE.md: 2004-2018
    assert ("PAK", "RUS", 2019) not in f.index


def _tiv(path: Path, recipient: str) -> dict[int, float]:
    with open(path, newline="", encoding="utf-8") as fh:
        lines = list(csv.reader(fh))
    years = [int(y) for y in lines[10][1:-1]]
    row = next(r for r in lines[11:] if r and r[0] == recipient)
    return {y: float(v) for y, v in zip(years, row[1:-1], strict=False) if v}


def test_sipri_russia_to_pakistan(store: Store, mirror: Path) -> None:
    raw = mirror / "sipri/trademap-raw"
    expected = {y: 0.0 for y in range(1950, 2022)}
    for table in ("TIV-Export-USR-1950-2021.csv", "TIV-Export-RUS-1950-2021.csv"):
        for year, value in _tiv(raw / table, "Pakistan").items():
            expected[year] += value
    back = {y: 0.0 for y in range(1950, 2022)}
    with open(raw / "TIV-Export-PAK-1950-2021.csv", newline="") as fh:
        assert not any(r and r[0] in ("Russia", "Soviet Union") for r in csv.reader(fh))
    f = military.arms_dyadic(store, countries=["PAK", "RUS"]).set_index(["a", "b", "year"])
    got = {y: f.loc[("RUS", "PAK", y)].arms_tiv_a_to_b for y in range(1950, 2022)}
    assert got == expected
    assert {y: f.loc[("RUS", "PAK", y)].arms_tiv_b_to_a for y in range(1950, 2022)} == back
    assert expected[1968] == 199.0 and expected[2021] == 11.0
    assert ("RUS", "PAK", 1949) not in f.index and ("RUS", "PAK", 2022) not in f.index


def test_sipri_processed_lacks_west_german_exports(store: Store, mirror: Path) -> None:
    with gzip.open(mirror / "sipri/sipri-exports-processed.csv.gz", "rt", newline="") as fh:
        german = [r for r in csv.DictReader(fh) if r["supplier"] == "Germany"]
    assert german and min(int(r["year"]) for r in german) >= 1991
    tables = store.table("arms_transfers", source="sipri")
    old = tables.filter((tables.supplier == "DEU") & (tables.year < 1991))
    by_release = old.group_by("release").aggregate(n=old.count()).to_pandas()
    counts = dict(zip(by_release["release"], by_release["n"], strict=True))
    assert counts.get("processed", 0) == 0 and counts["trademap-2022"] > 600


def _route_countries(mirror: Path) -> tuple[list[list[str]], dict[str, str], dict[str, str]]:
    folder = mirror / "openflights"
    by_id: dict[str, str] = {}
    by_code: dict[str, str] = {}
    for name in ("airports-extended.dat", "airports.dat"):  # airports.dat wins
        with open(folder / name, newline="", encoding="utf-8") as fh:
            for r in csv.reader(fh):
                by_id[r[0]] = r[3]
                for code in (r[4], r[5]):
                    if code != "\\N":
                        by_code[code] = r[3]
    with open(folder / "routes.dat", newline="", encoding="utf-8") as fh:
        routes = list(csv.reader(fh))
    return routes, by_id, by_code


def test_openflights_route_counts(store: Store, mirror: Path) -> None:
    routes, by_id, by_code = _route_countries(mirror)

    def country(code: str, airport_id: str) -> str | None:
        return by_id.get(airport_id) or by_code.get(code)

    counts: dict[frozenset[str], int] = {}
    for r in routes:
        if r[7] != "0":
            continue
        pair = frozenset((country(r[2], r[3]), country(r[4], r[5])))
        counts[pair] = counts.get(pair, 0) + 1
    f = people.air_routes_dyadic(store, countries=["PAK", "RUS", "ARE", "CHN"])
    v = f.set_index(["a", "b"])["air_routes"]
    assert v[("PAK", "RUS")] == counts.get(frozenset({"Pakistan", "Russia"}), 0) == 0
    assert v[("PAK", "ARE")] == counts[frozenset({"Pakistan", "United Arab Emirates"})] > 50
    assert v[("PAK", "CHN")] == counts[frozenset({"Pakistan", "China"})]
    assert v[("RUS", "CHN")] == counts[frozenset({"Russia", "China"})]
    assert set(f["year"]) == {2014}


def test_migrants_pakistan_in_russia(store: Store, mirror: Path) -> None:
    sheet = pd.read_excel(mirror / "migration/UN_MigrantStockByOriginAndDestination_2015.xlsx",
                          sheet_name="Table 16", header=None)
    origins = list(sheet.iloc[15])
    russia = sheet[sheet.iloc[:, 3] == 643].iloc[0]
    in_2015 = float(russia.iloc[origins.index("Pakistan")])
    total_2015 = float(russia.iloc[origins.index("Total")])
    assert in_2015 == 728.0
    f15 = people.migration_dyadic(store, release="2015", countries=["PAK", "RUS"])
    assert f15.set_index(["a", "b", "year"]).loc[("PAK", "RUS", 2015)].migrants_a_in_b == in_2015
    # Russia-born in Pakistan: an empty cell in the UN workbook -> NA
    assert pd.isna(f15.set_index(["a", "b", "year"]).loc[("PAK", "RUS", 2015)].migrants_b_in_a)
    series = {}
    with gzip.open(mirror / "migration/UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz",
                   "rt", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["Dest"] == "Russian Federation":
                series[int(r["Year"])] = float(r["Pakistan"])
    f19 = people.migration_dyadic(store, countries=["PAK", "RUS"]).set_index(["a", "b", "year"])
    assert {y: f19.loc[("PAK", "RUS", y)].migrants_a_in_b for y in series} == series
    assert series[2015] == in_2015
    totals = store.table("migration", source="migration", release="2020-totals")
    rus = totals.filter((totals.destination == "RUS") & (totals.year == 2015)).to_pandas()
    assert rus["stock"].tolist() == [total_2015]  # the 2020 workbook agrees with 2015's total


def test_students_and_wdi(store: Store, mirror: Path) -> None:
    with gzip.open(mirror / "students/OECD_Intl_Student_Enrollment_2013_2019.csv.gz", "rt",
                   newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["COUNTRY_OF_SCHOOL"] == "Russian Federation"
                and r["COUNTRY_OF_ORIGIN"] == "Pakistan"]
    expected = {int(r["YEAR"]): float(r["TOTAL_INTL_STUDENTS"]) for r in rows}
    f = people.students_dyadic(store, countries=["PAK", "RUS"]).set_index(["a", "b", "year"])
    for year, value in expected.items():
        if value:
            assert f.loc[("PAK", "RUS", year)].students_a_in_b == value
        else:
            assert ("PAK", "RUS", year) not in f.index  # 0 may mean not reported
    assert expected[2019] == 230.0
    with open(mirror / "wdi/gdp.csv", newline="") as fh:
        gdp = {r["Year"]: float(r["Value"]) for r in csv.DictReader(fh)
               if r["Country Code"] == "PAK"}
    macro = store.table("macro", source="wdi").to_pandas()
    pak = macro[macro["iso3"] == "PAK"].set_index("year")["gdp_usd"]
    assert pak[2020] == gdp["2020"]
    assert not {"WLD", "SAS", "HIC", "EUU", "CHI"} & set(macro["iso3"])
    assert macro["iso3"].nunique() == 265 - 49  # population.csv: 265 codes, 49 aggregates
