"""The relationship index: percentiles among all pairs, dimension scores, composite, trends.

The method is in :mod:`amity.index.score` (the portable Ibis queries) and
:mod:`amity.index.sql` (the same as one SQL statement, the fast path on DuckDB);
:mod:`amity.index.panel` builds and stores the dyad-year panel and the index for all
pairs and years, and :mod:`amity.index.refresh` runs ``amity setup`` (ingest, then
rebuild what changed); :mod:`amity.index.ranking` reads them: one pair's scorecard, a
country's partners, benchmark pairs.
"""

from __future__ import annotations

from amity.index.panel import (
    FINGERPRINT,
    FIRST_YEAR,
    build,
    build_index,
    index_series,
    is_current,
    panel_columns,
)
from amity.index.ranking import (
    benchmark_pairs,
    default_year,
    pair_index,
    rank,
    rank_partners,
    scorecard,
)
from amity.index.score import dynamics, index_indicators, percentiles, score
from amity.index.sql import index_sql

__all__ = ["FINGERPRINT", "FIRST_YEAR", "benchmark_pairs", "build", "build_index",
           "default_year", "dynamics",
           "index_indicators", "index_series", "index_sql", "is_current", "pair_index",
           "panel_columns", "percentiles", "rank", "rank_partners", "score", "scorecard"]
