"""`create --exercise` and `check` through the CLI: options, output, bad input."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from newbackend._console import console
from newbackend.cli import app
from newbackend.teaching._exercise import EXERCISE_FILE, GUIDE_FILE
from typer.testing import CliRunner

from .support import PYTHON

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), env=WIDE)


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Exercise projects by layers, rendered once each, on first use."""
    base = tmp_path_factory.mktemp("exercises")

    class Lazy(dict[str, Path]):
        def __missing__(self, key: str) -> Path:
            framework, layers = key.split(":")
            out = base / f"{framework}-{layers.replace(',', '-')}"
            args = ["create", "todo", "--framework", framework, "-y", "-o", str(out)]
            result = invoke(*args, "--exercise", "--layers", layers)
            assert result.exit_code == 0, result.output
            self[key] = out / "todo"
            return self[key]

    return Lazy()


def check_json(project: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = invoke("check", str(project), "--json", *args)
    data: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, data


def states(data: dict[str, Any]) -> dict[str, str]:
    return {layer["name"]: layer["state"] for layer in data["layers"]}


def test_create_exercise_records_the_layers_and_writes_a_guide(projects: dict[str, Path]) -> None:
    project = projects["flask:services"]
    record = json.loads((project / EXERCISE_FILE).read_text())
    assert record["layers"] == ["services"]
    assert {task["layer"] for task in record["tasks"]} == {"services"}
    guide = (project / GUIDE_FILE).read_text()
    assert "TodoService.list" in guide and "pytest -m services" in guide
    assert "list_todos" not in guide  # the routes are given
    tracked = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True)
    assert {EXERCISE_FILE, GUIDE_FILE} <= set(tracked.stdout.splitlines())
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True
    )
    assert status.stdout == ""


def test_create_exercise_says_what_is_left(tmp_path: Path) -> None:
    result = invoke("create", "todo", "--exercise", "-y", "--no-git", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Exercise: 20 functions to write in routes, services, models, cache" in result.stdout
    assert GUIDE_FILE in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layers", "routes"], "--layers goes with --exercise"),
        (["--exercise", "--layers", "routes,views"], "unknown exercise layer 'views'"),
        (["--exercise", "--layers", "config"], "config is always given"),
        (["--exercise", "--layers", ","], "no exercise layer given"),
    ],
    ids=["layers-without-exercise", "unknown-layer", "config", "empty"],
)
def test_bad_exercise_options_are_one_line_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = invoke("create", "todo", "-y", "-o", str(tmp_path / "out"), *args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("key", "expected", "waiting_for"),
    [
        ("flask:routes", {"routes": "todo"}, {}),
        ("fastapi:services", {"services": "todo", "routes": "waiting"}, {"routes": ["services"]}),
        (
            "fastapi:models,cache",
            {"models": "todo", "cache": "todo", "services": "waiting", "routes": "waiting"},
            {"services": ["cache"], "routes": ["cache"]},
        ),
    ],
    ids=["routes", "services", "models-and-cache"],
)
def test_only_the_chosen_layers_are_to_do_and_layers_above_them_wait(
    projects: dict[str, Path],
    key: str,
    expected: dict[str, str],
    waiting_for: dict[str, list[str]],
) -> None:
    code, data = check_json(projects[key])
    assert code == 1 and data["ok"] is False
    layers = ["routes", "services", "models", "cache", "config"]
    assert states(data) == {layer: expected.get(layer, "done") for layer in layers}
    for layer in data["layers"]:
        assert layer["waiting_for"] == waiting_for.get(layer["name"], [])
        if layer["state"] == "waiting":  # the hint of a layer it waits for
            hint_layer = layer["first_failure"]["message"].split(" layer: ")[0]
            assert hint_layer in layer["waiting_for"]


def test_check_draws_the_layers_and_a_table(
    projects: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "_width", 250)  # a wide terminal: no cell wraps
    result = invoke("check", str(projects["fastapi:services"]))
    assert result.exit_code == 1
    out = result.stdout
    assert "client ──▶ … routes ──▶ ✗ services ──▶ ✓ models ──▶ database" in out
    assert "└──▶ ✓ cache" in out and "✓ config feeds every layer" in out
    assert "waiting for services" in out and "to do" in out
    assert "create returns the stored item as json: TodoService.create is yours to write" in out
    assert "Next: services (pytest -m services)." in out


def test_check_of_one_layer_runs_only_its_tests(projects: dict[str, Path]) -> None:
    code, data = check_json(projects["fastapi:services"], "--layer", "services")
    assert code == 1
    assert states(data) == {"services": "todo"}
    assert {test["layers"][0] for test in data["tests"]} == {"services"}


def test_check_of_a_finished_project_passes(tmp_path: Path) -> None:
    assert invoke("create", "todo", "-y", "--no-git", "-o", str(tmp_path)).exit_code == 0
    result = invoke("check", str(tmp_path / "todo"))
    assert result.exit_code == 0, result.output
    assert "Every layer passes." in result.stdout
    assert "To write" not in result.stdout  # not an exercise


def test_check_reports_code_that_does_not_load(projects: dict[str, Path], tmp_path: Path) -> None:
    project = Path(shutil.copytree(projects["flask:routes"], tmp_path / "todo"))
    service = project / "todo" / "services" / "todos.py"
    service.write_text(service.read_text() + "\ndef broken(:\n")
    code, data = check_json(project)
    assert code == 1
    assert "could not be loaded: SyntaxError" in data["error"]
    last_line = len(service.read_text().splitlines())
    assert data["error"].endswith(f"(todo/services/todos.py, line {last_line})")
    assert set(states(data).values()) == {"error"}


@pytest.mark.parametrize("target", ["missing", "empty"])
def test_check_of_a_folder_that_is_no_project_is_one_line(tmp_path: Path, target: str) -> None:
    folder = tmp_path / target
    if target == "empty":
        folder.mkdir()
    result = invoke("check", str(folder))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not a project to check" in lines[0]


def test_check_with_an_interpreter_without_pytest_says_so(
    projects: dict[str, Path], tmp_path: Path
) -> None:
    subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    bare = tmp_path / "bare" / "bin" / "python"
    code, data = check_json(projects["flask:routes"], "--python", str(bare))
    assert code == 1
    assert data["error"].startswith(f"pytest is not installed for {bare}")


def test_check_timeout_stops_a_hang_not_a_long_run(tmp_path: Path) -> None:
    """`--timeout` is time without progress: eleven 1 s tests outlast it, a stuck one is stopped.

    Without entry-point plugins the run starts in well under a second, so a loaded machine
    stretches no gap between two tests anywhere near the 10 s.
    """
    project = tmp_path / "slow"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pytest.ini_options]\nmarkers = ["services"]\n')
    steps = "".join(
        f"\n\n@pytest.mark.services\ndef test_step_{n:02}() -> None:\n    time.sleep(1)\n"
        for n in range(11)
    )
    stuck = "\n\n@pytest.mark.services\ndef test_stuck() -> None:\n    threading.Event().wait()\n"
    tests = f"import threading\nimport time\n\nimport pytest{steps}{stuck}"
    (project / "tests" / "test_slow.py").write_text(tests)
    env = {**WIDE, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = runner.invoke(app, ["check", str(project), "--json", "--timeout", "10"], env=env)
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [test["outcome"] for test in data["tests"]] == ["passed"] * 11 + ["not run"]
    assert data["duration"] > 20  # the eleven seconds of tests, then ten without progress
    assert data["error"] == (
        "timed out after 10 s in tests/test_slow.py::test_stuck: the run was stopped"
    )
    assert data["timed_out"] is True


def test_check_table_keeps_the_counts_whole_at_80_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from newbackend.teaching import _cli
    from newbackend.teaching._check import CheckResult, Failure, LayerReport
    from rich.console import Console

    failure = Failure("tests/test_routes.py::test_x", "get unknown id is 404", "expected " * 30)
    layers = (
        LayerReport(
            "routes", "todo", 112, 12, 0, 124, first_failure=failure, functions_left=("a",)
        ),
        LayerReport("services", "waiting", 0, 0, 0, 124, ("models", "cache", "config")),
    )
    piped = Console(file=io.StringIO(), width=80, force_terminal=False)
    monkeypatch.setattr(_cli, "console", piped)
    _cli._print_check(CheckResult(tmp_path, layers, (), 1, 1.0, ("routes", "services"), None))
    text = piped.file.getvalue()  # type: ignore[attr-defined]
    assert "112/124" in text and "0/124" in text and max(map(len, text.splitlines())) <= 80, text
