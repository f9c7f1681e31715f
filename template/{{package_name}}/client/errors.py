"""What can go wrong when calling the API, as one small hierarchy a caller can catch."""

from typing import Any

import httpx


class ClientError(Exception):
    """The API refused the request or could not be reached; `status` is 0 when unreached."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class NotFound(ClientError):
    """404: no item with that id (or it was deleted)."""


class Invalid(ClientError):
    """422: the request broke a rule; `errors` says which field and why."""

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message, 422)
        self.errors = errors

    def fields(self) -> dict[str, str]:
        """The message for each field that caused an error, by the field's name."""
        return {str(error["loc"][-1]): str(error["msg"]) for error in self.errors if error["loc"]}


class Conflict(ClientError):
    """409 or 412: someone changed the item since you read it; read it again, then retry."""


class Unavailable(ClientError):
    """503, a timeout or no connection: the API cannot answer now; try again later."""


def check(response: httpx.Response) -> httpx.Response:
    """The response when it is a success, else the matching ClientError."""
    if response.is_success:
        return response
    status = response.status_code
    detail = _detail(response)
    message = f"{response.request.method} {response.request.url.path}: {status} {detail}"
    if status == 404:
        raise NotFound(message, status)
    if status == 422:
        raise Invalid(message, detail if isinstance(detail, list) else [])
    if status in {409, 412}:
        raise Conflict(message, status)
    if status == 503:
        raise Unavailable(message, status)
    raise ClientError(message, status)


def _detail(response: httpx.Response) -> Any:
    try:
        return response.json().get("detail", "")
    except ValueError:  # not JSON (a proxy's error page): the text says enough
        return response.text
