"""`/health`: is the database usable, which cache is in use and does it answer."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from .deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(runtime: RuntimeDep) -> JSONResponse:
    usable, report = runtime.health()
    return JSONResponse(report, status_code=200 if usable else 503)
