"""World Bank API v2 answers: GDP (current US$) and population for the ``macro`` table.

The format of ``api.worldbank.org/v2/country/<countries>/indicator/<id>?format=json``,
for ``amity update wdi`` (:mod:`amity.ingest.worldbank`): a JSON list of two members, the
page (``page``, ``pages``, ``per_page``, ``total``, ``lastupdated``: the WDI release's
date) and the rows::

    [{"page": 1, "pages": 1, "per_page": 1000, "total": 4, "lastupdated": "2026-07-01"},
     [{"indicator": {"id": "SP.POP.TOTL", ...}, "countryiso3code": "JPN", "date": "2023",
       "value": 124516650, ...}, ...]]

A refused request is a list with one ``{"message": [...]}`` member, under HTTP 200.

What amity keeps: :data:`INDICATORS` (``NY.GDP.MKTP.CD`` → ``gdp_usd``, ``SP.POP.TOTL`` →
``population``), one ``macro`` row per country and year with either value; a null value
is missing (no value, never 0); WDI aggregates (``WLD``, regions, income groups: no ISO3
in amity's crosswalk) are dropped with a note, as in :mod:`amity.sources.wdi`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError

__all__ = ["INDICATORS", "PUBLISHER", "api_dataset", "parse_pages", "read_page"]

PUBLISHER = "World Bank"
#: WDI indicator → ``macro`` column.
INDICATORS = {"NY.GDP.MKTP.CD": "gdp_usd", "SP.POP.TOTL": "population"}
_FIX = "rerun `amity update wdi` to download it again; if it fails again, the World Bank " \
       "has changed its API: report it"


def _where(path: Path) -> str:
    return f"{PUBLISHER} API response {path}"


def read_page(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The page header and the rows of one answer, checked.

    Raises
    ------
    SourceFormatError
        Not JSON, the API's refusal (``message``), or not ``[page, rows]``.
    """
    try:
        doc = json.loads(Path(path).read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceFormatError(_where(path), f"not the API's JSON ({exc})", fix=_FIX) from None
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "message" in doc[0]:
        text = "; ".join(str(m.get("value") or m) for m in doc[0]["message"]
                         if isinstance(m, dict)) or str(doc[0]["message"])
        raise SourceFormatError(_where(path), f"the API refused the request: {text}",
                                fix="check the indicator and country codes and rerun")
    if not (isinstance(doc, list) and len(doc) == 2 and isinstance(doc[0], dict)
            and isinstance(doc[1], list | type(None)) and "pages" in doc[0]):
        raise SourceFormatError(_where(path), "not a [page, rows] answer", fix=_FIX)
    return doc[0], doc[1] or []


def parse_pages(paths: Mapping[str, Path], on_bad_lines: OnBadLines = "error") -> ParseResult:
    """Canonical ``macro`` rows from World Bank API pages of :data:`INDICATORS`.

    ``ParseResult.scope`` records the WDI release date(s) (``lastupdated``) of the pages.
    """
    values: dict[str, list[tuple[int, str, float]]] = {c: [] for c in INDICATORS.values()}
    updated, skipped = set(), 0
    for _, path in sorted(paths.items()):
        page, rows = read_page(path)
        updated.add(str(page.get("lastupdated", "")))
        for i, row in enumerate(rows, start=1):
            ind = (row.get("indicator") or {}).get("id") if isinstance(row, dict) else None
            value = row.get("value") if isinstance(row, dict) else None
            date = str(row.get("date", "")) if isinstance(row, dict) else ""
            code = row.get("countryiso3code") if isinstance(row, dict) else None
            problem = ("not an object" if not isinstance(row, dict) else
                       f"indicator {ind!r} is not one of {sorted(INDICATORS)}"
                       if ind not in INDICATORS else
                       f"date {date!r} is not a year" if not date.isdigit() else
                       f"value {value!r} is not a non-negative number"
                       if value is not None and (isinstance(value, bool) or not isinstance(
                           value, int | float) or value < 0) else None)
            if problem:
                if on_bad_lines == "skip":
                    skipped += 1
                    continue
                raise SourceFormatError(_where(path), f"row {i}: {problem}", fix=_FIX)
            if value is not None and code:
                values[INDICATORS[str(ind)]].append((int(date), str(code), float(value)))
    frames, notes = [], []
    for column, rows_ in values.items():
        frame = pd.DataFrame(rows_, columns=["year", "code", column])
        frame["iso3"] = countries.iso3_from(frame["code"], "iso3")
        dropped = sorted(frame.loc[frame["iso3"].isna(), "code"].unique())
        if dropped:
            more = ", ..." if len(dropped) > 8 else ""
            notes.append(f"{column}: {len(dropped)} codes that are not countries dropped "
                         f"(aggregates: {', '.join(dropped[:8])}{more})")
        frame = frame.dropna(subset=["iso3"])
        if frame.duplicated(["year", "iso3"]).any():
            raise SourceFormatError(f"{PUBLISHER} API responses", f"two {column} values for "
                                    "one country and year",
                                    fix="delete the cached pages under $AMITY_HOME/cache/wdi "
                                        "and rerun")
        frames.append(frame[["year", "iso3", column]])
    macro = frames[0].merge(frames[1], on=["year", "iso3"], how="outer")
    macro = macro[["year", "iso3", "gdp_usd", "population"]].astype(
        {"year": "int64", "iso3": "string", "gdp_usd": "float64", "population": "float64"})
    macro = macro.sort_values(["iso3", "year"]).reset_index(drop=True)
    return ParseResult({"macro": macro}, skipped=skipped, notes=notes,
                       scope={"wdi_lastupdated": sorted(updated)})


def api_dataset(release: str) -> Dataset:
    """The release ``wdi/<release>`` that ``amity update`` writes.

    Examples
    --------
    >>> api_dataset("api-2024").key
    'wdi/api-2024'
    """
    return Dataset(
        source="wdi", release=release,
        title=f"World Development Indicators: GDP (current US$) and population ({release}, "
              "World Bank API v2, fetched by `amity update`)",
        publisher="World Bank (World Development Indicators, API v2)",
        homepage="https://data.worldbank.org",
        citation="World Bank, World Development Indicators: NY.GDP.MKTP.CD "
                 "(https://data.worldbank.org/indicator/NY.GDP.MKTP.CD) and SP.POP.TOTL "
                 "(https://data.worldbank.org/indicator/SP.POP.TOTL), API v2.",
        licence="CC BY 4.0 (World Bank)", files=(), parse=parse_pages, tables=("macro",),
        default=False,
        caveats=("GDP in current US dollars (not deflated)",
                 "WDI aggregates (World, regions, income groups) are dropped",
                 "values of the WDI release named in the scope (lastupdated) on the day of "
                 "the update"),
    )
