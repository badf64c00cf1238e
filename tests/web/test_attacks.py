"""Attacks on the dashboard: script injection through the article text and through
parameters, SQL through parameters, path traversal through download names. None may
succeed: text comes back escaped, parameters are refused (422) before any query, the store
is unchanged, and no request reads a file outside the app's static folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.mirror

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'><svg onload=alert(2)>'


def _no_raw_markup(html: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "<svg onload" not in html and "onerror=alert(1)>" not in html


def test_script_in_the_article_is_escaped(http: Any) -> None:
    text = f"In 2010, trade between Pakistan and Russia was $500 million. {SCRIPT}\n" \
           f"Both Pakistan and Russia are members of the SCO {SCRIPT}."
    page = http.post("/check", data={"text": text, "date": "2023-06-01"})
    assert page.status_code == 200
    _no_raw_markup(page.text)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    # the textarea gets the text back escaped too, and the JSON API returns it as data
    data = http.post("/api/check", json={"text": text}).json()
    assert any(SCRIPT in c["span"]["text"] or "SCO" in c["span"]["text"]
               for c in data["claims"])


def test_script_in_an_upload_is_escaped(http: Any) -> None:
    files = {"file": ("x.txt", f"Pakistan and Russia {SCRIPT}".encode(), "text/plain")}
    page = http.post("/check", files=files, data={"text": ""})
    assert page.status_code == 200
    _no_raw_markup(page.text)
    bad = http.post("/check", files={"file": ("x.txt", b"\xff\xfe\x00bad", "text/plain")})
    assert bad.status_code == 422 and "not UTF-8" in bad.text


@pytest.mark.parametrize("url", [
    "/?a={s}&b=Russia",
    "/pair/PAK/RUS/timeline?kind={s}",
    "/pair/PAK/RUS/dimension/economic?source={s}",
    "/pair/PAK/RUS/opportunities?market={s}",
    "/rank?country={s}",
    "/pair/PAK/RUS?years={s}",
])
def test_script_in_parameters_is_refused_and_escaped(http: Any, url: str) -> None:
    r = http.get(url.format(s=SCRIPT[:60]))
    assert r.status_code == 422, r.text[:300]
    _no_raw_markup(r.text)
    assert r.headers["content-type"].startswith("text/html")


def test_script_in_the_path_is_not_reflected(http: Any) -> None:
    r = http.get("/pair/%3Cscript%3Ealert(1)%3C%2Fscript%3E/RUS")
    assert r.status_code in (404, 422)
    _no_raw_markup(r.text)


@pytest.mark.parametrize("params", [
    {"a": "PAK' OR '1'='1", "b": "RUS"},
    {"a": "PAK", "b": "RUS'; DROP TABLE panel; --"},
    {"a": "PAK", "b": "RUS", "source": "cow_trade'; DROP TABLE datasets; --"},
    {"a": "PAK", "b": "RUS", "source": "cow_trade/4.0' UNION SELECT * FROM datasets --"},
    {"a": "PAK", "b": "RUS", "years": "1990-2000; DELETE FROM panel"},
    {"a": "PAK", "b": "RUS", "years": "1990 OR 1=1"},
    {"a": "PAK\x00", "b": "RUS"},
])
def test_sql_in_parameters_is_refused(http: Any, web_store: Path, params: dict[str, str]
                                      ) -> None:
    before = (web_store.stat().st_size, web_store.stat().st_mtime_ns)
    r = http.get("/api/profile", params=params)
    assert r.status_code == 422, r.text[:300]
    assert "\n" not in r.json()["error"]
    rank = http.get("/api/rank", params={"country": params["a"] + params["b"]})
    assert rank.status_code == 422
    assert (web_store.stat().st_size, web_store.stat().st_mtime_ns) == before
    assert http.get("/api/profile", params={"a": "PAK", "b": "RUS",
                                             "years": "2000-2005"}).status_code == 200


@pytest.mark.parametrize("url", [
    "/api/table/..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/table/../../pyproject.toml",
    "/api/table/%2e%2e%2f%2e%2e%2fpyproject.toml?format=csv",
    "/api/table/profile?a=PAK&b=RUS&format=..%2F..%2Fetc%2Fpasswd",
    "/api/brief?a=PAK&b=RUS&format=..%2F..%2Fetc%2Fpasswd",
    "/api/brief?a=..%2F..%2Fetc%2Fpasswd&b=RUS&format=html",
    "/static/../../../pyproject.toml",
    "/static/%2e%2e/%2e%2e/app.py",
    "/static/..%2F_api.py",
    "/static/vendor/..%2F..%2Fapp.py",
])
def test_path_traversal_reads_nothing(http: Any, url: str) -> None:
    r = http.get(url)
    assert r.status_code in (404, 422), (url, r.status_code)
    for secret in ("root:x:0:0", "[project]", "def create_app", "import "):
        assert secret not in r.text


def test_download_names_come_from_checked_values(http: Any) -> None:
    r = http.get("/api/brief", params={"a": "Pakistan", "b": "Russian Federation",
                                       "format": "html"})
    assert r.headers["content-disposition"] == 'attachment; filename="PAK-RUS-brief.html"'
    t = http.get("/api/table/timeline", params={"a": "770", "b": "365"})
    name = re.search(r'filename="([^"]+)"', t.headers["content-disposition"])
    assert name and name.group(1) == "PAK-RUS-timeline.csv"


def test_the_server_never_writes_the_store(http: Any, web_app: Any) -> None:
    reader = web_app.state.reader
    with reader.store() as store:
        assert store.read_only
        with pytest.raises(Exception):  # noqa: B017 - DuckDB refuses any write
            store.con.execute("CREATE TABLE x (a INT)")
