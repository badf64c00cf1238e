"""Claim extraction: a table of phrasings written for these tests, each with its parse.

Every expected value below is written by hand from the sentence (not produced by the
code): the quantity in base units, the unit, the qualifier, what is measured, the
countries and the period.
"""

from __future__ import annotations

import pytest

from amity.claims import extract, find_pair
from amity.claims.scan import amounts, mentions, periods, sentences
from tests.conftest import REPO

PAIR = ("PAK", "RUS")
ARTICLE = REPO.parent / "shared" / "examples" / "pakistan-russia-strategic-imperatives.txt"


def summary(c) -> dict:
    """The parse of a claim as plain values, for comparison with the table."""
    p = c.period
    return {
        "kind": c.kind, "flow": c.flow, "countries": c.countries, "partner": c.partner,
        "product": c.product, "group": c.group, "org": c.org,
        "values": [a.value for a in c.amounts], "units": [a.unit for a in c.amounts],
        "qualifier": c.amounts[0].qualifier if c.amounts else None,
        "series": c.series, "range": c.is_range, "years": c.years,
        "period": (p.first, p.last, p.precision) if p else None,
        "date": p.date if p else None, "nonfact": c.not_a_fact is not None,
        "count": c.count, "level": c.level, "status": c.status, "action": c.action,
        "topics": c.topics, "measure": c.measure, "tense": c.tense,
    }


M, B = 1e6, 1e9
CASES = [
    # --- money: scale words, currencies, qualifiers -------------------------------
    ("Bilateral trade between Pakistan and Russia reached $1.2 billion in 2014.",
     [{"kind": "trade", "flow": "total", "countries": ("PAK",), "partner": ("RUS",),
           "values": [1.2 * B], "units": ["USD"], "qualifier": None, "years": (2014,),
           "tense": "past"}]),
    ("Bilateral trade was US$ 1.2bn in 2015.",
     [{"kind": "trade", "flow": "total", "values": [1.2 * B], "years": (2015,)}]),
    ("Trade with Russia stood at USD 17 billion.",
     [{"kind": "trade", "values": [17 * B], "units": ["USD"], "qualifier": None}]),
    ("Russia's textile imports are over $17 billion.",
     [{"kind": "trade", "flow": "imports", "countries": ("RUS",), "partner": (),
           "product": "textiles", "values": [17 * B], "qualifier": "over", "tense": "present"}]),
    ("Bilateral trade is about $450m.", [{"values": [450 * M], "qualifier": "about"}]),
    ("Bilateral trade was nearly 3,000 million US dollars in 2008.",
     [{"values": [3000 * M], "qualifier": "nearly", "units": ["USD"], "years": (2008,)}]),
    ("Bilateral trade was less than $100 million in 1999.",
     [{"values": [100 * M], "qualifier": "under", "years": (1999,)}]),
    ("Bilateral trade was more than $500 million in 2013.",
     [{"values": [500 * M], "qualifier": "over"}]),
    ("The deal is worth Rs 5 billion.",
     [{"kind": "money", "values": [5 * B], "units": ["PKR"], "measure": "deal"}]),
    ("The project costs Rs. 50 crore.", [{"kind": "money", "values": [5e8], "units": ["PKR"]}]),
    ("Exports to Russia were worth 2.5 billion euros in 2019.",
     [{"kind": "trade", "flow": "exports", "values": [2.5 * B], "units": ["EUR"]}]),
    ("Russia provided a loan of $500 million in 1970.",
     [{"kind": "money", "countries": ("RUS",), "values": [500 * M], "measure": "loan",
           "years": (1970,)}]),
    # --- flows and countries -----------------------------------------------------------
    ("Pakistan's exports to Russia were worth US$ 150 million in 2013.",
     [{"kind": "trade", "flow": "exports", "countries": ("PAK",), "partner": ("RUS",),
           "values": [150 * M], "years": (2013,)}]),
    ("Russia exported goods worth USD 400mn to Pakistan in 2012.",
     [{"flow": "exports", "countries": ("RUS",), "partner": ("PAK",), "values": [400 * M],
           "period": (2012, 2012, "year")}]),
    ("Pakistan imports from Russia stood at about $300 million in 2010.",
     [{"flow": "imports", "countries": ("PAK",), "partner": ("RUS",), "qualifier": "about"}]),
    ("Pakistan's total exports were $25 billion in 2018.",
     [{"kind": "trade", "flow": "exports", "countries": ("PAK",), "partner": (),
           "values": [25 * B]}]),
    ("Trade between India and Russia was $10 billion in 2019.",
     [{"flow": "total", "countries": ("IND",), "partner": ("RUS",), "values": [10 * B]}]),
    ("Moscow and Islamabad traded goods worth $700 million in 2011.",
     [{"flow": "total", "countries": ("RUS",), "partner": ("PAK",), "values": [700 * M]}]),
    # --- products and groups ---------------------------------------------------------------
    ("Pakistan exported textiles worth $13.5 billion in 2018.",
     [{"flow": "exports", "countries": ("PAK",), "product": "textiles", "values": [13.5 * B]}]),
    ("Russia's imports of machinery totalled $80 billion in 2017.",
     [{"flow": "imports", "countries": ("RUS",), "product": "machinery", "values": [80 * B]}]),
    ("Pakistan exports textiles and garments worth nearly $200 million to Russia.",
     [{"flow": "exports", "countries": ("PAK",), "partner": ("RUS",), "product": "textiles",
           "qualifier": "nearly"}]),
    (("Russian population, together with the neighboring countries, imports textiles and "
     "garments, worth over $17 billion, so, this could be a big market for Pakistan."),
     [{"kind": "trade", "flow": "imports", "countries": ("RUS",), "group": "neighbours",
           "product": "textiles", "values": [17 * B], "qualifier": "over", "nonfact": False}]),
    # --- ranges and series ---------------------------------------------------------------
    ("Bilateral trade was between $500 and $600 million.",
     [{"range": True, "series": False, "values": [500 * M, 600 * M]}]),
    ("Trade is estimated at $1.2-1.5 billion.",
     [{"range": True, "values": [1.2 * B, 1.5 * B]}]),
    (("In previous years, the bilateral trade was at $600 million, which reduced to $540 "
     "million and further to $369 million in later years."),
     [{"kind": "trade", "flow": "total", "series": True, "values": [600 * M, 540 * M, 369 * M],
           "years": (None, None, None), "period": (None, None, "vague"), "countries": ("PAK",),
           "partner": ("RUS",)}]),
    ("Trade rose from $400 million in 2010 to $600 million in 2012.",
     [{"series": True, "values": [400 * M, 600 * M], "years": (2010, 2012)}]),
    ("Trade fell to $473 million in 2014 from $567 million in 2013.",
     [{"series": True, "values": [473 * M, 567 * M], "years": (2014, 2013)}]),
    ("Trade was $300 million in 2010 and exports reached $200 million in 2011.",
     [{"flow": "total", "values": [300 * M], "years": (2010,), "series": False},
      {"flow": "exports", "values": [200 * M], "years": (2011,)}]),
    # --- not a fact ------------------------------------------------------------------------
    ("The two countries aim to raise bilateral trade to $5 billion.", [{"nonfact": True}]),
    ("Bilateral trade could reach $2 billion by 2025.", [{"nonfact": True}]),
    ("Trade is expected to double to $1 billion.", [{"nonfact": True}]),
    ("Russia will invest $2 billion in the gas pipeline.",
     [{"kind": "money", "nonfact": True, "measure": "invest"}]),
    ("The potential of bilateral trade is $3 billion.", [{"nonfact": True}]),
    # --- percentages ----------------------------------------------------------------------
    (("Pakistan and Russia voted the same way on 72% of UN General Assembly resolutions in "
     "2000."), [{"kind": "vote", "values": [72.0], "units": ["percent"], "countries": ("PAK",),
                    "partner": ("RUS",), "period": (2000, 2000, "year")}]),
    ("Russia accounts for 1.5% of Pakistan's total trade.",
     [{"kind": "trade", "flow": "share", "countries": ("PAK",), "partner": ("RUS",),
           "values": [1.5]}]),
    ("Bilateral trade grew by 20 per cent in 2017.",
     [{"kind": "trade", "flow": "growth", "values": [20.0], "period": (2017, 2017, "year")}]),
    ("Bilateral trade fell by 15% in 2015.", [{"flow": "growth", "values": [-15.0]}]),
    # --- memberships ----------------------------------------------------------------------
    (("Both countries are also members of Shanghai Cooperation Organization, which aims to "
     "fight terrorism."),
     [{"kind": "membership", "org": "SCO", "countries": ("PAK", "RUS"), "status": "member",
           "action": ("member",), "nonfact": False, "period": None}]),
    ("Pakistan joined the SCO in 2017.",
     [{"kind": "membership", "org": "SCO", "countries": ("PAK",), "action": ("join",),
           "period": (2017, 2017, "year")}]),
    ("Pakistan was admitted as an observer to the SCO in 2005.",
     [{"org": "SCO", "status": "observer", "action": ("join",)}]),
    ("India and Pakistan joined the Shanghai Cooperation Organisation in June 2017.",
     [{"org": "SCO", "countries": ("IND", "PAK"), "date": "2017-06"}]),
    ("Both countries are members of the United Nations.",
     [{"kind": "membership", "org": "UN", "countries": ("PAK", "RUS")}]),
    # --- visits, agreements, events -----------------------------------------------------------
    (("Pakistan’s President Ayub Khan, twice visited Moscow and Soviet Premier Alexi Kosygin "
     "also paid a reciprocal visit to Pakistan during the 1960s."),
     [{"kind": "visit", "countries": ("PAK",), "partner": ("RUS",), "count": 2,
           "level": "head_of_state", "period": (1960, 1969, "decade")},
      {"kind": "visit", "countries": ("RUS",), "partner": ("PAK",), "count": None,
           "level": "head_of_government", "period": (1960, 1969, "decade")}]),
    ("Prime Minister Imran Khan visited Moscow on 23 February 2022.",
     [{"kind": "visit", "countries": ("PAK",), "partner": ("RUS",), "date": "2022-02-23",
           "level": "head_of_government"}]),
    ("Russian Foreign Minister Sergey Lavrov visited Islamabad in April 2021.",
     [{"kind": "visit", "countries": ("RUS",), "partner": ("PAK",), "level": "minister",
           "date": "2021-04"}]),
    ("Pakistan and Russia signed a military cooperation agreement on November 20, 2014.",
     [{"kind": "agreement", "topics": ("military",), "date": "2014-11-20"}]),
    ("The two countries signed three agreements in 2011.",
     [{"kind": "agreement", "count": 3, "period": (2011, 2011, "year")}]),
    (("During the 1970s, the most important aspect of the Pakistan-Soviet Union engagement was "
     "the inauguration of the Pakistan Steel Mill on December 30, 1973."),
     [{"kind": "event", "date": "1973-12-30", "topics": ("steel", "mill"),
           "action": ("inaugur",)}]),
    ("Pakistan Steel Mills was inaugurated on 15 January 1985.",
     [{"kind": "event", "date": "1985-01-15", "action": ("inaugur",)}]),
    # --- counts of people ---------------------------------------------------------------------
    ("Over 3,000 Pakistani students study in Russia.",
     [{"kind": "people", "measure": "students_a_in_b", "countries": ("PAK",), "partner": ("RUS",),
           "values": [3000.0], "qualifier": "over"}]),
    # --- nothing checkable ----------------------------------------------------------------------
    ("Today's Russia is more politically stable, wealthier and better armed.", []),
    ("In the 1960s, relations were cordial.", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_extraction_table(text: str, expected: list[dict]) -> None:
    claims = extract(text, pair=PAIR)
    assert len(claims) == len(expected), [c.text for c in claims]
    for claim, want in zip(claims, expected, strict=True):
        got = summary(claim)
        assert {k: got[k] for k in want} == want
        assert text[claim.start:claim.end] == claim.text


def test_table_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40


def test_anaphora_takes_the_previous_period() -> None:
    text = ("Ayub Khan visited Moscow in the 1960s. As a result of these visits, agreements on "
            "trade and cultural exchange were signed.")
    claims = extract(text, pair=PAIR)
    assert [c.kind for c in claims] == ["visit", "agreement"]
    assert (claims[1].period.first, claims[1].period.last) == (1960, 1969)
    assert claims[1].topics == ("trade", "cultural")


def test_sentences_keep_abbreviations_and_initials() -> None:
    text = "The U.S. South Asia policy was announced. Z. A. Bhutto spoke.\nNext paragraph"
    assert [text[a:b] for a, b in sentences(text)] == [
        "The U.S. South Asia policy was announced.", "Z. A. Bhutto spoke.", "Next paragraph"]


def test_mentions_are_whole_names_never_substrings() -> None:
    text = "Nigeria and Niger; the Soviet Union and Indo-U.S. ties; Moscow, Islamabad."
    assert [(text[m.start:m.end], m.iso3) for m in mentions(text)] == [
        ("Nigeria", "NGA"), ("Niger", "NER"), ("Soviet Union", "RUS"), ("Indo", "IND"),
        ("U.S.", "USA"), ("Moscow", "RUS"), ("Islamabad", "PAK")]


def test_amount_rounding_steps() -> None:
    found = amounts("$600 million, $540 million, $369 million, $1.25 billion")
    assert [a.half_step for a in found] == [50e6, 5e6, 0.5e6, 0.005e9]


def test_years_inside_amounts_are_not_dates() -> None:
    text = "In 2014 trade was $2,014 million, 12% more than in 2013."
    assert [(p.first, p.precision) for p in periods(
        text, taken=[(a.start, a.end) for a in amounts(text)])] == [(2014, "year"),
                                                                      (2013, "year")]


@pytest.mark.parametrize(("text", "want"), [
    ("the late 1990s", (1997, 1999, "decade")), ("the early 2000s", (2000, 2003, "decade")),
    ("FY2017-18", (2017, 2018, "fiscal")), ("between 2010 and 2015", (2010, 2015, "range")),
    ("since 2001", (2001, None, "open")), ("30 December 1973", (1973, 1973, "day")),
    ("Dec. 30, 1973", (1973, 1973, "day")), ("2017-06-09", (2017, 2017, "day")),
])
def test_periods(text: str, want: tuple) -> None:
    p = periods(text)[0]
    assert (p.first, p.last, p.precision) == want


def test_pair_from_text_uses_demonyms_and_capitals() -> None:
    assert find_pair("Pakistani and Russian officials met in Moscow. Islamabad agreed.") == (
        "PAK", "RUS")
    assert find_pair("Nothing about countries.") is None


def test_article_claims() -> None:
    if not ARTICLE.exists():
        pytest.skip(f"the flagship article is not at {ARTICLE}")
    text = ARTICLE.read_text(encoding="utf-8")
    claims = extract(text)
    kinds = [(c.kind, c.text[:30]) for c in claims]
    assert find_pair(text) == PAIR
    assert [k for k, _ in kinds] == ["visit", "visit", "agreement", "event", "membership",
                                     "trade", "trade"]
    series = claims[5]
    assert series.series and [a.value for a in series.amounts] == [600e6, 540e6, 369e6]
    textiles = claims[6]
    assert (textiles.product, textiles.group, textiles.amounts[0].qualifier) == (
        "textiles", "neighbours", "over")
    assert claims[3].period.date == "1973-12-30"
