"""What every ``amity update`` connector shares: options, requests, resume, ingest, progress.

A connector (:mod:`amity.ingest.comtrade`, :mod:`~amity.ingest.imf`,
:mod:`~amity.ingest.worldbank`, :mod:`~amity.ingest.sipri`) turns its publisher's API
into releases of an amity source. For each release it lists its requests (:class:`Call`,
one cached file each) and hands them to :meth:`Runner.fetch`, then the files to
:meth:`Runner.ingest`:

* **resume**: each answer is written to ``$AMITY_HOME/cache/<source>/<release>/<key>``
  by a temporary file and an atomic move (:class:`~amity.apiclient.ApiClient`); a cached
  answer whose hash is not the one the store recorded for that file is the work of an
  interrupted run and is used as it is, not asked again;
* **only what is new**: a cached answer whose hash the store already holds is asked again
  (to learn whether the publisher revised it), and :meth:`Runner.ingest` ingests a release
  only when the hashes of its answers differ from the ones recorded with it
  (:meth:`amity.store.Store.is_current`); identical answers are a no-op;
* **atomic**: the release is ingested in one transaction (:meth:`Store.ingest`) after
  every answer has arrived, so an interrupted update leaves the store as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from amity._contract import Dataset, ParseFn
from amity.apiclient import ApiClient
from amity.fetch import cache_dir, file_hash
from amity.store import Store

__all__ = ["Call", "Options", "ReleaseOutcome", "Runner", "SourceReport", "Tracker",
           "year_plan"]


@dataclass(frozen=True)
class Options:
    """Settings of one ``amity update`` run (the defaults are what the CLI uses).

    Attributes
    ----------
    years
        First and last year to ask for (inclusive); None: each connector's default (the
        years after what the store holds, at most ``lookback`` years back).
    today
        The day of the update (tests fix it).
    comtrade_key
        Comtrade+ API key; None reads ``COMTRADE_API_KEY`` (no key: keyless preview).
    comtrade_reporters, imts_reporters, wdi_countries
        Who to ask for: Comtrade reporter codes (keyless mode), IMF ISO3 reporters, World
        Bank country codes (``"all"``); None: the connector's default.
    wdi_indicators
        World Bank indicators to ask for (default both of
        :data:`amity.sources.wdi_api.INDICATORS`).
    wdi_per_page
        World Bank page size.
    min_interval, backoff, retries, timeout
        Passed to every :class:`~amity.apiclient.ApiClient` (None: the publisher's own
        pace).
    recheck_years
        Stored yearly releases this recent (``today.year - recheck_years`` on) are asked
        again for revisions and late reporters; older ones are not fetched again.
    lookback
        Years before ``today`` a connector starts at when the store holds nothing newer.
    """

    years: tuple[int, int] | None = None
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    comtrade_key: str | None = None
    comtrade_reporters: tuple[int, ...] | None = None
    imts_reporters: tuple[str, ...] | None = None
    wdi_countries: tuple[str, ...] | None = None
    wdi_indicators: tuple[str, ...] | None = None
    wdi_per_page: int = 20000
    min_interval: float | None = None
    backoff: float = 2.0
    retries: int = 4
    timeout: float = 120.0
    recheck_years: int = 2
    lookback: int = 6

    def client(self, publisher: str, min_interval: float, **kwargs: Any) -> ApiClient:
        """An API client with these settings and the publisher's pace."""
        pace = self.min_interval if self.min_interval is not None else min_interval
        return ApiClient(publisher, min_interval=pace, backoff=self.backoff,
                         retries=self.retries, timeout=self.timeout, **kwargs)

    def key(self) -> str | None:
        """The Comtrade+ API key: the option, else ``COMTRADE_API_KEY`` (read now)."""
        return self.comtrade_key if self.comtrade_key is not None else (
            os.environ.get("COMTRADE_API_KEY") or None)


@dataclass(frozen=True)
class Call:
    """One API request, answered by one cached file ``key`` of a release."""

    key: str
    url: str
    params: Mapping[str, object] = field(default_factory=dict)
    data: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class ReleaseOutcome:
    """What happened to one release: ``ingested``, ``unchanged`` or ``skipped``."""

    release: str
    status: str
    rows: int = 0
    detail: str = ""


@dataclass
class SourceReport:
    """The outcome of one connector: its releases, requests sent, answers reused."""

    connector: str
    source: str
    releases: list[ReleaseOutcome] = field(default_factory=list)
    requests: int = 0
    reused: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for the terminal."""
        done = [f"{r.release} {r.status}" + (f" ({r.rows:,} rows)" if r.rows else "")
                for r in self.releases] or ["nothing to do"]
        extra = f"; {self.reused} answers reused from an interrupted run" if self.reused else ""
        return (f"{self.source}: {', '.join(done)} [{self.requests} requests{extra}]")


def year_plan(store: Store, source: str, prefix: str, options: Options) -> list[int]:
    """The years a yearly connector asks for, oldest first.

    Without ``options.years``: from the last year any stored release of ``source`` covers
    (at most ``lookback`` years back) to last year. Either way, a year whose release
    ``<prefix>-<year>`` is stored and older than the recheck window is left out: what is
    already ingested is not fetched again.
    """
    this = options.today.year
    if options.years is not None:
        first, last = options.years
    else:
        rows = store.datasets()
        ends = rows.loc[rows["source"] == source, "coverage_end"].dropna()
        first = max(int(ends.max()), this - options.lookback) if len(ends) else \
            this - options.lookback
        last = this - 1
    return [y for y in range(first, last + 1)
            if store.release(source, f"{prefix}-{y}") is None
            or y >= this - options.recheck_years]


class Tracker:
    """A progress bar's task: ``grow`` when requests are planned, ``advance`` when done."""

    def __init__(self, grow: Callable[[int], None] | None = None,
                 advance: Callable[[], None] | None = None) -> None:
        self.grow = grow or (lambda n: None)
        self.advance = advance or (lambda: None)


class Runner:
    """Fetches a release's calls (resuming) and ingests it when it changed.

    Parameters
    ----------
    store
        The open, writable store.
    client
        The publisher's API client.
    report
        Filled as the run goes (requests, reused answers, releases).
    tracker
        The connector's progress (planned and done requests).
    """

    def __init__(self, store: Store, client: ApiClient, report: SourceReport,
                 tracker: Tracker | None = None) -> None:
        self.store = store
        self.client = client
        self.report = report
        self.tracker = tracker or Tracker()

    def folder(self, release: str) -> Path:
        """``$AMITY_HOME/cache/<source>/<release>``."""
        return cache_dir() / self.report.source / release

    def known(self, release: str | None = None) -> dict[str, set[str]]:
        """File key → the hashes the store recorded for it (in ``release``, or in any)."""
        stored = self.store.ingested_files(self.report.source, release)
        known: dict[str, set[str]] = {}
        for key, digest in zip(stored["file_key"], stored["hash"], strict=True):
            known.setdefault(key, set()).add(digest)
        return known

    def fetch(self, release: str, calls: Sequence[Call],
              digest: Callable[[Path], str] = file_hash,
              known: Mapping[str, set[str]] | None = None) -> dict[str, Path]:
        """Every call's answer as a file, from an interrupted run's cache or the API.

        ``known`` (default: the hashes recorded with ``release``) tells the answers
        already ingested: a cached answer among them is asked again, any other cached
        answer is reused.
        """
        known = self.known(release) if known is None else known
        paths = {}
        self.tracker.grow(len(calls))
        for call in calls:
            dest = self.folder(release) / call.key
            for stale in dest.parent.glob(f".{call.key}.*.part"):
                stale.unlink(missing_ok=True)  # left by a run killed mid-download
            if dest.is_file() and digest(dest) not in known.get(call.key, set()):
                self.report.reused += 1  # downloaded by a run that stopped before ingesting
            else:
                before = self.client.requests
                self.client.fetch(call.url, dest, params=call.params, data=call.data,
                                  headers=call.headers)
                self.report.requests += self.client.requests - before
            paths[call.key] = dest
            self.tracker.advance()
        return paths

    def ingest(self, dataset: Dataset, paths: Mapping[str, Path],
               digest: Callable[[Path], str] = file_hash,
               parse: ParseFn | None = None) -> ReleaseOutcome:
        """Ingest ``dataset`` from ``paths`` unless the store holds exactly these answers."""
        hashes = {key: digest(path) for key, path in paths.items()}
        if self.store.is_current(dataset, hashes):
            outcome = ReleaseOutcome(dataset.release, "unchanged")
        else:
            result = (parse or dataset.parse)(dict(paths), "error")
            done = self.store.ingest(dataset, result, hashes)
            outcome = ReleaseOutcome(dataset.release, "ingested", sum(done.rows.values()))
            self.report.notes += [n for n in result.notes if n not in self.report.notes][:20]
        self.report.releases.append(outcome)
        return outcome
