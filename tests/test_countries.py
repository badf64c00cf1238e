"""Tests of amity.countries: the crosswalk, name matching and the vectorised helpers.

Tests marked ``mirror`` read ../shared/data at run time and are skipped when it
is absent; nothing from it is copied into the repository.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pandas as pd
import pytest

from amity import countries
from amity._exceptions import AmityError, UnknownCountryError
from amity.countries import (
    cameo_region,
    iso3_from,
    iso3_from_cow,
    iso3_from_gw,
    resolve,
    table,
    to_iso3,
    unknown_values,
)

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
VARIANTS = Path(__file__).resolve().parent / "data" / "country_name_variants.csv"


def _mirror_file(*parts: str) -> Path:
    path = MIRROR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"mirror file {path} not available")
    return path


def _variant_rows() -> list[tuple[str, str]]:
    with VARIANTS.open(encoding="utf-8", newline="") as fh:
        return [(r["query"], r["expected_iso3"]) for r in csv.DictReader(fh)]


# --- the name-variant file -------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), _variant_rows())
def test_name_variants(query: str, expected: str) -> None:
    if expected:
        assert to_iso3(query) == expected
    else:
        with pytest.raises(UnknownCountryError):
            resolve(query)


def test_variant_file_is_big_enough_and_has_traps() -> None:
    rows = _variant_rows()
    assert len(rows) >= 80
    traps = {q for q, e in rows if not e}
    assert {"Perugia", "New Mexico", "Europe", "World"} <= traps


# --- resolve ---------------------------------------------------------------------------

def test_resolve_codes_of_every_kind() -> None:
    assert resolve(770).iso3 == "PAK"
    assert resolve("770").iso3 == "PAK"
    assert resolve(" pak ").iso3 == "PAK"
    assert resolve("PK").iso3 == "PAK"
    assert resolve("GMY").iso3 == "DEU"  # COW abbreviation
    assert resolve("ROM").iso3 == "ROU"  # former ISO3 / CAMEO
    assert resolve("MTN").iso3 == "MNE"  # CAMEO code for Montenegro


def test_ambiguity_order_iso3_before_cow_before_iso2() -> None:
    assert resolve("AUS").iso3 == "AUS"  # ISO3 Australia beats COW's Austria
    assert resolve("CZE").iso3 == "CZE"  # ISO3 Czechia beats COW's Czechoslovakia
    assert resolve("SAL").iso3 == "SLV"  # COW abbreviation for El Salvador
    assert resolve("CH").iso3 == "CHE"  # ISO2 (FIPS CH would be China)


def test_ussr_is_russia_with_a_note() -> None:
    c = resolve(365, year=1980)
    assert c.iso3 == "RUS"
    assert "USSR" in c.note
    assert resolve(365, year=2000).note == resolve("RUS").note  # the general note
    assert "USSR" in resolve("USSR").note
    assert resolve("Soviet Union").iso3 == "RUS"


def test_cow_codes_with_changing_meaning() -> None:
    assert resolve(345, year=1990).iso3 == "YUG"
    assert resolve(345, year=2010).iso3 == "SRB"
    assert resolve(345).iso3 == "SRB"  # current meaning without a year
    assert resolve(260).iso3 == resolve(255).iso3 == "DEU"
    assert resolve(678).iso3 == resolve(679).iso3 == "YEM"
    assert resolve(265).iso3 == "DDR"
    assert resolve(680).iso3 == "YMD"
    assert resolve(816).iso3 == "VNM"
    assert resolve(817).iso3 == "XRV"
    assert resolve(316).iso3 == "CZE" and resolve(317).iso3 == "SVK"


def test_whole_names_only() -> None:
    for trap in ["Perugia", "New Mexico", "Nigerian", "Guinea Bay", "Sudan Republic South"]:
        with pytest.raises(UnknownCountryError):
            resolve(trap)
    assert to_iso3("Niger") == "NER" and to_iso3("Nigeria") == "NGA"
    assert to_iso3("Dominica") == "DMA" and to_iso3("Dominican Republic") == "DOM"
    assert to_iso3("Sudan") == "SDN" and to_iso3("South Sudan") == "SSD"


def test_unknown_country_error() -> None:
    with pytest.raises(UnknownCountryError) as info:
        resolve("Europe")
    err = info.value
    assert isinstance(err, KeyError) and isinstance(err, AmityError)
    assert err.query == "Europe"
    assert err.suggestions and all(isinstance(s, str) for s in err.suggestions)
    assert "did you mean" in str(err) and err.suggestions[0] in str(err)
    with pytest.raises(KeyError):
        resolve("Pakistn")
    assert resolve_suggestions("Pakistn")[0] == "Pakistan"
    with pytest.raises(UnknownCountryError):
        resolve(99999)
    with pytest.raises(UnknownCountryError):
        resolve("")


def resolve_suggestions(query: str) -> list[str]:
    try:
        resolve(query)
    except UnknownCountryError as err:
        return err.suggestions
    raise AssertionError(f"{query!r} resolved")


# --- CAMEO -----------------------------------------------------------------------------

def test_cameo_regions_are_not_states() -> None:
    assert cameo_region("EUR") == "Europe"
    assert cameo_region("sas") == "South Asia"
    assert cameo_region("WSB") == "West Bank"
    assert cameo_region("PAK") is None
    out = iso3_from(pd.Series(["EUR", "AFR", "SAS", "WST", "PAK", "ROM", "TMP", "SAF"]), "cameo")
    assert out.tolist() == [pd.NA, pd.NA, pd.NA, pd.NA, "PAK", "ROU", "TLS", pd.NA]


@pytest.mark.mirror
def test_cameo_country_list_of_the_mirror() -> None:
    path = _mirror_file("cameo", "CAMEO.country.txt")
    cameo = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="latin-1")
    iso3 = iso3_from(cameo["CODE"], "cameo")
    regions = cameo["CODE"].map(cameo_region)
    assert (iso3.isna() == regions.notna()).all()  # every code is a state or a region
    assert iso3.notna().sum() > 200


# --- vectorised helpers ----------------------------------------------------------------

def test_iso3_from_cow_with_years() -> None:
    codes = pd.Series([345, 345, 260, 265, 365, 770, None, 1], index=list("abcdefgh"))
    years = pd.Series([1990, 2010, 1980, 1980, 1980, 2000, 2000, 2000], index=list("abcdefgh"))
    out = iso3_from_cow(codes, years)
    assert out.index.tolist() == list("abcdefgh")
    assert out.dtype == "string"
    assert out.tolist() == ["YUG", "SRB", "DEU", "DDR", "RUS", "PAK", pd.NA, pd.NA]
    assert iso3_from_cow(pd.Series(["770", "2.0", "abc"])).tolist() == ["PAK", "USA", pd.NA]


def test_iso3_from_each_system() -> None:
    cases = {
        "iso3": (["pak", "SUN", "SCG", "XXX"], ["PAK", "RUS", "YUG", pd.NA]),
        "iso2": (["PK", "CS", "YU", "DD", "YD", "NA", "EU"],
                 ["PAK", "CSK", "YUG", "DDR", "YMD", "NAM", pd.NA]),
        "iso_numeric": (["586", 4, "643", "810"], ["PAK", "AFG", "RUS", "RUS"]),
        "fips": (["PK", "RS", "CH", "GM", "UK", "GZ"], ["PAK", "RUS", "CHN", "DEU", "GBR", "PSE"]),
        "cow_abb": (["PAK", "GFR", "YAR", "RVN"], ["PAK", "DEU", "YEM", "XRV"]),
        "cow": ([770, "365"], ["PAK", "RUS"]),
        "gw": ([770, "260", 340, 970], ["PAK", "DEU", "SRB", "KIR"]),
        "name": (["Pakistan", "World", "Russian Federation"], ["PAK", pd.NA, "RUS"]),
    }
    for system, (values, expected) in cases.items():
        assert iso3_from(pd.Series(values), system).tolist() == expected, system
    with pytest.raises(ValueError, match="unknown code system"):
        iso3_from(pd.Series(["PK"]), "isoX")


# --- Gleditsch-Ward numbers: hand-typed from the GW state list ---------------------------

@pytest.mark.parametrize(("code", "year", "expected"), [
    (260, 1955, "DEU"), (260, 1995, "DEU"),  # GW 260: Federal Republic from 1949, then Germany
    (255, 1900, "DEU"),  # GW 255: Germany (Prussia) to 1945
    (265, 1980, "DDR"),
    (345, 1920, "YUG"), (345, 1999, "YUG"), (345, 2005, "YUG"),  # Yugoslavia 1918-2006
    (345, 2006, "SRB"), (345, 2014, "SRB"),  # UCDP keeps 345 for Serbia (CAR, 2014-)
    (340, 2006, "SRB"), (340, 2010, "SRB"),  # GW 340 Serbia: not a COW number
    (340, 1900, "YUG"),  # Serbia 1878-1915: reported like COW 345 in that year
    (341, 2010, "MNE"), (347, 2010, "XKX"),
    (678, 1980, "YEM"), (678, 2015, "YEM"),  # GW 678 before and after 1990 (COW 679 after)
    (680, 1980, "YMD"),
    (816, 1970, "VNM"), (816, 1990, "VNM"), (817, 1970, "XRV"),
    (970, 2000, "KIR"), (971, 2000, "NRU"), (972, 2004, "TON"), (973, 2000, "TUV"),
    (365, 1980, "RUS"), (365, 2022, "RUS"), (731, 2024, "PRK"), (369, 2022, "UKR"),
    (315, 1980, "CSK"), (316, 2000, "CZE"), (300, 1900, "XAH"), (305, 1950, "AUT"),
])
def test_iso3_from_gw_hand_cases(code: int, year: int, expected: str) -> None:
    assert iso3_from_gw(pd.Series([code]), pd.Series([year])).tolist() == [expected]


def test_gw_is_not_cow() -> None:
    """The same number means another state, or nothing, in the other system."""
    codes = pd.Series([970, 340, 679, 955, 260, 751])
    years = pd.Series([2000, 2010, 2000, 2000, 1985, 1948])
    assert iso3_from_gw(codes, years).tolist() == ["KIR", "SRB", pd.NA, pd.NA, "DEU", pd.NA]
    # COW: 970 Nauru, 340 none, 679 Yemen, 955 Tonga, 260 West Germany, 751 none
    assert iso3_from_cow(codes, years).tolist() == ["NRU", pd.NA, "YEM", "TON", "DEU", pd.NA]


def test_iso3_from_gw_index_missing_and_current_meaning() -> None:
    codes = pd.Series([345, "340", 345.0, None, "x", 2.5], index=list("abcdef"))
    years = pd.Series([1990, 2010, None, 2000, 2000, 2000], index=list("abcdef"))
    out = iso3_from_gw(codes, years)
    assert out.index.tolist() == list("abcdef") and out.dtype == "string"
    # a changing number without a year stays NA, like iso3_from_cow
    assert out.tolist() == ["YUG", "SRB", pd.NA, pd.NA, pd.NA, pd.NA]
    assert iso3_from_gw(pd.Series([345, 340, 678])).tolist() == ["SRB", "SRB", "YEM"]
    assert unknown_values(pd.Series([770, 751, 563, 751]), "gw") == [563, 751]


def test_every_gw_code_of_the_crosswalk_maps_to_its_country() -> None:
    """Each row's own gw_code, in a year the entity existed, gives the row back."""
    rows = table()
    rows = rows[rows["gw_code"].notna()]
    years = rows["valid_to"].dt.year.fillna(2020).clip(upper=2020).astype(int)
    years = years.where(rows["iso3"] != "YUG", 2000)  # GW 345 is SRB from 2006
    assert len(rows) > 200
    assert iso3_from_gw(rows["gw_code"], years).tolist() == rows["iso3"].tolist()


@pytest.mark.mirror
def test_every_ucdp_gw_code_resolves_but_hyderabad() -> None:
    data = pd.read_csv(_mirror_file("conflict", "ucdp_acd.csv.gz"), dtype=str,
                       keep_default_na=False)
    cols = ["gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"]
    long = pd.concat([data[[c, "year"]].set_axis(["gw", "year"], axis=1) for c in cols])
    long = long[long["gw"] != ""]
    out = iso3_from_gw(long["gw"], long["year"])
    assert sorted(set(long.loc[out.isna().to_numpy(), "gw"])) == ["751"]  # Hyderabad 1947-48


def test_unknown_values_lists_each_once() -> None:
    values = pd.Series(["Pakistan", "World", "High income", "World", None, ""])
    assert unknown_values(values, "name") == ["High income", "World"]


def test_helpers_are_fast_on_large_columns() -> None:
    n = 1_000_000
    names = pd.Series(["Pakistan", "Russian Federation", "Viet Nam", "World"] * (n // 4))
    codes = pd.Series([770, 365, 345, 2] * (n // 4))
    years = pd.Series([1990, 1980, 2010, 2000] * (n // 4))
    start = time.perf_counter()
    iso3_from(names, "name")
    iso3_from_cow(codes, years)
    assert time.perf_counter() - start < 5


# --- the table -------------------------------------------------------------------------

def test_table_shape_and_keys() -> None:
    t = table()
    assert t["iso3"].is_unique
    assert t["iso3"].str.fullmatch("[A-Z]{3}").all()
    assert len(t) > 260
    assert t["iso2"].dropna().is_unique
    assert t["fips"].dropna().is_unique
    assert t["cameo"].dropna().is_unique
    successors = set(t["successor_iso3"].dropna())
    assert successors <= set(t["iso3"])
    row = t.set_index("iso3").loc["DDR"]
    assert row["successor_iso3"] == "DEU"
    assert row["valid_to"] == pd.Timestamp("1990-12-31")
    assert "Soviet Union" in t.set_index("iso3").loc["RUS", "variants"].split("|")
    t.loc[0, "name"] = "changed"  # callers get a copy
    assert table().loc[0, "name"] != "changed"


def test_table_matches_store_schema() -> None:
    from amity._schema import TABLES

    assert set(TABLES["countries"].columns) <= set(table().columns)


def test_amity_codes_for_historical_states_are_x_codes() -> None:
    t = table()
    invented = t[t["iso3"].str.startswith("X") & (t["iso3"] != "XKX")]
    assert len(invented) >= 15
    assert invented["iso2"].isna().all() and invented["note"].notna().all()


def test_country_data_has_no_conflicts() -> None:
    countries._index.cache_clear()
    idx = countries._index()  # raises ValueError if a code or name maps to two countries
    known = set(table()["iso3"])
    for code, spells in idx.spells.items():
        assert {iso3 for _, _, iso3, _ in spells} <= known, code
        spells = sorted(spells)
        # no overlaps
        assert all(a[1] < b[0] for a, b in zip(spells, spells[1:], strict=False)), code


# --- against the mirror ----------------------------------------------------------------

@pytest.mark.mirror
def test_every_cow_state_resolves() -> None:
    states = pd.read_csv(_mirror_file("cow", "states2016.csv"))
    for row in states.itertuples():
        for year in (row.styear, row.endyear):
            assert resolve(row.ccode, year=year).iso3, row
    iso3 = iso3_from_cow(states["ccode"], states["endyear"])
    assert iso3.notna().all()
    assert iso3[states["ccode"] == 345].tolist() == ["YUG", "SRB"]  # 1878-1941, 1944-2016
    # a COW abbreviation means the same state as its number (345 aside: YUG/SRB)
    by_abb = iso3_from(states["stateabb"], "cow_abb")
    same = (by_abb == iso3) | (states["ccode"] == 345)
    assert same.all(), states[~same]


@pytest.mark.mirror
def test_every_geonames_country_resolves_with_its_fips() -> None:
    path = _mirror_file("fips", "geonames_countryInfo.txt")
    geo = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    for row in geo.itertuples():
        c = resolve(row.ISO3)
        expected = row.ISO3 if row.ISO3 != "SCG" else "YUG"  # Serbia and Montenegro
        assert c.iso3 == expected, row.ISO3
        assert (c.fips or "") == row.fips, (row.ISO3, c.fips, row.fips)
    assert iso3_from(geo["fips"][geo["fips"] != ""], "fips").notna().all()
    assert iso3_from(geo["Country"], "name").notna().all()


@pytest.mark.mirror
def test_every_unvotes_country_code_resolves() -> None:
    path = _mirror_file("unvotes", "un_votes.csv.gz")
    votes = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["country", "country_code"])
    pairs = votes.drop_duplicates()
    coded = pairs[pairs["country_code"] != ""]
    iso3 = iso3_from(coded["country_code"], "iso2")
    assert unknown_values(coded["country_code"], "iso2") == []
    historical = dict(zip(coded["country_code"], iso3, strict=True))
    assert {k: historical[k] for k in ("CS", "YU", "DD", "YD", "NA")} == {
        "CS": "CSK", "YU": "YUG", "DD": "DDR", "YD": "YMD", "NA": "NAM"}
    assert unknown_values(pairs["country"], "name") == []
    # where both are given, the name and the code agree
    assert (iso3_from(coded["country"], "name").values == iso3.values).all()


# Files that give a code next to each name: where the code is a country, the name must
# resolve to the same country. Exceptions, each a publisher's choice amity does not follow:
NAME_CODE_EXCEPTIONS = {
    # groups filed under one member's code by BACI (-> BEL, ZAF); amity leaves them unmapped
    "Belgium-Luxembourg", "Belgium-Luxembourg (...1998)", "Southern African Customs Union",
    "Southern African Customs Union (...1999)", "So. African Customs Union",
    # OTS gives nld this full name; the name means ANT
    "Netherlands Antilles (includes Aruba until 1988)",
    # WTO calls SXM (Dutch part) "Saint Martin", which elsewhere (GeoNames) is MAF
    "Saint Martin",
    # SIPRI files a rival government and an unrecognised state under LBY's and CYP's codes
    "Libya GNC", "Northern Cyprus",
}


@pytest.mark.mirror
@pytest.mark.parametrize(("folder", "file", "pairs"), [
    ("wdi", "gdp.csv", [("Country Name", "Country Code", "iso3")]),
    ("wdi", "population.csv", [("Country Name", "Country Code", "iso3")]),
    ("sipri", "sipri-exports-processed.csv.gz",
     [("supplier", "supplier_cown", "cow"), ("recipient", "recipient_cown", "cow")]),
    ("ots", "countries.csv.gz", [("country_name_english", "country_iso", "iso3"),
                                 ("country_fullname_english", "country_iso", "iso3")]),
    ("baci", "country_codes_V202301.csv",
     [("country_name_abbreviation", "iso_3digit_alpha", "iso3"),
      ("country_name_full", "country_code", "iso_numeric")]),
    ("baci", "country_codes_V202601.csv", [("country_name", "country_iso3", "iso3")]),
    ("wto", "merchandise_values_annual_dataset_2019_2020.csv",
     [("Reporter", "ReporterISO3A", "iso3")]),
])
def test_mirror_names_agree_with_their_codes(folder: str, file: str, pairs: list) -> None:
    data = pd.read_csv(_mirror_file(folder, file), dtype=str, keep_default_na=False)
    for name_col, code_col, system in pairs:
        cols = [name_col, code_col] + (["year"] if system == "cow" else [])
        df = data[cols].drop_duplicates()
        df = df[~df[name_col].str.endswith("*")]  # SIPRI's non-state actors
        if system == "cow":  # COW 345 changes meaning in 2006
            by_code = iso3_from_cow(df[code_col].replace("", None), df["year"])
        else:
            by_code = iso3_from(df[code_col].replace("", None), system)
        by_name = iso3_from(df[name_col], "name")
        exception = df[name_col].isin(NAME_CODE_EXCEPTIONS)
        bad = df[by_code.notna() & ~exception & (by_name != by_code).fillna(True)]
        assert bad.empty, (file, bad.to_dict("records"))


@pytest.mark.mirror
@pytest.mark.parametrize(("folder", "file", "columns", "allowed"), [
    ("students", "OECD_Intl_Student_Enrollment_2013_2019.csv.gz",
     ["COUNTRY_OF_SCHOOL", "COUNTRY_OF_ORIGIN"], set()),
    # UN regions left in the cleaned table (its "Micronesia" region resolves to FSM, like
    # everywhere else, so the migration parser must drop region rows itself)
    ("migration", "UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz", ["Dest"],
     {"Channel Islands", "South America", "Caribbean", "Polynesia", "Melanesia"}),
    # ICEWS writes NA for a missing country
    ("icews", "events.2018.sample.tab.gz", ["Source Country", "Target Country"], {"NA"}),
])
def test_mirror_names_resolve(folder: str, file: str, columns: list[str], allowed: set) -> None:
    sep = "\t" if file.endswith(".tab.gz") else ","
    data = pd.read_csv(_mirror_file(folder, file), sep=sep, dtype=str, keep_default_na=False)
    names = pd.concat([data[c] for c in columns]).drop_duplicates()
    assert set(unknown_values(names, "name")) <= allowed


@pytest.mark.mirror
def test_migration_origins_resolve() -> None:
    path = _mirror_file("migration", "UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz")
    origins = pd.Series(pd.read_csv(path, nrows=0).columns[2:])
    assert unknown_values(origins, "name") == ["Channel Islands"]  # Jersey + Guernsey


@pytest.mark.mirror
def test_gdelt_codes_resolve() -> None:
    path = _mirror_file("gdelt", "events_v2", "20180101000000.export.CSV.gz")
    events = pd.read_csv(path, sep="\t", header=None, dtype=str, keep_default_na=False)
    actors = pd.concat([events[7], events[17]])
    actors = actors[(actors != "") & actors.map(cameo_region).isna()]
    assert unknown_values(actors, "cameo") == []
    geo = pd.concat([events[c] for c in (37, 45, 53)])
    assert set(unknown_values(geo[geo != ""], "fips")) <= {"OC", "OS"}  # oceans
