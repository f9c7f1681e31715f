"""`uv.lock`: written when a project is created, refreshed when an update changes its
dependencies, never merged.

uv is optional. It is found on PATH, else as the PyPI `uv` package (`uv.find_uv_bin()`), and
it needs the package index. Without either, the project is written all the same and the
caller turns the reason into one line saying how to lock later. `NEWBACKEND_NO_LOCK=1`
skips locking altogether: the generator's own tests render hundreds of projects.
"""

import os
import shutil
import subprocess
from pathlib import Path

LOCK_FILE = "uv.lock"
NO_LOCK_ENV = "NEWBACKEND_NO_LOCK"
TIMEOUT = 90  # seconds: a resolution against a slow index, never a hang


def skipped() -> bool:
    """Whether NEWBACKEND_NO_LOCK asks for no lock file."""
    return os.environ.get(NO_LOCK_ENV, "").strip().lower() not in {"", "0", "false", "no"}


def find_uv() -> str | None:
    """The uv executable: on PATH, else the one the PyPI `uv` package installed."""
    found = shutil.which("uv")
    if found:
        return found
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    try:
        return str(find_uv_bin())
    except FileNotFoundError:
        return None


def lock(project: Path, *, timeout: float = TIMEOUT) -> str | None:
    """Run `uv lock` in `project`: None when uv.lock is written and current, else why not."""
    uv = find_uv()
    if uv is None:
        return "uv is not installed"
    try:
        done = subprocess.run(
            [uv, "lock", "--quiet", "--no-progress"],
            cwd=project,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"uv lock did not finish in {timeout:g} s"
    except OSError as error:
        return f"cannot run uv: {error}"
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        return f"uv lock failed: {lines[0] if lines else f'exit {done.returncode}'}"
    return None
