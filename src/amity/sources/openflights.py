"""OpenFlights: scheduled direct air routes between airports, a snapshot of June 2014.

``openflights/2014-06``
    Files of the OpenFlights data folder (GitHub ``jpatokal/openflights``, snapshot
    ``5a03602``), byte-for-byte: ``routes.dat`` (67,663 airline routes, "as of June 2014";
    the database is no longer updated), ``airports.dat`` (7,698 airports),
    ``airports-extended.dat`` (12,668 rows: the same airports plus stations, ports and
    others) and ``countries.dat`` (country name → ISO2).

Format: comma-separated, fields may be double-quoted, NO header row, UTF-8, ``\\N`` for a
missing value.

* ``routes.dat``: airline code, airline id, source airport code, source airport id,
  destination airport code, destination airport id, codeshare (``Y`` or empty), stops,
  equipment. One row per airline and directed airport pair.
* ``airports*.dat``: id, name, city, country *name*, IATA, ICAO, latitude, longitude,
  altitude, timezone, DST, tz name, type, source.
* ``countries.dat``: name, ISO2 (``\\N`` for non-ISO places), DAFIF code.

Traps
-----
* An airport's country is a *name*; ``countries.dat`` maps names to ISO2, but 20 names
  used in the airport files are not in it ("Burma", "Congo (Kinshasa)", "Swaziland",
  "West Bank" ...): those go through amity's name crosswalk. OpenFlights' "Virgin
  Islands" are the US Virgin Islands (STT, STX; the British ones are "British Virgin
  Islands"), an ambiguous name the crosswalk rightly refuses, so this module maps it.
* A route endpoint is resolved by airport id, then by its code (IATA, then ICAO) in
  ``airports.dat``, then the same in ``airports-extended.dat``. 571 routes have an
  endpoint that ``airports.dat`` does not know; the extended file resolves all but 91,
  which keep NA countries (and are counted in the notes).
* Codeshare rows (operated by another carrier) are kept: each is the marketing
  airline's route. Routes with stops > 0 (11) are kept with their stop count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile
from amity.sources._base import read_csv

__all__ = ["DATASETS", "SNAPSHOT"]

#: The date amity attaches to the route snapshot ("as of June 2014").
SNAPSHOT = dt.date(2014, 6, 1)
_NULL = "\\N"
_AIRPORT_COLUMNS = ("id", "name", "city", "country", "iata", "icao", "latitude", "longitude",
                    "altitude", "timezone", "dst", "tz", "type", "source")
_ROUTE_COLUMNS = ("airline", "airline_id", "src", "src_id", "dst", "dst_id", "codeshare",
                  "stops", "equipment")
# OpenFlights names that amity's crosswalk cannot take alone (ambiguous in general)
_NAME_OVERRIDES = {"Virgin Islands": "VIR"}


def _nulls(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.mask(frame == _NULL)


def _read_airports(path: Path, on_bad_lines: OnBadLines) -> tuple[pd.DataFrame, int]:
    columns = {c: "VARCHAR" for c in _AIRPORT_COLUMNS} | {"id": "BIGINT"}
    frame, skipped = read_csv(path, columns, header=False, on_bad_lines=on_bad_lines,
                              keep=["id", "country", "iata", "icao"])
    return _nulls(frame), skipped


def _country_iso3(names: pd.Series, table: pd.DataFrame) -> pd.Series:
    """Airport country names → ISO3: countries.dat's ISO2 first, then amity's names."""
    iso2 = table.dropna(subset=["iso2"]).drop_duplicates("name").set_index("name")["iso2"]
    by_iso2 = countries.iso3_from(names.map(iso2), "iso2")
    by_name = countries.iso3_from(names, "name")
    override = names.map(_NAME_OVERRIDES).astype("string")
    return by_iso2.fillna(by_name).fillna(override)


def _endpoint(codes: pd.Series, ids: pd.Series, lookups: list[pd.DataFrame]) -> pd.Series:
    """Country of each route endpoint: by airport id, then IATA, then ICAO, file by file."""
    out = pd.Series(pd.NA, index=codes.index, dtype="string")
    for airports in lookups:
        by_id = airports.drop_duplicates("id").set_index("id")["iso3"]
        by_iata = airports.dropna(subset=["iata"]).drop_duplicates("iata").set_index("iata")["iso3"]
        by_icao = airports.dropna(subset=["icao"]).drop_duplicates("icao").set_index("icao")["iso3"]
        num = pd.to_numeric(ids, errors="coerce")
        for found in (num.map(by_id), codes.map(by_iata), codes.map(by_icao)):
            out = out.fillna(found.astype("string"))
    return out


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    rpath = paths["routes.dat"]
    routes, skipped = read_csv(rpath, {c: "VARCHAR" for c in _ROUTE_COLUMNS} | {"stops": "BIGINT"},
                               header=False, on_bad_lines=on_bad_lines,
                               keep=["airline", "src", "src_id", "dst", "dst_id", "stops"])
    routes = _nulls(routes)
    for col in ("airline", "src", "dst", "stops"):
        missing = routes[col].isna()
        if missing.any():
            row = int(missing.to_numpy().nonzero()[0][0])
            raise SourceFormatError(rpath, f"empty {col}", column=col,
                                    line=row + 1 if not skipped else None)
    table, n = read_csv(paths["countries.dat"], {"name": "VARCHAR", "iso2": "VARCHAR",
                                                 "dafif": "VARCHAR"}, header=False,
                        on_bad_lines=on_bad_lines)
    table = _nulls(table)
    skipped += n
    notes: list[str] = []
    lookups = []
    for name in ("airports.dat", "airports-extended.dat"):
        airports, n = _read_airports(paths[name], on_bad_lines)
        skipped += n
        airports["iso3"] = _country_iso3(airports["country"], table)
        unknown = sorted(airports.loc[airports["iso3"].isna(), "country"].dropna().unique())
        if unknown:
            notes.append(f"{name}: country names not in amity's crosswalk: {unknown}")
        lookups.append(airports)
    src = _endpoint(routes["src"], routes["src_id"], lookups)
    dst = _endpoint(routes["dst"], routes["dst_id"], lookups)
    only_main = _endpoint(routes["src"], routes["src_id"], lookups[:1]).isna() | _endpoint(
        routes["dst"], routes["dst_id"], lookups[:1]).isna()
    unresolved = src.isna() | dst.isna()
    rescued = int((only_main & ~unresolved).sum())
    notes.append(f"routes.dat: {int(only_main.sum())} routes have an endpoint airports.dat "
                 f"does not know; airports-extended.dat resolves {rescued}; "
                 f"{int(unresolved.sum())} keep an unknown (NA) country")
    out = pd.DataFrame({
        "airline": routes["airline"], "src_airport": routes["src"], "dst_airport": routes["dst"],
        "src_iso3": src, "dst_iso3": dst, "stops": routes["stops"], "snapshot": SNAPSHOT,
    })
    return ParseResult({"air_routes": out}, skipped=skipped, notes=notes)


_GH = ("https://raw.githubusercontent.com/jpatokal/openflights/"
       "5a0360255a5a2ff2b9f1e9cb199716da68a8a33f/data")
_FILES = {
    "routes.dat": "bd373706238134f619c624c606dccc74c05c2582a977c489c81de501735f2390",
    "airports.dat": "9387cdb38df5bd664da823f8ccb69fdd9b33a1888f5b7cca09c34a3cd9ff59f9",
    "airports-extended.dat": "7579a583b42fdf323bd689abfb1246634d9d8c0a10b6cdde79ff7c454fb957e5",
    "countries.dat": "5cbd1a7da0f4f8003f595d22d80f025f483caad7a0672354ef9bc70221d348ed",
}
DATASETS = (
    Dataset(
        source="openflights", release="2014-06",
        title="OpenFlights airport, airline and route databases (routes as of June 2014)",
        publisher="OpenFlights.org", homepage="https://openflights.org/data.php",
        citation="OpenFlights.org, \"Airport, airline and route databases\", "
        "https://openflights.org/data.php (GitHub jpatokal/openflights, snapshot 5a03602)",
        licence="Open Database License (ODbL) 1.0; attribution \"OpenFlights.org\"",
        files=tuple(RemoteFile(f"openflights/{name}", sha, f"{_GH}/{name}")
                    for name, sha in _FILES.items()),
        parse=_parse, tables=("air_routes",),
        caveats=("one snapshot of scheduled routes (June 2014), not a time series",
                 "codeshare routes are counted for the marketing airline"),
    ),
)
