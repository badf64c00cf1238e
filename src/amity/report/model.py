"""What goes into a brief: every figure computed from the profile, index and timeline.

:func:`build` turns a :class:`~amity.profile.Profile` (and the stored timeline and trade
opportunities) into a :class:`Brief`: headline figures, the scorecard against all pairs
and benchmark pairs, the weakest and strongest dimensions with the indicators behind
them, chart series, the timeline, coverage notes, caveats and citations. Each figure is
a :class:`Figure` that knows its indicator, year, source and release, so the renderers
can mark it and a test can compare it with the profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from amity._exceptions import AmityError
from amity.indicators import DIMENSIONS, INDICATORS
from amity.opportunities import top_opportunities
from amity.profile import Profile
from amity.store import Store
from amity.timeline import timeline

__all__ = ["Brief", "Figure", "build", "format_value"]


def format_value(value: Any, unit: str) -> str:
    """How a value reads in the brief.

    Examples
    --------
    >>> format_value(1.234e9, "current US$"), format_value(0.5, "share (0-1)")
    ('$1.23B', '50.0%')
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "NA"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    v = float(value)
    if unit == "yes/no":
        return "yes" if v else "no"
    if unit == "current US$":
        for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if abs(v) >= div:
                return f"${v / div:,.{3 if div == 1e9 else 0}g}{suffix}" if div == 1e9 \
                    else f"${v / div:,.0f}{suffix}"
        return f"${v:,.0f}"
    if unit.startswith("share"):
        return f"{v:.1%}"
    if unit in ("0-100",):
        return f"{v:.0f}"
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:.2f}"


@dataclass(frozen=True)
class Figure:
    """One number in the brief, with where it comes from."""

    label: str
    value: Any
    text: str
    indicator: str
    year: int | None
    source: str
    release: str

    @property
    def origin(self) -> str:
        """``source/release`` (or ``amity index``)."""
        return f"{self.source}/{self.release}" if self.release else self.source


@dataclass
class Brief:
    """All the computed content of a brief."""

    profile: Profile
    title: str
    headline: list[Figure]
    scorecard: list[dict[str, Any]]
    benchmarks: list[str]
    composite_series: list[tuple[int, float | None]]
    weakest: dict[str, Any] | None
    strongest: dict[str, Any] | None
    charts: dict[str, dict[str, Any]]
    timeline: pd.DataFrame
    opportunities: dict[str, Any] | None
    coverage: list[str]
    caveats: list[str]
    citations: list[dict[str, Any]]
    missing: list[str] = field(default_factory=list)


_LABELS = {
    "trade_total_usd": "goods trade, both directions", "trade_a_to_b_usd": "exports {a} → {b}",
    "trade_b_to_a_usd": "exports {b} → {a}", "trade_balance_a_usd": "{a}'s trade balance",
    "trade_share_a": "share of {a}'s trade", "trade_share_b": "share of {b}'s trade",
    "un_agreement": "UN General Assembly vote agreement", "un_kappa": "UN vote agreement, kappa",
    "un_common_votes": "UN roll calls both voted on",
    "un_idealpoint_distance": "UN ideal-point distance", "shared_igos": "shared IGO memberships",
    "alliance_any": "alliance obligation (ATOP)", "alliance_defense": "defence pact (ATOP)",
    "arms_tiv_a_to_b": "arms {a} → {b} (SIPRI TIV, millions)",
    "arms_tiv_b_to_a": "arms {b} → {a} (SIPRI TIV, millions)",
    "air_routes": "direct air routes", "migrants_a_in_b": "migrants from {a} in {b}",
    "migrants_b_in_a": "migrants from {b} in {a}", "students_a_in_b": "students from {a} in {b}",
    "students_b_in_a": "students from {b} in {a}", "events_count": "coded news events",
    "events_coop_share": "share of cooperative events",
}


def _label(indicator: str, a: str, b: str) -> str:
    return _LABELS.get(indicator, indicator.replace("_", " ")).format(a=a, b=b)


def _latest(rows: pd.DataFrame, indicator: str, a: str = "a", b: str = "b") -> Figure | None:
    hit = rows[(rows["indicator"] == indicator) & rows["value"].notna()]
    if hit.empty:
        return None
    r = hit.sort_values("year").iloc[-1]
    unit = INDICATORS[indicator].unit
    text = format_value(r["value"], unit)
    if unit == "current US$" and r["source"] == "cow_trade" and abs(float(r["value"])) < 5e5:
        text = "under $0.5M (COW rounds to whole millions)"  # a rounded 0 is not "no trade"
    return Figure(_label(indicator, a, b), r["value"], text, indicator, int(r["year"]),
                  str(r["source"]), str(r["release"]))


def _series(rows: pd.DataFrame, indicator: str, years: Sequence[int]
            ) -> tuple[list[tuple[int, float | None]], list[str]]:
    hit = rows[rows["indicator"] == indicator].drop_duplicates("year").set_index("year")
    points, sources = [], []
    for y in years:
        v = hit["value"].get(y) if y in hit.index else None
        points.append((y, None if v is None or pd.isna(v) else float(v)))
        if v is not None and not pd.isna(v):
            sources.append(f"{hit.loc[y, 'source']}/{hit.loc[y, 'release']}")
    return points, list(dict.fromkeys(sources))


def _dimension_story(profile: Profile, dim: str, year: int) -> dict[str, Any]:
    rows = profile.rows
    figures = []
    for name, ind in INDICATORS.items():
        if ind.dimension != dim or ind.unit == "IGO abbreviations":
            continue
        fig = _latest(rows[rows["year"] <= year], name, profile.a.iso3, profile.b.iso3)
        if fig is not None:
            figures.append(fig)
    absent = [n for n, i in INDICATORS.items() if i.dimension == dim and i.orientation != "none"
              and not any(f.indicator == n for f in figures)]
    card = profile.index["latest"]["by_dimension"][dim] if profile.index else {}
    return {"dimension": dim, "score": card.get("score"), "figures": figures,
            "absent": absent}


def _timeline(store: Store, a: str, b: str, years: tuple[int, int]) -> pd.DataFrame:
    try:
        return timeline(store, a, b, years=years)
    except AmityError:  # no engagements ingested is not an error here
        return pd.DataFrame()


def _opportunities(store: Store, a: str, b: str) -> dict[str, Any] | None:
    try:
        table, totals = top_opportunities(store, a, b, top=10)
    except AmityError as exc:  # a missing product table is reported, not fatal
        return {"error": str(exc)}
    return {"table": table, "totals": totals}


def build(profile: Profile, store: Store) -> Brief:
    """Compute the brief's content from a profile (with its index) and the store."""
    a, b = profile.a, profile.b
    rows = profile.rows
    years = list(range(profile.years[0], profile.years[1] + 1))
    headline = []
    idx = profile.index
    if idx and idx["latest"]:
        lt = idx["latest"]
        headline.append(Figure("relationship index (composite, 0-100)", lt["composite"],
                               format_value(lt["composite"], "0-100"), "composite",
                               lt["year"], "amity index", ""))
    for name in ("trade_total_usd", "trade_a_to_b_usd", "trade_b_to_a_usd", "un_agreement",
                 "un_kappa", "shared_igos", "alliance_any", "arms_tiv_b_to_a",
                 "arms_tiv_a_to_b", "air_routes", "migrants_a_in_b", "migrants_b_in_a",
                 "students_a_in_b", "students_b_in_a", "events_count", "events_coop_share"):
        fig = _latest(rows, name, a.iso3, b.iso3)
        if fig is not None:
            headline.append(fig)
    scorecard, bench_names, comp = [], [], []
    weakest = strongest = None
    if idx and idx["latest"]:
        lt = idx["latest"]
        bench = [bm for bm in idx["benchmarks"] if bm["scorecard"]]
        bench_names = [bm["pair"] for bm in bench]
        for dim in DIMENSIONS:
            card = lt["by_dimension"][dim]
            scorecard.append({"dimension": dim, "score": card["score"],
                              "trend": card["trend_per_year"], "break": card["break"],
                              "benchmarks": [bm["scorecard"]["by_dimension"][dim]["score"]
                                             for bm in bench]})
        scorecard.append({"dimension": "composite", "score": lt["composite"],
                          "trend": lt["composite_trend_per_year"], "break": lt["composite_break"],
                          "benchmarks": [bm["scorecard"]["composite"] for bm in bench]})
        comp = [(c["year"], c["composite"]) for c in idx["by_year"]]
        if lt["weakest"]:
            weakest = _dimension_story(profile, lt["weakest"], lt["year"])
        if lt["strongest"]:
            strongest = _dimension_story(profile, lt["strongest"], lt["year"])
    charts = {}
    for key, title, names, y_label in (
        ("trade", "Goods trade by direction", ("trade_a_to_b_usd", "trade_b_to_a_usd"),
         "million current US$"),
        ("un", "UN General Assembly voting", ("un_agreement", "un_kappa"),
         "agreement share / kappa"),
        ("igos", "Shared intergovernmental organisations", ("shared_igos",), "IGOs"),
        ("events", "Events between the two (coded news events)", ("events_count",), "events"),
        ("events_coop", "Share of cooperative events", ("events_coop_share",), "share"),
    ):
        series, sources = [], []
        for name in names:
            pts, src = _series(rows, name, years)
            if name.endswith("_usd"):
                pts = [(y, None if v is None else v / 1e6) for y, v in pts]
            label = (name.replace("trade_a_to_b_usd", f"{a.iso3} → {b.iso3}")
                     .replace("trade_b_to_a_usd", f"{b.iso3} → {a.iso3}"))
            series.append((label, pts))
            sources += src
        charts[key] = {"title": title, "series": series, "y_label": y_label,
                       "sources": list(dict.fromkeys(sources))}
    coverage, missing = [], []
    for name in INDICATORS:
        have = rows[(rows["indicator"] == name) & rows["value"].notna()]
        if have.empty:
            if name in set(rows["indicator"]):
                missing.append(f"{name}: no data for {a.iso3}-{b.iso3} in {profile.years[0]}-"
                               f"{profile.years[1]}")
            continue
        srcs = ", ".join(dict.fromkeys(f"{s}/{r}" for s, r in zip(have["source"],
                                                                   have["release"], strict=True)))
        coverage.append(f"{name}: {int(have['year'].min())}-{int(have['year'].max())} ({srcs})")
    if idx and idx["latest"]:
        for dim, card in idx["latest"]["by_dimension"].items():
            if card["score"] is None:
                wanted = [n for n, i in INDICATORS.items() if i.dimension == dim
                          and i.orientation != "none"]
                missing.append(f"{dim} dimension: no data for {a.iso3}-{b.iso3} in "
                               f"{idx['latest']['year']} ({', '.join(wanted)})")
    cites = profile.citations()
    caveats = [f"{c['source']}/{c['release']}: {cv}" for c in cites for cv in c["caveats"]]
    return Brief(
        profile=profile, title=f"{a.name} – {b.name}: the relationship in data",
        headline=headline, scorecard=scorecard, benchmarks=bench_names,
        composite_series=comp, weakest=weakest, strongest=strongest, charts=charts,
        timeline=_timeline(store, a.iso3, b.iso3, profile.years),
        opportunities=_opportunities(store, a.iso3, b.iso3), coverage=coverage,
        caveats=caveats, citations=cites, missing=missing,
    )
