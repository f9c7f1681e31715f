"""`/health`: is the database usable, which cache is in use and does it answer."""

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag

from .deps import runtime

bp = APIBlueprint("health", __name__, abp_tags=[Tag(name="health")])


@bp.get("/health")
def health() -> tuple[Response, int]:
    usable, report = runtime().health()
    return jsonify(report), 200 if usable else 503
