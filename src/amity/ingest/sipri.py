"""``amity update sipri``: the SIPRI Arms Transfers Database's trade register, by delivery year.

One request, as the database's web interface (``armstransfers.sipri.org``) makes it::

    POST https://atbackend.sipri.org/api/p/trades/trade-register-csv/
    {"filters": [{"field": "Delivery year", "condition": "contains", "value1": Y0,
                  "value2": Y1, "listData": []},
                 {"field": "Order year", ..., "value1": 0, "value2": Y1, ...},
                 {"field": "opendeals", ...}, {"field": "exportOption", ...}],
     "logic": "AND"}

answered with ``{"bytes": "<base64 CSV>"}`` (one row per deal and delivery year, with the
TIV of that year's deliveries), parsed by :mod:`amity.sources.sipri_api` into
``arms_transfers``. Years: ``--years``, else the last five years (SIPRI revises recent
years when it adds new ones). Release ``sipri/atdb-<Y0>-<Y1>``, ingested again only when
the register's rows changed: the answer's hash leaves out its "Data generated" stamp
(:func:`amity.sources.sipri_api.content_hash`). Tested against a real answer (deliveries
2000-2001, recorded by the R client Rat.db; ``tests/data/replay/sipri``).
"""

from __future__ import annotations

import json

from amity._exceptions import SourceFormatError
from amity.ingest._runner import Call, Options, Runner, SourceReport, Tracker
from amity.sources.sipri_api import PUBLISHER, api_dataset, content_hash, year_range
from amity.store import Store

__all__ = ["REGISTER_URL", "request_body", "update_sipri"]

REGISTER_URL = "https://atbackend.sipri.org/api/p/trades/trade-register-csv/"


def request_body(first: int, last: int) -> bytes:
    """The JSON filters of a register download of deliveries in ``first``-``last``.

    Examples
    --------
    >>> import json
    >>> json.loads(request_body(2000, 2001))["filters"][0]["value2"]
    2001
    """
    def rule(name: str, lo: object = "", hi: object = "", condition: str = "") -> dict:
        return {"field": name, "condition": condition, "value1": lo, "value2": hi,
                "listData": []}

    return json.dumps({"filters": [rule("Delivery year", first, last, "contains"),
                                   rule("Order year", 0, last, "contains"),
                                   rule("opendeals"), rule("exportOption")],
                       "logic": "AND"}).encode("utf-8")


def update_sipri(store: Store, options: Options, tracker: Tracker | None = None
                 ) -> SourceReport:
    """Fetch the register for the years and ingest it if its rows changed."""
    first, last = options.years or (options.today.year - 5, options.today.year - 1)
    client = options.client(PUBLISHER, 1.0)
    report = SourceReport("sipri", "sipri")
    runner = Runner(store, client, report, tracker)
    release = f"atdb-{first}-{last}"
    call = Call(f"trade-register-{first}-{last}.json", REGISTER_URL,
                data=request_body(first, last),
                headers={"Content-Type": "application/json",
                         "Origin": "https://armstransfers.sipri.org",
                         "Referer": "https://armstransfers.sipri.org/"})
    paths = runner.fetch(release, [call], digest=content_hash)
    held = year_range(paths[call.key])
    if held != (first, last):
        raise SourceFormatError(
            f"{PUBLISHER} trade-register response {paths[call.key]}", f"it holds the delivery "
            f"years {held}, not the {first}-{last} asked for", fix="delete that file and rerun "
            "`amity update sipri`; report it if it happens again")
    runner.ingest(api_dataset(release), paths, digest=content_hash)
    return report
