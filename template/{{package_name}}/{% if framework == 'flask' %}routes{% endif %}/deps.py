"""Per-request resources: one database session, closed when the request ends."""

from flask import current_app, g
from sqlalchemy.orm import Session

from ..runtime import Runtime


def runtime() -> Runtime:
    value: Runtime = current_app.extensions["runtime"]
    return value


def db_session() -> Session:
    if "db_session" not in g:
        g.db_session = runtime().sessions()
    session: Session = g.db_session
    return session


def close_session(_error: BaseException | None = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()
