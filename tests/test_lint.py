"""The generator's own code meets the bar it sets for generated projects."""

import subprocess
import sys

import pytest

from .support import ROOT

CHECKS = {
    "ruff-check": [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
    "ruff-format": [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."],
    "mypy": [sys.executable, "-m", "mypy", "--cache-dir", "/dev/null"],
}


@pytest.mark.parametrize("check", list(CHECKS))
def test_repository_is_clean(check: str) -> None:
    done = subprocess.run(
        CHECKS[check], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
