"""`python -m <package>`: migrate the database, then serve the API for development."""

from .config import get_settings
from .errors import UnavailableError


def run() -> None:
    get_settings()  # unusable settings stop the process here, in one line, before the app loads
    from .app import main  # the web framework and the database layers load only now

    try:
        main()
    except UnavailableError as error:  # the database refused or never answered: say so once
        raise SystemExit(f"error: {error}") from None


run()
