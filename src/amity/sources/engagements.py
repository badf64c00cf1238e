"""The engagements timeline: curated, user-editable CSV files of visits, agreements, ...

``timeline/amity-starter-1``
    The starter set shipped with amity: every file of ``amity/data/timeline/*.csv``, one
    per pair (``pak_rus.csv``, 47 Pakistan–USSR/Russia events 1948–2024, and curated
    files for 20 more pairs: ``ind_rus.csv``, ``chn_pak.csv``, ``chn_usa.csv`` ...),
    read together and written to the ``engagements`` table with ``derived = False``.
``timeline/user-<name>``
    A user's own file(s): ``amity ingest timeline my_events.csv`` (see
    :func:`user_dataset`). Each distinct set of file names is its own release, so
    re-ingesting an edited file replaces its earlier rows and nothing else.

File format: CSV, UTF-8 (a BOM is fine), one header line with these columns in any order
(``b``, ``level``, ``source_url`` and ``notes`` may be left out)::

    date,a,b,kind,title,level,source_publisher,source_title,source_date,source_url,notes

``date``
    ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when only the month or year is known. The
    table stores the first day of the period in ``date`` and the precision (``day``,
    ``month``, ``year``) in ``date_precision``; the row id keeps the text as written.
``a``, ``b``
    Countries as ISO3 codes, COW codes or names ("USSR" is RUS, see
    :func:`amity.countries.resolve`). For a visit or an exercise ``a`` is the side that
    travels and ``b`` the host; for agreements and meetings the order carries no meaning.
    A ``membership`` row names one country in ``a``, leaves ``b`` empty and names the
    organisation in the title ("Pakistan becomes a full member of the SCO"); such rows
    appear in every pair timeline of that country.
``kind``
    One of :data:`KINDS`. ``level`` (optional): one of :data:`LEVELS`, the highest office
    taking part; empty when not recorded.
``source_publisher``, ``source_title``, ``source_date``
    Required: every row names its public source. ``source_date`` is ISO like ``date`` or
    ``n.d.`` for an undated web page. ``source_url`` only when the exact URL is known.

Blank lines and lines whose first field starts with ``#`` are ignored. A malformed row is
an error naming ``file:line``, the column and the allowed values (``on_bad_lines="skip"``
drops and counts such rows instead); the same event twice (date, countries, kind and
title) is an error naming both lines.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError, UnknownCountryError
from amity._schema import TABLES
from amity.fetch import RemoteFile
from amity.sources._base import not_utf8

__all__ = ["COLUMNS", "DATASETS", "KINDS", "LEVELS", "parse_date", "read_timeline",
           "user_dataset"]

#: The columns of a timeline file, in the documented order.
COLUMNS = ("date", "a", "b", "kind", "title", "level", "source_publisher", "source_title",
           "source_date", "source_url", "notes")
#: Allowed values of ``kind``.
KINDS = ("visit", "agreement", "exercise", "meeting", "membership", "other")
#: Allowed values of ``level``.
LEVELS = ("head_of_state", "head_of_government", "minister", "official", "military", "other")

_REQUIRED = ("date", "a", "kind", "title", "source_publisher", "source_title", "source_date")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_URL = re.compile(r"https?://\S+")
_FIX = "edit the row in the timeline file (format: amity.sources.engagements docs)"


class _RowError(Exception):
    def __init__(self, reason: str, column: str | None = None, fix: str = _FIX) -> None:
        super().__init__(reason)
        self.reason, self.column, self.fix = reason, column, fix


def parse_date(text: str) -> tuple[date, str]:
    """The first day of a ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` period, and its precision.

    Examples
    --------
    >>> parse_date("1973-12-30")
    (datetime.date(1973, 12, 30), 'day')
    >>> parse_date("1965-04"), parse_date("1968")
    ((datetime.date(1965, 4, 1), 'month'), (datetime.date(1968, 1, 1), 'year'))
    """
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD, or YYYY-MM / YYYY when "
                         "only the month or year is known")
    year, month, day = match.groups()
    try:
        value = date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None
    return value, "day" if day else "month" if month else "year"


def _choice(text: str, allowed: tuple[str, ...], column: str) -> str:
    value = re.sub(r"[\s\-]+", "_", text.strip().lower())
    if value not in allowed:
        raise _RowError(f"{column} {text!r} is not one of {', '.join(allowed)}", column)
    return value


def _country(text: str, column: str, year: int) -> str:
    try:
        return countries.resolve(text, year).iso3
    except UnknownCountryError as exc:
        hint = f" (did you mean: {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
        raise _RowError(f"unknown country {text!r}{hint}", column,
                        "write an ISO3 code (PAK), a COW code (770) or the country's full "
                        "name") from None


def _event(raw: Mapping[str, str]) -> dict[str, object]:
    """One validated row of the ``engagements`` table (without ``id``)."""
    for column in _REQUIRED:
        if not raw.get(column, "").strip():
            fix = ("name the public source of the event: publisher, title and date"
                   if column.startswith("source_") else _FIX)
            raise _RowError(f"the {column} is empty; it is required", column, fix)
    try:
        when, precision = parse_date(raw["date"])
    except ValueError as exc:
        raise _RowError(str(exc), "date") from None
    kind = _choice(raw["kind"], KINDS, "kind")
    level = _choice(raw["level"], LEVELS, "level") if raw.get("level", "").strip() else None
    a = _country(raw["a"].strip(), "a", when.year)
    b_text = raw.get("b", "").strip()
    if kind == "membership" and b_text:
        raise _RowError("a membership row names one country in 'a' and leaves 'b' empty; "
                        "name the organisation in the title", "b")
    if kind != "membership" and not b_text:
        raise _RowError(f"a row of kind {kind!r} needs the second country in 'b' (only "
                        "membership rows leave it empty)", "b")
    b = _country(b_text, "b", when.year) if b_text else None
    if a == b:
        raise _RowError(f"'a' and 'b' are the same country ({a})", "b")
    source_date = raw["source_date"].strip()
    if source_date.lower() != "n.d.":
        try:
            parse_date(source_date)
        except ValueError as exc:
            raise _RowError(f"{exc} (or n.d. for an undated source)", "source_date") from None
    url = raw.get("source_url", "").strip()
    if url and not _URL.fullmatch(url):
        raise _RowError(f"source_url {url!r} is not an http(s) URL; leave it empty when the "
                        "exact URL is not known", "source_url")
    return {
        "date": when, "date_precision": precision, "a": a, "b": b, "kind": kind,
        "title": raw["title"].strip(), "level": level,
        "source_name": raw["source_publisher"].strip(),
        "source_title": raw["source_title"].strip(), "source_date": source_date,
        "source_url": url or None, "notes": raw.get("notes", "").strip() or None,
        "derived": False, "_date_text": raw["date"].strip(),
    }


def _id(event: Mapping[str, object]) -> str:
    pair = f"{event['a']}-{event['b']}" if event["b"] else str(event["a"])
    title = " ".join(str(event["title"]).casefold().split())
    digest = hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{pair}:{event['_date_text']}:{event['kind']}:{digest}"


def _header(path: Path, header: list[str]) -> list[str]:
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h not in COLUMNS]
    missing = [c for c in _REQUIRED if c not in names]
    repeated = sorted({h for h in names if names.count(h) > 1})
    if unknown or missing or repeated:
        detail = "; ".join(part for part in (
            f"unknown columns {unknown}" if unknown else "",
            f"missing columns {missing}" if missing else "",
            f"repeated columns {repeated}" if repeated else "") if part)
        raise SourceFormatError(path, f"not a timeline header ({detail})", line=1,
                                fix=f"use the header {','.join(COLUMNS)}")
    return names


def _read(path: Path, on_bad_lines: OnBadLines, seen: dict[str, str],
          problems: list[str]) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    end = 0  # the line the last complete record ended on
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                names = _header(path, next(reader))
            except StopIteration:
                raise SourceFormatError(path, "the file is empty", line=1,
                                        fix=f"start it with the header {','.join(COLUMNS)}"
                                        ) from None
            end = reader.line_num
            for fields in reader:
                line, end = end + 1, reader.line_num
                if not any(f.strip() for f in fields) or fields[0].lstrip().startswith("#"):
                    continue
                try:
                    if len(fields) != len(names):
                        raise _RowError(f"expected {len(names)} fields, found {len(fields)}",
                                        fix="quote fields that contain commas with \"...\"")
                    event = _event(dict(zip(names, fields, strict=True)))
                    event["id"] = _id(event)
                    if event["id"] in seen:
                        raise _RowError(f"the same event (date, countries, kind, title) is "
                                        f"already at {seen[event['id']]}",
                                        fix="delete one of the two rows")
                except _RowError as exc:
                    if on_bad_lines == "error":
                        raise SourceFormatError(path, exc.reason, line=line, column=exc.column,
                                                fix=exc.fix) from None
                    problems.append(f"{path.name}:{line}: {exc.reason}")
                    continue
                seen[str(event["id"])] = f"{path.name}:{line}"
                events.append(event)
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except csv.Error as exc:  # e.g. an unclosed quote: the record starts after the last one
        raise SourceFormatError(path, f"malformed CSV ({exc})", line=end + 1,
                                fix="check the quotes on that line") from None
    return events


def _parse_files(files: Sequence[Path], on_bad_lines: OnBadLines) -> ParseResult:
    seen: dict[str, str] = {}
    problems: list[str] = []
    events = [e for path in files for e in _read(Path(path), on_bad_lines, seen, problems)]
    columns = list(TABLES["engagements"].columns)
    frame = pd.DataFrame(events, columns=columns)
    notes = [f"skipped {len(problems)} malformed timeline rows: " + "; ".join(problems[:5])
             ] if problems else []
    return ParseResult({"engagements": frame}, skipped=len(problems), notes=notes)


def read_timeline(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read and validate one timeline file into ``engagements`` rows (no store needed).

    Raises
    ------
    SourceFormatError
        The first malformed row, as ``file:line``, with the column and the fix.

    Examples
    --------
    >>> starter = resources.files("amity") / "data" / "timeline" / "pak_rus.csv"
    >>> frame = read_timeline(str(starter))
    >>> frame.loc[frame["title"].str.contains("foundation stone"), ["date", "kind"]].values
    array([[datetime.date(1973, 12, 30), 'other']], dtype=object)
    """
    return _parse_files([Path(path)], "error").tables["engagements"]


def _starter_files() -> list[Path]:
    folder = resources.files("amity") / "data" / "timeline"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".csv"))


def _parse_starter(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    return _parse_files(_starter_files(), on_bad_lines)


def _parse_user(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    return _parse_files([paths[name] for name in sorted(paths)], on_bad_lines)


def user_dataset(files: Sequence[str | os.PathLike[str]]) -> Dataset:
    """The release for a user's own timeline file(s), whatever their names.

    Its release is ``user-<stems>`` (``user-my_events`` for ``my_events.csv``), so each
    file keeps its own rows and re-ingesting it replaces them.

    Examples
    --------
    >>> d = user_dataset(["notes/my_events.csv"])
    >>> d.key, [f.name for f in d.files]
    ('timeline/user-my_events', ['my_events.csv'])
    """
    names = sorted({Path(f).name for f in files})
    if not names:
        raise ValueError("user_dataset needs at least one file")
    stems = "+".join(Path(n).stem for n in names)
    return Dataset(
        source="timeline", release=f"user-{stems}",
        title=f"User timeline ({', '.join(names)})", publisher="the user",
        citation=f"User-supplied engagements timeline: {', '.join(names)} (each row cites "
        "its own source)",
        licence="as the cited sources", homepage="",
        files=tuple(RemoteFile(f"timeline/{n}", None) for n in names),
        parse=_parse_user, tables=("engagements",), default=False,
        caveats=("user-curated; amity checked the format, not the facts",),
    )


DATASETS = (
    Dataset(
        source="timeline", release="amity-starter-1",
        title="amity engagements timeline, starter set (Pakistan-USSR/Russia, 1948-2024)",
        publisher="amity, curated from the public sources named on each row",
        citation="amity engagements timeline, starter set amity-starter-1. Every row cites its "
        "own public source (publisher, title, date, and URL where known).",
        licence="Apache-2.0 (the compilation)", homepage="",
        files=(), parse=_parse_starter, tables=("engagements",), default=True,
        package_files="timeline/*.csv",
        caveats=("hand-curated and not exhaustive: only events with a named public source",
                 "dates have day, month or year precision (column date_precision)"),
    ),
)
