"""The package type-checks and lints: mypy over src/amity and ruff over src, tests and
benchmarks, with the settings in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_errors(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_finds_no_errors(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--cache-dir", str(tmp_path),
                           "src", "tests", "benchmarks"],
                          cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
