"""`python -m <package>`: migrate the database, then serve the API for development."""

from .config import get_settings


def run() -> None:
    get_settings()  # unusable settings stop the process here, in one line, before the app loads
    from .app import main  # the web framework and the database layers load only now

    main()


run()
