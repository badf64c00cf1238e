"""Check claims about arms transfers against SIPRI (``arms_deals``, ``arms_transfers``).

* **Deals and deliveries**: the register's deals of the supplier to the recipient whose
  designation matches ("S-400"); the order year, and the deal value when SIPRI's
  comments give one ("INR390 b ($5.4 b) deal"). No such deal: ``unverifiable`` (the
  register lists major conventional weapons only).
* **Shares, ranks, changes** over SIPRI's five-year blocks ("2017-21"): from the TIV
  delivered per year (SIPRI's trend-indicator values measure volume, not price), the
  supplier's share of the recipient's imports, its rank among suppliers, the recipient's
  rank among importers and its share of the world's imports, or the change between two
  blocks. Without a period, the five years before the text's date.
"""

from __future__ import annotations

import re

import pandas as pd

from amity.claims._sources import name_of
from amity.claims.compare import compare
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.report import Evidence, Result

__all__ = ["verify"]

_VALUE = re.compile(r"\$\s?(?P<v>\d+(?:\.\d+)?)\s?(?P<s>b|m)\b")


def _tiv(ctx: Context) -> pd.DataFrame:
    """TIV delivered per year, supplier and recipient: the processed series, then the
    register-derived years after it."""
    key = ("arms_tiv",)
    if key not in ctx.cache:
        if not ctx.has("arms_transfers"):
            ctx.cache[key] = pd.DataFrame(columns=["year", "supplier", "recipient", "tiv"])
        else:
            f = ctx.store.table("arms_transfers").to_pandas()
            main = f[f["release"] == "processed"] if (f["release"] == "processed").any() else f
            last = int(main["year"].max())
            extra = f[(f["year"] > last) & (f["release"] != "processed")]
            extra = extra[extra["release"] == extra["release"].max()]
            ctx.cache[key] = pd.concat([main, extra])[["year", "supplier", "recipient", "tiv"]]
    return ctx.cache[key]


def _blocks(ctx: Context, claim: Claim) -> list[tuple[int, int]]:
    blocks = [(p.first, p.last) for p in claim.periods if p.first is not None
              and p.last is not None]
    if not blocks and claim.period and claim.period.first is not None:
        blocks = [(claim.period.first, claim.period.last or claim.period.first)]
    if not blocks and ctx.as_of is not None:  # the last five years before the text
        last = min(ctx.as_of.year - 1, int(_tiv(ctx)["year"].max()))
        blocks = [(last - 4, last)]
    return blocks


def verify(ctx: Context, claim: Claim) -> Result:
    """The verdict on an arms claim."""
    if claim.measure in ("deal", "delivery"):
        return _deal(ctx, claim)
    tiv = _tiv(ctx)
    blocks = _blocks(ctx, claim)
    query = ("SIPRI arms transfers: trend-indicator values (TIV) delivered, "
             + ", ".join(f"{a}-{b}" for a, b in blocks))
    if tiv.empty or not blocks:
        return Result(claim, "unverifiable", query, "no SIPRI transfers in the store, or no "
                      "period and no date for the text")
    top = int(tiv["year"].max())
    if any(b > top for _, b in blocks):
        return Result(claim, "unverifiable", query, f"SIPRI data in the store end in {top}")
    parts, outcomes, evidence = [], [], []
    recipient = claim.partner[0] if claim.partner else (claim.countries[0] if claim.countries
                                                        else None)
    for i, (a, b) in enumerate(blocks):
        rows = tiv[(tiv["year"] >= a) & (tiv["year"] <= b)]
        if claim.measure == "share" and recipient and claim.countries and i < len(claim.amounts):
            mine = rows[rows["recipient"] == recipient]
            value = 100 * mine.loc[mine["supplier"] == claim.countries[0], "tiv"].sum() / \
                mine["tiv"].sum()
            outcome, err = compare(claim.amounts[i], value, ctx.tolerance)
            parts.append(f"{a}-{b}: {value:.1f}% ({err:+.1%})")
            evidence.append(Evidence("sipri", None, b, value, "percent",
                                     f"{claim.countries[0]}'s share of {recipient}'s arms "
                                     f"imports {a}-{b}", outcome, err))
            outcomes.append(outcome)
        elif claim.measure in ("supplier_rank", "importer_rank"):
            if claim.measure == "supplier_rank":
                ranked = rows[rows["recipient"] == recipient].groupby("supplier")["tiv"].sum()
                who = claim.countries[0]
            else:
                ranked = rows.groupby("recipient")["tiv"].sum()
                who = claim.countries[0]
            ranked = ranked.sort_values(ascending=False)
            order = list(ranked.index)
            if who not in order:
                continue
            place = order.index(who) + 1
            want = claim.count or 1
            outcome = "supported" if place == want else "approximately" \
                if abs(place - want) == 1 else "contradicted"
            lead = ", ".join(f"{name_of(str(s))} {v:,.0f}" for s, v in ranked.head(3).items())
            parts.append(f"{a}-{b}: {name_of(who)} {place} ({lead} TIV)")
            evidence.append(Evidence("sipri", None, b, float(place), "count",
                                     f"rank {a}-{b}", outcome))
            outcomes.append(outcome)
            if claim.measure == "importer_rank" and claim.amounts:
                share = 100 * float(ranked[who]) / float(ranked.sum())
                o2, err = compare(claim.amounts[0], share, ctx.tolerance)
                parts.append(f"share of world imports {share:.1f}% ({err:+.1%})")
                outcomes.append(o2)
        if claim.measure == "change" and i == 1 and claim.amounts:
            mine = tiv[tiv["recipient"] == recipient]
            if claim.countries:
                mine = mine[mine["supplier"] == claim.countries[0]]
            (a0, b0), (a1, b1) = blocks[0], blocks[1]
            first = mine[(mine["year"] >= a0) & (mine["year"] <= b0)]["tiv"].sum()
            second = mine[(mine["year"] >= a1) & (mine["year"] <= b1)]["tiv"].sum()
            if first:
                change = 100 * (second / first - 1)
                outcome, err = compare(claim.amounts[0], change, ctx.tolerance)
                if claim.amounts[0].qualifier == "over" and change >= claim.amounts[0].value:
                    outcome = "supported"
                parts.append(f"{a0}-{b0} {first:,.0f} → {a1}-{b1} {second:,.0f} TIV: "
                             f"{change:+.1f}%")
                evidence.append(Evidence("sipri", None, b1, change, "percent",
                                         "change between the periods", outcome))
                outcomes.append(outcome)
    if not outcomes:
        return Result(claim, "unverifiable", query, "SIPRI has no transfers for these "
                      "countries and years")
    verdict = ("contradicted" if "contradicted" in outcomes else "supported"
               if all(o == "supported" for o in outcomes) else "approximately")
    return Result(claim, verdict, query, "SIPRI TIV " + "; ".join(parts), evidence)


def _deal(ctx: Context, claim: Claim) -> Result:
    design = claim.topics[0] if claim.topics else ""
    supplier = claim.countries[0] if claim.countries else None
    recipient = claim.partner[0] if claim.partner else None
    query = (f"SIPRI trade register: deals for {design} "
             f"{'from ' + name_of(supplier) if supplier else ''} "
             f"{'to ' + name_of(recipient) if recipient else ''}").strip()
    if not ctx.has("arms_deals") or not design:
        return Result(claim, "unverifiable", query, "no SIPRI register in the store")
    t = ctx.store.table("arms_deals")
    t = t.filter(t.designation.lower().contains(design.lower()))
    deals = t.to_pandas()
    if recipient:
        deals = deals[(deals["recipient"] == recipient) | (deals["supplier"] == recipient)]
    if supplier:
        deals = deals[(deals["supplier"] == supplier) | (deals["recipient"] == supplier)]
    if deals.empty:
        return Result(claim, "unverifiable", query, "the register has no such deal (it lists "
                      "major conventional weapons only)")
    p = claim.period
    rows = []
    for _, d in deals.iterrows():
        years = [int(y) for y in re.findall(r"\d{4}", str(d["delivery_years"] or ""))]
        when = years if claim.measure == "delivery" else [int(d["order_year"])]
        ok_year = p is None or p.first is None or any(
            p.first - 1 <= y <= (p.last or p.first) + 1 for y in when)
        rows.append((ok_year, d, years))
    rows.sort(key=lambda r: not r[0])
    ok_year, deal, delivered = rows[0]
    desc = (f"{deal['designation']} ({deal['description']}): {name_of(str(deal['supplier']))} "
            f"to {name_of(str(deal['recipient']))}, ordered {deal['order_year']}"
            f"{', delivered ' + ', '.join(map(str, delivered)) if delivered else ''}")
    evidence = [Evidence("sipri", str(deal.get("release") or "") or None, int(deal["order_year"]),
                         desc, "text", "SIPRI register deal", "supported" if ok_year else
                         "contradicted", note=str(deal["comments"] or ""))]
    if not ok_year:
        return Result(claim, "contradicted", query, f"SIPRI dates it otherwise: {desc}",
                      evidence)
    if claim.amounts:
        m = _VALUE.search(str(deal["comments"] or ""))
        if not m:
            return Result(claim, "approximately", query, f"{desc}; SIPRI gives no deal value "
                          "to compare with", evidence)
        value = float(m.group("v")) * (1e9 if m.group("s") == "b" else 1e6)
        outcome, err = compare(claim.amounts[0], value, ctx.tolerance)
        verdict = {"inconclusive": "unverifiable"}.get(outcome, outcome)
        return Result(claim, verdict, query, f"{desc}; SIPRI's note: '{deal['comments']}' "
                      f"(deal value {err:+.1%} from the claim)", evidence)
    return Result(claim, "supported", query, desc, evidence)
