"""Every call into copier, with newbackend's settings, and its errors as NewbackendErrors.

Copier is imported when a call runs, not before: it costs about 0.6 s, which `--help` never
pays. Its warnings about dirty template checkouts are for template authors, not for the user,
so they are silenced here.
"""

import io
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, redirect_stderr
from pathlib import Path
from typing import Any

from ._answers import record_release
from ._format import format_python
from ._template import is_dirty_checkout, template_ref, template_root, working_tree_copy
from .errors import InvalidAnswerError, NewbackendError, TemplateError, UpdateError


def render(
    target: Path,
    data: Mapping[str, Any],
    *,
    defaults: bool = True,
    template: str | Path | None = None,
    vcs_ref: str | None = None,
    ruff_config: Path | None = None,
) -> None:
    """Render `template` (default: newbackend's own) into `target` with the answers `data`,
    then format its Python for the real names (`ruff_config`: whose settings; see _format).

    `defaults=False` lets copier ask, on a terminal, every question `data` does not answer.
    A rejected answer is an InvalidAnswerError, a broken template a TemplateError.
    """
    from copier import run_copy
    from copier.errors import CopierError, UserMessageError

    root = template or template_root()
    if vcs_ref is None and Path(root).is_dir():
        vcs_ref = template_ref(Path(root))
    try:
        with ExitStack() as stack:
            source, recorded = str(root), None
            if vcs_ref == "HEAD" and is_dirty_checkout(Path(root)):
                # Rendered from a copy of its files: see is_dirty_checkout. The answers then
                # name the checkout and its commit, as copier would for a clean one.
                copy, commit = stack.enter_context(working_tree_copy(Path(root)))
                source, vcs_ref, recorded = str(copy), None, (str(root), commit)
            stack.enter_context(warnings.catch_warnings())
            warnings.simplefilter("ignore")
            run_copy(
                source,
                target,
                data=dict(data),
                defaults=defaults,
                quiet=True,
                vcs_ref=vcs_ref,
                unsafe=False,
            )
        if recorded is not None:
            record_release(target, *recorded)
    except KeyboardInterrupt:  # Ctrl-C at a question: copier's CopierAnswersInterrupt too
        raise KeyboardInterrupt from None
    except ValueError as error:  # a validator or a choice rejected an answer
        raise InvalidAnswerError(str(error).splitlines()[0]) from None
    except UserMessageError as error:
        raise NewbackendError(str(error).splitlines()[0]) from None
    except CopierError as error:
        raise TemplateError(f"the template failed to render: {error}") from error
    except NewbackendError:
        raise
    except Exception as error:
        raise TemplateError(f"the template failed to render: {error!r}") from error
    format_python(target, config=ruff_config)
    protect_env(target)


ENV_FILE = ".env"  # SECRET_KEY, DB_PASSWORD: for the owner's eyes only


def protect_env(project: Path) -> None:
    """`.env` readable by its owner alone (0600), however copier or the umask wrote it."""
    path = project / ENV_FILE
    if path.is_file() and not path.is_symlink():
        path.chmod(0o600)


def copier_update(
    project: Path,
    vcs_ref: Any = None,
    data: Mapping[str, Any] | None = None,
    *,
    source: str | None = None,
) -> None:
    """Copier's update of `project` to `vcs_ref` from the template at `source`.

    Any failure is an UpdateError of a few lines: what failed, git's own words, what to do.
    The caller has checked that the tree is clean and undoes whatever a failed update left.
    """
    from copier import run_update

    try:
        with _quiet_copier(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_update(
                project,
                data=dict(data or {}),
                vcs_ref=vcs_ref,
                defaults=True,
                overwrite=True,
                skip_answered=True,
                quiet=True,
                unsafe=False,
                conflict="inline",
            )
    except Exception as error:  # copier's own, git's through plumbum, a bad tag, a template's
        raise UpdateError(explain(error, source)) from None
    protect_env(project)


GIVE_TEMPLATE = (
    "run `newbackend update --template PATH_OR_URL` with a clone of the newbackend repository"
)
_CAUSE_LINES = 2  # of git's stderr, the first ones: where it says why


def explain(error: BaseException, source: str | None) -> str:
    """A failed update in a few lines: the failure, git's reason, and what to pass instead.

    A git command copier ran (plumbum's ProcessExecutionError) says only its exit code in its
    first line; the reason is in its stderr.
    """
    message = first_line(error)
    stderr = getattr(error, "stderr", None)
    if isinstance(stderr, bytes):
        stderr = stderr.decode(errors="replace")
    retcode = getattr(error, "retcode", None)
    if isinstance(stderr, str) and retcode is not None:
        cause = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
        where = f" at {source}" if source else ""
        head = f"cannot read the template{where} (git exit {retcode})"
        return "\n  ".join([head + ":", *cause[:_CAUSE_LINES], GIVE_TEMPLATE])
    if message.startswith("Unknown revision"):
        return f"{message}: pass --to a tag or commit the template has, or {GIVE_TEMPLATE}"
    if "Local template must be a directory" in message:
        return f"the template {source or ''} is not a folder here: {GIVE_TEMPLATE}"
    return message


@contextmanager
def _quiet_copier() -> Iterator[None]:
    """Copier prints, once per template it reads, that a repository without tags is read at
    HEAD: true and expected here (nothing depends on tags), so that line is dropped."""
    captured = io.StringIO()
    try:
        with redirect_stderr(captured):
            yield
    finally:
        for line in captured.getvalue().splitlines(keepends=True):
            if not line.startswith("No git tags found in template"):
                sys.stderr.write(line)


def first_line(error: BaseException) -> str:
    """An exception as one line: its message's first line, else its type."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
