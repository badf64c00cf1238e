"""UCDP/PRIO Armed Conflict Dataset 25.1: the states on opposite sides of each conflict-year.

``ucdp/acd-25.1``
    ``ucdp_acd.csv.gz`` is the project mirror's CSV conversion of peacesciencer's
    ``ucdp_acd`` table: the ACD's conflict-years (1946-2024) cut to 15 columns
    ``conflict_id, year, gwno_a, gwno_a_2nd, gwno_b, gwno_b_2nd, incompatibility,
    intensity_level, type_of_conflict, start_date, start_prec, start_date2,
    start_prec2, ep_end, ep_end_date``, with the comma-separated state lists
    **unnested**: one row per combination of ``gwno_a × gwno_a_2nd × gwno_b ×
    gwno_b_2nd``, an empty cell where a side has no such state. Written to
    ``armed_conflicts``.

For each conflict-year, side A's states are the ``gwno_a`` (primary: side A is always a
government) and ``gwno_a_2nd`` (secondary: states fighting alongside) of all its rows;
side B's are ``gwno_b`` and ``gwno_b_2nd``. Every pair of a side A state and a side B
state is one row, ``a`` from side A and ``b`` from side B, stored once (the indicator
makes it symmetric); ``primary_a``/``primary_b`` say whether the state is a primary
party rather than a secondary one.

========================  =========================================================
``armed_conflicts``       ``ucdp_acd.csv.gz``
========================  =========================================================
conflict_id, year         conflict_id, year
a, primary_a              gwno_a (primary) and gwno_a_2nd (secondary), GW → ISO3
b, primary_b              gwno_b (primary) and gwno_b_2nd (secondary), GW → ISO3
intensity                 intensity_level: 1 minor (25-999 battle deaths), 2 war
type                      type_of_conflict: extrasystemic, interstate, intrastate,
                          internationalized intrastate (the file's ``II``)
incompatibility           incompatibility: territory, government, both
========================  =========================================================

Traps
-----
* Gleditsch-Ward numbers, not COW: GW 260 is Germany, 340 Serbia, 678 Yemen (before
  and after 1990), 970-973 Kiribati, Nauru, Tonga, Tuvalu (COW 970 is Nauru). UCDP keeps
  345 for Serbia after 2006 (CAR 2014-2024): amity reads it as SRB from 2006. GW 751
  (Hyderabad, 1947-48) has no ISO3 code in amity: its pairs are dropped with a note.
* Side B is usually a rebel group: ``gwno_b`` is then empty and only states fighting
  alongside the rebels (``gwno_b_2nd``) make pairs; most conflict-years (intrastate
  wars without foreign states on the rebels' side) give no row at all.
* The side lists cover the whole year. A state listed on both sides (it changed sides,
  or backed a government replaced during the year: Cambodia 1979, Sierra Leone 1997-98,
  Tajikistan 1992, Congo 1997) makes its pairs ambiguous, allies included: those pairs
  are dropped with a note naming the conflict-years.
* The unnested file repeats every state once per combination; pairs are deduplicated
  to one row per (conflict_id, year, a, b). The conflict-year's intensity, type and
  incompatibility must agree on all its rows.
* The mirror's conversion says "labels" but writes ``intensity_level`` as 1/2 and
  ``type_of_conflict`` as labels with ``II`` for internationalized intrastate; UCDP's
  numeric codes (type 1-4, incompatibility 1-3) and the labels minor/war are read too.
* UCDP counts battle deaths of 25 or more a year in conflicts over government or
  territory: a pair without a row had no such conflict, which is not the absence of
  hostility.
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

__all__ = ["COLUMNS", "DATASETS", "INCOMPATIBILITY", "INTENSITY", "TYPES"]

_FILE = "ucdp_acd.csv.gz"
_CONFLICT_YEAR = ["conflict_id", "year"]

#: Every column of ``ucdp_acd.csv.gz``, in file order.
COLUMNS: dict[str, str] = {
    "conflict_id": "BIGINT", "year": "BIGINT", "gwno_a": "BIGINT", "gwno_a_2nd": "BIGINT",
    "gwno_b": "BIGINT", "gwno_b_2nd": "BIGINT", "incompatibility": "VARCHAR",
    "intensity_level": "VARCHAR", "type_of_conflict": "VARCHAR", "start_date": "DATE",
    "start_prec": "BIGINT", "start_date2": "DATE", "start_prec2": "BIGINT", "ep_end": "BIGINT",
    "ep_end_date": "DATE",
}
#: ``intensity_level`` as written (code or label, lower case) → 1 minor, 2 war.
INTENSITY = {"1": 1, "2": 2, "minor": 1, "war": 2}
#: ``type_of_conflict`` as written (UCDP code or label, lower case) → amity's label.
TYPES = {"1": "extrasystemic", "2": "interstate", "3": "intrastate",
         "4": "internationalized intrastate", "extrasystemic": "extrasystemic",
         "interstate": "interstate", "intrastate": "intrastate",
         "ii": "internationalized intrastate",
         "internationalized intrastate": "internationalized intrastate",
         "internationalised intrastate": "internationalized intrastate"}
#: ``incompatibility`` as written (UCDP code or label, lower case) → amity's label.
INCOMPATIBILITY = {"1": "territory", "2": "government", "3": "both",
                   "territory": "territory", "government": "government", "both": "both"}


def _labels(raw: pd.DataFrame, column: str, mapping: Mapping[str, object], path: Path,
            skipped: int) -> pd.Series:
    """``column`` mapped through ``mapping`` (case-insensitive); an unknown value is an
    error naming its line."""
    text = raw[column].str.strip().str.lower()
    out = text.map(mapping)
    bad = out.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        known = sorted({str(k) for k in mapping})
        raise SourceFormatError(path, f"{column} {raw[column].iloc[row]!r} is not one of "
                                f"{known}", line=row + 2 if not skipped else None,
                                column=column, fix="use the ACD table as converted from "
                                "peacesciencer (UCDP codes or labels)")
    return out


def _side(raw: pd.DataFrame, primary: str, secondary: str) -> pd.DataFrame:
    """One row per conflict-year and GW state of one side, ``primary`` when the state is
    a primary party on any row."""
    parts = [raw[[*_CONFLICT_YEAR, col]].rename(columns={col: "gw"}).assign(primary=flag)
             for col, flag in ((primary, True), (secondary, False))]
    side = pd.concat(parts, ignore_index=True).dropna(subset=["gw"])
    return side.groupby([*_CONFLICT_YEAR, "gw"], as_index=False)["primary"].max()


def _drop_both_sides(pairs: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Drop the pairs of a conflict-year in which a state is listed on both sides.

    The side lists cover the whole year: a state that changed sides, or one that backed a
    government replaced during the year, is on both, and its pairs (with its allies too)
    cannot be told apart.
    """
    both = pairs.loc[pairs["iso3_a"] == pairs["iso3_b"], [*_CONFLICT_YEAR, "iso3_a"]]
    if both.empty:
        return pairs, []
    both = both.rename(columns={"iso3_a": "state"})
    keys = pd.MultiIndex.from_frame(both)
    hit = (pd.MultiIndex.from_frame(pairs[[*_CONFLICT_YEAR, "iso3_a"]]).isin(keys)
           | pd.MultiIndex.from_frame(pairs[[*_CONFLICT_YEAR, "iso3_b"]]).isin(keys))
    cases = both.groupby(_CONFLICT_YEAR)["state"].agg(lambda s: "/".join(sorted(s)))
    shown = [f"{cid} in {year} ({states})" for (cid, year), states in cases.items()]
    note = (f"{path.name}: {len(shown)} conflict-years list a state on both sides "
            f"({'; '.join(shown[:10])}{'; ...' if len(shown) > 10 else ''}); their "
            f"{int(hit.sum())} pairs involving such a state were dropped, because the "
            "year's side lists cannot tell whom it fought")
    return pairs[~hit], [note]


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_FILE]
    raw, skipped = read_csv(path, COLUMNS, on_bad_lines=on_bad_lines)
    attrs = pd.DataFrame({
        "conflict_id": raw["conflict_id"], "year": raw["year"],
        "intensity": _labels(raw, "intensity_level", INTENSITY, path, skipped),
        "type": _labels(raw, "type_of_conflict", TYPES, path, skipped),
        "incompatibility": _labels(raw, "incompatibility", INCOMPATIBILITY, path, skipped),
    }).drop_duplicates()
    twice = attrs.duplicated(_CONFLICT_YEAR, keep=False)
    if twice.any():
        cid, year = attrs.loc[twice, _CONFLICT_YEAR].iloc[0]
        raise SourceFormatError(path, f"conflict {cid} in {year} has rows with different "
                                "intensity, type or incompatibility",
                                fix="use the ACD table as converted from peacesciencer, "
                                "one conflict-year per combination of states")
    notes = []
    sides = []
    for primary, secondary in (("gwno_a", "gwno_a_2nd"), ("gwno_b", "gwno_b_2nd")):
        side = _side(raw, primary, secondary)
        iso3 = countries.iso3_from_gw(side["gw"], side["year"])
        if iso3.isna().any():
            unknown = sorted({int(c) for c in side.loc[iso3.isna(), "gw"]})
            notes.append(f"{path.name}: Gleditsch-Ward codes {unknown} in {primary}/"
                         f"{secondary} are not in amity's country table; their pairs were "
                         "dropped. Report them so the crosswalk can be extended")
        side = side.assign(iso3=iso3)[iso3.notna()]
        # two GW numbers of one state in one conflict-year (340 and 345 from 2006)
        sides.append(side.groupby([*_CONFLICT_YEAR, "iso3"], as_index=False)["primary"].max())
    side_a, side_b = sides
    pairs = side_a.merge(side_b, on=_CONFLICT_YEAR, suffixes=("_a", "_b"))
    pairs, more = _drop_both_sides(pairs, path)
    notes += more
    table = pairs.rename(columns={"iso3_a": "a", "iso3_b": "b"}).merge(
        attrs, on=_CONFLICT_YEAR, how="left")
    table = table.astype({"conflict_id": "Int64", "year": "Int64", "intensity": "Int64",
                          "a": "string", "b": "string", "type": "string",
                          "incompatibility": "string", "primary_a": bool, "primary_b": bool})
    columns = ["conflict_id", "year", "a", "b", "primary_a", "primary_b", "intensity", "type",
               "incompatibility"]
    table = table[columns].sort_values(["conflict_id", "year", "a", "b"])
    return ParseResult({"armed_conflicts": table.reset_index(drop=True)}, skipped=skipped,
                       notes=notes)


DATASETS = (
    Dataset(
        source="ucdp", release="acd-25.1",
        title="UCDP/PRIO Armed Conflict Dataset 25.1 (state pairs on opposite sides)",
        publisher="Uppsala Conflict Data Program (UCDP) and Peace Research Institute Oslo "
        "(PRIO), as redistributed by the R package peacesciencer",
        homepage="https://ucdp.uu.se/downloads/",
        citation="Gleditsch, Nils Petter, Peter Wallensteen, Mikael Eriksson, Margareta "
        "Sollenberg and Håvard Strand. 2002. \"Armed Conflict 1946-2001: A New Dataset.\" "
        "Journal of Peace Research 39(5): 615-637. Davies, Shawn, Therése Pettersson, "
        "Margareta Sollenberg and Magnus Öberg. 2025. \"Organized Violence 1989-2024, and "
        "the Challenges of Identifying Civilian Victims.\" Journal of Peace Research 62(4). "
        "Miller, Steven V. 2022. \"peacesciencer: An R Package for Quantitative Peace "
        "Science Research.\" Conflict Management and Peace Science 39(6): 755-779.",
        licence="CC BY 4.0 (UCDP data)",
        files=(RemoteFile(f"conflict/{_FILE}",
                          "3d4ad460e4370f68b9730c4c81a04dfd2787cef92c5cc745b7d979e202758962"),),
        parse=_parse, tables=("armed_conflicts",),
        caveats=(
            "armed conflicts with 25 or more battle deaths a year only: a pair without a row "
            "had no such conflict, which is not the absence of disputes or hostility",
            "lists only conflict-years with states on both sides; conflicts against rebel "
            "groups count only for states fighting alongside the rebels",
            "covers 1946-2024 (MIDs end in 2010 and 2014: after that this is the only "
            "record of interstate hostility)",
            "a row pairs two states on opposite sides of one conflict that year, primary or "
            "secondary parties; it does not say that they fought each other directly",
            "a conversion of peacesciencer's ucdp_acd table (selected columns, state lists "
            "unnested), not UCDP's own CSV",
        ),
    ),
)
