"""UN Comtrade: exports by partner and HS chapter (HS 2-digit), 30 large reporters, 2019–2020.

Each original file is one response of UN Comtrade's legacy API
(``comtrade.un.org/api/get?px=HS&rg=2&cc=AG2&ps=<year>&p=<partners>``) saved by a
University of Chicago course project with a pandas index as an unnamed first column.
Two releases hold the same rows:

``comtrade/top30-2019-2020`` (default)
    ``comtrade_hs2_exports_top30_2019_2020_combined.csv.gz``: the 240 responses
    concatenated, with a leading ``source_file`` column (the pandas index is ``Unnamed: 0``).
``comtrade/top30-2019-2020-files``
    ``comtrade_hs2_exports_top30_2019_2020_original_files.tar.gz``: the 240 responses
    themselves (``<year>/<Reporter>_to_<partners>_<year>.csv``). amity reads them into
    the combined layout, so both releases give identical tables; errors name the member.

What amity takes (the traps of the format):

* ``rgCode`` 2 (exports, FOB, as the reporter declares them); any other flow code is a
  format error for this release. ``TradeValue`` is in **US dollars**.
* ``cmdCode`` is the HS chapter as a 2-character string (``"07"``): read as text, so the
  leading zero stays. ``pfCode`` is H5 (HS 2017) or H4 (HS 2012); chapters are the same.
* Reporters and partners by ``rt3ISO``/``pt3ISO``. Code 490 "Other Asia, nes" has no ISO
  code in the files: it is Taiwan (:data:`~amity.sources._trade.TAIWAN_CAVEAT`).
  Partner 0 "World" is no country: its rows are the reporter's exports of each chapter
  to the world (``trade_country_products``, and their sum ``trade_national`` exports).
  Other areas (``Areas, nes``, ``Bunkers``, ``Other Europe, nes`` ...) are dropped with a
  note, as are a reporter's "exports" to itself (re-imports recorded as exports).
* ``trade_products``: one row per exporter, importer, chapter (``hs_chapter``).
  ``trade_dyadic``: a ``TOTAL`` row where the file has one; these files have none, so
  the total is the sum of the 97 chapters (complete: chapter rows absent from a response
  had no trade; Russia's chapters to the world sum to exactly its reported total).
* Coverage: 12 reporters (Russia among them) list all partners; 18 list only the 30
  "top30" partner economies. Pakistan is not a reporter, and there are no imports.
"""

from __future__ import annotations

import csv
import io
import re
import tarfile
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseFn, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import read_csv
from amity.sources._trade import TAIWAN_CAVEAT, dropped_note

__all__ = ["DATASETS"]

_COMBINED = "comtrade_hs2_exports_top30_2019_2020_combined.csv.gz"
_TARBALL = "comtrade_hs2_exports_top30_2019_2020_original_files.tar.gz"
_TYPES = {"yr": "BIGINT", "aggrLevel": "BIGINT", "rgCode": "BIGINT", "rtCode": "BIGINT",
          "ptCode": "BIGINT", "TradeValue": "DOUBLE"}
_API_COLUMNS = [
    "pfCode", "yr", "period", "periodDesc", "aggrLevel", "IsLeaf", "rgCode", "rgDesc", "rtCode",
    "rtTitle", "rt3ISO", "ptCode", "ptTitle", "pt3ISO", "ptCode2", "ptTitle2", "pt3ISO2",
    "cstCode", "cstDesc", "motCode", "motDesc", "cmdCode", "cmdDescE", "qtCode", "qtDesc",
    "qtAltCode", "qtAltDesc", "TradeQuantity", "AltQuantity", "NetWeight", "GrossWeight",
    "TradeValue", "CIFValue", "FOBValue", "estCode"]
_COLUMNS = {"source_file": "VARCHAR", "Unnamed: 0": "BIGINT",
            **{c: _TYPES.get(c, "VARCHAR") for c in _API_COLUMNS}}
_KEEP = ["source_file", "yr", "rgCode", "rtCode", "rt3ISO", "ptCode", "ptTitle", "pt3ISO",
         "cmdCode", "TradeValue"]
_WORLD, _OTHER_ASIA, _EXPORT = 0, 490, 2
_CHAPTER = re.compile(r"^\d{2}$")


def _iso3(codes: pd.Series, iso: pd.Series) -> pd.Series:
    out = countries.iso3_from(iso.where(iso.fillna("") != ""), "iso3")
    out[codes == _OTHER_ASIA] = "TWN"
    return out


def _validate(raw: pd.DataFrame, path: Path, skipped: int) -> None:
    checks = (
        (raw["rgCode"] != _EXPORT, "rgCode", ("flow code is not 2 (export); this release "
         "holds exports only")),
        (~raw["cmdCode"].fillna("").str.match(_CHAPTER) & (raw["cmdCode"] != "TOTAL"),
         "cmdCode", "commodity code is neither an HS chapter (2 digits) nor TOTAL"),
        (raw["TradeValue"].isna() | (raw["TradeValue"] < 0), "TradeValue",
         "trade value is missing or negative"),
    )
    for bad, column, reason in checks:
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise SourceFormatError(path, f"{reason} (source_file {raw['source_file'].iloc[row]})",
                                    line=row + 2 if not skipped else None, column=column)


def _tables(raw: pd.DataFrame, where: str) -> ParseResult:
    exporter = _iso3(raw["rtCode"], raw["rt3ISO"])
    importer = _iso3(raw["ptCode"], raw["pt3ISO"])
    world = raw["ptCode"] == _WORLD
    notes = dropped_note(where, "reporters that are not countries",
                         raw.loc[exporter.isna(), "rtCode"], int(exporter.isna().sum()))
    area = importer.isna() & ~world & exporter.notna()
    notes += dropped_note(where, "partners that are areas, not countries",
                          raw.loc[area, "ptTitle"], int(area.sum()))
    self_trade = (exporter == importer).fillna(False).astype(bool)
    if self_trade.any():
        notes.append(f"{where}: {int(self_trade.sum())} rows of exports to the reporter itself "
                     "were dropped")
    flows = pd.DataFrame({"year": raw["yr"], "exporter": exporter, "importer": importer,
                          "product": raw["cmdCode"], "value_usd": raw["TradeValue"].round(0)})
    pairs = flows[exporter.notna() & importer.notna() & ~self_trade]
    chapters = pairs[pairs["product"] != "TOTAL"]
    products = chapters.assign(classification="hs_chapter")
    summed = chapters.groupby(["year", "exporter", "importer"], as_index=False)["value_usd"].sum()
    totals = pairs.loc[pairs["product"] == "TOTAL", ["year", "exporter", "importer", "value_usd"]]
    dyadic = pd.concat([totals, summed], ignore_index=True).drop_duplicates(
        ["year", "exporter", "importer"])  # a TOTAL row, where there is one, wins

    to_world = flows[world & exporter.notna()].rename(columns={"exporter": "iso3"})
    world_chapters = to_world[to_world["product"] != "TOTAL"]
    country_products = world_chapters.drop(columns="importer").assign(
        flow="export", classification="hs_chapter")
    national = pd.concat([
        to_world.loc[to_world["product"] == "TOTAL", ["year", "iso3", "value_usd"]],
        world_chapters.groupby(["year", "iso3"], as_index=False)["value_usd"].sum(),
    ], ignore_index=True).drop_duplicates(["year", "iso3"])
    national = national.rename(columns={"value_usd": "exports_usd"}).assign(imports_usd=np.nan)
    return ParseResult({
        "trade_products": products.reset_index(drop=True),
        "trade_country_products": country_products.reset_index(drop=True),
        "trade_dyadic": dyadic, "trade_national": national,
    }, notes=notes, scope={"product_flows": {
        "basis": "exports as the exporter reports them (FOB); the importer's reported "
        "imports (mirror flow) are not in this release"}})


def _parse_combined(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_COMBINED]
    raw, skipped = read_csv(path, _COLUMNS, on_bad_lines=on_bad_lines, keep=_KEEP)
    _validate(raw, path, skipped)
    result = _tables(raw, path.name)
    result.skipped = skipped
    return result


def _member_lines(tar: tarfile.TarFile, member: tarfile.TarInfo, where: str) -> list[str]:
    handle = tar.extractfile(member)
    assert handle is not None  # a regular file
    try:
        text = handle.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(where, f"not UTF-8 text ({exc})") from exc
    lines = text.splitlines()
    expected = "," + ",".join(_API_COLUMNS)
    if not lines or lines[0] != expected:
        raise SourceFormatError(where, "unexpected header; expected the legacy Comtrade API "
                                f"columns {expected!r}", line=1,
                                fix="use the original API responses of this release")
    return lines[1:]


def _parse_tarball(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_TARBALL]
    spans: list[tuple[int, int, str]] = []  # (first line, last line, member) in the temp file
    with tempfile.TemporaryDirectory() as tmp:
        combined = Path(tmp) / "combined.csv"
        try:
            with tarfile.open(path, "r:gz") as tar, open(combined, "w", encoding="utf-8",
                                                           newline="") as out:
                out.write(",".join(_COLUMNS) + "\n")
                line = 2
                for member in tar:  # archive order: a gzip stream reads forward only
                    if not member.isfile():
                        continue
                    where = f"{path}/{member.name}"
                    rows = _member_lines(tar, member, where)
                    quoted = io.StringIO()
                    csv.writer(quoted, lineterminator="").writerow([member.name])
                    prefix = quoted.getvalue() + ","
                    out.writelines(prefix + row + "\n" for row in rows)
                    spans.append((line, line + len(rows) - 1, member.name))
                    line += len(rows)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise SourceFormatError(path, f"cannot read the archive ({exc}); it may be "
                                    "truncated") from exc
        try:
            raw, skipped = read_csv(combined, _COLUMNS, on_bad_lines=on_bad_lines, keep=_KEEP)
            _validate(raw, combined, skipped)
        except SourceFormatError as exc:
            raise _in_member(exc, path, spans) from exc
    result = _tables(raw, path.name)
    result.skipped = skipped
    return result


def _in_member(exc: SourceFormatError, path: Path,
               spans: list[tuple[int, int, str]]) -> SourceFormatError:
    """The same error, pointing at the archive member and its own line number."""
    for first, last, member in spans:
        if exc.line is not None and first <= exc.line <= last:
            return SourceFormatError(f"{path}/{member}", exc.reason, line=exc.line - first + 2,
                                     column=exc.column, fix=exc.fix)
    return SourceFormatError(path, exc.reason, column=exc.column, fix=exc.fix)


def _dataset(release: str, title: str, file: RemoteFile, parse: ParseFn,
             default: bool) -> Dataset:
    return Dataset(
        source="comtrade", release=release, title=title, files=(file,), parse=parse,
        default=default,
        publisher="United Nations Statistics Division, UN Comtrade (legacy API, retrieved "
        "February-March 2022 by uchicago-CAPP30122-win-2022/proj-cappmait)",
        citation="United Nations, UN Comtrade Database, annual HS (as reported) 2-digit "
        "exports, 2019-2020, comtrade.un.org.",
        licence="UN Comtrade terms of use and dissemination policy (attribute \"UN Comtrade\"; "
        "redistribution of bulk extracts restricted)",
        homepage="https://comtradeplus.un.org",
        tables=("trade_products", "trade_country_products", "trade_dyadic", "trade_national"),
        caveats=(
            ("exports only, as reported by 30 large reporters (FOB, current US$); 18 of them "
             "only to the 30 'top30' partner economies; Pakistan is not a reporter"),
            ("bilateral totals are sums of the 97 HS chapters; national totals (exports only) "
             "exist for the 12 reporters whose files list all partners"),
            TAIWAN_CAVEAT,
        ),
    )


DATASETS = (
    _dataset("top30-2019-2020",
             "UN Comtrade HS chapter exports by partner, 30 reporters, 2019-2020 (combined)",
             RemoteFile(f"comtrade/{_COMBINED}",
                        "654d683a9721d4f6f62b5aed2ce07f34f7d5ba85a08c51d67c822f6669e3da76"),
             _parse_combined, default=True),
    _dataset("top30-2019-2020-files",
             "UN Comtrade HS chapter exports by partner, 30 reporters, 2019-2020 (the 240 "
             "original API responses)",
             RemoteFile(f"comtrade/{_TARBALL}",
                        "d9aef24933037e7095cb0a06b9fa8e501dc159f33f297ed4d3fcc174ac6bf824"),
             _parse_tarball, default=False),
)
