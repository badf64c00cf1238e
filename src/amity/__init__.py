"""amity: open international data as evidence about the relationship between two countries.

The public API is small; everything else lives in private or submodules. Nothing heavy
is imported with the package: each name is loaded on first use (a module
``__getattr__``, as ibis does), so that ``import amity`` and ``amity --version`` are
quick.

>>> import amity
>>> amity.resolve("Russian Federation").iso3
'RUS'

Typical use (after ``amity setup``)::

    df = amity.dyad_years(years=(1990, 2014))
    df = amity.add_trade(amity.add_igos(amity.add_un_votes(df)))
    p = amity.profile("PAK", "RUS", years=(1990, 2014))
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from amity._version import __version__

if TYPE_CHECKING:
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
    from amity.export import export
    from amity.index import rank
    from amity.index.refresh import setup
    from amity.indicators import INDICATORS
    from amity.indicators.dyads import (
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
    from amity.ingest import ingest_files
    from amity.opportunities import opportunities
    from amity.profile import Profile, profile
    from amity.store import Store, open_store

#: Public name → the module that defines it (imported on first use).
_WHERE = {
    **dict.fromkeys(("AmityError", "FetchError", "HashMismatchError", "InputError",
                     "MissingDataError", "SourceFormatError", "StoreError",
                     "UnknownCountryError"), "amity._exceptions"),
    "cite": "amity.cite",
    "CheckReport": "amity.claims", "check": "amity.claims",
    "Country": "amity.countries", "resolve": "amity.countries",
    "export": "amity.export",
    "rank": "amity.index", "setup": "amity.index.refresh",
    "INDICATORS": "amity.indicators",
    **dict.fromkeys(("add_air_routes", "add_alliances", "add_arms", "add_igos",
                     "add_migration", "add_students", "add_trade", "add_un_votes",
                     "dyad_years"), "amity.indicators.dyads"),
    "ingest_files": "amity.ingest",
    "opportunities": "amity.opportunities",
    "Profile": "amity.profile", "profile": "amity.profile",
    "Store": "amity.store", "open_store": "amity.store",
}

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
    "__version__",
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


#: Public functions named like the module that defines them (``amity.profile`` is the
#: function ``profile`` of the module ``amity.profile``): the function wins, also after
#: another module imported the module, which makes Python bind the module to the name.
_SHADOWED = frozenset(n for n, m in _WHERE.items() if m == f"amity.{n}")


class _Package(types.ModuleType):
    def __getattribute__(self, name: str) -> Any:
        if name in _SHADOWED:
            return getattr(importlib.import_module(_WHERE[name]), name)
        return super().__getattribute__(name)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'amity' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
