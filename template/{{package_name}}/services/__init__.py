"""Server logic: business rules and cache-aside, independent of the web framework."""

from .errors import NotFoundError, UnavailableError
from .paging import ID_MAX, Page

__all__ = ["ID_MAX", "NotFoundError", "Page", "UnavailableError"]
