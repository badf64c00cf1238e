"""From each source's series to one verdict on a numeric claim (see :mod:`.verify`).

Two rules beyond :func:`~amity.claims.compare.aggregate`:

* **Unknown years.** When the claim gives no years, each source finds its own
  best-matching year(s). A source that matches nowhere is then compared at the years
  where another source matches: if it has values there and they disagree, the sources
  dispute the claim; if it has no values there, it cannot contradict (``inconclusive``).
* **Sources not meant for levels** (:data:`LEVEL_POLICY`). OTS dollar levels run
  20–50 % high (its documented caveat): for a dollar or head-count level, OTS decides
  only when no other source has a verdict, and is otherwise shown for comparison. The
  derived OECD students table counts about twice the head count: it is shown, never
  judged.
"""

from __future__ import annotations

from amity.claims._sources import Series
from amity.claims.compare import aggregate, compare_range, fit, year_mode
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.report import Evidence, Result, format_value

__all__ = ["LEVEL_POLICY", "judge_numeric"]

#: Sources whose levels are not to be trusted as such: "fallback" (judged only when no
#: other source is) or "never" (shown only), with the reason shown to the reader.
LEVEL_POLICY: dict[str, tuple[str, str]] = {
    "ots": ("fallback", "OTS levels run 20-50% high"),
    "students": ("never", "derived OECD table, about 2x head counts; 0 can mean not reported"),
}
_DECISIVE = ("supported", "approximately", "contradicted")


def _span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def _fit_one(s: Series, claim: Claim, mode: str, bounds: tuple[int, int] | None,
             scale: float, tol: float, at: list[int] | None = None) -> dict | None:
    points = list(claim.amounts)
    years = sorted(s.values)
    if claim.is_range and len(points) == 2:
        pick = at or [y for y in years if not bounds or bounds[0] <= y <= bounds[1]]
        if at is None and mode == "fixed":
            pick = [y for y in pick if y == claim.years[0]]
        elif at is None and mode == "latest":
            pick = pick[-1:]
        scored = [(y, *compare_range(points[0], points[1], s.values[y] * scale, tol))
                  for y in pick if y in s.values]
        if not scored:
            return None
        y, outcome, err = min(scored, key=lambda t: abs(t[2]))
        return {"years": [y], "values": [s.values[y] * scale], "errors": [err],
                "outcomes": [outcome], "outcome": outcome, "mean_abs_error": abs(err),
                "max_abs_error": abs(err), "claimed": [p.value for p in points]}
    if at is not None:
        fixed: list[int | None] | None = list(at)
        within = None
    else:
        fixed = list(claim.years) if any(y is not None for y in claim.years) else None
        within = bounds if mode == "within" else None
        if mode == "latest":
            within = (years[-1] - len(points) + 1, years[-1])
    return fit(points, s.values, tol=tol, years=fixed, within=within, bound=s.bound,
               scale=scale)


def judge_numeric(ctx: Context, claim: Claim, series: list[Series], query: str) -> Result:
    """Compare a numeric claim with each source's series and give the verdict."""
    tol = ctx.tolerance
    mode, bounds = year_mode(claim)
    scale = 100.0 if claim.kind == "vote" or claim.flow == "share" else 1.0
    level = claim.flow not in ("share", "growth") and claim.kind != "vote"
    context = [s for s in series if s.bound == "context"]
    judged = [s for s in series if s.bound != "context" and s.values]
    results = {id(s): _fit_one(s, claim, mode, bounds, scale, tol) for s in judged}
    supportive = [r for r in results.values() if r and r["outcome"] in ("supported",
                                                                        "approximately")]
    if mode == "best" and supportive:  # compare the others where one source matches
        run = supportive[0]["years"]
        for s in judged:
            r = results[id(s)]
            if r is None or r["outcome"] in ("supported", "approximately"):
                continue
            again = _fit_one(s, claim, mode, bounds, scale, tol, at=run) if all(
                y in s.values for y in run) else None
            if again is None:
                r["outcome"] = "inconclusive"
                r["note"] = f"no values for {_span(run)}, where another source matches"
            else:
                results[id(s)] = again
    shown: list[tuple[Series, dict, str]] = []  # judged only for comparison
    if level:
        for s in judged:
            rule, why = LEVEL_POLICY.get(s.source, ("", ""))
            r = results[id(s)]
            others = [o for o in judged if o.source not in LEVEL_POLICY
                      and (x := results[id(o)]) is not None and x["outcome"] in _DECISIVE]
            if r is not None and (rule == "never" or (rule == "fallback" and others)):
                shown.append((s, r, why))
                results[id(s)] = None
                r["shown_only"] = True
    evidence: list[Evidence] = []
    fits: list[dict] = []
    outcomes: list[str] = []
    parts: list[str] = []
    unit_of = (lambda s: "percent") if scale != 1 else (lambda s: s.unit)
    for s in judged:
        r = results[id(s)]
        if r is None:
            if not any(x is s for x, _, _ in shown):
                evidence.append(Evidence(s.source, s.release, None, None, unit_of(s), s.what,
                                         "inconclusive", note="no value for the claimed "
                                         f"year(s); this source covers {_span(sorted(s.values))}"))
            continue
        outcomes.append(r["outcome"])
        fits.append({"source": s.source, "release": s.release, **r})
        for y, v, o, e in zip(r["years"], r["values"], r["outcomes"], r["errors"], strict=False):
            evidence.append(Evidence(s.source, s.release, y, v, unit_of(s), s.what,
                                     o if r["outcome"] != "inconclusive" else "inconclusive",
                                     e, r.get("note") or s.note))
        err = (f"mean error {r['mean_abs_error']:.1%}, max {r['max_abs_error']:.1%}"
               if len(r["years"]) > 1 else f"{r['errors'][0]:+.1%}")
        if not r.get("direction_as_claimed", True):
            err += "; no run rises and falls as claimed"
        caveat = LEVEL_POLICY.get(s.source, (None, None))[1] if level else None
        parts.append(f"{s.source} {_span(r['years'])} {r['outcome']} ({err}"
                     f"{'; ' + caveat if caveat else ''})")
        years = sorted(s.values)
        n = len(claim.amounts)
        if mode == "best" and n > 1 and years[-n:] != r["years"] and len(years) >= n:
            evidence += [Evidence(s.source, s.release, y, s.values[y] * scale, unit_of(s),
                                  s.what, "context", note="latest years, for comparison")
                         for y in years[-n:]]
            if r["outcome"] in _DECISIVE:
                parts[-1] += (f"; its latest years {_span(years[-n:])}: " + ", ".join(
                    format_value(s.values[y] * scale, unit_of(s)) for y in years[-n:]))
    for s, r, why in shown:
        for y, v, e in zip(r["years"], r["values"], r["errors"], strict=False):
            evidence.append(Evidence(s.source, s.release, y, v, unit_of(s), s.what, "context",
                                     e, f"shown for comparison only: {why}"))
        parts.append(f"for comparison {s.source} {_span(r['years'])}: " + ", ".join(
            format_value(v, unit_of(s)) for v in r["values"]) + f" ({why})")
    used = sorted({e.year for e in evidence if e.outcome != "context" and e.year is not None})
    for s in context:  # other readings of the claim, at the years the judged sources used
        for y in used:
            if y in s.values:
                evidence.append(Evidence(s.source, s.release, y, s.values[y] * scale,
                                         unit_of(s), s.what, "context", note=s.note))
    verdict = aggregate(outcomes)
    decisive = [o for o in outcomes if o in _DECISIVE]
    if not judged:
        reason = "no data in the store for this quantity"
    elif not decisive:
        reason = ("no source has a value for the claimed period" if not parts else
                  "no source settles it: " + "; ".join(parts))
        if not shown and any(s.bound == "narrower" for s in judged):
            reason = "only a narrower measure is available, and it does not settle the " \
                     "claim: " + "; ".join(parts)
    else:
        reason = "; ".join(parts)
    readings = [e for e in evidence if e.outcome == "context" and e.what.startswith("other")]
    if readings:
        reason += "; other readings: " + ", ".join(
            f"{e.what.split(':')[0].removeprefix('other reading, ')} "
            f"{format_value(e.value, e.unit)} ({e.source} {e.year})" for e in readings)
    if mode == "latest" and decisive:
        reason += " (no year given: each source's latest year)"
    elif mode == "best" and decisive:
        reason += " (no years given: best-matching years)"
    return Result(claim, verdict, query, reason, evidence, fits)
