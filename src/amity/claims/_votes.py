"""Check claims about UN votes on a resolution: tallies and how named countries voted.

The resolution is found in ``un_resolutions`` (General Assembly and Security Council
resolutions put to a recorded vote; the store has them for the years its UN Digital
Library release covers): by body when the text names it, by date (the claim's date, else
the weeks before the text's date), and by the claim's words against the resolution's
title. A claim about a year the table does not cover is ``unverifiable`` -- it never
falls back to UN membership or to vote agreement. Tallies must match exactly
(``approximately`` within two votes); a country's recorded vote (``un_resolution_votes``)
settles what it did.
"""

from __future__ import annotations

import pandas as pd

from amity.claims._events import content_words
from amity.claims._sources import name_of
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.report import Evidence, Result

__all__ = ["verify"]

_WORDS = {"yes": "in favour", "no": "against", "abstain": "abstaining", "none": "not voting"}


def _resolutions(ctx: Context) -> pd.DataFrame:
    key = ("un_resolutions",)
    if key not in ctx.cache:
        if ctx.has("un_resolutions"):
            frame = ctx.store.table("un_resolutions").to_pandas()
            frame["date"] = pd.to_datetime(frame["date"])
            frame["words"] = [set(content_words(str(t), 0, len(str(t)), []))
                              for t in frame["title"]]
        else:
            frame = pd.DataFrame(columns=["body", "symbol", "date", "year", "title", "yes",
                                          "no", "abstain", "non_voting", "words"])
        ctx.cache[key] = frame
    return ctx.cache[key]


def _window(ctx: Context, claim: Claim) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    p = claim.period
    if p is not None and p.date and p.precision == "day":
        d = pd.Timestamp(p.date)
        return d - pd.Timedelta(days=2), d + pd.Timedelta(days=2)
    if p is not None and p.date and p.precision == "month":
        d = pd.Timestamp(f"{p.date}-01")
        return d, d + pd.offsets.MonthEnd(1)
    if p is not None and p.first is not None:
        return pd.Timestamp(f"{p.first}-01-01"), pd.Timestamp(f"{p.last or p.first}-12-31")
    if ctx.as_of is not None:
        d = pd.Timestamp(ctx.as_of)
        return d - pd.Timedelta(days=45), d
    return None


def _pick(ctx: Context, claim: Claim) -> tuple[pd.Series | None, str]:
    """The resolution the claim is about, or why none can be named."""
    table = _resolutions(ctx)
    if table.empty:
        return None, "no resolution-level UN votes in the store"
    window = _window(ctx, claim)
    covered = f"{table['date'].min():%Y-%m-%d} to {table['date'].max():%Y-%m-%d}"
    if window is None:
        return None, ("the text gives no date for the vote and has no date of its own "
                      "(use --date)")
    rows = table[(table["date"] >= window[0]) & (table["date"] <= window[1])]
    if claim.org:
        rows = rows[rows["body"] == claim.org]
    if rows.empty:
        return None, (f"resolution-level votes in the store cover {covered} only; none "
                      f"{'of the ' + claim.org + ' ' if claim.org else ''}in "
                      f"{window[0]:%Y-%m-%d} to {window[1]:%Y-%m-%d}")
    topics = set(claim.topics)
    scores = rows["words"].map(lambda w: len(w & topics))
    best = scores.max()
    if topics and best == 0:
        return None, ("no resolution voted on then has a title matching the claim's words "
                      f"({', '.join(sorted(topics)[:5])})")
    top = rows[scores == best]
    if len(top) > 1 and claim.org is None and (top["body"] == "GA").any():
        top = top[top["body"] == "GA"]  # "the UN" voting, unqualified: the Assembly
    return top.sort_values("date").iloc[-1], ""


def verify(ctx: Context, claim: Claim) -> Result:
    """The verdict on a UN vote claim."""
    res, why = _pick(ctx, claim)
    body = {"GA": "General Assembly", "SC": "Security Council"}.get(claim.org or "", "UN")
    query = (f"The {body} resolution the claim names (by date and title words), its recorded "
             "vote (UN Digital Library)")
    if res is None:
        return Result(claim, "unverifiable", query, why)
    title = str(res["title"]).split(" : ")[0]
    label = f"{res['symbol']} of {res['date']:%Y-%m-%d} ('{title[:90]}')"
    if claim.measure == "tally":
        outcomes, parts, evidence = [], [], []
        for role, amount in zip(claim.action, claim.amounts, strict=False):
            actual = res[role]
            if pd.isna(actual):
                outcomes.append("inconclusive")
                continue
            diff = abs(float(actual) - amount.value)
            outcome = "supported" if diff == 0 else "approximately" if diff <= 2 \
                else "contradicted"
            outcomes.append(outcome)
            parts.append(f"{int(actual)} {_WORDS[role]} (claimed {int(amount.value)})")
            evidence.append(Evidence("undl", str(res.get("release", "")) or None,
                                     int(res["year"]), float(actual), "count",
                                     f"{res['symbol']}: {_WORDS[role]}", outcome,
                                     note=str(res.get("record_url") or "")))
        verdict = ("contradicted" if "contradicted" in outcomes else "approximately"
                   if "approximately" in outcomes else "supported" if outcomes and all(
                       o == "supported" for o in outcomes) else "unverifiable")
        return Result(claim, verdict, query, f"{label}: " + ", ".join(parts), evidence)
    t = ctx.store.table("un_resolution_votes")
    t = t.filter(t.symbol == str(res["symbol"]), t.body == str(res["body"]),
                 t.iso3.isin(list(claim.countries)))
    votes = dict(zip(*t.select("iso3", "vote").to_pandas().to_dict("list").values(),
                     strict=True)) if claim.countries else {}
    parts, outcomes, evidence = [], [], []
    for iso in claim.countries:
        vote = votes.get(iso)
        if vote is None:
            outcomes.append("inconclusive")
            parts.append(f"{name_of(iso)}: no recorded vote")
            continue
        outcome = "supported" if vote == claim.status else "contradicted"
        outcomes.append(outcome)
        parts.append(f"{name_of(iso)} {_WORDS.get(vote, vote)}")
        evidence.append(Evidence("undl", None, int(res["year"]), vote, "text",
                                 f"{iso}'s vote on {res['symbol']}", outcome,
                                 note=str(res.get("record_url") or "")))
    if "contradicted" in outcomes:
        verdict = "contradicted"
    elif outcomes and all(o == "supported" for o in outcomes):
        verdict = "supported"
    else:
        verdict = "unverifiable"
    claimed = _WORDS.get(claim.status or "", claim.status)
    return Result(claim, verdict, query, f"{label}, claimed {claimed}: " + "; ".join(parts),
                  evidence)


