"""`newbackend update` and `newbackend set`: the adapters over `_update`."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from ._console import console, err_console, fail, handle_errors
from ._questions import SETTABLE

if TYPE_CHECKING:
    from ._update import UpdateResult

PATH_HELP = "The project folder (a git repository made by newbackend or copier)."
PRETEND_HELP = "Show what would change and write nothing."


@handle_errors(interrupted="the project is as it was")
def update(
    path: Annotated[Path, typer.Argument(help=PATH_HELP)] = Path(),
    to: Annotated[
        str | None,
        typer.Option("--to", help="The template version (a tag or commit); default: the newest."),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(
            "--template", help="Follow this template source from now on (git URL or path)."
        ),
    ] = None,
    pretend: Annotated[bool, typer.Option("--pretend", help=PRETEND_HELP)] = False,
) -> None:
    """Bring a project up to a newer template version, keeping every edit (exit 1 on conflicts)."""
    from ._update import update_project

    result = update_project(path, to=to, template=template, pretend=pretend)
    _report(result, f"template {_short(result.before)} → {_short(result.after)}")


@handle_errors(interrupted="the project is as it was")
def set_(
    question: Annotated[str, typer.Argument(help=f"One of: {', '.join(SETTABLE)}.")],
    value: Annotated[str, typer.Argument(help="The new answer, one of the question's choices.")],
    path: Annotated[Path, typer.Option("--path", "-C", help=PATH_HELP)] = Path(),
    pretend: Annotated[bool, typer.Option("--pretend", help=PRETEND_HELP)] = False,
) -> None:
    """Change an answer (framework, database, cache); code, deps, compose and settings follow."""
    from ._update import set_answer

    result = set_answer(path, question, value, pretend=pretend)
    _report(result, f"{question} = {value}")


def _short(version: str | None) -> str | None:
    """A full commit hash as git abbreviates it; a tag or `git describe` as it is."""
    if version and len(version) == 40 and all(c in "0123456789abcdef" for c in version):
        return version[:7]
    return version


def _report(result: "UpdateResult", what: str) -> None:
    verb = {"added": "add", "modified": "change", "deleted": "delete", "conflict": "conflict"}
    if not result.changes:
        head = f"{result.path} is up to date ({what}): nothing to change"
    elif result.pretend:
        head = f"Would update {result.path} ({what}): {len(result.changes)} files"
    else:
        head = f"Updated {result.path} ({what}): {len(result.changes)} files, not committed"
    console.print(Text(head, style="green"), soft_wrap=True)
    for status, path in result.changes:
        label = verb[status] if result.pretend else status
        console.print(f"  {label:<9} {path}", markup=False, highlight=False)
    for old, new in result.moved:
        console.print(
            f"  moved your edit of {old} to {new} (renamed by the template)",
            markup=False,
            highlight=False,
        )
    for path in result.kept:
        console.print(
            f"  kept your edited {path} (the template no longer has it)",
            markup=False,
            highlight=False,
        )
    for note in result.notes:
        err_console.print(Text.assemble(("note: ", "yellow"), note), soft_wrap=True)
    if result.conflicts:
        names = ", ".join(result.conflicts)
        would = "would have" if result.pretend else "has"
        fail(
            f"{len(result.conflicts)} file(s) {would} conflicts to resolve by hand "
            f"(<<<<<<< markers or .rej): {names}"
        )
