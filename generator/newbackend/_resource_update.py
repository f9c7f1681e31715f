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

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._answers import RESOURCE_ANSWERS, load_answers
from ._copier import render
from ._git import merge_file
from ._resource import RESOURCE_TEMPLATE, SHARED_MODULES, project_ruff_config, reserved_names
from ._template import template_at
from .errors import UpdateError

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
        template_at(before) as old_root,
        template_at(after) as new_root,
        tempfile.TemporaryDirectory(prefix="newbackend-resources-") as scratch,
    ):
        for index, answers_file in enumerate(answer_files):
            recorded = load_answers(answers_file)
            if recorded is None:
                raise UpdateError(f"cannot read {answers_file.name}: fix it, then update again")
            old_data = {key: value for key, value in recorded.items() if not key.startswith("_")}
            new_data = {**old_data, **{key: after[key] for key in FOLLOWS if key in after}}
            base = Path(scratch) / f"{index}-old"
            theirs = Path(scratch) / f"{index}-new"
            config = project_ruff_config(project)  # formatted as `add resource` left them
            _render_resource(base, old_root, old_data, config)
            _render_resource(theirs, new_root, new_data, config)
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
        return merge_file(mine, Path(old.name), theirs, MERGE_LABELS)


def _render_resource(
    target: Path, root: Path, data: dict[str, Any], ruff_config: Path | None
) -> None:
    template = root / RESOURCE_TEMPLATE
    if not (template / "copier.yml").is_file():
        raise UpdateError(f"the template at {root} has no resource sub-template")
    data = {**data, "reserved_names": [*reserved_names(root), *SHARED_MODULES]}
    render(target, data, template=template, ruff_config=ruff_config)
