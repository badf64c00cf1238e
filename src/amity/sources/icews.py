"""ICEWS coded event data (Harvard Dataverse yearly ``events.YYYY.*.tab`` files).

Format: tab-separated with a header row of the original ICEWS column names, 20 columns:
``Event ID, Event Date, Source Name, Source Sectors, Source Country, Event Text, CAMEO
Code, Intensity, Target Name, Target Sectors, Target Country, Story ID, Sentence Number,
Publisher, City, District, Province, Country, Latitude, Longitude``.

What amity does with it (``events`` table, source ``icews``):

* ``Source Country`` / ``Target Country`` are country *names* ("Russian Federation"),
  mapped to ISO3 with :func:`amity.countries.iso3_from`; an actor without a country stays
  NA and the event is kept. ``Country`` (where it happened) gives ``action_geo_iso3``.
* ``CAMEO Code`` is a string with leading zeros ("040", "0233"). Copies whose codes lost
  their zero ("40", "233": no CAMEO root is above 20) get it back.
* ``Intensity`` is the event's Goldstein value (−10 … +10) → ``goldstein``.
* ICEWS has no QuadClass: it is derived from the root code with GDELT's grouping
  (:func:`amity.sources.cameo.quad_class`: 01–05 verbal cooperation, 06–09 material
  cooperation, 10–14 verbal conflict, 15–20 material conflict).
* No tone, mention, source or article counts and no URL: those columns are NA.
* Missing values are empty in the Dataverse files and ``NA`` in copies written by R
  (the mirror's sample): both are read as missing.

The mirror holds a sample of the 2018 file: every event of 2018-06-01 and 2018-06-02
(release ``2018-sample``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import file_period, read_csv, shown
from amity.sources.cameo import quad_class

__all__ = ["COLUMNS", "DATASETS", "fix_cameo_code"]

#: The columns of an ICEWS events file, in order, with their DuckDB types.
COLUMNS = {
    "Event ID": "BIGINT", "Event Date": "DATE", "Source Name": "VARCHAR",
    "Source Sectors": "VARCHAR", "Source Country": "VARCHAR", "Event Text": "VARCHAR",
    "CAMEO Code": "VARCHAR", "Intensity": "VARCHAR", "Target Name": "VARCHAR",
    "Target Sectors": "VARCHAR", "Target Country": "VARCHAR", "Story ID": "BIGINT",
    "Sentence Number": "BIGINT", "Publisher": "VARCHAR", "City": "VARCHAR",
    "District": "VARCHAR", "Province": "VARCHAR", "Country": "VARCHAR",
    "Latitude": "VARCHAR", "Longitude": "VARCHAR",
}
_MISSING = {"", "NA"}


def fix_cameo_code(code: object) -> str | None:
    """A CAMEO code as a string with its leading zero (None when missing).

    Examples
    --------
    >>> fix_cameo_code("040"), fix_cameo_code("40"), fix_cameo_code("233"), fix_cameo_code("190")
    ('040', '040', '0233', '190')
    >>> fix_cameo_code("NA") is None
    True
    """
    if code is None or pd.isna(code):
        return None
    text = str(code).strip()
    if text in _MISSING:
        return None
    if text.isdigit() and len(text) in (2, 3) and int(text[:2]) > 20:
        return "0" + text  # "40" → "040", "233" → "0233": no root above 20
    return text


def _names_to_iso3(values: pd.Series) -> pd.Series:
    values = values.where(~values.isin(_MISSING))
    return countries.iso3_from(values, "name")


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    (name, path), = paths.items()
    frame, skipped = read_csv(
        path, COLUMNS, sep="\t", on_bad_lines=on_bad_lines, quote="",
        keep=["Event ID", "Event Date", "Source Country", "CAMEO Code", "Intensity",
              "Target Country", "Country"])
    intensity = frame["Intensity"].where(~frame["Intensity"].isin(_MISSING))
    goldstein = pd.to_numeric(intensity, errors="coerce")
    bad = (goldstein.isna() & intensity.notna()).to_numpy()
    if bad.any() and on_bad_lines == "error":
        first = int(bad.nonzero()[0][0])  # no row skipped before it: line = index + 2
        raise SourceFormatError(path, f"Intensity {shown(intensity.iloc[first])} is not a number",
                                line=first + 2, column="Intensity",
                                fix="use the Dataverse original of the file, or rerun with "
                                "--on-bad-lines skip to drop such rows")
    if bad.any():
        frame, goldstein, skipped = frame[~bad], goldstein[~bad], skipped + int(bad.sum())
    code = frame["CAMEO Code"].map(fix_cameo_code)
    notes = []
    for column in ("Source Country", "Target Country", "Country"):
        values = frame[column].where(~frame[column].isin(_MISSING))
        unknown = countries.unknown_values(values, "name")
        if unknown:
            notes.append(f"{name}: {column} names that are no country, kept as NA: "
                         f"{', '.join(map(str, unknown))}")
    events = pd.DataFrame({
        "event_id": frame["Event ID"], "date": frame["Event Date"],
        "year": pd.to_datetime(frame["Event Date"]).dt.year.astype("Int64"),
        "actor1_iso3": _names_to_iso3(frame["Source Country"]),
        "actor2_iso3": _names_to_iso3(frame["Target Country"]),
        "event_code": code.astype("string"), "event_root": code.str[:2].astype("string"),
        "quad_class": code.map(quad_class).astype("Int64"), "goldstein": goldstein,
        "num_mentions": pd.NA, "num_sources": pd.NA, "num_articles": pd.NA,
        "avg_tone": float("nan"), "action_geo_iso3": _names_to_iso3(frame["Country"]),
        "url": pd.NA, "file": name,
    })
    for col in ("num_mentions", "num_sources", "num_articles"):
        events[col] = events[col].astype("Int64")
    events["url"] = events["url"].astype("string")
    before = len(events)
    events = events.drop_duplicates("event_id", keep="first").reset_index(drop=True)
    if len(events) < before:
        notes.append(f"{name}: {before - len(events)} repeated Event IDs (the first kept)")
    return ParseResult({"events": events}, skipped=skipped, notes=notes)


DATASETS = (
    Dataset(
        source="icews", release="2018-sample",
        title="ICEWS Coded Event Data: every event of 2018-06-01 and 2018-06-02",
        publisher="Lockheed Martin Advanced Technology Laboratories (ICEWS), via Harvard "
        "Dataverse",
        citation="Boschee, Elizabeth; Lautenschlager, Jennifer; O'Brien, Sean; Shellman, "
        "Steve; Starz, James; Ward, Michael, 2015, \"ICEWS Coded Event Data\", "
        "https://doi.org/10.7910/DVN/28075, Harvard Dataverse. Sample file from the icews R "
        "package by Andreas Beger (https://github.com/andybega/icews).",
        licence="CC0 1.0 (Dataverse terms of the data files)",
        homepage="https://doi.org/10.7910/DVN/28075",
        files=(RemoteFile("icews/events.2018.sample.tab.gz",
                          "1e2d45c6edfc48bedd4d867efc3564e447d96d8d68cd9fd521345de668d3ff14"),),
        parse=_parse, tables=("events",), file_period=file_period,
        caveats=("two days of 2018 (June 1 and 2): a sample, not a count of the year's events",
                 "QuadClass derived from the CAMEO root code (GDELT's grouping)",
                 "no tone, mention counts or URLs in ICEWS"),
    ),
)
