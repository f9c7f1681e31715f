"""Render tests (pytest-copie): the exact files, no Jinja left, the layer rules, bad answers."""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from .support import COMBINATIONS, ROOT, combination_id

PACKAGE_FILES = {
    "__init__.py",
    "__main__.py",
    "app.py",
    "errors.py",
    "runtime.py",
    "cache/__init__.py",
    "cache/interface.py",
    "cache/memory.py",
    "cache/single_flight.py",
    "config/__init__.py",
    "config/logs.py",
    "config/settings.py",
    "migrations/env.py",
    "migrations/script.py.mako",
    "migrations/versions/0001_create_todos.py",
    "migrations/versions/0001a_versions_and_lasting_ids.py",
    "models/__init__.py",
    "models/base.py",
    "models/columns.py",
    "models/database.py",
    "models/migrate.py",
    "models/todos.py",
    "routes/__init__.py",
    "routes/conditions.py",
    "routes/deps.py",
    "routes/errors.py",
    "routes/headers.py",
    "routes/health.py",
    "routes/middleware.py",
    "routes/paging.py",
    "routes/problems.py",
    "routes/ratelimit.py",
    "routes/todos.py",
    "services/__init__.py",
    "services/documents.py",
    "services/fields.py",
    "services/paging.py",
    "services/todos.py",
}
TOP_FILES = {
    ".copier-answers.yml",
    ".github/workflows/ci.yml",
    ".pre-commit-config.yaml",
    "deploy/nginx.conf",
    "deploy/k8s/configmap.yaml",
    "deploy/k8s/deployment.yaml",
    "deploy/k8s/kustomization.yaml",
    "deploy/k8s/migrate-job.yaml",
    "deploy/k8s/secret.example.yaml",
    "deploy/k8s/service.yaml",
    ".dockerignore",
    ".env",
    ".env.example",
    ".gitignore",
    "Dockerfile",
    "README.md",
    "alembic.ini",
    "compose.yaml",
    "gunicorn.conf.py",
    "pyproject.toml",
    "schemathesis.toml",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/fixtures.py",
    "tests/test_cache.py",
    "tests/test_faults.py",
    "tests/test_health.py",
    "tests/test_layers.py",
    "tests/test_models_todos.py",
    "tests/test_routes_todos.py",
    "tests/test_security.py",
    "tests/test_services_todos.py",
    "tests/test_settings.py",
}
# Files that may differ between two projects that differ only in the framework.
API_LAYER = {"todo/app.py", "tests/conftest.py"}
MANIFESTS = {
    ".copier-answers.yml",
    ".env",
    "pyproject.toml",
    "README.md",
    "Dockerfile",
    "gunicorn.conf.py",
}


def render(copie: Any, **answers: Any) -> Path:
    result = copie.copy(extra_answers={"project_name": "todo", **answers})
    assert result.exit_code == 0, result.exception
    assert result.project_dir is not None
    return Path(result.project_dir)


def files_of(project: Path) -> dict[str, bytes]:
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("combination", COMBINATIONS, ids=combination_id)
def test_every_combination_renders_exactly_its_files(
    copie: Any, combination: dict[str, str]
) -> None:
    project = render(copie, **combination)
    expected = TOP_FILES | {f"todo/{name}" for name in PACKAGE_FILES}
    if combination["cache"] == "redis":
        expected |= {
            "todo/cache/redis.py",
            "todo/cache/signed.py",
            "tests/test_cache_redis.py",
            "tests/test_faults_redis.py",
        }
    if combination["database"] == "sqlite":
        expected |= {"deploy/k8s/volume.yaml"}
    else:
        expected |= {"tests/test_faults_database.py"}
    assert set(files_of(project)) == expected


@pytest.mark.parametrize("combination", COMBINATIONS, ids=combination_id)
def test_rendered_files_hold_no_jinja_and_parse(copie: Any, combination: dict[str, str]) -> None:
    project = render(copie, **combination)
    for name, content in files_of(project).items():
        text = content.decode()
        # GitHub's own expressions (`${{ matrix.python-version }}`) are meant to stay.
        rest = re.sub(r"\$\{\{ [\w.-]+ \}\}", "", text) if name.startswith(".github/") else text
        assert "{{" not in rest and "{%" not in rest, name
        assert "\n\n\n\n" not in text, f"stray blank lines in {name}"
        if name.endswith(".py"):
            ast.parse(text, filename=name)
        elif name.endswith(".toml"):
            tomllib.loads(text)
        elif name.endswith((".yml", ".yaml")):
            yaml.safe_load(text)


@pytest.mark.parametrize("database", ["sqlite", "postgresql", "mysql"])
@pytest.mark.parametrize("cache", ["none", "memory", "redis"])
def test_only_the_api_layer_differs_between_frameworks(
    copie: Any, database: str, cache: str
) -> None:
    flask = files_of(render(copie, framework="flask", database=database, cache=cache))
    fastapi = files_of(render(copie, framework="fastapi", database=database, cache=cache))
    assert set(flask) == set(fastapi)
    differing = {name for name in flask if flask[name] != fastapi[name]}
    assert differing - MANIFESTS - API_LAYER == {
        name for name in differing if name.startswith("todo/routes/")
    }
    assert not {n for n in differing if n.split("/")[1:2] in (["services"], ["models"], ["cache"])}


def test_database_choice_changes_no_model_or_service_code(copie: Any) -> None:
    sqlite = files_of(render(copie, database="sqlite"))
    for database in ("postgresql", "mysql"):
        other = files_of(render(copie, database=database))
        differing = {name for name in sqlite if sqlite[name] != other.get(name)}
        differing -= {name for name in differing if name.startswith(("deploy/", ".github/"))}
        assert differing <= {
            "todo/config/settings.py",
            "compose.yaml",
            ".env.example",
            ".env",
            "README.md",
            "pyproject.toml",
            ".copier-answers.yml",
        }, differing


@pytest.mark.parametrize(
    ("answers", "question"),
    [
        ({"project_name": ""}, "project_name"),
        ({"project_name": "../x"}, "project_name"),
        ({"project_name": "a/b"}, "project_name"),
        ({"project_name": "class"}, "project_name"),
        ({"project_name": "import"}, "project_name"),
        ({"project_name": "123abc"}, "project_name"),
        ({"project_name": "my app"}, "project_name"),
        ({"project_name": "My-App"}, "project_name"),
        ({"project_name": "flask"}, "project_name"),
        ({"project_name": "redis"}, "project_name"),
        ({"project_name": "sqlalchemy"}, "project_name"),
        ({"project_name": "json"}, "project_name"),
        ({"project_name": "tests"}, "project_name"),
        ({"project_name": "a" * 41}, "project_name"),
        ({"resource": "Todo"}, "resource"),
        ({"resource": "to-do"}, "resource"),
        ({"resource": "class"}, "resource"),
        ({"resource": "todo", "resource_plural": "todo"}, "resource_plural"),
        ({"framework": "django"}, "framework"),
        ({"database": "oracle"}, "database"),
        ({"cache": "memcached"}, "cache"),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else value,
)
def test_bad_answers_are_rejected(copie: Any, answers: dict[str, str], question: str) -> None:
    result = copie.copy(extra_answers={"project_name": "todo", **answers})
    assert result.exit_code != 0
    assert question in str(result.exception)


def test_hyphenated_name_gives_an_underscored_package(copie: Any) -> None:
    project = render(copie, project_name="my-shop")
    assert (project / "my_shop" / "app.py").is_file()
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["name"] == "my-shop"


@pytest.mark.parametrize(
    ("resource", "plural", "cls"),
    [
        ("todo", "todos", "Todo"),
        ("category", "categories", "Category"),
        ("box", "boxes", "Box"),
        ("order_item", "order_items", "OrderItem"),
        ("day", "days", "Day"),
    ],
)
def test_the_resource_names_the_url_table_and_classes(
    copie: Any, resource: str, plural: str, cls: str
) -> None:
    project = render(copie, resource=resource)
    service = (project / "todo" / "services" / f"{plural}.py").read_text()
    assert f"class {cls}Service:" in service
    assert f'url_prefix="/{plural}"' in (project / "todo" / "routes" / f"{plural}.py").read_text()
    assert (
        f'__tablename__ = "{plural}"' in (project / "todo" / "models" / f"{plural}.py").read_text()
    )


def test_an_irregular_plural_can_be_given(copie: Any) -> None:
    project = render(copie, resource="person", resource_plural="people")
    assert (project / "todo" / "routes" / "people.py").is_file()


def test_each_project_gets_its_own_secret_only_in_the_gitignored_env(copie: Any) -> None:
    first, second = render(copie, database="postgresql"), render(copie, database="mysql")
    secrets = []
    for project in (first, second):
        env = dict(
            line.split("=", 1)
            for line in (project / ".env").read_text().splitlines()
            if line and not line.startswith("#")
        )
        secrets.append(env["SECRET_KEY"])
        assert len(env["SECRET_KEY"]) == 64
        assert len(env["DB_PASSWORD"]) == 32
        assert ".env" in (project / ".gitignore").read_text().splitlines()
        for name, content in files_of(project).items():
            if name != ".env":
                assert env["SECRET_KEY"].encode() not in content, name
                assert env["DB_PASSWORD"].encode() not in content, name
    assert secrets[0] != secrets[1]


def test_debug_is_off_by_default(copie: Any) -> None:
    settings = (render(copie) / "todo" / "config" / "settings.py").read_text()
    assert "debug: bool = False" in settings


def test_plain_copier_copy_works_without_trust(tmp_path: Path) -> None:
    """What a user of copier (not of our CLI) runs: no --trust, no prompts."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            str(ROOT),
            str(tmp_path / "todo"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    answers = yaml.safe_load((tmp_path / "todo" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "todo"
    assert "secret_key" not in answers
    assert (tmp_path / "todo" / "todo" / "app.py").is_file()


@pytest.mark.parametrize(
    ("framework", "module"), [("flask", "flask"), ("fastapi", "fastapi"), ("fastapi", "starlette")]
)
def test_ruff_rejects_the_framework_outside_the_api_layer(
    copie: Any, framework: str, module: str
) -> None:
    project = render(copie, framework=framework)
    service = project / "todo" / "services" / "todos.py"
    service.write_text(f"import {module}  # noqa: F401\n" + service.read_text())
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "TID251", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "todo/services/todos.py" in completed.stdout
    assert "belongs in routes/ and app.py only" in completed.stdout


ADVERSARIAL = [
    'x"; import os #',
    "'''\"\"\" and a docstring breaker",
    "yaml: [a, {b}] - c # d &anchor *ref !tag",
    "{{ 7 * 7 }} {% raw %} ${HOME} `id` $(id)",
    "\\ backslash \\n \\u0000 \\",
    "ünïcødé — ✓ 🙂",
]


@pytest.mark.parametrize("description", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
@pytest.mark.parametrize("framework", ["flask", "fastapi"])
def test_hostile_answers_render_inert_valid_files(
    copie: Any, description: str, framework: str
) -> None:
    project = render(copie, description=description, framework=framework, cache="redis")
    for name, content in files_of(project).items():
        text = content.decode()
        if name.endswith(".py"):
            ast.parse(text, filename=name)
        elif name.endswith(".toml"):
            tomllib.loads(text)
        elif name.endswith((".yml", ".yaml")):
            yaml.safe_load(text)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == description
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["description"] == description
    assert "49" not in (project / "README.md").read_text().split("\n", 3)[2]  # not evaluated


@pytest.mark.parametrize("description", ["two\nlines", "tab\there", "nul\x00"])
def test_a_description_with_control_characters_is_refused(copie: Any, description: str) -> None:
    result = copie.copy(extra_answers={"project_name": "todo", "description": description})
    assert result.exit_code != 0
    assert "description" in str(result.exception)


@pytest.mark.parametrize("framework", ["flask", "fastapi"])
def test_import_linter_rejects_an_import_against_the_layers(copie: Any, framework: str) -> None:
    project = render(copie, framework=framework)
    paging = project / "todo" / "services" / "paging.py"
    paging.write_text(paging.read_text() + "\nfrom ..routes import deps  # noqa: E402, F401\n")
    completed = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stdout
    assert "todo.services is not allowed to import todo.routes" in completed.stdout
    assert "todo.services.paging -> todo.routes.deps" in completed.stdout


@pytest.mark.parametrize("combination", COMBINATIONS, ids=combination_id)
def test_plain_copier_output_is_already_formatted(copie: Any, combination: dict[str, str]) -> None:
    """With the default names, what copier renders is what ruff would write: the project a plain
    `copier copy` makes and the one `newbackend create` formats are the same files."""
    project = render(copie, **combination)
    for check in (["format", "--check"], ["check", "--select", "I"]):
        completed = subprocess.run(
            [sys.executable, "-m", "ruff", *check, "--no-cache", "."],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
