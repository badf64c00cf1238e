"""International students by country of origin and country of study (OECD, derived).

``students/oecd-2013-2019``
    ``OECD_Intl_Student_Enrollment_2013_2019.csv.gz``: a table derived by a third party
    (repository ``jords-santiago/intl-students-2013-2019``) from the OECD dataset
    ``EDU_ENRL_MOBILE`` ("Enrolment of international students by origin"). Header
    ``COUNTRY_OF_SCHOOL,COUNTRY_OF_ORIGIN,YEAR,TOTAL_INTL_STUDENTS``; country *names*
    (ISO short names: "Russian Federation", "Pakistan"); years 2013–2019; 40 countries
    of study (OECD members and partners), 212 origins. The OECD original is not in the
    mirror, so every row is written with ``derived = True``.

Traps
-----
* The author summed ISCED levels 5, 6, 7, 8 *and* the total 5T8, so
  ``TOTAL_INTL_STUDENTS`` double-counts: about twice OECD's "total tertiary" when every
  level is reported (less when only some are). amity stores the numbers as published
  (halving would be wrong for partly reported rows) and says so in the caveats: use them
  for comparisons between pairs and years, not as head counts.
* 0 can mean "not reported" (Pakistanis in Russia: 0 in 2013, 94 in 2014): zeros are
  not stored, so they read as unknown (NA), never as a claimed 0.
* Pakistan is not a country of study in this table: students_b_in_a for (PAK, RUS) is
  NA, not 0.
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

__all__ = ["DATASETS"]

_FILE = "OECD_Intl_Student_Enrollment_2013_2019.csv.gz"


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_FILE]
    raw, skipped = read_csv(path, {"COUNTRY_OF_SCHOOL": "VARCHAR", "COUNTRY_OF_ORIGIN": "VARCHAR",
                                   "YEAR": "BIGINT", "TOTAL_INTL_STUDENTS": "DOUBLE"},
                            on_bad_lines=on_bad_lines)
    bad = raw["TOTAL_INTL_STUDENTS"].isna() | (raw["TOTAL_INTL_STUDENTS"] < 0)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise SourceFormatError(path, f"count {shown(raw['TOTAL_INTL_STUDENTS'].iloc[row])} is not "
                                "a non-negative number", column="TOTAL_INTL_STUDENTS",
                                line=row + 2 if not skipped else None)
    notes = []
    origin = countries.iso3_from(raw["COUNTRY_OF_ORIGIN"], "name")
    destination = countries.iso3_from(raw["COUNTRY_OF_SCHOOL"], "name")
    for label, column, iso3 in (("origin", "COUNTRY_OF_ORIGIN", origin),
                                ("country of study", "COUNTRY_OF_SCHOOL", destination)):
        unknown = sorted(raw.loc[iso3.isna(), column].dropna().unique())
        if unknown:
            notes.append(f"{path.name}: {label} names not in amity's crosswalk, rows dropped: "
                         f"{', '.join(unknown)}")
    table = pd.DataFrame({"year": raw["YEAR"], "origin": origin, "destination": destination,
                          "count": raw["TOTAL_INTL_STUDENTS"], "derived": True})
    table = table.dropna(subset=["origin", "destination"])
    zeros = int((table["count"] == 0).sum())
    table = table[table["count"] > 0]
    notes.append(f"{path.name}: {zeros} zero counts not stored (0 can mean not reported)")
    if table.duplicated(["year", "origin", "destination"]).any():
        raise SourceFormatError(path, "two rows for one (country of study, origin, year) after "
                                "mapping names to ISO3", fix="report it to amity")
    return ParseResult({"students": table.reset_index(drop=True)}, skipped=skipped, notes=notes)


DATASETS = (
    Dataset(
        source="students", release="oecd-2013-2019",
        title="International students by origin and country of study, 2013-2019 (derived from "
        "OECD EDU_ENRL_MOBILE)",
        publisher="OECD Education Statistics; table derived by jords-santiago/"
        "intl-students-2013-2019",
        homepage="https://stats.oecd.org/viewhtml.aspx?datasetcode=EDU_ENRL_MOBILE",
        citation="OECD, Education Statistics: Enrolment of international students by origin "
        "(EDU_ENRL_MOBILE); derived table from github.com/jords-santiago/"
        "intl-students-2013-2019 (commit c88ee40)",
        licence="OECD terms: free use with attribution (\"Source: OECD\")",
        files=(RemoteFile(f"students/{_FILE}",
                          "099ca38ab1ace2fdd27b79a85e3a0114395867335cfcbe5c5f2a0503b38ca524"),),
        parse=_parse, tables=("students",),
        caveats=("derived: not the OECD original",
                 "double-counts tertiary levels (ISCED 5-8 plus their total): about 2x OECD's "
                 "total tertiary; compare pairs and years, do not read as head counts",
                 "zeros (which can mean not reported) are not stored"),
    ),
)
