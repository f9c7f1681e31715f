"""Build hook: write into the wheel which commit its bundled template was built from.

A project made from the bundled copy records that commit as `_commit`, so `copier update`
(and `newbackend update --template CLONE`) can render the same template from any clone of the
repository as the old side of its three-way merge. A commit is in every clone; a tag is not
(tags are never pushed anywhere), so nothing here depends on one.

From a git checkout the commit is `git rev-parse HEAD`. An sdist carries the same file at its
root (`template-source.json`), so a wheel built from the sdist, without git, records it too.
Without either the file says only the version, and projects fall back to the release tag.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE_FILE = "template-source.json"  # at the sdist's root
WHEEL_PATH = "newbackend/_template/source.json"  # next to the bundled copier.yml


class TemplateSourceHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return  # an editable install renders the checkout itself, with its git history
        source = {"commit": self._commit(), "version": self.metadata.version}
        self._scratch = Path(tempfile.mkdtemp(prefix="newbackend-build-"))
        written = self._scratch / SOURCE_FILE
        written.write_text(json.dumps(source, indent=2) + "\n", encoding="utf-8")
        target = WHEEL_PATH if self.target_name == "wheel" else SOURCE_FILE
        build_data["force_include"][str(written)] = target

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    def _commit(self) -> str | None:
        """HEAD of the checkout being built, else what the sdist recorded, else None."""
        root = Path(self.root)
        try:
            done = subprocess.run(
                ["git", "rev-parse", "--verify", "HEAD"],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            done = None
        # A checkout's own HEAD only: an sdist unpacked inside some other repository is not it.
        if done is not None and done.returncode == 0 and (root / ".git").exists():
            return done.stdout.strip()
        recorded = root / SOURCE_FILE
        if recorded.is_file():
            commit = json.loads(recorded.read_text(encoding="utf-8")).get("commit")
            return str(commit) if commit else None
        return None
