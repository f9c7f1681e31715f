"""The template's questions, read from copier.yml so the CLI never keeps a second list."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ._template import template_root

# The questions `newbackend set` can re-answer in an existing project.
SETTABLE = ("framework", "database", "cache")


@dataclass(frozen=True)
class Question:
    name: str
    help: str
    default: Any
    choices: dict[str, str] = field(default_factory=dict)  # value -> label

    def describe(self) -> str:
        """Help text for a CLI option: the question's help, its choices and default."""
        text = self.help
        if self.choices:
            text += " [" + "|".join(self.choices) + "]"
        if self.default is not None and "{{" not in str(self.default):
            text += f" (default: {self.default})"
        return text


@cache
def load_questions(path: Path | None = None) -> dict[str, Question]:
    """The questions that are asked (not the `when: false` derived values), in order."""
    questions = {}
    for name, spec in read_config(path or template_root() / "copier.yml").items():
        if name.startswith("_") or not isinstance(spec, dict) or spec.get("when") is False:
            continue
        choices = spec.get("choices") or {}
        questions[name] = Question(
            name=name,
            help=spec.get("help", name),
            default=spec.get("default"),
            choices={str(value): str(label) for label, value in choices.items()},
        )
    return questions


def read_config(path: Path) -> dict[str, Any]:
    """A copier.yml as copier reads it: its YAML documents in order, `!include`s resolved.

    The resource questions live in resource/ and both copier.yml files include them.
    """
    merged: dict[str, Any] = {}
    for document in _documents(path, path.parent):
        merged.update(document)
    return merged


def _documents(path: Path, root: Path) -> Iterator[dict[str, Any]]:
    for document in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_Loader):
        if isinstance(document, _Include):
            for included in sorted(root.glob(document.pattern)):
                yield from _documents(included, root)
        elif isinstance(document, dict):
            yield document


@dataclass(frozen=True)
class _Include:
    pattern: str  # relative to the folder of the copier.yml that includes it


class _Loader(yaml.SafeLoader):
    pass


def _include(loader: yaml.SafeLoader, node: yaml.Node) -> _Include:
    assert isinstance(node, yaml.ScalarNode), "!include takes a file name (pattern)"
    return _Include(str(loader.construct_scalar(node)))


_Loader.add_constructor("!include", _include)
