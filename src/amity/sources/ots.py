"""Open Trade Statistics (tradestatistics.io): UN Comtrade rebuilt as "corrected flows".

``ots/api-v1-2020``
    The OTS API v1 extract (March–April 2020) saved by the repository
    ``jbkunst/trd-sttstcs``, each R file converted once to a gzipped CSV, values unchanged.
    Everything is in **US dollars** (not thousands), current prices; countries are
    lower-case ISO3 with OTS's legacy codes (``rom`` Romania, ``scg`` Serbia and
    Montenegro → YUG, ``sun`` USSR → RUS, ``pcz`` Panama Canal Zone, ``vdr`` North
    Vietnam), mapped by :mod:`amity.countries`; ``pci`` (Pacific Islands trust territory)
    is no country today and is dropped with a note.

    ====================================  ==============================================
    file                                  amity table
    ====================================  ==============================================
    ``country/<iso>.csv.gz`` (29          ``trade_products``, classification
    reporters, all partners, 22 OTS       ``ots_community``, product = the community name
    communities, 1962–2018)               as OTS writes it (``Textiles`` = HS 50–63)
    ``derived/ots_bilateral_textiles_``   ``trade_products`` ``ots_community`` /
    ``hs50_63_1995_2018.csv.gz``          ``Textiles`` for *all* pairs, 1995–2018
    ``derived/ots_bilateral_total_``      ``trade_dyadic`` for all pairs, 1962–2018
    ``1962_2018.csv.gz``
    ``yr.csv.gz``                         ``trade_national`` (241 reporters)
    ``yrc2018.csv.gz`` + ``meta/``        ``trade_country_products`` 2018: HS07 4-digit
                                          (``hs07_4``) and communities (``ots_community``)
    ====================================  ==============================================

Traps:

* **Levels are inflated.** OTS takes max(exporter's report, importer's report / 1.08) for
  each flow, so totals run 20–50 % above the reporters' own figures (Pakistan's 2018
  exports: 35.5bn in OTS, 23.6bn in WITS). Use OTS for structure (shares, ranks, mix,
  trends); :data:`CAVEATS` travel with every value.
* Each flow appears twice in the country files (A's exports to B in A's file, B's imports
  from A in B's file). The two reports are equal wherever both are present (checked on
  the mirror), but some cells are missing on one side only, so amity takes whichever is
  present. Zero cells are the empty direction of a recorded flow and are not stored in
  ``trade_products``; a product–pair absent from it had no recorded trade.
* Partner ``all`` (1962–1991, empty community) holds world rows of zero value: dropped.
* ``yrc2018`` has no product codes: they come from joining the OTS package's tables
  ``ots_communities`` and ``ots_product_shortnames`` on (community, short name), which
  is unique. Products are HS 2007 4-digit headings (``9999`` unspecified).
* The derived files were made by the mirror's maintainers from all 241 upstream reporter
  files (values summed or filtered, not altered, only values > 0 kept). The total file
  sums each reporter's *export* cells, so a flow whose exporter cell is missing (158 of
  14 million cells upstream) is missing there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import Registry
from amity.sources._base import read_csv
from amity.sources._trade import dropped_note, prefer_own_code

__all__ = ["CAVEATS", "DATASETS"]

CAVEATS = (
    ("OTS dollar levels are inflated 20-50% against reporters' own totals (each flow is the "
    "larger of the exporter's report and the importer's report / 1.08): use OTS for shares, "
    "ranks, product mix and trends, not for absolute levels"),
    "current US$; OTS API v1 extract of March-April 2020, data to 2018",
    ("product-level bilateral data cover 29 reporters' files (all their partners) plus the "
    "Textiles community (HS 50-63) for all pairs from 1995"),
)

_COUNTRY_FILE = re.compile(r"^([a-z]{3})\.csv\.gz$")
_YRC_FILE = re.compile(r"^yrc(\d{4})\.csv\.gz$")
_TOTAL = "ots_bilateral_total_1962_2018.csv.gz"
_TEXTILES = "ots_bilateral_textiles_hs50_63_1995_2018.csv.gz"
_FLOWS = {"year": "BIGINT", "community_name": "VARCHAR", "reporter_iso": "VARCHAR",
          "partner_iso": "VARCHAR", "export_value_usd": "DOUBLE", "import_value_usd": "DOUBLE"}
_PAIRS = {"year": "BIGINT", "exporter_iso": "VARCHAR", "importer_iso": "VARCHAR",
          "export_value_usd": "DOUBLE"}
_YR = {"year": "DOUBLE", "reporter_iso": "VARCHAR", "export_value_usd": "DOUBLE",
       "import_value_usd": "DOUBLE", "complexity_index_country": "DOUBLE",
       "export_value_usd_diversity": "DOUBLE", "import_value_usd_diversity": "DOUBLE"}
_YRC = {"community_name": "VARCHAR", "community_color": "VARCHAR",
        "product_shortname_english": "VARCHAR", "reporter_iso": "VARCHAR",
        "reporter_fullname_english": "VARCHAR", "export_value_usd": "DOUBLE",
        "import_value_usd": "DOUBLE"}
_TEXTILES_COMMUNITY = "Textiles"


def _fail(path: Path, mask: pd.Series, reason: str, skipped: int,
          column: str | None = None) -> None:
    """Raise for the first row where ``mask`` is true (line known when nothing was skipped)."""
    if mask.any():
        row = int(np.flatnonzero(mask.to_numpy())[0])
        raise SourceFormatError(path, reason, line=row + 2 if not skipped else None,
                                column=column)


def _code_map(distinct: set[str]) -> pd.DataFrame:
    """OTS code → ISO3, with ``own`` true where the code is the ISO3 code itself."""
    codes = pd.Series(sorted(distinct), dtype="object")
    iso3 = countries.iso3_from(codes, "iso3")
    frame = pd.DataFrame({"code": codes, "iso3": iso3.astype("object"),
                          "own": codes.str.upper() == iso3.fillna("")})
    return frame[frame["iso3"].notna()]


def _distinct(column: pd.Series) -> set[str]:
    values = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else \
        pd.unique(column.dropna())
    return {str(v) for v in values}


def _read_flows(paths: Mapping[str, Path], on_bad_lines: OnBadLines,
                communities: set[str]) -> tuple[pd.DataFrame, int]:
    frames, skipped = [], 0
    for name, path in sorted(paths.items()):
        match = _COUNTRY_FILE.match(name)
        if not match:
            continue
        frame, skip = read_csv(path, _FLOWS, on_bad_lines=on_bad_lines)
        skipped += skip
        _fail(path, frame["reporter_iso"] != match.group(1),
              f"reporter_iso is not {match.group(1)!r}, the file's reporter", skip, "reporter_iso")
        world = frame["partner_iso"] == "all"
        _fail(path, ~world & ~frame["community_name"].isin(communities),
              "community_name is not one of the OTS communities in communities.csv.gz", skip,
              "community_name")
        for col in ("export_value_usd", "import_value_usd"):
            _fail(path, frame[col] < 0, f"negative {col}", skip, col)
        frames.append(_categorical(frame[~world], ["community_name", "reporter_iso",
                                                    "partner_iso"]))
    if not frames:
        return pd.DataFrame(columns=list(_FLOWS)), skipped
    flows = pd.concat(frames, ignore_index=True)
    return _categorical(flows, ["community_name", "reporter_iso", "partner_iso"]), skipped


def _categorical(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Code columns as categories: millions of repeated strings scan fast in DuckDB."""
    return frame.assign(**{c: frame[c].astype("category") for c in columns})


def _products(con: duckdb.DuckDBPyConnection, flows: pd.DataFrame,
              textiles: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Directed community flows: both reports of each flow, plus all-pairs textiles."""
    con.register("flows", flows)
    con.register("textiles", textiles)
    con.register("codes", mapping)
    # One pass: the two reports of a flow are equal where both are present, so the
    # largest non-missing value is "whichever is present"; a code that is the ISO3 code
    # itself wins over a historical code of the same country (pan over pcz).
    sql = f"""
    WITH d AS (
        SELECT year, community_name AS product, reporter_iso AS e, partner_iso AS i,
               export_value_usd AS v FROM flows
        UNION ALL SELECT year, community_name, partner_iso, reporter_iso, import_value_usd
        FROM flows
        UNION ALL SELECT year, '{_TEXTILES_COMMUNITY}', exporter_iso, importer_iso,
               export_value_usd FROM textiles)
    SELECT year, ce.iso3 AS exporter, ci.iso3 AS importer, product,
           'ots_community' AS classification,
           round(max_by(v, (ce.own::INT * 2 + ci.own::INT) * 1e15 + v)) AS value_usd
    FROM d JOIN codes ce ON d.e = ce.code JOIN codes ci ON d.i = ci.code
    WHERE v > 0 AND ce.iso3 <> ci.iso3
    GROUP BY ALL
    """
    table = con.execute(sql).arrow().read_all()
    return table.to_pandas(strings_to_categorical=True)


def _pairs(frame: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    codes = mapping.set_index("code")
    out = pd.DataFrame({
        "year": frame["year"],
        "exporter": frame["exporter_iso"].map(codes["iso3"]),
        "importer": frame["importer_iso"].map(codes["iso3"]),
        "value_usd": frame["export_value_usd"].round(0),
        "_own": frame["exporter_iso"].map(codes["own"]).fillna(False).astype(bool)
        & frame["importer_iso"].map(codes["own"]).fillna(False).astype(bool),
    }).dropna(subset=["exporter", "importer", "value_usd"])
    out = out[out["exporter"] != out["importer"]]
    return prefer_own_code(out, ["year", "exporter", "importer"])


def _country_products(path: Path, meta_c: Path, meta_s: Path, on_bad_lines: OnBadLines,
                      mapping: pd.DataFrame) -> tuple[pd.DataFrame, int, list[str]]:
    year = int(_YRC_FILE.match(path.name).group(1))  # type: ignore[union-attr]
    yrc, skipped = read_csv(path, _YRC, on_bad_lines=on_bad_lines)
    comm, s1 = read_csv(meta_c, {"product_code": "VARCHAR", "community_code": "VARCHAR",
                                 "community_name": "VARCHAR", "community_color": "VARCHAR"},
                        on_bad_lines=on_bad_lines)
    short, s2 = read_csv(meta_s, {"product_code": "VARCHAR",
                                  "product_shortname_english": "VARCHAR"},
                         on_bad_lines=on_bad_lines)
    meta = comm.merge(short, on="product_code", validate="one_to_one")
    if meta.duplicated(["community_name", "product_shortname_english"]).any():
        raise SourceFormatError(meta_s, "(community, short name) does not identify one product",
                                fix="use the OTS package tables of the API-v1 era")
    yrc = yrc.merge(meta[["community_name", "product_shortname_english", "product_code"]],
                    on=["community_name", "product_shortname_english"], how="left",
                    validate="many_to_one")
    _fail(path, yrc["product_code"].isna(), "product short name not in the OTS product tables "
          f"({meta_s.name})", skipped, "product_shortname_english")
    codes = mapping.set_index("code")
    yrc["iso3"] = yrc["reporter_iso"].map(codes["iso3"])
    yrc["_own"] = yrc["reporter_iso"].map(codes["own"]).fillna(False).astype(bool)
    notes = dropped_note(path.name, "OTS codes that are not countries",
                         yrc.loc[yrc["iso3"].isna(), "reporter_iso"], int(yrc["iso3"].isna().sum()))
    yrc = yrc.dropna(subset=["iso3"])
    parts = []
    for flow, col in (("export", "export_value_usd"), ("import", "import_value_usd")):
        hs4 = pd.DataFrame({"year": year, "iso3": yrc["iso3"], "flow": flow,
                            "product": yrc["product_code"], "classification": "hs07_4",
                            "value_usd": yrc[col].round(0), "community": yrc["community_name"],
                            "_own": yrc["_own"]})
        hs4 = prefer_own_code(hs4.dropna(subset=["value_usd"]),
                              ["iso3", "flow", "classification", "product"])
        # each HS4 heading belongs to exactly one community, so these sums are exact
        by_comm = hs4.groupby(["year", "iso3", "flow", "community"], as_index=False)["value_usd"]
        by_comm = by_comm.sum().rename(columns={"community": "product"})
        by_comm["classification"] = "ots_community"
        parts += [hs4.drop(columns="community"), by_comm]
    return pd.concat(parts, ignore_index=True), skipped + s1 + s2, notes


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    comm, skipped = read_csv(paths["communities.csv.gz"],
                             {"community_name": "VARCHAR", "community_color": "VARCHAR"},
                             on_bad_lines=on_bad_lines)
    flows, s = _read_flows(paths, on_bad_lines, set(comm["community_name"]))
    skipped += s
    textiles, s = read_csv(paths[_TEXTILES], _PAIRS, on_bad_lines=on_bad_lines)
    textiles = _categorical(textiles, ["exporter_iso", "importer_iso"])
    total, s2 = read_csv(paths[_TOTAL], _PAIRS, on_bad_lines=on_bad_lines)
    total = _categorical(total, ["exporter_iso", "importer_iso"])
    yr, s3 = read_csv(paths["yr.csv.gz"], _YR, on_bad_lines=on_bad_lines,
                      keep=["year", "reporter_iso", "export_value_usd", "import_value_usd"])
    skipped += s + s2 + s3
    _fail(paths["yr.csv.gz"], yr["year"] % 1 != 0, "year is not a whole number", s3, "year")
    yr["year"] = yr["year"].astype("int64")
    yrc_name = next(n for n in paths if _YRC_FILE.match(n))

    sources = (("country/*.csv.gz", flows, ["reporter_iso", "partner_iso"]),
               (_TEXTILES, textiles, ["exporter_iso", "importer_iso"]),
               (_TOTAL, total, ["exporter_iso", "importer_iso"]),
               ("yr.csv.gz", yr, ["reporter_iso"]))
    distinct = {(name, c): _distinct(frame[c]) for name, frame, cols in sources for c in cols}
    mapping = _code_map(set().union(*distinct.values()))
    known = set(mapping["code"])
    notes: list[str] = []
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.execute("SET enable_progress_bar = false")
        products = _products(con, flows, textiles, mapping)
    finally:
        con.close()
    for name, frame, cols in sources:
        bad = set().union(*(distinct[name, c] - known for c in cols))
        lost = sum(int(frame[c].isin(bad).sum()) for c in cols) if bad else 0
        notes += dropped_note(name, "OTS codes that are not countries", bad, lost)

    codes = mapping.set_index("code")
    national = pd.DataFrame({
        "year": yr["year"], "iso3": yr["reporter_iso"].map(codes["iso3"]),
        "exports_usd": yr["export_value_usd"].round(0),
        "imports_usd": yr["import_value_usd"].round(0),
        "_own": yr["reporter_iso"].map(codes["own"]).fillna(False).astype(bool),
    }).dropna(subset=["iso3"])
    national = prefer_own_code(national, ["year", "iso3"])
    country_products, s4, yrc_notes = _country_products(
        paths[yrc_name], paths["ots_communities.csv.gz"], paths["ots_product_shortnames.csv.gz"],
        on_bad_lines, mapping)
    # the reporters whose files list all their partners (what a missing flow means)
    files = pd.Series([m.group(1) for n in paths if (m := _COUNTRY_FILE.match(n))],
                      dtype="object")
    reporters = sorted(str(c) for c in countries.iso3_from(files, "iso3").dropna())
    return ParseResult(
        {"trade_products": products, "trade_dyadic": _pairs(total, mapping),
         "trade_national": national, "trade_country_products": country_products},
        skipped=skipped + s4, notes=notes + yrc_notes,
        scope={"product_flows": {
            "reporters": reporters, "all_pairs": {"Textiles": [1995, 2018]},
            "basis": "OTS corrected flow, the larger of the exporter's report and the "
            "importer's report / 1.08: exporter- and importer-reported values coincide by "
            "construction, so there is no separate mirror flow to compare"}})


DATASETS = (
    Dataset(
        source="ots", release="api-v1-2020",
        title="Open Trade Statistics API v1 (2020 extract): trade by OTS community and HS4",
        publisher="Open Trade Statistics (M. Vargas Sepúlveda), from UN Comtrade; extract by "
        "jbkunst/trd-sttstcs; product tables from the R package ropensci/tradestatistics",
        citation="Vargas Sepúlveda, M. (2020), Open Trade Statistics, tradestatistics.io; data "
        "derived from UN Comtrade.",
        licence="CC BY-NC 4.0 (non-commercial use only), subject to the UN Comtrade "
        "dissemination clauses; OTS package tables Apache-2.0",
        homepage="https://tradestatistics.io",
        files=Registry("ots"), parse=_parse,
        tables=("trade_products", "trade_dyadic", "trade_national", "trade_country_products"),
        caveats=CAVEATS,
    ),
)
