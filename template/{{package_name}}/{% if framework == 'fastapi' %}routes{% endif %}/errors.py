"""Every error is a JSON body with a `detail`: no HTML pages, no stack traces."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..errors import ChangedError, NotFoundError, PreconditionRequiredError, UnavailableError
from .problems import field_errors

log = logging.getLogger(__name__)


def register_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFoundError)
    async def not_found(_request: Request, error: NotFoundError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": field_errors(error.errors())}, status_code=422)

    @app.exception_handler(ChangedError)
    async def changed(_request: Request, error: ChangedError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=412)

    @app.exception_handler(PreconditionRequiredError)
    async def unconditional(_request: Request, error: PreconditionRequiredError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=428)

    @app.exception_handler(UnavailableError)
    async def unavailable(_request: Request, error: UnavailableError) -> JSONResponse:
        headers = {"Retry-After": "5"}
        return JSONResponse({"detail": str(error)}, status_code=503, headers=headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        headers = dict(error.headers or {})
        if error.status_code == 405:  # every method of the path, not only the first route's
            headers["Allow"] = ", ".join(sorted(allowed_methods(request)))
        body = {"detail": error.detail}
        return JSONResponse(body, status_code=error.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return JSONResponse({"detail": "internal server error"}, status_code=500)


def allowed_methods(request: Request) -> set[str]:
    """The methods the OpenAPI document gives this path (Starlette names only one route's)."""
    path = request.url.path.strip("/").split("/")
    for template, operations in request.app.openapi()["paths"].items():
        parts = template.strip("/").split("/")
        if len(parts) == len(path) and all(
            want == have or (want.startswith("{") and want.endswith("}"))
            for want, have in zip(parts, path, strict=True)
        ):
            return {method.upper() for method in operations}
    return set()
