"""Requests to publishers' web APIs: redirectable, paced, retried, and kept in the cache.

:class:`ApiClient` is what ``amity update``'s connectors (:mod:`amity.ingest.update`) ask
for every response. For each request it

1. redirects the URL when ``AMITY_BASE_URL`` is set, to ``<base>/<host>/<path>?<query>``
   (as :mod:`amity.fetch` does for files, with the query kept): for an internal mirror
   server, and for the tests, which replay recorded responses from 127.0.0.1;
2. waits until ``min_interval`` seconds have passed since its previous request (the
   publishers' rate limits);
3. retries with exponential backoff (``backoff`` × 2^attempt seconds, or the server's
   ``Retry-After``, at most ``max_wait``) on HTTP 429 and 5xx answers and on timeouts;
   a refused connection or an unknown host is not retried: the machine is offline, and
   waiting would only delay the one-line error;
4. writes the body to a temporary file beside ``dest`` and moves it into place only when
   the whole body has arrived, so an interrupted download leaves nothing behind.

Errors are :class:`~amity.FetchError` with one line that names the publisher, what failed
and the fix. The standard library does the HTTP (as in :mod:`amity.fetch`): no client
library is needed for GET and POST with retries, and none is imported at import time.
"""

from __future__ import annotations

import email.utils
import http.client
import os
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from amity._exceptions import FetchError
from amity._version import __version__

__all__ = ["RETRY_STATUS", "ApiClient", "redirect"]

#: HTTP statuses worth another try: rate limited, or the server's own trouble.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_CHUNK = 1 << 20


def redirect(url: str) -> str:
    """``url``, or its copy under ``AMITY_BASE_URL`` (``<base>/<host>/<path>?<query>``).

    Examples
    --------
    >>> import os
    >>> os.environ["AMITY_BASE_URL"] = "http://127.0.0.1:8000/"
    >>> redirect("https://api.worldbank.org/v2/country/all/indicator/SP.POP.TOTL?format=json")
    'http://127.0.0.1:8000/api.worldbank.org/v2/country/all/indicator/SP.POP.TOTL?format=json'
    >>> del os.environ["AMITY_BASE_URL"]
    >>> redirect("https://api.imf.org/x?a=1")
    'https://api.imf.org/x?a=1'
    """
    base = os.environ.get("AMITY_BASE_URL")
    if not base:
        return url
    parts = urllib.parse.urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{base.rstrip('/')}/{parts.netloc}{parts.path}{query}"


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _offline(reason: object) -> bool:
    """Whether a URLError's reason means the host cannot be reached at all."""
    return isinstance(reason, ConnectionRefusedError | socket.gaierror | ConnectionResetError)


class ApiClient:
    """A polite HTTP client for one publisher's API.

    Parameters
    ----------
    publisher
        Named in every error ("UN Comtrade", "World Bank").
    min_interval
        Seconds between the starts of two requests.
    retries
        Further attempts after a 429, a 5xx or a timeout.
    backoff
        First wait in seconds; it doubles with each attempt.
    max_wait
        The longest wait between attempts (also caps ``Retry-After``).
    timeout
        Seconds to wait for the server to answer or send more bytes.
    headers
        Sent with every request (``User-Agent``, API keys).
    fix
        What the user can do when a request fails for good (ends every error).
    sleep
        The waiting function (tests pass a recorder).

    Examples
    --------
    >>> client = ApiClient("World Bank", min_interval=0)
    >>> client.url("https://api.worldbank.org/v2/country/PAK/indicator/SP.POP.TOTL",
    ...            {"format": "json", "date": "2022:2023"})
    'https://api.worldbank.org/v2/country/PAK/indicator/SP.POP.TOTL?format=json&date=2022:2023'
    """

    def __init__(self, publisher: str, *, min_interval: float = 1.0, retries: int = 4,
                 backoff: float = 1.0, max_wait: float = 60.0, timeout: float = 60.0,
                 headers: Mapping[str, str] | None = None,
                 fix: str = "check the internet connection and rerun `amity update`; the "
                           "responses already downloaded are kept and not fetched again",
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.publisher = publisher
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.timeout = timeout
        self.headers = {"User-Agent": f"amity/{__version__} (open-data research client)",
                        **(headers or {})}
        self.fix = fix
        self.sleep = sleep
        self.requests = 0  # requests sent, retries included
        self._last: float | None = None

    @staticmethod
    def url(url: str, params: Mapping[str, object] | None = None) -> str:
        """``url`` with ``params`` as its query (``,`` ``:`` ``;`` ``+`` left readable)."""
        if not params:
            return url
        query = urllib.parse.urlencode({k: str(v) for k, v in params.items()}, safe=",:;+")
        return f"{url}{'&' if '?' in url else '?'}{query}"

    def _pace(self) -> None:
        if self._last is not None and self.min_interval > 0:
            wait = self.min_interval - (time.monotonic() - self._last)
            if wait > 0:
                self.sleep(wait)
        self._last = time.monotonic()

    def _fail(self, what: str, fix: str | None = None) -> FetchError:
        return FetchError(f"{self.publisher}: {_one_line(what)}. Fix: {fix or self.fix}")

    def fetch(self, url: str, dest: str | os.PathLike[str], *,
              params: Mapping[str, object] | None = None, data: bytes | None = None,
              headers: Mapping[str, str] | None = None,
              progress: Callable[[int], None] | None = None) -> Path:
        """Send one request (POST when ``data`` is given) and keep the body at ``dest``.

        Returns
        -------
        Path
            ``dest``, written whole (temporary file, then an atomic move).

        Raises
        ------
        FetchError
            Offline, refused after the retries, or an HTTP error that retrying cannot fix
            (400, 401, 403, 404 ...); one line naming the publisher and the fix.
        """
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        real = redirect(self.url(url, params))
        host = urllib.parse.urlsplit(real).netloc
        attempt = 0
        while True:
            self._pace()
            self.requests += 1
            wait: float | None
            try:
                return self._download(real, dest, data, headers, progress)
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUS or attempt >= self.retries:
                    raise self._http_error(real, exc, attempt) from None
                wait = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
            except urllib.error.URLError as exc:
                if _offline(exc.reason):
                    raise self._fail(f"cannot reach {host} ({exc.reason})") from None
                if not isinstance(exc.reason, TimeoutError) or attempt >= self.retries:
                    raise self._fail(f"request to {real} failed ({exc.reason})") from None
                wait = None
            except (TimeoutError, ConnectionResetError, http.client.IncompleteRead) as exc:
                if attempt >= self.retries:
                    raise self._fail(f"{real} did not answer in full after {attempt + 1} "
                                     f"attempts ({exc or type(exc).__name__})") from None
                wait = None
            if wait is None:
                wait = self.backoff * 2 ** attempt
            self.sleep(min(wait, self.max_wait))
            attempt += 1

    def _http_error(self, url: str, exc: urllib.error.HTTPError, attempt: int) -> FetchError:
        tries = f" after {attempt + 1} attempts" if attempt else ""
        what = f"{url} answered HTTP {exc.code} {exc.reason}{tries}"
        if exc.code in (401, 403):
            return self._fail(what, "the API refused the request: check the API key (or "
                                    "unset it to use the keyless endpoint)")
        if exc.code in RETRY_STATUS:
            return self._fail(what, "the publisher's server is busy or down; rerun `amity "
                                    "update` later (the responses already downloaded are "
                                    "kept)")
        return self._fail(what, "the publisher may have changed its API; update amity, or "
                                "report the URL above")

    def _download(self, url: str, dest: Path, data: bytes | None,
                  headers: Mapping[str, str] | None,
                  progress: Callable[[int], None] | None) -> Path:
        request = urllib.request.Request(url, data=data, headers={**self.headers,
                                                                  **(headers or {})})
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.",
                                        suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, \
                    urllib.request.urlopen(request, timeout=self.timeout) as response:
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    if progress:
                        progress(len(chunk))
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        return dest

