"""`/health`: is the database usable, which cache is in use and does it answer."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from .deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(runtime: RuntimeDep) -> JSONResponse:
    """Liveness and a report: 503 while the database cannot be used."""
    usable, report = runtime.health()
    return JSONResponse(report, status_code=200 if usable else 503)


@router.get("/ready")
def ready(runtime: RuntimeDep) -> JSONResponse:
    """Readiness: send traffic only while the database answers (a cache fault only degrades)."""
    usable, report = runtime.health()
    return JSONResponse(report, status_code=200 if usable else 503)
