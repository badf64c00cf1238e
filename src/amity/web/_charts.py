"""Vega-Lite specs of the dashboard's charts, built on the server from amity's rows.

A missing value stays missing: the rows keep their year with ``value`` null, and the
line marks break there (``invalid: "break-paths-show-domains"``), so a gap shows as a
gap, never as a drop to 0. Each series is one source release (colour), so a change of
source is a visible break. Every point's tooltip gives the value, year, source, release
and note. Specs carry a ``description`` (the chart's text alternative, read out by
screen readers); the pages add a table of the values under each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["SCHEMA", "index_chart", "indicator_chart"]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
_LINE = {"type": "line", "point": {"size": 30}, "invalid": "break-paths-show-domains",
         "strokeWidth": 2}


def _base(title: str, subtitle: str, description: str) -> dict[str, Any]:
    return {"$schema": SCHEMA, "description": description, "width": "container",
            "height": 220, "title": {"text": title, "subtitle": subtitle, "anchor": "start",
                                     "fontSize": 14, "subtitleColor": "#57606a"},
            "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 11},
                       "legend": {"orient": "bottom", "labelLimit": 320}}}


def index_chart(cards: Sequence[dict[str, Any]], pair: str, dimensions: Sequence[str],
                source: str, year: int | None = None) -> dict[str, Any]:
    """The composite and each dimension's score by year (percentile among all pairs);
    ``source`` (the releases behind the index) goes into the chart's description, each
    point's tooltip names the index itself (``amity_index/panel``)."""
    values = []
    for card in cards:
        series = [("composite", card.get("composite"))] + [
            (d, card["by_dimension"].get(d, {}).get("score")) for d in dimensions]
        for name, score in series:
            values.append({"year": card["year"], "series": name, "score": score,
                           "basis": ", ".join(card.get("basis", [])) or "none",
                           "source": "amity_index/panel"})
    spec = _base(f"{pair}: relationship index by year",
                 "percentile among all pairs with data that year; source below the chart",
                 f"Line chart of the {pair} composite index and dimension scores "
                 "(percentiles among all pairs, 0-100) by year; gaps are years without "
                 f"data. Source: {source}. The table below the chart lists the values.")
    line = {
        "mark": _LINE,
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "axis": {"format": "d"},
                  "scale": {"nice": False, "zero": False}, "title": "year"},
            "y": {"field": "score", "type": "quantitative", "title": "score (percentile)",
                  "scale": {"domain": [0, 100]}},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "sort": ["composite", *dimensions]},
            "strokeWidth": {"condition": {"test": "datum.series === 'composite'",
                                          "value": 3.5}, "value": 1.5},
            "tooltip": [{"field": "series", "title": "series"},
                        {"field": "year", "title": "year"},
                        {"field": "score", "title": "score", "format": ".1f"},
                        {"field": "basis", "title": "basis"},
                        {"field": "source", "title": "source"}],
        },
    }
    layers: list[dict[str, Any]] = [line]
    if year is not None:  # the year the page shows
        layers.append({"mark": {"type": "rule", "strokeDash": [4, 3], "color": "#57606a"},
                       "encoding": {"x": {"datum": year, "type": "quantitative"}}})
    spec.update({"data": {"values": values}, "layer": layers})
    return spec


def indicator_chart(rows: Sequence[dict[str, Any]], indicator: str, unit: str,
                    pair: str) -> dict[str, Any]:
    """One indicator by year, a line per source release (rows of ``amity profile
    --all-sources``; rows without a source, the uncovered years, are left out)."""
    values = [{"year": r["year"], "value": r["value"],
               "source": f"{r['source']}/{r['release']}", "release": r["release"],
               "note": r.get("note") or ""} for r in rows if r.get("source")]
    sources = sorted({v["source"] for v in values})
    dollars = unit in ("USD", "current US$")
    fmt = "$,.0f" if dollars else ",.3~f"
    spec = _base(f"{indicator} ({unit})", "Source: " + ("; ".join(sources) or "no data"),
                 f"Line chart of {indicator} for {pair} by year, one line per source "
                 f"({', '.join(sources) or 'none'}); gaps are years without data.")
    spec["height"] = 160
    spec.update({
        "data": {"values": values},
        "mark": _LINE,
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "axis": {"format": "d"},
                  "scale": {"nice": False, "zero": False}, "title": None},
            "y": {"field": "value", "type": "quantitative", "title": unit,
                  "axis": {"format": "$~s"} if dollars else {}},
            "color": {"field": "source", "type": "nominal", "title": "source"},
            "tooltip": [{"field": "year", "title": "year"},
                        {"field": "value", "title": "value", "format": fmt},
                        {"field": "source", "title": "source"},
                        {"field": "release", "title": "release"},
                        {"field": "note", "title": "note"}],
        },
    })
    return spec
