"""The engagements timeline of a pair: curated events and events derived from coded data.

Two kinds of rows, one shape (the ``engagements`` columns plus ``events``, ``source``,
``release``):

* curated rows (``derived = False``) from the ``engagements`` table: amity's starter set
  and the user's own files (:mod:`amity.sources.engagements`), each with its public source;
* derived rows (``derived = True``) from the ``events`` table (GDELT, ICEWS):
  :func:`derived_engagements`.

Which CAMEO codes count (:data:`DERIVED_CODES`)
    ``042`` make a visit and ``043`` host a visit → ``visit``; ``044`` meet at a third
    location and ``046`` engage in negotiation → ``meeting``; ``057`` sign formal
    agreement → ``agreement``. These record something that took place between the two
    actors. ``036`` (express intent to meet or negotiate) is left out: it codes an
    announcement or an invitation, not an engagement, and it is among the most frequent
    cooperative codes in GDELT, so it would bury the actual meetings; pass
    ``codes={**DERIVED_CODES, "036": "other"}`` to include it. Codes stored without the
    leading zero (``"42"``, as some ICEWS conversions do) match too.

How events become engagements
    Only events whose two actors carry different country codes (``actor1_iso3`` and
    ``actor2_iso3`` both set; CAMEO regions and non-state codes are NA there). The events
    table has no actor-type columns, so "state actor" means an actor attributed to the
    country — government or not. For a visit ``a`` is the visitor (actor 1 of ``042``,
    actor 2 of ``043``), so a visit reported both ways collapses into one row; meetings
    and agreements put the pair in alphabetical order. One row per source, release, pair,
    day and kind, with ``events`` (distinct event ids) and the URL of the most-mentioned
    event (ties: the lowest event id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from amity import countries as _countries
from amity._exceptions import InputError, MissingDataError
from amity._schema import TABLES

if TYPE_CHECKING:
    from amity.store import Store

__all__ = ["COLUMNS", "DERIVED_CODES", "derived_engagements", "format_date", "timeline"]

#: CAMEO event code → engagement kind used by :func:`derived_engagements`.
DERIVED_CODES: dict[str, str] = {
    "042": "visit", "043": "visit", "044": "meeting", "046": "meeting", "057": "agreement",
}
#: Columns of :func:`derived_engagements` and :func:`timeline`.
COLUMNS = [*TABLES["engagements"].columns, "events", "source", "release"]
_KEYS = ["source", "release", "date", "a", "b", "kind"]
_STARTER = "amity-starter-1"
_TITLES = {
    "visit": "{a} visit to {b}",
    "meeting": "{a}–{b} meeting or negotiation",
    "agreement": "{a}–{b} formal agreement signed",
}


def format_date(value: object, precision: str) -> str:
    """A date shown at its precision.

    Examples
    --------
    >>> import datetime
    >>> d = datetime.date(1965, 4, 1)
    >>> format_date(d, "day"), format_date(d, "month"), format_date(d, "year")
    ('1965-04-01', '1965-04', '1965')
    """
    text = pd.Timestamp(value).strftime("%Y-%m-%d")
    return {"year": text[:4], "month": text[:7]}.get(precision, text)


def _iso3_list(values: Iterable[str] | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    return sorted({_countries.to_iso3(v) for v in values})


def _name(iso3: str) -> str:
    try:
        return _countries.resolve(iso3).name
    except KeyError:
        return iso3


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    return frame.astype({"date": "datetime64[ns]", "derived": "bool", "events": "Int64"})


def derived_engagements(
    store: Store,
    *,
    countries: Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
    codes: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Visits, meetings and agreements found in coded event data, one row per occasion.

    Parameters
    ----------
    store
        A store with an ``events`` table (GDELT/ICEWS ingested).
    countries
        Keep engagements involving at least one of these (ISO3 codes or names).
    years
        Inclusive (first, last) year.
    codes
        CAMEO code → kind; default :data:`DERIVED_CODES`.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, ``derived`` True, ``date_precision`` "day", ``events`` the number
        of distinct events behind the row, ``source_url`` the most-mentioned event's URL.
    """
    import ibis

    codes = dict(DERIVED_CODES if codes is None else codes)
    variants = {**{c.lstrip("0"): c for c in codes if c.lstrip("0")}, **{c: c for c in codes}}
    ev = store.table("events")
    t = ev.filter(ev.event_code.isin(list(variants)), ev.actor1_iso3.notnull(),
                  ev.actor2_iso3.notnull(), ev.actor1_iso3 != ev.actor2_iso3, ev.date.notnull())
    if years is not None:
        t = t.filter(t.year.between(*years))
    iso = _iso3_list(countries)
    if iso is not None:
        t = t.filter(t.actor1_iso3.isin(iso) | t.actor2_iso3.isin(iso))
    code = t.event_code.substitute(variants)
    kind = code.substitute(codes)
    first, second = t.actor1_iso3, t.actor2_iso3
    a = ibis.ifelse(code == "043", second,
                    ibis.ifelse(kind == "visit", first, ibis.least(first, second)))
    b = ibis.ifelse(code == "043", first,
                    ibis.ifelse(kind == "visit", second, ibis.greatest(first, second)))
    t = t.mutate(code=code, kind=kind, a=a, b=b, mentions_=t.num_mentions.fill_null(-1))
    counts = t.group_by(_KEYS).aggregate(events=t.event_id.nunique())
    distinct = t.select(*_KEYS, "code").distinct()
    listed = distinct.group_by(_KEYS).aggregate(
        codes=distinct.code.group_concat(", ", order_by=distinct.code))
    ranked = t.mutate(rank_=ibis.row_number().over(
        group_by=_KEYS, order_by=[ibis.desc(t["mentions_"]), t.event_id]))
    top = ranked.filter(ranked["rank_"] == 0).select(
        *_KEYS, top_event=ranked.event_id, top_url=ranked.url, top_mentions=ranked["mentions_"])
    raw = counts.join(listed, _KEYS).join(top, _KEYS).to_pandas()
    if raw.empty:
        return _empty()
    publishers = {(r["source"], r["release"]): r["publisher"]
                  for r in store.datasets().to_dict(orient="records") if "publisher" in r}
    names = {c: _name(c) for c in pd.unique(raw[["a", "b"]].values.ravel())}
    dates = pd.to_datetime(raw["date"]).astype("datetime64[ns]")
    out = pd.DataFrame({
        "id": [f"{s}:{a}-{b}:{d:%Y-%m-%d}:{k}" for s, a, b, d, k in
               zip(raw["source"], raw["a"], raw["b"], dates, raw["kind"], strict=True)],
        "date": dates, "date_precision": "day", "a": raw["a"], "b": raw["b"],
        "kind": raw["kind"],
        "title": [_TITLES.get(k, "{a}–{b} " + k).format(a=names[a], b=names[b])
                  + f", reported in {n} coded event{'s' if n != 1 else ''}"
                  for k, a, b, n in zip(raw["kind"], raw["a"], raw["b"], raw["events"],
                                        strict=True)],
        "level": None,
        "source_name": [publishers.get((s, r)) or s
                        for s, r in zip(raw["source"], raw["release"], strict=True)],
        "source_title": [f"{s} {r} events, CAMEO {c}" for s, r, c in
                         zip(raw["source"], raw["release"], raw["codes"], strict=True)],
        "source_date": [f"{d:%Y-%m-%d}" for d in dates],
        "source_url": raw["top_url"],
        "notes": [f"most-mentioned event {e} ({m} mentions)" if m >= 0 else f"first event {e}"
                  for e, m in zip(raw["top_event"], raw["top_mentions"], strict=True)],
        "derived": True, "events": raw["events"].astype("Int64"),
        "source": raw["source"], "release": raw["release"],
    })
    out = out.astype({c: "object" for c in COLUMNS if c not in ("date", "derived", "events")})
    return out.sort_values(["date", "a", "b", "kind", "source"], ignore_index=True)[COLUMNS]


def _curated(store: Store, a: str, b: str, years: tuple[int, int] | None) -> pd.DataFrame:
    e = store.table("engagements")
    e = e.filter(((e.a == a) & (e.b == b)) | ((e.a == b) & (e.b == a))
                 | (e.b.isnull() & e.a.isin([a, b])))
    if years is not None:
        e = e.filter(e.date.year().between(*years))
    frame = e.to_pandas()
    if frame.empty:
        return _empty()
    # the same event in several releases (a user file copying the starter set): keep one,
    # the user's
    frame = (frame.sort_values("release", key=lambda s: s.eq(_STARTER), kind="stable")
             .drop_duplicates("id"))
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["events"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["derived"] = frame["derived"].astype(bool)
    return frame.astype({c: "object" for c in COLUMNS
                         if c not in ("date", "derived", "events")})[COLUMNS]


def timeline(
    store: Store,
    a: str,
    b: str,
    *,
    years: tuple[int, int] | None = None,
    include_derived: bool = True,
    codes: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The engagements between ``a`` and ``b``, curated and derived, sorted by date.

    Curated rows of the pair (either order) come with the memberships of either country
    (rows with an empty ``b``). Derived rows need an ``events`` table; without one the
    timeline is the curated rows alone. On the same day curated rows come first.

    Parameters
    ----------
    store
        An open store.
    a, b
        The two countries (ISO3, COW code or name).
    years
        Inclusive (first, last) year.
    include_derived
        Add :func:`derived_engagements` rows for the pair.
    codes
        CAMEO code → kind for the derived rows (default :data:`DERIVED_CODES`).

    Raises
    ------
    MissingDataError
        Neither the ``engagements`` nor (when asked for) the ``events`` table has data.
    """
    first, second = _countries.to_iso3(a), _countries.to_iso3(b)
    if first == second:
        raise InputError(f"{a!r} and {b!r} are the same country ({first}). Fix: name two "
                         "different countries")
    has_curated = store.has("engagements")
    has_events = include_derived and store.has("events")
    if not has_curated and not has_events:
        raise MissingDataError(
            "the store has no engagements timeline. Fix: run `amity setup --source timeline` "
            "(and ingest GDELT or ICEWS for derived rows)")
    parts = [_curated(store, first, second, years)] if has_curated else []
    if has_events:
        derived = derived_engagements(store, countries=[first, second], years=years,
                                      codes=codes)
        pair = (((derived["a"] == first) & (derived["b"] == second))
                | ((derived["a"] == second) & (derived["b"] == first)))
        parts.append(derived[pair])
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _empty()
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(["date", "derived", "kind", "id"], ignore_index=True)
    frame.attrs.update(pair=(first, second),
                       sources=sorted(set(zip(frame["source"], frame["release"], strict=True))))
    return frame
