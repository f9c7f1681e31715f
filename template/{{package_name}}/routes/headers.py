"""Headers every response carries and the request id each one echoes, for both frameworks."""

import re
import uuid

from ..config import Settings

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def security_headers(settings: Settings) -> dict[str, str]:
    """Headers on every response: this is a JSON API, so nothing may frame, sniff or embed it."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "Cache-Control": "no-store",
    }
    if settings.hsts_seconds:
        headers["Strict-Transport-Security"] = f"max-age={settings.hsts_seconds}; includeSubDomains"
    return headers


def accept_request_id(incoming: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    if incoming and _REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex
