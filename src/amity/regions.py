"""Regions: named groups of countries (markets), with membership by year.

amity ships ``amity/data/regions.csv`` (EAEU, SCO, SAARC, GCC, EU, ASEAN, MERCOSUR,
USMCA, BRICS, ECO, EFTA, CENTRAL_ASIA). Each row is one member spell::

    region,iso3,from_year,to_year,source
    EAEU,ARM,2015,,Eurasian Economic Union: Armenia acceded 2 Jan 2015
    EU,GBR,1973,2019,first enlargement 1 Jan 1973; left 31 Jan 2020 ...

``from_year``/``to_year`` are inclusive calendar years (empty: open-ended). A country
that joins during a year counts for that whole year; one that leaves during a year
counts up to the year before (the United Kingdom is in the EU to 2019).

Users add or replace regions with their own CSV of the same columns, passed as
``regions=`` (``--regions FILE`` on the command line) or named by the environment
variable ``AMITY_REGIONS``. A region named in the user's file replaces the packaged
region of the same name entirely; other names are added. Names match case-insensitively.
"""

from __future__ import annotations

import csv
import functools
import io
import os
from importlib import resources
from pathlib import Path

import pandas as pd

from amity import countries
from amity._exceptions import InputError, SourceFormatError, UnknownCountryError

__all__ = ["COLUMNS", "find_region", "load_regions", "members", "packaged"]

COLUMNS = ("region", "iso3", "from_year", "to_year", "source")
_ENV = "AMITY_REGIONS"
PathLike = str | os.PathLike[str]


def _year(text: str, where: str, line: int, column: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) != 4:
        raise SourceFormatError(where, f"{column} {text!r} is not a four-digit year", line=line,
                                column=column, fix="write a year such as 2015, or leave it "
                                "empty for an open-ended membership")
    return int(text)


def _parse(text: str, where: str) -> pd.DataFrame:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise SourceFormatError(where, f"expected the header {','.join(COLUMNS)}, saw "
                                f"{','.join(header or [])!r}", line=1,
                                fix="use the columns of amity's regions.csv")
    rows = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise SourceFormatError(where, f"expected {len(COLUMNS)} fields, saw {len(row)}",
                                    line=line, fix="quote a source note that contains commas")
        region, code, start, end, note = (cell.strip() for cell in row)
        if not region:
            raise SourceFormatError(where, "empty region name", line=line, column="region",
                                    fix="name the region")
        try:
            iso3 = countries.to_iso3(code)
        except UnknownCountryError as exc:
            raise SourceFormatError(where, str(exc), line=line, column="iso3",
                                    fix="use an ISO3 code or a name amity knows") from None
        lo, hi = _year(start, where, line, "from_year"), _year(end, where, line, "to_year")
        if lo is not None and hi is not None and lo > hi:
            raise SourceFormatError(where, f"from_year {lo} is after to_year {hi}", line=line,
                                    fix="swap the two years")
        rows.append((region, iso3, lo, hi, note, where))
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "file"])
    for col in ("from_year", "to_year"):
        frame[col] = frame[col].astype("Int64")
    return frame


@functools.cache
def _packaged() -> pd.DataFrame:
    text = (resources.files("amity") / "data" / "regions.csv").read_text("utf-8")
    return _parse(text, "amity/data/regions.csv")


def packaged() -> pd.DataFrame:
    """amity's own regions table (without the user's file), as :func:`load_regions`."""
    return _packaged().copy()


def load_regions(path: PathLike | None = None) -> pd.DataFrame:
    """All regions: amity's, plus (replacing same-named ones) the user's.

    Parameters
    ----------
    path
        A user CSV with the columns of :data:`COLUMNS`; default ``$AMITY_REGIONS`` if set.

    Returns
    -------
    DataFrame
        ``region, iso3, from_year, to_year, source, file``, one row per member spell.

    Examples
    --------
    >>> r = load_regions()
    >>> sorted(r.loc[r.region == "EAEU", "iso3"])
    ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS']
    """
    frame = _packaged()
    path = path if path is not None else os.environ.get(_ENV) or None
    if path is None:
        return frame.copy()
    file = Path(path)
    try:
        text = file.read_text("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the regions file {file}: {exc.strerror}. Fix: check the "
                         f"path given with --regions or ${_ENV}") from None
    user = _parse(text, str(file))
    replaced = {n.casefold() for n in user["region"]}
    kept = frame[~frame["region"].str.casefold().isin(replaced)]
    return pd.concat([kept, user], ignore_index=True)


def find_region(name: str, path: PathLike | None = None) -> str | None:
    """The region's name as written in the table, or None if ``name`` is no region.

    Examples
    --------
    >>> find_region("eaeu"), find_region("PAK")
    ('EAEU', None)
    """
    table = load_regions(path)
    hits = table.loc[table["region"].str.casefold() == name.strip().casefold(), "region"]
    return str(hits.iloc[0]) if len(hits) else None


def members(region: str, year: int, path: PathLike | None = None) -> list[str]:
    """ISO3 codes of the region's members in ``year`` (sorted).

    Raises
    ------
    InputError
        ``region`` is not a known region.

    Examples
    --------
    >>> members("EAEU", 2014), members("EAEU", 2018)
    (['BLR', 'KAZ', 'RUS'], ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS'])
    >>> "GBR" in members("EU", 2019), "GBR" in members("EU", 2020)
    (True, False)
    >>> members("SCO", 2017)
    ['CHN', 'IND', 'KAZ', 'KGZ', 'PAK', 'RUS', 'TJK', 'UZB']
    """
    table = load_regions(path)
    name = find_region(region, path)
    if name is None:
        known = ", ".join(sorted(set(table["region"])))
        raise InputError(f"unknown region {region!r}. Known regions: {known}. Fix: name one "
                         f"of them, or add yours with --regions FILE (or ${_ENV})")
    rows = table[table["region"] == name]
    inside = (rows["from_year"].fillna(year) <= year) & (rows["to_year"].fillna(year) >= year)
    return sorted(set(rows.loc[inside.astype(bool), "iso3"]))
