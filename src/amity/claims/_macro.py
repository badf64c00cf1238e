"""Check claims about a country's economy and population against WDI (the ``macro`` table).

GDP (current US$), GDP per head (GDP over population) and population are compared like
any figure (:func:`~amity.claims.compare.compare`); ranks are counted among every economy
WDI lists that year: the claimed place ``supported``, one place off ``approximately``,
further off ``contradicted``. WDI's series are revised (Pakistan's GDP after its 2016
rebasing): the reason names the year and release read. Growth of real GDP is not in the
store (only current-dollar GDP): such claims are ``unverifiable``.
"""

from __future__ import annotations

import pandas as pd

from amity.claims._sources import name_of
from amity.claims.compare import compare, year_mode
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.report import Evidence, Result, format_value, ordinal

__all__ = ["verify"]

_LABEL = {"gdp": "GDP, current US$", "gdp_per_capita": "GDP per head, current US$",
          "population": "population", "gdp_rank": "rank by GDP (current US$)",
          "population_rank": "rank by population"}


def _table(ctx: Context) -> pd.DataFrame:
    key = ("macro",)
    if key not in ctx.cache:
        if not ctx.has("macro"):
            ctx.cache[key] = pd.DataFrame(columns=["source", "release", "year", "iso3",
                                                   "gdp_usd", "population"])
        else:
            ctx.cache[key] = ctx.store.table("macro").to_pandas()
    return ctx.cache[key]


def _column(frame: pd.DataFrame, measure: str) -> pd.Series:
    if measure.startswith("population"):
        return frame["population"]
    if measure == "gdp_per_capita":
        return frame["gdp_usd"] / frame["population"]
    return frame["gdp_usd"]


def verify(ctx: Context, claim: Claim) -> Result:
    """The verdict on a macro claim (GDP, GDP per head, population, their ranks)."""
    measure = claim.measure or "gdp"
    if not claim.countries:
        return Result(claim, "unverifiable", f"{_LABEL.get(measure, measure)} of a country",
                      "the text does not say which country")
    iso = claim.countries[0]
    query = (f"{name_of(iso)}: {_LABEL.get(measure, measure)}, World Development Indicators "
             "(macro table)")
    if measure == "gdp_growth":
        return Result(claim, "unverifiable", query, "real GDP growth is not in the store "
                      "(WDI GDP is held in current US$ only)")
    key = ("macro_values", measure)
    if key not in ctx.cache:
        whole = _table(ctx)
        ctx.cache[key] = whole.assign(value=_column(whole, measure)).dropna(subset=["value"])
    frame = ctx.cache[key]
    mine = frame[frame["iso3"] == iso]
    if mine.empty:
        return Result(claim, "unverifiable", query, f"no WDI {_LABEL.get(measure)} for "
                      f"{name_of(iso)}")
    mode, bounds, why = year_mode(claim, ctx.as_of)
    if mode == "none":
        return Result(claim, "unverifiable", query, why)
    p = claim.period
    have = sorted(int(y) for y in mine["year"])
    if mode in ("fixed", "fiscal") and claim.years and claim.years[0] is not None:
        years = [claim.years[0]] + ([claim.years[0] + 1] if mode == "fiscal" else [])
    elif p is not None and p.first is not None and p.last is not None:
        years = list(range(p.first, p.last + 1))
    else:
        last = ctx.as_of.year - 1 if ctx.as_of else have[-1]
        usable = [y for y in have if y <= last]
        if not usable:
            return Result(claim, "unverifiable", query, f"WDI starts in {have[0]}")
        # the latest figure published when the text was written: last year's or the one
        # before (national accounts come out with a lag)
        years = usable[-2:] if ctx.as_of else usable[-1:]
    years = [y for y in years if y in have]
    if not years:
        when = p.text if p else "that year"
        return Result(claim, "unverifiable", query, f"no WDI value for {when}"
                      f" (WDI covers {have[0]}-{have[-1]})")
    release = str(mine["release"].iloc[0])
    evidence, outcomes, parts = [], [], []
    for year in years:
        unit = "USD" if "gdp" in measure else "count"
        if measure.endswith("_rank"):
            rows = frame[frame["year"] == year].sort_values("value", ascending=False)
            place = list(rows["iso3"]).index(iso) + 1
            want = claim.count or 1
            outcome = ("supported" if place == want else "approximately"
                       if abs(place - want) == 1 else "contradicted")
            parts.append(f"WDI {year}: {name_of(iso)} is {ordinal(place)} of {len(rows)} "
                         f"({format_value(float(rows['value'].iloc[place - 1]), unit)})")
            evidence.append(Evidence("wdi", release, year, float(place), "count",
                                     _LABEL[measure], outcome))
        else:
            value = float(mine.loc[mine["year"] == year, "value"].iloc[0])
            outcome, err = compare(claim.amounts[0], value, ctx.tolerance)
            unit = "count" if measure == "population" else "USD"
            parts.append(f"WDI {year}: {format_value(value, unit)} ({err:+.1%})")
            evidence.append(Evidence("wdi", release, year, value, unit, _LABEL[measure],
                                     outcome, err))
        outcomes.append(outcome)
    if "supported" in outcomes or "approximately" in outcomes:
        verdict = "supported" if "supported" in outcomes else "approximately"
    else:
        verdict = "contradicted"
    note = "" if (claim.years and claim.years[0]) or (p and p.first) else \
        " (no year given: the latest WDI year before the text's date)"
    return Result(claim, verdict, query, "; ".join(parts) + note + " [WDI series are revised; "
                  f"release {release}]", evidence)
