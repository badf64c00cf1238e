"""peacesciencer-style dyad-year data: :func:`dyad_years`, then ``add_*`` per source.

Usage (after ``amity setup``)::

    import amity
    df = amity.dyad_years(years=(1990, 2014))
    df = amity.add_trade(amity.add_igos(amity.add_un_votes(df)))

:func:`dyad_years` gives every directed pair of states in the international system (COW
State System Membership v2016, states in the system at its end carried forward) for each
year. Each ``add_*`` left-joins one family of indicators on ``a, b, year``: a dyad-year
without data stays NA. ``df.attrs["provenance"]`` maps each added column to its source
and release.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from amity import countries as _countries
from amity._exceptions import InputError
from amity.indicators import economic, military, multilateral, people, political
from amity.indicators._base import pairs, state_years
from amity.store import Store, store_scope

__all__ = ["add_air_routes", "add_alliances", "add_arms", "add_igos", "add_migration",
           "add_students", "add_trade", "add_un_votes", "dyad_years"]

_KEYS = ["a", "b", "year"]


def _latest_year(store: Store) -> int:
    ends = store.datasets().get("coverage_end")
    return int(max(2016, ends.max())) if ends is not None and ends.notna().any() else 2016


def dyad_years(
    years: tuple[int, int] | None = None,
    *,
    directed: bool = True,
    countries: Sequence[str | int] | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """All pairs of states in the system, year by year.

    Parameters
    ----------
    years
        Inclusive (first, last); default 1816 to the latest year any ingested source covers.
    directed
        Both (a, b) and (b, a) when True; only a < b (by ISO3) when False.
    countries
        Restrict to pairs among these countries (any form :func:`amity.resolve` accepts).
    store
        An open store (default: the user's store, read-only).

    Returns
    -------
    DataFrame
        ``a, b, year`` (ISO3 codes).
    """
    with store_scope(store) as s:
        first_year, last_year = years or (1816, _latest_year(s))
        if first_year > last_year:
            raise InputError(f"years {first_year}-{last_year}: the first year is after the "
                             "last")
        keep = [_countries.to_iso3(c) for c in countries] if countries is not None else None
        s.table("states")  # without a state list: MissingDataError naming the setup step
        sy = state_years(s, first_year, last_year, keep)
        assert sy is not None  # the store has states and first <= last
        out = pairs(sy, directed=directed).to_pandas()
    return out.astype({"a": str, "b": str, "year": "int64"}).sort_values(
        _KEYS, ignore_index=True)


def _add(df: pd.DataFrame, compute: Callable[..., pd.DataFrame], store: Store | None,
         **kwargs: object) -> pd.DataFrame:
    missing = [k for k in _KEYS if k not in df.columns]
    if missing:
        raise InputError(f"the data frame lacks the key columns {missing}. Fix: start from "
                         "amity.dyad_years() or give columns a, b (ISO3) and year")
    years = (int(df["year"].min()), int(df["year"].max())) if len(df) else None
    countries = sorted(set(df["a"]) | set(df["b"])) if len(df) < 5000 else None
    with store_scope(store) as s:
        values = compute(s, countries=countries, years=years, **kwargs)
    added = [c for c in values.columns if c not in _KEYS]
    clash = [c for c in added if c in df.columns]
    if clash:
        raise InputError(f"the data frame already has columns {clash}. Fix: drop them first")
    out = df.merge(values, on=_KEYS, how="left")
    provenance = dict(df.attrs.get("provenance", {}))
    provenance.update({c: {"source": values.attrs["source"], "release": values.attrs["release"]}
                       for c in added})
    out.attrs["provenance"] = provenance
    return out


def add_un_votes(df: pd.DataFrame, *, release: str | None = None,
                 store: Store | None = None) -> pd.DataFrame:
    """Add ``un_agreement``, ``un_common_votes``, ``un_kappa`` and ``un_idealpoint_distance``.

    ``release`` picks the vote file: ``unvotes-0.3.0`` (default) or ``voeten-2017``.
    """
    out = _add(df, political.un_votes_dyadic, store, release=release)
    return _add(out, political.idealpoint_distance, store)


def add_trade(df: pd.DataFrame, *, source: str = "cow_trade", release: str | None = None,
              store: Store | None = None) -> pd.DataFrame:
    """Add the ``trade_*`` indicators from one trade source (default COW Trade 4.0)."""
    return _add(df, economic.trade_dyadic, store, source=source, release=release)


def add_igos(df: pd.DataFrame, *, with_list: bool = False,
             store: Store | None = None) -> pd.DataFrame:
    """Add ``shared_igos`` (and ``shared_igos_list`` with ``with_list=True``)."""
    return _add(df, multilateral.shared_igos, store, with_list=with_list)


def add_alliances(df: pd.DataFrame, *, release: str | None = None,
                  store: Store | None = None) -> pd.DataFrame:
    """Add ``alliance_any`` and ``alliance_defense`` (ATOP obligations in force)."""
    return _add(df, military.alliances_dyadic, store, release=release)


def add_arms(df: pd.DataFrame, *, release: str | None = None,
             store: Store | None = None) -> pd.DataFrame:
    """Add ``arms_tiv_a_to_b``, ``arms_tiv_b_to_a`` and ``arms_tiv_total`` (SIPRI TIV)."""
    return _add(df, military.arms_dyadic, store, release=release)


def add_air_routes(df: pd.DataFrame, *, release: str | None = None,
                   store: Store | None = None) -> pd.DataFrame:
    """Add ``air_routes`` (OpenFlights snapshot year only; other years NA)."""
    return _add(df, people.air_routes_dyadic, store, release=release)


def add_migration(df: pd.DataFrame, *, release: str | None = None,
                  store: Store | None = None) -> pd.DataFrame:
    """Add ``migrants_a_in_b`` and ``migrants_b_in_a`` (UN DESA migrant stocks)."""
    return _add(df, people.migration_dyadic, store, release=release)


def add_students(df: pd.DataFrame, *, release: str | None = None,
                 store: Store | None = None) -> pd.DataFrame:
    """Add ``students_a_in_b`` and ``students_b_in_a`` (international students, derived)."""
    return _add(df, people.students_dyadic, store, release=release)
