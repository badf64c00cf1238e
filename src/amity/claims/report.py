"""The result of a check: one :class:`Result` per claim, with its evidence, in a report.

:meth:`CheckReport.to_dict` is the stable JSON shape documented in ``docs/claims.md``
(``schema`` names its version); :meth:`CheckReport.table` is the Rich table people read.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field
from typing import Any

from amity.claims.extract import Claim

__all__ = ["SCHEMA", "VERDICTS", "CheckReport", "Evidence", "Result", "format_value",
           "ordinal"]

#: Version of the JSON shape.
SCHEMA = "amity.claims/1"
#: The verdicts, from best to worst supported, then the two that make no judgement.
VERDICTS = ("supported", "approximately", "disputed", "contradicted", "unverifiable",
            "not_a_fact")


@dataclass
class Evidence:
    """One value from the data, with where it comes from and how it compares.

    ``outcome`` is this value's own comparison with the claim: ``supported``,
    ``approximately``, ``contradicted``, ``inconclusive`` (e.g. a narrower measure), or
    ``context`` (shown for information, not used for the verdict).
    """

    source: str
    release: str | None
    year: int | None
    value: float | str | None
    unit: str
    what: str
    outcome: str = "context"
    error: float | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, float) and math.isnan(value):
            value = None
        return {"source": self.source, "release": self.release, "year": self.year,
                "value": value, "unit": self.unit, "what": self.what, "outcome": self.outcome,
                "error": None if self.error is None else round(self.error, 4),
                "note": self.note}


@dataclass
class Result:
    """A claim, its verdict, the query in words, a one-line reason and the evidence."""

    claim: Claim
    verdict: str
    query: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    fit: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        period = None
        if c.period is not None:
            period = {"first": c.period.first, "last": c.period.last, "date": c.period.date,
                      "precision": c.period.precision, "text": c.period.text}
        return {
            "id": c.id, "kind": c.kind, "verdict": self.verdict, "reason": self.reason,
            "query": self.query,
            "span": {"start": c.start, "end": c.end, "text": c.text},
            "sentence": {"start": c.sentence[0], "end": c.sentence[1]},
            "parse": {
                "countries": list(c.countries), "partner": list(c.partner), "flow": c.flow,
                "product": c.product, "group": c.group, "org": c.org, "status": c.status,
                "measure": c.measure, "series": c.series, "range": c.is_range,
                "amounts": [{"value": a.value, "unit": a.unit, "qualifier": a.qualifier,
                             "half_step": a.half_step, "text": a.text,
                             "start": a.start, "end": a.end} for a in c.amounts],
                "years": list(c.years), "period": period, "tense": c.tense, "count": c.count,
                "level": c.level, "person": list(c.person), "topics": list(c.topics),
                "action": list(c.action), "not_a_fact": c.not_a_fact,
                "fiscal": c.fiscal, "group_label": c.group_label,
            },
            "evidence": [e.to_dict() for e in self.evidence],
            "fit": self.fit,
        }


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st.

    >>> ordinal(1), ordinal(12), ordinal(23), ordinal(111)
    ('1st', '12th', '23rd', '111th')
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def format_value(value: object, unit: str) -> str:
    """A value for people: "$540.0M", "72.2%", "full member".

    >>> format_value(5.4e8, "USD"), format_value(0.7222, "share"), format_value(3, "count")
    ('$540.0M', '72.2%', '3')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NA"
    if isinstance(value, str):
        return value
    v = float(value)  # type: ignore[arg-type]
    if unit == "USD":
        for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
            if abs(v) >= div:
                return f"${v / div:,.1f}{suffix}"
        return f"${v:,.0f}"
    if unit == "share":
        return f"{v:.1%}"
    if unit == "percent":
        return f"{v:.1f}%"
    return f"{v:,.0f}" if v == int(v) else f"{v:,.3g}"


@dataclass
class CheckReport:
    """Every claim found in a text, with its verdict."""

    text: str
    pair: tuple[str, str] | None
    pair_from: str
    tolerance: float
    results: list[Result]
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    date: datetime.date | None = None
    date_from: str = "none"

    def counts(self) -> dict[str, int]:
        """How many claims got each verdict (every verdict listed, zeros included)."""
        out = {v: 0 for v in VERDICTS}
        for r in self.results:
            out[r.verdict] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape (see docs/claims.md)."""
        return {"schema": SCHEMA,
                "pair": list(self.pair) if self.pair else None, "pair_from": self.pair_from,
                "tolerance": self.tolerance, "counts": self.counts(),
                "claims": [r.to_dict() for r in self.results], "sources": self.sources,
                "notes": self.notes, "text_length": len(self.text),
                "date": self.date.isoformat() if self.date else None,
                "date_from": self.date_from}

    def to_json(self) -> str:
        """:meth:`to_dict` as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def table(self) -> Any:
        """A Rich table: one row per claim, with the best evidence under the reason."""
        from rich.table import Table

        colours = {"supported": "green", "approximately": "green3", "disputed": "yellow",
                   "contradicted": "red", "unverifiable": "grey50", "not_a_fact": "blue"}
        pair = "–".join(self.pair) if self.pair else "no pair"
        table = Table("#", "claim", "verdict", "why", title=f"Claims checked ({pair}, "
                      f"pair {self.pair_from}; tolerance {self.tolerance:.0%})",
                      title_justify="left", show_lines=True)
        for r in self.results:
            text = r.claim.text if len(r.claim.text) <= 90 else r.claim.text[:87] + "..."
            lines = [r.reason]
            if r.fit:
                for f in r.fit:
                    unit = next((e.unit for e in r.evidence if e.source == f["source"]), "USD")
                    years = f["years"][0] if len(f["years"]) == 1 else \
                        f"{f['years'][0]}-{f['years'][-1]}"
                    lines.append(f"  {f['source']} {years}: " + ", ".join(
                        format_value(v, unit) for v in f["values"]))
            else:
                used = [e for e in r.evidence if e.outcome != "context" and e.value is not None]
                lines += [f"  {e.source} {e.year if e.year is not None else ''}: "
                          f"{format_value(e.value, e.unit)} ({e.what})" for e in used[:4]]
            colour = colours.get(r.verdict, "white")
            table.add_row(r.claim.id, text, f"[{colour}]{r.verdict}[/{colour}]",
                          "\n".join(lines))
        return table
