"""Server logic: business rules and cache-aside, independent of the web framework."""

from .errors import NotFoundError, UnavailableError
from .paging import Page

__all__ = ["NotFoundError", "Page", "UnavailableError"]
