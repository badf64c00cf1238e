"""UN DESA International Migrant Stock: migrants by origin and destination.

Three releases of source ``migration``, kept apart:

``migration/2019-clean`` (default)
    ``UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz``: a table derived by Guy
    Abel et al. from the UN's 2019 revision: header ``Year, Dest, <232 origin names>``,
    one row per destination and year (1990, 1995, ..., 2015, 2019). It is the widest
    bilateral table in the mirror, hence the default.
``migration/2015``
    ``UN_MigrantStockByOriginAndDestination_2015.xlsx``: the UN's original workbook, of
    which only ``Table 16`` (mid-2015, both sexes) survives. Title rows; a header row
    (``Sort order``, destination, ``Notes``, ``Country code``, ``Type of data (a)``,
    ``Country of origin``); a row of origin names (``Total``, ``Other North``, ``Other
    South``, then 232 origins); then 265 destination rows: WORLD, regions, countries.
    An empty cell is "no data"; a 0 is the UN's zero.
``migration/2020-totals``
    ``undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx``, the UN's 2020 workbook.
    It is NOT bilateral: ``Table 1`` gives the stock by destination only (all origins
    together), 1990–2020. It is written to ``migration`` with ``origin = "WLD"`` (all
    origins), so that it can serve as a denominator; the bilateral 2020 workbook is not
    in the mirror. The migrants indicators do not use it.

Traps
-----
* Destinations are matched by the UN M49 code where the file has one: the region
  "Micronesia" (954) and the country "Micronesia (Fed. States of)" (583) would collide
  by name. The 2019 table has no codes and, despite its description, still has six
  region rows ("Caribbean", "Channel Islands", "Melanesia", "Micronesia", "Polynesia",
  "South America"): they are dropped by name, before the crosswalk sees them.
* The 2019 table turned the UN's missing values into 0, so there 0 means "zero or not
  reported" (Russia-born in Pakistan is 0 in every year): amity does not store those
  zeros (no row = unknown, never a claimed 0). It also still carries the UN markers
  ``..`` (341 cells) and ``-`` (4 cells), read as missing.
* Aggregates ("WORLD", regions, income groups) and non-ISO areas ("Channel Islands",
  origins "Other North"/"Other South") are dropped and listed in the notes.
"""

from __future__ import annotations

import csv
import gzip
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import check_input_file, not_utf8, read_csv

__all__ = ["ALL_ORIGINS", "DATASETS"]

#: ``origin`` of the 2020 destination totals (migrants from all origins together).
ALL_ORIGINS = "WLD"
# UN M49 geographic regions whose names the crosswalk could take for a country
_REGIONS = frozenset({"Micronesia", "Melanesia", "Polynesia", "Caribbean", "South America",
                      "Channel Islands", "Central America", "Northern America"})
_MISSING = {"..", "-", ""}
_FIX_XLSX = "use the UN's original workbook unchanged (re-download it)"


def _sheet(path: Path, name: str) -> list[tuple]:
    """All rows of one worksheet, as tuples of cell values (row 1 first)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SourceFormatError(path, f"not a readable .xlsx workbook ({exc})",
                                fix=_FIX_XLSX) from exc
    try:
        if name not in book.sheetnames:
            raise SourceFormatError(path, f"no sheet {name!r} (sheets: {book.sheetnames})",
                                    fix=_FIX_XLSX)
        return list(book[name].iter_rows(values_only=True))
    finally:
        book.close()


def _find_row(path: Path, rows: list[tuple], col: int, text: str, what: str) -> int:
    for i, row in enumerate(rows[:40]):
        if len(row) > col and isinstance(row[col], str) and row[col].strip().startswith(text):
            return i
    raise SourceFormatError(path, f"no {what} row (a cell starting {text!r} in column "
                            f"{col + 1}) in the first 40 rows", fix=_FIX_XLSX)


def _cell_error(path: Path, sheet: str, row: int, col: int, value: object,
                label: str) -> NoReturn:
    from openpyxl.utils import get_column_letter

    raise SourceFormatError(path, f"sheet {sheet!r}: value {value!r} is not a count",
                            line=row, column=f"{get_column_letter(col + 1)} ({label})",
                            fix=_FIX_XLSX)


def _destinations(codes: pd.Series, names: pd.Series, where: str) -> tuple[pd.Series, list[str]]:
    iso3 = countries.iso3_from(codes.astype("string"), "iso_numeric")
    dropped = [str(n).strip() for n in names[iso3.isna()]]
    notes = [f"{where}: {len(dropped)} destination rows that are not countries dropped "
             f"(aggregates and regions: {', '.join(dropped[:6])}, ...)"] if dropped else []
    return iso3, notes


def _origins(names: pd.Series, where: str) -> tuple[pd.Series, list[str]]:
    clean = names.astype("string").str.strip()
    iso3 = countries.iso3_from(clean.where(~clean.isin(_REGIONS)), "name")
    dropped = list(clean[iso3.isna()])
    notes = [f"{where}: origins that are not countries dropped: {', '.join(dropped)}"
             ] if dropped else []
    return iso3, notes


def _parse_2015(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path, sheet = paths["UN_MigrantStockByOriginAndDestination_2015.xlsx"], "Table 16"
    rows = _sheet(path, sheet)
    head = _find_row(path, rows, 0, "Sort", "header")
    header, names = rows[head], rows[head + 1]
    if header[3] != "Country code" or header[5] != "Country of origin" or names[5] != "Total":
        raise SourceFormatError(path, f"sheet {sheet!r}: expected 'Country code' in D, "
                                "'Country of origin' in F and 'Total' under it",
                                line=head + 1, fix=_FIX_XLSX)
    body = rows[head + 2:]
    origin_iso, notes = _origins(pd.Series(names[5:]), f"{path.name} {sheet}")
    records, skipped = [], 0
    for offset, row in enumerate(body):
        line = head + 3 + offset
        problem = None if isinstance(row[3], int) else (3, row[3], "Country code")
        cells = []
        for j, value in enumerate(row[5:], start=5):
            if problem or value is None or pd.isna(origin_iso.iloc[j - 5]):
                continue
            if not isinstance(value, (int, float)) or value < 0:
                problem = (j, value, str(names[j]))
                continue
            cells.append((row[3], origin_iso.iloc[j - 5], float(value)))
        if problem:
            if on_bad_lines == "skip":
                skipped += 1
                continue
            _cell_error(path, sheet, line, *problem)
        records += cells
    frame = pd.DataFrame(records, columns=["code", "origin", "stock"])
    dest_rows = pd.DataFrame([(r[3], r[1]) for r in body if isinstance(r[3], int)],
                             columns=["code", "name"])
    dest_iso, more = _destinations(dest_rows["code"], dest_rows["name"], f"{path.name} {sheet}")
    frame["destination"] = frame["code"].map(dict(zip(dest_rows["code"], dest_iso, strict=True)))
    frame = frame.dropna(subset=["destination"]).assign(year=2015)
    table = frame[["year", "origin", "destination", "stock"]].reset_index(drop=True)
    return ParseResult({"migration": table}, skipped=skipped, notes=notes + more)


def _csv_header(path: Path) -> list[str]:
    """The header of a gzipped CSV whose names may be quoted and contain commas."""
    check_input_file(path)
    try:
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
            return next(csv.reader(fh), [])
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except (OSError, EOFError, csv.Error) as exc:
        raise SourceFormatError(path, f"cannot read the file ({exc})", line=1) from exc


def _parse_2019(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths["UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz"]
    header = _csv_header(path)
    if header[:2] != ["Year", "Dest"] or len(header) < 3:
        raise SourceFormatError(path, f"expected columns Year, Dest, <origins>..., found "
                                f"{header[:4]}", line=1)
    # _base.read_header splits quoted names ("China, Hong Kong SAR"): read the header
    # line as data and compare it with the csv module's reading instead
    names = [f"c{i}" for i in range(len(header))]
    raw, skipped = read_csv(path, dict.fromkeys(names, "VARCHAR"), header=False,
                            on_bad_lines=on_bad_lines)
    if list(raw.iloc[0]) != header:
        raise SourceFormatError(path, "the header line cannot be read as CSV", line=1)
    raw = raw.iloc[1:].set_axis(["Year", "Dest", *header[2:]], axis=1)
    year = pd.to_numeric(raw["Year"], errors="coerce")
    if year.isna().any():
        i = int(year.isna().to_numpy().nonzero()[0][0])
        raise SourceFormatError(path, f"year {raw['Year'].iat[i]!r} is not a year", column="Year",
                                line=i + 2 if not skipped else None)
    raw["Year"] = year.astype("int64")
    values = raw[header[2:]].apply(lambda col: col.str.strip())
    numbers = values.apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna() & ~values.isin(_MISSING) & values.notna()
    if bad.to_numpy().any():
        i, j = (int(k[0]) for k in bad.to_numpy().nonzero())
        raise SourceFormatError(path, f"value {values.iat[i, j]!r} is not a count or a UN "
                                "missing marker (.., -)", column=header[2 + j],
                                line=i + 2 if not skipped else None)
    origin_iso, notes = _origins(pd.Series(header[2:]), path.name)
    dest = raw["Dest"].str.strip()
    dest_iso = countries.iso3_from(dest.where(~dest.isin(_REGIONS)), "name")
    dropped = sorted(dest[dest_iso.isna()].unique())
    if dropped:
        notes.append(f"{path.name}: destination rows that are not countries dropped: "
                     f"{', '.join(dropped)}")
    numbers.columns = list(origin_iso)
    numbers = numbers.loc[:, origin_iso.notna().to_numpy()]
    numbers.index = pd.MultiIndex.from_arrays([raw["Year"], dest_iso],
                                              names=["year", "destination"])
    long = numbers[dest_iso.notna().to_numpy()].stack(future_stack=True).rename("stock")
    long = long.rename_axis(["year", "destination", "origin"]).reset_index()
    zeros = int((long["stock"] == 0).sum())
    long = long[long["stock"] > 0]
    notes.append(f"{path.name}: {zeros} zero cells not stored (0 there means zero or not "
                 "reported)")
    dup = long.duplicated(["year", "origin", "destination"])
    if dup.any():
        first = long[dup].iloc[0]
        raise SourceFormatError(path, f"two rows give {first['origin']} in "
                                f"{first['destination']} {first['year']}: a region name "
                                "resolved to a country", fix="report it to amity")
    table = long[["year", "origin", "destination", "stock"]].reset_index(drop=True)
    return ParseResult({"migration": table}, skipped=skipped, notes=notes)


def _parse_2020(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path, sheet = paths["undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"], "Table 1"
    rows = _sheet(path, sheet)
    head = _find_row(path, rows, 1, "Region, development group", "header")
    header = rows[head]
    years = list(header[5:12])
    if header[3] != "Location code" or years != list(range(1990, 2021, 5)):
        raise SourceFormatError(path, f"sheet {sheet!r}: expected 'Location code' in D and "
                                "years 1990, 1995, ..., 2020 in F:L (both sexes)",
                                line=head + 1, fix=_FIX_XLSX)
    records, body = [], rows[head + 1:]
    for offset, row in enumerate(body):
        line = head + 2 + offset
        if row[3] is None and not any(row[5:12]):
            continue
        if not isinstance(row[3], int):
            if on_bad_lines == "skip":
                continue
            _cell_error(path, sheet, line, 3, row[3], "Location code")
        for j, year in enumerate(years, start=5):
            value = row[j]
            if value is None or value in _MISSING:
                continue
            if not isinstance(value, (int, float)) or value < 0:
                _cell_error(path, sheet, line, j, value, str(year))
            records.append((year, row[3], row[1], float(value)))
    frame = pd.DataFrame(records, columns=["year", "code", "name", "stock"])
    places = frame.drop_duplicates("code")
    dest_iso, notes = _destinations(places["code"], places["name"], f"{path.name} {sheet}")
    frame["destination"] = frame["code"].map(dict(zip(places["code"], dest_iso, strict=True)))
    frame = frame.dropna(subset=["destination"]).assign(origin=ALL_ORIGINS)
    table = frame[["year", "origin", "destination", "stock"]].reset_index(drop=True)
    # destination totals (origin WLD): no pair of countries, so no indicator of pairs
    return ParseResult({"migration": table}, notes=notes,
                       scope={"no_indicators": "destination totals only (origin WLD)"})


_PUBLISHER = "United Nations, Department of Economic and Social Affairs, Population Division"
_HOME = "https://www.un.org/development/desa/pd/content/international-migrant-stock"
DATASETS = (
    Dataset(
        source="migration", release="2019-clean",
        title="International Migrant Stock 2019 by destination and origin (cleaned table)",
        publisher=f"{_PUBLISHER}; cleaned by Guy Abel et al. (stepladderChapter)",
        homepage=_HOME, licence="UN DESA data, free to use with citation",
        citation=f"{_PUBLISHER} (2019). International Migrant Stock 2019: by destination and "
        "origin (POP/DB/MIG/Stock/Rev.2019); cleaned table from github.com/guyabel/"
        "stepladderChapter",
        files=(RemoteFile(
            "migration/UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz",
            "b1ba76520d1035e0d0c4e096f1e98862985d927c6252183050cf3a28aa7d6e52"),),
        parse=_parse_2019, tables=("migration",),
        caveats=("derived table, not the UN original",
                 "its 0 means zero or not reported; amity stores no zeros (NA instead)"),
    ),
    Dataset(
        source="migration", release="2015", default=False,
        title="Trends in International Migrant Stock: Migrants by Destination and Origin, "
        "Rev.2015 (Table 16, mid-2015)",
        publisher=_PUBLISHER, homepage=_HOME, licence="UN DESA data, free to use with citation",
        citation=f"{_PUBLISHER} (2015). Trends in International Migrant Stock: Migrants by "
        "Destination and Origin (United Nations database, POP/DB/MIG/Stock/Rev.2015)",
        files=(RemoteFile(
            "migration/UN_MigrantStockByOriginAndDestination_2015.xlsx",
            "f657eaad7cae76ef874907fae58c373e9530e33cd68170e1bc8d14bd4b194ad1",
            "https://raw.githubusercontent.com/NikolaSander/global-refugees/"
            "08aa0466c20d2c19edf58ddba59841af89ee9a87/"
            "UN_MigrantStockByOriginAndDestination_2015.xlsx"),),
        parse=_parse_2015, tables=("migration",),
        caveats=("one year only (2015): the other year tables were removed from this copy",),
    ),
    Dataset(
        source="migration", release="2020-totals", default=False,
        title="International Migrant Stock 2020: Destination (Table 1, totals by destination)",
        publisher=_PUBLISHER, homepage=_HOME,
        licence="CC BY 3.0 IGO (printed in the workbook)",
        citation=f"{_PUBLISHER} (2020). International Migrant Stock 2020 "
        "(POP/DB/MIG/Stock/Rev.2020)",
        files=(RemoteFile(
            "migration/undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx",
            "c2bae98812a1f68b1d7f57a8d3d11903b85522d664f319dfe87daa30f653fd5b",
            "https://raw.githubusercontent.com/guyabel/stepladderChapter/"
            "4a81585e8ca3566aed8fd48c2870d316fe06f53f/data_raw/"
            "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"),),
        parse=_parse_2020, tables=("migration",),
        caveats=("not bilateral: all origins together, stored with origin WLD",),
    ),
)
