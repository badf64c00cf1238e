"""Multilateral dimension: shared IGO memberships (COW IGO v3.0).

``shared_igos`` for (a, b, year) counts the IGOs in which both are full or associate
members (COW status 1 or 2). It is defined for the state-years the IGO data covers
(``igo_state_years``): 0 there means no shared IGO, while a year outside the data (after
2014) or a state outside the system is NA. ``shared_igos_list`` names them.

Two implementations agree (tested): :func:`shared_igos_expr`, a portable Ibis self-join on
(igo, year), and :func:`shared_igos_matrix`, per year the product M·Mᵀ of the
state × IGO membership matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from amity.indicators._base import Family, Indicator, pairs, resolve_release, state_years

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.store import Store

__all__ = ["FAMILIES", "INDICATORS", "shared_groups", "shared_igos", "shared_igos_expr",
           "shared_igos_matrix"]

INDICATORS = (
    Indicator("shared_igos", "multilateral", "IGOs", "higher",
              "IGOs in which both are full or associate members that year", carry=5),
    Indicator("shared_igos_list", "multilateral", "IGO abbreviations", "none",
              "the shared IGOs, comma-separated", text=True),
    Indicator("shared_groups", "multilateral", "organisations", "higher",
              "regional organisations both belong to that year (amity's regions table: "
              "EAEU, SCO, SAARC, GCC, EU, ASEAN, MERCOSUR, USMCA, BRICS, ECO, EFTA)",
              fallback_for="shared_igos"),
    Indicator("shared_groups_list", "multilateral", "organisation names", "none",
              "the shared regional organisations, comma-separated", text=True),
)

_MEMBER = ("full", "associate")


def shared_igos_expr(membership: ir.Table, state_years: ir.Table, *,
                     with_list: bool = False) -> ir.Table:
    """Directed pairs × years of the covered state-years with their shared-IGO count."""
    m = membership.filter(membership.status.isin(_MEMBER)).select("igo", "iso3", "year")
    left = m.rename(a="iso3")
    right = m.select(igo_b="igo", b="iso3", year_b="year")
    pairs = left.join(right, [left.igo == right.igo_b, left.year == right.year_b]).filter(
        lambda t: t.a != t.b)
    metrics = {"n": pairs.igo.count()}
    if with_list:
        metrics["igos"] = pairs.igo.collect()  # sorted and joined below (portable)
    counts = pairs.group_by(["a", "b", "year"]).aggregate(**metrics)
    sa = state_years.select(a="iso3", year="year")
    sb = state_years.select(b="iso3", year_b="year")
    grid = sa.join(sb, sa.year == sb.year_b).filter(lambda t: t.a != t.b).select("a", "b", "year")
    joined = grid.left_join(counts.rename(ca="a", cb="b", cyear="year"),
                            [grid.a == counts.a, grid.b == counts.b, grid.year == counts.year])
    cols = {"shared_igos": joined.n.fill_null(0)}
    if with_list:
        cols["shared_igos_list"] = joined.igos.sort().join(", ").fill_null("")
    return joined.select("a", "b", "year", **cols)


def shared_igos_matrix(membership: pd.DataFrame, state_years: pd.DataFrame) -> pd.DataFrame:
    """The same counts as :func:`shared_igos_expr` with M·Mᵀ per year (fast path).

    Examples
    --------
    >>> m = pd.DataFrame({"igo": ["un", "un", "sco"], "iso3": ["PAK", "RUS", "RUS"],
    ...                   "year": [2000] * 3, "status": ["full"] * 3})
    >>> s = pd.DataFrame({"iso3": ["PAK", "RUS"], "year": [2000, 2000]})
    >>> shared_igos_matrix(m, s)
         a    b  year  shared_igos
    0  PAK  RUS  2000            1
    1  RUS  PAK  2000            1
    """
    m = membership[membership["status"].isin(_MEMBER)]
    out = []
    for year, states in state_years.groupby("year", sort=True):
        iso = np.sort(states["iso3"].unique())
        group = m[(m["year"] == year) & m["iso3"].isin(iso)]
        _, gi = np.unique(group["igo"].to_numpy(), return_inverse=True)
        mat = np.zeros((len(iso), int(gi.max()) + 1 if len(group) else 1))
        mat[np.searchsorted(iso, group["iso3"].to_numpy()), gi] = 1.0
        shared = mat @ mat.T
        ia, ib = np.nonzero(~np.eye(len(iso), dtype=bool))
        out.append(pd.DataFrame({"a": iso[ia], "b": iso[ib], "year": year,
                                 "shared_igos": shared[ia, ib].astype("int64")}))
    if not out:
        return pd.DataFrame(columns=["a", "b", "year", "shared_igos"])
    return pd.concat(out, ignore_index=True)


def shared_igos(
    store: Store,
    *,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    with_list: bool = False,
    method: str = "auto",
) -> pd.DataFrame:
    """``shared_igos`` (and optionally ``shared_igos_list``) for directed pairs and years.

    The list needs the Ibis path; ``method="auto"`` uses the matrix path on DuckDB for
    the counts alone.
    """
    release = resolve_release(store, "cow_igo", None)
    mem = store.table("igo_membership", source="cow_igo", release=release)
    sy = store.table("igo_state_years", source="cow_igo", release=release)
    if years is not None:
        mem, sy = mem.filter(mem.year.between(*years)), sy.filter(sy.year.between(*years))
    if countries is not None:
        keep = list(countries)
        mem, sy = mem.filter(mem.iso3.isin(keep)), sy.filter(sy.iso3.isin(keep))
    if method == "auto":
        method = "matrix" if store.ibis.name == "duckdb" and not with_list else "ibis"
    if method == "matrix":
        frame = shared_igos_matrix(mem.select("igo", "iso3", "year", "status").to_pandas(),
                                   sy.select("iso3", "year").to_pandas())
    else:
        frame = shared_igos_expr(mem, sy, with_list=with_list).to_pandas()
    frame = frame.sort_values(["a", "b", "year"], ignore_index=True)
    frame.attrs.update(source="cow_igo", release=release)
    return frame


def shared_groups(store: Store, *, release: str | None = None,
                  countries: Sequence[str] | None = None,
                  years: tuple[int, int] | None = None) -> pd.DataFrame:
    """``shared_groups`` and ``shared_groups_list`` for directed pairs and years.

    From the ``group_membership`` spells of ``amity_regions`` (organisations only; an
    open spell runs to the table's last checked year): pairs of states in the system in
    the table's years without a shared organisation get 0; other pair-years are NA.
    """
    import ibis

    release = resolve_release(store, "amity_regions", release)
    found = store.release("amity_regions", release)
    if found is None or found.coverage_start is None or found.coverage_end is None:
        return pd.DataFrame(columns=["a", "b", "year", "shared_groups", "shared_groups_list"])
    lo, hi = found.coverage_start, found.coverage_end
    if years is not None:
        lo, hi = max(lo, years[0]), min(hi, years[1])
    cols = ["a", "b", "year", "shared_groups", "shared_groups_list"]
    if lo > hi:
        return pd.DataFrame(columns=cols)
    g = store.table("group_membership", source="amity_regions", release=release)
    g = g.filter(g.kind == "organisation")
    grid = ibis.memtable(pd.DataFrame({"year": range(lo, hi + 1)}, dtype="int64"))
    spells = g.select(group=g["group"], iso3=g.iso3, lo=g.from_year,
                      hi=g.to_year.fill_null(hi))
    member = spells.join(grid, (grid.year >= spells.lo) & (grid.year <= spells.hi)).select(
        "group", "iso3", "year")
    if countries is not None:
        member = member.filter(member.iso3.isin(list(countries)))
    left = member.rename(a="iso3")
    right = member.select(g_b="group", b="iso3", y_b="year")
    both = left.join(right, [left["group"] == right.g_b, left.year == right.y_b])
    both = both.filter(both.a != both.b)
    shared = both.group_by(["a", "b", "year"]).aggregate(n=both["group"].count(),
                                                         names=both["group"].collect())
    frame = shared.to_pandas()
    frame["shared_groups_list"] = [", ".join(sorted(x)) for x in frame.pop("names")]
    frame = frame.rename(columns={"n": "shared_groups"})
    sy = state_years(store, lo, hi, countries)
    if sy is not None:
        grid_pairs = pairs(sy).to_pandas()
        frame = grid_pairs.merge(frame, on=["a", "b", "year"], how="outer")
        frame["shared_groups"] = frame["shared_groups"].fillna(0)
        frame["shared_groups_list"] = frame["shared_groups_list"].fillna("")
    frame["shared_groups"] = frame["shared_groups"].astype("int64")
    frame = frame[cols].sort_values(["a", "b", "year"], ignore_index=True)
    frame.attrs.update(source="amity_regions", release=release)
    return frame


FAMILIES = (
    Family("cow_igo", ("shared_igos", "shared_igos_list"),
           lambda s, r, c, y: shared_igos(s, countries=c, years=y, with_list=c is not None)),
    Family("amity_regions", ("shared_groups", "shared_groups_list"),
           lambda s, r, c, y: shared_groups(s, release=r, countries=c, years=y)),
)
