"""Per-request resources (one database session, closed when the request ends) and the query
models the routes share."""

import logging
from functools import cache
from typing import Any

from flask import current_app, g
from pydantic import BaseModel
from pydantic.json_schema import model_json_schema
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import UnavailableError
from ..runtime import Runtime
from ..services import Page

log = logging.getLogger(__name__)


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
    if session is None:
        return
    try:
        session.close()
    except (UnavailableError, SQLAlchemyError) as error:
        # Teardown runs after the answer is chosen and outside the error handlers: a database
        # lost by now is logged and its connection thrown away, not turned into an HTML 500.
        log.warning("closing the database session failed: %s", error)
        session.invalidate()


class PageQuery(Page):
    """`Page`, read from the query string.

    flask-openapi3 asks a query model for its JSON schema on every request, which costs more
    than the rest of a cached read; the schema never changes, so it is built once.
    """

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return _json_schema(cls, *args, **kwargs)


@cache
def _json_schema(model: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
    return model_json_schema(model, *args, **kwargs)
