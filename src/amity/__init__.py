"""amity: open international data as evidence about the relationship between two countries.

The public API is small; everything else lives in private or submodules.

>>> import amity
>>> amity.resolve("Russian Federation").iso3
'RUS'

Typical use (after ``amity setup``)::

    df = amity.dyad_years(years=(1990, 2014))
    df = amity.add_trade(amity.add_igos(amity.add_un_votes(df)))
    p = amity.profile("PAK", "RUS", years=(1990, 2014))
"""

from __future__ import annotations

from amity._api import export, rank
from amity._exceptions import (
    AmityError,
    FetchError,
    HashMismatchError,
    InputError,
    MissingDataError,
    SourceFormatError,
    StoreError,
    UnknownCountryError,
)
from amity.cite import cite
from amity.claims import CheckReport, check
from amity.countries import Country, resolve
from amity.dyads import (
    add_air_routes,
    add_alliances,
    add_arms,
    add_igos,
    add_migration,
    add_students,
    add_trade,
    add_un_votes,
    dyad_years,
)
from amity.indicators._catalog import INDICATORS
from amity.ingest import ingest_files, setup
from amity.opportunities import opportunities
from amity.profile import Profile, profile
from amity.store import Store, open_store

__all__ = [
    "INDICATORS",
    "AmityError",
    "CheckReport",
    "Country",
    "FetchError",
    "HashMismatchError",
    "InputError",
    "MissingDataError",
    "Profile",
    "SourceFormatError",
    "Store",
    "StoreError",
    "UnknownCountryError",
    "add_air_routes",
    "add_alliances",
    "add_arms",
    "add_igos",
    "add_migration",
    "add_students",
    "add_trade",
    "add_un_votes",
    "check",
    "cite",
    "dyad_years",
    "export",
    "ingest_files",
    "open_store",
    "opportunities",
    "profile",
    "rank",
    "resolve",
    "setup",
]

__version__ = "0.1.0"
