"""newbackend: scaffold five-layer Python backends from a Copier template."""

from typing import TYPE_CHECKING, Any

from .errors import DestinationError, InvalidAnswerError, NewbackendError, TemplateError

if TYPE_CHECKING:
    from ._create import CreateResult, create_project

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`create_project` and `CreateResult` load on first use: `newbackend --help` skips them."""
    if name in {"CreateResult", "create_project"}:
        from . import _create

        return getattr(_create, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CreateResult",
    "DestinationError",
    "InvalidAnswerError",
    "NewbackendError",
    "TemplateError",
    "__version__",
    "create_project",
]
