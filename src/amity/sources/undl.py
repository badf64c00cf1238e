"""UN General Assembly and Security Council recorded votes of 2025 (UN Digital Library).

The UN Dag Hammarskjöld Library publishes a voting record for every resolution or
decision adopted by a recorded vote; the Data Driven Decision Lab (3DL) scraped the 2025
records into one **wide** file, ``un_votes_2025_processed.csv``: one row per adopted text,
sixteen fixed columns (``Link, token, Scrape_Year, Title, Council, Resolution, country,
subregion, continent, Date, YES COUNT, NO COUNT, ABSTAIN COUNT, NO-VOTE COUNT, TOTAL VOTES,
tags``), then one column per voting state headed by its ISO3 code, with cells ``YES``,
``NO``, ``ABSTAIN`` or empty. ``country``, ``subregion``, ``continent`` and ``tags`` are
the scraper's topic tagging of the text (not voters, not UN metadata): they are ignored.

Two datasets read the same file:

``undl/2025``
    ``un_resolutions`` (body ``GA`` or ``SC``, symbol, date, title, the published
    tallies, record URL) and ``un_resolution_votes`` (one row per state column and text;
    vote ``yes``, ``no``, ``abstain`` or ``none``). ``none`` is an empty cell: the state
    did not vote, was absent or, in the Security Council, is not a member.
``unvotes/undl-2025``
    The General Assembly rows only, as ``un_votes``/``un_roll_calls`` so that the UN
    agreement indicators reach 2025 (an empty cell is ``absent``). Not the default
    release: it fills the years the default does not cover.

Choices
-------
* ``year`` is the **calendar year** of the vote (2025), not Voeten's ``session + 1945``.
* ``rcid`` = :data:`RCID_OFFSET` + the Digital Library record id (``token``). The record
  id is the UN's permanent identifier of the vote, so the rcid does not change when a
  re-scrape adds, drops or reorders rows (a running number would), and the offset keeps
  it apart from Voeten's sequential rcids (below 10,000 in 2019).
* ``session`` is the number in the symbol (``A/RES/79/269`` → 79, ``A/DEC/80/506`` → 80).
  An emergency special session (``A/RES/ES-11/7``) gets the regular session in progress
  on the day of the vote (ES-11/7, 24 February 2025 → 79), as Voeten's data codes
  ``A/RES/ES-10/19`` (21 December 2017) as session 72; see :func:`session_of`.
* Every row's YES/NO/ABSTAIN counts must equal its numbers of YES/NO/ABSTAIN cells, and
  yes + no + abstain + non-voting must equal the total: a row that disagrees is
  malformed (an error naming ``file:line``, or skipped and counted).
* States without a column (Afghanistan, Venezuela, Palestine in the 2025 file) get no
  rows: no vote is made up for them.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import read_csv, read_header

__all__ = ["DATASETS", "RCID_OFFSET", "session_of"]

#: Added to the Digital Library record id to make an ``un_votes`` rcid.
RCID_OFFSET = 1_000_000_000

_FILE = "un_votes_2025_processed.csv.gz"
_FIXED = {
    "Link": "VARCHAR", "token": "BIGINT", "Scrape_Year": "BIGINT", "Title": "VARCHAR",
    "Council": "VARCHAR", "Resolution": "VARCHAR", "country": "VARCHAR",
    "subregion": "VARCHAR", "continent": "VARCHAR", "Date": "DATE", "YES COUNT": "BIGINT",
    "NO COUNT": "BIGINT", "ABSTAIN COUNT": "BIGINT", "NO-VOTE COUNT": "BIGINT",
    "TOTAL VOTES": "BIGINT", "tags": "VARCHAR",
}
_TOPICS = ("country", "subregion", "continent", "tags")  # the scraper's tagging: ignored
_REQUIRED = ("Link", "token", "Title", "Council", "Resolution", "Date", "YES COUNT",
             "NO COUNT", "ABSTAIN COUNT", "NO-VOTE COUNT", "TOTAL VOTES")
_BODIES = {"General Assembly": "GA", "Security Council": "SC"}
_CELLS = {"YES": "yes", "NO": "no", "ABSTAIN": "abstain"}
_TALLIES = (("YES COUNT", "YES"), ("NO COUNT", "NO"), ("ABSTAIN COUNT", "ABSTAIN"))
_GA_SYMBOL = re.compile(r"A/(?:RES|DEC)/(?:(?:ES|S)-\d+|(\d+))/\d+(?: [A-Z])?")
_SC_SYMBOL = re.compile(r"S/RES/\d+\(\d{4}\)")
_SC_TITLE = re.compile(r"Security Council resolution (\d+) \((\d{4})\)")
_GA_SUFFIX = re.compile(r" : (?:resolution|decision) / adopted by the General Assembly$")
_ISSUES = ("me", "nu", "di", "hr", "co", "ec")

#: The day each regular session of the General Assembly opened: an emergency (or
#: special) session meeting on a day belongs to the regular session in progress.
_SESSION_OPENED = {79: date(2024, 9, 10), 80: date(2025, 9, 9)}


def session_of(symbol: str, day: date) -> int | None:
    """The General Assembly regular session of a vote, from its symbol and date.

    Regular-session symbols carry the number (``A/RES/79/269``, ``A/DEC/80/506``). An
    emergency special session (``A/RES/ES-11/7``) or special session (``A/RES/S-32/1``)
    is resumed during a regular session: the one in progress on ``day``, from the
    opening dates amity knows (79th: 10 September 2024; 80th: 9 September 2025).

    Parameters
    ----------
    symbol
        A General Assembly document symbol.
    day
        The date of the vote.

    Returns
    -------
    int or None
        The session; None for a symbol that is not the General Assembly's or a day
        outside the known sessions.

    Examples
    --------
    >>> session_of("A/RES/79/269", date(2025, 3, 4))
    79
    >>> session_of("A/RES/ES-11/7", date(2025, 2, 24))
    79
    >>> session_of("A/RES/ES-11/9", date(2025, 12, 3))
    80
    >>> session_of("A/RES/ES-10/1", date(1997, 4, 25)) is None
    True
    """
    match = _GA_SYMBOL.fullmatch(symbol)
    if match is None:
        return None
    if match.group(1) is not None:
        return int(match.group(1))
    opened = sorted(_SESSION_OPENED.items())
    last_day = opened[-1][1]
    # the session after the last known one cannot open before September of the next year
    if day < opened[0][1] or day >= date(last_day.year + 1, 9, 1):
        return None
    return max(n for n, start in opened if start <= day)


@dataclass
class _Wide:
    """The file read and checked: one row per text, the state columns and their ISO3."""

    rows: pd.DataFrame
    states: list[str]
    iso3: list[str]
    lines: list[int | None]
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


def _open_text(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _record_lines(path: Path) -> tuple[list[int], dict[str, list[int]]]:
    """The first line of every record after the header, in order and by ``token``."""
    starts: list[int] = []
    by_token: dict[str, list[int]] = {}
    try:
        with _open_text(path) as handle:
            reader = csv.reader(handle)
            next(reader, None)
            start = reader.line_num + 1
            for record in reader:
                starts.append(start)
                if len(record) > 1:
                    by_token.setdefault(record[1].strip(), []).append(start)
                start = reader.line_num + 1
    except (OSError, EOFError, UnicodeDecodeError, csv.Error):
        return [], {}  # read_csv has already reported what it could not read
    return starts, by_token


def _check_header(path: Path) -> list[str]:
    header = read_header(path)
    fixed = list(_FIXED)
    if header[: len(fixed)] != fixed:
        raise SourceFormatError(
            path, f"the header does not start with the 3DL columns {fixed} (found "
            f"{header[:len(fixed)]})", line=1,
            fix="use the original un_votes_2025_processed.csv (HZloto/unga-2025), gzipped, "
            "not an edited copy")
    states = header[len(fixed):]
    bad = [s for s in states if not re.fullmatch(r"[A-Z]{3}", s)]
    seen: set[str] = set()
    dup = [s for s in states if s in seen or seen.add(s)]  # type: ignore[func-returns-value]
    if bad or dup or not states:
        what = (f"state columns that are not ISO3 codes {bad}" if bad else
                f"repeated state columns {sorted(set(dup))}" if dup else "no state columns")
        raise SourceFormatError(
            path, f"{what} after 'tags'", line=1,
            fix="every column after 'tags' must be one voting state's ISO3 code, once")
    return states


def _problems(rows: pd.DataFrame, states: list[str]) -> dict[int, tuple[str | None, str]]:
    """Row position → (column, reason) of the first problem found in each bad row."""
    found: dict[int, tuple[str | None, str]] = {}

    def flag(mask: np.ndarray, column: str | None, reason: object) -> None:
        for i in np.flatnonzero(mask):
            found.setdefault(int(i), (column, reason(i) if callable(reason) else str(reason)))

    for col in _REQUIRED:
        flag(rows[col].isna().to_numpy(), col, "the cell is empty")
    body = rows["Council"].map(_BODIES)
    flag((body.isna() & rows["Council"].notna()).to_numpy(), "Council",
         lambda i: f"{rows['Council'].iat[i]!r} is not 'General Assembly' or 'Security Council'")
    symbol = rows["Resolution"].fillna("")
    ga_ok = symbol.map(lambda s: _GA_SYMBOL.fullmatch(s) is not None)
    sc_ok = symbol.map(lambda s: _SC_SYMBOL.fullmatch(s) is not None)
    flag(((body == "GA") & ~ga_ok).to_numpy(), "Resolution",
         lambda i: f"{symbol.iat[i]!r} is not a General Assembly symbol (A/RES/79/1, "
         "A/RES/ES-11/7, A/DEC/80/506)")
    flag(((body == "SC") & ~sc_ok).to_numpy(), "Resolution",
         lambda i: f"{symbol.iat[i]!r} is not a Security Council symbol (S/RES/2768(2025))")
    token = rows["token"]
    link_ok = [pd.isna(t) or (isinstance(u, str) and u.rstrip("/").endswith(f"/record/{t}"))
               for u, t in zip(rows["Link"], token, strict=True)]
    flag(~np.array(link_ok, dtype=bool), "Link",
         lambda i: f"the link {rows['Link'].iat[i]!r} is not the record of token "
         f"{token.iat[i]}")
    flag(((token <= 0) | (token >= RCID_OFFSET)).fillna(False).to_numpy(), "token",
         lambda i: f"record id {token.iat[i]} is outside 1..{RCID_OFFSET - 1:,}")
    flag(token.duplicated(keep="first").to_numpy() & token.notna().to_numpy(), "token",
         lambda i: f"record id {token.iat[i]} appears on an earlier row too")
    flag((rows.duplicated(["Council", "Resolution"]) & rows["Resolution"].notna()).to_numpy(),
         "Resolution", lambda i: f"{symbol.iat[i]!r} appears on an earlier row too")

    cells = rows[states].to_numpy(dtype=object)
    empty = pd.isna(cells) | (cells == "")
    bad_cell = ~empty & ~np.isin(cells, list(_CELLS))
    for i in np.flatnonzero(bad_cell.any(axis=1)):
        j = int(np.flatnonzero(bad_cell[i])[0])
        found.setdefault(int(i), (states[j], f"vote {cells[i, j]!r} is not YES, NO, ABSTAIN "
                                             "or empty"))
    for count_col, value in _TALLIES:
        counted = (cells == value).sum(axis=1)
        published = rows[count_col].to_numpy(dtype="float64")
        flag(published != counted, count_col,
             lambda i, c=count_col, v=value, n=counted: (
                 f"the row's {c} is {rows[c].iat[i]} but it has {n[i]} {v} cells (record "
                 f"{rows['Link'].iat[i]})"))
    total = rows[["YES COUNT", "NO COUNT", "ABSTAIN COUNT", "NO-VOTE COUNT"]].sum(axis=1)
    flag((total != rows["TOTAL VOTES"]).to_numpy() & rows["TOTAL VOTES"].notna().to_numpy(),
         "TOTAL VOTES", lambda i: f"yes + no + abstain + non-voting = {int(total.iat[i])}, "
         f"not the TOTAL VOTES {rows['TOTAL VOTES'].iat[i]}")
    return found


def _title_clashes(rows: pd.DataFrame, lines: list[int | None], path: Path) -> list[str]:
    """A note on Security Council rows whose title names another resolution number.

    The Digital Library's titles carry typos (2025: S/RES/2804(2025) titled "resolution
    2803 (2025)", the number of the row before); the symbol is kept, the title too, as
    published.
    """
    named = rows["Title"].str.extract(_SC_TITLE)
    said = "S/RES/" + named[0] + "(" + named[1] + ")"
    clash = (rows["Council"] == "Security Council") & named[0].notna() & (said != rows[
        "Resolution"])
    if not clash.any():
        return []
    shown = "; ".join(f"{path.name}:{lines[i] or '?'} {rows['Resolution'].iat[i]} is titled "
                      f"'resolution {named[0].iat[i]} ({named[1].iat[i]})'"
                      for i in np.flatnonzero(clash.to_numpy()))
    return [f"{int(clash.sum())} Security Council rows whose title names another resolution "
            f"than their symbol ({shown}); symbol and title are kept as published"]


def _read(path: Path, on_bad_lines: OnBadLines) -> _Wide:
    """Read the wide file strictly: header, types, cell values, tallies."""
    states = _check_header(path)
    columns = {**_FIXED, **{s: "VARCHAR" for s in states}}
    keep = [c for c in columns if c not in _TOPICS]
    rows, skipped = read_csv(path, columns, on_bad_lines=on_bad_lines, keep=keep)
    rows["token"] = rows["token"].astype("Int64")  # stays integer when a cell is empty
    starts, by_token = _record_lines(path)

    def line_of(i: int) -> int | None:
        if not skipped and len(starts) == len(rows):
            return starts[i]
        token = rows["token"].iat[i]
        found = by_token.get(str(token), []) if pd.notna(token) else []
        return found[0] if len(found) == 1 else None

    problems = _problems(rows, states)
    notes: list[str] = []
    if problems:
        first = min(problems)
        column, reason = problems[first]
        if on_bad_lines == "error":
            more = f" ({len(problems)} such rows in all)" if len(problems) > 1 else ""
            raise SourceFormatError(
                path, reason + more, line=line_of(first), column=column,
                fix="the row disagrees with itself or with the format: re-fetch the file, "
                "or correct the row from its Digital Library record; or rerun with "
                "--on-bad-lines skip to drop such rows")
        shown = "; ".join(f"{path.name}:{line_of(i) or '?'} {problems[i][1]}"
                          for i in sorted(problems)[:5])
        notes.append(f"{len(problems)} inconsistent rows skipped ({shown})")
    lines = [line_of(i) for i in range(len(rows))]
    keep_rows = np.array([i not in problems for i in range(len(rows))], dtype=bool)
    rows = rows[keep_rows].reset_index(drop=True)
    lines = [n for n, k in zip(lines, keep_rows, strict=True) if k]

    notes.extend(_title_clashes(rows, lines, path))

    iso3 = countries.iso3_from(pd.Series(states), "iso3")
    unknown = [s for s, c in zip(states, iso3, strict=True) if pd.isna(c)]
    if unknown:
        notes.append(f"{path.name}: {len(unknown)} state columns not in amity's country table "
                     f"({', '.join(unknown)}); their votes were dropped. Report them so the "
                     "crosswalk can be extended")
    mapped = [(s, str(c)) for s, c in zip(states, iso3, strict=True) if pd.notna(c)]
    codes = [c for _, c in mapped]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise SourceFormatError(
            path, f"several state columns are the same country {twice} "
            f"({[s for s, c in mapped if c in twice]})", line=1,
            fix="keep one column per state")
    rows["body"] = rows["Council"].map(_BODIES)
    return _Wide(rows, [s for s, _ in mapped], codes, lines, skipped + len(problems), notes)


def _long_votes(rows: pd.DataFrame, wide: _Wide) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row position, iso3, cell) for every row of ``rows`` and state column, row-major."""
    cells = rows[wide.states].to_numpy(dtype=object)
    positions = np.arange(len(rows))
    return (np.repeat(positions, len(wide.states)),
            np.tile(np.array(wide.iso3, dtype=object), len(rows)), cells.reshape(-1))


def _vote_text(cells: np.ndarray, empty: str) -> np.ndarray:
    out = np.full(cells.shape, empty, dtype=object)
    for raw, vote in _CELLS.items():
        out[cells == raw] = vote
    return out


def _parse_resolutions(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    wide = _read(paths[_FILE], on_bad_lines)
    rows = wide.rows
    days = pd.to_datetime(rows["Date"])
    resolutions = pd.DataFrame({
        "body": rows["body"], "symbol": rows["Resolution"], "date": days.dt.date,
        "year": days.dt.year.astype("int64"), "title": rows["Title"],
        "yes": rows["YES COUNT"].astype("int64"), "no": rows["NO COUNT"].astype("int64"),
        "abstain": rows["ABSTAIN COUNT"].astype("int64"),
        "non_voting": rows["NO-VOTE COUNT"].astype("int64"), "record_url": rows["Link"],
    })
    pos, iso3, cells = _long_votes(rows, wide)
    votes = pd.DataFrame({
        "body": rows["body"].to_numpy(dtype=object)[pos],
        "symbol": rows["Resolution"].to_numpy(dtype=object)[pos],
        "iso3": iso3, "vote": _vote_text(cells, "none"),
    })
    return ParseResult({"un_resolutions": resolutions, "un_resolution_votes": votes},
                       skipped=wide.skipped, notes=wide.notes)


def _parse_unvotes(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_FILE]
    wide = _read(path, on_bad_lines)
    ga = (wide.rows["body"] == "GA").to_numpy()
    rows = wide.rows[ga].reset_index(drop=True)
    lines = [n for n, keep in zip(wide.lines, ga, strict=True) if keep]
    days = pd.to_datetime(rows["Date"])
    sessions = []
    for i, (symbol, day) in enumerate(zip(rows["Resolution"], days.dt.date, strict=True)):
        session = session_of(symbol, day)
        if session is None:
            raise SourceFormatError(
                path, f"cannot tell the regular session in progress on {day} for {symbol}",
                line=lines[i], column="Resolution",
                fix="add the opening date of that General Assembly session to "
                "_SESSION_OPENED in amity/sources/undl.py")
        sessions.append(session)
    rcid = rows["token"].astype("int64") + RCID_OFFSET
    n = len(rows)
    missing = pd.array([pd.NA] * n, dtype="boolean")
    roll_calls = pd.DataFrame({
        "rcid": rcid, "session": pd.Series(sessions, dtype="int64"),
        "year": days.dt.year.astype("int64"), "date": days.dt.date,
        # the US State Department's "important votes" are not in this file
        "important": missing,
        # each record is the vote on an adopted text as a whole
        "amend": pd.array([False] * n, dtype="boolean"),
        "para": pd.array([False] * n, dtype="boolean"),
        "unres": rows["Resolution"],
        "short": rows["Title"].str.replace(_GA_SUFFIX, "", regex=True),
        "descr": rows["Title"],
        **{issue: missing.copy() for issue in _ISSUES},
    })
    pos, iso3, cells = _long_votes(rows, wide)
    votes = pd.DataFrame({
        "rcid": rcid.to_numpy()[pos], "iso3": iso3, "vote": _vote_text(cells, "absent"),
        "session": roll_calls["session"].to_numpy()[pos],
        "year": roll_calls["year"].to_numpy()[pos],
    })
    return ParseResult({"un_votes": votes, "un_roll_calls": roll_calls},
                       skipped=wide.skipped, notes=wide.notes,
                       scope={"year": "calendar year of the vote, not session + 1945"})


_REMOTE = RemoteFile(f"undl_votes/{_FILE}",
                     "4bf273b100c765f18cc68aeae1b0b5263c0958518ed256eb8fd83e5479ff2b5b")
_PUBLISHER = ("United Nations Dag Hammarskjöld Library (UN Digital Library voting records); "
              "compiled by the Data Driven Decision Lab (3DL)")
_CITATION = ("United Nations Digital Library, voting data (General Assembly and Security "
             "Council), 2025; compiled by 3DL (GitHub HZloto/unga-2025, "
             "data/un_votes_2025_processed.csv, commit 9ec3d47).")
_LICENCE = ("UN terms for its voting data: non-commercial use, with attribution; the "
            "compiling repository (HZloto/unga-2025) has no licence file")
_HOME = "https://digitallibrary.un.org"
_COMMON_CAVEATS = (
    "calendar 2025 only; 2020-2024 are in no release of this mirror",
    "only recorded votes on adopted texts (no votes on amendments or paragraphs, no texts "
    "adopted without a vote)",
    "an empty cell does not tell absent from present-but-not-voting (or, in the General "
    "Assembly, from a state in arrears under Article 19)",
    "Afghanistan, Venezuela and Palestine have no column in the file: they have no rows "
    "(no vote is made up); the published non-voting counts include Afghanistan and "
    "Venezuela",
    "scraped by 3DL page by page from the Digital Library; the record_url leads to the "
    "UN's own page",
)

DATASETS = (
    Dataset(
        source="undl", release="2025",
        title="UN General Assembly and Security Council recorded votes by resolution, "
              "calendar 2025 (UN Digital Library voting records)",
        publisher=_PUBLISHER, citation=_CITATION, licence=_LICENCE, homepage=_HOME,
        files=(_REMOTE,), parse=_parse_resolutions,
        tables=("un_resolutions", "un_resolution_votes"), default=True,
        caveats=(
            "vote 'none' is an empty cell: did not vote, absent or, in the Security Council, "
            "not a member",
            *_COMMON_CAVEATS,
        ),
    ),
    Dataset(
        source="unvotes", release="undl-2025",
        title="UN General Assembly roll-call votes, calendar year 2025 (UN Digital Library "
              "voting records; year = calendar year, not session + 1945)",
        publisher=_PUBLISHER, citation=_CITATION, licence=_LICENCE, homepage=_HOME,
        files=(_REMOTE,), parse=_parse_unvotes, tables=("un_votes", "un_roll_calls"),
        default=False,
        caveats=(
            "year is the calendar year of the vote, not Voeten's session + 1945: 2025 holds "
            "votes of the 79th session (January-September) and the 80th (September-December)",
            "rcid is 1,000,000,000 + the Digital Library record id, not a Voeten rcid",
            "an empty cell is 'absent'; there are no 'nonmember' rows",
            "emergency special session votes (A/RES/ES-11/7) carry the regular session in "
            "progress on the day",
            "no issue codes and no 'important vote' flags (NA)",
            *_COMMON_CAVEATS,
        ),
    ),
)
