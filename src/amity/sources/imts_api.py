"""IMF International Trade in Goods (IMTS, formerly DOTS): SDMX 2.1 answers of the API.

The format of ``api.imf.org``'s answers to
``data/IMF.STA,IMTS,1.0.0/<COUNTRY>.XG_FOB_USD..A?startPeriod=Y&endPeriod=Y`` in SDMX-ML
2.1 *StructureSpecificData*, for ``amity update dots`` (:mod:`amity.ingest.imf`)::

    <message:StructureSpecificData ...><message:Header>...</message:Header>
      <message:DataSet ...>
        <Series COUNTRY="LAO" INDICATOR="XG_FOB_USD" COUNTERPART_COUNTRY="THA"
                FREQUENCY="A" SCALE="6" ...><Obs TIME_PERIOD="2019" OBS_VALUE="2406848899"/>
        </Series> ...

One series per reporting ``COUNTRY`` (ISO3) and ``COUNTERPART_COUNTRY``: ISO3 for
economies, ``G001`` for the world and other ``G…``/``GX…``/``TX…`` codes for regional,
income and other aggregates. ``XG_FOB_USD`` is exports of goods, FOB, as the reporting
country reports them (or as the IMF estimates them from partners, as DOTS did).

Traps handled here:

* ``OBS_VALUE`` is in **US dollars**, although every series says ``SCALE="6"`` (a display
  hint): Laos's 2019 exports to the world are ``5809346166``, i.e. US$5.8 billion, which
  is Laos's known total. Values are taken as dollars and rounded to whole dollars.
* Series with no observation (a partner listed without a value) are missing, not zero:
  no row.
* ``G001`` rows are the reporter's total exports (``trade_national.exports_usd``; imports
  NA); other aggregates are dropped with a note. The parser uses the XML of the standard
  library: one message is one small file, and no structure (DSD) request is needed.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.sources._trade import dropped_note, usd

__all__ = ["INDICATOR", "PUBLISHER", "api_dataset", "parse_messages"]

PUBLISHER = "IMF"
#: Exports of goods, FOB, US dollars.
INDICATOR = "XG_FOB_USD"
_WORLD = "G001"
_FIX = "rerun `amity update dots` to download it again; if it fails again, the IMF has " \
       "changed its API: report it"


def _where(path: Path) -> str:
    return f"{PUBLISHER} IMTS response {path}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _series(path: Path) -> list[tuple[str, str, str, str, str, str | None]]:
    """(country, indicator, counterpart, frequency, period, value) per observation."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise SourceFormatError(_where(path), f"not XML ({exc})", fix=_FIX) from None
    kind = _local(root.tag)
    if kind == "Error":
        text = " ".join(t.strip() for t in root.itertext() if t.strip())
        raise SourceFormatError(_where(path), f"the API answered with an SDMX error: {text}",
                                fix="check the request (years, country codes) and rerun")
    if kind != "StructureSpecificData":
        raise SourceFormatError(_where(path), f"an SDMX-ML <{kind}> message, not "
                                "StructureSpecificData", fix=_FIX)
    out = []
    for series in root.iter():
        if _local(series.tag) != "Series":
            continue
        key = [series.get(a) or "" for a in ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY",
                                             "FREQUENCY")]
        if not all(key):
            raise SourceFormatError(_where(path), f"a Series without COUNTRY, INDICATOR, "
                                    f"COUNTERPART_COUNTRY or FREQUENCY ({series.attrib})",
                                    fix=_FIX)
        for obs in series:
            if _local(obs.tag) == "Obs":
                out.append((key[0], key[1], key[2], key[3], obs.get("TIME_PERIOD") or "",
                            obs.get("OBS_VALUE")))
    return out


def parse_messages(paths: Mapping[str, Path], on_bad_lines: OnBadLines = "error") -> ParseResult:
    """Canonical ``trade_dyadic`` and ``trade_national`` rows from IMTS SDMX messages.

    Parameters
    ----------
    paths
        Response name → file.
    on_bad_lines
        ``"error"`` stops at an observation whose period or value is not a year or a
        number; ``"skip"`` drops and counts them.
    """
    rows, skipped, others = [], 0, 0
    for _, path in sorted(paths.items()):
        for country, indicator, counterpart, freq, period, value in _series(path):
            if indicator != INDICATOR or freq != "A":
                others += 1
                continue
            try:
                year, number = int(period), float(value) if value not in (None, "") else None
            except ValueError:
                number, year = -1.0, 0
            if number is not None and (number < 0 or not period.isdigit()):
                if on_bad_lines == "skip":
                    skipped += 1
                    continue
                raise SourceFormatError(_where(path), f"observation {country}->{counterpart} "
                                        f"{period!r} has value {value!r}: not a year and a "
                                        "non-negative number", fix=_FIX)
            if number is None or math.isnan(number):
                continue
            rows.append((year, country, counterpart, number))
    raw = pd.DataFrame(rows, columns=["year", "country", "counterpart", "value"])
    exporter = countries.iso3_from(raw["country"], "iso3")
    importer = countries.iso3_from(raw["counterpart"], "iso3")
    notes = [f"{others} observations of other indicators or frequencies left out"] if others \
        else []
    lost = exporter.isna()
    notes += dropped_note("IMTS answers", "reporters that are not countries",
                          raw.loc[lost, "country"], int(lost.sum()))
    world = raw["counterpart"] == _WORLD
    area = ~lost & ~world & importer.isna()
    notes += dropped_note("IMTS answers", "counterparts that are aggregates (G001, the world: "
                          "kept as trade_national exports)", raw.loc[area, "counterpart"],
                          int(area.sum()))
    pairs = ~lost & ~world & importer.notna() & (exporter != importer).fillna(False)
    dyadic = pd.DataFrame({"year": raw["year"], "exporter": exporter, "importer": importer,
                           "value_usd": usd(raw["value"], 1.0)})[pairs.astype(bool)]
    national = pd.DataFrame({"year": raw["year"], "iso3": exporter,
                             "exports_usd": usd(raw["value"], 1.0),
                             "imports_usd": np.nan})[world & ~lost]
    for frame, keys in ((dyadic, ["year", "exporter", "importer"]), (national, ["year", "iso3"])):
        if frame.duplicated(keys).any():
            first = frame[frame.duplicated(keys)].iloc[0]
            raise SourceFormatError(f"{PUBLISHER} IMTS responses", f"two observations for "
                                    f"{dict(first[keys])}",
                                    fix="delete the cached responses under "
                                        "$AMITY_HOME/cache/dots and rerun")
    tables = {
        "trade_dyadic": dyadic.astype({"year": "int64", "exporter": "string",
                                       "importer": "string"}).reset_index(drop=True),
        "trade_national": national.astype({"year": "int64", "iso3": "string"}
                                          ).reset_index(drop=True),
    }
    return ParseResult(tables, skipped=skipped, notes=notes)


def api_dataset(release: str) -> Dataset:
    """The release ``dots/<release>`` that ``amity update`` writes.

    Examples
    --------
    >>> api_dataset("imts-2024").key
    'dots/imts-2024'
    """
    return Dataset(
        source="dots", release=release,
        title=f"IMF International Trade in Goods (IMTS, formerly DOTS): goods exports FOB by "
              f"partner ({release}, fetched by `amity update`)",
        publisher="International Monetary Fund, Statistics Department (IMF.STA:IMTS, SDMX API)",
        citation="International Monetary Fund. International Trade in Goods (by partner "
                 "country), https://data.imf.org/en/datasets/IMF.STA:IMTS, exports FOB "
                 "(XG_FOB_USD), annual.",
        licence="IMF copyright and terms of use (free use with attribution)",
        homepage="https://data.imf.org/en/datasets/IMF.STA:IMTS", files=(),
        parse=parse_messages, tables=("trade_dyadic", "trade_national"), default=False,
        caveats=(
            "exports FOB as reported by the exporter (or estimated by the IMF from partner "
            "data), current US$; values as the API served them on the day of the update",
            "national rows carry exports to the world (G001) only (imports NA)",
            "a reporter-partner pair without an observation is missing, not zero",
        ),
    )
