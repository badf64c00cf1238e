"""Benchmark: the dashboard (`amity serve`) under 1, 8 and 32 concurrent clients.

The server is ``amity serve`` itself (one uvicorn process, as a user starts it) on a free
port of 127.0.0.1, over a store holding the sources the tests use, ingested from the
mirror before timing (``--store PATH`` uses an existing store instead). The clients are
threads of this process, each with its own keep-alive HTTP/1.1 connection (the standard
library's ``http.client``), sending the next request as soon as the last answer is read.

Measured per target and number of clients: requests per second and the p50/p95/max
latency, over at most ``--requests`` requests or ``--seconds`` seconds, whichever comes
first, after one untimed request per client (the first request of a target computes its
answer: that cold time is reported apart). Targets: a plain static file served by the
same server (the reference: no amity code runs), the overview page
(``/pair/PAK/RUS``), the overview API (``/api/overview``) and ``/api/profile`` (every
indicator of the pair, 1946 to the last year, about 0.5 MB of JSON). Target: p95 under
300 ms at 8 clients for the overview API. Run: ``.venv/bin/python benchmarks/bench_web.py``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import _common

SECTION = "Dashboard: requests under concurrent clients"
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "web.md"
SOURCES = ["amity_countries", "cow_states", "cow_igo", "unvotes", "un_idealpoints", "undl",
           "cow_trade", "comtrade_totals", "gml_mid", "cow_mid", "ucdp", "cow_war",
           "rivalries", "sipri", "timeline"]
TARGETS = [
    ("static file (reference)", "/static/app.css"),
    ("overview page", "/pair/PAK/RUS"),
    ("overview API", "/api/overview?a=PAK&b=RUS"),
    ("/api/profile", "/api/profile?a=PAK&b=RUS"),
]
CLIENTS = (1, 8, 32)


def child_ingest(store: str, mirror: str) -> None:
    from amity.index.refresh import setup
    from amity.store import Store

    with Store(store) as s:
        setup(s, mirror=Path(mirror), sources=SOURCES)
        rows = {r["source"]: int(r["rows"]) for r in s.datasets().to_dict(orient="records")}
    _common.child_reply({"rows": rows})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, int]:
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    r = conn.getresponse()
    body = r.read()
    return r.status, len(body)


def _wait_up(port: int, proc: subprocess.Popen[bytes], limit: float = 60) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"amity serve exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            status, _ = _get(conn, "/static/app.css")
            conn.close()
            if status == 200:
                return time.perf_counter() - start
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("amity serve did not answer within a minute")


def _load(port: int, path: str, clients: int, requests: int, seconds: float) -> dict:
    """``clients`` threads sending ``path`` until ``requests`` answers or ``seconds``."""
    latencies: list[float] = []
    errors: list[str] = []
    sizes: set[int] = set()
    lock = threading.Lock()
    left = [requests]
    barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        _get(conn, path)  # untimed: opens the connection
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            start = time.perf_counter()
            try:
                status, size = _get(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                continue
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                sizes.add(size)
                if status != 200:
                    errors.append(str(status))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + 3600
    barrier.wait()
    start = time.perf_counter()
    deadline[0] = start + seconds
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    lat = sorted(latencies)

    def pct(q: float) -> float:
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")

    return {"clients": clients, "n": len(lat), "wall": wall, "rps": len(lat) / wall,
            "p50": pct(0.50), "p95": pct(0.95), "max": lat[-1] * 1000 if lat else float("nan"),
            "mean": statistics.fmean(lat) * 1000 if lat else float("nan"),
            "errors": len(errors), "bytes": max(sizes) if sizes else 0}


def _section(results: list[dict], cold: dict[str, float], startup: float,
             info: dict[str, str], ingest: str, args: argparse.Namespace,
             level: str = "##") -> str:
    rows = []
    for r in results:
        rows.append(f"| {r['target']} | {r['clients']} | {r['n']:,} | {r['rps']:,.0f} | "
                    f"{r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['errors']} | "
                    f"{r['bytes']:,} |")
    api8 = next(r for r in results if r["target"] == "overview API" and r["clients"] == 8)
    verdict = "meets" if api8["p95"] < 300 and not api8["errors"] else "MISSES"
    colds = ", ".join(f"{k} {v * 1000:,.0f} ms" for k, v in cold.items())
    return f"""{level} {SECTION}

`amity serve` (one uvicorn process, as a user starts it) on 127.0.0.1 over a store with
{", ".join(SOURCES)} ({ingest}); clients are threads of the benchmark process on the same
machine, each with its own keep-alive connection, sending the next request as soon as
the answer is read (`benchmarks/bench_web.py`). Per cell at most {args.requests:,}
requests or {args.seconds:g} s, after one untimed request per client. The static file is
the reference for the server itself (no amity code runs: Starlette's file response, a
stat, an open and a read of the file per request). The amity targets answer from the
dashboard's cache of computed answers and rendered pages, in memory and keyed by the
store file's version, as every request after the first does until the store changes, so
they can beat the static file. The first request of each target (cold: computing the
answer, the store opened read-only) is timed apart: {colds}. The server answered its
first request {startup:.2f} s after `amity serve` started (Python, the CLI and the web
stack imported).

| target | clients | requests | req/s | p50 ms | p95 ms | max ms | errors | bytes |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(rows)}

Target (overview API, p95 under 300 ms at 8 clients): {verdict} (p95 {api8['p95']:.1f} ms).
With two cores the client threads compete with the server for the CPU, so the figures
are a lower bound of what the server does for remote browsers.

Machine:
{_common.machine_markdown(info)}
"""


def main(argv: list[str] | None = None) -> int:
    parser = _common.arg_parser(__doc__)
    parser.add_argument("--store", help="use this existing store instead of ingesting")
    parser.add_argument("--requests", type=int, default=1000, help="at most, per cell")
    parser.add_argument("--seconds", type=float, default=15.0, help="at most, per cell")
    args = parser.parse_args(argv)
    if args.child:
        child_ingest(*args.child[1:])
        return 0
    info = _common.machine(("duckdb", "pandas", "fastapi", "starlette", "uvicorn"))
    work = tempfile.mkdtemp(prefix="amity-bench-web-")
    me = str(Path(__file__).resolve())
    proc = None
    try:
        if args.store:
            store, ingest = args.store, "an existing store"
        else:
            store = str(Path(work) / "amity.duckdb")
            print(f"ingesting {', '.join(SOURCES)} into {store} (not timed) ...", flush=True)
            rows = _common.run_child([me, "--child", "ingest", store, args.mirror],
                                     env={"AMITY_HOME": work}).reply["rows"]
            ingest = f"{sum(rows.values()):,} rows"
        port = _free_port()
        proc = subprocess.Popen([sys.executable, "-c", "from amity.cli import main; main()",
                                 "serve", "--port", str(port), "--store", store],
                                stdout=subprocess.DEVNULL, env={**os.environ,
                                                                "AMITY_HOME": work})
        startup = _wait_up(port, proc)
        cold = {}
        for name, path in TARGETS:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            start = time.perf_counter()
            status, _ = _get(conn, path)
            cold[name] = time.perf_counter() - start
            conn.close()
            if status != 200:
                raise RuntimeError(f"{path}: status {status}")
        results = []
        for name, path in TARGETS:
            for clients in CLIENTS:
                r = _load(port, path, clients, args.requests, args.seconds)
                r["target"] = name
                results.append(r)
                print(f"{name:<22} {clients:>2} clients: {r['rps']:8.1f} req/s  p50 "
                      f"{r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  errors {r['errors']}",
                      flush=True)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    info["load average at end"] = _common.load_average()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(_section(results, cold, startup, info, ingest, args, level="#"))
    _common.write_section(SECTION, _section(results, cold, startup, info, ingest, args))
    print(f"wrote {RESULTS} and {_common.REPO / 'BENCHMARKS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
