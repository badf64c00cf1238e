"""Correlates of War: the state system (v2016) and IGO memberships (v3.0, state-year).

``cow_states/2016``
    ``states2016.csv``: one row per spell of system membership. Written to ``states``
    (iso3, cow_code, cow_abb, name, start, end); :func:`amity.dyad_years` expands it to
    the state-years of the international system.
``cow_igo/3.0``
    ``state_year_format3``: 217 states × 1816–2014 × 534 IGOs, status 0 none, 1 full,
    2 associate, 3 observer, -9 missing, -1 not in the system. Written long to
    ``igo_membership`` (igo, iso3, year, status ∈ full/associate/observer) plus
    ``igo_state_years`` (the state-years the data covers, so that a count of zero shared
    IGOs is told apart from no data). The data end in 2014: Pakistan's and India's 2017
    SCO accession is not in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import collapse_successors, read_csv, read_header

__all__ = ["DATASETS"]

_STATUS = {1: "full", 2: "associate", 3: "observer"}
_VALID_STATUS = {-9, -1, 0, 1, 2, 3}


def _parse_states(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths["states2016.csv"]
    cols = {"stateabb": "VARCHAR", "ccode": "BIGINT", "statenme": "VARCHAR", "styear": "BIGINT",
            "stmonth": "BIGINT", "stday": "BIGINT", "endyear": "BIGINT", "endmonth": "BIGINT",
            "endday": "BIGINT", "version": "BIGINT"}
    raw, skipped = read_csv(path, cols, on_bad_lines=on_bad_lines)
    start = pd.to_datetime(dict(year=raw.styear, month=raw.stmonth, day=raw.stday))
    end = pd.to_datetime(dict(year=raw.endyear, month=raw.endmonth, day=raw.endday))
    iso3 = countries.iso3_from_cow(raw["ccode"], raw["endyear"])
    if iso3.isna().any():
        missing = sorted(raw.loc[iso3.isna(), "ccode"].unique())
        raise SourceFormatError(path, f"COW codes {missing} are not in amity's country table",
                                fix="extend amity's crosswalk (src/amity/data/countries.csv)")
    states = pd.DataFrame({
        "iso3": iso3, "cow_code": raw["ccode"], "cow_abb": raw["stateabb"],
        "name": raw["statenme"], "start": start.dt.date, "end": end.dt.date,
    })
    return ParseResult({"states": states}, skipped=skipped)


def _parse_igo(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths["state_year_format3.csv.gz"]
    header = read_header(path)
    if header[:3] != ["ccode", "year", "state"] or len(header) < 4:
        raise SourceFormatError(path, f"expected columns ccode, year, state, <igo>..., found "
                                f"{header[:5]}", line=1)
    igos = header[3:]
    cols = {"ccode": "BIGINT", "year": "BIGINT", "state": "VARCHAR",
            **{igo: "BIGINT" for igo in igos}}
    raw, skipped = read_csv(path, cols, on_bad_lines=on_bad_lines)
    values = raw[igos]
    bad = ~values.isin(_VALID_STATUS) & values.notna()
    if bad.to_numpy().any():
        row, col = next(zip(*bad.to_numpy().nonzero(), strict=True))
        raise SourceFormatError(path, f"status {values.iat[row, col]} is not one of "
                                f"{sorted(_VALID_STATUS)}", line=row + 2 if not skipped else None,
                                column=igos[col])
    iso3 = countries.iso3_from_cow(raw["ccode"], raw["year"])
    raw = raw.assign(iso3=iso3)[iso3.notna()]
    in_system = (raw[igos] != -1).any(axis=1)
    state_years = collapse_successors(
        raw.loc[in_system, ["iso3", "year"]].drop_duplicates(), ["iso3", "year"])
    long = raw.melt(id_vars=["iso3", "year"], value_vars=igos, var_name="igo",
                    value_name="code")
    long = long[long["code"].isin(list(_STATUS))]
    long = long.assign(status=long["code"].map(_STATUS))
    # a state with two COW codes in one year: keep the strongest status (full < associate
    # < observer in code order)
    long = (long.sort_values(["igo", "iso3", "year", "code"])
            .drop_duplicates(["igo", "iso3", "year"])[["igo", "iso3", "year", "status"]])
    return ParseResult({"igo_membership": long.reset_index(drop=True),
                        "igo_state_years": state_years}, skipped=skipped)


_IGOR = "https://raw.githubusercontent.com/dieghernan/igoR"
_COW_CITE_IGO = (
    "Pevehouse, Jon C.W., Timothy Nordstrom, Roseanne W. McManus and Anne Spencer Jamison. "
    "2020. \"Tracking Organizations in the World: The Correlates of War IGO Version 3.0 "
    "Datasets.\" Journal of Peace Research 57(3): 492-503."
)
DATASETS = (
    Dataset(
        source="cow_states", release="2016",
        title="COW State System Membership List, v2016",
        publisher="Correlates of War Project", homepage="https://correlatesofwar.org",
        citation="Correlates of War Project. 2017. \"State System Membership List, v2016.\" "
        "Online, http://correlatesofwar.org",
        licence="free to use with citation (COW terms)",
        files=(RemoteFile(
            "cow/states2016.csv",
            "21822fe1ef67aedf2e64ebe9746e2b875c6175c8ce599750bc0e77e4ce393167",
            f"{_IGOR}/02c0b3f0c0f97bd44cc9d5f3aabd705c61d1ea2e/data-raw/states2016.csv"),),
        parse=_parse_states, tables=("states",),
        caveats=("COW 365 is the USSR until 1991 and Russia after; amity reports both as RUS",),
    ),
    Dataset(
        source="cow_igo", release="3.0",
        title="COW Intergovernmental Organizations v3.0 (state-year format)",
        publisher="Correlates of War Project", homepage="https://correlatesofwar.org",
        citation=_COW_CITE_IGO, licence="free to use with citation (COW terms)",
        files=(RemoteFile("cow/state_year_format3.csv.gz",
                          "5b1b3f5170b287c3cce942f2e01f009be63e069fe28fdb2fd24d6592762f679d"),),
        parse=_parse_igo, tables=("igo_membership", "igo_state_years"),
        caveats=("ends in 2014: memberships after that (e.g. Pakistan and India in the SCO, "
                 "2017) are not in it",),
    ),
)
