"""Check trends ("has been steadily increasing since 2015") and period averages.

Both read each trade source's series for the claimed flow (:func:`~amity.claims._sources.
series_for`) over the claimed period only -- "since 2015" runs to the year before the
text's date, "over the past five years" to the five years before it; a claim with no
period cannot be checked and never gets fitted to some other stretch of years.

* **Trends**: the claimed direction over the period. Every year moving that way:
  ``supported``; the ends moving that way with a year or more against it: ``supported``
  unless the claim says "steadily" / "every year" (then ``approximately``, with the years
  against it named); the ends moving the other way: ``contradicted``.
* **Averages**: the mean of the period's yearly values (a source must cover every year),
  compared like any figure.
"""

from __future__ import annotations

from dataclasses import replace

from amity.claims import _sources
from amity.claims._sources import name_of
from amity.claims.compare import aggregate, compare
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.report import Evidence, Result, format_value

__all__ = ["verify_average", "verify_trend"]


def _years(ctx: Context, claim: Claim) -> tuple[int, int] | None:
    p = claim.period
    if p is None or p.first is None:
        return None
    last = p.last if p.last is not None else (ctx.as_of.year - 1 if ctx.as_of else None)
    return (p.first, last) if last is not None and last > p.first else None


def _series(ctx: Context, claim: Claim) -> tuple[list[_sources.Series], str]:
    flow = claim.flow if claim.flow in ("exports", "imports") else "total"
    return _sources.series_for(ctx, replace(claim, kind="trade", flow=flow, measure=None,
                                            product=None))


def verify_trend(ctx: Context, claim: Claim) -> Result:
    """A direction over a period: "trade has been steadily increasing since 2015"."""
    up = claim.status == "up"
    span = _years(ctx, claim)
    series, query = _series(ctx, claim)
    query = f"{query}; direction {'up' if up else 'down'} over the period"
    if span is None:
        return Result(claim, "unverifiable", query, "a direction with no period, or a period "
                      "that needs the text's date (use --date)")
    lo, hi = span
    steady = "steady" in claim.action
    outcomes, parts, evidence = [], [], []
    for s in series:
        years = [y for y in sorted(s.values) if lo <= y <= hi]
        if len(years) < 2 or years[0] > lo + 1 or years[-1] < hi - 1:
            continue
        values = [s.values[y] for y in years]
        moves = [b - a for a, b in zip(values, values[1:], strict=False)]
        against = [years[i + 1] for i, m in enumerate(moves) if (m < 0 if up else m > 0)]
        overall = values[-1] - values[0]
        if (overall > 0) != up:
            outcome = "contradicted"
        elif against and steady:
            outcome = "approximately"
        else:
            outcome = "supported"
        outcomes.append(outcome if s.source not in ("ots", "wits") else "inconclusive")
        parts.append(f"{s.source} {years[0]}-{years[-1]}: {format_value(values[0], 'USD')} → "
                     f"{format_value(values[-1], 'USD')}"
                     + (f", against the claim in {', '.join(map(str, against))}" if against
                        else ", every year as claimed") + f" ({outcome})")
        evidence += [Evidence(s.source, s.release, y, s.values[y], "USD", s.what, outcome,
                              note=s.note) for y in years]
    if not parts:
        return Result(claim, "unverifiable", query, f"no source covers {lo}-{hi}")
    verdict = aggregate(outcomes)
    if verdict == "unverifiable" and any("supported" in p for p in parts):
        verdict = "approximately"  # only sources whose levels are not meant for this agree
    return Result(claim, verdict, query, "; ".join(parts), evidence)


def verify_average(ctx: Context, claim: Claim) -> Result:
    """A yearly average over a period: "trade averaged $2 billion a year in 2015-19"."""
    span = _years(ctx, claim)
    series, query = _series(ctx, claim)
    query = f"The yearly average of: {query}"
    if span is None or not claim.amounts:
        return Result(claim, "unverifiable", query, "an average with no period")
    lo, hi = span
    outcomes, parts, evidence = [], [], []
    for s in series:
        years = list(range(lo, hi + 1))
        if not all(y in s.values for y in years):
            continue
        mean = sum(s.values[y] for y in years) / len(years)
        outcome, err = compare(claim.amounts[0], mean, ctx.tolerance)
        outcomes.append(outcome if s.source not in ("ots", "wits") else "inconclusive")
        parts.append(f"{s.source} {lo}-{hi} average {format_value(mean, 'USD')} ({err:+.1%})")
        evidence.append(Evidence(s.source, s.release, hi, mean, "USD",
                                 f"average {lo}-{hi}: {s.what}", outcome, err, s.note))
    if not parts:
        return Result(claim, "unverifiable", query, f"no source covers every year of {lo}-{hi}")
    verdict = aggregate(outcomes)
    return Result(claim, verdict, query, "; ".join(parts) + f" ({name_of(claim.countries[0])}"
                  f"{'-' + name_of(claim.partner[0]) if claim.partner else ''})", evidence)
