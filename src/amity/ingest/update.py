"""``amity update [SOURCE ...]``: the newest releases, from the publishers' own APIs.

:func:`update` runs the connectors of :data:`CONNECTORS` (all of :data:`DEFAULTS` when no
source is named) one after the other, each writing **new releases** of an amity source,
so the releases read from the mirror stay as they are:

============== ========================================== ===========================
connector       publisher, endpoint                        release(s) written
============== ========================================== ===========================
comtrade_totals UN Comtrade+ API (keyed or keyless preview) ``api-<year>`` /
                                                           ``preview-<year>``
dots            IMF IMTS (SDMX 2.1)                        ``imts-<year>``
wdi             World Bank API v2 (GDP, population)        ``api-<last data year>``
sipri           SIPRI ATDB backend (trade register)        ``atdb-<first>-<last>``
gdelt           GDELT 2.0 event files (``fetch_gdelt``)    ``v2`` (appended)
============== ========================================== ===========================

Release names say what they hold: the year of the data (yearly APIs), the last year with
data (the WDI, revised as a whole), or the delivery years asked for (SIPRI). Update
releases are never the default release of their source; amity's priority rule uses them
for the years the default releases do not cover (see :mod:`amity.indicators`), and
``--source SOURCE/RELEASE`` selects one explicitly.

Resume and "only what is new" are :mod:`amity.ingest._runner`'s: every answer is cached
(``$AMITY_HOME/cache/<source>/...``, temporary file then move), a killed update reuses
what it downloaded, releases are ingested in one transaction once complete, years the
store already holds are not fetched again (except the recent ones, asked again for
revisions), and a release whose answers did not change is not ingested again. GDELT
continues from the end of the last ingested 15-minute file (:func:`update_gdelt`).

The first connector that fails stops the run with its :class:`~amity.FetchError` or
:class:`~amity.SourceFormatError`, one line naming the publisher and the fix; the
connectors before it keep what they ingested.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from amity._exceptions import FetchError, InputError
from amity.ingest._runner import Options, ReleaseOutcome, SourceReport, Tracker
from amity.ingest.comtrade import update_comtrade
from amity.ingest.imf import update_imts
from amity.ingest.sipri import update_sipri
from amity.ingest.worldbank import update_wdi
from amity.store import Store

__all__ = ["ALIASES", "CONNECTORS", "DEFAULTS", "Connector", "Options", "SourceReport",
           "resolve", "update", "update_gdelt"]


@dataclass(frozen=True)
class Connector:
    """One publisher's API as an ``amity update`` source.

    ``tested`` says whether the tests replay real recorded answers of the publisher's API
    through it; only tested connectors run by default.
    """

    name: str
    publisher: str
    summary: str
    run: Callable[[Store, Options, Tracker], SourceReport]
    tested: bool = True


def update_gdelt(store: Store, options: Options, tracker: Tracker | None = None, *,
                 progress: bool = False, master_url: str | None = None) -> SourceReport:
    """GDELT 2.0 event files since the last one ingested, with :func:`fetch_gdelt`.

    Nothing is fetched when no GDELT 2.0 file is in the store yet (the first range is the
    user's choice: ``amity fetch gdelt --from DATE --to DATE``).
    """
    from amity.ingest.gdelt import fetch_gdelt

    report = SourceReport("gdelt", "gdelt")
    files = store.ingested_files("gdelt", "v2")
    ends = files["period_end"].dropna() if "period_end" in files else files.iloc[0:0]
    if not len(ends):
        report.releases.append(ReleaseOutcome("v2", "skipped", detail="no GDELT 2.0 file "
                                              "ingested yet"))
        report.notes.append("GDELT: nothing to continue from; start with `amity fetch gdelt "
                            "--from DATE --to DATE`")
        return report
    start = ends.max().to_pydatetime()
    end = datetime.combine(options.today, datetime.min.time()) if options.years is None \
        else datetime(options.years[1] + 1, 1, 1)
    end = min(end, datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=15))
    if start >= end:
        report.releases.append(ReleaseOutcome("v2", "unchanged"))
        return report
    try:
        done = fetch_gdelt(store, start, end, progress=progress, master_url=master_url)
    except FetchError as exc:
        raise type(exc)(f"GDELT: {exc}") from None
    report.requests = done.downloaded + 1
    report.releases.append(ReleaseOutcome("v2", "ingested" if done.ingested else "unchanged",
                                          done.rows))
    return report


def _gdelt(store: Store, options: Options, tracker: Tracker) -> SourceReport:
    return update_gdelt(store, options, tracker)


#: Every connector, by the source it writes.
CONNECTORS = {c.name: c for c in (
    Connector("comtrade_totals", "UN Comtrade", "Comtrade+ API: total goods exports by "
              "partner (keyed with COMTRADE_API_KEY, else the keyless preview for the focus "
              "reporters)", update_comtrade),
    Connector("dots", "IMF", "IMTS (formerly DOTS) by SDMX: goods exports FOB by partner",
              update_imts),
    Connector("wdi", "World Bank", "API v2: GDP (current US$) and population", update_wdi),
    Connector("sipri", "SIPRI", "Arms Transfers Database backend: TIV delivered per year",
              update_sipri),
    Connector("gdelt", "GDELT", "2.0 event files since the last one ingested", _gdelt),
)}
#: What ``amity update`` runs without arguments: the connectors tested on real answers.
DEFAULTS = tuple(name for name, c in CONNECTORS.items() if c.tested)
#: Other names users may type.
ALIASES = {"comtrade": "comtrade_totals", "imf": "dots", "imts": "dots", "worldbank": "wdi",
           "wb": "wdi"}


def resolve(names: Sequence[str] | None) -> list[str]:
    """Connector names for ``names`` (aliases allowed); :data:`DEFAULTS` for none.

    Examples
    --------
    >>> resolve(["imf", "sipri"])
    ['dots', 'sipri']
    """
    if not names:
        return list(DEFAULTS)
    out = []
    for name in names:
        key = ALIASES.get(name.lower(), name.lower())
        if key not in CONNECTORS:
            raise InputError(f"amity update cannot update {name!r}. Fix: use one of "
                             f"{', '.join(CONNECTORS)} (see `amity update --list`)")
        if key not in out:
            out.append(key)
    return out


class _Bars:
    """A rich progress bar per connector on standard error (or nothing)."""

    def __init__(self, enabled: bool) -> None:
        self.bar: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(TextColumn("{task.description:<28}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=False)

    def __enter__(self) -> _Bars:
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.stop()

    def tracker(self, label: str) -> Tracker:
        if not self.bar:
            return Tracker()
        task = self.bar.add_task(f"{label} requests", total=0)
        bar = self.bar

        def grow(n: int) -> None:
            bar.update(task, total=(bar.tasks[task].total or 0) + n)

        return Tracker(grow, lambda: bar.advance(task))


def update(store: Store, sources: Sequence[str] | None = None, *,
           options: Options | None = None, progress: bool = False,
           on_report: Callable[[SourceReport], None] | None = None) -> list[SourceReport]:
    """Pull the newest releases of ``sources`` (default :data:`DEFAULTS`) into ``store``.

    Parameters
    ----------
    store
        An open, writable store.
    sources
        Connector names or aliases (``comtrade``, ``imf``, ``worldbank``); None: all the
        tested connectors.
    options
        Years, API key, request pace ... (:class:`Options`; defaults for the CLI).
    progress
        Show a progress bar of requests per connector on standard error.
    on_report
        Called with each connector's report as it finishes.

    Returns
    -------
    list of SourceReport
        One per connector, in order.

    Raises
    ------
    FetchError, SourceFormatError
        From the first connector that fails (one line: publisher, what, fix).
    """
    names = resolve(sources)
    options = options or Options()
    reports = []
    with _Bars(progress) as bars:
        for name in names:
            connector = CONNECTORS[name]
            tracker = bars.tracker(connector.publisher)
            if name == "gdelt":
                report = update_gdelt(store, options, tracker, progress=progress)
            else:
                report = connector.run(store, options, tracker)
            reports.append(report)
            if on_report:
                on_report(report)
    return reports
