"""Where the template is: the repository checkout in development, the bundled copy in a wheel."""

import subprocess
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_template"
_CHECKOUT = _PACKAGE.parent.parent


def template_root() -> Path:
    """The folder holding copier.yml and template/."""
    if (_BUNDLED / "copier.yml").is_file():
        return _BUNDLED
    if (_CHECKOUT / "copier.yml").is_file():
        return _CHECKOUT
    raise FileNotFoundError(f"the newbackend template is missing (looked in {_BUNDLED})")


def template_ref(root: Path) -> str | None:
    """`HEAD` for a git checkout, so copier renders the working tree and records the commit.

    Without it copier would render the newest tag and leave later commits out.
    """
    if not (root / ".git").exists():
        return None
    try:
        subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "HEAD"],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return "HEAD"
