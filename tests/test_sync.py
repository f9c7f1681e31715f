"""`newbackend cohort sync`: a fix in the starter (a newer template tag) reaches every student
through copier's update, without touching their work.

The template is a git repository built here from this checkout: tagged v1, a fix in
services/paging.py, tagged v2.
"""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from newbackend import create_project
from newbackend.cli import app
from newbackend.teaching._cohort import COHORT_FILE
from newbackend.teaching._exercise import functions_left, read_exercise, restore
from newbackend.teaching._sync import sync_project
from typer.testing import CliRunner

from .support import ROOT

pytestmark = pytest.mark.matrix

runner = CliRunner()
PAGING = "todo/services/paging.py"
TEMPLATE_PAGING = ROOT / "template" / "{{package_name}}" / "services" / "paging.py"
V1_LINE = TEMPLATE_PAGING.read_text().splitlines()[0]  # its docstring
V2_LINE = '"""Paging: the starter fix of v2."""'


def git(folder: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.edu", *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=True).stdout


def answers(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return data


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    """The template as a teacher keeps it: a git repository with a v1 tag."""
    repo = tmp_path / "starter"
    repo.mkdir()
    shutil.copy(ROOT / "copier.yml", repo)
    shutil.copytree(ROOT / "template", repo / "template")
    shutil.copytree(ROOT / "resource", repo / "resource")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "starter v1")
    git(repo, "tag", "v1")
    return repo


def release_v2(starter: Path) -> None:
    paging = starter / "template" / "{{package_name}}" / "services" / "paging.py"
    assert V1_LINE in paging.read_text()
    paging.write_text(paging.read_text().replace(V1_LINE, V2_LINE, 1))
    git(starter, "commit", "-q", "-am", "starter v2: a fix")
    git(starter, "tag", "v2")


def test_sync_updates_clean_projects_keeps_work_and_reports_the_rest(
    starter: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nann\nbob\ncat\n", encoding="utf-8")
    cohort = tmp_path / "cohort"
    made = runner.invoke(
        app, ["cohort", "create", str(roster), "--out", str(cohort), "--template", str(starter)]
    )
    assert made.exit_code == 0, made.output
    assert {answers(cohort / s)["_commit"] for s in ("ann", "bob", "cat")} == {"v1"}

    # ann wrote her cache layer and committed it; bob has work not committed yet;
    # cat changed the very line the fix changes.
    solution = create_project("todo", output_dir=tmp_path / "solution", git=False).path
    ann = cohort / "ann"
    exercise = read_exercise(ann)
    assert exercise is not None
    restore(ann, solution, [task for task in exercise.tasks if task.layer == "cache"])
    git(ann, "commit", "-q", "-am", "cache layer")
    (cohort / "bob" / "notes.txt").write_text("half done")
    cat_paging = cohort / "cat" / PAGING
    cat_paging.write_text(cat_paging.read_text().replace(V1_LINE, '"""Paging, my way."""', 1))
    git(cohort / "cat", "commit", "-q", "-am", "my paging")
    release_v2(starter)

    result = runner.invoke(app, ["cohort", "sync", str(cohort)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1 updated, 1 conflict, 1 skipped" in result.stdout

    # ann: the fix arrived, her work and the functions still to write stayed, one commit more.
    assert V2_LINE in (ann / PAGING).read_text()
    assert answers(ann)["_commit"] == "v2"
    left = {task.layer for task in functions_left(ann, exercise)}
    assert left == {"routes", "services", "models"}
    assert (ann / "todo/cache/memory.py").read_text() == (
        solution / "todo/cache/memory.py"
    ).read_text().replace("import time\n", "import time  # noqa: F401, RUF100\n")
    assert git(ann, "status", "--porcelain") == ""
    assert git(ann, "log", "-1", "--format=%s").startswith("Update the starter from v1 to v2")
    assert set(git(ann, "show", "--name-only", "--format=", "HEAD").split()) == {
        ".copier-answers.yml",
        PAGING,
    }
    # bob: skipped, untouched.
    assert answers(cohort / "bob")["_commit"] == "v1"
    assert V1_LINE in (cohort / "bob" / PAGING).read_text()
    assert (cohort / "bob" / "notes.txt").read_text() == "half done"
    # cat: a conflict in the one file both changed, left for a person, nothing committed.
    assert "<<<<<<< before updating" in cat_paging.read_text()
    assert "Paging, my way." in cat_paging.read_text() and V2_LINE in cat_paging.read_text()
    assert git(cohort / "cat", "diff", "--name-only", "--diff-filter=U").split() == [PAGING]
    assert "todo/services/paging.py" in result.stdout and "dirty tree" in result.stdout

    # A second sync: ann is up to date, cat's unresolved conflict makes her tree dirty.
    outcomes = {s: sync_project(cohort / s) for s in ("ann", "cat")}
    assert (outcomes["ann"].status, outcomes["cat"].status) == ("up to date", "skipped")


def test_sync_to_a_named_tag_and_without_a_commit(starter: Path, tmp_path: Path) -> None:
    project = create_project(
        "todo", output_dir=tmp_path, template=starter, exercise=["services"]
    ).path
    release_v2(starter)
    git(starter, "tag", "v3")  # newer, same content: --to picks v2
    unknown = sync_project(project, "v9")
    assert (unknown.status, unknown.detail) == (
        "failed",
        "Unknown revision: 'v9': pass --to a tag or commit the template has, or run "
        "`newbackend update --template PATH_OR_URL` with a clone of the newbackend repository "
        "(nothing changed)",
    )
    assert git(project, "status", "--porcelain") == ""
    outcome = sync_project(project, "v2", commit=False)
    assert (outcome.status, outcome.detail) == ("updated", "v1 → v2, not committed")
    assert answers(project)["_commit"] == "v2"
    assert git(project, "status", "--porcelain").split() == [
        "M",
        ".copier-answers.yml",
        "M",
        PAGING,
    ]


def test_sync_skips_what_it_cannot_update(tmp_path: Path) -> None:
    no_git = create_project("todo", output_dir=tmp_path / "a", git=False).path
    assert sync_project(no_git).status == "skipped"
    (tmp_path / "cohort").mkdir()
    (tmp_path / "cohort" / COHORT_FILE).write_text(json.dumps({"students": []}))
    result = runner.invoke(app, ["cohort", "sync", str(tmp_path / "cohort")])
    assert result.exit_code == 1
    assert "no student projects" in result.stderr
