"""The indicator catalogue: name, dimension, unit, orientation, default source.

One entry per indicator of DESIGN.md §4. ``docs/indicators.md`` documents the same names
(a test keeps the two in step); the profile, the export's data dictionary and the index
read their units and orientation from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["DIMENSIONS", "INDICATORS", "Indicator"]

DIMENSIONS = ("political", "economic", "military", "people", "multilateral", "media")
Orientation = Literal["higher", "lower", "none"]


@dataclass(frozen=True)
class Indicator:
    """One indicator column.

    ``orientation``: ``higher`` means a higher value is a closer relationship, ``lower``
    the opposite, ``none`` that it is descriptive (a balance, a list). ``in_index``:
    whether the relationship index uses it (an oriented indicator can stay out when
    another one carries the same information, e.g. the two trade directions beside the
    total).
    """

    name: str
    dimension: str
    unit: str
    orientation: Orientation
    source: str
    definition: str
    in_index: bool = True


_NOT_IN_INDEX = {"trade_a_to_b_usd", "trade_b_to_a_usd"}


def _i(name: str, dimension: str, unit: str, orientation: Orientation, source: str,
       definition: str) -> Indicator:
    return Indicator(name, dimension, unit, orientation, source, definition,
                     in_index=orientation != "none" and name not in _NOT_IN_INDEX)


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    _i("un_agreement", "political", "share (0-1)", "higher", "unvotes",
       "share of the year's UNGA roll calls on which both cast yes/abstain/no and cast the same"),
    _i("un_common_votes", "political", "roll calls", "none", "unvotes",
       "roll calls of the year on which both cast yes, abstain or no"),
    _i("un_kappa", "political", "kappa (-1 to 1)", "higher", "unvotes",
       "Cohen's kappa of the two vote series over the common votes, 3 categories"),
    _i("un_idealpoint_distance", "political", "ideal-point units", "lower", "un_idealpoints",
       "absolute difference of the two ideal points (all votes)"),
    _i("trade_a_to_b_usd", "economic", "current US$", "higher", "cow_trade",
       "goods exports of a to b (b's reported imports from a)"),
    _i("trade_b_to_a_usd", "economic", "current US$", "higher", "cow_trade",
       "goods exports of b to a (a's reported imports from b)"),
    _i("trade_total_usd", "economic", "current US$", "higher", "cow_trade",
       "trade_a_to_b_usd + trade_b_to_a_usd"),
    _i("trade_balance_a_usd", "economic", "current US$", "none", "cow_trade",
       "trade_a_to_b_usd - trade_b_to_a_usd"),
    _i("trade_share_a", "economic", "share (0-1)", "higher", "cow_trade",
       "trade_total_usd / (a's total exports + imports)"),
    _i("trade_share_b", "economic", "share (0-1)", "higher", "cow_trade",
       "trade_total_usd / (b's total exports + imports)"),
    _i("trade_intensity_a_to_b", "economic", "index (1 = neutral)", "higher", "ots",
       "(x_ab / X_a) / (M_b / M_w): share of a's exports going to b over b's share of world "
       "imports (WITS)"),
    _i("trade_complementarity_a_b", "economic", "index (0-100)", "higher", "ots",
       "100 * (1 - sum_k |m_bk - x_ak| / 2), shares of product k in b's imports and a's "
       "exports (WITS); complete product mixes only"),
    _i("shared_igos", "multilateral", "IGOs", "higher", "cow_igo",
       "IGOs in which both are full or associate members that year"),
    _i("shared_igos_list", "multilateral", "IGO abbreviations", "none", "cow_igo",
       "the shared IGOs, comma-separated"),
    _i("alliance_any", "military", "yes/no", "higher", "atop",
       "an ATOP obligation (defence, offence, neutrality, non-aggression or consultation) "
       "binds a and b that year, either direction; False for system members without one"),
    _i("alliance_defense", "military", "yes/no", "higher", "atop",
       "an ATOP defence obligation binds a and b that year, either direction"),
    _i("arms_tiv_a_to_b", "military", "TIV (millions)", "higher", "sipri",
       "SIPRI trend-indicator value of major arms delivered by a to b that year; 0 when a is "
       "a SIPRI supplier whose table lists no delivery to b"),
    _i("arms_tiv_b_to_a", "military", "TIV (millions)", "higher", "sipri",
       "SIPRI trend-indicator value of major arms delivered by b to a that year"),
    _i("air_routes", "people", "routes", "higher", "openflights",
       "distinct (airline, origin airport, destination airport) direct routes between the two "
       "countries' airports, both directions; snapshot year only (2014)"),
    _i("migrants_a_in_b", "people", "persons", "higher", "migration",
       "international migrant stock born in a living in b (UN DESA)"),
    _i("migrants_b_in_a", "people", "persons", "higher", "migration",
       "international migrant stock born in b living in a (UN DESA)"),
    _i("students_a_in_b", "people", "students (derived)", "higher", "students",
       "international students from a enrolled in b (derived OECD table, about 2x head counts)"),
    _i("students_b_in_a", "people", "students (derived)", "higher", "students",
       "international students from b enrolled in a (derived OECD table, about 2x head counts)"),
    _i("events_count", "media", "events", "none", "gdelt",
       "coded events whose two actor countries are a and b, either order (distinct event "
       "ids); 0 only in years the ingested event files cover"),
    _i("events_goldstein_mean", "media", "Goldstein (-10 to 10)", "higher", "gdelt",
       "mean Goldstein score of those events"),
    _i("events_tone_mean", "media", "tone (-100 to 100)", "higher", "gdelt",
       "mean GDELT AvgTone of those events (NA for ICEWS)"),
    _i("events_coop_share", "media", "share (0-1)", "higher", "gdelt",
       "share of those events with QuadClass 1-2 (verbal or material cooperation)"),
    _i("events_conflict_share", "media", "share (0-1)", "lower", "gdelt",
       "share of those events with QuadClass 3-4 (verbal or material conflict)"),
)}
