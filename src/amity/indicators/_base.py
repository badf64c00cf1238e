"""What every indicator module shares: how indicators and families are declared, the
release of a source to compute from, and the state-system universe of pairs.

A dimension module (``political.py``, ``economic.py`` ...) declares its indicators
(:class:`Indicator`: name, unit, orientation, definition) and its families
(:class:`Family`: which source computes which indicators, and how); ``amity.indicators``
gathers them in the documented priority order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandas as pd

from amity._exceptions import MissingDataError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.store import Store

__all__ = ["DIMENSIONS", "INDEX_DIMENSIONS", "Compute", "Family", "Indicator", "Orientation",
           "finish", "pairs", "resolve_release", "restrict", "restrict_frame", "state_years"]

#: The dimensions of a relationship, in the order every table shows them.
DIMENSIONS = ("political", "economic", "military", "people", "multilateral", "media",
              "conflict")
#: The dimensions whose scores (percentiles among pairs) make the composite; conflict
#: discounts it instead (:data:`amity.indicators.HOSTILITY`).
INDEX_DIMENSIONS = DIMENSIONS[:6]
Orientation = Literal["higher", "lower", "none"]
#: ``compute(store, release, countries, years)`` → ``a, b, year`` and the indicators.
Compute = Callable[["Store", "str | None", "list[str] | None", "tuple[int, int] | None"],
                   pd.DataFrame]


@dataclass(frozen=True)
class Indicator:
    """One indicator column.

    ``orientation``: ``higher`` means a higher value is a closer relationship, ``lower``
    the opposite, ``none`` that it is descriptive (a balance, a list). ``in_index``:
    whether the relationship index uses it (an oriented indicator can stay out when
    another one carries the same information, e.g. the two trade directions beside the
    total, or when it exists for too few pairs or years to compare pairs on it).

    ``carry``: for a slow-moving stock (memberships, alliances, a route network, migrant
    stocks), how many years after its last value the panel and the index carry it
    forward, with an "as of" year (0: never). ``support``: the index uses the value only
    where another indicator reaches a minimum (UN agreement on at least 10 common votes;
    event shares where the event files cover the whole year). ``fallback_for``: the
    index uses the value only where that other indicator is NA (a narrower measure of
    the same thing, which would otherwise count twice). ``text``: the value is text (a
    list of names), shown in profiles but not stored in the numeric panel.
    """

    name: str
    dimension: str
    unit: str
    orientation: Orientation
    definition: str
    in_index: bool = True
    carry: int = 0
    support: tuple[str, float] | None = None
    fallback_for: str | None = None
    text: bool = False

    def __post_init__(self) -> None:
        if self.orientation == "none":
            object.__setattr__(self, "in_index", False)


@dataclass(frozen=True)
class Family:
    """Indicators computed together from one source.

    ``compute(store, release, countries, years)`` returns ``a, b, year`` and the
    indicators for directed pairs (all pairs when ``countries`` is None). ``value_note``:
    what a reader must know beside each value from this source (how it was reported, a
    known bias, a double count), shown in the note of every row it gives.
    """

    source: str
    indicators: tuple[str, ...]
    compute: Compute
    value_note: str | None = None


def resolve_release(store: Store, source: str, release: str | None) -> str:
    """``release`` if ``source`` has it in the store; without one, the source's default.

    Raises
    ------
    MissingDataError
        The source, or that release of it, is not in the store; the message names the
        ``amity setup`` step.
    """
    releases = store.releases(source)
    if release is None:
        if not releases:
            raise MissingDataError(f"no {source} data in the store. Fix: run `amity setup "
                                   f"--source {source}`")
        return releases[0]
    if release not in releases:
        raise MissingDataError(f"{source} release {release!r} is not in the store (have "
                               f"{releases or 'none'}). Fix: run `amity setup --source {source}`")
    return release


def restrict(table: ir.Table, x: str, y: str, countries: Sequence[str] | None,
             years: tuple[int, int] | None) -> ir.Table:
    """Rows in ``years`` (inclusive) whose ``x`` and ``y`` are both among ``countries``."""
    if years is not None:
        table = table.filter(table.year.between(*years))
    if countries is not None:
        keep = list(countries)
        table = table.filter(table[x].isin(keep) & table[y].isin(keep))
    return table


def restrict_frame(frame: pd.DataFrame, countries: Sequence[str] | None,
                   years: tuple[int, int] | None) -> pd.DataFrame:
    """:func:`restrict` for a computed ``a, b, year`` DataFrame."""
    if countries is not None:
        frame = frame[frame["a"].isin(countries) & frame["b"].isin(countries)]
    if years is not None:
        frame = frame[frame["year"].between(*years)]
    return frame.reset_index(drop=True)


def state_years(store: Store, first: int, last: int,
                countries: Sequence[str] | None = None) -> ir.Table | None:
    """``iso3, year`` of the states in the international system in ``first``–``last``.

    From the COW state list (``states``); states in the system at the list's end (31
    December 2016) are carried forward to ``last``. None without a state list or when
    ``first > last``.
    """
    import ibis

    if first > last or not store.has("states"):
        return None
    st = store.table("states")
    data_end = st.end.max().execute()
    end_year = ibis.ifelse(st.end >= data_end, last, st.end.year())
    spans = st.select(iso3=st.iso3, lo=st.start.year(), hi=end_year)
    if countries is not None:
        spans = spans.filter(spans.iso3.isin(list(countries)))
    years = ibis.memtable(pd.DataFrame({"year": range(first, last + 1)}, dtype="int64"))
    joined = spans.join(years, (years.year >= spans.lo) & (years.year <= spans.hi))
    return joined.select("iso3", "year").distinct()


def pairs(sy: ir.Table, *, directed: bool = True) -> ir.Table:
    """Pairs of distinct states in the system in the same year: ``a, b, year`` (both
    orders, or ``a < b`` with ``directed=False``)."""
    left = sy.select(a=sy.iso3, year=sy.year)
    right = sy.select(b=sy.iso3, year_b=sy.year)
    joined = left.join(right, left.year == right.year_b)
    keep = joined.a != joined.b if directed else joined.a < joined.b
    return joined.filter(keep).select("a", "b", "year")


def finish(expr: ir.Table, source: str, release: str, **attrs: object) -> pd.DataFrame:
    """An indicator expression as a DataFrame sorted by pair and year, with ``attrs``
    naming its source and release (and anything else given)."""
    frame = expr.to_pandas().sort_values(["a", "b", "year"], ignore_index=True)
    frame.attrs.update(source=source, release=release, **attrs)
    return frame
