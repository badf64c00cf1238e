"""GDELT event data: the 1.0 daily event files and the 2.0 15-minute event exports.

Formats (GDELT Event Codebooks 1.0 and 2.0). Every file is tab-separated, without a
header row or quoting, UTF-8, one event per line, empty strings for missing values:

``YYYYMMDDHHMMSS.export.CSV.zip`` — GDELT 2.0, one file every 15 minutes, 61 columns
    (ActionGeo_CountryCode is column 53, DATEADDED 59, SOURCEURL 60).
``YYYYMMDD.export.CSV.zip`` — GDELT 1.0 daily files since 2013-04-01, 58 columns
    (no ADM2 geography; ActionGeo_CountryCode is column 51, SOURCEURL 57).
``YYYYMM.zip`` / ``YYYY.zip`` — GDELT 1.0 historical files (1979–2013-03), 57 columns
    (no SOURCEURL).

The layout of a file is told by the number of fields of its first line, and every line
must have that many. GDELT publishes zip files holding one member; the data mirror holds
the 2.0 files gzipped; plain, ``.gz`` and ``.zip`` files are all read.

Traps, and what amity does about them:

* Actor1/Actor2CountryCode are CAMEO codes: ISO3 for states plus non-state codes
  (``EUR`` Europe, ``AFR`` Africa, ``SAS`` South Asia, ``WST`` the West, ...). Those never
  become a state: the actor's ISO3 is NA and the event is kept.
* ActionGeo_CountryCode is FIPS 10-4, not ISO (``RS`` is Russia, ``CH`` China); it is
  mapped with :func:`amity.countries.iso3_from`. ``OC``/``OS`` (oceans) stay NA.
* EventCode, EventBaseCode and EventRootCode carry leading zeros ("036", "0231"): they are
  read as strings, never numbers.
* SQLDATE is the date of the event, not of the report: a 15-minute 2.0 file re-reports
  events up to a year old (the 1.0 file of 2013-04-01 has events back to 2003). ``date``
  and ``year`` are the event's.
* The same GLOBALEVENTID is one event: within a file the first row is kept, and across
  files the store keeps one row per id.

Reading: a file is decompressed in memory in one call (ISA-L's inflate, twice zlib's
speed; a zip member's size and CRC-32 are checked), then parsed by Arrow's CSV reader
(files in parallel threads), which types the 15 columns amity keeps and checks that every row
has the layout's number of fields (the other columns are only counted). If any row is malformed
(wrong number of fields, a value not of its column's type, an empty GLOBALEVENTID), the
file is read again by DuckDB's strict reader, which names the file and line or, with
``on_bad_lines="skip"``, drops and counts such rows. Codes are mapped on Arrow columns
(no Python object per value). Memory is bounded by one file.

The ``gdelt/v1-sample`` and ``gdelt/v2-sample`` releases are the files of the data mirror;
``amity fetch gdelt`` (:func:`amity.ingest.gdelt.fetch_gdelt`) downloads any date range
from GDELT into the ``gdelt/v1`` and ``gdelt/v2`` releases, each file recorded as it is
ingested. The period a file covers comes from its name (:func:`file_period`).
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import duck_error_text, file_period, file_timestamp

try:  # ISA-L inflates deflate streams about twice as fast as zlib
    from isal import isal_zlib as _inflate
    from isal.igzip import decompress as _gunzip
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the fallback
    import zlib as _inflate  # type: ignore[no-redef]
    from gzip import decompress as _gunzip
_InflateError = cast("type[Exception]", _inflate.error)

__all__ = ["DATASETS", "EVENT_COLUMNS", "LAYOUTS", "EventsFile", "file_period", "file_timestamp",
           "read_events"]

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
          "Religion2Code", "Type1Code", "Type2Code", "Type3Code")
_GEO_V1 = ("Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID")
_GEO_V2 = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_INTEGER = {"GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass",
            "NumMentions", "NumSources", "NumArticles", "DATEADDED"}
_FLOAT = {"FractionDate", "GoldsteinScale", "AvgTone"}


def _layout(geo: tuple[str, ...], tail: tuple[str, ...]) -> dict[str, str]:
    names = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    names += [f"Actor1{f}" for f in _ACTOR] + [f"Actor2{f}" for f in _ACTOR]
    names += ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
              "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    names += [f"{who}_{f}" for who in ("Actor1Geo", "Actor2Geo", "ActionGeo") for f in geo]
    names += tail

    def kind(n: str) -> str:
        if n in _INTEGER or n.endswith("_Type"):
            return "BIGINT"
        return "DOUBLE" if n in _FLOAT or n.endswith(("_Lat", "_Long")) else "VARCHAR"

    return {n: kind(n) for n in names}


#: Column name → DuckDB type of each published layout, by number of columns.
LAYOUTS: dict[int, dict[str, str]] = {
    61: _layout(_GEO_V2, ("DATEADDED", "SOURCEURL")),
    58: _layout(_GEO_V1, ("DATEADDED", "SOURCEURL")),
    57: _layout(_GEO_V1, ("DATEADDED",)),
}
_LAYOUT_NAMES = {61: "GDELT 2.0 export", 58: "GDELT 1.0 daily", 57: "GDELT 1.0 historical"}
EVENT_COLUMNS = ("event_id", "date", "year", "actor1_iso3", "actor2_iso3", "event_code",
                 "event_root", "quad_class", "goldstein", "num_mentions", "num_sources",
                 "num_articles", "avg_tone", "action_geo_iso3", "url", "file")
_queries = iter(range(1 << 62))
_local = threading.local()
_code_cache: dict[tuple[str, str], str | None] = {}


@dataclass
class EventsFile:
    """One file read by :func:`read_events`: its events, skipped rows and notes."""

    table: pa.Table
    columns: int
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


# -- the bytes of a file ------------------------------------------------------------------
def _zip_member(path: Path, zf: zipfile.ZipFile) -> zipfile.ZipInfo:
    members = [i for i in zf.infolist() if not i.is_dir()]
    if len(members) != 1:
        csvs = [i for i in members if i.filename.lower().endswith(".csv")]
        if len(csvs) != 1:
            raise SourceFormatError(path, f"expected one CSV file in the zip, found "
                                    f"{[i.filename for i in members]}")
        return csvs[0]
    return members[0]


def _unzip(path: Path) -> bytes:
    """The zip's one member, inflated in one call (ISA-L when installed), CRC checked."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = _zip_member(path, zf)
            if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
                return zf.read(info)  # rare methods: zipfile decompresses and checks
        with open(path, "rb") as fin:
            fin.seek(info.header_offset)
            local = fin.read(30)
            if len(local) < 30 or local[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile("bad local file header")
            name_len, extra_len = struct.unpack("<HH", local[26:30])
            fin.seek(info.header_offset + 30 + name_len + extra_len)
            stream = fin.read(info.compress_size)
        if len(stream) < info.compress_size:
            raise zipfile.BadZipFile("the compressed data is cut short")
        data = stream if info.compress_type == zipfile.ZIP_STORED else \
            _inflate.decompress(stream, wbits=-15)
        if len(data) != info.file_size or _inflate.crc32(data) != info.CRC:
            raise zipfile.BadZipFile("the data does not match the zip's size and CRC-32")
        return data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, _InflateError
            ) as exc:
        raise SourceFormatError(path, f"not a readable zip file ({exc}); the download may be "
                                "truncated or corrupt",
                                fix="delete it and download it again") from exc


def _file_bytes(path: Path) -> bytes:
    """The text of a ``.zip``, ``.gz`` or plain file, decompressed in memory (one file is
    at most a few hundred MB: a GDELT 1.0 historical year)."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _unzip(path)
    try:
        data = path.read_bytes()
        return _gunzip(data) if suffix == ".gz" else data
    except (OSError, EOFError, _InflateError) as exc:
        raise SourceFormatError(path, f"cannot read the file ({exc}); it may be truncated",
                                line=1, fix="delete it and download it again") from exc


# -- reading ---------------------------------------------------------------------------
#: Event columns amity keeps (published name → its name here, in the order both readers
#: return them); the readers type and validate these, and only count the other fields.
_KEEP = {"GLOBALEVENTID": "event_id", "SQLDATE": "date", "Year": "year",
         "Actor1CountryCode": "a1", "Actor2CountryCode": "a2", "EventCode": "event_code",
         "EventRootCode": "event_root", "QuadClass": "quad_class",
         "GoldsteinScale": "goldstein", "NumMentions": "num_mentions",
         "NumSources": "num_sources", "NumArticles": "num_articles", "AvgTone": "avg_tone",
         "ActionGeo_CountryCode": "geo", "SOURCEURL": "url"}
_ARROW = {"BIGINT": pa.int64(), "DOUBLE": pa.float64(), "VARCHAR": pa.string()}


def _parse_fast(data: bytes, spec: Mapping[str, str]) -> pa.Table | None:
    """Parse with Arrow's multi-threaded CSV reader; None when the strict reader must
    read the file instead (a row with the wrong number of fields, a value that is not of
    its column's type, an empty GLOBALEVENTID), so that it names the line."""
    keep = [c for c in spec if c in _KEEP]
    bad_rows = []

    def bad(row: Any) -> str:
        bad_rows.append(row.number)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            # one thread per file: files are parsed in parallel (less CPU than Arrow's pool)
            read_options=pacsv.ReadOptions(column_names=list(spec), block_size=1 << 20,
                                           use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False,
                                             escape_char=False, double_quote=False,
                                             newlines_in_values=False, invalid_row_handler=bad),
            convert_options=pacsv.ConvertOptions(
                include_columns=keep, column_types={c: _ARROW[spec[c]] for c in keep},
                null_values=[""], strings_can_be_null=True, true_values=[], false_values=[]))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if bad_rows or table.column("GLOBALEVENTID").null_count:
        return None
    table = table.rename_columns([_KEEP[c] for c in table.column_names])
    stamp = pc.strptime(pc.cast(table.column("date"), pa.string()), format="%Y%m%d",
                        unit="s", error_is_null=True)  # SQLDATE: YYYYMMDD as a number
    table = table.set_column(table.column_names.index("date"), "date",
                             pc.cast(stamp, pa.date32()))
    if "url" not in table.column_names:  # 1.0 historical files have no SOURCEURL
        table = table.append_column("url", pa.nulls(len(table), pa.string()))
    return table.select(list(_KEEP.values()))


def _connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_local, "con", None)
    if con is None:  # one in-memory connection per thread (connecting costs ~30 ms)
        con = _local.con = duckdb.connect()
        con.execute("SET threads TO 1")  # parallelism comes from files in threads
    return con


def _select(spec: Mapping[str, str]) -> str:
    """The strict reader's projection: the same columns as :func:`_parse_fast`'s."""
    def value(name: str) -> str:
        if name == "SQLDATE":  # YYYYMMDD as a number; an impossible date is NA
            return 'try(make_date("SQLDATE" // 10000, "SQLDATE" // 100 % 100, "SQLDATE" % 100))'
        return f'"{name}"' if name in spec else "NULL::VARCHAR"  # no SOURCEURL in 1.0 files

    return "SELECT " + ", ".join(f"{value(c)} AS {alias}" for c, alias in _KEEP.items())


def _query(data: bytes, origin: Path, spec: Mapping[str, str], on_bad_lines: OnBadLines
           ) -> tuple[pa.Table, int]:
    """The strict reader: DuckDB's, with every malformed row's line number."""
    n = next(_queries)
    scan, rejects = f"gdelt_rejects_scan_{n}", f"gdelt_rejects_{n}"
    cols = ", ".join(f"'{c}': '{t if c in _KEEP else 'VARCHAR'}'" for c, t in spec.items())
    sql = (f"{_select(spec)} FROM read_csv(?, columns={{{cols}}}, header=false, delim='\t', "
           "quote='', escape='', auto_detect=false, ignore_errors=true, store_rejects=true, "
           f"rejects_scan='{scan}', rejects_table='{rejects}', strict_mode=true, "
           "null_padding=false, force_not_null=['GLOBALEVENTID'], max_line_size=10000000)")
    con = _connection()
    tmp = Path(tempfile.mkdtemp(prefix="amity-gdelt-"))
    try:
        csv = tmp / "events.csv"
        csv.write_bytes(data)
        try:
            table = con.execute(sql, [str(csv)]).to_arrow_table()
        except duckdb.Error as exc:
            raise SourceFormatError(origin, f"cannot read the file ({duck_error_text(exc)}); "
                                    "it may be truncated or not a GDELT event file",
                                    fix="delete it and download it again") from exc
        bad = con.execute(f"SELECT line, column_name, error_message FROM {rejects} "
                          "ORDER BY line").fetchall()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {rejects}")
        con.execute(f"DROP TABLE IF EXISTS {scan}")
        shutil.rmtree(tmp, ignore_errors=True)
    if bad and on_bad_lines == "error":
        line, column, message = bad[0]
        more = f" ({len(bad)} malformed rows in all)" if len(bad) > 1 else ""
        raise SourceFormatError(
            origin, f"malformed row: {message.strip()}{more}", line=int(line),
            column=column or None,
            fix="download the file again, or rerun with --on-bad-lines skip to drop such rows")
    return table, len({r[0] for r in bad})


def _map_codes(column: pa.ChunkedArray, system: str) -> tuple[pa.Array, list[str]]:
    """ISO3 for each code (NA when unknown or not a state) and the unknown codes.

    One hash pass (dictionary encoding); the result is dictionary-encoded too, which is
    how the Parquet part stores it.
    """
    encoded = pc.dictionary_encode(column.combine_chunks())
    values = encoded.dictionary.to_pylist()
    todo = [v for v in values if (system, v) not in _code_cache]
    if todo:
        import pandas as pd

        mapped = countries.iso3_from(pd.Series(todo, dtype=object), system)
        for value, iso3 in zip(todo, mapped, strict=True):
            _code_cache[(system, value)] = None if iso3 is pd.NA else str(iso3)
    unknown = sorted(v for v in values if v.strip() and _code_cache[(system, v)] is None
                     and not (system == "cameo" and countries.cameo_region(v)))
    iso3 = [_code_cache[(system, v)] for v in values]
    states = sorted({c for c in iso3 if c is not None})
    slot = {c: i for i, c in enumerate(states)}  # NA is a null index, not a null value
    remap = pa.array([None if c is None else slot[c] for c in iso3], pa.int32())
    return pa.DictionaryArray.from_arrays(pc.take(remap, encoded.indices),
                                          pa.array(states, pa.string())), unknown


def _first_per_id(table: pa.Table) -> pa.Table:
    ids = table.column("event_id")
    if pc.count_distinct(ids).as_py() == len(ids):
        return table
    numbered = table.append_column("_row", pa.array(range(len(table)), pa.int64()))
    first = numbered.group_by("event_id", use_threads=False).aggregate([("_row", "min")])
    rows = first.column("_row_min").combine_chunks()
    return table.take(pc.take(rows, pc.sort_indices(rows)))


def read_events(path: str | Path, *, on_bad_lines: OnBadLines = "error",
                columns: int | None = None, name: str | None = None) -> EventsFile:
    """Read one GDELT event file (1.0 daily or historical, or 2.0 export) into events rows.

    Parameters
    ----------
    path
        A ``.zip`` as GDELT publishes it, a ``.gz`` or a plain file.
    on_bad_lines
        ``"error"``: a row with the wrong number of fields or a malformed value raises
        :class:`~amity.SourceFormatError` naming file and line; ``"skip"``: such rows are
        dropped and counted.
    columns
        Require this layout (61, 58 or 57 columns); default: any, told by the first line.
    name
        The file name to record in the ``file`` column (default: the path's name).

    Returns
    -------
    EventsFile
        ``table`` has the ``events`` columns of :mod:`amity._schema` (Arrow types), one row
        per GLOBALEVENTID (the first of duplicates).
    """
    path = Path(path)
    name = name or path.name
    data = _file_bytes(path)
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).rstrip(b"\r")
    if not first:
        return EventsFile(_empty(), columns or 0)
    found = first.count(b"\t") + 1
    allowed = [columns] if columns else sorted(LAYOUTS)
    if found not in allowed:
        what = ", ".join(f"{n} ({_LAYOUT_NAMES[n]})" for n in allowed)
        raise SourceFormatError(path, f"the first row has {found} tab-separated fields; a "
                                f"GDELT event file has {what}", line=1,
                                fix="check that this is a GDELT event file (not a "
                                "mentions or GKG file) of the expected version")
    raw, skipped = _parse_fast(data, LAYOUTS[found]), 0
    if raw is None:
        raw, skipped = _query(data, path, LAYOUTS[found], on_bad_lines)
    del data
    return _to_events(raw, found, skipped, name)


def _empty() -> pa.Table:
    return _to_events(pa.table({
        "event_id": pa.array([], pa.int64()), "date": pa.array([], pa.date32()),
        "year": pa.array([], pa.int64()), "a1": pa.array([], pa.string()),
        "a2": pa.array([], pa.string()), "event_code": pa.array([], pa.string()),
        "event_root": pa.array([], pa.string()), "quad_class": pa.array([], pa.int64()),
        "goldstein": pa.array([], pa.float64()), "num_mentions": pa.array([], pa.int64()),
        "num_sources": pa.array([], pa.int64()), "num_articles": pa.array([], pa.int64()),
        "avg_tone": pa.array([], pa.float64()), "geo": pa.array([], pa.string()),
        "url": pa.array([], pa.string())}), 0, 0, "").table


def _to_events(raw: pa.Table, found: int, skipped: int, name: str) -> EventsFile:
    notes = []
    a1, unknown1 = _map_codes(raw.column("a1"), "cameo")
    a2, unknown2 = _map_codes(raw.column("a2"), "cameo")
    geo, unknown_geo = _map_codes(raw.column("geo"), "fips")
    if unknown1 or unknown2:
        notes.append(f"{name}: unknown CAMEO actor country codes kept as NA: "
                     f"{', '.join(sorted(set(unknown1 + unknown2)))}")
    if unknown_geo:
        notes.append(f"{name}: FIPS ActionGeo codes that are no country, kept as NA: "
                     f"{', '.join(unknown_geo)}")
    date = raw.column("date")
    year = pc.coalesce(pc.cast(pc.year(date), pa.int64()), raw.column("year"))
    cols: dict[str, Any] = {
        "event_id": raw.column("event_id"), "date": date, "year": year, "actor1_iso3": a1,
        "actor2_iso3": a2}
    for col in ("event_code", "event_root", "quad_class", "goldstein", "num_mentions",
                "num_sources", "num_articles", "avg_tone"):
        cols[col] = raw.column(col)
    cols["action_geo_iso3"] = geo
    cols["url"] = raw.column("url")
    cols["file"] = pa.DictionaryArray.from_arrays(  # one value, stored once
        pa.array(np.zeros(len(raw), dtype=np.int32)), pa.array([name], pa.string()))
    table = _first_per_id(pa.table(cols))
    dropped = len(raw) - len(table)
    if dropped:
        notes.append(f"{name}: {dropped} repeated GLOBALEVENTID rows (the first kept)")
    return EventsFile(table, found, skipped, notes)


# -- the mirror releases ------------------------------------------------------------------
def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    tables, skipped, notes = [], 0, []
    for name in sorted(paths):
        events = read_events(paths[name], on_bad_lines=on_bad_lines)
        tables.append(events.table)
        skipped += events.skipped
        notes += events.notes
    table = pa.concat_tables(tables)
    unique = _first_per_id(table)
    if len(unique) < len(table):
        notes.append(f"{len(table) - len(unique)} GLOBALEVENTIDs in more than one file: "
                     "one event each (the first file's row kept)")
    frame = pa.table({c: pc.cast(col, col.type.value_type) if pa.types.is_dictionary(col.type)
                      else col for c, col in zip(unique.column_names, unique.columns, strict=True)}
                     ).to_pandas()
    return ParseResult({"events": frame}, skipped=skipped, notes=notes)


_CITATION = ("Leetaru, Kalev and Schrodt, Philip A. (2013). \"GDELT: Global Data on Events, "
             "Location, and Tone, 1979-2012.\" International Studies Association Annual "
             "Convention, April 2013, San Francisco, CA. The GDELT Project, "
             "https://www.gdeltproject.org/")
_LICENCE = "free and open, unrestricted use with citation of the GDELT Project"
_CAVEATS = (
    ("counts are of machine-coded news reports, not of events on the ground; coverage of "
     "sources grows over time"),
    "a file re-reports events up to a year old: the event's own date and year are used",
    "only years in which an ingested file was published are covered (others are NA)",
)
_GEOWAVE = ("https://raw.githubusercontent.com/spohnan/geowave/"
            "1dfa64d2a0a28102406c5996511367f2c0f5a365/extensions/formats/gdelt/src/test/"
            "resources/20130401.export.CSV.zip")

DATASETS = (
    Dataset(
        source="gdelt", release="v2-sample",
        title="GDELT 2.0 Event export files: six 15-minute files (2015-10-27 22:00, "
        "2016-10-13 15:15, 2018-01-01 00:00, 2018-03-26 04:45, 2019-01-21 22:00, "
        "2019-10-24 14:30)",
        publisher="The GDELT Project", citation=_CITATION, licence=_LICENCE,
        homepage="https://www.gdeltproject.org/data.html",
        files=(
            RemoteFile("gdelt/events_v2/20151027220000.export.CSV.gz",
                       "019aa89f2e8bee31397deaafeecac7dbe7a176a241258f7a661161d2d6b25c75"),
            RemoteFile("gdelt/events_v2/20161013151500.export.CSV.gz",
                       "e1802cc511a19d6bf4cfffbb66f7796814c2034ed018d85ed17f3ed4b3e163e7"),
            RemoteFile("gdelt/events_v2/20180101000000.export.CSV.gz",
                       "ab0c829afac5e5e23b372a0896d404093d8ee8abadb20d068a997ab79decdda3"),
            RemoteFile("gdelt/events_v2/20180326044500.export.CSV.gz",
                       "0ac0e81dc24a88b54a3af0c8d8b81ab3655193d4ab8c8436b9a59d0a30c931e5"),
            RemoteFile("gdelt/events_v2/20190121220000.export.CSV.gz",
                       "2aca9410cf683485382ef0f181f479f5353b87c630a206e67becbdce9b9c85e7"),
            RemoteFile("gdelt/events_v2/20191024143000.export.CSV.gz",
                       "0291aa0119d5d27429dbc138b2978f8b83f4f37fe432bebed72e5de48d35e45c"),
        ),
        parse=_parse, tables=("events",), file_period=file_period,
        caveats=(("six 15-minute files, an hour and a half of GDELT's news stream in all: "
                  "a sample, not a count of a year's events"), *_CAVEATS),
    ),
    Dataset(
        source="gdelt", release="v1-sample",
        title="GDELT 1.0 daily event file of 2013-04-01",
        publisher="The GDELT Project", citation=_CITATION, licence=_LICENCE,
        homepage="https://www.gdeltproject.org/data.html",
        files=(RemoteFile("gdelt/events_v1/20130401.export.CSV.zip",
                          "73afa42c059be917f457af43c5c3ebbcf7ee985c2d71dc38f3671331f8be24a1",
                          _GEOWAVE),),
        parse=_parse, tables=("events",), default=False, file_period=file_period,
        caveats=("one day of GDELT's news stream: a sample, not a count of a year's events",
                 *_CAVEATS),
    ),
)
