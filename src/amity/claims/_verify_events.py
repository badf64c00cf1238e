"""Check memberships, visits, agreements and dated events against the store.

Memberships use three records: the COW IGO data (``igo_membership``, to 2014), amity's
regions table (:mod:`amity.regions`, when it lists the organisation) and the timeline's
``membership`` rows (which cover later accessions: Pakistan joined the SCO in 2017).
Visits, agreements and events use the pair's engagements timeline
(:func:`amity.timeline.timeline`: curated rows and rows derived from event data).
The timeline is a curated selection: finding nothing there never contradicts a claim,
it leaves it ``unverifiable``.
"""

from __future__ import annotations

import datetime
import re

import pandas as pd

from amity._exceptions import MissingDataError
from amity.claims._events import TOPICS, content_words
from amity.claims._membership import country_membership
from amity.claims._sources import name_of
from amity.claims.compare import aggregate
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.lexicon import ORGS
from amity.claims.report import Evidence, Result
from amity.claims.scan import Period
from amity.timeline import timeline

__all__ = ["verify"]

_NOUNS = {"inaugur": "inauguration", "foundation": "foundation stone", "found": "founding",
          "establish": "establishment", "launch": "launch", "sign": "signing",
          "exercise": "exercise", "meet": "meeting", "talk": "talks", "grant": "grant",
          "withdr": "withdrawal", "suspen": "suspension", "expel": "expulsion"}
_COMMON_NAMES = {"khan", "ali", "muhammad", "mohammad", "ahmed", "ahmad", "shah", "president",
                 "minister", "prime", "premier"}


def _timeline(ctx: Context, a: str, b: str) -> pd.DataFrame:
    key = ("timeline", frozenset((a, b)))
    if key not in ctx.cache:
        try:
            ctx.cache[key] = timeline(ctx.store, a, b)
        except MissingDataError:
            ctx.cache[key] = pd.DataFrame(columns=["date", "date_precision", "a", "b", "kind",
                                                   "title", "level", "source_name",
                                                   "source_url", "source", "release"])
    return ctx.cache[key]


def _in_period(frame: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    p = claim.period
    if p is None or p.first is None or frame.empty:
        return frame
    years = pd.to_datetime(frame["date"]).dt.year
    last = p.last if p.last is not None else 9999
    return frame[(years >= p.first) & (years <= last)]


def _row_evidence(row: pd.Series, outcome: str, what: str) -> Evidence:
    date = pd.Timestamp(row["date"]).strftime("%Y-%m-%d")
    date = {"year": date[:4], "month": date[:7]}.get(row.get("date_precision"), date)
    note = f"{date}; {row.get('source_name') or ''}"
    if isinstance(row.get("source_url"), str) and row["source_url"]:
        note += f" <{row['source_url']}>"
    return Evidence(str(row.get("source") or "timeline"), row.get("release"),
                    int(pd.Timestamp(row["date"]).year), str(row["title"]), "text", what,
                    outcome, note=note)


def _names(iso3s: tuple[str, ...]) -> str:
    return " and ".join(name_of(c) for c in iso3s)


def _period_words(claim: Claim) -> str:
    p = claim.period
    if p is None or p.first is None:
        return "at any date"
    return f"in {p.text}" if p.precision != "open" else f"since {p.first}"


def _visits(ctx: Context, claim: Claim) -> Result:
    visitor, host = claim.countries[0], claim.partner[0]
    frame = _timeline(ctx, visitor, host)
    rows = frame[(frame["kind"] == "visit") & (frame["a"] == visitor) & (frame["b"] == host)]
    rows = _in_period(rows, claim)
    who = f" at {claim.level.replace('_', ' ')} level" if claim.level else ""
    query = (f"Visits by {_names((visitor,))} to {_names((host,))}{who} "
             f"{_period_words(claim)} in the engagements timeline")
    tokens = [t.lower() for t in claim.person if t.lower() not in _COMMON_NAMES]
    chosen = rows.iloc[0:0]
    if tokens:
        chosen = rows[rows["title"].str.lower().str.contains("|".join(map(re.escape, tokens)))]
    if chosen.empty and claim.level:
        chosen = rows[rows["level"] == claim.level]
    if chosen.empty and not tokens and not claim.level:
        chosen = rows
    found, wanted = len(chosen), claim.count
    evidence = [_row_evidence(r, "supported", "visit") for _, r in chosen.iterrows()]
    evidence += [_row_evidence(r, "context", "other visit in the period")
                 for i, r in rows.iterrows() if i not in chosen.index]
    if found == 0:
        return Result(claim, "unverifiable", query, "no such visit in the timeline for that "
                      "period (a curated selection: absence proves nothing)", evidence)
    listed = ", ".join((e.note or "").split(";")[0] for e in evidence
                       if e.outcome == "supported")
    if wanted is None or found == wanted:
        n = f"{found} such visit{'s' if found != 1 else ''}" if wanted is not None else (
            "such a visit" if found == 1 else f"{found} such visits")
        return Result(claim, "supported", query, f"the timeline records {n}: {listed}",
                      evidence)
    if found > wanted:
        return Result(claim, "approximately", query, f"the timeline records {found} such "
                      f"visits, more than {wanted}: {listed}", evidence)
    return Result(claim, "unverifiable", query, f"the timeline records only {found} of the "
                  f"{wanted} visits ({listed}); it is a curated selection", evidence)


def _agreements(ctx: Context, claim: Claim) -> Result:
    a, b = (claim.countries + claim.partner + ("", ""))[:2]
    if not (a and b):
        return Result(claim, "unverifiable", "agreements between two countries",
                      "the text does not say between which countries")
    frame = _timeline(ctx, a, b)
    rows = _in_period(frame[frame["kind"] == "agreement"], claim)
    topics = ", ".join(claim.topics) or "any subject"
    query = (f"Agreements between {_names((a, b))} on {topics} {_period_words(claim)} "
             "in the engagements timeline")
    evidence: list[Evidence] = []
    found: list[str] = []
    missing: list[str] = []
    for topic in claim.topics:
        hits = rows[rows["title"].str.contains(TOPICS[topic][1], case=False, regex=True)]
        (found if len(hits) else missing).append(topic)
        evidence += [_row_evidence(r, "supported", f"{topic} agreement") for _, r in
                     hits.iterrows()]
    if not claim.topics:
        evidence = [_row_evidence(r, "supported", "agreement") for _, r in rows.iterrows()]
        found = ["agreement"] if len(rows) else []
    if claim.count is not None and len(rows) and len(rows) != claim.count:
        return Result(claim, "approximately" if len(rows) > claim.count else "unverifiable",
                      query, f"the timeline records {len(rows)} agreements in the period, "
                      f"the text says {claim.count}", evidence)
    if found and not missing:
        return Result(claim, "supported", query,
                      f"the timeline records agreements on {', '.join(found)} in the period",
                      evidence)
    if found:
        return Result(claim, "unverifiable", query, f"agreements on {', '.join(found)} are "
                      f"recorded; none on {', '.join(missing)} (the timeline may be incomplete)",
                      evidence)
    return Result(claim, "unverifiable", query, "no such agreement in the timeline for that "
                  "period (a curated selection: absence proves nothing)", evidence)


def _date_match(row: pd.Series, p: Period) -> str:
    """exact | consistent | near | no, comparing a row's date with the claimed one."""
    d = pd.Timestamp(row["date"])
    prec = row.get("date_precision") or "day"
    if p.precision == "day":
        claimed = pd.Timestamp(str(p.date))
        if prec == "day":
            if d == claimed:
                return "exact"
            return "near" if abs((d - claimed).days) <= 7 else "no"
        same = d.year == claimed.year and (prec == "year" or d.month == claimed.month)
        return "consistent" if same else "no"
    if p.precision == "month":
        claimed = pd.Timestamp(f"{p.date}-01")
        if d.year == claimed.year and (prec == "year" or d.month == claimed.month):
            return "exact" if prec != "year" else "consistent"
        return "no"
    first = p.first if p.first is not None else d.year + 1
    return "exact" if first <= d.year <= (p.last or first) else "no"


def _short(title: str, limit: int = 72) -> str:
    return title if len(title) <= limit else title[:limit].rsplit(" ", 1)[0] + " …"


def _events(ctx: Context, claim: Claim) -> Result:
    a, b = (claim.countries + claim.partner + ("", ""))[:2]
    if not (a and b) or claim.period is None:
        return Result(claim, "unverifiable", "an event of the pair",
                      "the text does not say which countries or when")
    frame = _timeline(ctx, a, b)
    topics = set(claim.topics)
    need = min(2, len(topics))
    action = claim.action
    query = (f"Events of {_names((a, b))} about {', '.join(claim.topics) or 'anything'}"
             f"{' (' + ', '.join(action) + ')' if action else ''} in the engagements "
             f"timeline, compared with {claim.period.text}")
    scored = []
    for i, row in frame.iterrows():
        words = set(content_words(str(row["title"]), 0, len(str(row["title"])), []))
        overlap = len(topics & words)
        acts = all(x in str(row["title"]).lower() for x in action) if action else True
        if overlap >= need > 0:
            scored.append((i, row, acts, _date_match(row, claim.period)))
    both = [(r, m) for _, r, acts, m in scored if acts]
    at_date = [r for _, r, acts, m in scored if m in ("exact", "consistent") and not acts]
    evidence = [_row_evidence(r, "supported" if m in ("exact", "consistent") else
                              "approximately" if m == "near" else "contradicted", "event")
                for r, m in both]
    evidence += [_row_evidence(r, "context", "related event on the claimed date")
                 for r in at_date]

    def dates(rows: list[pd.Series]) -> str:
        return ", ".join(f"{pd.Timestamp(r['date']):%Y-%m-%d} ({_short(r['title'])})"
                         for r in rows)

    exact = [r for r, m in both if m == "exact"]
    if exact or [r for r, m in both if m == "consistent"]:
        return Result(claim, "supported", query, f"the timeline has it on "
                      f"{dates(exact or [r for r, m in both if m == 'consistent'])}", evidence)
    near = [r for r, m in both if m == "near"]
    if near:
        return Result(claim, "approximately", query, f"the timeline has it within a week: "
                      f"{dates(near)}", evidence)
    if both and at_date:  # a closely related event on the claimed date: half right
        what = "/".join(_NOUNS.get(a, a) for a in action) or "event"
        return Result(claim, "approximately", query, f"right date, related event: on "
                      f"{dates(at_date)}; the {what} itself was on "
                      f"{dates([r for r, _ in both])}", evidence)
    if both:
        return Result(claim, "contradicted", query, f"the timeline dates it to "
                      f"{dates([r for r, _ in both])}", evidence)
    if at_date:
        return Result(claim, "unverifiable", query, f"on that date the timeline has "
                      f"{dates(at_date)}, not a {'/'.join(action)}", evidence)
    return Result(claim, "unverifiable", query, "no matching event in the timeline (a curated "
                  "selection: absence proves nothing)", evidence)


def _memberships(ctx: Context, claim: Claim) -> Result:
    org = next(o for o in ORGS if o.key == claim.org)
    p = claim.period
    join = "join" in claim.action
    when = (p.first, p.last if p.last is not None else p.first) if p and p.first else None
    now = datetime.date.today().year
    words = (f"joined {org.label} in {when[0]}" if join and when else
             f"{'observer' if claim.status == 'observer' else 'member'} of {org.label} "
             + (f"in {p.text}" if p and when else "today"))
    query = (f"Is each of {_names(claim.countries)} a {words}? COW IGO membership (to 2014), "
             "amity's regions table and the timeline's membership rows")
    verdicts: list[str] = []
    evidence: list[Evidence] = []
    reasons: list[str] = []
    for iso3 in claim.countries:
        outcomes, ev, why = country_membership(ctx, org, iso3, claim, when, join, now)
        evidence += ev
        verdict = aggregate(outcomes)
        verdicts.append(verdict)
        reasons.append(f"{iso3}: {why}")
    if not claim.countries:
        return Result(claim, "unverifiable", query, "the text does not say which countries")
    if all(v == "supported" for v in verdicts):
        verdict = "supported"
    elif "contradicted" in verdicts:
        verdict = "disputed" if "disputed" in verdicts else "contradicted"
    elif "disputed" in verdicts:
        verdict = "disputed"
    elif "unverifiable" in verdicts:
        verdict = "unverifiable"
    else:
        verdict = "approximately"
    return Result(claim, verdict, query, "; ".join(reasons), evidence)


def verify(ctx: Context, claim: Claim) -> Result:
    """The verdict on a membership, visit, agreement or event claim."""
    if claim.kind == "membership":
        return _memberships(ctx, claim)
    if claim.kind == "visit":
        return _visits(ctx, claim)
    if claim.kind == "agreement":
        return _agreements(ctx, claim)
    return _events(ctx, claim)

