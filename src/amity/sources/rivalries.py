"""Strategic rivalries: Thompson, Sakuwa & Suhas (2021) and Thompson & Dreyer (2012).

Both files are the project mirror's CSV conversions of tables of the R package
peacesciencer, one row per rivalry spell between two states (COW numbers, ``ccode1 <
ccode2``). Written to ``rivalries``: ``a < b`` (ISO3, alphabetical), ``start``, ``end``
(NA while ongoing) and ``type``.

``rivalries/tss-2021`` (default)
    ``tss_rivalries.csv.gz``: ``tssr_id, rivalry, ccode1, ccode2, start, end,
    positional, spatial, ideological, interventionary, principal, aprin``; the four type
    columns are 1 or empty. ``type`` lists the set ones in that order ("positional,
    spatial"). Ongoing rivalries (the book's "ongoing") are written ``end = 2020``: amity
    reads 2020 as ongoing (NA). ``principal``/``aprin`` (principal and asymmetric
    principal rivalry) are not kept.
``rivalries/td-2012``
    ``td_rivalries.csv.gz``: ``rivalryno, rivalryname, ccode1, ccode2, styear, endyear,
    region, type1, type2, type3``; ``type`` lists type1-type3 in the authors' order of
    importance ("spatial, positional"). Ongoing rivalries are "right-bound at 2010"
    (peacesciencer): amity reads ``endyear = 2010`` as ongoing (NA).

Traps
-----
* An end year equal to the data's last year means "ongoing": a rivalry that really ended
  in 2010 (Chad-Sudan, which the 2021 data end in 2010) is shown as ongoing in td-2012.
* Start years of 1494 and 1816 can mean "already under way then" (the book's "P1494").
* COW numbers become ISO3 with the years of the spell (years before 1816 as in 1816).
  A number whose meaning changes inside a spell splits it: Bosnia-Serbia (345-346,
  1992-) is BIH-YUG 1992-2005 and BIH-SRB from 2006 (ongoing), the second part starting
  at the change. Austria-Serbia 1903-1920 keeps COW 300 (XAH, Austria-Hungary) for
  1919-1920, as published.
* peacesciencer's made-up code 324 (Venice, before 1816) is not a state number: those
  rivalries are dropped with a note. In tss-2021, "Oman-S. Yemen" (1967-1982) carries COW
  679 (Yemen, YEM) where td-2012 has 680 (South Yemen, YMD); kept as published.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import read_csv, shown

__all__ = ["DATASETS", "TD_COLUMNS", "TSS_COLUMNS", "TSS_TYPES"]

_TSS, _TD = "tss_rivalries.csv.gz", "td_rivalries.csv.gz"
_TSS_LAST, _TD_LAST = 2020, 2010
_FIRST_COW_YEAR = 1816

#: Every column of ``tss_rivalries.csv.gz``, in file order.
TSS_COLUMNS: dict[str, str] = {
    "tssr_id": "BIGINT", "rivalry": "VARCHAR", "ccode1": "BIGINT", "ccode2": "BIGINT",
    "start": "BIGINT", "end": "BIGINT", "positional": "BIGINT", "spatial": "BIGINT",
    "ideological": "BIGINT", "interventionary": "BIGINT", "principal": "BIGINT",
    "aprin": "BIGINT",
}
#: Every column of ``td_rivalries.csv.gz``, in file order.
TD_COLUMNS: dict[str, str] = {
    "rivalryno": "BIGINT", "rivalryname": "VARCHAR", "ccode1": "BIGINT", "ccode2": "BIGINT",
    "styear": "BIGINT", "endyear": "BIGINT", "region": "VARCHAR", "type1": "VARCHAR",
    "type2": "VARCHAR", "type3": "VARCHAR",
}
#: The type flags of the 2021 data, in the order ``type`` lists them.
TSS_TYPES = ("positional", "spatial", "ideological", "interventionary")


def _error(path: Path, reason: str, row: int | None, column: str, skipped: int,
           fix: str = "use the rivalry table as converted from peacesciencer"
           ) -> SourceFormatError:
    line = row + 2 if row is not None and not skipped else None
    return SourceFormatError(path, reason, line=line, column=column, fix=fix)


def _first(mask: pd.Series) -> int:
    return int(mask.to_numpy().nonzero()[0][0])


def _years(spells: pd.DataFrame) -> pd.DataFrame:
    """One row per rivalry and year of its spell, with the two states' ISO3 codes."""
    length = (spells["end"] - spells["start"] + 1).to_numpy()
    rows = spells.loc[spells.index.repeat(length)]
    rows = rows.assign(year=rows["start"] + rows.groupby(level=0).cumcount())
    when = rows["year"].clip(lower=_FIRST_COW_YEAR)  # COW numbers mean before 1816 what
    a = countries.iso3_from_cow(rows["ccode1"], when)  # they mean in 1816
    b = countries.iso3_from_cow(rows["ccode2"], when)
    return rows.assign(a=a, b=b).reset_index(names="row")


def _rivalries(spells: pd.DataFrame, path: Path, last: int, skipped: int
               ) -> tuple[pd.DataFrame, list[str]]:
    """The ``rivalries`` table from spells (row, name, ccode1, ccode2, start, end, type)."""
    for column in ("ccode1", "ccode2", "start", "end"):
        if spells[column].isna().any():
            raise _error(path, f"{column} is empty", _first(spells[column].isna()), column,
                         skipped)
    bad = (spells["end"] < spells["start"]) | (spells["end"] > last)
    if bad.any():
        row = _first(bad)
        raise _error(path, f"the spell {spells['start'].iloc[row]}-{spells['end'].iloc[row]} "
                     f"ends before it starts or after {last}, the data's last year", row,
                     "end", skipped)
    notes = []
    years = _years(spells)
    lost = years["a"].isna() | years["b"].isna()
    if lost.any():
        unknown = sorted({int(c) for c in years.loc[years["a"].isna(), "ccode1"]}
                         | {int(c) for c in years.loc[years["b"].isna(), "ccode2"]})
        names = sorted(set(years.loc[lost, "name"]))
        notes.append(f"{path.name}: COW codes {unknown} are not state numbers in amity's "
                     f"country table; the rivalries {names} were dropped")
        years = years[~lost]
    same = years["a"] == years["b"]
    if same.any():
        notes.append(f"{path.name}: rivalries {sorted(set(years.loc[same, 'name']))} pair one "
                     "state with itself after mapping COW codes and were dropped")
        years = years[~same]
    lo = np.minimum(years["a"].to_numpy(dtype=object), years["b"].to_numpy(dtype=object))
    hi = np.maximum(years["a"].to_numpy(dtype=object), years["b"].to_numpy(dtype=object))
    years = years.assign(a=lo, b=hi)
    prev = years.shift()
    new = ((years["row"] != prev["row"]) | (years["a"] != prev["a"])
           | (years["b"] != prev["b"]))
    runs = years.assign(run=new.cumsum()).groupby("run", sort=False).agg(
        row=("row", "first"), name=("name", "first"), a=("a", "first"), b=("b", "first"),
        start=("year", "min"), last=("year", "max"), type=("type", "first"),
        end=("end", "first"))
    ongoing = (runs["end"] == last) & (runs["last"] == last)
    table = pd.DataFrame({
        "a": runs["a"].astype("string"), "b": runs["b"].astype("string"),
        "start": runs["start"].astype("Int64"),
        "end": runs["last"].astype("Int64").mask(ongoing),
        "type": runs["type"].astype("string"),
    })
    split = runs["row"].duplicated(keep=False)
    if split.any():
        notes.append(f"{path.name}: rivalries {sorted(set(runs.loc[split, 'name']))} were split "
                     "where a COW code changes meaning (345: YUG to 2005, SRB from 2006)")
    twice = table.duplicated(["a", "b", "start"], keep=False)
    if twice.any():
        names = sorted(set(runs.loc[twice.to_numpy(), "name"]))
        raise SourceFormatError(
            path, f"rivalries {names} have the same states and start year, which the "
            "rivalries table keys on (a, b, start)",
            fix="check the release for a repeated rivalry; if both spells are real, "
                "amity's rivalries key must include a rivalry id")
    table = table.sort_values(["a", "b", "start"]).reset_index(drop=True)
    return table, notes


def _types(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The non-empty values of ``columns`` joined with ", " in column order (NA if none)."""
    joined = frame[columns].apply(
        lambda row: ", ".join(str(v).strip() for v in row if pd.notna(v) and str(v).strip()),
        axis=1) if len(frame) else pd.Series([], dtype="object")
    return joined.replace("", pd.NA)


def _parse_tss(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_TSS]
    raw, skipped = read_csv(path, TSS_COLUMNS, on_bad_lines=on_bad_lines)
    for column in (*TSS_TYPES, "principal", "aprin"):
        bad = raw[column].notna() & (raw[column] != 1)
        if bad.any():
            raise _error(path, f"{column} {shown(raw[column][bad].iloc[0])} is not 1 or empty",
                         _first(bad), column, skipped)
    named = pd.DataFrame({t: raw[t].map({1: t}) for t in TSS_TYPES})
    spells = pd.DataFrame({"name": raw["rivalry"], "ccode1": raw["ccode1"],
                           "ccode2": raw["ccode2"], "start": raw["start"], "end": raw["end"],
                           "type": _types(named, list(TSS_TYPES))})
    table, notes = _rivalries(spells, path, _TSS_LAST, skipped)
    return ParseResult({"rivalries": table}, skipped=skipped, notes=notes,
                       coverage=_covered(table, _TSS_LAST))


def _parse_td(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_TD]
    raw, skipped = read_csv(path, TD_COLUMNS, on_bad_lines=on_bad_lines)
    spells = pd.DataFrame({"name": raw["rivalryname"], "ccode1": raw["ccode1"],
                           "ccode2": raw["ccode2"], "start": raw["styear"],
                           "end": raw["endyear"],
                           "type": _types(raw, ["type1", "type2", "type3"])})
    table, notes = _rivalries(spells, path, _TD_LAST, skipped)
    return ParseResult({"rivalries": table}, skipped=skipped, notes=notes,
                       coverage=_covered(table, _TD_LAST))


def _covered(table: pd.DataFrame, last: int) -> tuple[int, int] | None:
    """The years the release covers: from its first rivalry's start to the data's last
    year (the spells say nothing of the years after it)."""
    return (int(table["start"].min()), last) if len(table) else None


_PS = ("Miller, Steven V. 2022. \"peacesciencer: An R Package for Quantitative Peace Science "
       "Research.\" Conflict Management and Peace Science 39(6): 755-779.")
_LICENCE = ("free to use with citation (the authors' published data; redistributed in the R "
            "package peacesciencer, GPL-2)")
_CAVEATS = (
    "lists rivalries only: a pair without a spell covering a year was not in a strategic "
    "rivalry that year, within the years covered",
    "start years of 1494 and 1816 can mean the rivalry was already under way",
    "a CSV conversion of peacesciencer's table (the authors' book appendix, coded to COW "
    "state numbers by peacesciencer)",
)
DATASETS = (
    Dataset(
        source="rivalries", release="tss-2021",
        title="Strategic rivalries, 1494-2020 (Thompson, Sakuwa and Suhas 2021)",
        publisher="William R. Thompson, Kentaro Sakuwa and Prashant Hosur Suhas, as coded "
        "by the R package peacesciencer",
        homepage="http://svmiller.com/peacesciencer/reference/tss_rivalries.html",
        citation="Thompson, William R., Kentaro Sakuwa and Prashant Hosur Suhas. 2021. "
        "Analyzing Strategic Rivalries in World Politics: Types of Rivalry, Regional "
        "Variation, and Escalation/De-escalation. Singapore: Springer. " + _PS,
        licence=_LICENCE,
        files=(RemoteFile(f"conflict/{_TSS}",
                          "ef1288dd9bac8e73b24f22c8eaaad0280c19189f3cd8bf6c46e8a27a5188d965"),),
        parse=_parse_tss, tables=("rivalries",),
        caveats=("ends in 2020: a rivalry ongoing then has no end (NA); amity carries a "
                 "pair's 2020 value to 2025, marked \"as of 2020\"", *_CAVEATS),
    ),
    Dataset(
        source="rivalries", release="td-2012", default=False,
        title="Strategic rivalries, 1494-2010 (Thompson and Dreyer 2012)",
        publisher="William R. Thompson and David R. Dreyer, as coded by the R package "
        "peacesciencer",
        homepage="http://svmiller.com/peacesciencer/reference/td_rivalries.html",
        citation="Thompson, William R. and David R. Dreyer. 2012. Handbook of International "
        "Rivalries, 1494-2010. Washington DC: CQ Press. " + _PS,
        licence=_LICENCE,
        files=(RemoteFile(f"conflict/{_TD}",
                          "dc75f6a03da0e605d6881a2b5325e42dddc2ee0e63c45bf31e717b9c9a2e142c"),),
        parse=_parse_td, tables=("rivalries",),
        caveats=("ends in 2010: a rivalry ongoing then has no end (NA), and one that ended "
                 "in 2010 cannot be told apart from it", *_CAVEATS),
    ),
)
