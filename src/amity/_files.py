"""Output files: checked before the work, written to a temporary name, moved into place.

Every file amity writes for the user (``export``, ``brief --out``, ``check --out``) goes
through :func:`check_output` before any work (a directory, a missing or unwritable folder,
a path below a regular file: one clear line, exit 1) and :func:`replacing` for the write
itself (a temporary file beside the target, ``os.replace`` onto it once complete, the
temporary file deleted on any failure: a reader never sees half a file and nothing is
left behind).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from amity._exceptions import InputError

__all__ = ["check_output", "replacing"]


def check_output(path: str | os.PathLike[str], *, make_parents: bool = False) -> Path:
    """``path`` as a Path, after checking that a file can be written there.

    Parameters
    ----------
    path
        The file to write.
    make_parents
        Create missing folders (else a missing folder is an error).

    Raises
    ------
    InputError
        ``path`` is a directory, its folder is missing (and not to be made), is not a
        folder (a path below a regular file) or is not writable.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> check_output(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    amity._exceptions.InputError: ...: is a directory. Fix: give a file name, e.g. .../out...
    """
    out = Path(path)
    fix = "Fix: give a file in a folder you can write to"
    if out.is_dir():
        raise InputError(f"{out}: is a directory. Fix: give a file name, e.g. "
                         f"{out / ('out' + (out.suffix or ''))}")
    parent = out.parent
    below = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if below is not None and not below.is_dir():
        raise InputError(f"{out}: {below} is a file, not a folder. {fix}")
    if not parent.exists():
        if not make_parents:
            raise InputError(f"{out}: the folder {parent} does not exist. Fix: create it "
                             "first, or give a file in an existing folder")
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{out}: cannot create the folder {parent} "
                             f"({exc.strerror}). {fix}") from None
    if out.exists() and not os.access(out, os.W_OK):
        raise InputError(f"{out}: not writable (permission denied). {fix}")
    probe = parent / f".{out.name}.{uuid.uuid4().hex[:8]}.part"
    try:  # what the write will do: a new file beside the target (os.access cannot tell
        probe.open("xb").close()  # for root, or on /proc and read-only mounts)
    except OSError as exc:
        raise InputError(f"{out}: not writable ({exc.strerror}). {fix}") from None
    probe.unlink(missing_ok=True)
    return out


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; moved onto ``path`` when the block
    ends without an error, deleted otherwise.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with replacing(out) as tmp:
    ...     _ = tmp.write_text("done")
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('done', ['a.txt'])
    """
    out = Path(path)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        yield tmp
        try:
            os.replace(tmp, out)
        except OSError as exc:
            raise InputError(f"{out}: cannot write the file ({exc.strerror}). Fix: give a "
                             "file in a folder you can write to") from None
    finally:
        tmp.unlink(missing_ok=True)
