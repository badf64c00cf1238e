"""UN Comtrade (Comtrade+) API responses: total goods exports by reporter and partner.

The format of ``comtradeapi.un.org``'s JSON answers, for ``amity update comtrade_totals``
(:mod:`amity.ingest.comtrade`): the keyed ``data/v1/get/C/A/HS`` endpoint
(``getFinalData``) and the keyless ``public/v1/preview/C/A/HS`` one answer alike::

    {"elapsedTime": "0.03 secs", "count": 4, "data": [{...}, ...], "error": ""}

one record per reporter, partner, flow and breakdown, with ``refYear``, ``reporterISO``,
``partnerCode``/``partnerISO``, ``flowCode`` (``X`` exports, ``M`` imports),
``cmdCode``, ``customsCode``, ``motCode``, ``partner2Code`` and ``primaryValue`` (current
US dollars, not thousands: the value the reporter reports, FOB for exports).

What amity keeps, as :mod:`amity.sources.comtrade_totals` does for the mirror's files:

* exports (``flowCode`` ``X``) of all commodities (``TOTAL``) with the totals of the
  breakdowns (customs ``C00``, transport mode ``0``, second partner ``0``), as the
  exporter reports them; imports rows are counted in a note and left out;
* ``trade_dyadic`` from reporter to partner, ``trade_national`` exports from the
  partner-World row (code 0); imports NA;
* ISO3 from Comtrade's own ``reporterISO``/``partnerISO`` through
  :func:`amity.countries.iso3_from`; code 490 ("Other Asia, nes") is Taiwan, as in every
  trade parser of amity; areas, groups and other non-countries are dropped with a note;
* a ``primaryValue`` of null is missing data: no row (never 0).

A malformed record (no year, no reporter, a value that is not a number) is an error naming
the response file and the record, or is skipped and counted with ``on_bad_lines="skip"``.
This module reads files; it does not download (parsers only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.sources._trade import TAIWAN_CAVEAT, dropped_note, usd

__all__ = ["PUBLISHER", "api_dataset", "parse_responses", "read_response"]

PUBLISHER = "UN Comtrade"
_OTHER_ASIA = 490
#: The breakdown totals: a record must have these values, when it has the field at all.
_TOTALS = {"cmdCode": "TOTAL", "customsCode": "C00", "motCode": 0, "partner2Code": 0}
_FIX = "rerun `amity update comtrade_totals` to download it again; if it fails again, the API " \
       "has changed its format: report it"


def _where(path: Path) -> str:
    return f"{PUBLISHER} response {path}"


def read_response(path: Path) -> dict[str, Any]:
    """The JSON object of one API answer, checked: ``count``, ``data`` and no ``error``.

    Raises
    ------
    SourceFormatError
        The file is not JSON, not an object with a ``data`` list, or carries the API's
        error message.
    """
    try:
        doc = json.loads(Path(path).read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceFormatError(_where(path), f"not the API's JSON ({exc})", fix=_FIX) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise SourceFormatError(_where(path), "the answer has no 'data' list of records",
                                fix=_FIX)
    error = doc.get("error")
    if error:
        raise SourceFormatError(_where(path), f"the API answered with an error: {error}",
                                fix="check the request (years, API key) and rerun")
    return doc


def _record(rec: object) -> tuple[int, str, int, str, str, float | None] | str:
    """(year, reporter ISO, partner code, partner ISO, flow, value) or what is wrong."""
    if not isinstance(rec, dict):
        return "a record is not an object"
    year = rec.get("refYear", rec.get("period"))
    try:
        year = int(str(year)[:4])
    except (TypeError, ValueError):
        return f"no year (refYear {rec.get('refYear')!r})"
    reporter, partner = rec.get("reporterISO"), rec.get("partnerISO")
    code = rec.get("partnerCode")
    if not isinstance(reporter, str) or not reporter or not isinstance(code, int):
        return "no reporterISO or partnerCode"
    value = rec.get("primaryValue")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                              or value < 0 or np.isnan(value)):
        return f"primaryValue {value!r} is not a non-negative number"
    if rec.get("reporterCode") == _OTHER_ASIA:
        reporter = "TWN"
    if code == _OTHER_ASIA:
        partner = "TWN"
    return year, reporter, code, str(partner or ""), str(rec.get("flowCode") or ""), \
        None if value is None else float(value)


def _rows(paths: Mapping[str, Path],
          on_bad_lines: OnBadLines) -> tuple[pd.DataFrame, int, list[str]]:
    records: list[tuple[Any, ...]] = []
    skipped, other_flows, breakdowns = 0, 0, 0
    for name, path in sorted(paths.items()):
        for i, rec in enumerate(read_response(path)["data"], start=1):
            if isinstance(rec, dict) and any(rec.get(k, v) != v for k, v in _TOTALS.items()):
                breakdowns += 1
                continue
            parsed = _record(rec)
            if isinstance(parsed, str):
                if on_bad_lines == "skip":
                    skipped += 1
                    continue
                raise SourceFormatError(_where(path), f"record {i}: {parsed}",
                                        fix=_FIX + ", or rerun with --on-bad-lines skip")
            if parsed[4] != "X":
                other_flows += 1
                continue
            records.append((*parsed, name, i))
    notes = []
    if other_flows:
        plural = "s" if other_flows != 1 else ""
        notes.append(f"{other_flows} record{plural} of other flows than exports (X) left out: "
                     "amity keeps exports as the exporter reports them")
    if breakdowns:
        notes.append(f"{breakdowns} records of commodity, customs, transport or second-partner "
                     "breakdowns left out (totals kept)")
    frame = pd.DataFrame(records, columns=["year", "reporter", "partner_code", "partner",
                                           "flow", "value", "file", "record"])
    return frame, skipped, notes


def parse_responses(paths: Mapping[str, Path], on_bad_lines: OnBadLines = "error") -> ParseResult:
    """Canonical ``trade_dyadic`` and ``trade_national`` rows from Comtrade+ API answers.

    Parameters
    ----------
    paths
        Response name → file (JSON as the API sent it).
    on_bad_lines
        ``"error"`` stops at the first malformed record; ``"skip"`` drops and counts them.

    Returns
    -------
    ParseResult
        With ``scope["reporters_by_year"]``: the reporters (ISO3) with rows each year, so
        that a country that did not report is missing, not zero.
    """
    raw, skipped, notes = _rows(paths, on_bad_lines)
    raw = raw.dropna(subset=["value"])
    exporter = countries.iso3_from(raw["reporter"], "iso3")
    importer = countries.iso3_from(raw["partner"], "iso3")
    lost = exporter.isna()
    notes += dropped_note("Comtrade answers", "reporters that are not countries",
                          raw.loc[lost, "reporter"], int(lost.sum()))
    world = raw["partner_code"] == 0
    national = pd.DataFrame({"year": raw["year"], "iso3": exporter,
                             "exports_usd": usd(raw["value"], 1.0), "imports_usd": np.nan})
    national = national[world & ~lost]
    pairs = ~lost & ~world & importer.notna()
    area = ~lost & ~world & importer.isna()
    notes += dropped_note("Comtrade answers", "partners that are not countries",
                          raw.loc[area, "partner"], int(area.sum()))
    same = pairs & (exporter == importer).fillna(False).astype(bool)
    if same.any():
        notes.append(f"{int(same.sum())} records of exports of a reporter to itself dropped")
    pairs &= ~same
    dyadic = pd.DataFrame({"year": raw["year"], "exporter": exporter, "importer": importer,
                           "value_usd": usd(raw["value"], 1.0)})[pairs]
    for frame, keys, what in ((dyadic, ["year", "exporter", "importer"], "reporter-partner pair"),
                              (national, ["year", "iso3"], "reporter's World total")):
        dup = frame.duplicated(keys)
        if dup.any():
            row = raw.loc[frame.index[dup.to_numpy()][0]]
            raise SourceFormatError(
                _where(paths[row["file"]]), f"record {row['record']}: the {what} "
                f"{row['reporter']} -> {row['partner']} in {row['year']} appears twice",
                fix="delete the cached responses under $AMITY_HOME/cache/comtrade_totals and "
                    "rerun; report it if it persists")
    by_year = {str(y): sorted(g.dropna().unique().tolist())
               for y, g in exporter[~lost].groupby(raw.loc[~lost, "year"])}
    tables = {
        "trade_dyadic": dyadic.astype({"year": "int64", "exporter": "string",
                                       "importer": "string", "value_usd": "float64"}
                                      ).reset_index(drop=True),
        "trade_national": national.astype({"year": "int64", "iso3": "string",
                                           "exports_usd": "float64", "imports_usd": "float64"}
                                          ).reset_index(drop=True),
    }
    scope = {"reporters_by_year": by_year,
             "basis": "exports as the exporter reports them (Comtrade primaryValue, current "
                      "US$), from the Comtrade+ API"}
    return ParseResult(tables, skipped=skipped, notes=notes, scope=scope)


def api_dataset(release: str, *, keyless: bool) -> Dataset:
    """The release ``comtrade_totals/<release>`` that ``amity update`` writes.

    Examples
    --------
    >>> d = api_dataset("api-2024", keyless=False)
    >>> d.key, d.default, d.tables
    ('comtrade_totals/api-2024', False, ('trade_dyadic', 'trade_national'))
    """
    how = ("the keyless preview endpoint (public/v1/preview): only the reporters asked for, "
           "at most 500 records per answer" if keyless else
           "the keyed endpoint (data/v1/get, getFinalData), every reporter")
    return Dataset(
        source="comtrade_totals", release=release,
        title=f"UN Comtrade (Comtrade+ API): total goods exports by partner, as reported by "
              f"the exporter ({release}, fetched by `amity update`)",
        publisher="United Nations Statistics Division, UN Comtrade Database (Comtrade+ API)",
        citation="United Nations, UN Comtrade Database, https://comtradeplus.un.org "
                 f"(Comtrade+ API, {how}).",
        licence="UN Comtrade terms: free data reusable with attribution (\"UN Comtrade\"); "
                "commercial resale of bulk downloads is forbidden",
        homepage="https://comtradeplus.un.org", files=(), parse=parse_responses,
        tables=("trade_dyadic", "trade_national"), default=False,
        caveats=(
            f"fetched from {how}; values as the API served them on the day of the update "
            "(Comtrade revises figures and adds late reporters)",
            "exports as reported by the exporter only (primaryValue, current US$); the "
            "importer's report (mirror flow) is not here and nothing is averaged",
            "a country that had not reported when the update ran has no rows: missing, "
            "not zero (see the release's scope, reporters_by_year)",
            "national rows carry exports to the world only (imports NA)",
            TAIWAN_CAVEAT,
        ),
    )
