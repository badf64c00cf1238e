"""Run the crash-test harness bigger than the suite does and print its figures.

    python scripts/crash_harness.py [--inside 3] [--random 40] [--seed 15]

Kills a writing amity at every crash point, ``--inside`` times inside the step after each
point and ``--random`` times at random moments per scenario, on a small store of the
hand-written fixtures (tests/store/crash_harness.py says what is checked after each
kill). The figures go into docs/reliability.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.store.crash_harness import Harness  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inside", type=int, default=3)
    parser.add_argument("--random", type=int, default=40)
    parser.add_argument("--no-boundary", action="store_true")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        harness = Harness(Path(tmp), seed=args.seed)
        print(f"crash points per run: {harness.figures.points}; a clean run takes "
              f"{harness.duration * 1000:.0f} ms", flush=True)
        figures = harness.run(harness.plan(boundary=not args.no_boundary,
                                           inside=args.inside, random_kills=args.random),
                              workers=args.workers)
    print(f"kills: {figures.total_kills} in {figures.seconds:.0f} s "
          f"(+{figures.completed} runs the kill came too late for)")
    for (scenario, kind), n in sorted(figures.kills.items()):
        print(f"  {scenario:<10} {kind:<9} {n}")
    for (scenario, age), n in sorted(figures.survived.items()):
        print(f"  {scenario:<10} store held the {age} release after {n} kills")
    print(f"failures: {len(figures.failures)}")
    for failure in figures.failures[:20]:
        print(f"  {failure}")
    return 1 if figures.failures else 0


if __name__ == "__main__":
    sys.exit(main())
