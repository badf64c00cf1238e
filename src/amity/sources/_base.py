"""What every source module shares: the :class:`Dataset` declaration and a strict reader.

A source module (one per publisher) declares one :class:`Dataset` per release it can
read: who publishes it, how to cite it, its files (:class:`~amity.fetch.RemoteFile`) and a
``parse`` function from local file paths to canonical tables (``pandas.DataFrame`` per
table name of DESIGN.md §3, ISO3 country keys, US dollars, ``year`` columns). The store
adds the ``source`` and ``release`` columns and does the atomic swap; a source knows its
publisher's format and nothing about indicators or the store.

:func:`read_csv` is the one strict reader for delimited files: it checks the header,
types every column, and reports the first malformed row as ``file:line`` (or counts
and skips malformed rows with ``on_bad_lines="skip"``).
"""

from __future__ import annotations

import csv
import gzip
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile

__all__ = ["Dataset", "OnBadLines", "ParseResult", "read_csv", "read_header"]

OnBadLines = Literal["error", "skip"]
_reject_ids = itertools.count()


@dataclass
class ParseResult:
    """What a parse function returns.

    Attributes
    ----------
    tables
        Canonical table name → rows (without ``source``/``release`` columns).
    skipped
        Malformed rows skipped under ``on_bad_lines="skip"``.
    notes
        Things the user should know (unknown country codes kept as NA, ...).
    """

    tables: dict[str, pd.DataFrame]
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


ParseFn = Callable[[Mapping[str, Path], OnBadLines], ParseResult]


@dataclass(frozen=True)
class Dataset:
    """One release of one source that amity can ingest.

    Parameters
    ----------
    source
        Short name used on the command line and in the ``source`` column (``"unvotes"``).
    release
        Release label (``"voeten-2017"``); the store keeps releases apart.
    title, publisher, citation, licence, homepage
        Provenance shown by ``amity sources`` and ``amity cite``.
    files
        The files the parser needs, keyed in ``parse`` by :attr:`RemoteFile.name`.
    parse
        Function ``(paths, on_bad_lines) -> ParseResult``.
    tables
        Canonical tables this dataset writes.
    default
        Whether this is the release indicators use unless told otherwise.
    caveats
        Known limitations, shown with every value that comes from it.
    package_files
        For amity's own tables (no ``files``): a glob under ``amity/data`` whose files'
        hashes decide whether the stored release is current.
    """

    source: str
    release: str
    title: str
    publisher: str
    citation: str
    licence: str
    homepage: str
    files: tuple[RemoteFile, ...]
    parse: ParseFn
    tables: tuple[str, ...]
    default: bool = True
    caveats: tuple[str, ...] = ()
    package_files: str = ""

    @property
    def key(self) -> str:
        """``source/release``, the name ``amity sources`` shows."""
        return f"{self.source}/{self.release}"


def _open_text(path: Path):  # noqa: ANN202 - a text file object
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def read_header(path: Path, sep: str = ",") -> list[str]:
    """The first line of a (possibly gzipped) delimited file, split and unquoted."""
    try:
        with _open_text(path) as handle:
            first = handle.readline()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise SourceFormatError(path, f"cannot read the file ({exc})", line=1) from exc
    first = re.split(r"\r\n|\r|\n", first, maxsplit=1)[0]
    return [name.strip() for name in next(csv.reader([first], delimiter=sep))]


def _duck_error_text(exc: Exception) -> str:
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
            raise SourceFormatError(
                path,
                f"cannot read the file ({_duck_error_text(exc)}); it may be truncated or not "
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
