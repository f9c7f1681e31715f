"""`create_project`: render the template into a temporary folder, then move it into place.

Rendering somewhere else first means a failure halfway (a rejected answer, a template error,
Ctrl-C) leaves nothing behind, and an existing folder is never touched until the end.
"""

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._answers import ANSWERS_FILE, load_answers, record_release
from ._copier import render
from ._git import available, init_and_commit
from ._lock import LOCK_FILE, lock, skipped
from ._template import bundled_version, is_git_source, template_repository, template_root
from .errors import DestinationError, GitError
from .teaching._exercise import Exercise, make_exercise, parse_layers


@dataclass(frozen=True)
class CreateResult:
    path: Path
    answers: dict[str, Any]
    files: int
    kept: tuple[str, ...] = ()
    commit: str | None = None
    warnings: tuple[str, ...] = ()
    exercise: Exercise | None = None


def create_project(
    name: str,
    *,
    output_dir: Path = Path(),
    answers: Mapping[str, Any] | None = None,
    defaults: bool = True,
    force: bool = False,
    git: bool = True,
    exercise: Sequence[str] = (),
    template: str | Path | None = None,
    vcs_ref: str | None = None,
    locked: bool = True,
) -> CreateResult:
    """Write the project `name` into `output_dir/name`.

    `defaults=False` lets copier ask (on a terminal) every question not in `answers`.
    `force` allows a folder that already has files: the project is added around them and
    no existing file is overwritten or deleted (those are listed in `kept`).
    `exercise` names layers whose functions are left for a student (see `_exercise`).
    `template`/`vcs_ref` render another copy of the template (a path or git URL, and a tag)
    instead of this package's own. `locked` writes uv.lock with uv (see `_lock`), so the
    first commit has it; NEWBACKEND_NO_LOCK=1 turns it off too.
    """
    layers = parse_layers(exercise) if exercise else ()
    destination = output_dir / name
    if _is_plain_name(name):  # anything else is rejected by the template's own validator
        _check_destination(destination, force)
    data = {**(answers or {}), "project_name": name}

    scratch = Path(tempfile.mkdtemp(prefix=".newbackend-", dir=_existing_ancestor(output_dir)))
    try:
        rendered = scratch / (name if _is_plain_name(name) else "project")
        render(rendered, data, defaults=defaults, template=template, vcs_ref=vcs_ref)
        root = template or template_root()
        if not is_git_source(root):
            record_release(rendered, template_repository(), bundled_version(Path(root)))
        project_answers = load_answers(rendered / ANSWERS_FILE) or {}
        made = make_exercise(rendered, project_answers, layers) if layers else None
        notes: list[str] = []
        if locked and not skipped():
            _lock(rendered, notes)
        files = sum(1 for path in rendered.rglob("*") if path.is_file())
        commit = None
        if destination.exists():
            kept = _merge_into(rendered, destination)
            if git:
                notes.append("no git commit: the folder already had files; review and commit")
        else:
            kept = ()
            if git:
                commit = _git_commit(rendered, notes)
            output_dir.mkdir(parents=True, exist_ok=True)
            os.replace(rendered, destination)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return CreateResult(destination, project_answers, files, kept, commit, tuple(notes), made)


def _is_plain_name(name: str) -> bool:
    return bool(name) and name not in {".", ".."} and Path(name).name == name


def _check_destination(destination: Path, force: bool) -> None:
    if destination.exists() and not destination.is_dir():
        raise DestinationError(f"'{destination}' exists and is not a folder")
    if destination.is_dir() and any(destination.iterdir()) and not force:
        raise DestinationError(
            f"'{destination}' already exists and is not empty; use --force to add the project "
            "into it (existing files are kept, never overwritten)"
        )


def _existing_ancestor(path: Path) -> Path:
    """The temporary folder goes next to the destination, so the final move is a rename."""
    path = path.absolute()
    while not path.is_dir():
        path = path.parent
    return path


def _merge_into(rendered: Path, destination: Path) -> tuple[str, ...]:
    """Move rendered files into an existing folder, keeping every file already there."""
    kept = []
    for source in sorted(rendered.rglob("*")):
        if not source.is_file():
            continue
        relative = source.relative_to(rendered)
        target = destination / relative
        if target.exists() or target.is_symlink():
            kept.append(relative.as_posix())
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    return tuple(kept)


def _lock(project: Path, notes: list[str]) -> None:
    """uv.lock before the first commit; without uv or the index, one line on how to lock."""
    reason = lock(project)
    if reason is not None:
        (project / LOCK_FILE).unlink(missing_ok=True)
        notes.append(f"no {LOCK_FILE} ({reason}): run `uv lock` in the project and commit it")


def _git_commit(project: Path, notes: list[str]) -> str | None:
    """A first commit, so `copier update` can merge template changes from day one."""
    if not available():
        notes.append("git not found: the project is not a git repository yet")
        return None
    try:
        return init_and_commit(project, "Initial commit from newbackend")
    except GitError as error:
        notes.append(f"git commit failed ({error.detail}); the files are written")
        shutil.rmtree(project / ".git", ignore_errors=True)
        return None
