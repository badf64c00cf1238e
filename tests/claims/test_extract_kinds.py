"""Extraction of the claim kinds beyond trade values, on many phrasings written for these
tests (none copied from an article), and the text's date: relative times, fiscal years,
parts of a year, qualifiers, cues of targets and the dateline.

Each expected parse is written by hand from the sentence.
"""

from __future__ import annotations

import datetime

import pytest

from amity.claims import extract
from amity.claims.scan import amounts, dateline, periods

AS_OF = datetime.date(2022, 6, 1)


def parse(text: str, kind: str, as_of: datetime.date | None = AS_OF) -> list:
    """The claims of ``kind`` in ``text``."""
    return [c for c in extract(text, as_of=as_of) if c.kind == kind]


# -- UN votes -----------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "roles", "values", "org"), [
    ("The General Assembly adopted the text by 93 votes to 18 with 65 abstentions.",
     ("yes", "no", "abstain"), [93, 18, 65], "GA"),
    ("The resolution passed with 141 votes in favour and 5 against.",
     ("yes", "no"), [141, 5], None),
    ("In the Security Council the draft got 10 votes for, 0 against.", ("yes", "no"),
     [10, 0], "SC"),
    ("65 countries abstained on the Assembly's resolution on Ukraine.", ("abstain",), [65],
     None),
    ("The UN resolution was carried 143-5, with 35 member states abstaining.",
     ("yes", "no", "abstain"), [143, 5, 35], None),
])
def test_vote_tallies(text: str, roles: tuple, values: list, org: str | None) -> None:
    c = parse(text, "un_vote")[0]
    assert c.measure == "tally" and c.action == roles and c.org == org
    assert [a.value for a in c.amounts] == values


@pytest.mark.parametrize(("text", "countries", "vote"), [
    ("India abstained on the General Assembly resolution on Ukraine.", ("IND",), "abstain"),
    ("China, Brazil and Iran also abstained on that UN resolution.", ("CHN", "BRA", "IRN"),
     "abstain"),
    ("Algeria and China voted against the Assembly's resolution.", ("DZA", "CHN"), "no"),
    ("The United States voted in favour of the UN resolution on Gaza.", ("USA",), "yes"),
    ("North Korea and Belarus voted with Russia against the resolution.", ("PRK", "BLR"),
     "no"),
])
def test_country_votes(text: str, countries: tuple, vote: str) -> None:
    c = parse(text, "un_vote")[0]
    assert c.measure == "country" and c.countries == countries and c.status == vote


def test_vote_topics_keep_country_words_of_the_title() -> None:
    c = parse("India abstained on the General Assembly resolution on Ukraine.", "un_vote")[0]
    assert "ukrain" in c.topics and "abstai" not in c.topics


# -- partner ranks ------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "subject", "owner", "rank", "measure", "extra"), [
    ("Russia became the fourth-largest trading partner of India in 2021.", "RUS", "IND", 4,
     "total", {}),
    ("In 2021 Russia ranked only 25th among India's trading partners.", "RUS", "IND", 25,
     "total", {}),
    ("China is Russia's biggest export destination.", "CHN", "RUS", 1, "exports", {}),
    ("Pakistan remains the largest export market for Afghanistan.", "PAK", "AFG", 1,
     "exports", {}),
    ("After China, India is the largest source of Bangladesh's imports.", "IND", "BGD", 2,
     "imports", {}),
    ("The United States overtook China as India's biggest trading partner in 2022.", "USA",
     "IND", 1, "total", {}),
    ("In 2017 China was the third-biggest market for US goods.", "CHN", "USA", 3, "exports",
     {}),
    ("Bangladesh has overtaken Sri Lanka as India's largest trade partner in South Asia.",
     "BGD", "IND", 1, "total", {"group": "SAARC"}),
    ("China has been Russia's biggest trading partner for 12 years in a row.", "CHN", "RUS",
     1, "total", {"level": "12"}),
    ("Russia is not among China's ten biggest trading partners.", "RUS", "CHN", 10, "total",
     {"status": "not_top"}),
])
def test_ranks(text: str, subject: str, owner: str, rank: int, measure: str,
               extra: dict) -> None:
    c = parse(text, "rank")[0]
    assert (c.countries, c.partner, c.count, c.measure) == ((subject,), (owner,), rank,
                                                              measure)
    for key, value in extra.items():
        assert getattr(c, key) == value


def test_rank_before_an_unnamed_time_is_not_read() -> None:
    assert parse("Before China, the UAE was India's largest trading partner.", "rank") == []


# -- balances, export shares, multiples, averages, trends --------------------------------
@pytest.mark.parametrize(("text", "owner", "partner", "side", "value"), [
    ("Pakistan faces a trade deficit of 10 billion dollars with China.", "PAK", "CHN",
     "deficit", 10e9),
    ("India ran a trade surplus of more than $28 billion with the US in 2022.", "IND", "USA",
     "surplus", 28e9),
    ("India's trade gap with China was $100 billion last year.", "IND", "CHN", "deficit",
     100e9),
    ("Turkey's deficit against Russia reached $18.5 billion in 2018.", "TUR", "RUS",
     "deficit", 18.5e9),
])
def test_balances(text: str, owner: str, partner: str, side: str, value: float) -> None:
    c = parse(text, "balance")[0]
    assert (c.countries, c.partner, c.measure, c.amounts[0].value) == ((owner,), (partner,),
                                                                       side, value)


def test_balance_signs_and_changes() -> None:
    c = parse("China sells far more goods to the United States than it buys from it.",
              "balance")[0]
    assert (c.countries, c.partner, c.status) == (("CHN",), ("USA",), "sign")
    c = parse("Pakistan has consistently run a trade deficit with India.", "balance")[0]
    assert (c.countries, c.partner, c.measure, c.status) == (("PAK",), ("IND",), "deficit",
                                                             "consistently")
    # a change in a balance, or a sum over years, is not a year's balance
    for text in ("Turkey's deficit with Russia grew by $2 billion from 2017 to 2018.",
                 "Since 2010 Pakistan has run a cumulative deficit of $90 billion with China."):
        assert parse(text, "balance") == [] and parse(text, "money")


@pytest.mark.parametrize(("text", "owner", "dest", "value"), [
    ("About one-fifth of all Chinese exports go to the United States.", "CHN", "USA", 20.0),
    ("China takes about 14% of what the United States exports.", "USA", "CHN", 14.0),
])
def test_export_shares(text: str, owner: str, dest: str, value: float) -> None:
    c = parse(text, "trade")[0]
    assert (c.flow, c.countries, c.partner, c.amounts[0].value) == ("export_share", (owner,),
                                                                    (dest,), value)


def test_product_shares_are_not_export_shares() -> None:
    for text in ("Iron ore made up nearly half of Australia's exports to China.",
                 "Fossil fuels made up 65 percent of Russia's exports to China in 2021."):
        kinds = [c.kind for c in extract(text, as_of=AS_OF)]
        assert "trade" not in kinds and "other" in kinds


@pytest.mark.parametrize(("text", "value"), [
    ("In 2021 trade between India and Russia was 1.8 times its level of 2020.", 80.0),
    ("India's imports from Russia rose fivefold in 2022.", 400.0),
    ("Trade between China and Pakistan doubled in 2021.", 100.0),
])
def test_multiples(text: str, value: float) -> None:
    c = parse(text, "trade")[0]
    assert c.flow == "growth" and c.amounts[0].value == value


def test_averages_and_trends() -> None:
    c = parse("India-Russia trade averaged $10 billion a year between 2018 and 2021.",
              "trade")[0]
    assert c.measure == "average" and (c.period.first, c.period.last) == (2018, 2021)
    c = parse("Trade between India and Russia has been rising steadily since 2018.", "trend")[0]
    assert (c.status, c.action, c.period.first) == ("up", ("steady",), 2018)
    c = parse("Pakistan's exports to Afghanistan have fallen over the past five years.",
              "trend")[0]
    assert (c.status, c.flow, c.period.first, c.period.last) == ("down", "exports", 2017,
                                                                 2021)
    assert parse("Trade between India and Russia has been rising.", "trend") == []


# -- macro --------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "measure", "value"), [
    ("Pakistan's GDP was 300 billion dollars in 2015.", "gdp", 300e9),
    ("Turkey's economy is worth about $900 billion.", "gdp", 900e9),
    ("Turkey earns about 10,000 dollars per head a year.", "gdp_per_capita", 10_000),
    ("Pakistan has a population of 192,744,545.", "population", 192_744_545),
    ("Pakistan has over 207 million people.", "population", 207e6),
    ("The IMF says Pakistan's GDP grew 4.7 percent last year.", "gdp_growth", 4.7),
])
def test_macro_figures(text: str, measure: str, value: float) -> None:
    c = parse(text, "macro")[0]
    assert c.measure == measure and c.amounts[0].value == value and c.countries


@pytest.mark.parametrize(("text", "measure", "rank"), [
    ("Pakistan is the world's 44th-largest economy.", "gdp_rank", 44),
    ("Its economy is the 43rd largest in the world, says Pakistan.", "gdp_rank", 43),
    ("Pakistan is the sixth most populous country.", "population_rank", 6),
    ("Pakistan has the fifth-largest population in the world.", "population_rank", 5),
])
def test_macro_ranks(text: str, measure: str, rank: int) -> None:
    c = parse(text, "macro")[0]
    assert (c.measure, c.count, c.countries) == (measure, rank, ("PAK",))


# -- migrants, arms, firsts ---------------------------------------------------------------
@pytest.mark.parametrize(("text", "origin", "dest", "value", "measure"), [
    ("About 3.5 million Indians live in the United Arab Emirates.", "IND", "ARE", 3.5e6,
     "migrants_a_in_b"),
    ("Saudi Arabia is home to about 2.5 million Pakistanis.", "PAK", "SAU", 2.5e6,
     "migrants_a_in_b"),
    ("About two million Pakistanis work in Saudi Arabia.", "PAK", "SAU", 2e6,
     "migrants_a_in_b"),
    ("More than 5.7 million Pakistani workers have gone to Saudi Arabia since 1971.", "PAK",
     "SAU", 5.7e6, "migrants_flow"),
    ("3.9 million Pakistanis have gone to work in the UAE since the 1970s.", "PAK", "ARE",
     3.9e6, "migrants_flow"),
])
def test_migrants(text: str, origin: str, dest: str, value: float, measure: str) -> None:
    c = parse(text, "people")[0]
    assert (c.countries, c.partner, c.amounts[0].value, c.measure) == ((origin,), (dest,),
                                                                       value, measure)


@pytest.mark.parametrize(("text", "measure", "supplier", "recipient"), [
    ("India signed a $5 billion deal to buy Russia's S-400 system in October 2018.", "deal",
     "RUS", "IND"),
    ("Turkey started taking delivery of Russia's S-400 in July 2019.", "delivery", "RUS",
     "TUR"),
    ("Russia's share of India's arms imports fell from 69% in 2012-16 to 46% in 2017-21.",
     "share", "RUS", "IND"),
    ("France was India's second-largest arms supplier in 2017-21.", "supplier_rank", "FRA",
     "IND"),
])
def test_arms(text: str, measure: str, supplier: str, recipient: str) -> None:
    c = parse(text, "arms")[0]
    assert (c.measure, c.countries, c.partner) == (measure, (supplier,), (recipient,))


def test_arms_ranks_and_changes() -> None:
    c = parse("India was the world's largest arms importer in 2017-21, with 11% of global "
              "arms imports.", "arms")[0]
    assert (c.measure, c.countries, c.count, c.amounts[0].value) == ("importer_rank",
                                                                      ("IND",), 1, 11.0)
    c = parse("India's arms imports decreased by 21 percent between 2012-16 and 2017-21.",
              "arms")[0]
    assert c.measure == "change" and c.amounts[0].value == -21.0 and len(c.periods) == 2


@pytest.mark.parametrize(("text", "gap", "since", "more"), [
    ("Modi is the first Indian prime minister to visit the UAE in 34 years.", 34, None, ()),
    ("It is the first visit by a Pakistani premier to Russia in more than two decades.", 20,
     None, ("more",)),
    ("Khan is the first Pakistani prime minister to visit Russia since the visit of Nawaz "
     "Sharif in 1999.", None, "1999", ()),
])
def test_firsts(text: str, gap: int | None, since: str | None, more: tuple) -> None:
    c = parse(text, "first")[0]
    assert (c.count, c.status, c.action, c.level) == (gap, since, more, "head_of_government")
    assert c.period is None or c.period.first != 1999


# -- dates: relative times, fiscal years, parts of a year ---------------------------------
@pytest.mark.parametrize(("text", "as_of", "want"), [
    ("last year", AS_OF, (2021, 2021, "year")),
    ("this year", AS_OF, (2022, 2022, "current")),
    ("in the past decade", AS_OF, (2012, 2021, "range")),
    ("four years ago", AS_OF, (2018, 2018, "year")),
    ("over the last three years", AS_OF, (2019, 2021, "range")),
    ("a few years ago", AS_OF, (None, 2021, "before")),
    ("before COVID", AS_OF, (2019, 2019, "year")),
    ("last year", None, (None, None, "relative")),
    ("in 2021-22", None, (2021, 2022, "fiscal")),
    ("FY22", None, (2021, 2022, "fiscal")),
    ("the year to June 2010", None, (2009, 2010, "fiscal")),
    ("from April 2022 to March 2023", None, (2022, 2023, "fiscal")),
    ("between April and December 2022", None, (2022, 2022, "part")),
    ("the first five months of 2022-23", None, (2022, 2023, "part")),
    ("in 2012-16", None, (2012, 2016, "range")),
])
def test_periods_with_the_text_date(text: str, as_of: datetime.date | None,
                                    want: tuple) -> None:
    p = periods(text, as_of=as_of)[0]
    assert (p.first, p.last, p.precision) == want


def test_fiscal_figures_and_relative_years_in_claims() -> None:
    c = parse("India-Russia trade was $10.11 billion in the 2019-20 fiscal year.", "trade")[0]
    assert c.fiscal and c.years == (2019,)
    c = parse("Trade between India and Russia was $12 billion last year.", "trade")[0]
    assert c.years == (2021,)
    c = parse("Trade between India and Russia was $12 billion last year.", "trade",
              as_of=None)[0]
    assert c.years == (None,) and c.period.precision == "relative"


@pytest.mark.parametrize(("text", "qualifier"), [
    ("trade exceeded $25 billion", "over"), ("trade topped $40 billion", "over"),
    ("trade crossed $59 billion", "over"), ("just over $11 billion", "just_over"),
    ("a little more than $3 billion", "just_over"), ("nearly $13 billion", "nearly"),
    ("just under $147 billion", "nearly"), ("trade touched $10 billion", "about"),
])
def test_qualifiers(text: str, qualifier: str) -> None:
    assert amounts(text)[0].qualifier == qualifier


@pytest.mark.parametrize("text", [
    "The two governments had aimed for 30 billion dollars of trade by 2025.",
    "In 2014 the two sides agreed to try to raise their trade to $5 billion.",
    "China and Russia now want bilateral trade to grow to $250 billion.",
    "The number of tourists is expected to reach 6 million next year.",
])
def test_targets_are_not_facts(text: str) -> None:
    claims = extract(text, as_of=AS_OF)
    assert claims and all(c.not_a_fact for c in claims)


@pytest.mark.parametrize(("text", "measure"), [
    ("Pakistanis in Saudi Arabia send home $5.8 billion a year in remittances.",
     "remittances"),
    ("India and Bangladesh share a border of 4,096 kilometres.", "border"),
    ("About 4.4 million Russians visited Turkey in 2014 as tourists.", "tourists"),
    ("Afghan transit trade worth $33 billion used to pass through Torkham.", "transit"),
])
def test_out_of_scope_claims_are_found(text: str, measure: str) -> None:
    found = extract(text, as_of=AS_OF)
    assert found and any(measure in (c.measure or "") for c in found)


def test_dateline() -> None:
    assert dateline("ISLAMABAD, February 7, 2022: the visit") == datetime.date(2022, 2, 7)
    assert dateline("Published 23 April 2023. Trade grew.") == datetime.date(2023, 4, 23)
    assert dateline("date 2019-08-27 Turkey and Russia") == datetime.date(2019, 8, 27)
    assert dateline("Trade grew in 2021 and again in March 2022.") is None
    assert dateline("x" * 400 + " 1 May 2020") is None


# -- sectors: part of the trade, never the total -------------------------------------------
@pytest.mark.parametrize(("text", "kind", "sector"), [
    ("Turkey's defence and aviation exports reached $2.5 billion in 2021.", "other",
     "defence and aviation exports"),
    ("Pakistan's rice exports to Russia rose to $150 million in 2021.", "other",
     "rice exports"),
    ("India's IT exports were $150 billion in 2021.", "other", "IT exports"),
    ("India's engineering exports to Bangladesh rose to $2.65 billion in 2019.", "other",
     "engineering exports"),
    ("Russia is a big market, and it exports $2.5 billion a year to Turkey.", "trade", None),
    ("Pakistan's exports to Russia rose to $150 million in 2021.", "trade", None),
    ("Pakistan's textile exports to Russia were $50 million in 2018.", "trade", None),
])
def test_sector_exports_are_not_read_as_total_trade(text: str, kind: str,
                                                    sector: str | None) -> None:
    claims = [c for c in extract(text, as_of=AS_OF) if c.kind in ("trade", "other")]
    assert [c.kind for c in claims] == [kind]
    if sector is not None:
        assert claims[0].measure.startswith(sector)


@pytest.mark.parametrize("text", [
    "Informal trade between India and Pakistan is put at $4.7 billion a year.",
    "Unofficial trade through third countries reached $3 billion in 2016.",
])
def test_informal_trade_is_out_of_scope(text: str) -> None:
    claims = extract(text, as_of=AS_OF)
    assert [c.kind for c in claims] == ["money"]


@pytest.mark.parametrize(("text", "group"), [
    ("Germany is China's largest trading partner in the European Union.", "EU"),
    ("Germany is China's largest trading partner in the EU.", "EU"),
    ("India is Nepal's largest trading partner among SAARC countries.", "SAARC"),
    ("Singapore is India's largest trading partner in South East Asia.", "ASEAN"),
    ("China is Germany's largest trading partner.", None),
])
def test_rank_within_a_group(text: str, group: str | None) -> None:
    (claim,) = parse(text, "rank")
    assert claim.group == group
