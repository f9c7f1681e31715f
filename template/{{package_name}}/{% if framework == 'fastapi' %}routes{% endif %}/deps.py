"""Per-request resources (the app's runtime, one database session per request), the
conditional-request headers, and how a service's document becomes a response."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from sqlalchemy.orm import Session

from ..cache import Document
from ..runtime import Runtime
from .conditions import not_modified


async def runtime(request: Request) -> Runtime:
    # `async` though it awaits nothing: FastAPI runs a plain `def` dependency in its thread
    # pool, a hop that costs more than this whole function.
    value: Runtime = request.app.state.runtime
    return value


@contextmanager
def db_session(runtime: Runtime) -> Iterator[Session]:
    """A session opened and closed in the endpoint's own thread.

    A context manager in the (sync) endpoint rather than a dependency: FastAPI would run a
    sync dependency, and each end of a generator one, in its thread pool, one hop apiece;
    this way a request makes a single hop, the endpoint itself.
    """
    with runtime.sessions() as session:
        yield session


RuntimeDep = Annotated[Runtime, Depends(runtime)]


# The conditional-request headers (see conditions.py); FastAPI reads if_match as If-Match.
IfMatch = Annotated[str | None, Header(description="The ETag you read: write only if unchanged")]
IfNoneMatch = Annotated[str | None, Header(description="The ETag you have: 304 if unchanged")]


def answer(
    document: Document,
    status: int = 200,
    if_none_match: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The service's finished JSON, sent as is (no re-encoding), with its ETag."""
    headers = {"ETag": document.etag, **(headers or {})}
    if not_modified(if_none_match, document.etag):
        return Response(status_code=304, headers=headers)
    return Response(document.body, status, headers, media_type="application/json")
