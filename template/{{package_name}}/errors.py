"""The errors any layer may raise; the API layer turns each into an HTTP answer."""


class NotFoundError(LookupError):
    """The requested item does not exist (404)."""


class UnavailableError(RuntimeError):
    """A backing service the request needs cannot be reached; retry later (503)."""
