"""Check "first ... in N years" and "first ... since YEAR" claims on the timeline.

A claim such as "the first visit by a Pakistani prime minister to Russia in 23 years"
names an event (the visit the text reports, at its date or the text's date) and says
that the previous one of its kind came N years before (or in YEAR). The pair's
engagements timeline is searched for visits of the visitor to the host at that level:
the previous one where the claim puts it is ``supported`` (a year either way:
``approximately``); one inside the gap ``contradicts`` the claim (a visit the timeline
does record); none at all before is ``unverifiable`` (the timeline is a selection).
"""

from __future__ import annotations

import pandas as pd

from amity._exceptions import MissingDataError
from amity.claims._sources import name_of
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.report import Evidence, Result
from amity.timeline import timeline

__all__ = ["verify"]

_LEVEL_WORDS = {"head_of_government": r"prime\s+minister|premier",
                "head_of_state": r"president|king|emir",
                "minister": r"minister"}


def verify(ctx: Context, claim: Claim) -> Result:
    """The verdict on a first/first-since claim."""
    if claim.measure != "visit" or not (claim.countries and claim.partner):
        return Result(claim, "unverifiable", "a first of its kind",
                      "a first that amity cannot look up (only visits on the timeline are "
                      "checked)")
    visitor, host = claim.countries[0], claim.partner[0]
    level = claim.level
    query = (f"Visits by {name_of(visitor)} to {name_of(host)}"
             f"{' at ' + level.replace('_', ' ') + ' level' if level else ''} in the "
             "engagements timeline: the one reported and the one before it")
    key = ("timeline", frozenset((visitor, host)))
    if key not in ctx.cache:
        try:
            ctx.cache[key] = timeline(ctx.store, visitor, host)
        except MissingDataError:
            ctx.cache[key] = pd.DataFrame(columns=["date", "a", "b", "kind", "title", "level"])
    frame = ctx.cache[key]
    rows = frame[(frame["kind"] == "visit") & (frame["a"] == visitor) & (frame["b"] == host)]
    if level:
        words = _LEVEL_WORDS.get(level, level)
        rows = rows[(rows["level"] == level) | rows["title"].str.contains(words, case=False,
                                                                          regex=True)]
    if rows.empty:
        return Result(claim, "unverifiable", query, "the timeline records no such visits (a "
                      "curated selection: absence proves nothing)")
    dates = pd.to_datetime(rows["date"])
    p = claim.period
    if p is not None and p.date:
        when = pd.Timestamp(p.date if len(p.date) > 7 else f"{p.date}-01")
    elif p is not None and p.first is not None:
        when = pd.Timestamp(f"{p.first}-12-31")
    elif ctx.as_of is not None:
        when = pd.Timestamp(ctx.as_of) + pd.Timedelta(days=60)
    else:
        return Result(claim, "unverifiable", query, "the text gives no date for the visit and "
                      "has no date of its own (use --date)")
    current = rows[(dates <= when) & (dates >= when - pd.Timedelta(days=150))]
    year = int(pd.Timestamp(current["date"].iloc[-1]).year) if len(current) else when.year
    cut = pd.Timestamp(current["date"].iloc[-1]) if len(current) else when
    before = rows[pd.to_datetime(rows["date"]) < cut - pd.Timedelta(days=150)]
    evidence = [Evidence("timeline", r.get("release"), int(pd.Timestamp(r["date"]).year),
                         str(r["title"]), "text", "visit", "context",
                         note=str(r.get("source_name") or "")) for _, r in rows.iterrows()]
    if before.empty:
        return Result(claim, "unverifiable", query, "the timeline records no earlier such visit "
                      "(a curated selection: absence proves nothing)", evidence)
    prev = before.iloc[-1]
    prev_year = int(pd.Timestamp(prev["date"]).year)
    if claim.status:  # "since YEAR"
        want = int(claim.status)
    elif claim.count:
        want = year - claim.count
    else:
        want = prev_year
    gap = f"the previous one: {pd.Timestamp(prev['date']):%Y-%m} ({prev['title'][:80]})"
    if prev_year == want or ("more" in claim.action and prev_year < want):
        verdict = "supported"
    elif abs(prev_year - want) <= 1:
        verdict = "approximately"
    elif prev_year > want:
        verdict = "contradicted"
        gap += f", inside the {year - want} years claimed"
    else:
        verdict = "unverifiable"
        gap += " (earlier than claimed; the timeline may miss one in between)"
    return Result(claim, verdict, query, f"visit of {year}; {gap}", evidence)
