"""Every error is a JSON body with a `detail`: no HTML pages, no stack traces."""

import logging
from typing import Any

from flask import Flask, Response, jsonify
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from ..errors import ChangedError, NotFoundError, PreconditionRequiredError, UnavailableError

log = logging.getLogger(__name__)


class ValidationErrorBody(BaseModel):
    """The 422 body, as documented in /openapi.json."""

    detail: list[dict[str, Any]]


def validation_error(error: ValidationError) -> Response:
    """422 naming each invalid field, the same shape FastAPI uses."""
    detail = error.errors(include_url=False, include_context=False, include_input=False)
    response = jsonify(detail=detail)
    response.status_code = 422
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(NotFoundError)
    def not_found(error: NotFoundError) -> tuple[Response, int]:
        return jsonify(detail=str(error)), 404

    @app.errorhandler(ChangedError)
    def changed(error: ChangedError) -> tuple[Response, int]:
        return jsonify(detail=str(error)), 412

    @app.errorhandler(PreconditionRequiredError)
    def unconditional(error: PreconditionRequiredError) -> tuple[Response, int]:
        return jsonify(detail=str(error)), 428

    @app.errorhandler(UnavailableError)
    def unavailable(error: UnavailableError) -> tuple[Response, int, dict[str, str]]:
        return jsonify(detail=str(error)), 503, {"Retry-After": "5"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int, dict[str, str]]:
        # Keep what the error says in headers (e.g. Allow on a 405), but answer in JSON.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return jsonify(detail=error.description), error.code or 500, headers

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        log.exception("unhandled error", exc_info=error)
        return jsonify(detail="internal server error"), 500
