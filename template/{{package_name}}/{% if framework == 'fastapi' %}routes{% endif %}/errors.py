"""Every error is a JSON body with a `detail`: no HTML pages, no stack traces."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..services import NotFoundError, UnavailableError
from .middleware import BodyTooLarge

log = logging.getLogger(__name__)


def register_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFoundError)
    async def not_found(_request: Request, error: NotFoundError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(UnavailableError)
    async def unavailable(_request: Request, error: UnavailableError) -> JSONResponse:
        headers = {"Retry-After": "5"}
        return JSONResponse({"detail": str(error)}, status_code=503, headers=headers)

    @app.exception_handler(BodyTooLarge)
    async def too_large(_request: Request, _error: BodyTooLarge) -> JSONResponse:
        return JSONResponse({"detail": "request body too large"}, status_code=413)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return JSONResponse({"detail": "internal server error"}, status_code=500)
