"""What a running app holds (settings, engine, sessions, cache), built once by app.py.

Framework-neutral: Flask and FastAPI both keep one Runtime and ask it for a service per
request, so wiring and health checks are written once.
"""

import weakref
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typing_extensions import TypedDict

from .cache import Cache, build_cache
from .config import Settings
from .models import build_engine, build_session_factory, ping


class DatabaseReport(TypedDict):
    status: Literal["ok", "unavailable"]


class CacheReport(TypedDict):
    backend: str
    status: Literal["ok", "unavailable"]


class HealthReport(TypedDict):
    """What /health and /ready answer (200 when the database is usable, else 503)."""

    status: Literal["ok", "degraded", "unavailable"]
    database: DatabaseReport
    cache: CacheReport


@dataclass(frozen=True, eq=False)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cache: Cache

    @classmethod
    def start(cls, settings: Settings) -> "Runtime":
        engine = build_engine(
            settings.database_url,
            pool_size=settings.database_pool_size,
            pool_timeout=settings.database_pool_timeout,
        )
        runtime = cls(settings, engine, build_session_factory(engine), build_cache(settings))
        _started.add(runtime)
        return runtime

    def health(self) -> tuple[bool, HealthReport]:
        """(usable, report): usable when the database answers; a cache fault only degrades."""
        database_ok = ping(self.engine)
        cache_ok = self.cache.ping()
        status: Literal["ok", "degraded", "unavailable"] = "ok" if cache_ok else "degraded"
        report: HealthReport = {
            "status": status if database_ok else "unavailable",
            "database": {"status": "ok" if database_ok else "unavailable"},
            "cache": {"backend": self.cache.name, "status": "ok" if cache_ok else "unavailable"},
        }
        return database_ok, report

    def close(self) -> None:
        self.engine.dispose()


_started: "weakref.WeakSet[Runtime]" = weakref.WeakSet()


def close_all() -> None:
    """Give every pool back; the production server calls this as a worker exits."""
    for runtime in list(_started):
        runtime.close()
