"""People-to-people dimension: air routes, migrants and international students.

For a directed pair (a, b) and year:

* ``air_routes`` — distinct (airline, origin airport, destination airport) routes with
  no stops between an airport of a and an airport of b, in both directions (a→b routes
  plus b→a routes; the ``air_routes`` key makes each route distinct). OpenFlights is one
  snapshot (June 2014), so the value is given for the snapshot's year only, and every
  other year is NA — not because nothing flew, but because nothing was recorded. In the
  snapshot year, two countries that both appear in the route network (as origin or
  destination of any direct route, domestic ones included) and have no route between
  them get 0; a country absent from the network gets NA. Codeshare rows count for
  their marketing airline.
* ``migrants_a_in_b`` / ``migrants_b_in_a`` — migrant stock born in a living in b (and
  the reverse), persons, UN DESA (default release ``2019-clean``; ``2015`` is the UN's
  original workbook). Only published cells: NA where the UN gives no figure (and, in the
  derived 2019 table, where it gives 0, which there can mean "not reported").
* ``students_a_in_b`` / ``students_b_in_a`` — international students from a enrolled
  in b, from the derived OECD table (``derived=True``; it double-counts tertiary levels,
  see :mod:`amity.sources.students`). NA where there is no row (Pakistan is not a
  country of study in it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import pandas as pd

from amity.indicators._base import Family, Indicator, finish, resolve_release

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from amity.store import Store

__all__ = ["FAMILIES", "INDICATORS", "air_routes_dyadic", "air_routes_expr", "migration_dyadic",
           "students_dyadic"]

INDICATORS = (
    Indicator("air_routes", "people", "routes", "higher",
              "distinct (airline, origin airport, destination airport) direct routes between "
              "the two countries' airports, both directions; snapshot year only (2014)",
              carry=5),
    Indicator("migrants_a_in_b", "people", "persons", "higher",
              "international migrant stock born in a living in b (UN DESA)", carry=5),
    Indicator("migrants_b_in_a", "people", "persons", "higher",
              "international migrant stock born in b living in a (UN DESA)", carry=5),
    Indicator("students_a_in_b", "people", "students (derived)", "higher",
              "international students from a enrolled in b (derived OECD table, about 2x "
              "head counts)", in_index=False),
    Indicator("students_b_in_a", "people", "students (derived)", "higher",
              "international students from b enrolled in a (derived OECD table, about 2x "
              "head counts)", in_index=False),
)

# origin code of destination totals in the migration table (all origins together)
_ALL_ORIGINS = "WLD"


def air_routes_expr(routes: ir.Table) -> ir.Table:
    """``a, b, year, air_routes`` for the countries of the route network (see module doc).

    Examples
    --------
    >>> import datetime
    >>> routes = ibis.memtable(pd.DataFrame({
    ...     "airline": ["PK", "EK", "PK", "SU"], "src_airport": ["KHI", "DXB", "KHI", "SVO"],
    ...     "dst_airport": ["DXB", "KHI", "ISB", "LED"],
    ...     "src_iso3": ["PAK", "ARE", "PAK", "RUS"], "dst_iso3": ["ARE", "PAK", "PAK", "RUS"],
    ...     "stops": [0, 0, 0, 0], "snapshot": [datetime.date(2014, 6, 1)] * 4}))
    >>> out = air_routes_expr(routes).to_pandas().sort_values(["a", "b"], ignore_index=True)
    >>> out[out["air_routes"] > 0]
         a    b  year  air_routes
    0  ARE  PAK  2014           2
    2  PAK  ARE  2014           2
    >>> len(out)  # ARE, PAK, RUS: every directed pair, 0 where no route
    6
    """
    direct = routes.filter((routes.stops == 0) & routes.src_iso3.notnull()
                           & routes.dst_iso3.notnull())
    direct = direct.mutate(year=direct.snapshot.year().cast("int64"))
    served = ibis.union(direct.select(iso3=direct.src_iso3, year=direct.year),
                        direct.select(iso3=direct.dst_iso3, year=direct.year)).distinct()
    left = served.select(a=served.iso3, year=served.year)
    right = served.select(b=served.iso3, year_b=served.year)
    grid = left.join(right, left.year == right.year_b)
    grid = grid.filter(grid.a != grid.b).select("a", "b", "year")
    between = direct.filter(direct.src_iso3 != direct.dst_iso3)
    both = ibis.union(between.select(a=between.src_iso3, b=between.dst_iso3, year=between.year),
                      between.select(a=between.dst_iso3, b=between.src_iso3, year=between.year))
    counts = both.group_by(["a", "b", "year"]).aggregate(n=both.count())
    counts = counts.select(ca=counts.a, cb=counts.b, cyear=counts.year, n=counts.n)
    joined = grid.left_join(counts, [grid.a == counts.ca, grid.b == counts.cb,
                                     grid.year == counts.cyear])
    return joined.select("a", "b", "year", air_routes=joined.n.fill_null(0))


def air_routes_dyadic(
    store: Store,
    *,
    release: str | None = None,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """``air_routes`` for directed pairs in the snapshot year (OpenFlights).

    Returns
    -------
    DataFrame
        ``a, b, year, air_routes``; one year (the snapshot's, 2014 for ``2014-06``).
        ``attrs`` name the source, release and ``snapshot`` date.
    """
    release = resolve_release(store, "openflights", release)
    routes = store.table("air_routes", source="openflights", release=release)
    snapshot = pd.Timestamp(routes.snapshot.max().execute()).date().isoformat()
    expr = air_routes_expr(routes)
    if countries is not None:
        keep = list(countries)
        expr = expr.filter(expr.a.isin(keep) & expr.b.isin(keep))
    if years is not None:
        expr = expr.filter(expr.year.between(*years))
    return finish(expr, "openflights", release, snapshot=snapshot,
                   note=f"one snapshot ({snapshot}); other years are NA")


def _stocks(table: ir.Table, value: str, names: tuple[str, str],
            countries: Sequence[str] | None, years: tuple[int, int] | None) -> ir.Table:
    """Directed pairs from an (origin, destination, value) table: a-in-b and b-in-a."""
    if years is not None:
        table = table.filter(table.year.between(*years))
    if countries is not None:
        keep = list(countries)
        table = table.filter(table.origin.isin(keep) & table.destination.isin(keep))
    v = table[value].cast("float64")
    null = ibis.null().cast("float64")
    both = ibis.union(
        table.select(a=table.origin, b=table.destination, year=table.year, ab=v, ba=null),
        table.select(a=table.destination, b=table.origin, year=table.year, ab=null, ba=v))
    agg = both.group_by(["a", "b", "year"]).aggregate(ab=both.ab.max(), ba=both.ba.max())
    return agg.select("a", "b", "year", **{names[0]: agg.ab, names[1]: agg.ba})


def migration_dyadic(
    store: Store,
    *,
    release: str | None = None,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """``migrants_a_in_b`` and ``migrants_b_in_a`` (persons) for directed pairs and years.

    The ``2020-totals`` release has destination totals only (origin ``WLD``), so it gives
    no rows here.
    """
    release = resolve_release(store, "migration", release)
    table = store.table("migration", source="migration", release=release)
    table = table.filter(table.origin != _ALL_ORIGINS)
    expr = _stocks(table, "stock", ("migrants_a_in_b", "migrants_b_in_a"), countries, years)
    return finish(expr, "migration", release)


def students_dyadic(
    store: Store,
    *,
    release: str | None = None,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """``students_a_in_b`` and ``students_b_in_a`` for directed pairs and years.

    ``attrs["derived"]`` is True: the counts come from a derived table that
    double-counts tertiary levels (see :mod:`amity.sources.students`).
    """
    release = resolve_release(store, "students", release)
    table = store.table("students", source="students", release=release)
    expr = _stocks(table, "count", ("students_a_in_b", "students_b_in_a"), countries, years)
    return finish(expr, "students", release, derived=True)


FAMILIES = (
    Family("openflights", ("air_routes",), lambda s, r, c, y:
           air_routes_dyadic(s, release=r, countries=c, years=y)),
    Family("migration", ("migrants_a_in_b", "migrants_b_in_a"), lambda s, r, c, y:
           migration_dyadic(s, release=r, countries=c, years=y)),
    Family("students", ("students_a_in_b", "students_b_in_a"), lambda s, r, c, y:
           students_dyadic(s, release=r, countries=c, years=y),
           "derived table that counts tertiary students about twice: compare, do not read "
           "as a head count"),
)
