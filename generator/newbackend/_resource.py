"""`add_resource`: one more CRUD resource in an existing project, the way the first one is.

The files come from the resource sub-template (`resource/copier.yml` next to the project
template), rendered by copier into a scratch folder and moved into the project at the end, so
a failure leaves nothing half-written. Each resource records its own answers file
(`.copier-answers.resource-PLURAL.yml`): the project's `copier update` never sees its files,
and the project needs no edit, since routes/ and models/ find their modules by themselves.
"""

import keyword
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._answers import ANSWERS_FILE, RESOURCE_ANSWERS, load_answers
from ._copier import render
from ._questions import read_config
from ._template import template_root
from .errors import InvalidAnswerError, ProjectError, ResourceError

FIELD_TYPES = ("str", "text", "int", "float", "bool", "datetime")
DEFAULT_FIELDS = ("title:str", "description:text?", "done:bool")
RESOURCE_TEMPLATE = "resource"
_NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
_FIELD_NAME_MAX = 30
# Every resource has these; SQLAlchemy's declarative classes and pydantic's models keep the
# others for themselves (a field named like a BaseModel method shadows it, which mypy
# rejects; `model_*` is refused as a prefix); a keyword cannot be an attribute.
_PYDANTIC_METHODS = {
    "construct",
    "copy",
    "dict",
    "from_orm",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
}
_RESERVED_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "metadata", "registry", "self"}
    | _PYDANTIC_METHODS
    | set(keyword.kwlist)
    | set(keyword.softkwlist)
)
# The project's own modules in services/, models/ and routes/, which a resource would replace.
SHARED_MODULES = (
    "base",
    "columns",
    "database",
    "deps",
    "errors",
    "fields",
    "headers",
    "health",
    "middleware",
    "migrate",
    "paging",
    "ratelimit",
)
# The modules every resource's fields are typed with (services/) and stored as (models/).
FIELD_MODULES = ("services/fields.py", "models/columns.py")
_REVISION = re.compile(r"^revision(?:: *str)? *= *['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision(?:: *[^=]+)? *= *(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class ResourceResult:
    path: Path
    resource: str
    plural: str
    files: tuple[str, ...]
    revision: str
    package: str


def parse_field(spec: str) -> str:
    """`due:datetime?` → `due:datetime?`, checked; the one-line error names what is wrong."""
    name, sep, kind = spec.strip().partition(":")
    optional = kind.endswith("?")
    kind = kind.removesuffix("?")
    if not sep or not name:
        raise InvalidAnswerError(
            f"'{spec}' is not a field: use NAME:TYPE, e.g. title:str or due:datetime?"
        )
    if kind not in FIELD_TYPES:
        raise InvalidAnswerError(
            f"'{spec}' has an unknown type '{kind}': use one of {', '.join(FIELD_TYPES)} "
            "('?' after it for optional)"
        )
    if not _NAME.fullmatch(name) or len(name) > _FIELD_NAME_MAX:
        raise InvalidAnswerError(
            f"'{name}' is not a valid field name: use lower-case letters, digits and '_', "
            f"starting with a letter, at most {_FIELD_NAME_MAX} characters"
        )
    if name in _RESERVED_FIELDS or name.startswith("model_"):
        raise InvalidAnswerError(f"'{name}' is a reserved field name: choose another")
    return f"{name}:{kind}{'?' if optional else ''}"


def parse_fields(specs: Sequence[str]) -> list[str]:
    fields = [parse_field(spec) for spec in specs] or list(DEFAULT_FIELDS)
    names = [field.partition(":")[0] for field in fields]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidAnswerError(f"field '{duplicates[0]}' is given twice")
    return fields


def read_project(project: Path) -> dict[str, Any]:
    """The project's answers, or a ProjectError when the folder is not a newbackend project."""
    answers = load_answers(project / ANSWERS_FILE)
    needed = ("project_name", "framework", "resource", "resource_plural")
    if answers is None or not all(isinstance(answers.get(k), str) for k in needed):
        raise ProjectError(
            f"'{project}' is not a newbackend project (no {ANSWERS_FILE} with its answers)"
        )
    package = project / str(answers["project_name"]).replace("-", "_")
    if not (package / "migrations" / "versions").is_dir():
        raise ProjectError(
            f"'{project}' is not a newbackend project (no {package.name}/migrations/versions)"
        )
    return answers


def check_shared_modules(project: Path, package: str) -> None:
    """A resource builds on the field types every resource shares; older projects lack them."""
    for module in FIELD_MODULES:
        if not (project / package / module).is_file():
            raise ResourceError(
                f"{project} has no {package}/{module}, which added resources build on: bring "
                "the project up to date first (newbackend update)"
            )


def migration_head(versions: Path) -> tuple[str, str]:
    """(heads, next revision id): the chain's heads, comma-separated, and a new numbered id.

    A project updated across a template migration (0001a) has two heads, its last resource's
    and the template's; the new resource's migration follows both and so merges them.
    """
    revisions: dict[str, set[str]] = {}
    for script in sorted(versions.glob("*.py")):
        text = script.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found is None:
            continue
        down = _DOWN_REVISION.search(text)
        parents = set(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1))) if down else set()
        revisions[found.group(1)] = parents
    children = set().union(*revisions.values()) if revisions else set()
    heads = sorted(set(revisions) - children)
    if not heads:
        raise ResourceError(f"no migration head found in {versions}")
    numbers = [int(rev) for rev in revisions if rev.isdigit()]
    return ",".join(heads), f"{max(numbers, default=0) + 1:04d}"


def existing_resources(project: Path, answers: dict[str, Any]) -> dict[str, str]:
    """Singular → plural of every resource in the project: the first one and each one added."""
    found = {str(answers["resource"]): str(answers["resource_plural"])}
    for answers_file in sorted(project.glob(RESOURCE_ANSWERS)):
        data = load_answers(answers_file)
        if data is not None and "resource" in data:
            found[str(data["resource"])] = str(data.get("resource_plural", ""))
    return found


def add_resource(
    project: Path,
    name: str,
    *,
    plural: str | None = None,
    fields: Sequence[str] = (),
) -> ResourceResult:
    """Add the CRUD resource `name` to the project in `project` (see the module docstring)."""
    project = project.resolve()  # `.` too: ruff and copier run in other folders
    answers = read_project(project)
    specs = parse_fields(fields)
    package = str(answers["project_name"]).replace("-", "_")
    check_shared_modules(project, package)
    head, revision = migration_head(project / package / "migrations" / "versions")
    existing = existing_resources(project, answers)
    if name in existing or name in existing.values():
        raise ResourceError(f"the resource '{name}' already exists in {project}")
    if plural is not None and (plural in existing.values() or plural in existing):
        raise ResourceError(f"the resource '{plural}' already exists in {project}")

    root = template_root()
    data: dict[str, Any] = {
        "project_name": answers["project_name"],
        "framework": answers["framework"],
        "resource": name,
        "fields": specs,
        "revision": revision,
        "down_revision": head,
        "reserved_names": [*reserved_names(root), *SHARED_MODULES],
    }
    if plural is not None:
        data["resource_plural"] = plural

    # Next to the project (the final moves are renames), not in it (nor in its git tree).
    scratch = Path(tempfile.mkdtemp(prefix=".newbackend-", dir=project.absolute().parent))
    try:
        rendered = scratch / "resource"
        config = project_ruff_config(project)
        render(rendered, data, template=root / RESOURCE_TEMPLATE, ruff_config=config)
        files = sorted(p.relative_to(rendered) for p in rendered.rglob("*") if p.is_file())
        made_plural = _rendered_plural(rendered)
        clashes = [path.as_posix() for path in files if (project / path).exists()]
        if made_plural in existing.values() or made_plural in existing or clashes:
            detail = f" ({clashes[0]} is there)" if clashes else ""
            raise ResourceError(f"the resource '{made_plural}' already exists in {project}{detail}")
        for path in files:
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(rendered / path, project / path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return ResourceResult(
        project, name, made_plural, tuple(p.as_posix() for p in files), revision, package
    )


def _rendered_plural(rendered: Path) -> str:
    (answers_file,) = rendered.glob(RESOURCE_ANSWERS)
    return str((load_answers(answers_file) or {})["resource_plural"])


def reserved_names(root: Path) -> list[str]:
    """The project template's reserved names (keywords, the project's dependencies): one list."""
    config = read_config(root / "copier.yml")
    return [str(name) for name in config["reserved_names"]["default"]]


def project_ruff_config(project: Path) -> Path | None:
    """The project's pyproject.toml when it configures ruff: its settings format a resource."""
    pyproject = project / "pyproject.toml"
    try:
        configured = "[tool.ruff" in pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return pyproject if configured else None
