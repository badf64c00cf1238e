"""Check claims against the store: numbers against every source, with honest verdicts.

:func:`verify` answers each claim once: not-a-fact claims are not checked; memberships,
visits, agreements and events go to :mod:`amity.claims._verify_events`; numeric claims
get each source's series (:mod:`amity.claims._sources`) and a verdict from
:func:`amity.claims._judge.judge_numeric`, comparing figures as
:mod:`amity.claims.compare` describes. Missing data never contradicts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import replace

from amity.claims import (
    _arms,
    _first,
    _macro,
    _rank,
    _sources,
    _trend,
    _verify_events,
    _votes,
)
from amity.claims._judge import judge_numeric
from amity.claims.compare import TOLERANCE
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.report import Result
from amity.store import Store

__all__ = ["TOLERANCE", "Context", "verify", "verify_claim"]


def _key(claim: Claim) -> tuple:
    """What a claim says, without where it says it: equal keys get equal verdicts."""
    p = claim.period
    return (claim.kind, claim.countries, claim.partner, claim.flow, claim.product,
            claim.group, claim.org, claim.series, claim.is_range, claim.years,
            (p.first, p.last, p.date, p.precision, p.text) if p else None, claim.tense,
            claim.count, claim.level, claim.person, claim.topics, claim.action, claim.status,
            claim.measure, claim.not_a_fact, claim.fiscal, claim.group_label,
            tuple((a.value, a.unit, a.qualifier, a.half_step) for a in claim.amounts))


def verify_claim(ctx: Context, claim: Claim) -> Result:
    """The verdict on one claim (a claim made again in the same text is answered once)."""
    key = ("result", _key(claim))
    if key not in ctx.cache:
        ctx.cache[key] = _verify_claim(ctx, claim)
    return replace(ctx.cache[key], claim=claim)


#: The claim kinds with a checker of their own; the numeric ones are judged below.
_BY_KIND: dict[str, Callable[[Context, Claim], Result]] = {
    **dict.fromkeys(("membership", "visit", "agreement", "event"), _verify_events.verify),
    "rank": _rank.verify_rank, "balance": _rank.verify_balance, "macro": _macro.verify,
    "un_vote": _votes.verify, "arms": _arms.verify, "first": _first.verify,
    "trend": _trend.verify_trend,
}


def _verify_claim(ctx: Context, claim: Claim) -> Result:
    if claim.not_a_fact:
        return Result(claim, "not_a_fact", "none: not a statement of fact",
                      f"a target, forecast, possibility or opinion ('{claim.not_a_fact}'): "
                      "not checked against data")
    if claim.kind in _BY_KIND:
        return _BY_KIND[claim.kind](ctx, claim)
    if claim.kind == "trade" and claim.measure == "average" and claim.countries:
        return _trend.verify_average(ctx, claim)
    if claim.kind == "other":
        what = claim.measure or "this"
        return Result(claim, "unverifiable", f"{what} (not a quantity amity has data on)",
                      f"amity has no data on {what}")
    if claim.kind == "people" and claim.measure == "migrants_flow":
        return Result(claim, "unverifiable", "people who went abroad over the years",
                      "a count of departures over years (a flow); amity holds migrant "
                      "stocks at a date (UN DESA)")
    if claim.flow == "export_share" and claim.countries and claim.partner:
        return _rank.verify_export_share(ctx, claim)
    units = {a.unit for a in claim.amounts}
    if claim.kind == "money" or (units - {"USD", "percent", "number"}):
        if units - {"USD", "percent", "points", "number"}:
            cur = ", ".join(sorted(units))
            return Result(claim, "unverifiable", f"an amount in {cur}",
                          f"amounts in {cur}: amity holds US dollars and no exchange rates")
        what = claim.measure or "this amount"
        return Result(claim, "unverifiable", f"{what} (not a quantity amity has data on)",
                      f"amity has no data on {what}")
    if claim.kind == "percent" or (claim.kind == "trade" and units != {"USD"}
                                   and claim.flow not in ("share", "growth")):
        return Result(claim, "unverifiable", "a percentage of something amity does not measure",
                      "amity has no data for this percentage (not a UN vote agreement or "
                      "a trade share)")
    if not claim.countries:
        return Result(claim, "unverifiable", "a quantity of countries the text does not name",
                      "the text does not say which countries (give the pair: --pair A B)")
    series, query = _sources.series_for(ctx, claim)
    return judge_numeric(ctx, claim, series, query)


def verify(claims: Sequence[Claim], store: Store, *, pair: tuple[str, str] | None = None,
           tolerance: float = TOLERANCE, as_of: datetime.date | None = None) -> list[Result]:
    """Verdicts for ``claims`` (in order), querying ``store`` once per distinct question.

    ``as_of`` is the text's date: years are sought before it."""
    ctx = Context(store, pair, tolerance, as_of=as_of)
    _sources.prefetch(ctx, claims)
    return [verify_claim(ctx, c) for c in claims]
