"""Charts for the brief as inline SVG: readable in print, no scripts, no network.

Every chart has a title, labelled axes with units, a legend and a source line. Missing
years break the line (no interpolation over gaps: missing is not zero).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Series", "bar_chart", "line_chart"]

_COLOURS = ("#1f4e79", "#c0504d", "#4f8a3c", "#8064a2", "#d08a1a")
_W, _H = 640, 300
_L, _R, _T, _B = 70, 20, 56, 56


@dataclass(frozen=True)
class Series:
    """One line: a label and (year, value-or-None) points; ``colour`` (an index into the
    palette; default: the series' position) and ``dash`` (a dashed line)."""

    label: str
    points: Sequence[tuple[int, float | None]]
    colour: int | None = None
    dash: bool = False


def _legend(entries: Sequence[tuple[str, str, bool]]) -> str:
    """Legend entries (label, colour, dashed) left to right under the title, wrapping to
    a second row when the first is full."""
    parts, x, row = [], float(_L), 0
    for label, colour, dash in entries:
        width = 34 + 6.4 * len(label)
        if x + width > _W - _R and x > _L:
            x, row = float(_L), row + 1
        y = 31 + 12 * row
        style = ' stroke-dasharray="5,3"' if dash else ""
        parts.append(f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x + 16:.1f}" y2="{y - 3}" '
                     f'stroke="{colour}" stroke-width="2"{style}/>'
                     f'<text x="{x + 20:.1f}" y="{y}" font-size="10" fill="#222">'
                     f"{escape(label)}</text>")
        x += width
    return "".join(parts)


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=mag * 10)
    start = math.floor(lo / step) * step
    return [start + i * step for i in range(int((hi - start) / step) + 2)
            if start + i * step <= hi + step * 0.5]


def _source_lines(source: str, width: int = 105) -> str:
    """The source line, wrapped to two lines of about ``width`` characters."""
    import textwrap

    lines = textwrap.wrap(f"Source: {source}", width)[:2] or ["Source:"]
    y0 = _H - 6 - 11 * (len(lines) - 1)
    return "".join(f'<text x="{_L}" y="{y0 + 11 * i}" font-size="10" fill="#555">'
                   f"{escape(line)}</text>" for i, line in enumerate(lines))


def _frame(title: str, y_label: str, source: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart">'
        f'<rect width="{_W}" height="{_H}" fill="#fff"/>'
        f'<text x="{_L}" y="20" font-size="14" font-weight="bold" fill="#222">{escape(title)}'
        f'</text>{body}'
        f'<text x="14" y="{_T + (_H - _T - _B) / 2}" font-size="11" fill="#444" '
        f'transform="rotate(-90 14 {_T + (_H - _T - _B) / 2})" text-anchor="middle">'
        f'{escape(y_label)}</text>'
        f"{_source_lines(source)}</svg>"
    )


def line_chart(series: Sequence[Series], *, title: str, y_label: str, source: str,
               fmt: Callable[[float], str] = lambda v: f"{v:g}",
               legend: Sequence[tuple[str, int | None, bool]] | None = None,
               markers: Sequence[tuple[int, str]] = ()) -> str:
    """A line chart of yearly series; gaps (None) break the line.

    ``legend``: entries (label, colour index or None for grey, dashed) instead of one
    per series; ``markers``: (year, label) drawn as dotted vertical lines, e.g. where
    the data behind a series change.

    Examples
    --------
    >>> svg = line_chart([Series("a", [(2000, 1.0), (2001, None), (2002, 3.0)])],
    ...                  title="T", y_label="Y (units)", source="S")
    >>> svg.startswith("<svg") and "Source: S" in svg and "Y (units)" in svg
    True
    """
    pts = [(y, v) for s in series for y, v in s.points if v is not None]
    if not pts:
        return _frame(title, y_label, source, f'<text x="{_W / 2}" y="{_H / 2}" '
                      'text-anchor="middle" fill="#777" font-size="13">no data for these '
                      "years</text>")
    years = [y for s in series for y, _ in s.points]
    x0, x1 = min(years), max(years)
    lo, hi = min(0.0, min(v for _, v in pts)), max(v for _, v in pts)
    yt = _ticks(lo, hi)
    lo, hi = min(yt), max(yt)
    span_x = max(x1 - x0, 1)

    def px(year: float) -> float:
        return _L + (year - x0) / span_x * (_W - _L - _R)

    def py(value: float) -> float:
        return _H - _B - (value - lo) / (hi - lo or 1) * (_H - _T - _B)

    parts = [f'<line x1="{_L}" y1="{_H - _B}" x2="{_W - _R}" y2="{_H - _B}" stroke="#888"/>']
    for t in yt:
        parts.append(f'<line x1="{_L}" y1="{py(t):.1f}" x2="{_W - _R}" y2="{py(t):.1f}" '
                     'stroke="#eee"/>'
                     f'<text x="{_L - 6}" y="{py(t) + 4:.1f}" font-size="10" fill="#444" '
                     f'text-anchor="end">{escape(fmt(t))}</text>')
    step = max(1, round(span_x / 8))
    for year in range(x0, x1 + 1, step):
        parts.append(f'<text x="{px(year):.1f}" y="{_H - _B + 14}" font-size="10" fill="#444" '
                     f'text-anchor="middle">{year}</text>')
    parts.append(f'<text x="{(_L + _W - _R) / 2}" y="{_H - _B + 30}" font-size="11" '
                 'fill="#444" text-anchor="middle">year</text>')
    for year, label in markers:
        if x0 <= year <= x1:
            parts.append(f'<line x1="{px(year):.1f}" y1="{_T}" x2="{px(year):.1f}" '
                         f'y2="{_H - _B}" stroke="#999" stroke-dasharray="2,3"/>'
                         f'<text x="{px(year) + 3:.1f}" y="{_T + 10}" font-size="9" '
                         f'fill="#666">{escape(label)}</text>')
    entries = []
    for i, s in enumerate(series):
        colour = _COLOURS[(i if s.colour is None else s.colour) % len(_COLOURS)]
        dash = ' stroke-dasharray="5,3"' if s.dash else ""
        run: list[str] = []
        points: list[tuple[int | None, float | None]] = [*s.points, (None, None)]
        for at, value in points:
            if value is None or at is None:
                if len(run) > 1:
                    parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"'
                                 f'{dash} points="{" ".join(run)}"/>')
                elif len(run) == 1:
                    x, y = run[0].split(",")
                    parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
                run = []
            else:
                run.append(f"{px(at):.1f},{py(value):.1f}")
        entries.append((s.label, colour, s.dash))
    if legend is not None:
        entries = [(label, "#666" if c is None else _COLOURS[c % len(_COLOURS)], d)
                   for label, c, d in legend]
    parts.append(_legend(entries))
    return _frame(title, y_label, source, "".join(parts))


def bar_chart(labels: Sequence[str], groups: Sequence[Series], *, title: str, y_label: str,
              source: str, y_max: float = 100.0) -> str:
    """Grouped bars: one group per label, one bar per series (value None: "no data").

    ``Series.points`` here are (index into labels, value).
    """
    n, k = len(labels), max(len(groups), 1)
    slot = (_W - _L - _R) / max(n, 1)
    bar = slot * 0.8 / k

    def py(value: float) -> float:
        return _H - _B - value / y_max * (_H - _T - _B)

    parts = []
    for t in range(0, int(y_max) + 1, 25):
        parts.append(f'<line x1="{_L}" y1="{py(t):.1f}" x2="{_W - _R}" y2="{py(t):.1f}" '
                     f'stroke="#eee"/><text x="{_L - 6}" y="{py(t) + 4:.1f}" font-size="10" '
                     f'fill="#444" text-anchor="end">{t}</text>')
    for j, s in enumerate(groups):
        colour = _COLOURS[j % len(_COLOURS)]
        for i, value in s.points:
            x = _L + i * slot + slot * 0.1 + j * bar
            if value is None:
                parts.append(f'<text x="{x + bar / 2:.1f}" y="{py(0) - 4:.1f}" font-size="8" '
                             f'fill="#999" text-anchor="middle">NA</text>')
                continue
            parts.append(f'<rect x="{x:.1f}" y="{py(value):.1f}" width="{bar * 0.92:.1f}" '
                         f'height="{py(0) - py(value):.1f}" fill="{colour}"/>')
        lx = _W - _R - 110 * (len(groups) - j)
        parts.append(f'<rect x="{lx}" y="{_T - 18}" width="12" height="8" fill="{colour}"/>'
                     f'<text x="{lx + 16}" y="{_T - 10}" font-size="10">{escape(s.label)}</text>')
    for i, label in enumerate(labels):
        parts.append(f'<text x="{_L + (i + 0.5) * slot:.1f}" y="{_H - _B + 14}" font-size="10" '
                     f'fill="#444" text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<line x1="{_L}" y1="{py(0)}" x2="{_W - _R}" y2="{py(0)}" stroke="#888"/>')
    return _frame(title, y_label, source, "".join(parts))
