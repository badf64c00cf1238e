"""SIPRI trade register (one row per deal), generated 21 October 2024: ``register-2024-10-21``.

The file is SIPRI's own CSV export of its trade register
(``trade-register_sipri_2024-10-21.csv.gz``), gzipped in the mirror, bytes otherwise
unchanged: uncompressed it is ``raw_data/trade-register.csv`` of the GitHub repository
``ClaytonB-3/arms-trade-proj`` at commit ``4973079a03f3747d64e1e91d995c5ec20310c15a``
(sha256 ``d96bfc1b9b726073121eac863f7972879eb77d22e72565e0e4bbc1c9a1f45811``). That
URL serves the uncompressed bytes, not the gzipped file whose hash amity checks, so the
file has no download URL: it comes from a mirror. It is read strictly:

* Encoding Windows-1252 (a UTF-8 copy, recognisable by its valid multi-byte sequences,
  is refused rather than read as mojibake); LF line ends.
* 11 preamble lines (title, notes on TIV, ``Source: SIPRI Arms Transfers Database``,
  ``Data generated: ...``), then the header on line 12, then one row per deal. The three
  columns named ``" "`` hold ``?`` when the value before them (year of order, number
  ordered, number delivered) is uncertain; they become ``*_uncertain`` flags.
* The "2 stray rows of numbers only" are not strays. Two deals (lines 25277 and 27517)
  have a line break at the end of their Comments, which the export writes unquoted as
  CR LF (every other line ends in LF): the deal's last three fields (TIV per unit, for the
  order, of delivered weapons) land on the next line, after an empty field. A line that
  ends in CR is therefore joined with the next one; the two deals are whole again and a
  note names them. So the register holds **29,056 deals** on 29,058 data lines, with
  136 suppliers and 261 recipients (``SOURCE.md``'s 29,058 deals, 138 suppliers and 262
  recipients count the two half-lines as deals, with suppliers "0.25" and "3" and an
  empty recipient).

Table ``arms_deals``: ``deal`` is the 1-based position of the deal in the register (two
joined lines count once; a skipped malformed row keeps its number). It is positional
and **not stable across SIPRI releases**. Names are kept in ``supplier_name`` and
``recipient_name``; ``supplier``/``recipient`` are ISO3 from amity's crosswalk
(:func:`amity.countries.iso3_from`, the mapping :mod:`amity.sources.sipri` uses), NA for
non-state actors (``*``), organisations (``**``) and names that are not states in the
crosswalk (one note lists them). "Soviet Union" and "Russia" are both RUS (the continuing
state), the names tell them apart. ``delivery_years`` is SIPRI's ``; ``-separated list as
published (NA: no delivery yet). Text fields lose surrounding blanks (the export pads
some designations and comments). ``tiv_order`` is NA, not 0, where the number ordered is
not known: the export writes 0 there although its own note says that an empty field
means "not available". The three TIVs are deal totals in millions, not yearly values.

Table ``arms_transfers`` (derived, 2022 and 2023 only)
------------------------------------------------------
SIPRI's exact yearly tables (release ``trademap-2022``, the default) end in 2021, and
amity's priority rule takes other releases for the years the default does not cover.
For 2022 and 2023 this release derives a yearly series from the deals: each deal's
``SIPRI TIV of delivered weapons`` is spread evenly over the years in ``Year(s) of
delivery`` (a deal delivered 2021; 2022; 2023 gives each year a third), then summed per
supplier, recipient and year, between states only (ISO3 on both sides). A pair-year
whose deals all have a delivered TIV of 0 (SIPRI: below 0.5m) is 0, as in SIPRI's
tables. Values are not rounded (SIPRI's tables are whole millions).

Limits. Even spreading is an approximation: SIPRI's yearly tables price each year's
deliveries, which are rarely even (a frigate arrives in one year). Only 22% (2022) and
36% (2023) of the derived TIV comes from deals delivered in a single year, where no
spreading happens. The number delivered is marked uncertain (``?``) for deals carrying
65% of the derived TIV of both years. Deals
still in delivery (fewer delivered than ordered: 40% of 2022's TIV, 51% of 2023's)
count what was delivered to 2023 only, and their shares will move when SIPRI adds years.
Deliveries to or from non-state actors, organisations and unknown parties (358m in
2022, 110m in 2023) are left out.

Validation, 2018-2021, the years both the register and SIPRI's exact tables cover
(register-derived the same way / ``trademap-2022`` tables, millions of TIV, difference;
``states``: all pairs of states)::

    pair                2018            2019            2020            2021         2018-21
    RUS->IND  1088/1322 -18%  1000/1562 -36%   1153/1241 -7%   1393/1392 +0%  4634/5517 -16%
    USA->SAU  1976/2752 -28%  2023/2866 -29%  2808/2151 +31%   1340/1389 -4%  8147/9158 -11%
    CHN->PAK    684/499 +37%    535/455 +18%     567/541 +5%   1077/753 +43%  2863/2248 +27%
    RUS->CHN   1652/1767 -7%   1082/1179 -8%    529/632 -16%    446/773 -42%  3708/4351 -15%
    states   26505/27275 -3% 26018/27342 -5% 25036/23262 +8% 25073/25427 -1%

World totals agree within 8% a year; single pair-years do not: of the 179 pair-years of
2018-2021 with at least 100m in SIPRI's tables, the median absolute difference is 17%,
62 are within 10% and 113 within 25%. Four-year totals of those 92 pairs agree better
(median 9%, 54 within 10%, 80 within 25%). The differences mix uneven deliveries with
SIPRI's revisions between the tables (July 2022) and the register (October 2024), which
even four-year totals show (RUS->IND -16%). Read the derived years as a level, not as
year-to-year change of one pair.
"""

from __future__ import annotations

import csv
import gzip
import re
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity._schema import TABLES
from amity.fetch import RemoteFile

__all__ = ["DATASETS", "DERIVED_YEARS", "HEADER", "derive_transfers", "read_register"]

#: The register's header (line 12), exactly as SIPRI writes it.
HEADER = ("Recipient", "Supplier", "Year of order", " ", "Number ordered", " ",
          "Weapon designation", "Weapon description", "Number delivered", " ",
          "Year(s) of delivery", "status", "Comments", "SIPRI TIV per unit",
          "SIPRI TIV for total order", "SIPRI TIV of delivered weapons")
#: Years of the derived ``arms_transfers`` series (SIPRI's exact tables end in 2021).
DERIVED_YEARS = (2022, 2023)

_FILE = "trade-register_sipri_2024-10-21.csv.gz"
_PREAMBLE = 11
_SOURCE_LINE = "Source: SIPRI Arms Transfers Database"
# schema column and kind of each field, in file order
_FIELDS = (("recipient_name", "name"), ("supplier_name", "name"), ("order_year", "year"),
           ("order_year_uncertain", "flag"), ("number_ordered", "number?"),
           ("number_ordered_uncertain", "flag"), ("designation", "text"),
           ("description", "text"), ("number_delivered", "number"),
           ("number_delivered_uncertain", "flag"), ("delivery_years", "years"),
           ("status", "name"), ("comments", "text"), ("tiv_unit", "number?"),
           ("tiv_order", "number?"), ("tiv_delivered", "number?"))
_SHOWN = [f'" " (uncertainty of {HEADER[i - 1]})' if name == " " else name
          for i, name in enumerate(HEADER)]
_NUMBER = re.compile(r"\d+(\.\d+)?")
_YEARS = re.compile(r"\d{4}(; \d{4})*")
_DEALS = list(TABLES["arms_deals"].columns)
_FIX = ("use SIPRI's trade-register CSV export unchanged (Windows-1252, 11 preamble lines), "
        "as the data mirror holds it (`amity setup --mirror DIR`)")
_ROW_FIX = ("repair or re-download the file, or rerun with --on-bad-lines skip to drop such "
            "rows")


def _decode(path: Path) -> str:
    """The file's text: gunzipped if ``.gz``, decoded strictly as Windows-1252."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                raw = fh.read()
        else:
            raw = path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceFormatError(path, f"cannot read the file ({exc})", fix=_FIX) from exc
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            first = next(i for i, b in enumerate(raw) if b > 0x7F)
            raise SourceFormatError(
                path, "the file is UTF-8 encoded, but SIPRI's export is Windows-1252 (a "
                "re-saved copy?)", line=raw[:first].count(b"\n") + 1, fix=_FIX)
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(
            path, f"byte 0x{raw[exc.start]:02X} is not Windows-1252 text: not SIPRI's "
            "export", line=raw[:exc.start].count(b"\n") + 1, fix=_FIX) from exc


def _check_head(path: Path, lines: list[str]) -> str:
    """Check the preamble and header; return the ``Data generated`` text ('' if absent)."""
    head = next((i for i, line in enumerate(lines[:40])
                 if line.startswith("Recipient,Supplier,")), None)
    if head is None:
        raise SourceFormatError(path, f"no header row 'Recipient,Supplier,...' in the first "
                                f"40 lines (expected on line {_PREAMBLE + 1})",
                                line=_PREAMBLE + 1, fix=_FIX)
    if head != _PREAMBLE:
        raise SourceFormatError(path, f"the header is on line {head + 1}, not after SIPRI's "
                                f"{_PREAMBLE} preamble lines", line=head + 1, fix=_FIX)
    if not any(line.startswith(_SOURCE_LINE) for line in lines[:_PREAMBLE]):
        raise SourceFormatError(path, f"the preamble has no '{_SOURCE_LINE}' line: not a "
                                "SIPRI register export", line=1, fix=_FIX)
    if lines[head].endswith("\r"):
        raise SourceFormatError(path, "lines end in CR LF: the file was re-saved (SIPRI's "
                                "export ends lines in LF; a CR marks a line break inside "
                                "Comments)", line=head + 1, fix=_FIX)
    found = tuple(next(csv.reader([lines[head]])))
    if found != HEADER:
        raise SourceFormatError(path, f"unexpected header {list(found)}; expected "
                                f"{list(HEADER)}", line=head + 1, fix=_FIX)
    return next((line.split(":", 1)[1].strip() for line in lines[:_PREAMBLE]
                 if line.startswith("Data generated:")), "")


def _split(parts: list[str]) -> list[str]:
    """The fields of one deal written on one or more physical lines (joined at CR)."""
    fields: list[str] = []
    for k, part in enumerate(parts):
        row = next(csv.reader([part.removesuffix("\r")], strict=True), None) or [""]
        if k:
            fields[-1] += "\n" + row[0]
            fields += row[1:]
        else:
            fields = row
    return fields


class _Malformed(Exception):
    """A malformed deal: the reason and the column (None: the whole row)."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.column = reason, column


def _convert(fields: list[str]) -> list[Any]:
    """Typed values of one deal; :class:`_Malformed` names its first malformed field."""
    if len(fields) != len(HEADER):
        raise _Malformed(f"expected {len(HEADER)} fields (SIPRI's register columns), saw "
                         f"{len(fields)}")
    values: list[Any] = []
    for (_, kind), cell, shown in zip(_FIELDS, fields, _SHOWN, strict=True):
        text = cell.strip()
        if kind == "flag":
            if text not in ("", "?"):
                raise _Malformed(f"uncertainty mark {cell!r} is neither empty nor '?'", shown)
            values.append(text == "?")
        elif kind == "year":
            if not re.fullmatch(r"\d{4}", text):
                raise _Malformed(f"year {cell!r} is not a 4-digit year", shown)
            values.append(int(text))
        elif kind.startswith("number"):
            if not text and kind == "number?":
                values.append(float("nan"))
            elif _NUMBER.fullmatch(text):
                values.append(float(text))
            else:
                raise _Malformed(f"value {cell!r} is not a non-negative number", shown)
        elif kind == "years":
            listed = text.split("; ")  # 4-digit years: text order is numeric order
            if text and not (_YEARS.fullmatch(text) and listed == sorted(set(listed))):
                raise _Malformed(f"delivery years {cell!r} are not increasing years "
                                 "separated by '; '", shown)
            values.append(text or None)
        elif kind == "name":
            if not text:
                raise _Malformed("empty field", shown)
            values.append(text)
        else:
            values.append(text or None)
    return values


def read_register(path: Path, on_bad_lines: OnBadLines = "error",
                  ) -> tuple[pd.DataFrame, int, list[str]]:
    """Read SIPRI's trade-register export into one row per deal, with names.

    Parameters
    ----------
    path
        The register CSV as SIPRI exports it, optionally gzipped.
    on_bad_lines
        ``"error"`` raises on the first malformed deal; ``"skip"`` drops and counts such
        rows (later deals keep their positions). A file that is not Windows-1252 text or
        has no register header always raises.

    Returns
    -------
    (DataFrame, int, list of str)
        The deals (``deal``, then the columns of ``arms_deals`` except ``supplier`` and
        ``recipient``), the number of skipped rows, and notes (generation date, joined
        lines).

    Raises
    ------
    SourceFormatError
        With the file, the line in the file (preamble included) and the column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "register.csv"
    >>> lines = ["Transfers of major conventional arms"] + [""] * 9 + [
    ...     "Source: SIPRI Arms Transfers Database (c) SIPRI.", ",".join(HEADER),
    ...     "Peru,France,2019,?,2,,Alizé,ASW aircraft,2,,2022; 2023,New,,5,10,10"]
    >>> _ = path.write_bytes((chr(10).join(lines) + chr(10)).encode("cp1252"))
    >>> deals, skipped, notes = read_register(path)
    >>> first = deals.iloc[0]
    >>> print(first.deal, first.designation, first.order_year_uncertain, first.delivery_years)
    1 Alizé True 2022; 2023
    """
    path = Path(path)
    lines = _decode(path).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    generated = _check_head(path, lines)
    records: list[list[Any]] = []
    joined: list[int] = []
    skipped = deal = 0
    i = _PREAMBLE + 1
    while i < len(lines):
        start, parts = i + 1, [lines[i]]
        i += 1
        if not parts[0].strip():
            continue
        while parts[-1].endswith("\r") and i < len(lines):
            parts.append(lines[i])
            i += 1
        deal += 1
        try:
            values = _convert(_split(parts))
        except (_Malformed, csv.Error) as exc:
            if on_bad_lines == "skip":
                skipped += 1
                continue
            bad = exc if isinstance(exc, _Malformed) else _Malformed(f"cannot split ({exc})")
            raise SourceFormatError(path, f"malformed deal: {bad.reason}", line=start,
                                    column=bad.column, fix=_ROW_FIX) from None
        if len(parts) > 1:
            joined.append(start)
        records.append([deal, *values])
    frame = pd.DataFrame(records, columns=["deal", *(name for name, _ in _FIELDS)])
    frame = frame.astype({"deal": "int64", "order_year": "int64", "number_ordered": "float64",
                          "number_delivered": "float64", "tiv_unit": "float64",
                          "tiv_order": "float64", "tiv_delivered": "float64",
                          **dict.fromkeys([n for n, k in _FIELDS if k == "flag"], "bool")})
    unknown = frame["number_ordered"].isna() & (frame["tiv_order"] == 0)
    frame.loc[unknown, "tiv_order"] = float("nan")
    notes = [f"{path.name}: SIPRI trade register, data generated {generated or '(no date)'}; "
             f"{len(frame)} deals"]
    if unknown.any():
        notes.append(f"{path.name}: {int(unknown.sum())} deals without a number ordered have "
                     "'SIPRI TIV for total order' 0 in the export; stored as NA (not known)")
    if joined:
        notes.append(f"{path.name}: {len(joined)} deals have a line break (CR LF) at the end of "
                     "their Comments, so their last fields sit on the next line, a row of "
                     f"numbers only; joined back (lines {', '.join(map(str, joined))})")
    return frame, skipped, notes


def _kind(name: str) -> str:
    """SIPRI's marks: ``**`` international organisation, ``*`` non-state actor."""
    name = name.rstrip()
    return "organisation" if name.endswith("**") else "non-state" if name.endswith("*") else ""


def _with_iso3(deals: pd.DataFrame, where: str) -> tuple[pd.DataFrame, list[str]]:
    """Add ``supplier``/``recipient`` ISO3 (NA for actors and unknown names) and notes."""
    names = pd.concat([deals["supplier_name"], deals["recipient_name"]], ignore_index=True)
    kinds = names.map(_kind)
    iso3 = countries.iso3_from(names.where(kinds == ""), "name")
    mapping = dict(zip(names, iso3, strict=True))
    out = deals.assign(supplier=deals["supplier_name"].map(mapping).astype("string"),
                       recipient=deals["recipient_name"].map(mapping).astype("string"))
    notes = []
    for kind, label in (("non-state", "a non-state actor (*)"),
                        ("organisation", "an international organisation (**)")):
        hit = (deals["supplier_name"].map(_kind) == kind) | (
            deals["recipient_name"].map(_kind) == kind)
        if hit.any():
            actors = sorted(set(names[kinds == kind]))
            notes.append(f"{where}: {int(hit.sum())} deals with {label} as a party "
                         f"({len(actors)} names, e.g. {', '.join(actors[:4])}), kept with NA "
                         "ISO3 and their names")
    unknown = names[iso3.isna().to_numpy() & (kinds == "").to_numpy()]
    if len(unknown):
        counts = unknown.value_counts().sort_index()
        shown = ", ".join(f"{n} ({c})" for n, c in counts.items())
        notes.append(f"{where}: names that are not states in amity's crosswalk, kept with NA "
                     f"ISO3 (deals naming them): {shown}. Fix: add a "
                     "variant to amity's country crosswalk if one of them is a state")
    return out, notes


def derive_transfers(deals: pd.DataFrame, years: tuple[int, int] = DERIVED_YEARS,
                     ) -> pd.DataFrame:
    """Yearly TIV between states from deal totals, spread evenly over delivery years.

    Parameters
    ----------
    deals
        ``supplier``, ``recipient`` (ISO3 or NA), ``delivery_years`` (``"2021; 2022"``
        or NA) and ``tiv_delivered`` (millions), as in ``arms_deals``.
    years
        First and last year to keep (inclusive).

    Returns
    -------
    DataFrame
        ``year, supplier, recipient, tiv`` for pairs with ISO3 on both sides. An
        approximation: see the module docstring.

    Examples
    --------
    >>> deals = pd.DataFrame({"supplier": ["RUS", "RUS", "RUS"],
    ...                       "recipient": ["IND", "IND", pd.NA],
    ...                       "delivery_years": ["2021; 2022; 2023", "2023", "2022"],
    ...                       "tiv_delivered": [900.0, 10.0, 5.0]})
    >>> derive_transfers(deals)
       year supplier recipient    tiv
    0  2022      RUS       IND  300.0
    1  2023      RUS       IND  310.0
    """
    ok = (deals["supplier"].notna() & deals["recipient"].notna()
          & deals["delivery_years"].notna() & deals["tiv_delivered"].notna())
    d = deals.loc[ok, ["supplier", "recipient", "delivery_years", "tiv_delivered"]]
    d = d.assign(year=d["delivery_years"].str.split("; "))
    d = d.assign(tiv=d["tiv_delivered"] / d["year"].str.len()).explode("year")
    d["year"] = d["year"].astype("int64")
    d = d[d["year"].between(years[0], years[1])]
    out = d.groupby(["year", "supplier", "recipient"], as_index=False)["tiv"].sum()
    out = out.astype({"supplier": "string", "recipient": "string"})
    return out[["year", "supplier", "recipient", "tiv"]].reset_index(drop=True)


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    path = paths[_FILE]
    raw, skipped, notes = read_register(path, on_bad_lines)
    deals, name_notes = _with_iso3(raw, path.name)
    transfers = derive_transfers(deals)
    lost = deals["tiv_delivered"].gt(0) & deals["delivery_years"].isna()
    if lost.any():
        notes.append(f"{path.name}: {int(lost.sum())} deals with delivered TIV but no delivery "
                     "year are left out of the yearly series")
    notes += [*name_notes, f"{path.name}: arms_transfers derived for "
              f"{DERIVED_YEARS[0]}-{DERIVED_YEARS[1]} only, from deal totals spread evenly "
              "over delivery years, between states"]
    scope = {
        "derived": ("yearly TIV derived from SIPRI's deal register: each deal's delivered TIV "
                    "spread evenly over its delivery years (an approximation)"),
        "arms_transfers": {
            "derived": True, "years": list(DERIVED_YEARS),
            "method": "each deal's TIV of delivered weapons spread evenly over its listed "
                      "delivery years, summed per supplier, recipient and year; states only"}}
    return ParseResult({"arms_deals": deals[_DEALS].reset_index(drop=True),
                        "arms_transfers": transfers}, skipped=skipped, notes=notes,
                       scope=scope)


DATASETS = (
    Dataset(
        source="sipri", release="register-2024-10-21", default=False,
        title="SIPRI Arms Transfers Database: trade register of deals (generated 21 October "
        "2024), with TIV for 2022-2023 derived from deal totals, spread evenly over delivery "
        "years",
        publisher="Stockholm International Peace Research Institute (SIPRI), register export "
        "as redistributed by ClaytonB-3/arms-trade-proj",
        citation="SIPRI Arms Transfers Database, trade register, generated 21 October 2024, "
        "Stockholm International Peace Research Institute, "
        "https://www.sipri.org/databases/armstransfers",
        licence="SIPRI data: free to use with attribution to SIPRI (the redistributing "
        "repository's MIT licence covers its code only)",
        homepage="https://www.sipri.org/databases/armstransfers",
        files=(RemoteFile(
            f"sipri/{_FILE}",
            "aae81ef6d3c17452af520b6a469a7750b11519ef95333cc7263f76a9994434df"),),
        parse=_parse, tables=("arms_deals", "arms_transfers"),
        caveats=(
            "TIV is SIPRI's volume indicator of major conventional arms in millions, not US "
            "dollars; the TIVs of arms_deals are deal totals over all delivery years",
            "arms_transfers 2022-2023 is derived from deal totals, spread evenly over delivery "
            "years: an approximation of SIPRI's yearly tables (pair-years differ by a median "
            "17% in 2018-2021, world totals by up to 8%)",
            "deal numbers are positions in this register, not stable across SIPRI releases",
            "parties that are non-state actors, organisations or unknown have NA ISO3 in "
            "arms_deals and are left out of arms_transfers",
        ),
    ),
)
