"""The tables of the store (DESIGN.md §3): columns, types and keys.

:data:`TABLES` are the canonical data tables. Every one also carries ``source`` and
``release`` (added by the store), so that several releases of one dataset live side by
side and each value can be traced. Country keys are ISO3 (amity's crosswalk), money is US
dollars (not millions), dates are DATE. Source parsers return exactly the columns listed
here (without source/release); the store checks that and casts to these types before the
atomic swap.

:data:`CATALOG` are the store's own bookkeeping tables: ``datasets``, the release
catalogue (one row per source and release: provenance, rows, coverage, caveats), and
``ingested_files``, the files each release was read from (hash, rows, the period a file
covers, the Parquet part that holds appended rows). Only :mod:`amity.store.catalog`
writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOG", "TABLES", "TableSpec"]


@dataclass(frozen=True)
class TableSpec:
    """Columns (name → DuckDB type), key columns and a one-line description."""

    columns: dict[str, str]
    key: tuple[str, ...]
    doc: str


TABLES: dict[str, TableSpec] = {
    "countries": TableSpec(
        {"iso3": "VARCHAR", "iso2": "VARCHAR", "name": "VARCHAR", "cow_code": "BIGINT",
         "cow_abb": "VARCHAR", "gw_code": "BIGINT", "fips": "VARCHAR", "cameo": "VARCHAR",
         "valid_from": "DATE", "valid_to": "DATE", "successor_iso3": "VARCHAR"},
        ("iso3",), "amity's country crosswalk"),
    "states": TableSpec(
        {"iso3": "VARCHAR", "cow_code": "BIGINT", "cow_abb": "VARCHAR", "name": "VARCHAR",
         "start": "DATE", "end": "DATE"},
        ("cow_code", "start"), "spells of membership in the state system"),
    "un_votes": TableSpec(
        {"rcid": "BIGINT", "iso3": "VARCHAR", "vote": "VARCHAR", "session": "BIGINT",
         "year": "BIGINT"},
        ("rcid", "iso3"), "UNGA roll-call votes: yes, abstain, no, absent, nonmember"),
    "un_roll_calls": TableSpec(
        {"rcid": "BIGINT", "session": "BIGINT", "year": "BIGINT", "date": "DATE",
         "important": "BOOLEAN", "amend": "BOOLEAN", "para": "BOOLEAN", "unres": "VARCHAR",
         "short": "VARCHAR", "descr": "VARCHAR", "me": "BOOLEAN", "nu": "BOOLEAN",
         "di": "BOOLEAN", "hr": "BOOLEAN", "co": "BOOLEAN", "ec": "BOOLEAN"},
        ("rcid",), "UNGA roll calls with issue flags"),
    "un_idealpoints": TableSpec(
        {"iso3": "VARCHAR", "year": "BIGINT", "idealpoint_fp": "DOUBLE",
         "idealpoint_all": "DOUBLE", "idealpoint_legacy": "DOUBLE", "nvotes_fp": "DOUBLE",
         "nvotes_all": "DOUBLE"},
        ("iso3", "year"), "Voeten ideal points per country-year"),
    "trade_dyadic": TableSpec(
        {"year": "BIGINT", "exporter": "VARCHAR", "importer": "VARCHAR", "value_usd": "DOUBLE"},
        ("year", "exporter", "importer"), "goods trade by direction, current US$"),
    "trade_national": TableSpec(
        {"year": "BIGINT", "iso3": "VARCHAR", "exports_usd": "DOUBLE", "imports_usd": "DOUBLE"},
        ("year", "iso3"), "a country's total goods exports and imports, current US$"),
    "trade_products": TableSpec(
        {"year": "BIGINT", "exporter": "VARCHAR", "importer": "VARCHAR", "product": "VARCHAR",
         "classification": "VARCHAR", "value_usd": "DOUBLE"},
        ("year", "exporter", "importer", "classification", "product"),
        "goods trade by product and direction"),
    "trade_country_products": TableSpec(
        {"year": "BIGINT", "iso3": "VARCHAR", "flow": "VARCHAR", "product": "VARCHAR",
         "classification": "VARCHAR", "value_usd": "DOUBLE"},
        ("year", "iso3", "flow", "classification", "product"),
        "a country's exports/imports of a product to/from the world"),
    "igo_membership": TableSpec(
        {"igo": "VARCHAR", "iso3": "VARCHAR", "year": "BIGINT", "status": "VARCHAR"},
        ("igo", "iso3", "year"), "IGO membership: full, associate, observer"),
    "igo_state_years": TableSpec(
        {"iso3": "VARCHAR", "year": "BIGINT"},
        ("iso3", "year"), "state-years that the IGO data covers"),
    "events": TableSpec(
        {"event_id": "BIGINT", "date": "DATE", "year": "BIGINT", "actor1_iso3": "VARCHAR",
         "actor2_iso3": "VARCHAR", "event_code": "VARCHAR", "event_root": "VARCHAR",
         "quad_class": "BIGINT", "goldstein": "DOUBLE", "num_mentions": "BIGINT",
         "num_sources": "BIGINT", "num_articles": "BIGINT", "avg_tone": "DOUBLE",
         "action_geo_iso3": "VARCHAR", "url": "VARCHAR", "file": "VARCHAR"},
        ("event_id",), "coded events (GDELT, ICEWS); file = the publisher file of the row"),
    "air_routes": TableSpec(
        {"airline": "VARCHAR", "src_airport": "VARCHAR", "dst_airport": "VARCHAR",
         "src_iso3": "VARCHAR", "dst_iso3": "VARCHAR", "stops": "BIGINT",
         "snapshot": "DATE"},
        ("airline", "src_airport", "dst_airport"), "scheduled air routes"),
    "alliances": TableSpec(
        {"year": "BIGINT", "a": "VARCHAR", "b": "VARCHAR", "defense": "BOOLEAN",
         "offense": "BOOLEAN", "neutrality": "BOOLEAN", "nonaggression": "BOOLEAN",
         "consult": "BOOLEAN"},
        ("year", "a", "b"), "ATOP alliance obligations, directed dyad-year"),
    "arms_transfers": TableSpec(
        {"year": "BIGINT", "supplier": "VARCHAR", "recipient": "VARCHAR", "tiv": "DOUBLE"},
        ("year", "supplier", "recipient"), "SIPRI TIV delivered (millions of TIV)"),
    "migration": TableSpec(
        {"year": "BIGINT", "origin": "VARCHAR", "destination": "VARCHAR", "stock": "DOUBLE"},
        ("year", "origin", "destination"), "migrant stock by origin and destination"),
    "students": TableSpec(
        {"year": "BIGINT", "origin": "VARCHAR", "destination": "VARCHAR", "count": "DOUBLE",
         "derived": "BOOLEAN"},
        ("year", "origin", "destination"), "international students (derived)"),
    "macro": TableSpec(
        {"year": "BIGINT", "iso3": "VARCHAR", "gdp_usd": "DOUBLE", "population": "DOUBLE"},
        ("year", "iso3"), "GDP (current US$) and population"),
    "engagements": TableSpec(
        {"id": "VARCHAR", "date": "DATE", "date_precision": "VARCHAR", "a": "VARCHAR",
         "b": "VARCHAR", "kind": "VARCHAR", "title": "VARCHAR", "level": "VARCHAR",
         "source_name": "VARCHAR", "source_title": "VARCHAR", "source_date": "VARCHAR",
         "source_url": "VARCHAR", "notes": "VARCHAR", "derived": "BOOLEAN"},
        ("id",), "engagements timeline: visits, agreements, exercises, memberships"),
    "group_membership": TableSpec(
        {"group": "VARCHAR", "iso3": "VARCHAR", "from_year": "BIGINT", "to_year": "BIGINT",
         "kind": "VARCHAR", "note": "VARCHAR"},
        ("group", "iso3", "from_year"),
        "membership spells of organisations and regions (amity's regions table); kind is "
        "organisation or region; to_year NA while ongoing"),
    "un_resolutions": TableSpec(
        {"body": "VARCHAR", "symbol": "VARCHAR", "date": "DATE", "year": "BIGINT",
         "title": "VARCHAR", "yes": "BIGINT", "no": "BIGINT", "abstain": "BIGINT",
         "non_voting": "BIGINT", "record_url": "VARCHAR"},
        ("body", "symbol"),
        "UN resolutions and decisions put to a recorded vote (GA or SC): date, title, tallies"),
    "un_resolution_votes": TableSpec(
        {"body": "VARCHAR", "symbol": "VARCHAR", "iso3": "VARCHAR", "vote": "VARCHAR"},
        ("body", "symbol", "iso3"),
        "how each state voted on a resolution: yes, no, abstain or none (did not vote)"),
    "disputes": TableSpec(
        {"dispute": "BIGINT", "year": "BIGINT", "a": "VARCHAR", "b": "VARCHAR",
         "onset": "BOOLEAN", "side_a": "BOOLEAN", "originator_a": "BOOLEAN",
         "originator_b": "BOOLEAN", "hostility_a": "BIGINT", "hostility_b": "BIGINT",
         "hostility": "BIGINT", "fatality": "BIGINT"},
        ("dispute", "year", "a", "b"),
        "militarized interstate disputes, directed dispute-year: a against b in dispute "
        "`dispute`; hostility 1-5 (5 war), fatality 0-6 (dispute level; -9 unknown as NA)"),
    "armed_conflicts": TableSpec(
        {"conflict_id": "BIGINT", "year": "BIGINT", "a": "VARCHAR", "b": "VARCHAR",
         "primary_a": "BOOLEAN", "primary_b": "BOOLEAN", "intensity": "BIGINT",
         "type": "VARCHAR", "incompatibility": "VARCHAR"},
        ("conflict_id", "year", "a", "b"),
        "UCDP/PRIO armed conflicts: state a on one side, state b on the other, that year; "
        "intensity 1 minor (25-999 battle deaths), 2 war (1,000+)"),
    "wars": TableSpec(
        {"war": "BIGINT", "year": "BIGINT", "a": "VARCHAR", "b": "VARCHAR",
         "name": "VARCHAR", "deaths_a": "DOUBLE", "initiator_a": "BOOLEAN"},
        ("war", "year", "a", "b"),
        "COW inter-state wars, directed dyad-year: a fought b in war `war` that year"),
    "rivalries": TableSpec(
        {"a": "VARCHAR", "b": "VARCHAR", "start": "BIGINT", "end": "BIGINT", "type": "VARCHAR"},
        ("a", "b", "start"),
        "strategic rivalries, one row per rivalry spell (a < b); end NA while ongoing"),
    "arms_deals": TableSpec(
        {"deal": "BIGINT", "supplier": "VARCHAR", "recipient": "VARCHAR",
         "supplier_name": "VARCHAR", "recipient_name": "VARCHAR", "order_year": "BIGINT",
         "order_year_uncertain": "BOOLEAN", "number_ordered": "DOUBLE",
         "number_ordered_uncertain": "BOOLEAN", "designation": "VARCHAR",
         "description": "VARCHAR", "number_delivered": "DOUBLE",
         "number_delivered_uncertain": "BOOLEAN", "delivery_years": "VARCHAR",
         "status": "VARCHAR", "comments": "VARCHAR", "tiv_unit": "DOUBLE",
         "tiv_order": "DOUBLE", "tiv_delivered": "DOUBLE"},
        ("deal",),
        "SIPRI trade register, one row per deal (TIV per deal over all its delivery years); "
        "supplier/recipient ISO3, NA for non-state actors and organisations"),
}


CATALOG: dict[str, TableSpec] = {
    "datasets": TableSpec(
        {"source": "VARCHAR", "release": "VARCHAR", "title": "VARCHAR", "publisher": "VARCHAR",
         "citation": "VARCHAR", "licence": "VARCHAR", "homepage": "VARCHAR",
         "tables": "VARCHAR", "rows": "BIGINT", "coverage_start": "BIGINT",
         "coverage_end": "BIGINT", "caveats": "VARCHAR", "notes": "VARCHAR",
         "scope": "VARCHAR", "inputs": "VARCHAR", "skipped_rows": "BIGINT",
         "is_default": "BOOLEAN", "ingested_at": "TIMESTAMP", "amity_version": "VARCHAR",
         "format": "BIGINT"},
        ("source", "release"),
        "the release catalogue: provenance, rows per table (JSON), coverage years, caveats, "
        "notes, scope and inputs (JSON), and the catalogue format of the row"),
    "ingested_files": TableSpec(
        {"source": "VARCHAR", "release": "VARCHAR", "file_key": "VARCHAR", "hash": "VARCHAR",
         "rows": "BIGINT", "skipped_rows": "BIGINT", "ingested_at": "TIMESTAMP",
         "part": "VARCHAR", "period_start": "TIMESTAMP", "period_end": "TIMESTAMP"},
        ("source", "release", "file_key"),
        "the files of each release: hash (sha256, or the publisher's MD5 for streamed "
        "files), rows (appended files), the period a file covers and its Parquet part"),
}
