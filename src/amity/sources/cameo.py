"""CAMEO event codes: descriptions, Goldstein values and quad classes.

The descriptions and Goldstein values come from GDELT's lookup files
``CAMEO.eventcodes.txt`` and ``CAMEO.goldsteinscale.txt`` (tab-separated, a header row,
codes as strings with leading zeros: "01" root, "010" base, "0231" sub-code), read at run
time from the mirror, the cache or a download (:func:`amity.fetch.locate`); amity ships
no copy. A few descriptions carry GDELT's stray spaces and mis-encoded quotes (code 044
"Meet at a ÒhirdÓlocation"): spaces are trimmed, the rest is kept as published.

Quad classes follow GDELT's data, not the CAMEO manual: every row of the GDELT files in
the data mirror (37,389 events of 1.0 and 2.0) has QuadClass 1 for roots 01–05, 2 for
06–09, 3 for 10–14 and 4 for 15–20. (The "Duval–Thompson" grouping of CAMEO, used in some
ICEWS work, puts 09 Investigate with verbal conflict and 14 Protest with material
conflict; amity uses GDELT's grouping for every source so that GDELT and ICEWS shares are
comparable.)
"""

from __future__ import annotations

import csv
import functools
import os

import pandas as pd

from amity._exceptions import SourceFormatError
from amity.fetch import RemoteFile, locate

__all__ = ["CODES_FILE", "GOLDSTEIN_FILE", "QUAD_CLASSES", "describe", "event_codes",
           "quad_class"]

_REPO = ("https://raw.githubusercontent.com/mpiccirilli/UNDP-BCPR-Project/"
         "e009a802f0e801526a6ff9a70d452b5cecd7ccb6/")
CODES_FILE = RemoteFile("cameo/CAMEO.eventcodes.txt",
                        "d7da9a9e20d81805a7e8849317f24c953f75fbed2f96cff4edb8df90ffcb3065",
                        _REPO + "CAMEO.eventcodes.txt")
GOLDSTEIN_FILE = RemoteFile("cameo/CAMEO.goldsteinscale.txt",
                            "22ae69794e081b8cc9bb87a15f59fabdaa6e9ba00b1d08990b46cd75291c0ca8",
                            _REPO + "CAMEO.goldsteinscale.txt")

#: QuadClass number → name (GDELT Event Codebook).
QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
                4: "material conflict"}


def quad_class(code: str | None) -> int | None:
    """GDELT's QuadClass of a CAMEO event or root code (None if it is no CAMEO code).

    Examples
    --------
    >>> quad_class("036"), quad_class("0874"), quad_class("09"), quad_class("145")
    (1, 2, 2, 3)
    >>> quad_class("190"), quad_class(""), quad_class("X1") is None
    (4, None, True)
    """
    if code is None or len(code) < 2 or not code[:2].isdigit():
        return None
    root = int(code[:2])
    if not 1 <= root <= 20:
        return None
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


def _read(path: os.PathLike[str] | str, value: str) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or rows[0][:1] != ["CAMEOEVENTCODE"] or len(rows[0]) != 2:
        raise SourceFormatError(path, f"expected the header CAMEOEVENTCODE<TAB>{value}",
                                line=1)
    out = {}
    for number, row in enumerate(rows[1:], 2):
        if len(row) != 2 or not row[0].isdigit():
            raise SourceFormatError(path, f"expected a code and a value, found {row}",
                                    line=number)
        out[row[0]] = row[1].strip()
    return out


@functools.lru_cache(maxsize=4)
def _table(mirror: str | None) -> pd.DataFrame:
    names = _read(locate(CODES_FILE, mirror=mirror), "EVENTDESCRIPTION")
    scores = _read(locate(GOLDSTEIN_FILE, mirror=mirror), "GOLDSTEINSCALE")
    codes = sorted(names, key=lambda c: (c[:2], c))
    frame = pd.DataFrame({
        "code": codes, "description": [names[c] for c in codes],
        "goldstein": [float(scores[c]) if c in scores else float("nan") for c in codes],
        "root": [c[:2] for c in codes], "quad_class": [quad_class(c) for c in codes],
    })
    frame["level"] = frame["code"].str.len().map({2: "root", 3: "base", 4: "sub"})
    return frame.astype({"code": "string", "description": "string", "root": "string",
                         "level": "string", "quad_class": "Int64"})


def event_codes(mirror: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every CAMEO event code: code, description, goldstein, root, quad_class, level.

    Parameters
    ----------
    mirror
        A data mirror (default ``AMITY_MIRROR``; without one, the cache or a download).
    """
    value = mirror if mirror is not None else os.environ.get("AMITY_MIRROR")
    return _table(str(value) if value else None).copy()


def describe(code: str, mirror: str | os.PathLike[str] | None = None) -> str | None:
    """The description of one CAMEO event code ("036" → "Express intent to meet or
    negotiate"), or None for an unknown code. Codes are strings: "36" is not "036"."""
    table = event_codes(mirror)
    hit = table.loc[table["code"] == str(code), "description"]
    return None if hit.empty else str(hit.iloc[0])
