"""Militarized interstate disputes (MIDs): GML 2.2.1 and COW MID 5.0, directed dispute-year.

Both files are CSV conversions (values unchanged) of tables of the R package
peacesciencer, one row per directed dyad per dispute per year (``ccode1`` against
``ccode2`` in dispute ``dispnum`` in ``year``; both directions are listed), COW state
numbers. Written to ``disputes``.

``gml_mid/2.2.1`` (default)
    ``gml_dirdisp.csv.gz``: Gibler, Miller and Little's MID data 2.2.1 as the package
    read it from GML's release CSV, 1816-2010. 39 columns; the dispute-level columns
    (``hostlev``, ``fatality``, ...) are repeated on each of the dispute's rows and the
    ``version`` column reads ``gml-2.2.1`` (the 2.1.1 CSV, same columns, is refused).
``cow_mid/5.0``
    ``cow_mid_dirdisps.csv.gz``: COW MID 5.0, 1816-2014, built by the package from COW's
    participant file. It has only the 18 participant columns
    (``dispnum, ccode1, ccode2, year, dispongoing, disponset, sidea1, sidea2, fatality1,
    fatality2, fatalpre1, fatalpre2, hiact1, hiact2, hostlev1, hostlev2, orig1, orig2``):
    the dispute's hostility and fatality come from the dispute-level file
    ``cow_mid_disps.csv.gz`` (``dispnum, styear, stmon, outcome, settle, fatality,
    mindur, maxdur, hiact, hostlev, recip``), joined on ``dispnum``.

Columns
-------
========================  ======================  =====================
``disputes``              GML 2.2.1               COW MID 5.0
========================  ======================  =====================
dispute                   dispnum                 dispnum
year                      year                    year
a, b (ISO3)               ccode1, ccode2 + year   ccode1, ccode2 + year
onset                     midonset = 1            disponset = 1
side_a                    sidea1 = 1              sidea1 = 1
originator_a / _b         orig1 / orig2 = 1       orig1 / orig2 = 1
hostility_a / _b          hostlev1 / hostlev2     hostlev1 / hostlev2
hostility (dispute)       hostlev                 disps.hostlev
fatality (dispute)        fatality                disps.fatality
========================  ======================  =====================

Hostility levels are 1 no militarized action, 2 threat, 3 display, 4 use of force, 5 war;
fatality 0 none, 1 1-25 deaths, ..., 6 more than 999. The publisher's -9 (unknown) is NA,
never 0. The per-participant fatality (``fatality1``) and highest action (``hiact``) are
not kept.

Traps
-----
* Only dispute-years are listed: a pair of states without a row had no dispute that
  year, but only within the data's years (to 2010, or 2014); later years are unknown.
* One row per dispute: a dyad can have several disputes in one year (India-Pakistan
  1999: 4007, Kargil, and 4223). Count disputes per dyad-year before joining.
* A row pairs two states on opposite sides of a dispute in one year: it does not say
  that they fought each other (Brazil and Japan in the Second World War).
* COW numbers become ISO3 with their years: 345 is YUG before 2006 and SRB after, 365
  is RUS throughout, 255 and 260 are both DEU. Unknown numbers are dropped with a note.
* In COW MID 5.0 dispute 2212 (China-Japan 1935) both participants have hostility 4 but
  the dispute's level is 3; the values are kept as published.
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

__all__ = ["COW_COLUMNS", "COW_DISP_COLUMNS", "DATASETS", "GML_COLUMNS"]

_GML = "gml_dirdisp.csv.gz"
_COW = "cow_mid_dirdisps.csv.gz"
_COW_DISPS = "cow_mid_disps.csv.gz"
_GML_VERSION = "gml-2.2.1"
_UNKNOWN = -9
_KEY = ["dispute", "year", "a", "b"]

#: Every column of ``gml_dirdisp.csv.gz``, in file order.
GML_COLUMNS: dict[str, str] = {
    **{c: "BIGINT" for c in (
        "dispnum ccode1 ccode2 year midongoing midonset sidea1 sidea2 revstate1 revstate2 "
        "revtype11 revtype12 revtype21 revtype22 fatality1 fatality2 fatalpre1 fatalpre2 "
        "hiact1 hiact2 hostlev1 hostlev2 orig1 orig2 hiact hostlev mindur maxdur outcome "
        "settle fatality fatalpre stmon endmon recip numa numb ongo2010").split()},
    "version": "VARCHAR",
}
#: Every column of ``cow_mid_dirdisps.csv.gz``, in file order.
COW_COLUMNS: dict[str, str] = {c: "BIGINT" for c in (
    "dispnum ccode1 ccode2 year dispongoing disponset sidea1 sidea2 fatality1 fatality2 "
    "fatalpre1 fatalpre2 hiact1 hiact2 hostlev1 hostlev2 orig1 orig2").split()}
#: Every column of ``cow_mid_disps.csv.gz``, in file order.
COW_DISP_COLUMNS: dict[str, str] = {c: "BIGINT" for c in (
    "dispnum styear stmon outcome settle fatality mindur maxdur hiact hostlev recip").split()}

_FLAGS = (0, 1)
_HOSTILITY = (1, 2, 3, 4, 5)
_FATALITY = (0, 1, 2, 3, 4, 5, 6)


def _check(raw: pd.DataFrame, path: Path, column: str, allowed: tuple[int, ...],
           skipped: int, *, unknown: bool = False) -> None:
    """Every value of ``column`` is in ``allowed`` (or -9 when ``unknown``), else an error
    naming the first offending line (when no row was skipped before it)."""
    ok = raw[column].isin(allowed) | (unknown & (raw[column] == _UNKNOWN))
    if ok.all():
        return
    row = int((~ok).to_numpy().nonzero()[0][0])
    codes = f"{list(allowed)}" + (f" or {_UNKNOWN} (unknown)" if unknown else "")
    raise SourceFormatError(path, f"value {shown(raw[column].iloc[row])} is not one of {codes}",
                            line=row + 2 if not skipped else None, column=column,
                            fix="use the release's directed dispute-year file as converted "
                                "from peacesciencer")


def _known(values: pd.Series) -> pd.Series:
    """The publisher's -9 (unknown) as NA; never 0."""
    return values.astype("Int64").mask(values == _UNKNOWN)


def _dyads(table: pd.DataFrame, ccode1: pd.Series, ccode2: pd.Series,
           path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Map COW numbers to ISO3 with their years; drop (and note) what does not map."""
    a = countries.iso3_from_cow(ccode1, table["year"])
    b = countries.iso3_from_cow(ccode2, table["year"])
    notes = []
    lost = a.isna() | b.isna()
    if lost.any():
        unknown = sorted({int(c) for c in ccode1[a.isna()]} | {int(c) for c in ccode2[b.isna()]})
        notes.append(f"{path.name}: COW codes {unknown} are not in amity's country table for "
                     f"those years; {int(lost.sum())} rows were dropped. Report them so the "
                     "crosswalk (src/amity/data/cow_spells.csv) can be extended")
    table = table.assign(a=a, b=b)[~lost]
    same = table["a"] == table["b"]
    if same.any():
        notes.append(f"{path.name}: {int(same.sum())} rows pair two COW codes of one state "
                     "and were dropped")
        table = table[~same]
    merged = table.groupby(_KEY, as_index=False, sort=True).max()
    if len(merged) < len(table):
        notes.append(f"{path.name}: {len(table) - len(merged)} rows merged where two COW "
                     "codes of one state (255/260, 678/679) are in the same dispute-year")
    return merged.reset_index(drop=True), notes


def _disputes(raw: pd.DataFrame, path: Path, skipped: int, onset: str,
              hostility: pd.Series, fatality: pd.Series) -> tuple[pd.DataFrame, list[str]]:
    """The ``disputes`` table from a directed dispute-year frame (both releases)."""
    for column in (onset, "sidea1", "orig1", "orig2"):
        _check(raw, path, column, _FLAGS, skipped)
    for column in ("hostlev1", "hostlev2"):
        _check(raw, path, column, _HOSTILITY, skipped, unknown=True)
    table = pd.DataFrame({
        "dispute": raw["dispnum"].astype("Int64"), "year": raw["year"].astype("Int64"),
        "onset": raw[onset] == 1, "side_a": raw["sidea1"] == 1,
        "originator_a": raw["orig1"] == 1, "originator_b": raw["orig2"] == 1,
        "hostility_a": _known(raw["hostlev1"]), "hostility_b": _known(raw["hostlev2"]),
        "hostility": _known(hostility), "fatality": _known(fatality),
    })
    table, notes = _dyads(table, raw["ccode1"], raw["ccode2"], path)
    columns = ["dispute", "year", "a", "b", "onset", "side_a", "originator_a",
               "originator_b", "hostility_a", "hostility_b", "hostility", "fatality"]
    return table[columns], notes


def _parse_gml(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_GML]
    raw, skipped = read_csv(path, GML_COLUMNS, on_bad_lines=on_bad_lines)
    wrong = raw["version"] != _GML_VERSION  # NA (empty) counts as wrong
    wrong = wrong.fillna(True).astype(bool)
    if wrong.any():
        row = int(wrong.to_numpy().nonzero()[0][0])
        found = sorted({str(v) for v in raw.loc[wrong, "version"].fillna("(empty)")})
        raise SourceFormatError(
            path, f"the version column reads {found}, not {_GML_VERSION!r}",
            line=row + 2 if not skipped else None, column="version",
            fix=f"use {_GML} (GML MID 2.2.1); GML's 2.1.1 CSV is another release")
    _check(raw, path, "hostlev", _HOSTILITY, skipped, unknown=True)
    _check(raw, path, "fatality", _FATALITY, skipped, unknown=True)
    table, notes = _disputes(raw, path, skipped, "midonset", raw["hostlev"], raw["fatality"])
    return ParseResult({"disputes": table}, skipped=skipped, notes=notes)


def _parse_cow(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path, disp_path = paths[_COW], paths[_COW_DISPS]
    raw, skipped = read_csv(path, COW_COLUMNS, on_bad_lines=on_bad_lines)
    disps, disp_skipped = read_csv(disp_path, COW_DISP_COLUMNS, on_bad_lines=on_bad_lines)
    _check(disps, disp_path, "hostlev", _HOSTILITY, disp_skipped, unknown=True)
    _check(disps, disp_path, "fatality", _FATALITY, disp_skipped, unknown=True)
    twice = disps["dispnum"].duplicated()
    if twice.any():
        raise SourceFormatError(
            disp_path, f"dispute {int(disps['dispnum'][twice].iloc[0])} has more than one row",
            line=int(twice.to_numpy().nonzero()[0][0]) + 2 if not disp_skipped else None,
            column="dispnum", fix=f"use the dispute-level file of the same release as {_COW}")
    level = disps.set_index("dispnum")[["hostlev", "fatality"]]
    joined = raw.join(level, on="dispnum")
    notes = []
    orphans = sorted(set(raw["dispnum"]) - set(level.index))
    if orphans:
        notes.append(f"{disp_path.name}: disputes {orphans[:10]} of {path.name} have no "
                     "dispute-level row; their hostility and fatality are NA")
    table, more = _disputes(joined, path, skipped, "disponset", joined["hostlev"],
                            joined["fatality"])
    return ParseResult({"disputes": table}, skipped=skipped + disp_skipped,
                       notes=notes + more)


_PS = ("Miller, Steven V. 2022. \"peacesciencer: An R Package for Quantitative Peace Science "
       "Research.\" Conflict Management and Peace Science 39(6): 755-779.")
_LICENCE = ("free to use with citation (the publisher's terms; redistributed in the R package "
            "peacesciencer, GPL-2)")
_CAVEATS = (
    "lists only dispute-years: a pair without a row had no militarized dispute that year, "
    "within the years covered",
    "one row per dispute: a pair can have several disputes in one year; count disputes per "
    "pair-year before joining",
    "a row says the two states were on opposite sides of a dispute that year, not that they "
    "fought each other (Brazil and Japan in the Second World War)",
    "hostility and fatality of a row are the whole dispute's levels, over all its "
    "participants, not the pair's",
)
DATASETS = (
    Dataset(
        source="gml_mid", release="2.2.1",
        title="GML Militarized Interstate Dispute data 2.2.1 (directed dispute-year)",
        publisher="Douglas M. Gibler, Steven V. Miller and Erin K. Little, as distributed "
        "by the R package peacesciencer",
        homepage="http://svmiller.com/peacesciencer/reference/gml_dirdisp.html",
        citation="Gibler, Douglas M., Steven V. Miller and Erin K. Little. 2016. \"An "
        "Analysis of the Militarized Interstate Dispute (MID) Dataset, 1816-2001.\" "
        "International Studies Quarterly 60(4): 719-730. (Version 2.2.1 of the data.) "
        + _PS,
        licence=_LICENCE,
        files=(RemoteFile(f"conflict/{_GML}",
                          "19a522456ec2fa2b97249ec2409bf49be7c66afbcb800d097ed5aeae95c2e0f6"),),
        parse=_parse_gml, tables=("disputes",),
        caveats=("ends in 2010: later disputes are not in it (COW MID 5.0 runs to 2014; after "
                 "that only UCDP armed conflicts)", *_CAVEATS,
                 "a CSV conversion of peacesciencer's gml_dirdisp table (GML's 2.2.1 release "
                 "values unchanged)"),
    ),
    Dataset(
        source="cow_mid", release="5.0",
        title="COW Militarized Interstate Disputes 5.0 (directed dispute-year)",
        publisher="Correlates of War Project, as derived by the R package peacesciencer",
        homepage="https://correlatesofwar.org/data-sets/MIDs",
        citation="Palmer, Glenn, Roseanne W. McManus, Vito D'Orazio, Michael R. Kenwick, "
        "Mikaela Karstens, Chase Bloch, Nick Dietrich, Kayla Kahn, Kellan Ritter and "
        "Michael J. Soules. 2022. \"The MID5 Dataset, 2011-2014: Procedures, Coding Rules, "
        "and Description.\" Conflict Management and Peace Science 39(4): 470-482. " + _PS,
        licence=_LICENCE,
        files=(RemoteFile(f"conflict/{_COW}",
                          "17bd1e64ad9fa64f57537e673845a268ccff3e0c09dac6fe17a8d488182c20e9"),
               RemoteFile(f"conflict/{_COW_DISPS}",
                          "e2ad02e56d2648acebcdca2fa9f145908c574ccc562f9772b7c655f1c8a0463f")),
        parse=_parse_cow, tables=("disputes",),
        caveats=("ends in 2014: later disputes are not in it (after that only UCDP armed "
                 "conflicts, battle deaths of 25 or more)", *_CAVEATS,
                 "derived by peacesciencer from COW's participant file (not a COW release "
                 "file); dispute hostility and fatality joined from its dispute-level table"),
    ),
)
