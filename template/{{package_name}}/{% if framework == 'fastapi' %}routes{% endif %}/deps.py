"""Per-request resources: the app's runtime, and one database session per request."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ..runtime import Runtime


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
