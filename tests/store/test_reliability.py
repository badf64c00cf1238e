"""Issue 15, finding by finding: each test failed before the change.

Finding 1 (a kill inside COMMIT) is tests/store/test_crash.py, finding 4 (readers and
writers) tests/store/test_concurrency.py; the fuzz suite over every parser is
tests/sources/test_fuzz.py. The command line is run in this process (``amity.cli.main``)
so that each check costs milliseconds, not an interpreter start.
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from amity._exceptions import (
    HashMismatchError,
    InputError,
    ShrinkError,
    SourceFormatError,
)
from amity.fetch import download
from amity.ingest import ingest_files
from amity.store import Store, open_store
from tests.conftest import DATA, gz
from tests.store.crash_harness import write_inputs

VOTES = DATA / "unvotes" / "UNVotesPublished.csv"


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """``amity ARGS`` in this process: (exit code, standard error)."""
    from amity.cli import main

    monkeypatch.setattr(sys, "argv", ["amity", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _votes_store(tmp_path: Path) -> tuple[Path, str]:
    home = tmp_path / "home"
    with open_store(home=home) as store:
        ingest_files(store, "unvotes", [gz(VOTES, tmp_path)])
    return home, (home / "amity.duckdb").read_bytes().hex()[:0] + _digest(home)


def _digest(home: Path) -> str:
    import hashlib

    return hashlib.sha256((home / "amity.duckdb").read_bytes()).hexdigest()


# -- finding 2: empty input never replaces a release ------------------------------------
def test_header_only_or_empty_input_is_an_error_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    home, before = _votes_store(tmp_path)
    monkeypatch.setenv("AMITY_HOME", str(home))
    header = tmp_path / "h" / "UNVotesPublished.csv.gz"
    header.parent.mkdir()
    header.write_bytes(gzip.compress(VOTES.read_text().splitlines(keepends=True)[0].encode()))
    code, err = run_cli(["ingest", "unvotes", str(header)], capsys, monkeypatch)
    assert code == 1 and "no data rows" in one_line(err) and "UNVotesPublished" in err
    empty = tmp_path / "e" / "UNVotesPublished.csv.gz"
    empty.parent.mkdir()
    empty.write_bytes(gzip.compress(b""))
    code, err = run_cli(["ingest", "unvotes", str(empty)], capsys, monkeypatch)
    assert code == 1 and "empty" in one_line(err)
    assert _digest(home) == before
    # a header-only COW trade file beside a good national file
    inputs = write_inputs(tmp_path / "cow")
    ddy, nat = inputs["cow_trade"]["old"]
    with open_store(home=home) as store:
        ingest_files(store, "cow_trade", [ddy, nat])
    before = _digest(home)
    cut = tmp_path / "cut" / ddy.name
    cut.parent.mkdir()
    cut.write_bytes(gzip.compress(gzip.decompress(ddy.read_bytes()).splitlines(True)[0]))
    code, err = run_cli(["ingest", "cow_trade", str(cut), str(nat)], capsys, monkeypatch)
    assert code == 1 and "cow_trade_ddy.csv.gz:2: the file has no data rows" in one_line(err)
    assert _digest(home) == before


def test_a_much_smaller_release_needs_allow_shrink(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    home, before = _votes_store(tmp_path)
    monkeypatch.setenv("AMITY_HOME", str(home))
    small = tmp_path / "s" / "UNVotesPublished.csv.gz"
    small.parent.mkdir()
    small.write_bytes(gzip.compress("".join(VOTES.read_text().splitlines(True)[:3]).encode()))
    code, err = run_cli(["ingest", "unvotes", str(small)], capsys, monkeypatch)
    line = one_line(err)
    assert code == 1 and "less than 50%" in line and "--allow-shrink" in line
    assert _digest(home) == before
    with open_store(home=home) as store, pytest.raises(ShrinkError):
        ingest_files(store, "unvotes", [small])
    code, err = run_cli(["ingest", "unvotes", str(small), "--allow-shrink"], capsys,
                        monkeypatch)
    assert code == 0, err
    with open_store(home=home, read_only=True) as store:
        assert store.table("un_votes").count().execute() == 2


# -- finding 3: a truncated gzip is an error, even with --on-bad-lines skip ---------------
def test_truncated_gzip_is_an_error_even_when_skipping_bad_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    home, before = _votes_store(tmp_path)
    monkeypatch.setenv("AMITY_HOME", str(home))
    big = (VOTES.read_text() + "".join(VOTES.read_text().splitlines(True)[1:]) * 0).encode()
    whole = gzip.compress(big * 1)
    cut = tmp_path / "t" / "UNVotesPublished.csv.gz"
    cut.parent.mkdir()
    cut.write_bytes(whole[:len(whole) * 2 // 3])
    for extra in ([], ["--on-bad-lines", "skip"]):
        code, err = run_cli(["ingest", "unvotes", str(cut), "--force", *extra], capsys,
                            monkeypatch)
        assert code == 1 and "the file is truncated" in one_line(err), err
    assert _digest(home) == before


# -- finding 5: paths and numbers checked before the work, no traceback, nothing left ----
def test_bad_output_paths_and_years_are_one_line(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMITY_HOME", str(tmp_path / "home"))
    Store(tmp_path / "home" / "amity.duckdb").close()  # an (empty) store exists
    code, err = run_cli(["profile", "PAK", "RUS", "--years", "1" * 20 + "-2000"], capsys,
                        monkeypatch)
    assert code == 2 and "four digits" in one_line(err)
    folder = tmp_path / "out.parquet"
    folder.mkdir()
    regular = tmp_path / "file.txt"
    regular.write_text("x")
    for target, needle in ((folder, "is a directory"), (regular / "x.parquet", "not a folder"),
                           (Path("/proc/amity.parquet"), "not writable"),
                           (tmp_path / "ro" / "x.parquet", "not writable")):
        if target.parent.name == "ro":
            target.parent.mkdir()
            target.parent.chmod(0o500)
            if os.access(target.parent, os.W_OK):  # running as root: nothing is read-only
                continue
        code, err = run_cli(["export", str(target)], capsys, monkeypatch)
        assert code == 1 and needle in one_line(err), (target, err)
    code, err = run_cli(["brief", "PAK", "RUS", "--out", str(tmp_path)], capsys, monkeypatch)
    assert code == 1 and "is a directory" in one_line(err)
    article = tmp_path / "a.txt"
    article.write_text("Pakistan and Russia traded $600M in 2019.")
    code, err = run_cli(["check", str(article), "--out", str(tmp_path / "no" / "r.txt")],
                        capsys, monkeypatch)
    assert code == 1 and "does not exist" in one_line(err)
    assert not list(tmp_path.rglob("*.part"))


def test_output_written_beside_and_moved_into_place(tmp_path: Path) -> None:
    from amity._files import replacing

    out = tmp_path / "r.csv"
    with pytest.raises(RuntimeError), replacing(out) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed halfway")
    assert list(tmp_path.iterdir()) == []  # nothing at the target, no temporary file


# -- finding 6: wrong answers with exit 0 ----------------------------------------------------
def test_negative_top_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for args in (["rank", "PAK", "--top", "-1"], ["opportunities", "PAK", "RUS", "--top", "-5"],
                 ["update", "--years", "20x2-2024"]):
        code, err = run_cli(args, capsys, monkeypatch)
        assert code == 2, (args, err)


def test_setup_fails_when_a_file_fails_its_hash_check(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from amity.sources import get_dataset

    mirror = tmp_path / "mirror"
    for f in get_dataset("cow_states").files:
        (mirror / f.path).parent.mkdir(parents=True, exist_ok=True)
        (mirror / f.path).write_text("not the publisher's file\n")
    monkeypatch.setenv("AMITY_HOME", str(tmp_path / "home"))
    code, err = run_cli(["setup", "--mirror", str(mirror), "--source", "cow_states"], capsys,
                        monkeypatch)
    assert code == 1
    assert "cow_states/2016: FAILED" in err and "1 source(s) failed" in err.splitlines()[-1]


# -- finding 7: user text in the Markdown brief is inert -------------------------------------
def test_markdown_brief_escapes_user_text(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    import amity.report as report

    evil = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:y) | z"
    monkeypatch.setattr(report, "_charts", lambda br: {})
    monkeypatch.setattr(report, "_timeline_rows", lambda br: [
        {"date": "2001-01-01", "kind": "visit", "title": evil, "source": evil}])
    side = SimpleNamespace(name="A <b>", iso3="AAA")
    br = SimpleNamespace(title=evil, profile=SimpleNamespace(a=side, b=side, years=(2000, 2001),
                                                             index=None),
                         headline=[], scorecard=[], coverage=[evil], missing=[], caveats=[],
                         citations=[{"source": "s", "release": "r", "title": evil,
                                     "citation": evil, "licence": "l"}])
    text = report.render_markdown(br, tmp_path / "charts", "charts")
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "[x](javascript" not in text and "\\[x\\](javascript:y)" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    row = next(line for line in text.splitlines() if line.startswith("| 2001-01-01"))
    assert row.count(" | ") == 3  # the title's | does not split the table cell


# -- finding 8: leftovers of killed writers are swept ---------------------------------------
def test_leftovers_are_swept_by_the_next_writer(tmp_path: Path) -> None:
    path = tmp_path / "amity.duckdb"
    Store(path).close()
    import duckdb

    con = duckdb.connect(str(path))  # as an older amity killed mid-setup left it
    con.execute("CREATE TABLE ibis_duckdb_table_abc (x INT)")
    con.execute("CREATE TABLE _stage_macro (x INT)")
    con.close()
    (tmp_path / ".amity.duckdb.123-abcd.work").write_bytes(b"half a copy")
    (tmp_path / ".amity.duckdb.123-abcd.work.wal").write_bytes(b"log")
    with Store(path) as store:
        tables = set(store.ibis.list_tables())
    assert not {"ibis_duckdb_table_abc", "_stage_macro"} & tables
    assert sorted(p.name for p in tmp_path.iterdir()) == ["amity.duckdb", "amity.duckdb.lock"]


def test_a_killed_download_leaves_no_part_after_the_rerun(tmp_path: Path) -> None:
    src = tmp_path / "src.csv"
    src.write_text("a\n1\n")
    dest = tmp_path / "cache" / "file.csv"
    dest.parent.mkdir()
    (dest.parent / ".file.csv.x1y2.part").write_bytes(b"")  # a kill mid-download
    download(src.as_uri(), dest)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["file.csv"]


# -- finding 9: smaller things ------------------------------------------------------------------
def test_directory_fifo_bom_and_line_numbers(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(InputError, match="is a directory"):
        ingest_files(store, "unvotes", [tmp_path])
    fifo = tmp_path / "UNVotesPublished.csv.gz"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        ingest_files(store, "unvotes", [fifo])
    fifo.unlink()
    bom = tmp_path / "bom" / "UNVotesPublished.csv.gz"
    bom.parent.mkdir()
    bom.write_bytes(gzip.compress(b"\xef\xbb\xbf" + VOTES.read_bytes()))
    assert sum(ingest_files(store, "unvotes", [bom]).rows.values()) > 0
    # an unclosed quote on line 4 of a timeline is reported at line 4
    lines = (DATA / "timeline" / "good.csv").read_text().splitlines(keepends=True)
    assert lines[3].startswith("# ")
    lines[4] = lines[4].replace(",other,", ',"other,', 1)
    timeline = tmp_path / "my.csv"
    timeline.write_text("".join(lines))
    with pytest.raises(SourceFormatError, match=r"my\.csv:5: malformed CSV"):
        ingest_files(store, "timeline", [timeline])
    store.close()


def test_messages_show_values_not_numpy_reprs() -> None:
    import numpy as np

    from amity.sources._base import shown

    assert f"value {shown(np.int64(5))} is not" == "value 5 is not"


def test_hash_mismatch_names_the_target_not_the_temporary_file(tmp_path: Path) -> None:
    src = tmp_path / "src.csv"
    src.write_text("a\n1\n")
    dest = tmp_path / "cache" / "file.csv"
    with pytest.raises(HashMismatchError) as caught:
        download(src.as_uri(), dest, expected="0" * 64)
    assert str(caught.value).startswith(f"{dest}: sha256 is")
    assert ".part" not in str(caught.value)
    assert not dest.exists() and list(dest.parent.iterdir()) == []
