"""Helpers shared by the trade sources (BACI, OTS, UN Comtrade, WITS, WTO, IMF DOTS).

Conventions every trade parser follows:

* Money is US dollars. Publishers' thousands and millions are multiplied out by
  :func:`usd` and rounded to whole dollars: no trade source here is finer than that.
* Countries are ISO3 (:mod:`amity.countries`). Partners that are not countries (World,
  regions, "Areas, nes", bunkers, free zones) are dropped; :func:`dropped_note` says how
  many rows and which codes, so the user sees it in ``amity sources``.
* UN Comtrade's code 490 "Other Asia, nes" is the UN's label for Taiwan's trade (UN
  Comtrade, BACI and WITS all publish Taiwan's reported trade under it), so it is read as
  TWN, with :data:`TAIWAN_CAVEAT` on the dataset.
* When two publisher codes map to one ISO3 code in the same year (the Panama Canal Zone
  and Panama before 1978, North Vietnam and Vietnam before 1975), the row whose own code
  *is* the ISO3 code is kept and the other dropped (:func:`prefer_own_code`), so a
  historical territory never silently replaces or inflates its successor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

__all__ = [
    "TAIWAN_CAVEAT",
    "dropped_note",
    "prefer_own_code",
    "usd",
]

#: Shown with every dataset that maps "Other Asia, nes" (code 490) to Taiwan.
TAIWAN_CAVEAT = (
    "\"Other Asia, nes\" (UN code 490) is read as Taiwan (TWN): it is the label under which "
    "the UN publishes Taiwan's trade"
)


def usd(values: pd.Series, scale: float) -> pd.Series:
    """Publisher units to whole US dollars (``scale`` 1e3 for thousands, 1e6 for millions).

    Examples
    --------
    >>> usd(pd.Series([144.1, 0.041, None]), 1e6).tolist()
    [144100000.0, 41000.0, nan]
    """
    return (pd.to_numeric(values, errors="raise").astype("float64") * scale).round(0)


def dropped_note(where: str, what: str, values: Iterable[object], rows: int) -> list[str]:
    """A note for ``ParseResult.notes`` about rows dropped because a code is no country.

    Examples
    --------
    >>> dropped_note("x.csv", "partners that are not countries", ["World", "Bunkers"], 12)
    ['x.csv: 12 rows with partners that are not countries were dropped (Bunkers; World)']
    >>> dropped_note("x.csv", "partners", [], 0)
    []
    """
    shown = sorted({str(v) for v in values})
    if not rows:
        return []
    more = f"; ... {len(shown)} in all" if len(shown) > 12 else ""
    return [f"{where}: {rows} rows with {what} were dropped ({'; '.join(shown[:12])}{more})"]


def prefer_own_code(frame: pd.DataFrame, keys: Sequence[str], own: str = "_own") -> pd.DataFrame:
    """One row per ``keys``, keeping rows whose boolean column ``own`` is true first.

    ``own`` marks rows whose publisher codes are the ISO3 codes themselves (``pan`` for
    PAN, not ``pcz``); the column is dropped from the result.

    Examples
    --------
    >>> df = pd.DataFrame({"iso3": ["PAN", "PAN", "VNM"], "year": [1970, 1970, 1970],
    ...                    "v": [5.0, 9.0, 1.0], "_own": [True, False, True]})
    >>> prefer_own_code(df, ["iso3", "year"])
      iso3  year    v
    0  PAN  1970  5.0
    1  VNM  1970  1.0
    """
    ordered = frame.sort_values(own, ascending=False, kind="stable")
    kept = ordered.drop_duplicates(list(keys)).sort_index()
    return kept.drop(columns=own).reset_index(drop=True)
