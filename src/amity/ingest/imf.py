"""``amity update dots``: the IMF's International Trade in Goods (IMTS) by SDMX, by year.

IMTS replaced the Direction of Trade Statistics (DOTS) in 2025 and amity keeps the
source name ``dots``. For each year one request per group of :data:`CHUNK` reporters::

    GET https://api.imf.org/external/sdmx/2.1/data/IMF.STA,IMTS,1.0.0/
        <ISO3>+<ISO3>+....XG_FOB_USD..A?startPeriod=<year>&endPeriod=<year>

(``COUNTRY.INDICATOR.COUNTERPART_COUNTRY.FREQUENCY``; exports of goods FOB in US dollars,
every counterpart, annual), answered in SDMX-ML StructureSpecificData and parsed by
:mod:`amity.sources.imts_api`. The reporters are the current states of amity's country
crosswalk. Release ``dots/imts-<year>``. Requests are half a second apart; retries,
resume and "only what is new" follow :mod:`amity.ingest._runner`. Tested against a real
answer (Laos 2019, ``tests/data/replay/imf``).

Why no SDMX client: ``sdmx1`` (Apache-2.0) reads these messages, but a structure-specific
message needs its data structure first (a second request) and the client would add
``requests``, ``lxml`` and ``pydantic`` to amity's dependencies for ~50 lines of XML
reading; the standard library parses the message directly.
"""

from __future__ import annotations

import pandas as pd

from amity import countries
from amity._exceptions import SourceFormatError
from amity.ingest._runner import (
    Call,
    Options,
    ReleaseOutcome,
    Runner,
    SourceReport,
    Tracker,
    year_plan,
)
from amity.sources.imts_api import INDICATOR, PUBLISHER, api_dataset
from amity.store import Store

__all__ = ["BASE_URL", "CHUNK", "update_imts"]

BASE_URL = "https://api.imf.org/external/sdmx/2.1/data/IMF.STA,IMTS,1.0.0"
#: Reporters per request (the key stays a few hundred characters long).
CHUNK = 40
_ACCEPT = {"Accept": "application/vnd.sdmx.structurespecificdata+xml;version=2.1"}


def _reporters() -> list[str]:
    table = countries.table()
    current = table[table["valid_to"].isna() & table["iso3"].str.fullmatch(r"[A-Z]{3}")]
    return sorted(pd.unique(current["iso3"]).tolist())


def update_imts(store: Store, options: Options, tracker: Tracker | None = None
                ) -> SourceReport:
    """Fetch and ingest the years of IMTS that are new (module docstring)."""
    client = options.client(PUBLISHER, 0.5)
    report = SourceReport("dots", "dots")
    runner = Runner(store, client, report, tracker)
    reporters = list(options.imts_reporters or _reporters())
    groups = [reporters[i:i + CHUNK] for i in range(0, len(reporters), CHUNK)]
    for year in year_plan(store, "dots", "imts", options):
        release = f"imts-{year}"
        calls = [Call(f"imts-{year}-{g[0]}-{g[-1]}.xml",
                      f"{BASE_URL}/{'+'.join(g)}.{INDICATOR}..A",
                      {"startPeriod": year, "endPeriod": year}, headers=_ACCEPT)
                 for g in groups]
        paths = runner.fetch(release, calls)
        dataset = api_dataset(release)
        result = dataset.parse(paths, "error")
        held = set(result.tables["trade_dyadic"]["year"]) | set(
            result.tables["trade_national"]["year"])
        if held - {year}:
            raise SourceFormatError(f"{PUBLISHER} IMTS responses of {year}", f"they hold the "
                                    f"years {sorted(held)}, not the {year} asked for",
                                    fix=f"delete {runner.folder(release)} and rerun `amity "
                                        "update dots`; report it if it happens again")
        if not held:
            report.releases.append(ReleaseOutcome(release, "skipped", detail="no data yet"))
            continue
        runner.ingest(dataset, paths)
    return report
