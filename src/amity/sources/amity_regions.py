"""amity's regions table (:mod:`amity.regions`), written to the store's ``group_membership``.

The packaged ``amity/data/regions.csv`` lists member spells of organisations (EAEU, SCO,
SAARC, GCC, EU, ASEAN, MERCOSUR, USMCA, BRICS, ECO, EFTA) and of geographic regions
(Central Asia), each row with its source. It is the record of multilateral ties after
2014, where COW's IGO data ends (Pakistan and India in the SCO from 2017). The user's own
regions file (``--regions``, ``AMITY_REGIONS``) is for markets, not written here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from amity import regions
from amity._contract import Dataset, OnBadLines, ParseResult

__all__ = ["DATASETS", "GEOGRAPHIC", "REVIEWED"]

#: Groups of the table that are regions (markets), not organisations with members.
GEOGRAPHIC = frozenset({"CENTRAL_ASIA"})
#: The last year for which the table's spells were checked: an open spell runs to it.
REVIEWED = 2025


def _parse(paths: Mapping[str, Path], on_bad_lines: OnBadLines) -> ParseResult:
    table = regions.packaged()
    frame = pd.DataFrame({
        "group": table["region"], "iso3": table["iso3"],
        "from_year": table["from_year"].astype("Int64"),
        "to_year": table["to_year"].astype("Int64"),
        "kind": ["region" if g in GEOGRAPHIC else "organisation" for g in table["region"]],
        "note": table["source"]})
    first = int(frame["from_year"].min())
    return ParseResult({"group_membership": frame}, coverage=(first, REVIEWED))


DATASETS = (
    Dataset(
        source="amity_regions", release="1",
        title="amity regions table: member spells of regional organisations",
        publisher="amity", homepage="",
        citation="amity regions table (amity/data/regions.csv; each row names its source)",
        licence="Apache-2.0", files=(), parse=_parse, tables=("group_membership",),
        package_files="regions.csv",
        caveats=(f"spells checked to {REVIEWED}; an open spell runs to {REVIEWED}",
                 "eleven organisations only: shared membership of others (the UN, the "
                 "WTO ...) is COW's IGO data, to 2014"),
    ),
)
