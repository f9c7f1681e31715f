"""newbackend: scaffold five-layer Python backends from a Copier template."""

from ._create import CreateResult, create_project
from .errors import DestinationError, InvalidAnswerError, NewbackendError, TemplateError

__version__ = "0.1.0"

__all__ = [
    "CreateResult",
    "DestinationError",
    "InvalidAnswerError",
    "NewbackendError",
    "TemplateError",
    "__version__",
    "create_project",
]
