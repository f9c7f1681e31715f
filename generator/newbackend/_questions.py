"""The template's questions, read from copier.yml so the CLI never keeps a second list."""

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
    config = yaml.safe_load((path or template_root() / "copier.yml").read_text(encoding="utf-8"))
    questions = {}
    for name, spec in config.items():
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
