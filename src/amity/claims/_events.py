"""Claims about engagements: memberships, visits, agreements and dated events.

Used by :func:`amity.claims.extract.extract` for each sentence; returns plain dicts
(the fields of :class:`~amity.claims.extract.Claim` plus ``elements``, the character
spans the claim rests on).
"""

from __future__ import annotations

import re
from itertools import pairwise

from amity.claims.lexicon import LEVELS, NOT_A_FACT, NUMBER_WORDS, ORGS
from amity.claims.scan import Mention, Period

__all__ = ["ACTIONS", "TOPICS", "content_words", "engagement_claims", "stem"]

_ORG_RES = [(o.key, re.compile(o.pattern, re.IGNORECASE)) for o in ORGS]
_MEMBER = re.compile(r"\bmembers?(?:hip)?\b|\bjoin(?:ed|s|ing)?\b|\bobservers?\b|\badmitted\b|"
                     r"\baccession\b|\bfounding\b|\bbelong\w*\b", re.IGNORECASE)
_JOIN = re.compile(r"\bjoin(?:ed|s|ing)?\b|\bbec(?:ame|omes?)\b|\badmitted\b|\baccession\b",
                   re.IGNORECASE)
_PAIR = re.compile(r"\bboth\b|\bthe\s+two\s+(?:countries|sides|states|nations)\b", re.IGNORECASE)
_VISIT = re.compile(r"\bvisit(?:s|ed|ing)?\b|\btravel(?:l?ed)?\s+to\b|\btrips?\s+to\b",
                    re.IGNORECASE)
_BACKREF = re.compile(r"\b(?:these|those|such|the|of)\s+(?:\w+\s+)?visits\b", re.IGNORECASE)
_AGREEMENT = re.compile(r"\b(?:agreements?|accords?|treat(?:y|ies)|MoUs?|memorand(?:um|a)|"
                        r"protocols?|contracts?|deals?)\b", re.IGNORECASE)
_SIGN = re.compile(r"\bsign(?:ed|ing|s)?\b|\bconclu(?:ded|des)\b|\binked\b|\breached\b",
                   re.IGNORECASE)
_CUE = re.compile(r"\b(?:" + "|".join(p for p in NOT_A_FACT if p != "may") + r")\b", re.IGNORECASE)
_COUNT = re.compile(r"\b(once|twice|thrice|(?P<n>\w+)\s+times|(?P<m>\w+)\s+(?:visits|"
                    r"agreements|accords|treaties))\b", re.IGNORECASE)
_CLAUSE = re.compile(r",?\s+and\s+(?=[A-Z])|;\s*")
_OFFICE = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in LEVELS), key=len,
                                               reverse=True)) + r")\b", re.IGNORECASE)

#: Agreement topics: the word in a claim → what to look for in a timeline title.
TOPICS: dict[str, tuple[str, str]] = {
    "trade": (r"\btrade\b|\bcommerc\w*", r"\btrade\b|commerc"),
    "economic": (r"\beconom\w*", r"\beconom|credit|assistance"),
    "military": (r"\bmilitary\b|\bdefen[cs]e\b|\barms\b|\bweapons?\b",
                 r"military|defen[cs]e|\barms\b|weapon|tanks|helicopter"),
    "cultural": (r"\bcultur\w*", r"cultur"),
    "scientific": (r"\bscien\w*", r"scien"),
    "energy": (r"\benergy\b|\bpower\b", r"energy|\bpower\b|nuclear|gas|oil"),
    "gas": (r"\bgas\b|\bpipelines?\b", r"\bgas\b|pipeline"),
    "oil": (r"\boil\b|\bcrude\b", r"\boil\b|crude"),
    "nuclear": (r"\bnuclear\b", r"nuclear"),
    "air": (r"\bair\s+(?:transport|traffic|services?)\b|\baviation\b", r"\bair\b|aviation"),
    "steel": (r"\bsteel\b", r"steel"),
}
#: Event words: a claim's word → the stem to look for in a timeline title.
ACTIONS: dict[str, str] = {
    "inaugurat": "inaugur", "commissioned": "inaugur", "commissioning": "inaugur",
    "opened": "inaugur", "opening": "inaugur",
    "foundation": "foundation", "groundbreaking": "foundation", "founded": "found",
    "established": "establish", "establishment": "establish", "launch": "launch",
    "summit": "summit", "visit": "visit", "signed": "sign", "signing": "sign",
    "war": "war", "exercise": "exercise", "meeting": "meet", "talks": "talk",
    "grant": "grant", "withdr": "withdr", "suspend": "suspen", "expel": "expel",
}
_ACTION = re.compile(r"\b(" + "|".join(ACTIONS) + r")\w*", re.IGNORECASE)
_STOP = frozenset((
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or",
    "but", "as", "was", "were", "is", "are", "be", "been", "being", "has", "have", "had",
    "this", "that", "these", "those", "it", "its", "their", "his", "her", "during", "after",
    "before", "since", "until", "while", "than", "then", "there", "here", "which", "who",
    "whom", "whose", "what", "when", "where", "most", "more", "very", "also", "important",
    "aspect", "engagement", "engagements", "relations", "relationship", "cooperation",
    "between", "two", "countries", "country", "both", "sides", "side", "level", "levels",
    "field", "year", "years", "day", "month", "first", "second", "last", "then", "said",
    "says", "new", "old", "great", "good", "current", "past", "near", "far", "held", "took",
    "place", "began", "started", "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december", "about", "over", "under",
    "some", "many", "much", "such", "other", "another", "same", "own", "only", "each", "into",
    "onto", "upon",
))


def stem(word: str) -> str:
    """A crude stem for matching words in titles: lower case, plural dropped, six letters.

    >>> stem("Mills"), stem("inauguration"), stem("inaugurates")
    ('mill', 'inaugu', 'inaugu')
    """
    w = word.lower()
    if len(w) > 4 and w.endswith("es") and not w.endswith("ses"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w[:6]


def content_words(text: str, start: int, end: int, ms: list[Mention]) -> list[str]:
    """The distinctive words of ``text[start:end]``: no stop words, countries or numbers."""
    out = []
    for m in re.finditer(r"[A-Za-z][A-Za-z-]+", text[start:end]):
        s = start + m.start()
        if any(x.start <= s < x.end for x in ms):
            continue
        for part in m.group().split("-"):
            if len(part) >= 3 and part.lower() not in _STOP and not _ACTION.fullmatch(part):
                out.append(stem(part))
    return list(dict.fromkeys(out))


def _count(clause: str) -> int | None:
    m = _COUNT.search(clause)
    if not m:
        return None
    word = (m.group("n") or m.group("m") or m.group(1)).lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _pair_or(isos: list[str], pair: tuple[str, str] | None) -> tuple[str, ...]:
    return tuple(isos) if isos else tuple(pair or ())


def _memberships(text: str, sent: tuple[int, int], ms: list[Mention], main: Period | None,
                 pair: tuple[str, str] | None, clauses: list[tuple[int, int]]) -> list[dict]:
    s0, s1 = sent
    sentence = text[s0:s1]
    member = _MEMBER.search(sentence)
    if not member:
        return []
    out = []
    for key, rx in _ORG_RES:
        for m in rx.finditer(sentence):
            org0 = s0 + m.start()
            both = _PAIR.search(sentence[:m.start()])
            isos = list(dict.fromkeys(x.iso3 for x in ms if x.start < org0)) or list(
                dict.fromkeys(x.iso3 for x in ms))
            countries = tuple(pair) if (both and pair) else _pair_or(isos, pair)
            elements = [(org0, s0 + m.end()), (s0 + member.start(), s0 + member.end())]
            if both:
                elements.append((s0 + both.start(), s0 + both.end()))
            elements += [(x.start, x.end) for x in ms if x.start < org0 and x.iso3 in countries]
            status = ("observer" if re.search(r"\bobservers?\b", sentence, re.IGNORECASE)
                      else "member")
            event = "join" if _JOIN.search(sentence) else "member"
            c0, c1 = next((c for c in clauses if c[0] <= org0 < c[1]), sent)
            cue = _CUE.search(text, min(c0, s0 + member.start()), c1)
            out.append({"kind": "membership", "org": key, "countries": countries,
                        "status": status, "action": (event,), "elements": elements,
                        "period": main if main and main.precision != "vague" else None,
                        "tense": "past" if re.search(r"\b(?:joined|became|was|were|admitted)\b",
                                                     sentence, re.IGNORECASE) else "present",
                        "not_a_fact": cue.group() if cue else None})
            break  # one claim per organisation and sentence
    return out


def _visits(text: str, sent: tuple[int, int], ms: list[Mention], main: Period | None,
            pair: tuple[str, str] | None, ps: list[Period]) -> list[dict]:
    s0, s1 = sent
    cuts = [s0] + [s0 + m.end() for m in _CLAUSE.finditer(text[s0:s1])] + [s1]
    out = []
    for c0, c1 in pairwise(cuts):
        clause = text[c0:c1]
        for v in _VISIT.finditer(clause):
            if _BACKREF.search(clause[max(0, v.start() - 20):v.end()]):
                continue
            if re.search(r"\d[\d,.]*\s*(?:million|thousand|lakh)?\s+[A-Z][a-z]+s\b",
                         clause[:v.start()]):
                continue  # "4.4 million Russians visited Turkey": travellers, not a visit
            vpos = c0 + v.start()
            before = [x for x in ms if c0 <= x.start < vpos]
            after = [x for x in ms if c0 + v.end() <= x.start < c1]
            visitor = before[-1].iso3 if before else None
            host = after[0].iso3 if after else None
            if visitor is None and host and pair and host in pair:
                visitor = next(c for c in pair if c != host)
            if host is None and visitor and pair and visitor in pair:
                host = next(c for c in pair if c != visitor)
            if visitor is None or host is None or visitor == host:
                continue
            office = list(_OFFICE.finditer(clause[:v.start()]))
            level = LEVELS[office[-1].group(1).lower()] if office else None
            person: tuple[str, ...] = ()
            if office:
                names = re.match(r"\s+((?:[A-Z][a-z]+\s*){1,3})", clause[office[-1].end():])
                if names:
                    person = tuple(w for w in names.group(1).split() if len(w) >= 4)
            period = next((p for p in ps if c0 <= p.start < c1 and p.precision != "vague"), main)
            cue = _CUE.search(clause)
            elements = [(vpos, c0 + v.end())] + [(x.start, x.end) for x in before[-1:] + after[:1]]
            if office:
                elements.append((c0 + office[-1].start(), c0 + office[-1].end()))
            cnt = _count(clause)
            counted = _COUNT.search(clause)
            if cnt is not None and counted:
                elements.append((c0 + counted.start(), c0 + counted.end()))
            out.append({"kind": "visit", "countries": (visitor,), "partner": (host,),
                        "count": cnt, "level": level, "person": person, "action": ("visit",),
                        "period": period, "elements": elements,
                        "not_a_fact": cue.group() if cue else None})
            break  # one visit claim per clause
    return out


def _agreements(text: str, sent: tuple[int, int], ms: list[Mention], main: Period | None,
                pair: tuple[str, str] | None) -> list[dict]:
    s0, s1 = sent
    sentence = text[s0:s1]
    ag, sign = _AGREEMENT.search(sentence), _SIGN.search(sentence)
    if not (ag and sign):
        return []
    topics = tuple(t for t, (rx, _) in TOPICS.items() if re.search(rx, sentence, re.IGNORECASE))
    isos = list(dict.fromkeys(x.iso3 for x in ms))
    countries = tuple(isos[:2]) if len(isos) >= 2 else tuple(pair or ())
    cue = _CUE.search(sentence)
    elements = [(s0 + ag.start(), s0 + ag.end()), (s0 + sign.start(), s0 + sign.end())]
    return [{"kind": "agreement", "countries": countries[:1], "partner": countries[1:2],
             "topics": topics, "count": _count(sentence), "action": ("sign",),
             "period": main, "elements": elements,
             "not_a_fact": cue.group() if cue else None}]


def _events(text: str, sent: tuple[int, int], ms: list[Mention], ps: list[Period],
            pair: tuple[str, str] | None, clauses: list[tuple[int, int]]) -> list[dict]:
    out = []
    rank = {"day": 0, "month": 1, "year": 2, "decade": 3}
    best: dict[tuple[int, int], Period] = {}
    for p in ps:  # the most precise date of each clause
        if p.precision in rank:
            clause = next((c for c in clauses if c[0] <= p.start < c[1]), sent)
            if clause not in best or rank[p.precision] < rank[best[clause].precision]:
                best[clause] = p
    for (c0, c1), p in best.items():
        actions = list(_ACTION.finditer(text, c0, c1))
        if p.precision not in ("day", "month") and not actions:
            continue
        words = [w for w in content_words(text, c0, c1, ms)
                 if not re.fullmatch(r"\d+", w) and w not in p.text.lower()]
        if not words and not actions:
            continue
        isos = list(dict.fromkeys(x.iso3 for x in ms if c0 <= x.start < c1))
        countries = tuple(isos[:2]) if len(isos) >= 2 else tuple(pair or ())
        elements = [(p.start, p.end)] + [(a.start(), a.end()) for a in actions]
        cue = _CUE.search(text, c0, c1)
        out.append({"kind": "event", "countries": countries[:1], "partner": countries[1:2],
                    "topics": tuple(words),
                    "action": tuple(dict.fromkeys(ACTIONS[a.group(1).lower()] for a in actions)),
                    "period": p, "elements": elements,
                    "not_a_fact": cue.group() if cue else None})
    return out


def engagement_claims(text: str, sent: tuple[int, int], ms: list[Mention], ps: list[Period],
                      main: Period | None, pair: tuple[str, str] | None,
                      clauses: list[tuple[int, int]]) -> list[dict]:
    """Membership, visit, agreement and event claims of one sentence."""
    out = _memberships(text, sent, ms, main, pair, clauses)
    out += _visits(text, sent, ms, main, pair, ps)
    out += _agreements(text, sent, ms, main, pair)
    if not out:
        out += _events(text, sent, ms, ps, pair, clauses)
    return out
