"""`newbackend add resource`: the adapter over `add_resource`."""

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from ._console import console, handle_errors


@handle_errors(interrupted="nothing was written")
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

    result = add_resource(path, name, plural=plural, fields=field or ())
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
