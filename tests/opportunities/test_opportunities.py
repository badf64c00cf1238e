"""Trade opportunities, regions and the trade indices.

The hand-made store (tests/data/opportunities) has 3 exporters (PAK, CHN, TUR) × 2 markets
(RUS, KAZ) × 3 products (Textiles, Food, Metals), 2018, with these world totals
(``totals.csv``)::

    exports   Textiles  Food  Metals  total          imports   Textiles  Food  Metals
    PAK             60    30      10    100          RUS            200   100     100
    CHN            240    60     300    600          KAZ            100    15*     50
    TUR            100   110      90    300
    world          400   200     400   1000          * flows into KAZ sum to 20 > 15

and the flows by partner of ``flows.csv`` (PAK→RUS: Textiles 10, Metals 5; PAK→KAZ:
Textiles 20, Food 10; ...). Every expected value below is worked out by hand in the
comments.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import amity
from amity._contract import Dataset, ParseResult
from amity._exceptions import InputError, MissingDataError, SourceFormatError
from amity.indicators.economic import trade_indices_dyadic
from amity.indicators.products import group_of
from amity.opportunities import opportunity_table, top_opportunities
from amity.regions import find_region, load_regions, members
from amity.store import Store
from tests.conftest import DATA

FX = DATA / "opportunities"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(FX / name, dtype={"product": str})


def _dataset(source: str, tables: tuple[str, ...]) -> Dataset:
    return Dataset(source=source, release="hand", title=f"{source} fixture", publisher="tests",
                   citation="hand-made", licence="CC0", homepage="", files=(),
                   parse=lambda paths, on_bad_lines: ParseResult({}), tables=tables,
                   caveats=(f"{source} is a hand-made fixture",))


def build(path: Path) -> Store:
    """The hand-made store: sources fx (groups), fxhs (HS6 codes), fxna (sparse flows)."""
    store = Store(path)
    fx = {"trade_products": _read("flows.csv"), "trade_country_products": _read("totals.csv"),
          "trade_national": _read("national.csv"), "trade_dyadic": _read("dyadic.csv")}
    for source, tables in (("fx", fx),
                           ("fxhs", {"trade_products": _read("hs_flows.csv")}),
                           ("fxna", {"trade_products": _read("unknown_flows.csv")})):
        store.ingest(_dataset(source, tuple(tables)), ParseResult(tables), hashes={})
    return store


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = build(tmp_path / "s.duckdb")
    yield s
    s.close()


def row(frame: pd.DataFrame, product: str) -> pd.Series:
    return frame.set_index("product").loc[product]


# -- regions --------------------------------------------------------------------------
def test_packaged_regions_follow_membership_by_year() -> None:
    assert members("EAEU", 2014) == ["BLR", "KAZ", "RUS"]
    assert members("eaeu", 2015) == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert "PAK" not in members("SCO", 2016) and {"IND", "PAK"} <= set(members("SCO", 2017))
    assert "IRN" not in members("SCO", 2022) and "IRN" in members("SCO", 2023)
    assert "BLR" not in members("SCO", 2023) and len(members("SCO", 2024)) == 10
    assert len(members("EU", 2003)) == 15 and len(members("EU", 2004)) == 25
    assert len(members("EU", 2007)) == 27 and len(members("EU", 2013)) == 28
    assert "GBR" in members("EU", 2019) and len(members("EU", 2020)) == 27
    assert "AFG" not in members("SAARC", 2006) and len(members("SAARC", 2007)) == 8
    assert members("GCC", 2018) == ["ARE", "BHR", "KWT", "OMN", "QAT", "SAU"]
    assert len(members("ASEAN", 2018)) == 10


def test_user_regions_add_and_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    path = FX / "regions.csv"
    assert members("TESTREG", 2018, path) == ["KAZ", "RUS"]  # "Kazakhstan" resolved
    assert members("TESTREG", 2005, path) == ["RUS"]
    assert members("EAEU", 2018, path) == ["RUS"]  # the user's EAEU replaces amity's
    assert find_region("TESTREG") is None
    monkeypatch.setenv("AMITY_REGIONS", str(path))
    assert find_region("testreg") == "TESTREG"
    assert "SCO" in set(load_regions()["region"])


def test_bad_regions_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "r.csv"
    bad.write_text("region,iso3,from_year,to_year,source\nX,RUS,2010,,ok\nX,Atlantis,,,no\n")
    with pytest.raises(SourceFormatError, match=r"r\.csv:3.*iso3"):
        load_regions(bad)
    bad.write_text("region,iso3,from_year,to_year,source\nX,RUS,2019,2010,swapped\n")
    with pytest.raises(SourceFormatError, match=r"r\.csv:2.*after"):
        load_regions(bad)
    with pytest.raises(InputError, match="unknown region 'NOPE'"):
        members("NOPE", 2018)


# -- the formulas on the hand-made store ------------------------------------------------
def test_single_market_by_hand(store: Store) -> None:
    df = amity.opportunities("PAK", "RUS", store=store)
    assert df.attrs["source"] == "fx" and df.attrs["year"] == 2018
    assert df.attrs["level"] == "group"
    tex, food, met = row(df, "Textiles"), row(df, "Food"), row(df, "Metals")
    # rca = (X_ak/X_a)/(X_wk/X_w): Textiles (60/100)/(400/1000) = 1.5, Food
    # (30/100)/(200/1000) = 1.5, Metals (10/100)/(400/1000) = 0.25
    assert tex.rca == pytest.approx(1.5) and food.rca == pytest.approx(1.5)
    assert met.rca == pytest.approx(0.25)
    # expected = X_ak/X_wk · M_bk: 60/400·200 = 30; 30/200·100 = 15; 10/400·100 = 2.5
    assert tex.expected_usd == pytest.approx(30) and food.expected_usd == pytest.approx(15)
    assert met.expected_usd == pytest.approx(2.5)
    # actual: the flows 10 and 5; Food is absent for a pair with rows: 0, not NA
    assert (tex.actual_usd, food.actual_usd, met.actual_usd) == (10, 0, 5)
    # untapped = max(0, expected − actual): 20, 15, 0
    assert tex.untapped_usd == pytest.approx(20) and food.untapped_usd == pytest.approx(15)
    assert met.untapped_usd == 0
    assert tex.market_share == pytest.approx(10 / 200)
    # rank: rca ≥ 1 only, by untapped: Textiles 1, Food 2; Metals unranked
    assert list(df["product"][:2]) == ["Textiles", "Food"] and list(df["rank"][:2]) == [1, 2]
    assert pd.isna(met["rank"])
    # competitors in RUS Textiles: CHN 60/200 = 30%, TUR 30/200 = 15%
    assert [(c["iso3"], c["share"]) for c in tex.competitors] == [("CHN", 0.3), ("TUR", 0.15)]
    # Food: CHN 20 and TUR 20 of 100, a tie ordered by code
    assert [(c["iso3"], c["share"]) for c in food.competitors] == [("CHN", 0.2), ("TUR", 0.2)]
    assert any("hand-made fixture" in c for c in df.attrs["caveats"])


def test_region_sums_market_by_market(store: Store) -> None:
    df = amity.opportunities("PAK", "TESTREG", regions=FX / "regions.csv", store=store)
    assert df.attrs["market"]["members"] == ["KAZ", "RUS"]
    tex, food, met = row(df, "Textiles"), row(df, "Food"), row(df, "Metals")
    # demand = Σ_b M_bk: Textiles 200+100 = 300; Food 100 + max(15, 10+10) = 120;
    # Metals 100+50 = 150 (KAZ's own Food total, 15, is below its suppliers' 20)
    assert (tex.market_imports_usd, food.market_imports_usd, met.market_imports_usd) == \
        (300, 120, 150)
    # expected = share · demand: 0.15·300 = 45; 0.15·120 = 18; 0.025·150 = 3.75
    assert tex.expected_usd == pytest.approx(45) and food.expected_usd == pytest.approx(18)
    assert met.expected_usd == pytest.approx(3.75)
    # actual = Σ_b x_abk: 10+20 = 30; 0+10 = 10; 5+0 = 5
    assert (tex.actual_usd, food.actual_usd, met.actual_usd) == (30, 10, 5)
    # untapped = Σ_b max(0, expected_b − actual_b):
    #   Textiles RUS 30−10 = 20, KAZ 15−20 → 0: 20 (not 45 − 30 = 15)
    #   Food RUS 15−0 = 15, KAZ 0.15·20−10 → 0: 15;  Metals RUS 0, KAZ 1.25−0: 1.25
    assert tex.untapped_usd == pytest.approx(20) and food.untapped_usd == pytest.approx(15)
    assert met.untapped_usd == pytest.approx(1.25)
    # competitors over the region: Textiles CHN (60+30)/300 = 30%, TUR 30/300 = 10%
    assert [(c["iso3"], round(c["share"], 12)) for c in tex.competitors] == [
        ("CHN", 0.3), ("TUR", 0.1)]
    totals = {r["group"]: r for r in df.attrs["market_totals"]}
    # all products: imports 400 + 170 = 570; PAK sells 15 + 30 = 45
    everything = totals["All products"]
    assert everything["market_imports_usd"] == 570 and everything["exporter_sales_usd"] == 45
    assert everything["exporter_share"] == pytest.approx(45 / 570)
    assert totals["Textiles"]["exporter_share"] == pytest.approx(30 / 300)
    assert totals["Textiles"]["untapped_usd"] == pytest.approx(20)


def test_exporter_in_its_own_region_is_left_out(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("region,iso3,from_year,to_year,source\nR,PAK,,,x\nR,RUS,,,x\n")
    df = amity.opportunities("PAK", "R", regions=path, store=store)
    assert df.attrs["market"]["members"] == ["RUS"]
    assert any("PAK is a member of R" in c for c in df.attrs["caveats"])
    assert row(df, "Textiles").untapped_usd == pytest.approx(20)  # as PAK→RUS alone


def test_all_pairs_table(store: Store) -> None:
    t = opportunity_table(store, source="fx")
    # every exporter (3) × market (2) × product (3) where X_ak > 0 and M_bk > 0
    assert len(t) == 18 and t.attrs["source"] == "fx"
    r = t[(t.a == "TUR") & (t.b == "KAZ") & (t["product"] == "Food")].iloc[0]
    # TUR Food: rca (110/300)/(200/1000) = 1.8333; share 110/200 = 0.55;
    # expected 0.55·20 = 11; actual 10; untapped 1
    assert r.rca == pytest.approx(110 / 300 / 0.2) and r.expected_usd == pytest.approx(11)
    assert r.actual_usd == 10 and r.untapped_usd == pytest.approx(1)
    # CHN→KAZ Food is absent, and the pair has rows for other products: 0
    r = t[(t.a == "CHN") & (t.b == "KAZ") & (t["product"] == "Food")].iloc[0]
    assert r.actual_usd == 0 and r.untapped_usd == pytest.approx(60 / 200 * 20)
    # min_rca keeps rca ≥ 1: PAK Textiles, Food; CHN Textiles (1.0), Metals (1.25);
    # TUR Food (1.83): 5 exporter-products × 2 markets
    assert len(opportunity_table(store, source="fx", min_rca=1.0)) == 10


def test_unknown_flows_are_na_not_zero(store: Store) -> None:
    # fxna holds PAK→RUS and CHN→KAZ only, with no world totals: PAK→KAZ is unknown
    t = opportunity_table(store, source="fxna")
    r = t[(t.a == "PAK") & (t.b == "KAZ")].iloc[0]
    assert pd.isna(r.actual_usd) and pd.isna(r.untapped_usd)
    df = amity.opportunities("PAK", "KAZ", source="fxna", store=store)
    assert pd.isna(df["rank"]).all()
    assert any("lower bounds" in c for c in df.attrs["caveats"])


@pytest.mark.parametrize("reporters", [[], ["PAK"], ["KAZ"]])
def test_world_total_alone_does_not_make_a_flow_zero(tmp_path: Path,
                                                     reporters: list[str]) -> None:
    """fx without any PAK→KAZ row: PAK's world totals exist, but nothing says which
    partners they went to, so PAK→KAZ is NA (untapped too) — unless the source lists all
    of PAK's partners (PAK a reporter) or all of KAZ's (KAZ a reporter): then 0, and the
    untapped value is the whole expected value (Textiles 60/400·100 = 15)."""
    flows = _read("flows.csv")
    flows = flows[~((flows.exporter == "PAK") & (flows.importer == "KAZ"))]
    tables = {"trade_products": flows, "trade_country_products": _read("totals.csv")}
    scope = {"product_flows": {"reporters": reporters}}
    with Store(tmp_path / "w.duckdb") as store:
        store.ingest(_dataset("fxw", tuple(tables)), ParseResult(tables, scope=scope),
                     hashes={})
        t = opportunity_table(store, source="fxw")
        r = t[(t.a == "PAK") & (t.b == "KAZ") & (t["product"] == "Textiles")].iloc[0]
        assert r.expected_usd == pytest.approx(15)
        if reporters:
            assert r.actual_usd == 0 and r.untapped_usd == pytest.approx(15)
        else:
            assert pd.isna(r.actual_usd) and pd.isna(r.untapped_usd)
        # PAK→RUS keeps its rows: Food absent there is 0 (the pair's other products)
        food = t[(t.a == "PAK") & (t.b == "RUS") & (t["product"] == "Food")].iloc[0]
        assert food.actual_usd == 0


def test_hs_levels_map_codes(store: Store) -> None:
    # fxhs: PAK→RUS 610910: 4, 620520: 6, 030617: 5; CHN→RUS 610910: 16, 620520: 14
    ch = amity.opportunities("PAK", "RUS", source="fxhs", level="chapter", store=store)
    assert sorted(ch["product"]) == ["03", "61", "62"]
    # chapter 03: PAK is the only exporter: share 1, rca (5/15)/(5/45) = 3
    assert row(ch, "03").rca == pytest.approx(3) and row(ch, "03").group == "Animal (HS 01-05)"
    grp = amity.opportunities("PAK", "RUS", source="fxhs", level="group", store=store)
    tex = row(grp, "Textiles and Clothing")
    # X_PAK,tex = 10 of X_w,tex = 40: rca (10/15)/(40/45) = 0.75, expected 0.25·40 = 10
    assert tex.rca == pytest.approx(0.75) and tex.expected_usd == pytest.approx(10)
    assert tex.actual_usd == 10 and tex.untapped_usd == 0
    assert group_of("5201", "hs4") == "Textiles and Clothing (HS 50-63)"
    with pytest.raises(InputError, match="no data at level 'chapter'.*group"):
        amity.opportunities("PAK", "RUS", source="fx", level="chapter", store=store)
    with pytest.raises(InputError, match="unknown level"):
        amity.opportunities("PAK", "RUS", level="hs8", store=store)


def test_missing_exporter_and_year(store: Store) -> None:
    with pytest.raises(MissingDataError, match="exports of USA"):
        amity.opportunities("USA", "RUS", store=store)
    with pytest.raises(MissingDataError, match="in 2001"):
        amity.opportunities("PAK", "RUS", year=2001, store=store)
    with pytest.raises(InputError, match="exporter itself"):
        amity.opportunities("PAK", "Pakistan", store=store)


def test_top_opportunities_for_the_brief(store: Store) -> None:
    frame, totals = top_opportunities(store, "PAK", "RUS", top=1)
    assert list(frame["product"]) == ["Textiles"]
    assert totals["market"]["iso3"] == "RUS" and totals["source"] == "fx"
    assert {r["group"] for r in totals["market_totals"]} == {"Textiles", "Food", "Metals",
                                                              "All products"}


def test_trade_indices_by_hand(store: Store) -> None:
    df = trade_indices_dyadic(store, source="fx").set_index(["a", "b", "year"])
    # intensity = (x_ab/X_a)/(M_b/M_w), M_w = 80+200+150+400+170 = 1000:
    # PAK→RUS (15/100)/(400/1000) = 0.375; PAK→KAZ (30/100)/(170/1000) = 1.7647
    assert df.loc[("PAK", "RUS", 2018), "trade_intensity_a_to_b"] == pytest.approx(0.375)
    assert df.loc[("PAK", "KAZ", 2018), "trade_intensity_a_to_b"] == pytest.approx(0.3 / 0.17)
    # complementarity = 100(1 − Σ|m_bk − x_ak|/2); PAK's export shares .6 .3 .1;
    # RUS's import shares .5 .25 .25: Σ|.| = .1 + .05 + .15 = .3 → 85
    assert df.loc[("PAK", "RUS", 2018), "trade_complementarity_a_b"] == pytest.approx(85)
    # KAZ imports 100, 20 (max(15, 20)), 50 of 170: Σ|.| = |10/17−.6| + |2/17−.3| +
    # |5/17−.1| → 100(1 − that/2)
    kaz = abs(10 / 17 - .6) + abs(2 / 17 - .3) + abs(5 / 17 - .1)
    assert df.loc[("PAK", "KAZ", 2018), "trade_complementarity_a_b"] == pytest.approx(
        100 * (1 - kaz / 2))
    # RUS reports no exports by product: no complementarity of RUS→PAK
    assert ("RUS", "PAK", 2018) not in df.index
    only = trade_indices_dyadic(store, source="fx", countries=["PAK", "RUS"])
    assert set(zip(only.a, only.b, strict=True)) == {("PAK", "RUS")}


def test_cli_json_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from amity.cli import main

    home = tmp_path / "home"
    build(home / "amity.duckdb").close()
    monkeypatch.setenv("AMITY_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["amity", "opportunities", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        out, err = capsys.readouterr()
        return exit_.value.code, out, err

    code, out, err = run("PAK", "TESTREG", "--regions", str(FX / "regions.csv"),
                         "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["market"]["members"] == ["KAZ", "RUS"] and doc["source"] == "fx"
    assert [p["product"] for p in doc["products"]] == ["Textiles", "Food"]
    assert doc["products"][0]["untapped_usd"] == pytest.approx(20)
    assert doc["caveats"] and doc["market_totals"][-1]["group"] == "All products"
    code, out, _ = run("PAK", "RUS")
    assert code == 0 and "Textiles" in out and "caveat" in out
    assert run("PAK", "RUS", "--format", "csv")[1].startswith("rank,product,group")
    code, _, err = run("PAK", "NOWHERE")
    assert code == 1 and "unknown country 'NOWHERE'" in err and "Traceback" not in err
    code, _, err = run("PAK", "RUS", "--year", "1999")
    assert code == 3 and "amity: error: no product-level source" in err


# -- the real mirror: OTS 2018, recomputed from the files with csv and gzip --------------
@pytest.fixture(scope="module")
def ots_store(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Store:
    """OTS ingested by its own parser, with the country files of PAK and the EAEU only
    (the derived all-pairs and world files in full): the other reporters' files do not
    change any figure checked here, and parsing them takes most of the time."""
    from amity.sources import ots

    keep = {"pak", "rus", "kaz", "blr", "arm", "kgz"}
    ds = ots.DATASETS[0]
    paths = {f.name: mirror / f.path for f in ds.files
             if "/country/" not in f.path or f.name.split(".")[0] in keep}
    store = Store(tmp_path_factory.mktemp("ots") / "s.duckdb")
    store.ingest(ds, ds.parse(paths, "error"), hashes={})
    yield store
    store.close()


def _gz(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rt", newline="") as f:
        yield from csv.DictReader(f)


def _num(text: str) -> float:
    return float(text) if text not in ("", "NA") else 0.0


@pytest.fixture(scope="module")
def ots_2018(mirror: Path) -> dict:
    """Textiles (HS 50-63) 2018 from the OTS files, with csv and gzip only."""
    exports, imports = defaultdict(float), defaultdict(float)  # yrc2018, by community
    for r in _gz(mirror / "ots/yrc2018.csv.gz"):
        exports[r["reporter_iso"], r["community_name"]] += _num(r["export_value_usd"])
        imports[r["reporter_iso"], r["community_name"]] += _num(r["import_value_usd"])
    out_tex, in_tex = defaultdict(float), defaultdict(float)  # all-pairs textile flows
    for r in _gz(mirror / "ots/derived/ots_bilateral_textiles_hs50_63_1995_2018.csv.gz"):
        if r["year"] == "2018" and r["exporter_iso"] != r["importer_iso"]:
            out_tex[r["exporter_iso"]] += float(r["export_value_usd"])
            in_tex[r["importer_iso"]] += float(r["export_value_usd"])
    pak_to = {r["partner_iso"]: _num(r["export_value_usd"])
              for r in _gz(mirror / "ots/country/pak.csv.gz")
              if r["year"] == "2018" and r["community_name"] == "Textiles"}
    codes = {c for c, _ in exports} | set(out_tex)
    # a country's world total is the larger of its own total and its summed flows
    world_tex = sum(max(exports[c, "Textiles"], out_tex[c]) for c in codes)
    return {"exports": exports, "imports": imports, "in_tex": in_tex, "pak_to": pak_to,
            "world_tex": world_tex, "world": sum(exports.values())}


@pytest.mark.mirror
def test_pak_rus_2018_textiles_recomputed(ots_store: Store, ots_2018: dict) -> None:
    d = ots_2018
    df = amity.opportunities("PAK", "RUS", year=2018, store=ots_store)
    tex = row(df, "Textiles")
    x_pak = d["exports"]["pak", "Textiles"]  # 20,779,812,881
    m_rus = max(d["imports"]["rus", "Textiles"], d["in_tex"]["rus"])  # 16,557,978,141
    assert tex.exporter_exports_usd == pytest.approx(x_pak, abs=200)  # HS4 cells rounded
    assert tex.market_imports_usd == pytest.approx(m_rus, abs=200)
    pak_total = sum(v for (c, _), v in d["exports"].items() if c == "pak")
    assert tex.rca == pytest.approx((x_pak / pak_total) / (d["world_tex"] / d["world"]),
                                    rel=1e-6)
    expected = x_pak / d["world_tex"] * m_rus
    assert tex.expected_usd == pytest.approx(expected, rel=1e-6)
    assert tex.actual_usd == d["pak_to"]["rus"] == 177443635.0
    assert tex.untapped_usd == pytest.approx(expected - d["pak_to"]["rus"], rel=1e-6)
    assert tex["rank"] == 1 and df.attrs["source"] == "ots"
    assert any("inflated" in c for c in df.attrs["caveats"])


@pytest.mark.mirror
def test_pak_eaeu_2018_textiles_recomputed(ots_store: Store, ots_2018: dict) -> None:
    d = ots_2018
    df = amity.opportunities("PAK", "EAEU", year=2018, level="group", store=ots_store)
    eaeu = ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert df.attrs["market"]["members"] == eaeu
    share = d["exports"]["pak", "Textiles"] / d["world_tex"]
    demand = untapped = actual = 0.0
    for code in (c.lower() for c in eaeu):
        m = max(d["imports"][code, "Textiles"], d["in_tex"][code])  # KGZ: its suppliers'
        x = d["pak_to"].get(code, 0.0)
        demand, actual = demand + m, actual + x
        untapped += max(0.0, share * m - x)
    tex = row(df, "Textiles")
    assert tex.market_imports_usd == pytest.approx(demand, abs=1000)
    assert tex.actual_usd == pytest.approx(actual)
    assert tex.untapped_usd == pytest.approx(untapped, rel=1e-6)
    totals = {r["group"]: r for r in df.attrs["market_totals"]}
    assert totals["Textiles"]["exporter_share"] == pytest.approx(actual / demand, rel=1e-6)


@pytest.mark.mirror
def test_pak_rus_trade_indices_recomputed(ots_store: Store, ots_2018: dict,
                                          mirror: Path) -> None:
    d = ots_2018
    df = trade_indices_dyadic(ots_store, countries=["PAK", "RUS"], years=(2018, 2018))
    got = df.set_index(["a", "b"]).loc[("PAK", "RUS")]
    xp = {k: v for (c, k), v in d["exports"].items() if c == "pak"}
    mr = {k: v for (c, k), v in d["imports"].items() if c == "rus"}
    comp = 100 * sum(min(xp.get(k, 0) / sum(xp.values()), mr.get(k, 0) / sum(mr.values()))
                     for k in set(xp) | set(mr))
    assert got.trade_complementarity_a_b == pytest.approx(comp, rel=1e-6)  # 33.658
    yr = {r["reporter_iso"]: r for r in _gz(mirror / "ots/yr.csv.gz")
          if float(r["year"]) == 2018}
    world = sum(_num(r["import_value_usd"]) for r in yr.values())
    flow = next(float(r["export_value_usd"]) for r in
                _gz(mirror / "ots/derived/ots_bilateral_total_1962_2018.csv.gz")
                if r["year"] == "2018" and r["exporter_iso"] == "pak"
                and r["importer_iso"] == "rus")
    want = (flow / float(yr["pak"]["export_value_usd"])) / (
        float(yr["rus"]["import_value_usd"]) / world)
    assert got.trade_intensity_a_to_b == pytest.approx(want, rel=1e-6)  # 0.7213


@pytest.fixture(scope="module")
def other_store(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Store:
    """UN Comtrade (HS chapters, default release) and the BACI HS6 sample, parsed by their
    own modules."""
    from amity.sources import baci, comtrade

    store = Store(tmp_path_factory.mktemp("other") / "s.duckdb")
    for ds in (comtrade.DATASETS[0], baci.DATASETS[0]):
        store.ingest(ds, ds.parse({f.name: mirror / f.path for f in ds.files}, "error"),
                     hashes={})
    yield store
    store.close()


@pytest.mark.mirror
def test_comtrade_chapters_recomputed(other_store: Store, mirror: Path) -> None:
    path = mirror / "comtrade/comtrade_hs2_exports_top30_2019_2020_combined.csv.gz"
    to_rus: dict[str, float] = defaultdict(float)  # China's 2019 exports to Russia by chapter
    for r in _gz(path):
        if (r["yr"], r["rt3ISO"], r["pt3ISO"], r["rgCode"]) == ("2019", "CHN", "RUS", "2"):
            to_rus[r["cmdCode"]] += float(r["TradeValue"])
    df = amity.opportunities("CHN", "RUS", year=2019, source="comtrade", store=other_store)
    assert df.attrs["level"] == "chapter" and df.attrs["source"] == "comtrade"
    got = df.set_index("product")["actual_usd"]
    for chapter in ("61", "84", "85"):
        assert got[chapter] == to_rus[chapter]
    # Russia's imports are the 30 reporters' exports to it: lower bounds, and said so
    assert any("lower bounds" in c for c in df.attrs["caveats"])
    grp = amity.opportunities("CHN", "RUS", year=2019, source="comtrade", level="group",
                              store=other_store)
    tex = row(grp, "Textiles and Clothing")
    assert tex.actual_usd == sum(v for c, v in to_rus.items() if 50 <= int(c) <= 63)


@pytest.mark.mirror
def test_baci_sample_hs6_recomputed(other_store: Store, mirror: Path) -> None:
    flows: dict[tuple[str, str], float] = defaultdict(float)  # (exporter code, k) into RUS
    for r in _gz(mirror / "baci/BACI_HS92_V202301_sample/ExampleTradeData.csv.gz"):
        if r["j"] == "643":  # Russia
            flows[r["i"], f"{int(r['k']):06d}"] += float(r["v"]) * 1000  # thousands of US$
    zaf = {k: v for (i, k), v in flows.items() if i == "710"}
    k = max(zaf, key=zaf.get)
    df = amity.opportunities("ZAF", "RUS", source="baci", store=other_store)
    assert df.attrs["level"] == "hs6" and df.attrs["year"] == 2021
    got = row(df, k)
    assert got.actual_usd == pytest.approx(zaf[k], abs=1)
    # the sample's "world" is Afghanistan and South Africa: Russia's imports of k are
    # the two exporters' sales to it
    assert got.market_imports_usd == pytest.approx(zaf[k] + flows.get(("4", k), 0.0), abs=2)
    assert any("sums over the 2 exporters" in c for c in df.attrs["caveats"])
