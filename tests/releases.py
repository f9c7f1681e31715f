"""A template repository with a version history, built from this checkout for update tests.

`template_repository(folder)` copies copier.yml, renames.yml, template/ and resource/ into a
fresh git repository tagged with this package's release tag (what a wheel's bundled copy was built
from); `release(repo, tag, change)` commits a change to it and tags the next version.
"""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from newbackend._template import release_tag

from .support import ROOT

FIRST = release_tag()
TEMPLATE_PATHS = ("copier.yml", "renames.yml", "template", "resource")
PACKAGE = "template/{{package_name}}"


def git(folder: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)} failed in {folder}: {done.stderr}"
    return done.stdout


def template_repository(folder: Path) -> Path:
    """The template as released: this working tree, committed and tagged FIRST."""
    folder.mkdir(parents=True)
    for name in ("copier.yml", "renames.yml"):
        shutil.copy(ROOT / name, folder / name)
    for name in ("template", "resource"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", f"release {FIRST}")
    git(folder, "tag", FIRST)
    return folder


def template_repository_at(folder: Path, commit: str) -> Path:
    """The template as it was at `commit` of this repository's history, tagged FIRST."""
    known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"])
    assert known.returncode == 0, f"{commit} is not in this clone: the test needs main's history"
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, *TEMPLATE_PATHS],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", f"release {FIRST} (at {commit[:7]})")
    git(folder, "tag", FIRST)
    return folder


def this_checkout(repo: Path) -> None:
    """A release change: the template as it is in this working tree."""
    for name in ("copier.yml", "renames.yml"):
        shutil.copy(ROOT / name, repo / name)
    for name in ("template", "resource"):
        shutil.rmtree(repo / name)
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))


def release(repo: Path, tag: str, change: Callable[[Path], None]) -> None:
    """Apply `change` to the template repository, commit and tag it."""
    change(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"release {tag}")
    git(repo, "tag", tag)


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there, once) by `new`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def commit_all(project: Path, message: str) -> None:
    git(project, "add", "-A")
    git(project, "commit", "-q", "--no-verify", "-m", message)
