"""Options more than one command takes: the template's questions, as copier.yml words them."""

from typing import Annotated

import typer
from rich.markup import escape

from ._questions import load_questions


def question_help(name: str) -> str:
    """A question's help, choices and default, read from copier.yml so the two cannot drift."""
    return escape(load_questions()[name].describe())


Framework = Annotated[str | None, typer.Option(help=question_help("framework"))]
Database = Annotated[str | None, typer.Option(help=question_help("database"))]
Cache = Annotated[str | None, typer.Option(help=question_help("cache"))]
Resource = Annotated[str | None, typer.Option(help=question_help("resource"))]
Description = Annotated[str | None, typer.Option(help=question_help("description"))]


ANSWER_OPTIONS = ("framework", "database", "cache", "resource", "description")  # in this order


def given(*values: str | None) -> dict[str, str]:
    """The answers given as options, in the order of ANSWER_OPTIONS; the rest are asked."""
    pairs = zip(ANSWER_OPTIONS, values, strict=True)
    return {name: value for name, value in pairs if value is not None}
