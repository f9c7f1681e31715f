"""A sample cohort at six different stages, then its report: what TEACHING.md shows.

    python examples/teaching/sample_cohort.py [DIR]      # default: a new temporary folder

It runs the real commands (`newbackend cohort create`, `newbackend cohort report`) on
roster.csv. In between, it plays the students: each one's work is the original functions
put back from a finished render with the same answers, layer by layer, with a few
mistakes a class really makes. The generator's tests (tests/test_cohort.py) use `stage`.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from newbackend import create_project
from newbackend.teaching._exercise import read_exercise, restore

ROSTER = Path(__file__).with_name("roster.csv")
# Which layers each student has written (bottom-up), and what went wrong on the way.
STAGES = {
    "ada": [],  # has not started
    "alan": ["cache", "models"],  # his list of todos ignores the offset
    "grace": ["cache", "models", "routes"],  # jumped ahead: her routes wait for services
    # A create that leaves stale lists in the cache, and the test that caught it deleted:
    "edsger": ["cache", "models", "services"],
    "barbara": ["cache", "models", "services", "routes"],  # finished
    "ken": ["cache", "models", "services", "routes"],  # finished, but a cache read never returns
}


def stage(cohort: Path, solution: Path) -> None:
    """Put each student's project at their stage and commit it as the student would."""
    for folder, layers in STAGES.items():
        project = cohort / folder
        exercise = read_exercise(project)
        assert exercise is not None, project
        restore(project, solution, [task for task in exercise.tasks if task.layer in layers])
        package = project / "todo"
        if folder == "alan":
            offset = '{"limit": limit, "offset": offset}'
            _edit(package / "models" / "todos.py", offset, '{"limit": limit, "offset": 0}')
        if folder == "edsger":
            bracketed = "        with self.cache.changing(self.group):\n"
            bracketed += "            row = self.repo.add(data.model_dump())\n"
            bracketed += "            self.repo.commit()\n"
            bare = "        row = self.repo.add(data.model_dump())\n        self.repo.commit()\n"
            _edit(package / "services" / "todos.py", bracketed, bare)
            tests = project / "tests" / "test_services_todos.py"
            for caught_it in CAUGHT_STALE_LISTS:
                _drop_test(tests, caught_it)
        if folder == "ken":
            line = "            entry = self._entries.get(entry_key)\n"
            forever = "            threading.Event().wait()  # never set: blocks, burns no CPU\n"
            _edit(package / "cache" / "memory.py", line, forever + line)
        if layers:
            identity = ["-c", f"user.name={folder}", "-c", f"user.email={folder}@example.edu"]
            git = ["git", *identity, "commit", "-qam", "my work"]
            subprocess.run(git, cwd=project, check=True)


# The service tests that see the stale lists edsger's create leaves (he deleted them).
CAUGHT_STALE_LISTS = (
    "test_create_and_delete_invalidate_the_lists",
    "test_a_failed_commit_is_raised_and_leaves_nothing_cached",
    "test_a_list_etag_changes_with_its_content",
)


def _drop_test(path: Path, name: str) -> None:
    """Cut the test function `name` out of `path`, up to the next top-level statement."""
    text = path.read_text()
    start = text.index(f"def {name}(")
    ends = [text.find(mark, start) for mark in ("\n\n\ndef ", "\n\n\n@", "\n\n\nclass ")]
    end = min([found for found in ends if found != -1], default=len(text))
    path.write_text(text[:start] + text[end + 3 :])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def main() -> None:
    cohort = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "cohort"
    newbackend = [sys.executable, "-m", "newbackend"]
    subprocess.run([*newbackend, "cohort", "create", str(ROSTER), "--out", str(cohort)], check=True)
    record = json.loads((cohort / "newbackend-cohort.json").read_text())
    with tempfile.TemporaryDirectory() as scratch:
        solution = create_project(
            record["project"], output_dir=Path(scratch), answers=record["answers"], git=False
        ).path
        stage(cohort, solution)
    subprocess.run([*newbackend, "cohort", "report", str(cohort), "--timeout", "30"], check=True)


if __name__ == "__main__":
    main()
