"""Push a newer starter (a template tag) into every student's project with copier's update.

Copier replays what changed in the project since it was generated (the blanked functions and
the student's own work) on top of the new template version: a fix in the starter arrives, the
student's work stays, and where both touched the same lines the file is left with conflict
markers. The copier call and the conflict search are `newbackend update`'s own
(`_copier.copier_update`, `_update.find_conflicts`); unlike `newbackend update`, a clean
update is committed, and a project that cannot be updated is skipped, not an error.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from .._answers import ANSWERS_FILE, load_answers, template_version
from .._copier import copier_update
from .._git import commit as git_commit
from .._git import git, reset_to
from .._update import find_conflicts
from ..errors import GitError, ProjectError, UpdateError
from ._cohort import Student, load_students

STATUSES = ("updated", "up to date", "conflict", "skipped", "failed")


@dataclass(frozen=True)
class SyncOutcome:
    status: str  # one of STATUSES
    detail: str = ""  # the versions, or why it was skipped or failed
    files: tuple[str, ...] = ()  # the files left with conflicts
    commit: str | None = None


def sync_project(project: Path, to: str | None = None, *, commit: bool = True) -> SyncOutcome:
    """Update one student's `project` to the template version `to` (default: the newest tag).

    A tree with uncommitted changes or untracked files is skipped, as copier itself requires:
    the update replays committed work only. A clean update is committed; a conflict is left
    for a person to resolve.
    """
    if not (project / ".git").exists():
        return SyncOutcome("skipped", "not a git repository")
    try:
        dirty = git(project, "status", "--porcelain").strip()
    except GitError as error:
        return SyncOutcome("skipped", f"git cannot read it: {error.detail}")
    if dirty:
        return SyncOutcome("skipped", "dirty tree")
    before = _version(project)
    try:
        copier_update(project, to)
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
    if not git(project, "status", "--porcelain").strip():
        return SyncOutcome("up to date", after or "")
    if not commit:
        return SyncOutcome("updated", f"{before} → {after}, not committed")
    message = f"Update the starter from {before} to {after} (newbackend cohort sync)"
    try:
        head = git_commit(project, message)
    except GitError as error:
        return SyncOutcome("updated", f"{before} → {after}; commit failed: {error.detail}")
    return SyncOutcome("updated", f"{before} → {after}", commit=head)


def sync_cohort(
    folder: Path,
    to: str | None = None,
    *,
    commit: bool = True,
    on_synced: Callable[[Student, SyncOutcome], None] | None = None,
) -> list[tuple[Student, SyncOutcome]]:
    """`sync_project` for every student, one at a time (copier works in one process cwd)."""
    students = load_students(folder)
    if not students:
        raise ProjectError(f"no student projects in '{folder}'")
    outcomes = []
    for student in students:
        project = folder / student.folder
        if project.is_dir():
            outcome = sync_project(project, to, commit=commit)
        else:
            outcome = SyncOutcome("skipped", "the folder is missing")
        outcomes.append((student, outcome))
        if on_synced:
            on_synced(student, outcome)
    return outcomes


def _version(project: Path) -> str | None:
    return template_version(load_answers(project / ANSWERS_FILE))


def _discard_changes(project: Path) -> None:
    """Back to the commit the update started from (the tree was clean, so nothing is lost)."""
    with suppress(GitError):  # a student left as the failed update left them is still listed
        reset_to(project)
