"""Domain errors; the API layer turns them into HTTP answers."""


class NotFoundError(LookupError):
    """The requested item does not exist (404)."""


class UnavailableError(RuntimeError):
    """A backing service the request needs cannot be reached; retry later (503)."""
