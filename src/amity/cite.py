"""Citations of the datasets amity reads, from the source registry (no store needed)."""

from __future__ import annotations

from amity.sources import all_datasets, get_dataset

__all__ = ["cite"]


def cite(source: str | None = None) -> list[dict[str, str]]:
    """Citation records for one source (all its releases) or for every source.

    Examples
    --------
    >>> [c["release"] for c in cite("cow_trade")]
    ['4.0']
    """
    if source is not None:
        get_dataset(source)  # raises InputError with the known names
    return [
        {"source": d.source, "release": d.release, "title": d.title, "publisher": d.publisher,
         "citation": d.citation, "licence": d.licence, "homepage": d.homepage}
        for d in all_datasets()
        if (source is None or d.source == source) and d.source != "amity_countries"
    ]
