"""SIPRI Arms Transfers Database backend: the trade-register CSV of the new web interface.

The format of ``atbackend.sipri.org/api/p/trades/trade-register-csv/`` (the download of
``armstransfers.sipri.org``), for ``amity update sipri`` (:mod:`amity.ingest.sipri`): a
POST with JSON filters (delivery years ...) answered with JSON ``{"bytes": "<base64>"}``
whose decoded text is a CSV:

* a preamble ("Transfers of major conventional arms from All countries to All
  countries. Deals with deliveries made for the year range '2000' to '2001'", notes on
  TIV, "Source: SIPRI Arms Transfers Database (c) SIPRI.", "Data generated: 10 Feb 2025
  10:52:58 AM");
* the header :data:`HEADER`, then **one row per deal and delivery year**: supplier,
  recipient, designation, ..., ``Delivery year``, ``TIV deal unit`` and ``TIV delivery
  values`` (the TIV, in millions, of the weapons delivered that year under the deal).

Unlike the older register export (:mod:`amity.sources.sipri_register`, one row per deal
with delivery years listed), this one prices each year's deliveries, so
``arms_transfers`` (year, supplier, recipient, tiv) is a plain sum over the rows of a
supplier, recipient and delivery year: no spreading. Sums are not rounded (SIPRI's own TIV
tables show whole millions). Suppliers and recipients are SIPRI's names, mapped to ISO3
with :func:`amity.countries.iso3_from`; non-state actors (``*``), organisations (``**``)
and names that are no state are left out with a note.

:func:`content_hash` hashes the decoded CSV without its "Data generated" line, which
changes on every download: two downloads of the same data have the same hash, so an
update that brings nothing new ingests nothing.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import countries
from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import SourceFormatError

__all__ = ["HEADER", "PUBLISHER", "api_dataset", "content_hash", "decode_response",
           "parse_register", "year_range"]

PUBLISHER = "SIPRI"
#: The CSV's header, as the backend writes it.
HEADER = ("SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description",
          "Armament category", "Order date", "Order date is estimate", "Numbers delivered",
          "Numbers delivered is estimate", "Delivery year", "Delivery year is estimate",
          "Status", "SIPRI estimate", "TIV deal unit", "TIV delivery values",
          "Local production")
_GENERATED = re.compile(r"^Data generated: (.+?)\s*$")
_RANGE = re.compile(r"for the year range '(\d{4})' to '(\d{4})'")
_FIX = "rerun `amity update sipri` to download it again; if it fails again, SIPRI has " \
       "changed its download: report it"


def _where(path: Path) -> str:
    return f"{PUBLISHER} trade-register response {path}"


def decode_response(path: Path) -> str:
    """The CSV text inside one answer (``{"bytes": base64}``).

    Raises
    ------
    SourceFormatError
        Not JSON with a ``bytes`` member, not base64, or no register header inside.
    """
    try:
        doc = json.loads(Path(path).read_bytes())
        raw = base64.b64decode(doc["bytes"], validate=True)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
            binascii.Error) as exc:
        raise SourceFormatError(_where(path), f"not the backend's {{\"bytes\": base64}} JSON "
                                f"({type(exc).__name__}: {exc})", fix=_FIX) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    if ",".join(HEADER) not in text:
        raise SourceFormatError(_where(path), "the decoded CSV has no trade-register header "
                                f"({','.join(HEADER[:3])},...)", fix=_FIX)
    return text


def year_range(path: Path) -> tuple[int, int] | None:
    """The delivery years the answer says it holds (its first line), or None."""
    match = _RANGE.search(decode_response(path).split("\n", 1)[0])
    return (int(match.group(1)), int(match.group(2))) if match else None


def content_hash(path: Path) -> str:
    """SHA-256 of the decoded CSV without its "Data generated" line.

    Examples
    --------
    >>> import json, base64, pathlib, tempfile
    >>> def answer(stamp):
    ...     text = f"Data generated: {stamp}\\n" + ",".join(HEADER) + "\\n"
    ...     path = pathlib.Path(tempfile.mkdtemp()) / "r.json"
    ...     _ = path.write_text(json.dumps({"bytes": base64.b64encode(text.encode()).decode()}))
    ...     return path
    >>> content_hash(answer("1 Jan 2025")) == content_hash(answer("2 Jan 2025"))
    True
    """
    lines = [line for line in decode_response(path).splitlines()
             if not _GENERATED.match(line)]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _kind(name: str) -> str:
    name = name.rstrip()
    return "organisation" if name.endswith("**") else "non-state" if name.endswith("*") else ""


def _read(path: Path, on_bad_lines: OnBadLines) -> tuple[pd.DataFrame, int, str | None]:
    text = decode_response(path)
    lines = text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith(HEADER[0] + ","))
    generated = next((m.group(1) for line in lines[:header_at]
                      if (m := _GENERATED.match(line))), None)
    reader = csv.reader(io.StringIO("\n".join(lines[header_at:])))
    if tuple(next(reader)) != HEADER:
        raise SourceFormatError(_where(path), "unexpected columns", line=header_at + 1,
                                fix=_FIX)
    rows, skipped = [], 0
    for number, fields in enumerate(reader, start=header_at + 2):
        if not fields:
            continue
        record = dict(zip(HEADER, fields, strict=False))
        problem = (f"{len(fields)} fields, not {len(HEADER)}" if len(fields) != len(HEADER)
                   else None)
        year = tiv = None
        if problem is None:
            try:
                year = int(record["Delivery year"])
                tiv = float(record["TIV delivery values"]) if record["TIV delivery values"] \
                    else None
            except ValueError:
                problem = (f"delivery year {record['Delivery year']!r} or TIV "
                           f"{record['TIV delivery values']!r} is not a number")
            if tiv is not None and tiv < 0:
                problem = f"negative TIV {tiv}"
            if not record["Supplier"].strip() or not record["Recipient"].strip():
                problem = "empty supplier or recipient"
        if problem:
            if on_bad_lines == "skip":
                skipped += 1
                continue
            raise SourceFormatError(_where(path), f"malformed row: {problem}", line=number,
                                    fix=_FIX + ", or rerun with --on-bad-lines skip")
        if tiv is not None:
            rows.append((year, record["Supplier"].strip(), record["Recipient"].strip(), tiv))
    frame = pd.DataFrame(rows, columns=["year", "supplier_name", "recipient_name", "tiv"])
    return frame, skipped, generated


def parse_register(paths: Mapping[str, Path], on_bad_lines: OnBadLines = "error") -> ParseResult:
    """Canonical ``arms_transfers`` from trade-register answers: TIV summed per year.

    Examples of the sums are in the tests, recomputed from the recorded CSV.
    """
    frames, skipped, notes = [], 0, []
    for _, path in sorted(paths.items()):
        frame, n, generated = _read(path, on_bad_lines)
        frames.append(frame)
        skipped += n
        notes.append(f"{path.name}: SIPRI trade register (backend CSV), data generated "
                     f"{generated or '(no date)'}; {len(frame)} deliveries")
    deals = pd.concat(frames, ignore_index=True)
    names = pd.concat([deals["supplier_name"], deals["recipient_name"]], ignore_index=True)
    kinds = names.map(_kind)
    iso3 = countries.iso3_from(names.where(kinds == ""), "name")
    mapping = dict(zip(names, iso3, strict=True))
    deals["supplier"] = deals["supplier_name"].map(mapping)
    deals["recipient"] = deals["recipient_name"].map(mapping)
    lost = deals["supplier"].isna() | deals["recipient"].isna()
    if lost.any():
        who = sorted(set(deals.loc[deals["supplier"].isna(), "supplier_name"])
                     | set(deals.loc[deals["recipient"].isna(), "recipient_name"]))
        notes.append(f"{int(lost.sum())} deliveries with a party that is no state in amity's "
                     f"crosswalk left out of arms_transfers ({', '.join(who[:10])}"
                     f"{', ...' if len(who) > 10 else ''})")
    kept = deals[~lost]
    out = kept.groupby(["year", "supplier", "recipient"], as_index=False)["tiv"].sum()
    out = out.astype({"year": "int64", "supplier": "string", "recipient": "string",
                      "tiv": "float64"})
    out["tiv"] = out["tiv"].round(6)  # sums of 2-decimal TIVs, without float noise
    scope = {"arms_transfers": {"derived": False, "method": "TIV of each year's deliveries "
                                "(trade-register rows) summed per supplier, recipient and "
                                "year; states only; not rounded"}}
    return ParseResult({"arms_transfers": out[["year", "supplier", "recipient", "tiv"]]},
                       skipped=skipped, notes=notes, scope=scope)


def api_dataset(release: str) -> Dataset:
    """The release ``sipri/<release>`` that ``amity update`` writes.

    Examples
    --------
    >>> api_dataset("atdb-2021-2025").key
    'sipri/atdb-2021-2025'
    """
    return Dataset(
        source="sipri", release=release,
        title=f"SIPRI Arms Transfers Database: TIV of deliveries by supplier, recipient and "
              f"year ({release}, trade register of the database backend, fetched by "
              "`amity update`)",
        publisher="Stockholm International Peace Research Institute (SIPRI), Arms Transfers "
                  "Database (armstransfers.sipri.org)",
        citation="SIPRI Arms Transfers Database, Stockholm International Peace Research "
                 "Institute, https://www.sipri.org/databases/armstransfers",
        licence="SIPRI data: free to use with attribution to SIPRI",
        homepage="https://www.sipri.org/databases/armstransfers", files=(),
        parse=parse_register, tables=("arms_transfers",), default=False,
        caveats=(
            "TIV is SIPRI's volume indicator of major conventional arms in millions, not US "
            "dollars",
            "yearly sums of the register's delivery rows, not rounded (SIPRI's tables show "
            "whole millions, so small differences are rounding)",
            "deliveries to or from non-state actors, organisations and unknown parties are "
            "left out",
        ),
    )
