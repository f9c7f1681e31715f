"""Every git command newbackend runs, and the one way a failure reads.

`git` runs a command and returns its output; any failure (a non-zero exit, no git on the
machine, a command that never finishes) is a `GitError` whose message is one line: the
command, the folder and git's own first line. The helpers are the few things the others
need done the same way each time: commits that work on a fresh machine, a three-way file
merge, a tree put back as it was, the status of a project's files.
"""

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import GitError

TIMEOUT = 300  # seconds: a clone of a large template on a slow link, never a hang


def available() -> bool:
    """Whether git is installed (a project is still written without it)."""
    return shutil.which("git") is not None


def git(cwd: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """Run `git ARGS` in `cwd` and return what it printed; a GitError when it fails."""
    done = _run(cwd, args, env=env)
    if done.returncode != 0:
        raise _error(args, cwd, done.stderr)
    return done.stdout.decode(errors="replace")


def show(cwd: Path, spec: str) -> bytes:
    """A file's bytes at a revision (`HEAD:./path`), exactly as committed."""
    done = _run(cwd, ("show", spec))
    if done.returncode != 0:
        raise _error(("show", spec), cwd, done.stderr)
    return done.stdout


def commit(project: Path, message: str, *paths: str) -> str:
    """Commit `paths` (default: every change, new files too); the new commit's short hash.

    As the user when git knows them, else as newbackend (a fresh CI machine has no identity).
    Hooks are skipped: the commit is newbackend's, not the user's work.
    """
    if not paths:
        git(project, "add", "-A")
    only = ("--", *paths) if paths else ()
    git(project, "commit", "-q", "--no-verify", "-m", message, *only, env=_fallback_identity())
    return git(project, "rev-parse", "--short", "HEAD").strip()


def init_and_commit(project: Path, message: str) -> str:
    """A new repository on `main` with everything in `project` as its first commit."""
    git(project, "init", "-q", "-b", "main")
    return commit(project, message)


def reset_to(project: Path, revision: str = "HEAD") -> None:
    """The files below `project` back as they are at `revision`; untracked ones removed."""
    git(project, "reset", "-q", "--hard", revision)
    git(project, "clean", "-q", "-fd", "--", ".")


def merge_file(current: Path, base: Path, other: Path, labels: Sequence[str]) -> bool:
    """Merge the change from `base` to `other` into `current`, in place; True on a conflict.

    A clash is left as inline markers labelled with the three `labels`.
    """
    flags = [arg for label in labels for arg in ("-L", label)]
    done = _run(Path(), ("merge-file", *flags, str(current), str(base), str(other)))
    if done.returncode < 0 or done.returncode > 127:  # else: the number of conflicts
        raise GitError(f"git merge-file failed on {current.name}: {_first_line(done.stderr)}")
    return done.returncode > 0


def status(project: Path, *, ignored: bool) -> list[tuple[str, str]]:
    """(added|modified|deleted|conflict, path) for each changed file below `project`.

    Paths are relative to `project`; with `ignored`, ignored `.rej` files (copier's rejected
    hunks) count as added.
    """
    args = ["status", "--porcelain", "-z", "--untracked-files=all"]
    if ignored:
        args.append("--ignored")
    prefix = git(project, "rev-parse", "--show-prefix").strip()
    entries = []
    for entry in git(project, *args, "--", ".").split("\0"):
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if code == "!!" and not path.endswith(".rej"):
            continue
        if code in {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}:
            state = "conflict"
        elif code in {"??", "!!"} or "A" in code:
            state = "added"
        elif "D" in code:
            state = "deleted"
        else:
            state = "modified"
        entries.append((state, path.removeprefix(prefix)))
    return entries


def _fallback_identity() -> dict[str, str]:
    """No extra environment when git knows the user, else newbackend's name and address."""
    configured = _run(Path(), ("config", "user.email"))
    if configured.stdout.strip() or os.environ.get("GIT_AUTHOR_EMAIL"):
        return {}
    return {
        "GIT_AUTHOR_NAME": "newbackend",
        "GIT_AUTHOR_EMAIL": "newbackend@localhost",
        "GIT_COMMITTER_NAME": "newbackend",
        "GIT_COMMITTER_EMAIL": "newbackend@localhost",
    }


def _run(
    cwd: Path, args: Sequence[str], env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=None if env is None else {**os.environ, **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} did not finish in {TIMEOUT} s in '{cwd}'") from None
    except OSError as error:
        raise GitError(f"cannot run git {args[0]} in '{cwd}': {error}") from None


def _error(args: Sequence[str], cwd: Path, stderr: bytes) -> GitError:
    return GitError(f"git {args[0]} failed in '{cwd}': {_first_line(stderr)}", _first_line(stderr))


def _first_line(stderr: bytes) -> str:
    return (stderr.decode(errors="replace").strip().splitlines() or ["no message"])[0]
