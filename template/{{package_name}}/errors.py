"""The errors any layer may raise; the API layer turns each into an HTTP answer."""


class NotFoundError(LookupError):
    """The requested item does not exist (404)."""


class ChangedError(Exception):
    """The item changed since the client read it: its If-Match no longer matches (412)."""


class PreconditionRequiredError(Exception):
    """The server requires If-Match on writes, and the request sent none (428)."""


class UnavailableError(RuntimeError):
    """A backing service the request needs cannot be reached; retry later (503)."""
