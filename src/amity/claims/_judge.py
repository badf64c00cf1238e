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
  judged. A source shown for comparison that agrees with the claim (other than OTS, whose
  levels are known to run high) turns a contradiction into ``disputed``: a claim is
  contradicted only when no competent reading supports it.
"""

from __future__ import annotations

import datetime

from amity.claims._sources import Series
from amity.claims.compare import aggregate, compare, compare_range, fit, year_mode
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.report import Evidence, Result, format_value

__all__ = ["LEVEL_POLICY", "judge_numeric"]

#: Sources whose levels are not to be trusted as such: "fallback" (judged only when no
#: other source is) or "never" (shown only), with the reason shown to the reader.
LEVEL_POLICY: dict[str, tuple[str, str]] = {
    "ots": ("fallback", "OTS levels run 20-50% high"),
    "wits": ("fallback", "WITS lists each reporter's top five partners, so a flow may come "
                         "from either side's statistics"),
    "students": ("never", "derived OECD table, about 2x head counts; 0 can mean not reported"),
}
_DECISIVE = ("supported", "approximately", "contradicted")


def _span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def _fit_fiscal(s: Series, claim: Claim, scale: float, tol: float) -> dict | None:
    """A fiscal-year figure against both calendar years it straddles (2021-22: 2021 and
    2022): within their span or the tolerance of either, ``approximately`` at best."""
    years: list[int] = []
    values: list[float] = []
    outcomes: list[str] = []
    errors: list[float] = []
    per_point: list[str] = []
    for point, first in zip(claim.amounts, claim.years, strict=False):
        if first is None:
            continue
        pair = [y for y in (first, first + 1) if y in s.values]
        if not pair:
            continue
        got = [(y, s.values[y] * scale, *compare(point, s.values[y] * scale, tol, s.bound))
               for y in pair]
        for y, v, o, e in got:
            years.append(y)
            values.append(v)
            outcomes.append(o)
            errors.append(e)
        vals = [v for _, v, _, _ in got]
        half = min(point.half_step, 0.05 * abs(point.value))
        between = len(vals) == 2 and min(vals) - half <= point.value <= max(vals) + half
        best = min((o for _, _, o, _ in got), key=lambda o: _ORDER.index(o))
        if between or best in ("supported", "approximately"):
            per_point.append("approximately")
        elif len(got) == 1:  # one calendar year only: the fiscal year may still lie between
            per_point.append("inconclusive")
        else:
            per_point.append(best)
    if not per_point:
        return None
    outcome = ("contradicted" if "contradicted" in per_point else
               "inconclusive" if "inconclusive" in per_point else "approximately")
    abs_errors = [abs(e) for e in errors]
    return {"years": years, "values": values, "errors": errors, "outcomes": outcomes,
            "outcome": outcome, "mean_abs_error": round(sum(abs_errors) / len(abs_errors), 4),
            "max_abs_error": round(max(abs_errors), 4), "claimed": [p.value for p in
                                                                   claim.amounts],
            "note": "fiscal year: compared with both calendar years"}


_ORDER = ("supported", "approximately", "inconclusive", "contradicted")


def _fit_one(s: Series, claim: Claim, mode: str, bounds: tuple[int, int] | None,
             scale: float, tol: float, at: list[int] | None = None,
             as_of: datetime.date | None = None) -> dict | None:
    points = list(claim.amounts)
    years = sorted(s.values)
    if mode == "fiscal" and at is None:
        return _fit_fiscal(s, claim, scale, tol)
    if mode == "latest" and at is None:
        years = [y for y in years if bounds is None or y <= bounds[1]]
        if not years or (as_of is not None and years[-1] < as_of.year - 3):
            return None  # the data end long before the text's "now"
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
        within = bounds if mode in ("within", "best") else None
        if mode == "best" and within is None and years:  # no date: the last 20 years
            within = (years[-1] - 19, years[-1])
        if mode == "latest":
            within = (years[-1] - len(points) + 1, years[-1])
    return fit(points, s.values, tol=tol, years=fixed, within=within, bound=s.bound,
               scale=scale)


#: Sources whose bilateral flows come from the exporter's own report only.
EXPORTER_BASED = frozenset(("comtrade_totals", "comtrade", "dots", "wits"))
#: How far an exporter's report may stand from the importer's (which the claim may
#: follow: CIF values, re-exports, timing) before it alone contradicts: a factor of 1.5.
MIRROR_BAND = 1.5


def _mirror(claim: Claim, judged: list[Series], results: dict[int, dict | None]) -> None:
    """Contradictions that a reading the store lacks could undo become ``inconclusive``.

    A bilateral flow's exporter-reported value contradicts alone only beyond
    :data:`MIRROR_BAND`; with an importer-based source (COW) contradicting too, every
    reading disagrees and the contradiction stands. OTS alone never contradicts a level.
    """
    if claim.kind == "people" and (claim.measure or "").startswith("migrants"):
        for s in judged:
            r = results[id(s)]
            if r and r["outcome"] == "contradicted" and all(
                    0.5 <= v / c <= 2 for v, c in zip(r["values"], r["claimed"], strict=False)
                    if c and v):
                r["outcome"] = "inconclusive"
                r["note"] = ("UN DESA's estimates and national counts (of workers, of "
                             "residents) differ by this much")
        return
    if claim.kind != "trade" or not claim.partner or claim.flow in (
            "share", "growth", "export_share", "balance"):
        return
    contra = [s for s in judged if (r := results[id(s)]) and r["outcome"] == "contradicted"]
    backed = [s for s in judged if s.source not in LEVEL_POLICY and (r := results[id(s)])
              and r["outcome"] in ("supported", "approximately")]
    if any(s.source == "cow_trade" for s in contra) or backed:
        return  # every reading disagrees, or readings disagree with each other (disputed)
    for s in contra:
        r = results[id(s)]
        assert r is not None
        inside = all(1 / MIRROR_BAND <= v / c <= MIRROR_BAND
                     for v, c in zip(r["values"], r["claimed"] * 2, strict=False) if c and v)
        if s.source in EXPORTER_BASED and inside:
            r["outcome"] = "inconclusive"
            r["note"] = ("only the exporter's own report for these years; the importer's "
                         "statistics, which the claim may follow, can differ this much")
    decisive = [s for s in judged if (r := results[id(s)]) and r["outcome"] in _DECISIVE]
    if decisive and all(s.source in LEVEL_POLICY for s in decisive) and all(
            results[id(s)]["outcome"] == "contradicted" for s in decisive):  # type: ignore[index]
        for s in decisive:
            r = results[id(s)]
            assert r is not None
            r["outcome"] = "inconclusive"
            r["note"] = (f"{s.source} alone never contradicts a level "
                         f"({LEVEL_POLICY[s.source][1]})")


def judge_numeric(ctx: Context, claim: Claim, series: list[Series], query: str) -> Result:
    """Compare a numeric claim with each source's series and give the verdict."""
    tol = ctx.tolerance
    mode, bounds, why = year_mode(claim, ctx.as_of)
    if mode == "none":
        return Result(claim, "unverifiable", query, why)
    scale = 100.0 if claim.kind == "vote" or claim.flow == "share" else 1.0
    level = claim.flow not in ("share", "growth") and claim.kind != "vote"
    context = [s for s in series if s.bound == "context"]
    judged = [s for s in series if s.bound != "context" and s.values]
    results = {id(s): _fit_one(s, claim, mode, bounds, scale, tol, as_of=ctx.as_of)
               for s in judged}
    supportive = [r for r in results.values() if r and r["outcome"] in ("supported",
                                                                        "approximately")]
    if mode in ("best", "within") and supportive:  # compare the others where one matches
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
    _mirror(claim, judged, results)
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
        if r["outcome"] == "inconclusive" and r.get("note"):
            caveat = r["note"]
        values = ", ".join(format_value(v, unit_of(s)) for v in r["values"][:4])
        parts.append(f"{s.source} {_span(sorted(set(r['years'])))} {values}: {r['outcome']} "
                     f"({err}{'; ' + caveat if caveat else ''})")
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
    signs = {(f["errors"][0] > 0) for f in fits if f["outcome"] == "contradicted" and f["errors"]}
    signs |= {(r["errors"][0] > 0) for _, r, _ in shown
              if r.get("errors") and abs(r["errors"][0]) > ctx.tolerance}
    if verdict == "contradicted" and len(signs) == 2:
        verdict = "disputed"  # readings on both sides of the claim
        parts.append("the claim lies between the sources' readings")
    agree = [s.source for s, r, _ in shown if s.source != "ots"
             and r.get("outcome") in ("supported", "approximately")]
    if verdict == "contradicted" and agree:  # a competent reading agrees: not refuted
        verdict = "disputed"
        parts.append(f"{', '.join(agree)} agrees with the claim: the readings disagree")
    only_ots = fits and all(f["source"] in LEVEL_POLICY for f in fits) and level
    if only_ots and verdict == "supported":
        verdict = "approximately"  # OTS alone: its levels run high
    if claim.fiscal and verdict == "supported":
        verdict = "approximately"
    if not judged:
        reason = "no data in the store for this quantity"
    elif not decisive and not parts and mode == "latest" and ctx.as_of is not None:
        last = max(max(s.values) for s in judged)
        reason = (f"the text speaks of its own time ({ctx.as_of.year}), and the data end in "
                  f"{last}: too far back to say")
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
        reason += (" (no year given: each source's latest year"
                   + (f" before the text's date, {ctx.as_of}" if ctx.as_of else "") + ")")
    elif mode == "best" and decisive:
        reason += (" (no years given: best-matching years"
                   + (f" in the 15 years before the text's date, {ctx.as_of}" if ctx.as_of
                      else " in the last 20 years of each source (no date for the text)")
                   + ")")
    elif mode == "fiscal":
        reason += (f" (a fiscal year, {claim.period.text if claim.period else ''}: compared "
                   "with both calendar years it straddles; at best approximately)")
    return Result(claim, verdict, query, reason, evidence, fits)
