"""The dashboard's JSON API over HTTP: every endpoint, the CLI's JSON, and bad input.

Every error is a 4xx with a one-line JSON message (``{"error", "status"}``), never a 500
or a traceback.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from amity.store import Store

pytestmark = pytest.mark.mirror


def _one_line_error(r: Any, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.text[:500])
    body = r.json()
    assert set(body) == {"error", "status"} and body["status"] == status
    message = body["error"]
    assert "\n" not in message and "Traceback" not in message and len(message) <= 400
    return str(message)


def test_countries_suggest(http: Any) -> None:
    assert http.get("/api/countries", params={"q": "Paki"}).json()[0]["iso3"] == "PAK"
    assert http.get("/api/countries", params={"q": "770"}).json()[0]["iso3"] == "PAK"
    assert http.get("/api/countries", params={"q": "russian fed"}).json()[0]["iso3"] == "RUS"
    assert http.get("/api/countries", params={"q": "  "}).json() == []


def test_profile_is_the_cli_json(http: Any, web_store: Path) -> None:
    import amity

    r = http.get("/api/profile", params={"a": "Pakistan", "b": "365", "years": "2000-2005"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    with Store(web_store, read_only=True) as store:
        cli = json.loads(amity.profile("PAK", "RUS", years=(2000, 2005), store=store).to_json())
    rows = r.json()["rows"]
    assert {k: v for k, v in r.json().items() if k != "rows"} == {
        k: v for k, v in cli.items() if k != "rows"}
    for mine, theirs in zip(rows, cli["rows"], strict=True):  # sums may differ in the last bit
        assert mine.keys() == theirs.keys()
        for key, value in mine.items():
            assert value == (pytest.approx(theirs[key], rel=1e-12)
                             if isinstance(value, float) else theirs[key]), (key, mine)
    assert any(row["value"] is None and row["note"] for row in rows)  # missing, not 0


def test_overview_and_year(http: Any) -> None:
    data = http.get("/api/overview", params={"a": "PAK", "b": "RUS"}).json()
    assert "rows" not in data and data["card"]["year"] == data["index"]["year"]
    assert data["card"]["basis"] and data["benchmark_cards"]
    year = data["years_with_index"][len(data["years_with_index"]) // 2]
    other = http.get("/api/overview", params={"a": "PAK", "b": "RUS", "year": year}).json()
    assert other["card"]["year"] == year
    assert other["benchmark_cards"][0]["scorecard"]["year"] == year
    assert set(other["behind"]) <= {"weakest", "strongest"}


def test_dimension_rows(http: Any) -> None:
    data = http.get("/api/dimension/economic", params={"a": "PAK", "b": "RUS"}).json()
    assert {"cow_trade/4.0"} <= set(data["sources"]) and data["rows"]
    only = http.get("/api/dimension/economic", params={"a": "PAK", "b": "RUS",
                                                       "source": "cow_trade"}).json()
    assert {r["source"] for r in only["rows"]} == {"cow_trade"}


def test_rank_is_the_cli_json(http: Any, web_store: Path) -> None:
    from amity.index import rank_partners

    r = http.get("/api/rank", params={"country": "Pakistan", "top": 5, "year": 2015})
    with Store(web_store, read_only=True) as store:
        cli = json.loads(rank_partners(store, "PAK", year=2015, top=5).to_json(
            orient="records"))
    assert r.json() == cli and [x["rank"] for x in cli] == [1, 2, 3, 4, 5]


def test_timeline_filters(http: Any) -> None:
    every = http.get("/api/timeline", params={"a": "PAK", "b": "RUS"}).json()
    visits = http.get("/api/timeline", params={"a": "PAK", "b": "RUS", "kind": "visit"}).json()
    assert len(every["rows"]) > len(visits["rows"]) > 5
    assert {r["kind"] for r in visits["rows"]} == {"visit"}
    assert all(r["source"] and r["date"] for r in every["rows"])


def test_opportunities(http: Any) -> None:
    data = http.get("/api/opportunities", params={"a": "PAK", "b": "RUS", "top": 5}).json()
    assert data["exporter"]["iso3"] == "PAK" and len(data["products"]) == 5
    assert data["source"] == "ots"
    region = http.get("/api/opportunities", params={"a": "PAK", "b": "eaeu", "top": 3}).json()
    assert region["market"]["region"] and "RUS" in region["market"]["members"]


def test_check_json(http: Any, article: str) -> None:
    r = http.post("/api/check", json={"text": article, "date": "2023-06-01"})
    data = r.json()
    assert r.status_code == 200 and data["schema"].startswith("amity.claims/")
    assert data["pair"] == ["PAK", "RUS"] and sum(data["counts"].values()) >= 5
    for claim in data["claims"]:
        assert article[claim["span"]["start"]:claim["span"]["end"]] == claim["span"]["text"]
    given = http.post("/api/check", json={"text": "Trade was $5 billion in 2010.",
                                          "pair": ["India", "Russia"]}).json()
    assert given["pair"] == ["IND", "RUS"] and given["pair_from"] == "given"


def test_sources_and_cite(http: Any) -> None:
    records = http.get("/api/sources").json()
    held = {f"{r['source']}/{r['release']}" for r in records if r["ingested"]}
    assert {"cow_trade/4.0", "ots/api-v1-2020"} <= held
    assert http.get("/api/cite", params={"source": "cow_trade"}).json()[0]["release"] == "4.0"
    bib = http.get("/api/cite", params={"source": "cow_trade/4.0", "format": "bibtex"})
    assert bib.text.startswith("@misc{cow_trade_4_0")
    assert http.get("/api/cite", params={"format": "ris"}).text.startswith("TY  - DATA")


def test_brief_html_and_markdown(http: Any) -> None:
    r = http.get("/api/brief", params={"a": "PAK", "b": "RUS", "format": "html"})
    assert r.headers["content-disposition"] == 'attachment; filename="PAK-RUS-brief.html"'
    assert "<svg" in r.text and 'class="fig"' in r.text
    md = http.get("/api/brief", params={"a": "Pakistan", "b": "Russia", "format": "md"})
    names = zipfile.ZipFile(io.BytesIO(md.content)).namelist()
    assert "PAK-RUS-brief.md" in names and any(n.endswith(".svg") for n in names)


@pytest.mark.parametrize(("name", "params", "column"), [
    ("profile", {"a": "PAK", "b": "RUS", "years": "2000-2001"}, "indicator"),
    ("scorecard", {"a": "PAK", "b": "RUS"}, "dimension"),
    ("dimension", {"a": "PAK", "b": "RUS", "dimension": "political"}, "indicator"),
    ("timeline", {"a": "PAK", "b": "RUS"}, "kind"),
    ("opportunities", {"a": "PAK", "b": "RUS"}, "untapped_usd"),
    ("rank", {"country": "PAK", "year": 2015}, "partner"),
    ("sources", {}, "citation"),
])
def test_tables_download(http: Any, name: str, params: dict[str, Any], column: str) -> None:
    csv = http.get(f"/api/table/{name}", params={**params, "format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.StringIO(csv.text))
    assert column in frame.columns and len(frame)
    pq = http.get(f"/api/table/{name}", params={**params, "format": "parquet"})
    assert pd.read_parquet(io.BytesIO(pq.content)).shape == frame.shape
    disposition = pq.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="') and "/" not in disposition


def test_openapi_lists_every_endpoint(http: Any) -> None:
    paths = set(http.get("/openapi.json").json()["paths"])
    assert {"/api/countries", "/api/profile", "/api/overview", "/api/dimension/{dimension}",
            "/api/rank", "/api/timeline", "/api/opportunities", "/api/check", "/api/sources",
            "/api/cite", "/api/brief", "/api/table/{name}"} <= paths
    assert not any(p.startswith("/pair") for p in paths)  # pages are not API


def test_security_headers(http: Any) -> None:
    for url in ("/", "/api/sources", "/static/app.js"):
        csp = http.get(url).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe" not in csp


@pytest.mark.parametrize(("url", "status", "words"), [
    ("/api/profile?a=Atlantis&b=RUS", 422, "unknown country 'Atlantis'"),
    ("/api/profile?a=PAK&b=RUS&years=2014-1990", 422, "first year is after the last"),
    ("/api/profile?a=PAK&b=RUS&years=soon", 422, "not a year or range"),
    ("/api/profile?a=PAK&b=RUS&source=nope", 422, "unknown source 'nope'"),
    ("/api/profile?a=PAK&b=Pakistan", 422, "same country"),
    ("/api/profile?b=RUS", 422, "a: Field required"),
    ("/api/profile?a=" + "x" * 300 + "&b=RUS", 422, "a: String should have at most"),
    ("/api/overview?a=PAK&b=RUS&year=1890", 422, "has no index"),
    ("/api/rank?country=PAK&year=abc", 422, "year: Input should be a valid integer"),
    ("/api/rank?country=PAK&year=99999", 422, "outside"),
    ("/api/rank?country=PAK&dimension=happiness", 422, "is not one of"),
    ("/api/rank?country=PAK&top=0", 422, "top:"),
    ("/api/timeline?a=PAK&b=RUS&kind=party", 422, "kind:"),
    ("/api/dimension/mood?a=PAK&b=RUS", 422, "dimension:"),
    ("/api/dimension/economic?a=PAK&b=RUS&source=unvotes", 422, "no economic rows"),
    ("/api/opportunities?a=PAK&b=Atlantis", 422, "unknown country"),
    ("/api/opportunities?a=PAK&b=RUS&level=hs99", 422, "level:"),
    ("/api/opportunities?a=PAK&b=RUS&year=1960", 404, "Fix:"),
    ("/api/brief?a=PAK&b=RUS&format=docx", 422, "format:"),
    ("/api/table/secrets", 422, "table:"),
    ("/api/table/profile?a=PAK&b=RUS&format=xlsx", 422, "format:"),
    ("/api/cite?source=nope/1", 422, "unknown source"),
    ("/api/nothing", 404, "not found"),
])
def test_bad_input_is_one_line(http: Any, url: str, status: int, words: str) -> None:
    assert words in _one_line_error(http.get(url), status)


def test_bad_check_bodies(http: Any) -> None:
    from amity.web._api import MAX_CHECK
    from amity.web.app import MAX_BODY

    huge = http.post("/api/check", content=b"x" * (MAX_BODY + 1),
                     headers={"content-type": "application/json"})
    assert "over 1,000,000 bytes" in _one_line_error(huge, 413)
    long = http.post("/api/check", json={"text": "Trade grew. " * (MAX_CHECK // 12 + 1)})
    assert "over the limit" in _one_line_error(long, 413)
    assert "empty" in _one_line_error(http.post("/api/check", json={"text": " "}), 422)
    assert "date" in _one_line_error(
        http.post("/api/check", json={"text": "Trade grew.", "date": "yesterday"}), 422)
    assert "pair" in _one_line_error(
        http.post("/api/check", json={"text": "Trade grew.", "pair": ["PAK"]}), 422)
    broken = http.post("/api/check", content=b'{"text": ',
                       headers={"content-type": "application/json"})
    _one_line_error(broken, 422)
    chunked = http.post("/api/check", content=iter([b"x" * 600_000, b"x" * 600_000]),
                        headers={"content-type": "application/json"})  # no content-length
    _one_line_error(chunked, 413)
