"""UN General Assembly roll-call votes and ideal points (Voeten, Strezhnev & Bailey).

Three datasets, kept apart by release:

``unvotes/voeten-2017``
    Voeten's ``UNVotesPublished`` file (2017-01-17 release, sessions 1–70): one row per
    roll call and COW state, votes coded 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member.
``unvotes/unvotes-0.3.0``
    The R package ``unvotes`` 0.3.0 (2020 Dataverse release, sessions 1–74): votes by
    country name and ISO2 code (absent and non-member rows removed), roll calls with dates
    and issue codes. It adds amendment and paragraph votes, so agreement computed from it
    differs from the 2017 file. This is the default release (longest coverage).
``un_idealpoints/2025-07``
    Voeten's ideal points (July 2025), per calendar year, 1946–2024.

Years: both vote files are session-based; amity uses ``year = session + 1945`` for both so
that the releases are comparable (DESIGN.md §4).
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
from amity.sources._base import read_csv

__all__ = ["DATASETS", "VOTE_LEVELS"]

#: Vote categories in the ``un_votes`` table, best (a cast vote) first.
VOTE_LEVELS = ("yes", "abstain", "no", "absent", "nonmember")
_VOETEN_CODES = {1: "yes", 2: "abstain", 3: "no", 8: "absent", 9: "nonmember"}
_ISSUES = ("me", "nu", "di", "hr", "co", "ec")

_CITATION = (
    "Voeten, Erik, Anton Strezhnev and Michael Bailey. 2009. \"United Nations General Assembly "
    "Voting Data.\" Harvard Dataverse. doi:10.7910/DVN/LEJUQZ. Bailey, Michael A., Anton "
    "Strezhnev and Erik Voeten. 2017. \"Estimating Dynamic State Preferences from United "
    "Nations Voting Data.\" Journal of Conflict Resolution 61(2): 430-456."
)
_HOME = "https://doi.org/10.7910/DVN/LEJUQZ"


def _first_vote_per_state(votes: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per (rcid, iso3): successor codes can both appear in a transition year.

    A cast vote wins over absent, absent over non-member.
    """
    rank = pd.Categorical(votes["vote"], categories=VOTE_LEVELS, ordered=True).codes
    votes = votes.assign(_rank=rank).sort_values(["rcid", "iso3", "_rank"], kind="stable")
    return votes.drop_duplicates(["rcid", "iso3"]).drop(columns="_rank").reset_index(drop=True)


def _unknown_note(kind: str, values: list[object], where: str) -> list[str]:
    if not values:
        return []
    shown = ", ".join(map(str, values[:10]))
    return [
        f"{where}: {len(values)} {kind} not in amity's country table ({shown}); their rows "
        "were dropped. Report them so the crosswalk can be extended"
    ]


def _parse_voeten(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths["UNVotesPublished.csv.gz"]
    columns = {
        "rcid": "BIGINT", "session": "BIGINT", "vote": "BIGINT", "ccode": "BIGINT",
        "member": "BIGINT", "importantvote": "BIGINT", "date": "VARCHAR", "unres": "VARCHAR",
        **{issue: "VARCHAR" for issue in _ISSUES}, "year": "BIGINT",
    }
    raw, skipped = read_csv(path, columns, on_bad_lines=on_bad_lines)
    bad = ~raw["vote"].isin(list(_VOETEN_CODES))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceFormatError(
            path, f"vote code {raw['vote'].iloc[row]!r} is not one of 1, 2, 3, 8, 9",
            line=row + 2 if not skipped else None, column="vote",
        )
    raw["year"] = raw["session"] + 1945
    iso3 = countries.iso3_from_cow(raw["ccode"], raw["year"])
    notes = _unknown_note("COW codes", sorted(raw.loc[iso3.isna(), "ccode"].unique()), path.name)
    votes = pd.DataFrame({
        "rcid": raw["rcid"], "iso3": iso3, "vote": raw["vote"].map(_VOETEN_CODES),
        "session": raw["session"], "year": raw["year"],
    })[iso3.notna()]
    calls = raw.drop_duplicates("rcid")
    roll_calls = pd.DataFrame({
        "rcid": calls["rcid"], "session": calls["session"], "year": calls["year"],
        "date": pd.to_datetime(calls["date"], format="%m/%d/%Y", errors="coerce").dt.date,
        "important": calls["importantvote"].fillna(0).astype(bool), "amend": pd.NA,
        "para": pd.NA, "unres": calls["unres"], "short": pd.NA, "descr": pd.NA,
        # the `ec` column carries the literal text 0\" in 197 rows of the original file
        **{issue: calls[issue].str.extract(r"(\d)", expand=False).eq("1") for issue in _ISSUES},
    })
    return ParseResult(
        {"un_votes": _first_vote_per_state(votes), "un_roll_calls": roll_calls},
        skipped=skipped, notes=notes,
    )


def _parse_unvotes(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    vpath, cpath, ipath = (paths[n] for n in ("un_votes.csv.gz", "un_roll_calls.csv.gz",
                                              "un_roll_call_issues.csv.gz"))
    raw, skipped = read_csv(
        vpath,
        {"rcid": "BIGINT", "country": "VARCHAR", "country_code": "VARCHAR", "vote": "VARCHAR"},
        on_bad_lines=on_bad_lines,
    )
    bad = ~raw["vote"].isin(["yes", "abstain", "no"])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceFormatError(vpath, f"vote {raw['vote'].iloc[row]!r} is not yes/abstain/no",
                                line=row + 2 if not skipped else None, column="vote")
    calls, skipped_calls = read_csv(
        cpath, {"rcid": "BIGINT", "session": "BIGINT", "importantvote": "BIGINT", "date": "DATE",
                "unres": "VARCHAR", "amend": "BIGINT", "para": "BIGINT", "short": "VARCHAR",
                "descr": "VARCHAR"},
        on_bad_lines=on_bad_lines,
    )
    issues, skipped_issues = read_csv(
        ipath, {"rcid": "BIGINT", "short_name": "VARCHAR", "issue": "VARCHAR"},
        on_bad_lines=on_bad_lines,
    )
    # Countries: ISO2 where given (historical CS, YU, DD, YD included), else the name
    # (the package leaves the code empty for the Federal Republic of Germany and the
    # Yemen Arab Republic).
    iso3 = countries.iso3_from(raw["country_code"], "iso2")
    by_name = countries.iso3_from(raw["country"], "name")
    iso3 = iso3.fillna(by_name)
    notes = _unknown_note("country names", sorted(raw.loc[iso3.isna(), "country"].unique()),
                          vpath.name)
    year_of = calls.set_index("rcid")["session"] + 1945
    votes = pd.DataFrame({
        "rcid": raw["rcid"], "iso3": iso3, "vote": raw["vote"],
        "session": raw["rcid"].map(calls.set_index("rcid")["session"]),
        "year": raw["rcid"].map(year_of),
    })[iso3.notna()]
    orphan = votes["year"].isna()
    if orphan.any():
        raise SourceFormatError(
            vpath, f"{int(orphan.sum())} votes refer to roll calls missing from {cpath.name} "
            f"(first rcid {int(votes.loc[orphan, 'rcid'].iloc[0])})",
            fix="use un_votes and un_roll_calls from the same unvotes release",
        )
    roll_calls = pd.DataFrame({
        "rcid": calls["rcid"], "session": calls["session"], "year": calls["session"] + 1945,
        "date": pd.to_datetime(calls["date"]).dt.date,
        "important": calls["importantvote"].fillna(0).astype(bool),
        "amend": calls["amend"].astype("boolean"), "para": calls["para"].astype("boolean"),
        "unres": calls["unres"], "short": calls["short"], "descr": calls["descr"],
    })
    for issue in _ISSUES:
        roll_calls[issue] = roll_calls["rcid"].isin(issues.loc[issues.short_name == issue, "rcid"])
    return ParseResult(
        {"un_votes": _first_vote_per_state(votes.astype({"year": "int64", "session": "int64"})),
         "un_roll_calls": roll_calls},
        skipped=skipped + skipped_calls + skipped_issues, notes=notes,
    )


def _parse_idealpoints(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths["IdealpointsJuly2025.dta"]
    wanted = ["ccode", "year", "idealpointfp", "idealpointall", "idealpointlegacy", "nvotesfp",
              "nvotesall"]
    try:
        raw = pd.read_stata(path, columns=wanted, convert_categoricals=False)
    except ValueError as exc:  # wrong columns
        raise SourceFormatError(path, f"not the expected ideal-point file ({exc})") from exc
    except Exception as exc:  # truncated or not Stata: pandas raises many kinds
        raise SourceFormatError(path, f"cannot read the Stata file ({exc})") from exc
    raw = raw.dropna(subset=["ccode", "year"])
    years = raw["year"].astype("int64")
    iso3 = countries.iso3_from_cow(raw["ccode"].astype("int64"), years)
    notes = _unknown_note("COW codes", sorted(raw.loc[iso3.isna(), "ccode"].unique()), path.name)
    table = pd.DataFrame({
        "iso3": iso3, "year": years,
        "idealpoint_fp": raw["idealpointfp"].astype("float64"),
        "idealpoint_all": raw["idealpointall"].astype("float64"),
        "idealpoint_legacy": raw["idealpointlegacy"].astype("float64"),
        "nvotes_fp": raw["nvotesfp"].astype("float64"),
        "nvotes_all": raw["nvotesall"].astype("float64"),
    })[iso3.notna()]
    # successor codes meeting in one year (e.g. the two Germanies in 1990): keep the row
    # based on more votes
    table = (table.sort_values(["iso3", "year", "nvotes_all"], ascending=[True, True, False])
             .drop_duplicates(["iso3", "year"]).reset_index(drop=True))
    return ParseResult({"un_idealpoints": table}, notes=notes)


_GH = "https://raw.githubusercontent.com"
DATASETS = (
    Dataset(
        source="unvotes", release="unvotes-0.3.0",
        title="UN General Assembly roll-call votes (R package unvotes 0.3.0, "
              "2020 Dataverse release)",
        publisher="Erik Voeten et al., Harvard Dataverse; packaged by David Robinson (unvotes)",
        citation=_CITATION + " Robinson, David. 2021. unvotes: United Nations General Assembly "
        "Voting Data. R package version 0.3.0.",
        licence="CC0 1.0 (data); MIT (R package)", homepage=_HOME,
        files=(
            RemoteFile("unvotes/un_votes.csv.gz",
                       "dc531257c4cd53560bbe0e70ffe984b6d90f2513ede571e1debee6179a78b5cd"),
            RemoteFile("unvotes/un_roll_calls.csv.gz",
                       "dee0e739b847d15c5394f73fdb7c084b475140161e5c2bccafffe2e168dbeb6f"),
            RemoteFile("unvotes/un_roll_call_issues.csv.gz",
                       "02a4cedf3825c7a900afcbdd9836bac3455f4934cf08b1ee39995c5815d6e6c8"),
        ),
        parse=_parse_unvotes, tables=("un_votes", "un_roll_calls"), default=True,
        caveats=("absent and non-member rows were removed by the package",
                 "includes amendment and paragraph votes, unlike the 2017 file"),
    ),
    Dataset(
        source="unvotes", release="voeten-2017",
        title="UN General Assembly roll-call votes, Voeten's UNVotesPublished (2017-01-17)",
        publisher="Erik Voeten, Anton Strezhnev and Michael Bailey, Harvard Dataverse",
        citation=_CITATION, licence="CC0 1.0", homepage=_HOME,
        files=(RemoteFile("unvotes/UNVotesPublished.csv.gz",
                          "815f8c3eab0a369d8c6eee47c6d9bacd66b0089fb7b633eeba1b9187aecb7893"),),
        parse=_parse_voeten, tables=("un_votes", "un_roll_calls"), default=False,
        caveats=("ends with session 70 (2015)",),
    ),
    Dataset(
        source="un_idealpoints", release="2025-07",
        title="UN General Assembly ideal points (Voeten, July 2025)",
        publisher="Erik Voeten, Harvard Dataverse",
        citation="Bailey, Michael A., Anton Strezhnev and Erik Voeten. 2017. \"Estimating Dynamic "
        "State Preferences from United Nations Voting Data.\" Journal of Conflict Resolution "
        "61(2): 430-456. Data: Voeten, Erik. Ideal points, version of July 28, 2025.",
        licence="CC0 1.0", homepage=_HOME,
        files=(RemoteFile(
            "unvotes/IdealpointsJuly2025.dta",
            "fea7fa9414e3643586dbdf95baa1100ceb418e56684d79d801a146cad79443ce",
            f"{_GH}/lucasbuildsapps/Masterthesis/00de4ce7f259894dd3f9c1ea7006b192be4dcb74/"
            "IdealpointsJuly2025.dta"),),
        parse=_parse_idealpoints, tables=("un_idealpoints",), default=True,
        caveats=("idealpoint_all is empty for 2024",),
    ),
)
