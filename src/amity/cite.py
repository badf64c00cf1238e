"""Citations of the datasets amity reads, from the source registry (no store needed).

:func:`cite` gives the records; :func:`to_bibtex` and :func:`to_ris` write them for a
reference manager (BibTeX ``@misc`` entries; RIS ``TY  - DATA`` records).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from amity._version import __version__
from amity.sources import all_datasets, get_dataset
from amity.store.catalog import split_spec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cite", "source_records", "to_bibtex", "to_ris"]

#: amity's own derived tables (the panel and the index), cited as amity itself.
_AMITY = {"source": "amity_index", "release": "panel",
          "title": "amity dyad-year panel and relationship index",
          "publisher": "amity contributors",
          "citation": f"amity {__version__}: dyad-year panel and relationship index, computed "
                      "from the releases listed with each value (docs/indicators.md)",
          "licence": "Apache-2.0", "homepage": ""}
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def cite(spec: str | None = None) -> list[dict[str, str]]:
    """Citation records for one source (all its releases), one release
    (``"source/release"``) or every source.

    Raises
    ------
    UnknownSourceError
        No such source or release; the message lists the known ones.

    Examples
    --------
    >>> [c["release"] for c in cite("cow_trade")]
    ['4.0']
    >>> [c["release"] for c in cite("unvotes/undl-2025")]
    ['undl-2025']
    """
    source: str | None = None
    release: str | None = None
    if spec is not None:
        source, release = split_spec(spec)
        if source == _AMITY["source"]:
            return [dict(_AMITY)]
        get_dataset(source, release)  # raises UnknownSourceError with the known names
    records = [
        {"source": d.source, "release": d.release, "title": d.title, "publisher": d.publisher,
         "citation": d.citation, "licence": d.licence, "homepage": d.homepage}
        for d in all_datasets()
        if (source is None or d.source == source) and (release is None or d.release == release)
        and d.source != "amity_countries"
    ]
    return records + ([dict(_AMITY)] if spec is None else [])


def source_records(stored: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Every release amity can ingest, with what the store holds of it (``amity sources
    --format json``): source, release, title, default, ingested, rows, coverage,
    last_year, ingested_at, skipped_rows, citation, licence, caveats.

    Parameters
    ----------
    stored
        The store's ``datasets`` table (:meth:`amity.Store.datasets`); None: nothing
        ingested.
    """
    held = {} if stored is None else {
        (r["source"], r["release"]): r for r in stored.to_dict(orient="records")}
    records: list[dict[str, Any]] = []
    for d in all_datasets():
        row = held.get((d.source, d.release))
        cov = (f"{row['coverage_start']}-{row['coverage_end']}"
               if row and row["coverage_start"] is not None
               and not (isinstance(row["coverage_start"], float)
                        and math.isnan(row["coverage_start"])) else None)
        records.append({
            "source": d.source, "release": d.release, "title": d.title,
            "default": d.default, "ingested": row is not None,
            "rows": int(row["rows"]) if row else None, "coverage": cov,
            "last_year": int(row["coverage_end"]) if row and cov else None,
            "ingested_at": str(row["ingested_at"]) if row else None,
            "skipped_rows": int(row["skipped_rows"]) if row else None,
            "citation": d.citation, "licence": d.licence, "caveats": list(d.caveats),
        })
    return records


def _year(record: dict[str, str]) -> str:
    """The latest plausible year in the citation or release (the version cited)."""
    found = _YEAR.findall(f"{record['citation']} {record['release']}")
    return max(found) if found else ""


def _key(record: dict[str, str]) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{record['source']}_{record['release']}").strip("_")


def _bib(text: str) -> str:
    """A BibTeX field value: braces balanced, special characters escaped."""
    text = text.replace("\\", "\\textbackslash{}")
    for ch in "&%$#_":
        text = text.replace(ch, "\\" + ch)
    return text.replace("{", "\\{").replace("}", "\\}")


def to_bibtex(records: list[dict[str, str]]) -> str:
    """BibTeX ``@misc`` entries, one per record, keyed ``source_release``.

    Examples
    --------
    >>> print(to_bibtex([{"source": "cow_trade", "release": "4.0", "title": "Trade 4.0",
    ...                   "publisher": "COW", "citation": "Barbieri & Keshk (2016)",
    ...                   "licence": "free", "homepage": "https://x.org"}]))
    @misc{cow_trade_4_0,
      title = {Trade 4.0},
      author = {{COW}},
      year = {2016},
      version = {4.0},
      howpublished = {\\url{https://x.org}},
      note = {Barbieri \\& Keshk (2016). Licence: free}
    }
    """
    entries = []
    for r in records:
        fields = [("title", _bib(r["title"])), ("author", "{" + _bib(r["publisher"]) + "}"),
                  ("year", _year(r)), ("version", _bib(r["release"])),
                  ("howpublished", f"\\url{{{r['homepage']}}}" if r["homepage"] else ""),
                  ("note", _bib(f"{r['citation'].rstrip('.')}. Licence: {r['licence']}"))]
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
        entries.append(f"@misc{{{_key(r)},\n{body}\n}}")
    return "\n\n".join(entries)


def to_ris(records: list[dict[str, str]]) -> str:
    """RIS records (``TY  - DATA``), one per record.

    Examples
    --------
    >>> print(to_ris([{"source": "atop", "release": "5.1", "title": "ATOP", "publisher":
    ...                "Leeds", "citation": "Leeds et al. (2002)", "licence": "free",
    ...                "homepage": ""}]))
    TY  - DATA
    TI  - ATOP
    AU  - Leeds
    PY  - 2002
    ET  - 5.1
    N1  - Leeds et al. (2002). Licence: free
    ID  - atop_5_1
    ER  -
    """
    out = []
    for r in records:
        lines = [("TY", "DATA"), ("TI", r["title"]), ("AU", r["publisher"]), ("PY", _year(r)),
                 ("ET", r["release"]), ("UR", r["homepage"]),
                 ("N1", f"{r['citation'].rstrip('.')}. Licence: {r['licence']}"), ("ID", _key(r))]
        out.append("\n".join(f"{k}  - {' '.join(v.split())}" for k, v in lines if v)
                   + "\nER  -")
    return "\n\n".join(out)
