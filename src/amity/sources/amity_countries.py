"""amity's own country crosswalk, written to the store's ``countries`` table."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._schema import TABLES

__all__ = ["DATASETS"]


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    table = countries.table()
    return ParseResult({"countries": table[list(TABLES["countries"].columns)]})


DATASETS = (
    Dataset(
        source="amity_countries", release="1", title="amity country crosswalk",
        publisher="amity", homepage="",
        citation="amity country crosswalk (ISO 3166, COW, Gleditsch-Ward, FIPS 10-4, CAMEO)",
        licence="Apache-2.0", files=(), parse=_parse, tables=("countries",),
        package_files="*.csv",
    ),
)
