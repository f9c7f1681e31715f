"""One error hierarchy: the CLI prints any NewbackendError as one line and exits 1."""


class NewbackendError(Exception):
    """Something the user can fix; the message says what."""


class InvalidAnswerError(NewbackendError):
    """An answer (name, choice, …) that the template's questions reject."""


class DestinationError(NewbackendError):
    """The output folder cannot be used as asked."""


class TemplateError(NewbackendError):
    """The template failed to render; nothing was written."""


class ExerciseError(NewbackendError):
    """An exercise cannot be made as asked (unknown layer, template and exercise list disagree)."""


class ProjectError(NewbackendError):
    """A folder is not a project newbackend can check or update."""


class GitError(NewbackendError):
    """A git command failed; the message is one line: the command, the folder, git's reason."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = message if detail is None else detail  # git's reason alone


class UpdateError(NewbackendError):
    """Copier could not update the project; nothing was changed."""


class RosterError(NewbackendError):
    """A class roster that cannot be used; the message names every bad line."""


class ResourceError(NewbackendError):
    """A resource cannot be added as asked (it exists, the migrations have several heads)."""
