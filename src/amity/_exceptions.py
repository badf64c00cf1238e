"""The exceptions amity raises.

Every error amity raises on purpose is an :class:`AmityError`; the command line turns
it into one line on standard error and an exit code, never a traceback. Errors that
have a natural built-in counterpart also subclass it, so ``except KeyError`` keeps
working for code that does not know amity.

Hierarchy::

    AmityError
    ├── UnknownCountryError (KeyError)      a name or code that no country matches
    ├── SourceFormatError (ValueError)      a publisher file that does not parse
    ├── FetchError (OSError)                a download or mirror lookup that failed
    │   └── HashMismatchError               a file whose sha256/MD5 is not the expected one
    ├── MissingDataError (LookupError)      the store lacks what was asked for (exit 3)
    ├── StoreError (RuntimeError)           the store file cannot be opened or written
    └── InputError (ValueError)             a bad argument from the user (years, formats ...)
        ├── UnknownSourceError              a --source amity does not know (exit 2)
        ├── OptionError                     an option value out of range (exit 2)
        └── ShrinkError                     input that would empty or shrink a release

Every message says what happened, the likely cause and the fix.
"""

from __future__ import annotations

__all__ = [
    "AmityError",
    "FetchError",
    "HashMismatchError",
    "InputError",
    "MissingDataError",
    "OptionError",
    "ShrinkError",
    "SourceFormatError",
    "StoreError",
    "UnknownCountryError",
    "UnknownSourceError",
]


class AmityError(Exception):
    """Base class of every error amity raises on purpose.

    ``exit_code`` is what the command line exits with (1 bad input, 3 missing data).
    """

    exit_code: int = 1


class UnknownCountryError(KeyError, AmityError):
    """No country matches a name or code.

    Parameters
    ----------
    query
        What the user typed.
    suggestions
        Close matches, best first (may be empty).

    Examples
    --------
    >>> str(UnknownCountryError("Pakistn", ["Pakistan"]))  # doctest: +NORMALIZE_WHITESPACE
    "unknown country 'Pakistn'; did you mean: Pakistan? Use an ISO3 code (PAK), a COW code
    (770) or a full name."
    """

    def __init__(self, query: str, suggestions: list[str] | None = None) -> None:
        self.query = query
        self.suggestions = list(suggestions or [])
        super().__init__(query)

    def __str__(self) -> str:
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else "."
        return (
            f"unknown country {self.query!r}{hint} "
            "Use an ISO3 code (PAK), a COW code (770) or a full name."
        )


class SourceFormatError(ValueError, AmityError):
    """A publisher file that does not have the expected format.

    Parameters
    ----------
    path
        The file.
    reason
        What is wrong, in words.
    line
        1-based line number in the file, when known.
    column
        The column concerned, when known.
    fix
        What the user can do about it.

    Examples
    --------
    >>> str(SourceFormatError("votes.csv", "expected 4 fields, saw 3", line=12,
    ...                       fix="re-download it"))
    'votes.csv:12: expected 4 fields, saw 3. Fix: re-download it'
    """

    def __init__(
        self,
        path: object,
        reason: str,
        *,
        line: int | None = None,
        column: str | None = None,
        fix: str = ("check that the file is the publisher's original and re-fetch it with "
                    "`amity setup`"),
    ) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        self.column = column
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line is not None else "")
        col = f" column {self.column!r}:" if self.column else ""
        return f"{where}:{col} {self.reason}. Fix: {self.fix}"


class FetchError(OSError, AmityError):
    """A file could not be downloaded or found in the mirror."""


class HashMismatchError(FetchError):
    """A downloaded or mirrored file's checksum differs from the registry's."""


class MissingDataError(LookupError, AmityError):
    """The store does not hold the data a command needs; the message names the setup step."""

    exit_code = 3


class StoreError(RuntimeError, AmityError):
    """The store cannot be opened, read or written."""


class InputError(ValueError, AmityError):
    """A bad argument: a malformed year range, an unknown format or indicator name."""


class UnknownSourceError(InputError):
    """A source (or release) name amity does not know: a usage error, exit code 2; the
    message lists the known names."""

    exit_code = 2


class ShrinkError(InputError):
    """Input that would replace a stored release by an empty table or by far fewer rows
    (an empty, header-only or cut-short file): refused, the store unchanged, unless the
    user says the smaller release is right (``--allow-shrink``)."""


class OptionError(InputError):
    """An option value out of its range (a 20-digit year, a negative count): a usage
    error, exit code 2."""

    exit_code = 2
