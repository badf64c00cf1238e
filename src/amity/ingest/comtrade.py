"""``amity update comtrade_totals``: UN Comtrade's Comtrade+ API, year by year.

Two endpoints, chosen by the API key (``COMTRADE_API_KEY``, read when the update runs):

* **with a key**, ``data/v1/get/C/A/HS`` (``getFinalData``, header
  ``Ocp-Apim-Subscription-Key``): one request per year for every reporter, all partners,
  exports, commodity ``TOTAL`` (``maxRecords`` 250,000, the API's most): release
  ``comtrade_totals/api-<year>``;
* **without a key**, ``public/v1/preview/C/A/HS``, which answers at most 500 records: one
  request per reporter and year (a reporter has about 230 partners), for the reporters of
  :data:`FOCUS` (the flagship pair and the benchmark pairs) unless told otherwise: release
  ``comtrade_totals/preview-<year>``. An answer of 500 records or more is cut short by the
  API: the update stops and says so rather than store a partial year as if it were whole.

A year with no record yet (not published) is skipped, not stored empty. Requests are one
second apart; 429 and 5xx answers are retried with exponential backoff
(:class:`~amity.apiclient.ApiClient`). Years, resume and "only what is new" follow
:mod:`amity.ingest._runner`. Tested against real answers of both endpoints
(``tests/data/replay/comtrade``).
"""

from __future__ import annotations

from amity._exceptions import FetchError, SourceFormatError
from amity.ingest._runner import (
    Call,
    Options,
    ReleaseOutcome,
    Runner,
    SourceReport,
    Tracker,
    year_plan,
)
from amity.sources.comtrade_api import PUBLISHER, api_dataset, read_response
from amity.store import Store

__all__ = ["FOCUS", "KEYED_URL", "PREVIEW_URL", "update_comtrade"]

PREVIEW_URL = "https://comtradeapi.un.org/public/v1/preview/C/A/HS"
KEYED_URL = "https://comtradeapi.un.org/data/v1/get/C/A/HS"
#: Comtrade reporter codes asked for without a key: Pakistan, Russia, China, India (699 in
#: Comtrade) and the USA (842 in Comtrade).
FOCUS = (586, 643, 156, 699, 842)
_CAP = {True: 500, False: 250_000}
_SOURCE = "comtrade_totals"


def _calls(year: int, keyless: bool, reporters: tuple[int, ...]) -> list[Call]:
    common = {"period": year, "flowCode": "X", "cmdCode": "TOTAL", "customsCode": "C00",
              "motCode": 0, "partner2Code": 0, "includeDesc": "true"}
    if not keyless:
        return [Call(f"get-all-{year}.json", KEYED_URL,
                     {**common, "maxRecords": _CAP[False]})]
    return [Call(f"preview-{code}-{year}.json", PREVIEW_URL,
                 {"reporterCode": code, **common, "maxRecords": _CAP[True]})
            for code in reporters]


def update_comtrade(store: Store, options: Options, tracker: Tracker | None = None
                    ) -> SourceReport:
    """Fetch and ingest the years of Comtrade+ that are new (module docstring).

    Raises
    ------
    FetchError
        Offline, refused, or an answer cut at the endpoint's record limit.
    SourceFormatError
        An answer that is not Comtrade's JSON.
    """
    key = options.key()
    keyless = key is None
    prefix = "preview" if keyless else "api"
    client = options.client(PUBLISHER, 1.0, headers=None if keyless else
                            {"Ocp-Apim-Subscription-Key": key})
    report = SourceReport("comtrade_totals", _SOURCE)
    if keyless:
        report.notes.append("no COMTRADE_API_KEY: the keyless preview endpoint was used, for "
                            "the reporters " + ", ".join(map(str, options.comtrade_reporters
                                                             or FOCUS)) + " only")
    runner = Runner(store, client, report, tracker)
    for year in year_plan(store, _SOURCE, prefix, options):
        release = f"{prefix}-{year}"
        calls = _calls(year, keyless, options.comtrade_reporters or FOCUS)
        paths = runner.fetch(release, calls)
        records = 0
        for call in calls:
            answer = read_response(paths[call.key])
            count = int(answer.get("count") or 0)
            records += count
            years = {r.get("refYear") for r in answer["data"] if isinstance(r, dict)}
            if years - {year}:
                raise SourceFormatError(
                    f"{PUBLISHER} response {paths[call.key]}", f"it holds the years "
                    f"{sorted(map(str, years))}, not the {year} asked for",
                    fix="delete that file and rerun `amity update comtrade_totals`; report it "
                        "if it happens again")
            if count >= _CAP[keyless]:
                what = "keyless preview endpoint" if keyless else "keyed endpoint"
                raise FetchError(
                    f"{PUBLISHER}: the answer {call.key} holds {count:,} records, the most the "
                    f"{what} returns, so it is cut short and {release} was not stored. Fix: "
                    + ("set COMTRADE_API_KEY (a free key from comtradedeveloper.un.org) to "
                       "use the keyed endpoint" if keyless else
                       "report it: amity must split this request"))
        if not records:
            report.releases.append(ReleaseOutcome(release, "skipped", detail="no data yet"))
            continue
        runner.ingest(api_dataset(release, keyless=keyless), paths)
    return report
