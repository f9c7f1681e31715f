"""`newbackend update` and `newbackend set`: template changes arrive, user edits stay.

The template is a git repository built here from this checkout (tests/releases.py), tagged
with this package's release; each test releases the next versions itself.
"""

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from newbackend import create_project
from newbackend._lock import find_uv
from newbackend._resource import add_resource
from newbackend._template import TEMPLATE_ENV
from newbackend.cli import app
from typer.testing import CliRunner

from .releases import (
    FIRST,
    PACKAGE,
    commit_all,
    edit,
    git,
    release,
    template_repository,
    template_repository_at,
    this_checkout,
)
from .support import PYTHON, REDIS_URL, ROOT, project_environment, require_server, run

pytestmark = pytest.mark.matrix

runner = CliRunner()
NEXT = "v99.0.0"
PAGING = "services/paging.py"
PAGING_V1 = (ROOT / PACKAGE / PAGING).read_text().split("\n", 1)[0]  # its docstring
PAGING_V2 = '"""Paging: bounded limit and offset (improved in the next release)."""'
VOLUME = "{% if database == 'sqlite' %}volume.yaml{% endif %}.jinja"
RESOURCE_SERVICE = "resource/template/{{package_name}}/services/{{resource_plural}}.py.jinja"
RESOURCE_V1 = (
    '"""{{ resource_class }}: what a client may send, the storage port, the service '
    '(cache-aside)."""'
)
RESOURCE_V2 = '"""{{ resource_class }}: its rules (improved in the next release)."""'
README_V2 = "Updating: `newbackend update` brings the template's later improvements."


def answers(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return data


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def routes_file(project: Path) -> Path:
    return project / "todo" / "routes" / "todos.py"


def user_edits(project: Path, framework: str) -> dict[Path, str]:
    """The edits a developer makes in the first weeks; returns each file's expected snippet."""
    decorator = "@bp.get" if framework == "flask" else "@router.get"
    route = (
        f'\n\n{decorator}("/stats/count")\ndef count_todos() -> dict[str, int]:\n'
        '    return {"count": 0}\n'
    )
    routes = routes_file(project)
    routes.write_text(routes.read_text() + route)
    settings = project / "todo" / "config" / "settings.py"
    edit(
        settings,
        "cache_ttl: int = Field(default=60, ge=1)",
        "cache_ttl: int = Field(default=90, ge=1)",
    )
    readme = project / "README.md"
    edit(
        readme,
        "## Database migrations\n",
        "## Database migrations\n\nOur team reviews every migration.\n",
    )
    test = project / "tests" / "test_stats.py"
    test.write_text(
        '"""Our own route."""\n\nimport json\nfrom typing import Any\n\nimport pytest\n\n'
        "pytestmark = pytest.mark.routes\n\n\n"
        "def test_stats_count(client: Any) -> None:\n"
        '    response = client.get("/todos/stats/count")\n'
        "    assert response.status_code == 200\n"
        '    assert json.loads(response.text) == {"count": 0}\n'
    )
    commit_all(project, "our edits")
    return {
        routes: route.strip(),
        settings: "default=90",
        readme: "Our team reviews every migration.",
        test: "def test_stats_count",
    }


def improve_template(repo: Path) -> None:
    """The next release: a changed module, a README addition and a new file."""
    edit(repo / PACKAGE / PAGING, PAGING_V1, PAGING_V2)
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + f"\n{README_V2}\n")
    (repo / "template" / "CONTRIBUTING.md").write_text("# Contributing\n\nRun `pytest`.\n")


def project_tests(project: Path, env: dict[str, str]) -> None:
    output = run([PYTHON, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"], project, env)
    summary = output.strip().splitlines()[-1]
    assert "passed" in summary and "failed" not in summary, output


def migrate(project: Path, env: dict[str, str]) -> None:
    run([PYTHON, "-m", "alembic", "upgrade", "head"], project, env)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = template_repository(tmp_path / "template-repo")
    monkeypatch.setenv(TEMPLATE_ENV, str(path))
    return path


def create(repo: Path, folder: Path, **combination: str) -> Path:
    return create_project("todo", output_dir=folder, answers=combination, template=repo).path


@pytest.mark.parametrize(
    "combination",
    [
        pytest.param(
            {"framework": "flask", "database": "sqlite", "cache": "memory"}, id="flask-sqlite"
        ),
        pytest.param(
            {"framework": "fastapi", "database": "postgresql", "cache": "redis"},
            id="fastapi-postgresql-redis",
            marks=pytest.mark.services,
        ),
        pytest.param(
            {"framework": "flask", "database": "mysql", "cache": "none"},
            id="flask-mysql",
            marks=pytest.mark.services,
        ),
    ],
)
def test_update_brings_the_release_and_keeps_every_edit(
    repo: Path, tmp_path: Path, combination: dict[str, str]
) -> None:
    project = create(repo, tmp_path, **combination)
    assert answers(project)["_commit"] == FIRST
    expected = user_edits(project, combination["framework"])
    release(repo, NEXT, improve_template)

    result = invoke("update", str(project))
    assert result.exit_code == 0, result.output
    assert f"template {FIRST} → {NEXT}" in result.stdout
    assert answers(project)["_commit"] == NEXT
    assert (project / "todo" / PAGING).read_text().startswith(PAGING_V2)
    assert README_V2 in (project / "README.md").read_text()
    assert (project / "CONTRIBUTING.md").is_file()
    for path, snippet in expected.items():
        assert snippet in path.read_text(), path
    changed = git(project, "status", "--porcelain").split("\n")
    assert not any(line.startswith("UU") for line in changed)
    assert "<<<<<<<" not in git(project, "diff")
    with project_environment(combination) as env:
        migrate(project, env)
        project_tests(project, env)


# The last release before every resource came from resource/ (and the layers moved modules).
BEFORE_ONE_SOURCE = "bead86bbaeeaf5cc7d89bc21ab9f82b23edd482d"


@pytest.mark.parametrize(
    "combination",
    [
        pytest.param({"framework": "flask", "cache": "memory"}, id="flask-sqlite"),
        pytest.param(
            {"framework": "fastapi", "database": "postgresql", "cache": "redis"},
            id="fastapi-postgresql-redis",
            marks=pytest.mark.services,
        ),
    ],
)
def test_a_project_of_the_previous_layout_updates_without_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, combination: dict[str, str]
) -> None:
    repo = template_repository_at(tmp_path / "template-repo", BEFORE_ONE_SOURCE)
    monkeypatch.setenv(TEMPLATE_ENV, str(repo))
    project = create(repo, tmp_path, **combination)
    assert not (project / "todo" / "services" / "fields.py").exists()
    refused = invoke("add", "resource", "task", str(project))
    assert refused.exit_code == 1 and "newbackend update" in refused.stderr
    expected = user_edits(project, combination["framework"])
    release(repo, NEXT, this_checkout)

    result = invoke("update", str(project))
    assert result.exit_code == 0, result.output
    assert "conflict" not in result.stdout
    for path, snippet in expected.items():
        assert snippet in path.read_text(), path
    assert (project / "todo" / "services" / "fields.py").is_file()
    assert not (project / "todo" / "services" / "errors.py").exists()
    commit_all(project, "update to the one-source layout")
    assert invoke("add", "resource", "task", str(project)).exit_code == 0
    with project_environment({"database": "sqlite", **combination}) as env:
        migrate(project, env)
        project_tests(project, env)


def test_update_reports_a_conflict_and_exits_1(repo: Path, tmp_path: Path) -> None:
    project = create(repo, tmp_path, framework="fastapi")
    paging = project / "todo" / PAGING
    edit(paging, PAGING_V1, '"""Paging, our way."""')
    commit_all(project, "our paging")
    release(repo, NEXT, improve_template)

    result = invoke("update", str(project))
    assert result.exit_code == 1
    assert "todo/services/paging.py" in result.stderr
    assert "conflict" in result.stdout and "CONTRIBUTING.md" in result.stdout
    text = paging.read_text()
    assert "<<<<<<< before updating" in text and "Paging, our way." in text and PAGING_V2 in text
    assert README_V2 in (project / "README.md").read_text()  # the rest arrived
    # The unresolved conflict leaves the tree dirty: a second update is refused.
    again = invoke("update", str(project))
    assert again.exit_code == 1 and "uncommitted changes" in again.stderr


def test_update_moves_an_edit_to_a_renamed_file_and_keeps_an_edited_removed_one(
    repo: Path, tmp_path: Path
) -> None:
    project = create(repo, tmp_path)
    nginx = project / "deploy" / "nginx.conf"
    nginx.write_text("# our proxy\n" + nginx.read_text())
    k8s = project / "deploy" / "k8s" / "volume.yaml"
    k8s.write_text(k8s.read_text() + "# our volume note\n")
    commit_all(project, "our deploy notes")

    def rename(template: Path) -> None:
        old = template / "template" / "deploy" / "nginx.conf"
        new = template / "template" / "deploy" / "nginx" / "default.conf"
        new.parent.mkdir()
        text = old.read_text()
        new.write_text(text.replace("    listen 80;", "    listen 8080;"))
        old.unlink()
        (template / "template" / "deploy" / "k8s" / VOLUME).unlink()
        edit(
            template / "renames.yml",
            "\nrenamed:\n",
            "\nrenamed:\n  - {from: deploy/nginx.conf, to: deploy/nginx/default.conf}\n",
        )

    release(repo, NEXT, rename)
    result = invoke("update", str(project))
    assert result.exit_code == 0, result.output
    moved = (project / "deploy" / "nginx" / "default.conf").read_text()
    assert moved.startswith("# our proxy\n") and "listen 8080;" in moved
    assert not nginx.exists()
    assert "moved your edit of deploy/nginx.conf to deploy/nginx/default.conf" in result.stdout
    assert k8s.read_text().endswith("# our volume note\n")
    assert "kept your edited deploy/k8s/volume.yaml" in result.stdout


def test_update_with_question_changes_keeps_the_old_answers(repo: Path, tmp_path: Path) -> None:
    """A new question, a renamed one and an added choice: `--defaults` keeps old answers."""

    def add_team(template: Path) -> None:
        config = template / "copier.yml"
        config.write_text(
            config.read_text() + "\nteam:\n  type: str\n  help: Team\n  default: core\n"
        )
        readme = template / "template" / "README.md.jinja"
        readme.write_text(readme.read_text() + "\nOwned by {{ team }}.\n")

    def rename_team(template: Path) -> None:
        config = template / "copier.yml"
        edit(
            config,
            "\nteam:\n  type: str\n  help: Team\n  default: core\n",
            "\nowner:\n  type: str\n  help: Team\n"
            "  default: \"{{ team if team is defined else 'core' }}\"\n",
        )
        edit(
            config,
            "    In-process memory: memory\n",
            "    In-process memory: memory\n    Memcached: memcached\n",
        )
        edit(
            template / "template" / "README.md.jinja",
            "Owned by {{ team }}.",
            "Owned by {{ owner }}.",
        )

    release(repo, "v90.0.0", add_team)
    project = create_project(
        "todo", output_dir=tmp_path, answers={"team": "blue"}, template=repo, vcs_ref="v90.0.0"
    ).path
    assert "Owned by blue." in (project / "README.md").read_text()
    release(repo, NEXT, rename_team)

    result = invoke("update", str(project))
    assert result.exit_code == 0, result.output
    assert answers(project)["owner"] == "blue" and "team" not in answers(project)
    assert "Owned by blue." in (project / "README.md").read_text()
    assert answers(project)["cache"] == "memory"


def test_update_refuses_a_dirty_tree_and_pretend_writes_nothing(repo: Path, tmp_path: Path) -> None:
    project = create(repo, tmp_path)
    release(repo, NEXT, improve_template)
    (project / "notes.txt").write_text("half done")
    result = invoke("update", str(project))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "uncommitted changes" in result.stderr
    (project / "notes.txt").unlink()

    before = git(project, "rev-parse", "HEAD")
    result = invoke("update", str(project), "--pretend")
    assert result.exit_code == 0, result.output
    assert "Would update" in result.stdout and "add       CONTRIBUTING.md" in result.stdout
    assert "change    todo/services/paging.py" in result.stdout
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(project, "rev-parse", "HEAD") == before
    assert answers(project)["_commit"] == FIRST


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["update", "{tmp}/nowhere"], "is not a folder"),
        (["update", "{tmp}"], "is not a newbackend project"),
        (["update", "{project}", "--to", "v404"], "Unknown revision"),
        (["set", "colour", "red", "-C", "{project}"], "'colour' cannot be set"),
        (["set", "database", "oracle", "-C", "{project}"], "'oracle' is not a database choice"),
    ],
    ids=["missing", "not-a-project", "unknown-tag", "unknown-question", "unknown-choice"],
)
def test_update_and_set_refuse_bad_input(
    repo: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    project = create(repo, tmp_path / "p")
    head = git(project, "rev-parse", "HEAD")
    result = invoke(*(a.format(tmp=tmp_path, project=project) for a in args))
    assert result.exit_code == 1, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert git(project, "status", "--porcelain") == "" and git(project, "rev-parse", "HEAD") == head


def test_update_a_project_made_from_a_non_git_copy(repo: Path, tmp_path: Path) -> None:
    """A wheel's bundled template has no history: the project records the repository and
    the release it was built from, so plain `copier update` works from it."""
    bundled = tmp_path / "site-packages" / "newbackend" / "_template"
    shutil.copytree(repo, bundled, ignore=shutil.ignore_patterns(".git"))
    project = create_project("todo", output_dir=tmp_path, template=bundled).path
    recorded = answers(project)
    assert (recorded["_src_path"], recorded["_commit"]) == (str(repo), FIRST)
    edit(project / "README.md", "## Database migrations\n", "## Database migrations\n\nOurs.\n")
    commit_all(project, "ours")
    release(repo, NEXT, improve_template)

    env = {k: v for k, v in os.environ.items() if k != TEMPLATE_ENV}
    copier = Path(PYTHON).with_name("copier")
    subprocess.run(
        [str(copier), "update", "--defaults", "--skip-answered"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    assert answers(project)["_commit"] == NEXT
    assert (project / "todo" / PAGING).read_text().startswith(PAGING_V2)
    assert "Ours." in (project / "README.md").read_text()


def test_update_never_rewrites_env_and_no_secret_makes_a_diff(repo: Path, tmp_path: Path) -> None:
    project = create(repo, tmp_path, database="postgresql")
    env_before = (project / ".env").read_text()
    release(repo, NEXT, improve_template)
    result = invoke("update", str(project))
    assert result.exit_code == 0, result.output
    assert (project / ".env").read_text() == env_before
    changed = {line[3:] for line in git(project, "status", "--porcelain").splitlines()}
    assert changed == {".copier-answers.yml", "README.md", "CONTRIBUTING.md", f"todo/{PAGING}"}


def services_and_models(project: Path) -> dict[str, str]:
    package = project / "todo"
    return {
        str(path.relative_to(project)): path.read_text()
        for folder in ("services", "models")
        for path in sorted((package / folder).glob("*.py"))
    }


def user_service_edit(project: Path, mark: str) -> None:
    service = project / "todo" / "services" / "todos.py"
    service.write_text(service.read_text() + f"\n\n# {mark}\n")
    commit_all(project, mark)


def switch(project: Path, question: str, value: str) -> None:
    result = invoke("set", question, value, "-C", str(project))
    assert result.exit_code == 0, result.output
    assert answers(project)[question] == value
    assert answers(project)["_commit"] == FIRST
    commit_all(project, f"{question} = {value}")


@pytest.mark.services
def test_set_database_sqlite_postgresql_mysql_and_back(repo: Path, tmp_path: Path) -> None:
    project = create(repo, tmp_path, framework="fastapi", cache="none")
    combination = {"framework": "fastapi", "cache": "none"}
    for step, database in enumerate(["postgresql", "mysql", "sqlite"]):
        user_service_edit(project, f"edit {step}")
        switch(project, "database", database)
        pyproject = (project / "pyproject.toml").read_text()
        assert ("psycopg" in pyproject) == (database == "postgresql")
        assert ("pymysql" in pyproject) == (database == "mysql")
        assert ("db:" in (project / "compose.yaml").read_text()) == (database != "sqlite")
        assert f"# edit {step}" in (project / "todo" / "services" / "todos.py").read_text()
        with project_environment({**combination, "database": database}) as env:
            migrate(project, env)
            project_tests(project, env)


@pytest.mark.services
def test_set_cache_none_memory_redis(repo: Path, tmp_path: Path) -> None:
    require_server("Redis", REDIS_URL)
    project = create(repo, tmp_path, cache="none")
    for step, cache in enumerate(["memory", "redis", "none"]):
        user_service_edit(project, f"edit {step}")
        switch(project, "cache", cache)
        assert (project / "todo" / "cache" / "redis.py").exists() == (cache == "redis")
        assert f"CACHE_BACKEND={cache}" in (project / ".env.example").read_text()
        with project_environment(
            {"framework": "flask", "database": "sqlite", "cache": cache}
        ) as env:
            project_tests(project, env)


def test_update_merges_the_template_change_into_an_added_resource(
    repo: Path, tmp_path: Path
) -> None:
    project = create(repo, tmp_path, framework="flask")
    add_resource(project, "order", fields=["title:str", "due:datetime?"])
    service = project / "todo" / "services" / "orders.py"
    service.write_text(service.read_text() + "\n\ndef our_helper() -> int:\n    return 1\n")
    commit_all(project, "an order resource, and our helper")
    release(repo, NEXT, lambda repo: edit(repo / RESOURCE_SERVICE, RESOURCE_V1, RESOURCE_V2))
    result = invoke("update", str(project))
    assert result.exit_code == 0, result.output
    text = service.read_text()
    assert text.startswith('"""Order: its rules (improved in the next release)."""\n')
    assert text.endswith("def our_helper() -> int:\n    return 1\n")
    assert "modified  todo/services/orders.py" in result.stdout


def test_set_framework_keeps_services_and_models(repo: Path, tmp_path: Path) -> None:
    project = create(repo, tmp_path, framework="flask")
    add_resource(project, "order", fields=["title:str", "due:datetime?"])
    commit_all(project, "an order resource")
    for step, framework in enumerate(["fastapi", "flask"]):
        user_service_edit(project, f"edit {step}")
        models = project / "todo" / "models" / "todos.py"
        models.write_text(models.read_text() + f"\n# model note {step}\n")
        commit_all(project, "model note")
        before = services_and_models(project)
        switch(project, "framework", framework)
        assert services_and_models(project) == before
        app_py = (project / "todo" / "app.py").read_text()
        assert ("FastAPI" in app_py) == (framework == "fastapi")
        added_routes = (project / "todo" / "routes" / "orders.py").read_text()  # follows too
        assert ("APIRouter" in added_routes) == (framework == "fastapi")
        with project_environment(
            {"framework": framework, "database": "sqlite", "cache": "memory"}
        ) as env:
            project_tests(project, env)


def test_set_keeps_an_edited_file_of_the_old_choice(repo: Path, tmp_path: Path) -> None:
    project = create(repo, tmp_path, cache="redis")
    extra = project / "tests" / "test_cache_redis.py"
    extra.write_text(extra.read_text() + "\n# our redis note\n")
    commit_all(project, "note")
    pretend = invoke("set", "cache", "memory", "-C", str(project), "--pretend")
    assert pretend.exit_code == 0, pretend.output
    assert git(project, "status", "--porcelain") == ""
    result = invoke("set", "cache", "memory", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "kept your edited tests/test_cache_redis.py" in result.stdout
    assert extra.read_text().endswith("# our redis note\n")
    assert not (project / "tests" / "test_faults_redis.py").exists()  # not edited: gone
    assert not (project / "todo" / "cache" / "redis.py").exists()


def test_update_from_an_unreachable_source_says_why_and_what_to_pass(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "site-packages" / "newbackend" / "_template"
    shutil.copytree(repo, bundled, ignore=shutil.ignore_patterns(".git"))
    monkeypatch.setenv(TEMPLATE_ENV, f"file://{tmp_path}/nowhere.git")
    project = create_project("todo", output_dir=tmp_path, template=bundled).path
    result = invoke("update", str(project))
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert "nowhere.git" in lines[0] and "git exit 128" in lines[0], result.stderr
    assert "does not appear to be a git repository" in result.stderr, result.stderr
    assert "--template PATH_OR_URL" in lines[-1] and len(lines) <= 4, result.stderr
    assert git(project, "status", "--porcelain") == ""


def test_update_finds_a_relative_template_path_plain_copier_recorded(tmp_path: Path) -> None:
    """`copier copy a/nb a/proj` records `a/nb`, relative to where it ran."""
    template_repository(tmp_path / "a" / "nb")
    copier = Path(PYTHON).with_name("copier")
    copy = [str(copier), "copy", "-q", "--defaults", "-d", "project_name=todo", "a/nb", "a/proj"]
    run(copy, tmp_path)
    project = tmp_path / "a" / "proj"
    assert answers(project)["_src_path"] == "a/nb"
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "made by plain copier")
    done = subprocess.run(
        [str(Path(PYTHON).with_name("newbackend")), "update"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "is up to date" in done.stdout, done.stdout
    (tmp_path / "a" / "nb").rename(tmp_path / "a" / "nb-moved")
    result = invoke("update", str(project))
    assert result.exit_code == 1
    assert "'a/nb'" in result.stderr and "--template" in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


def env_of(project: Path) -> dict[str, str]:
    lines = (project / ".env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_set_database_adds_what_the_server_needs_to_env_owner_only(
    repo: Path, tmp_path: Path
) -> None:
    project = create(repo, tmp_path)
    assert (project / ".env").stat().st_mode & 0o777 == 0o600
    before = env_of(project)
    assert set(before) == {"SECRET_KEY"}
    result = invoke("set", "database", "postgresql", "-C", str(project))
    assert result.exit_code == 0, result.output
    after = env_of(project)
    assert after["SECRET_KEY"] == before["SECRET_KEY"]
    assert len(after["DB_PASSWORD"]) >= 20, after  # what compose requires
    assert after["DATABASE_URL"].startswith("postgresql://todo:" + after["DB_PASSWORD"] + "@")
    assert (project / ".env").stat().st_mode & 0o777 == 0o600
    assert "added DB_PASSWORD, DATABASE_URL" in result.stderr, result.stderr
    assert " .env\n" not in git(project, "status", "--porcelain")  # still gitignored

    commit_all(project, "postgresql")
    result = invoke("set", "database", "mysql", "-C", str(project))
    assert result.exit_code == 0, result.output
    mysql = env_of(project)
    assert {key: mysql[key] for key in ("SECRET_KEY", "DB_PASSWORD")} == {
        key: after[key] for key in ("SECRET_KEY", "DB_PASSWORD")
    }
    assert mysql["DATABASE_URL"].startswith("mysql://"), mysql
    assert f"# DATABASE_URL={after['DATABASE_URL']}" in (project / ".env").read_text()
    assert "commented out DATABASE_URL, set for the old answer" in result.stderr, result.stderr

    commit_all(project, "mysql")
    assert invoke("set", "database", "sqlite", "-C", str(project)).exit_code == 0
    assert "DATABASE_URL" not in env_of(project)  # back on the default: the SQLite file


def test_a_project_made_inside_the_template_clone_does_not_break_it(tmp_path: Path) -> None:
    """README's quick start, as a newcomer might run it: `newbackend create todo` inside the
    clone leaves an untracked repository in it, which copier's dirty-checkout copy (`git add
    -A`) would turn into a broken submodule."""
    clone = tmp_path / "newbackend"
    run(["git", "clone", "-q", "--no-tags", str(ROOT), str(clone)], tmp_path)
    newbackend = str(Path(PYTHON).with_name("newbackend"))
    run([newbackend, "create", "todo", "-y"], clone)
    assert git(clone, "status", "--porcelain") == "?? todo/\n"

    project = create_project("app", output_dir=tmp_path, template=clone).path
    recorded = answers(project)
    assert (recorded["_src_path"], recorded["_commit"]) == (
        str(clone),
        git(clone, "rev-parse", "HEAD").strip(),
    )
    assert not (project / "todo").exists()

    readme = clone / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nA line from a later commit.\n")
    git(clone, "commit", "-q", "-am", "A later commit")
    run([newbackend, "update"], project)
    assert "A line from a later commit." in (project / "README.md").read_text()


def add_a_dependency(repo: Path) -> None:
    """The next release: one more runtime dependency in the project's pyproject.toml."""
    gunicorn = '    "gunicorn>=23",\n'
    edit(repo / "template" / "pyproject.toml.jinja", gunicorn, f'{gunicorn}    "tenacity>=8.2",\n')


@pytest.mark.e2e
def test_update_that_changes_a_dependency_relocks_without_merging_uv_lock(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWBACKEND_NO_LOCK")
    project = create(repo, tmp_path)
    lock = project / "uv.lock"
    assert "uv.lock" in git(project, "ls-files")  # in the first commit
    assert 'name = "tenacity"' not in lock.read_text()
    release(repo, NEXT, add_a_dependency)

    result = invoke("update", str(project))
    assert result.exit_code == 0, result.output
    assert "uv.lock: re-locked" in result.stderr
    text = lock.read_text()
    assert 'name = "tenacity"' in text
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    assert "uv.lock" in git(project, "diff", "--name-only")
    uv = find_uv()
    assert uv
    run([uv, "lock", "--check"], project)  # the lock matches the new pyproject.toml


@pytest.mark.e2e
def test_update_without_the_index_keeps_the_old_lock_and_says_so(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWBACKEND_NO_LOCK")
    project = create(repo, tmp_path)
    before = (project / "uv.lock").read_text()
    release(repo, NEXT, add_a_dependency)
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_NO_CACHE", "1")

    result = invoke("update", str(project))
    assert result.exit_code == 0, result.output
    assert "uv.lock not refreshed" in result.stderr
    assert (project / "uv.lock").read_text() == before  # the old lock, whole
    assert "tenacity" in (project / "pyproject.toml").read_text()
