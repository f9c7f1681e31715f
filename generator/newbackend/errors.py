"""One error hierarchy: the CLI prints any NewbackendError as one line and exits 1."""


class NewbackendError(Exception):
    """Something the user can fix; the message says what."""


class InvalidAnswerError(NewbackendError):
    """An answer (name, choice, …) that the template's questions reject."""


class DestinationError(NewbackendError):
    """The output folder cannot be used as asked."""


class TemplateError(NewbackendError):
    """The template failed to render; nothing was written."""
