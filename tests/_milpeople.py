"""Helpers for the military / people source tests: fixture files under publisher names.

The fixtures in ``tests/data/milpeople`` are hand-typed. The UN workbooks are typed as CSV
grids (one CSV row per worksheet row, one field per column, from A) and written to
.xlsx here with openpyxl, with the sheet names of the UN originals.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from amity.sources._base import Dataset, ParseResult
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
