"""The CLI's two consoles and its one way to fail, shared by every command module."""

from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, `error: …`, and the exit code (1: a NewbackendError)."""
    err_console.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    raise typer.Exit(code)


# How a layer's state shows in the terminal (check, cohort report) and in the HTML report.
STATE_SYMBOLS = {"done": "✓", "todo": "✗", "waiting": "…", "error": "!"}
STATE_COLOURS = {"done": "green", "todo": "red", "waiting": "yellow", "error": "magenta"}
