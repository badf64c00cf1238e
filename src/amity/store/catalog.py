"""The release catalogue: what the store holds, release by release, and from which files.

Two tables of :data:`amity._schema.CATALOG`, written only here:

``datasets``
    One row per source and release (:class:`Release`): provenance, rows per table,
    coverage years, caveats, notes, ``scope`` (what the rows cover and mean, as the
    parser says) and, for tables amity derives from others (the panel and the index),
    ``inputs`` (the releases they were built from). JSON columns are decoded here and
    nowhere else.
``ingested_files``
    One row per file of a release: its hash (sha256; the publisher's MD5 for streamed
    GDELT files), rows (appended files), the period it covers (event files) and the
    Parquet part holding its rows (appended files).

``format`` records the catalogue format of a row: a release recorded by an older amity
(a lower :data:`FORMAT`) is not current, so ``amity setup`` ingests it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from amity._exceptions import MissingDataError
from amity._schema import CATALOG

__all__ = ["FORMAT", "Catalog", "FileRecord", "Release", "merged_notes", "now", "split_spec",
           "totals_after"]

#: The catalogue format this amity writes; rows of an older format are re-ingested.
FORMAT = 3
_JSON = ("tables", "caveats", "notes", "scope", "inputs")


def split_spec(spec: str) -> tuple[str, str | None]:
    """``"source/release"`` → (source, release); ``"source"`` → (source, None).

    Examples
    --------
    >>> split_spec("unvotes/voeten-2017"), split_spec("cow_trade")
    (('unvotes', 'voeten-2017'), ('cow_trade', None))
    """
    source, _, release = spec.strip().partition("/")
    return source, release or None


@dataclass
class Release:
    """One row of the catalogue: a release of a source (or of amity's derived tables)."""

    source: str
    release: str
    title: str = ""
    publisher: str = ""
    citation: str = ""
    licence: str = ""
    homepage: str = ""
    tables: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    coverage_start: int | None = None
    coverage_end: int | None = None
    caveats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scope: dict[str, Any] = field(default_factory=dict)
    inputs: list[list[str]] = field(default_factory=list)
    skipped_rows: int = 0
    is_default: bool = True
    ingested_at: datetime | None = None
    amity_version: str = ""
    format: int = FORMAT

    @property
    def key(self) -> str:
        """``source/release``."""
        return f"{self.source}/{self.release}"


@dataclass(frozen=True)
class FileRecord:
    """One file of a release, as ``ingested_files`` records it."""

    file_key: str
    hash: str | None
    rows: int | None = None
    skipped_rows: int = 0
    part: str | None = None
    period: tuple[datetime, datetime] | None = None


def _decode(frame: pd.DataFrame) -> list[Release]:
    out = []
    for rec in frame.to_dict(orient="records"):
        values: dict[str, Any] = {}
        for name in CATALOG["datasets"].columns:
            v = rec.get(name)
            if v is None or (not isinstance(v, str | list | dict) and pd.isna(v)):
                v = None
            if name in _JSON:
                v = json.loads(v) if isinstance(v, str) and v else None
            values[name] = v
        release = Release(values.pop("source"), values.pop("release"))
        for name, v in values.items():
            if v is not None:
                setattr(release, name, int(v) if name in ("rows", "coverage_start",
                                                           "coverage_end", "skipped_rows",
                                                           "format") else
                        bool(v) if name == "is_default" else
                        pd.Timestamp(v).to_pydatetime() if name == "ingested_at" else v)
        out.append(release)
    return out


class Catalog:
    """The catalogue of one open store (``con``: its DuckDB connection, or None on a
    backend without one; ``read``: a function name → DataFrame of a whole catalogue
    table, for the other backends)."""

    def __init__(self, con: Any, read: Any = None) -> None:
        self._con = con
        self._read = read
        self._cache: dict[str, pd.DataFrame] = {}

    def invalidate(self) -> None:
        """Forget what was read (after a write, a commit or a rollback)."""
        self._cache.clear()

    # -- reading -------------------------------------------------------------------
    def _frame(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def _load(self, name: str) -> pd.DataFrame:
        if self._con is None:
            return self._read(name)
        exists = self._con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = "
            "'main' AND database_name = current_database()", [name]).fetchone()[0]
        if not exists:
            return pd.DataFrame(columns=list(CATALOG[name].columns))
        return self._con.execute(f'SELECT * FROM "{name}" ORDER BY source, release').df()

    def all(self) -> list[Release]:
        """Every release in the store, by source and release."""
        return _decode(self._frame("datasets"))

    def get(self, source: str, release: str) -> Release | None:
        """The release, or None when the store does not hold it."""
        return next((r for r in self.all() if r.source == source and r.release == release),
                    None)

    def frame(self) -> pd.DataFrame:
        """The catalogue as a DataFrame (JSON columns decoded), one row per release."""
        releases = self.all()
        columns = list(CATALOG["datasets"].columns)
        if not releases:
            return pd.DataFrame(columns=columns)
        frame = pd.DataFrame([asdict(r) for r in releases])[columns]
        return frame.astype({"rows": "int64", "coverage_start": "Int64",
                             "coverage_end": "Int64", "skipped_rows": "int64",
                             "is_default": "bool", "format": "int64",
                             "ingested_at": "datetime64[us]"})

    def releases(self, source: str) -> list[str]:
        """Releases of ``source`` in the store, the default first."""
        found = [r for r in self.all() if r.source == source]
        found.sort(key=lambda r: (not r.is_default, r.release))
        return [r.release for r in found]

    def resolve(self, spec: str, *, option: str = "--source") -> tuple[str, str]:
        """``"source[/release]"`` → (source, release in the store; the default if none given).

        Raises
        ------
        UnknownSourceError
            amity knows no such source or release (a usage error); the message lists
            the known ones.
        MissingDataError
            The source, or that release of it, is not in the store; the message names
            the ``amity setup`` step.
        """
        source, release = split_spec(spec)
        releases = self.releases(source)
        if not releases:
            from amity.sources import get_dataset  # a name amity knows? (else exit 2)

            get_dataset(source, release)
            raise MissingDataError(f"{option} {spec}: that source is not in the store. Fix: "
                                   f"run `amity setup --source {source}` (see `amity sources`)")
        if release is not None and release not in releases:
            from amity.sources import get_dataset, source_names

            if source in source_names():  # a release amity does not know: exit 2
                get_dataset(source, release)
            raise MissingDataError(f"{option} {spec}: release {release!r} is not in the store "
                                   f"(have {releases})")
        return source, release or releases[0]

    def files(self, source: str | None = None, release: str | None = None) -> pd.DataFrame:
        """``ingested_files`` rows (of one source and release), by source, release, file."""
        frame = self._frame("ingested_files")
        if source is not None:
            frame = frame[frame["source"] == source]
        if release is not None:
            frame = frame[frame["release"] == release]
        return frame.sort_values(["source", "release", "file_key"], ignore_index=True)

    def file_hashes(self, source: str, release: str) -> dict[str, str]:
        """File name → hash of the release's files (empty when not stored)."""
        frame = self.files(source, release)
        return dict(zip(frame["file_key"], frame["hash"], strict=True))

    def periods(self, source: str, release: str) -> list[tuple[datetime, datetime]]:
        """The periods ``[start, end)`` the release's files cover, as recorded at ingest."""
        frame = self.files(source, release).dropna(subset=["period_start", "period_end"])
        return [(pd.Timestamp(s).to_pydatetime(), pd.Timestamp(e).to_pydatetime())
                for s, e in zip(frame["period_start"], frame["period_end"], strict=True)]

    # -- writing (inside the caller's transaction) ---------------------------------------
    def create(self) -> None:
        """Create the catalogue tables if absent, and add columns of a newer format."""
        for name, spec in CATALOG.items():
            cols = ", ".join(f'"{c}" {t}' for c, t in spec.columns.items())
            key = ", ".join(spec.key)
            self._con.execute(f'CREATE TABLE IF NOT EXISTS "{name}" ({cols}, '
                              f"PRIMARY KEY ({key}))")
            have = {r[0] for r in self._con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND "
                "database_name = current_database()", [name]).fetchall()}
            for col, kind in spec.columns.items():
                if col not in have:
                    self._con.execute(f'ALTER TABLE "{name}" ADD COLUMN "{col}" {kind}')

    def write(self, release: Release) -> None:
        """Replace the release's catalogue row with ``release``."""
        self.invalidate()
        values = asdict(release)
        for name in _JSON:
            values[name] = json.dumps(values[name])
        if values["ingested_at"] is None:
            values["ingested_at"] = now()
        cols = list(CATALOG["datasets"].columns)
        self._con.execute("DELETE FROM datasets WHERE source = ? AND release = ?",
                          [release.source, release.release])
        self._con.execute(f"INSERT INTO datasets ({', '.join(cols)}) VALUES "
                          f"({', '.join('?' for _ in cols)})", [values[c] for c in cols])

    def write_files(self, source: str, release: str, files: Sequence[FileRecord], *,
                    replace_all: bool = False) -> None:
        """Record ``files`` of the release (replacing rows of the same names, or every
        row of the release with ``replace_all``)."""
        self.invalidate()
        if replace_all:
            self._con.execute("DELETE FROM ingested_files WHERE source = ? AND release = ?",
                              [source, release])
        elif files:
            marks = ", ".join("?" for _ in files)
            self._con.execute(f"DELETE FROM ingested_files WHERE source = ? AND release = ? "
                              f"AND file_key IN ({marks})",
                              [source, release, *(f.file_key for f in files)])
        if not files:
            return
        stamp = now()
        self._con.executemany(
            "INSERT INTO ingested_files (source, release, file_key, hash, rows, skipped_rows, "
            "ingested_at, part, period_start, period_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[source, release, f.file_key, f.hash, f.rows, f.skipped_rows, stamp, f.part,
              *(f.period or (None, None))] for f in files])

    def replace_parts(self, source: str, release: str, old: str, new: str | None) -> None:
        """Point the release's files whose rows were in part ``old`` to part ``new``."""
        self.invalidate()
        self._con.execute("UPDATE ingested_files SET part = nullif(replace(part, ?, ?), '') "
                          "WHERE source = ? AND release = ? AND part LIKE ?",
                          [old, new or "", source, release, f"%{old}%"])

    def part_names(self, source: str | None = None, release: str | None = None) -> list[str]:
        """The Parquet parts the files list (of one release), relative to the parts folder."""
        if self._con is None:
            return []
        where = "" if source is None else " AND source = ? AND release = ?"
        params = [] if source is None else [source, release]
        exists = self._con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ingested_files' AND "
            "schema_name = 'main' AND database_name = current_database()").fetchone()[0]
        if not exists:
            return []
        return [r[0] for r in self._con.execute(
            "SELECT DISTINCT unnest(string_split(part, ';')) FROM ingested_files "
            f"WHERE part IS NOT NULL{where} ORDER BY 1", params).fetchall()]

    def appended_totals(self, source: str, release: str) -> tuple[int, int]:
        """(files, skipped rows) the release's ``ingested_files`` rows add up to."""
        n, skipped = self._con.execute(
            "SELECT count(*), sum(skipped_rows) FROM ingested_files WHERE source = ? AND "
            "release = ?", [source, release]).fetchone()
        return int(n), int(skipped or 0)

    def derived_inputs(self, exclude: str) -> list[list[str]]:
        """``[source, release, ingested_at]`` of every release but ``exclude``'s: what a
        derived table set is built from."""
        return [list(r) for r in self._con.execute(
            "SELECT source, release, CAST(ingested_at AS VARCHAR) FROM datasets "
            "WHERE source <> ? ORDER BY 1, 2", [exclude]).fetchall()]


def now() -> datetime:
    """The current UTC time without a zone, as the catalogue stores times."""
    return datetime.now(UTC).replace(tzinfo=None)


def merged_notes(old: Iterable[str], new: Iterable[str], limit: int = 50) -> list[str]:
    """Notes of a release after an append: the old ones, then new ones not yet there."""
    return list(dict.fromkeys([*old, *new]))[:limit]


def totals_after(tables: Mapping[str, int], deltas: Mapping[str, int]) -> dict[str, int]:
    """Rows per table after an append that changed each table's rows by ``deltas``."""
    out = dict(tables)
    for name, delta in deltas.items():
        out[name] = int(out.get(name, 0)) + delta
    return out
