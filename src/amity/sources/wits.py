"""WITS Trade Summary (World Bank): each economy's trade totals and product mix, 1988–2019.

``wits/trade-summary-2019``
    The 212 files ``en_<CODE>_AllYears_WITS_Trade_Summary.CSV`` of the WITS bulk download
    ``wits_en_trade_summary_allcountries_allyears.zip``, one per reporting economy.
    Header ``Reporter,Partner,Product categories,Indicator Type,Indicator,2019,...,1988``:
    one row per indicator, one column per year (newest first).

What amity reads, and the traps:

* Values are right-aligned text (``"   13656.05"``); empty cells are missing, not zero.
  Units are in the indicator name: ``US$ Mil`` (millions) for every value amity takes.
* The files are Windows-1252, not UTF-8 ("Curaçao" is byte ``E7``); amity decodes UTF-8
  when it can and Windows-1252 otherwise.
* ``Exports (in US$ Mil)`` / ``Imports (in US$ Mil)`` (partner World, All Products) →
  ``trade_national``.
* ``Export(US$ Mil)`` by product group (partner World) → ``trade_country_products``
  flow ``export``: the WITS HS-based groups (``Textiles and Clothing`` = HS 50–63,
  ``Fuels``, ``Mach and Elec`` ...; classification ``wits_group``) and the UNCTAD stages
  (``Raw materials``, ``Intermediate goods``, ``Consumer goods``, ``Capital goods``;
  ``wits_stage``). ``Import(US$ Mil)`` exists only for the stages (flow ``import``).
  Product names are stored as WITS writes them.
* ``Trade (US$ Mil)-Top 5 Export Partner`` / ``-Top 5 Import Partner``: the value with
  the reporter's five largest partners each year → ``trade_dyadic`` (exports as the
  exporter reports them; where only the importer's top-5 row covers a flow, the
  importer's CIF figure). **Only top-5 partners**: a pair absent is unknown, not zero.
* Reporters come from the file name's code, or the ``Reporter`` name where the code is
  WITS's own (``MNT`` Montenegro, ``SER`` "Serbia, FR(Serbia/Montenegro)" = Yugoslavia
  (YUG) to 2005 and Serbia (SRB) from 2006, ``OAS`` "Other Asia, nes" = Taiwan);
  ``SUD``/``SDN`` are Sudan after and before 2012. Aggregate files (World, EU, regions,
  ``BLX`` Belgium-Luxembourg) and non-country partners (``Unspecified``, ``Free Zones``,
  ``Bunkers``, ``Special Categories``) are dropped with a note. Tariff, development and
  count indicators are not read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import Registry
from amity.sources._base import collapse_successors
from amity.sources._trade import TAIWAN_CAVEAT, dropped_note, usd

__all__ = ["DATASETS", "read_summary"]

_FILE = re.compile(r"^en_([A-Za-z]{3})_AllYears_WITS_Trade_Summary\.CSV$")
_FIXED = ["Reporter", "Partner", "Product categories", "Indicator Type", "Indicator"]
_NATIONAL = {"Exports (in US$ Mil)": "exports_usd", "Imports (in US$ Mil)": "imports_usd"}
_PRODUCTS = {"Export(US$ Mil)": "export", "Import(US$ Mil)": "import"}
_TOP5 = {"Trade (US$ Mil)-Top 5 Export Partner": "export",
         "Trade (US$ Mil)-Top 5 Import Partner": "import"}
_STAGES = {"Raw materials", "Intermediate goods", "Consumer goods", "Capital goods"}
_OTHER_ASIA = "Other Asia, nes"


def read_summary(path: Path, on_bad_lines: OnBadLines = "error") -> tuple[pd.DataFrame, int]:
    """One WITS Trade Summary file, long: reporter, partner, product, indicator, year, value.

    Parameters
    ----------
    path
        An ``en_<CODE>_AllYears_WITS_Trade_Summary.CSV`` file.
    on_bad_lines
        ``"error"`` raises :class:`SourceFormatError` (file, line, column) on a row with
        the wrong number of fields or a value that is not a number; ``"skip"`` drops and
        counts such rows.

    Returns
    -------
    (DataFrame, int)
        Non-empty cells only (``value`` as published, not scaled), and the rows skipped.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or header[:5] != _FIXED or not header[5:] or not all(
            re.fullmatch(r"\d{4}", y) for y in header[5:]):
        raise SourceFormatError(path, f"unexpected columns {header}; expected {_FIXED} and one "
                                "column per year", line=1,
                                fix="use the WITS bulk Trade Summary file, not an edited copy")
    years = [int(y) for y in header[5:]]
    out: list[tuple[str, str, str, str, int, float]] = []
    skipped = 0
    for row in reader:
        line = reader.line_num
        if len(row) != len(header):
            if on_bad_lines == "skip":
                skipped += 1
                continue
            raise SourceFormatError(path, f"expected {len(header)} fields, saw {len(row)}",
                                    line=line, fix="re-download the file, or rerun with "
                                    "--on-bad-lines skip to drop such rows")
        cells = []
        try:
            for year, text_value in zip(years, row[5:], strict=True):
                if text_value.strip():
                    cells.append((year, float(text_value)))
        except ValueError:
            if on_bad_lines == "skip":
                skipped += 1
                continue
            raise SourceFormatError(path, f"value {text_value!r} is not a number", line=line,
                                    column=str(year)) from None
        out += [(row[0], row[1], row[2], row[4], year, value) for year, value in cells]
    frame = pd.DataFrame(out, columns=["reporter", "partner", "product", "indicator", "year",
                                       "value"])
    return frame, skipped


def _yugoslavia(iso3: pd.Series, year: pd.Series) -> pd.Series:
    """WITS's "Serbia, FR(Serbia/Montenegro)" is Yugoslavia to 2005 and Serbia from 2006."""
    later = ((iso3 == "YUG") & (year >= 2006)).fillna(False).astype(bool)
    return iso3.mask(later, "SRB")


def _names(values: pd.Series) -> pd.Series:
    out = countries.iso3_from(values, "name")
    return out.mask(values == _OTHER_ASIA, "TWN")


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    frames, skipped, notes, aggregates = [], 0, [], []
    for name, path in sorted(paths.items()):
        match = _FILE.match(name)
        if not match:
            continue
        frame, skip = read_summary(path, on_bad_lines)
        skipped += skip
        frame = frame[frame["indicator"].isin([*_NATIONAL, *_PRODUCTS, *_TOP5])]
        if frame.empty:
            continue
        code = match.group(1)
        iso3 = countries.iso3_from(pd.Series([code]), "iso3").iloc[0]
        if pd.isna(iso3):
            iso3 = _names(pd.Series([frame["reporter"].iloc[0]])).iloc[0]
        if pd.isna(iso3):
            aggregates.append(f"{code} {frame['reporter'].iloc[0].strip()}".strip())
            continue
        frames.append(frame.assign(iso3=_yugoslavia(pd.Series(iso3, index=frame.index),
                                                    frame["year"])))
    if aggregates:
        notes.append(f"trade_summary: {len(aggregates)} files of economies that are not "
                     f"countries were not read ({'; '.join(sorted(aggregates))})")
    data = pd.concat(frames, ignore_index=True)
    data["value_usd"] = usd(data["value"], 1e6)

    nat = data[data["indicator"].isin(list(_NATIONAL)) & (data["partner"] == "World")]
    national = nat.pivot_table(index=["year", "iso3"], columns="indicator", values="value_usd",
                               aggfunc="max").reindex(columns=list(_NATIONAL))
    national = national.rename(columns=_NATIONAL).reset_index()
    national.columns.name = None
    national = collapse_successors(national, ["year", "iso3"])

    prod = data[data["indicator"].isin(list(_PRODUCTS)) & (data["partner"] == "World")
                & (data["product"] != "All Products")]
    country_products = pd.DataFrame({
        "year": prod["year"], "iso3": prod["iso3"], "flow": prod["indicator"].map(_PRODUCTS),
        "product": prod["product"],
        "classification": prod["product"].isin(_STAGES).map({True: "wits_stage",
                                                             False: "wits_group"}),
        "value_usd": prod["value_usd"]})
    country_products = collapse_successors(
        country_products, ["year", "iso3", "flow", "classification", "product"])

    top = data[data["indicator"].isin(list(_TOP5))]
    partner = _yugoslavia(_names(top["partner"]), top["year"])
    lost = partner.isna()
    notes += dropped_note("trade_summary", "top-5 partners that are not countries",
                          top.loc[lost, "partner"], int(lost.sum()))
    exports = top["indicator"].map(_TOP5) == "export"
    dyadic = pd.DataFrame({
        "year": top["year"], "exporter": top["iso3"].where(exports, partner),
        "importer": partner.where(exports, top["iso3"]), "value_usd": top["value_usd"],
        "_own": exports})[~lost]
    dyadic = dyadic[dyadic["exporter"] != dyadic["importer"]]
    # the exporter's own report first; an importer's top-5 row fills in the rest
    dyadic = dyadic.sort_values("_own", ascending=False, kind="stable").drop(columns="_own")
    dyadic = dyadic.drop_duplicates(["year", "exporter", "importer"]).reset_index(drop=True)
    return ParseResult({"trade_national": national, "trade_country_products": country_products,
                        "trade_dyadic": dyadic}, skipped=skipped, notes=notes)


DATASETS = (
    Dataset(
        source="wits", release="trade-summary-2019",
        title="WITS Trade Summary, all reporting economies, 1988-2019",
        publisher="World Bank, World Integrated Trade Solution (WITS), from UN Comtrade; bulk "
        "files as mirrored by listenzcc/World-trade-data-I",
        citation="World Bank, World Integrated Trade Solution (WITS) - Trade Summary, bulk "
        "download wits_en_trade_summary_allcountries_allyears, wits.worldbank.org.",
        licence="World Bank / WITS terms of use; the UN Comtrade data are subject to the UN "
        "Comtrade dissemination terms",
        homepage="https://wits.worldbank.org/CountryProfile/en/Country/WLD/Year/LTST/Summary",
        files=Registry("wits"), parse=_parse,
        tables=("trade_national", "trade_country_products", "trade_dyadic"),
        caveats=(
            ("reporter-declared totals (exports FOB, imports CIF), current US$ (WITS's "
            "millions converted); the latest year differs by reporter, some economies "
            "(Uzbekistan, Turkmenistan, Tajikistan) have no file"),
            ("bilateral values exist only for each reporter's five largest export and import "
            "partners in a year: a pair absent from them is unknown, not zero"),
            ("product values are to and from the world only (WITS groups and UNCTAD stages); "
            "imports by product exist only for the stages"),
            TAIWAN_CAVEAT,
        ),
    ),
)
