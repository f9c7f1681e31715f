"""Domain errors; the API layer turns them into HTTP answers."""


class NotFoundError(LookupError):
    """The requested item does not exist."""
