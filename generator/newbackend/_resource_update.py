"""Keep added resources in step when the project is updated or re-answered.

Copier updates a project through its main answers file only, and it cannot update a
sub-template that lives in a subfolder of a git repository (it records no `_commit` for it).
So `newbackend update` and `newbackend set` refresh each added resource themselves, the way
copier would: the resource sub-template is rendered as it was (the old template version, the
old answers) and as it is now (the new version, the new answer), and the difference is merged
into the project's files with `git merge-file`. The user's edits stay; a clash becomes inline
conflict markers; a file the user never touched simply follows (e.g. the routes module after
`set framework`).
"""

import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._create import _render
from ._format import format_python
from ._resource import SHARED_MODULES, project_ruff_config, reserved_names
from .errors import UpdateError

RESOURCE_ANSWERS = ".copier-answers.resource-*.yml"
RESOURCE_TEMPLATE = "resource"
FOLLOWS = ("framework",)  # project answers a resource's files depend on
MERGE_LABELS = ("your edit", "before updating", "after updating")


@dataclass(frozen=True)
class ResourceRefresh:
    changed: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def refresh_resources(
    project: Path, before: Mapping[str, Any], after: Mapping[str, Any]
) -> ResourceRefresh:
    """Merge the template's changes to every added resource into `project`.

    `before`/`after` are the project's answers (`_src_path`, `_commit`, `framework`, …)
    before and after the update.
    """
    answer_files = sorted(project.glob(RESOURCE_ANSWERS))
    if not answer_files:
        return ResourceRefresh()
    changed: list[str] = []
    conflicts: list[str] = []
    kept: list[str] = []
    with (
        _template_at(before) as old_root,
        _template_at(after) as new_root,
        tempfile.TemporaryDirectory(prefix="newbackend-resources-") as scratch,
    ):
        for index, answers_file in enumerate(answer_files):
            recorded = yaml.safe_load(answers_file.read_text(encoding="utf-8")) or {}
            old_data = {key: value for key, value in recorded.items() if not key.startswith("_")}
            new_data = {**old_data, **{key: after[key] for key in FOLLOWS if key in after}}
            base = Path(scratch) / f"{index}-old"
            theirs = Path(scratch) / f"{index}-new"
            _render_resource(base, old_root, old_data)
            _render_resource(theirs, new_root, new_data)
            for rendered in (base, theirs):  # as `add resource` left it: formatted
                format_python(rendered, config=project_ruff_config(project))
            _merge_tree(project, base, theirs, answers_file.name, changed, conflicts, kept)
            if new_data != old_data:
                text = answers_file.read_text(encoding="utf-8")
                for key in FOLLOWS:
                    text = text.replace(
                        f"\n{key}: {old_data.get(key)}\n", f"\n{key}: {after[key]}\n"
                    )
                answers_file.write_text(text, encoding="utf-8")
                changed.append(answers_file.name)
    return ResourceRefresh(tuple(changed), tuple(conflicts), tuple(kept))


def _merge_tree(
    project: Path,
    base: Path,
    theirs: Path,
    answers_name: str,
    changed: list[str],
    conflicts: list[str],
    kept: list[str],
) -> None:
    paths = {
        path.relative_to(root).as_posix()
        for root in (base, theirs)
        for path in root.rglob("*")
        if path.is_file()
    } - {answers_name}
    for name in sorted(paths):
        old, new, mine = base / name, theirs / name, project / name
        old_bytes = old.read_bytes() if old.is_file() else None
        new_bytes = new.read_bytes() if new.is_file() else None
        mine_bytes = mine.read_bytes() if mine.is_file() else None
        if old_bytes == new_bytes or mine_bytes == new_bytes:
            continue  # the template did not change it, or the project already has it
        if new_bytes is None:  # the template no longer has it
            if mine_bytes == old_bytes:
                mine.unlink()
                changed.append(name)
            elif mine_bytes is not None:
                kept.append(name)
            continue
        if mine_bytes is None or mine_bytes == old_bytes:
            mine.parent.mkdir(parents=True, exist_ok=True)
            mine.write_bytes(new_bytes)
            changed.append(name)
            continue
        if _merge_file(mine, old_bytes or b"", new):
            conflicts.append(name)
        changed.append(name)


def _merge_file(mine: Path, base: bytes, theirs: Path) -> bool:
    """`git merge-file` of the template's change into the user's file; True on a conflict."""
    with tempfile.NamedTemporaryFile(prefix="newbackend-base-") as old:
        old.write(base)
        old.flush()
        labels = [arg for label in MERGE_LABELS for arg in ("-L", label)]
        merged = subprocess.run(
            ["git", "merge-file", *labels, str(mine), old.name, str(theirs)],
            capture_output=True,
            check=False,
        )
    if merged.returncode < 0 or merged.returncode > 127:
        raise UpdateError(f"git merge-file failed on {mine.name}: {merged.stderr!r}")
    return merged.returncode > 0


def _render_resource(target: Path, root: Path, data: dict[str, Any]) -> None:

    template = root / RESOURCE_TEMPLATE
    if not (template / "copier.yml").is_file():
        raise UpdateError(f"the template at {root} has no resource sub-template")
    data = {**data, "reserved_names": [*reserved_names(root), *SHARED_MODULES]}
    _render(target, data, True, template)


@contextmanager
def _template_at(answers: Mapping[str, Any]) -> Iterator[Path]:
    """The template's files at the version `answers` record (a scratch checkout for git)."""
    source = str(answers.get("_src_path") or "")
    commit = answers.get("_commit")
    local = Path(source)
    if local.is_dir() and (commit is None or not (local / ".git").exists()):
        yield local
        return
    scratch = Path(tempfile.mkdtemp(prefix="newbackend-template-"))
    try:
        for command in (
            ["git", "clone", "-q", "--no-checkout", source, str(scratch)],
            ["git", "-C", str(scratch), "checkout", "-q", str(commit or "HEAD")],
        ):
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                reason = (done.stderr.strip().splitlines() or ["git failed"])[0]
                raise UpdateError(f"cannot read the template at {source} {commit}: {reason}")
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
