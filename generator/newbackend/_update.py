"""`update_project` and `set_answer`: copier's three-way update, made safe to run blind.

Copier replays the project's own changes (since the last render) on top of a fresh render of
the new template version. Around it this module adds what copier leaves to the user:

- it refuses a folder that is not a project, or a git tree with uncommitted work;
- `pretend` runs the real update in a scratch clone and reports what it would change;
- afterwards it lists every conflict (inline markers, unmerged paths, `*.rej` files), which
  copier reports with exit code 0;
- a file the template removed or renamed is never silently deleted when the user edited it:
  copier deletes every file that is only in the old template version. A rename listed in the
  template's `renames.yml` carries the edit over to the new name (a three-way merge, so a
  clash is an inline conflict); any other edited file is put back and listed as kept. This
  replaces copier `_migrations`, which would need `--trust`;
- `.env` (the per-project secret) is in the template's `_skip_if_exists` and gitignored, so
  copier never rewrites it;
- `uv.lock` is never merged: no template version has it, so copier leaves it as it is, and
  when the update changed `pyproject.toml` it is re-locked with `uv lock`. A lock that cannot
  be refreshed (no uv, no index) stays as committed and the notes say so.
"""

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
import yaml

from ._answers import ANSWERS_FILE, read_answers, record_release, template_version
from ._copier import ENV_FILE, GIVE_TEMPLATE, copier_update, first_line, protect_env, render
from ._git import commit, git, merge_file, reset_to, show, status
from ._lock import LOCK_FILE, NO_LOCK_ENV, lock, skipped
from ._questions import SETTABLE, load_questions
from ._resource_update import refresh_resources
from ._template import is_dirty_checkout, template_file
from .errors import GitError, InvalidAnswerError, NewbackendError, ProjectError, UpdateError

RENAMES_FILE = "renames.yml"
CONFLICT_MARKERS = (b"<<<<<<< ", b">>>>>>> ")
MERGE_LABELS = ("before updating", "last update", "after updating")  # copier's own labels


@dataclass(frozen=True)
class UpdateResult:
    path: Path
    before: str | None  # the template version before and after (`_commit`)
    after: str | None
    changes: tuple[tuple[str, str], ...] = ()  # (added|modified|deleted|conflict, path)
    conflicts: tuple[str, ...] = ()  # files a person has to resolve
    moved: tuple[tuple[str, str], ...] = ()  # an edited file the template renamed
    kept: tuple[str, ...] = ()  # an edited file the template no longer has
    notes: tuple[str, ...] = ()
    pretend: bool = False


@dataclass
class _Project:
    path: Path  # the project folder (may be below the git top level)
    top: Path
    answers: dict[str, Any] = field(default_factory=dict)


def update_project(
    project: Path = Path(),
    *,
    to: str | None = None,
    template: str | None = None,
    pretend: bool = False,
    data: Mapping[str, Any] | None = None,
    keep_version: bool = False,
) -> UpdateResult:
    """Update `project` to the template version `to` (default: the newest release tag).

    `template` follows another template source from now on (a fork, a mirror, a local
    clone). `data` re-answers questions; with `keep_version` the version stays as it is.
    The result is left uncommitted, for review.
    """
    checked = _check(project)
    if not pretend:
        return _update(checked, to, template, data, keep_version, relock=True)
    with tempfile.TemporaryDirectory(prefix="newbackend-pretend-") as scratch:
        clone = Path(scratch) / "project"
        git(checked.top, "clone", "-q", "--no-hardlinks", str(checked.top), str(clone))
        work = clone / checked.path.relative_to(checked.top)
        scratch_project = _Project(work, clone, checked.answers)
        result = _update(scratch_project, to, template, data, keep_version, relock=False)
    return replace(result, path=checked.path, pretend=True)


def set_answer(project: Path, question: str, value: str, *, pretend: bool = False) -> UpdateResult:
    """Answer `question` anew (framework, database, cache) and let every file follow."""
    if question not in SETTABLE:
        raise InvalidAnswerError(f"'{question}' cannot be set: choose one of {', '.join(SETTABLE)}")
    choices = load_questions()[question].choices
    if value not in choices:
        raise InvalidAnswerError(
            f"'{value}' is not a {question} choice: choose one of {', '.join(choices)}"
        )
    answers = _check(project).answers
    if answers.get(question) == value:
        version = answers.get("_commit")
        return UpdateResult(project, version, version, notes=(f"{question} is already {value}",))
    result = update_project(project, data={question: value}, keep_version=True, pretend=pretend)
    notes = list(result.notes)
    if question in {"database", "cache"} and (project / ENV_FILE).is_file():
        wanted = {**answers, question: value}
        notes += complete_env(project, wanted, f"newbackend set {question} {value}", pretend)
    return replace(result, notes=tuple(notes))


def complete_env(
    project: Path, answers: Mapping[str, Any], reason: str, pretend: bool = False
) -> list[str]:
    """Add to the project's `.env` the settings a fresh project with `answers` has and it
    lacks (DB_PASSWORD and DATABASE_URL for a database server: compose needs the password),
    with new secrets. A URL set for the old answer is commented out (not deleted), so the
    project does not go on talking to the old server; no other line changes. The notes say
    what was added, commented out, and which settings the new answers no longer use.
    """
    path = project / ENV_FILE
    mine = path.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="newbackend-env-") as scratch:
        fresh = Path(scratch) / "project"
        data = {key: value for key, value in answers.items() if not key.startswith("_")}
        render(fresh, data)  # the bundled template: secrets fresh from copier.yml's generator
        lines = (fresh / ENV_FILE).read_text(encoding="utf-8").splitlines()
    have, fresh_keys = _env_values(mine.splitlines()), _env_values(lines)
    # A URL for the old answer (the old database's scheme, or a setting the new answer does
    # not use) would point the project at the old server: it is commented out, kept readable.
    retired = [
        key
        for key, value in have.items()
        if "://" in value
        and (key not in fresh_keys or value.split("://")[0] != fresh_keys[key].split("://")[0])
    ]
    missing = [key for key in fresh_keys if key not in have or key in retired]
    notes = []
    if retired and not pretend:
        kept = [
            f"# {line}  (for the old answer, until `{reason}`)"
            if _env_key(line) in retired
            else line
            for line in mine.splitlines()
        ]
        mine = "\n".join(kept) + "\n"
    if retired:
        verb = "would comment out" if pretend else "commented out"
        notes.append(f".env: {verb} {', '.join(retired)}, set for the old answer")
    if missing:
        block = [f"# Added by `{reason}`:"]
        for index, line in enumerate(lines):
            if _env_key(line) in missing:
                comment = lines[index - 1] if index and lines[index - 1].startswith("#") else ""
                block += [comment, line] if comment else [line]
        if not pretend:
            separator = "" if not mine or mine.endswith("\n") else "\n"
            mine = mine + separator + "\n".join(block) + "\n"
        verb = "would add" if pretend else "added"
        notes.append(f".env: {verb} {', '.join(missing)} (new secrets)")
    if (retired or missing) and not pretend:
        path.write_text(mine, encoding="utf-8")
        protect_env(project)
    unused = [key for key in have if key not in fresh_keys and key not in retired]
    if unused:
        notes.append(
            f".env still sets {', '.join(unused)}, which the new answer does not use: "
            "remove it, or see .env.example"
        )
    return notes


def _env_key(line: str) -> str | None:
    name, sep, _ = line.partition("=")
    name = name.removeprefix("export ").strip()
    return name if sep and name and not name.startswith("#") else None


def _env_values(lines: list[str]) -> dict[str, str]:
    return {key: line.partition("=")[2].strip() for line in lines if (key := _env_key(line))}


def find_conflicts(project: Path) -> tuple[str, ...]:
    """Files left for a person: unmerged in git, with inline markers, or with a `.rej`."""
    unmerged = git(project, "diff", "--name-only", "--relative", "--diff-filter=U").split()
    found = set(unmerged)
    for state, path in status(project, ignored=True):
        if path.endswith(".rej"):
            found.add(path[: -len(".rej")])
        elif state != "deleted" and _has_markers(project / path):
            found.add(path)
    return tuple(sorted(found))


def _check(project: Path) -> _Project:
    if not project.is_dir():
        raise ProjectError(f"'{project}' is not a folder")
    answers = read_answers(project)
    try:
        top = Path(git(project, "rev-parse", "--show-toplevel").strip())
    except GitError:
        raise ProjectError(
            f"'{project}' is not a git repository: copier updates replay committed work only"
        ) from None
    if git(project, "status", "--porcelain", "--", ".").strip():
        raise ProjectError(
            f"'{project}' has uncommitted changes: commit or stash them first (git status)"
        )
    return _Project(project.resolve(), top.resolve(), answers)


def _update(
    project: _Project,
    to: str | None,
    template: str | None,
    data: Mapping[str, Any] | None,
    keep_version: bool,
    *,
    relock: bool,
) -> UpdateResult:
    from copier import VcsRef

    work = project.path
    head = git(work, "rev-parse", "HEAD").strip()
    before = project.answers
    source = str(before.get("_src_path"))
    if template is not None:
        source = _absolute_source(template)
        record_release(work, source, str(before.get("_commit")))
        followed = commit(work, f"Follow the template at {template}", ANSWERS_FILE)
    try:
        with _resolving(source, work):
            version = VcsRef.CURRENT if keep_version else to or _pinned_head(source)
            copier_update(work, version, data, source=source)
            moved, kept, merge_conflicts = _protect_edits(work, before)
            resources = refresh_resources(work, before, read_answers(work))
    except BaseException:
        reset_to(work, head)
        raise
    after = read_answers(work)
    notes: tuple[str, ...] = ()
    if template is not None and _only_the_source_changed(work, before, after):
        # Already at the template's newest version: keep the switch to the new source as
        # its own commit, so the next update starts from a clean tree.
        git(work, "checkout", "HEAD", "--", ANSWERS_FILE)
        after = read_answers(work)
        notes = (f"now follows the template at {source} (commit {followed})",)
    elif template is not None:  # the new source is part of the update under review
        git(work, "update-ref", "HEAD", head)
    conflicts = sorted({*find_conflicts(work), *merge_conflicts, *resources.conflicts})
    lock_note = _relock(work, conflicts, relock)
    if lock_note:
        notes = (*notes, lock_note)
    changes = tuple(
        ("conflict" if path in conflicts else state, path)
        for state, path in status(work, ignored=False)
    )
    return UpdateResult(
        path=work,
        before=template_version(before),
        after=template_version(after),
        changes=changes,
        conflicts=tuple(conflicts),
        moved=tuple(moved),
        kept=(*kept, *resources.kept),
        notes=notes,
    )


def _relock(work: Path, conflicts: list[str], relock: bool) -> str | None:
    """uv.lock after an update that changed pyproject.toml: re-locked, or why it is not."""
    pyproject = "pyproject.toml"
    if not (work / LOCK_FILE).is_file() or not git(work, "diff", "HEAD", "--", pyproject).strip():
        return None
    if pyproject in conflicts:
        return f"{LOCK_FILE} not refreshed: resolve {pyproject}, then run `uv lock`"
    if not relock:
        return f"would re-lock {LOCK_FILE} for the new {pyproject} (uv lock)"
    reason = f"{NO_LOCK_ENV} is set" if skipped() else lock(work)
    if reason is None:
        return f"{LOCK_FILE}: re-locked for the new {pyproject} (uv lock)"
    with suppress(GitError):  # as committed: the old lock, whole
        git(work, "checkout", "HEAD", "--", LOCK_FILE)
    return (
        f"{LOCK_FILE} not refreshed ({reason}): it still pins the old dependencies; "
        "run `uv lock` when uv and the package index are there, and commit it"
    )


def _only_the_source_changed(
    work: Path, before: Mapping[str, Any], after: Mapping[str, Any]
) -> bool:
    """Whether the update changed nothing but `_commit`'s spelling (`git describe` of the
    same commit) in the answers file: the project was already up to date."""
    if {path for _, path in status(work, ignored=False)} - {ANSWERS_FILE}:
        return False
    if {k: v for k, v in before.items() if k not in {"_commit", "_src_path"}} != {
        k: v for k, v in after.items() if k not in {"_commit", "_src_path"}
    }:
        return False
    old, new = str(before.get("_commit")), str(after.get("_commit"))
    return _same_commit(str(after["_src_path"]), old, new)


def _same_commit(source: str, old: str, new: str) -> bool:
    if old == new:
        return True
    try:
        with tempfile.TemporaryDirectory(prefix="newbackend-template-") as scratch:
            git(Path(), "clone", "-q", "--bare", "--filter=blob:none", source, scratch)
            resolve = [git(Path(scratch), "rev-parse", f"{ref}^{{commit}}") for ref in (old, new)]
    except GitError:
        return False
    return resolve[0] == resolve[1]


def _pinned_head(source: str) -> str | None:
    """The commit of a local checkout's HEAD when copier would take its working tree.

    Copier updates to the newest tag, else to HEAD with uncommitted files `git add`ed, which
    fails on a repository nested in the checkout (see is_dirty_checkout). An update brings
    commits, so the commit it is.
    """
    local = Path(source).expanduser()
    if not local.is_dir() or not is_dirty_checkout(local) or git(local, "tag", "--list").strip():
        return None
    return git(local, "rev-parse", "HEAD").strip()


@contextmanager
def _resolving(source: str, project: Path) -> Iterator[None]:
    """Copier reads a relative `_src_path` (plain `copier copy ../newbackend proj` records
    one) from the current folder. Run it from the folder where the path leads to a template:
    the project's, or one of its parents; a path found nowhere is one line naming what to pass.
    """
    path = Path(source).expanduser()
    if path.is_absolute() or ":" in source or (path / "copier.yml").is_file():
        yield
        return
    bases = [project, *project.parents]
    base = next((folder for folder in bases if (folder / path / "copier.yml").is_file()), None)
    if base is None:
        raise UpdateError(
            f"the template '{source}' in {ANSWERS_FILE} is a relative path, and no folder "
            f"from {project} up has it: {GIVE_TEMPLATE}"
        )
    here = Path.cwd()
    os.chdir(base)
    try:
        yield
    finally:
        os.chdir(here)


def _protect_edits(
    work: Path, before: Mapping[str, Any]
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Undo copier's deletion of files the user edited (see the module docstring)."""
    deleted = git(work, "diff", "--name-only", "--relative", "--diff-filter=D", "HEAD").split()
    if not deleted:
        return [], [], []
    moved: list[tuple[str, str]] = []
    kept: list[str] = []
    conflicts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newbackend-old-") as scratch:
        pristine = Path(scratch) / "old"
        _render_version(pristine, before)
        renames = _renames(read_answers(work), before)
        for path in deleted:
            mine = show(work, f"HEAD:./{path}")
            original = pristine / path
            if original.is_file() and original.read_bytes() == mine:
                continue  # not edited: the template's removal stands
            target = renames.get(path)
            if target and (work / target).is_file():
                if _merge_into(work / target, mine, original, Path(scratch)):
                    conflicts.append(target)
                moved.append((path, target))
            else:
                git(work, "checkout", "HEAD", "--", path)
                kept.append(path)
    return moved, kept, conflicts


def _merge_into(target: Path, mine: bytes, original: Path, scratch: Path) -> bool:
    """Three-way merge of the user's edit onto the renamed file; True on a conflict."""
    ours = scratch / "ours"
    ours.write_bytes(mine)
    base = original if original.is_file() else scratch / "empty"
    if not base.exists():
        base.write_bytes(b"")
    conflict = merge_file(ours, base, target, MERGE_LABELS)
    target.write_bytes(ours.read_bytes())
    return conflict


def _render_version(target: Path, answers: Mapping[str, Any]) -> None:
    """The project as the template rendered it before the update, with no user edit."""
    data = {key: value for key, value in answers.items() if not key.startswith("_")}
    try:
        render(target, data, template=str(answers["_src_path"]), vcs_ref=str(answers["_commit"]))
    except (NewbackendError, KeyError) as error:
        raise UpdateError(f"cannot render the previous version: {first_line(error)}") from None


def _renames(after: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, str]:
    """Old path → new path from the new template version's `renames.yml`, rendered."""
    source, version = str(after["_src_path"]), str(after.get("_commit") or "HEAD")
    text = template_file(source, version, RENAMES_FILE)
    if not text:
        return {}
    entries = (yaml.safe_load(text) or {}).get("renamed") or []
    context = {**before, "package_name": str(before.get("project_name", "")).replace("-", "_")}
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    renames = {}
    for entry in entries:
        try:
            old = env.from_string(str(entry["from"])).render(context)
            new = env.from_string(str(entry["to"])).render(context)
        except (KeyError, TypeError, jinja2.TemplateError):
            continue  # an entry about questions this project does not have
        renames[old] = new
    return renames


def _has_markers(path: Path) -> bool:
    try:
        lines = path.read_bytes().splitlines()
    except OSError:
        return False
    starts = {marker: any(line.startswith(marker) for line in lines) for marker in CONFLICT_MARKERS}
    return all(starts.values())


def _absolute_source(template: str) -> str:
    path = Path(template).expanduser()
    return str(path.resolve()) if path.exists() else template
