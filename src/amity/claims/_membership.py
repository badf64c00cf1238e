"""Is a country a member of an organisation (at a time, or since when)? Three records.

``cow_igo``
    COW IGO v3 (``igo_membership``): status by year to 2014, for the state-years the data
    covers (``igo_state_years``); absence in a covered year means not a member.
``regions``
    amity's regions table (:mod:`amity.regions`): full-member spells, for the
    organisations it lists (SCO, SAARC, ECO, EAEU, ...).
``timeline``
    The engagements timeline's ``membership`` rows (accession, observer status, exit),
    which cover the years after 2014.

Each record gives its own outcome; a record that cannot say (a year outside COW's
coverage, a country without timeline rows) gives ``inconclusive`` and does not count.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from amity import regions
from amity.claims.context import Context
from amity.claims.extract import Claim
from amity.claims.lexicon import Org
from amity.claims.report import Evidence

__all__ = ["country_membership"]

_MEMBER = ("full", "associate")
_EXIT = re.compile(r"\b(?:leaves|left|withdr\w*|suspend\w*|expel\w*|quits?)\b", re.IGNORECASE)


def _cow(ctx: Context, org: Org, iso3: str) -> tuple[dict[int, str], int | None, int | None]:
    """({year: status}, first and last year COW covers the country)."""
    if not org.cow or not ctx.has("igo_membership"):
        return {}, None, None
    key = ("cow_igo", org.cow)
    if key not in ctx.cache:  # the organisation's rows, for every country at once
        t = ctx.store.table("igo_membership")
        rows = t.filter(t.igo == org.cow).select("iso3", "year", "status").to_pandas()
        ctx.cache[key] = {c: dict(zip(g["year"].astype(int), g["status"], strict=True))
                          for c, g in rows.groupby("iso3")}
    if ("cow_years",) not in ctx.cache:
        years = ctx.store.table("igo_state_years")
        years = years.group_by("iso3").aggregate(lo=years.year.min(),
                                                 hi=years.year.max()).to_pandas()
        ctx.cache[("cow_years",)] = {c: (int(lo), int(hi)) for c, lo, hi in
                                     zip(years["iso3"], years["lo"], years["hi"], strict=True)}
    lo, hi = ctx.cache[("cow_years",)].get(iso3, (None, None))
    return ctx.cache[key].get(iso3, {}), lo, hi


@functools.lru_cache(maxsize=1)
def _regions_table() -> pd.DataFrame:
    return regions.load_regions()


def _spells(org: Org, iso3: str) -> tuple[bool, list[tuple[int, int | None]]]:
    """(whether the regions table lists the organisation, the country's spells)."""
    table = _regions_table()
    name = next((r for r in table["region"].unique() if r.casefold() == org.key.casefold()),
                None)
    if name is None:
        return False, []
    rows = table[(table["region"] == name) & (table["iso3"] == iso3)]
    return True, [(int(a), None if pd.isna(b) else int(b))
                  for a, b in zip(rows["from_year"], rows["to_year"], strict=True)]


def _timeline_rows(ctx: Context, org: Org, iso3: str) -> pd.DataFrame:
    key = ("memberships",)
    if key not in ctx.cache:
        store = ctx.store
        if ctx.has("engagements"):
            t = store.table("engagements")
            ctx.cache[key] = t.filter(t.kind == "membership").to_pandas()
        else:
            ctx.cache[key] = pd.DataFrame(columns=["a", "title", "date"])
    rows = ctx.cache[key]
    rows = rows[(rows["a"] == iso3) & rows["title"].str.contains(org.pattern, case=False,
                                                                  regex=True)]
    return rows.sort_values("date")


def _un_votes(ctx: Context, iso3: str, when: tuple[int, int] | None,
              join: bool) -> tuple[str | None, str]:
    """UN membership from roll-call votes: a country that votes is a member that year."""
    if join or not ctx.has("un_votes"):
        return None, ""
    key = ("un_votes_years", iso3)
    if key not in ctx.cache:
        t = ctx.store.table("un_votes")
        t = t.filter(t.iso3 == iso3, t.vote != "nonmember")
        ctx.cache[key] = sorted(int(y) for y in t.select("year").distinct().to_pandas()["year"])
    years = ctx.cache[key]
    if not years:
        return "inconclusive", "no votes recorded"
    text = f"votes {years[0]}-{years[-1]}"
    if when is None:
        return "supported", text + " (a member at the data end)"
    inside = [y for y in years if when[0] <= y <= when[1]]
    return ("supported" if inside else "inconclusive"), text


def _status(title: str) -> str:
    if _EXIT.search(title):
        return "exit"
    return "observer" if re.search(r"\bobserver\b", title, re.IGNORECASE) else "member"


def _judge_first(first: int | None, year: int) -> str:
    if first is None:
        return "contradicted"
    return "supported" if first == year else "approximately" if abs(first - year) <= 1 \
        else "contradicted"


def country_membership(ctx: Context, org: Org, iso3: str, claim: Claim,
                       when: tuple[int, int] | None, join: bool,
                       now: int) -> tuple[list[str], list[Evidence], str]:
    """(outcomes, evidence, reason) for one country of a membership claim."""
    observer = claim.status == "observer"
    wanted = ("observer",) if observer else _MEMBER
    outcomes: list[str] = []
    evidence: list[Evidence] = []
    why: list[str] = []
    target = when or (now, now)
    # COW IGO
    status, lo, hi = _cow(ctx, org, iso3)
    if org.cow and hi is not None and lo is not None:
        ours = sorted(y for y, s in status.items() if s in wanted)
        span = f"{ours[0]}-{ours[-1]}" if ours else None
        if join and when:
            out = _judge_first(ours[0] if ours else None, when[0]) if when[0] <= hi else \
                "inconclusive"
            text = f"first year {ours[0]}" if ours else f"never, {lo}-{hi}"
        else:
            years = [y for y in range(target[0], target[1] + 1) if lo <= y <= hi]
            if when is None:  # today: a membership at the data end stands, a gap does not
                out = "supported" if status.get(hi) in wanted else "inconclusive"
            elif not years:
                out = "inconclusive"
            else:
                out = "supported" if any(status.get(y) in wanted for y in years) else \
                    "contradicted"
            text = (f"{'member' if not observer else 'observer'} {span}" if span else
                    f"not a {'member' if not observer else 'observer'} {lo}-{hi}")
        outcomes.append(out)
        release = next(iter(ctx.releases("cow_igo")), None)
        evidence.append(Evidence("cow_igo", release, hi if not ours else ours[-1], text, "text",
                                 f"{iso3} in {org.cow} (COW IGO, data end {hi})", out))
        why.append(f"COW IGO {text}" + (f" (data end {hi})" if out == "inconclusive" or
                                         when is None else ""))
    if org.key == "UN" and not observer:
        voted, text = _un_votes(ctx, iso3, when, join)
        if voted is not None:
            outcomes.append(voted)
            evidence.append(Evidence("unvotes", None, None, text, "text",
                                     f"{iso3} in UN General Assembly roll calls", voted))
            why.append(f"UN votes: {text}")
    # regions
    listed, spells = _spells(org, iso3)
    if listed and not observer:
        if join and when:
            out = _judge_first(min(a for a, _ in spells) if spells else None, when[0])
        else:
            out = "supported" if any(a <= target[1] and (b is None or b >= target[0])
                                     for a, b in spells) else "contradicted"
        text = ", ".join(f"{a}-{b or ''}" for a, b in spells) or "not listed"
        outcomes.append(out)
        evidence.append(Evidence("regions", "amity", spells[0][0] if spells else None,
                                 f"member {text}" if spells else text, "text",
                                 f"{iso3} in amity's {org.key} table", out))
        why.append(f"regions table member {text}" if spells else "not in the regions table")
    # timeline
    rows = _timeline_rows(ctx, org, iso3)
    if len(rows):
        years = pd.to_datetime(rows["date"]).dt.year
        kinds = [_status(t) for t in rows["title"]]
        if join and when:
            firsts = [y for y, k in zip(years, kinds, strict=True)
                      if k == ("observer" if observer else "member")]
            out = _judge_first(firsts[0] if firsts else None, when[0]) if firsts else "inconclusive"
        else:
            before = [(y, k) for y, k in zip(years, kinds, strict=True) if y <= target[1]]
            if not before:
                out = "inconclusive"
            else:  # only an explicit exit contradicts: the timeline is a selection
                last = before[-1][1]
                out = "supported" if last == ("observer" if observer else "member") else \
                    "contradicted" if last == "exit" else "inconclusive"
        outcomes.append(out)
        for (_, row), k in zip(rows.iterrows(), kinds, strict=True):
            date = pd.Timestamp(row["date"]).strftime("%Y-%m-%d")
            evidence.append(Evidence("timeline", row.get("release"), int(date[:4]),
                                     str(row["title"]), "text", f"{iso3} {k} ({date})", out,
                                     note=f"{row.get('source_name') or ''}"))
        why.append("timeline: " + ", ".join(f"{k} {y}" for y, k in zip(years, kinds, strict=True)))
    if not why:
        why.append("no record")
    return outcomes, evidence, "; ".join(why)
