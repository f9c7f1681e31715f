"""One engine per process, one session per request."""

import logging
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection, QueuePool

from ..config.settings import masked
from ..errors import UnavailableError

log = logging.getLogger(__name__)


def build_engine(url: str, *, pool_size: int = 5, pool_timeout: float = 5) -> Engine:
    """An engine tuned for the database behind `url`.

    SQLite gets foreign keys and WAL on every connection; servers get a pool of at most
    `pool_size` connections that checks each before use (a restarted database is survived)
    and, for MySQL, recycles them before the server's idle timeout closes them. Losing the
    database, or waiting more than `pool_timeout` seconds for a free connection, raises
    UnavailableError (the API answers 503) instead of a driver error.
    """
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # No overflow: `pool_size` is this process's whole share of the server's connections.
        options: dict[str, Any] = {"poolclass": BoundedPool, "pool_pre_ping": True}
        options |= {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": pool_timeout}
        if backend in {"mysql", "mariadb"}:
            options["pool_recycle"] = 3600
        engine = create_engine(url, **options)
    event.listen(engine, "handle_error", _unavailable)
    return engine


class BoundedPool(QueuePool):
    """A QueuePool whose wait for a free connection ends in UnavailableError, a 503 to retry."""

    # Log as SQLAlchemy's own pool does (quiet below WARNING), not under this package's INFO.
    _sqla_logger_namespace = "sqlalchemy.pool.impl.QueuePool"

    def connect(self) -> PoolProxiedConnection:
        try:
            return super().connect()
        except PoolTimeout as error:
            log.warning("no free database connection: %s", error)
            raise UnavailableError("database busy") from error


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _unavailable(context: ExceptionContext) -> Exception | None:
    """Connection lost or refused: an UnavailableError in place of the driver's error."""
    if context.is_pre_ping:
        # The pool's own check of an idle connection: let it throw that one away and connect
        # anew, so connections killed while the server stays up cost no failed request.
        return None
    if context.is_disconnect or context.connection is None:
        if not refused(context.original_exception):  # a refusal is reported where it is met
            log.warning("database unavailable: %s", context.original_exception)
        return UnavailableError("database unavailable")
    return None


def build_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: a repository returns what it just wrote
    # without a second SELECT.
    return sessionmaker(engine, expire_on_commit=False)


def ping(engine: Engine) -> bool:
    """True when the database answers a trivial query."""
    return probe(engine) is None


# Answers that waiting cannot change: a wrong password or role, a database that is not there.
_REFUSED_CODES = {1044, 1045, 1049, 1698}  # MySQL and MariaDB: access denied, unknown database
_REFUSED_SAYING = ("authentication failed", "does not exist", "no pg_hba.conf entry")


def driver_error(error: BaseException) -> BaseException:
    """The driver's own error under SQLAlchemy's wrapping (and our UnavailableError)."""
    while (inner := getattr(error, "orig", None) or error.__cause__) is not None:
        error = inner
    return error


def refused(error: BaseException) -> bool:
    """True when the server answered but will not let this URL in."""
    cause = driver_error(error)
    code = cause.args[0] if cause.args and isinstance(cause.args[0], int) else None
    return code in _REFUSED_CODES or any(text in str(cause) for text in _REFUSED_SAYING)


def probe(engine: Engine) -> Exception | None:
    """None when the database answers a trivial query, else the error it gave."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not usable yet"
        return error
    return None


def wait_for_database(engine: Engine, timeout: float) -> None:
    """Wait up to `timeout` seconds for the database, so a server started with it is not lost.

    A refusal (wrong password, unknown role or database) ends the wait at once: one line that
    names the URL, its password masked, since no amount of waiting fixes it.
    """
    deadline = time.monotonic() + timeout
    delay = 0.25
    while (error := probe(engine)) is not None:
        where = masked(engine.url.render_as_string(hide_password=True))
        if refused(error):
            reason = str(driver_error(error)).strip().splitlines()[0]
            raise UnavailableError(f"the database at {where} refused the connection: {reason}")
        if time.monotonic() >= deadline:
            raise UnavailableError(f"database at {where} not reachable after {timeout:g} s")
        log.warning("waiting for the database …")
        time.sleep(delay)
        delay = min(delay * 2, 2.0)
