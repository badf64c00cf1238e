"""WTO merchandise trade values by product group (SITC Rev.3 based), 2019–2020.

``wto/mtv-2019-2020``
    ``merchandise_values_annual_dataset_2019_2020.csv``: WTO Stats' bulk "Merchandise
    trade values annual dataset" (indicators ITS_MTV_AX / ITS_MTV_AM), cut by the
    downloader to 2019–2020 and partner World, with the indicators relabelled
    ``Export``/``Import``. Header
    ``Indicator,ReporterCode,ReporterISO3A,Reporter,ProductCode,Product,Year,Value``.

What amity takes:

* ``Value`` is in **millions** of US dollars, as each reporter declares (exports FOB,
  imports CIF); amity stores dollars.
* ``ProductCode`` ``TO`` (total merchandise) gives ``trade_national`` (exports, imports);
  the other codes are the WTO product groups (``AG`` agricultural products, ``MI`` fuels
  and mining, ``MA`` manufactures, ``MATE`` textiles = SITC 65, ``MACL`` clothing = SITC
  84, ``MAMT…`` machinery and transport ...), stored in ``trade_country_products`` with
  classification ``wto_group``. Groups nest (``MA`` contains ``MATE``): never sum them.
  ``MATE + MACL`` is narrower than HS 50–63 (no raw fibres).
* Reporters by ``ReporterISO3A``: the WTO's ``CHT`` (Chinese Taipei) is TWN; ``EEC``
  (European Union) and the regional and economic groups (codes 000 and 900 up, and
  three-letter group codes, most with an empty ISO3) are not countries and are dropped
  with a note. Bonaire, Sint Eustatius and Saba (535) has no ISO3 in the file and is
  matched by its numeric code.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import read_csv
from amity.sources._trade import dropped_note, usd

__all__ = ["DATASETS"]

_FILE = "merchandise_values_annual_dataset_2019_2020.csv"
_COLUMNS = {"Indicator": "VARCHAR", "ReporterCode": "VARCHAR", "ReporterISO3A": "VARCHAR",
            "Reporter": "VARCHAR", "ProductCode": "VARCHAR", "Product": "VARCHAR",
            "Year": "BIGINT", "Value": "DOUBLE"}
_FLOWS = {"Export": "export", "Import": "import"}
_TOTAL = "TO"


def _reporter_iso3(raw: pd.DataFrame) -> pd.Series:
    iso3 = countries.iso3_from(raw["ReporterISO3A"].where(raw["ReporterISO3A"].notna()), "iso3")
    code = raw["ReporterCode"]
    plain = code.str.fullmatch(r"\d{3}").fillna(False).astype(bool)
    numeric = code.where(plain & (pd.to_numeric(code, errors="coerce") < 900)
                         & raw["ReporterISO3A"].isna())
    return iso3.fillna(countries.iso3_from(numeric, "iso_numeric"))


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_FILE]
    raw, skipped = read_csv(path, _COLUMNS, on_bad_lines=on_bad_lines)
    bad = ~raw["Indicator"].isin(list(_FLOWS)) | raw["Value"].isna() | (raw["Value"] < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceFormatError(
            path, f"row has Indicator {raw['Indicator'].iloc[row]!r} and Value "
            f"{raw['Value'].iloc[row]!r}; expected Export/Import and a non-negative value",
            line=row + 2 if not skipped else None)
    iso3 = _reporter_iso3(raw)
    notes = dropped_note(path.name, "reporters that are groups of economies (not countries in "
                         "amity's crosswalk)",
                         raw.loc[iso3.isna(), "Reporter"], int(iso3.isna().sum()))
    rows = pd.DataFrame({"year": raw["Year"], "iso3": iso3,
                         "flow": raw["Indicator"].map(_FLOWS), "product": raw["ProductCode"],
                         "classification": "wto_group",
                         "value_usd": usd(raw["Value"], 1e6)})[iso3.notna()]
    total = rows["product"] == _TOTAL
    national = rows[total].pivot_table(index=["year", "iso3"], columns="flow",
                                       values="value_usd", aggfunc="first")
    national = national.reindex(columns=["export", "import"]).reset_index()
    national.columns.name = None
    national = national.rename(columns={"export": "exports_usd", "import": "imports_usd"})
    return ParseResult({"trade_country_products": rows[~total].reset_index(drop=True),
                        "trade_national": national},
                       skipped=skipped, notes=notes)


DATASETS = (
    Dataset(
        source="wto", release="mtv-2019-2020",
        title="WTO merchandise trade values by product group, exports and imports, 2019-2020",
        publisher="World Trade Organization, WTO Stats (bulk download cut to 2019-2020 and "
        "partner World by uchicago-CAPP30122-win-2022/proj-cappmait)",
        citation="WTO, Merchandise trade values annual dataset (ITS_MTV_AX, ITS_MTV_AM), "
        "stats.wto.org.",
        licence="WTO terms of use (reproduction permitted with attribution)",
        homepage="https://stats.wto.org",
        files=(RemoteFile(
            f"wto/{_FILE}", "a86ad98d598303d58d1c53a4e14e7b53db7888c158a9a252b9649c55553d2018",
            "https://raw.githubusercontent.com/uchicago-CAPP30122-win-2022/proj-cappmait/"
            "a6cf8cde4884475147c096890eb3936c5c999972/proj_cappmait/data/data_from_prog/"
            "rawdata/merchandise_values_annual_dataset.csv"),),
        parse=_parse, tables=("trade_country_products", "trade_national"),
        caveats=(
            ("exports FOB and imports CIF as each reporter declares them, to and from the "
            "world, current US$ (WTO's millions converted), 2019-2020 only"),
            ("product groups are SITC Rev.3 based and nest (MA contains MATE and MACL); "
            "textiles (SITC 65) + clothing (SITC 84) is narrower than HS 50-63"),
        ),
    ),
)
