"""Cross-cutting HTTP concerns: request ids, security headers, CORS, rate limits, body size."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings, request_id
from .headers import accept_request_id, security_headers
from .ratelimit import RateLimiter


class BodyTooLarge(HTTPException):
    """A streamed body grew past MAX_BODY_BYTES: 413.

    An HTTPException, because FastAPI turns any other error raised while it reads the body
    into a 400 ("There was an error parsing the body").
    """

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="request body too large")


class HttpPolicy:
    """Pure ASGI middleware (no per-request task or buffering, unlike BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in security_headers(settings).items()]
        self.max_body = settings.max_body_bytes
        per_minute = settings.rate_limit_per_minute
        self.limiter = RateLimiter(per_minute) if per_minute else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope)
        rid = accept_request_id(incoming.get("x-request-id"))
        token = request_id.set(rid)
        try:
            refusal = self.refuse(scope, incoming)
            if refusal is not None:
                refusal.headers["X-Request-ID"] = rid
                await refusal(scope, receive, self.with_headers(send, rid))
                return
            await self.app(scope, self.limited(receive), self.with_headers(send, rid))
        finally:
            request_id.reset(token)

    def refuse(self, scope: Scope, headers: Headers) -> JSONResponse | None:
        if self.limiter is not None:
            client = scope.get("client")
            wait = self.limiter.check(client[0] if client else "-")
            if wait:
                answer = JSONResponse({"detail": "too many requests"}, status_code=429)
                answer.headers["Retry-After"] = str(wait)
                return answer
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            return JSONResponse({"detail": "request body too large"}, status_code=413)
        return None

    def limited(self, receive: Receive) -> Receive:
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise BodyTooLarge
            return message

        return receive_limited

    def with_headers(self, send: Send, rid: str) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers.append(name.decode(), value.decode())
                headers["X-Request-ID"] = rid
            await send(message)

        return send_with_headers


def install_middleware(app: FastAPI, settings: Settings) -> None:
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Content-Type", "If-Match", "If-None-Match", "X-Request-ID"],
            # So a page's script can send the ETag back in If-Match and follow the pages.
            expose_headers=["ETag", "Link", "X-Request-ID", "X-Total-Count"],
        )
    app.add_middleware(HttpPolicy, settings=settings)
