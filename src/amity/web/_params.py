"""Checking what a request asks for, before anything reaches the library.

Every parameter is checked against a closed set or a strict pattern, then resolved by
the library's own functions (:func:`amity.countries.resolve`,
:func:`amity.sources.get_dataset`, :func:`amity.profile.parse_years`). What passes is a
value amity produced itself (an ISO3 code from the crosswalk, a source name from the
registry, an int), so no text from a request reaches a query; what fails raises
:class:`~amity.InputError` with one line saying what and how to fix it (422).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from amity import countries as _countries
from amity._exceptions import InputError, UnknownCountryError

__all__ = ["FIRST_YEAR", "LAST_YEAR", "MAX_TEXT_PARAM", "Pair", "choice", "country",
           "market", "pair", "source", "year", "years"]

#: Years a request may name (the data start in 1946; the pattern leaves room).
FIRST_YEAR, LAST_YEAR = 1800, 2100
#: The longest country, region or source parameter accepted.
MAX_TEXT_PARAM = 80
# letters of any script, digits, spaces and the punctuation of country names
_NAME = re.compile(r"^[\w .,'’()&\-–]+$")
_SOURCE = re.compile(r"^[a-z][a-z0-9_]*(/[A-Za-z0-9][A-Za-z0-9._+-]*)?$")


def _text(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise InputError(f"{what}: empty. Fix: give a value")
    if len(value) > MAX_TEXT_PARAM:
        raise InputError(f"{what}: longer than {MAX_TEXT_PARAM} characters. Fix: give a "
                         "name or code")
    return value


def country(value: str, what: str = "country") -> _countries.Country:
    """A country from a name, ISO3/ISO2 or COW code.

    Examples
    --------
    >>> country("Pakistan").iso3, country("365").iso3
    ('PAK', 'RUS')
    >>> country("<b>x</b>")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    amity._exceptions.InputError: country: not a country name or code ...
    """
    value = _text(value, what)
    if not _NAME.match(value):
        raise InputError(f"{what}: not a country name or code (letters, digits, spaces and "
                         ".,'()&- only). Fix: use an ISO3 code (PAK), a COW code (770) or a "
                         "name")
    query: str | int = int(value) if value.isdigit() else value
    try:
        return _countries.resolve(query)
    except UnknownCountryError as exc:
        raise InputError(f"{what}: {exc}") from None


@dataclass(frozen=True)
class Pair:
    """Two different countries."""

    a: _countries.Country
    b: _countries.Country

    @property
    def slug(self) -> str:
        """``PAK-RUS``."""
        return f"{self.a.iso3}-{self.b.iso3}"


def pair(a: str, b: str) -> Pair:
    """Two different countries (``a`` and ``b`` as :func:`country` takes them).

    Examples
    --------
    >>> pair("Pakistan", "Russian Federation").slug
    'PAK-RUS'
    """
    ca, cb = country(a, "a"), country(b, "b")
    if ca.iso3 == cb.iso3:
        raise InputError(f"a and b are the same country ({ca.iso3}). Fix: name two different "
                         "countries")
    return Pair(ca, cb)


def market(value: str) -> str:
    """A market: a region name as amity's regions table writes it (``EAEU``), or a
    country's ISO3 code.

    Examples
    --------
    >>> market("eaeu"), market("Russia")
    ('EAEU', 'RUS')
    """
    from amity.regions import find_region

    value = _text(value, "market")
    if _NAME.match(value):
        found = find_region(value)
        if found is not None:
            return found
    return country(value, "market").iso3


def year(value: int | None, what: str = "year") -> int | None:
    """A year in the range a request may name (None passes).

    Examples
    --------
    >>> year(2019), year(None)
    (2019, None)
    """
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise InputError(f"{what}: {value} is outside {FIRST_YEAR}-{LAST_YEAR}. Fix: give a "
                         "year such as 2019")
    return value


def years(value: str | None) -> tuple[int, int] | None:
    """``FIRST-LAST`` (or one year) as :func:`amity.profile.parse_years` reads it.

    Examples
    --------
    >>> years("1990-2014"), years(None)
    ((1990, 2014), None)
    """
    from amity.profile import parse_years

    if value is None or not value.strip():
        return None
    if len(value) > 20:
        raise InputError("years: not a year or range. Fix: write it as FIRST-LAST, e.g. "
                         "1990-2014")
    span = parse_years(value.strip())
    assert span is not None
    year(span[0], "years")
    year(span[1], "years")
    return span


def source(value: str | None) -> str | None:
    """A source (``cow_trade``) or source and release (``unvotes/voeten-2017``) that
    amity knows (None passes).

    Examples
    --------
    >>> source("unvotes/voeten-2017")
    'unvotes/voeten-2017'
    """
    from amity.sources import get_dataset
    from amity.store.catalog import split_spec

    if value is None or not value.strip():
        return None
    value = _text(value, "source")
    if not _SOURCE.match(value):
        raise InputError("source: not a source name (lower-case letters, digits and _, "
                         "optionally /release). Fix: see /sources for the names")
    name, release = split_spec(value)
    get_dataset(name, release)  # UnknownSourceError (an InputError) lists the known names
    return value


def choice(value: str | None, allowed: tuple[str, ...] | list[str], what: str) -> str | None:
    """``value`` if it is one of ``allowed`` (None passes).

    Examples
    --------
    >>> choice("hs4", ("chapter", "hs4"), "level")
    'hs4'
    """
    if value is None or value == "":
        return None
    if value not in allowed:
        shown = value if len(value) <= 30 else value[:29] + "…"
        raise InputError(f"{what}: {shown!r} is not one of {', '.join(allowed)}")
    return value
