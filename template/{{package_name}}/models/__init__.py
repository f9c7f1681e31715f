"""The database layer: SQLAlchemy models, the engine, sessions and repositories."""

from importlib import import_module
from pkgutil import iter_modules

from .base import Base as Base
from .database import build_engine as build_engine
from .database import build_session_factory as build_session_factory
from .database import ping as ping

# Every other module here holds one resource's table. Importing each one lets Base.metadata
# (and with it the migrations and the tests) see every table, also those added later with
# `newbackend add resource`, without a list to keep up to date.
_SHARED = {"base", "database", "migrate"}
for _module in iter_modules(__path__):
    if _module.name not in _SHARED:
        import_module(f"{__name__}.{_module.name}")
