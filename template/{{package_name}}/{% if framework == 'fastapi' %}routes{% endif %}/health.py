"""`/livez`: is the process alive. `/health` and `/ready`: is the database usable, which cache
is in use and does it answer."""

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from typing_extensions import TypedDict

from ..runtime import HealthReport
from .deps import RuntimeDep

router = APIRouter(tags=["health"])
UNAVAILABLE: dict[int | str, dict[str, Any]] = {503: {"model": HealthReport}}


class Alive(TypedDict):
    status: Literal["ok"]


@router.get("/livez", response_model=Alive)
async def livez() -> Alive:
    """Liveness: 200 while the process answers.

    It asks neither database nor cache, so their outage never makes an orchestrator restart a
    healthy process.
    """
    # `async`: nothing here blocks, so no hop to the thread pool.
    return {"status": "ok"}


def report(runtime: RuntimeDep) -> JSONResponse:
    usable, body = runtime.health()
    return JSONResponse(body, status_code=200 if usable else 503)


@router.get("/health", response_model=HealthReport, responses=UNAVAILABLE)
def health(runtime: RuntimeDep) -> JSONResponse:
    """A report for people and monitors: 503 while the database cannot be used."""
    return report(runtime)


@router.get("/ready", response_model=HealthReport, responses=UNAVAILABLE)
def ready(runtime: RuntimeDep) -> JSONResponse:
    """Readiness: send traffic only while the database answers (a cache fault only degrades)."""
    return report(runtime)
