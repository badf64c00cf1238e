"""Check partner ranks, trade balances and export shares against bilateral trade flows.

Every reading is named: each source's year, how its flows are reported (COW from the
importer's statistics; Comtrade, DOTS from the exporter's), the claimed country's place
and the countries around it. Rules:

* **Ranks.** The claimed rank found: ``supported``; one place off: ``approximately``;
  further off, but the claimed country's value within a quarter of the value at the
  claimed rank in an exporter-reported source: ``inconclusive`` (importers' statistics,
  not in the store, can reorder such close partners); otherwise ``contradicted``. A year
  in which the ranked country or the claimed partner filed no report cannot rank them.
* **Balances.** The figure is compared with each source's balance; where it disagrees
  but lies within what the partner's own report could give (its flow read up to 1.5
  times higher or lower: CIF against FOB, re-exports, timing), the source is
  ``inconclusive``. A balance of the wrong sign contradicts.
* OTS (levels 20-50 % high) decides only when no other source does, and never
  contradicts alone.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from amity import regions
from amity._exceptions import AmityError
from amity.claims._judge import judge_numeric
from amity.claims._sources import BASIS, Series, name_of
from amity.claims.compare import aggregate, year_mode
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.report import Evidence, Result, format_value, ordinal

__all__ = ["RANK_SOURCES", "verify_balance", "verify_export_share", "verify_rank"]

#: Sources that can rank a country's partners (WITS lists only the top five).
RANK_SOURCES = ("comtrade_totals", "cow_trade", "dots", "comtrade", "ots")
_BAND = 1.5
_WORDS = {"total": "total goods trade", "exports": "its exports to them",
          "imports": "its imports from them", "deficit": "its trade deficit with them",
          "surplus": "its trade surplus with them"}


def _flows(ctx: Context, owner: str) -> pd.DataFrame:
    """Every flow to or from ``owner``: source, release, year, partner, exports, imports."""
    key = ("owner_flows", owner)
    if key not in ctx.cache:
        owners = ctx.cache.get("owners", frozenset())
        batch = sorted(owners if owner in owners else {owner})
        t = ctx.store.table("trade_dyadic")
        t = t.filter(t.exporter.isin(batch) | t.importer.isin(batch),
                     t.source.isin(list(RANK_SOURCES)))
        f = t.to_pandas()  # one query for every country the text ranks or balances
        for one in batch:
            mine = f[(f["exporter"] == one) | (f["importer"] == one)]
            out = mine["exporter"] == one
            mine = mine.assign(partner=mine["importer"].where(out, mine["exporter"]),
                               exports=mine["value_usd"].where(out),
                               imports=mine["value_usd"].where(~out))
            ctx.cache[("owner_flows", one)] = mine.groupby(
                ["source", "release", "year", "partner"], as_index=False)[
                ["exports", "imports"]].sum(min_count=1)
    return ctx.cache[key]


def _years(ctx: Context, claim: Claim, have: list[int]) -> tuple[list[int], str | None]:
    """The years to check and, when none can be, why."""
    mode, bounds, why = year_mode(claim, ctx.as_of)
    if mode == "none":
        return [], why
    p = claim.period
    run = int(claim.level) if claim.level and claim.level.isdigit() else None
    last = (ctx.as_of.year - 1) if ctx.as_of else (max(have) if have else 0)
    if run:
        return list(range(last - run + 1, last + 1)), None
    if p is not None and p.first is not None and p.last is not None and mode != "latest":
        return list(range(max(p.first, last - 60), p.last + 1)), None
    if claim.years and claim.years[0] is not None:  # a fiscal year spans two calendar years
        return [claim.years[0], claim.years[0] + 1] if claim.fiscal else [claim.years[0]], None
    usable = [y for y in have if y <= last]
    if not usable:
        return [], "no year of data before the text's date"
    if ctx.as_of and usable[-1] < ctx.as_of.year - 3:
        return [], (f"the text speaks of its own time ({ctx.as_of.year}); the data end in "
                    f"{usable[-1]}")
    return [usable[-1]], None


def _value(rows: pd.DataFrame, measure: str) -> pd.Series:
    ex, im = rows["exports"], rows["imports"]
    return {"exports": ex, "imports": im, "deficit": im - ex,
            "surplus": ex - im}.get(measure, ex.fillna(0) + im.fillna(0))


def verify_rank(ctx: Context, claim: Claim) -> Result:
    """A partner-rank claim: "X is Y's Nth-largest trading partner"."""
    subject, owner = claim.countries[0], claim.partner[0]
    rank = claim.count or 1
    measure = claim.measure or "total"
    region = f" in {claim.group}" if claim.group else ""
    place_words = (f"not in the top {rank}" if claim.status == "not_top" else
                   f"number {rank}")
    query = (f"{name_of(owner)}'s partners{region} ranked by {_WORDS.get(measure, measure)}; "
             f"is {name_of(subject)} {place_words}? "
             "Bilateral flows of every trade source")
    frame = _flows(ctx, owner)
    if frame.empty:
        return Result(claim, "unverifiable", query, f"no trade flows of {name_of(owner)} in "
                      "the store")
    years, why = _years(ctx, claim, sorted(frame["year"].unique()))
    if why:
        return Result(claim, "unverifiable", query, why)
    outcomes: dict[str, list[str]] = {}
    parts: list[str] = []
    evidence: list[Evidence] = []
    for (source, release), rows in frame.groupby(["source", "release"], sort=False):
        for year in years:
            yr = rows[rows["year"] == year]
            if yr.empty:  # a fiscal year needs both of its calendar years
                if claim.fiscal:
                    outcomes.setdefault(source, []).append("inconclusive")
                continue
            if claim.group:
                try:
                    members = set(regions.members(claim.group, int(year)))
                except AmityError:  # the user's regions file lacks it
                    members = set()
                yr = yr[yr["partner"].isin(members)]
            reported = yr["exports"].notna().any() and source != "cow_trade" or \
                yr["imports"].notna().any()
            srow = yr[yr["partner"] == subject]
            if not reported or srow.empty or srow[["exports", "imports"]].isna().any(axis=None):
                outcomes.setdefault(source, []).append("inconclusive")
                continue
            vals = _value(yr, measure).rename("v")
            ranked = yr.assign(v=vals).dropna(subset=["v"]).sort_values("v", ascending=False)
            order = list(ranked["partner"])
            place = order.index(subject) + 1
            mine = float(ranked["v"].iloc[place - 1])
            if claim.status == "not_top":
                ok = place > rank
                outcome = "supported" if ok else "contradicted"
                other = float(ranked["v"].iloc[min(rank, len(order) - 1)])
            else:
                other = float(ranked["v"].iloc[min(rank, len(order)) - 1])
                close = _within_quarter(mine, other)
                outcome = ("supported" if place == rank else
                           "approximately" if abs(place - rank) == 1 and close
                           else "contradicted")
            if outcome == "contradicted" and source != "cow_trade" and \
                    _within_quarter(mine, other):
                outcome = "inconclusive"
            outcomes.setdefault(source, []).append(outcome)
            top = ", ".join(f"{i} {name_of(p)} {format_value(v, 'USD')}" for i, (p, v) in
                            enumerate(zip(order[:3], ranked["v"][:3], strict=False), start=1))
            parts.append(f"{source} {year}: {name_of(subject)} {ordinal(place)} "
                         f"({format_value(mine, 'USD')}; {top}) {outcome}")
            evidence.append(Evidence(source, release, int(year), float(place), "count",
                                     f"{subject}'s rank among {owner}'s partners{region}",
                                     outcome, note=BASIS.get(source)))
    per_source = {s: _combine(o, claim) for s, o in outcomes.items()}
    decided = {s: o for s, o in per_source.items() if o in ("supported", "approximately",
                                                          "contradicted")}
    if "ots" in decided and len(decided) > 1:
        decided.pop("ots")
    if list(decided) == ["ots"]:  # OTS alone: never contradicts, at best approximately
        decided = {} if decided["ots"] == "contradicted" else {"ots": "approximately"}
    verdict = aggregate(list(decided.values()))
    if claim.fiscal and verdict == "supported":
        verdict = "approximately"
    if not parts:
        return Result(claim, "unverifiable", query, "the ranked country or its partner filed no "
                      "trade report for the year(s): no rank can be computed", evidence)
    reason = "; ".join(parts[:4]) + ("" if verdict != "unverifiable" else
                                      " (too close to call, or reports missing)")
    if claim.fiscal:
        reason += " (a fiscal year: both calendar years shown)"
    return Result(claim, verdict, query, reason, evidence)


def _within_quarter(mine: float, other: float) -> bool:
    """``mine`` within a quarter of ``other`` (the value at the claimed place).

    >>> _within_quarter(149.7, 190.7), _within_quarter(140.0, 190.7), _within_quarter(1, 0)
    (True, False, False)
    """
    return bool(other) and abs(mine - other) <= 0.25 * abs(other)


def _combine(outcomes: list[str], claim: Claim) -> str:
    decisive = [o for o in outcomes if o != "inconclusive"]
    if not decisive:
        return "inconclusive"
    if claim.fiscal:  # both calendar years shown; a contradiction needs both decided
        if any(o in ("supported", "approximately") for o in decisive):
            return "approximately"
        return "inconclusive" if len(decisive) < len(outcomes) else "contradicted"
    if "contradicted" in decisive:
        return "contradicted"
    return "supported" if all(o == "supported" for o in decisive) else "approximately"


def verify_balance(ctx: Context, claim: Claim) -> Result:
    """A balance: "A's deficit with B was $X", "A sells far more to B than it buys"."""
    a = claim.countries[0] if claim.countries else None
    b = claim.partner[0] if claim.partner else None
    if not (a and b):
        return Result(claim, "unverifiable", "a trade balance", "the text does not say "
                      "whose balance with whom")
    side = claim.measure or "deficit"
    query = (f"{name_of(a)}'s trade {side} with {name_of(b)}: its exports to {name_of(b)} less "
             "its imports from it, every trade source")
    frame = _flows(ctx, a)
    frame = frame[frame["partner"] == b].dropna(subset=["exports", "imports"])
    if frame.empty:
        return Result(claim, "unverifiable", query, "no source has both directions of this "
                      "trade")
    have = sorted(frame["year"].unique())
    if claim.status in ("sign", "consistently"):
        years, why = _years(ctx, claim, have)
        if claim.status == "consistently" and not why:
            years = [y for y in have if years and years[-1] - 9 <= y <= years[-1]]
        return _sign(ctx, claim, frame, years, why, query)
    mode, _, why = year_mode(claim, ctx.as_of)
    if mode == "none":
        return Result(claim, "unverifiable", query, why)
    sign = -1.0 if side == "deficit" else 1.0
    series: list[Series] = []
    for (source, release), rows in frame.groupby(["source", "release"], sort=False):
        values = {int(y): sign * float(e - i) for y, e, i in
                  zip(rows["year"], rows["exports"], rows["imports"], strict=True)}
        series.append(Series(source, release, values, f"{a}'s {side} with {b}",
                             note=BASIS.get(source)))
    result = judge_numeric(ctx, replace(claim, kind="trade", flow="balance"), series, query)
    if result.verdict == "contradicted":  # within what the partner's own report allows?
        x = claim.amounts[0].value if claim.amounts else 0.0
        bad = {e.year for e in result.evidence if e.outcome == "contradicted"}
        ok = frame[frame["year"].isin(bad)]
        lo = sign * (ok["exports"] - ok["imports"] * _BAND)
        hi = sign * (ok["exports"] - ok["imports"] / _BAND)
        inside = ((pd.concat([lo, hi], axis=1).min(axis=1) <= x * 1.1)
                  & (x * 0.9 <= pd.concat([lo, hi], axis=1).max(axis=1))).any()
        if inside:
            result.verdict = "unverifiable"
            result.reason += ("; within what the partner's own statistics could give (its "
                              "flow read 1.5 times higher or lower: CIF against FOB, "
                              "re-exports): not a contradiction")
    return replace(result, claim=claim)


def _sign(ctx: Context, claim: Claim, frame: pd.DataFrame, years: list[int],
          why: str | None, query: str) -> Result:
    a, b = claim.countries[0], claim.partner[0]
    if why or not years:
        return Result(claim, "unverifiable", query, why or "no year to check")
    rows = frame[frame["year"].isin(years)]
    if rows.empty:
        return Result(claim, "unverifiable", query, "no source has both directions for "
                      f"{years[0]}-{years[-1]}")
    want = -1 if claim.measure == "deficit" else 1
    evidence, signs = [], []
    for _, r in rows.iterrows():
        bal = float(r["exports"] - r["imports"])
        ok = bal * want > 0
        signs.append(ok)
        evidence.append(Evidence(str(r["source"]), str(r["release"]), int(r["year"]), bal,
                                 "USD", f"{a}'s balance with {b}",
                                 "supported" if ok else "contradicted",
                                 note=BASIS.get(str(r["source"]))))
    span = f"{min(years)}-{max(years)}" if len(set(years)) > 1 else str(years[0])
    if all(signs):
        return Result(claim, "supported", query, f"every source and year ({span}) has "
                      f"{name_of(a)} in {claim.measure} with {name_of(b)}", evidence)
    if not any(signs):
        return Result(claim, "contradicted", query, f"no source or year ({span}) has "
                      f"{name_of(a)} in {claim.measure} with {name_of(b)}", evidence)
    return Result(claim, "disputed", query, f"sources or years ({span}) disagree on the sign "
                  "of the balance", evidence)


def verify_export_share(ctx: Context, claim: Claim) -> Result:
    """"One-fifth of Chinese exports go to the United States": a share of exports."""
    owner, dest = claim.countries[0], claim.partner[0]
    query = (f"{name_of(dest)}'s share of {name_of(owner)}'s goods exports: exports to "
             f"{name_of(dest)} over exports to the world, same source")
    flows = _flows(ctx, owner)
    flows = flows[flows["partner"] == dest].dropna(subset=["exports"])
    t = ctx.store.table("trade_national")
    nat = t.filter(t.iso3 == owner).to_pandas()
    series = []
    for (source, release), rows in flows.groupby(["source", "release"], sort=False):
        tot = nat[nat["source"] == source].dropna(subset=["exports_usd"])
        tot = dict(zip(tot["year"].astype(int), tot["exports_usd"], strict=True))
        values = {int(y): 100 * float(v) / tot[int(y)] for y, v in
                  zip(rows["year"], rows["exports"], strict=True) if tot.get(int(y))}
        if values:
            series.append(Series(source, release, values, f"{dest} in {owner}'s exports",
                                 unit="percent", note=BASIS.get(source)))
    return judge_numeric(ctx, claim, series, query)

