"""Low-level scanning of a text: sentences, country mentions, amounts, percentages, dates.

Every function returns character offsets into the original text, so a claim can point
at its words. Matching is regular expressions over the tables in
:mod:`amity.claims.lexicon`; country names come from amity's crosswalk (whole names
only, never substrings: "Niger" is not found in "Nigeria").
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, replace
from itertools import pairwise

import pandas as pd

from amity import countries as _countries
from amity.claims.lexicon import CURRENCIES, DEMONYMS, MONTHS, QUALIFIERS, SCALES

__all__ = ["Amount", "Mention", "Period", "amounts", "dateline", "half_step", "mentions",
           "periods", "qualifier", "sentences"]

_ABBREV = {"u.s", "u.k", "u.n", "mr", "mrs", "ms", "dr", "st", "no", "rs", "jan", "feb", "mar",
           "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gen", "lt", "col",
           "prof", "vs", "etc", "inc", "ltd", "co", "e.g", "i.e", "approx", "u.s.a", "u.a.e"}
_BREAK = re.compile(r"[.!?]+[\"”’)]?(?=\s+[\"“(]?[A-Z0-9])|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split at . ! ? before a capital, and at newlines.

    Abbreviations ("U.S.", "Mr.", "Rs.") and initials ("Z. A. Bhutto") do not end one.

    >>> t = "Trade fell. The U.S. South Asia policy, says Z. A. Bhutto, failed.\\nNew line"
    >>> [t[a:b] for a, b in sentences(t)]
    ['Trade fell.', 'The U.S. South Asia policy, says Z. A. Bhutto, failed.', 'New line']
    """
    spans, start = [], 0
    for m in _BREAK.finditer(text):
        if m.group().strip(".!?\"”’)") == "" and "\n" not in m.group():
            word = re.search(r"([\w.]+)$", text[start:m.start()])
            token = word.group(1).lower().rstrip(".") if word else ""
            if token in _ABBREV or re.fullmatch(r"[a-z]", token):
                continue
        end = m.end() if "\n" not in m.group() else m.start()
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


@dataclass(frozen=True)
class Mention:
    """A word or name in the text that points at a country."""

    start: int
    end: int
    iso3: str


_CAP_WORD = re.compile(r"[A-Z][A-Za-z]*(?:\.[A-Z])*\.?(?:[’']s\b)?")
_CONNECT = {"of", "and", "the", "&"}


def _ngrams(text: str) -> list[tuple[int, int, str]]:
    """Candidate names: runs of capitalised words (with "of", "and", "the" inside)."""
    words = [(m.start(), m.end(), re.sub(r"[’']s$", "", m.group())) for m in
             re.finditer(r"[A-Za-z][A-Za-z.]*(?:[’']s\b)?|&", text)]
    out = []
    for i, (start, _, word) in enumerate(words):
        if not _CAP_WORD.fullmatch(word):
            continue
        parts = []
        for j in range(i, min(i + 6, len(words))):
            w = words[j][2]
            if j > i and words[j][0] - words[j - 1][1] > 1:
                break  # only single spaces or hyphens between the words of one name
            if not (_CAP_WORD.fullmatch(w) or (w.lower() in _CONNECT and j > i)):
                break
            parts.append(w)
            if _CAP_WORD.fullmatch(w):
                out.append((start, words[j][1], " ".join(parts).rstrip(".")))
    return out


def mentions(text: str) -> list[Mention]:
    """Every mention of a country (name, demonym, capital), longest first, in text order.

    >>> [(m.iso3, m.start) for m in mentions("Russian and Pakistani officials met in Niger.")]
    [('RUS', 0), ('PAK', 12), ('NER', 39)]
    >>> [m.iso3 for m in mentions("the Indo-U.S. axis and the Soviet Union")]
    ['IND', 'USA', 'RUS']
    """
    return list(_mentions(text))


@functools.lru_cache(maxsize=8)
def _mentions(text: str) -> tuple[Mention, ...]:
    grams = _ngrams(text)
    names = sorted({g for _, _, g in grams if g not in DEMONYMS and g + "." not in DEMONYMS})
    found = dict(zip(names, _countries.iso3_from(pd.Series(names, dtype="object"), "name"),
                     strict=True))
    taken: list[Mention] = []
    covered = 0  # grams come in text order, longest first at each start
    for start, end, gram in sorted(grams, key=lambda g: (g[0], -(g[1] - g[0]))):
        if start < covered:
            continue
        iso3 = DEMONYMS.get(gram) or DEMONYMS.get(gram + ".")
        if iso3 is None:
            value = found.get(gram)
            iso3 = None if value is None or pd.isna(value) else str(value)
        if iso3:
            covered = end
            if text[end - 1] == "." and DEMONYMS.get(gram + ".") is None:
                end -= 1  # the full stop of the sentence
            taken.append(Mention(start, end, iso3))
    return tuple(taken)


@dataclass(frozen=True)
class Amount:
    """A number with its unit, as written: money, a percentage or a bare count."""

    start: int
    end: int
    value: float  # in base units (dollars, percent, count)
    unit: str  # ISO currency, "percent", "points" or "number"
    qualifier: str | None
    half_step: float  # half the rounding step of the figure as written, in base units
    text: str
    scale_word: str | None = None


_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = (r"(?:\s*(?P<scale>trillion|billion|million|thousand|crores?|lakhs?|lac|bn|bln|mn|mln"
          r"|tn|trn|[bmk])\b)?")
_PRE = r"(?P<pre>US\s?\$|A\$|C\$|USD|AUD|CAD|\$|Rs\.?|PKR|INR|RUB|EUR|GBP|CNY|RMB|₹|₽|€|£|¥)"
_POST = (r"(?:\s+(?P<post>(?:Australian\s+|Canadian\s+)?dollars?|(?:US\s+)?dollars?|USD|AUD|"
         r"rupees?|roubles|rubles|euros?|yuan|RMB|PKR|"
         r"INR|RUB))")
_MONEY = re.compile(rf"(?:{_PRE}\s?)?(?<![\w.,]){_NUM}{_SCALE}{_POST}?", re.IGNORECASE)
_BARE = re.compile(rf"(?<![\w.,]){_NUM}(?P<scale2>\s*(?:trillion|billion|million|bn|mn|tn)\b)",
                   re.IGNORECASE)
_PERCENT = re.compile(rf"(?<![\w.,]){_NUM}\s*(?P<pct>%|per\s?cent\b|percentage\s+points?\b)",
                      re.IGNORECASE)
_QUAL = re.compile(r"(?:^|\W)(" + "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len,
                                                   reverse=True)) + r")\s*$", re.IGNORECASE)


def half_step(num: str) -> float:
    """Half the last significant digit's place: "600" → 50, "540" → 5, "1.25" → 0.005."""
    num = num.replace(",", "")
    if "." in num:
        return 0.5 * 10 ** -len(num.split(".")[1])
    zeros = len(num) - len(num.rstrip("0")) if num.strip("0") else 0
    return 0.5 * 10 ** zeros


def qualifier(text: str, start: int) -> str | None:
    """The qualifier ("over", "about", "nearly", "under") written just before ``start``."""
    m = _QUAL.search(text[max(0, start - 24):start])
    return QUALIFIERS[m.group(1).lower()] if m else None


def amounts(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """Money amounts and percentages in ``text[start:end]``, in order.

    A bare number with a scale word ("540 million") counts as money when a money
    amount precedes it in the same span; it takes that amount's currency.

    >>> [(a.value, a.unit, a.qualifier) for a in amounts("worth over $17 billion")]
    [(17000000000.0, 'USD', 'over')]
    >>> [(a.value, a.unit) for a in amounts("Rs 5 bn and 12.5% of trade")]
    [(5000000000.0, 'PKR'), (12.5, 'percent')]
    """
    end = len(text) if end is None else end
    span = text[start:end]
    out: list[Amount] = []
    for m in _MONEY.finditer(span):
        pre, post = m.group("pre"), m.group("post")
        if not pre and not post:
            continue
        key = (pre or post or "").lower().replace(" ", "")
        key = {"us$": "us$", "usdollars": "usd"}.get(key, key)
        currency = CURRENCIES.get(key) or CURRENCIES.get(key.rstrip("s")) or "USD"
        scale_word = (m.group("scale") or "").lower() or None
        if scale_word in {"m", "b", "k"} and m.group("scale") and not pre:
            continue  # "5 m" without a currency sign is a distance, not money
        scale = SCALES.get(scale_word or "", 1.0)
        num = m.group("num")
        out.append(Amount(start + m.start(), start + m.end(), float(num.replace(",", "")) * scale,
                          currency, qualifier(span, m.start()), half_step(num) * scale,
                          m.group(), scale_word))
    if out:  # bare "540 million" after a money amount
        for m in _BARE.finditer(span):
            s = start + m.start()
            if s < out[0].start or any(a.start <= s < a.end for a in out):
                continue
            scale_word = m.group("scale2").strip().lower()
            scale = SCALES[scale_word]
            prev = max((a for a in out if a.start < s), key=lambda a: a.start)
            out.append(Amount(s, start + m.end(), float(m.group("num").replace(",", "")) * scale,
                              prev.unit, qualifier(span, m.start()),
                              half_step(m.group("num")) * scale, m.group(), scale_word))
    out.sort(key=lambda a: a.start)
    for i, (a, b) in enumerate(pairwise(out)):  # "$1.2-1.5 billion", "$500 to 600 million"
        if (a.scale_word is None and b.scale_word and a.unit == b.unit
                and re.fullmatch(r"\s*(?:-|–|to|and)\s*", text[a.end:b.start])):
            scale = SCALES[b.scale_word]
            out[i] = replace(a, value=a.value * scale, half_step=a.half_step * scale,
                             scale_word=b.scale_word)
    for m in _PERCENT.finditer(span):
        s = start + m.start()
        if any(a.start <= s < a.end for a in out):
            continue
        unit = "points" if m.group("pct").lower().startswith("percentage") else "percent"
        out.append(Amount(s, start + m.end(), float(m.group("num").replace(",", "")), unit,
                          qualifier(span, m.start()), half_step(m.group("num")), m.group()))
    return sorted(out, key=lambda a: a.start)


@dataclass(frozen=True)
class Period:
    """A date or period written in the text: first and last year, and the exact date."""

    start: int
    end: int
    first: int | None
    last: int | None
    date: str | None  # ISO date at its precision: "1973-12-30", "1973-12", "1973"
    precision: str  # day, month, year, decade, range, fiscal, part, open, current,
    #                 before, relative (unresolved), vague
    text: str


_MONTH = (r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
          r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_MONTH2 = _MONTH.replace("?P<mon>", "?P<mon2>")
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_NUMBER = (r"(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
           r"fifteen|twenty|thirty|forty|fifty)")
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
            "thirty": 30, "forty": 40, "fifty": 50}
_FISCAL_WORD = r"(?:FY\s?|fiscal(?:\s+year)?\s+|financial\s+year\s+)"
_DATES = [
    ("part", re.compile(rf"\b(?:between\s+|from\s+)?{_MONTH}(?:\s+(?P<y0>{_YEAR}))?\s*"
                        rf"(?:-|–|to|and|through|till|until)\s*{_MONTH2},?\s+(?P<y>{_YEAR})\b"
                        r"|\b(?:in\s+)?the\s+first\s+(?P<k>\w+)\s+months\s+of\s+"
                        rf"(?:(?:the\s+)?(?:fiscal\s+)?(?:year\s+)?)?(?P<y2>{_YEAR})"
                        r"(?:\s*[-–/]\s*(?P<y3>\d{2}))?\b", re.IGNORECASE)),
    ("day", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+"
                       rf"(?P<y>{_YEAR})\b")),
    ("day", re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR})\b")),
    ("day", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("fiscal", re.compile(r"\b(?:the\s+)?(?:year|twelve\s+months)\s+to\s+June,?\s+"
                          rf"(?P<y>{_YEAR})\b",
                          re.IGNORECASE)),
    ("month", re.compile(rf"\b{_MONTH},?\s+(?P<y>{_YEAR})\b")),
    ("decade", re.compile(r"\b(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?"
                          r"(?P<dec>1[6-9]\d0|20\d0)['’]?s\b", re.IGNORECASE)),
    ("fiscal", re.compile(rf"\b{_FISCAL_WORD}(?P<fy>\d{{2}})\b(?![-–/]\d)", re.IGNORECASE)),
    ("range", re.compile(rf"\b(?P<fw>{_FISCAL_WORD})?(?P<y1>{_YEAR})\s*(?:-|–|/|to|and|until|till)"
                         rf"\s*(?:FY\s?)?(?P<y2>{_YEAR}|\d{{2}})\b(?![.,]?\d)", re.IGNORECASE)),
    ("open", re.compile(rf"\b(?:since|from)\s+(?P<y>{_YEAR})\b(?!\s*(?:-|–|to|and|until)\s*\d)")),
    ("year", re.compile(rf"(?<![\d$,.])\b(?P<y>{_YEAR})\b"
                        r"(?![\d%]|\s*(?:million|billion|bn|mn)\b)")),
    ("relative", re.compile(
        r"\b(?P<rel>(?:in\s+)?(?:the\s+)?(?:last|previous|past)\s+(?:fiscal\s+|financial\s+)?year|"
        r"(?:in\s+)?the\s+year\s+before|(?:so\s+far\s+)?this\s+year|(?:in\s+)?the\s+current\s+year|"
        r"next\s+year|(?:in\s+|over\s+)?the\s+(?:past|last)\s+decade|"
        rf"(?:in\s+|over\s+|for\s+)?the\s+(?:past|last)\s+{_NUMBER}\s+years|"
        rf"{_NUMBER.replace('?P<n>', '?P<n2>')}\s+years\s+ago|a\s+decade\s+ago|"
        r"a\s+few\s+years\s+ago|(?:in\s+)?recent\s+years|before\s+covid(?:-19)?|"
        r"pre-covid|once(?=\s+(?:worth|valued|stood|was|were|at))|used\s+to\s+(?:be|have|stand)|"
        r"(?:during|in)\s+the\s+pandemic)\b", re.IGNORECASE)),
    ("vague", re.compile(r"\b(?:in\s+)?(?:previous|earlier|later|subsequent|"
                         r"following|last\s+few|coming)\s+years?\b|"
                         r"\bin\s+the\s+past\b", re.IGNORECASE)),
]
_DECADE_PART = {"early": (0, 3), "mid": (4, 6), "late": (7, 9), None: (0, 9)}


def _relative(text: str, g: dict, as_of: datetime.date | None) -> tuple[int | None, int | None,
                                                                          str]:
    """(first, last, precision) of a relative time, resolved against ``as_of``."""
    if as_of is None:
        return None, None, "relative"
    y, low = as_of.year, text.lower()
    n = g.get("n") or g.get("n2")
    count = (int(n) if n.isdigit() else _NUMBERS.get(n.lower())) if n else None
    if re.search(r"this\s+year|current\s+year", low):
        return y, y, "current"
    if "next year" in low:
        return y + 1, y + 1, "year"
    if re.search(r"last|previous|past|year\s+before", low) and "year" in low and \
            count is None and "decade" not in low and "recent" not in low:
        return y - 1, y - 1, "year"
    if "decade" in low and "ago" not in low:
        return y - 10, y - 1, "range"
    if "decade ago" in low:
        return y - 10, y - 10, "year"
    if count is not None and "ago" in low:
        return y - count, y - count, "year"
    if count is not None:
        return y - count, y - 1, "range"
    if "covid" in low:
        return 2019, 2019, "year"
    if "pandemic" in low:
        return 2020, 2021, "range"
    return None, y - 1, "before"  # "a few years ago", "in recent years"


def periods(text: str, start: int = 0, end: int | None = None,
            taken: list[tuple[int, int]] | None = None,
            as_of: datetime.date | None = None) -> list[Period]:
    """Dates and periods in ``text[start:end]``, most precise first where they overlap.

    Relative times ("last year", "three years ago", "in the past decade") are resolved
    against ``as_of`` (the text's date); without it their years stay unknown
    (precision ``relative``). Fiscal years ("2021-22", "FY2017-18", "the year to June
    2010") have precision ``fiscal`` (first and last: the two calendar years they
    straddle); parts of a year ("April to December 2022", "the first five months of
    2022-23") precision ``part``.

    >>> [(p.date, p.precision) for p in periods("on December 30, 1973 and 5 May 2001")]
    [('1973-12-30', 'day'), ('2001-05-05', 'day')]
    >>> [(p.first, p.last, p.precision) for p in periods("during the 1960s, in 1965-67")]
    [(1960, 1969, 'decade'), (1965, 1967, 'range')]
    >>> [(p.first, p.last, p.precision) for p in periods("in 2021-22 and FY2019-20")]
    [(2021, 2022, 'fiscal'), (2019, 2020, 'fiscal')]
    >>> import datetime
    >>> [(p.first, p.precision) for p in periods("last year", as_of=datetime.date(2023, 4, 1))]
    [(2022, 'year')]
    """
    end = len(text) if end is None else end
    span = text[start:end]
    used = list(taken or [])
    out: list[Period] = []
    for precision, pattern in _DATES:
        for m in pattern.finditer(span):
            s, e = start + m.start(), start + m.end()
            if any(a < e and s < b for a, b in used):
                continue
            g = m.groupdict()
            if precision == "part":
                y = int(g.get("y") or g.get("y2") or 0)
                last = y
                if g.get("y3"):
                    last = y // 100 * 100 + int(g["y3"])
                elif g.get("mon") and g.get("y0"):
                    last = y
                    y = int(g["y0"])
                kind = "part"
                if g.get("mon") and g.get("mon2"):
                    m1 = MONTHS[g["mon"].lower().rstrip(".")]
                    m2 = MONTHS[g["mon2"].lower().rstrip(".")]
                    if (last - y) * 12 + m2 - m1 + 1 == 12:  # April 2022 to March 2023
                        kind = "fiscal" if last == y + 1 else "year"
                out.append(Period(s, e, y, last, None, kind, m.group()))
            elif precision in ("day", "month"):
                month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")]
                y = int(g["y"])
                date = (f"{y:04d}-{month:02d}"
                        + (f"-{int(g['d']):02d}" if precision == "day" else ""))
                out.append(Period(s, e, y, y, date, precision, m.group()))
            elif precision == "decade":
                base = int(g["dec"])
                lo, hi = _DECADE_PART[(g["part"] or "").lower() or None]
                out.append(Period(s, e, base + lo, base + hi, None, "decade", m.group()))
            elif precision == "fiscal":
                y2 = int(g["y"]) if g.get("y") else 2000 + int(g["fy"])
                out.append(Period(s, e, y2 - 1, y2, None, "fiscal", m.group()))
            elif precision == "range":
                y1, y2s = int(g["y1"]), str(g["y2"])
                y2 = int(y2s) if len(y2s) == 4 else y1 // 100 * 100 + int(y2s)
                if y2 < y1:
                    continue
                kind = "fiscal" if y2 == y1 + 1 and (g.get("fw") or len(g["y2"]) == 2) \
                    else "range"
                out.append(Period(s, e, y1, y2, None, kind, m.group()))
            elif precision == "open":
                out.append(Period(s, e, int(g["y"]), None, None, "open", m.group()))
            elif precision == "year":
                y = int(g["y"])
                out.append(Period(s, e, y, y, f"{y:04d}", "year", m.group()))
            elif precision == "relative":
                r_first, r_last, r_kind = _relative(m.group(), g, as_of)
                out.append(Period(s, e, r_first, r_last, None, r_kind, m.group()))
            else:
                out.append(Period(s, e, None, None, None, "vague", m.group()))
            used.append((s, e))
    return sorted(out, key=lambda p: p.start)


_DATELINE = [
    re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>{_YEAR})\b"),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<y>{_YEAR})\b"),
]


def dateline(text: str) -> datetime.date | None:
    """The date a text carries in its first lines (a dateline or a byline date), if any.

    Only the first 300 characters are read, and only a full date (day, month, year).

    >>> dateline("ISLAMABAD, February 7, 2022: The prime minister will visit Moscow.")
    datetime.date(2022, 2, 7)
    >>> dateline("Trade grew in 2021.") is None
    True
    """
    head = text[:300]
    found = []
    for rx in _DATELINE:
        for m in rx.finditer(head):
            g = m.groupdict()
            month = int(g["m"]) if g.get("m") else MONTHS[g["mon"].lower().rstrip(".")]
            try:
                found.append((m.start(), datetime.date(int(g["y"]), month, int(g["d"]))))
            except ValueError:  # "February 30": not a date
                continue
    return min(found)[1] if found else None
