"""Every combination that copier.yml offers: generate it, then run its own checks.

Each generated project must pass its own pytest (against real PostgreSQL/MariaDB/Redis where
chosen), `ruff check`, `ruff format --check` and `mypy --strict`.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from newbackend import create_project

from .support import PYTHON, REQUIRE_SERVICES, matrix_params, project_environment, run

pytestmark = pytest.mark.matrix


def check_project(project: Path, combination: dict[str, str]) -> str:
    with project_environment(combination) as env:
        run([PYTHON, "-m", "ruff", "check", "--no-cache", "."], project, env)
        run([PYTHON, "-m", "ruff", "format", "--check", "--no-cache", "."], project, env)
        run([PYTHON, "-m", "mypy"], project, env)
        output = run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"], project, env)
    summary = output.strip().splitlines()[-1]
    passed = int(re.search(r"(\d+) passed", summary).group(1))  # type: ignore[union-attr]
    assert passed >= 60, output
    assert "failed" not in summary and "error" not in summary, output
    if REQUIRE_SERVICES:
        assert "skipped" not in summary, f"tests skipped although services are required:\n{output}"
    return output


@pytest.mark.parametrize("combination", matrix_params())
def test_generated_project_passes_its_own_checks(
    tmp_path: Path, combination: dict[str, str]
) -> None:
    result = create_project("todo", output_dir=tmp_path, answers=combination, git=False)
    check_project(result.path, combination)


@pytest.mark.parametrize(
    ("name", "answers"),
    [
        ("my-shop", {"resource": "order_line_item", "framework": "fastapi"}),
        ("inventory-service-for-the-big-warehouse", {"resource": "box", "framework": "flask"}),
        ("a" * 40, {"resource": "customer_support_ticket1", "cache": "redis"}),
        ("a" * 39 + "b", {"resource": "customer_support_ticket1", "framework": "fastapi"}),
        ("people", {"resource": "person", "resource_plural": "people", "cache": "none"}),
        ("zoo", {"resource": "zebra", "framework": "fastapi", "cache": "redis"}),
    ],
    ids=[
        "hyphen-long-resource",
        "long-project-name",
        "longest-flask",
        "longest-fastapi",
        "irregular-plural",
        "resource-sorting-last",
    ],
)
def test_unusual_names_stay_lint_clean(tmp_path: Path, name: str, answers: dict[str, Any]) -> None:
    combination = {"framework": "flask", "database": "sqlite", "cache": "memory", **answers}
    assert len(str(answers["resource"])) <= 24  # the longest copier.yml allows
    result = create_project(name, output_dir=tmp_path, answers=combination, git=False)
    check_project(result.path, combination)
