"""``amity export`` (:func:`export`): the dyad-year dataset for all pairs, with a data
dictionary.

Writes the stored panel (every indicator from its default sources, see
:func:`amity.indicators.default_slices`) joined with the relationship index, for all
pairs and years, as Parquet or CSV, and ``<name>.dictionary.csv`` beside it: each
column's definition, unit, orientation and the source releases (with years) behind it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from amity._exceptions import InputError, MissingDataError
from amity._files import check_output, replacing
from amity.indicators import DIMENSIONS, INDICATORS, default_source
from amity.store import Store, store_scope

__all__ = ["data_dictionary", "export"]

_INDEX_COLUMNS = ["composite", "coverage", "basis", "weakest", "strongest",
                  *[f"score_{d}" for d in DIMENSIONS], "hostility"]


def _provenance(store: Store) -> dict[str, list[str]]:
    """Indicator → the source releases (with years) the stored panel took it from."""
    found = store.release("amity_index", "panel")
    return dict(found.scope.get("provenance", {})) if found else {}


def data_dictionary(columns: Sequence[str], provenance: dict[str, list[str]]) -> pd.DataFrame:
    """One row per exported column: definition, unit, orientation, dimension, sources.

    Examples
    --------
    >>> data_dictionary(["a", "un_kappa"], {"un_kappa": ["unvotes/unvotes-0.3.0 1946-2019"]}
    ...                 ).loc[1, ["column", "unit", "sources"]].tolist()
    ['un_kappa', 'kappa (-1 to 1)', 'unvotes/unvotes-0.3.0 1946-2019']
    """
    fixed = {
        "a": ("first country (ISO3)", "", "none", ""),
        "b": ("second country (ISO3)", "", "none", ""),
        "year": ("year", "", "none", ""),
        "composite": ("mean of the year's basis dimension scores, discounted by the hostility: "
                      "mean x (1 - hostility); NA unless the pair has every basis dimension "
                      "and the basis has at least three (docs/indicators.md)", "0-100",
                      "higher", ""),
        "basis": ("the dimensions a composite rests on that year: those with data for at "
                  "least half of the year's pairs", "", "none", ""),
        "system_pair": ("both countries are members of the state system that year (COW); "
                        "only such pairs are scored", "true/false", "none", ""),
        "hostility": ("hostility of the pair that year from the conflict indicators (war 1, "
                      "minor armed conflict or fatal dispute 0.75, use of force 0.5, threat, "
                      "display or rivalry 0.25, none 0)", "0-1", "lower", "conflict"),
        "score_conflict": ("100 x (1 - hostility): the conflict dimension shown beside the "
                           "others; it discounts the composite instead of entering its mean",
                           "0-100", "higher", "conflict"),
        "coverage": ("dimensions with data (of six)", "dimensions", "none", ""),
        "weakest": ("dimension with the lowest score", "", "none", ""),
        "strongest": ("dimension with the highest score", "", "none", ""),
    }
    def sources(name: str) -> str:
        return "; ".join(provenance.get(name, [default_source(name)]))

    rows: list[tuple[str, ...]] = []
    for col in columns:
        stock = col.removesuffix("_asof")
        if col in INDICATORS:
            ind = INDICATORS[col]
            rows.append((col, ind.definition, ind.unit, ind.orientation, ind.dimension,
                         sources(col)))
        elif col != stock and stock in INDICATORS:
            rows.append((col, f"the year the value of {stock} was observed: the row's year, "
                         "or an earlier one when the value is carried forward", "year",
                         "none", INDICATORS[stock].dimension, sources(stock)))
        elif col.startswith("score_") and col not in fixed:
            rows.append((col, f"mean percentile of the {col[6:]} indicators among all pairs "
                         "with data that year", "0-100", "higher", col[6:], "amity index"))
        else:
            definition, unit, orientation, dim = fixed.get(col, (col, "", "none", ""))
            rows.append((col, definition, unit, orientation, dim,
                         "" if col in ("a", "b", "year") else "amity index"))
    return pd.DataFrame(rows, columns=["column", "definition", "unit", "orientation",
                                       "dimension", "sources"])


def export(out: str | os.PathLike[str], *, years: tuple[int, int] | None = None,
           directed: bool = True, indicators: Sequence[str] | None = None,
           store: Store | None = None) -> tuple[Path, Path, int]:
    """Write the dyad-year dataset and its dictionary; returns (data, dictionary, rows).

    Parameters
    ----------
    out
        ``.parquet`` or ``.csv``.
    years
        Inclusive range (default: all the panel's years).
    directed
        Both (a, b) and (b, a) rows; ``False`` keeps a < b only.
    indicators
        Indicator columns to keep (default: all); the index columns always come along.
    store
        An open store (default: the user's, read-only).
    """
    with store_scope(store) as s:
        return _export(s, Path(out), years, directed, indicators)


def _export(store: Store, out: Path, years: tuple[int, int] | None, directed: bool,
            indicators: Sequence[str] | None) -> tuple[Path, Path, int]:
    if out.suffix not in (".parquet", ".csv"):
        raise InputError(f"{out}: the output must end in .parquet or .csv")
    dictionary = out.with_name(out.stem + ".dictionary.csv")
    check_output(out, make_parents=True)  # before the work, with the dictionary beside it
    check_output(dictionary)
    if not store.has("panel") or not store.has("index_scores"):
        raise MissingDataError("the store has no panel and index. Fix: run `amity setup`")
    panel, scores = store.ibis.table("panel"), store.ibis.table("index_scores")
    available = [c for c in panel.columns if c not in ("a", "b", "year")]
    chosen = list(indicators) if indicators else available
    unknown = [c for c in chosen if c not in available]
    if unknown:
        raise InputError(f"--indicators: {unknown} not in the panel. Available: "
                         f"{', '.join(available)}")
    index_cols = [c for c in _INDEX_COLUMNS if c in scores.columns]
    s = scores.select(_a="a", _b="b", _year="year", **{c: scores[c] for c in index_cols})
    joined = panel.left_join(s, [panel.a == s._a, panel.b == s._b, panel.year == s._year])
    table = joined.select("a", "b", "year", *chosen, *index_cols)
    if years is not None:
        table = table.filter(table.year.between(*years))
    if not directed:
        table = table.filter(table.a < table.b)
    table = table.order_by(["a", "b", "year"])
    with replacing(out) as tmp:
        (table.to_parquet if out.suffix == ".parquet" else table.to_csv)(tmp)
    with replacing(dictionary) as tmp:
        data_dictionary(table.columns, _provenance(store)).to_csv(tmp, index=False)
    return out, dictionary, int(table.count().execute())
