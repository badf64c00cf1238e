"""Military dimension: alliances (ATOP) and arms transfers (SIPRI).

For a directed pair (a, b) and year:

* ``alliance_any`` — a and b are bound by at least one ATOP obligation (defence,
  offence, neutrality, non-aggression or consultation) that year, in either direction.
* ``alliance_defense`` — a defence obligation binds one of them to the other that year.
  Both are symmetric: ATOP's directed flags (a guarantee binds the guarantor only) stay
  in the ``alliances`` table.
* ``arms_tiv_a_to_b`` / ``arms_tiv_b_to_a`` — SIPRI TIV (millions) of major arms
  delivered by a to b (by b to a) that year; ``arms_tiv_total`` both directions (the index
  uses it: a supplier-client relationship is close whichever way the arms flow).

Missing is not zero. What is False/0 and what is NA:

* ATOP lists only allied dyad-years. Its universe is the COW state system: a pair of
  states that are both in the system (the ``states`` table of ``cow_states``; states in
  the system at its end, 2016, are carried forward) in a year inside ATOP's coverage
  (1815–2018) and have no ATOP row is ``False``. Years outside the coverage, and pairs
  outside the system (no ``states`` table, or a state not yet independent), are NA.
* SIPRI publishes one table per supplier (134), each listing every delivery of that
  supplier in 1950–2021. So inside that coverage, for two states in the system that
  year, ``arms_tiv_a_to_b`` is 0 when a is one of SIPRI's suppliers and the table lists
  no delivery to b; a state that supplied no state at all in 1950–2021 (no table, or
  like Cambodia only non-state actors) gives NA, because amity cannot tell "SIPRI
  recorded nothing" from "not covered". SIPRI writes a delivery below 0.5m TIV as 0, so
  0 also covers those. Outside 1950–2021 the values are NA.

Without a ``states`` table (``amity setup --source cow_states``), only pair-years with a
record get a value; ``frame.attrs["note"]`` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from amity.indicators._base import (
    Family,
    Indicator,
    pairs,
    resolve_release,
    restrict,
    state_years,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.store import Store

__all__ = ["FAMILIES", "INDICATORS", "alliances_dyadic", "alliances_expr", "arms_dyadic",
           "arms_expr"]

INDICATORS = (
    Indicator("alliance_any", "military", "yes/no", "higher",
              "an ATOP obligation (defence, offence, neutrality, non-aggression or "
              "consultation) binds a and b that year, either direction; False for system "
              "members without one", carry=5),
    Indicator("alliance_defense", "military", "yes/no", "higher",
              "an ATOP defence obligation binds a and b that year, either direction",
              carry=5),
    Indicator("alliance_kinds", "military", "obligations", "none",
              "the kinds of ATOP obligation between a and b that year (defence, offence, "
              "neutrality, non-aggression, consultation)", carry=5, text=True),
    Indicator("arms_tiv_a_to_b", "military", "TIV (millions)", "higher",
              "SIPRI trend-indicator value of major arms delivered by a to b that year; 0 "
              "when a is a SIPRI supplier whose table lists no delivery to b",
              in_index=False),
    Indicator("arms_tiv_b_to_a", "military", "TIV (millions)", "higher",
              "SIPRI trend-indicator value of major arms delivered by b to a that year",
              in_index=False),
    Indicator("arms_tiv_total", "military", "TIV (millions)", "higher",
              "the arms delivered between them that year, both directions (the known "
              "direction where the other is NA: a state that supplied no state at all); "
              "the index uses it, as it uses total trade rather than each direction"),
)

_NO_STATES = ("no COW state list in the store: pair-years without a record are NA, not "
              "False/0. Fix: run `amity setup --source cow_states`")


def _bounds(table: ir.Table, years: tuple[int, int] | None) -> tuple[int, int]:
    row = table.aggregate(lo=table.year.min(), hi=table.year.max()).to_pandas().iloc[0]
    lo, hi = int(row["lo"]), int(row["hi"])
    return (max(lo, years[0]), min(hi, years[1])) if years is not None else (lo, hi)


def _empty(columns: list[str], source: str, release: str) -> pd.DataFrame:
    frame = pd.DataFrame(columns=["a", "b", "year", *columns])
    frame.attrs.update(source=source, release=release, note="outside the source's coverage")
    return frame


#: ATOP's obligation flags and how the profile names them.
_KINDS = (("defense", "defence"), ("offense", "offence"), ("neutrality", "neutrality"),
          ("nonaggression", "non-aggression"), ("consult", "consultation"))


def alliances_expr(alliances: ir.Table, universe: ir.Table | None) -> ir.Table:
    """``a, b, year, alliance_any, alliance_defense`` and one flag per obligation kind
    (``k_defense`` ... ``k_consult``) over the records and the universe."""
    t = alliances
    anyflag = t.defense | t.offense | t.neutrality | t.nonaggression | t.consult
    flags = {f"k_{col}": t[col] for col, _ in _KINDS}
    parts = [t.select(a=t.a, b=t.b, year=t.year, any_=anyflag, **flags),
             t.select(a=t.b, b=t.a, year=t.year, any_=anyflag, **flags)]
    if universe is not None:
        null = ibis.null().cast("boolean")
        parts.append(universe.select("a", "b", "year", any_=null,
                                     **dict.fromkeys(flags, null)))
    u = ibis.union(*parts)
    agg = u.group_by(["a", "b", "year"]).aggregate(
        any_=u.any_.any(), **{name: u[name].any() for name in flags})
    return agg.select("a", "b", "year", alliance_any=agg.any_.fill_null(False),
                      alliance_defense=agg.k_defense.fill_null(False),
                      **{name: agg[name].fill_null(False) for name in flags})


def _kinds(frame: pd.DataFrame) -> pd.Series:
    """The obligation kinds of each row in words ("non-aggression, consultation"), or
    "none"."""
    text = pd.Series("", index=frame.index, dtype="object")
    for col, label in _KINDS:
        text = text + frame[f"k_{col}"].astype(bool).map({True: label + ", ", False: ""})
    return text.str.rstrip(", ").replace("", "none")


def alliances_dyadic(
    store: Store,
    *,
    release: str | None = None,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """``alliance_any`` and ``alliance_defense`` for directed pairs and years (ATOP).

    Returns
    -------
    DataFrame
        ``a, b, year, alliance_any, alliance_defense`` (nullable booleans); rows for the
        pairs of system members in ATOP's years plus every ATOP record. ``attrs`` name
        the source and release (and carry a ``note`` without a state list).
    """
    release = resolve_release(store, "atop", release)
    al = store.table("alliances", source="atop", release=release)
    lo, hi = _bounds(al, years)
    if lo > hi:
        return _empty(["alliance_any", "alliance_defense", "alliance_kinds"], "atop", release)
    al = restrict(al, "a", "b", countries, (lo, hi))
    sy = state_years(store, lo, hi, countries)
    expr = alliances_expr(al, pairs(sy) if sy is not None else None)
    frame = expr.to_pandas().sort_values(["a", "b", "year"], ignore_index=True)
    frame["alliance_kinds"] = _kinds(frame)
    frame = frame[["a", "b", "year", "alliance_any", "alliance_defense", "alliance_kinds"]]
    for col in ("alliance_any", "alliance_defense"):
        frame[col] = frame[col].astype("boolean")
    frame.attrs.update(source="atop", release=release)
    if sy is None:
        frame.attrs["note"] = _NO_STATES
    return frame


def arms_expr(transfers: ir.Table, universe: ir.Table | None,
              suppliers: Sequence[str]) -> ir.Table:
    """``a, b, year, arms_tiv_a_to_b, arms_tiv_b_to_a, arms_tiv_total`` over the records and
    the universe.

    Examples
    --------
    >>> t = ibis.memtable(pd.DataFrame({"year": [2020], "supplier": ["RUS"],
    ...                                 "recipient": ["PAK"], "tiv": [40.0]}))
    >>> grid = ibis.memtable(pd.DataFrame({"a": ["PAK", "RUS", "PAK", "USA"],
    ...                                    "b": ["RUS", "PAK", "USA", "PAK"],
    ...                                    "year": [2020] * 4}))
    >>> arms_expr(t, grid, ["RUS"]).to_pandas().sort_values(["a", "b"], ignore_index=True)
         a    b  year  arms_tiv_a_to_b  arms_tiv_b_to_a  arms_tiv_total
    0  PAK  RUS  2020              NaN             40.0            40.0
    1  PAK  USA  2020              NaN              NaN             NaN
    2  RUS  PAK  2020             40.0              NaN            40.0
    3  USA  PAK  2020              NaN              NaN             NaN
    """
    t = transfers
    null = ibis.null().cast("float64")
    parts = [t.select(a=t.supplier, b=t.recipient, year=t.year, ab=t.tiv, ba=null,
                      grid=ibis.literal(False)),
             t.select(a=t.recipient, b=t.supplier, year=t.year, ab=null, ba=t.tiv,
                      grid=ibis.literal(False))]
    if universe is not None:
        parts.append(universe.select("a", "b", "year", ab=null, ba=null,
                                     grid=ibis.literal(True)))
    u = ibis.union(*parts)
    agg = u.group_by(["a", "b", "year"]).aggregate(ab=u.ab.sum(), ba=u.ba.sum(),
                                                   grid=u.grid.any())
    supply = list(suppliers)
    zero_ab = ibis.ifelse(agg.grid & agg.a.isin(supply), 0.0, null)
    zero_ba = ibis.ifelse(agg.grid & agg.b.isin(supply), 0.0, null)
    ab, ba = agg.ab.coalesce(zero_ab), agg.ba.coalesce(zero_ba)
    # both directions' recorded deliveries; NA only when neither direction is known
    total = ibis.ifelse(ab.isnull() & ba.isnull(), null, ab.fill_null(0.0) + ba.fill_null(0.0))
    return agg.select("a", "b", "year", arms_tiv_a_to_b=ab, arms_tiv_b_to_a=ba,
                      arms_tiv_total=total.cast("float64"))


def arms_dyadic(
    store: Store,
    *,
    release: str | None = None,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """``arms_tiv_a_to_b`` and ``arms_tiv_b_to_a`` for directed pairs and years (SIPRI).

    Parameters
    ----------
    release
        ``trademap-2022`` (default, SIPRI's own tables) or ``processed`` (360info's).

    Returns
    -------
    DataFrame
        ``a, b, year, arms_tiv_a_to_b, arms_tiv_b_to_a`` in millions of TIV; 0 and NA as
        the module docstring explains. ``attrs`` name the source and release.
    """
    release = resolve_release(store, "sipri", release)
    tr = store.table("arms_transfers", source="sipri", release=release)
    suppliers = tr.select("supplier").distinct().to_pandas()["supplier"].tolist()
    lo, hi = _bounds(tr, years)
    if lo > hi:
        return _empty(["arms_tiv_a_to_b", "arms_tiv_b_to_a", "arms_tiv_total"], "sipri",
                      release)
    tr = restrict(tr, "supplier", "recipient", countries, (lo, hi))
    sy = state_years(store, lo, hi, countries)
    expr = arms_expr(tr, pairs(sy) if sy is not None else None, suppliers)
    frame = expr.to_pandas().sort_values(["a", "b", "year"], ignore_index=True)
    frame.attrs.update(source="sipri", release=release)
    if sy is None:
        frame.attrs["note"] = _NO_STATES
    return frame


FAMILIES = (
    Family("atop", ("alliance_any", "alliance_defense", "alliance_kinds"), lambda s, r, c, y:
           alliances_dyadic(s, release=r, countries=c, years=y)),
    Family("sipri", ("arms_tiv_a_to_b", "arms_tiv_b_to_a", "arms_tiv_total"), lambda s, r, c, y:
           arms_dyadic(s, release=r, countries=c, years=y)),
)
