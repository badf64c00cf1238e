"""Find the checkable claims in a text and pin down what each one says.

:func:`extract` reads a text sentence by sentence and returns :class:`Claim` objects:
money amounts (trade totals, flows, product groups, other money), percentages (UN vote
agreement, trade shares), memberships, visits, agreements and dated events. Each claim
carries the character span it rests on, the countries, the period, the figures as
written (value, unit, scale, qualifier, rounding), and ``not_a_fact`` when the figure is
a target, forecast or possibility ("aims to reach $5 billion").

Rules that are easy to get wrong, and what this module does:

* Several amounts in one sentence joined by change words ("reduced to", "further to",
  "rose to", "from … to") form one **series** claim; "$1.2-1.5 billion" and "between
  $500 and $600 million" are **ranges**; other amounts are separate claims.
* A year written right after an amount ("$600 million in 2013") belongs to that amount;
  vague periods ("in previous years", "in later years") leave the years unknown.
* A sentence that refers back ("As a result of these visits …") takes the period of the
  sentence before it when it has none of its own.
* Countries: the sentence's mentions (names, demonyms, capitals); "both countries",
  "bilateral" and sentences without a country mean the text's pair.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import pairwise

from amity.claims import _events, _find_other, _find_trade
from amity.claims._find_trade import DEFICIT, balance_side
from amity.claims.lexicon import NOT_A_FACT, PRODUCTS, SECTORS
from amity.claims.scan import (
    Amount,
    Mention,
    Period,
    amounts,
    half_step,
    mentions,
    periods,
    qualifier,
    sentences,
)

__all__ = ["Claim", "extract", "find_pair"]


@dataclass(frozen=True)
class Claim:
    """One checkable statement, pinned down.

    ``kind`` is one of ``trade`` (a trade value: ``flow`` total, exports or imports,
    with ``partner`` for bilateral trade and ``product`` for a product group),
    ``money`` (another amount: investment, aid ...), ``percent``, ``vote`` (UN vote
    agreement), ``membership``, ``visit``, ``agreement`` or ``event``.
    """

    id: str
    kind: str
    start: int
    end: int
    text: str
    sentence: tuple[int, int]
    countries: tuple[str, ...] = ()
    partner: tuple[str, ...] = ()
    flow: str | None = None
    product: str | None = None
    group: str | None = None
    org: str | None = None
    amounts: tuple[Amount, ...] = ()
    years: tuple[int | None, ...] = ()
    series: bool = False
    is_range: bool = False
    period: Period | None = None
    tense: str | None = None
    count: int | None = None
    level: str | None = None
    person: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    action: tuple[str, ...] = ()
    status: str | None = None
    measure: str | None = None
    not_a_fact: str | None = None
    fiscal: bool = False
    group_label: str | None = None
    periods: tuple[Period, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


_CUE = re.compile(r"\b(?:" + "|".join(p for p in NOT_A_FACT if p != "may")
                  + r")\b|(?-i:\bmay\b)(?!\s+\d)", re.IGNORECASE)
_SERIES = re.compile(r"\b(?:reduc|decreas|declin|drop|fell|fall|rose|rise|ris|grew|grow|"
                     r"increas|jump|climb|slump|plung|doubl|went|further|then|before|after|"
                     r"compared|from|up|down)", re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:-|–|to|and)\s*(?:US\$|\$)?\s*$", re.IGNORECASE)
_PAST = re.compile(r"\b(?:was|were|had|stood|reached|rose|fell|grew|declined|dropped|"
                   r"increased|decreased|reduced|amounted|totall?ed|touched|recorded|jumped)\b",
                   re.IGNORECASE)
_PRESENT = re.compile(r"\b(?:is|are|has|have|stands|reaches|amounts|imports|exports|totals)\b",
                      re.IGNORECASE)
_TRADE = re.compile(r"\b(?:(?:bilateral|two-way|total)\s+)?"
                    r"(?:trad(?:e|ed|ing)|turnover|commerce)\b", re.IGNORECASE)
_BILATERAL = re.compile(r"\b(?:bilateral|two-way|between|with)\b", re.IGNORECASE)
_EXPORT = re.compile(r"\b(?:export(?:s|ed|ing)?|sold|sells?|shipped|ships)\b", re.IGNORECASE)
_IMPORT = re.compile(r"\b(?:import(?:s|ed|ing)?|bought|buys?|purchased)\b", re.IGNORECASE)
_OTHER_MONEY = re.compile(r"\b(?:invest\w*|loans?|aid|assistance|credits?|gdp|budget|deals?|"
                          r"contracts?|projects?|pipeline|remittances?|debt|reserves|grants?|"
                          r"package|funds?|funding|market|economy|revenue|sales)\b", re.IGNORECASE)
_VOTE = re.compile(r"\bvot(?:e|es|ed|ing)\b|\bUN\s+General\s+Assembly\b|\bresolutions?\b",
                   re.IGNORECASE)
_GROWTH = re.compile(r"\b(grew|grow|rose|rise|increas\w*|jump\w*|climb\w*|"
                     r"(?<!made\s)(?<!make\s)up|fell|fall\w*|"
                     r"declin\w*|decreas\w*|drop\w*|down|shr[iu]nk\w*|contract\w*|plung\w*|"
                     r"slump\w*)\s+(?:by\s+)?(?:about\s+|nearly\s+|over\s+|some\s+)?$",
                     re.IGNORECASE)
_SHARE = re.compile(r"\b(?:share|of\s+(?:its|their|the|total)\b|accounts?\s+for|of\s+[\w.]+[’']s\s+"
                    r"(?:total\s+|foreign\s+|global\s+|overall\s+|two-way\s+)?trade)",
                    re.IGNORECASE)
_SCOPE_MONEY = re.compile(r"\b(?:transit|services|remittanc\w*|touris\w*|crossing|cumulative|"
                          r"informal|unofficial|illegal|smuggl\w*|third[-\s]countr\w*|"
                          r"(?:grew|rose|increased|widened|narrowed|fell|dropped|declined)\s+by|"
                          r"combined|same\s+period|dut(?:y|ies)|tariffs?)\b", re.IGNORECASE)
_DIFFERENCE = re.compile(r"\s*(?:ahead\s+of|behind|more\s+than\s+(?:with\s+)?[A-Z]|"
                         r"less\s+than\s+[A-Z])")
_GROUP = re.compile(r"(?:together|along)\s+with\s+(?:the\s+|its\s+)?neighbou?r(?:ing|s)"
                    r"(?:\s+countries)?|and\s+(?:its\s+)?neighbou?r(?:ing\s+countries|s)",
                    re.IGNORECASE)
_PAIR_WORDS = re.compile(r"\b(?:both\s+(?:countries|sides|states|nations)|both\b|the\s+two\s+"
                         r"(?:countries|sides|states|nations))", re.IGNORECASE)
_ANAPHORA = re.compile(r"^(?:as\s+a\s+result\s+of\s+(?:these|this|those|that)|these|this|those|"
                       r"then|at\s+that\s+time|during\s+(?:these|this|that|those))\b",
                       re.IGNORECASE)
#: A sector word (and perhaps a second one) right before the flow word.
_SECTOR = re.compile(rf"\b((?:{SECTORS})(?:(?:\s*,\s*|\s+and\s+)(?:{SECTORS}))*)"
                     r"(?:\s+(?:goods|products|equipment|industry|sector))?\s*$", re.IGNORECASE)
_PRODUCT_RES = [(p.key, re.compile(rf"\b(?:{p.pattern})\b", re.IGNORECASE)) for p in PRODUCTS]
_CLAUSE = re.compile(r";|,\s*(?=(?:so|but|while|whereas|which|who)\b)|\s+so,|\s+but\s|:")


def find_pair(text: str) -> tuple[str, str] | None:
    """The two countries a text is about: the two most mentioned (ties: first mentioned).

    >>> find_pair("Moscow and Islamabad met. Russia asked Pakistan; India watched.")
    ('RUS', 'PAK')
    """
    found = mentions(text)
    counts = Counter(m.iso3 for m in found)
    first: dict[str, int] = {}
    for m in found:
        first.setdefault(m.iso3, m.start)
    ranked = sorted(counts, key=lambda c: (-counts[c], first[c]))
    return (ranked[0], ranked[1]) if len(ranked) >= 2 else None


def _clauses(text: str, s0: int, s1: int) -> list[tuple[int, int]]:
    cuts = [s0] + [s0 + m.start() for m in _CLAUSE.finditer(text[s0:s1])] + [s1]
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def _clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next((c for c in clauses if c[0] <= pos < c[1]), clauses[-1])


def _cue(text: str, start: int, end: int) -> str | None:
    m = _CUE.search(text, start, end)
    return m.group() if m else None


def _tense(window: str) -> str | None:
    if _PAST.search(window):
        return "past"
    return "present" if _PRESENT.search(window) else None


def _group_amounts(text: str, money: list[Amount]) -> list[tuple[list[Amount], str]]:
    """Split a sentence's money amounts into claims: ("series" | "range" | "single")."""
    groups: list[tuple[list[Amount], str]] = []
    for a in money:
        if groups:
            last, how = groups[-1]
            between = text[last[-1].end:a.start]
            opened = re.search(r"\bfrom\s*$", text[max(0, last[0].start - 8):last[0].start],
                               re.IGNORECASE) and re.search(r"\bto\b", between, re.IGNORECASE)
            if (how in ("single", "series") and a.unit == last[-1].unit and len(between) < 80
                    and (_SERIES.search(between) or opened) and not _CUE.search(between)):
                groups[-1] = (last + [a], "series")
                continue
            if how == "single" and _RANGE.fullmatch(between) and not _SERIES.search(
                    text[max(0, last[0].start - 12):last[0].start]):
                groups[-1] = (last + [a], "range")
                continue
        groups.append(([a], "single"))
    return groups


_YEAR_GAP = re.compile(r"[\s,]*(?:in|by|during|for|as\s+of)?\s*(?:the\s+year\s+)?(?:FY)?\s*",
                       re.IGNORECASE)


def _year_after(text: str, pos: int, limit: int, ps: list[Period]) -> tuple[int | None, bool]:
    """A year written right after ``pos`` ("$600 million in 2013"), before ``limit``, and
    whether it is a fiscal year ("$13.1 billion in 2021-22": its first calendar year)."""
    for p in ps:
        if (pos <= p.start < min(limit, pos + 20) and p.first is not None
                and p.precision in ("year", "fiscal")
                and _YEAR_GAP.fullmatch(text[pos:p.start])):
            return p.first, p.precision == "fiscal"
    return None, False


def _money_claim(text: str, sent: tuple[int, int], group: list[Amount], how: str,
                 ms: list[Mention], ps: list[Period], pair: tuple[str, str] | None,
                 clauses: list[tuple[int, int]]) -> dict:
    s0, s1 = sent
    first, last = group[0], group[-1]
    c0, c1 = _clause_of(clauses, first.start)
    context = text[s0:min(s1, last.end + 40)]
    before = text[s0:first.start]
    years: list[int | None] = []
    fiscal = False
    for i, a in enumerate(group):
        limit = group[i + 1].start if i + 1 < len(group) else s1
        year, fy = _year_after(text, a.end, limit, ps)
        years.append(year)
        fiscal = fiscal or fy
    main_p = next((p for p in ps if p.precision not in ("vague",)), None)
    if len(group) == 1 and years[0] is None and main_p is not None and \
            main_p.precision == "fiscal":
        years, fiscal = [main_p.first], True
    elements = [(a.start, a.end) for a in group]
    product = None
    for key, rx in _PRODUCT_RES:
        m = rx.search(context)
        if m:
            product = key
            elements.append((s0 + m.start(), s0 + m.end()))
            break
    # the flow word nearest before the amount; only without one, the nearest after it
    flows = (("exports", _EXPORT), ("imports", _IMPORT), ("total", _TRADE))
    near = [(m.start(), k, m) for k, rx in flows for m in rx.finditer(before)]
    if not near:
        near = [(-m.start(), k, m) for k, rx in flows
                for m in rx.finditer(context, first.start - s0)]
    out: dict = {"kind": "trade", "product": product, "amounts": tuple(group),
                 "years": tuple(years), "series": how == "series", "is_range": how == "range",
                 "fiscal": fiscal}
    inside = [m for m in ms if s0 <= m.start < s1]
    isos = list(dict.fromkeys(m.iso3 for m in inside))
    flow_m: re.Match[str] | None = None
    if near:
        _, out["flow"], flow_m = max(near, key=lambda t: t[0])
    scope = _SCOPE_MONEY.search(text, c0, c1) or _DIFFERENCE.match(text, last.end, s1)
    if scope is not None:
        out.update(kind="money", measure=scope.group().strip().lower(), countries=tuple(isos))
        out["not_a_fact"] = _cue(text, c0, min(c1, first.end + 25))
        out["elements"] = elements
        return out
    deficit = (list(DEFICIT.finditer(text, max(s0, first.start - 60), first.start))
               or list(DEFICIT.finditer(text, last.end, min(s1, last.end + 30))))
    if deficit and not _cue(text, deficit[-1].end(), first.start):
        owner, other_side, side = balance_side(text, s0, s1, deficit[-1], inside, pair)
        if owner is not None:
            out.update(kind="balance", flow="balance", measure=side, countries=(owner,),
                       partner=(other_side,) if other_side else (), tense=_tense(text[c0:last.end]),
                       not_a_fact=_cue(text, c0, min(c1, first.end + 25)),
                       elements=elements + [(deficit[-1].start(), deficit[-1].end())])
            return out
    if flow_m is None:
        other = _OTHER_MONEY.search(before) or _OTHER_MONEY.search(context)
        out.update(kind="money", measure=other.group().lower() if other else None,
                   countries=tuple(isos))
        if other:
            elements.append((s0 + other.start(), s0 + other.end()))
    else:
        elements.append((s0 + flow_m.start(), s0 + flow_m.end()))
        fpos = s0 + flow_m.start()
        pre = [m.iso3 for m in inside if m.start < fpos]
        post = [m for m in inside if m.start > fpos]
        partner_word = re.compile(r"\b(?:to|from|with|sold|sells|shipped)\s+(?:the\s+)?$",
                                  re.IGNORECASE)
        partner = [m.iso3 for m in post
                   if partner_word.search(text[max(s0, m.start - 12):m.start])]
        group_m = _GROUP.search(context)
        if group_m:
            out["group"] = "neighbours"
            elements.append((s0 + group_m.start(), s0 + group_m.end()))
        bilateral = _BILATERAL.search(context) or _PAIR_WORDS.search(context)
        if out["flow"] == "total":
            if len(isos) >= 2 and not group_m:
                out["countries"], out["partner"] = (isos[0],), (isos[1],)
            elif (bilateral or not isos) and pair and not group_m:
                lead = isos[0] if isos and isos[0] in pair else pair[0]
                out["countries"], out["partner"] = (lead,), tuple(c for c in pair if c != lead)
            else:
                out["countries"] = tuple(isos[:1])
        else:
            subject = pre[-1:] or [i for i in isos if not partner or i != partner[0]][:1]
            out["countries"] = tuple(subject)
            if partner:
                out["partner"] = (partner[0],)
            elif bilateral and pair and subject and subject[0] in pair and not group_m:
                out["partner"] = tuple(c for c in pair if c != subject[0])
    if out["kind"] == "trade" and product is None and flow_m is not None:
        sector = _SECTOR.search(text, max(s0, s0 + flow_m.start() - 60), s0 + flow_m.start())
        if sector is not None:  # part of the trade (a sector amity has no series for)
            out.update(kind="other", measure=f"{sector.group(1)} {out['flow']} (a sector's "
                       "trade; amity holds totals and HS product groups)")
            elements.append((sector.start(), sector.end()))
    if out["kind"] == "trade" and not out.get("countries") and pair:
        out["countries"], out["partner"] = (pair[0],), (pair[1],)
    for iso3 in out.get("countries", ()) + out.get("partner", ()):  # the words naming them
        named = [m for m in inside if m.iso3 == iso3 and abs(m.start - first.start) < 150]
        if named:
            closest = min(named, key=lambda m: abs(m.start - first.start))
            elements.append((closest.start, closest.end))
    out["tense"] = _tense(text[c0:last.end])
    out["not_a_fact"] = _cue(text, c0, min(c1, first.end + 25))
    out["elements"] = elements
    return out


def _percent_claim(text: str, sent: tuple[int, int], a: Amount, ms: list[Mention],
                   pair: tuple[str, str] | None, clauses: list[tuple[int, int]],
                   ps: list[Period]) -> dict:
    s0, s1 = sent
    c0, c1 = _clause_of(clauses, a.start)
    context = text[s0:s1]
    isos = list(dict.fromkeys(m.iso3 for m in ms if s0 <= m.start < s1))
    countries = tuple(isos[:2]) if len(isos) >= 2 else pair or tuple(isos)
    out: dict = {"kind": "percent", "amounts": (a,), "countries": countries[:1],
                 "partner": countries[1:2], "elements": [(a.start, a.end)]}
    vote = _VOTE.search(context)
    share, trade = _SHARE.search(context), _TRADE.search(context)
    direction = _EXPORT.search(text, c0, a.start) or _IMPORT.search(text, c0, a.start)
    year = next((p for p in ps if p.start >= a.end and p.first is not None), None) or \
        next((p for p in ps if p.first is not None and p.precision in ("year", "fiscal")), None)
    if year is not None and year.precision in ("year", "fiscal"):
        out.update(years=(year.first,), fiscal=year.precision == "fiscal")
    if re.search(r"\b(?:deficit|surplus|gap|imbalance|population|crude|oil|tariff\s+lines|"
                 r"crossing|transit|services|port|border|"
                 r"in\s+(?:australian|canadian|local)\s+(?:dollars|currency)|"
                 r"(?:australian|canadian)[\s-]dollar\s+terms)\b", context, re.IGNORECASE):
        out.update(kind="percent", measure="not a trade share or growth")
    elif vote:
        out.update(kind="vote", measure="un_agreement")
        out["elements"].append((s0 + vote.start(), s0 + vote.end()))
    elif direction and not trade and (verb := _GROWTH.search(text[max(s0, a.start - 40):a.start])):
        down = re.match(r"(?:fell|fall|declin|decreas|drop|down|shr[iu]nk|contract|plung|slump)",
                        verb.group(1), re.IGNORECASE)
        flow = "exports" if _EXPORT.fullmatch(direction.group()) else "imports"
        out.update(kind="trade", flow="growth", measure=f"{flow} growth",
                   amounts=(replace(a, value=-a.value) if down else a,))
        who = [m for m in ms if c0 <= m.start < a.start]
        subject = next((m.iso3 for m in who if m.start < direction.start()), None)
        other = next((m.iso3 for m in who if m.start > direction.start()), None)
        if subject and other:
            out["countries"], out["partner"] = (subject,), (other,)
    elif trade and (verb := _GROWTH.search(text[max(s0, a.start - 40):a.start])):
        down = re.match(r"(?:fell|fall|declin|decreas|drop|down|shr[iu]nk|contract|plung|slump)",
                        verb.group(1), re.IGNORECASE)
        out.update(kind="trade", flow="growth", measure="trade_total_usd growth",
                   amounts=(replace(a, value=-a.value) if down else a,))
        out["elements"] += [(s0 + trade.start(), s0 + trade.end())]
        isos2 = [c for c in isos if c]
        if len(isos2) < 2 and pair:
            out["countries"], out["partner"] = (pair[0],), (pair[1],)
    elif trade and share:
        out.update(kind="trade", flow="share", measure="trade_share_a")
        out["elements"] += [(s0 + share.start(), s0 + share.end()),
                            (s0 + trade.start(), s0 + trade.end())]
        whose = re.search(r"\bof\s+(?:the\s+)?(\w+)[’']s\b", context)
        owner = next((m.iso3 for m in ms if whose and m.start == s0 + whose.start(1)), None)
        if owner:  # "1.5% of Pakistan's trade": the share of Pakistan's trade
            others = [c for c in isos if c != owner] + [c for c in (pair or ()) if c != owner]
            out["countries"], out["partner"] = (owner,), tuple(others[:1])
    out["tense"] = _tense(text[c0:c1])
    out["not_a_fact"] = _cue(text, c0, min(c1, a.end + 25))
    return out


_PEOPLE = re.compile(
    r"(?<![\w.,$])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?P<scale>thousand|million|"
    r"lakh))?\s+(?:(?P<dem>[A-Z][a-z]+)\s+)?(?P<noun>students|migrants|nationals|citizens|"
    r"expatriates|immigrants|people|workers|diaspora)\b")
_SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "lakh": 1e5}


def _people_claims(text: str, sent: tuple[int, int], ms: list[Mention], found: list[Amount],
                   clauses: list[tuple[int, int]]) -> list[dict]:
    """"Over 3,000 Pakistani students study in Russia": students (or migrants) a in b."""
    s0, s1 = sent
    out = []
    for m in _PEOPLE.finditer(text, s0, s1):
        if any(a.start <= m.start() < a.end for a in found):
            continue
        origin = next((x.iso3 for x in ms if x.start == m.start("dem")), None) if m.group(
            "dem") else None
        after = [x for x in ms if m.end() <= x.start < min(s1, m.end() + 60)
                 and re.search(r"\b(?:in|to|at)\s+(?:the\s+)?$", text[x.start - 8:x.start])]
        if origin is None or not after:
            continue
        scale = _SCALE_WORDS.get(m.group("scale") or "", 1.0)
        num = m.group("num")
        amount = Amount(m.start(), m.end("num") if not m.group("scale") else m.end("scale"),
                        float(num.replace(",", "")) * scale, "number",
                        qualifier(text[:m.start()], m.start()), half_step(num) * scale, num)
        noun = "students" if m.group("noun") == "students" else "migrants"
        c0, c1 = _clause_of(clauses, m.start())
        went = re.search(r"\b(?:have\s+gone|went|gone\s+to|since\s+(?:the\s+)?\d{4})",
                         text[c0:c1], re.IGNORECASE)
        out.append({"kind": "people", "amounts": (amount,),
                    "measure": "migrants_flow" if went and noun == "migrants" else f"{noun}_a_in_b",
                    "countries": (origin,), "partner": (after[0].iso3,), "years": (None,),
                    "tense": _tense(text[c0:c1]), "not_a_fact": _cue(text, c0, c1),
                    "elements": [(m.start(), m.end()), (after[0].start, after[0].end)]})
    return out


def extract(text: str, pair: tuple[str, str] | None = None, *,
            as_of: datetime.date | None = None) -> list[Claim]:
    """The checkable claims in ``text``, in text order.

    Parameters
    ----------
    text
        Any prose.
    pair
        The two countries the text is about (ISO3), for "bilateral trade" and "both
        countries"; default :func:`find_pair`.
    as_of
        The text's date, against which relative times ("last year", "in the past
        decade") are resolved; without it they stay unresolved (and unverifiable).

    Examples
    --------
    >>> c = extract("Bilateral trade between Pakistan and Russia was $540 million in 2014.")[0]
    >>> c.kind, c.flow, c.countries, c.partner, c.amounts[0].value, c.years
    ('trade', 'total', ('PAK',), ('RUS',), 540000000.0, (2014,))
    """
    pair = pair or find_pair(text)
    all_mentions = mentions(text)
    claims: list[dict] = []
    previous: Period | None = None
    starts = [m.start for m in all_mentions]
    for s0, s1 in sentences(text):
        ms = all_mentions[bisect.bisect_left(starts, s0):bisect.bisect_left(starts, s1)]
        found = amounts(text, s0, s1)
        ps = periods(text, s0, s1, taken=[(a.start, a.end) for a in found], as_of=as_of)
        clauses = _clauses(text, s0, s1)
        main = next((p for p in ps if p.precision != "vague"), None) or (ps[0] if ps else None)
        if main is None and previous is not None and _ANAPHORA.match(text[s0:s1]):
            main = previous
        sent = (s0, s1)
        here: list[dict] = (_find_trade.rank_claims(text, sent, ms, ps, main)
                            + _find_trade.sign_claims(text, sent, ms, main, pair)
                            + _find_trade.share_claims(text, sent, ms, main, found)
                            + _find_other.claims(text, sent, ms, ps, main, pair, found, as_of))
        taken = [t for c in here for t in c.pop("taken", ())]
        free = [a for a in found if not any(t0 <= a.start < t1 for t0, t1 in taken)]
        money = [a for a in free if a.unit not in ("percent", "points")]
        for group, how in _group_amounts(text, money):
            here.append(_money_claim(text, sent, group, how, ms, ps, pair, clauses))
        for a in (a for a in free if a.unit in ("percent", "points")):
            here.append(_percent_claim(text, sent, a, ms, pair, clauses, ps))
        if not any(c.get("flow") == "growth" for c in here):
            here += _find_trade.multiple_claims(text, sent, ms, ps, main, pair)
        if re.search(r"\baverag", text[s0:s1], re.IGNORECASE):
            for c in here:
                if c["kind"] == "trade" and c.get("flow") in ("total", "exports", "imports"):
                    c.update(measure="average", years=(None,) * len(c["amounts"]),
                             fiscal=False)
        if not here:
            here += _find_trade.trend_claims(text, sent, ms, ps, main, pair, free)
        if not any(c.get("measure") == "migrants_a_in_b" for c in here):
            here += _people_claims(text, sent, ms, free, clauses)
        engaged = [] if _find_other.OUT_OF_SCOPE.search(text, s0, s1) else \
            _events.engagement_claims(text, (s0, s1), ms, ps, main, pair, clauses)
        special = any(c["kind"] in ("un_vote", "arms", "first", "rank", "macro") for c in here)
        here += [c for c in engaged if not (here and c["kind"] == "event" and (
            special or c["period"].precision not in ("day", "month")))]
        if not here:
            here = _find_other.scope_claim(text, sent, main)
        for c in here:
            c.setdefault("period", main)
            if c.get("years") and any(y is not None for y in c["years"]):
                c["period"] = c["period"] if c["period"] and c["period"].precision != "vague" \
                    else None
            c["sentence"] = (s0, s1)
        claims += here
        if ps and any(p.precision != "vague" for p in ps):
            previous = main
    out = []
    for c in sorted(claims, key=lambda c: min(e[0] for e in c["elements"])):
        elements = c.pop("elements")
        start, end = min(e[0] for e in elements), max(e[1] for e in elements)
        out.append(Claim(id="", start=start, end=end, text=text[start:end], **c))
    return [replace(c, id=f"c{i}") for i, c in enumerate(out, start=1)]
