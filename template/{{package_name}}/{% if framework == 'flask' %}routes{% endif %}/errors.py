"""Every error is a JSON body with a `detail`: no HTML pages, no stack traces."""

import json
import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from ..errors import ChangedError, NotFoundError, PreconditionRequiredError, UnavailableError
from .problems import field_errors

log = logging.getLogger(__name__)


class ValidationErrorBody(BaseModel):
    """The 422 body, as documented in /openapi.json."""

    detail: list[dict[str, Any]]


# Where werkzeug words it otherwise than the FastAPI app: one API, whatever the framework.
DETAILS = {413: "request body too large"}

# Where each request model is read from (by class name); any other model is a body.
LOCATIONS = {"PageQuery": "query", "ItemPath": "path", "IfMatch": "header", "IfNoneMatch": "header"}


def validation_error(error: ValidationError) -> Response:
    """422 naming each invalid field, in the shape of routes/problems.py."""
    location = LOCATIONS.get(error.title, "body")
    errors: Any = error.errors(include_url=False, include_context=False, include_input=False)
    if location == "body" and [e["loc"] for e in errors] == [()]:
        errors = unreadable_body() or errors
    response = jsonify(detail=field_errors(errors, location))
    response.status_code = 422
    return response


def unreadable_body() -> list[dict[str, Any]] | None:
    """flask-openapi3 gives the model None for a body that is empty or not JSON: say which."""
    data = request.get_data()
    if not data.strip():
        return [{"loc": (), "msg": "Field required", "type": "missing"}]
    try:
        json.loads(data)
    except ValueError:
        return [{"loc": (), "msg": "", "type": "json_invalid"}]
    return None


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
        detail = DETAILS.get(error.code or 500, error.description)
        return jsonify(detail=detail), error.code or 500, headers

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        log.exception("unhandled error", exc_info=error)
        return jsonify(detail="internal server error"), 500
