"""Verification of the claim kinds beyond trade values, on a hand-made store.

Every row below is typed here and every expected verdict follows from those rows by hand
(noted beside each case). Flows are "comtrade_totals" rows, so each is its exporter's own
report, as in UN Comtrade.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from amity import cli
from amity._contract import Dataset, ParseResult
from amity._exceptions import InputError
from amity.claims import check
from amity.sources.engagements import read_timeline
from amity.store import Store

B, M = 1e9, 1e6
# India's partners in 2021, exports and imports as each exporter reports them (billions):
# China 20 + 90 = 110, United States 67 + 38 = 105, UAE 25 + 25 = 50, Russia 3 + 9 = 12
FLOWS_2021 = [("IND", "CHN", 20), ("CHN", "IND", 90), ("IND", "USA", 67), ("USA", "IND", 38),
              ("IND", "ARE", 25), ("ARE", "IND", 25), ("IND", "RUS", 3), ("RUS", "IND", 9)]
# India-Russia totals 2018-2021: 10, 10.5, 8, 12 (India's exports a quarter of each)
IND_RUS = {2018: 10.0, 2019: 10.5, 2020: 8.0, 2021: 12.0}
TIMELINE = """date,a,b,kind,title,level,source_publisher,source_title,source_date,source_url,notes
1999-04,PAK,RUS,visit,Prime Minister Nawaz Sharif visits Moscow,head_of_government,T,T,n.d.,,
2022-02-23,PAK,RUS,visit,Prime Minister Imran Khan visits Moscow,head_of_government,T,T,n.d.,,
"""


def _fake(source: str, tables: dict[str, pd.DataFrame],
          release: str = "t") -> tuple[Dataset, ParseResult]:
    ds = Dataset(source=source, release=release, title=f"fake {source}", publisher="tests",
                 citation=f"fake {source}", licence="", homepage="", files=(),
                 parse=lambda paths, mode: ParseResult({}), tables=tuple(tables))
    return ds, ParseResult(tables)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    tmp = tmp_path_factory.mktemp("kinds")
    s = Store(tmp / "s.duckdb")
    rows = [(2021, a, b, v * B) for a, b, v in FLOWS_2021 if "RUS" not in (a, b)]
    rows += [(y, "IND", "RUS", t / 4 * B) for y, t in IND_RUS.items()]
    rows += [(y, "RUS", "IND", t * 3 / 4 * B) for y, t in IND_RUS.items()]
    dyadic = pd.DataFrame(rows, columns=["year", "exporter", "importer", "value_usd"])
    national = pd.DataFrame([(2021, "IND", 400 * B, None)],
                            columns=["year", "iso3", "exports_usd", "imports_usd"])
    s.ingest(*_fake("comtrade_totals", {"trade_dyadic": dyadic, "trade_national": national}),
             hashes={})
    res = pd.DataFrame([
        ("GA", "A/RES/ES-11/7", pd.Timestamp("2025-02-24").date(), 2025,
         "Advancing a comprehensive, just and lasting peace in Ukraine", 93, 18, 65, 17, "u1"),
        ("SC", "S/RES/2774(2025)", pd.Timestamp("2025-02-24").date(), 2025,
         "Security Council resolution 2774 (2025) [on the conflict between Ukraine and the "
         "Russian Federation]", 10, 0, 5, 0, "u2")],
        columns=["body", "symbol", "date", "year", "title", "yes", "no", "abstain",
                 "non_voting", "record_url"])
    votes = pd.DataFrame([("GA", "A/RES/ES-11/7", c, v) for c, v in (
        ("IND", "abstain"), ("CHN", "abstain"), ("USA", "no"), ("RUS", "no"))]
        + [("SC", "S/RES/2774(2025)", c, "yes") for c in ("CHN", "USA")],
        columns=["body", "symbol", "iso3", "vote"])
    s.ingest(*_fake("undl", {"un_resolutions": res, "un_resolution_votes": votes}), hashes={})
    # WDI: GDP (billions) and population (millions), 2015-2016; ranks among these four
    macro = pd.DataFrame([(y, c, g * B, p * M) for y, c, g, p in (
        (2015, "PAK", 300, 217), (2016, "PAK", 314, 220), (2016, "IND", 2300, 1340),
        (2016, "CHN", 11200, 1388), (2016, "USA", 18800, 324), (2015, "IND", 2100, 1320),
        (2015, "CHN", 11000, 1380), (2015, "USA", 18200, 320))],
        columns=["year", "iso3", "gdp_usd", "population"])
    s.ingest(*_fake("wdi", {"macro": macro}), hashes={})
    migration = pd.DataFrame([(2019, "IND", "ARE", 3.42e6), (2019, "PAK", "SAU", 1.45e6)],
                             columns=["year", "origin", "destination", "stock"])
    s.ingest(*_fake("migration", {"migration": migration}), hashes={})
    # SIPRI TIV delivered to India: 2012-16 Russia 700, France 30, others 270 (70 %);
    # 2017-21 Russia 460, France 400, USA 140 (46 %), one year in each block
    tiv = pd.DataFrame([(2014, "RUS", "IND", 700.0), (2014, "FRA", "IND", 30.0),
                        (2014, "ISR", "IND", 270.0), (2021, "RUS", "IND", 460.0),
                        (2021, "FRA", "IND", 400.0), (2021, "USA", "IND", 140.0)],
                       columns=["year", "supplier", "recipient", "tiv"])
    s.ingest(*_fake("sipri", {"arms_transfers": tiv}, release="processed"), hashes={})
    deal = {c: None for c in ("deal", "supplier", "recipient", "supplier_name",
                              "recipient_name", "order_year", "order_year_uncertain",
                              "number_ordered", "number_ordered_uncertain", "designation",
                              "description", "number_delivered", "number_delivered_uncertain",
                              "delivery_years", "status", "comments", "tiv_unit", "tiv_order",
                              "tiv_delivered")}
    deal.update(deal=1, supplier="RUS", recipient="IND", supplier_name="Russia",
                recipient_name="India", order_year=2018, order_year_uncertain=False,
                number_ordered=10.0, designation="S-400 Triumf", description="SAM system",
                delivery_years="2021; 2022", status="New",
                comments="INR390 b ($5.4 b) deal", tiv_unit=65.0, tiv_order=650.0)
    s.ingest(*_fake("sipri", {"arms_deals": pd.DataFrame([deal])}, release="register"),
             hashes={})
    path = tmp / "tl.csv"
    path.write_text(TIMELINE, encoding="utf-8")
    s.ingest(*_fake("timeline", {"engagements": read_timeline(path)}), hashes={})
    return s


def verdict(store: Store, text: str, date: str = "2022-05-01") -> tuple[str, str]:
    report = check(text, store=store, date=date)
    assert report.results, text
    worst = sorted(report.results, key=lambda r: ("contradicted", "disputed", "supported",
                                                  "approximately", "not_a_fact",
                                                  "unverifiable").index(r.verdict))[0]
    return worst.verdict, worst.reason


@pytest.mark.parametrize(("text", "want"), [
    ("Russia was India's fourth-largest trading partner in 2021.", "supported"),
    ("Russia is India's largest trading partner.", "contradicted"),  # 12 v 110 (2021)
    ("The UAE is India's second-largest trading partner.", "contradicted"),  # 50 v 105
    ("The United States is India's largest trading partner.", "approximately"),  # 105 v 110
    ("India's trade deficit with China was 70 billion dollars in 2021.", "supported"),
    # China's report of its exports, read 1.5x lower, gives a deficit of 40: not contradicted
    ("India's trade deficit with China was 40 billion dollars in 2021.", "unverifiable"),
    ("India's trade deficit with China was 10 billion dollars in 2021.", "contradicted"),
    ("India sells far more goods to China than it buys from it.", "contradicted"),
    ("About one-fifth of all Indian exports go to the United States.", "approximately"),
    ("India-Russia trade averaged 10 billion dollars a year between 2018 and 2021.",
     "supported"),  # 10.125
    ("Trade between India and Russia has been rising steadily since 2018.", "approximately"),
    ("India-Russia trade was 9.5 billion dollars in 2019-20.", "approximately"),  # 10.5 / 8
    ("Trade between India and Russia was 12 billion dollars last year.", "supported"),
    ("India-Russia trade exceeded 11 billion dollars in 2021.", "supported"),
    ("India-Russia trade was nearly 13 billion dollars in 2021.", "supported"),
    ("Between April and December 2021 India and Russia traded $9 billion.", "unverifiable"),
])
def test_trade_kinds(store: Store, text: str, want: str) -> None:
    assert verdict(store, text)[0] == want, verdict(store, text)


@pytest.mark.parametrize(("text", "want"), [
    ("The General Assembly adopted the Ukraine resolution by 93 votes to 18 with 65 "
     "abstentions.", "supported"),
    ("The General Assembly adopted the Ukraine resolution by 95 votes to 18.", "approximately"),
    ("The General Assembly adopted the Ukraine resolution by 141 votes to 5.", "contradicted"),
    ("India and China abstained on the General Assembly's Ukraine resolution.", "supported"),
    ("China voted against the General Assembly's Ukraine resolution.", "contradicted"),
    ("65 countries abstained on the UN resolution on Ukraine.", "supported"),
])
def test_votes(store: Store, text: str, want: str) -> None:
    assert verdict(store, text, date="2025-02-25")[0] == want


def test_votes_outside_the_table_years_are_unverifiable(store: Store) -> None:
    v, why = verdict(store, "India abstained on the General Assembly resolution on Ukraine "
                            "on 2 March 2022.", date="2022-03-03")
    assert v == "unverifiable" and "cover 2025-02-24 to 2025-02-24 only" in why


@pytest.mark.parametrize(("text", "date", "want"), [
    ("Pakistan's GDP was 300 billion dollars in 2015.", "2017-02-01", "supported"),
    ("Pakistan's GDP was 250 billion dollars in 2015.", "2017-02-01", "contradicted"),
    ("Pakistan has a population of about 200 million.", "2017-02-01", "supported"),  # +8.5 %
    ("Pakistan is the world's fourth most populous country.", "2017-02-01", "supported"),
    ("Pakistan is the world's second-largest economy.", "2017-02-01", "contradicted"),
    ("The IMF says Pakistan's GDP grew 5 percent.", "2017-02-01", "unverifiable"),
    ("About 3.5 million Indians live in the United Arab Emirates.", "2021-01-01", "supported"),
    ("Around 8 million Indians live in the United Arab Emirates.", "2021-01-01",
     "contradicted"),  # 3.42 M: less than half
    ("About two million Pakistanis work in Saudi Arabia.", "2021-01-01", "unverifiable"),
    ("Russia's share of India's arms imports fell from 70% in 2012-16 to 46% in 2017-21.",
     "2022-03-15", "supported"),
    ("France was India's second-largest arms supplier in 2017-21.", "2022-03-15",
     "supported"),
    ("India signed a 5 billion dollar deal to buy Russia's S-400 system in October 2018.",
     "2018-10-06", "approximately"),  # SIPRI: $5.4 b
    ("Imran Khan is the first Pakistani prime minister to visit Russia in 23 years.",
     "2022-02-23", "supported"),
    ("Imran Khan is the first Pakistani prime minister to visit Russia in 30 years.",
     "2022-02-23", "contradicted"),  # a visit in 1999, inside the 30 years
])
def test_other_kinds(store: Store, text: str, date: str, want: str) -> None:
    assert verdict(store, text, date)[0] == want, verdict(store, text, date)


def test_relative_time_without_a_date(store: Store) -> None:
    report = check("Trade between India and Russia was 12 billion dollars last year.",
                   store=store)
    r = report.results[0]
    assert r.verdict == "unverifiable" and "relative time" in r.reason
    assert report.date is None and report.date_from == "none"
    assert any("no date for the text" in n for n in report.notes)


def test_date_from_the_text_and_given(store: Store) -> None:
    text = "NEW DELHI, March 1, 2022. Trade between India and Russia was $12 billion last year."
    report = check(text, store=store)
    assert report.date_from == "text" and report.results[-1].verdict == "supported"
    assert check(text, store=store, date="2019-06-01").to_dict()["date"] == "2019-06-01"
    with pytest.raises(InputError, match="not a date"):
        check(text, store=store, date="March 2022")


def test_cli_date_option(store: Store, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    class Shared:
        def __enter__(self) -> Store:
            return store

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setattr("amity.store._store.open_store", lambda read_only=True: Shared())
    text = tmp_path / "a.txt"
    text.write_text("Trade between India and Russia was $12 billion last year.",
                    encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["check", str(text), "--date", "2022-03-01",
                                          "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["date"] == "2022-03-01" and body["claims"][0]["verdict"] == "supported"


@pytest.mark.parametrize(("outcomes", "fiscal", "want"), [
    (["contradicted", "contradicted"], True, "contradicted"),
    (["contradicted", "inconclusive"], True, "inconclusive"),  # half the fiscal year unknown
    (["supported", "inconclusive"], True, "approximately"),
    (["contradicted", "inconclusive"], False, "contradicted"),  # calendar years: each decides
    (["inconclusive"], False, "inconclusive"),
])
def test_rank_outcomes_over_years(outcomes: list[str], fiscal: bool, want: str) -> None:
    from dataclasses import replace

    from amity.claims import extract
    from amity.claims._rank import _combine

    claim = replace(extract("Saudi Arabia is India's fourth-largest trading partner in "
                            "2021.", as_of=datetime.date(2023, 1, 1))[0], fiscal=fiscal)
    assert _combine(outcomes, claim) == want


def test_fiscal_year_rank_needs_both_calendar_years(store: Store) -> None:
    """2021 ranks Russia 4th of India's partners (12 v 110 at the top); the store has no
    2022 flows, so "largest in 2021-22" cannot be contradicted by 2021 alone."""
    assert verdict(store, "Russia was India's largest trading partner in 2021.")[0] == \
        "contradicted"
    got, reason = verdict(store, "Russia was India's largest trading partner in 2021-22.")
    assert got == "unverifiable" and "fiscal year" in reason


def test_a_reading_that_agrees_keeps_a_claim_from_contradicted(tmp_path: Path) -> None:
    """COW (importer-reported) puts BRA-CHN 2008 at 54.4B; WITS, shown for comparison,
    at 36.6B. A claim of 36.44B is then disputed, never contradicted; with OTS as the
    agreeing reading instead (levels known to run high) it stays contradicted."""
    from amity.claims import extract
    from amity.claims._judge import judge_numeric
    from amity.claims._sources import Series
    from amity.claims.context import Context

    claim = extract("Trade between Brazil and China was $36.44 billion in 2008.",
                    as_of=datetime.date(2009, 5, 1))[0]
    with Store(tmp_path / "s.duckdb") as s:
        ctx = Context(s, as_of=datetime.date(2009, 5, 1))
        cow = Series("cow_trade", "4.0", {2008: 54.4e9}, "total trade")
        for other, want in (("wits", "disputed"), ("ots", "contradicted")):
            second = Series(other, "r", {2008: 36.6e9}, "total trade")
            result = judge_numeric(ctx, claim, [cow, second], "q")
            assert result.verdict == want, (other, result.reason)


@pytest.mark.parametrize("text", [
    "Russian arms deliveries to India fell by 34% between 2012-2016 and 2017-2021.",
    "Arms deliveries from Russia to India fell by 34% between 2012-16 and 2017-21.",
])
def test_arms_change_between_blocks_for_one_supplier(store: Store, text: str) -> None:
    """Russia to India: 700 TIV (2014) then 460 (2021): -34.3%, one supplier's series, not
    India's imports from everyone (1,000 -> 1,000) nor Russia's imports."""
    got, reason = verdict(store, text)
    assert got == "supported", reason
    assert "700" in reason and "460" in reason
