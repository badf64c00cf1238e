"""The evidence brief: self-contained HTML, sourced figures equal to the profile's, PDF pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from amity.indicators import INDICATORS
from amity.report import brief, render_html, write
from amity.store import Store

pytestmark = pytest.mark.mirror


class _Figures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.figures: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = {k: v or "" for k, v in attrs}
        if tag == "span" and "fig" in d.get("class", "").split():
            self.figures.append(d)


@pytest.fixture(scope="module")
def pak_rus(real_store: Store):  # noqa: ANN201
    return brief("PAK", "RUS", store=real_store)


def test_html_is_self_contained(pak_rus) -> None:  # noqa: ANN001
    html = render_html(pak_rus)
    assert "<svg" in html
    for pattern in (r'(src|href)\s*=\s*"(https?:)?//', r"url\(", r"@import", r"<script[^>]+src",
                    r"<link[^>]+href", r"<img[^>]+src=\"(?!data:)"):
        assert not re.search(pattern, html, flags=re.I), pattern


def test_every_figure_is_sourced_and_equals_the_profile(pak_rus) -> None:  # noqa: ANN001
    parser = _Figures()
    parser.feed(render_html(pak_rus))
    figures = parser.figures
    assert len(figures) >= 15
    rows = pak_rus.profile.rows
    index = {c["year"]: c for c in pak_rus.profile.index["by_year"]}
    checked = 0
    for f in figures:
        assert f["data-indicator"] and f["data-year"] and f["data-source"], f
        name, year = f["data-indicator"], int(f["data-year"])
        if name in INDICATORS:
            source, release = f["data-source"].split("/", 1)
            hit = rows[(rows.indicator == name) & (rows.year == year) & (rows.source == source)
                       & (rows.release == release)]
            assert len(hit) == 1, f
            assert float(f["data-value"]) == pytest.approx(float(hit.value.iloc[0]))
        else:
            card = index[year]
            want = card["composite"] if name == "composite" else \
                card["by_dimension"][name.removeprefix("score_")]["score"]
            assert float(f["data-value"]) == pytest.approx(want)
        checked += 1
    assert checked == len(figures)


def test_weakest_dimension_and_sections(pak_rus) -> None:  # noqa: ANN001
    html = render_html(pak_rus)
    latest = pak_rus.profile.index["latest"]
    assert f"Weakest: <b>{latest['weakest']}</b>" in html
    for section in ("Headline figures", "Scorecard", "Engagements timeline", "Trade opportunities",
                    "Data coverage and caveats", "Sources", "Goods trade by direction",
                    "UN General Assembly voting"):
        assert section in html
    assert "Steel" in html  # the 1970s steel mill from the curated timeline
    assert "Barbieri" in html and "Voeten" in html  # citations


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (.ci/run)")
def test_pdf_pages_charts_and_text(pak_rus, tmp_path: Path) -> None:  # noqa: ANN001
    import numpy as np
    from PIL import Image

    pdf = write(pak_rus, tmp_path / "b.pdf")[0]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for needle in ("Headline figures", "Scorecard", "Goods trade by direction",
                   "million current US$", "Source: cow_trade/4.0", "Sources"):
        assert needle in text, needle
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 4
    # the trend charts: coloured line pixels (the palette's blue and red), not just text
    coloured = 0
    for page in pages:
        rgb = np.asarray(Image.open(page).convert("RGB")).astype(int)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        coloured += int((((b > 100) & (r < 80)) | ((r > 150) & (g < 100) & (b < 100))).sum())
    assert coloured > 500


def test_markdown_with_chart_files(pak_rus, tmp_path: Path) -> None:  # noqa: ANN001
    files = write(pak_rus, tmp_path / "b.md")
    md = files[0].read_text()
    assert "## Headline figures" in md and "![trade](b_charts/trade.svg)" in md
    assert (tmp_path / "b_charts" / "trade.svg").read_text().startswith("<svg")


def test_pair_with_little_data_says_what_is_missing(real_store: Store, tmp_path: Path) -> None:
    thin = brief("NPL", "ISL", store=real_store)
    html = render_html(thin)
    assert thin.missing  # e.g. trade or alliances: no record for the pair
    assert "Not covered for this pair" in html
    parser = _Figures()
    parser.feed(html)
    for f in parser.figures:  # COW's rounded zeros are not printed as "$0"
        if f["data-indicator"].endswith("_usd") and f["data-source"] == "cow_trade/4.0":
            assert float(f["data-value"]) >= 5e5 or "under $0.5M" in html
