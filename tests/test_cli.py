"""The command line, run as a user runs it: exit codes, one-line errors, stable JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from amity.ingest import ingest_files
from amity.store import open_store
from tests.conftest import DATA, gz


def amity(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AMITY_HOME": str(home), "COLUMNS": "200"}
    env.pop("AMITY_MIRROR", None)
    return subprocess.run([sys.executable, "-m", "amity.cli", *args], env=env, text=True,
                          capture_output=True, input=stdin, timeout=300)


@pytest.fixture(scope="module")
def home(real_home: Path) -> Path:
    """The session's real store (ingested with `setup`), copied into an AMITY_HOME."""
    return real_home


@pytest.mark.mirror
def test_profile_json_names_and_codes_give_the_same_rows(home: Path) -> None:
    by_code = amity("profile", "PAK", "RUS", "--years", "1990-2014", "--format", "json", home=home)
    by_name = amity("profile", "Pakistan", "Russian Federation", "--years", "1990-2014",
                    "--format", "json", home=home)
    assert by_code.returncode == by_name.returncode == 0, by_code.stderr
    assert by_code.stdout == by_name.stdout
    doc = json.loads(by_code.stdout)
    assert set(doc) >= {"pair", "years", "rows", "index", "citations"}
    assert doc["pair"]["a"]["iso3"] == "PAK" and doc["pair"]["b"]["iso3"] == "RUS"
    rows = doc["rows"]
    assert {r["year"] for r in rows} == set(range(1990, 2015))
    wanted = {"un_agreement", "un_common_votes", "un_kappa", "un_idealpoint_distance",
              "trade_a_to_b_usd", "trade_b_to_a_usd", "trade_total_usd", "trade_balance_a_usd",
              "trade_share_a", "trade_share_b", "shared_igos"}
    for year in range(1990, 2015):
        have = {r["indicator"]: r for r in rows if r["year"] == year}
        assert wanted <= set(have)
        for name in wanted:
            r = have[name]
            assert r["value"] is not None, (year, name, r["note"])
            assert r["unit"] and r["source"] and r["release"]
    cited = {c["source"] for c in doc["citations"]}
    assert cited == {"unvotes", "un_idealpoints", "cow_trade", "cow_igo", "sipri", "gml_mid",
                     "cow_mid", "ucdp", "cow_war", "rivalries"}


@pytest.mark.mirror
def test_profile_na_after_coverage_has_a_note_not_zero(home: Path) -> None:
    done = amity("profile", "PAK", "RUS", "--years", "2013-2023", "--format", "json", home=home)
    rows = json.loads(done.stdout)["rows"]
    trade_2023 = next(r for r in rows if r["year"] == 2023 and r["indicator"] == "trade_total_usd")
    assert trade_2023["value"] is None
    assert trade_2023["note"] == ("outside the coverage of cow_trade 4.0: 1870-2014; "
                                  "comtrade_totals plus-2023: 2014-2022")
    igo = {r["year"]: r for r in rows if r["indicator"] == "shared_igos"}
    assert igo[2017]["value"] == igo[2014]["value"] is not None  # carried, and said so
    assert igo[2017]["note"].startswith("as of 2014: the latest value, carried forward")
    assert igo[2020]["value"] is None and "coverage" in igo[2020]["note"]


@pytest.mark.mirror
def test_profile_table_all_sources_and_csv(home: Path) -> None:
    table = amity("profile", "PAK", "RUS", "--years", "1946-2019", home=home)
    assert table.returncode == 0 and "Pakistan (PAK) – Russia (RUS), 1946–2019" in table.stdout
    assert "political — unvotes unvotes-0.3.0" in table.stdout
    both = amity("profile", "PAK", "RUS", "--years", "2000", "--all-sources", "--format", "csv",
                 home=home)
    lines = [line for line in both.stdout.splitlines() if ",un_agreement," in line
             and ",un_agreement,," not in line]  # the releases with a value for 2000
    assert len(lines) == 2 and any("voeten-2017" in line and "0.765625" in line
                                   for line in lines)
    picked = amity("profile", "PAK", "RUS", "--years", "2000", "--source", "unvotes/voeten-2017",
                   "--format", "csv", home=home)
    assert ",un_agreement,0.765625," in picked.stdout


@pytest.mark.mirror
def test_setup_again_is_a_noop_and_sources_lists_everything(home: Path, mirror: Path) -> None:
    again = amity("setup", "--mirror", str(mirror), "--source", "cow_trade", home=home)
    assert again.returncode == 0 and "unchanged" in again.stderr
    listed = json.loads(amity("sources", "--format", "json", home=home).stdout)
    trade = next(r for r in listed if r["source"] == "cow_trade")
    assert trade["ingested"] and trade["rows"] > 1_000_000 and trade["coverage"] == "1870-2014"
    assert "Barbieri" in trade["citation"]
    cite = amity("cite", "cow_trade", home=home)
    assert cite.returncode == 0 and "Barbieri" in cite.stdout


@pytest.mark.parametrize("args, needle", [
    (["profile", "PAK", "Pakistn"], "did you mean: Pakistan"),
    (["profile", "PAK", "RUS", "--years", "20x0"], "--years 20x0"),
    (["profile", "PAK", "PAK"], "same country"),
    (["ingest", "nosuchsource", "x.csv"], "no such file"),
])
def test_bad_input_is_one_line_exit_1(tmp_path: Path, args: list[str], needle: str) -> None:
    done = amity(*args, home=tmp_path)
    assert done.returncode == 1, done.stderr
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_empty_store_exit_3_and_usage_exit_2(tmp_path: Path) -> None:
    done = amity("profile", "PAK", "RUS", home=tmp_path)
    assert done.returncode == 3 and "amity setup" in done.stderr
    assert amity("profile", "PAK", home=tmp_path).returncode == 2


def test_malformed_file_via_cli_names_file_and_line(tmp_path: Path) -> None:
    lines = (DATA / "unvotes" / "UNVotesPublished.csv").read_text().splitlines()
    assert lines[5].startswith("2,55,1,770,")
    lines[5] = "2,55,1,770,1,1"  # line 6 loses most of its fields
    bad = tmp_path / "UNVotesPublished.csv.gz"
    import gzip

    bad.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    home = tmp_path / "home"
    (tmp_path / "ok").mkdir()
    good = gz(DATA / "unvotes" / "UNVotesPublished.csv", tmp_path / "ok")
    with open_store(home=home) as store:
        ingest_files(store, "unvotes", [good])
    done = amity("ingest", "unvotes", str(bad), home=home)
    assert done.returncode == 1
    assert f"{bad}:6:" in done.stderr and "--on-bad-lines skip" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    with open_store(home=home, read_only=True) as store:  # the earlier data is intact
        assert store.table("un_votes").count().to_pyarrow().as_py() == 12
    skipped = amity("ingest", "unvotes", str(bad), "--on-bad-lines", "skip", home=home)
    assert skipped.returncode == 0 and "skipped 1 malformed rows" in skipped.stderr


@pytest.mark.mirror
def test_cite_formats_and_unknown_source(home: Path) -> None:
    bib = amity("cite", "cow_trade", "--format", "bibtex", home=home)
    assert bib.returncode == 0 and bib.stdout.lstrip().startswith("@")
    assert "Barbieri" in bib.stdout and bib.stdout.count("{") == bib.stdout.count("}")
    ris = amity("cite", "cow_trade/4.0", "--format", "ris", home=home)
    lines = ris.stdout.strip().splitlines()
    assert ris.returncode == 0 and lines[0].startswith("TY  - ") and lines[-1].startswith("ER  -")
    assert any(line == "ET  - 4.0" for line in lines)
    unknown = amity("profile", "PAK", "RUS", "--source", "nosuch", home=home)
    assert amity("cite", "nosuch", home=home).returncode == 2
    assert unknown.returncode == 2 and "unknown source 'nosuch'" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


@pytest.mark.mirror
def test_profile_years_outside_every_source(home: Path) -> None:
    far = amity("profile", "PAK", "RUS", "--years", "3000-3010", home=home)
    assert far.returncode == 1 and "no data in that range" in far.stderr
