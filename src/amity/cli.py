"""The ``amity`` command: a thin Typer layer over the public API (DESIGN.md §9).

Exit codes: 0 ok, 1 bad input (one line, no traceback), 2 usage, 3 missing data.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from amity._exceptions import AmityError, InputError

app = typer.Typer(
    name="amity", no_args_is_help=True, add_completion=False,
    help="Evidence about the relationship between two countries, from open data.",
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        from amity._version import __version__

        out.print(f"amity {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print amity's version and exit.")] = False) -> None:
    """Evidence about the relationship between two countries, from open data."""


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class BadLines(StrEnum):
    error = "error"
    skip = "skip"


MirrorOpt = Annotated[Path | None, typer.Option(
    "--mirror", help="Directory laid out like the data mirror (<source>/<file>); "
    "default $AMITY_MIRROR, else download.")]


def _store(read_only: bool):  # noqa: ANN202 - amity.Store
    from amity.store import open_store

    return open_store(read_only=read_only)


# -- setup / sources / ingest / fetch / cite ------------------------------------------
@app.command()
def setup(
    mirror: MirrorOpt = None,
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="Only this source (repeatable).")] = None,
    on_bad_lines: Annotated[BadLines, typer.Option(help="Stop at a malformed row, or skip "
                                                        "and count such rows.")] = BadLines.error,
    force: Annotated[bool, typer.Option(help="Re-ingest even if the files are unchanged.")] = False,
    parquet: Annotated[bool, typer.Option(
        help="Also write every table as Parquet under $AMITY_HOME/parquet, for "
             "AMITY_BACKEND=pyspark.")] = False,
    allow_shrink: Annotated[bool, typer.Option(
        help="Let a release with far fewer rows than the stored one replace it.")] = False,
) -> None:
    """Fetch (or read from the mirror) and ingest every source into the store, then build
    the panel and the relationship index."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from amity.index.refresh import setup as run_setup
    from amity.ingest import check_sources
    from amity.sources import all_datasets

    if source:
        check_sources(source)
    total = sum(1 for d in all_datasets() if not source or d.source in source)
    with _store(read_only=False) as store, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=False, disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("ingesting", total=total)
        failed: list[str] = []

        def on_event(event) -> None:  # noqa: ANN001 - SetupEvent
            key = event.dataset.key
            if event.status == "start":
                bar.update(task, description=f"{key:<32}")
                return
            bar.advance(task)
            if event.status == "ingested":
                rep = event.report
                rows = sum(rep.rows.values())
                skipped = f", skipped {rep.skipped} malformed rows" if rep.skipped else ""
                err.print(f"{key}: ingested {rows:,} rows{skipped}")
                for note in rep.notes:
                    err.print(f"  note: {note}")
            elif event.status == "unchanged":
                err.print(f"{key}: unchanged (same files), skipped")
            elif event.status == "failed":
                failed.append(key)
                err.print(f"{key}: FAILED: {event.detail}", highlight=False, markup=False)
            else:
                err.print(f"{key}: not available: {event.detail}")

        run_setup(store, mirror=mirror, sources=source, on_bad_lines=on_bad_lines.value,
                  force=force, on_event=on_event, on_write=err.print,
                  allow_shrink=allow_shrink)
        if parquet:
            from amity.fetch import amity_home

            written = store.to_parquet(amity_home() / "parquet")
            err.print(f"wrote {len(written)} Parquet tables to {amity_home() / 'parquet'}")
    if failed:
        from amity._exceptions import FetchError

        raise FetchError(f"setup: {len(failed)} source(s) failed and kept their previous data: "
                         f"{', '.join(failed)} (see the lines above). Fix: re-download them "
                         "(`amity setup --source NAME`) or repair the mirror's files")


@app.command()
def ingest(
    source: Annotated[str, typer.Argument(help="Source name (see `amity sources`).")],
    paths: Annotated[list[Path], typer.Argument(help="The release's files.")],
    release: Annotated[str | None, typer.Option(help="Release, if the file names do "
                                                        "not tell.")] = None,
    on_bad_lines: Annotated[BadLines, typer.Option()] = BadLines.error,
    force: Annotated[bool, typer.Option(help="Re-ingest even if the files are unchanged.")] = False,
    allow_shrink: Annotated[bool, typer.Option(
        help="Let an input with far fewer rows than the stored release (or none) replace "
             "it.")] = False,
) -> None:
    """Ingest your own copies of a source's files."""
    from amity.ingest import ingest_files

    with _store(read_only=False) as store:
        report = ingest_files(store, source, paths, release=release,
                              on_bad_lines=on_bad_lines.value, force=force,
                              on_write=err.print, allow_shrink=allow_shrink)
    if report.status == "unchanged":
        err.print(f"{report.source}/{report.release}: unchanged (same files), nothing to do")
        return
    skipped = f"; skipped {report.skipped} malformed rows" if report.skipped else ""
    err.print(f"{report.source}/{report.release}: ingested {sum(report.rows.values()):,} "
              f"rows{skipped}")


@app.command()
def fetch(
    source: Annotated[str, typer.Argument(help="Source name.")],
    mirror: MirrorOpt = None,
    date_from: Annotated[str | None, typer.Option(
        "--from", help="GDELT: first day (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="GDELT: last day.")] = None,
    version: Annotated[str, typer.Option(help="GDELT: v2 (15-minute files) or v1 "
                                               "(daily).")] = "v2",
    workers: Annotated[int, typer.Option(help="GDELT: parallel downloads.")] = 4,
    master_url: Annotated[str | None, typer.Option(help="GDELT: the file list URL.")] = None,
    on_bad_lines: Annotated[BadLines, typer.Option()] = BadLines.error,
) -> None:
    """Download a source's files (GDELT: a date range, MD5-checked, resumable, ingested
    in committed batches as they arrive), or check them in the mirror."""
    from amity.sources import all_datasets, get_dataset

    get_dataset(source)
    if source == "gdelt" and (date_from or date_to):
        from amity.ingest.gdelt import fetch_gdelt

        if not (date_from and date_to):
            raise InputError("amity fetch gdelt needs both --from and --to (YYYY-MM-DD)")
        with _store(read_only=False) as store:
            rep = fetch_gdelt(store, date_from, date_to, version=version, workers=workers,
                              master_url=master_url, on_bad_lines=on_bad_lines.value,
                              progress=err.is_terminal)
        err.print(f"gdelt/{rep.release}: {rep.selected} files selected, {rep.already_done} "
                  f"already ingested, {rep.ingested} ingested ({rep.rows:,} events"
                  + (f", {rep.skipped_rows} malformed rows skipped" if rep.skipped_rows else "")
                  + "). Rebuild the index with `amity setup`.", highlight=False)
        return
    from amity.fetch import locate

    for dataset in all_datasets():
        if dataset.source == source:
            for file in dataset.files:
                out.print(f"{dataset.key}: {locate(file, mirror=mirror)}")


@app.command()
def update(
    source: Annotated[list[str] | None, typer.Argument(
        help="Connectors to run (comtrade_totals, dots, wdi, sipri, gdelt; aliases comtrade, "
             "imf, worldbank); default: every connector tested against real answers.")] = None,
    years: Annotated[str | None, typer.Option(
        help="Years to ask for, Y1-Y2 (default: those after what the store holds).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the connectors and exit.")] = False,
) -> None:
    """Pull the newest releases from the publishers' APIs and ingest only what is new
    (COMTRADE_API_KEY selects Comtrade's keyed endpoint); resumes an interrupted run."""
    from amity.ingest.update import CONNECTORS, DEFAULTS, Options
    from amity.ingest.update import update as run_update

    if list_:
        for name, c in CONNECTORS.items():
            mark = "default" if name in DEFAULTS else "untested, not run by default"
            out.print(f"{name:<16} {c.publisher:<12} {c.summary} [{mark}]", highlight=False)
        return
    span = None
    if years:
        first, _, last = years.partition("-")
        if not (first.isdigit() and (last or first).isdigit() and len(first) == 4
                and len(last or first) == 4):
            raise typer.BadParameter(f"{years!r} is not Y1-Y2 (4-digit years), e.g. 2022-2024",
                                     param_hint="--years")
        span = (int(first), int(last or first))
    def show(report) -> None:  # noqa: ANN001 - amity.ingest.update.SourceReport
        err.print(report.line(), highlight=False, markup=False)
        for note in report.notes:
            err.print(f"  note: {note}", highlight=False, markup=False)

    with _store(read_only=False) as store:
        run_update(store, source, options=Options(years=span), progress=err.is_terminal,
                   on_report=show)
    err.print("Rebuild the panel and the index with `amity setup`.", highlight=False)


@app.command()
def sources(fmt: Annotated[Fmt, typer.Option("--format")] = Fmt.table,
            caveats: Annotated[bool, typer.Option(
                "--caveats", help="Print every release's caveats below the table.")] = False,
            ) -> None:
    """What amity can ingest, and what the store holds: release, rows, coverage, citation."""
    from amity.cite import source_records
    from amity.fetch import amity_home

    stored = None
    if (amity_home() / "amity.duckdb").exists():
        with _store(read_only=True) as store:
            stored = store.datasets()
    records = source_records(stored)
    if fmt is Fmt.json:
        out.print_json(json.dumps(records))
        return
    if fmt is Fmt.csv:
        import pandas as pd

        sys.stdout.write(pd.DataFrame(records).to_csv(index=False))
        return
    from amity.report.terminal import print_sources

    print_sources(records, out, caveats=caveats)


class CiteFmt(StrEnum):
    table = "table"
    json = "json"
    bibtex = "bibtex"
    ris = "ris"


@app.command()
def cite(source: Annotated[str | None, typer.Argument(
             help="SOURCE or SOURCE/RELEASE (as `amity sources` lists them); "
                  "default: every source.")] = None,
         fmt: Annotated[CiteFmt, typer.Option("--format")] = CiteFmt.table) -> None:
    """Print how to cite a source, a release or every source (also as BibTeX or RIS)."""
    from amity.cite import cite as citations
    from amity.cite import to_bibtex, to_ris

    records = citations(source)
    if fmt is CiteFmt.json:
        out.print_json(json.dumps(records))
        return
    if fmt in (CiteFmt.bibtex, CiteFmt.ris):
        sys.stdout.write((to_bibtex if fmt is CiteFmt.bibtex else to_ris)(records) + "\n")
        return
    for r in records:
        out.print(f"[bold]{r['source']}/{r['release']}[/bold] ({r['licence']})", highlight=False)
        out.print(f"  {r['citation']}", highlight=False)


# -- profile -----------------------------------------------------------------------
@app.command()
def profile(
    a: Annotated[str, typer.Argument(help="First country: ISO3, ISO2, COW code or name.")],
    b: Annotated[str, typer.Argument(help="Second country.")],
    years: Annotated[str | None, typer.Option(help="FIRST-LAST, e.g. 1990-2014.")] = None,
    fmt: Annotated[Fmt, typer.Option("--format")] = Fmt.table,
    source: Annotated[str | None, typer.Option(
        help="Prefer a source or source/release, e.g. unvotes/voeten-2017.")] = None,
    all_sources: Annotated[bool, typer.Option(help="Rows from every source and "
                                                   "release.")] = False,
) -> None:
    """The pair's indicators year by year, with sources."""
    from amity.profile import parse_years
    from amity.profile import profile as build
    from amity.report.terminal import print_profile

    p = build(a, b, years=parse_years(years), source=source, all_sources=all_sources)
    if fmt is Fmt.json:
        sys.stdout.write(p.to_json() + "\n")
        return
    if fmt is Fmt.csv:
        sys.stdout.write(p.rows.to_csv(index=False))
        return
    print_profile(p, out)


@app.command()
def rank(
    country: Annotated[str, typer.Argument(help="Country: ISO3, ISO2, COW code or name.")],
    year: Annotated[int | None, typer.Option(help="Year (default: the latest well-covered "
                                                      "year).")] = None,
    dimension: Annotated[str | None, typer.Option(
        help="political, economic, military, people, multilateral or media "
             "(default: the composite).")] = None,
    top: Annotated[int, typer.Option(min=1, help="How many partners.")] = 20,
    fmt: Annotated[Fmt, typer.Option("--format")] = Fmt.table,
) -> None:
    """Rank a country's partners by the relationship index (or one dimension)."""
    from amity.index import rank_partners
    from amity.report.terminal import print_rank

    with _store(read_only=True) as store:
        frame = rank_partners(store, country, year=year, dimension=dimension, top=top)
    if fmt is Fmt.json:
        sys.stdout.write(frame.to_json(orient="records", indent=2) + "\n")
        return
    if fmt is Fmt.csv:
        sys.stdout.write(frame.to_csv(index=False))
        return
    print_rank(frame, out)


@app.command()
def export(
    out_path: Annotated[Path, typer.Argument(metavar="OUT", help="OUT.parquet or OUT.csv")],
    years: Annotated[str | None, typer.Option(help="FIRST-LAST.")] = None,
    directed: Annotated[bool, typer.Option("--directed/--undirected",
                                           help="Both orders of each pair, or a < b.")] = True,
    indicators: Annotated[str | None, typer.Option(
        help="Comma-separated indicator columns (default: all).")] = None,
) -> None:
    """Write the dyad-year dataset for all pairs, with a data dictionary beside it."""
    from amity.export import export as run_export
    from amity.profile import parse_years

    chosen = [c.strip() for c in indicators.split(",")] if indicators else None
    with _store(read_only=True) as store:
        data, dictionary, rows = run_export(out_path, years=parse_years(years),
                                            directed=directed, indicators=chosen, store=store)
    err.print(f"wrote {rows:,} rows to {data}; data dictionary: {dictionary}")


@app.command()
def brief(
    a: Annotated[str, typer.Argument(help="First country.")],
    b: Annotated[str, typer.Argument(help="Second country.")],
    years: Annotated[str | None, typer.Option(help="FIRST-LAST.")] = None,
    out_paths: Annotated[list[Path] | None, typer.Option(
        "--out", help="FILE.html, FILE.pdf or FILE.md (repeatable; default "
                      "<A>-<B>-brief.html in the current folder).")] = None,
    compare: Annotated[list[str] | None, typer.Option(
        help="Benchmark pair, e.g. PAK-CHN (repeatable; default: each side's top trade "
             "partner).")] = None,
) -> None:
    """Write the evidence brief for a pair: HTML, PDF or Markdown, every figure sourced."""
    from amity._files import check_output
    from amity.profile import parse_years
    from amity.report import brief as build_brief
    from amity.report import write

    for target in out_paths or []:  # before the work
        check_output(target, make_parents=True)
    content = build_brief(a, b, years=parse_years(years), compare=compare)
    targets = out_paths or [
        Path(f"{content.profile.a.iso3}-{content.profile.b.iso3}-brief.html")]
    for target in targets:
        files = write(content, target)
        out.print(f"brief written to {files[0].resolve()}", highlight=False)
        if len(files) > 1:
            out.print(f"  with {len(files) - 1} chart files in {files[1].parent}",
                      highlight=False)


@app.command()
def opportunities(
    a: Annotated[str, typer.Argument(help="Exporter: ISO3, ISO2, COW code or name.")],
    b: Annotated[str, typer.Argument(help="Market: a country, or a region (EAEU, SCO, SAARC, "
                                          "GCC, EU, ASEAN, ...).")],
    year: Annotated[int | None, typer.Option(help="Year (default: the latest the source "
                                                     "has for A).")] = None,
    level: Annotated[str | None, typer.Option(
        help="chapter, hs4, hs6 or group (default: the source's own level).")] = None,
    top: Annotated[int, typer.Option(min=0, help="Ranked products to show (0: every "
                                                 "product).")] = 10,
    fmt: Annotated[Fmt, typer.Option("--format")] = Fmt.table,
    source: Annotated[str | None, typer.Option(
        help="ots, comtrade or baci (or source/release); default the first with A's "
             "exports.")] = None,
    regions: Annotated[Path | None, typer.Option(
        help="Your regions CSV (region,iso3,from_year,to_year,source); default "
             "$AMITY_REGIONS.")] = None,
) -> None:
    """Where exporter A can sell more in market B, product by product (docs/opportunities.md)."""
    from amity.opportunities import opportunities as find
    from amity.opportunities import to_csv, to_json
    from amity.report.terminal import print_opportunities

    with _store(read_only=True) as store:
        frame = find(a, b, year=year, level=level, source=source, regions=regions, store=store,
                     top=None if fmt is Fmt.table or top == 0 else top)
    if fmt is Fmt.json:
        sys.stdout.write(to_json(frame) + "\n")
    elif fmt is Fmt.csv:
        sys.stdout.write(to_csv(frame))
    else:
        print_opportunities(frame, out, top=top or len(frame))


class CheckFmt(StrEnum):
    table = "table"
    json = "json"
    html = "html"


@app.command()
def check(
    file: Annotated[str, typer.Argument(metavar="FILE|-", help="The text to check (- reads "
                                                               "standard input).")],
    pair: Annotated[tuple[str, str] | None, typer.Option(
        help="The two countries the text is about (default: the two most mentioned).")] = None,
    fmt: Annotated[CheckFmt, typer.Option("--format")] = CheckFmt.table,
    out_path: Annotated[Path | None, typer.Option("--out", help="Write to FILE instead of "
                                                                   "the screen.")] = None,
    tolerance: Annotated[float, typer.Option(help="Relative error still 'approximately'.")] = 0.1,
    date: Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="The text's "
                    "date, for 'last year' (default: a dateline in the text).")] = None,
) -> None:
    """Check every checkable claim in a text against the data (docs/claims.md)."""
    from amity import claims as checker
    from amity._files import check_output, replacing

    if out_path:
        check_output(out_path)  # before the work
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {file}: {exc}. Fix: give a UTF-8 text file, or - "
                         "for standard input") from None
    report = checker.check(text, pair=pair, tolerance=tolerance, date=date)
    if fmt is CheckFmt.json:
        body = report.to_json() + "\n"
    elif fmt is CheckFmt.html:
        body = checker.render_html(report, title="amity check: "
                           f"{Path(file).name if file != '-' else 'text'}")
    else:
        import io

        buffer = io.StringIO()
        sink = Console(file=buffer, width=140) if out_path else out
        sink.print(report.table())
        counts = ", ".join(f"{k} {v}" for k, v in report.counts().items() if v)
        sink.print(f"{len(report.results)} claims: {counts}. Sources: "
                   + "; ".join(f"{s['source']}/{s['release']}" for s in report.sources),
                   highlight=False)
        if out_path:
            with replacing(out_path) as tmp:
                tmp.write_text(buffer.getvalue(), encoding="utf-8")
            err.print(f"wrote {out_path}")
        return
    if out_path:
        with replacing(out_path) as tmp:
            tmp.write_text(body, encoding="utf-8")
        err.print(f"wrote {out_path}")
    else:
        sys.stdout.write(body)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine "
                                           "only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    store: Annotated[Path | None, typer.Option(
        "--store", help="The store file (default $AMITY_HOME/amity.duckdb).")] = None,
) -> None:
    """The dashboard in the browser: pair picker, charts, timeline, opportunities, claim
    checker, downloads and a JSON API (docs/dashboard.md). Read-only."""
    try:
        from amity.web import serve as run_server
    except ImportError as exc:
        raise InputError(f"amity serve needs the web extra ({exc.name} is missing). Fix: "
                         "pip install 'amity[web]'") from None
    run_server(store, host=host, port=port, say=lambda line: out.print(line, highlight=False))


def main() -> None:
    """Entry point: run the app, turning amity errors into one line and an exit code."""
    try:
        app()
    except AmityError as exc:
        err.print(f"amity: error: {exc}", highlight=False, markup=False)
        sys.exit(getattr(exc, "exit_code", 1))
    except KeyboardInterrupt:
        err.print("amity: interrupted; the store keeps its previous data", highlight=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
