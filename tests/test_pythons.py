"""A generated project on every Python it supports that this machine has: 3.11 to 3.14.

uv makes each environment from the interpreter found here (it may not download one: the
machine reaches only the package index), locks, installs with `uv sync --locked` and runs the
project's tests. A version the machine lacks is skipped with its reason; 3.11, which the
generator itself runs on, always runs.
"""

import glob
import os
import subprocess
from pathlib import Path

import pytest
from newbackend import create_project
from newbackend._lock import find_uv

from .support import run

pytestmark = pytest.mark.e2e

VERSIONS = ["3.11", "3.12", "3.13", "3.14"]


def interpreter(version: str) -> str | None:
    """A working `python{version}`: on PATH, or one that pyenv installed."""
    candidates = [f"python{version}"]
    candidates += sorted(
        glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}"))
    )
    for candidate in candidates:
        try:
            found = subprocess.run(
                [candidate, "-c", "import sys; print(sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except OSError:
            continue
        if found.returncode == 0 and found.stdout.strip() == str(
            tuple(map(int, version.split(".")))
        ):
            return candidate
    return None


@pytest.mark.parametrize("version", VERSIONS)
def test_a_project_installs_from_its_lock_and_passes_on(tmp_path: Path, version: str) -> None:
    python = interpreter(version)
    if python is None:
        assert version != "3.11", "the generator's own Python must be found"
        pytest.skip(f"no Python {version} on this machine")
    uv = find_uv()
    assert uv is not None, "uv is in the generator's test dependencies"
    project = create_project("todo", output_dir=tmp_path, git=False).path
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "VIRTUAL_ENV", "DATABASE_URL", "REDIS_URL"))
    }
    env |= {"UV_PYTHON_DOWNLOADS": "never", "UV_PROJECT_ENVIRONMENT": str(tmp_path / "venv")}
    run([uv, "lock", "--python", python], project, env, timeout=300)
    run([uv, "sync", "--locked", "--python", python], project, env, timeout=600)
    output = run(
        [uv, "run", "--python", python, "pytest", "-q", "-p", "no:cacheprovider"], project, env
    )
    summary = output.strip().splitlines()[-1]
    assert "passed" in summary and "failed" not in summary, output
