"""Claim checking: are the numbers in this text right? (DESIGN.md §7)

:func:`check` finds the checkable claims in a text (:func:`extract`), checks each one
against the store (:func:`verify`) and returns a :class:`CheckReport`: per claim the
verdict (``supported``, ``approximately``, ``contradicted``, ``disputed``,
``unverifiable``, ``not_a_fact``), the span in the text, the values found with their
sources and years, the query in words and a one-line reason. :func:`render_html` makes
a self-contained page of it; ``docs/claims.md`` documents the JSON.

>>> from amity.claims import extract
>>> [c.kind for c in extract("Pakistan and Russia both joined the SCO. Trade could reach "
...                          "$5 billion.", pair=("PAK", "RUS"))]
['membership', 'trade']
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from amity import countries as _countries
from amity._exceptions import InputError
from amity.claims.compare import TOLERANCE
from amity.claims.extract import Claim, extract, find_pair
from amity.claims.html import render_html
from amity.claims.report import VERDICTS, CheckReport, Evidence, Result
from amity.claims.scan import dateline
from amity.claims.verify import verify
from amity.store import Store, store_scope

__all__ = ["TOLERANCE", "VERDICTS", "CheckReport", "Claim", "Evidence", "Result", "check",
           "extract", "find_pair", "render_html", "verify"]


def _sources(store: Store, results: list[Result]) -> list[dict]:
    used = {(e.source, e.release) for r in results for e in r.evidence}
    datasets = store.datasets()
    out = []
    for row in datasets.to_dict(orient="records"):
        if (row["source"], row["release"]) in used:
            out.append({"source": row["source"], "release": row["release"],
                        "title": row.get("title"), "citation": row.get("citation")})
    if ("regions", "amity") in used:
        out.append({"source": "regions", "release": "amity", "title": "amity regions table",
                    "citation": "amity/data/regions.csv (each row names its source)"})
    return out


def check(text: str, pair: Sequence[str] | None = None, store: Store | None = None, *,
          tolerance: float = TOLERANCE,
          date: str | datetime.date | None = None) -> CheckReport:
    """Find and check every checkable claim in ``text``.

    Parameters
    ----------
    text
        The text (an article, a speech ...).
    pair
        The two countries it is about (any form :func:`amity.resolve` accepts); default:
        the two most mentioned in the text (names, demonyms and capitals).
    store
        An open store (default: the user's, read-only).
    tolerance
        Relative error still called ``approximately`` (default 10 %).
    date
        The text's date (``YYYY-MM-DD`` or a :class:`datetime.date`); default: a full date
        in its first lines (a dateline), else none. Relative times ("last year") are
        resolved against it, and figures without a year are sought in the years before
        it; without a date, relative times are ``unverifiable``.

    Returns
    -------
    CheckReport
        ``results`` in text order; ``to_dict()``/``to_json()`` give the stable JSON,
        :func:`render_html` an HTML page.
    """
    if not 0 <= tolerance < 1:
        raise InputError(f"tolerance {tolerance}: must be between 0 and 1 (e.g. 0.1 for 10%)")
    iso: tuple[str, str] | None
    if pair is not None:
        if len(pair) != 2:
            raise InputError(f"pair {list(pair)}: name exactly two countries")
        iso = (_countries.to_iso3(pair[0]), _countries.to_iso3(pair[1]))
        if iso[0] == iso[1]:
            raise InputError(f"{pair[0]!r} and {pair[1]!r} are the same country ({iso[0]}). "
                             "Fix: name two different countries")
        pair_from = "given"
    else:
        iso = find_pair(text)
        pair_from = "text" if iso else "none"
    as_of, date_from = _as_of(text, date)
    claims = extract(text, pair=iso, as_of=as_of)
    with store_scope(store) as s:
        results = verify(claims, s, pair=iso, tolerance=tolerance, as_of=as_of)
        sources = _sources(s, results)
    notes: list[str] = []
    if as_of is None:
        notes.append("no date for the text: relative times ('last year') cannot be placed "
                     "(use date=/--date YYYY-MM-DD)")
    if iso is None:
        notes.append("no pair of countries found in the text: claims about 'bilateral' trade "
                     "or 'both countries' cannot be placed (use pair=/--pair)")
    return CheckReport(text, iso, pair_from, tolerance, results, sources, notes,
                       date=as_of, date_from=date_from)


def _as_of(text: str, date: str | datetime.date | None) -> tuple[datetime.date | None, str]:
    """The text's date and where it comes from ("given", "text" or "none")."""
    if isinstance(date, datetime.date):
        return date, "given"
    if date is not None:
        try:
            return datetime.date.fromisoformat(str(date).strip()), "given"
        except ValueError:
            raise InputError(f"date {date!r} is not a date. Fix: write YYYY-MM-DD, e.g. "
                             "2023-04-28") from None
    found = dateline(text)
    return (found, "text") if found else (None, "none")
