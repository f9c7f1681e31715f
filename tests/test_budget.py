"""The connection budget under a burst: the production server (gunicorn, two workers) never
opens more database connections than DATABASE_MAX_CONNECTIONS, and a request that finds none
free answers 503 with Retry-After, never another 5xx.

The database role gets `CONNECTION LIMIT 4`, so going over the budget would also show as
connections refused by the server (the test looks for them in the log); the peak is watched in
pg_stat_activity from another connection.
"""

import os
import secrets
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from newbackend import create_project

from .support import POSTGRES_URL, PYTHON, require_server, run
from .test_e2e import free_port, wait_until_serving

pytestmark = [pytest.mark.services, pytest.mark.matrix]

BUDGET = 4
REQUESTS = 200
CLIENTS = 30
AMBIENT = {"DATABASE_URL", "REDIS_URL", "CACHE_BACKEND", "WEB_CONCURRENCY", "THREADS"}


@contextmanager
def limited_role_database() -> Iterator[tuple[str, str]]:
    """A role allowed BUDGET connections and a database it owns: (its URL, the role)."""
    import psycopg

    require_server("PostgreSQL", POSTGRES_URL)
    name = f"nb_budget_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {name} LOGIN CONNECTION LIMIT {BUDGET}")
        admin.execute(f"CREATE DATABASE {name} OWNER {name}")
    parts = urlsplit(POSTGRES_URL)
    try:
        yield f"postgresql://{name}@{parts.hostname}:{parts.port or 5432}/{name}", name
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"DROP ROLE IF EXISTS {name}")


class PeakConnections:
    """Samples the role's connections in pg_stat_activity until stopped; keeps the highest."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> "PeakConnections":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _watch(self) -> None:
        import psycopg

        query = "SELECT count(*) FROM pg_stat_activity WHERE usename = %s"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            while not self._stop.is_set():
                row = admin.execute(query, (self.role,)).fetchone()
                self.peak = max(self.peak, row[0] if row else 0)
                self.samples += 1
                time.sleep(0.005)


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_a_burst_stays_within_the_connection_budget(tmp_path: Path, framework: str) -> None:
    answers = {"framework": framework, "database": "postgresql", "cache": "none"}
    project = create_project("todo", output_dir=tmp_path, answers=answers, git=False).path
    port = free_port()
    with limited_role_database() as (url, role):
        env = {
            **{k: v for k, v in os.environ.items() if k not in AMBIENT and "PYTEST" not in k},
            "PYTHONPATH": str(project),
            "PYTHONDONTWRITEBYTECODE": "1",
            "ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": url,
            "DATABASE_MAX_CONNECTIONS": str(BUDGET),
            "DATABASE_POOL_TIMEOUT": "1",
            "WEB_CONCURRENCY": "2",
            "THREADS": "8",
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }
        run([PYTHON, "-m", "todo.models.migrate"], project, env, timeout=60)
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=project,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(f"{base}/livez", server, seconds=30)
            with httpx.Client(base_url=base, timeout=30) as client:
                assert client.post("/todos", json={"title": "a"}).status_code == 201
                with PeakConnections(role) as watch, ThreadPoolExecutor(CLIENTS) as pool:
                    started = time.monotonic()
                    responses = list(pool.map(lambda _: client.get("/todos"), range(REQUESTS)))
                    elapsed = time.monotonic() - started
        finally:
            server.terminate()
            log = server.communicate(timeout=30)[0]

    statuses = [response.status_code for response in responses]
    print(
        f"{framework}: {statuses.count(200)} × 200, {statuses.count(503)} × 503 in {elapsed:.1f} s;"
        f" peak {watch.peak} connections of {BUDGET} ({watch.samples} samples)"
    )
    assert all(status < 500 or status == 503 for status in statuses), (statuses, log)
    assert all(r.headers.get("Retry-After") for r in responses if r.status_code == 503), log
    assert statuses.count(200) > 0, (statuses, log)
    assert 0 < watch.peak <= BUDGET, log
    assert elapsed < 60
    assert "too many connections" not in log, log  # the server never refused one
    assert "Traceback" not in log, log
