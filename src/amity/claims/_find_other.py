"""Finding claims about economies, UN votes, arms, migrants and firsts in one sentence.

Used by :func:`amity.claims.extract.extract`; returns plain dicts (the fields of
:class:`~amity.claims.extract.Claim` plus ``elements``, the spans the claim rests on, and
``taken``, the amounts it consumes).

* **Macro** (``kind="macro"``): GDP ("a GDP of $284 billion", "the economy is worth ..."),
  GDP per head, population ("has 207 million people", "a population of ..."), growth of
  the economy, and ranks ("the world's 44th-largest economy", "the sixth most populous
  country").
* **UN votes** (``kind="un_vote"``): a resolution's tally ("adopted by 93 votes to 18
  with 65 abstentions"), the number abstaining ("65 countries abstained"), and how named
  countries voted ("India and China abstained", "Algeria voted against").
* **Arms** (``kind="arms"``): deals ("a $5 billion deal for the S-400"), deliveries,
  shares of a country's arms imports, supplier and importer ranks, changes between
  periods (SIPRI's five-year blocks, "2012-16").
* **Migrants** (``kind="people"``): "3.5 million Indians live in the UAE", "Saudi Arabia
  is home to 2.5 million Pakistanis", "a diaspora of ..."; the top destinations of a
  country's emigrants.
* **Firsts** (``kind="first"``): "the first visit by a Pakistani prime minister to Russia
  in 23 years / since 1999", "for the first time exports topped $40 billion".
"""

from __future__ import annotations

import datetime
import re

from amity.claims._events import content_words
from amity.claims._find_trade import ORDINALS, possessive
from amity.claims.lexicon import LEVELS, NOT_A_FACT, NUMBER_WORDS
from amity.claims.scan import Amount, Mention, Period, half_step, qualifier

__all__ = ["OUT_OF_SCOPE", "claims", "scope_claim"]

_CUE = re.compile(r"\b(?:" + "|".join(p for p in NOT_A_FACT if p != "may") + r")\b",
                  re.IGNORECASE)
_ORD = (r"(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
        r"twelfth|\d{1,3}(?:st|nd|rd|th))")
_NUM = (r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|"
        r"nine|ten|twenty)")
_SCALE = r"(?:\s*(?P<scale>million|billion|thousand|lakh|crore|mn|bn))?"
_SCALES = {"million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3,
           "lakh": 1e5, "crore": 1e7}


def _cue(text: str, s0: int, s1: int) -> str | None:
    m = _CUE.search(text, s0, s1)
    return m.group() if m else None


def _number(text: str, m: re.Match[str], qual_from: int) -> Amount:
    num = m.group("num")
    scale = _SCALES.get((m.group("scale") or "").lower(), 1.0)
    value = float(NUMBER_WORDS[num.lower()]) if num.lower() in NUMBER_WORDS else \
        float(num.replace(",", "")) if num[0].isdigit() else 20.0
    if not num[0].isdigit():
        num = str(int(value))
    return Amount(m.start("num"), m.end("scale") if m.group("scale") else m.end("num"),
                  value * scale, "number",
                  qualifier(text[:m.start("num")], m.start("num")),
                  half_step(num) * scale, m.group())


def _subject(text: str, ms: list[Mention], s0: int, pos: int) -> Mention | None:
    """The country a clause is about: a possessive just before, else the last mention
    before ``pos``, else the first one of the sentence."""
    before = [m for m in ms if s0 <= m.start < pos]
    poss = [m for m in before if possessive(text, m)]
    if poss:
        return poss[-1]
    return before[0] if before else (ms[0] if ms else None)


# -- macro --------------------------------------------------------------------------------
_GDP = re.compile(r"\b(?:GDP|gross\s+domestic\s+product|economy|economies)\b", re.IGNORECASE)
_PER_HEAD = re.compile(r"\b(?:per\s+head|per\s+capita|a\s+head|per\s+person)\b", re.IGNORECASE)
_ECON_RANK = re.compile(rf"\b{_ORD}[\s-]+(?:largest|biggest)\s+(?:economy|economies)\b|"
                        rf"\beconomy\s+(?:is|was|ranks?|ranked)\s+(?:the\s+)?(?:world'?s\s+)?"
                        rf"{_ORD.replace('?P<ord>', '?P<ord2>')}[\s-]+(?:largest|biggest)",
                        re.IGNORECASE)
_POP_RANK = re.compile(rf"\b{_ORD}[\s-]+(?:most\s+populous|largest\s+population|"
                       r"largest\s+(?:country|nation)\s+by\s+population)\b", re.IGNORECASE)
_POPS = (re.compile(rf"\bpopulation\s+(?:of\s+|is\s+|was\s+|stood\s+at\s+|exceeding\s+|"
                    rf"(?:is\s+)?(?:over|about|around|nearly|more\s+than)\s+)*{_NUM}{_SCALE}",
                    re.IGNORECASE),
         re.compile(rf"{_NUM}{_SCALE}\s+(?:people|inhabitants)\b", re.IGNORECASE))
_GROWTH = re.compile(r"\b(?:GDP|economy)\b[^.;]{0,40}?\b(?:grow|grew|expand\w*|growth)\b",
                     re.IGNORECASE)


def _macro(text: str, sent: tuple[int, int], ms: list[Mention], main: Period | None,
           found: list[Amount]) -> list[dict]:
    s0, s1 = sent
    out: list[dict] = []
    for a in found:
        if a.unit in ("percent", "points"):
            g = _GROWTH.search(text, max(s0, a.start - 60), a.start)
            if g and not re.search(r"\btrade\b", text[g.start():a.start], re.IGNORECASE):
                who = _subject(text, ms, s0, a.start)
                out.append({"kind": "macro", "measure": "gdp_growth", "amounts": (a,),
                            "countries": (who.iso3,) if who else (), "period": main,
                            "not_a_fact": _cue(text, s0, s1), "taken": [(a.start, a.end)],
                            "elements": [(a.start, a.end), (g.start(), g.end())]})
            continue
        near = text[max(s0, a.start - 50):a.start]
        after = text[a.end:min(s1, a.end + 25)]
        if _PER_HEAD.search(after) or _PER_HEAD.search(near[-20:]):
            measure = "gdp_per_capita"
        elif (_GDP.search(near) or re.search(r"^\s*economy", after)) and not re.search(
                r"\b(?:trade|exports?|imports?|invest\w*|loans?|deficit|surplus)\b", near,
                re.IGNORECASE):
            measure = "gdp"
        else:
            continue
        who = _subject(text, ms, s0, a.start)
        out.append({"kind": "macro", "measure": measure, "amounts": (a,),
                    "countries": (who.iso3,) if who else (), "period": main,
                    "not_a_fact": _cue(text, s0, s1), "taken": [(a.start, a.end)],
                    "elements": [(a.start, a.end)]})
    for rx, measure in ((_ECON_RANK, "gdp_rank"), (_POP_RANK, "population_rank")):
        m = rx.search(text, s0, s1)
        if m:
            word = (m.groupdict().get("ord") or m.groupdict().get("ord2") or "").lower()
            rank = ORDINALS.get(word) or int(re.match(r"\d+", word).group())  # type: ignore[union-attr]
            who = _subject(text, ms, s0, m.start())
            out.append({"kind": "macro", "measure": measure, "count": rank,
                        "countries": (who.iso3,) if who else (), "period": main,
                        "not_a_fact": _cue(text, s0, s1), "elements": [(m.start(), m.end())]})
    m = _POPS[0].search(text, s0, s1) or _POPS[1].search(text, s0, s1)
    if m and not re.search(r"\b(?:live|living|work\w*|reside|home\s+to|diaspora|expatriat\w*)\b",
                           text[s0:s1], re.IGNORECASE):
        amount = _number(text, m, s0)
        who = _subject(text, ms, s0, m.start())
        out.append({"kind": "macro", "measure": "population", "amounts": (amount,),
                    "countries": (who.iso3,) if who else (), "period": main,
                    "not_a_fact": _cue(text, s0, s1),
                    "taken": [(amount.start, amount.end)], "elements": [(m.start(), m.end())]})
    return out


# -- UN votes -----------------------------------------------------------------------------
_VOTE_STOP = frozenset(("genera", "assemb", "securi", "counci", "resolu", "vote", "voted",
                        "votes", "abstai", "absten", "favour", "favor", "agains", "adopte",
                        "passed", "countri", "member", "oppose", "also", "unga", "unsc",
                        "nation", "unite", "state", "draft", "tabled", "backed", "record"))
_BODY = re.compile(r"\b(?P<ga>General\s+Assembly|UNGA)\b|\b(?P<sc>Security\s+Council|UNSC)\b")
_UN = re.compile(r"\b(?:UN|United\s+Nations|General\s+Assembly|UNGA|Security\s+Council|UNSC)\b"
                 r"|\bresolutions?\b")
_TALLY = re.compile(r"\b(?P<yes>\d{1,3})\s*(?:votes?\s+)?(?:in\s+favou?r|for)?\s*(?:,|and|to|-|–)"
                    r"\s*(?P<no>\d{1,3})(?:\s+(?:votes?\s+)?(?:against|opposed))?",
                    re.IGNORECASE)
_ABST = re.compile(r"\b(?P<ab>\d{1,3})\s+(?:abstentions|(?:countries|states|members|member\s+"
                   r"states|nations)?\s*(?:that\s+)?abstain\w*)", re.IGNORECASE)
_VOTED = re.compile(r"\b(?P<ab>abstained|abstain(?:ing|s)?(?:\s+from)?)\b|"
                    r"\b(?:voted|votes|vote)\s+(?:\w+\s+){0,3}?(?P<no>against|no)\b|"
                    r"\b(?:voted|votes|vote)\s+(?P<yes>in\s+favou?r|for|yes)\b|"
                    r"\b(?P<no2>opposed)\b", re.IGNORECASE)


def _votes(text: str, sent: tuple[int, int], ms: list[Mention], ps: list[Period],
           main: Period | None) -> list[dict]:
    s0, s1 = sent
    if not _UN.search(text, s0, s1) and not re.search(r"\babstain", text[s0:s1], re.IGNORECASE):
        return []
    if not re.search(r"\bvot|\babstain|\badopted|\bpassed|\bresolution", text[s0:s1],
                     re.IGNORECASE):
        return []
    body = _BODY.search(text, s0, s1)
    org = "SC" if body and body.group("sc") else "GA" if body else None
    at = {x.start for x in ms}
    topics = tuple(w for w in content_words(text, s0, s1, [])
                   if not re.fullmatch(r"\d+", w) and w not in _VOTE_STOP
                   and not any(text[v:v + 6].lower().startswith(w[:4]) for v in at
                               if v < s1 and not re.match(r"Ukrain|Russia|Israel|Palest|Gaza"
                                                          r"|Syria|Iran|Korea", text[v:v + 8])))
    out: list[dict] = []
    tally = _TALLY.search(text, s0, s1)
    abst = _ABST.search(text, s0, s1)
    amounts, roles, elements = [], [], []
    if tally and re.search(r"\b(?:votes?|favou?r|against|opposed|adopted|passed|carried|"
                           r"approved)\b",
                           text[max(s0, tally.start() - 30):min(s1, tally.end() + 20)],
                           re.IGNORECASE):
        for role in ("yes", "no"):
            v = tally.group(role)
            amounts.append(Amount(tally.start(role), tally.end(role), float(v), "number", None,
                                  0.5, v))
            roles.append(role)
        elements.append((tally.start(), tally.end()))
    if abst:
        v = abst.group("ab")
        amounts.append(Amount(abst.start("ab"), abst.end("ab"), float(v), "number", None, 0.5, v))
        roles.append("abstain")
        elements.append((abst.start(), abst.end()))
    if amounts:
        out.append({"kind": "un_vote", "measure": "tally", "org": org, "amounts": tuple(amounts),
                    "action": tuple(roles), "topics": topics, "period": main,
                    "not_a_fact": _cue(text, s0, s1), "elements": elements,
                    "taken": [(a.start, a.end) for a in amounts]})
        return out
    for m in _VOTED.finditer(text, s0, s1):
        vote = "abstain" if m.group("ab") else "no" if (m.group("no") or m.group("no2")) \
            else "yes"
        clause_start = max([s0] + [s0 + x.end() for x in re.finditer(
            r";|\bwhile\b|\bwhereas\b|\bbut\b", text[s0:m.start()])])
        voters = [x for x in ms if clause_start <= x.start < m.start()
                  and not re.search(r"\b(?:with|like|unlike)\s+(?:the\s+)?$",
                                    text[max(s0, x.start - 8):x.start])]
        if not voters:
            continue
        out.append({"kind": "un_vote", "measure": "country", "org": org, "status": vote,
                    "countries": tuple(dict.fromkeys(x.iso3 for x in voters)),
                    "topics": topics, "period": main, "not_a_fact": _cue(text, s0, s1),
                    "elements": [(m.start(), m.end())] + [(x.start, x.end) for x in voters]})
        break
    return out


# -- arms ---------------------------------------------------------------------------------
_ARMS = re.compile(r"\b(?:arms|weapons?|military\s+hardware|defen[cs]e\s+(?:equipment|"
                   r"imports|purchases))\b", re.IGNORECASE)
_DESIGNATION = re.compile(r"\b(?P<d>(?:[A-Z][A-Za-z]{0,4}-\d{1,4}[A-Z]{0,4})|Rafale|Kornet|"
                          r"BrahMos|Patriot|Triumf)\b")
_DEAL = re.compile(r"\b(?:deal|contract|agreement|order(?:ed)?|bought|buy|purchase\w*|"
                   r"sign\w*)\b", re.IGNORECASE)
_DELIVERY = re.compile(r"\b(?:deliver\w*|receiv\w*|arriv\w*)\b", re.IGNORECASE)
_ARMS_SHARE = re.compile(r"\bshare\s+of\s+(?P<owner>[\w.’' ]+?)[’']s\s+arms\s+imports\b|"
                         r"\b(?:of|in)\s+(?P<owner2>[\w.’' ]+?)[’']s\s+(?:total\s+)?"
                         r"(?:arms|weapons?)"
                         r"\s+(?:imports|purchases)\b", re.IGNORECASE)
_SUPPLIER = re.compile(rf"(?:\b{_ORD}[\s-]+)?(?:largest|biggest|main|top|leading)?\s*"
                       r"(?:arms|weapons?|defen[cs]e)\s+(?P<what>supplier|importer|buyer|exporter)",
                       re.IGNORECASE)
_CHANGE = re.compile(r"\b(?P<dir>decreas\w*|fell|dropped|declin\w*|rose|grew|increas\w*)\s+"
                     r"(?:by\s+)?(?:more\s+than\s+)?(?P<x>\d+(?:\.\d+)?\s*(?:percent|per\s+cent|%)|"
                     r"(?P<w>two|three|four|five|six|seven|eight|nine|ten)fold)", re.IGNORECASE)


def _arms(text: str, sent: tuple[int, int], ms: list[Mention], ps: list[Period],
          main: Period | None, found: list[Amount]) -> list[dict]:
    s0, s1 = sent
    design = _DESIGNATION.search(text, s0, s1)
    arms = _ARMS.search(text, s0, s1)
    if not (design or arms or re.search(r"\bair\s+defen[cs]e\b", text[s0:s1], re.IGNORECASE)):
        return []
    isos = [m for m in ms if s0 <= m.start < s1]
    blocks = [p for p in ps if p.precision in ("range", "fiscal") and p.first is not None]
    cue = _cue(text, s0, s1)
    sup = _SUPPLIER.search(text, s0, s1)
    share = _ARMS_SHARE.search(text, s0, s1)
    pct = [a for a in found if a.unit == "percent"]
    if share and pct:
        owner_g = "owner" if share.group("owner") else "owner2"
        owner = next((x for x in isos if share.start(owner_g) <= x.start < share.end(owner_g)),
                     None)
        supplier = next((x for x in isos if owner is None or x.iso3 != owner.iso3), None)
        if owner and supplier:
            return [{"kind": "arms", "measure": "share", "amounts": tuple(pct),
                     "countries": (supplier.iso3,), "partner": (owner.iso3,),
                     "periods": tuple(blocks), "period": blocks[0] if blocks else main,
                     "series": len(pct) > 1, "not_a_fact": cue,
                     "taken": [(a.start, a.end) for a in pct],
                     "elements": [(share.start(), share.end())] + [(a.start, a.end) for a in pct]}]
    if sup and (sup.group("ord") or re.search(r"largest|biggest|main|top|leading", sup.group(),
                                               re.IGNORECASE)):
        word = (sup.group("ord") or "first").lower()
        rank = ORDINALS.get(word) or int(re.match(r"\d+", word).group())  # type: ignore[union-attr]
        what = sup.group("what").lower()
        who = [x for x in isos if x.start < sup.start()]
        if what == "supplier" and len(who) >= 1:
            owner = next((x for x in who if possessive(text, x)), None)
            subject = next((x for x in who if owner is None or x.iso3 != owner.iso3), None)
            if owner and subject:
                return [{"kind": "arms", "measure": "supplier_rank", "count": rank,
                         "countries": (subject.iso3,), "partner": (owner.iso3,),
                         "period": blocks[0] if blocks else main, "periods": tuple(blocks),
                         "not_a_fact": cue, "elements": [(sup.start(), sup.end())]}]
        if what in ("importer", "buyer") and who:
            share_pct = [a for a in pct if a.start > sup.start()]
            return [{"kind": "arms", "measure": "importer_rank", "count": rank,
                     "countries": (who[0].iso3,), "amounts": tuple(share_pct[:1]),
                     "period": blocks[0] if blocks else main, "periods": tuple(blocks),
                     "not_a_fact": cue, "taken": [(a.start, a.end) for a in share_pct[:1]],
                     "elements": [(sup.start(), sup.end())]}]
    change = _CHANGE.search(text, s0, s1)
    if change and arms and len(blocks) >= 2:
        if change.group("w"):
            value = (NUMBER_WORDS[change.group("w").lower()] - 1) * 100.0
        else:
            value = float(re.match(r"\d+(?:\.\d+)?", change.group("x")).group())  # type: ignore[union-attr]
            if re.match(r"decreas|fell|dropped|declin", change.group("dir"), re.IGNORECASE):
                value = -value
        amount = Amount(change.start("x") if change.group("x") else change.start("w"),
                        change.end(), value, "percent",
                        "over" if re.search(r"more\s+than", change.group(), re.IGNORECASE)
                        else None, 0.5, change.group())
        # the recipient: "... to Pakistan", else "Pakistan's ...", else the first named
        to = next((x for x in isos if re.search(r"\bto\s+(?:the\s+)?$",
                                                text[max(s0, x.start - 8):x.start])), None)
        owner = to or next((x for x in isos if possessive(text, x)), isos[0] if isos else None)
        supplier = next((x for x in isos if re.search(r"\bfrom\s+(?:the\s+)?$",
                                                      text[max(s0, x.start - 10):x.start])), None)
        if supplier is None and to is not None:  # "US arms deliveries to Pakistan"
            supplier = next((x for x in isos if x.iso3 != to.iso3 and x.start < arms.start()),
                            None)
        if owner:
            return [{"kind": "arms", "measure": "change", "amounts": (amount,),
                     "countries": (supplier.iso3,) if supplier else (),
                     "partner": (owner.iso3,), "periods": tuple(blocks[:2]),
                     "period": blocks[0], "not_a_fact": cue,
                     "taken": [(a.start, a.end) for a in found if a.unit == "percent"],
                     "elements": [(change.start(), change.end())]}]
    money = [a for a in found if a.unit not in ("percent", "points", "number")]
    if design and (_DEAL.search(text, s0, s1) or _DELIVERY.search(text, s0, s1)):
        recipient = next((x for x in isos if not possessive(text, x)
                          and not re.search(r"\bfrom\s+$", text[max(s0, x.start - 6):x.start])),
                         None)
        supplier = next((x for x in isos if recipient is None or x.iso3 != recipient.iso3), None)
        delivery = bool(_DELIVERY.search(text, s0, s1)) and not money
        return [{"kind": "arms", "measure": "delivery" if delivery else "deal",
                 "amounts": tuple(money[:1]), "topics": (design.group("d"),),
                 "countries": (supplier.iso3,) if supplier else (),
                 "partner": (recipient.iso3,) if recipient else (), "period": main,
                 "not_a_fact": cue, "taken": [(a.start, a.end) for a in money[:1]],
                 "elements": [(design.start(), design.end())] + [(a.start, a.end)
                                                                 for a in money[:1]]}]
    return []


# -- migrants -----------------------------------------------------------------------------
_DEM = r"(?P<dem>(?-i:[A-Z][a-z]+(?:s|is)))"
_LIVE = re.compile(rf"{_NUM}{_SCALE}\s+(?:{_DEM}\s+)(?:\w+\s+){{0,3}}?(?:live|lived|living|work|"
                   r"working|reside|residing|are\s+working|are\s+living|are|were)\s+"
                   r"(?P<where>in|outside)\b", re.IGNORECASE)
_HOME = re.compile(r"\bhome\s+to\s+(?:about\s+|around\s+|some\s+|nearly\s+|over\s+|"
                   rf"more\s+than\s+)?"
                   rf"{_NUM}{_SCALE}\s+{_DEM}")
_DIASPORA = re.compile(rf"\bdiaspora\s+(?:as\s+large\s+as|of|numbering)\s+{_NUM}{_SCALE}\s+{_DEM}?")
_FLOW = re.compile(r"\b(?:have\s+gone|went|gone\s+to|since\s+(?:the\s+)?(?:19|20)\d\d|"
                   r"since\s+the\s+\d{4}s)\b", re.IGNORECASE)


def _migrants(text: str, sent: tuple[int, int], ms: list[Mention], main: Period | None
              ) -> list[dict]:
    s0, s1 = sent
    for rx in (_LIVE, _HOME, _DIASPORA):
        m = rx.search(text, s0, s1)
        if not m:
            continue
        origin = next((x for x in ms if m.group("dem") and x.start == m.start("dem")), None)
        if origin is None:
            origin = next((x for x in ms if s0 <= x.start < s1 and re.match(
                r"[A-Z][a-z]+(?:n|i|ese|sh|ch)s?$", text[x.start:x.end])), None)
        if rx is _HOME:
            dest = _subject(text, ms, s0, m.start())
        else:
            dest = next((x for x in ms if m.end() - 3 <= x.start < s1
                         and (origin is None or x.iso3 != origin.iso3)), None)
        if origin is None or dest is None or origin.iso3 == dest.iso3:
            continue
        amount = _number(text, m, s0)
        flow = _FLOW.search(text, s0, s1)
        if rx is _LIVE and m.group("where").lower() == "outside":
            return [{"kind": "other", "measure": "emigrants worldwide", "period": main,
                     "not_a_fact": None, "taken": [(amount.start, amount.end)],
                     "elements": [(m.start(), m.end())]}]
        return [{"kind": "people", "measure": "migrants_flow" if flow else "migrants_a_in_b",
                 "amounts": (amount,), "countries": (origin.iso3,), "partner": (dest.iso3,),
                 "years": (None,), "tense": "present", "period": main,
                 "not_a_fact": _cue(text, s0, s1), "taken": [(amount.start, amount.end)],
                 "elements": [(m.start(), m.end()), (dest.start, dest.end)]}]
    return []


# -- firsts -------------------------------------------------------------------------------
_FIRST = re.compile(r"\bfirst\b(?P<body>.{0,90}?)\b(?:in|since|after)\s+(?P<more>more\s+than\s+|"
                    r"over\s+)?(?:nearly\s+|almost\s+)?(?P<n>\d{1,3}|two|three|four|five|six|seven|eight|nine|"
                    r"ten|a)\s+(?P<unit>years|decades?)\b|\bfirst\b(?P<body2>.{0,90}?)\bsince\s+"
                    r"(?:(?:the\s+)?[A-Z][\w ]{0,30}?\s+(?:visit\s+)?(?:of|by)\s+"
                    r"[A-Z][\w ]+?\s+in\s+)?"
                    r"(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_FOR_FIRST = re.compile(r"\bfor\s+the\s+first\s+time\b", re.IGNORECASE)


def _firsts(text: str, sent: tuple[int, int], ms: list[Mention], main: Period | None,
            found: list[Amount], pair: tuple[str, str] | None,
            as_of: datetime.date | None) -> list[dict]:
    s0, s1 = sent
    m = _FIRST.search(text, s0, s1)
    if m:
        body = m.group("body") or m.group("body2") or ""
        if not re.search(r"\b(?:visit|trip|travel|premier|prime\s+minister|president|leader)",
                         text[s0:s1], re.IGNORECASE) and not re.search(r"visit", body):
            return [{"kind": "first", "measure": "other", "period": main, "not_a_fact": None,
                     "elements": [(m.start(), m.end())]}]
        gap: int | None = None
        since: int | None = None
        if m.group("y"):
            since = int(m.group("y"))
        else:
            n = m.group("n").lower()
            k = 1 if n == "a" else int(n) if n.isdigit() else NUMBER_WORDS.get(n, 0)
            gap = k * (10 if m.group("unit").lower().startswith("decade") else 1)
        office = re.search(r"\b(" + "|".join(sorted(map(re.escape, LEVELS), key=len,
                                                     reverse=True)) + r")\b",
                           text[s0:s1], re.IGNORECASE)
        isos = [x for x in ms if s0 <= x.start < s1]
        visitor = next((x for x in isos if re.match(r"[A-Z][a-z]+(?:n|i|ese|sh|ch)\b",
                                                    text[x.start:x.end])), None)
        host = next((x for x in isos if visitor is None or x.iso3 != visitor.iso3), None)
        v_iso: str | None
        if visitor is None and host is not None and pair and host.iso3 in pair:
            v_iso = next(c for c in pair if c != host.iso3)
        else:
            v_iso = visitor.iso3 if visitor else None
        if main is not None and since is not None and main.first == since:
            main = None  # the year written is the earlier event's, not this one's
        return [{"kind": "first", "measure": "visit", "count": gap,
                 "action": ("more",) if m.group("more") else (),
                 "level": LEVELS[office.group(1).lower()] if office else None,
                 "countries": (v_iso,) if v_iso else (),
                 "partner": (host.iso3,) if host else (),
                 "status": str(since) if since else None, "period": main,
                 "not_a_fact": None, "elements": [(m.start(), m.end())]}]
    f = _FOR_FIRST.search(text, s0, s1)
    money = [a for a in found if a.unit == "USD"]
    if f and money:
        return [{"kind": "first", "measure": "value", "amounts": (money[0],), "period": main,
                 "not_a_fact": None, "taken": [(money[0].start, money[0].end)],
                 "elements": [(f.start(), f.end()), (money[0].start, money[0].end)]}]
    return []


def claims(text: str, sent: tuple[int, int], ms: list[Mention], ps: list[Period],
           main: Period | None, pair: tuple[str, str] | None, found: list[Amount],
           as_of: datetime.date | None) -> list[dict]:
    """Macro, UN vote, arms, migrant and first claims of one sentence."""
    inside = [m for m in ms if sent[0] <= m.start < sent[1]]
    out = _votes(text, sent, inside, ps, main)
    if not out:
        out = _arms(text, sent, inside, ps, main, found)
    if not out:
        out = _firsts(text, sent, inside, main, found, pair, as_of)
    out += _migrants(text, sent, inside, main)
    if not any(c["kind"] in ("arms", "people") for c in out):
        out += _macro(text, sent, inside, main, found)
    return out


_SCOPE = re.compile(r"\b(?P<w>remittances?|remit\w*|tourists?|tourism|visitors|border|"
                    r"kilomet\w*|km|tariffs?|(?:customs\s+)?dut(?:y|ies)|treasur\w*|bonds|"
                    r"services|co-?sponsor\w*|telephon\w*|phoned|transit|crossing|"
                    r"invest\w*|aid|assistance|grants?|loans?|discounts?|prices?|barrels|"
                    r"agreements|working\s+group|nuclear\s+tests?|members)\b", re.IGNORECASE)
#: Words that make a sentence about something amity has no data on, whatever else it names.
OUT_OF_SCOPE = re.compile(r"\b(?:tourists?|tourism|remittances?)\b", re.IGNORECASE)
_FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|"
                     r"hundred|first|second|third|fourth|fifth|half|third)\b", re.IGNORECASE)


def scope_claim(text: str, sent: tuple[int, int], main: Period | None) -> list[dict]:
    """A statement of fact about something amity has no data on (remittances, tourism,
    borders, tariffs, investment ...), or a target or forecast: found, so that the reader
    sees it was read, and marked as such."""
    s0, s1 = sent
    m = _SCOPE.search(text, s0, s1)
    cue = _cue(text, s0, s1)
    if m and (_FIGURE.search(text, s0, s1) or cue):
        return [{"kind": "other", "measure": m.group("w").lower(), "period": main,
                 "not_a_fact": cue, "elements": [(m.start(), m.end())]}]
    fig = _FIGURE.search(text, s0, s1)
    if cue and fig:
        return [{"kind": "other", "measure": None, "period": main, "not_a_fact": cue,
                 "elements": [(fig.start(), fig.end())]}]
    return []
