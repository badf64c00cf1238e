"""IMF Direction of Trade Statistics (DOTS): bilateral goods exports, 2019–2020.

``dots/txg-fob-2019-2020``
    ``imf_import_export.csv`` as saved from the IMF's legacy SDMX-JSON API
    (``CompactData/DOT/A.<country>.TXG_FOB_USD.<partners>``) by a University of Chicago
    course project. Header ``,from,to,2019,2020``: an unnamed pandas index (restarting
    for each reporter), the reporting economy, the counterpart, and one column per year.

Traps handled here:

* Each row is the **exports, FOB, as reported by** ``from``, in **millions** of US
  dollars with one decimal (so ``0.0`` means under US$50,000, and is kept as 0).
* ``from``/``to`` are IMF area codes: ISO2 for economies (``PK``, ``RU``), but aggregates
  too — ``W00`` World, ``1C_…`` and ``X…``/``F…``/``E…``/``A10``/``B0``/``U2`` groups.
  ``NA`` is Namibia, not a missing value: every field is read as text first.
* ``to = W00`` rows are a reporter's exports to the world: ``trade_national.exports_usd``
  (imports are not in the file: NA). Other aggregates are dropped with a note.
* The downloader kept a series only when it had both 2019 and 2020 values, so a pair
  with one year only is missing in both years; importer-reported CIF imports
  (``TMG_CIF_USD``) are not included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import read_csv, read_header
from amity.sources._trade import dropped_note, usd

__all__ = ["DATASETS"]

_FILE = "imf_import_export.csv"
_WORLD = "W00"
_YEAR = re.compile(r"^\d{4}$")
_ECONOMY = re.compile(r"^[A-Z]{2}$")


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_FILE]
    years = _header(path)[3:]
    columns = {"index": "BIGINT", "from": "VARCHAR", "to": "VARCHAR",
               **{y: "DOUBLE" for y in years}}
    # the header's first name is empty, which DuckDB cannot name: it was checked by
    # _header and is read as a first row whose empty index and year names fit the types
    raw, skipped = read_csv(path, columns, header=False, on_bad_lines=on_bad_lines)
    raw = raw.iloc[1:].reset_index(drop=True)
    for year in years:
        bad = raw[year] < 0
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise SourceFormatError(path, f"negative value {raw[year].iloc[row]}",
                                    line=row + 2 if not skipped else None, column=year)
    codes = pd.Series(pd.unique(pd.concat([raw["from"], raw["to"]])), dtype="object")
    iso3 = countries.iso3_from(codes.where(codes.str.match(_ECONOMY)), "iso2")
    economy = dict(zip(codes, iso3, strict=True))
    raw["exporter"] = raw["from"].map(economy)
    raw["importer"] = raw["to"].map(economy)
    world = raw["to"] == _WORLD
    group = raw["exporter"].isna()
    notes = dropped_note(path.name, "reporters that are groups of economies",
                         raw.loc[group, "from"], int(group.sum()))
    lost = ~group & raw["importer"].isna() & ~world
    notes += dropped_note(path.name, "counterparts that are groups of economies",
                          raw.loc[lost, "to"], int(lost.sum()))
    long = raw[~group].melt(id_vars=["exporter", "importer", "to"], value_vars=years,
                            var_name="year", value_name="v").dropna(subset=["v"])
    long["year"] = long["year"].astype("int64")
    long["value_usd"] = usd(long["v"], 1e6)
    pairs = long["importer"].notna() & (long["exporter"] != long["importer"]).fillna(False)
    dyadic = long.loc[pairs, ["year", "exporter", "importer", "value_usd"]]
    national = long.loc[long["to"] == _WORLD, ["year", "exporter", "value_usd"]].rename(
        columns={"exporter": "iso3", "value_usd": "exports_usd"}).assign(imports_usd=np.nan)
    return ParseResult({"trade_dyadic": dyadic.reset_index(drop=True),
                        "trade_national": national.reset_index(drop=True)},
                       skipped=skipped, notes=notes)


def _header(path: Path) -> list[str]:
    names = read_header(path)
    if names[:3] != ["", "from", "to"] or not names[3:] or not all(
            _YEAR.match(n) for n in names[3:]):
        raise SourceFormatError(path, f"unexpected columns {names}; expected ',from,to' and "
                                "one column per year", line=1,
                                fix="use the IMF DOTS file of this release, not an edited copy")
    return names


DATASETS = (
    Dataset(
        source="dots", release="txg-fob-2019-2020",
        title="IMF Direction of Trade Statistics: goods exports FOB by partner, 2019-2020",
        publisher="International Monetary Fund, Direction of Trade Statistics (legacy API, "
        "retrieved early 2022 by uchicago-CAPP30122-win-2022/proj-cappmait)",
        citation="International Monetary Fund, Direction of Trade Statistics (DOTS), exports "
        "FOB (TXG_FOB_USD), annual 2019-2020, data.imf.org.",
        licence="IMF copyright and terms of use (free use with attribution)",
        homepage="https://data.imf.org/en/datasets/IMF.STA:IMTS",
        files=(RemoteFile(
            f"dots/{_FILE}", "3ff1e771cd3b61fb871ed5566271f93aedf4da7f1b2576efd84401f6c4373bb1",
            "https://raw.githubusercontent.com/uchicago-CAPP30122-win-2022/proj-cappmait/"
            "a6cf8cde4884475147c096890eb3936c5c999972/proj_cappmait/data/archived/"
            "imf_import_export.csv"),),
        parse=_parse, tables=("trade_dyadic", "trade_national"),
        caveats=(
            ("exports FOB as reported by the exporter, current US$, 2019-2020 only; values "
            "rounded to US$0.1 million (0 means under US$50,000)"),
            "a pair is present only if the IMF series had values for both 2019 and 2020",
            "national rows carry exports to the world only (imports NA), so trade shares are NA",
        ),
    ),
)
