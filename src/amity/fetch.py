"""Getting publishers' files: from a mirror, from the cache, or by download.

Each source declares its files as :class:`RemoteFile` entries (path inside a mirror,
publisher URL, sha256), like a pooch registry. :func:`locate` finds a file:

1. with a mirror (``AMITY_MIRROR`` or ``mirror=``): ``<mirror>/<path>``, hash-checked;
2. otherwise the cache ``$AMITY_HOME/cache/<path>``, if its hash matches;
3. otherwise a download from the publisher's URL into a temporary file beside the cache
   entry, moved into place only when its hash matches (a mismatch deletes it and says so).

``AMITY_BASE_URL`` redirects every download to ``<base>/<host>/<path>`` of the original
URL: for an internal mirror server, and for the tests, which serve mirror files from
127.0.0.1 under the publishers' URL layout. Nothing here does I/O at import time.
"""

from __future__ import annotations

import csv
import functools
import glob
import hashlib
import io
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import overload

from amity._exceptions import FetchError, HashMismatchError

__all__ = [
    "Registry",
    "RemoteFile",
    "amity_home",
    "cache_dir",
    "download",
    "file_hash",
    "locate",
    "mirror_dir",
]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class RemoteFile:
    """One file of a source release.

    Parameters
    ----------
    path
        Where the file sits in a mirror, ``<source folder>/<file name>``.
    sha256
        Expected SHA-256 of the file's bytes, or ``None`` to skip the check.
    url
        The publisher's (or an archival) URL of exactly these bytes, or ``None`` when the
        file is a conversion that only a mirror holds.
    """

    path: str
    sha256: str | None
    url: str | None = None

    @property
    def name(self) -> str:
        """The file name without folders."""
        return self.path.rsplit("/", 1)[-1]


@functools.cache
def _load_registry(name: str) -> tuple[RemoteFile, ...]:
    path = resources.files("amity") / "data" / "registry" / f"{name}.csv"
    with io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="") as handle:
        return tuple(RemoteFile(r["path"], r["sha256"] or None, r["url"] or None)
                     for r in csv.DictReader(handle))


class Registry(Sequence[RemoteFile]):
    """The files of a many-file source, from ``amity/data/registry/<name>.csv``.

    The registry has columns ``path,sha256,url`` (``url`` empty when only a mirror has the
    file), like a pooch registry, and is read on first use (not at import), like pooch's
    ``Pooch.load_registry``.

    Examples
    --------
    >>> files = Registry("wits")
    >>> len(files), files[0].path.split("/")[0]
    (212, 'wits')
    """

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __getitem__(self, index: int) -> RemoteFile: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[RemoteFile]: ...

    def __getitem__(self, index: int | slice) -> RemoteFile | Sequence[RemoteFile]:
        return _load_registry(self.name)[index]

    def __len__(self) -> int:
        return len(_load_registry(self.name))

    def __iter__(self) -> Iterator[RemoteFile]:
        return iter(_load_registry(self.name))

    def __repr__(self) -> str:
        return f"Registry({self.name!r})"


def amity_home() -> Path:
    """The directory of the store and the cache: ``$AMITY_HOME`` or the user-data dir.

    Examples
    --------
    >>> import os
    >>> os.environ["AMITY_HOME"] = "/tmp/amity-doc"
    >>> str(amity_home())
    '/tmp/amity-doc'
    >>> del os.environ["AMITY_HOME"]
    """
    env = os.environ.get("AMITY_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("amity", appauthor=False))


def cache_dir() -> Path:
    """Where downloads are kept: ``<amity_home>/cache``."""
    return amity_home() / "cache"


def mirror_dir(mirror: str | os.PathLike[str] | None = None) -> Path | None:
    """The mirror directory from the argument or ``$AMITY_MIRROR``, or ``None``."""
    value = mirror if mirror is not None else os.environ.get("AMITY_MIRROR")
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise FetchError(
            f"mirror directory {str(path)!r} does not exist. Fix: point --mirror or "
            "AMITY_MIRROR at a folder laid out as <source>/<file>, or unset it to download"
        )
    return path


def file_hash(path: str | os.PathLike[str], algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in 1 MiB chunks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> file_hash(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check(path: Path, expected: str | None, algorithm: str, origin: str,
           name: Path | None = None) -> None:
    """Raise :class:`HashMismatchError` naming ``name`` (the file the user knows: the
    target of a download, not its temporary file) unless ``path`` has the hash."""
    if expected is None:
        return
    actual = file_hash(path, algorithm)
    if actual != expected.lower():
        raise HashMismatchError(
            f"{name or path}: {algorithm} is {actual[:12]}…, expected {expected[:12]}… "
            f"({origin}). "
            "Fix: the file is corrupt, truncated or a different release; replace it with the "
            "publisher's original (delete it and run `amity setup` again)"
        )


def _effective_url(url: str) -> str:
    base = os.environ.get("AMITY_BASE_URL")
    if not base:
        return url
    parts = urllib.parse.urlsplit(url)
    return f"{base.rstrip('/')}/{parts.netloc}{parts.path}"


def download(
    url: str,
    dest: str | os.PathLike[str],
    *,
    expected: str | None = None,
    algorithm: str = "sha256",
    progress: Callable[[int, int | None], None] | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` to ``dest``: temporary file, hash check, then an atomic move.

    Parameters
    ----------
    url
        Where to get the file (``AMITY_BASE_URL`` redirects it, see the module docs).
    dest
        Final path; its folder is created.
    expected
        Expected hex digest; on mismatch the temporary file is deleted and
        :class:`HashMismatchError` raised.
    algorithm
        ``"sha256"`` (registries) or ``"md5"`` (GDELT's master file list).
    progress
        Called with (bytes so far, total bytes or None) after each chunk.
    timeout
        Seconds to wait for the server.

    Returns
    -------
    Path
        ``dest``.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    real_url = _effective_url(url)
    for stale in dest.parent.glob(f".{glob.escape(dest.name)}.*.part"):
        stale.unlink(missing_ok=True)  # left by a download that was killed
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(real_url, timeout=timeout) as response:
                    total = response.headers.get("Content-Length")
                    size = int(total) if total else None
                    done = 0
                    while chunk := response.read(_CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, size)
            except (urllib.error.URLError, OSError) as exc:
                raise FetchError(
                    f"could not download {real_url}: {exc}. Fix: check the network, or use a "
                    "local copy with --mirror DIR / AMITY_MIRROR"
                ) from exc
        _check(tmp, expected, algorithm, f"downloaded from {real_url}; the file was deleted",
               name=dest)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def locate(
    file: RemoteFile,
    *,
    mirror: str | os.PathLike[str] | None = None,
    verify: bool = True,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Return a local, hash-checked path for ``file`` (mirror, then cache, then download).

    Raises
    ------
    FetchError
        The file is in neither the mirror nor the cache and has no URL, or the download
        failed.
    HashMismatchError
        The file's hash is not the registry's.
    """
    expected = file.sha256 if verify else None
    root = mirror_dir(mirror)
    if root is not None:
        path = root / file.path
        if not path.is_file():
            raise FetchError(
                f"{path} is missing from the mirror. Fix: copy the publisher's file there, or "
                "run without a mirror to download it"
            )
        _check(path, expected, "sha256", "mirror copy")
        return path
    cached = cache_dir() / file.path
    if cached.is_file():
        try:
            _check(cached, expected, "sha256", "cached copy")
            return cached
        except HashMismatchError:
            cached.unlink()
    if file.url is None:
        raise FetchError(
            f"{file.path} has no public download (it is a conversion of the publisher's file). "
            "Fix: point --mirror or AMITY_MIRROR at a mirror that holds it"
        )
    return download(file.url, cached, expected=expected, progress=progress)
