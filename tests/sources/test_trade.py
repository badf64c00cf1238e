"""Trade sources: BACI, OTS, UN Comtrade, WITS, WTO and IMF DOTS.

Fixtures in tests/data/trade are hand-written in each publisher's layout; the expected
canonical rows below were worked out by hand from them (units multiplied out, codes
mapped, aggregates dropped). Mirror tests read a value a second way with the csv and
gzip modules and compare it with the parsed row.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import numbers
import tarfile
from pathlib import Path

import pandas as pd
import pytest

from amity._contract import Dataset, ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import locate
from amity.indicators import economic
from amity.sources import baci, comtrade, dots, ots, wits, wto
from amity.store import Store
from tests._fixtures import ots_paths, wits_paths
from tests.conftest import DATA, gz

TRADE = DATA / "trade"
NA = math.nan


def _norm(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return None if math.isnan(float(value)) else float(value)
    return str(value)


def rows(frame: pd.DataFrame) -> set[tuple]:
    """Rows as tuples, NaN as None, numbers as floats (for set comparison)."""
    result = {tuple(_norm(v) for v in row) for row in frame.itertuples(index=False)}
    assert len(result) == len(frame), "duplicate rows"
    return result


def expect(*items: tuple) -> set[tuple]:
    return rows(pd.DataFrame([list(i) for i in items]))


def ingest(tmp_path: Path, dataset: Dataset, result: ParseResult) -> Store:
    store = Store(tmp_path / "s.duckdb")
    store.ingest(dataset, result, hashes={})
    return store


def pair(frame: pd.DataFrame, a: str, b: str, year: int) -> pd.Series:
    hit = frame[(frame.a == a) & (frame.b == b) & (frame.year == year)]
    assert len(hit) == 1
    return hit.iloc[0]


# -- BACI -------------------------------------------------------------------------------
def _baci_paths(tmp_path: Path, flows: Path | None = None) -> dict[str, Path]:
    return {
        "country_codes_V202301.csv": TRADE / "baci" / "country_codes_V202301.csv",
        "product_codes_HS92_V202301.csv": TRADE / "baci" / "product_codes_HS92_V202301.csv",
        "ExampleTradeData.csv.gz": gz(flows or TRADE / "baci" / "ExampleTradeData.csv", tmp_path,
                                      "ExampleTradeData.csv.gz"),
    }


def test_baci_fixture(tmp_path: Path) -> None:
    result = baci.DATASETS[0].parse(_baci_paths(tmp_path), "error")
    assert set(result.tables) == {"trade_products"}
    assert rows(result.tables["trade_products"]) == expect(
        (2021, "PAK", "RUS", "520100", "hs92", 1_234_567.0),  # 1234.567 thousand
        (2021, "PAK", "RUS", "010111", "hs92", 41.0),  # k 10111, leading zero restored
        (2021, "RUS", "PAK", "620342", "hs92", 2_500.0),
        (2021, "PAK", "TWN", "620342", "hs92", 10_000.0),  # 490 Other Asia, nes
        (1991, "RUS", "PAK", "520100", "hs92", 3_000.0),  # 810 USSR
        (2021, "PAK", "RUS", "999999", "hs92", 1_000.0),  # kept, with a note
    )
    notes = " ".join(result.notes)
    assert "2 rows" in notes and "Belgium-Luxembourg" in notes and "697" in notes
    assert "999999" in notes
    store = ingest(tmp_path, baci.DATASETS[0], result)
    assert store.table("trade_products", source="baci").count().execute() == 6


def test_baci_malformed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('"t","i","j","k","value","q"\n2021,4,24,382390,52.051,"1"\n')
    with pytest.raises(SourceFormatError, match=r"ExampleTradeData\.csv\.gz:1:.*columns"):
        baci.DATASETS[0].parse(_baci_paths(tmp_path, bad), "error")
    bad.write_text('"t","i","j","k","v","q"\n2021,4,24,382390,52.051,"1"\n2021,4,24,1,abc,"1"\n')
    with pytest.raises(SourceFormatError, match=r"ExampleTradeData\.csv\.gz:3:"):
        baci.DATASETS[0].parse(_baci_paths(tmp_path, bad), "error")
    result = baci.DATASETS[0].parse(_baci_paths(tmp_path, bad), "skip")
    assert result.skipped == 1


# -- OTS --------------------------------------------------------------------------------
OTS_PRODUCTS = expect(
    (2018, "PAK", "RUS", "Textiles", "ots_community", 100.0),  # pak and rus files agree
    (2018, "PAK", "RUS", "Machines", "ots_community", 5.0),  # rus file's cell is empty
    (2018, "RUS", "PAK", "Machines", "ots_community", 70.0),
    (2018, "PAK", "KGZ", "Textiles", "ots_community", 40.0),
    (2018, "CHN", "KGZ", "Textiles", "ots_community", 3430.0),  # derived textiles, rounded
    (1975, "RUS", "PAN", "Metals", "ots_community", 8.0),  # pan wins over pcz (30)
)


def test_ots_fixture(tmp_path: Path) -> None:
    result = ots.DATASETS[0].parse(ots_paths(tmp_path), "error")
    t = result.tables
    # zeros (RUS->PAK textiles), partner "all" and pci rows are not stored
    assert rows(t["trade_products"]) == OTS_PRODUCTS
    assert rows(t["trade_dyadic"]) == expect(
        (1970, "PAN", "USA", 5.0), (2014, "PAK", "RUS", 300.0), (2018, "PAK", "RUS", 105.0),
        (2018, "RUS", "PAK", 70.0))
    assert rows(t["trade_national"]) == expect(
        (1962, "PAN", 71_237_027.0, 245_976_171.0), (1991, "RUS", 1.0, 2.0),
        (2018, "PAK", 35_536_000_000.0, 60_000_000_000.0),
        (2018, "RUS", 555_846_000_000.0, 294_614_000_000.0))
    assert rows(t["trade_country_products"]) == expect(
        (2018, "PAK", "export", "5201", "hs07_4", 3000.0),
        (2018, "PAK", "export", "6109", "hs07_4", 500.0),
        (2018, "PAK", "export", "8471", "hs07_4", 1.0),
        (2018, "PAK", "import", "5201", "hs07_4", 10.0),
        (2018, "PAK", "import", "6109", "hs07_4", 0.0),
        (2018, "PAK", "import", "8471", "hs07_4", 900.0),
        (2018, "RUS", "export", "5201", "hs07_4", 2.0),  # RUS import cell empty: no row
        (2018, "PAK", "export", "Textiles", "ots_community", 3500.0),
        (2018, "PAK", "export", "Machines", "ots_community", 1.0),
        (2018, "PAK", "import", "Textiles", "ots_community", 10.0),
        (2018, "PAK", "import", "Machines", "ots_community", 900.0),
        (2018, "RUS", "export", "Textiles", "ots_community", 2.0))
    assert any("pci" in n for n in result.notes)

    store = ingest(tmp_path, ots.DATASETS[0], result)
    frame = economic.trade_dyadic(store, source="ots", countries=["PAK", "RUS"])
    row = pair(frame, "PAK", "RUS", 2018)
    assert (row.trade_a_to_b_usd, row.trade_b_to_a_usd, row.trade_total_usd) == (105, 70, 175)
    assert row.trade_share_a == pytest.approx(175 / (35_536_000_000 + 60_000_000_000))
    assert row.trade_share_b == pytest.approx(175 / (555_846_000_000 + 294_614_000_000))
    assert pd.isna(pair(frame, "PAK", "RUS", 2014).trade_total_usd)  # RUS->PAK unknown
    caveats = " ".join(store.datasets().set_index("source").loc["ots", "caveats"])
    assert "inflated" in caveats


def test_ots_malformed(tmp_path: Path) -> None:
    header = "year,community_name,reporter_iso,partner_iso,export_value_usd,import_value_usd\n"
    with pytest.raises(SourceFormatError, match=r"pak\.csv\.gz:1:.*columns"):
        ots.DATASETS[0].parse(ots_paths(tmp_path, {"pak.csv": "year,community,reporter,"
                                                     "partner,x,m\n2018,Textiles,pak,rus,1,2\n"}),
                              "error")
    with pytest.raises(SourceFormatError, match=r"pak\.csv\.gz:3: column 'community_name'"):
        ots.DATASETS[0].parse(ots_paths(tmp_path, {"pak.csv": header
                                                     + "2018,Textiles,pak,rus,1.0,2.0\n"
                                                     + "2018,Textile,pak,rus,1.0,2.0\n"}), "error")
    with pytest.raises(SourceFormatError, match=r"rus\.csv\.gz:2: column 'reporter_iso'"):
        ots.DATASETS[0].parse(ots_paths(tmp_path, {"rus.csv": header
                                                     + "2018,Textiles,pak,rus,1.0,2.0\n"}), "error")


# -- UN Comtrade --------------------------------------------------------------------------
def _tarball(tmp_path: Path, edit: dict[str, str] | None = None) -> Path:
    """The member fixtures as a tar.gz laid out like the mirror's (``2019/<file>``)."""
    out = tmp_path / comtrade._TARBALL
    root = TRADE / "comtrade" / "files"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(root / "2019", arcname="2019", recursive=False)
        for src in sorted((root / "2019").iterdir()):
            data = (edit or {}).get(src.name, src.read_text()).encode()
            info = tarfile.TarInfo(f"2019/{src.name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


COMTRADE = {
    "trade_products": expect(
        (2019, "RUS", "PAK", "07", "hs_chapter", 83_100_000.0),
        (2019, "RUS", "PAK", "10", "hs_chapter", 400.0),
        (2019, "RUS", "TWN", "10", "hs_chapter", 55.0),  # partner 490 Other Asia, nes
        (2019, "CHN", "RUS", "61", "hs_chapter", 5_000.0),
        (2019, "TWN", "RUS", "85", "hs_chapter", 777.0)),  # reporter 490
    "trade_country_products": expect(
        (2019, "RUS", "export", "07", "hs_chapter", 90_000_000.0),
        (2019, "RUS", "export", "10", "hs_chapter", 3_000_000.0)),
    "trade_dyadic": expect(
        (2019, "RUS", "PAK", 83_100_400.0), (2019, "RUS", "TWN", 55.0),
        (2019, "CHN", "RUS", 5_000.0), (2019, "TWN", "RUS", 777.0)),
    "trade_national": expect((2019, "RUS", 93_000_000.0, None)),
}


def _product_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[c for c in ("year", "exporter", "importer", "iso3", "flow", "product",
                              "classification", "value_usd", "exports_usd", "imports_usd")
                  if c in frame]]


@pytest.mark.parametrize("release", ["combined", "tarball"])
def test_comtrade_fixture(tmp_path: Path, release: str) -> None:
    if release == "combined":
        dataset = comtrade.DATASETS[0]
        paths = {comtrade._COMBINED: gz(
            TRADE / "comtrade" / "comtrade_hs2_exports_top30_2019_2020_combined.csv", tmp_path,
            comtrade._COMBINED)}
    else:
        dataset = comtrade.DATASETS[1]
        paths = {comtrade._TARBALL: _tarball(tmp_path)}
    result = dataset.parse(paths, "error")
    for name, expected in COMTRADE.items():
        assert rows(_product_order(result.tables[name])) == expected, name
    notes = " ".join(result.notes)
    assert "1 rows with partners that are areas" in notes and "Areas, nes" in notes
    assert "1 rows of exports to the reporter itself" in notes
    store = ingest(tmp_path, dataset, result)
    frame = economic.trade_dyadic(store, source="comtrade", release=dataset.release)
    row = pair(frame, "RUS", "PAK", 2019)
    assert row.trade_a_to_b_usd == 83_100_400 and pd.isna(row.trade_b_to_a_usd)


def test_comtrade_malformed(tmp_path: Path) -> None:
    text = (TRADE / "comtrade" / "comtrade_hs2_exports_top30_2019_2020_combined.csv").read_text()
    lines = text.splitlines()
    lines[3] = lines[3].replace(",2,Export,", ",1,Import,", 1)  # file line 4: an import row
    src = tmp_path / "edited.csv"
    src.write_text("\n".join(lines) + "\n")
    paths = {comtrade._COMBINED: gz(src, tmp_path, comtrade._COMBINED)}
    with pytest.raises(SourceFormatError, match=r"combined\.csv\.gz:4: column 'rgCode'"):
        comtrade.DATASETS[0].parse(paths, "error")
    src.write_text(text.replace("source_file,", "file,", 1))
    paths = {comtrade._COMBINED: gz(src, tmp_path, comtrade._COMBINED)}
    with pytest.raises(SourceFormatError, match=r"combined\.csv\.gz:1:.*columns"):
        comtrade.DATASETS[0].parse(paths, "error")
    # in the archive: errors name the member and its own line
    member = "Russian Federation_to_all_2019.csv"
    original = (TRADE / "comtrade" / "files" / "2019" / member).read_text().splitlines()
    original[2] = original[2].replace(",Cereals,", ",Cereals,extra,", 1)
    tar = _tarball(tmp_path, {member: "\n".join(original) + "\n"})
    with pytest.raises(SourceFormatError, match=r"tar\.gz/2019/Russian Federation_to_all_2019"
                                                r"\.csv:3:"):
        comtrade.DATASETS[1].parse({comtrade._TARBALL: tar}, "error")
    tar = _tarball(tmp_path, {member: "pfCode,yr\nH5,2019\n"})
    with pytest.raises(SourceFormatError, match=r"Russian Federation_to_all_2019\.csv:1:"):
        comtrade.DATASETS[1].parse({comtrade._TARBALL: tar}, "error")


# -- WITS -------------------------------------------------------------------------------
def test_wits_fixture(tmp_path: Path) -> None:
    result = wits.DATASETS[0].parse(wits_paths(), "error")
    t = result.tables
    assert rows(t["trade_national"]) == expect(
        (2018, "PAK", 23_630_890_000.0, None), (2019, "PAK", 23_748_680_000.0, 50_063_060_000.0),
        (2005, "YUG", 3_801_330_000.0, None),  # SER before 2006
        (2019, "SRB", 19_633_050_000.0, None),  # SER from 2006
        (2019, "TWN", 329_483_860_000.0, None))  # OAS Other Asia, nes
    assert rows(t["trade_country_products"]) == expect(
        (2019, "PAK", "export", "Textiles and Clothing", "wits_group", 13_656_050_000.0),
        (2018, "PAK", "export", "Textiles and Clothing", "wits_group", 13_569_540_000.0),
        (2019, "PAK", "import", "Raw materials", "wits_stage", 12_000_500_000.0))
    assert rows(t["trade_dyadic"]) == expect(
        (2019, "PAK", "CHN", 2_036_880_000.0),  # PAK's top-5 export row
        (2019, "CHN", "PAK", 12_406_400_000.0),  # PAK's top-5 import row
        (2019, "CUW", "PAK", 1_500_000.0),  # "Curaçao", a Windows-1252 byte
        (2019, "TWN", "PAK", 100_000_000.0),  # TWN's own export report beats PAK's 120
        (2006, "PAK", "SRB", 5_000_000.0), (2005, "PAK", "YUG", 4_000_000.0))
    notes = " ".join(result.notes)
    assert "EUN European Union" in notes and "Unspecified" in notes
    store = ingest(tmp_path, wits.DATASETS[0], result)
    row = pair(economic.trade_dyadic(store, source="wits"), "PAK", "CHN", 2019)
    assert row.trade_total_usd == pytest.approx(14_443_280_000)
    assert row.trade_share_a == pytest.approx(14_443_280_000 / (23_748_680_000 + 50_063_060_000))
    assert pd.isna(row.trade_share_b)  # no CHN file in the fixture


def test_wits_malformed(tmp_path: Path) -> None:
    good = (TRADE / "wits" / "en_SER_AllYears_WITS_Trade_Summary.CSV").read_bytes()
    bad = tmp_path / "en_SRB_AllYears_WITS_Trade_Summary.CSV"
    bad.write_bytes(good.replace(b"3801.33", b"3801.33,", 1))  # one field too many
    with pytest.raises(SourceFormatError, match=r"en_SRB_AllYears_WITS_Trade_Summary\.CSV:2:"):
        wits.DATASETS[0].parse(wits_paths([bad]), "error")
    assert wits.DATASETS[0].parse(wits_paths([bad]), "skip").skipped == 1
    bad.write_bytes(good.replace(b"3801.33", b"3801.3x", 1))
    with pytest.raises(SourceFormatError, match=r"CSV:2: column '2005': value"):
        wits.DATASETS[0].parse(wits_paths([bad]), "error")
    bad.write_bytes(good.replace(b"Indicator Type", b"Type", 1))
    with pytest.raises(SourceFormatError, match=r"CSV:1: unexpected columns"):
        wits.DATASETS[0].parse(wits_paths([bad]), "error")


# -- WTO ----------------------------------------------------------------------------------
def test_wto_fixture(tmp_path: Path) -> None:
    name = "merchandise_values_annual_dataset_2019_2020.csv"
    result = wto.DATASETS[0].parse({name: TRADE / "wto" / name}, "error")
    assert rows(result.tables["trade_national"]) == expect(
        (2019, "BES", 1_000_000.0, None),  # no ISO3 in the file: numeric code 535
        (2019, "RUS", 419_850_000_000.0, 254_598_000_000.0),
        (2019, "TWN", 330_622_000_000.0, None))  # CHT Chinese Taipei
    assert rows(result.tables["trade_country_products"]) == expect(
        (2019, "RUS", "import", "MATE", "wto_group", 3_730_000_000.0),
        (2020, "PAK", "export", "MACL", "wto_group", 6_177_000_000.0))
    notes = " ".join(result.notes)
    assert "2 rows" in notes and "European Union" in notes and "World" in notes
    ingest(tmp_path, wto.DATASETS[0], result)


def test_wto_malformed(tmp_path: Path) -> None:
    name = "merchandise_values_annual_dataset_2019_2020.csv"
    text = (TRADE / "wto" / name).read_text()
    bad = tmp_path / name
    bad.write_text(text.replace(",2019,3730", ",2019,n/a", 1))
    with pytest.raises(SourceFormatError, match=rf"{name}:2: column 'Value'"):
        wto.DATASETS[0].parse({name: bad}, "error")
    bad.write_text(text.replace("Indicator,", "Flow,", 1))
    with pytest.raises(SourceFormatError, match=rf"{name}:1:"):
        wto.DATASETS[0].parse({name: bad}, "error")


# -- IMF DOTS -------------------------------------------------------------------------------
def test_dots_fixture(tmp_path: Path) -> None:
    result = dots.DATASETS[0].parse({"imf_import_export.csv": TRADE / "dots" /
                                     "imf_import_export.csv"}, "error")
    assert rows(result.tables["trade_dyadic"]) == expect(
        (2019, "PAK", "RUS", 144_100_000.0), (2020, "PAK", "RUS", 146_200_000.0),
        (2019, "PAK", "NAM", 0.0), (2020, "PAK", "NAM", 100_000.0),  # "NA" is Namibia
        (2019, "RUS", "PAK", 168_400_000.0), (2020, "RUS", "PAK", 582_300_000.0),
        (2019, "NAM", "ZAF", 1_016_400_000.0), (2020, "NAM", "ZAF", 900_000_000.0))
    assert rows(result.tables["trade_national"]) == expect(
        (2019, "PAK", 23_337_800_000.0, None), (2020, "PAK", 22_235_500_000.0, None))
    notes = " ".join(result.notes)
    assert "XR43" in notes and "W00" in notes
    store = ingest(tmp_path, dots.DATASETS[0], result)
    row = pair(economic.trade_dyadic(store, source="dots"), "PAK", "RUS", 2019)
    assert (row.trade_a_to_b_usd, row.trade_b_to_a_usd) == (144_100_000, 168_400_000)
    assert row.trade_total_usd == 312_500_000 and row.trade_balance_a_usd == -24_300_000
    assert pd.isna(row.trade_share_a)  # DOTS has no imports: no total trade to divide by


def test_dots_malformed(tmp_path: Path) -> None:
    bad = tmp_path / "imf_import_export.csv"
    bad.write_text(",from,to,2019,2020\n0,PK,RU,144.1,146.2\n1,PK,KZ,84.4,-1\n")
    with pytest.raises(SourceFormatError, match=r"imf_import_export\.csv:3: column '2020'"):
        dots.DATASETS[0].parse({bad.name: bad}, "error")
    bad.write_text(",from,to,2019,2020\n0,PK,RU,144.1,x\n")
    with pytest.raises(SourceFormatError, match=r"imf_import_export\.csv:2:"):
        dots.DATASETS[0].parse({bad.name: bad}, "error")
    bad.write_text("from,to,2019\nPK,RU,144.1\n")
    with pytest.raises(SourceFormatError, match=r"imf_import_export\.csv:1: unexpected"):
        dots.DATASETS[0].parse({bad.name: bad}, "error")


# -- the real mirror ------------------------------------------------------------------------
def _real(dataset: Dataset, mirror: Path) -> ParseResult:
    paths = {f.name: locate(f, mirror=mirror) for f in dataset.files}  # sha256-checked
    return dataset.parse(paths, "error")


def _value(frame: pd.DataFrame, **where: object) -> float:
    hit = frame
    for col, val in where.items():
        hit = hit[hit[col] == val]
    assert len(hit) == 1, where
    return float(hit["value_usd"].iloc[0])


@pytest.mark.mirror
def test_mirror_baci(mirror: Path) -> None:
    result = _real(baci.DATASETS[0], mirror)
    frame = result.tables["trade_products"]
    path = mirror / "baci" / "BACI_HS92_V202301_sample" / "ExampleTradeData.csv.gz"
    with gzip.open(path, "rt", newline="") as handle:
        first = next(r for r in csv.DictReader(handle) if r["i"] == "4" and r["j"] == "24")
    want = round(float(first["v"]) * 1000)
    assert _value(frame, exporter="AFG", importer="AGO", product=f"{int(first['k']):06d}") == want
    assert frame.groupby("exporter").size().to_dict() == {"AFG": 3070, "ZAF": 68122}
    assert (frame["product"].str.len() == 6).all() and result.notes == []
    # BACI's newest dictionary (other column names, "S19"/"R20"/"ZA1" for its areas)
    # gives the same mapping as the V202301 one
    with open(mirror / "baci" / "country_codes_V202601.csv", encoding="utf-8") as handle:
        new = pd.DataFrame(list(csv.DictReader(handle)))
    with open(mirror / "baci" / "country_codes_V202301.csv", encoding="utf-8") as handle:
        old = pd.DataFrame(list(csv.DictReader(handle)))
    assert baci.baci_iso3(new) == baci.baci_iso3(old)
    assert baci.baci_iso3(new)[586] == "PAK" and baci.baci_iso3(new)[490] == "TWN"
    assert 58 not in baci.baci_iso3(new) and 711 not in baci.baci_iso3(new)


@pytest.fixture(scope="module")
def ots_real(mirror: Path) -> ParseResult:
    return _real(ots.DATASETS[0], mirror)


def _ots_csv(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.mirror
@pytest.mark.slow
def test_mirror_ots(mirror: Path, ots_real: ParseResult) -> None:
    t = ots_real.tables
    pak = _ots_csv(mirror / "ots" / "country" / "pak.csv.gz")
    textiles = sum(float(r["export_value_usd"]) for r in pak if r["year"] == "2018"
                   and r["partner_iso"] == "rus" and r["community_name"] == "Textiles")
    assert _value(t["trade_products"], year=2018, exporter="PAK", importer="RUS",
                  product="Textiles") == round(textiles)
    # the derived all-pairs total equals the sum of Pakistan's own file over communities
    total_2014 = sum(float(r["export_value_usd"] or 0) for r in pak
                     if r["year"] == "2014" and r["partner_iso"] == "rus")
    assert _value(t["trade_dyadic"], year=2014, exporter="PAK", importer="RUS") == \
        pytest.approx(total_2014, abs=1)
    back = _value(t["trade_dyadic"], year=2014, exporter="RUS", importer="PAK")
    assert (total_2014 + back) / 1e6 == pytest.approx(650, abs=0.5)  # SOURCE.md: 650M
    # Kyrgyzstan's textiles from China, 2018: NaN in kgz's file, 3,429.6M in China's
    assert _value(t["trade_products"], year=2018, exporter="CHN", importer="KGZ",
                  product="Textiles") == pytest.approx(3_429.6e6, rel=1e-4)
    yr = next(r for r in _ots_csv(mirror / "ots" / "yr.csv.gz")
              if r["reporter_iso"] == "pak" and r["year"] == "2018.0")
    nat = t["trade_national"]
    got = nat[(nat.iso3 == "PAK") & (nat.year == 2018)].iloc[0]
    assert got.exports_usd == round(float(yr["export_value_usd"]))  # 35,536M: inflated
    assert got.exports_usd == pytest.approx(35_536e6, rel=1e-4)
    # HS4 codes: amity joins yrc2018 to the OTS tables itself; the mirror's derived join
    # file is the second way
    derived = _ots_csv(mirror / "ots" / "derived" / "ots_yrc2018_hs4_with_codes.csv.gz")
    cp = t["trade_country_products"]
    for r in (r for r in derived if r["reporter_iso"] == "pak" and r["product_code"] in
              ("5201", "6302", "8471")):
        assert _value(cp, iso3="PAK", flow="export", classification="hs07_4",
                      product=r["product_code"]) == round(float(r["export_value_usd"]))
    # one row per non-empty cell: every yrc2018 reporter is a country
    cells = sum((r["export_value_usd"] != "") + (r["import_value_usd"] != "") for r in derived)
    assert len(cp[cp.classification == "hs07_4"]) == cells
    assert any("pci" in n for n in ots_real.notes)


@pytest.mark.mirror
def test_mirror_comtrade(mirror: Path) -> None:
    result = _real(comtrade.DATASETS[0], mirror)
    path = mirror / "comtrade" / comtrade._COMBINED
    to_pak = to_world = 0.0
    with gzip.open(path, "rt", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["rt3ISO"] == "RUS" and r["yr"] == "2019":
                if r["pt3ISO"] == "PAK":
                    to_pak += float(r["TradeValue"])
                elif r["ptTitle"] == "World":
                    to_world += float(r["TradeValue"])
    dyadic = result.tables["trade_dyadic"]
    assert _value(dyadic, year=2019, exporter="RUS", importer="PAK") == to_pak
    assert round(to_pak / 1e6, 1) == 169.0  # SOURCE.md
    nat = result.tables["trade_national"]
    assert nat[(nat.iso3 == "RUS") & (nat.year == 2019)].exports_usd.iloc[0] == to_world
    assert "TWN" in set(nat.iso3)  # reporter "Other Asia, nes"
    # the same total in WITS (reporter-declared, US$ millions with 2 decimals)
    wits_path = mirror / "wits" / "trade_summary" / "en_RUS_AllYears_WITS_Trade_Summary.CSV"
    with open(wits_path, encoding="cp1252", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Indicator"] == "Exports (in US$ Mil)")
    assert to_world == pytest.approx(float(row["2019"]) * 1e6, abs=5e3)


@pytest.mark.mirror
def test_mirror_wits(mirror: Path) -> None:
    result = _real(wits.DATASETS[0], mirror)
    path = mirror / "wits" / "trade_summary" / "en_PAK_AllYears_WITS_Trade_Summary.CSV"
    with open(path, encoding="cp1252", newline="") as handle:
        data = list(csv.DictReader(handle))
    textiles = next(r for r in data if r["Product categories"] == "Textiles and Clothing"
                    and r["Indicator"] == "Export(US$ Mil)")
    cp = result.tables["trade_country_products"]
    for year, published in ((2019, 13_656.0), (2015, 12_918.2)):  # SOURCE.md's table
        got = _value(cp, year=year, iso3="PAK", product="Textiles and Clothing")
        assert got == round(float(textiles[str(year)]) * 1e6)
        assert got / 1e6 == pytest.approx(published, abs=0.05)
    exports = next(r for r in data if r["Indicator"] == "Exports (in US$ Mil)")
    nat = result.tables["trade_national"]
    assert nat[(nat.iso3 == "PAK") & (nat.year == 2018)].exports_usd.iloc[0] == \
        round(float(exports["2018"]) * 1e6)
    assert len(set(nat.iso3)) > 190 and not nat.duplicated(["year", "iso3"]).any()


@pytest.mark.mirror
def test_mirror_wto_and_dots(mirror: Path) -> None:
    result = _real(wto.DATASETS[0], mirror)
    path = mirror / "wto" / "merchandise_values_annual_dataset_2019_2020.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        mate = next(r for r in csv.DictReader(handle) if r["ReporterISO3A"] == "PAK"
                    and r["ProductCode"] == "MATE" and r["Indicator"] == "Export"
                    and r["Year"] == "2019")
    assert _value(result.tables["trade_country_products"], year=2019, iso3="PAK", flow="export",
                  product="MATE") == float(mate["Value"]) * 1e6 == 7_696e6
    result = _real(dots.DATASETS[0], mirror)
    with open(mirror / "dots" / "imf_import_export.csv", encoding="utf-8", newline="") as handle:
        pk_ru = next(r for r in csv.DictReader(handle) if r["from"] == "PK" and r["to"] == "RU")
    dyadic = result.tables["trade_dyadic"]
    assert _value(dyadic, year=2019, exporter="PAK", importer="RUS") == \
        round(float(pk_ru["2019"]) * 1e6) == 144_100_000
    assert _value(dyadic, year=2020, exporter="NAM", importer="ZAF") > 0  # "NA" kept


@pytest.mark.mirror
def test_mirror_registries(mirror: Path) -> None:
    for dataset, folder, pattern in ((wits.DATASETS[0], "wits/trade_summary", "*.CSV"),
                                     (ots.DATASETS[0], "ots/country", "*.csv.gz")):
        listed = {f.path for f in dataset.files}
        on_disk = {f"{folder}/{p.name}" for p in (mirror / folder).glob(pattern)}
        assert on_disk <= listed
    assert len(wits.DATASETS[0].files) == 212
    assert all(f.url and f.url.startswith("https://raw.githubusercontent.com/listenzcc/")
               for f in wits.DATASETS[0].files)
