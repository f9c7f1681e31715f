"""`.copier-answers.yml`: what a project was made from, read and written in one place.

Copier writes the file when it renders a project and reads it to update one; newbackend reads
it to tell a project from any other folder, to know which template version a student started
from, and rewrites it once so a copy from the bundled template points at the repository.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import ProjectError

ANSWERS_FILE = ".copier-answers.yml"
RESOURCE_ANSWERS = ".copier-answers.resource-*.yml"  # one per resource added later


def load_answers(path: Path) -> dict[str, Any] | None:
    """An answers file as a mapping; None when it is missing, unreadable or not a mapping."""
    try:
        answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return answers if isinstance(answers, dict) else None


def read_answers(project: Path) -> dict[str, Any]:
    """The project's answers, or a ProjectError naming what is missing (for an update)."""
    path = project / ANSWERS_FILE
    try:
        answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"'{project}' is not a newbackend project (no {ANSWERS_FILE})") from None
    except (OSError, yaml.YAMLError) as error:
        raise ProjectError(f"cannot read {path}: {error}") from None
    if not isinstance(answers, dict) or not answers.get("_src_path"):
        raise ProjectError(f"{path} does not say which template made the project (_src_path)")
    return answers


def template_version(answers: Mapping[str, Any] | None) -> str | None:
    """The template version (`_commit`: a tag or a commit) the answers record, if any."""
    version = (answers or {}).get("_commit")
    return None if version is None else str(version)


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
