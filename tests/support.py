"""Shared helpers: the option matrix from copier.yml, and scratch databases on real servers."""

import os
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import product
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from newbackend._questions import load_questions

ROOT = Path(__file__).resolve().parent.parent
MATRIX_KEYS = ("framework", "database", "cache")
QUESTIONS = load_questions(ROOT / "copier.yml")
COMBINATIONS = [
    dict(zip(MATRIX_KEYS, values, strict=True))
    for values in product(*(list(QUESTIONS[key].choices) for key in MATRIX_KEYS))
]

REQUIRE_SERVICES = os.environ.get("NEWBACKEND_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get(
    "NEWBACKEND_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
MYSQL_URL = os.environ.get("NEWBACKEND_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
# Not database 0: a generated project's tests must use the Redis database they are given.
REDIS_URL = os.environ.get("NEWBACKEND_REDIS_URL", "redis://127.0.0.1:6379/5")


def combination_id(combination: dict[str, str]) -> str:
    return "-".join(combination[key] for key in MATRIX_KEYS)


def needs_services(combination: dict[str, str]) -> bool:
    return combination["database"] != "sqlite" or combination["cache"] == "redis"


def matrix_params() -> list[Any]:
    """Every framework × database × cache; the ones needing a server carry the marker."""
    return [
        pytest.param(
            combination,
            id=combination_id(combination),
            marks=[pytest.mark.services] if needs_services(combination) else [],
        )
        for combination in COMBINATIONS
    ]


def require_server(name: str, url: str) -> None:
    """Fail (with NEWBACKEND_REQUIRE_SERVICES=1) or skip when a server does not answer."""
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:
        message = f"{name} is not reachable at {parts.hostname}:{parts.port}"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message} and NEWBACKEND_REQUIRE_SERVICES=1")
        pytest.skip(f"{message}; start it (../shared/services-up.sh) to run this test")


@contextmanager
def scratch_database(kind: str) -> Iterator[str]:
    """A database of its own for one test on the real server, dropped afterwards."""
    name = f"nb_{uuid.uuid4().hex[:16]}"
    if kind == "postgresql":
        import psycopg

        require_server("PostgreSQL", POSTGRES_URL)
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        try:
            yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    elif kind == "mysql":
        import pymysql

        require_server("MariaDB/MySQL", MYSQL_URL)
        parts = urlsplit(MYSQL_URL)
        options = {"host": parts.hostname, "port": parts.port or 3306, "user": parts.username}
        with pymysql.connect(password=parts.password or "", **options) as connection:
            connection.cursor().execute(f"CREATE DATABASE {name}")
        try:
            yield MYSQL_URL.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with pymysql.connect(password=parts.password or "", **options) as connection:
                connection.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
    else:
        raise ValueError(kind)


@contextmanager
def project_environment(combination: dict[str, str]) -> Iterator[dict[str, str]]:
    """Environment for a generated project's own tests: real servers where the answers say."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_BACKEND"}
        and not key.startswith("PYTEST")
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["MYPY_CACHE_DIR"] = str(
        Path(os.environ.get("NEWBACKEND_MYPY_CACHE", tempfile.gettempdir()))
        / (f"newbackend-mypy-{os.getppid()}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
    )
    if combination["cache"] == "redis":
        require_server("Redis", REDIS_URL)
        env["REDIS_URL"] = REDIS_URL
    if combination["database"] == "sqlite":
        yield env
        return
    with scratch_database(combination["database"]) as url:
        env["DATABASE_URL"] = url
        yield env


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600
) -> str:
    """Run a command, failing the test with its output when it fails."""
    completed = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, f"{' '.join(command)} failed in {cwd}:\n{output}"
    return output


PYTHON = sys.executable
