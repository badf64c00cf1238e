"""How a written figure is compared with data, and how sources' outcomes become a verdict.

How a figure is compared (``tol`` is the tolerance, 10 % by default)
    A figure as written has a rounding step: "$600 million" is good to the hundred
    million (±50M), "$540 million" to ±5M, "$17 billion" to ±0.5B. An exact figure is
    ``supported`` when the data value rounds to it (and is within 5 %), ``approximately``
    when within ``tol`` or the rounding, else ``contradicted``. "over X" is supported by
    any value ≥ X (less the rounding), "under X"/"up to X" by any value ≤ X, "nearly X" by
    X·(1−tol) … X, "about X" by values within ``tol`` (``approximately`` within 2·tol).
    A range "X–Y" is supported by any value inside it.

Which years (:func:`year_mode`)
    Years written with the figure are used as they are. A period ("in the 2000s") is
    searched for its best-matching year (or run of years). A series without years is
    matched against every run of consecutive years (:func:`fit`). A single past-tense
    figure without a year is matched to its best year; a present-tense one to each
    source's latest year.

Verdict across sources (:func:`aggregate`)
    Each source gives its own outcome. None with data: ``unverifiable``. Some support
    (``supported``/``approximately``) and some contradict: ``disputed``. Otherwise the
    best supportive outcome, or ``contradicted``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from amity.claims.extract import Claim
from amity.claims.scan import Amount

__all__ = ["SUPPORTIVE", "TOLERANCE", "aggregate", "compare", "compare_range", "fit",
           "year_mode"]

#: Default tolerance for ``approximately`` (relative).
TOLERANCE = 0.10
#: The outcomes that count in a claim's favour.
SUPPORTIVE = ("supported", "approximately")


def compare(amount: Amount, value: float, tol: float = TOLERANCE,
            bound: str = "same") -> tuple[str, float]:
    """(outcome, relative error) of one data value against one written figure.

    Examples
    --------
    >>> from amity.claims.scan import amounts
    >>> a = amounts("$540 million")[0]
    >>> compare(a, 5.42e8), compare(a, 5.8e8)[0], compare(a, 7e8)[0]
    (('supported', 0.0037), 'approximately', 'contradicted')
    >>> compare(amounts("over $17 billion")[0], 2.6e10)[0]
    'supported'
    """
    x, q = amount.value, amount.qualifier
    half = min(amount.half_step, 0.05 * abs(x))  # "$20 billion" is not good to ±5 billion
    err = (value - x) / x if x else math.inf
    rounded = round(err, 4)
    if bound == "narrower":  # the data measure is part of the claimed one: a lower bound
        if q == "over" and value >= x:
            return "supported", rounded
        if q in (None, "about", "nearly", "under") and value > x * (1 + 2 * tol) + half:
            return "contradicted", rounded
        return "inconclusive", rounded
    if bound == "growth":  # a growth rate: percentage points, and reporters differ
        diff = abs(value - x)
        flipped = value * x < 0 and abs(value) > 2 and abs(x) > 2
        if diff <= max(half, 1.0, 0.02 * abs(x)):
            return "supported", rounded
        if diff <= max(5.0, 0.25 * abs(x)) and not flipped:
            return "approximately", rounded
        if flipped or diff > max(10.0, 0.5 * abs(x)):
            return "contradicted", rounded
        return "inconclusive", rounded
    if q == "just_over":  # "just over", "a little more than": X to X(1 + tol)
        outcome = ("supported" if x - half <= value <= x * (1 + tol) + half else
                   "approximately" if abs(err) <= 2 * tol else "contradicted")
    elif q == "over":
        outcome = ("supported" if value >= x else
                   "approximately" if value >= x - max(half, tol * x) else "contradicted")
    elif q == "under":
        outcome = ("supported" if value <= x else
                   "approximately" if value <= x + max(half, tol * x) else "contradicted")
    elif q == "nearly":
        outcome = ("supported" if x * (1 - tol) <= value <= x + half else
                   "approximately" if abs(err) <= 2 * tol else "contradicted")
    elif q == "about":
        outcome = ("supported" if abs(err) <= tol or abs(value - x) <= half else
                   "approximately" if abs(err) <= 2 * tol else "contradicted")
    else:
        close = 0.02 if amount.unit in ("percent", "points") else 0.005
        outcome = ("supported" if abs(value - x) <= min(half, 0.05 * x) or abs(err) <= close
                   else "approximately" if abs(err) <= tol or abs(value - x) <= half
                   else "contradicted")
    return outcome, rounded


def compare_range(lo: Amount, hi: Amount, value: float, tol: float) -> tuple[str, float]:
    a = lo.value - min(lo.half_step, 0.05 * abs(lo.value))
    b = hi.value + min(hi.half_step, 0.05 * abs(hi.value))
    if a <= value <= b:
        return "supported", 0.0
    err = (value - hi.value) / hi.value if value > b else (value - lo.value) / lo.value
    return ("approximately" if abs(err) <= tol else "contradicted"), round(err, 4)


def fit(points: Sequence[Amount], values: dict[int, float], *, tol: float = TOLERANCE,
        years: Sequence[int | None] | None = None, within: tuple[int, int] | None = None,
        bound: str = "same", scale: float = 1.0) -> dict[str, Any] | None:
    """The best-matching run of consecutive years for ``points`` in ``values``.

    ``years`` pins points to years (None: free); ``within`` limits the run. Returns
    ``years``, ``values``, ``claimed``, ``errors``, ``outcomes``, ``mean_abs_error``,
    ``max_abs_error`` and the run's ``outcome``, or None when no run has data.

    >>> from amity.claims.scan import amounts
    >>> pts = amounts("$600 million, $540 million, $369 million")
    >>> f = fit(pts, {2008: 660e6, 2009: 471e6, 2010: 356e6, 2014: 473e6})
    >>> f["years"], f["outcome"], f["max_abs_error"]
    ([2008, 2009, 2010], 'approximately', 0.1278)
    """
    n = len(points)
    known = list(years) if years is not None else [None] * n
    lo, hi = within or (-10_000, 10_000)
    claimed_steps = [_sign(b.value - a.value, a.value) for a, b in pairwise(points)]
    best: dict[str, Any] | None = None
    free = any(k is None for k in known)
    runs = ([list(range(start, start + n)) for start in sorted(values)] if free
            else [[int(k) for k in known if k is not None]])
    for run in runs:
        if run[0] < lo or run[-1] > hi or any(y not in values for y in run):
            continue
        if any(k is not None and k != y for k, y in zip(known, run, strict=False)):
            continue
        vals = [values[y] * scale for y in run]
        res = [compare(p, v, tol, bound) for p, v in zip(points, vals, strict=False)]
        errs = [e for _, e in res]
        exact = [abs(v - p.value) / abs(p.value) if p.value else abs(e)
                 for p, v, e in zip(points, vals, errs, strict=False)]
        mean = sum(exact) / n
        steps = [_sign(b - a, a) for a, b in pairwise(vals)]
        agrees = all(c == 0 or d == 0 or c == d for c, d in zip(claimed_steps, steps, strict=False))
        # a run whose ups and downs match the claim's beats any run that does not
        if best is None or (agrees, -mean) > (best["direction_as_claimed"],
                                              -best["mean_abs_error"]):
            best = {"years": run, "values": vals, "claimed": [p.value for p in points],
                    "errors": errs, "outcomes": [o for o, _ in res],
                    "mean_abs_error": round(mean, 4),
                    "max_abs_error": round(max(exact), 4),
                    "direction_as_claimed": agrees}
    if best is None:
        return None
    outs = best["outcomes"]
    if not best["direction_as_claimed"]:
        best["outcome"] = "contradicted"
        return best
    if "inconclusive" in outs:
        best["outcome"] = "contradicted" if "contradicted" in outs else (
            "supported" if all(o in ("supported", "inconclusive") for o in outs)
            and "supported" in outs else "inconclusive")
    elif all(o == "supported" for o in outs):
        best["outcome"] = "supported"
    elif all(o in SUPPORTIVE for o in outs) or (
            best["mean_abs_error"] <= tol and best["max_abs_error"] <= 2 * tol):
        best["outcome"] = "approximately"
    else:
        best["outcome"] = "contradicted"
    return best


def _sign(change: float, base: float) -> int:
    """+1 up, -1 down, 0 for a change within 1 % (no direction claimed or seen)."""
    if base == 0 or abs(change) <= 0.01 * abs(base):
        return 0
    return 1 if change > 0 else -1


def aggregate(outcomes: Sequence[str]) -> str:
    """One verdict from the sources' outcomes (see the module docstring).

    >>> aggregate(["supported", "approximately"]), aggregate(["approximately", "contradicted"])
    ('supported', 'disputed')
    >>> aggregate([]), aggregate(["inconclusive"]), aggregate(["contradicted"])
    ('unverifiable', 'unverifiable', 'contradicted')
    """
    pos = [o for o in outcomes if o in SUPPORTIVE]
    neg = [o for o in outcomes if o == "contradicted"]
    if pos and neg:
        return "disputed"
    if neg:
        return "contradicted"
    if pos:
        return "supported" if "supported" in pos else "approximately"
    return "unverifiable"


def year_mode(claim: Claim, as_of: datetime.date | None = None
              ) -> tuple[str, tuple[int, int] | None, str]:
    """How to pick years: (mode, bounds, why), mode one of "fixed", "within", "best",
    "latest", "fiscal" or "none" (the claim's period cannot be checked: ``why`` says why).

    With the text's date ``as_of``, years without a number are sought before it: the
    latest full year before the date, or the 15 years before it for a series.
    """
    p = claim.period
    if p is not None and p.precision == "relative":
        return "none", None, (f"a relative time ('{p.text}') and no date for the text: "
                              "give its date (--date YYYY-MM-DD) to resolve it")
    if p is not None and p.precision == "part":
        return "none", None, (f"a part of a year ('{p.text}'): amity holds yearly figures "
                              "only")
    if p is not None and p.precision == "month" and claim.kind == "trade" and \
            not any(y is not None for y in claim.years):
        return "none", None, (f"a month ('{p.text}'): amity holds yearly figures only")
    if p is not None and p.precision == "current":
        return "none", None, (f"'{p.text}' is the year of the text ({as_of}), not over when "
                              "it was written: no yearly figure exists yet")
    if claim.flow == "growth" and p is not None and p.precision in ("range", "decade", "open",
                                                                     "before"):
        return "none", None, (f"a change over a period ('{p.text}'): which years it compares "
                              "is not said")
    if claim.fiscal:
        return "fiscal", None, ""
    if claim.years and all(y is not None for y in claim.years):
        return "fixed", None, ""
    before = (as_of.year - 15, as_of.year - 1) if as_of else None
    if p is not None and p.precision == "before" and p.last is not None:
        return "within", (p.last - 12, p.last), ""
    if p is not None and p.first is not None and p.last is not None:
        return "within", (p.first, p.last), ""
    if p is not None and p.precision == "open" and p.first is not None:
        return "within", (p.first, as_of.year - 1 if as_of else 9999), ""
    if claim.series or any(y is not None for y in claim.years):
        return "best", before, ""
    return "latest", (before[0], before[1]) if before else None, ""
