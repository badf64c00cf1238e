"""World Bank World Development Indicators: GDP (current US$) and population.

``wdi/datahub``
    ``gdp.csv`` (NY.GDP.MKTP.CD, 1960–2023) and ``population.csv`` (SP.POP.TOTL,
    1960–2024) as packaged by the Datahub "core" datasets (``datasets/gdp``,
    ``datasets/population`` on GitHub). Long format with header
    ``Country Name,Country Code,Year,Value``, CRLF line endings; country-years without a
    value are omitted. Written to ``macro`` (year, iso3, gdp_usd, population), one row
    per country-year present in either file (the other value NA).

Traps
-----
* Both files include WDI aggregates: ``WLD``, regions (``EAS``, ``SAS`` ...), income
  groups (``HIC``, ``LMC`` ...), lending groups (``IDA``, ``IBD``), "Euro area",
  "Small states". Their codes are not countries in amity's crosswalk, so they are
  dropped and counted in the notes. So is ``CHI`` (Channel Islands), a WDI economy that
  is not an ISO country.
* ``XKX`` (Kosovo) is a WDI code, not ISO; amity uses it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import read_csv

__all__ = ["DATASETS"]

_COLUMNS = {"Country Name": "VARCHAR", "Country Code": "VARCHAR", "Year": "BIGINT",
            "Value": "DOUBLE"}
_FILES = {"gdp.csv": "gdp_usd", "population.csv": "population"}


def _read(path: Path, on_bad_lines: OnBadLines, column: str) -> tuple[pd.DataFrame, int, str]:
    raw, skipped = read_csv(path, _COLUMNS, on_bad_lines=on_bad_lines)
    bad = raw["Value"].isna() | (raw["Value"] < 0) | raw["Country Code"].isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise SourceFormatError(path, "empty or negative value, or no country code",
                                line=row + 2 if not skipped else None, column="Value")
    iso3 = countries.iso3_from(raw["Country Code"], "iso3")
    dropped = raw.loc[iso3.isna(), "Country Code"].unique()
    note = (f"{path.name}: {len(dropped)} codes that are not countries dropped (aggregates: "
            f"{', '.join(sorted(dropped)[:8])}, ...)")
    frame = pd.DataFrame({"year": raw["Year"], "iso3": iso3, column: raw["Value"]})
    frame = frame.dropna(subset=["iso3"])
    if frame.duplicated(["year", "iso3"]).any():
        raise SourceFormatError(path, "two rows for one country and year",
                                fix="use the Datahub file unchanged")
    return frame, skipped, note


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    frames, notes, skipped = [], [], 0
    for name, column in _FILES.items():
        frame, n, note = _read(paths[name], on_bad_lines, column)
        frames.append(frame)
        notes.append(note)
        skipped += n
    macro = frames[0].merge(frames[1], on=["year", "iso3"], how="outer")
    macro = macro[["year", "iso3", "gdp_usd", "population"]].sort_values(["iso3", "year"])
    return ParseResult({"macro": macro.reset_index(drop=True)}, skipped=skipped, notes=notes)


_GH = "https://raw.githubusercontent.com/datasets"
DATASETS = (
    Dataset(
        source="wdi", release="datahub",
        title="World Development Indicators: GDP (current US$) and population",
        publisher="World Bank (packaged by Datahub core datasets)",
        homepage="https://data.worldbank.org",
        citation="World Bank, World Development Indicators: NY.GDP.MKTP.CD "
        "(https://data.worldbank.org/indicator/NY.GDP.MKTP.CD) and SP.POP.TOTL "
        "(https://data.worldbank.org/indicator/SP.POP.TOTL)",
        licence="CC BY 4.0 (World Bank); Datahub packaging ODC-PDDL-1.0",
        files=(
            RemoteFile("wdi/gdp.csv",
                       "f0a8408195646dbb1a9d7fc4424e2d302ee5380d0ec8834793f12ca25cbd7e2c",
                       f"{_GH}/gdp/822019c80142c162e4ca4eb1a63699ae36075078/data/gdp.csv"),
            RemoteFile("wdi/population.csv",
                       "7d2dd6a17f5ed7916de1f89a9c116791e64d207f2e2f6ce47c57e1ab46f0088a",
                       f"{_GH}/population/425fc447a53a26c767a15a7de60c4cc2478a0595/data/"
                       "population.csv"),
        ),
        parse=_parse, tables=("macro",),
        caveats=("GDP in current US dollars (not deflated)",
                 "WDI aggregates (World, regions, income groups) are dropped"),
    ),
)
