"""`/health`: is the database usable, which cache is in use and does it answer."""

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag

from .deps import runtime

bp = APIBlueprint("health", __name__, abp_tags=[Tag(name="health")])


@bp.get("/health")
def health() -> tuple[Response, int]:
    """Liveness and a report: 503 while the database cannot be used."""
    usable, report = runtime().health()
    return jsonify(report), 200 if usable else 503


@bp.get("/ready")
def ready() -> tuple[Response, int]:
    """Readiness: send traffic only while the database answers (a cache fault only degrades)."""
    usable, report = runtime().health()
    return jsonify(report), 200 if usable else 503
