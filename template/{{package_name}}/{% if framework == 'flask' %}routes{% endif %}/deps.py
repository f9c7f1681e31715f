"""Per-request resources (one database session, closed when the request ends), the query and
header models the routes share, and how a service's document becomes a response."""

import logging
from functools import cache
from typing import Any

from flask import Response, current_app, g
from pydantic import BaseModel, Field
from pydantic.json_schema import model_json_schema
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..cache import Document
from ..errors import UnavailableError
from ..runtime import Runtime
from ..services import Page
from .conditions import not_modified

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


class SchemaOnce(BaseModel):
    """A request model whose JSON schema is built once.

    flask-openapi3 asks a query or header model for its JSON schema on every request, which
    costs more than the rest of a cached read; the schema never changes.
    """

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return _json_schema(cls, *args, **kwargs)


@cache
def _json_schema(model: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
    return model_json_schema(model, *args, **kwargs)


class PageQuery(SchemaOnce, Page):
    """`Page`, read from the query string."""


class IfMatch(SchemaOnce):
    """The ETag the client read: a PATCH or DELETE happens only if it is still current."""

    if_match: str | None = Field(default=None, alias="If-Match")


class IfNoneMatch(SchemaOnce):
    """The ETag the client has: 304 Not Modified while it is still current."""

    if_none_match: str | None = Field(default=None, alias="If-None-Match")


def answer(
    document: Document,
    status: int = 200,
    if_none_match: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The service's finished JSON, sent as is (no re-encoding), with its ETag."""
    headers = {"ETag": document.etag, **(headers or {})}
    if not_modified(if_none_match, document.etag):
        return Response(status=304, headers=headers)
    return Response(document.body, status, headers, mimetype="application/json")
