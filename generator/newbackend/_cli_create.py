"""`newbackend create`: the adapter over `create_project`."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from ._cli_options import Cache, Database, Description, Framework, Resource, given
from ._console import console, err_console, handle_errors
from ._questions import load_questions
from .errors import ExerciseError
from .teaching._layers import EXERCISE_LAYERS


@handle_errors(interrupted="nothing was written")
def create(
    name: Annotated[
        str | None,
        typer.Argument(
            help="Project name: the folder to write and, with '-' as '_', the Python package "
            "(asked on a terminal when not given).",
            show_default=False,
        ),
    ] = None,
    framework: Framework = None,
    database: Database = None,
    cache: Cache = None,
    resource: Resource = None,
    description: Description = None,
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
    lock: Annotated[
        bool,
        typer.Option(
            "--lock/--no-lock",
            help="Write uv.lock with uv, when uv and the package index are there "
            "(also off with NEWBACKEND_NO_LOCK=1).",
        ),
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
    from .teaching._exercise import GUIDE_FILE, parse_layers

    if name is None:
        name = _ask_name()
    answers = given(framework, database, cache, resource, description)
    if layers is not None and not exercise:
        raise ExerciseError("--layers goes with --exercise")
    result = create_project(
        name,
        output_dir=output_dir,
        answers=answers,
        defaults=yes or not sys.stdin.isatty(),
        force=force,
        git=git,
        locked=lock,
        exercise=parse_layers(layers or EXERCISE_LAYERS) if exercise else (),
    )
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


def _ask_name() -> str:
    """NAME, asked the way copier asks the other questions; without a terminal a usage error."""
    if not sys.stdin.isatty():
        raise typer.BadParameter("missing (no terminal to ask it on)", param_hint="'NAME'")
    question = load_questions()["project_name"]
    name: str = typer.prompt(question.help).strip()
    return name


def _summary(path: Path, answers: dict[str, Any], files: int, commit: str | None) -> None:
    questions = load_questions()
    labels = {key: questions[key].choices.get(answers[key], answers[key]) for key in questions}
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
    for command in (f"cd {path}", "uv sync && uv run pytest", f"uv run python -m {package}"):
        console.print(f"  {command}", markup=False, highlight=False)
    console.print(
        "  (without uv: pip install -e . --group dev && pytest, with pip 25.1 or newer)",
        markup=False,
        highlight=False,
    )
