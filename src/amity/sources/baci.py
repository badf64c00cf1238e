"""CEPII BACI: bilateral trade by HS 6-digit product (HS 1992 nomenclature, release V202301).

``baci/hs92-v202301-sample``
    BACI's row format is ``t`` year, ``i`` exporter, ``j`` importer, ``k`` HS6 product,
    ``v`` value, ``q`` quantity. Its traps, all handled here:

    * ``v`` is in **thousands** of current US dollars (FOB, reconciled from both partners'
      reports by CEPII); amity stores dollars.
    * ``i``/``j`` are BACI's own numeric codes (ISO 3166 numeric with variants: 251 France
      with Monaco, 757 Switzerland with Liechtenstein, 842 the USA with Puerto Rico),
      mapped through BACI's country table ``country_codes_V202301.csv`` to ISO3. Codes
      BACI marks ``N/A`` (490 "Other Asia, nes", 697 "Europe EFTA, nes", 849 US
      Miscellaneous Pacific Islands) are mapped where amity knows them: 490 is Taiwan
      (see :data:`~amity.sources._trade.TAIWAN_CAVEAT`), 849 the US Minor Outlying
      Islands; 697 is no country and is dropped. BACI maps 58 "Belgium-Luxembourg" and
      711 "Southern African Customs Union" (used before 1999/2000) to BEL and ZAF; they
      are customs unions, so amity drops them rather than credit a union's trade to one
      member. Former codes follow amity's crosswalk (810 USSR → RUS, 891 Serbia and
      Montenegro → YUG).
    * ``k`` is written without leading zeros in BACI's files and product table
      (``10111`` is HS 010111); amity stores the 6-character code.
    * ``q`` is left-space-padded text (``"       13.235"``) and may be ``NA``; it is not
      used.

    The mirror holds a **sample**, not a BACI year: every 2021 flow whose exporter is
    Afghanistan (4) or South Africa (710), made upstream by the R package iopspackage.
    amity ingests it as ``trade_products`` only. It derives no world totals, national
    totals or other exporters' figures from it: a sample cannot give them. A full BACI
    year file (``BACI_HS92_Y2021_V202301.csv``, free registration at CEPII) has the same
    layout and parses with the same function.
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
from amity.sources._base import collapse_successors, read_csv
from amity.sources._trade import TAIWAN_CAVEAT, dropped_note, usd

__all__ = ["DATASETS", "baci_iso3"]

_GH = "https://raw.githubusercontent.com"
_COUNTRY_COLUMNS = {"country_code": "BIGINT", "country_name_abbreviation": "VARCHAR",
                    "country_name_full": "VARCHAR", "iso_2digit_alpha": "VARCHAR",
                    "iso_3digit_alpha": "VARCHAR"}
_PRODUCT_COLUMNS = {"code": "BIGINT", "description": "VARCHAR"}
_FLOW_COLUMNS = {"t": "BIGINT", "i": "BIGINT", "j": "BIGINT", "k": "BIGINT", "v": "DOUBLE",
                 "q": "VARCHAR"}
#: BACI codes of customs unions that BACI credits to one member; amity drops them.
_UNIONS = {58: "Belgium-Luxembourg", 711: "Southern African Customs Union"}
_OTHER_ASIA = 490


def baci_iso3(table: pd.DataFrame) -> dict[int, str]:
    """BACI country code → amity ISO3, from BACI's country table.

    Parameters
    ----------
    table
        ``country_codes_V*.csv`` with columns ``country_code`` and ``iso_3digit_alpha``
        (V202301 names) or ``country_iso3`` (V202601 names).

    Returns
    -------
    dict
        Only codes that are countries; customs unions and "nes" areas are left out.

    Examples
    --------
    >>> t = pd.DataFrame({"country_code": [586, 810, 490, 58, 697],
    ...                   "iso_3digit_alpha": ["PAK", "SUN", "N/A", "BEL", "N/A"]})
    >>> baci_iso3(t)
    {586: 'PAK', 810: 'RUS', 490: 'TWN'}
    """
    column = "iso_3digit_alpha" if "iso_3digit_alpha" in table else "country_iso3"
    codes = table["country_code"].astype("int64")
    iso3 = countries.iso3_from(table[column].where(table[column] != "N/A"), "iso3")
    numeric = countries.iso3_from(codes.astype(str), "iso_numeric")
    iso3 = iso3.fillna(numeric)
    iso3[codes == _OTHER_ASIA] = "TWN"
    return {int(c): str(i) for c, i in zip(codes, iso3, strict=True)
            if pd.notna(i) and int(c) not in _UNIONS}


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    cpath = paths["country_codes_V202301.csv"]
    ppath = paths["product_codes_HS92_V202301.csv"]
    fpath = paths["ExampleTradeData.csv.gz"]
    table, skipped_c = read_csv(cpath, _COUNTRY_COLUMNS, on_bad_lines=on_bad_lines)
    products, skipped_p = read_csv(ppath, _PRODUCT_COLUMNS, on_bad_lines=on_bad_lines)
    flows, skipped = read_csv(fpath, _FLOW_COLUMNS, on_bad_lines=on_bad_lines,
                              keep=["t", "i", "j", "k", "v"])
    bad = ~flows["k"].between(0, 999_999) | flows["v"].isna() | (flows["v"] < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceFormatError(
            fpath, f"row has product {flows['k'].iloc[row]!r} and value {flows['v'].iloc[row]!r};"
            " BACI products are HS6 codes and values non-negative thousands of US$",
            line=row + 2 if not skipped else None)
    code_to_iso3 = baci_iso3(table)
    exporter = flows["i"].map(code_to_iso3)
    importer = flows["j"].map(code_to_iso3)
    known = set(table["country_code"].astype("int64"))
    notes: list[str] = []
    lost = exporter.isna() | importer.isna()
    codes = set(flows.loc[exporter.isna(), "i"]) | set(flows.loc[importer.isna(), "j"])
    labels = [_UNIONS.get(c) or (f"{c}" if c in known else f"{c} (not in BACI's table)")
              for c in codes]
    notes += dropped_note(fpath.name, "exporter or importer codes that are not single countries "
                          "in amity's crosswalk", labels, int(lost.sum()))
    product = flows["k"].map("{:06d}".format)
    listed = set(products["code"].map("{:06d}".format))
    unlisted = sorted(set(product) - listed)
    if unlisted:
        notes.append(f"{fpath.name}: {len(unlisted)} product codes are not in "
                     f"{ppath.name} ({', '.join(unlisted[:10])}); their rows were kept")
    out = pd.DataFrame({
        "year": flows["t"], "exporter": exporter, "importer": importer, "product": product,
        "classification": "hs92", "value_usd": usd(flows["v"], 1e3),
    })[~lost & (exporter != importer)]
    # two BACI codes of one country never share a year (736/729 Sudan, 280/276 Germany),
    # but a full file is checked all the same
    out = collapse_successors(out, ["year", "exporter", "importer", "product"])
    # a full BACI year lists every flow of every exporter and importer; this sample has
    # all flows of its two exporters only, so importers' totals are not complete
    return ParseResult({"trade_products": out}, skipped=skipped + skipped_c + skipped_p,
                       notes=notes, scope={"product_flows": {
                           "listed_exporters_complete": True, "importers_complete": False,
                           "basis": "CEPII's reconciled flow (FOB), one value built from "
                           "both partners' reports: there is no separate mirror flow"}})


DATASETS = (
    Dataset(
        source="baci", release="hs92-v202301-sample",
        title="CEPII BACI HS92 V202301: all 2021 flows of Afghanistan and South Africa (sample)",
        publisher="CEPII (sample extracted upstream by the R package iopspackage, "
        "WoutersResearchGroup/R-IO-PS)",
        citation="Gaulier, G. and Zignago, S. (2010). \"BACI: International Trade Database at "
        "the Product-Level. The 1994-2007 Version.\" CEPII Working Paper N°2010-23.",
        licence="free of charge with citation of the working paper (recent releases: Etalab "
        "Open Licence 2.0); the iopspackage sample is MIT-licensed",
        homepage="http://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
        files=(
            RemoteFile(
                "baci/country_codes_V202301.csv",
                "952b24955a2ad50630b01bd4973050fb966ca949f84809e844cfec87b287c25b",
                f"{_GH}/igalkej/productivity_comparison/a0c36f7724cd769073ec5b4a7ed5450227d14efc/"
                "country_codes_V202301.csv"),
            RemoteFile(
                "baci/product_codes_HS92_V202301.csv",
                "e36e32d3e7f75bf9e97d32ec42e512af8eba3da966ad452a9f3a24128da0adfd",
                f"{_GH}/IaBrilliant/Economic_Complexity_MSc/7beda4d70a6f0d569c9d99e3a69194c578beb333/"
                "product_codes_HS92_V202301.csv"),
            # gzipped copy of iopspackage's inst/extdata/ExampleTradeData.csv: mirror only
            RemoteFile(
                "baci/BACI_HS92_V202301_sample/ExampleTradeData.csv.gz",
                "9a288789dc763a2cb94d1817c915699bd6b1032da03dbb598bf4a0c250a311c4"),
        ),
        parse=_parse, tables=("trade_products",),
        caveats=(
            ("a sample, not a BACI year: only 2021 exports of Afghanistan and South Africa; "
            "no world, national or other exporters' totals can be derived from it"),
            ("HS 1992 six-digit products; values FOB, reconciled by CEPII from both partners' "
            "reports, current US$ (BACI's thousands converted to dollars)"),
            TAIWAN_CAVEAT,
        ),
    ),
)
