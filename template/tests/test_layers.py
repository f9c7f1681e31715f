"""The five layers as the code has them: every import goes down the picture in README.md."""

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

pytestmark = pytest.mark.config
PROJECT = Path(__file__).resolve().parent.parent


def test_imports_follow_the_layer_contracts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)  # import-linter reads its contracts from ./pyproject.toml
    assert lint_imports(no_cache=True, no_logo=True) == 0  # the report above names the import
