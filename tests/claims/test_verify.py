"""Claim verification on a hand-made store with known answers, and on the real mirror.

The tiny store is built through ``Store.ingest`` with fake datasets whose rows are typed
here; every expected verdict and number follows from those rows by hand (noted beside
each case). The mirror tests recompute their spot values from the raw files with the
csv module.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

import amity
from amity._contract import Dataset, ParseResult
from amity.claims import check, render_html
from amity.sources.engagements import read_timeline
from amity.store import Store
from tests.conftest import DATA, MIRROR

M, B = 1e6, 1e9
ARTICLE = MIRROR.parent / "examples" / "pakistan-russia-strategic-imperatives.txt"


def _fake(source: str, tables: dict[str, pd.DataFrame]) -> tuple[Dataset, ParseResult]:
    ds = Dataset(source=source, release="t", title=f"fake {source}", publisher="tests",
                 citation=f"fake {source} for tests", licence="", homepage="", files=(),
                 parse=lambda paths, mode: ParseResult({}), tables=tuple(tables))
    return ds, ParseResult(tables)


def _flows(rows: list[tuple[int, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "value_usd"])


def _national(years: range) -> pd.DataFrame:
    return pd.DataFrame([(y, c, 10 * B, 20 * B) for y in years for c in ("PAK", "RUS")],
                        columns=["year", "iso3", "exports_usd", "imports_usd"])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store(tmp_path_factory.mktemp("claims") / "s.duckdb")
    # COW (importer-reported): totals 2001-2005 = 700, 610, 545, 370, 500 (millions)
    cow = [(2001, "PAK", "RUS", 200 * M), (2001, "RUS", "PAK", 500 * M),
           (2002, "PAK", "RUS", 110 * M), (2002, "RUS", "PAK", 500 * M),
           (2003, "PAK", "RUS", 45 * M), (2003, "RUS", "PAK", 500 * M),
           (2004, "PAK", "RUS", 70 * M), (2004, "RUS", "PAK", 300 * M),
           (2005, "PAK", "RUS", 100 * M), (2005, "RUS", "PAK", 400 * M)]
    s.ingest(*_fake("cow_trade", {"trade_dyadic": _flows(cow),
                                  "trade_national": _national(range(2001, 2006))}), hashes={})
    # DOTS (exporter-reported): 2005 total 700 million
    s.ingest(*_fake("dots", {"trade_dyadic": _flows([(2005, "PAK", "RUS", 150 * M),
                                                     (2005, "RUS", "PAK", 550 * M)]),
                             "trade_national": _national(range(2005, 2006))}), hashes={})
    # OTS: 2005 total 650, 2006 total 800; textiles imports of the EAEU five in 2018
    ots_flows = _flows([(2005, "PAK", "RUS", 150 * M), (2005, "RUS", "PAK", 500 * M),
                        (2006, "PAK", "RUS", 300 * M), (2006, "RUS", "PAK", 500 * M)])
    textiles = pd.DataFrame(
        [(2018, iso, "import", "Textiles", "ots_community", v) for iso, v in
         (("RUS", 10 * B), ("BLR", 2 * B), ("KAZ", 3 * B), ("KGZ", 1 * B), ("ARM", 0.5 * B))]
        + [(2019, iso, "import", p, "wto_group", v) for iso, p, v in
           (("RUS", "MATE", 3 * B), ("RUS", "MACL", 6 * B), ("BLR", "MATE", 1 * B),
            ("BLR", "MACL", 1 * B), ("KAZ", "MATE", 0.5 * B), ("KAZ", "MACL", 0.3 * B),
            ("KGZ", "MATE", 0.1 * B), ("KGZ", "MACL", 0.05 * B), ("ARM", "MATE", 0.03 * B),
            ("ARM", "MACL", 0.02 * B))],
        columns=["year", "iso3", "flow", "product", "classification", "value_usd"])
    s.ingest(*_fake("ots", {"trade_dyadic": ots_flows,
                            "trade_national": _national(range(2005, 2007)),
                            "trade_country_products": textiles[textiles.year == 2018]}),
             hashes={})
    s.ingest(*_fake("wto", {"trade_country_products": textiles[textiles.year == 2019]}),
             hashes={})
    # UN votes 2000: same vote on 3 of 4 roll calls (yes/yes, yes/no, no/no, abstain/abstain)
    votes = pd.DataFrame([(r, c, v, 55, 2000) for r, (p, q) in enumerate(
        [("yes", "yes"), ("yes", "no"), ("no", "no"), ("abstain", "abstain")], start=1)
        for c, v in (("PAK", p), ("RUS", q))],
        columns=["rcid", "iso3", "vote", "session", "year"])
    s.ingest(*_fake("unvotes", {"un_votes": votes}), hashes={})
    # COW IGO: Russia a full SCO member 2001-2014; both states covered 2000-2014
    igo = pd.DataFrame([("sco", "RUS", y, "full") for y in range(2001, 2015)],
                       columns=["igo", "iso3", "year", "status"])
    states = pd.DataFrame([(c, y) for c in ("PAK", "RUS") for y in range(2000, 2015)],
                          columns=["iso3", "year"])
    s.ingest(*_fake("cow_igo", {"igo_membership": igo, "igo_state_years": states}), hashes={})
    s.ingest(*_fake("timeline", {"engagements": read_timeline(DATA / "claims" /
                                                              "timeline.csv")}), hashes={})
    return s


def one(store: Store, text: str):
    report = check(text, pair=("PAK", "RUS"), store=store)
    assert len(report.results) == 1, [r.claim.text for r in report.results]
    return report.results[0]


def test_series_finds_the_best_run(store: Store) -> None:
    r = one(store, "In previous years, the bilateral trade was at $600 million, which reduced "
                   "to $540 million and further to $369 million in later years.")
    # COW 2002-2004 = 610, 545, 370: +1.67 %, +0.93 %, +0.27 %, each within rounding
    assert r.verdict == "supported"
    cow = next(f for f in r.fit if f["source"] == "cow_trade")
    assert cow["years"] == [2002, 2003, 2004]
    assert cow["values"] == [610 * M, 545 * M, 370 * M]
    assert cow["errors"] == [0.0167, 0.0093, 0.0027]
    assert cow["mean_abs_error"] == round((10 / 600 + 5 / 540 + 1 / 369) / 3, 4)
    # DOTS and OTS hold too few years for a three-year run: no verdict from them
    assert {e.source for e in r.evidence if e.outcome == "inconclusive"} == {"dots", "ots"}


def test_sources_disagree_is_disputed(store: Store) -> None:
    r = one(store, "Bilateral trade between Pakistan and Russia was $500 million in 2005.")
    # COW (importer-reported) 500 → supported; DOTS (exporter-reported) 700 → +40 %
    assert r.verdict == "disputed"
    got = {(e.source, e.year): (e.value, e.outcome) for e in r.evidence}
    assert got[("cow_trade", 2005)] == (500 * M, "supported")
    assert got[("dots", 2005)] == (700 * M, "contradicted")
    assert got[("ots", 2005)] == (650 * M, "context")  # OTS levels: comparison only
    assert "OTS levels run" in r.reason


def test_ots_alone_decides_with_its_caveat(store: Store) -> None:
    # OTS alone: at best approximately (its levels run high), and it never contradicts
    r = one(store, "Bilateral trade was $800 million in 2006.")
    assert r.verdict == "approximately" and "OTS levels run 20-50% high" in r.reason
    r = one(store, "Bilateral trade was $400 million in 2006.")
    assert r.verdict == "unverifiable" and "never contradicts" in r.reason


def test_missing_data_is_unverifiable_never_contradicted(store: Store) -> None:
    r = one(store, "Bilateral trade was $2 billion in 1990.")
    assert r.verdict == "unverifiable"
    assert "no source has a value" in r.reason


@pytest.mark.parametrize(("text", "verdict"), [
    ("Pakistan's exports to Russia were $110 million in 2002.", "supported"),  # COW 110
    ("Bilateral trade was $650 million in 2001.", "approximately"),  # COW 700: +7.7 %
    ("Bilateral trade was $1.2 billion in 2003.", "contradicted"),  # COW 545: -54.6 %
    ("Bilateral trade was over $600 million in 2001.", "supported"),  # 700 > 600
    ("Bilateral trade was under $600 million in 2001.", "contradicted"),  # 700: +16.7 %
    ("Bilateral trade was between $500 and $560 million in 2003.", "supported"),  # 545
    ("Bilateral trade could reach $2 billion by 2025.", "not_a_fact"),
    ("The deal is worth Rs 5 billion.", "unverifiable"),
    ("Pakistan and Russia voted the same way on 75% of UN votes in 2000.", "supported"),
    ("Pakistan and Russia voted the same way on 90% of UN votes in 2000.", "contradicted"),
    ("Bilateral trade fell by 35% in 2004.", "approximately"),  # 545 → 370: -32.1 %
])
def test_numeric_verdicts(store: Store, text: str, verdict: str) -> None:
    assert one(store, text).verdict == verdict


def test_group_product_imports(store: Store) -> None:
    text = ("Russian population, together with the neighboring countries, imports textiles "
            "and garments, worth over {} billion.")
    r = one(store, text.format("$15"))
    # OTS 2018: 10 + 2 + 3 + 1 + 0.5 = 16.5 bn > 15 → supported; WTO's textiles +
    # clothing (narrower than HS 50-63) 2019 = 12.0 bn: a lower bound, inconclusive
    assert r.verdict == "supported"
    got = {e.source: (e.year, e.value, e.outcome) for e in r.evidence if e.outcome != "context"}
    assert got["ots"] == (2018, 16.5 * B, "supported")
    assert got["wto"] == (2019, pytest.approx(12.0 * B), "inconclusive")
    assert "ARM, BLR, KAZ, KGZ, RUS" in r.query
    assert one(store, text.format("$20")).verdict == "contradicted"  # 16.5 < 18


@pytest.mark.parametrize(("text", "verdict", "why"), [
    ("Both countries are also members of Shanghai Cooperation Organization.", "supported",
     "timeline: member 2017"),
    ("Pakistan was a member of the SCO in 2010.", "contradicted", "not a member 2000-2014"),
    ("Russia joined the SCO in 2001.", "supported", "first year 2001"),
    ("Pakistan is a member of the OIC.", "unverifiable", "PAK: COW IGO not a member"),
])
def test_membership(store: Store, text: str, verdict: str, why: str) -> None:
    r = one(store, text)
    assert (r.verdict, why in r.reason) == (verdict, True), r.reason


@pytest.mark.parametrize(("text", "verdict"), [
    ("President Ayub Khan twice visited Moscow during the 1960s.", "supported"),
    ("President Ayub Khan visited Moscow three times during the 1960s.", "unverifiable"),
    ("President Ayub Khan visited Moscow once during the 1960s.", "approximately"),
    ("Premier Kosygin paid a visit to Pakistan in 1968.", "supported"),
    ("President Zardari visited Moscow in 1990.", "unverifiable"),
    ("Pakistan and Russia signed a trade agreement in 1965.", "supported"),
    ("Pakistan and Russia signed trade and cultural agreements in the 1960s.", "unverifiable"),
    # the foundation stone was laid on that date, the opening came years later: half right
    ("The inauguration of the Pakistan Steel Mill on December 30, 1973 was a milestone.",
     "approximately"),
    ("Pakistan Steel Mills was inaugurated on 30 June 1990.", "contradicted"),
    ("Pakistan Steel Mills was inaugurated on 15 January 1985.", "supported"),
    ("Pakistan Steel Mills was inaugurated on 17 January 1985.", "approximately"),
])
def test_engagements(store: Store, text: str, verdict: str) -> None:
    assert one(store, text).verdict == verdict


def test_steel_mill_reason_names_both_events(store: Store) -> None:
    r = one(store, "The inauguration of the Pakistan Steel Mill on December 30, 1973.")
    assert "1985-01-15" in r.reason and "1973-12-30 (Foundation stone" in r.reason
    assert r.reason.startswith("right date, related event")


def test_trade_values_equal_the_profile_rows(store: Store) -> None:
    """The claim checker reads the same numbers as amity.profile(all_sources=True)."""
    p = amity.profile("PAK", "RUS", all_sources=True, store=store)
    rows = p.rows[(p.rows.indicator == "trade_total_usd") & p.rows.value.notna()]
    from_profile = {(r.source, int(r.year)): float(r.value) for r in rows.itertuples()}
    r = one(store, "Bilateral trade was $500 million in 2005.")
    for e in r.evidence:
        assert from_profile[(e.source, e.year)] == e.value


def test_json_schema_and_html(store: Store) -> None:
    text = ("Bilateral trade was $500 million in 2005. Both countries are members of the SCO. "
            "Trade could reach $2 billion.")
    report = check(text, pair=["Pakistan", "Russia"], store=store)
    data = json.loads(report.to_json())
    assert data["schema"] == "amity.claims/1" and data["pair"] == ["PAK", "RUS"]
    assert data["counts"] == {"supported": 1, "approximately": 0, "disputed": 1,
                              "contradicted": 0, "unverifiable": 0, "not_a_fact": 1}
    first = data["claims"][0]
    assert set(first) == {"id", "kind", "verdict", "reason", "query", "span", "sentence",
                          "parse", "evidence", "fit"}
    assert text[first["span"]["start"]:first["span"]["end"]] == first["span"]["text"]
    assert first["parse"]["amounts"][0]["value"] == 500 * M
    page = render_html(report)
    assert page.count('class="card"') == 3 and 'id="span-c1"' in page
    assert "<script" not in page and "<link" not in page and "src=" not in page


def test_cli_check_json(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from amity import cli

    class Shared:  # the module's store, which check() must not close
        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        def close(self) -> None:
            pass

        def __enter__(self) -> Shared:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setattr("amity.store._store.open_store", lambda read_only=True: Shared())
    text = tmp_path / "a.txt"
    text.write_text("Bilateral trade was $800 million in 2006.", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli.app, ["check", str(text), "--pair", "PAK", "RUS",
                                     "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["claims"][0]["verdict"] == "approximately"  # OTS alone
    page = tmp_path / "out.html"
    result = runner.invoke(cli.app, ["check", "-", "--format", "html", "--out", str(page)],
                           input="Pakistan and Russia: bilateral trade was $800 million in "
                                 "2006.")
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = runner.invoke(cli.app, ["check", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1 and "cannot read" in str(result.exception)


# -- the real mirror ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Store:
    if not MIRROR.is_dir():
        pytest.skip(f"the data mirror is not at {MIRROR}")
    from amity.ingest import setup

    s = Store(tmp_path_factory.mktemp("claims_real") / "s.duckdb")
    setup(s, mirror=MIRROR, sources=["cow_trade", "cow_igo", "timeline", "wto"])
    return s


def _cow_total(years: list[int]) -> list[float]:
    """PAK (770)-RUS (365) total trade from the raw COW dyadic file: flow1 + flow2."""
    out = {}
    with gzip.open(MIRROR / "cow_trade" / "cow_trade_ddy.csv.gz", "rt", newline="") as fh:
        header = next(csv.reader([fh.readline()]))
        assert header[:5] == ["ccode1", "ccode2", "year", "flow1", "flow2"]
        for line in fh:
            if line.startswith("365,770,"):  # the rows of this dyad, before parsing
                row = next(csv.reader([line]))
                if int(row[2]) in years:
                    out[int(row[2])] = (float(row[3]) + float(row[4])) * 1e6
    return [out[y] for y in years]


@pytest.mark.mirror
def test_article_on_the_real_mirror(real: Store) -> None:
    if not ARTICLE.exists():
        pytest.skip(f"the flagship article is not at {ARTICLE}")
    report = check(ARTICLE.read_text(encoding="utf-8"), store=real)
    verdicts = {r.claim.kind + ":" + r.claim.text[:25]: r.verdict for r in report.results}
    assert report.pair == ("PAK", "RUS") and report.pair_from == "text"
    assert list(verdicts.values()) == ["supported", "supported", "supported", "approximately",
                                       "supported", "approximately", "unverifiable"]
    series = report.results[5]
    cow = next(f for f in series.fit if f["source"] == "cow_trade")
    assert cow["years"] == [2008, 2009, 2010]
    assert cow["values"] == _cow_total([2008, 2009, 2010])
    # no OTS in this store: the textile claim has only WTO's narrower measure
    assert "narrower" in report.results[6].reason
