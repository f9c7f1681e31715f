"""`create_project`: render the template into a temporary folder, then move it into place.

Rendering somewhere else first means a failure halfway (a rejected answer, a template error,
Ctrl-C) leaves nothing behind, and an existing folder is never touched until the end.
"""

import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._exercise import Exercise, make_exercise, parse_layers
from ._format import format_python
from ._template import is_git_source, release_tag, template_ref, template_repository, template_root
from .errors import DestinationError, InvalidAnswerError, NewbackendError, TemplateError

ANSWERS_FILE = ".copier-answers.yml"


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
) -> CreateResult:
    """Write the project `name` into `output_dir/name`.

    `defaults=False` lets copier ask (on a terminal) every question not in `answers`.
    `force` allows a folder that already has files: the project is added around them and
    no existing file is overwritten or deleted (those are listed in `kept`).
    `exercise` names layers whose functions are left for a student (see `_exercise`).
    `template`/`vcs_ref` render another copy of the template (a path or git URL, and a tag)
    instead of this package's own.
    """
    layers = parse_layers(exercise) if exercise else ()
    destination = output_dir / name
    if _is_plain_name(name):  # anything else is rejected by the template's own validator
        _check_destination(destination, force)
    data = {**(answers or {}), "project_name": name}

    scratch = Path(tempfile.mkdtemp(prefix=".newbackend-", dir=_existing_ancestor(output_dir)))
    try:
        rendered = scratch / (name if _is_plain_name(name) else "project")
        _render(rendered, data, defaults, template, vcs_ref)
        format_python(rendered)
        if not is_git_source(template or template_root()):
            record_release(rendered, template_repository(), release_tag())
        project_answers = yaml.safe_load((rendered / ANSWERS_FILE).read_text(encoding="utf-8"))
        made = make_exercise(rendered, project_answers, layers) if layers else None
        files = sum(1 for path in rendered.rglob("*") if path.is_file())
        notes: list[str] = []
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


def record_release(project: Path, source: str, tag: str) -> None:
    """Point the answers file at the template repository and the release the copy came from.

    Copier records the folder it rendered (`site-packages/...`) and no commit when the
    template has no git history; with these two `copier update` renders the same release
    from the repository as the old side of its three-way merge.
    """
    path = project / ANSWERS_FILE
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    answers = yaml.safe_load(text) or {}
    answers.update({"_commit": tag, "_src_path": source})
    body = yaml.safe_dump(dict(sorted(answers.items())), sort_keys=False, allow_unicode=True)
    path.write_text(header + body, encoding="utf-8")


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


def _render(
    target: Path,
    data: dict[str, Any],
    defaults: bool,
    template: str | Path | None = None,
    vcs_ref: str | None = None,
) -> None:
    from copier import run_copy  # imported here: it costs ~0.6 s, which --help never pays
    from copier.errors import CopierError, UserMessageError

    root = template or template_root()
    if vcs_ref is None and Path(root).is_dir():
        vcs_ref = template_ref(Path(root))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # copier's notes on dirty checkouts, not the user's
            run_copy(
                str(root),
                target,
                data=data,
                defaults=defaults,
                quiet=True,
                vcs_ref=vcs_ref,
                unsafe=False,
            )
    except ValueError as error:  # a validator or a choice rejected an answer
        raise InvalidAnswerError(str(error).splitlines()[0]) from None
    except UserMessageError as error:
        raise NewbackendError(str(error).splitlines()[0]) from None
    except CopierError as error:
        raise TemplateError(f"the template failed to render: {error}") from error
    except (KeyboardInterrupt, NewbackendError):
        raise
    except Exception as error:
        raise TemplateError(f"the template failed to render: {error!r}") from error


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


def _git_commit(project: Path, notes: list[str]) -> str | None:
    """A first commit, so `copier update` can merge template changes from day one."""
    if shutil.which("git") is None:
        notes.append("git not found: the project is not a git repository yet")
        return None
    env = {**os.environ, **_fallback_identity()}
    try:
        for command in (
            ["git", "init", "-q", "-b", "main"],
            ["git", "add", "-A"],
            ["git", "commit", "-q", "--no-verify", "-m", "Initial commit from newbackend"],
        ):
            subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=project,
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        stderr = getattr(error, "stderr", b"") or b""
        detail = stderr.decode(errors="replace").strip() if isinstance(stderr, bytes) else stderr
        notes.append(f"git commit failed ({detail or error}); the files are written")
        shutil.rmtree(project / ".git", ignore_errors=True)
        return None
    return head.stdout.strip()


def _fallback_identity() -> dict[str, str]:
    """Commit as the user when git knows them, else as newbackend (a fresh CI machine)."""
    configured = subprocess.run(
        ["git", "config", "user.email"], capture_output=True, text=True, check=False
    )
    if configured.stdout.strip() or os.environ.get("GIT_AUTHOR_EMAIL"):
        return {}
    return {
        "GIT_AUTHOR_NAME": "newbackend",
        "GIT_AUTHOR_EMAIL": "newbackend@localhost",
        "GIT_COMMITTER_NAME": "newbackend",
        "GIT_COMMITTER_EMAIL": "newbackend@localhost",
    }
