"""UN Comtrade total exports by partner (``comtrade_totals``).

The fixtures in tests/data/comtrade_totals are typed by hand in the publisher's layouts
(two yearly files, tiny reference lists with the traps: a pseudo-area, Other Asia nes, a
historic name, a group, names only in the partner list, a name in neither list, a
reporter missing in 2022). The expected rows below were worked out by hand from them.
Mirror tests recompute values a second way with the csv and gzip modules.
"""

from __future__ import annotations

import collections
import csv
import gzip
import json
import math
import numbers
import re
from pathlib import Path

import pandas as pd
import pytest

from amity._contract import ParseResult
from amity._exceptions import SourceFormatError
from amity.fetch import locate
from amity.sources import comtrade_totals
from amity.sources._trade import TAIWAN_CAVEAT
from amity.store import Store
from tests.conftest import DATA, gz

FIXTURES = DATA / "comtrade_totals"
DATASET = comtrade_totals.DATASETS[0]
Y2020, Y2022 = "comtrade_all_exports_2020A.csv.gz", "comtrade_all_exports_2022A.csv.gz"
LISTS = ("comtrade_reporters.csv", "comtrade_partners.csv")


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


def paths(tmp_path: Path, replace: dict[str, str] | None = None) -> dict[str, Path]:
    """The fixtures under their mirror names (yearly files gzipped); ``replace`` swaps a
    file's text (keyed by the fixture's own name)."""
    edited = tmp_path / "edited"
    edited.mkdir(exist_ok=True)
    out = {}
    for src in sorted(FIXTURES.glob("*.csv")):
        if replace and src.name in replace:
            (edited / src.name).write_text(replace[src.name], encoding="utf-8")
            src = edited / src.name
        if src.name in LISTS:
            out[src.name] = src
        else:
            out[src.name + ".gz"] = gz(src, tmp_path)
    return out


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse(tmp_path: Path, replace: dict[str, str] | None = None,
          on_bad_lines: str = "error") -> ParseResult:
    return DATASET.parse(paths(tmp_path, replace), on_bad_lines)  # type: ignore[arg-type]


# -- the hand-made fixtures ------------------------------------------------------------------
DYADIC = {
    (2020, "PAK", "RUS", 150_001.0),  # 150000.6 rounded to whole dollars
    (2020, "PAK", "TWN", 2_500.0),  # partner "Other Asia, nes" (490)
    (2020, "PAK", "SDN", 55.0),  # "Sudan" (729); "Sudan (...2011)" is dropped
    (2020, "PAK", "SXM", 70.0),  # "Sint Maarten": in neither list, joined by hand
    (2020, "PAK", "XKX", 80.0),  # Kosovo, ISO3 column "_KS"
    (2020, "PAK", "CHE", 11.0),  # "Switzerland " (756, with its trailing space)
    (2020, "RUS", "PAK", 200_000.0),
    (2020, "RUS", "TWN", 600.0),  # "Taiwan, Province of China" beats "Other Asia, nes" 650
    (2020, "RUS", "CHE", 13.0),  # "Switzerland" (757)
    (2020, "TWN", "PAK", 700.0),  # reporter "Other Asia, nes" (isGroup True in its list)
    (2020, "BHR", "PAK", 7.0),  # Bahrain -> Bahrain is dropped
    (2022, "PAK", "RUS", 160_000.0),
    (2022, "PAK", "CHN", 5_000.0),  # 5000.25
    (2022, "PAK", "SXM", 71.0),  # "Saint Maarten", the list's own name
    (2022, "CHN", "RUS", 900_000.0),
    (2022, "CHN", "PAK", 800_000.0),
}
NATIONAL = {
    (2020, "PAK", 1_000_000.0, None), (2020, "RUS", 5_000_000.0, None),
    (2020, "TWN", 3_000.0, None), (2020, "BHR", 100.0, None),  # no EU row: a group
    (2022, "PAK", 1_200_000.0, None), (2022, "CHN", 7_000_000.0, None),
}


def test_fixture_rows(tmp_path: Path) -> None:
    result = parse(tmp_path)
    assert set(result.tables) == {"trade_dyadic", "trade_national"}
    assert rows(result.tables["trade_dyadic"]) == DYADIC
    assert rows(result.tables["trade_national"]) == NATIONAL
    assert result.skipped == 0
    assert result.scope["reporters_by_year"] == {"2020": ["BHR", "PAK", "RUS", "TWN"],
                                                 "2022": ["CHN", "PAK"]}
    json.dumps(result.scope)  # recorded with the release: must be JSON


def test_missing_reporter_is_missing_not_zero(tmp_path: Path) -> None:
    result = parse(tmp_path)
    flows, totals = result.tables["trade_dyadic"], result.tables["trade_national"]
    assert not ((flows.year == 2022) & (flows.exporter == "RUS")).any()
    assert not ((totals.year == 2022) & (totals.iso3 == "RUS")).any()
    assert "RUS" not in result.scope["reporters_by_year"]["2022"]
    # RUS as an importer in 2022 is still there, from the exporters' own reports
    assert ((flows.year == 2022) & (flows.importer == "RUS")).sum() == 2


def test_fixture_notes(tmp_path: Path) -> None:
    notes = parse(tmp_path).notes
    y2020 = [n for n in notes if n.startswith(Y2020)]
    y2022 = [n for n in notes if n.startswith(Y2022)]
    assert len(y2020) == 5 and len(y2022) == 1, notes
    partners = next(n for n in y2020 if "partners that are not countries" in n)
    # PAK: World, Areas nes, Sudan (...2011), Europe EU nes; RUS: World, Bunkers, Serbia and
    # Montenegro, Br. Antarctic Terr.; TWN and BHR: World (the EU's rows are in another note)
    assert partners.startswith(f"{Y2020}: 10 rows")
    for name in ("World [group]", "Areas, nes [pseudo-area]", "Bunkers [pseudo-area]",
                 "Europe EU, nes [pseudo-area]", "Sudan (...2011) [historic, to 2011-06-30]",
                 "Serbia and Montenegro (...2005) [historic, to 2006-05-31]",
                 "Br. Antarctic Terr. [ATB: no country amity knows]"):
        assert name in partners
    assert any(n.startswith(f"{Y2020}: 2 rows with reporters that are not countries")
               and "European Union [group]" in n for n in y2020)
    assert any("1 rows of exports to the reporter itself" in n and "Bahrain" in n
               for n in y2020)
    assert any("1 rows dropped because another" in n
               and "Russian Federation -> Other Asia, nes" in n for n in y2020)
    assert y2022[0].startswith(f"{Y2022}: 3 rows") and (
        "Belgium-Luxembourg (...1998) [historic, to 1998-12-31]" in y2022[0])


def test_unknown_name_is_reported(tmp_path: Path) -> None:
    notes = parse(tmp_path).notes
    unknown = [n for n in notes if "not in comtrade_partners.csv" in n]
    assert len(unknown) == 1
    # "Kyrgyz Republic" is line 20 of the 2020 file (the header is line 1)
    assert f"'Kyrgyz Republic' ({Y2020}:20, 1 rows)" in unknown[0]
    assert unknown[0].startswith(f"{Y2020}: 1 rows with names not in")
    assert "_ALIASES" in unknown[0]  # the fix
    # a reporter in neither list
    text = fixture_text("comtrade_all_exports_2022A.csv") + "2022-01-01,9,Atlantis,China\n"
    notes = parse(tmp_path, {"comtrade_all_exports_2022A.csv": text}).notes
    assert any(f"'Atlantis' ({Y2022}:10, 1 rows)" in n and "comtrade_reporters.csv" in n
               for n in notes)


def test_ingest_into_store(tmp_path: Path) -> None:
    result = parse(tmp_path)
    store = Store(tmp_path / "s.duckdb")
    store.ingest(DATASET, result, hashes={})
    flows = store.table("trade_dyadic", source="comtrade_totals").execute()
    assert len(flows) == len(DYADIC)
    assert set(flows.release) == {"plus-2023"}
    hit = flows[(flows.exporter == "PAK") & (flows.importer == "RUS") & (flows.year == 2020)]
    assert hit.value_usd.tolist() == [150_001.0]
    totals = store.table("trade_national", source="comtrade_totals").execute()
    assert len(totals) == len(NATIONAL) and totals.imports_usd.isna().all()
    release = store.release("comtrade_totals", "plus-2023")
    assert release is not None
    assert release.scope["reporters_by_year"]["2022"] == ["CHN", "PAK"]
    assert TAIWAN_CAVEAT in release.caveats
    assert any("Russia" in c for c in release.caveats)
    store.close()


# -- malformed files ------------------------------------------------------------------------
def _edit(name: str, line: int, text: str) -> dict[str, str]:
    """The fixture ``name`` with its 1-based ``line`` replaced by ``text``."""
    lines = fixture_text(name).splitlines()
    lines[line - 1] = text
    return {name: "\n".join(lines) + "\n"}


@pytest.mark.parametrize(("line", "column", "message"), [
    ("2020-01-01,55,Pakistan,Sudan,extra", None, "Expected Number of Columns"),
    ("2020-01-01,n/a,Pakistan,Sudan", "value", "Could not convert"),
    ("2020-01-01,-55,Pakistan,Sudan", "value", "missing or negative"),
    ("2020-01-01,,Pakistan,Sudan", "value", "missing or negative"),
    ("2021-01-01,55,Pakistan,Sudan", "date", "date is not 2020-01-01"),
    ("2020-01-01,55,Pakistan,", "partner", "partner name is empty"),
    ("2020-01-01,55,,Sudan", "reporter", "reporter name is empty"),
    ("2020-01-01,55,Pakistan,Kosovo", "partner", "pair is repeated"),
])
def test_malformed_row(tmp_path: Path, line: str, column: str | None, message: str) -> None:
    replace = _edit("comtrade_all_exports_2020A.csv", 7, line)  # Pakistan -> Sudan
    where = rf"{re.escape(Y2020)}:{9 if 'Kosovo' in line else 7}: "
    if column:
        where += f"column '{column}'"
    with pytest.raises(SourceFormatError, match=where) as info:
        parse(tmp_path, replace)
    assert message in str(info.value) and "--on-bad-lines skip" in str(info.value)
    result = parse(tmp_path, replace, "skip")
    assert result.skipped == 1
    expected = DYADIC - {(2020, "PAK", "SDN", 55.0)}
    if "Kosovo" in line:  # the repeated pair: the first (line 7) stays, line 9 goes
        expected = expected - {(2020, "PAK", "XKX", 80.0)} | {(2020, "PAK", "XKX", 55.0)}
    assert rows(result.tables["trade_dyadic"]) == expected


def test_skip_counts_rows_in_both_files(tmp_path: Path) -> None:
    replace = {**_edit("comtrade_all_exports_2020A.csv", 2, "2020-01-01,1,2,3,4"),
               **_edit("comtrade_all_exports_2022A.csv", 3, "2022-01-01,-1,Pakistan,"
                       "Russian Federation")}
    result = parse(tmp_path, replace, "skip")
    assert result.skipped == 2
    assert (2020, "PAK", 1_000_000.0, None) not in rows(result.tables["trade_national"])
    assert (2022, "PAK", "RUS", 160_000.0) not in rows(result.tables["trade_dyadic"])
    # with rows skipped, line numbers are unknown: the unknown-name note omits them
    assert any("'Kyrgyz Republic' (1 rows)" in n for n in result.notes)


def test_bad_headers_and_lists(tmp_path: Path) -> None:
    text = fixture_text("comtrade_all_exports_2020A.csv").replace("value,", "primaryValue,", 1)
    with pytest.raises(SourceFormatError, match=rf"{re.escape(Y2020)}:1: unexpected columns"):
        parse(tmp_path, {"comtrade_all_exports_2020A.csv": text})
    # the partner list's header spelled as SOURCE.md has it (lower-case partner...)
    text = fixture_text("comtrade_partners.csv").replace("PartnerDesc,", "partnerDesc,", 1)
    with pytest.raises(SourceFormatError, match=r"comtrade_partners\.csv:1: unexpected columns"):
        parse(tmp_path, {"comtrade_partners.csv": text})
    lines = fixture_text("comtrade_reporters.csv").splitlines()
    lines.append(lines[5])  # Pakistan listed twice, again on line 10
    with pytest.raises(SourceFormatError, match=r"comtrade_reporters\.csv:10: column 'desc'"
                                                r".*'Pakistan' is listed twice"):
        parse(tmp_path, {"comtrade_reporters.csv": "\n".join(lines) + "\n"})
    text = fixture_text("comtrade_partners.csv").replace(",Kosovo,,,_KS,1900-01-01T00:00:00,"
                                                         "False,", ",Kosovo,,,_KS,1900,No,")
    with pytest.raises(SourceFormatError, match=r"comtrade_partners\.csv:9: column 'isGroup'"):
        parse(tmp_path, {"comtrade_partners.csv": text})
    files = paths(tmp_path)
    del files["comtrade_partners.csv"]
    with pytest.raises(SourceFormatError, match="reference list is missing"):
        DATASET.parse(files, "error")


def test_dataset_metadata() -> None:
    assert (DATASET.source, DATASET.release, DATASET.default) == ("comtrade_totals",
                                                                  "plus-2023", True)
    names = [f.name for f in DATASET.files]
    assert names == [f"comtrade_all_exports_{y}A.csv.gz" for y in range(2014, 2023)] + [
        "comtrade_reporters.csv", "comtrade_partners.csv"]
    assert "comtrade_all_exports_2021A_pcd15_raw.csv.gz" not in names  # a cross-check only
    for f in DATASET.files:
        assert f.path == f"comtrade_totals/{f.name}" and f.url is None
        assert re.fullmatch(r"[0-9a-f]{64}", f.sha256 or "")
    assert DATASET.tables == ("trade_dyadic", "trade_national")
    assert "comtradeplus.un.org" in DATASET.citation and TAIWAN_CAVEAT in DATASET.caveats


# -- the real mirror ------------------------------------------------------------------------
#: SOURCE.md's table: rows and reporters per yearly file.
SOURCE_MD = {2014: (23_421, 169), 2015: (23_916, 171), 2016: (24_055, 171),
             2017: (24_056, 171), 2018: (23_885, 168), 2019: (23_503, 161),
             2020: (22_630, 155), 2021: (22_383, 149), 2022: (14_239, 85)}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def real(mirror: Path) -> ParseResult:
    files = {f.name: locate(f, mirror=mirror) for f in DATASET.files}  # sha256-checked
    return DATASET.parse(files, "error")


def _value(frame: pd.DataFrame, year: int, a: str, b: str) -> float:
    hit = frame[(frame.year == year) & (frame.exporter == a) & (frame.importer == b)]
    assert len(hit) == 1, (year, a, b)
    return float(hit.value_usd.iloc[0])


@pytest.mark.mirror
def test_mirror_pakistan_to_russia(real: ParseResult, mirror: Path) -> None:
    folder = mirror / "comtrade_totals"
    flows = real.tables["trade_dyadic"]
    raw_2020 = [r for r in _csv_rows(folder / "comtrade_all_exports_2020A.csv.gz")
                if r["reporter"] == "Pakistan" and r["partner"] == "Russian Federation"]
    assert len(raw_2020) == 1
    value = _value(flows, 2020, "PAK", "RUS")
    assert value == round(float(raw_2020[0]["value"]))
    assert value == pytest.approx(0.14e9, rel=0.05)  # SOURCE.md: US$0.14 bn
    assert value == pytest.approx(146.2e6, rel=0.02)  # IMF DOTS: US$146.2 M
    # 2021 from the raw file, by codes (586 Pakistan, 643 Russian Federation)
    raw = [r for r in _csv_rows(folder / "comtrade_all_exports_2021A_pcd15_raw.csv.gz")
           if r["reporterCode"] == "586" and r["partnerCode"] == "643"]
    assert len(raw) == 1
    assert _value(flows, 2021, "PAK", "RUS") == round(float(raw[0]["primaryValue"]))


@pytest.mark.mirror
def test_mirror_reporters_per_year(real: ParseResult, mirror: Path) -> None:
    by_year = real.scope["reporters_by_year"]
    totals = real.tables["trade_national"]
    for year, (n_rows, n_reporters) in SOURCE_MD.items():
        raw = _csv_rows(mirror / "comtrade_totals" / f"comtrade_all_exports_{year}A.csv.gz")
        assert len(raw) == n_rows
        assert len({r["reporter"] for r in raw}) == n_reporters
        assert len(by_year[str(year)]) == n_reporters  # no two reporter names share a code
        assert (totals.year == year).sum() == n_reporters  # each has its World row
        world = {r["reporter"]: round(float(r["value"])) for r in raw if r["partner"] == "World"}
        if year == 2020:
            assert totals[(totals.year == 2020) & (totals.iso3 == "PAK")].exports_usd.tolist() \
                == [world["Pakistan"]]
    assert "RUS" not in by_year["2022"] and "RUS" in by_year["2021"]
    flows = real.tables["trade_dyadic"]
    assert not ((flows.year == 2022) & (flows.exporter == "RUS")).any()
    assert ((flows.year == 2021) & (flows.exporter == "RUS")).sum() > 150
    assert "TWN" in by_year["2020"]  # "Other Asia, nes" reports


@pytest.mark.mirror
def test_mirror_raw_2021_cross_check(real: ParseResult, mirror: Path) -> None:
    """The raw 2021 file (codes) against the 2021 yearly file (names, parsed by amity)."""
    folder = mirror / "comtrade_totals"
    raw = _csv_rows(folder / "comtrade_all_exports_2021A_pcd15_raw.csv.gz")
    assert len(raw) == 21_338 and len({r["reporterCode"] for r in raw}) == 140
    assert {(r["freqCode"], r["refYear"], r["refMonth"], r["flowDesc"]) for r in raw} == {
        ("A", "2021", "52", "Export")}
    # the codes confirm the name join: every raw name has its code in the reference lists
    with open(folder / "comtrade_partners.csv", encoding="utf-8", newline="") as handle:
        partner_code = {r["PartnerDesc"]: r["PartnerCode"] for r in csv.DictReader(handle)}
    with open(folder / "comtrade_reporters.csv", encoding="utf-8", newline="") as handle:
        reporter_code = {r["reporterDesc"]: r["reporterCode"] for r in csv.DictReader(handle)}
    assert all(partner_code[r["partnerDesc"]] == r["partnerCode"]
               and reporter_code[r["reporterDesc"]] == r["reporterCode"] for r in raw)
    # pairs by ISO3 from the raw file's own columns (S19, Other Asia nes, read as Taiwan)
    iso = {"S19": "TWN"}
    flows = real.tables["trade_dyadic"]
    parsed = {(a, b): v for a, b, v in
              flows.loc[flows.year == 2021, ["exporter", "importer", "value_usd"]].itertuples(
                  index=False)}
    verdict: collections.Counter[str] = collections.Counter()
    reporters_disagreeing = set()
    for r in raw:
        key = (iso.get(r["reporterISO"], r["reporterISO"]), iso.get(r["partnerISO"],
                                                                    r["partnerISO"]))
        if key not in parsed:
            continue
        same = parsed[key] == round(float(r["primaryValue"]))
        verdict["agree" if same else "disagree"] += 1
        if not same:
            reporters_disagreeing.add(r["reporterDesc"])
    print(f"raw 2021 vs yearly 2021: {dict(verdict)}; {len(reporters_disagreeing)} reporters "
          f"revised: {sorted(reporters_disagreeing)}")
    assert verdict == {"agree": 19_620, "disagree": 1_333}
    assert len(reporters_disagreeing) == 16 and "Singapore" in reporters_disagreeing


@pytest.mark.mirror
def test_mirror_partners_sum_to_world(mirror: Path) -> None:
    """SOURCE.md: in every reporter-year the partner flows sum to the World row
    (ratio at least 0.985: Qatar 2018; at most 1.000003: Namibia 2019)."""
    for year in SOURCE_MD:
        world: dict[str, float] = {}
        parts: collections.Counter[str] = collections.Counter()
        for r in _csv_rows(mirror / "comtrade_totals" / f"comtrade_all_exports_{year}A.csv.gz"):
            if r["partner"] == "World":
                world[r["reporter"]] = float(r["value"])
            else:
                parts[r["reporter"]] += float(r["value"])  # type: ignore[assignment]
        ratios = [parts[k] / v for k, v in world.items() if v]
        assert min(ratios) >= 0.985 and max(ratios) <= 1.00001, year
