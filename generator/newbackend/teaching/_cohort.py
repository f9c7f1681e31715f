"""Cohorts: one exercise project per student from a roster, and one report over all of them.

A cohort is a folder with one git repository per student and `newbackend-cohort.json`, which
keeps the roster (folder, id, name) and how the projects were made. Student code is untrusted:
the report runs each project's tests through `check_project` (a subprocess, killed when it
hangs), in parallel, and never imports any of it.
"""

import csv
import html
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._answers import ANSWERS_FILE, load_answers, template_version
from .._create import create_project
from .._git import available, git
from ..errors import DestinationError, GitError, NewbackendError, ProjectError, RosterError
from ._check import CheckResult, check_project, resolve_python
from ._layers import EXERCISE_LAYERS, LAYERS, STATE_SYMBOLS

COHORT_FILE = "newbackend-cohort.json"
NAME_COLUMNS = ("name", "full_name", "student_name")
# What identifies a student (and names their folder), in order of preference.
ID_COLUMNS = ("id", "student_id", "student", "username", "login", *NAME_COLUMNS, "email")
# Each student's tests run on SQLite and the in-process cache: projects checked side by side
# must not share (and empty) one database or one Redis.
SHARED_SERVICES = ("DATABASE_URL", "REDIS_URL", "CACHE_BACKEND")
# The colours of the five states, in the terminal (Rich) and in the HTML report.
_HTML_COLOURS = {"done": "#c8f0c8", "todo": "#f8c8c8", "waiting": "#f8ecb0", "error": "#e8c8f0"}


@dataclass(frozen=True)
class Student:
    folder: str
    id: str
    name: str
    line: int = 0  # the roster line it came from

    @property
    def label(self) -> str:
        return self.id if not self.name or self.name == self.id else f"{self.id} ({self.name})"


@dataclass(frozen=True)
class StudentReport:
    student: Student
    result: CheckResult | None
    error: str | None = None  # the check could not run at all
    starter: str | None = None  # the template version in the student's answers file
    tests_edited: bool | None = None  # tests/ differs from the first commit

    def cell(self, layer: str) -> tuple[str, str] | None:
        """(state, 'passed/total') for one layer, or None when the project has no such tests."""
        report = self.result.layer(layer) if self.result else None
        if report is None:
            return ("error", "") if self.error or (self.result and self.result.error) else None
        return report.state, f"{report.passed}/{report.total}"

    @property
    def note(self) -> str:
        """Why the run failed, else where the student is stuck: the lowest layer not done."""
        if self.error:
            return self.error
        if self.result is None:
            return ""
        if self.result.error:
            return self.result.error
        lowest = self.result.next_layer()
        if lowest is None:
            return ""
        failure = lowest.first_failure
        return f"{lowest.name}: {failure.what}" if failure and failure.what else lowest.name

    @property
    def totals(self) -> tuple[int, int]:
        if self.result is None:
            return 0, 0
        return (
            sum(layer.passed for layer in self.result.layers),
            sum(layer.total for layer in self.result.layers),
        )


@dataclass(frozen=True)
class CohortReport:
    folder: Path
    students: tuple[StudentReport, ...]
    created: datetime

    @property
    def layers(self) -> tuple[str, ...]:
        return LAYERS


def safe_folder(text: str) -> str:
    """A folder name anyone's file system accepts: 'José Núñez' → 'jose-nunez'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")


def read_roster(path: Path) -> list[Student]:
    """The students of a CSV roster with a header row holding an id and/or name column.

    Every bad row is reported with its line number, all at once, before anything is written.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(f"cannot read the roster '{path}': {error}") from None
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=header_line.count)
    rows = csv.reader(text.splitlines(), delimiter=delimiter)
    header = [column.strip().lower() for column in next(rows, [])]
    id_column = next((header.index(name) for name in ID_COLUMNS if name in header), None)
    name_column = next((header.index(name) for name in NAME_COLUMNS if name in header), None)
    if id_column is None:
        raise RosterError(
            f"{path}: the first row must name the columns, with one of "
            f"{', '.join(ID_COLUMNS)} (found: {', '.join(header) or 'nothing'})"
        )
    students: list[Student] = []
    problems: list[str] = []
    lines: dict[str, int] = {}
    for fields in rows:
        line = rows.line_num
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            problems.append(f"line {line}: {len(fields)} fields, the header has {len(header)}")
            continue
        student_id = fields[id_column].strip()
        name = fields[name_column].strip() if name_column is not None else ""
        folder = safe_folder(student_id)
        if not student_id:
            problems.append(f"line {line}: no {header[id_column]}")
        elif not folder:
            problems.append(f"line {line}: {student_id!r} gives no usable folder name")
        elif folder in lines:
            problems.append(f"line {line}: folder '{folder}' is already line {lines[folder]}'s")
        else:
            lines[folder] = line
            students.append(Student(folder, student_id, name, line))
    if problems:
        count = f"{len(problems)} bad row{'s' if len(problems) > 1 else ''}"
        raise RosterError(f"{path}: {count}, nothing written: {'; '.join(problems)}")
    if not students:
        raise RosterError(f"{path}: no students in the roster")
    return students


def create_cohort(
    roster: Path,
    out: Path,
    *,
    project: str = "todo",
    answers: Mapping[str, Any] | None = None,
    layers: Sequence[str] = EXERCISE_LAYERS,
    template: str | Path | None = None,
    vcs_ref: str | None = None,
    on_created: Callable[[Student], None] | None = None,
) -> list[Student]:
    """One exercise project per student in `out/<folder>/`, each a git repository.

    Everything is made in a scratch folder and moved into place at the end: a bad answer,
    a failure or Ctrl-C halfway leaves nothing behind.
    """
    students = read_roster(roster)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DestinationError(f"'{out}' already exists and is not empty: choose a new folder")
    if not available():
        raise NewbackendError("a cohort needs git (each student's project is a repository)")
    base = out.absolute().parent
    while not base.is_dir():
        base = base.parent
    scratch = Path(tempfile.mkdtemp(prefix=".newbackend-cohort-", dir=base))
    try:
        cohort = scratch / "cohort"
        cohort.mkdir()
        for student in students:
            made = create_project(
                project,
                output_dir=scratch / "work" / student.folder,
                answers=answers,
                exercise=layers,
                template=template,
                vcs_ref=vcs_ref,
            )
            if made.commit is None:
                raise NewbackendError(f"no git commit for {student.folder}: {made.warnings}")
            os.replace(made.path, cohort / student.folder)
            if on_created:
                on_created(student)
        record = {
            "project": project,
            "layers": list(layers),
            "answers": {key: value for key, value in made.answers.items() if key[0] != "_"},
            "students": [asdict(student) for student in students],
        }
        (cohort / COHORT_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.is_dir():
            out.rmdir()  # empty, checked above
        os.replace(cohort, out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return students


def load_students(folder: Path) -> list[Student]:
    """The cohort's students: from its record, else every subfolder that is a project."""
    record = folder / COHORT_FILE
    if record.is_file():
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            return [Student(**student) for student in data["students"]]
        except (ValueError, KeyError, TypeError) as error:
            raise ProjectError(f"{record} is not a valid cohort record: {error}") from None
    if not folder.is_dir():
        raise ProjectError(f"'{folder}' is not a folder")
    return [
        Student(path.name, path.name, "")
        for path in sorted(folder.iterdir())
        if (path / ANSWERS_FILE).is_file()
    ]


def report_cohort(
    folder: Path,
    *,
    timeout: float = 120,
    jobs: int | None = None,
    python: str | None = None,
    on_checked: Callable[[StudentReport], None] | None = None,
) -> CohortReport:
    """Check every student's project, `jobs` at a time (`timeout`: see `check_project`)."""
    students = load_students(folder)
    if not students:
        raise ProjectError(f"no student projects in '{folder}'")
    python = resolve_python(python)  # from here, not from inside each student's folder
    env = {key: value for key, value in os.environ.items() if key not in SHARED_SERVICES}

    def one(student: Student) -> StudentReport:
        project = folder / student.folder
        starter = template_version(load_answers(project / ANSWERS_FILE))
        edited = _tests_edited(project)
        try:
            result = check_project(project, timeout=timeout, python=python, env=env)
        except NewbackendError as error:
            report = StudentReport(student, None, str(error), starter, edited)
        else:
            report = StudentReport(student, result, None, starter, edited)
        if on_checked:
            on_checked(report)
        return report

    workers = max(1, min(jobs or os.cpu_count() or 2, len(students)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        reports = tuple(pool.map(one, students))
    return CohortReport(folder, reports, datetime.now(UTC))


def _tests_edited(project: Path) -> bool | None:
    """Whether tests/ differs from the starter's first commit (committed or not)."""
    try:
        roots = git(project, "rev-list", "--max-parents=0", "HEAD").split()
        if not roots:
            return None
        changed = git(project, "diff", "--name-only", roots[-1], "--", "tests")
        untracked = git(project, "ls-files", "--others", "--exclude-standard", "--", "tests")
    except GitError:
        return None
    return bool(changed.strip() or untracked.strip())


def _row(report: StudentReport, layers: Sequence[str]) -> dict[str, str]:
    row = {"student": report.student.id, "name": report.student.name}
    row["folder"] = report.student.folder
    for layer in layers:
        cell = report.cell(layer)
        row[layer] = "" if cell is None else f"{cell[0]} {cell[1]}".strip()
    passed, total = report.totals
    row |= {"passed": str(passed), "total": str(total), "starter": report.starter or ""}
    edited = report.tests_edited
    row["tests_edited"] = "" if edited is None else ("yes" if edited else "no")
    row["note"] = report.note
    return row


# A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(…)` in a
# roster name); a leading `'` makes it text, as OWASP's CSV-injection advice says.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """`value` as a spreadsheet shows it, never as a formula it would run."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def write_csv(report: CohortReport, path: Path) -> None:
    rows = [
        {key: csv_cell(value) for key, value in _row(student, report.layers).items()}
        for student in report.students
    ]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(_row(report.students[0], report.layers)))
        writer.writeheader()
        writer.writerows(rows)


def write_html(report: CohortReport, path: Path) -> None:
    """One self-contained page (inline CSS, no scripts) with the terminal's table and colours."""
    e = html.escape
    head = "".join(f"<th>{e(layer)}</th>" for layer in report.layers)
    body = []
    for student in report.students:
        cells = []
        for layer in report.layers:
            cell = student.cell(layer)
            if cell is None:
                cells.append("<td></td>")
            else:
                state, count = cell
                cells.append(
                    f'<td class="{state}">{STATE_SYMBOLS[state]} {e(state)} {e(count)}</td>'
                )
        passed, total = student.totals
        edited = {None: "", True: "yes", False: "no"}[student.tests_edited]
        body.append(
            f"<tr><th scope=row>{e(student.student.label)}</th>{''.join(cells)}"
            f"<td>{passed}/{total}</td><td>{e(student.starter or '')}</td>"
            f"<td{' class=todo' if student.tests_edited else ''}>{edited}</td>"
            f"<td>{e(student.note)}</td></tr>"
        )
    styles = "".join(f".{state}{{background:{colour}}}" for state, colour in _HTML_COLOURS.items())
    legend = " ".join(
        f'<span class="{state}">{STATE_SYMBOLS[state]} {state}</span>' for state in _HTML_COLOURS
    )
    title = f"Cohort report: {report.folder.name}"
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(title)}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}
table{{border-collapse:collapse}}
th,td{{border:1px solid #bbb;padding:.3rem .6rem;text-align:left;vertical-align:top}}
thead th{{background:#eee}}
span{{padding:.1rem .4rem;margin-right:.3rem}}
{styles}
</style>
</head>
<body>
<h1>{e(title)}</h1>
<p>{len(report.students)} students, checked {report.created:%Y-%m-%d %H:%M} UTC. {legend}</p>
<table>
<thead><tr><th>student</th>{head}<th>tests passed</th><th>starter</th><th>tests edited</th>\
<th>note</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")
