"""Countries: amity's crosswalk between the code systems of international data.

Every table in the store keys countries by ISO3. This module turns whatever a source
uses (ISO2, COW numbers or abbreviations, FIPS 10-4, CAMEO actor codes, ISO numeric,
names) into that key, one value at a time (:func:`resolve`) or a column at a time
(:func:`iso3_from`, :func:`iso3_from_cow`) for ingest.

The data are four CSV files in ``amity/data``, read on first use:

``countries.csv``
    One row per country-entity: the ~250 ISO 3166-1 countries and territories, plus
    historical states. Columns ``iso3, iso2, iso_numeric, name, cow_code, cow_abb,
    gw_code, fips, cameo, valid_from, valid_to, successor_iso3, variants, note``.
    ``variants`` lists other names separated by ``|``. ``valid_from``/``valid_to`` are
    the years the entity existed as a state (blank: before 1816, or not a state).
    ``gw_code`` is Gleditsch-Ward (differs from COW for Germany 260, Serbia 340,
    Yemen 678, Kiribati 970, Nauru 971, Tonga 972, Tuvalu 973); :func:`iso3_from_gw`
    reads it, with the GW numbers whose meaning changes by year (``_GW_SPELLS``).
``cow_spells.csv``
    ``cow_code, iso3, from_year, to_year, note``: what a COW number means in a year.
    COW 255 and 260 are both DEU; 678 and 679 both YEM; 365 is RUS in every year (the
    USSR before 1992, with a note); 345 is YUG before 2006 and SRB from 2006.
``country_variants.csv``
    ``system, value, iso3, note``: former and non-ISO codes and historical names, each
    with a note that :func:`resolve` passes on (``"USSR"`` gives RUS and says why).
``cameo_regions.csv``
    CAMEO actor codes that are not states (``EUR`` Europe, ``SAS`` South Asia, ``WSB``
    West Bank ...). They never map to a country; see :func:`cameo_region`.

Conventions
-----------
* Historical states keep their ISO 3166-3 code where one exists: DDR (East Germany),
  YMD (South Yemen), CSK (Czechoslovakia), YUG (Yugoslavia, including the Federal
  Republic of Yugoslavia and Serbia and Montenegro, ISO SCG), ANT (Netherlands
  Antilles). Their old ISO2 codes (DD, YD, CS, YU, AN) resolve to them; ``CS`` means
  Czechoslovakia, not Serbia and Montenegro.
* States with no ISO code get an amity code of ``X`` plus two letters, which ISO
  reserves for private use: XBV Bavaria, XHN Hanover, XAH Austria-Hungary, XKO Korea
  before 1910, XRV South Vietnam, XZN Zanzibar, ... Kosovo uses XKX, the code the EU,
  IMF and World Bank use.
* The USSR is RUS and North Vietnam is VNM (continuing states), so series do not break.
* Names match whole names and listed variants after normalising case, accents,
  punctuation, "&"/"and", "St."/"Saint" and the word "the"; never
  substrings. "Niger" is not "Nigeria", "New Mexico" is not Mexico. The bare name
  "Korea" means South Korea. Aggregates ("World", "Europe", "High income",
  "Belgium-Luxembourg", "Channel Islands") are not countries and raise
  :class:`~amity._exceptions.UnknownCountryError`.
* Codes are tried before names, in this order: ISO3 (with former ISO3 codes), COW
  abbreviation, ISO2, CAMEO. So "AUS" is Australia, not COW's Austria.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from importlib import resources
from numbers import Real

import pandas as pd

from amity._exceptions import UnknownCountryError

__all__ = ["SYSTEMS", "Country", "cameo_region", "iso3_from", "iso3_from_cow", "iso3_from_gw",
           "name_in", "resolve", "table", "to_iso3", "unknown_values"]

#: Code systems accepted by :func:`iso3_from` and :func:`unknown_values`.
SYSTEMS = ("iso3", "iso2", "iso_numeric", "cow", "gw", "cow_abb", "fips", "cameo", "name")

#: Gleditsch-Ward numbers that ``countries.csv`` (one ``gw_code`` per country) cannot
#: tell: number -> spells ``(from_year, to_year, iso3)``. Every other GW number means
#: the country whose ``gw_code`` it is, in every year. The same state-year gets the same
#: ISO3 from its GW and its COW number (COW 345 is YUG before 2006, SRB from 2006).
_GW_SPELLS: dict[int, tuple[tuple[int, int, str], ...]] = {
    # Germany (Prussia before 1871) to 1945; GW numbers the Federal Republic 260 from 1949
    255: ((1816, 9999, "DEU"),),
    # Serbia 1878-1915 (amity reports pre-1918 Serbia as YUG, like COW 345) and from 2006
    340: ((1816, 2005, "YUG"), (2006, 9999, "SRB")),
    # Yugoslavia 1918-2006; UCDP keeps 345 for Serbia after 2006 (e.g. in the CAR, 2014-)
    345: ((1816, 2005, "YUG"), (2006, 9999, "SRB")),
}

#: Continuing states that had another name: iso3 -> (first year, last year, name). A
#: profile of those years only is titled with that name.
_FORMER_NAMES: dict[str, tuple[int, int, str]] = {
    "RUS": (1922, 1991, "Soviet Union"),
    "DEU": (1949, 1990, "West Germany"),
    "VNM": (1954, 1975, "North Vietnam"),
    "YEM": (1918, 1990, "North Yemen"),
}

_CODE_SYSTEMS = ("iso3", "iso2", "iso_numeric", "cow_abb", "fips", "cameo")
_RESOLVE_ORDER = ("iso3", "cow_abb", "iso2", "cameo")
_UNTIL = re.compile(r"\(\s*\.\.\.\s*\d{4}\s*\)")  # BACI's "USSR (...1990)"
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Country:
    """One row of the crosswalk, as :func:`resolve` returns it.

    ``note`` explains how amity mapped the query when that is not obvious, e.g. that
    COW 365 was the USSR before 1992 and amity reports it as RUS.

    Examples
    --------
    >>> c = resolve("Pakistan")
    >>> c.iso3, c.iso2, c.cow_code, c.fips
    ('PAK', 'PK', 770, 'PK')
    """

    iso3: str
    iso2: str | None
    name: str
    cow_code: int | None
    cow_abb: str | None
    gw_code: int | None
    fips: str | None
    cameo: str | None
    valid_from: int | None
    valid_to: int | None
    successor_iso3: str | None
    note: str | None = None


@dataclass(frozen=True)
class _Index:
    countries: dict[str, Country]  # iso3 -> Country
    codes: dict[str, dict[str, tuple[str, str | None]]]  # system -> code -> (iso3, note)
    names: dict[str, tuple[str, str | None]]  # normalised name -> (iso3, note)
    display: dict[str, str]  # normalised name -> name as written, for suggestions
    spells: dict[int, list[tuple[int, int, str, str | None]]]  # cow -> (from, to, iso3, note)
    regions: dict[str, str]  # CAMEO region code -> name


def _read_csv(name: str) -> list[dict[str, str]]:
    path = resources.files("amity") / "data" / name
    with io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="") as fh:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _int(text: str) -> int | None:
    return int(text) if text else None


def _normalise(text: str) -> str:
    """The key under which a name is matched (UTF-8 misread as cp1252 is repaired first).

    >>> _normalise("  Côte d’Ivoire ")
    'cote d ivoire'
    >>> _normalise("St. Vincent & the Grenadines")
    'saint vincent and grenadines'
    >>> _normalise("Gambia, The")
    'gambia'
    """
    if "Ã" in text or "Â" in text:  # "CÃ´te d'Ivoire"
        try:
            text = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            pass
    text = _UNTIL.sub(" ", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _WORD.findall(text.casefold().replace("&", " and "))
    return " ".join("saint" if w == "st" else w for w in words if w != "the")


def _add(table: dict, key: str, value: tuple[str, str | None], what: str) -> None:
    old = table.setdefault(key, value)
    if old[0] != value[0]:
        raise ValueError(f"amity country data: {what} {key!r} maps to both {old[0]} and {value[0]}")


@functools.cache
def _index() -> _Index:
    countries: dict[str, Country] = {}
    codes: dict[str, dict[str, tuple[str, str | None]]] = {s: {} for s in _CODE_SYSTEMS}
    names: dict[str, tuple[str, str | None]] = {}
    display: dict[str, str] = {}

    def add_name(name: str, iso3: str, note: str | None) -> None:
        key = _normalise(name)
        _add(names, key, (iso3, note), "name")
        display.setdefault(key, name)

    for row in _read_csv("countries.csv"):
        iso3 = row["iso3"]
        texts = {f: row[f] or None for f in ("iso2", "cow_abb", "fips", "cameo", "successor_iso3",
                                             "note")}
        ints = {f: _int(row[f]) for f in ("cow_code", "gw_code", "valid_from", "valid_to")}
        countries[iso3] = Country(iso3=iso3, name=row["name"], iso2=texts["iso2"],
                                  cow_abb=texts["cow_abb"], fips=texts["fips"],
                                  cameo=texts["cameo"], successor_iso3=texts["successor_iso3"],
                                  note=texts["note"], cow_code=ints["cow_code"],
                                  gw_code=ints["gw_code"], valid_from=ints["valid_from"],
                                  valid_to=ints["valid_to"])
        for system in _CODE_SYSTEMS:
            value = row[system]
            if system == "iso_numeric" and value:
                value = str(int(value))
            if value:
                _add(codes[system], value.upper(), (iso3, None), system)
        for name in [row["name"], *row["variants"].split("|")]:
            if name:
                add_name(name, iso3, None)

    for row in _read_csv("country_variants.csv"):
        if row["iso3"] not in countries:
            raise ValueError(f"amity country data: alias {row['value']!r} -> unknown {row['iso3']}")
        alias = (row["iso3"], row["note"] or None)
        if row["system"] == "name":
            add_name(row["value"], *alias)
        else:
            _add(codes[row["system"]], row["value"].upper(), alias, row["system"])

    spells: dict[int, list[tuple[int, int, str, str | None]]] = {}
    for row in _read_csv("cow_spells.csv"):
        spell = (int(row["from_year"]), int(row["to_year"]), row["iso3"], row["note"] or None)
        spells.setdefault(int(row["cow_code"]), []).append(spell)
    regions = {row["code"]: row["name"] for row in _read_csv("cameo_regions.csv")}
    return _Index(countries, codes, names, display, spells, regions)


def _with_note(iso3: str, note: str | None) -> Country:
    country = _index().countries[iso3]
    return replace(country, note=note) if note else country


def _cow_spell(code: int, year: int | None) -> tuple[str, str | None] | None:
    """(iso3, note) for a COW number in a year; without a year, its current meaning."""
    spells = sorted(_index().spells.get(code, []), key=lambda s: s[0])
    if not spells:
        return None
    if year is None:
        return spells[-1][2], None
    inside = [s for s in spells if s[0] <= year <= s[1]]
    _, _, iso3, note = inside[0] if inside else spells[0 if year < spells[0][0] else -1]
    return iso3, note


def name_in(country: Country, years: tuple[int, int]) -> str:
    """The country's name for a span of years: a former name when the span lies within
    it, else the current name (a span across the change keeps the current name; the
    profile's continuing-state note says what the code covers).

    Examples
    --------
    >>> rus = resolve("RUS")
    >>> name_in(rus, (1946, 1990)), name_in(rus, (1992, 2019))
    ('Soviet Union', 'Russia')
    >>> name_in(rus, (1980, 2019))
    'Russia'
    """
    former = _FORMER_NAMES.get(country.iso3)
    if former is not None and former[0] <= years[0] and years[1] <= former[1]:
        return former[2]
    return country.name


def _suggest(query: str) -> list[str]:
    """Up to three close names, as "Variant (Name)" when the match is a variant."""
    idx = _index()
    key = _normalise(query) or query.casefold()
    for cutoff in (0.75, 0.6, 0.45):
        keys = difflib.get_close_matches(key, idx.display, n=6, cutoff=cutoff)
        out: dict[str, str] = {}
        for k in keys:
            name = idx.countries[idx.names[k][0]].name
            out.setdefault(name, name if _normalise(name) == k else f"{idx.display[k]} ({name})")
        if out:
            return list(out.values())[:3]
    return []


def resolve(query: str | int, year: int | None = None) -> Country:
    """Find the country a name or code refers to.

    Parameters
    ----------
    query
        An ISO3 code ("PAK", any case; also former codes such as "SUN", "ROM"), a COW
        abbreviation ("GMY"), an ISO2 code ("PK"), a CAMEO code, a COW number (770 or
        "770"), or a name or listed variant ("Russian Federation", "Côte d'Ivoire").
    year
        Used for COW numbers, whose meaning can change (345 is Yugoslavia before 2006,
        Serbia after); without it, the current meaning. Ignored for other queries.

    Returns
    -------
    Country
        With ``note`` set when the match needs explaining (USSR, West Germany ...).

    Raises
    ------
    UnknownCountryError
        Nothing matches; the error lists up to three close names.

    Examples
    --------
    >>> resolve("pak").name
    'Pakistan'
    >>> resolve(770).iso3, resolve("GMY").iso3, resolve("Ivory Coast").iso3
    ('PAK', 'DEU', 'CIV')
    >>> resolve(345, year=1990).iso3, resolve(345, year=2010).iso3
    ('YUG', 'SRB')
    >>> c = resolve("Soviet Union")
    >>> c.iso3, c.note
    ('RUS', 'The USSR (COW 365 before 1992); amity reports it as RUS')
    >>> resolve("New Mexico")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    amity._exceptions.UnknownCountryError: unknown country 'New Mexico'; did you mean: Mexico? ...
    """
    idx = _index()
    text = str(query).strip()
    if isinstance(query, Real) and not isinstance(query, bool) or text.isdigit():
        number = float(text)
        hit = _cow_spell(int(number), year) if number.is_integer() else None
        if hit is None:
            raise UnknownCountryError(text, [])
        return _with_note(*hit)
    for system in _RESOLVE_ORDER:
        hit = idx.codes[system].get(text.upper())
        if hit:
            return _with_note(*hit)
    hit = idx.names.get(_normalise(text))
    if hit:
        return _with_note(*hit)
    raise UnknownCountryError(text, _suggest(text))


def to_iso3(query: str | int, year: int | None = None) -> str:
    """The ISO3 code of :func:`resolve` (``query``, ``year``).

    Examples
    --------
    >>> to_iso3("Russian Federation"), to_iso3(365, year=1980), to_iso3("Türkiye")
    ('RUS', 'RUS', 'TUR')
    """
    return resolve(query, year).iso3


def iso3_from_cow(codes: pd.Series, years: pd.Series | None = None) -> pd.Series:
    """Map a column of COW numbers (and optionally years) to ISO3.

    Parameters
    ----------
    codes
        COW state numbers: integers, floats or numeric strings.
    years
        Same length and index as ``codes``. Needed only for codes whose meaning changes
        (345); without it the current meaning is used. A missing year leaves such codes NA.

    Returns
    -------
    pandas.Series
        ``string`` dtype, NA where the code is unknown or missing.

    Examples
    --------
    >>> s = iso3_from_cow(pd.Series([345, 345, 260, 265, 999]),
    ...                   pd.Series([1990, 2010, 1980, 1980, 1980]))
    >>> s.tolist()
    ['YUG', 'SRB', 'DEU', 'DDR', <NA>]
    """
    spells = _index().spells
    num = pd.to_numeric(pd.Series(codes), errors="coerce")
    num = num.where(num.notna() & (num % 1 == 0))
    fixed = {c: s[0][2] for c, s in spells.items() if len({iso3 for _, _, iso3, _ in s}) == 1}
    out = num.map(fixed).astype("object")
    for code, code_spells in spells.items():
        if code in fixed or not (mask := num == code).any():
            continue
        if years is None:  # the code's current meaning: its last spell
            out[mask] = max(code_spells, key=lambda s: s[0])[2]
            continue
        yrs = pd.to_numeric(pd.Series(years, index=num.index), errors="coerce")
        for lo, hi, iso3, _ in code_spells:
            out[mask & yrs.between(lo, hi)] = iso3
    return out.astype("string")


@functools.cache
def _gw_fixed() -> dict[int, str]:
    """GW number -> ISO3 for the numbers whose meaning does not change by year."""
    fixed = {c.gw_code: c.iso3 for c in _index().countries.values() if c.gw_code is not None}
    for code, spells in _GW_SPELLS.items():
        fixed.pop(code, None)
        if len({iso3 for _, _, iso3 in spells}) == 1:
            fixed[code] = spells[0][2]
    return fixed


def iso3_from_gw(codes: pd.Series, years: pd.Series | None = None) -> pd.Series:
    """Map a column of Gleditsch-Ward numbers (and optionally years) to ISO3.

    GW numbers are not COW numbers: GW 260 is Germany from 1949 (COW 260 is West
    Germany to 1990), GW 340 is Serbia (not a COW number), GW 678 is Yemen before and
    after 1990 (COW 679 from 1990), and GW 970 is Kiribati where COW 970 is Nauru.

    Parameters
    ----------
    codes
        GW state numbers: integers, floats or numeric strings.
    years
        Same length and index as ``codes``. Needed only for the numbers of
        ``_GW_SPELLS`` whose meaning changes (340, 345: YUG before 2006, SRB from
        2006); without it the current meaning is used. A missing year leaves such
        numbers NA.

    Returns
    -------
    pandas.Series
        ``string`` dtype, NA where the number is unknown (e.g. 751, Hyderabad 1947-48,
        which has no ISO3 code in amity's crosswalk) or missing.

    Examples
    --------
    >>> s = iso3_from_gw(pd.Series([345, 345, 340, 260, 678, 970]),
    ...                  pd.Series([1995, 2014, 2010, 1995, 1980, 2000]))
    >>> s.tolist()
    ['YUG', 'SRB', 'SRB', 'DEU', 'YEM', 'KIR']
    """
    num = pd.to_numeric(pd.Series(codes), errors="coerce")
    num = num.where(num.notna() & (num % 1 == 0))
    fixed = _gw_fixed()
    out = num.map(fixed).astype("object")
    for code, spells in _GW_SPELLS.items():
        if code in fixed or not (mask := num == code).any():
            continue
        if years is None:  # the number's current meaning: its last spell
            out[mask] = max(spells)[2]
            continue
        yrs = pd.to_numeric(pd.Series(years, index=num.index), errors="coerce")
        for lo, hi, iso3 in spells:
            out[mask & yrs.between(lo, hi)] = iso3
    return out.astype("string")


def _lookup(value: object, system: str) -> str | None:
    """The ISO3 of one value in one code system (not "cow"), or None."""
    idx = _index()
    if system == "name":
        hit = idx.names.get(_normalise(str(value)))
    else:
        key = str(value).strip().upper()
        if system == "iso_numeric":
            key = str(int(float(key))) if re.fullmatch(r"\d+(\.0*)?", key) else key
        if system == "cameo" and key in idx.regions:
            return None
        hit = idx.codes[system].get(key)
        if system == "cameo" and hit is None:
            hit = idx.codes["iso3"].get(key)  # CAMEO states not in GDELT's list
    return hit[0] if hit else None


def iso3_from(values: pd.Series, system: str) -> pd.Series:
    """Map a column of codes or names in one system to ISO3.

    Each distinct value is looked up once, so this is fast on large tables.

    Parameters
    ----------
    values
        The codes or names.
    system
        One of :data:`SYSTEMS`: "iso3", "iso2", "iso_numeric", "cow", "gw", "cow_abb",
        "fips", "cameo" or "name". Codes are case-insensitive and include former codes
        (ISO2 "YU", "SU"; FIPS "GZ"). CAMEO regions ("EUR") give NA. COW and GW numbers
        take their current meaning here; use :func:`iso3_from_cow` or
        :func:`iso3_from_gw` with years for historical rows.

    Returns
    -------
    pandas.Series
        ``string`` dtype with the index of ``values``, NA where unknown.

    Examples
    --------
    >>> iso3_from(pd.Series(["PK", "RS", "CH", "GZ"]), "fips").tolist()
    ['PAK', 'RUS', 'CHN', 'PSE']
    >>> iso3_from(pd.Series(["Russia", "Korea, Rep.", "World", None]), "name").tolist()
    ['RUS', 'KOR', <NA>, <NA>]
    """
    if system not in SYSTEMS:
        raise ValueError(f"unknown code system {system!r}; use one of {', '.join(SYSTEMS)}")
    if system == "cow":
        return iso3_from_cow(values)
    if system == "gw":
        return iso3_from_gw(values)
    values = pd.Series(values)
    mapping = {v: _lookup(v, system) for v in pd.unique(values.dropna())}
    return values.map(mapping).astype("object").astype("string")


def unknown_values(values: pd.Series, system: str) -> list:
    """The distinct non-blank values that :func:`iso3_from` cannot map, sorted.

    Examples
    --------
    >>> unknown_values(pd.Series(["Pakistan", "World", "", "Europe", "World"]), "name")
    ['Europe', 'World']
    """
    values = pd.Series(values)
    missing = iso3_from(values, system).isna() & values.notna()
    found = [v for v in pd.unique(values[missing]) if str(v).strip()]
    return sorted(found, key=str)


def cameo_region(code: str) -> str | None:
    """The name of a CAMEO non-state code (region, territory, city), else None.

    Examples
    --------
    >>> cameo_region("EUR"), cameo_region("sas"), cameo_region("PAK")
    ('Europe', 'South Asia', None)
    """
    return _index().regions.get(str(code).strip().upper())


def table() -> pd.DataFrame:
    """The crosswalk as a DataFrame, one row per country-entity (the store's ``countries``).

    ``valid_from``/``valid_to`` are dates (1 January / 31 December of the year);
    ``variants`` includes the historical names of ``country_variants.csv``.

    Examples
    --------
    >>> pak = table().set_index("iso3").loc["PAK"]
    >>> print(pak["iso2"], pak["cow_code"], pak["fips"], pak["valid_from"].year)
    PK 770 PK 1947
    """
    df = pd.DataFrame(_read_csv("countries.csv"))
    aliases = pd.DataFrame(_read_csv("country_variants.csv"))
    extra = aliases[aliases["system"] == "name"].groupby("iso3")["value"].agg("|".join)
    more = df["iso3"].map(extra).fillna("")
    df["variants"] = (df["variants"] + "|" + more).str.strip("|")
    df = df.replace("", pd.NA)
    for col in ("cow_code", "gw_code"):
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    years = {"valid_from": "-01-01", "valid_to": "-12-31"}
    for col, suffix in years.items():
        df[col] = pd.to_datetime(df[col] + suffix, format="%Y-%m-%d")
    text_cols = [c for c in df.columns if c not in ("cow_code", "gw_code", *years)]
    df[text_cols] = df[text_cols].astype("string")
    return df
