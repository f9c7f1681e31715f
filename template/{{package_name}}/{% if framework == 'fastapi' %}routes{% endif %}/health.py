"""`/health` and `/ready`: is the database usable, which cache is in use and does it answer."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..runtime import HealthReport
from .deps import RuntimeDep

router = APIRouter(tags=["health"])
UNAVAILABLE: dict[int | str, dict[str, Any]] = {503: {"model": HealthReport}}


def report(runtime: RuntimeDep) -> JSONResponse:
    usable, body = runtime.health()
    return JSONResponse(body, status_code=200 if usable else 503)


@router.get("/health", response_model=HealthReport, responses=UNAVAILABLE)
def health(runtime: RuntimeDep) -> JSONResponse:
    """Liveness and a report: 503 while the database cannot be used."""
    return report(runtime)


@router.get("/ready", response_model=HealthReport, responses=UNAVAILABLE)
def ready(runtime: RuntimeDep) -> JSONResponse:
    """Readiness: send traffic only while the database answers (a cache fault only degrades)."""
    return report(runtime)
