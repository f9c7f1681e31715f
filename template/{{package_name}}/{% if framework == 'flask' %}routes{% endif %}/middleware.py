"""Cross-cutting HTTP concerns: request ids, security headers, CORS, rate limits."""

from flask import Flask, Response, g, jsonify, request
from flask_cors import CORS

from ..config import Settings, request_id
from .headers import accept_request_id, security_headers
from .ratelimit import RateLimiter


def install_middleware(app: Flask, settings: Settings) -> None:
    headers = security_headers(settings)
    per_minute = settings.rate_limit_per_minute
    limiter = RateLimiter(per_minute) if per_minute else None
    if settings.cors_origins:
        # ETag exposed, so a page's script can read it and send it back in If-Match.
        CORS(app, origins=settings.cors_origins, expose_headers=["ETag", "X-Request-ID"])

    @app.before_request
    def begin() -> Response | None:
        g.request_id = accept_request_id(request.headers.get("X-Request-ID"))
        request_id.set(g.request_id)
        if request.content_length is None and request.headers.get("Transfer-Encoding"):
            # A chunked body has no length to check up front: read it here, where going past
            # MAX_CONTENT_LENGTH is a 413, not a body the validation later calls invalid.
            request.get_data()
        if limiter is not None and (wait := limiter.check(request.remote_addr or "-")):
            response = jsonify(detail="too many requests")
            response.status_code = 429
            response.headers["Retry-After"] = str(wait)
            return response
        return None

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers.update(headers)
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        return response
