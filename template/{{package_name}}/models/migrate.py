"""Apply the Alembic migrations that ship inside the package.

`python -m <package>.models.migrate` waits (bounded) for the database and brings its schema up
to date: the one-shot migration step of compose, Kubernetes and CI.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config

from ..config import configure_logging, get_settings
from ..errors import UnavailableError
from .database import build_engine, wait_for_database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolates '%': escape it, since passwords are often percent-encoded.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the schema at `url` up to `revision`; a no-op when it is already there."""
    command.upgrade(alembic_config(url), revision)


def prepare_database(url: str, wait_seconds: float) -> None:
    """Wait for the database to answer, then migrate it."""
    engine = build_engine(url)
    try:
        wait_for_database(engine, wait_seconds)
    finally:
        engine.dispose()
    upgrade(url)


if __name__ == "__main__":
    settings = get_settings()
    configure_logging(settings)
    try:
        prepare_database(settings.database_url, settings.database_wait_seconds)
    except UnavailableError as error:
        raise SystemExit(f"error: {error}") from None
