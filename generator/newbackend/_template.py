"""Where the template is: the repository checkout in development, the bundled copy in a wheel.

And where it comes from: a project made from the bundled copy (no git history) records
`TEMPLATE_REPOSITORY` and the commit the copy was built from (`source.json`, written into the
wheel by hatch_build.py), so `copier update` can later render that same template from any
clone of the repository and do a real three-way update. A commit is in every clone; a tag
need not be, so the release tag is only the fallback for a copy without `source.json`.
"""

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._git import git
from .errors import GitError, UpdateError

# The git repository of the template, recorded as `_src_path` in every project made from the
# copy bundled in the package. `NEWBACKEND_TEMPLATE` overrides it (a fork, a mirror, a path).
TEMPLATE_REPOSITORY = "https://github.com/newbackend/newbackend.git"
TEMPLATE_ENV = "NEWBACKEND_TEMPLATE"

SOURCE_FILE = "source.json"  # {"commit": …, "version": …}, next to the bundled copier.yml

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_template"
_CHECKOUT = _PACKAGE.parent.parent


def template_root() -> Path:
    """The folder holding copier.yml and template/."""
    if (_BUNDLED / "copier.yml").is_file():
        return _BUNDLED
    if (_CHECKOUT / "copier.yml").is_file():
        return _CHECKOUT
    raise FileNotFoundError(f"the newbackend template is missing (looked in {_BUNDLED})")


def template_ref(root: Path) -> str | None:
    """`HEAD` for a git checkout, so copier renders the working tree and records the commit.

    Without it copier would render the newest tag and leave later commits out.
    """
    if not (root / ".git").exists():
        return None
    try:
        git(root, "rev-parse", "--verify", "HEAD")
    except GitError:
        return None
    return "HEAD"


def is_dirty_checkout(root: Path) -> bool:
    """Whether `root` is a git checkout with uncommitted or untracked files.

    Copier renders such a checkout's HEAD by `git add -A` of the working tree into a scratch
    clone: a project made inside it (`newbackend create todo` in the clone) becomes an
    embedded repository there, and the checkout fails ("No url found for submodule path").
    """
    if template_ref(root) is None:
        return False
    try:
        return bool(git(root, "status", "--porcelain").strip())
    except GitError:
        return False


@contextmanager
def working_tree_copy(root: Path) -> Iterator[tuple[Path, str]]:
    """The checkout's files as they are (tracked, and untracked ones git does not ignore),
    in a scratch folder without git and without any repository nested in the checkout;
    and the commit the checkout is at, for the answers file."""
    commit = git(root, "rev-parse", "HEAD").strip()
    listed = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    scratch = Path(tempfile.mkdtemp(prefix="newbackend-template-"))
    try:
        for name in sorted(set(listed.split("\0")) - {""}):
            source = root / name
            if name.endswith("/") or (source.is_dir() and not source.is_symlink()):
                continue  # a nested repository (a project made here) or a submodule
            if not source.exists() and not source.is_symlink():
                continue  # deleted in the working tree, not yet committed
            target = scratch / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
        yield scratch, commit
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def template_repository() -> str:
    """Where updates come from: `$NEWBACKEND_TEMPLATE`, else `TEMPLATE_REPOSITORY`."""
    return os.environ.get(TEMPLATE_ENV) or TEMPLATE_REPOSITORY


def bundled_version(root: Path) -> str:
    """What a project made from the non-git copy at `root` records as `_commit`.

    The commit from `source.json` when the build knew it, else the release tag.
    """
    try:
        commit = json.loads((root / SOURCE_FILE).read_text(encoding="utf-8")).get("commit")
    except (OSError, ValueError, AttributeError):
        commit = None
    return str(commit) if commit else release_tag()


def release_tag() -> str:
    """The tag of the template release this package bundles (`v` + the package version)."""
    from . import __version__

    return f"v{__version__}"


def is_git_source(source: str | Path) -> bool:
    """Whether copier can read versions from `source` (a git checkout or any non-local URL)."""
    path = Path(source)
    if path.is_dir():
        return template_ref(path) is not None
    return not path.exists()


def template_file(source: str, commit: str, name: str) -> str | None:
    """One file of the template at `commit` (renames.yml), or None when git cannot show it."""
    local = Path(source)
    if local.is_dir() and not (local / ".git").exists():
        path = local / name
        return path.read_text(encoding="utf-8") if path.is_file() else None
    with tempfile.TemporaryDirectory(prefix="newbackend-template-") as scratch:
        try:
            git(Path(), "clone", "-q", "--no-checkout", "--filter=blob:none", source, scratch)
            return git(Path(scratch), "show", f"{commit}:{name}")
        except GitError:
            return None


@contextmanager
def template_at(answers: Mapping[str, Any]) -> Iterator[Path]:
    """The template's files at the version `answers` record (a scratch checkout for git)."""
    source = str(answers.get("_src_path") or "")
    commit = answers.get("_commit")
    local = Path(source)
    if local.is_dir() and (commit is None or not (local / ".git").exists()):
        yield local
        return
    scratch = Path(tempfile.mkdtemp(prefix="newbackend-template-"))
    try:
        try:
            git(Path(), "clone", "-q", "--no-checkout", source, str(scratch))
            git(scratch, "checkout", "-q", str(commit or "HEAD"))
        except GitError as error:
            reason = error.detail
            raise UpdateError(f"cannot read the template at {source} {commit}: {reason}") from None
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
