"""Per-request resources (one database session, closed when the request ends) and the query
models the routes share."""

from functools import cache
from typing import Any

from flask import current_app, g
from pydantic import BaseModel
from pydantic.json_schema import model_json_schema
from sqlalchemy.orm import Session

from ..runtime import Runtime
from ..services import Page


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
