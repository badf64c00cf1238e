"""Crash safety: SIGKILL a writing amity at every step; the store is always old or new.

Finding 1 of issue 15: a kill inside ``COMMIT`` left the old and the new release side by
side after the engine replayed its log, and a rerun bricked the store. The harness
(:mod:`tests.store.crash_harness`) kills writers of a small store at every crash point,
inside the step after a point, and at random moments, for two whole-release sources and a
GDELT append, and checks after each kill that the store opens, holds wholly the old or
the new release, is swept clean by the next writer, and that a rerun equals a clean run.
``scripts/crash_harness.py`` runs more kills (docs/reliability.md has the figures).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.crash_harness import SCENARIOS, Harness


@pytest.mark.slow
def test_sigkill_at_every_step_leaves_old_or_new_never_a_mixture(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    assert all(n >= 15 for n in harness.figures.points.values()), harness.figures.points
    jobs = harness.plan(boundary=True, inside=1, inside_every=2, random_kills=2,
                        rerun_every=2)
    figures = harness.run(jobs, workers=2)
    assert figures.failures == []
    assert figures.total_kills + figures.completed == len(jobs)
    assert figures.total_kills >= 80
    for scenario in SCENARIOS:  # kills before the rename keep the old release, after it
        assert figures.survived[scenario, "old"] > 0  # the new one
        assert figures.survived[scenario, "new"] > 0
