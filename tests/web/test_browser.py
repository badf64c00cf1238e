"""The dashboard in a real browser (Debian's chromium via Playwright): what a user does,
with a screenshot of each page in out/screenshots/.

Pakistan–Russia: the picker with suggestions, the overview and its chart with a source
line, another index year, a dimension's charts with their tooltip, the timeline, the
claim checker on the flagship article, the PDF brief and a CSV. Then a second pair chosen
by name. Every page must load without a Content-Security-Policy violation or a script
error (the charts run Vega without eval).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.mirror, pytest.mark.slow]


class Console:
    """Script errors and CSP violations of a page."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(m.text)
                if m.type == "error" or "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(60_000)
    pg = context.new_page()
    yield pg
    context.close()


def _shot(page: Any, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def _chart_ok(page: Any, box: str) -> None:
    page.wait_for_selector(f"{box}[data-rendered]")
    assert page.get_attribute(box, "data-rendered") == "true"
    assert page.locator(f"{box} svg path").count() > 0


def _pick(page: Any, server: str, a: str, b: str, typed: str, expect: str) -> None:
    page.goto(server + "/")
    page.fill("#a", typed)  # suggestions come from /api/countries
    page.wait_for_function(
        "want => Array.from(document.querySelectorAll('#suggest-a option'))"
        ".some(o => o.value === want)", arg=expect)
    page.fill("#a", a)
    page.fill("#b", b)
    page.click("form.picker button[type=submit]")
    page.wait_for_url(re.compile(r"/pair/[A-Z]{3}/[A-Z]{3}$"))


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    path = info.value.path()
    return Path(path).read_bytes()


def test_pakistan_russia(page: Any, server: str, shots: Path, article: str) -> None:
    console = Console(page)
    _pick(page, server, "Pakistan", "Russia", "Paki", "Pakistan")
    _shot(page, shots, "01-picker-done-PAK-RUS-overview")
    assert page.url.endswith("/pair/PAK/RUS")
    assert "Pakistan" in page.inner_text("h1") and "Russia" in page.inner_text("h1")
    assert re.fullmatch(r"\d+(\.\d+)?", page.inner_text("#composite").strip())
    assert page.inner_text("#basis").strip()
    _chart_ok(page, "#chart-index")
    assert page.inner_text("figure.chart figcaption").startswith("Source: amity")
    first_year = page.inner_text("#index-year").strip()

    # another year: the select submits itself
    options = page.eval_on_selector_all("#year option", "os => os.map(o => o.value)")
    other = next(y for y in options if y != first_year and int(y) <= int(first_year) - 5)
    page.select_option("#year", other)
    page.wait_for_url(re.compile(rf"year={other}"))
    assert page.inner_text("#index-year").strip() == other
    _chart_ok(page, "#chart-index")
    _shot(page, shots, "02-overview-other-year")

    # a dimension: a chart per indicator, a tooltip with value, year, source and release
    page.click("nav.tabs >> text=economic")
    page.wait_for_url(re.compile(r"/dimension/economic$"))
    box = "#chart-trade_total_usd"
    _chart_ok(page, box)
    assert "cow_trade/" in page.inner_text(f"{box} ~ figcaption")
    point = page.locator(f"{box} svg path[aria-roledescription='point']").last
    point.hover(force=True)
    page.wait_for_selector("#vg-tooltip-element.visible")
    tip = page.inner_text("#vg-tooltip-element")
    for key in ("year", "value", "source", "release"):
        assert key in tip, tip
    _shot(page, shots, "03-dimension-economic")

    page.click("nav.tabs >> text=Timeline")
    page.wait_for_url(re.compile(r"/timeline$"))
    assert page.locator("#timeline tbody tr").count() >= 10
    page.select_option("#kind", "visit")
    page.wait_for_url(re.compile(r"kind=visit"))
    kinds = {c.strip() for c in page.eval_on_selector_all(
        "#timeline tbody tr td:nth-child(2)", "cs => cs.map(c => c.textContent)")}
    assert kinds == {"visit"}
    _shot(page, shots, "04-timeline-visits")

    page.click("nav.tabs >> text=Opportunities")
    page.wait_for_selector("#opportunities tbody tr")
    page.click("#opportunities thead th:nth-child(7)")  # sort by untapped, ascending
    page.click("#opportunities thead th:nth-child(7)")  # then descending: largest first
    first = page.inner_text("#opportunities tbody tr:first-child td:nth-child(7)")
    assert first.startswith("$") and first != "$0"
    _shot(page, shots, "05-opportunities")

    # the claim checker on the flagship article
    page.click("header.top >> text=Claim checker")
    page.fill("#text", article)
    page.fill("#date", "2023-06-01")
    page.click("#check-submit")
    page.wait_for_selector("#checked-text mark")
    marks = page.locator("#checked-text mark").count()
    cards = page.locator("article.card").count()
    assert marks >= 5 and cards >= 5
    counts = page.inner_text("p.counts")
    assert "supported" in counts
    assert page.locator("article.card .badge").first.inner_text().strip()
    _shot(page, shots, "06-claim-checker")

    # downloads: the PDF brief and a CSV
    page.goto(server + "/pair/PAK/RUS")
    pdf = _download(page, ".downloads >> text=PDF")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    table = _download(page, "#scorecard ~ p.dl >> text=CSV").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert {r["dimension"] for r in rows} >= {"political", "economic", "composite"}
    assert console.problems == []


def test_second_pair_by_name(page: Any, server: str, shots: Path) -> None:
    console = Console(page)
    _pick(page, server, "India", "Russian Federation", "Indi", "India")
    assert page.url.endswith("/pair/IND/RUS")
    _chart_ok(page, "#chart-index")
    assert "Source:" in page.inner_text("figure.chart figcaption")
    _shot(page, shots, "07-IND-RUS-overview")
    options = page.eval_on_selector_all("#year option", "os => os.map(o => o.value)")
    page.select_option("#year", options[-1])
    page.wait_for_url(re.compile(rf"year={options[-1]}"))
    assert page.inner_text("#index-year").strip() == options[-1]
    page.click("nav.tabs >> text=Timeline")
    page.wait_for_url(re.compile(r"/timeline$"))
    page.wait_for_selector("#timeline tbody tr")
    _shot(page, shots, "08-IND-RUS-timeline")
    page.click("header.top >> text=Claim checker")
    page.fill("#text", "In 2014, bilateral trade between India and Russia was $9.5 billion. "
                       "Both India and Russia are members of the SCO. <script>alert(1)"
                       "</script>")
    page.fill("#check-a", "India")
    page.fill("#check-b", "Russia")
    page.click("#check-submit")
    page.wait_for_selector("#checked-text mark")
    assert "<script>alert(1)</script>" in page.inner_text("#checked-text")  # shown as text
    _shot(page, shots, "09-IND-RUS-check")
    page.goto(server + "/pair/IND/RUS")
    pdf = _download(page, ".downloads >> text=PDF")
    assert pdf.startswith(b"%PDF")
    page.goto(server + "/pair/IND/RUS/timeline")
    table = _download(page, "p.dl >> text=CSV").decode("utf-8")
    assert table.startswith("date,kind,level,title")
    page.goto(server + "/rank?country=India")
    page.wait_for_selector("#rank tbody tr")
    _shot(page, shots, "10-rank-IND")
    page.goto(server + "/sources")
    _shot(page, shots, "11-sources")
    assert console.problems == []
