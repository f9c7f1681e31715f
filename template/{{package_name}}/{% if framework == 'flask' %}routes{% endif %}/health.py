"""`/livez`: is the process alive. `/health` and `/ready`: is the database usable, which cache
is in use and does it answer."""

from typing import Literal

from flask import Response, jsonify
from flask_openapi3 import APIBlueprint, Tag
from flask_openapi3.types import ResponseDict
from pydantic import BaseModel, RootModel

from ..runtime import HealthReport
from .deps import runtime

bp = APIBlueprint("health", __name__, abp_tags=[Tag(name="health")])


class Report(RootModel[HealthReport]):
    pass


class Alive(BaseModel):
    status: Literal["ok"]


REPORTS: ResponseDict = {200: Report, 503: Report}


@bp.get("/livez", responses={200: Alive})
def livez() -> tuple[Response, int]:
    """Liveness: 200 while the process answers.

    It asks neither database nor cache, so their outage never makes an orchestrator restart a
    healthy process.
    """
    return jsonify(status="ok"), 200


def report() -> tuple[Response, int]:
    usable, body = runtime().health()
    return jsonify(body), 200 if usable else 503


@bp.get("/health", responses=REPORTS)
def health() -> tuple[Response, int]:
    """A report for people and monitors: 503 while the database cannot be used."""
    return report()


@bp.get("/ready", responses=REPORTS)
def ready() -> tuple[Response, int]:
    """Readiness: send traffic only while the database answers (a cache fault only degrades)."""
    return report()
