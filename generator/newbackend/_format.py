"""Rendered Python, formatted with ruff: imports sorted and lines wrapped for the real names.

The template is written for names of common length; with longer ones a line can pass 100
characters, and the order of an import list can depend on the names. Running the project's
own formatter (with the project's own settings) after rendering makes every project read as
if a person had written it for its names.
"""

import subprocess
import sys
from pathlib import Path

from .errors import TemplateError


def format_python(folder: Path, *, config: Path | None = None) -> None:
    """Sort the imports and format the Python files below `folder`.

    `config` is the pyproject.toml whose ruff settings apply (default: the one in `folder`).
    """
    options = ["--no-cache", "--quiet", *(["--config", str(config)] if config else [])]
    for command in (
        ["check", "--select", "I", "--fix", "--exit-zero", *options, "."],
        ["format", *options, "."],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or ["no message"])[0]
            raise TemplateError(f"ruff could not format the rendered project: {detail}")
