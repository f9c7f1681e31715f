"""Server logic: business rules and cache-aside, independent of the web framework."""

from ..cache import JsonBody
from .paging import ID_MAX, Page

__all__ = ["ID_MAX", "JsonBody", "Page"]
