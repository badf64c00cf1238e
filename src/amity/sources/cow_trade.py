"""Correlates of War Trade v4.0: bilateral and national goods trade, 1870–2014.

``cow_trade/4.0``
    ``cow_trade_ddy.csv.gz`` is the peacesciencer redistribution of the dyadic file
    (directed: each dyad-year twice, flows rounded to whole millions of US dollars) and
    ``National_COW_4.0.csv.gz`` the original national file. COW's convention: ``flow1``
    = imports of ``ccode1`` from ``ccode2``, ``flow2`` = imports of ``ccode2`` from
    ``ccode1``. amity keeps the rows with ``ccode1 < ccode2`` (the original non-directed
    layout) and writes one ``trade_dyadic`` row per direction (exporter → importer, from
    the importer's report) in US dollars, and ``trade_national`` (exports, imports).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity.fetch import RemoteFile
from amity.sources._base import collapse_successors, read_csv

__all__ = ["DATASETS"]

_MILLION = 1_000_000.0


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    dpath, npath = paths["cow_trade_ddy.csv.gz"], paths["National_COW_4.0.csv.gz"]
    dyadic, skipped = read_csv(
        dpath, {"ccode1": "BIGINT", "ccode2": "BIGINT", "year": "BIGINT", "flow1": "DOUBLE",
                "flow2": "DOUBLE", "smoothflow1": "DOUBLE", "smoothflow2": "DOUBLE"},
        on_bad_lines=on_bad_lines, keep=["ccode1", "ccode2", "year", "flow1", "flow2"],
    )
    dyadic = dyadic[dyadic["ccode1"] < dyadic["ccode2"]]
    a = countries.iso3_from_cow(dyadic["ccode1"], dyadic["year"])
    b = countries.iso3_from_cow(dyadic["ccode2"], dyadic["year"])
    # flow1: imports of ccode1 from ccode2, i.e. exports of ccode2 to ccode1
    directed = pd.concat([
        pd.DataFrame({"year": dyadic["year"], "exporter": b, "importer": a,
                      "value_usd": dyadic["flow1"] * _MILLION}),
        pd.DataFrame({"year": dyadic["year"], "exporter": a, "importer": b,
                      "value_usd": dyadic["flow2"] * _MILLION}),
    ], ignore_index=True)
    directed = directed.dropna(subset=["exporter", "importer"])
    directed = directed[directed["exporter"] != directed["importer"]]
    directed = collapse_successors(directed, ["year", "exporter", "importer"])

    national, skipped_n = read_csv(
        npath, {"ccode": "BIGINT", "statename": "VARCHAR", "stateabb": "VARCHAR",
                "year": "BIGINT", "imports": "DOUBLE", "exports": "DOUBLE",
                "alt_imports": "DOUBLE", "alt_exports": "DOUBLE", "source1": "VARCHAR",
                "source2": "VARCHAR", "version": "VARCHAR"},
        on_bad_lines=on_bad_lines, keep=["ccode", "year", "imports", "exports"],
    )
    # COW codes missing values as -9 in the national file
    for col in ("imports", "exports"):
        national.loc[national[col] < 0, col] = float("nan")
    iso3 = countries.iso3_from_cow(national["ccode"], national["year"])
    national = pd.DataFrame({
        "year": national["year"], "iso3": iso3,
        "exports_usd": national["exports"] * _MILLION,
        "imports_usd": national["imports"] * _MILLION,
    }).dropna(subset=["iso3"])
    national = collapse_successors(national, ["year", "iso3"])
    return ParseResult({"trade_dyadic": directed, "trade_national": national},
                       skipped=skipped + skipped_n)


DATASETS = (
    Dataset(
        source="cow_trade", release="4.0",
        title="Correlates of War Trade v4.0 (dyadic and national)",
        publisher="Correlates of War Project (dyadic file as redistributed by peacesciencer)",
        homepage="https://correlatesofwar.org/data-sets/bilateral-trade",
        citation="Barbieri, Katherine and Omar M. G. Omar Keshk. 2016. Correlates of War Project "
        "Trade Data Set Codebook, Version 4.0. Online: http://correlatesofwar.org. Barbieri, "
        "Katherine, Omar M. G. Keshk and Brian Pollins. 2009. \"Trading Data: Evaluating our "
        "Assumptions and Coding Rules.\" Conflict Management and Peace Science 26(5): 471-491.",
        licence="free to use with citation (COW terms)",
        files=(
            RemoteFile("cow_trade/cow_trade_ddy.csv.gz",
                       "37c45c7700b3198dff3963b57ee2d14df427c8b32826a4ee5078cac7667e7b47"),
            RemoteFile(
                "cow_trade/National_COW_4.0.csv.gz",
                "d63320f6d0af9b133d5ff94aa921eef72bd9742a8af36224b501d303ad9b0c6a"),
        ),
        parse=_parse, tables=("trade_dyadic", "trade_national"),
        caveats=("ends in 2014",
                 "dyadic flows are rounded to whole millions of US dollars (peacesciencer copy)",
                 "current US dollars, importer-reported"),
    ),
)
