"""Exercise mode and `check`: a starter that fails exactly where work is missing, and that turns
green layer by layer as the original functions are put back.

Each combination is rendered twice, once (module fixture): finished and as an exercise of all
four layers. Tests that change a project work on a copy.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from newbackend import create_project
from newbackend.teaching._check import CheckResult, check_project
from newbackend.teaching._exercise import (
    EXERCISE_FILE,
    GUIDE_FILE,
    NOQA,
    Exercise,
    functions_left,
    read_exercise,
    restore,
)
from newbackend.teaching._layers import EXERCISE_LAYERS, LAYERS

from .support import PYTHON, needs_services, project_environment, run
from .test_e2e import free_port, request, wait_until_serving

pytestmark = pytest.mark.matrix

EMBEDDED = {"database": "sqlite", "cache": "memory"}
COMBINATIONS = [
    pytest.param({"framework": "flask", **EMBEDDED}, id="flask-sqlite-memory"),
    pytest.param({"framework": "fastapi", **EMBEDDED}, id="fastapi-sqlite-memory"),
    pytest.param(
        {"framework": "fastapi", "database": "postgresql", "cache": "redis"},
        id="fastapi-postgresql-redis",
        marks=pytest.mark.services,
    ),
    pytest.param(
        {"framework": "flask", "database": "mysql", "cache": "redis"},
        id="flask-mysql-redis",
        marks=pytest.mark.services,
    ),
]
# The lowest layer first: each layer's tests also use the layers below it.
BOTTOM_UP = tuple(reversed(EXERCISE_LAYERS))


@dataclass(frozen=True)
class Pair:
    combination: dict[str, str]
    original: Path
    exercise: Path
    record: Exercise

    def copy(self, target: Path) -> Path:
        return Path(shutil.copytree(self.exercise, target / self.exercise.name))


@pytest.fixture(scope="module", params=COMBINATIONS)
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pair:
    combination: dict[str, str] = request.param
    base = tmp_path_factory.mktemp("exercise")
    original = create_project("todo", output_dir=base / "original", answers=combination, git=False)
    exercise = create_project(
        "todo",
        output_dir=base / "exercise",
        answers=combination,
        git=False,
        exercise=EXERCISE_LAYERS,
    )
    assert exercise.exercise is not None
    return Pair(combination, original.path, exercise.path, exercise.exercise)


@pytest.fixture
def environment(pair: Pair) -> Iterator[dict[str, str]]:
    """The project's tests against the real servers the combination names."""
    with project_environment(pair.combination) as env:
        yield env


def states(result: CheckResult) -> dict[str, str]:
    return {layer.name: layer.state for layer in result.layers}


def texts(project: Path) -> dict[str, str]:
    return {
        path.relative_to(project).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(project.rglob("*"))
        # .env holds per-project secrets; the answers file, in a dirty checkout, a fresh commit.
        if path.is_file() and ".env" not in path.name and path.name != ".copier-answers.yml"
    }


def test_exercise_changes_only_the_chosen_functions(pair: Pair, tmp_path: Path) -> None:
    original, exercise = texts(pair.original), texts(pair.exercise)
    assert set(exercise) == set(original) | {EXERCISE_FILE, GUIDE_FILE}
    touched = {task.file for task in pair.record.tasks}
    assert {name for name in original if original[name] != exercise[name]} == touched
    assert {task.layer for task in pair.record.tasks} == set(EXERCISE_LAYERS)
    if pair.combination["cache"] == "redis":
        assert any(task.function.startswith("RedisStore.") for task in pair.record.tasks)
    # Putting every body back gives the original, apart from the import markers.
    solved = pair.copy(tmp_path)
    restore(solved, pair.original, pair.record.tasks)
    for name in touched:
        assert (solved / name).read_text().replace(NOQA, "") == original[name], name


@pytest.mark.parametrize(
    ("name", "answers"),
    [
        ("todo", {"framework": "flask"}),
        (
            "a" * 39 + "b",
            {"framework": "fastapi", "cache": "redis", "resource": "customer_support_ticket1"},
        ),
    ],
    ids=["flask-default", "fastapi-redis-longest-names"],
)
def test_exercise_project_lints_formats_and_type_checks(
    tmp_path: Path, name: str, answers: dict[str, str]
) -> None:
    made = create_project(name, output_dir=tmp_path, answers=answers, git=False, exercise=BOTTOM_UP)
    env = {**os.environ, "MYPY_CACHE_DIR": str(tmp_path / "mypy-cache")}
    run([PYTHON, "-m", "ruff", "check", "--no-cache", "."], made.path, env)
    run([PYTHON, "-m", "ruff", "format", "--check", "--no-cache", "."], made.path, env)
    run([PYTHON, "-m", "mypy"], made.path, env)


def test_fresh_exercise_reports_every_chosen_layer_to_do(
    pair: Pair, environment: dict[str, str]
) -> None:
    result = check_project(pair.exercise, env=environment)
    assert result.error is None, result.error
    assert not result.ok and result.returncode == 1
    assert states(result) == {**dict.fromkeys(EXERCISE_LAYERS, "todo"), "config": "done"}
    for layer in result.layers:
        if layer.name == "config":
            assert layer.passed == layer.total > 0 and layer.functions_left is None
            continue
        tasks = [task for task in pair.record.tasks if task.layer == layer.name]
        assert layer.functions_left == tuple(task.function for task in tasks)
        assert layer.first_failure is not None
        # The plain-words message is the hint: what to write, its layer, the test file.
        message = layer.first_failure.message
        assert message.startswith(f"{layer.name} layer: ") and "is yours to write" in message
        assert any(task.test in message for task in tasks), message
    if needs_services(pair.combination):
        redis_tests = [test for test in result.tests if "test_cache_redis" in test.id]
        assert redis_tests and all(test.outcome != "skipped" for test in redis_tests)


@pytest.mark.parametrize("cache", ["memory", "redis"])
def test_every_generated_test_carries_exactly_one_layer_marker(tmp_path: Path, cache: str) -> None:
    answers = {"framework": "flask" if cache == "memory" else "fastapi", "cache": cache}
    project = create_project("todo", output_dir=tmp_path, answers=answers, git=False).path
    result = check_project(project)
    assert result.ok, result.to_json()
    assert result.tests and all(len(test.layers) == 1 for test in result.tests)
    assert {test.layers[0] for test in result.tests} == set(LAYERS)
    assert any("test_cache_redis" in test.id for test in result.tests) == (cache == "redis")
    # One layer at a time, as a student runs them.
    cache_only = check_project(project, layers=["cache"])
    assert [layer.name for layer in cache_only.layers] == ["cache"]
    assert cache_only.ok
    assert len(cache_only.tests) == sum(test.layers == ("cache",) for test in result.tests)


def test_each_layer_is_done_as_soon_as_its_functions_are_back(
    pair: Pair, environment: dict[str, str], tmp_path: Path
) -> None:
    """Restore the original bodies function by function, the lowest layer first.

    Each step runs the layer's own tests (what `check --layer` runs): not done while one
    function is missing, done once it is back. The last step runs everything.
    """
    project = pair.copy(tmp_path)
    stepwise = not needs_services(pair.combination)  # real servers: the whole exercise at once
    for layer in BOTTOM_UP if stepwise else ():
        tasks = [task for task in pair.record.tasks if task.layer == layer]
        restore(project, pair.original, tasks[:-1])
        almost = check_project(project, layers=[layer], env=environment)
        assert states(almost) == {layer: "todo"}, f"{layer} done before {tasks[-1].function}"
        assert almost.layers[0].functions_left == (tasks[-1].function,)
        restore(project, pair.original, tasks[-1:])
        done = check_project(project, layers=[layer], env=environment)
        assert states(done) == {layer: "done"}, done.to_json()
        assert done.layers[0].functions_left == ()
    restore(project, pair.original, pair.record.tasks)
    result = check_project(project, env=environment)
    assert result.ok, result.to_json()
    assert states(result) == dict.fromkeys(LAYERS, "done")
    assert functions_left(project, read_exercise(project)) == ()  # type: ignore[arg-type]


@pytest.mark.parametrize("framework", ["flask", "fastapi"])
def test_exercise_project_starts_and_answers_where_it_is_finished(
    tmp_path: Path, framework: str
) -> None:
    project = create_project(
        "todo",
        output_dir=tmp_path,
        answers={"framework": framework},
        git=False,
        exercise=EXERCISE_LAYERS,
    ).path
    port = free_port()
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path}/app.db"}
    server = subprocess.Popen(
        [PYTHON, "-m", "todo"],
        cwd=project,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{base}/health", server)
        assert request("GET", f"{base}/health")[0] == 200  # config, models, cache wiring: given
        status, error = request("POST", f"{base}/todos", {"title": ""})
        assert status == 422 and error["detail"]  # validation is given too
        assert request("GET", f"{base}/todos") == (500, {"detail": "internal server error"})
    finally:
        server.terminate()
        output = server.communicate(timeout=120)[0]
    assert "routes layer: list_todos is yours to write" in output  # the log says what is missing
