"""The contract between the layers that move data: sources, the ingest pipeline, the store.

A source module (:mod:`amity.sources`, one per publisher) declares one :class:`Dataset`
per release it can read: who publishes it, how to cite it, its files
(:class:`~amity.fetch.RemoteFile`) and a ``parse`` function from local file paths to
canonical tables (a :class:`ParseResult`: ``pandas.DataFrame`` or ``pyarrow.Table`` per
table name of :mod:`amity._schema`, ISO3 country keys, US dollars, ``year`` columns).
The ingest pipeline (:mod:`amity.ingest`) finds the files, calls ``parse`` and hands the
result to the store (:mod:`amity.store`), which adds the ``source`` and ``release``
columns and swaps the release in. None of them knows the others' internals: this module
is what they share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from amity.fetch import RemoteFile

__all__ = ["Dataset", "FilePeriod", "OnBadLines", "ParseFn", "ParseResult", "RemoteFile"]

#: What a parser does with a malformed row: stop with an error naming ``file:line``, or
#: drop and count it.
OnBadLines = Literal["error", "skip"]


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
    scope
        What the release's rows cover and mean beyond their years, for the readers of
        the store (JSON-serialisable; e.g. the reporters whose product flows list every
        partner). Recorded with the release in the store's catalogue.
    coverage
        The first and last year the release covers, when its rows cannot tell (a table of
        spells, such as rivalries with a start and an end); otherwise the store takes
        the years of the rows.
    """

    tables: dict[str, Any]
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    scope: dict[str, Any] = field(default_factory=dict)
    coverage: tuple[int, int] | None = None


ParseFn = Callable[[Mapping[str, Path], OnBadLines], ParseResult]
#: The span ``[start, end)`` a publisher file covers, told by its name (None: no span).
FilePeriod = Callable[[str], "tuple[datetime, datetime] | None"]


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
        The files the parser needs, keyed in ``parse`` by :attr:`RemoteFile.name` (a
        tuple, or a :class:`~amity.fetch.Registry` read on first use).
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
    file_period
        For releases published as a stream of files (events): the period each file
        covers, from its name. The pipeline records it with the file in the store, so
        that readers know which periods the release covers without parsing names.
    """

    source: str
    release: str
    title: str
    publisher: str
    citation: str
    licence: str
    homepage: str
    files: Sequence[RemoteFile]
    parse: ParseFn
    tables: tuple[str, ...]
    default: bool = True
    caveats: tuple[str, ...] = ()
    package_files: str = ""
    file_period: FilePeriod | None = None

    @property
    def key(self) -> str:
        """``source/release``, the name ``amity sources`` shows."""
        return f"{self.source}/{self.release}"
