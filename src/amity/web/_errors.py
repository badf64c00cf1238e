"""How the dashboard answers errors: one line, the right status, never a traceback.

Every error amity raises on purpose (:class:`~amity.AmityError`) maps to a status:

============================================  ======  ======================================
error                                         status  when
============================================  ======  ======================================
``InputError``, ``UnknownCountryError``,      422     a parameter that is not a country,
``UnknownSourceError``                                year, source ... amity knows
:class:`TooLarge`                             413     a body or a text over the limits
``MissingDataError``                          404     the store lacks what was asked for
:class:`StoreBusy`, ``StoreError``            503     another amity process writes the store
============================================  ======  ======================================

:func:`one_line` makes the message: the exception's text on one line, at most
:data:`MAX_MESSAGE` characters (a message echoes what the user typed, which is capped).
"""

from __future__ import annotations

from amity._exceptions import (
    AmityError,
    InputError,
    MissingDataError,
    StoreError,
    UnknownCountryError,
)

__all__ = ["MAX_MESSAGE", "StoreBusy", "TooLarge", "one_line", "status_of"]

#: The longest message the dashboard returns.
MAX_MESSAGE = 400


class TooLarge(InputError):
    """A request body or a text to check over the dashboard's limits (413)."""


class StoreBusy(StoreError):
    """The store is locked by a process writing to it (``amity setup``), and no earlier
    answer to the same request is cached (503)."""


def one_line(exc: BaseException | str) -> str:
    """The message of ``exc`` on one line, capped.

    Examples
    --------
    >>> one_line(InputError("first line\\nsecond line"))
    'first line second line'
    >>> one_line(KeyError("x"))
    "'x'"
    """
    text = exc if isinstance(exc, str) else str(exc)
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def status_of(exc: AmityError) -> int:
    """The HTTP status of an amity error.

    Examples
    --------
    >>> status_of(UnknownCountryError("Atlantis")), status_of(StoreBusy("locked"))
    (422, 503)
    """
    if isinstance(exc, TooLarge):
        return 413
    if isinstance(exc, InputError | UnknownCountryError):
        return 422
    if isinstance(exc, MissingDataError):
        return 404
    if isinstance(exc, StoreError):
        return 503
    return 422
