"""The deployment files of every combination, checked by the tools nobody here wrote:
hadolint, the Compose specification and GitHub workflow schemas (check-jsonschema), the
Kubernetes schemas (kubernetes-validate); and against the settings the app reads."""

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .support import COMBINATIONS, combination_id

BIN = Path(sys.executable).parent


def render(copie: Any, combination: dict[str, str]) -> Path:
    result = copie.copy(extra_answers={"project_name": "todo", **combination})
    assert result.exit_code == 0, result.exception
    return Path(result.project_dir)


def tool(*command: str, cwd: Path) -> str:
    completed = subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout + completed.stderr


def settings_fields(project: Path) -> set[str]:
    """The environment variables the app reads: the fields of its Settings class."""
    tree = ast.parse((project / "todo" / "config" / "settings.py").read_text())
    settings = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings")
    return {
        node.target.id.upper()
        for node in settings.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id != "model_config"
    }


def dotenv(path: Path) -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )


@pytest.fixture(scope="module", params=COMBINATIONS, ids=combination_id)
def project(request: pytest.FixtureRequest, copie_session: Any) -> tuple[Path, dict[str, str]]:
    """One rendering per combination, shared by the checks below (they only read it)."""
    return render(copie_session, request.param), request.param


def test_dockerfile_is_hadolint_clean_pinned_and_non_root(
    project: tuple[Path, dict[str, str]],
) -> None:
    path, _ = project
    tool("hadolint", "Dockerfile", cwd=path)
    text = (path / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    pinned = r"python:3\.14\.\d+-slim-\w+"  # the newest Python, to the patch release
    assert bases and all(re.fullmatch(pinned, base) for base in bases), bases
    users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert users, "no USER line"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) > 0, users[-1]
    assert re.search(r"^HEALTHCHECK .*\n.*/livez", text, re.MULTILINE)
    cmd = re.findall(r"^CMD (.+)$", text, re.MULTILINE)[-1]
    assert cmd.startswith('["gunicorn"'), cmd
    # Dependencies from the lock, in their own layer before the code, with a pinned uv.
    before_code, code = text.split("COPY todo")
    assert "COPY pyproject.toml uv.lock ./" in before_code
    assert "RUN uv sync --locked --no-dev --no-install-project" in before_code
    assert "RUN uv sync --locked --no-dev --no-editable" in code
    assert re.search(r"^COPY --from=ghcr\.io/astral-sh/uv:\d+\.\d+\.\d+ /uv /bin/uv$", text, re.M)
    assert "pip install" not in text


def test_compose_file_is_valid_and_complete(project: tuple[Path, dict[str, str]]) -> None:
    path, answers = project
    tool("check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml", cwd=path)
    compose = yaml.safe_load((path / "compose.yaml").read_text())
    services = compose["services"]
    expected = {"migrate", "web", "proxy"}
    expected |= {"db"} if answers["database"] != "sqlite" else set()
    expected |= {"redis"} if answers["cache"] == "redis" else set()
    assert set(services) == expected
    for name, service in services.items():
        if name != "migrate" and "build" not in service:
            assert "healthcheck" in service, name
    web = services["web"]
    assert "ports" not in web and "container_name" not in web  # so `--scale web=N` works
    assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    for dependency in expected - {"migrate", "web", "proxy"}:
        assert web["depends_on"][dependency] == {"condition": "service_healthy"}
    if "db" in services:  # the migration waits for the database it migrates
        assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["migrate"]["command"][-1] == "todo.models.migrate"
    if answers["database"] != "sqlite":
        assert compose["volumes"] and any("db-data" in v for v in services["db"]["volumes"])

    fields = settings_fields(path)
    given = set(web["environment"]) | set(dotenv(path / ".env"))
    assert set(web["environment"]) <= fields, set(web["environment"]) - fields
    needed = {"DATABASE_URL", "SECRET_KEY", "ENV"}
    needed |= {"REDIS_URL"} if answers["cache"] == "redis" else set()
    assert needed <= given, needed - given
    assert set(dotenv(path / ".env.example")) - {"DB_PASSWORD"} <= fields


def test_ci_workflow_is_valid_and_starts_the_chosen_services(
    project: tuple[Path, dict[str, str]],
) -> None:
    path, answers = project
    workflow_file = ".github/workflows/ci.yml"
    tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", workflow_file, cwd=path)
    job = yaml.safe_load((path / workflow_file).read_text())["jobs"]["test"]
    images = {service["image"].split(":")[0] for service in job.get("services", {}).values()}
    expected = {"postgresql": {"postgres"}, "mysql": {"mariadb"}, "sqlite": set()}[
        answers["database"]
    ] | ({"redis"} if answers["cache"] == "redis" else set())
    assert images == expected
    commands = " ".join(step.get("run", "") for step in job["steps"])
    for command in ("ruff check", "ruff format --check", "mypy", "pytest"):
        assert f"uv run {command}" in commands
    assert "uv sync --locked" in commands
    assert job["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13", "3.14"]
    actions = [step["uses"] for step in job["steps"] if "uses" in step]
    assert [use.split("@")[0] for use in actions] == ["actions/checkout", "astral-sh/setup-uv"]
    assert all(re.fullmatch(r"[\w/-]+@[0-9a-f]{40}", action) for action in actions), actions


def test_ci_workflow_is_zizmor_clean(project: tuple[Path, dict[str, str]]) -> None:
    path, _ = project
    tool("zizmor", "--offline", "--no-progress", ".github/workflows/ci.yml", cwd=path)


def test_kubernetes_manifests_are_valid(project: tuple[Path, dict[str, str]]) -> None:
    path, _ = project
    k8s = path / "deploy" / "k8s"
    kustomization = yaml.safe_load((k8s / "kustomization.yaml").read_text())
    for name in kustomization["resources"]:
        assert (k8s / name).is_file(), name
    manifests = sorted(str(p.name) for p in k8s.glob("*.yaml") if p.name != "kustomization.yaml")
    output = tool("kubernetes-validate", "--strict", *manifests, cwd=k8s)
    assert "ERROR" not in output
    deployment = yaml.safe_load((k8s / "deployment.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"  # not the database
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    config = yaml.safe_load((k8s / "configmap.yaml").read_text())["data"]
    secret = yaml.safe_load((k8s / "secret.example.yaml").read_text())["stringData"]
    assert set(config) | set(secret) <= settings_fields(path) | {"WEB_CONCURRENCY"}
    assert "DATABASE_URL" in set(config) | set(secret)


def test_pre_commit_hooks_need_nothing_but_the_dev_dependencies(
    project: tuple[Path, dict[str, str]],
) -> None:
    path, _ = project
    config = yaml.safe_load((path / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "mypy", "check-merge-conflict"} <= set(hooks)
    assert {"check-added-large-files"} <= set(hooks)
    assert all(repo["repo"] == "local" for repo in config["repos"])
