"""What the source modules share: a strict reader of delimited files and small helpers.

A source module (one per publisher) declares one :class:`~amity._contract.Dataset` per
release it can read and a ``parse`` function from local files to canonical tables (see
:mod:`amity._contract`); it knows its publisher's format and nothing about indicators or
the store.

:func:`read_csv` is the one strict reader for delimited files: it checks the header,
types every column, and reports the first malformed row as ``file:line`` (or counts
and skips malformed rows with ``on_bad_lines="skip"``).
"""

from __future__ import annotations

import csv
import gzip
import itertools
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from amity._contract import OnBadLines
from amity._exceptions import SourceFormatError

__all__ = ["bad_utf8_line", "check_input_file", "collapse_successors", "duck_error_text",
           "file_period", "file_timestamp", "not_utf8", "read_csv", "read_header", "shown"]

_reject_ids = itertools.count()
_STAMP = re.compile(r"(?<!\d)(\d{14}|\d{8}|\d{6}|\d{4})(?=\.)")


def _open_text(path: Path):  # noqa: ANN202 - a text file object
    if path.suffix == ".gz":  # utf-8-sig: a byte-order mark is not part of the first name
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def check_input_file(path: Path) -> None:
    """Raise :class:`SourceFormatError` unless ``path`` is a regular, readable file, and,
    gzipped, a complete gzip stream (a cut-short download is an error whatever
    ``--on-bad-lines`` says: its last rows are missing, not malformed)."""
    import stat
    import zlib

    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise SourceFormatError(path, f"cannot read the file ({exc.strerror})",
                                fix="give the path of the publisher's file") from exc
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise SourceFormatError(path, f"is {kind}", fix="give the path of the publisher's "
                                "file itself")
    if path.suffix != ".gz":
        return
    inflate = zlib.decompressobj(wbits=31)
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                data = chunk
                while data:
                    inflate.decompress(data, 0)
                    data = inflate.unused_data
                    if inflate.eof and data:  # a gzip file may hold several members
                        inflate = zlib.decompressobj(wbits=31)
                    elif inflate.eof:
                        break
                    else:
                        data = b""
    except zlib.error as exc:
        raise SourceFormatError(path, f"is not a valid gzip file ({exc})",
                                fix="re-download the file") from exc
    if not inflate.eof:
        raise SourceFormatError(
            path, "the file is truncated: its gzip stream ends early, so rows are missing "
            "(--on-bad-lines skip does not apply to a truncated file)",
            fix="re-download the file (`amity setup` or `amity fetch`)")


def bad_utf8_line(path: Path) -> tuple[int, str] | None:
    """The first line of a (possibly gzipped) file that is not UTF-8, and why (None: the
    file is UTF-8)."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw[:exc.start].count(b"\n") + 1, exc.reason
    return None


def not_utf8(path: Path) -> SourceFormatError:
    """The error for a file that is not UTF-8 text, naming the first line that is not."""
    found = bad_utf8_line(path)
    line, reason = found if found else (None, "undecodable bytes")
    return SourceFormatError(path, f"not UTF-8 text ({reason})", line=line,
                             fix="save the file as UTF-8 (in a spreadsheet: CSV UTF-8)")


def read_header(path: Path, sep: str = ",") -> list[str]:
    """The first line of a (possibly gzipped) delimited file, split and unquoted."""
    try:
        with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as handle:
            first = handle.readline().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except (OSError, EOFError) as exc:
        raise SourceFormatError(path, f"cannot read the file ({exc})", line=1) from exc
    if not first.strip():
        raise SourceFormatError(path, "the file is empty (no header line)", line=1,
                                fix="give the publisher's file, not an empty copy")
    first = re.split(r"\r\n|\r|\n", first, maxsplit=1)[0]
    return [name.strip() for name in next(csv.reader([first], delimiter=sep))]


def shown(value: object) -> str:
    """``repr`` of a value from a DataFrame as the user wrote it (``5``, not
    ``np.int64(5)``).

    Examples
    --------
    >>> import numpy as np
    >>> shown(np.int64(5)), shown("x")
    ('5', "'x'")
    """
    item = getattr(value, "item", None)
    return repr(item() if callable(item) and not isinstance(value, str | bytes) else value)


def duck_error_text(exc: Exception) -> str:
    """The first line of a DuckDB error, without its class name."""
    text = str(exc).split("\n", 1)[0]
    return re.sub(r"^[A-Za-z ]+Error: ", "", text)


def read_csv(
    path: Path,
    columns: Mapping[str, str],
    *,
    sep: str = ",",
    header: bool = True,
    on_bad_lines: OnBadLines = "error",
    keep: Sequence[str] | None = None,
    quote: str = '"',
) -> tuple[pd.DataFrame, int]:
    """Read a delimited file strictly, with every column typed.

    Parameters
    ----------
    path
        A ``.csv``/``.tsv``/``.txt`` file, optionally gzipped.
    columns
        Every column of the file, in file order, name → DuckDB type (``"BIGINT"``,
        ``"DOUBLE"``, ``"VARCHAR"``, ``"DATE"``). With ``header=True`` the file's header
        must carry exactly these names.
    sep
        Field separator.
    header
        Whether the first line is a header.
    on_bad_lines
        ``"error"``: the first malformed row (wrong number of fields, a value of the
        wrong type) raises :class:`SourceFormatError` naming file, line and column.
        ``"skip"``: such rows are dropped and counted.
    keep
        Columns to return (default all).
    quote
        Quote character (``""`` for none).

    Returns
    -------
    (DataFrame, int)
        The rows, and how many malformed rows were skipped.
    """
    path = Path(path)
    check_input_file(path)
    names = list(columns)
    if header:
        found = read_header(path, sep)
        if found != names:
            missing = [n for n in names if n not in found]
            extra = [n for n in found if n not in names]
            detail = (f"missing {missing}" if missing else "") + (
                f"{'; ' if missing else ''}unexpected {extra}" if extra else ""
            )
            raise SourceFormatError(
                path,
                f"unexpected columns ({detail or 'different order'}); expected {names}",
                line=1,
                fix="use the publisher's original file for this release, not an edited copy",
            )
    n = next(_reject_ids)
    scan, table = f"amity_rejects_scan_{n}", f"amity_rejects_{n}"
    select = ", ".join(f'"{c}"' for c in (keep or names))
    spec = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        sql = (
            f"SELECT {select} FROM read_csv(?, columns={{{spec}}}, header={header}, delim=?, "
            f"quote=?, escape=?, auto_detect=false, ignore_errors=true, store_rejects=true, "
            f"rejects_scan='{scan}', rejects_table='{table}', strict_mode=true, "
            "null_padding=false, max_line_size=10000000)"
        )
        try:
            frame = con.execute(sql, [str(path), sep, quote, quote]).df()
        except (duckdb.IOException, duckdb.InvalidInputException,
                duckdb.ConversionException) as exc:
            if "unicode" in str(exc).lower() and bad_utf8_line(path):
                raise not_utf8(path) from None
            raise SourceFormatError(
                path,
                f"cannot read the file ({duck_error_text(exc)}); it may be truncated or not "
                "this format",
            ) from exc
        rejects = con.execute(
            f"SELECT line, column_name, error_type, error_message FROM {table} ORDER BY line"
        ).fetchall()
    finally:
        con.close()
    if rejects and on_bad_lines == "error":
        line, column, _, message = rejects[0]
        more = f" ({len(rejects)} malformed rows in all)" if len(rejects) > 1 else ""
        raise SourceFormatError(
            path,
            f"malformed row: {message}{more}",
            line=int(line),
            column=column or None,
            fix="repair or re-download the file, or rerun with --on-bad-lines skip to drop "
            "such rows",
        )
    skipped = len({r[0] for r in rejects})
    if frame.empty and not skipped:
        raise SourceFormatError(
            path, "the file has no data rows" + (" (only a header)" if header else ""),
            line=2 if header else 1, fix="give the publisher's complete file")
    if rejects and on_bad_lines == "skip" and any(
            "unicode" in str(r[2]).lower() for r in rejects) and bad_utf8_line(path):
        raise not_utf8(path)
    return frame, skipped


def collapse_successors(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """One row per key after mapping several COW codes to one ISO3 code.

    Two COW codes of one state can report in the same year (Germany 255 and West Germany
    260 in 1990; North Yemen 678 and Yemen 679 in 1990). Each value column keeps its
    non-missing value, or the larger one when both report (the continuing state's figure
    for the whole year). Missing stays missing.

    Examples
    --------
    >>> df = pd.DataFrame({"iso3": ["DEU", "DEU", "FRA"], "year": [1990, 1990, 1990],
    ...                    "v": [None, 3.0, 1.0]})
    >>> collapse_successors(df, ["iso3", "year"])
      iso3  year    v
    0  DEU  1990  3.0
    1  FRA  1990  1.0
    """
    if not frame.duplicated(list(keys)).any():
        return frame.reset_index(drop=True)
    return frame.groupby(list(keys), as_index=False, sort=False, dropna=False).max()


def file_timestamp(name: str) -> datetime | None:
    """When a GDELT file was published, from its name (None if the name has no stamp).

    Examples
    --------
    >>> file_timestamp("20191024143000.export.CSV.zip")
    datetime.datetime(2019, 10, 24, 14, 30)
    >>> file_timestamp("20130401.export.CSV.zip"), file_timestamp("197901.zip")
    (datetime.datetime(2013, 4, 1, 0, 0), datetime.datetime(1979, 1, 1, 0, 0))
    >>> file_timestamp("masterfilelist.txt") is None
    True
    """
    match = _STAMP.search(Path(name).name)
    if not match:
        return None
    digits = match.group(1)
    fmt = {14: "%Y%m%d%H%M%S", 8: "%Y%m%d", 6: "%Y%m", 4: "%Y"}[len(digits)]
    try:
        return datetime.strptime(digits, fmt)
    except ValueError:
        return None


def file_period(name: str) -> tuple[datetime, datetime] | None:
    """The span [start, end) a publisher file covers, from the stamp in its name.

    14 digits: a GDELT 2.0 15-minute file; 8: a day; 6: a month; 4: a year (GDELT 1.0
    historical files, ICEWS ``events.YYYY.*`` files).

    Examples
    --------
    >>> file_period("197901.zip")
    (datetime.datetime(1979, 1, 1, 0, 0), datetime.datetime(1979, 2, 1, 0, 0))
    >>> file_period("events.2018.sample.tab.gz")[1]
    datetime.datetime(2019, 1, 1, 0, 0)
    """
    start = file_timestamp(name)
    if start is None:
        return None
    digits = len(_STAMP.search(Path(name).name).group(1))  # type: ignore[union-attr]
    if digits == 14:
        return start, start + timedelta(minutes=15)
    if digits == 8:
        return start, start + timedelta(days=1)
    if digits == 6:
        month = start.month % 12 + 1
        return start, start.replace(year=start.year + (month == 1), month=month)
    return start, start.replace(year=start.year + 1)
