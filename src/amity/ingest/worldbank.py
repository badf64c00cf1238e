"""``amity update wdi``: GDP (current US$) and population from the World Bank API v2.

One request per indicator (and page) for every country and year::

    GET https://api.worldbank.org/v2/country/all/indicator/NY.GDP.MKTP.CD
        ?format=json&date=1960:<last year>&per_page=20000

(the two indicators of :data:`amity.sources.wdi_api.INDICATORS`; further pages when the
answer says ``pages`` > 1), parsed by :mod:`amity.sources.wdi_api`. The WDI is revised as
a whole at each release, so both indicators are asked again at every update (a few
requests) and the release is ingested only when the answers differ from the stored ones.
The release is named by its last year with data: ``wdi/api-<year>``.

Why no ``wbgapi`` (MIT): it pages and parses the same JSON, but keeps no raw answers to
cache and resume from, has no retry or backoff, and its base URL is not redirectable for
tests; three ``urllib`` requests do the same.

Tested against a real answer for population (``SP.POP.TOTL``, USA and Japan, 2022-2023,
``tests/data/replay/worldbank``). No real recording of a GDP answer was found: the GDP
request runs the same code with another indicator id, and no test replays it.
"""

from __future__ import annotations

from amity._exceptions import SourceFormatError
from amity.ingest._runner import Call, Options, ReleaseOutcome, Runner, SourceReport, Tracker
from amity.sources.wdi_api import INDICATORS, PUBLISHER, api_dataset, parse_pages, read_page
from amity.store import Store

__all__ = ["BASE_URL", "update_wdi"]

BASE_URL = "https://api.worldbank.org/v2/country/{countries}/indicator/{indicator}"
_CACHE = "api"  # the release is named after its data, known only once parsed


def update_wdi(store: Store, options: Options, tracker: Tracker | None = None) -> SourceReport:
    """Fetch GDP and population and ingest them if the World Bank changed them."""
    client = options.client(PUBLISHER, 0.5)
    report = SourceReport("wdi", "wdi")
    runner = Runner(store, client, report, tracker)
    first, last = options.years or (1960, options.today.year - 1)
    where = ";".join(options.wdi_countries) if options.wdi_countries else "all"
    known = runner.known()
    paths = {}
    for indicator in options.wdi_indicators or tuple(INDICATORS):
        url = BASE_URL.format(countries=where, indicator=indicator)
        params = {"format": "json", "date": f"{first}:{last}", "per_page": options.wdi_per_page}
        page_one = runner.fetch(_CACHE, [Call(f"{indicator}-p1.json", url, params)],
                                known=known)
        paths.update(page_one)
        pages = int(read_page(next(iter(page_one.values())))[0].get("pages") or 1)
        paths.update(runner.fetch(_CACHE, [Call(f"{indicator}-p{n}.json", url,
                                                {**params, "page": n})
                                           for n in range(2, pages + 1)], known=known))
    macro = parse_pages(paths, "error").tables["macro"]
    outside = macro[(macro["year"] < first) | (macro["year"] > last)]
    if len(outside):
        raise SourceFormatError(f"{PUBLISHER} API responses {runner.folder(_CACHE)}",
                                f"they hold the year {int(outside['year'].iloc[0])}, outside "
                                f"the {first}-{last} asked for",
                                fix="delete that folder and rerun `amity update wdi`")
    if not len(macro):
        report.releases.append(ReleaseOutcome("api", "skipped", detail="no data"))
        return report
    runner.ingest(api_dataset(f"api-{int(macro['year'].max())}"), paths)
    return report
