"""Where a request that never got an answer becomes `Unavailable`, for every call at once."""

import httpx

from .errors import Unavailable


class Transport(httpx.BaseTransport):
    """httpx's own transport, with timeouts and refused connections said in the client's terms."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self.inner.handle_request(request)
        except httpx.TransportError as error:  # a timeout, a refused or dropped connection
            raise Unavailable(f"{request.method} {request.url}: {error!r}") from error

    def close(self) -> None:
        self.inner.close()
