"""`newbackend cohort create|report`: a roster in, one repository per student, one report out.

The sample cohort is the one in examples/teaching: roster.csv, and `stage`, which puts its
six students at six different stages.
"""

import csv
import importlib.util
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from newbackend import create_project
from newbackend._console import console
from newbackend.cli import app
from newbackend.errors import RosterError
from newbackend.teaching import _cohort
from newbackend.teaching._check import CheckResult, LayerReport
from newbackend.teaching._cli import cohort_table
from newbackend.teaching._cohort import (
    COHORT_FILE,
    CohortReport,
    Student,
    StudentReport,
    read_roster,
    write_csv,
    write_html,
)
from newbackend.teaching._exercise import EXERCISE_FILE
from newbackend.teaching._layers import LAYERS
from rich.console import Console
from typer.testing import CliRunner

from .support import ROOT

pytestmark = pytest.mark.matrix

runner = CliRunner()
WIDE = {"COLUMNS": "250"}
EXAMPLE = ROOT / "examples" / "teaching"


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), env=WIDE)


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_cohort", EXAMPLE / "sample_cohort.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True)
    return done.stdout


def create_cohort(roster: Path, out: Path) -> Path:
    result = invoke("cohort", "create", str(roster), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_cohort_create_makes_one_repository_per_student(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name\nS-001,Ann Lee\ns-002,Bo\n", encoding="utf-8")
    cohort = create_cohort(roster, tmp_path / "spring")
    record = json.loads((cohort / COHORT_FILE).read_text())
    assert record["students"] == [
        {"folder": "s-001", "id": "S-001", "name": "Ann Lee", "line": 2},
        {"folder": "s-002", "id": "s-002", "name": "Bo", "line": 3},
    ]
    assert record["layers"] == ["routes", "services", "models", "cache"]
    assert sorted(path.name for path in cohort.iterdir()) == [COHORT_FILE, "s-001", "s-002"]
    for folder in ("s-001", "s-002"):
        project = cohort / folder
        assert len(git(project, "log", "--oneline").splitlines()) == 1
        assert git(project, "status", "--porcelain") == ""
        assert json.loads((project / EXERCISE_FILE).read_text())["layers"] == record["layers"]
        assert (project / "todo" / "app.py").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["roster.csv", "spring"]


def test_roster_folders_are_safe_names(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "\ufeffName;Email\nJosé Núñez;jose@x.edu\n../../etc/passwd;x@x.edu\n\n"
        "  Ann   Lee ;ann@x.edu\nCON.txt;c@x.edu\n",
        encoding="utf-8",
    )
    students = read_roster(roster)
    assert [student.folder for student in students] == [
        "jose-nunez",
        "etc-passwd",
        "ann-lee",
        "con-txt",
    ]
    assert [student.line for student in students] == [2, 3, 5, 6]
    assert students[2].name == "Ann   Lee"


def test_bad_roster_rows_are_named_by_line_and_nothing_is_written(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name\nann,Ann Lee\n,Nobody\nbob,Bob,extra\n!!!,\nANN,Ann again\ncat,Cat\n",
        encoding="utf-8",
    )
    result = invoke("cohort", "create", str(roster), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for problem in (
        "4 bad rows, nothing written",
        "line 3: no id",
        "line 4: 3 fields, the header has 2",
        "line 5: '!!!' gives no usable folder name",
        "line 6: folder 'ann' is already line 2's",
    ):
        assert problem in lines[0]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["roster.csv"]


@pytest.mark.parametrize(
    ("content", "message"),
    [("surname,grade\nLee,A\n", "one of id, "), ("id\n\n", "no students"), ("", "one of id, ")],
    ids=["no-id-column", "no-students", "empty"],
)
def test_a_roster_without_students_is_refused(tmp_path: Path, content: str, message: str) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(content, encoding="utf-8")
    with pytest.raises(RosterError, match=message):
        read_roster(roster)


def test_an_existing_cohort_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "spring").mkdir()
    (tmp_path / "spring" / "notes.txt").write_text("mine")
    result = invoke(
        "cohort", "create", str(EXAMPLE / "roster.csv"), "--out", str(tmp_path / "spring")
    )
    assert result.exit_code == 1
    assert "already exists and is not empty" in result.stderr
    assert [path.name for path in (tmp_path / "spring").iterdir()] == ["notes.txt"]


def test_an_interruption_halfway_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Path] = []

    def second_fails(name: str, **kwargs: Any) -> Any:
        if made:
            raise KeyboardInterrupt
        result = create_project(name, **kwargs)
        made.append(result.path)
        return result

    monkeypatch.setattr(_cohort, "create_project", second_fails)
    result = invoke("cohort", "create", str(EXAMPLE / "roster.csv"), "--out", str(tmp_path / "c"))
    assert result.exit_code == 130
    assert made and not made[0].exists()
    assert list(tmp_path.iterdir()) == []


def processes_in(folder: Path) -> list[int]:
    """Processes whose working directory is inside `folder` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        if cwd == folder or folder in cwd.parents:
            found.append(int(entry.name))
    return found


def test_cohort_report_shows_every_student_by_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The six students of examples/teaching at six stages; one solution hangs.

    The hang is a read that can never return, and the report stops a run after 60 s without
    progress (no test started or finished), not after 60 s in all: however slowly a loaded
    machine runs the other students' tests, none of them waits 60 s between two tests.
    """
    monkeypatch.setattr(console, "_width", 250)  # a wide terminal: rows stay on one line
    staged = create_cohort(EXAMPLE / "roster.csv", tmp_path / "spring")
    record = json.loads((staged / COHORT_FILE).read_text())
    solution = create_project(
        record["project"], output_dir=tmp_path / "solution", answers=record["answers"], git=False
    ).path
    load_example().stage(staged, solution)

    result = invoke("cohort", "report", str(staged), "--timeout", "60", "--jobs", "3")
    assert result.exit_code == 0, result.output
    assert processes_in(staged) == []  # the hanging run was killed, with its children
    with (staged / "report.csv").open(encoding="utf-8") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    assert list(rows) == ["ada", "alan", "grace", "edsger", "barbara", "ken"]

    def states(student: str) -> dict[str, str]:
        return {layer: rows[student][layer].split()[0] for layer in LAYERS}

    todo, done = "todo", "done"
    assert states("ada") == {**dict.fromkeys(LAYERS[:4], todo), "config": done}
    assert states("alan") == {
        "routes": todo,
        "services": todo,
        "models": todo,
        "cache": done,
        "config": done,
    }
    assert rows["alan"]["note"] == "models: list is ordered and paged"
    assert states("grace") == {
        "routes": "waiting",
        "services": todo,
        "models": done,
        "cache": done,
        "config": done,
    }
    assert rows["grace"]["note"] == "services: create returns the stored item as json"
    assert states("edsger") == {**dict.fromkeys(LAYERS, done), "routes": todo}
    assert states("barbara") == dict.fromkeys(LAYERS, done)
    assert rows["barbara"]["passed"] == rows["barbara"]["total"] != "0"
    assert set(states("ken").values()) == {"error"}
    assert rows["ken"]["note"].startswith("timed out after 60 s in tests/test_cache.py::")
    assert {student: rows[student]["tests_edited"] for student in rows} == {
        **dict.fromkeys(rows, "no"),
        "edsger": "yes",
    }
    # The terminal shows the same table; the HTML page too, with the same colours.
    for student in ("ada (Ada Lovelace)", "edsger (Edsger W. Dijkstra)", "timed out after 60 s"):
        assert student in result.stdout
    page = (staged / "report.html").read_text()
    assert page.count("<tr><th scope=row>") == 6
    assert page.count('<td class="done">') == sum(
        rows[student][layer].startswith(done) for student in rows for layer in LAYERS
    )
    assert "<script" not in page and "http" not in page  # self-contained


def test_html_report_escapes_what_students_wrote(tmp_path: Path) -> None:
    student = Student("x", "<script>alert(1)</script>", "Bobby <b>Tables</b>", 2)
    layer = LayerReport("routes", "todo", 1, 2, 0, 3)
    result = CheckResult(tmp_path, (layer,), (), 1, 1.0, error=None)
    report = CohortReport(tmp_path, (StudentReport(student, result),), datetime.now(UTC))
    write_html(report, tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<td class="todo">✗ todo 1/3</td>' in page


def test_cohort_report_of_a_folder_without_projects_is_one_line(tmp_path: Path) -> None:
    result = invoke("cohort", "report", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: no student projects in '{tmp_path}'"


def test_csv_report_never_writes_a_formula(tmp_path: Path) -> None:
    names = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "Ann"]
    layer = LayerReport("routes", "todo", 1, 2, 0, 3)
    result = CheckResult(tmp_path, (layer,), (), 1, 1.0, error=None)
    students = tuple(
        StudentReport(Student(f"s{i}", f"s{i}", name, i + 2), result)
        for i, name in enumerate(names)
    )
    write_csv(CohortReport(tmp_path, students, datetime.now(UTC)), tmp_path / "report.csv")
    with (tmp_path / "report.csv").open(encoding="utf-8", newline="") as file:
        written = [row["name"] for row in csv.DictReader(file)]
    assert written == [f"'{name}" for name in names[:-1]] + ["Ann"]


def test_cohort_report_finds_a_relative_python_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("student\nada\n", encoding="utf-8")
    cohort = tmp_path / "spring"
    made = invoke("cohort", "create", str(roster), "--out", str(cohort), "--layers", "routes")
    assert made.exit_code == 0, made.output
    (tmp_path / "bin").mkdir()
    wrapper = tmp_path / "bin" / "python"  # this environment's, where a relative path leads
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    result = invoke("cohort", "report", "spring", "--python", "bin/python", "--jobs", "1")
    assert result.exit_code == 0, result.output
    with (cohort / "report.csv").open(encoding="utf-8") as file:
        (row,) = csv.DictReader(file)
    assert row["config"].startswith("done"), row


def test_cohort_table_stays_readable_at_80_columns_in_a_pipe(tmp_path: Path) -> None:
    layers = tuple(LayerReport(name, "todo", 3, 9, 0, 12) for name in LAYERS)
    result = CheckResult(tmp_path, layers, (), 1, 1.0, error=None)
    students = tuple(
        StudentReport(
            Student(f"s{i}", f"s-{i}", "Edsger W. Dijkstra", i + 2), result, None, "abc1234", False
        )
        for i in range(3)
    )
    report = CohortReport(tmp_path / "spring", students, datetime.now(UTC))
    piped = Console(file=io.StringIO(), width=80, force_terminal=False)
    piped.print(cohort_table(report, piped.width))
    text = piped.file.getvalue()  # type: ignore[attr-defined]
    lines = text.splitlines()
    assert max(map(len, lines)) <= 80, text
    rows = [line for line in lines if line.lstrip().startswith("s-") and "✗" in line]
    assert len(rows) == 3, text  # one line per student
    assert all(row.count("✗ 3/12") == len(LAYERS) and "15/60" in row for row in rows), text
    assert "starter abc1234" in text
