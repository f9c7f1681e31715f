"""The `newbackend` command: parse, call the library, print, exit (0 ok, 1 error, 2 usage)."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.text import Text

from . import __version__
from ._cli_resource import add
from ._cli_teaching import check, cohort
from ._cli_update import set_, update
from ._console import console, err_console, fail
from ._exercise import EXERCISE_LAYERS, GUIDE_FILE, parse_layers
from ._questions import load_questions
from .errors import ExerciseError, NewbackendError

app = typer.Typer(
    name="newbackend",
    help="Scaffold a five-layer Python backend (routes, services, models, cache, config).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(check)
app.add_typer(cohort, name="cohort")
app.add_typer(add, name="add")
QUESTIONS = load_questions()


def _help(question: str) -> str:
    return escape(QUESTIONS[question].describe())


def _show_version(value: bool) -> None:
    if value:
        console.print(f"newbackend {__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Scaffold a five-layer Python backend (routes, services, models, cache, config)."""


@app.command()
def create(
    name: Annotated[
        str,
        typer.Argument(
            help="Project name: the folder to write and, with '-' as '_', the Python package.",
            show_default=False,
        ),
    ],
    framework: Annotated[str | None, typer.Option(help=_help("framework"))] = None,
    database: Annotated[str | None, typer.Option(help=_help("database"))] = None,
    cache: Annotated[str | None, typer.Option(help=_help("cache"))] = None,
    resource: Annotated[str | None, typer.Option(help=_help("resource"))] = None,
    description: Annotated[str | None, typer.Option(help=_help("description"))] = None,
    output_dir: Annotated[
        Path,
        typer.Option("--output-dir", "-o", help="Folder in which to create NAME/."),
    ] = Path(),
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Take the default for every question not given."),
    ] = False,
    git: Annotated[
        bool, typer.Option("--git/--no-git", help="Make a git repository with a first commit.")
    ] = True,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Allow a non-empty NAME/ folder; its files are kept, never overwritten."
        ),
    ] = False,
    exercise: Annotated[
        bool,
        typer.Option(
            "--exercise",
            help="Leave the functions of the chosen layers for a student to write (TEACHING.md).",
        ),
    ] = False,
    layers: Annotated[
        str | None,
        typer.Option(
            help=f"With --exercise: the layers to leave, comma-separated (default: "
            f"{','.join(EXERCISE_LAYERS)})."
        ),
    ] = None,
) -> None:
    """Create a new backend project in NAME/ (asks the questions not given as options)."""
    from ._create import create_project

    given = {"framework": framework, "database": database, "cache": cache}
    given |= {"resource": resource, "description": description}
    answers = {key: value for key, value in given.items() if value is not None}
    interactive = not yes and sys.stdin.isatty()
    try:
        if layers is not None and not exercise:
            raise ExerciseError("--layers goes with --exercise")
        chosen = parse_layers(layers or EXERCISE_LAYERS) if exercise else ()
        result = create_project(
            name,
            output_dir=output_dir,
            answers=answers,
            defaults=not interactive,
            force=force,
            git=git,
            exercise=chosen,
        )
    except NewbackendError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted: nothing was written", code=130)
    _summary(result.path, result.answers, result.files, result.commit)
    for path in result.kept:
        console.print(f"  kept your {path} (not overwritten)", markup=False, highlight=False)
    for note in result.warnings:
        err_console.print(Text.assemble(("warning: ", "yellow"), note), soft_wrap=True)
    if result.exercise:
        layers_left = ", ".join(result.exercise.layers)
        console.print(
            f"Exercise: {len(result.exercise.tasks)} functions to write in {layers_left}; "
            f"see {GUIDE_FILE}. `newbackend check {result.path}` shows each layer's state.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


app.command()(update)
app.command(name="set")(set_)


def _summary(path: Path, answers: dict[str, Any], files: int, commit: str | None) -> None:
    labels = {key: QUESTIONS[key].choices.get(answers[key], answers[key]) for key in QUESTIONS}
    package = str(answers["project_name"]).replace("-", "_")
    stack = " · ".join(
        [
            labels["framework"],
            labels["database"],
            f"cache: {labels['cache']}",
            f"/{answers['resource_plural']}",
        ]
    )
    git = f", git commit {commit}" if commit else ""
    created = f" ({stack}): {files} files{git}."
    console.print(
        Text.assemble(("Created ", "green"), (f"{path}", "bold"), created), soft_wrap=True
    )
    console.print("Next:")
    for command in (f"cd {path}", 'pip install -e ".[dev]" && pytest', f"python -m {package}"):
        console.print(f"  {command}", markup=False, highlight=False)
