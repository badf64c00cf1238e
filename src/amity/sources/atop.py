"""ATOP v5.1: alliance obligations between states, directed dyad-year, 1815–2018.

``atop/5.1``
    ``atop_alliance.csv.gz`` is the project mirror's CSV conversion (values unchanged) of
    peacesciencer's ``atop_alliance.rda``, itself ATOP's directed dyad-year file
    ``atop5_1ddyr`` cut to eight columns and renamed:
    ``ccode1, ccode2, year, atop_defense, atop_offense, atop_neutral, atop_nonagg,
    atop_consul`` (COW state numbers; 0/1 flags). It is not the original ATOP CSV.

Traps
-----
* Only dyad-years in which the two states share an ATOP alliance are listed: a missing
  dyad-year means *no alliance*, not missing data — but only for pairs of states that
  were in the state system that year. The file itself carries no list of those states,
  so the indicator (:func:`amity.indicators.military.alliances_dyadic`) takes the
  universe from the COW state list.
* The data are directed (2-20 and 20-2) and the flags can differ between the two
  directions (984 rows for defence): a guarantee binds the guarantor only. amity keeps
  the directed flags as published (``a`` = ATOP's state A).
* 170 rows (e.g. UK–Italy 1925–37, co-guarantors of Locarno) have all five flags 0:
  the two share an alliance without obligations towards each other. They are kept.
* COW codes become ISO3 with their years: 365 is RUS throughout (the USSR before 1992),
  255 and 260 are both DEU; two codes of one state in one year are merged (a flag is
  set when either row sets it).
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

__all__ = ["DATASETS", "FLAGS"]

#: ATOP's flag columns → the ``alliances`` table's columns.
FLAGS = {"atop_defense": "defense", "atop_offense": "offense", "atop_neutral": "neutrality",
         "atop_nonagg": "nonaggression", "atop_consul": "consult"}
_FILE = "atop_alliance.csv.gz"


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_FILE]
    columns = {"ccode1": "BIGINT", "ccode2": "BIGINT", "year": "BIGINT",
               **{flag: "BIGINT" for flag in FLAGS}}
    raw, skipped = read_csv(path, columns, on_bad_lines=on_bad_lines)
    for flag in FLAGS:
        bad = ~raw[flag].isin([0, 1])
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise SourceFormatError(
                path, f"flag {raw[flag].iloc[row]!r} is not 0 or 1",
                line=row + 2 if not skipped else None, column=flag,
                fix="use ATOP's dyad-year file as converted from peacesciencer (0/1 flags)")
    a = countries.iso3_from_cow(raw["ccode1"], raw["year"])
    b = countries.iso3_from_cow(raw["ccode2"], raw["year"])
    notes = []
    unknown = sorted(set(raw.loc[a.isna(), "ccode1"]) | set(raw.loc[b.isna(), "ccode2"]))
    if unknown:
        notes.append(f"{path.name}: COW codes {unknown} are not in amity's country table; "
                     f"{int((a.isna() | b.isna()).sum())} rows were dropped. Report them so "
                     "the crosswalk can be extended")
    table = pd.DataFrame({"year": raw["year"], "a": a, "b": b,
                          **{new: raw[old].astype(bool) for old, new in FLAGS.items()}})
    table = table[a.notna() & b.notna()]
    same = table["a"] == table["b"]
    if same.any():
        notes.append(f"{path.name}: {int(same.sum())} rows pair two COW codes of one state "
                     "(e.g. 255 and 260 in 1990) and were dropped")
        table = table[~same]
    merged = table.groupby(["year", "a", "b"], as_index=False, sort=True).max()
    if len(merged) < len(table):
        notes.append(f"{path.name}: {len(table) - len(merged)} rows merged where two COW codes "
                     "of one state (255/260, 678/679) report the same year")
    return ParseResult({"alliances": merged.reset_index(drop=True)}, skipped=skipped,
                       notes=notes)


DATASETS = (
    Dataset(
        source="atop", release="5.1",
        title="ATOP Alliance Treaty Obligations and Provisions v5.1 (directed dyad-year)",
        publisher="ATOP project (Brett Ashley Leeds et al.), as redistributed by the R "
        "package peacesciencer",
        homepage="http://www.atopdata.org",
        citation="Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew "
        "G. Long. 2002. \"Alliance Treaty Obligations and Provisions, 1815-1944.\" "
        "International Interactions 28: 237-60. (Version 5.1 of the data.)",
        licence="free to use with citation (ATOP asks users to cite the data)",
        files=(RemoteFile(f"atop/{_FILE}",
                          "47578d274370a78673218623c1b8dc6ca1a189bb18cb87763a6e3ae1ec4440b5"),),
        parse=_parse, tables=("alliances",),
        caveats=(
            "lists only allied dyad-years; a pair of system members without a row has no "
            "alliance that year",
            "a conversion of peacesciencer's copy of ATOP's atop5_1ddyr file, not the "
            "original ATOP CSV",
            "ends in 2018",
        ),
    ),
)
