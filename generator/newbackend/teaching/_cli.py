"""The teaching commands: `check` and `cohort create|report|sync`, registered in cli.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Group, JustifyMethod
from rich.table import Table
from rich.text import Text

from .._cli_options import Cache, Database, Description, Framework, Resource, given
from .._console import console, err_console, fail, handle_errors
from ._layers import EXERCISE_LAYERS, LAYERS, STATE_COLOURS, STATE_SYMBOLS

if TYPE_CHECKING:  # the modules load when a command runs, so `newbackend --help` stays quick
    from ._check import CheckResult, LayerReport
    from ._cohort import CohortReport, StudentReport

STATE_LABELS = {"done": "done", "todo": "to do", "waiting": "waiting", "error": "error"}
SYNC_COLOURS = {
    "updated": "green",
    "up to date": "green",
    "conflict": "red",
    "skipped": "yellow",
    "failed": "magenta",
}
Python = Annotated[
    str | None,
    typer.Option(
        help="The interpreter with the project's dependencies (default: the project's .venv, "
        "the active virtual environment, or newbackend's own).",
    ),
]


@handle_errors(interrupted="the tests were stopped")
def check(
    path: Annotated[Path, typer.Argument(help="The project (default: this folder).")] = Path(),
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON instead of tables.")
    ] = False,
    layer: Annotated[
        list[str] | None,
        typer.Option(help=f"Run only this layer's tests ({'|'.join(LAYERS)}); repeatable."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            help="Stop the tests as hanging when no test starts or ends for this many seconds.",
            min=1,
        ),
    ] = 600,
    python: Python = None,
) -> None:
    """Run a project's tests and show each layer's state: exit 0 only when all pass."""
    from ._check import check_project

    result = check_project(path, timeout=timeout, python=python, layers=layer or ())
    if json_output:
        typer.echo(result.to_json())
    else:
        _print_check(result)
    raise typer.Exit(0 if result.ok else 1)


def _symbol_text(state: str | None, label: str) -> Text:
    if state is None:
        return Text(f"· {label}", style="dim")
    return Text(f"{STATE_SYMBOLS[state]} {label}", style=f"bold {STATE_COLOURS[state]}")


def diagram(states: dict[str, str]) -> Text:
    """The five layers as DESIGN.md draws them, each coloured by its state."""
    first = Text("  client ──▶ ")
    for name, tail in (("routes", " ──▶ "), ("services", " ──▶ "), ("models", " ──▶ database")):
        if name == "services":
            services_at = len(first)
        first.append_text(_symbol_text(states.get(name), name)).append(tail)
    second = Text(" " * (services_at + 2) + "└──▶ ").append_text(
        _symbol_text(states.get("cache"), "cache")
    )
    third = Text("  ").append_text(_symbol_text(states.get("config"), "config"))
    third.append(" feeds every layer")
    return Text("\n").join([first, second, third])


def _print_check(result: CheckResult) -> None:
    exercise = f" · exercise: {', '.join(result.exercise)}" if result.exercise else ""
    console.print(
        Text.assemble((result.project.name, "bold"), f"{exercise} · {result.duration:.1f} s"),
        soft_wrap=True,
    )
    console.print()
    console.print(diagram({layer.name: layer.state for layer in result.layers}))
    console.print()
    table = Table(show_lines=False)
    table.add_column("Layer", no_wrap=True)
    table.add_column("State", no_wrap=True)
    table.add_column("Passed", justify="right", no_wrap=True)  # never `112/1 12`
    if result.exercise:
        table.add_column("To write", justify="right", no_wrap=True)
    table.add_column("First failing test", overflow="fold")
    for layer in result.layers:
        row = [
            Text(layer.name),
            Text(_state_label(layer), style=STATE_COLOURS[layer.state]),
            Text(f"{layer.passed}/{layer.total}"),
        ]
        if result.exercise:
            left = layer.functions_left
            row.append(Text("" if left is None else str(len(left))))
        run_failed = layer.state == "error" and layer.first_failure is not None
        row.append(Text("the run failed (below)") if run_failed else _failure_text(layer))
        table.add_row(*row)
    console.print(table)
    if result.error:
        err_console.print(Text.assemble(("error: ", "bold red"), result.error), soft_wrap=True)
    console.print(_next_step(result), soft_wrap=True)


def _state_label(layer: LayerReport) -> str:
    if layer.state == "waiting":
        return f"waiting for {', '.join(layer.waiting_for)}"
    return STATE_LABELS[layer.state]


def _failure_text(layer: LayerReport) -> Text:
    failure = layer.first_failure
    if failure is None:
        return Text("")
    message = failure.message.removeprefix(f"{layer.name} layer: ")  # the row says the layer
    if not failure.what:
        return Text(message)
    return Text.assemble((failure.what, "bold"), ": ", message)


def _next_step(result: CheckResult) -> Text:
    if result.ok:
        return Text("Every layer passes.", style="bold green")
    pending = sum(layer.state != "done" for layer in result.layers)
    text = Text(f"{pending} of {len(result.layers)} layers not done yet.")
    first = result.next_layer()
    if first is not None and first.name in LAYERS and result.error is None:
        text.append(f" Next: {first.name} (pytest -m {first.name}).")
    return text


@handle_errors(interrupted="nothing was written")
def cohort_create(
    roster: Annotated[
        Path,
        typer.Argument(
            help="CSV with a header row and an id and/or name column per student.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The new cohort folder (one project per student).")
    ],
    name: Annotated[str, typer.Option(help="The project (and package) name.")] = "todo",
    layers: Annotated[
        str,
        typer.Option(help="The layers students write, comma-separated."),
    ] = ",".join(EXERCISE_LAYERS),
    framework: Framework = None,
    database: Database = None,
    cache: Cache = None,
    resource: Resource = None,
    description: Description = None,
    template: Annotated[
        str | None,
        typer.Option(
            help="Render this copy of the template (a path or git URL; tag it so that "
            "`cohort sync` can update) instead of newbackend's own."
        ),
    ] = None,
    vcs_ref: Annotated[
        str | None, typer.Option(help="The template's tag or commit to render.")
    ] = None,
) -> None:
    """Make one exercise project per student of ROSTER, each a git repository."""
    from ._cohort import create_cohort, read_roster
    from ._exercise import parse_layers

    answers = given(framework, database, cache, resource, description)
    chosen = parse_layers(layers)
    with _progress("Creating", len(read_roster(roster))) as advance:
        students = create_cohort(
            roster,
            out,
            project=name,
            answers=answers,
            layers=chosen,
            template=template,
            vcs_ref=vcs_ref,
            on_created=advance,
        )
    console.print(
        Text.assemble(
            ("Created ", "green"),
            (str(out), "bold"),
            f": {len(students)} exercise projects ({', '.join(chosen)}), each a git repository.",
        ),
        soft_wrap=True,
    )
    for student in students:
        console.print(f"  {student.folder}/  {student.label}", markup=False, highlight=False)
    console.print(f"Next: hand them out, then: newbackend cohort report {out}", markup=False)


@handle_errors(interrupted="the tests were stopped, no report was written")
def cohort_report(
    folder: Annotated[Path, typer.Argument(help="The cohort folder.", show_default=False)],
    timeout: Annotated[
        float,
        typer.Option(
            help="Stop a student's tests as hanging when no test starts or ends for this many "
            "seconds.",
            min=1,
        ),
    ] = 120,
    jobs: Annotated[
        int | None, typer.Option(help="Projects checked at once (default: one per CPU).", min=1)
    ] = None,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Where to write the CSV (default: DIR/report.csv).")
    ] = None,
    html_path: Annotated[
        Path | None,
        typer.Option("--html", help="Where to write the HTML page (default: DIR/report.html)."),
    ] = None,
    python: Python = None,
) -> None:
    """Check every student's project: a table of students by layers (terminal, CSV, HTML)."""
    from ._cohort import load_students, report_cohort, write_csv, write_html

    with _progress("Checking", len(load_students(folder))) as advance:
        report = report_cohort(
            folder,
            timeout=timeout,
            jobs=jobs,
            python=python,
            on_checked=advance,
        )
    csv_file = csv_path or folder / "report.csv"
    html_file = html_path or folder / "report.html"
    try:
        write_csv(report, csv_file)
        write_html(report, html_file)
    except OSError as error:
        fail(f"cannot write the report: {error}")
    console.print(cohort_table(report, console.width))
    console.print(f"Written: {csv_file} and {html_file}", markup=False, highlight=False)


def cohort_table(report: CohortReport, width: int = 80) -> Group:
    """Students by layers, readable at 80 columns and in a pipe: the counts never wrap, the
    starter is said once when all share it, and the notes follow the table, one a line."""
    starters = {student.starter for student in report.students}
    same_starter = len(starters) == 1
    title = f"{report.folder.name}: {len(report.students)} students"
    if same_starter and None not in starters:
        title += f", starter {next(iter(starters))}"
    headings = [*report.layers, "Tests", *([] if same_starter else ["Starter"]), "Edited"]
    rows = []
    for student in report.students:
        row = [
            *(_cell(student, layer) for layer in report.layers),
            Text("{}/{}".format(*student.totals)),
        ]
        if not same_starter:
            row.append(Text(student.starter or ""))
        edited = {None: "", True: "yes", False: "no"}[student.tests_edited]
        row.append(Text(edited, style="red" if student.tests_edited else ""))
        rows.append((Text(student.student.label), row))
    # Every column but the student's keeps its full width; the student's label gets the rest.
    widths = [
        max(len(heading), *(row[index].cell_len for _, row in rows))
        for index, heading in enumerate(headings)
    ]
    rest = width - sum(widths) - 2 * len(headings) - 2
    table = Table(title=title, box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False)
    table.add_column("Student", no_wrap=True, overflow="ellipsis", max_width=max(rest, 8))
    for heading, size in zip(headings, widths, strict=True):
        justify: JustifyMethod = "right" if heading == "Tests" else "left"
        table.add_column(heading, no_wrap=True, min_width=size, justify=justify)
    for label, row in rows:
        table.add_row(label, *row)
    notes = [
        Text.assemble((student.student.id, "bold"), f": {student.note}")
        for student in report.students
        if student.note
    ]
    return Group(table, *notes)


def _cell(student: StudentReport, layer: str) -> Text:
    cell = student.cell(layer)
    if cell is None:
        return Text("")
    state, count = cell
    return Text(f"{STATE_SYMBOLS[state]} {count}".strip(), style=STATE_COLOURS[state])


@handle_errors(interrupted="the students done so far are updated; the current one is as it was")
def cohort_sync(
    folder: Annotated[Path, typer.Argument(help="The cohort folder.", show_default=False)],
    to: Annotated[
        str | None, typer.Option(help="The template tag to update to (default: the newest).")
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit/--no-commit", help="Commit each clean update.")
    ] = True,
) -> None:
    """Bring a newer starter into every student's project (copier update), keeping their work."""
    from ._cohort import load_students
    from ._sync import sync_cohort

    with _progress("Updating", len(load_students(folder))) as advance:
        outcomes = sync_cohort(folder, to, commit=commit, on_synced=advance)
    table = Table(title=f"{folder.name}: starter update")
    for heading in ("Student", "Result", "Detail", "Files"):
        table.add_column(heading, overflow="fold")
    for student, outcome in outcomes:
        table.add_row(
            Text(student.label),
            Text(outcome.status, style=SYNC_COLOURS[outcome.status]),
            Text(outcome.detail),
            Text(", ".join(outcome.files)),
        )
    console.print(table)
    counts = {status: sum(o.status == status for _, o in outcomes) for status in SYNC_COLOURS}
    console.print(", ".join(f"{n} {status}" for status, n in counts.items() if n), markup=False)


@contextmanager
def _progress(verb: str, total: int) -> Iterator[Callable[..., None]]:
    """A progress bar over the students on stderr, gone when done: stdout keeps the result.

    Yields the callback that moves it one student on.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(f"{verb} [progress.description]{{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("students", total=total)
        yield lambda *_: progress.advance(task)


__all__ = ["check", "cohort_create", "cohort_report", "cohort_sync", "cohort_table", "diagram"]
