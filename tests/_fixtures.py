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
    else:
        raise KeyError(dataset_key)
    return {p.name: p for p in paths}


def parse(dataset: Dataset, tmp: Path) -> ParseResult:
    """Parse a dataset's fixtures (``on_bad_lines="error"``)."""
    sub = tmp / dataset.key.replace("/", "_")
    sub.mkdir(exist_ok=True)
    return dataset.parse(files(dataset.key, sub), "error")


def ingest(store: Store, dataset: Dataset, tmp: Path) -> ParseResult:
    """Parse a dataset's fixtures and ingest them into ``store``."""
    result = parse(dataset, tmp)
    store.ingest(dataset, result, hashes={})
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
