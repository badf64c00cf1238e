"""COW inter-state wars 4.0: directed dyad-years of states at war, with battle deaths.

``cow_war/4.0``
    ``cow_war_inter.csv.gz`` is the project mirror's CSV conversion (values unchanged) of
    peacesciencer's ``cow_war_inter`` table, which the package built from COW's
    participant file ``Inter-StateWarData_v4.0.csv``: two participants form a dyad-year
    when they were on opposite sides on the same day. 15 columns, 1823-2003:
    ``warnum, ccode1, ccode2, year, cowinterongoing, cowinteronset, sidea1, sidea2,
    initiator1, initiator2, outcome1, outcome2, batdeath1, batdeath2, resume`` (COW
    state numbers; both directions listed). Written to ``wars``.

========================  ===========================================================
``wars``                  ``cow_war_inter.csv.gz``
========================  ===========================================================
war                       warnum
year                      year
a, b (ISO3)               ccode1, ccode2 with the year
name                      NA: the file has no war names (COW's participant file has
                          ``WarName``; it is not in the mirror)
deaths_a                  batdeath1; COW's -9 (unknown) is NA, never 0
initiator_a               initiator1 = 1
========================  ===========================================================

Traps
-----
* ``batdeath1`` is the state's battle deaths over the **whole war** (for a state that
  changed sides, over that side's spell: Italy, Romania, Bulgaria, Finland in the Second
  World War), repeated on every opponent and every year: never sum it over rows.
* Wars with a resumption of combat (``resume = 1``: wars 10, 13, 46, 148, 184) list a
  dyad-year once per combat spell; the 16 repeated (war, year, a, b) are merged into one
  row (deaths and initiator agree on them).
* COW numbers become ISO3 with their years (345 is YUG before 2006, 365 RUS, 255/260
  DEU). Unknown numbers are dropped with a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import read_csv, shown

__all__ = ["COLUMNS", "DATASETS"]

_FILE = "cow_war_inter.csv.gz"
_UNKNOWN = -9
_KEY = ["war", "year", "a", "b"]

#: Every column of ``cow_war_inter.csv.gz``, in file order.
COLUMNS: dict[str, str] = {c: "BIGINT" for c in (
    "warnum ccode1 ccode2 year cowinterongoing cowinteronset sidea1 sidea2 initiator1 "
    "initiator2 outcome1 outcome2 batdeath1 batdeath2 resume").split()}


def _first_bad(path: Path, raw: pd.DataFrame, bad: pd.Series, column: str, what: str,
               skipped: int) -> SourceFormatError:
    row = int(bad.to_numpy().nonzero()[0][0])
    return SourceFormatError(path, f"{column} {shown(raw[column].iloc[row])} is not {what}",
                             line=row + 2 if not skipped else None, column=column,
                             fix="use COW's inter-state war dyad-years as converted from "
                                 "peacesciencer")


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_FILE]
    raw, skipped = read_csv(path, COLUMNS, on_bad_lines=on_bad_lines)
    for column in ("initiator1", "resume"):
        bad = ~raw[column].isin([0, 1])
        if bad.any():
            raise _first_bad(path, raw, bad, column, "0 or 1", skipped)
    bad = raw["batdeath1"].isna() | ((raw["batdeath1"] < 0) & (raw["batdeath1"] != _UNKNOWN))
    if bad.any():
        raise _first_bad(path, raw, bad, "batdeath1", f"a count of deaths or {_UNKNOWN} "
                         "(unknown)", skipped)
    a = countries.iso3_from_cow(raw["ccode1"], raw["year"])
    b = countries.iso3_from_cow(raw["ccode2"], raw["year"])
    deaths = raw["batdeath1"].astype("float64")
    table = pd.DataFrame({
        "war": raw["warnum"].astype("Int64"), "year": raw["year"].astype("Int64"),
        "a": a, "b": b, "name": pd.Series(pd.NA, index=raw.index, dtype="string"),
        "deaths_a": deaths.mask(raw["batdeath1"] == _UNKNOWN),
        "initiator_a": raw["initiator1"] == 1,
    })
    notes = []
    lost = a.isna() | b.isna()
    if lost.any():
        unknown = sorted({int(c) for c in raw.loc[a.isna(), "ccode1"]}
                         | {int(c) for c in raw.loc[b.isna(), "ccode2"]})
        notes.append(f"{path.name}: COW codes {unknown} are not in amity's country table for "
                     f"those years; {int(lost.sum())} rows were dropped. Report them so the "
                     "crosswalk (src/amity/data/cow_spells.csv) can be extended")
        table = table[~lost]
    same = table["a"] == table["b"]
    if same.any():
        notes.append(f"{path.name}: {int(same.sum())} rows pair two COW codes of one state "
                     "and were dropped")
        table = table[~same]
    merged = table.groupby(_KEY, as_index=False, sort=True).agg(
        name=("name", "first"), deaths_a=("deaths_a", "max"),
        initiator_a=("initiator_a", "max"))
    if len(merged) < len(table):
        notes.append(f"{path.name}: {len(table) - len(merged)} rows merged where a war lists "
                     "a dyad-year once per combat spell (resumed combat) or two COW codes of "
                     "one state")
    merged = merged.astype({"name": "string", "deaths_a": "float64", "initiator_a": bool})
    return ParseResult({"wars": merged[["war", "year", "a", "b", "name", "deaths_a",
                                        "initiator_a"]]}, skipped=skipped, notes=notes)


DATASETS = (
    Dataset(
        source="cow_war", release="4.0",
        title="COW Inter-State War Data 4.0 (directed dyad-year, with battle deaths)",
        publisher="Correlates of War Project, as derived by the R package peacesciencer",
        homepage="https://correlatesofwar.org/data-sets/cow-war/",
        citation="Sarkees, Meredith Reid and Frank Whelon Wayman. 2010. Resort to War: "
        "1816-2007. Washington DC: CQ Press. Miller, Steven V. 2022. \"peacesciencer: An R "
        "Package for Quantitative Peace Science Research.\" Conflict Management and Peace "
        "Science 39(6): 755-779.",
        licence="free to use with citation (COW terms; redistributed in the R package "
        "peacesciencer, GPL-2)",
        files=(RemoteFile(f"conflict/{_FILE}",
                          "0a0c66a28f185fb89e7aa3f4c9bfd6a104fa1cbf4b856b80b182869f4cca0720"),),
        parse=_parse, tables=("wars",),
        caveats=(
            "inter-state wars only (1,000 or more battle deaths); COW's war data 4.0 end in "
            "2007 (the last war listed began in 2003): later wars are not in it",
            "deaths_a is the state's battle deaths over the whole war (or its spell on one "
            "side), repeated on every opponent and year: never sum it over rows",
            "a row says two states were at war on opposite sides that year, not that they "
            "fought each other directly",
            "no war names: the mirror's file has none (name is NA)",
            "derived by peacesciencer from COW's participant file (not a COW release file)",
        ),
    ),
)
