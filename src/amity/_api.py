"""Convenience functions of the public API that open the user's store when none is given."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from amity.store import Store, open_store

__all__ = ["export", "rank"]


def rank(country: str | int, *, year: int | None = None, dimension: str | None = None,
         top: int | None = 20, store: Store | None = None) -> pd.DataFrame:
    """A country's partners ranked by the relationship index.

    See :func:`amity.ranking.rank_partners`.
    """
    from amity.ranking import rank_partners

    if store is not None:
        return rank_partners(store, country, year=year, dimension=dimension, top=top)
    with open_store(read_only=True) as own:
        return rank_partners(own, country, year=year, dimension=dimension, top=top)


def export(out: str | os.PathLike[str], *, years: tuple[int, int] | None = None,
           directed: bool = True, indicators: Sequence[str] | None = None,
           store: Store | None = None) -> tuple[Path, Path, int]:
    """Write the all-pairs dyad-year dataset and its dictionary (see :mod:`amity.dataset`)."""
    from amity.dataset import export as run

    if store is not None:
        return run(store, out, years=years, directed=directed, indicators=indicators)
    with open_store(read_only=True) as own:
        return run(own, out, years=years, directed=directed, indicators=indicators)
