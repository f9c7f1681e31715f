"""Push a newer starter (a template tag) into every student's project with copier's update.

Copier replays what changed in the project since it was generated (the blanked functions and
the student's own work) on top of the new template version: a fix in the starter arrives, the
student's work stays, and where both touched the same lines the file is left with conflict
markers. The copier call and the conflict search are `newbackend update`'s own
(`_update.run_copier_update`, `_update.find_conflicts`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ._cohort import Student, git, load_students
from ._create import ANSWERS_FILE, _fallback_identity
from ._update import find_conflicts, run_copier_update
from .errors import ProjectError, UpdateError

STATUSES = ("updated", "up to date", "conflict", "skipped", "failed")


@dataclass(frozen=True)
class SyncOutcome:
    status: str  # one of STATUSES
    detail: str = ""  # the versions, or why it was skipped or failed
    files: tuple[str, ...] = ()  # the files left with conflicts
    commit: str | None = None


def update_project(project: Path, to: str | None = None, *, commit: bool = True) -> SyncOutcome:
    """Update `project` to the template version `to` (default: the newest tag).

    A tree with uncommitted changes or untracked files is skipped, as copier itself requires:
    the update replays committed work only. A clean update is committed; a conflict is left
    for a person to resolve.
    """
    if not (project / ".git").exists():
        return SyncOutcome("skipped", "not a git repository")
    status = git(project, "status", "--porcelain")
    if status.returncode != 0:
        return SyncOutcome("skipped", f"git cannot read it: {status.stderr.strip()}")
    if status.stdout.strip():
        return SyncOutcome("skipped", "dirty tree")
    before = _version(project)
    try:
        run_copier_update(project, to)
    except UpdateError as error:
        _discard_changes(project)
        return SyncOutcome("failed", f"{error} (nothing changed)")
    except BaseException:  # Ctrl-C: leave this student as they were, then stop
        _discard_changes(project)
        raise
    after = _version(project)
    conflicts = find_conflicts(project)
    if conflicts:
        return SyncOutcome("conflict", f"{before} → {after}", conflicts)
    if not git(project, "status", "--porcelain").stdout.strip():
        return SyncOutcome("up to date", after or "")
    if not commit:
        return SyncOutcome("updated", f"{before} → {after}, not committed")
    message = f"Update the starter from {before} to {after} (newbackend cohort sync)"
    env = _fallback_identity()
    for command in (["add", "-A"], ["commit", "-q", "--no-verify", "-m", message]):
        done = git(project, *command, env=env)
        if done.returncode != 0:
            return SyncOutcome("updated", f"{before} → {after}; commit failed: {done.stderr}")
    head = git(project, "rev-parse", "--short", "HEAD").stdout.strip()
    return SyncOutcome("updated", f"{before} → {after}", commit=head)


def sync_cohort(
    folder: Path,
    to: str | None = None,
    *,
    commit: bool = True,
    on_synced: Callable[[Student, SyncOutcome], None] | None = None,
) -> list[tuple[Student, SyncOutcome]]:
    """`update_project` for every student, one at a time (copier works in one process cwd)."""
    students = load_students(folder)
    if not students:
        raise ProjectError(f"no student projects in '{folder}'")
    outcomes = []
    for student in students:
        project = folder / student.folder
        if project.is_dir():
            outcome = update_project(project, to, commit=commit)
        else:
            outcome = SyncOutcome("skipped", "the folder is missing")
        outcomes.append((student, outcome))
        if on_synced:
            on_synced(student, outcome)
    return outcomes


def _version(project: Path) -> str | None:
    try:
        answers = yaml.safe_load((project / ANSWERS_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return str(answers.get("_commit")) if isinstance(answers, dict) else None


def _discard_changes(project: Path) -> None:
    """Back to the commit the update started from (the tree was clean, so nothing is lost)."""
    git(project, "reset", "-q", "--hard", "HEAD")
    git(project, "clean", "-q", "-fd")
