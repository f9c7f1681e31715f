"""Exercise starters: the finished project with chosen functions left for students to write.

There is one implementation, the template. An exercise is derived from a rendered project:
`BLANKS` lists the functions a student writes, layer by layer, each with a hint, and
`make_exercise` replaces their bodies (found with `ast`) by `raise NotImplementedError(hint)`.
Signatures, types, docstrings, imports, configuration and every test stay as they are, so the
project installs, starts, and its tests fail exactly where work is missing.
"""

import ast
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import ExerciseError, ProjectError
from ._layers import EXERCISE_LAYERS, LAYERS

EXERCISE_FILE = ".newbackend-exercise.json"
GUIDE_FILE = "EXERCISE.md"
# An import that only the student's code will use would be unused (F401) until it is written;
# RUF100 keeps the marker from being reported once it is no longer needed.
NOQA = "  # noqa: F401, RUF100"
LINE_LENGTH = 100  # the generated project's ruff line length


@dataclass(frozen=True)
class Blank:
    """A function to leave for the student; names hold {package}, {plural}, {resource}, {Class}."""

    layer: str
    file: str
    function: str
    test: str
    hint: str
    cache: str | None = None  # only in projects with this cache


def _blanks(
    layer: str, file: str, test: str, hints: Mapping[str, str], cache: str | None = None
) -> tuple[Blank, ...]:
    return tuple(Blank(layer, file, name, test, hint, cache) for name, hint in hints.items())


# In the order a student is advised to work (each layer's tests use the layers below it), and
# within a file in the order the functions are best written.
BLANKS: tuple[Blank, ...] = (
    *_blanks(
        "cache",
        "{package}/cache/memory.py",
        "tests/test_cache.py",
        {
            "MemoryStore.read": "return (the group's version as a str, the bytes stored under "
            "self._key(group, version, key) or None when there are none or their expiry time has "
            "passed, then drop them); a hit becomes the most recently used entry; hold self._lock",
            "MemoryStore.write": "store (time.monotonic() + self.ttl, value) under "
            "self._key(group, version, key) as the most recently used entry, but only while "
            "`version` is the group's current one and no write to the group is under way; then "
            "drop least recently used entries until at most self.max_entries remain; hold "
            "self._lock",
            "MemoryStore.begin": "count one more write under way for the group and move its "
            "version on by one; hold self._lock",
            "MemoryStore.end": "move the group's version on by one and count one write fewer "
            "(drop the count at zero); hold self._lock",
        },
    ),
    *_blanks(
        "cache",
        "{package}/cache/redis.py",
        "tests/test_cache_redis.py",
        {
            "RedisStore.read": "run the _READ script (keys: the group's version key; args: "
            "self._entries(group), key) and return (version decoded, value or None); on "
            "redis.RedisError log a warning and return (None, None): a cache fault is a miss",
            "RedisStore.write": "run the _WRITE script (keys: self._keys(group); args: "
            "self._entries(group), version, key, value, self.ttl); on redis.RedisError log a "
            "warning",
            "RedisStore.begin": "run the _BEGIN script (keys: self._keys(group); args: "
            "WRITE_MARK_SECONDS); on redis.RedisError log a warning and raise UnavailableError: "
            "a write that cannot tell Redis must not happen",
            "RedisStore.end": "run the _END script (keys: self._keys(group)); on "
            "redis.RedisError log a warning (the write mark expires by itself)",
        },
        cache="redis",
    ),
    *_blanks(
        "models",
        "{package}/models/{plural}.py",
        "tests/test_models_{plural}.py",
        {
            "Sql{Class}Repository.list": "the {plural} ordered by id, at most `limit` rows from "
            "`offset`, as {Class}Read dicts (execute _LIST with limit and offset: it gives plain "
            "rows, to zip with the result's keys)",
            "Sql{Class}Repository.get": "return the {resource} with this id as a {Class}Read "
            "dict (execute _GET with item_id), or None when there is none",
            "Sql{Class}Repository.add": "insert a {Class} made from values with created_at and "
            "updated_at set to one utcnow(), flush (the service commits), and return it as a dict "
            "(_row)",
            "Sql{Class}Repository.update": "one UPDATE statement of the {resource} with this id "
            "(and this version, when one is given) that sets the values, updated_at to utcnow() "
            "and version to version + 1; None when it matched no row, else the row read back "
            "with self.get",
            "Sql{Class}Repository.delete": "one DELETE statement of the {resource} with this id "
            "(and this version, when one is given); True when it matched a row",
        },
    ),
    *_blanks(
        "services",
        "{package}/services/{plural}.py",
        "tests/test_services_{plural}.py",
        {
            "{Class}Service.list": "return the page as a Document, read through "
            "self.cache.get_or_load(self.group, 'list:LIMIT:OFFSET', partial(self._load_page, "
            "page))",
            "{Class}Service.get": "return the {resource} as a Document, read through "
            "self.cache.get_or_load(self.group, str(item_id), partial(self._load, item_id)) (the "
            "loader raises {Class}NotFound, so that nothing is cached for a missing id)",
            "{Class}Service.create": "inside `with self.cache.changing(self.group):` add the "
            "{resource} to the repository and commit (self.repo.commit()); return it as a "
            "Document (_document)",
            "{Class}Service.update": "inside `with self.cache.changing(self.group):` update only "
            "the fields that were sent (model_dump(exclude_unset=True)) at `version`, raise "
            "self._refusal(item_id) when no row changed, commit; return it as a Document",
            "{Class}Service.delete": "inside `with self.cache.changing(self.group):` delete the "
            "{resource} at `version`, raise self._refusal(item_id) when no row went, commit",
            "{Class}Service._refusal": "{Class}NotFound when the {resource} no longer exists, "
            "else a ChangedError (its version moved on)",
        },
    ),
    *_blanks(
        "routes",
        "{package}/routes/{plural}.py",
        "tests/test_routes_{plural}.py",
        {
            "list_{plural}": "GET /{plural} answers 200 with the page the service returns, sent "
            "as is with its ETag (answer), or 304 for a current If-None-Match",
            "create_{resource}": "POST /{plural} creates a {resource} from the validated body and "
            "answers 201 with it",
            "get_{resource}": "GET /{plural}/ID answers 200 with the {resource} and its ETag, or "
            "304 for a current If-None-Match; the service's {Class}NotFound becomes a 404 by "
            "itself",
            "update_{resource}": "PATCH /{plural}/ID updates the {resource} from the validated "
            "body, at the version If-Match names (expected_version), and answers 200 with it",
            "delete_{resource}": "DELETE /{plural}/ID deletes the {resource}, at the version "
            "If-Match names, and answers 204 with an empty body",
        },
    ),
)


@dataclass(frozen=True)
class Task:
    """One function a student writes in one project."""

    layer: str
    file: str
    function: str
    test: str
    hint: str

    @property
    def message(self) -> str:
        """What the blanked function raises: what to do, the layer and the test that checks it."""
        return (
            f"{self.layer} layer: {self.function} is yours to write: {self.hint}. "
            f"Checked by {self.test} (pytest -m {self.layer})."
        )


@dataclass(frozen=True)
class Exercise:
    layers: tuple[str, ...]
    tasks: tuple[Task, ...]

    def to_json(self) -> str:
        data = {"layers": list(self.layers), "tasks": [asdict(task) for task in self.tasks]}
        return json.dumps(data, indent=2) + "\n"


def parse_layers(text: str | Iterable[str]) -> tuple[str, ...]:
    """`routes,services` → ('routes', 'services'), in the order of the five-layer picture."""
    names = text.split(",") if isinstance(text, str) else list(text)
    chosen = {name.strip().lower() for name in names if name.strip()}
    unknown = sorted(chosen - set(EXERCISE_LAYERS))
    if unknown:
        raise ExerciseError(
            f"unknown exercise layer {', '.join(map(repr, unknown))}: choose from "
            f"{','.join(EXERCISE_LAYERS)} (config is always given)"
        )
    if not chosen:
        raise ExerciseError(f"no exercise layer given: choose from {','.join(EXERCISE_LAYERS)}")
    return tuple(layer for layer in EXERCISE_LAYERS if layer in chosen)


def tasks_for(answers: Mapping[str, Any], layers: Sequence[str]) -> tuple[Task, ...]:
    """The functions to leave in a project with these answers, hints filled in."""
    resource = str(answers["resource"])
    names = {
        "package": str(answers["project_name"]).replace("-", "_"),
        "resource": resource,
        "plural": str(answers["resource_plural"]),
        "Class": "".join(part.capitalize() for part in resource.split("_")),
    }
    return tuple(
        Task(
            blank.layer,
            blank.file.format(**names),
            blank.function.format(**names),
            blank.test.format(**names),
            blank.hint.format(**names),
        )
        for blank in BLANKS
        if blank.layer in layers and blank.cache in (None, answers.get("cache"))
    )


def make_exercise(project: Path, answers: Mapping[str, Any], layers: Sequence[str]) -> Exercise:
    """Blank the chosen layers' functions in the rendered `project`; record what was left."""
    exercise = Exercise(tuple(layers), tasks_for(answers, layers))
    for file, tasks in _by_file(exercise.tasks).items():
        path = project / file
        try:
            original = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ExerciseError(f"the exercise expects {file}, which the template lacks") from None
        source = original
        for task in tasks:
            source = replace_body(source, task.function, _raise_lines(task.message, source, task))
        path.write_text(_mark_imports_for_later(original, source), encoding="utf-8")
    (project / EXERCISE_FILE).write_text(exercise.to_json(), encoding="utf-8")
    (project / GUIDE_FILE).write_text(_guide(answers, exercise), encoding="utf-8")
    return exercise


def read_exercise(project: Path) -> Exercise | None:
    """The exercise recorded in `project`, or None for a finished (non-exercise) project."""
    path = project / EXERCISE_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Exercise(tuple(data["layers"]), tuple(Task(**task) for task in data["tasks"]))
    except (ValueError, KeyError, TypeError) as error:
        raise ProjectError(f"{path} is not a valid exercise record: {error}") from None


def functions_left(project: Path, exercise: Exercise) -> tuple[Task, ...]:
    """The tasks whose function still raises its hint (read with `ast`, never imported)."""
    left = []
    for file, tasks in _by_file(exercise.tasks).items():
        try:
            tree: ast.Module | None = ast.parse((project / file).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError, RecursionError):
            tree = None  # unreadable: every function in it still counts as to do
        left += [task for task in tasks if tree is None or _still_blank(tree, task)]
    return tuple(left)


def restore(project: Path, solution: Path, tasks: Iterable[Task]) -> None:
    """Put the bodies of `tasks` back from `solution`, a finished render with the same answers.

    What a student does by hand; used by the tests and examples/ to make students at any stage.
    """
    for task in tasks:
        body = body_lines((solution / task.file).read_text(encoding="utf-8"), task.function)
        path = project / task.file
        path.write_text(replace_body(path.read_text(encoding="utf-8"), task.function, body))


def body_lines(source: str, qualname: str) -> list[str]:
    """The lines of a function's body after its docstring, as written."""
    first, end, _ = _body_span(source, qualname)
    return source.splitlines(keepends=True)[first:end]


def replace_body(source: str, qualname: str, body: Sequence[str]) -> str:
    """`source` with the body of `qualname` (after its docstring) replaced by `body` lines."""
    first, end, _ = _body_span(source, qualname)
    lines = source.splitlines(keepends=True)
    return "".join([*lines[:first], *body, *lines[end:]])


def _by_file(tasks: Iterable[Task]) -> dict[str, list[Task]]:
    files: dict[str, list[Task]] = {}
    for task in tasks:
        files.setdefault(task.file, []).append(task)
    return files


def _find(tree: ast.Module, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    scope: list[ast.stmt] = tree.body
    node: ast.stmt | None = None
    for part in qualname.split("."):
        node = next(
            (
                item
                for item in scope
                if isinstance(item, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name == part
            ),
            None,
        )
        if node is None:
            raise ExerciseError(f"{qualname} is not defined where the exercise expects it")
        scope = node.body
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        raise ExerciseError(f"{qualname} is not a function")
    return node


def _body_span(source: str, qualname: str) -> tuple[int, int, int]:
    """(first, end, indent): 0-based line range of the body after the docstring, and its indent."""
    try:
        node = _find(ast.parse(source), qualname)
    except SyntaxError as error:
        raise ExerciseError(f"cannot read the file defining {qualname}: {error}") from None
    body = node.body
    lines = source.splitlines(keepends=True)
    if ast.get_docstring(node, clean=False) is not None:
        first, rest = body[0].end_lineno or body[0].lineno, body[1:]
    else:
        # The body starts after the signature: step back over comments above the first statement.
        first, rest = body[0].lineno - 1, body
        while first > node.lineno and lines[first - 1].strip().startswith("#"):
            first -= 1
    if not rest:
        raise ExerciseError(f"{qualname} has no body to leave out")
    return first, node.end_lineno or node.lineno, rest[0].col_offset


def _raise_lines(message: str, source: str, task: Task) -> list[str]:
    """`raise NotImplementedError("…")` as ruff format writes it at this indent."""
    if '"' in message or "\\" in message:
        raise ExerciseError(f"the hint for {task.function} must not hold quotes or backslashes")
    pad = " " * _body_span(source, task.function)[2]
    one_line = f'{pad}raise NotImplementedError("{message}")\n'
    if len(one_line) - 1 <= LINE_LENGTH:
        return [one_line]
    inner = pad + "    "
    room = LINE_LENGTH - len(inner) - 2
    chunks: list[str] = []
    for word in message.split(" "):
        if chunks and len(chunks[-1]) + len(word) + 1 <= room:
            chunks[-1] += word + " "
        else:
            chunks.append(word + " ")
    chunks[-1] = chunks[-1].rstrip(" ")
    return [
        f"{pad}raise NotImplementedError(\n",
        *(f'{inner}"{chunk}"\n' for chunk in chunks),
        f"{pad})\n",
    ]


def _still_blank(tree: ast.Module, task: Task) -> bool:
    try:
        node = _find(tree, task.function)
    except ExerciseError:
        return True  # renamed or removed: not written as asked
    body = node.body[1:] if ast.get_docstring(node, clean=False) is not None else node.body
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    raised = body[0].exc
    return (
        isinstance(raised, ast.Call)
        and isinstance(raised.func, ast.Name)
        and raised.func.id == "NotImplementedError"
        and bool(raised.args)
        and isinstance(raised.args[0], ast.Constant)
        and str(raised.args[0].value).startswith(f"{task.layer} layer:")
    )


def _used_names(tree: ast.Module) -> set[str]:
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    for node in tree.body:  # names listed in __all__ count as used, as they do for ruff
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            names |= {
                elt.value
                for elt in ast.walk(node.value)
                if isinstance(elt, ast.Constant) and isinstance(elt.value, str)
            }
    return names


def _mark_imports_for_later(original: str, blanked: str) -> str:
    """Mark the imports only the removed code used, so the exercise lints clean as given."""
    tree = ast.parse(blanked)
    unused = _used_names(ast.parse(original)) - _used_names(tree)
    lines = blanked.splitlines(keepends=True)
    for node in tree.body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            index = alias.lineno - 1
            if bound in unused and NOQA not in lines[index]:
                if "#" in lines[index]:
                    raise ExerciseError(
                        f"cannot mark the import of {bound}: the line has a comment"
                    )
                lines[index] = lines[index].rstrip("\n") + NOQA + "\n"
    return "".join(lines)


def _guide(answers: Mapping[str, Any], exercise: Exercise) -> str:
    """EXERCISE.md: what the student writes, in which order, and how to see where they stand."""
    name = answers["project_name"]
    order = [layer for layer in reversed(EXERCISE_LAYERS) if layer in exercise.layers]
    given = [layer for layer in LAYERS if layer not in exercise.layers]
    lines = [
        f"# Exercise: build the {', '.join(order)} layer{'s' if len(order) > 1 else ''} of {name}",
        "",
        "This project is finished except for the functions listed below. Each one raises",
        "`NotImplementedError` with a hint: what it must do, its layer, and the test that",
        "checks it. Signatures, types, docstrings, imports, configuration and all the tests",
        f"are given; so are the {', '.join(given)} layer{'s' if len(given) > 1 else ''}.",
        "",
        "```bash",
        "pip install -e . --group dev  # pip 25.1 or newer; or: uv sync, then uv run pytest",
        f"pytest -m {order[0]}              # the tests of one layer",
        "pytest                       # all of them: green when you are done",
        "newbackend check             # each layer's state, if newbackend is installed",
        "```",
        "",
        "Work bottom-up (" + " → ".join(order) + "): the tests of a layer also use the layers",
        "below it, so a layer above one you have not written yet waits for it.",
        "Imports marked `# noqa: F401, RUF100` are the ones your code will need.",
    ]
    for layer in order:
        tasks = [task for task in exercise.tasks if task.layer == layer]
        lines += ["", f"## {layer} (`pytest -m {layer}`)", ""]
        for task in tasks:
            lines.append(f"- `{task.file}` · `{task.function}`: {task.hint}.")
    return "\n".join(lines) + "\n"
