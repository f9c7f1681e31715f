"""Every call into copier, with newbackend's settings, and its errors as NewbackendErrors.

Copier is imported when a call runs, not before: it costs about 0.6 s, which `--help` never
pays. Its warnings about dirty template checkouts are for template authors, not for the user,
so they are silenced here.
"""

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._format import format_python
from ._template import template_ref, template_root
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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_copy(
                str(root),
                target,
                data=dict(data),
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
    format_python(target, config=ruff_config)


def copier_update(
    project: Path, vcs_ref: Any = None, data: Mapping[str, Any] | None = None
) -> None:
    """Copier's update of `project` to `vcs_ref`; any failure is one UpdateError line.

    The caller has checked that the tree is clean and undoes whatever a failed update left.
    """
    from copier import run_update

    try:
        with warnings.catch_warnings():
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
        raise UpdateError(first_line(error)) from None


def first_line(error: BaseException) -> str:
    """An exception as one line: its message's first line, else its type."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
