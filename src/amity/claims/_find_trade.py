"""Finding trade claims beyond a value: partner ranks, balances, export shares, multiples.

Used by :func:`amity.claims.extract.extract` for each sentence; returns plain dicts (the
fields of :class:`~amity.claims.extract.Claim` plus ``elements``, the character spans the
claim rests on, and ``taken``, the amounts it consumes so that they are not read again
as plain money or percentages).

* **Partner rank**: "X is Y's fifth-largest trading partner", "X ranked 25th among Y's
  trading partners", "X overtook Z as Y's biggest trading partner", "X is the largest
  export market for Y", "After China, X is the largest source of Y's imports", "X has been
  Y's biggest trading partner for 12 years in a row", "X is not among Y's ten biggest
  trading partners", "... in South Asia" (the region's members only).
* **Balance**: "Pakistan's trade deficit with China was $10 billion", "India ran a
  surplus of over $28 billion with the US", "China sells far more to the US than it buys
  from it" (the sign only), "Pakistan has consistently run a deficit with India".
* **Export share**: "one-fifth of all Chinese exports go to the United States", "China
  takes 14% of what the United States exports".
* **Multiples**: "trade was 1.8 times its level of the year before", "imports rose
  fivefold", "trade doubled".
"""

from __future__ import annotations

import re

from amity.claims.lexicon import NOT_A_FACT, NUMBER_WORDS
from amity.claims.scan import Amount, Mention, Period

__all__ = ["DEFICIT", "ORDINALS", "REGIONS", "balance_side", "multiple_claims", "possessive",
           "rank_claims", "trend_claims",
           "share_claims", "sign_claims"]

_CUE = re.compile(r"\b(?:" + "|".join(p for p in NOT_A_FACT if p != "may") + r")\b",
                  re.IGNORECASE)
#: Ordinal words → rank.
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "twentieth": 20,
}
#: Regions named in rank claims ("largest trade partner in South Asia") → amity regions.
REGIONS: dict[str, str] = {"south asia": "SAARC", "central asia": "CENTRAL_ASIA",
                           "southeast asia": "ASEAN", "south-east asia": "ASEAN",
                           "south east asia": "ASEAN",
                           "gulf": "GCC", "europe": "EU", "european union": "EU", "eu": "EU",
                           "saarc": "SAARC", "asean": "ASEAN", "gcc": "GCC", "eaeu": "EAEU",
                           "eurasian economic union": "EAEU", "mercosur": "MERCOSUR"}
_ORD = (r"(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
        r"twelfth|thirteenth|fourteenth|fifteenth|twentieth|\d{1,3}(?:st|nd|rd|th))")
_SUP = (r"(?P<sup>largest|biggest|top|main|leading|most\s+important|major|single\s+(?:biggest|"
        r"largest)|no\.?\s*1|number\s+one)")
_WHAT = (r"(?P<what>(?:two-way\s+)?trad(?:e|ing)\s+partners?|export\s+(?:markets?|destinations?)|"
         r"markets?\s+for\s+(?:[A-Z][\w.]*\s+)?(?:goods|exports|products)|"
         r"sources?\s+of\s+(?:\w+'s\s+)?imports|import\s+(?:sources?|partners?)|"
         r"(?:goods\s+)?suppliers?(?!\s+of\s+(?:arms|weapons))|"
         r"trade\s+deficits?|trade\s+surplus(?:es)?)")
_RANK = re.compile(rf"(?:\b{_ORD}[\s-]+(?:{_SUP}\s+)?|\b{_SUP.replace('?P<sup>', '?P<sup2>')}\s+)"
                   rf"(?:(?P<dem>(?-i:US|U\.S\.|UK|[A-Z][a-z]+(?:an|ese|ian|ish|i)))\s+)?{_WHAT}",
                   re.IGNORECASE)
_OVERTOOK = re.compile(r"\b(?:overt(?:ook|aken|akes)|surpass\w*|replac\w*|edged\s+out|pip\w*|"
                       r"displac\w*|beat)\b", re.IGNORECASE)
_BEFORE = re.compile(r"^\s*(?i:before|until)\s+(?:the\s+)?[A-Z]")
_AMONG = re.compile(rf"\b{_ORD}\s+among\s+(?P<owner>[\w.’' ]+?)[’']s\s+(?P<dem>){_WHAT}",
                    re.IGNORECASE)
_NOT_TOP = re.compile(r"\bnot\s+(?:even\s+)?(?:among|in|one\s+of)\s+(?:[\w.’' ]+?[’']s\s+)?"
                      r"(?:the\s+)?(?:top|(?P<n>ten|five|twenty|\d+)\s+(?:biggest|largest))"
                      r"(?:\s+(?P<n2>ten|five|twenty|\d+))?", re.IGNORECASE)
_AFTER = re.compile(r"\b(?i:after|behind|second\s+only\s+to)\s+((?:the\s+)?[A-Z][\w.]*"
                    r"(?:\s+(?:and|&)\s+(?:the\s+)?[A-Z][\w.]*|\s+[A-Z][\w.]*){0,3})")
_RUN = re.compile(r"\bfor\s+(?P<n>\d+|\w+)\s+(?:consecutive\s+years|years\s+in\s+a\s+row|"
                  r"straight\s+years)\b", re.IGNORECASE)
_REGION = re.compile(r"\b(?:in|within|among)\s+(?:the\s+)?(south(?:-|\s)?east\s+asia|"
                     r"south\s+asia|central\s+asia|gulf|europe|european\s+union|(?-i:EU)|"
                     r"(?-i:SAARC|ASEAN|GCC|EAEU)|eurasian\s+economic\s+union|mercosur)\b",
                     re.IGNORECASE)
_MULTIPLE = re.compile(r"\b(?:(?P<x>\d+(?:\.\d+)?)\s+times|(?P<w>two|three|four|five|six|seven|"
                       r"eight|nine|ten)fold|(?P<d>doubled|tripled|trebled|quadrupled))\b",
                       re.IGNORECASE)
_TRADE = re.compile(r"\b(?:trad(?:e|ed|ing)|turnover|commerce|exports?|imports?|purchases|"
                    r"shipments|sales)\b", re.IGNORECASE)
_FRACTION = re.compile(r"\b(?:about\s+|roughly\s+|nearly\s+|almost\s+|around\s+)?"
                       r"(?P<f>one-fifth|a\s+fifth|one-quarter|a\s+quarter|one-third|a\s+third|"
                       r"half|two-thirds|three-quarters)\b", re.IGNORECASE)
_FRACTIONS = {"one-fifth": 20.0, "a fifth": 20.0, "one-quarter": 25.0, "a quarter": 25.0,
              "one-third": 33.3, "a third": 33.3, "half": 50.0, "two-thirds": 66.7,
              "three-quarters": 75.0}
_EXPORT_SHARE = re.compile(r"\bof\s+(?:all\s+)?(?P<dem>[A-Z][\w.]*)\s+exports\s+go\s+to\b|"
                           r"\bof\s+what\s+(?:the\s+)?(?P<who>[A-Z][\w. ]*?)\s+exports\b|"
                           r"\bof\s+(?P<own>[A-Z][\w. ]*?)[’']s\s+exports\b")
DEFICIT = re.compile(r"\b(?:trade\s+)?(?P<w>deficits?|surplus(?:es)?|trade\s+gap|"
                      r"(?:trade\s+)?imbalance)\b", re.IGNORECASE)
_MORE_THAN = re.compile(r"\bsells?\s+(?:far\s+|much\s+|many\s+times\s+)?more\b.*?\bthan\s+it\s+"
                        r"buys\b|\bexports?\s+(?:far\s+|much\s+)?more\b.*?\bthan\s+it\s+imports\b",
                        re.IGNORECASE)
_CONSISTENT = re.compile(r"\b(?:consistently|always|persistently|every\s+year)\b.*?"
                         r"\b(?:run|ran|faced|had|recorded)\s+(?:a\s+)?(?:trade\s+)?"
                         r"(?P<w>deficit|surplus)\b", re.IGNORECASE)


def possessive(text: str, m: Mention) -> bool:
    """Whether a mention is a possessive ("Russia's", "India’s")."""
    return bool(re.search(r"[’']s$", text[m.start:m.end]) or
                re.match(r"[’']s\b", text[m.end:m.end + 2]))


def _ordinal(word: str | None) -> int | None:
    if not word:
        return None
    word = word.lower()
    if word in ORDINALS:
        return ORDINALS[word]
    digits = re.match(r"\d+", word)
    return int(digits.group()) if digits else None


def _owner(text: str, ms: list[Mention], start: int, end: int, s1: int) -> Mention | None:
    """The country whose partners are ranked: "X's ..." just before, "of/for X" after."""
    before = [m for m in ms if m.end <= start and start - m.end <= 40
              and possessive(text, m)]
    if before:
        return before[-1]
    within = [m for m in ms if start <= m.start < end and (possessive(text, m) or re.search(
        r"\bfor\s+(?:the\s+)?$", text[start:m.start]))]
    if within:
        return within[0]
    for m in ms:
        if end <= m.start <= min(s1, end + 25) and re.search(
                r"\b(?:of|for|to)\s+(?:the\s+)?$", text[end:m.start]):
            return m
    poss = [m for m in ms if m.start < start and possessive(text, m)]
    return poss[-1] if poss else None


def _measure(what: str) -> str:
    w = what.lower()
    if "deficit" in w:
        return "deficit"
    if "surplus" in w:
        return "surplus"
    if "export" in w or "market" in w:
        return "exports"
    if "import" in w or "supplier" in w:
        return "imports"
    return "total"


def rank_claims(text: str, sent: tuple[int, int], ms: list[Mention], ps: list[Period],
                main: Period | None) -> list[dict]:
    """Partner-rank claims of one sentence."""
    s0, s1 = sent
    out: list[dict] = []
    top = _NOT_TOP.search(text, s0, s1)
    for rx in (_AMONG, _RANK) if not top else ():
        for m in rx.finditer(text, s0, s1):
            if any(c["elements"][0][0] <= m.start() < c["elements"][0][1] for c in out):
                continue
            what = m.group("what")
            if re.search(r"\b(?:arms|weapons|defen[cs]e|tourists?)\b",
                         text[m.start():min(s1, m.end() + 25)], re.IGNORECASE):
                continue
            rank = _ordinal(m.group("ord")) or 1
            owner = None
            if rx is _AMONG:
                owner = next((x for x in ms if m.start("owner") <= x.start < m.end("owner")),
                             None)
            dem = m.group("dem") and next((x for x in ms if m.start("dem") <= x.start
                                           < m.end("dem")), None)
            owner = owner or dem or _owner(text, ms, m.start(), m.end(), s1)
            if owner is None:
                continue
            behind = [(a.start(1), a.end(1)) for a in _AFTER.finditer(text, s0, s1)]
            subject = [x for x in ms if x.start < m.start() and x.iso3 != owner.iso3
                       and not any(a <= x.start < b for a, b in behind)]
            verb = _OVERTOOK.search(text, s0, m.start())
            if verb:
                subject = [x for x in subject if x.start < verb.start()]
            if not subject:
                continue
            if _BEFORE.search(text[s0:s1]):
                continue  # "Before China, the UAE was ...": a time the text does not give
            subject = subject[:1] if verb else subject[-1:]
            after = _AFTER.search(text, s0, s1)
            if after and not m.group("ord"):
                named = [x for x in ms if after.start(1) <= x.start < after.end(1)]
                rank = 1 + len({x.iso3 for x in named})
            run = _RUN.search(text, s0, s1)
            years = None
            if run:
                n = run.group("n")
                years = int(n) if n.isdigit() else NUMBER_WORDS.get(n.lower())
            region = _REGION.search(text, m.end(), s1)
            period = main
            fiscal = [p for p in ps if p.precision == "fiscal"]
            if len(fiscal) >= 2 and re.search(r"\bfrom\b", text[s0:s1], re.IGNORECASE):
                period = Period(fiscal[0].start, fiscal[-1].end, fiscal[0].first,
                                fiscal[-1].last, None, "range",
                                text[fiscal[0].start:fiscal[-1].end])
            cue = _CUE.search(text, s0, s1)
            out.append({"kind": "rank", "measure": _measure(what), "count": rank,
                        "countries": (subject[0].iso3,), "partner": (owner.iso3,),
                        "status": None, "level": str(years) if years else None,
                        "group": REGIONS.get(" ".join(region.group(1).lower().split()))
                        if region else None,
                        "period": period, "fiscal": _is_fiscal(period),
                        "not_a_fact": cue.group() if cue else None,
                        "elements": [(m.start(), m.end()), (subject[0].start, subject[0].end),
                                     (owner.start, owner.end)]})
    if top and re.search(r"trad(?:e|ing)\s+partners?", text[top.end():s1 + 1], re.IGNORECASE):
        n = top.group("n") or top.group("n2") or "ten"
        count = int(n) if n.isdigit() else NUMBER_WORDS.get(n.lower(), 10)
        owner = next((x for x in ms if top.start() <= x.start < top.end()), None)
        subject = [x for x in ms if x.start < top.start() and (not owner or x.iso3 != owner.iso3)]
        if owner and subject:
            out.append({"kind": "rank", "measure": "total", "count": count,
                        "status": "not_top", "countries": (subject[-1].iso3,),
                        "partner": (owner.iso3,), "period": main,
                        "fiscal": _is_fiscal(main), "not_a_fact": None,
                        "elements": [(top.start(), top.end()),
                                     (subject[-1].start, subject[-1].end)]})
    return out


def _is_fiscal(period: Period | None) -> bool:
    """A claim for a fiscal year ("in 2021-22") is checked on both calendar years."""
    return period is not None and period.precision == "fiscal"


def balance_side(text: str, s0: int, s1: int, word: re.Match[str], ms: list[Mention],
                 pair: tuple[str, str] | None) -> tuple[str | None, str | None, str]:
    """(the country whose balance it is, its partner, "deficit" | "surplus" | "gap").

    "Pakistan's deficit with China", "India ran a surplus with the US", "the deficit
    of Turkey against Russia", "India's trade gap with China"; a partner not named is the
    text's other country.
    """
    w = word.group("w").lower()
    kind = "deficit" if w.startswith("deficit") else "surplus" if w.startswith("surplus") \
        else "deficit"
    before = [m for m in ms if s0 <= m.start < word.start()]
    poss = [m for m in before if possessive(text, m)]
    after = [m for m in ms if word.end() <= m.start < s1]
    partner = next((m.iso3 for m in after if re.search(
        r"\b(?:with|against|vis-[àa]-vis|to)\s+(?:the\s+)?$", text[max(s0, m.start - 16):m.start])),
        None)
    owner = poss[-1].iso3 if poss else None
    if owner is None:
        of = next((m.iso3 for m in after if re.search(r"\bof\s+(?:the\s+)?$",
                                                       text[max(s0, m.start - 8):m.start])), None)
        owner = of or (before[0].iso3 if before else None)
    if owner is not None and partner is None:
        others = [m.iso3 for m in before + after if m.iso3 != owner]
        partner = others[0] if others else next((c for c in (pair or ()) if c != owner), None)
    if owner is None and partner is not None and pair and partner in pair:
        owner = next(c for c in pair if c != partner)
    if owner == partner:
        partner = None
    return owner, partner, kind


def sign_claims(text: str, sent: tuple[int, int], ms: list[Mention], main: Period | None,
                pair: tuple[str, str] | None) -> list[dict]:
    """Balance claims without a figure: "A sells far more to B than it buys from it",
    "A has consistently run a deficit with B"."""
    s0, s1 = sent
    out = []
    more = _MORE_THAN.search(text, s0, s1)
    if more:
        isos = [m for m in ms if s0 <= m.start < s1]
        if len(isos) >= 2:
            out.append({"kind": "balance", "measure": "surplus", "status": "sign",
                        "countries": (isos[0].iso3,), "partner": (isos[1].iso3,),
                        "period": main, "not_a_fact": None,
                        "elements": [(more.start(), more.end()), (isos[0].start, isos[0].end)]})
    cons = _CONSISTENT.search(text, s0, s1)
    if cons:
        owner, partner, kind = balance_side(text, s0, s1, cons, ms, pair)
        if owner and partner:
            out.append({"kind": "balance", "measure": kind, "status": "consistently",
                        "countries": (owner,), "partner": (partner,), "period": main,
                        "not_a_fact": None, "elements": [(cons.start(), cons.end())]})
    return out


def multiple_claims(text: str, sent: tuple[int, int], ms: list[Mention], ps: list[Period],
                    main: Period | None, pair: tuple[str, str] | None) -> list[dict]:
    """"1.8 times its level", "rose fivefold", "doubled": a change of trade, in percent."""
    s0, s1 = sent
    out = []
    for m in _MULTIPLE.finditer(text, s0, s1):
        if not _TRADE.search(text, s0, s1):
            continue
        if m.group("x"):
            factor = float(m.group("x"))
        elif m.group("w"):
            factor = float(NUMBER_WORDS[m.group("w").lower()])
        else:
            factor = {"doubled": 2.0, "tripled": 3.0, "trebled": 3.0,
                      "quadrupled": 4.0}[m.group("d").lower()]
        isos = list(dict.fromkeys(x.iso3 for x in ms if s0 <= x.start < s1))
        if len(isos) < 2 and pair:
            isos = list(pair)
        cue = _CUE.search(text, s0, s1)
        amount = Amount(m.start(), m.end(), (factor - 1) * 100, "percent", None,
                        50.0 if factor == int(factor) else 5.0, m.group())
        out.append({"kind": "trade", "flow": "growth", "measure": "trade_total_usd growth",
                    "amounts": (amount,), "years": (None,), "countries": tuple(isos[:1]),
                    "partner": tuple(isos[1:2]), "period": main,
                    "not_a_fact": cue.group() if cue else None,
                    "elements": [(m.start(), m.end())]})
        break
    return out


def share_claims(text: str, sent: tuple[int, int], ms: list[Mention], main: Period | None,
                 found: list[Amount]) -> list[dict]:
    """Shares of a country's exports going to a partner."""
    s0, s1 = sent
    m = _EXPORT_SHARE.search(text, s0, s1)
    if not m:
        return []
    if re.search(r"\b(?:iron\s+ore|fossil\s+fuels?|oil|gas|coal|fuels?|agricultur\w*|diamonds|"
                 r"gold|textiles?|machinery|wheat|crude)\b", text[s0:m.start()], re.IGNORECASE):
        return [{"kind": "other", "measure": "product share of a flow", "period": main,
                 "not_a_fact": None, "elements": [(m.start(), m.end())],
                 "taken": [(a.start, a.end) for a in found]}]
    owner_span = next((g for g in ("dem", "who", "own") if m.group(g)), None)
    if owner_span is None:
        return []
    owner = next((x for x in ms if m.start(owner_span) <= x.start < m.end(owner_span)), None)
    if owner is None:
        return []
    others = [x for x in ms if s0 <= x.start < s1 and x.iso3 != owner.iso3]
    if not others:
        return []
    dest = others[-1] if owner_span == "dem" else others[0]
    pct = [a for a in found if a.unit == "percent" and a.end <= m.start() + 5]
    amount: Amount | None = pct[-1] if pct else None
    if amount is None:
        f = _FRACTION.search(text, s0, m.start() + 1)
        if f is None:
            return []
        value = _FRACTIONS[re.sub(r"\s+", " ", f.group("f").lower())]
        amount = Amount(f.start(), f.end(), value, "percent", "about", value * 0.1, f.group())
    cue = _CUE.search(text, s0, s1)
    return [{"kind": "trade", "flow": "export_share", "measure": "export share",
             "amounts": (amount,), "years": (None,), "countries": (owner.iso3,),
             "partner": (dest.iso3,), "period": main, "not_a_fact": cue.group() if cue else None,
             "tense": "present", "taken": [(amount.start, amount.end)],
             "elements": [(amount.start, amount.end), (m.start(), m.end())]}]


_TREND = re.compile(r"\b(?P<adv>steadily|consistently|continuously|every\s+year|"
                    r"year\s+after\s+year)?"
                    r"\s*(?P<dir>increas\w*|ris(?:en|ing|e|es)|rose|grow\w*|grew|expand\w*|"
                    r"declin\w*|fall\w*|fell|decreas\w*|shr[iu]nk\w*|shrank|dropp\w*)\b"
                    r"(?P<adv2>\s+(?:steadily|every\s+year|year\s+after\s+year))?",
                    re.IGNORECASE)


def trend_claims(text: str, sent: tuple[int, int], ms: list[Mention], ps: list[Period],
                 main: Period | None, pair: tuple[str, str] | None,
                 found: list[Amount]) -> list[dict]:
    """"Trade has been steadily increasing since 2015", "exports have fallen over the past
    five years": a direction over a period, without a figure."""
    s0, s1 = sent
    if found or not _TRADE.search(text, s0, s1):
        return []
    period = next((p for p in ps if p.precision in ("open", "range", "relative", "decade")),
                  None)
    m = _TREND.search(text, s0, s1)
    if not (m and period):
        return []
    up = not re.match(r"declin|fall|fell|decreas|shr|dropp", m.group("dir"), re.IGNORECASE)
    isos = list(dict.fromkeys(x.iso3 for x in ms if s0 <= x.start < s1))
    if len(isos) < 2 and pair:
        isos = list(pair)
    if len(isos) < 2:
        return []
    flow = "exports" if re.search(r"\bexports?\b", text[s0:s1], re.IGNORECASE) else \
        "imports" if re.search(r"\bimports?\b", text[s0:s1], re.IGNORECASE) else "total"
    steady = bool(m.group("adv") or m.group("adv2"))
    cue = _CUE.search(text, s0, s1)
    return [{"kind": "trend", "status": "up" if up else "down", "flow": flow,
             "action": ("steady",) if steady else (), "countries": (isos[0],),
             "partner": (isos[1],), "period": period,
             "not_a_fact": cue.group() if cue else None,
             "elements": [(m.start(), m.end()), (period.start, period.end)]}]
