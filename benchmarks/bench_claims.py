"""Benchmark: claim checking (`amity check`) on a 20,000-word text.

Text: the flagship article (``../shared/examples/pakistan-russia-strategic-imperatives.txt``)
followed by synthetic paragraphs made from fixed templates with deterministic variation
(seeded): trade values, flows, series, ranges, UN vote agreement, memberships, visits,
agreements, forecasts, amounts in rupees and sentences without claims, over eight pairs
of countries, until the text holds 20,000 words (``len(text.split())``).

Store: a fresh temporary ``AMITY_HOME`` with the sources the checks read, ingested from
the mirror before timing (``--store PATH`` uses an existing store instead).

Measured, in one child process: ``extract`` (finding and parsing the claims, no store)
and ``check`` (extraction plus every query and verdict, from a fresh check context, so
nothing is cached between runs). Cold = the first ``check`` after opening the store;
warm = best of 3 after it. The reports of all runs must be identical (the check is
deterministic). Target: the whole check under 10 seconds. Run:
``.venv/bin/python benchmarks/bench_claims.py``.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import _common

SECTION = "Claim checking: a 20,000-word text"
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "claims.md"
BENCHMARKS_MD = _common.REPO / "BENCHMARKS.md"
ARTICLE = _common.REPO.parent / "shared" / "examples" / "pakistan-russia-strategic-imperatives.txt"
WORDS = 20_000
SOURCES = ["amity_countries", "amity_regions", "cow_states", "cow_igo", "unvotes",
           "cow_trade", "dots", "comtrade", "comtrade_totals", "ots", "wits", "wto",
           "timeline", "undl", "wdi", "migration", "sipri"]
#: The text's date, as `amity check --date` gives it (relative times resolve against it).
DATE = "2023-06-01"
PAIRS = [("Pakistan", "Russia"), ("India", "Russia"), ("Pakistan", "China"),
         ("China", "Russia"), ("India", "United States"), ("Turkey", "Russia"),
         ("Kazakhstan", "Russia"), ("Iran", "Pakistan")]
DEMONYMS = {"Pakistan": "Pakistanis", "Russia": "Russians", "India": "Indians",
            "China": "Chinese", "United States": "Americans", "Turkey": "Turks",
            "Kazakhstan": "Kazakhs", "Iran": "Iranians"}
CAPITALS = {"Pakistan": "Islamabad", "Russia": "Moscow", "India": "New Delhi",
            "China": "Beijing", "United States": "Washington", "Turkey": "Ankara",
            "Kazakhstan": "Astana", "Iran": "Tehran"}
TEMPLATES = [
    "In {y}, bilateral trade between {a} and {b} was ${m} million.",
    "{a}'s exports to {b} reached US$ {m} million in {y}.",
    "{b} exported goods worth about ${m} million to {a} in {y}.",
    "Trade between {a} and {b} fell from ${m} million in {y} to ${m2} million in {y1}.",
    "Trade between {a} and {b} was between ${m} and ${m2} million in {y}.",
    "{a} and {b} voted the same way on {p}% of UN General Assembly resolutions in {y}.",
    "Both {a} and {b} are members of the {org}.",
    "{a} joined the {org} in {y}.",
    "The President of {a} visited {cb} in {y}.",
    "{a} and {b} signed a trade agreement in {y}.",
    "Bilateral trade between {a} and {b} could reach ${g} billion by 2030.",
    "The two sides aim to raise trade between {a} and {b} to ${g} billion.",
    "The deal between {a} and {b} is worth Rs {g} billion.",
    "Relations between {a} and {b} have deep historical roots and a promising future.",
    "{b} is the {o}-largest trading partner of {a}.",
    "{a}'s trade deficit with {b} was ${g} billion in {y}.",
    "Trade between {a} and {b} was ${m} million last year.",
    "{a}-{b} trade stood at ${m} million in {y}-{yy}.",
    "{a}'s GDP was ${g}0 billion in {y}.",
    "{a} is the world's {o} most populous country.",
    "About {g}00,000 {dem} live in {b}.",
    "{b} voted against the General Assembly resolution on Ukraine.",
    "{b}'s share of {a}'s arms imports was {p}% in 2017-21.",
    "Trade between {a} and {b} has been rising steadily since {y}.",
    "Analysts in {ca} argue that the partnership with {b} deserves more attention.",
]


def build_text(words: int = WORDS, seed: int = 7) -> str:
    """The article, then synthetic paragraphs until ``words`` words (deterministic)."""
    rng = random.Random(seed)
    parts = [ARTICLE.read_text(encoding="utf-8")]
    count = len(parts[0].split())
    while count < words:
        a, b = rng.choice(PAIRS)
        y = rng.randint(1995, 2018)
        m = rng.randrange(100, 1500, 10)
        sentence = rng.choice(TEMPLATES).format(
            a=a, b=b, y=y, y1=y + 1, m=m, m2=max(10, m + rng.randrange(-300, 300, 10)),
            p=rng.randint(40, 95), g=rng.randint(2, 20), org=rng.choice(["SCO", "UN", "OIC"]),
            ca=CAPITALS[a], cb=CAPITALS[b], yy=str(y + 1)[2:],
            o=rng.choice(["second", "third", "fifth", "tenth"]), dem=DEMONYMS[a])
        parts.append(sentence)
        count += len(sentence.split())
    return parts[0] + "\n" + "\n".join(" ".join(parts[i:i + 5]) for i in range(1, len(parts), 5))


def child_ingest(store_path: str, mirror: str) -> None:
    from amity.ingest import setup
    from amity.store import Store

    with Store(store_path) as store:
        events = setup(store, mirror=mirror, sources=SOURCES)
        rows = {e.dataset.key: sum(e.report.rows.values()) for e in events if e.report}
    _common.child_reply({"rows": rows})


def child_measure(store_path: str) -> None:
    from amity.claims import check, extract
    from amity.store import Store

    text = build_text()
    store = Store(store_path, read_only=True)
    start = time.perf_counter()
    cold = check(text, store=store, date=DATE)
    cold_s = time.perf_counter() - start
    best_x, times_x, claims = _common.best_of(lambda: extract(text), repeat=3, warmup=0)
    best_c, times_c, report = _common.best_of(lambda: check(text, store=store, date=DATE),
                                              repeat=3, warmup=0)
    same = json.dumps(report.to_dict(), sort_keys=True) == json.dumps(cold.to_dict(),
                                                                      sort_keys=True)
    kinds: dict[str, int] = {}
    for r in report.results:
        kinds[r.claim.kind] = kinds.get(r.claim.kind, 0) + 1
    article = [{"id": r.claim.id, "kind": r.claim.kind, "verdict": r.verdict,
                "reason": r.reason} for r in report.results if r.claim.end < len(
                    ARTICLE.read_text(encoding="utf-8"))]
    _common.child_reply({
        "words": len(text.split()), "chars": len(text), "claims": len(claims),
        "cold": cold_s, "extract_best": best_x, "extract_times": times_x,
        "check_best": best_c, "check_times": times_c, "same": same,
        "counts": report.counts(), "kinds": kinds, "pair": list(report.pair or []),
        "article": article,
    })


def _section(m: dict, info: dict[str, str], ingest: dict, level: str = "##") -> str:
    target = "meets" if m["check_best"] < 10 and m["cold"] < 10 else "MISSES"
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(m["kinds"].items()))
    counts = ", ".join(f"{k} {v}" for k, v in m["counts"].items())
    rows = "\n".join(f"| {a['id']} | {a['kind']} | {a['verdict']} | {a['reason']} |"
                     for a in m["article"])
    return f"""{level} {SECTION}

`amity check` on one text of {m['words']:,} words ({m['chars']:,} characters): the flagship
article followed by synthetic paragraphs from fixed templates (trade values, flows,
series, ranges, UN vote agreement, memberships, visits, agreements, forecasts, rupee
amounts, partner ranks, balances, fiscal years, relative years, GDP and population, migrants,
resolution votes, arms shares, trends and sentences without claims) over eight country
pairs, seeded so every run reads the same text (`benchmarks/bench_claims.py`), checked as
of {DATE} (`--date`). The store holds these sources, ingested
from the mirror before timing ({ingest}): {", ".join(SOURCES)}. One child process; `extract` is the
parse alone (no store), `check` everything: parse, queries (one per source and release
for all the text's countries, then cached within the check) and verdicts, from a fresh
context each run. Cold is the first check after opening the store; warm the best of 3.

| step | seconds (best of 3) | all runs | claims | words/s |
|---|---:|---|---:|---:|
| `extract` (parse only) | {m['extract_best']:.3f} | \
{", ".join(f"{t:.3f}" for t in m['extract_times'])} | {m['claims']:,} | \
{m['words'] / m['extract_best']:,.0f} |
| `check`, cold (first run) | {m['cold']:.3f} | {m['cold']:.3f} | {m['claims']:,} | \
{m['words'] / m['cold']:,.0f} |
| `check`, warm | {m['check_best']:.3f} | {", ".join(f"{t:.3f}" for t in m['check_times'])} | \
{m['claims']:,} | {m['words'] / m['check_best']:,.0f} |

Target (whole check of 20,000 words under 10 s): {target} (cold {m['cold']:.2f} s, warm
{m['check_best']:.2f} s). Deterministic: the reports of all runs are
{"identical" if m['same'] else "NOT identical"}. Pair found in the text: {"-".join(m['pair'])}.
Claims by kind: {kinds}. Verdicts: {counts} (the synthetic figures are random, so most
are contradicted).

The article's claims in the same run:

| id | kind | verdict | reason |
|---|---|---|---|
{rows}

Machine:
{_common.machine_markdown(info)}
"""



def main(argv: list[str] | None = None) -> int:
    parser = _common.arg_parser(__doc__)
    parser.add_argument("--store", help="use this existing store instead of ingesting")
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        {"ingest": child_ingest, "measure": child_measure}[kind](*rest)
        return 0
    if not ARTICLE.exists():
        print(f"the flagship article is not at {ARTICLE}")
        return 2
    info = _common.machine()
    work = tempfile.mkdtemp(prefix="amity-bench-claims-")
    env = {"AMITY_HOME": work}
    me = str(Path(__file__).resolve())
    try:
        if args.store:
            store, ingest = args.store, "an existing store"
        else:
            store = str(Path(work) / "amity.duckdb")
            print(f"ingesting {', '.join(SOURCES)} into {store} (not timed) ...", flush=True)
            rows = _common.run_child([me, "--child", "ingest", store, args.mirror],
                                     env=env).reply["rows"]
            ingest = f"{sum(rows.values()):,} rows"
        child = _common.run_child([me, "--child", "measure", store], env=env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    m = child.reply
    info["load average at end"] = _common.load_average()
    info["peak RSS of the check process"] = f"{child.maxrss_mb:.0f} MB"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(_section(m, info, ingest, level="#"))
    _common.write_section(SECTION, _section(m, info, ingest))
    print(f"{m['words']:,} words, {m['claims']:,} claims: extract {m['extract_best']:.3f} s, "
          f"check cold {m['cold']:.3f} s, warm {m['check_best']:.3f} s; "
          f"identical runs: {m['same']}")
    print(f"wrote {RESULTS} and {BENCHMARKS_MD}")
    return 0 if m["same"] else 1


if __name__ == "__main__":
    sys.exit(main())
