"""The CLI's two consoles and its one way to fail, shared by every command module."""

import functools
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from .errors import NewbackendError

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, `error: …`, and the exit code (1: a NewbackendError)."""
    err_console.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    raise typer.Exit(code)


def handle_errors(interrupted: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap a command so that every error it meets is one line and an exit code.

    A NewbackendError prints its message and exits 1; Ctrl-C prints `interrupted: ` and
    `interrupted`, which says what state the command leaves behind, and exits 130. Anything
    else is a bug, and keeps its traceback.
    """

    def wrap(command: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(command)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return command(*args, **kwargs)
            except NewbackendError as error:
                fail(str(error))
            except KeyboardInterrupt:
                fail(f"interrupted: {interrupted}", code=130)

        return run

    return wrap
