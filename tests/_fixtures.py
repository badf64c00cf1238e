"""Helpers that turn the hand-typed fixtures in tests/data into publisher-named files.

Military and people sources (``tests/data/milpeople``): the UN workbooks are typed as CSV
grids (one CSV row per worksheet row, one field per column, from A) and written to .xlsx
here with openpyxl, with the sheet names of the UN originals. Event files
(``tests/data/events``): zipped or gzipped the way GDELT publishes them, with the rows
each holds typed out by hand.
"""

from __future__ import annotations

import csv
import gzip
import shutil
import zipfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa

from amity._contract import Dataset, ParseResult
from amity.sources import gdelt
from amity.store import Store
from tests.conftest import DATA, gz

MP = DATA / "milpeople"
SIPRI_TABLES = ("TIV-Export-RUS-2018-2021.csv", "TIV-Export-CHI-2018-2021.csv",
                "TIV-Export-PAK-2018-2021.csv")
OPENFLIGHTS = ("routes.dat", "airports.dat", "airports-extended.dat", "countries.dat")


def _cell(text: str) -> object:
    if text == "":
        return None
    return int(text) if text.isdigit() else text


def grid_to_xlsx(grid: Path, dest: Path, sheet: str, others: tuple[str, ...] = ()) -> Path:
    """Write a CSV grid as worksheet ``sheet`` of a new workbook (plus empty ``others``)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = others[0] if others else sheet
    for name in (*others[1:], sheet) if others else ():
        book.create_sheet(name)
    ws = book[sheet]
    with open(grid, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            ws.append([_cell(c) for c in row])
    book.save(dest)
    return dest


def copy(name: str, dest_dir: Path) -> Path:
    """A fixture copied unchanged into ``dest_dir`` (so tests can corrupt the copy)."""
    return Path(shutil.copy(MP / name, dest_dir / name))


def files(dataset_key: str, tmp: Path) -> dict[str, Path]:
    """The fixture files of a dataset, under the publisher's names, in ``tmp``."""
    if dataset_key == "atop/5.1":
        paths = [gz(MP / "atop_alliance.csv", tmp)]
    elif dataset_key == "cow_states/2016":
        paths = [copy("states2016.csv", tmp)]
    elif dataset_key == "sipri/trademap-2022":
        paths = [copy(n, tmp) for n in SIPRI_TABLES]
    elif dataset_key == "sipri/processed":
        paths = [gz(MP / "sipri-exports-processed.csv", tmp)]
    elif dataset_key == "openflights/2014-06":
        paths = [copy(n, tmp) for n in OPENFLIGHTS]
    elif dataset_key == "migration/2015":
        paths = [grid_to_xlsx(MP / "un_migrant_stock_2015_table16.csv",
                              tmp / "UN_MigrantStockByOriginAndDestination_2015.xlsx",
                              "Table 16", ("CONTENTS", "ANNEX", "NOTES"))]
    elif dataset_key == "migration/2020-totals":
        paths = [grid_to_xlsx(MP / "un_migrant_stock_2020_table1.csv",
                              tmp / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx",
                              "Table 1", ("Table of contents", "Table 2", "Notes"))]
    elif dataset_key == "migration/2019-clean":
        paths = [gz(MP / "UN_MigrantStockByOriginAndDestination_2019_clean.csv", tmp)]
    elif dataset_key == "students/oecd-2013-2019":
        paths = [gz(MP / "OECD_Intl_Student_Enrollment_2013_2019.csv", tmp)]
    elif dataset_key == "wdi/datahub":
        paths = [copy("gdp.csv", tmp), copy("population.csv", tmp)]
    elif dataset_key == "amity_regions/1":
        return {}  # amity's own table, packaged with the code
    elif dataset_key in OTHER_FILES:
        return OTHER_FILES[dataset_key](tmp)
    else:
        raise KeyError(dataset_key)
    return {p.name: p for p in paths}


def ots_paths(tmp: Path, replace: dict[str, str] | None = None) -> dict[str, Path]:
    """The OTS fixtures gzipped under their mirror names; ``replace`` swaps a file's text."""
    edited = tmp / "edited"
    edited.mkdir(exist_ok=True)
    paths = {}
    for src in (DATA / "trade" / "ots").rglob("*.csv"):
        if replace and src.name in replace:
            (edited / src.name).write_text(replace[src.name])
            src = edited / src.name
        paths[src.name + ".gz"] = gz(src, tmp)
    return paths


def wits_paths(extra: Sequence[Path] = ()) -> dict[str, Path]:
    """The WITS trade-summary fixtures (and ``extra`` files) under their own names."""
    files = [*sorted((DATA / "trade" / "wits").glob("*.CSV")), *extra]
    return {p.name: p for p in files}


def idealpoints_dta(tmp: Path) -> dict[str, Path]:
    """A tiny ideal-point file in the publisher's Stata format (values typed here):
    PAK 0.5 / RUS -1.0 / USA 2.0 in 2000; PAK 0.25 / RUS -0.5 in 2001 (no USA value)."""
    frame = pd.DataFrame({
        "ccode": [770.0, 365.0, 2.0, 770.0, 365.0, 2.0],
        "year": [2000.0, 2000.0, 2000.0, 2001.0, 2001.0, 2001.0],
        "idealpointfp": [0.5, -1.0, 2.0, 0.25, -0.5, None],
        "idealpointall": [0.5, -1.0, 2.0, 0.25, -0.5, None],
        "idealpointlegacy": [0.5, -1.0, 2.0, 0.25, -0.5, None],
        "nvotesfp": [60.0, 58.0, 61.0, 62.0, 60.0, None],
        "nvotesall": [70.0, 68.0, 71.0, 72.0, 70.0, None]})
    path = tmp / "IdealpointsJuly2025.dta"
    frame.to_stata(path, write_index=False, version=118)
    return {path.name: path}


OTHER_FILES: dict[str, Callable[[Path], dict[str, Path]]] = {
    "unvotes/unvotes-0.3.0": lambda tmp: {
        p.name: p for p in (gz(DATA / "unvotes" / n, tmp) for n in (
            "un_votes.csv", "un_roll_calls.csv", "un_roll_call_issues.csv"))},
    "unvotes/voeten-2017": lambda tmp: {
        "UNVotesPublished.csv.gz": gz(DATA / "unvotes" / "UNVotesPublished.csv", tmp)},
    "un_idealpoints/2025-07": idealpoints_dta,
    "cow_trade/4.0": lambda tmp: {
        p.name: p for p in (gz(DATA / "cow" / n, tmp) for n in (
            "cow_trade_ddy.csv", "National_COW_4.0.csv"))},
    "cow_igo/3.0": lambda tmp: {
        "state_year_format3.csv.gz": gz(DATA / "cow" / "state_year_format3.csv", tmp)},
    "dots/txg-fob-2019-2020": lambda tmp: {
        "imf_import_export.csv": DATA / "trade" / "dots" / "imf_import_export.csv"},
    "comtrade/top30-2019-2020": lambda tmp: {
        "comtrade_hs2_exports_top30_2019_2020_combined.csv.gz": gz(
            DATA / "trade" / "comtrade" / "comtrade_hs2_exports_top30_2019_2020_combined.csv",
            tmp)},
    "ots/api-v1-2020": ots_paths,
    "wits/trade-summary-2019": lambda tmp: wits_paths(),
    **{f"{source}/{release}": (lambda tmp, names=names: {
        f"{n}.gz": gz(DATA / "conflict" / n, tmp) for n in names})
       for source, release, names in (
           ("gml_mid", "2.2.1", ("gml_dirdisp.csv",)),
           ("cow_mid", "5.0", ("cow_mid_dirdisps.csv", "cow_mid_disps.csv")),
           ("ucdp", "acd-25.1", ("ucdp_acd.csv",)),
           ("cow_war", "4.0", ("cow_war_inter.csv",)),
           ("rivalries", "tss-2021", ("tss_rivalries.csv",)))},
    "comtrade_totals/plus-2023": lambda tmp: {
        **{p.name + ".gz": gz(p, tmp)
           for p in sorted((DATA / "comtrade_totals").glob("comtrade_all_exports_*.csv"))},
        **{n: DATA / "comtrade_totals" / n
           for n in ("comtrade_reporters.csv", "comtrade_partners.csv")}},
    "icews/2018-sample": lambda tmp: {
        "events.2018.sample.tab.gz": gz(DATA / "events" / "events.2018.fixture.tab", tmp,
                                        "events.2018.sample.tab.gz")},
}


def parse(dataset: Dataset, tmp: Path) -> ParseResult:
    """Parse a dataset's fixtures (``on_bad_lines="error"``)."""
    return dataset.parse(_files_in(dataset, tmp), "error")


def _files_in(dataset: Dataset, tmp: Path) -> dict[str, Path]:
    sub = tmp / dataset.key.replace("/", "_")
    sub.mkdir(exist_ok=True)
    return files(dataset.key, sub)


def ingest(store: Store, dataset: Dataset, tmp: Path) -> ParseResult:
    """Parse a dataset's fixtures and ingest them into ``store`` (each file recorded under
    its name, with the period it covers where the dataset tells one)."""
    paths = _files_in(dataset, tmp)
    result = dataset.parse(paths, "error")
    store.ingest(dataset, result, hashes={name: "fixture" for name in paths})
    return result


# -- event files ---------------------------------------------------------------------------
EVENTS = DATA / "events"
V2A, V2B = "20190102030000.export.CSV", "20190102031500.export.CSV"
NA = None

# event_id, date, year, actor1, actor2, code, root, quad, goldstein, mentions, sources,
# articles, tone, action geo, url: typed from the fixture rows
V2A_ROWS = [
    (1000000001, date(2019, 1, 2), 2019, "PAK", "RUS", "036", "03", 1, 4.0, 10, 2, 9, -1.5,
     "RUS", "http://example.org/pak-rus-talks"),
    (1000000002, date(2018, 12, 30), 2018, "RUS", "PAK", "0231", "02", 1, 3.4, 4, 1, 4, 2.25,
     "PAK", "http://example.org/aid-appeal"),
    (1000000003, date(2019, 1, 2), 2019, NA, "PAK", "190", "19", 4, -10.0, 6, 3, 6, -8.75,
     NA, "http://example.org/europe-pakistan"),
]
V1_DAILY_ROWS = [
    (253461011, date(2013, 4, 1), 2013, "PAK", "RUS", "042", "04", 1, 1.9, 5, 1, 5, 3.5,
     "CHN", "http://example.org/visit"),
    (253461012, date(2012, 8, 15), 2012, "USA", NA, "1123", "11", 3, -2.0, 1, 1, 1, -3.0,
     NA, "BBC Monitoring"),
]
V1_HIST_ROWS = [
    (97, date(1979, 1, 1), 1979, "IND", "PAK", "051", "05", 1, 3.4, 2, 2, 2, 1.0, "IND", NA),
    (98, date(1979, 1, 5), 1979, "PAK", NA, "010", "01", 1, 0.0, 1, 1, 1, 0.0, NA, NA),
]


def zipped(name: str, dest: Path, member: str | None = None) -> Path:
    """A fixture zipped the way GDELT publishes it: <name>.zip holding <name>."""
    path = dest / (Path(member or name).stem + ".zip" if name.endswith(".csv") else name + ".zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(EVENTS / name, member or name)
    return path


def gzipped(name: str, dest: Path) -> Path:
    path = dest / (name + ".gz")
    with open(EVENTS / name, "rb") as fin, gzip.open(path, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    return path


def event_rows(table: pa.Table) -> list[tuple]:
    cols = [c for c in gdelt.EVENT_COLUMNS if c != "file"]
    return list(zip(*(table.column(c).to_pylist() for c in cols), strict=True))


def events_in(store: Store) -> pd.DataFrame:
    """Every stored event, by id."""
    return store.execute("SELECT * FROM events ORDER BY event_id")
