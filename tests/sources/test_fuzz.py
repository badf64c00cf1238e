"""Malformed inputs for every parser: one clear line naming the file (and the line), the
store unchanged (issue 15, findings 2, 3 and 9).

Each parser's fixture files are mutated the ways real files go wrong: emptied, cut to the
header, cut short (the text, or the gzip stream), given a byte-order mark or CRLF line
ends, re-encoded as Latin-1, given an extra or a missing column or field, a non-number, a
huge field, an unclosed quote, a NUL byte or random bytes. Every mutation that must fail
is ingested into one store holding the good releases; it must raise an :class:`AmityError`
whose message is one line, names the file and, for a broken row, its line; the store's
published file and its tables stay exactly as they were. Mutations a parser may accept
(a BOM, CRLF) must give the rows of the original file; those that may read as a smaller
valid file (text cut at a field) must fail cleanly or give a prefix of the rows.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from amity._exceptions import AmityError
from amity.ingest import ingest_files
from amity.sources import get_dataset
from amity.sources.engagements import user_dataset
from amity.store import Store
from tests._fixtures import files as fixture_files
from tests.conftest import DATA, gz

# dataset key -> files without a header line
_HEADERLESS = {"openflights/2014-06": {"routes.dat", "airports.dat", "airports-extended.dat",
                                       "countries.dat"}}
_KEYS = ("atop/5.1", "cow_states/2016", "sipri/processed", "openflights/2014-06",
         "migration/2019-clean", "students/oecd-2013-2019", "wdi/datahub", "cow_trade/4.0",
         "unvotes/voeten-2017", "timeline/user")


def _inputs(key: str, tmp: Path) -> dict[str, Path]:
    tmp.mkdir(parents=True, exist_ok=True)
    if key == "cow_trade/4.0":
        return {p.name: p for p in (gz(DATA / "cow" / n, tmp) for n in
                                     ("cow_trade_ddy.csv", "National_COW_4.0.csv"))}
    if key == "unvotes/voeten-2017":
        p = gz(DATA / "unvotes" / "UNVotesPublished.csv", tmp)
        return {p.name: p}
    if key == "timeline/user":
        p = tmp / "my_timeline.csv"
        p.write_bytes((DATA / "timeline" / "good.csv").read_bytes())
        return {p.name: p}
    return fixture_files(key, tmp)


def _dataset(key: str, paths: dict[str, Path]):  # noqa: ANN202 - a Dataset
    if key == "timeline/user":
        return user_dataset(list(paths.values()))
    source, release = key.split("/")
    return get_dataset(source, release)


def _source(key: str) -> str:
    return key.split("/")[0]


def _text(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


def _row_fields(line: str) -> list[str]:
    return line.split(",")


# a mutation: (name, kind, function (text, rng) -> (bytes, line or None))
# kind: "fail" must fail; "same" must give the original rows; "prefix" fails or gives a prefix
Mutation = tuple[str, str, Callable[[str, random.Random], tuple[bytes, int | None]]]


def _in_row(fn: Callable[[list[str], random.Random], list[str]], header: bool):  # noqa: ANN202
    def mutate(text: str, rng: random.Random) -> tuple[bytes, int | None]:
        lines = text.splitlines(keepends=True)
        first = 1 if header else 0
        rows = [i for i in range(first, len(lines))  # not a blank or a comment line
                if lines[i].strip() and not lines[i].startswith("#")]
        k = rng.choice(rows)
        end = "\r\n" if lines[k].endswith("\r\n") else "\n" if lines[k].endswith("\n") else ""
        fields = _row_fields(lines[k][:len(lines[k]) - len(end)])
        lines[k] = ",".join(fn(fields, rng)) + end
        return "".join(lines).encode("utf-8"), k + 1
    return mutate


def _mutations(header: bool, gzipped: bool) -> list[Mutation]:
    out: list[Mutation] = [
        ("empty", "fail", lambda t, r: (b"", None)),
        ("garbage", "fail", lambda t, r: (bytes(r.randrange(256) for _ in range(300)), None)),
        ("bom", "same", lambda t, r: (("\ufeff" + t).encode("utf-8"), None)),
        ("crlf", "same", lambda t, r: (t.replace("\r\n", "\n").replace("\n", "\r\n")
                                       .encode("utf-8"), None)),
        ("cut_text", "prefix", lambda t, r: (t.encode("utf-8")[:r.randrange(
            len(t.splitlines()[0]) + 2, len(t.encode("utf-8")) - 1)], None)),
        ("extra_field", "fail", _in_row(lambda f, r: [*f, "1"], header)),
        ("missing_field", "fail", _in_row(lambda f, r: f[:-1], header)),
        ("unclosed_quote", "fail", _in_row(
            lambda f, r: [*f[:-1], '"' + f[-1] + ",x,y"], header)),
        ("not_a_number", "prefix", _in_row(
            lambda f, r: [x if i else "x1y" for i, x in enumerate(f)] if len(f) > 1 else
            ["x1y"], header)),
        ("huge_field", "prefix", _in_row(
            lambda f, r: ["9" * 200_000, *f[1:]], header)),
        ("nul_byte", "prefix", _in_row(lambda f, r: [f[0] + "\x00", *f[1:]], header)),
    ]
    if header:
        out += [
            ("header_only", "fail", lambda t, r: (t.splitlines(keepends=True)[0]
                                                  .encode("utf-8"), None)),
            ("extra_column", "fail", lambda t, r: (re.sub(r"^([^\r\n]*)", r"\1,extra", t, count=1)
                                                   .encode("utf-8"), 1)),
            ("missing_column", "fail", lambda t, r: (re.sub(r"^([^\r\n]*),[^,\r\n]*", r"\1",
                                                            t, count=1).encode("utf-8"), 1)),
        ]
    out.append(("latin1", "fail", _in_row(lambda f, r: [f[0] + "\u00e9", *f[1:]], header)))
    return out


def _encode(data: bytes | str) -> bytes:
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _frames(result) -> dict[str, pd.DataFrame]:  # noqa: ANN001 - a ParseResult
    return {k: (v.to_pandas() if hasattr(v, "to_pandas") else v).reset_index(drop=True)
            for k, v in result.tables.items()}


def _published(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(store: Store) -> tuple:
    tables = sorted(n for n in store.ibis.list_tables() if not n.startswith(("_", "ibis_")))
    counts = tuple(store.execute(f'SELECT count(*) AS n FROM "{n}"')["n"].iloc[0]
                   for n in tables)
    cat = store.execute("SELECT source, release, rows, ingested_at FROM datasets "
                        "ORDER BY ALL").to_csv()
    return tuple(tables), counts, cat


@pytest.mark.slow
def test_every_malformed_input_is_one_clear_line_and_changes_nothing(tmp_path: Path) -> None:
    rng = random.Random(15)
    store = Store(tmp_path / "home" / "amity.duckdb")
    good: dict[str, tuple[dict[str, Path], dict[str, pd.DataFrame]]] = {}
    for key in _KEYS:
        paths = _inputs(key, tmp_path / "good" / key.replace("/", "_"))
        dataset = _dataset(key, paths)
        good[key] = paths, _frames(dataset.parse(dict(paths), "error"))
        ingest_files(store, _source(key), list(paths.values()),
                     release=None if key == "timeline/user" else key.split("/")[1])
    published = _published(store.path)
    before = _snapshot(store)
    outcomes: Counter = Counter()
    problems: list[str] = []
    n = 0
    for key, (paths, frames) in good.items():
        for name, path in paths.items():
            if path.suffix in (".xlsx", ".zip"):
                continue
            header = name not in _HEADERLESS.get(key, set())
            text = _text(path)
            mutations = _mutations(header, path.suffix == ".gz")
            repeats = {"extra_field": 3, "missing_field": 3, "unclosed_quote": 3,
                       "not_a_number": 2, "cut_text": 2, "latin1": 2}
            cases = [(m, i) for m in mutations for i in range(repeats.get(m[0], 1))]
            if path.suffix == ".gz":
                cases.append((("truncated_gzip", "fail", None), 0))
            for (mname, kind, fn), _ in cases:
                n += 1
                case = tmp_path / "case" / str(n)
                case.mkdir(parents=True, exist_ok=True)
                files = {k: case / k for k in paths}
                for k, p in paths.items():
                    files[k].write_bytes(p.read_bytes())
                line = None
                if mname == "truncated_gzip":
                    raw = path.read_bytes()
                    files[name].write_bytes(raw[:rng.randrange(10, len(raw) - 8)])
                else:
                    data, line = fn(text, rng)
                    if mname == "latin1":
                        data = data.decode("utf-8").encode("latin-1", "replace")
                    if _encode(data) == text.encode("utf-8"):  # e.g. a comment line
                        n -= 1
                        continue
                    _write(files[name], _encode(data))
                what = f"{key} {name} {mname} #{n}"
                dataset = _dataset(key, files)
                if kind != "fail":
                    try:
                        got = _frames(dataset.parse(dict(files), "error"))
                    except AmityError as exc:
                        msg = str(exc)
                        if kind == "same" or "\n" in msg or name not in msg:
                            problems.append(f"{what}: {msg!r}")
                        outcomes[mname, "error"] += 1
                        continue
                    except Exception as exc:  # noqa: BLE001 - a traceback is the finding
                        problems.append(f"{what}: {type(exc).__name__}: {exc}")
                        continue
                    for table, frame in got.items():
                        want = frames[table]
                        if kind == "same" and not frame.equals(want):
                            problems.append(f"{what}: {table} differs from the original")
                        if kind == "prefix" and len(frame) > len(want):
                            problems.append(f"{what}: {table} has more rows than the original")
                    outcomes[mname, "parsed"] += 1
                    continue
                try:
                    ingest_files(store, _source(key), list(files.values()), release=None
                                 if key == "timeline/user" else key.split("/")[1])
                except AmityError as exc:
                    msg = str(exc)
                    if "\n" in msg:
                        problems.append(f"{what}: more than one line: {msg!r}")
                    if name not in msg and mname not in ("header_only",):
                        problems.append(f"{what}: the message does not name the file: {msg}")
                    lines = (1, 2) if mname in ("extra_column", "missing_column") else (line,)
                    if line is not None and not any(  # a header that does not fit its rows
                            re.search(rf"{re.escape(name)}:{k}\b", msg) for k in lines):
                        problems.append(f"{what}: the message does not name line {line}: {msg}")
                    if mname == "truncated_gzip" and "truncated" not in msg:
                        problems.append(f"{what}: does not say truncated: {msg}")
                    outcomes[mname, "error"] += 1
                except Exception as exc:  # noqa: BLE001 - a traceback is the finding
                    problems.append(f"{what}: {type(exc).__name__}: {exc}")
                else:
                    problems.append(f"{what}: ingested without an error")
    print(f"fuzz: {n} cases, {len(good)} parsers:", dict(sorted(outcomes.items())))
    assert problems == [], f"{len(problems)} of {n} cases:\n" + "\n".join(problems[:60])
    assert _snapshot(store) == before
    store.close()
    assert _published(tmp_path / "home" / "amity.duckdb") == published
    assert n >= 300, (n, outcomes)
