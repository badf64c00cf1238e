"""Political dimension: UN General Assembly voting (agreement, κ) and ideal points.

For a pair (a, b) and year, over the roll calls of that year on which both cast yes,
abstain or no (absent and non-member excluded):

* ``un_common_votes`` n — the number of such roll calls;
* ``un_agreement`` — the share of them on which a and b cast the same vote;
* ``un_kappa`` — Cohen's κ over the 3×3 table of their votes (Häge 2011):
  ``(p_o − p_e) / (1 − p_e)``, ``p_e = Σ_c p_a(c)·p_b(c)`` with the marginals taken over
  the same common votes; undefined (NA) when ``p_e = 1``.

Two implementations give the same numbers (a test checks it): the portable Ibis
expression :func:`un_votes_expr` (a self-join on roll call, runs on any Ibis backend) and
the fast path :func:`un_votes_matrix` for the embedded engine: with one-hot vote matrices
Y, A, N (countries × roll calls of a year) and P = Y + A + N, the agreement counts are
YYᵀ + AAᵀ + NNᵀ, the common-vote counts PPᵀ and a's yes-count over the votes common with
b is (YPᵀ)[a, b].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from amity.indicators._base import Family, Indicator, resolve_release, restrict_frame

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.store import Store

__all__ = ["FAMILIES", "INDICATORS", "idealpoint_distance", "un_votes_dyadic", "un_votes_expr",
           "un_votes_matrix"]

INDICATORS = (
    Indicator("un_agreement", "political", "share (0-1)", "higher",
              "share of the year's UNGA roll calls on which both cast yes/abstain/no and cast "
              "the same", support=("un_common_votes", 10)),
    Indicator("un_common_votes", "political", "roll calls", "none",
              "roll calls of the year on which both cast yes, abstain or no"),
    Indicator("un_kappa", "political", "kappa (-1 to 1)", "higher",
              "Cohen's kappa of the two vote series over the common votes, 3 categories",
              support=("un_common_votes", 10)),
    Indicator("un_idealpoint_distance", "political", "ideal-point units", "lower",
              "absolute difference of the two ideal points (all votes)"),
)

_CAST = ("yes", "abstain", "no")
_COLUMNS = ["a", "b", "year", "un_agreement", "un_common_votes", "un_kappa"]


def _kappa(n: np.ndarray, agree: np.ndarray, expected_num: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = agree / n
        p_e = expected_num / (n * n)
        kappa = (p_o - p_e) / (1.0 - p_e)
    return np.where(p_e >= 1.0 - 1e-12, np.nan, kappa)  # as in the Ibis expression


def un_votes_expr(votes: ir.Table) -> ir.Table:
    """Agreement, common votes and κ for all directed pairs and years, as one Ibis query.

    Parameters
    ----------
    votes
        A ``un_votes`` table (``rcid``, ``iso3``, ``vote``, ``year``) of one release.

    Returns
    -------
    ibis Table
        Columns ``a, b, year, un_agreement, un_common_votes, un_kappa``.
    """
    cast = votes.filter(votes.vote.isin(_CAST)).select("rcid", "iso3", "vote", "year")
    left = cast.rename(a="iso3", vote_a="vote")
    right = cast.select(rcid="rcid", b="iso3", vote_b="vote")
    pairs = left.join(right, "rcid").filter(lambda t: t.a != t.b)

    def count(pred):  # noqa: ANN001, ANN202 - an Ibis boolean column
        return pred.cast("int64").sum()

    agg = pairs.group_by(["a", "b", "year"]).aggregate(
        n=pairs.rcid.count(),
        agree=count(pairs.vote_a == pairs.vote_b),
        expected=sum(
            count(pairs.vote_a == c).cast("float64") * count(pairs.vote_b == c).cast("float64")
            for c in _CAST
        ),
    )
    n = agg.n.cast("float64")
    p_o = agg.agree.cast("float64") / n
    p_e = agg.expected / (n * n)
    kappa = ((p_o - p_e) / (1.0 - p_e)).nullif(float("inf"))
    return agg.select(
        "a", "b", "year", un_agreement=p_o, un_common_votes=agg.n,
        un_kappa=(p_e >= 1.0 - 1e-12).ifelse(None, kappa),
    )


def un_votes_matrix(votes: pd.DataFrame) -> pd.DataFrame:
    """The same as :func:`un_votes_expr` with matrix products per year (fast path).

    Parameters
    ----------
    votes
        Columns ``rcid``, ``iso3``, ``vote``, ``year`` of one release.

    Examples
    --------
    >>> v = pd.DataFrame({"rcid": [1, 1, 2, 2], "iso3": ["PAK", "RUS"] * 2,
    ...                   "vote": ["yes", "yes", "no", "yes"], "year": [2000] * 4})
    >>> un_votes_matrix(v)[["a", "b", "un_agreement", "un_common_votes"]]
         a    b  un_agreement  un_common_votes
    0  PAK  RUS           0.5                2
    1  RUS  PAK           0.5                2
    """
    cast = votes[votes["vote"].isin(_CAST)]
    if cast.empty:
        return pd.DataFrame(columns=_COLUMNS)
    country, names = pd.factorize(cast["iso3"], sort=True)
    call, _ = pd.factorize(cast["rcid"])
    kind = pd.Categorical(cast["vote"], categories=_CAST).codes
    years = cast["year"].to_numpy()
    order = np.argsort(years, kind="stable")
    bounds = np.flatnonzero(np.r_[True, years[order][1:] != years[order][:-1], True])
    out = []
    # the products are small (~190 x a few hundred): BLAS threads only add overhead
    with threadpool_limits(limits=1, user_api="blas"):
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            idx = order[lo:hi]
            ci, cset = pd.factorize(country[idx], sort=True)
            ri, _ = pd.factorize(call[idx])
            n_c = len(cset)
            mats = [np.zeros((n_c, int(ri.max()) + 1), dtype=np.float64) for _ in _CAST]
            for k, m in enumerate(mats):
                sel = kind[idx] == k
                m[ci[sel], ri[sel]] = 1.0
            p = mats[0] + mats[1] + mats[2]
            n = p @ p.T
            agree = np.zeros_like(n)
            for m in mats:
                agree += m @ m.T
            expected = np.zeros_like(n)
            for m in mats:
                mp = m @ p.T  # a's count of this vote over the votes common with b
                expected += mp * mp.T
            ia, ib = np.nonzero((n > 0) & ~np.eye(n_c, dtype=bool))
            nn = n[ia, ib]
            iso = names[cset]
            out.append(pd.DataFrame({
                "a": iso[ia], "b": iso[ib], "year": years[idx[0]],
                "un_agreement": agree[ia, ib] / nn, "un_common_votes": nn.astype("int64"),
                "un_kappa": _kappa(nn, agree[ia, ib], expected[ia, ib]),
            }))
    return pd.concat(out, ignore_index=True)[_COLUMNS]


def un_votes_dyadic(
    store: Store,
    *,
    release: str | None = None,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    method: str = "auto",
) -> pd.DataFrame:
    """UN voting indicators for all directed pairs (or among ``countries``) and years.

    Parameters
    ----------
    store
        An open store with ``unvotes`` ingested.
    release
        ``unvotes-0.3.0`` (default, to 2019), ``voeten-2017`` or ``undl-2025`` (the UN
        Digital Library's 2025 General Assembly votes; calendar years).
    countries
        ISO3 codes to keep (both members of a pair must be among them).
    years
        Inclusive (first, last) year.
    method
        ``"matrix"`` (fast path, DuckDB only), ``"ibis"`` (portable) or ``"auto"``.

    Returns
    -------
    DataFrame
        ``a, b, year, un_agreement, un_common_votes, un_kappa``; ``attrs["source"]`` and
        ``attrs["release"]`` say where it came from.
    """
    release = resolve_release(store, "unvotes", release)
    votes = store.table("un_votes", source="unvotes", release=release)
    if years is not None:
        votes = votes.filter(votes.year.between(*years))
    if method == "auto":
        method = "matrix" if store.ibis.name == "duckdb" else "ibis"
    if method == "matrix":
        frame = un_votes_matrix(votes.select("rcid", "iso3", "vote", "year").to_pandas())
    else:
        expr = un_votes_expr(votes)
        if countries is not None:
            expr = expr.filter(expr.a.isin(list(countries)) & expr.b.isin(list(countries)))
        frame = expr.to_pandas()
    frame = restrict_frame(frame, countries, years).sort_values(["a", "b", "year"],
                                                           ignore_index=True)
    frame.attrs.update(source="unvotes", release=release)
    return frame


def idealpoint_distance(
    store: Store,
    *,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """``un_idealpoint_distance`` = |θa − θb| (``idealpoint_all``) for directed pairs."""
    release = resolve_release(store, "un_idealpoints", None)
    ip = store.table("un_idealpoints", source="un_idealpoints", release=release)
    ip = ip.filter(ip.idealpoint_all.notnull())
    if years is not None:
        ip = ip.filter(ip.year.between(*years))
    if countries is not None:
        ip = ip.filter(ip.iso3.isin(list(countries)))
    left = ip.select(a="iso3", year="year", ta="idealpoint_all")
    right = ip.select(b="iso3", year_b="year", tb="idealpoint_all")
    joined = left.join(right, left.year == right.year_b).filter(lambda t: t.a != t.b)
    frame = joined.select("a", "b", "year",
                          un_idealpoint_distance=(joined.ta - joined.tb).abs()).to_pandas()
    frame = frame.sort_values(["a", "b", "year"], ignore_index=True)
    frame.attrs.update(source="un_idealpoints", release=release)
    return frame


FAMILIES = (
    Family("unvotes", ("un_agreement", "un_common_votes", "un_kappa"),
           lambda s, r, c, y: un_votes_dyadic(s, release=r, countries=c, years=y,
                                              method="auto" if c is None else "ibis")),
    Family("un_idealpoints", ("un_idealpoint_distance",),
           lambda s, r, c, y: idealpoint_distance(s, countries=c, years=y)),
)
