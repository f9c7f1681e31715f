"""`newbackend add resource`: an adapter over `_resource.add_resource`, like cli.py."""

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from ._console import console, fail
from .errors import NewbackendError

add = typer.Typer(
    help="Add to an existing project: [bold]resource[/bold] (a CRUD resource in every layer).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


@add.command("resource")
def resource(
    name: Annotated[
        str,
        typer.Argument(help="The resource, singular (order gives /orders).", show_default=False),
    ],
    path: Annotated[Path, typer.Argument(help="The project (default: this folder).")] = Path(),
    plural: Annotated[
        str | None,
        typer.Option(help="The plural, for the URL, table and modules (default: NAME + s/es/ies)."),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            help="A field NAME:TYPE, TYPE one of str, text, int, float, bool, datetime; '?' "
            "after it for optional (due:datetime?). Repeatable; default: title:str, "
            "description:text?, done:bool.",
        ),
    ] = None,
) -> None:
    """Add a CRUD resource: model, repository, service, routes, schemas, migration, tests."""
    from ._resource import add_resource

    try:
        result = add_resource(path, name, plural=plural, fields=field or ())
    except NewbackendError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted: nothing was written", code=130)
    console.print(
        Text.assemble(
            ("Added ", "green"),
            (f"/{result.plural}", "bold"),
            f" to {result.path}: {len(result.files)} files, migration {result.revision}.",
        ),
        soft_wrap=True,
    )
    for file in result.files:
        console.print(f"  {file}", markup=False, highlight=False)
    console.print("Next:")
    for command in (f"python -m {result.package}.models.migrate", "pytest"):
        console.print(f"  {command}", markup=False, highlight=False)
