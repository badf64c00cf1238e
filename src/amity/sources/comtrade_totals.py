"""UN Comtrade (Comtrade+): total goods exports by reporter and partner, 2014-2022.

``comtrade_totals/plus-2023``
    ``comtrade_all_exports_<YEAR>A.csv.gz`` (2014 ... 2022): responses of the Comtrade+
    API (``getFinalData``, goods, annual, HS, commodity TOTAL, flow X, every partner)
    downloaded in March-August 2023 and cut to four columns by the authors of
    ``westonslayton/Economic-Sanctions-Research``: header ``date,value,reporter,partner``,
    ``date`` = ``YYYY-01-01``, ``value`` = Comtrade's ``primaryValue`` in **current US$
    (not thousands)** as the **exporter** reports it, reporter and partner as Comtrade's
    **names**. With Comtrade's reference lists ``comtrade_reporters.csv`` and
    ``comtrade_partners.csv``, to which the names join exactly (trailing spaces count:
    "Switzerland" is 757, "Switzerland " is 756). The release is named after the API
    (Comtrade+) and the year of download.

What amity makes of it:

* ``trade_dyadic``: A->B from A's own report, rounded to whole dollars. A pair-year has
  both directions only where both sides reported; the importer's report (the mirror
  flow) is not in the files, and nothing is averaged or merged. A country that did not
  report in a year has no rows (missing, not zero): ``ParseResult.scope`` lists the
  reporters per year (``reporters_by_year``, ISO3) so that readers can tell the two apart.
* ``trade_national``: the reporter's row with partner ``World`` (code 0) is its total
  exports; imports are not in the files (NA).
* Names become ISO3 through the list's ISO3 column and :func:`amity.countries.iso3_from`
  (which knows former codes). Never forced onto a state, and dropped from
  ``trade_dyadic`` with one note per file naming them and counting rows: groups
  (``isGroup``: World, European Union, ASEAN), pseudo-areas (ISO3 column not three
  letters: ``_X`` "Areas, nes", ``X1`` Bunkers, ``X2`` Free Zones, ``XX`` Special
  Categories, ``E19``/``F19``/``A79`` ...; and every ", nes" name, because "Europe EU,
  nes" carries Monaco's code MCO), names that had expired before the file's year
  ("Sudan (...2011)", "Serbia and Montenegro (...2005)", "Belgium-Luxembourg (...1998)")
  and Belgium-Luxembourg (code 58, a union of two states) in any year. Exports of a
  reporter to itself (re-imports recorded as exports) are dropped with a note.
* Special cases: "Other Asia, nes" (code 490, ISO3 column ``S19``, ``isGroup`` true in the
  reporter list and false in the partner list) is read as Taiwan, as every trade parser
  of amity does (:data:`~amity.sources._trade.TAIWAN_CAVEAT`); where a reporter also
  lists "Taiwan, Province of China" (158) that row wins. The yearly files of 2014-2021
  name Sint Maarten "Sint Maarten", which neither list carries: it is joined by hand to
  "Saint Maarten" (534, SXM). Kosovo (412, ISO3 column ``_KS``) is read as XKX, amity's
  code for it. When two names give one ISO3 code for a reporter in a year, the name whose
  own ISO3 code it is wins, with a note.
* A name in neither reference list (nor an alias above) cannot be placed: its rows are
  dropped and one note per file names it, its first ``file:line`` and its row count,
  rather than stopping the ingest of every other year (a new name is content, not a
  damaged file). Malformed rows (wrong field count, a value that is no number, negative or
  missing, a date outside the file's year, a repeated reporter-partner pair) are errors
  naming ``file:line``, or are counted and skipped with ``on_bad_lines="skip"``.

The raw 2021 file (``comtrade_all_exports_2021A_pcd15_raw.csv.gz``, with codes) is
**not** part of this release, nor a release of its own: it is an earlier vintage (March
2023) of the same Comtrade series and year, with fewer reporters (140 against 149, none
of its own), and for 16 reporters Comtrade had revised the figures by the later download
(Singapore's 2021 total: US$614.1 bn in March, 457.1 bn later). As a second release it
would show two vintages of one figure as if they were two sources that disagree. Its
codes are the best check of the name join, so the mirror tests use it as a cross-check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import read_csv, read_header, shown
from amity.sources._trade import TAIWAN_CAVEAT, dropped_note, usd

__all__ = ["DATASETS"]

_REPORTERS = "comtrade_reporters.csv"
_PARTNERS = "comtrade_partners.csv"
_YEARLY = re.compile(r"^comtrade_all_exports_(\d{4})A\.csv(?:\.gz)?$")
_COLUMNS = {"date": "VARCHAR", "value": "DOUBLE", "reporter": "VARCHAR", "partner": "VARCHAR"}
#: The reference lists' headers (the first name is the unnamed pandas index).
_LIST_HEADERS = {
    _REPORTERS: ["", "id", "text", "reporterCode", "reporterDesc", "reporterNote",
                 "reporterCodeIsoAlpha2", "reporterCodeIsoAlpha3", "entryEffectiveDate",
                 "isGroup", "entryExpiredDate"],
    _PARTNERS: ["", "id", "text", "PartnerCode", "PartnerDesc", "partnerNote",
                "PartnerCodeIsoAlpha2", "PartnerCodeIsoAlpha3", "entryEffectiveDate",
                "isGroup", "entryExpiredDate"],
}
_LIST_FIELDS = ["index", "id", "text", "code", "desc", "note", "iso2", "iso3", "effective",
                "group", "expired"]
_WORLD, _OTHER_ASIA, _BELGIUM_LUXEMBOURG = 0, 490, 58
#: Names the yearly files use that the lists spell otherwise (file name -> list name).
_ALIASES = {"Sint Maarten": "Saint Maarten"}
#: Comtrade codes whose ISO3 column is no ISO3 code but which are one place.
_CODE_ISO3 = {_OTHER_ASIA: "TWN", 412: "XKX"}  # Other Asia, nes = Taiwan; Kosovo (_KS)
_ALPHA3 = re.compile(r"^[A-Z]{3}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$")
_SKIP_FIX = ("repair or re-download the file, or rerun with --on-bad-lines skip to drop "
             "such rows")


@dataclass(frozen=True)
class _Entry:
    """One name of a Comtrade reference list."""

    code: int
    iso3: str
    group: bool
    expired: str  # "" or an ISO date: the last day the name was in use
    nes: bool = False  # "..., nes": an area not elsewhere specified


def _place(entry: _Entry, year: int) -> tuple[str | None, str]:
    """ISO3 of a list entry in ``year`` and how it was found, or None and why not.

    Examples
    --------
    >>> _place(_Entry(586, "PAK", False, ""), 2020)
    ('PAK', 'own')
    >>> _place(_Entry(490, "S19", True, ""), 2020)
    ('TWN', 'Other Asia, nes')
    >>> _place(_Entry(736, "SDN", False, "2011-06-30T00:00:00"), 2020)
    (None, 'historic, to 2011-06-30')
    >>> _place(_Entry(899, "_X ", False, ""), 2020)
    (None, 'pseudo-area')
    >>> _place(_Entry(492, "MCO", False, "", nes=True), 2020)  # "Europe EU, nes", not Monaco
    (None, 'pseudo-area')
    """
    if entry.code in _CODE_ISO3:
        return _CODE_ISO3[entry.code], "Other Asia, nes" if entry.code == _OTHER_ASIA else "hand"
    if entry.group:
        return None, "group"
    if entry.expired and entry.expired[:10] < f"{year}-01-01":
        return None, f"historic, to {entry.expired[:10]}"
    if entry.code == _BELGIUM_LUXEMBOURG:
        return None, "customs union"
    if entry.nes or not _ALPHA3.match(entry.iso3):
        return None, "pseudo-area"
    iso3 = countries.iso3_from(pd.Series([entry.iso3]), "iso3").iloc[0]
    if pd.isna(iso3):
        return None, f"{entry.iso3}: no country amity knows"
    return str(iso3), "own" if iso3 == entry.iso3 else "former code"


def _read_list(path: Path) -> dict[str, _Entry]:
    """A reference list as name -> entry, every row checked (errors name file:line)."""
    expected = _LIST_HEADERS[path.name]
    found = read_header(path)
    if found != expected:
        raise SourceFormatError(path, f"unexpected columns {found}; expected {expected}",
                                line=1, fix="use Comtrade's reference list of this release "
                                "(pcd15/Econ-Sanctions data/), not an edited copy")
    # the header's first name is empty, which DuckDB cannot name: read it as a first row
    frame, _ = read_csv(path, dict.fromkeys(_LIST_FIELDS, "VARCHAR"), header=False)
    entries: dict[str, _Entry] = {}
    for i, row in enumerate(frame.iloc[1:].itertuples(index=False), start=2):
        name, code, group, expired = row.desc, row.code, row.group, row.expired
        problem = (
            ("code", "reporter/partner code is not a whole number")
            if not str(code or "").isdigit() else
            ("desc", "name is empty") if not name else
            ("isGroup", f"isGroup is {group!r}, not True or False")
            if group not in ("True", "False") else
            ("entryExpiredDate", f"expiry date {expired!r} is not a date")
            if expired and not _DATETIME.match(expired) else
            ("desc", f"name {name!r} is listed twice") if name in entries else None)
        if problem:
            raise SourceFormatError(path, problem[1], line=i, column=problem[0],
                                    fix="use Comtrade's reference list of this release")
        entries[name] = _Entry(int(code), row.iso3 or "", group == "True", expired or "",
                               name.rstrip().endswith(", nes"))
    for alias, listed in _ALIASES.items():
        if listed in entries and alias not in entries:
            entries[alias] = entries[listed]
    return entries


def _read_year(path: Path, year: int, on_bad_lines: OnBadLines) -> tuple[pd.DataFrame, int]:
    """One yearly file, checked; malformed rows raise (file:line) or are skipped."""
    raw, skipped = read_csv(path, _COLUMNS, on_bad_lines=on_bad_lines)
    date = f"{year}-01-01"
    checks = (
        (raw["date"] != date, "date", f"date is not {date}, the year of the file name"),
        (raw["value"].isna() | (raw["value"] < 0), "value",
         "export value is missing or negative"),
        (raw["reporter"].fillna("").eq(""), "reporter", "reporter name is empty"),
        (raw["partner"].fillna("").eq(""), "partner", "partner name is empty"),
        (raw.duplicated(["reporter", "partner"]), "partner",
         "the reporter-partner pair is repeated (one value per pair and year)"),
    )
    bad = np.zeros(len(raw), dtype=bool)
    for rows, column, reason in checks:
        rows = rows.fillna(True).to_numpy(dtype=bool)
        if rows.any() and on_bad_lines == "error":
            first = int(np.flatnonzero(rows)[0])  # nothing skipped before: line = index + 2
            raise SourceFormatError(path, f"{reason} ({shown(raw['reporter'].iloc[first])} -> "
                                    f"{shown(raw['partner'].iloc[first])})", line=first + 2,
                                    column=column, fix=_SKIP_FIX)
        bad |= rows
    return raw[~bad].reset_index(drop=True), skipped + int(bad.sum())


def _mapped(names: pd.Series, entries: dict[str, _Entry],
            year: int) -> tuple[pd.Series, pd.Series, pd.Series]:
    """ISO3 (NA if none), the reason, and whether the name's own code is the ISO3."""
    placed = {n: _place(entries[n], year) if n in entries else (None, "unknown")
              for n in pd.unique(names)}
    iso3 = names.map({n: p[0] for n, p in placed.items()}).astype("string")
    reason = names.map({n: p[1] for n, p in placed.items()})
    own = names.map({n: p[1] == "own" for n, p in placed.items()}).astype(bool)
    return iso3, reason, own


def _unknown_note(where: str, names: pd.Series, unknown: pd.Series, skipped: int,
                  lists: str) -> list[str]:
    if not unknown.any():
        return []
    hits = names[unknown]
    shown = []
    for name in sorted(pd.unique(hits)):
        first = int(np.flatnonzero((names == name).to_numpy())[0])
        at = f"{where}:{first + 2}, " if not skipped else ""
        shown.append(f"{name!r} ({at}{int((hits == name).sum())} rows)")
    return [f"{where}: {int(unknown.sum())} rows with names not in {lists} were dropped: "
            f"{'; '.join(shown)}. Check the reference list is the one of this release; a "
            "renamed country needs an alias in amity.sources.comtrade_totals._ALIASES"]


def _one_per_key(frame: pd.DataFrame, keys: list[str], where: str,
                 what: str) -> tuple[pd.DataFrame, list[str]]:
    """One row per key: the name whose own ISO3 code it is first, then the larger value."""
    ordered = frame.sort_values(["_own", "_value"], ascending=False, kind="stable")
    dup = ordered.duplicated(keys)
    if not dup.any():
        return frame, []
    lost = ordered.loc[dup, "_name"]
    note = (f"{where}: {int(dup.sum())} rows dropped because another {what} name gave the "
            f"same ISO3 code (the name whose own code it is kept): "
            f"{'; '.join(sorted(map(str, pd.unique(lost))))}")
    return ordered[~dup].sort_index(), [note]


def _parse_year(path: Path, year: int, reporters: dict[str, _Entry],
                partners: dict[str, _Entry], on_bad_lines: OnBadLines,
                ) -> tuple[pd.DataFrame, pd.DataFrame, list[str], int, list[str]]:
    """trade_dyadic and trade_national rows of one yearly file, notes, skipped, reporters."""
    raw, skipped = _read_year(path, year, on_bad_lines)
    where = path.name
    exporter, rep_reason, rep_own = _mapped(raw["reporter"], reporters, year)
    importer, par_reason, par_own = _mapped(raw["partner"], partners, year)
    value = usd(raw["value"], 1.0)
    notes = _unknown_note(where, raw["reporter"], rep_reason == "unknown", skipped, _REPORTERS)
    notes += _unknown_note(where, raw["partner"], par_reason == "unknown", skipped, _PARTNERS)
    no_state = exporter.isna() & (rep_reason != "unknown")
    notes += dropped_note(where, "reporters that are not countries",
                          raw["reporter"][no_state] + " [" + rep_reason[no_state] + "]",
                          int(no_state.sum()))
    world = (raw["partner"].map(lambda n: partners[n].code if n in partners else -1)
             == _WORLD)
    placed = exporter.notna()
    national = pd.DataFrame({"year": year, "iso3": exporter, "exports_usd": value,
                             "imports_usd": np.nan, "_own": rep_own, "_value": value,
                             "_name": raw["reporter"]})[world & placed]
    national, more = _one_per_key(national, ["iso3"], where, "reporter")
    notes += more
    area = placed & importer.isna() & (par_reason != "unknown")
    notes += dropped_note(where, "partners that are not countries (World: the reporter's "
                          "total, kept as trade_national exports)",
                          raw["partner"][area] + " [" + par_reason[area] + "]", int(area.sum()))
    self_trade = placed & (exporter == importer).fillna(False).astype(bool)
    if self_trade.any():
        notes.append(f"{where}: {int(self_trade.sum())} rows of exports to the reporter "
                     "itself (re-imports recorded as exports) were dropped: "
                     f"{'; '.join(sorted(pd.unique(raw['reporter'][self_trade])))}")
    keep = placed & importer.notna() & ~self_trade
    dyadic = pd.DataFrame({"year": year, "exporter": exporter, "importer": importer,
                           "value_usd": value, "_own": rep_own & par_own, "_value": value,
                           "_name": raw["reporter"] + " -> " + raw["partner"]})[keep]
    dyadic, more = _one_per_key(dyadic, ["exporter", "importer"], where, "reporter or partner")
    notes += more
    reporting = sorted(set(exporter[placed].astype(str)))
    return (dyadic.drop(columns=["_own", "_value", "_name"]),
            national.drop(columns=["_own", "_value", "_name"]), notes, skipped, reporting)


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    missing = [n for n in (_REPORTERS, _PARTNERS) if n not in paths]
    if missing:
        raise SourceFormatError(", ".join(missing), "the reference list is missing; the names "
                                "in the yearly files cannot be mapped without it",
                                fix="put the release's reference lists beside the yearly files")
    reporters, partners = _read_list(paths[_REPORTERS]), _read_list(paths[_PARTNERS])
    yearly = sorted((int(m.group(1)), Path(p)) for n, p in paths.items()
                    if (m := _YEARLY.match(n)))
    if not yearly:
        raise SourceFormatError(", ".join(paths), "no yearly file comtrade_all_exports_"
                                "<YEAR>A.csv.gz among the files",
                                fix="point amity at the release's mirror folder")
    dyadic, national, notes, by_year = [], [], [], {}
    skipped = 0
    for year, path in yearly:
        flows, totals, more, skips, reporting = _parse_year(path, year, reporters, partners,
                                                            on_bad_lines)
        dyadic.append(flows)
        national.append(totals)
        notes += more
        skipped += skips
        by_year[str(year)] = reporting
    tables = {
        "trade_dyadic": pd.concat(dyadic, ignore_index=True).astype(
            {"year": "int64", "exporter": "string", "importer": "string",
             "value_usd": "float64"}),
        "trade_national": pd.concat(national, ignore_index=True).astype(
            {"year": "int64", "iso3": "string", "exports_usd": "float64",
             "imports_usd": "float64"}),
    }
    scope = {
        "reporters_by_year": by_year,
        # Comtrade lists each partner a reporter exported to: a partner it does not list
        # received no (recorded) exports from it that year
        "unlisted_partner_is_zero": True,
        "basis": "exports as the exporter reports them (Comtrade primaryValue, current US$); "
        "a country absent from reporters_by_year in a year did not report: its exports are "
        "missing, not zero, and the importer's side is not in this release",
    }
    return ParseResult(tables, skipped=skipped, notes=notes, scope=scope)


def _file(name: str, sha256: str) -> RemoteFile:
    return RemoteFile(f"comtrade_totals/{name}", sha256, None)


_SHA256 = {
    2014: "11e918e9d1d6284d18c8cd2eda4d073769f39295c7455130c449f8ea7b4a94b9",
    2015: "529500f272514480bc33d752bd7141d24cb627392345c04c3a1d0ec35940b9b9",
    2016: "a847f674baeeeffb2f3c42adbfeacbfdb23fb14fcab6b2d8ebc054381aa2813e",
    2017: "3f2629678428f219be8ab816106f99edcdaebf4b3c339682f643f67c6724a5bd",
    2018: "a1907ba243764933b47681655eaad9ab7534b5d2101912f3d3d2ab931f34b2aa",
    2019: "3641482bff95ab691e856f62d690133a00e2310ebd94b09364a529b5a65da652",
    2020: "ed4e114ff957f0e6a47322e5cb688c687470455b1f0ac5760f00f993deb98fbe",
    2021: "0707aa1116ba26318cf766ddd796aff8bf029b9496e3aafb81d19f79ce0884e9",
    2022: "ed9bf2d3c47bc1845b9f897f06a878b99f087fdf154fcce4ffa665be9c1a7737",
}

DATASETS = (
    Dataset(
        source="comtrade_totals", release="plus-2023",
        title="UN Comtrade (Comtrade+): total goods exports by partner, as reported by the "
        "exporter, 2014-2022",
        publisher="United Nations Statistics Division, UN Comtrade Database (Comtrade+ API "
        "getFinalData, downloaded March-August 2023 by the authors of "
        "westonslayton/Economic-Sanctions-Research and pcd15/Econ-Sanctions)",
        citation="United Nations, UN Comtrade Database, https://comtradeplus.un.org "
        "(accessed 2023).",
        licence="UN Comtrade terms: free data reusable with attribution (\"UN Comtrade\"); "
        "commercial resale of bulk downloads is forbidden",
        homepage="https://comtradeplus.un.org",
        files=(*(_file(f"comtrade_all_exports_{y}A.csv.gz", h) for y, h in _SHA256.items()),
               _file(_REPORTERS,
                     "aa78efad44969a87866d5a50d2d4bc33c4e2147862ff3c30be738be8f30f6205"),
               _file(_PARTNERS,
                     "06bf8bb6858a122c43bd5f08c6a927115d336504696a283719c0a433ece80939")),
        parse=_parse, tables=("trade_dyadic", "trade_national"),
        caveats=(
            ("exports as reported by the exporter only (Comtrade primaryValue, current US$): "
             "A->B is A's report, B->A is B's; the importer's report (mirror flow) is not "
             "here and nothing is averaged"),
            ("reporter coverage falls in the latest years (169 reporters in 2014, 149 in "
             "2021, 85 in 2022: late reporters were missing at download); a country that did "
             "not report has no rows that year, which is missing data, not zero trade"),
            "2022 has no report from Russia: Russia's exports in 2022 are missing here",
            "national rows carry exports to the world only (imports NA)",
            TAIWAN_CAVEAT,
        ),
    ),
)
