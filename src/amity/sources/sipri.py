"""SIPRI Arms Transfers Database: trend-indicator values (TIV) of deliveries, 1950–2021.

Two releases of source ``sipri``, kept apart:

``sipri/trademap-2022`` (default)
    SIPRI's own "TIV table" exports, one file per supplier
    (``TIV-Export-<SUP>-1950-2021.csv``, 134 files, generated 28 July 2022). Layout of
    each file: a title line ``"TIV of arms exports from <supplier>, 1950-2021"``, nine
    more preamble lines (notes, "Source: ...", "Generated: ..."), the header
    ``,1950,1951,…,2021,Total``, one row per recipient (name, one cell per year, the
    row total), a blank line and a final ``Total`` row. An empty cell means no delivery;
    ``0`` means a delivery worth less than 0.5 million TIV. The ``Total`` column and row
    are dropped (they are sums, rounded). The file registry (path, sha256, url) is
    ``amity/data/registry/sipri.csv``.
``sipri/processed``
    360info's tidy version ``supplier,recipient,year,value,supplier_cown,...`` of the
    same tables. It is not complete: 901 deliveries of the raw tables are missing, 656
    of them West German (SIPRI "Germany") exports before 1991, which it could not place
    on a map. Kept as a second release so that the loss shows.

Names
-----
Suppliers (from the title line) and recipients are SIPRI's names ("Soviet Union",
"Russia", "UAE", "Cote d'Ivoire", "East Germany (GDR)"). SIPRI marks non-state actors
with ``*`` ("Hezbollah (Lebanon)*", "Unknown rebel group*") and international
organisations with ``**`` ("NATO**", "United Nations**"): their rows are dropped and
counted in the notes, never forced onto a state; so are names that are not states in
amity's crosswalk ("Katanga", "Biafra", "Northern Cyprus", "Libya GNC", "Unknown
recipient(s)"). "Soviet Union" and "Russia" are separate SIPRI suppliers; amity reports
both as RUS (continuing state) and their years do not overlap. Rows that fall on one key
after mapping (e.g. "North Yemen" and "Yemen Arab Republic") are summed: TIV is additive.

Units: ``tiv`` is in millions of TIV, exactly as SIPRI publishes it (a volume indicator,
not US dollars).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import Registry, RemoteFile
from amity.sources._base import read_csv, shown

__all__ = ["DATASETS", "read_tiv_table"]

_TITLE = re.compile(r"^TIV of arms exports from (?P<name>.+), (?P<y0>\d{4})-(?P<y1>\d{4})$")
_FILE = re.compile(r"^TIV-Export-[A-Z]+-\d{4}-\d{4}\.csv$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_PREAMBLE_MAX = 20
_FIX = "use SIPRI's TIV table export unchanged (re-download it from the registry URL)"


def read_tiv_table(path: Path, on_bad_lines: OnBadLines = "error",
                   ) -> tuple[str, pd.DataFrame, int]:
    """Read one SIPRI TIV export table into long rows.

    Parameters
    ----------
    path
        A ``TIV-Export-<SUP>-<first>-<last>.csv`` file as SIPRI writes it.
    on_bad_lines
        ``"error"`` raises on the first malformed recipient row; ``"skip"`` drops and
        counts such rows. A wrong title, header or a missing final ``Total`` row (a
        truncated file) always raises.

    Returns
    -------
    (str, DataFrame, int)
        The supplier's name, rows ``recipient, year, tiv`` (non-empty cells only) and
        the number of skipped rows.

    Raises
    ------
    SourceFormatError
        With the file, line and column of the problem.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "TIV-Export-PAK-2020-2021.csv"
    >>> lines = ['"TIV of arms exports from Pakistan, 2020-2021",,,', ",2020,2021,Total",
    ...          "Sri Lanka,3,,3", "NATO**,,0,0", ",,,", "Total,3,0,3"]
    >>> _ = path.write_text(chr(10).join(lines) + chr(10))
    >>> name, rows, skipped = read_tiv_table(path)
    >>> name, rows.values.tolist()
    ('Pakistan', [['Sri Lanka', 2020, 3.0], ['NATO**', 2021, 0.0]])
    """
    path = Path(path)
    records: list[tuple[str, int, float]] = []
    skipped = 0
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            title = next(reader, [""])
            match = _TITLE.match(title[0].strip() if title else "")
            if not match:
                raise SourceFormatError(path, f"first line {title[:1]!r} is not SIPRI's title "
                                        "'TIV of arms exports from <supplier>, <first>-<last>'",
                                        line=1, fix=_FIX)
            supplier = match["name"]
            first, last = int(match["y0"]), int(match["y1"])
            header: list[str] | None = None
            for row in reader:
                if len(row) > 1 and row[0] == "" and row[1].strip().isdigit():
                    header = row
                    break
                if reader.line_num > _PREAMBLE_MAX:
                    break
            if header is None:
                raise SourceFormatError(path, "no header row ',<first year>,…,Total' in the "
                                        f"first {_PREAMBLE_MAX} lines", line=reader.line_num,
                                        fix=_FIX)
            years = [int(y) if y.strip().isdigit() else None for y in header[1:-1]]
            if years != list(range(first, last + 1)) or header[-1].strip() != "Total":
                raise SourceFormatError(path, f"header should be ',{first},…,{last},Total' as "
                                        "the title says", line=reader.line_num, fix=_FIX)
            width = len(header)
            total_seen = False
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                line = reader.line_num
                if total_seen:
                    raise SourceFormatError(path, "text after the final Total row", line=line,
                                            fix=_FIX)
                if row[0].strip() == "Total":
                    total_seen = True
                    continue
                problem = _row_problem(row, width, header)
                if problem:
                    if on_bad_lines == "skip":
                        skipped += 1
                        continue
                    reason, column = problem
                    raise SourceFormatError(
                        path, reason, line=line, column=column,
                        fix="repair or re-download the file, or rerun with --on-bad-lines skip")
                name = row[0].strip()
                records += [(name, year, float(cell))
                            for year, cell in zip(years, row[1:-1], strict=True)
                            if cell.strip() and year is not None]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SourceFormatError(path, f"cannot read the file ({exc})", fix=_FIX) from exc
    if not total_seen:
        raise SourceFormatError(path, "no final 'Total' row: the file is truncated",
                                line=reader.line_num, fix=_FIX)
    frame = pd.DataFrame(records, columns=["recipient", "year", "tiv"])
    return supplier, frame, skipped


def _row_problem(row: list[str], width: int, header: list[str]) -> tuple[str, str | None] | None:
    if len(row) != width:
        return f"expected {width} fields (recipient, years, Total), saw {len(row)}", None
    if not row[0].strip():
        return "a row of values without a recipient name", None
    for cell, column in zip(row[1:], header[1:], strict=True):
        if cell.strip() and not _NUMBER.match(cell.strip()):
            return f"value {cell!r} is not a non-negative number", column
    return None


def _is_actor(name: str) -> bool:
    """SIPRI's marks: ``*`` non-state actor, ``**`` international organisation."""
    return name.rstrip().endswith("*")


def _to_states(long: pd.DataFrame, where: str) -> tuple[pd.DataFrame, list[str]]:
    """``supplier, recipient`` names → ISO3; non-states dropped and counted in notes."""
    notes: list[str] = []
    keep = pd.Series(True, index=long.index)
    for side in ("supplier", "recipient"):
        names = long[side]
        actor = names.map(_is_actor)
        iso3 = countries.iso3_from(names.where(~actor), "name")
        unresolved = iso3.isna() & ~actor
        if actor.any():
            shown = sorted(names[actor].unique())
            tiv = long.loc[actor, "tiv"].sum()
            notes.append(f"{where}: {int(actor.sum())} deliveries (TIV {tiv:g}m) "
                         f"with a non-state or organisation {side} dropped ({len(shown)} actors, "
                         f"e.g. {', '.join(shown[:5])})")
        if unresolved.any():
            shown = sorted(names[unresolved].unique())
            notes.append(f"{where}: {int(unresolved.sum())} deliveries with a {side} that is not a "
                         f"state in amity's crosswalk dropped: {', '.join(shown)}")
        long = long.assign(**{f"{side}_iso3": iso3})
        keep &= iso3.notna()
    out = long[keep]
    lost = sorted(set(long.loc[long["supplier_iso3"].notna(), "supplier"]) - set(out["supplier"]))
    if lost:
        notes.append(f"{where}: suppliers whose every delivery went to non-state or unknown "
                     f"recipients, so amity cannot give them 0s: {', '.join(lost)}")
    out = out.groupby(["year", "supplier_iso3", "recipient_iso3"], as_index=False)["tiv"].sum()
    out = out.rename(columns={"supplier_iso3": "supplier", "recipient_iso3": "recipient"})
    return out[["year", "supplier", "recipient", "tiv"]], notes


def _parse_tables(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    frames, skipped = [], 0
    names = sorted(n for n in paths if _FILE.match(n))
    if not names:
        raise SourceFormatError(next(iter(paths.values()), "sipri"), "no TIV-Export-*.csv file",
                                fix=_FIX)
    for name in names:
        supplier, frame, n_skipped = read_tiv_table(paths[name], on_bad_lines)
        skipped += n_skipped
        frames.append(frame.assign(supplier=supplier))
    long = pd.concat(frames, ignore_index=True)
    table, notes = _to_states(long, f"{len(names)} SIPRI TIV tables")
    return ParseResult({"arms_transfers": table}, skipped=skipped, notes=notes)


def _parse_processed(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths["sipri-exports-processed.csv.gz"]
    # COW codes and map points are not used (and are "NA" for non-state actors)
    columns = {"supplier": "VARCHAR", "recipient": "VARCHAR", "year": "BIGINT",
               "value": "DOUBLE", **dict.fromkeys(
                   ["supplier_cown", "recipient_cown", "supplier_lon", "supplier_lat",
                    "recipient_lon", "recipient_lat"], "VARCHAR")}
    raw, skipped = read_csv(path, columns, on_bad_lines=on_bad_lines,
                            keep=["supplier", "recipient", "year", "value"])
    bad = raw["value"].isna() | (raw["value"] < 0)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise SourceFormatError(path, f"value {shown(raw['value'].iloc[row])} is not a "
                                "non-negative number", line=row + 2 if not skipped else None,
                                column="value")
    long = raw.rename(columns={"value": "tiv"})
    table, notes = _to_states(long, path.name)
    return ParseResult({"arms_transfers": table}, skipped=skipped, notes=notes)


_CITATION = ("SIPRI Arms Transfers Database, Stockholm International Peace Research Institute, "
             "https://www.sipri.org/databases/armstransfers (TIV tables generated 28 July 2022)")
_CAVEATS = (
    "TIV is SIPRI's volume indicator of major conventional arms in millions, not US dollars",
    "'0' in SIPRI's tables is a delivery below 0.5 million TIV; it is stored as 0",
    "deliveries to or from non-state actors and organisations are dropped",
)
DATASETS = (
    Dataset(
        source="sipri", release="trademap-2022",
        title="SIPRI Arms Transfers Database: TIV export tables by supplier, 1950-2021",
        publisher="Stockholm International Peace Research Institute (SIPRI), tables as "
        "redistributed by 360info (report-arms-trade)",
        homepage="https://www.sipri.org/databases/armstransfers", citation=_CITATION,
        licence="free to use with attribution to SIPRI",
        files=Registry("sipri"), parse=_parse_tables, tables=("arms_transfers",), caveats=_CAVEATS,
    ),
    Dataset(
        source="sipri", release="processed", default=False,
        title="SIPRI TIV of arms exports, 1950-2021 (360info's processed long table)",
        publisher="360info from SIPRI Arms Transfers Database tables",
        homepage="https://github.com/360-info/report-arms-trade", citation=_CITATION + "; "
        "360info, report-arms-trade (CC BY 4.0)",
        licence="SIPRI: free to use with attribution; 360info repository CC BY 4.0",
        files=(RemoteFile("sipri/sipri-exports-processed.csv.gz",
                          "e5919fc13a861c88477c7259c4714dd8435ca02533ede094f2ca9d1ba392deea"),),
        parse=_parse_processed, tables=("arms_transfers",),
        caveats=(*_CAVEATS, "derived by 360info: 901 deliveries of SIPRI's tables are missing, "
                 "mostly West German exports before 1991"),
    ),
)
