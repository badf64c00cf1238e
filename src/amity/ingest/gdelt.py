"""Downloading GDELT event files for a date range and ingesting them one by one.

``amity fetch gdelt --from 2019-10-01 --to 2019-10-31`` calls :func:`fetch_gdelt`:

1. read GDELT's file list: the 2.0 ``masterfilelist.txt`` (lines ``<size> <md5> <url>``)
   or, for 1.0, a list in the same format or GDELT's ``events/index.html`` (links with
   ``MD5:`` values); keep the event files whose name's timestamp falls in the range;
2. skip the files already in the store's ``ingested_files`` with the same MD5 (so an
   interrupted run resumes where it stopped);
3. download the rest with a pool of threads, each into a temporary file that becomes the
   cache file only when its MD5 matches (:func:`amity.fetch.download`): an interrupted or
   corrupt download leaves nothing behind;
4. parse each file in its download thread (:func:`amity.sources.gdelt.read_events`) and
   add the parsed files to the store in the main thread with
   :meth:`amity.store.Store.append_files`, one transaction per batch of about
   :data:`BATCH_ROWS` rows (or whatever is parsed after :data:`FLUSH_SECONDS`), with
   DuckDB's memory capped at :data:`MEMORY_LIMIT`; then delete the downloads (unless
   ``keep_files``).

A file that fails (network, MD5, malformed rows) is reported and the others go on; the
run then raises with the list of failures, and a rerun retries only those. Memory is
bounded by the files in flight (``workers`` + 2) and one batch, not by the number of files.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from amity._contract import Dataset, OnBadLines, ParseResult
from amity._exceptions import AmityError, FetchError, HashMismatchError, InputError
from amity.fetch import cache_dir, download, file_hash
from amity.sources import gdelt
from amity.store import Store

__all__ = ["FETCH_DATASETS", "MASTER_URLS", "FetchReport", "FileEvent", "MasterEntry",
           "fetch_gdelt", "ingest_event_files", "parse_master_list", "select_entries"]

#: Where GDELT lists its event files, by version.
MASTER_URLS = {"v2": "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt",
               "v1": "http://data.gdeltproject.org/events/index.html"}
_NAMES = {"v2": re.compile(r"^(\d{14})\.(?:translation\.)?export\.CSV\.zip$", re.IGNORECASE),
          "v1": re.compile(r"^(?:(\d{8})\.export\.CSV\.zip|(\d{6})\.zip|(\d{4})\.zip)$",
                           re.IGNORECASE)}
_COLUMNS = {"v2": 61, "v1": None}  # 1.0: 58 (daily) or 57 (historical) columns
_HEX = re.compile(r"^[0-9a-fA-F]{32}$")
_HTML_ENTRY = re.compile(r"""href=["']?([^"'\s>]+)["']?[^\n]*?MD5:\s*([0-9a-fA-F]{32})""",
                         re.IGNORECASE)


def _fetch_dataset(version: str) -> Dataset:
    sample = {d.release: d for d in gdelt.DATASETS}[f"{version}-sample"]

    def parse(paths: Any, on_bad_lines: OnBadLines) -> ParseResult:
        raise InputError(f"gdelt/{version} is filled by `amity fetch gdelt --from DATE --to "
                         "DATE`, not by `amity setup`")

    what = "2.0 Event export files (every 15 minutes)" if version == "v2" else \
        "1.0 Event files (daily; monthly and yearly before April 2013)"
    return Dataset(
        source="gdelt", release=version, title=f"GDELT {what} fetched by date range",
        publisher=sample.publisher, citation=sample.citation, licence=sample.licence,
        homepage=sample.homepage, files=(), parse=parse, tables=("events",),
        default=version == "v2", file_period=gdelt.file_period,
        caveats=(("covers the files fetched with `amity fetch gdelt` (see the "
                  "ingested_files table)"), *sample.caveats[1:]))


#: The releases :func:`fetch_gdelt` writes (not in the setup registry: they have no fixed
#: file list).
FETCH_DATASETS = {v: _fetch_dataset(v) for v in ("v1", "v2")}


@dataclass(frozen=True)
class MasterEntry:
    """One file of a GDELT file list."""

    size: int | None
    md5: str
    url: str

    @property
    def name(self) -> str:
        """The file name (last part of the URL)."""
        return urllib.parse.urlsplit(self.url).path.rsplit("/", 1)[-1]


def _iter_list(lines: Iterable[str], base_url: str) -> Iterator[tuple[int, MasterEntry | None]]:
    """(line number, entry) for each entry line; (line number, None) for a malformed one."""
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) == 3 and parts[0].isdigit() and _HEX.match(parts[1]):
            yield number, MasterEntry(int(parts[0]), parts[1].lower(), parts[2])
            continue
        match = _HTML_ENTRY.search(line)
        if match:
            url = urllib.parse.urljoin(base_url, match.group(1))
            yield number, MasterEntry(None, match.group(2).lower(), url)
        elif "<" not in line:  # HTML lines without a file are layout, not errors
            yield number, None


def parse_master_list(text: str, base_url: str = "") -> tuple[list[MasterEntry], list[int]]:
    """Entries of a GDELT file list, and the numbers of the lines that are not entries.

    Reads ``<size> <md5> <url>`` lines (``masterfilelist.txt``), and HTML lines with a link
    and ``MD5: <hex>`` (GDELT 1.0's ``events/index.html``; relative links are resolved
    against ``base_url``). Blank lines are ignored.

    Examples
    --------
    >>> entries, bad = parse_master_list(
    ...     "150383 297a16b493de7cf6ca809a7cc31d0b93 http://data.gdeltproject.org/gdeltv2/"
    ...     "20150218230000.export.CSV.zip\\n\\nnot an entry\\n")
    >>> entries[0].name, entries[0].size, bad
    ('20150218230000.export.CSV.zip', 150383, [3])
    """
    entries, bad = [], []
    for number, entry in _iter_list(text.splitlines(), base_url):
        if entry is None:
            bad.append(number)
        else:
            entries.append(entry)
    return entries, bad


def _period(name: str, version: str) -> tuple[datetime, datetime] | None:
    """The time span an event file of ``version`` covers (None: not such a file)."""
    return gdelt.file_period(name) if _NAMES[version].match(name) else None


def _as_datetime(value: str | date | datetime, *, end: bool) -> datetime:
    """A range bound; a day without a time means the whole day."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            if len(text) in (8, 10) and "T" not in text and ":" not in text:
                day = datetime.strptime(text.replace("-", ""), "%Y%m%d").date()
            else:
                return datetime.fromisoformat(text)
        except ValueError as exc:
            raise InputError(f"{text!r} is not a date. Fix: write it as YYYY-MM-DD (or "
                             "YYYY-MM-DDTHH:MM)") from exc
    moment = datetime.combine(day, datetime.min.time())
    return moment + timedelta(days=1) if end else moment


def select_entries(entries: Iterable[MasterEntry], start: str | date | datetime,
                   end: str | date | datetime, version: str = "v2") -> list[MasterEntry]:
    """The event files of ``version`` whose period overlaps [start, end], oldest first.

    ``end`` given as a day includes that whole day.

    Examples
    --------
    >>> e = [MasterEntry(1, "0" * 32, f"http://x/2019102{d}000000.export.CSV.zip")
    ...      for d in range(4)]
    >>> [x.name[:8] for x in select_entries(e, "2019-10-21", "2019-10-22")]
    ['20191021', '20191022']
    """
    lo, hi = _as_datetime(start, end=False), _as_datetime(end, end=True)
    if lo >= hi:
        raise InputError(f"--from {start} is after --to {end}. Fix: give the earlier date first")
    chosen = {}
    for entry in entries:
        span = _period(entry.name, version)
        if span is not None and span[0] < hi and span[1] > lo:
            chosen[entry.name] = entry  # a name listed twice: the last entry wins
    return sorted(chosen.values(), key=lambda e: e.name)


@dataclass(frozen=True)
class FileEvent:
    """What happened to one file: ``status`` is ingested, failed or skipped (done before)."""

    name: str
    status: str
    rows: int = 0
    skipped_rows: int = 0
    error: str | None = None


@dataclass
class FetchReport:
    """The outcome of :func:`fetch_gdelt` or :func:`ingest_event_files`."""

    release: str
    selected: int = 0
    already_done: int = 0
    downloaded: int = 0
    ingested: int = 0
    rows: int = 0
    skipped_rows: int = 0
    bytes: int = 0
    seconds: float = 0.0
    failed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read_list(url: str, version: str, start: str | date | datetime,
               end: str | date | datetime) -> tuple[list[MasterEntry], list[int]]:
    """The event files of the range from GDELT's list (cached while it reaches ``end``).

    The list is read line by line and only the selected entries are kept: GDELT 2.0's
    ``masterfilelist.txt`` has about a million lines.
    """
    name = Path(urllib.parse.urlsplit(url).path).name or "filelist"
    dest = cache_dir() / "gdelt" / f"filelist-{version}-{name}"
    lo, hi = _as_datetime(start, end=False), _as_datetime(end, end=True)
    for attempt in ("cache", "download"):
        if attempt == "download":
            download(url, dest)
        elif not dest.is_file():
            continue
        chosen, bad, newest = [], [], None
        with open(dest, encoding="utf-8", errors="replace") as handle:
            for number, entry in _iter_list(handle, url):
                if entry is None:
                    bad.append(number)
                    continue
                span = _period(entry.name, version)
                if span is not None:
                    newest = span[1] if newest is None else max(newest, span[1])
                    if span[0] < hi and span[1] > lo:
                        chosen.append(entry)
        if attempt == "download" or (newest is not None and newest >= hi):
            return select_entries(chosen, start, end, version), bad
    raise AssertionError("unreachable")


class _Progress:
    """A rich progress bar of bytes (or nothing), safe to advance from threads."""

    def __init__(self, enabled: bool, total: int | None, files: int) -> None:
        self.bar: Any = None
        self.files = files
        self.done = 0
        self._lock = threading.Lock()
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                TransferSpeedColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=False)
            self.task = self.bar.add_task(self._label(), total=total or None)

    def _label(self) -> str:
        return f"GDELT files {self.done}/{self.files}"

    def __enter__(self) -> _Progress:
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.stop()

    def advance(self, nbytes: int) -> None:
        if self.bar and nbytes:
            self.bar.advance(self.task, nbytes)

    def file_done(self) -> None:
        with self._lock:
            self.done += 1
        if self.bar:
            self.bar.update(self.task, description=self._label())


@dataclass
class _Job:
    name: str
    md5: str | None  # None: computed in the worker thread (local files)
    size: int | None
    # get(tick) -> (local path, whether it was downloaded now)
    get: Callable[[Callable[[int, int | None], None]], tuple[Path, bool]]
    delete_after: bool
    stored_md5: str | None = None  # the MD5 ingested_files has for this name, if any


# a worker's result: the job, its events (None: already ingested), path, downloaded now, MD5
_Parsed = tuple[_Job, "gdelt.EventsFile | None", Path, bool, str]


#: Parsed files are appended in batches of about this many rows (one transaction each) ...
BATCH_ROWS = 500_000
#: ... or once the oldest parsed file has waited this long (slow downloads still commit).
FLUSH_SECONDS = 2.0
#: DuckDB's memory during a run (its cache of the store's blocks included), so that memory
#: does not grow with the number of files.
MEMORY_LIMIT = "256MB"


def _run(store: Store, dataset: Dataset, jobs: Sequence[_Job], report: FetchReport, *,
         workers: int, on_bad_lines: OnBadLines, progress: bool, columns: int | None,
         on_file: Callable[[FileEvent], None] | None, batch_rows: int = BATCH_ROWS
         ) -> FetchReport:
    """Download (``job.get``) and parse in threads; append in this thread, in batches."""
    stop = threading.Event()
    started = time.perf_counter()
    total = sum(j.size or 0 for j in jobs) or None
    def work(job: _Job, bar: _Progress) -> _Parsed:
        seen = [0]

        def tick(done: int, _total: int | None) -> None:
            if stop.is_set():
                raise KeyboardInterrupt  # aborts the download; its temporary file is deleted
            bar.advance(done - seen[0])
            seen[0] = done

        path, fresh = job.get(tick)
        md5 = job.md5 or file_hash(path, "md5")
        if job.stored_md5 == md5:  # a local file already ingested
            return job, None, path, fresh, md5
        return job, gdelt.read_events(path, on_bad_lines=on_bad_lines, columns=columns,
                                      name=job.name), path, fresh, md5

    def failed(job: _Job, exc: AmityError) -> None:
        report.failed.append((job.name, str(exc)))
        errors.append(exc)
        bar.file_done()
        if on_file:
            on_file(FileEvent(job.name, "failed", error=str(exc)))

    def flush() -> None:
        batch = list(buffer)
        buffer.clear()
        waiting[0] = None
        if not batch:
            return
        try:
            store.append_files(dataset, [
                (job.name, md5, ParseResult({"events": ev.table}, ev.skipped, ev.notes))
                for job, ev, _, md5 in batch])
        except AmityError as exc:
            for job, *_ in batch:
                failed(job, exc)
            return
        for job, events, path, _ in batch:
            report.ingested += 1
            report.rows += events.table.num_rows
            report.skipped_rows += events.skipped
            report.notes += [n for n in events.notes if n not in report.notes
                             ][:max(0, 20 - len(report.notes))]
            if job.delete_after:
                path.unlink(missing_ok=True)
            bar.file_done()
            if on_file:
                on_file(FileEvent(job.name, "ingested", events.table.num_rows, events.skipped))

    def finish(future: Future) -> None:
        job = pending.pop(future)
        try:
            job, events, path, fresh, md5 = future.result()
        except AmityError as exc:
            failed(job, exc)
            return
        report.downloaded += fresh
        report.bytes += path.stat().st_size
        if events is None:
            report.already_done += 1
            bar.file_done()
            return
        buffer.append((job, events, path, md5))
        if waiting[0] is None:
            waiting[0] = time.monotonic()

    errors: list[AmityError] = []
    pending: dict[Future, _Job] = {}
    buffer: list[tuple[_Job, gdelt.EventsFile, Path, str]] = []
    waiting: list[float | None] = [None]  # when the oldest buffered file was parsed
    queue = deque(jobs)
    # files in flight: enough that the parsing threads stay busy while this one writes a
    # batch (a batch is ~10 files of 50,000 events); memory stays bounded by this number
    in_flight = 2 * max(1, workers) + 8
    with _Progress(progress, total, len(jobs)) as bar, store.settings(memory_limit=MEMORY_LIMIT), \
            ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="gdelt") as pool:
        try:
            while queue or pending:
                while queue and len(pending) < in_flight:
                    job = queue.popleft()
                    pending[pool.submit(work, job, bar)] = job
                done, _ = wait(list(pending), timeout=FLUSH_SECONDS,
                               return_when=FIRST_COMPLETED)
                for future in done:
                    finish(future)
                rows = sum(ev.table.num_rows for _, ev, _, _ in buffer)
                if rows >= batch_rows or (waiting[0] is not None and
                                          time.monotonic() - waiting[0] >= FLUSH_SECONDS):
                    flush()
            flush()
        except BaseException:
            stop.set()
            for future in pending:
                future.cancel()
            raise
    report.seconds = time.perf_counter() - started
    if errors:
        if len(errors) == 1:
            raise errors[0]
        lines = "; ".join(f"{name}: {msg}" for name, msg in report.failed[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        cls = HashMismatchError if all(isinstance(e, HashMismatchError) for e in errors) \
            else FetchError
        raise cls(f"{len(errors)} of {len(jobs)} GDELT files failed, the other "
                  f"{report.ingested} were ingested: {lines}{more}. Fix: rerun the same "
                  "command to retry only the failed files")
    return report


def fetch_gdelt(
    store: Store,
    start: str | date | datetime,
    end: str | date | datetime,
    *,
    version: str = "v2",
    master_url: str | None = None,
    workers: int = 4,
    on_bad_lines: OnBadLines = "error",
    progress: bool = True,
    keep_files: bool = False,
    on_file: Callable[[FileEvent], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> FetchReport:
    """Download GDELT event files of a date range and ingest them, resuming where a run stopped.

    CLI: ``amity fetch gdelt --from 2019-10-01 --to 2019-10-31 [--version v2|v1]
    [--master-url URL] [--workers 4] [--on-bad-lines error|skip] [--keep-files]``.

    Parameters
    ----------
    store
        An open, writable store; rows go to source ``gdelt``, release ``version``.
    start, end
        The range (``"2019-10-01"``, a ``date`` or a ``datetime``); a day includes the whole
        day. A file is selected when the period its name gives (15 minutes, a day, a month
        or a year) overlaps the range; its events keep their own dates.
    version
        ``"v2"`` (2.0 export files, 2015-02-18 onwards) or ``"v1"`` (1.0 files, 1979 on).
    master_url
        The file list (default :data:`MASTER_URLS`); ``AMITY_BASE_URL`` redirects it and
        every file to a mirror server.
    workers
        Download-and-parse threads.
    on_bad_lines
        ``"error"``: a file with a malformed row fails (nothing of it stored) and the run
        goes on with the others; ``"skip"``: such rows are dropped and counted.
    progress
        Show a progress bar of bytes on standard error.
    keep_files
        Keep the downloaded zip files in the cache (default: delete each once ingested).
    on_file
        Called in the main thread with a :class:`FileEvent` after each file.
    batch_rows
        Parsed files are appended in one transaction per about this many rows (or per
        file waiting :data:`FLUSH_SECONDS`); an interrupted run keeps every committed
        batch, and a rerun fetches the rest.

    Returns
    -------
    FetchReport
        Files selected, already done, downloaded, ingested; rows; skipped rows; bytes.

    Raises
    ------
    FetchError, HashMismatchError, SourceFormatError
        After the run, when files failed: one failure re-raises its own error, several
        are listed in one :class:`FetchError`. Ingested files stay; a rerun retries the
        failed ones only.
    """
    if version not in MASTER_URLS:
        raise InputError(f"unknown GDELT version {version!r}. Fix: use v2 or v1")
    dataset = FETCH_DATASETS[version]
    url = master_url or MASTER_URLS[version]
    select_entries([], start, end, version)  # checks the range before any download
    chosen, bad = _read_list(url, version, start, end)
    report = FetchReport(dataset.release, selected=len(chosen))
    if bad:
        report.notes.append(f"{len(bad)} lines of the file list are not entries (first: line "
                            f"{bad[0]}); the list may be truncated")
    done = store.ingested_files("gdelt", version)
    known = dict(zip(done["file_key"], done["hash"], strict=True))
    todo = [e for e in chosen if known.get(e.name) != e.md5]
    report.already_done = len(chosen) - len(todo)
    folder = cache_dir() / "gdelt" / version
    for stale in folder.glob(".*.part"):  # downloads a killed run left (the store's writer
        stale.unlink(missing_ok=True)     # lock keeps other runs out of this folder)

    def getter(entry: MasterEntry) -> Callable[..., tuple[Path, bool]]:
        def get(tick: Callable[[int, int | None], None]) -> tuple[Path, bool]:
            dest = folder / entry.name
            if dest.is_file() and file_hash(dest, "md5") == entry.md5:
                tick(dest.stat().st_size, entry.size)  # downloaded by an interrupted run
                return dest, False
            try:
                return download(entry.url, dest, expected=entry.md5, algorithm="md5",
                                progress=tick), True
            except HashMismatchError as exc:
                raise HashMismatchError(
                    f"{entry.name}: the download's MD5 is not the {entry.md5} of GDELT's file "
                    f"list ({exc}). Nothing of the file was stored. Fix: rerun to download it "
                    "again; if it fails again, the server's copy is corrupt") from exc
        return get

    jobs = [_Job(e.name, e.md5, e.size, getter(e), not keep_files) for e in todo]
    return _run(store, dataset, jobs, report, workers=workers, on_bad_lines=on_bad_lines,
                progress=progress, columns=_COLUMNS[version], on_file=on_file,
                batch_rows=batch_rows)


def _local_getter(path: Path) -> Callable[..., tuple[Path, bool]]:
    def get(tick: Callable[[int, int | None], None]) -> tuple[Path, bool]:
        tick(path.stat().st_size, None)
        return path, False
    return get


def ingest_event_files(
    store: Store,
    paths: Iterable[str | Path],
    *,
    version: str = "v2",
    workers: int = 2,
    on_bad_lines: OnBadLines = "error",
    progress: bool = False,
    force: bool = False,
    on_file: Callable[[FileEvent], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> FetchReport:
    """Ingest local GDELT event files (zip, gz or plain) into ``gdelt/<version>``.

    Files already ingested with the same MD5 are skipped unless ``force``. Hashing and
    parsing run in ``workers`` threads; this one appends in batches (see
    :func:`fetch_gdelt`); the files are not deleted.
    """
    if version not in FETCH_DATASETS:
        raise InputError(f"unknown GDELT version {version!r}. Fix: use v2 or v1")
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise InputError(f"{path}: no such file. Fix: give the path of a GDELT event file")
    done = store.ingested_files("gdelt", version)
    known = {} if force else dict(zip(done["file_key"], done["hash"], strict=True))
    report = FetchReport(version, selected=len(files))
    jobs = [_Job(path.name, None, path.stat().st_size, _local_getter(path), False,
                 known.get(path.name)) for path in files]
    return _run(store, FETCH_DATASETS[version], jobs, report, workers=workers,
                on_bad_lines=on_bad_lines, progress=progress, columns=_COLUMNS[version],
                on_file=on_file, batch_rows=batch_rows)
