"""The five layers as the code has them: every import goes down the picture in README.md."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.config
PROJECT = Path(__file__).resolve().parent.parent


def test_imports_follow_the_layer_contracts() -> None:
    # As CI and pre-commit run it, in a process of its own (it reconfigures logging).
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev tool: uv sync (or pip install -e . --group dev)"
    done = subprocess.run(  # noqa: S603 (our own tool, no input from outside)
        [lint_imports, "--no-cache"], cwd=PROJECT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
