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
        # Exposed, so a page's script can send the ETag back in If-Match and follow the pages.
        exposed = ["ETag", "Link", "X-Request-ID", "X-Total-Count"]
        CORS(app, origins=settings.cors_origins, expose_headers=exposed)

    @app.before_request
    def begin() -> Response | None:
        g.request_id = accept_request_id(request.headers.get("X-Request-ID"))
        request_id.set(g.request_id)
        refuse_a_chunked_body_past_the_limit()
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


def refuse_a_chunked_body_past_the_limit() -> None:
    """413 for a chunked body over MAX_CONTENT_LENGTH, as for one whose length says so.

    A chunked body has no length to check up front, and werkzeug cuts it silently at the
    limit; reading on past the cut raises its 413, before the validation would call the cut
    body invalid JSON.
    """
    chunked = request.content_length is None and request.headers.get("Transfer-Encoding")
    if chunked and len(request.get_data()) >= (request.max_content_length or 0):
        request.stream.read(1)
