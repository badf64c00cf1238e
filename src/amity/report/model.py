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
from amity.indicators.economic import TRADE_NOTES
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
    """One number in the brief, with where it comes from and what a reader must know
    beside it (``note``: the year a carried stock is as of, a sample, a derived table)."""

    label: str
    value: Any
    text: str
    indicator: str
    year: int | None
    source: str
    release: str
    note: str = ""

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
    composite_markers: list[tuple[int, str]]
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
    "shared_groups": "shared regional organisations (amity's list of 11)",
    "events_goldstein_mean": "mean Goldstein score of events",
    "events_tone_mean": "mean tone of events", "events_conflict_share": "share of conflict events",
    "trade_intensity_a_to_b": "trade intensity {a} → {b}",
    "trade_complementarity_a_b": "trade complementarity of {a}'s exports and {b}'s imports",
    "shared_igos_list": "shared IGOs", "shared_groups_list": "shared regional organisations",
    "alliance_kinds": "alliance obligations (ATOP)",
    "arms_tiv_total": "arms transfers between them (SIPRI TIV, millions)",
    "events_year_share": "share of the year the event files cover",
    "mid_any": "militarized dispute (MID)", "mid_count": "militarized disputes (MID)",
    "mid_hostility_max": "highest hostility level of their disputes (MID, 0-5)",
    "mid_fatal": "fatal militarized dispute (MID)",
    "armed_conflict": "armed conflict between them (UCDP)",
    "armed_conflict_intensity": "armed conflict intensity (UCDP, 0-2)",
    "war": "inter-state war (COW)", "rivalry": "strategic rivalry in force",
}


#: Legend labels of the charts' series.
_SHORT = {"un_agreement": "agreement", "un_kappa": "kappa", "shared_igos": "IGOs",
          "events_count": "events", "events_coop_share": "cooperative share"}


def _label(indicator: str, a: str, b: str) -> str:
    return _LABELS.get(indicator, indicator.replace("_", " ")).format(a=a, b=b)


def _carried(rows: pd.DataFrame) -> pd.Series:
    """Rows whose value is a stock carried forward from an earlier year."""
    return rows["note"].fillna("").astype(str).str.startswith("as of ")


def _sample(rows: pd.DataFrame) -> pd.Series:
    """Rows whose value comes from sample event files, not a whole year."""
    return rows["note"].fillna("").astype(str).str.startswith("sample:")


def _latest(rows: pd.DataFrame, indicator: str, a: str = "a", b: str = "b") -> Figure | None:
    """The latest observed value (a carried stock shows the year it was observed)."""
    hit = rows[(rows["indicator"] == indicator) & rows["value"].notna()]
    hit = hit[~_carried(hit)]
    if hit.empty:
        return None
    r = hit.sort_values("year").iloc[-1]
    unit = INDICATORS[indicator].unit
    text = format_value(r["value"], unit)
    if unit == "current US$" and r["source"] == "cow_trade" and abs(float(r["value"])) < 5e5:
        text = "under $0.5M (COW rounds to whole millions)"  # a rounded 0 is not "no trade"
    if indicator == "alliance_any" and r["value"]:
        text = _alliance_text(rows, int(r["year"]))
    if indicator == "shared_groups" and r["value"]:
        names = rows[(rows["indicator"] == "shared_groups_list") & (rows["year"] == r["year"])]
        if len(names) and isinstance(names["value"].iloc[0], str):
            text = f"{text} ({names['value'].iloc[0]})"
    note = r.get("note")
    if isinstance(note, str) and note.startswith("sample:"):
        text = f"{text} (in sample files, not the year's)"
    return Figure(_label(indicator, a, b), r["value"], text, indicator, int(r["year"]),
                  str(r["source"]), str(r["release"]),
                  str(note) if isinstance(note, str) else "")


def _alliance_text(rows: pd.DataFrame, year: int) -> str:
    """"yes" with the kinds of obligation, saying so when none is a defence pact."""
    kinds = rows[(rows["indicator"] == "alliance_kinds") & (rows["year"] <= year)
                 & rows["value"].notna()].sort_values("year")
    if kinds.empty:
        return "yes"
    named = str(kinds["value"].iloc[-1])
    return f"yes: {named}" + ("" if "defen" in named else " (no defence pact)")


def _series(rows: pd.DataFrame, indicator: str, years: Sequence[int]
            ) -> tuple[list[tuple[int, float | None]], list[str]]:
    """Observed yearly values (no carried stocks, no sample files: those are not the
    year's values) and the sources behind them."""
    hit = rows[(rows["indicator"] == indicator) & ~_carried(rows) & ~_sample(rows)]
    hit = hit.drop_duplicates("year").set_index("year")
    points, sources = [], []
    for y in years:
        v = hit["value"].get(y) if y in hit.index else None
        points.append((y, None if v is None or pd.isna(v) else float(v)))
        if v is not None and not pd.isna(v):
            sources.append(f"{hit.loc[y, 'source']}/{hit.loc[y, 'release']}")
    return points, list(dict.fromkeys(sources))


def _trade_chart(rows: pd.DataFrame, years: Sequence[int], a: str, b: str) -> dict[str, Any]:
    """Goods trade by direction with one line per source (colour) and direction (solid
    a → b, dashed b → a): sources report the same flow differently (importer or
    exporter, inflated levels), so a change of source is never drawn as a change of
    trade."""
    series: list[dict[str, Any]] = []
    legend: list[tuple[str, int | None, bool]] = []
    sources: list[str] = []
    trade = rows[rows["indicator"].isin(["trade_a_to_b_usd", "trade_b_to_a_usd"])
                 & rows["value"].notna()]
    order = list(dict.fromkeys(trade.sort_values("year")["source"]))
    for colour, source in enumerate(order):
        legend.append((source, colour, False))
        for name, dash in (("trade_a_to_b_usd", False), ("trade_b_to_a_usd", True)):
            own = trade[(trade["indicator"] == name) & (trade["source"] == source)]
            values = dict(zip(own["year"], own["value"], strict=True))
            pts = [(y, float(values[y]) / 1e6 if y in values else None) for y in years]
            if any(v is not None for _, v in pts):
                series.append({"label": f"{source}", "points": pts, "colour": colour,
                               "dash": dash})
        how = TRADE_NOTES.get(source, "")
        sources += [f"{source}/{r}" + (f" ({how})" if how else "") for r in dict.fromkeys(
            trade[trade["source"] == source]["release"])]
    legend += [(f"{a} → {b}", None, False), (f"{b} → {a}", None, True)]
    return {"title": "Goods trade by direction, one line per source",
            "series": series, "legend": legend, "y_label": "million current US$",
            "sources": sources}


def _basis_markers(cards: Sequence[dict[str, Any]]) -> list[tuple[int, str]]:
    """(year, "+people −economic") where the dimensions behind the composite change."""
    out, before = [], None
    last = max((c["year"] for c in cards if c.get("composite") is not None), default=None)
    for card in cards:
        if last is not None and card["year"] > last:
            break
        now = set(card.get("basis") or [])
        if before is not None and now != before and now:
            change = [f"+{d}" for d in DIMENSIONS if d in now - before]
            change += [f"−{d}" for d in DIMENSIONS if d in before - now]
            out.append((int(card["year"]), " ".join(change)))
        before = now or before
    return out


def _dimension_story(profile: Profile, dim: str, year: int) -> dict[str, Any]:
    rows = profile.rows
    figures = []
    for name, ind in INDICATORS.items():
        if ind.dimension != dim or ind.text:
            continue
        fig = _latest(rows[rows["year"] <= year], name, profile.a.iso3, profile.b.iso3)
        if fig is not None:
            figures.append(fig)
    absent = [_label(n, profile.a.iso3, profile.b.iso3) for n, i in INDICATORS.items()
              if i.dimension == dim and i.orientation != "none"
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
                 "un_kappa", "shared_igos", "shared_groups", "alliance_any", "arms_tiv_b_to_a",
                 "arms_tiv_a_to_b", "air_routes", "migrants_a_in_b", "migrants_b_in_a",
                 "students_a_in_b", "students_b_in_a", "events_count", "events_coop_share"):
        fig = _latest(rows, name, a.iso3, b.iso3)
        if fig is not None:
            headline.append(fig)
    scorecard, bench_names, comp = [], [], []
    markers: list[tuple[int, str]] = []
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
        markers = _basis_markers(idx["by_year"])
        if lt["weakest"]:
            weakest = _dimension_story(profile, lt["weakest"], lt["year"])
        if lt["strongest"]:
            strongest = _dimension_story(profile, lt["strongest"], lt["year"])
    charts = {"trade": _trade_chart(rows, years, a.iso3, b.iso3)}
    for key, title, names, y_label in (
        ("un", "UN General Assembly voting", ("un_agreement", "un_kappa"),
         "agreement share / kappa"),
        ("igos", "Shared intergovernmental organisations", ("shared_igos",), "IGOs"),
        ("events", "Events between the two (coded news events)", ("events_count",), "events"),
        ("events_coop", "Share of cooperative events", ("events_coop_share",), "share"),
    ):
        series, sources = [], []
        for name in names:
            pts, src = _series(rows, name, years)
            series.append({"label": _SHORT.get(name, name), "points": pts})
            sources += src
        if not sources:  # nothing observed in whole years: say so instead of a chart
            continue
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
        composite_series=comp, composite_markers=markers, weakest=weakest,
        strongest=strongest, charts=charts,
        timeline=_timeline(store, a.iso3, b.iso3, profile.years),
        opportunities=_opportunities(store, a.iso3, b.iso3), coverage=coverage,
        caveats=caveats, citations=cites, missing=missing,
    )
