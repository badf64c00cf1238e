"""The ingest pipeline: find each source's files, parse them, hand them to the store.

:func:`setup` walks the registry of sources (every source, or the ones named), locating
files in the mirror, the cache or by download (:mod:`amity.fetch`), and skips releases
whose files are unchanged. :func:`ingest_files` ingests files the user names (``amity
ingest``). :mod:`amity.ingest.gdelt` streams GDELT's files for a date range into the
store (``amity fetch gdelt``). Building the panel and the index after an ingest is the
index's job (:func:`amity.index.setup` runs both).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from amity._contract import Dataset, OnBadLines
from amity._exceptions import FetchError, HashMismatchError, InputError
from amity.fetch import file_hash, locate
from amity.sources import all_datasets, get_dataset, source_names, user_dataset
from amity.store import IngestReport, Store

__all__ = ["SetupEvent", "check_sources", "ingest_files", "setup"]


@dataclass(frozen=True)
class SetupEvent:
    """Progress of :func:`setup`: a dataset started, was ingested, unchanged or skipped."""

    dataset: Dataset
    status: str  # "start" | "ingested" | "unchanged" | "missing" | "failed" (hash mismatch)
    detail: str = ""
    report: IngestReport | None = None


def _fingerprint(dataset: Dataset, paths: dict[str, Path]) -> dict[str, str]:
    if not dataset.files:  # amity's own tables: the packaged data files
        data = Path(str(resources.files("amity") / "data"))
        return {p.relative_to(data).as_posix(): file_hash(p)
                for p in sorted(data.glob(dataset.package_files))}
    return {name: file_hash(path) for name, path in paths.items()}


def _run(store: Store, dataset: Dataset, paths: dict[str, Path],
         on_bad_lines: OnBadLines, hashes: dict[str, str],
         on_write: Callable[[str], None] | None = None,
         allow_shrink: bool = False) -> IngestReport:
    result = dataset.parse(paths, on_bad_lines)
    return store.ingest(dataset, result, hashes, on_write=on_write, allow_shrink=allow_shrink)


def setup(
    store: Store,
    *,
    mirror: str | os.PathLike[str] | None = None,
    sources: Sequence[str] | None = None,
    on_bad_lines: OnBadLines = "error",
    force: bool = False,
    on_event: Callable[[SetupEvent], None] | None = None,
    on_write: Callable[[str], None] | None = None,
    allow_shrink: bool = False,
) -> list[SetupEvent]:
    """Ingest every source (or ``sources``) from the mirror, the cache or the publishers.

    A release whose files are missing from the mirror (and cannot be downloaded) is
    reported as ``missing``, one whose file fails its hash check as ``failed``, and the
    others go on; a malformed file stops the run with
    :class:`~amity.SourceFormatError`, leaving what is stored intact.

    Returns
    -------
    list of SetupEvent
        The final event of each release.
    """
    wanted = check_sources(sources) if sources else None
    events: list[SetupEvent] = []

    def emit(event: SetupEvent) -> None:
        if event.status != "start":
            events.append(event)
        if on_event:
            on_event(event)

    for dataset in all_datasets():
        if wanted and dataset.source not in wanted:
            continue
        emit(SetupEvent(dataset, "start"))
        try:
            paths = {f.name: locate(f, mirror=mirror) for f in dataset.files}
        except HashMismatchError as exc:  # a corrupt download or mirror file: a failure
            emit(SetupEvent(dataset, "failed", str(exc)))
            continue
        except FetchError as exc:
            emit(SetupEvent(dataset, "missing", str(exc)))
            continue
        hashes = _fingerprint(dataset, paths)
        if not force and store.is_current(dataset, hashes):
            emit(SetupEvent(dataset, "unchanged"))
            continue
        report = _run(store, dataset, paths, on_bad_lines, hashes, on_write, allow_shrink)
        emit(SetupEvent(dataset, "ingested", report=report))
    return events


def check_sources(names: Sequence[str]) -> list[str]:
    """``names`` if every one is a known source, else :class:`~amity.InputError`."""
    unknown = [s for s in names if s not in source_names()]
    if unknown:
        raise InputError(f"unknown source(s) {unknown}. Known: {', '.join(source_names())}")
    return list(names)


def ingest_files(
    store: Store,
    source: str,
    files: Sequence[str | os.PathLike[str]],
    *,
    release: str | None = None,
    on_bad_lines: OnBadLines = "error",
    force: bool = False,
    on_write: Callable[[str], None] | None = None,
    allow_shrink: bool = False,
) -> IngestReport:
    """Ingest the user's own copies of a release's files (``amity ingest``).

    The release is the one whose file names match ``files`` (or ``release``). Files are
    parsed as given (no registry hash check) and their own sha256s are recorded; files
    identical to the stored ones are a no-op unless ``force``.
    """
    paths = {Path(f).name: Path(f) for f in files}
    for path in paths.values():
        if not path.exists():
            raise InputError(f"{path}: no such file. Fix: give the path of a {source} file")
        if not path.is_file():
            kind = "a directory" if path.is_dir() else "not a regular file (a pipe or device?)"
            raise InputError(f"{path}: is {kind}. Fix: give the path of a {source} file "
                             "itself")
    candidates = [get_dataset(source, release)] if release else [
        d for d in all_datasets() if d.source == source]
    if not candidates:
        get_dataset(source)  # raises with the list of sources
    if release is None and (own := user_dataset(source, list(paths.values()))) is not None:
        candidates.append(own)
    for dataset in candidates:
        names = {f.name for f in dataset.files}
        if names and names <= set(paths):
            chosen = {n: paths[n] for n in names}
            hashes = _fingerprint(dataset, chosen)
            if not force and store.is_current(dataset, hashes):
                return IngestReport(dataset.source, dataset.release, "unchanged", {})
            return _run(store, dataset, chosen, on_bad_lines, hashes, on_write, allow_shrink)
    expected = "; ".join(f"{d.release}: {', '.join(f.name for f in d.files)}" for d in candidates)
    raise InputError(f"the files {sorted(paths)} do not make up a release of {source!r}. "
                     f"Expected file names: {expected}")
