"""The pages' templates: Jinja2 with autoescaping on for every template.

Every value reaches the page through a template, escaped (``{{ x }}``); chart specs and
data go into ``<script type="application/json">`` blocks through ``tojson``, which
escapes ``<``, ``>``, ``&`` and quotes, so no text can close the block. Links to
sources are shown only when they are ``http(s)`` URLs (:func:`safe_url`).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from amity._version import __version__

__all__ = ["number", "render", "safe_url"]

TEMPLATES = Path(__file__).parent / "templates"


def safe_url(url: object) -> str | None:
    """``url`` if it is an http(s) URL, else None (no ``javascript:``, ``data:`` ...).

    Examples
    --------
    >>> safe_url("https://mofa.gov.pk/x"), safe_url("javascript:alert(1)"), safe_url(None)
    ('https://mofa.gov.pk/x', None, None)
    """
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def number(value: object, unit: str = "") -> str:
    """A value for a table cell: ``NA`` when missing (never 0), dollars short, shares as %.

    Examples
    --------
    >>> number(None), number(2.5e9, "current US$"), number(0.723, "share"), number(12.345)
    ('NA', '$2.5B', '72.3%', '12.35')
    """
    if value is None or isinstance(value, jinja2.Undefined) or (
            isinstance(value, float) and math.isnan(value)):
        return "NA"
    if isinstance(value, str):
        return value
    v = float(value)  # type: ignore[arg-type]
    if unit in ("USD", "current US$"):
        for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
            if abs(v) >= div:
                return f"${v / div:,.1f}{suffix}"
        return f"${v:,.0f}"
    if unit in ("share", "share (0-1)"):
        return f"{v:.1%}"
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.2f}" if abs(v) >= 1 else f"{v:.3g}"


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["number"] = number
    env.filters["safe_url"] = safe_url
    env.globals["version"] = __version__
    return env


def render(name: str, **context: Any) -> str:
    """The template ``name`` rendered with ``context`` (autoescaped)."""
    return _env().get_template(name).render(**context)
