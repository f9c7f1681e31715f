"""newbackend as a user gets it: a wheel built from a plain clone (no tags: they are never
pushed), installed into a fresh virtual environment, a project created offline from the copy
bundled in the wheel, then updated from the clone.

The clone is of this checkout's HEAD: commit what the test should see.
"""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml

from .releases import git
from .support import ROOT, run

pytestmark = pytest.mark.e2e

STEP_SECONDS = 120


def answers(project: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return loaded


def fresh_install(tmp_path: Path, clone: Path) -> Path:
    """The wheel built from `clone`, in a new venv; its dependencies are this venv's, linked
    by a .pth file (offline, and the wheel's own `newbackend` comes first on sys.path)."""
    dist = tmp_path / "dist"
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(clone), "-w", str(dist)]
    run(build, tmp_path, timeout=STEP_SECONDS)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    (wheel,) = dist.glob("newbackend-*.whl")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    run([*install, "--no-deps", "--no-index", str(wheel)], tmp_path, timeout=STEP_SECONDS)
    site = subprocess.check_output(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True,
    ).strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "newbackend"


def user_env(tmp_path: Path) -> dict[str, str]:
    """No template override, and git may not leave the machine (the default repository is
    unreachable here, deterministically)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWBACKEND_")}
    return {**env, "HOME": str(tmp_path / "home"), "GIT_ALLOW_PROTOCOL": "file"}


def newbackend(script: Path, *args: str, cwd: Path, env: dict[str, str]) -> Any:
    return subprocess.run(
        [str(script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_SECONDS,
        check=False,
    )


def test_wheel_project_updates_from_a_clone_without_tags(tmp_path: Path) -> None:
    clone = tmp_path / "newbackend"
    run(["git", "clone", "-q", "--no-tags", str(ROOT), str(clone)], tmp_path)
    assert git(clone, "tag") == ""
    script = fresh_install(tmp_path, clone)
    env = user_env(tmp_path)
    (tmp_path / "home").mkdir()

    made = newbackend(script, "create", "todo", "-y", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "todo"
    assert answers(project)["_commit"] == git(clone, "rev-parse", "HEAD").strip()

    # The default source is unreachable: the cause and what to do, in a few lines.
    failed = newbackend(script, "update", str(project), cwd=tmp_path, env=env)
    assert failed.returncode == 1
    assert "Unexpected exit code" not in failed.stderr
    assert "not allowed" in failed.stderr and "--template" in failed.stderr, failed.stderr
    assert len(failed.stderr.strip().splitlines()) <= 4, failed.stderr

    same = newbackend(
        script, "update", "--template", str(clone), str(project), cwd=tmp_path, env=env
    )
    assert same.returncode == 0, same.stderr
    assert "is up to date" in same.stdout, same.stdout
    assert git(project, "status", "--porcelain") == ""
    assert answers(project)["_src_path"] == str(clone)

    readme = clone / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nA line from a later commit.\n")
    git(clone, "commit", "-q", "-am", "A later commit")
    later = newbackend(script, "update", str(project), cwd=tmp_path, env=env)
    assert later.returncode == 0, later.stderr
    assert "A line from a later commit." in (project / "README.md").read_text()
    assert "modified  README.md" in later.stdout, later.stdout
