"""`newbackend add resource`: a second and third resource in every framework × database.

Each project is created from a tagged copy of this template (v1), gets two resources with
every field type (optional ones and datetimes among them), is committed, then updated to v2
with copier; then one check run: ruff, ruff format, mypy --strict, the migrations with
`python -m PKG.models.migrate` and the project's own tests, on the real database.
"""

import shutil
import subprocess
import tomllib
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from newbackend import create_project
from newbackend._questions import read_config
from newbackend._resource import DEFAULT_FIELDS, FIELD_TYPES, add_resource, parse_field
from newbackend._template import template_root
from newbackend.cli import app
from typer.testing import CliRunner

from .support import PYTHON, ROOT, combination_id, needs_services, project_environment, run

runner = CliRunner()
ORDER_FIELDS = [
    "title:str",
    "note:text?",
    "quantity:int",
    "price:float?",
    "paid:bool",
    "due:datetime?",
]
EVENT_FIELDS = ["starts_at:datetime", "seats:int?", "public:bool?", "score:float"]
# One project per framework × database; the caches vary across them.
COMBINATIONS = [
    {"framework": "flask", "database": "sqlite", "cache": "none"},
    {"framework": "flask", "database": "postgresql", "cache": "redis"},
    {"framework": "flask", "database": "mysql", "cache": "memory"},
    {"framework": "fastapi", "database": "sqlite", "cache": "memory"},
    {"framework": "fastapi", "database": "postgresql", "cache": "none"},
    {"framework": "fastapi", "database": "mysql", "cache": "redis"},
]
LAYERS = ("routes", "services", "models")
NEW = ("orders", "events")
PAGING = Path("template", "{{package_name}}", "services", "paging.py")
V2_LINE = '"""Limits on what one request may ask for (v2)."""'


def git(folder: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def tagged_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This template as a git repository: v1 as it is, v2 with a changed docstring."""
    repo = tmp_path_factory.mktemp("template") / "newbackend"
    repo.mkdir()
    shutil.copy(ROOT / "copier.yml", repo)
    for folder in ("template", "resource"):
        shutil.copytree(ROOT / folder, repo / folder)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    git(repo, "tag", "v1")
    paging = repo / PAGING
    lines = paging.read_text().splitlines(keepends=True)
    paging.write_text(V2_LINE + "\n" + "".join(lines[1:]))
    git(repo, "commit", "-q", "-am", "v2")
    git(repo, "tag", "v2")
    return repo


def listing(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and ".git" not in path.parts
    }


@pytest.mark.matrix
@pytest.mark.parametrize(
    "combination",
    [
        pytest.param(
            c, id=combination_id(c), marks=[pytest.mark.services] if needs_services(c) else []
        )
        for c in COMBINATIONS
    ],
)
def test_added_resources_pass_every_check_after_an_update(
    tmp_path: Path, tagged_template: Path, combination: dict[str, str]
) -> None:
    from copier import run_update

    project = create_project(
        "shop", output_dir=tmp_path, answers=combination, template=tagged_template, vcs_ref="v1"
    ).path
    orders = add_resource(project, "order", fields=ORDER_FIELDS)
    events = runner.invoke(
        app,
        ["add", "resource", "event", str(project), *(f"--field={f}" for f in EVENT_FIELDS)],
    )
    assert events.exit_code == 0, events.output
    assert (orders.plural, orders.revision) == ("orders", "0002")
    assert "0003_create_events.py" in events.stdout
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "two resources")
    added = {path: content for path, content in listing(project).items() if "order" in path}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_update(project, vcs_ref="v2", defaults=True, overwrite=True, quiet=True, unsafe=False)
    assert (project / "shop/services/paging.py").read_text().startswith(V2_LINE)
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v2"
    after = listing(project)
    assert {path: after.get(path) for path in added} == added  # the resource is untouched
    conflicts = [p for p in after if p.endswith(".rej") or b"<<<<<<<" in after[p]]
    assert conflicts == []

    with project_environment(combination) as env:
        run([PYTHON, "-m", "ruff", "check", "--no-cache", "."], project, env)
        run([PYTHON, "-m", "ruff", "format", "--check", "--no-cache", "."], project, env)
        run([PYTHON, "-m", "mypy"], project, env)
        if "DATABASE_URL" in env:  # the migrations alone, on the real server
            run([PYTHON, "-m", "shop.models.migrate"], project, env)
        # The added resources' tests, and the first resource's model tests, which check that
        # the migrations match every model (test_matrix runs the rest of the project's tests).
        tests = [f"tests/test_{layer}_{name}.py" for layer in LAYERS for name in NEW]
        tests.append("tests/test_models_todos.py")
        output = run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], project, env)
    summary = output.strip().splitlines()[-1]
    assert "failed" not in summary and "error" not in summary, output
    assert "skipped" not in summary, output


@pytest.fixture(scope="module")
def made_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("made")
    return create_project("shop", output_dir=folder, git=False).path


@pytest.fixture
def project(made_project: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "shop"
    shutil.copytree(made_project, copy)
    return copy


def invoke_add(*args: str) -> Any:
    return runner.invoke(app, ["add", "resource", *args])


BAD = {
    "capital-name": ["Order"],
    "dash-name": ["order-line"],
    "keyword": ["class"],
    "dependency": ["flask"],
    "shared-module": ["health", "--plural", "healths"],
    "plural-of-shared-module": ["error"],
    "bad-plural": ["order", "--plural", "Orders"],
    "plural-is-singular": ["order", "--plural", "order"],
    "first-resource": ["todo"],
    "first-resource-plural": ["todos"],
    "first-resource-as-plural": ["task", "--plural", "todos"],
    "no-type": ["order", "--field", "title"],
    "unknown-type": ["order", "--field", "title:string"],
    "bad-field-name": ["order", "--field", "Title:str"],
    "reserved-id": ["order", "--field", "id:int"],
    "reserved-created-at": ["order", "--field", "created_at:datetime"],
    "reserved-keyword": ["order", "--field", "class:str"],
    "reserved-pydantic": ["order", "--field", "model_config:str"],
    **{
        f"reserved-pydantic-{name}": ["order", "--field", f"{name}:str"]
        for name in ("json", "schema", "copy", "dict", "validate", "model_dump")
    },
    "duplicate-field": ["order", "--field", "a:str", "--field", "a:int?"],
}


@pytest.mark.parametrize("args", list(BAD.values()), ids=list(BAD))
def test_bad_input_is_one_line_exit_1_and_nothing_written(project: Path, args: list[str]) -> None:
    before = listing(project.parent)
    result = invoke_add(*args[:1], str(project), *args[1:])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert listing(project.parent) == before


def test_an_added_resource_cannot_be_added_again(project: Path) -> None:
    assert invoke_add("order", str(project)).exit_code == 0
    before = listing(project.parent)
    for args in (["order"], ["orders"], ["purchase", "--plural", "orders"]):
        result = invoke_add(args[0], str(project), *args[1:])
        assert result.exit_code == 1
        assert "already exists" in result.stderr
    assert listing(project.parent) == before


@pytest.mark.parametrize("kind", ["empty", "other-answers"])
def test_a_folder_that_is_not_a_project_is_refused(tmp_path: Path, kind: str) -> None:
    if kind == "other-answers":
        (tmp_path / ".copier-answers.yml").write_text("_src_path: gh:someone/else\n")
    before = listing(tmp_path)
    result = invoke_add("order", str(tmp_path))
    assert result.exit_code == 1
    assert "not a newbackend project" in result.stderr
    assert listing(tmp_path) == before


def test_default_fields_and_the_migration_chain(project: Path) -> None:
    first = add_resource(project, "box")
    second = add_resource(project, "category", fields=["name:str"])
    assert (first.plural, second.plural) == ("boxes", "categories")
    versions = project / "shop" / "migrations" / "versions"
    migration = (versions / "0003_create_categories.py").read_text()
    assert 'revision: str = "0003"' in migration
    assert 'down_revision: str | tuple[str, ...] | None = "0002"' in migration
    answers = yaml.safe_load((project / ".copier-answers.resource-boxes.yml").read_text())
    assert answers["fields"] == ["title:str", "description:text?", "done:bool"]
    assert answers["framework"] == "flask" and answers["down_revision"] == "0001a"


def test_a_resource_added_after_two_heads_merges_them(project: Path, tmp_path: Path) -> None:
    """A project whose resources predate 0001a has two heads; the next resource joins them."""
    add_resource(project, "box")
    versions = project / "shop" / "migrations" / "versions"
    boxes = versions / "0002_create_boxes.py"  # as an older project has it: after 0001
    boxes.write_text(boxes.read_text().replace('None = "0001a"', 'None = "0001"'))
    add_resource(project, "category", fields=["name:str"])
    migration = (versions / "0003_create_categories.py").read_text()
    assert 'down_revision: str | tuple[str, ...] | None = ("0001a", "0002")' in migration
    assert "Revises: 0001a, 0002\n" in migration
    url = f"sqlite:///{tmp_path}/merged.db"
    heads = "from alembic.script import ScriptDirectory; from shop.models.migrate import *; "
    heads += f"upgrade({url!r}); print(ScriptDirectory.from_config(alembic_config('')).get_heads())"
    assert run([PYTHON, "-c", heads], project).strip() == "['0003']"


def test_every_resource_is_asked_and_derived_the_same_way() -> None:
    main = read_config(ROOT / "copier.yml")
    sub = read_config(ROOT / "resource" / "copier.yml")
    shared = ("resource", "resource_plural", "shared_modules", "resource_class", "columns", "kinds")
    for name in shared:
        assert sub[name] == main[name], name
    assert set(sub["kinds"]["default"]) == set(FIELD_TYPES)
    first_fields = main["fields"]["default"]
    assert [parse_field(spec) for spec in first_fields] == first_fields == list(DEFAULT_FIELDS)


def test_the_sub_template_ships_in_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["resource"] == "newbackend/_template/resource"
    assert (template_root() / "resource" / "copier.yml").is_file()


def test_add_resource_to_the_current_folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = invoke_add("box", ".")
    assert result.exit_code == 0, result.output
    assert (project / "shop" / "services" / "boxes.py").is_file()
