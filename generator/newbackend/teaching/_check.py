"""`check_project`: run a project's own tests in a subprocess and report them layer by layer.

The project's code is never imported here: its tests run under its own interpreter, in a
process group of their own, and report through a small pytest plugin (`_check_plugin`) that
appends JSON lines to a file as it goes. Those lines are also how a hang is told from a slow
machine: the run is killed when no line has come for `timeout` seconds (no test started or
finished), however long the whole run takes.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ProjectError
from ._exercise import functions_left, read_exercise
from ._layers import EXERCISE_LAYERS, LAYERS

PLUGIN = "newbackend_check_report"
POLL = 0.25  # seconds between two looks at the report while the tests run
OTHER = "other"  # tests without exactly one layer marker
STATES = ("done", "todo", "waiting", "error")
_HINT_LAYER = re.compile(r"^(\w+) layer: ")


@dataclass(frozen=True)
class TestResult:
    id: str
    layers: tuple[str, ...]
    outcome: str  # passed | failed | skipped | not run
    message: str = ""
    hints: tuple[str, ...] = ()

    @property
    def layer(self) -> str:
        return self.layers[0] if len(self.layers) == 1 else OTHER

    @property
    def blocked_by(self) -> set[str]:
        """The layers whose unwritten functions this test ran into."""
        return {match.group(1) for hint in self.hints if (match := _HINT_LAYER.match(hint))}


@dataclass(frozen=True)
class Failure:
    test: str
    what: str  # the test's name in words: test_get_unknown_id_is_404 → "get unknown id is 404"
    message: str


@dataclass(frozen=True)
class LayerReport:
    name: str
    state: str  # done | todo | waiting | error
    passed: int
    failed: int
    skipped: int
    total: int
    waiting_for: tuple[str, ...] = ()
    first_failure: Failure | None = None
    functions_left: tuple[str, ...] | None = None  # None: not part of the exercise


@dataclass(frozen=True)
class CheckResult:
    project: Path
    layers: tuple[LayerReport, ...]
    tests: tuple[TestResult, ...]
    returncode: int | None
    duration: float
    exercise: tuple[str, ...] = ()
    error: str | None = None  # the tests could not run, or not to the end
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return (
            self.returncode == 0
            and self.error is None
            and bool(self.layers)
            and all(layer.state == "done" for layer in self.layers)
        )

    def layer(self, name: str) -> LayerReport | None:
        return next((layer for layer in self.layers if layer.name == name), None)

    def next_layer(self) -> LayerReport | None:
        """The lowest layer not done: the one to work on first (each uses the ones below)."""
        order = [*reversed(EXERCISE_LAYERS), "config", OTHER]
        pending = [layer for layer in self.layers if layer.state != "done"]
        return min(pending, key=lambda layer: order.index(layer.name), default=None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["project"] = str(self.project)
        data["ok"] = self.ok
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


@dataclass
class _Run:
    events: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""
    returncode: int | None = None
    timed_out: bool = False


def check_project(
    project: Path = Path(),
    *,
    timeout: float = 600,
    python: str | None = None,
    layers: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> CheckResult:
    """Run the tests of `project` (only `layers` when given) and sort the results by layer.

    The run is stopped as hanging when it makes no progress for `timeout` seconds.
    """
    project = project.resolve()
    if not (project / "pyproject.toml").is_file() or not (project / "tests").is_dir():
        raise ProjectError(f"'{project}' is not a project to check (no pyproject.toml and tests/)")
    unknown = sorted(set(layers) - set(LAYERS))
    if unknown:
        raise ProjectError(f"unknown layer {', '.join(unknown)}: choose from {', '.join(LAYERS)}")
    exercise = read_exercise(project)
    interpreter = resolve_python(python) or find_python(project)
    started = time.monotonic()
    run = _run_tests(project, interpreter, layers, timeout, env)
    duration = time.monotonic() - started
    tests = _tests(run.events)
    error = _run_error(run, tests, interpreter, timeout, project)
    reports = []
    for name in [*LAYERS, OTHER]:
        members = [test for test in tests if test.layer == name]
        if members or (error and name in (layers or LAYERS)):
            left = None
            if exercise is not None and name in exercise.layers:
                tasks = [task for task in functions_left(project, exercise) if task.layer == name]
                left = tuple(task.function for task in tasks)
            reports.append(_layer_report(name, members, error, left))
    return CheckResult(
        project,
        tuple(reports),
        tuple(tests),
        run.returncode,
        duration,
        exercise.layers if exercise else (),
        error,
        run.timed_out,
    )


def resolve_python(python: str | None) -> str | None:
    """A `--python` path as the user meant it: from the current folder (the tests run in the
    project's). A bare name (`python3`) stays a name, looked up on PATH."""
    separators = {os.sep, os.altsep or os.sep}
    if python is None or not any(separator in python for separator in separators):
        return python
    return str(Path(python).expanduser().absolute())


def find_python(project: Path) -> str:
    """The project's interpreter: its own .venv, else the active virtual environment, else ours."""
    candidates = [
        project / ".venv" / "bin" / "python",
        project / ".venv" / "Scripts" / "python.exe",
    ]
    if os.environ.get("VIRTUAL_ENV"):
        venv = Path(os.environ["VIRTUAL_ENV"])
        candidates += [venv / "bin" / "python", venv / "Scripts" / "python.exe"]
    return str(next((path for path in candidates if path.is_file()), Path(sys.executable)))


def _run_tests(
    project: Path,
    interpreter: str,
    layers: Sequence[str],
    timeout: float,
    env: Mapping[str, str] | None,
) -> _Run:
    run = _Run()
    with tempfile.TemporaryDirectory(prefix="newbackend-check-") as scratch_name:
        scratch = Path(scratch_name)
        shutil.copyfile(Path(__file__).with_name("_check_plugin.py"), scratch / f"{PLUGIN}.py")
        report, output = scratch / "report.jsonl", scratch / "output.txt"
        environment = {
            key: value
            for key, value in (os.environ if env is None else env).items()
            if not key.startswith(("PYTEST_XDIST", "PYTEST_CURRENT_TEST"))
        }
        path = [str(scratch), environment.get("PYTHONPATH", "")]
        environment["PYTHONPATH"] = os.pathsep.join(part for part in path if part)
        environment["NEWBACKEND_CHECK_REPORT"] = str(report)
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        command = [interpreter, "-m", "pytest", "-p", PLUGIN, "-p", "no:cacheprovider", "-q"]
        # Native tracebacks: pytest's own formatting of deep framework stacks costs seconds.
        command += ["--color=no", "--tb=native", "-o", "console_output_style=classic"]
        if layers:
            command += ["-m", " or ".join(layers)]
        with output.open("wb") as sink:
            try:
                process = subprocess.Popen(
                    command,
                    cwd=project,
                    env=environment,
                    stdin=subprocess.DEVNULL,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    start_new_session=os.name == "posix",  # a process group to kill as a whole
                )
            except OSError as error:
                raise ProjectError(f"cannot run the tests with '{interpreter}': {error}") from None
            try:
                run.returncode = _wait(process, report, timeout)
            except BaseException:  # Ctrl-C: never leave the student's code running
                _kill(process)
                raise
            if run.returncode is None:
                run.timed_out = True
                _kill(process)
        run.output = output.read_text(encoding="utf-8", errors="replace")[-20_000:]
        if report.is_file():
            for line in report.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    run.events.append(json.loads(line))
                except ValueError:
                    continue  # a line cut short by the kill
    return run


def _wait(process: subprocess.Popen[bytes], report: Path, timeout: float) -> int | None:
    """The run's exit code, or None once its report has not grown for `timeout` seconds.

    Each test adds lines when it starts and ends: a loaded machine runs every test slower but
    keeps adding them; a test that never returns stops them.
    """
    size, since = -1, time.monotonic()
    while True:
        try:
            return process.wait(timeout=POLL)
        except subprocess.TimeoutExpired:
            pass
        try:
            grown = report.stat().st_size
        except FileNotFoundError:
            grown = 0
        if grown != size:
            size, since = grown, time.monotonic()
        elif time.monotonic() - since >= timeout:
            return None


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()


def _tests(events: list[dict[str, Any]]) -> list[TestResult]:
    collected: list[dict[str, Any]] = next(
        (event["tests"] for event in events if event["event"] == "collected"), []
    )
    phases: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if event["event"] == "result":
            phases.setdefault(event["id"], []).append(event)
    tests = []
    for test in collected:
        reports = phases.get(test["id"], [])
        failed = [report for report in reports if report["outcome"] == "failed"]
        if failed:
            hints = tuple(dict.fromkeys(hint for report in failed for hint in report["hints"]))
            outcome, message = "failed", failed[0]["message"]
        elif any(report["outcome"] == "skipped" for report in reports):
            hints, outcome, message = (), "skipped", ""
        elif any(report["when"] == "call" for report in reports):
            hints, outcome, message = (), "passed", ""
        else:
            hints, outcome, message = (), "not run", ""
        tests.append(TestResult(test["id"], tuple(test["layers"]), outcome, message, hints))
    return tests


def _run_error(
    run: _Run, tests: list[TestResult], interpreter: str, timeout: float, project: Path
) -> str | None:
    if run.timed_out:
        started = [event["id"] for event in run.events if event["event"] == "start"]
        where = f"in {started[-1]}" if started else "while loading the tests"
        return f"timed out after {timeout:g} s {where}: the run was stopped"
    if "No module named pytest" in run.output:
        return (
            f"pytest is not installed for {interpreter}: run uv sync (or pip install -e . "
            "--group dev) in the project, or pass --python"
        )
    broken = [event for event in run.events if event["event"] == "collect-error"]
    if broken:
        where = _place(str(broken[0].get("trace", "")), project)
        what = f"{broken[0]['id'] or 'the tests'} could not be loaded: {broken[0]['message']}"
        return what + where
    if not tests and run.returncode not in (0, 5):
        return f"the tests could not start: {_last_error(run.output, project)}"
    if any(test.outcome == "not run" for test in tests):
        stopped = f"the test run stopped early (exit code {run.returncode})"
        return f"{stopped}: {_last_error(run.output, project)}"
    return None


def _last_error(output: str, project: Path) -> str:
    """The error that stopped the run, and where it was raised in the project's own code."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    named = [line for line in lines if re.search(r"\w+(Error|Exception)\b", line)]
    message = (errors or named or lines or ["no output"])[-1][:300]
    return message + _place(output, project)


def _place(output: str, project: Path) -> str:
    """` (path, line N)`: the last place in the project's own code a traceback names."""
    places = re.findall(r'File "([^"]+)", line (\d+)', output)
    own = [(path, line) for path, line in places if Path(path).is_relative_to(project)]
    if not own:
        return ""
    path, line = own[-1]
    return f" ({Path(path).relative_to(project).as_posix()}, line {line})"


def _layer_report(
    name: str, tests: list[TestResult], error: str | None, left: tuple[str, ...] | None
) -> LayerReport:
    counts = {
        outcome: sum(test.outcome == outcome for test in tests)
        for outcome in ("passed", "failed", "skipped")
    }
    failing = [test for test in tests if test.outcome in ("failed", "not run")]
    waiting: tuple[str, ...] = ()
    if error and (not tests or any(test.outcome == "not run" for test in tests)):
        state, first = "error", Failure("", "", error)
    elif not failing:
        state, first = "done", None
    elif all(test.blocked_by and name not in test.blocked_by for test in failing):
        state = "waiting"
        waiting = tuple(layer for layer in LAYERS if any(layer in t.blocked_by for t in failing))
        first = _failure(failing[0])
    else:
        state = "todo"
        own = [test for test in failing if not test.blocked_by or name in test.blocked_by]
        first = _failure(own[0], prefer=name)
    return LayerReport(
        name,
        state,
        counts["passed"],
        counts["failed"],
        counts["skipped"],
        len(tests),
        waiting,
        first,
        left,
    )


def _failure(test: TestResult, prefer: str | None = None) -> Failure:
    """The failure in plain words: the hint of a function still to write, else the assertion."""
    name = test.id.split("::")[-1]
    what = re.sub(r"^test_", "", name.split("[")[0]).replace("_", " ")
    if "[" in name:
        what += f" ({name.split('[', 1)[1].rstrip(']')})"
    hints = sorted(test.hints, key=lambda hint: not hint.startswith(f"{prefer} layer:"))
    if hints:
        return Failure(test.id, what, hints[0])
    lines = [line.strip() for line in test.message.splitlines()]
    kept = [line for line in lines if line and not line.startswith("+")][:2]
    message = " — ".join(kept) or "failed"
    return Failure(test.id, what, message[:300])
