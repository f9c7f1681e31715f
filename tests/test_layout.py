"""Generated code reads as written by hand for its names: no statement wrapped over several
lines that fits on one, whatever the names' lengths, and every resource from one source."""

import ast
import io
import tokenize
from pathlib import Path
from typing import Any

import pytest
from newbackend import create_project
from newbackend._resource import add_resource

LINE_LENGTH = 100  # the generated project's ruff line length
LONGEST = {"resource": "customer_support_ticket1"}  # as long as copier.yml allows


SIMPLE = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return, ast.ImportFrom, ast.Raise)
LITERALS = (ast.List, ast.Tuple, ast.Dict, ast.Set)  # one item a line is a choice there


def pieces(tree: ast.Module) -> list[tuple[int, int, int, str]]:
    """(first line, last line, column, one-line text) of each simple statement, decorator and
    def signature: what could be written on one line."""
    found = []
    for node in ast.walk(tree):
        if any(
            isinstance(inner, ast.Constant) and "\n" in str(inner.value) for inner in ast.walk(node)
        ) and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue  # a string over several lines: the lines are the text's
        if isinstance(node, SIMPLE) and not isinstance(getattr(node, "value", None), LITERALS):
            found.append(
                (node.lineno, node.end_lineno or node.lineno, node.col_offset, ast.unparse(node))
            )
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            for decorator in node.decorator_list:
                text = "@" + ast.unparse(decorator)
                found.append((decorator.lineno, decorator.end_lineno or 0, node.col_offset, text))
            keyword = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
            header = (
                f"{keyword} {node.name}({ast.unparse(node.args)}) -> {ast.unparse(node.returns)}:"
            )
            found.append((node.lineno, node.returns.end_lineno or 0, node.col_offset, header))
    return found


def needless_wraps(path: Path) -> list[str]:
    """Statements spread over several lines though they fit on one (and hold no comment)."""
    source = path.read_text(encoding="utf-8")
    comments = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }
    return [
        f"{path.name}:{first}: {text}"
        for first, last, column, text in pieces(ast.parse(source))
        if last > first
        and not comments & set(range(first, last + 1))
        and column + len(text) <= LINE_LENGTH
    ]


def python_files(project: Path) -> list[Path]:
    return sorted(path for path in project.rglob("*.py") if ".git" not in path.parts)


@pytest.mark.parametrize("framework", ["flask", "fastapi"])
@pytest.mark.parametrize("names", [{}, LONGEST], ids=["default-names", "longest-names"])
def test_no_statement_is_wrapped_that_fits_on_one_line(
    tmp_path: Path, framework: str, names: dict[str, str]
) -> None:
    answers = {"framework": framework, "cache": "redis", **names}
    project = create_project("todo", output_dir=tmp_path, answers=answers, git=False).path
    add_resource(project, "order_line_item", fields=["quantity:int", "due:datetime?"])
    wraps = [wrap for path in python_files(project) for wrap in needless_wraps(path)]
    assert not wraps, "\n".join(wraps)


RENAMES = [("todos", "tasks"), ("todo", "task"), ("Todo", "Task"), ("0001", "0002")]


def renamed(text: str) -> str:
    for old, new in RENAMES:
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("framework", ["flask", "fastapi"])
def test_the_first_resource_and_an_added_one_are_the_same_files(
    tmp_path: Path, framework: str
) -> None:
    """A project whose first resource is `todo` gets `task` with the same fields."""
    project = create_project("shop", output_dir=tmp_path, answers={"framework": framework}).path
    result = add_resource(project, "task", fields=["title:str", "description:text?", "done:bool"])
    added = [Path(name) for name in result.files if not name.startswith(".copier-answers")]
    assert len(added) == 7, added
    for path in added:
        first = Path(str(path).replace("tasks", "todos").replace("0002", "0001"))
        text: Any = renamed((project / first).read_text(encoding="utf-8"))
        if "migrations" in path.parts:  # the one difference: where the migration goes
            annotation = "down_revision: str | tuple[str, ...] | None ="
            text = text.replace(f"{annotation} None", f'{annotation} "0001a"')
            text = text.replace("Revises:\n", "Revises: 0001a\n")
        assert text == (project / path).read_text(encoding="utf-8"), path
