"""The `newbackend` command: every command registered here, in the order `--help` lists them.

Each command is an adapter in its own module (parse, call the library, print, exit: 0 ok,
1 error, 2 usage). The library behind a command loads when it runs, so `--help` stays quick.
"""

from typing import Annotated

import typer

from . import __version__
from ._cli_create import create
from ._cli_resource import resource
from ._cli_update import set_, update
from ._console import console
from .teaching._cli import check, cohort_create, cohort_report, cohort_sync

app = typer.Typer(
    name="newbackend",
    help="Scaffold a five-layer Python backend (routes, services, models, cache, config).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
    pretty_exceptions_enable=False,
)
add = typer.Typer(
    help="Add to an existing project: [bold]resource[/bold] (a CRUD resource in every layer).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
cohort = typer.Typer(
    help="Teach with exercises: one starter project per student, a progress report, updates.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


def _show_version(value: bool) -> None:
    if value:
        console.print(f"newbackend {__version__}", markup=False, highlight=False)
        raise typer.Exit()


def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Scaffold a five-layer Python backend (routes, services, models, cache, config)."""


# Typer lists plain commands first, then the groups (add, cohort), each in this order.
app.callback()(main)
app.command()(create)
app.command()(update)
app.command(name="set")(set_)
app.command()(check)
app.add_typer(add, name="add")
add.command("resource")(resource)
app.add_typer(cohort, name="cohort")
cohort.command("create")(cohort_create)
cohort.command("report")(cohort_report)
cohort.command("sync")(cohort_sync)
