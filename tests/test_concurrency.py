"""Many users at once: every combination's production server (gunicorn, several workers where
its cache allows them) under racing clients, on the real database and cache.

Each check counts what a team would see: 5xx answers in a PATCH/DELETE race, more than one
204 for one item, stale reads after an acknowledged write (any worker may answer), and a
lost update that If-Match must stop. Loops are bounded in count and time.
"""

import secrets
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from newbackend import create_project

from .support import PYTHON, matrix_params, project_environment, run
from .test_e2e import free_port, wait_until_serving

pytestmark = pytest.mark.matrix

RACE_ROUNDS = 6
RACERS = 4  # PATCHes and as many DELETEs, per round
STALE_ROUNDS = 6
READS = 6  # per check, each on a new connection, so any worker may answer


@contextmanager
def production_server(tmp_path: Path, combination: dict[str, str]) -> Iterator[str]:
    """The project's gunicorn.conf.py as generated: its own worker count for its cache."""
    project = create_project("todo", output_dir=tmp_path, answers=combination, git=False).path
    port = free_port()
    log = tmp_path / "server.log"
    with project_environment(combination) as env:
        env |= {
            "PYTHONPATH": str(project),
            "ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "TIMEOUT": "120",  # a loaded machine is slow, not hung
            "CACHE_PREFIX": f"race-{secrets.token_hex(4)}:",
        }
        if combination["cache"] != "memory":
            env["WEB_CONCURRENCY"] = "3"  # several processes sharing the database and Redis
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path}/race.db")
        run([PYTHON, "-m", "todo.models.migrate"], project, env)
        with log.open("w") as out:
            server = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=project,
                env=env,
                text=True,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/health", server)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=60)
    text = log.read_text()
    assert "Traceback" not in text, text


def send(method: str, url: str, **options: object) -> httpx.Response:
    """One request on a connection of its own: the server picks any worker for it."""
    with httpx.Client(timeout=60) as client:
        return client.request(method, url, **options)  # type: ignore[arg-type]


def race(requests: list[tuple[str, str, dict[str, object]]]) -> list[int]:
    """Send every request at once (released together by a barrier); their status codes."""
    barrier = threading.Barrier(len(requests))
    statuses = [0] * len(requests)

    def one(index: int, method: str, url: str, options: dict[str, object]) -> None:
        barrier.wait(timeout=60)
        statuses[index] = send(method, url, **options).status_code

    threads = [
        threading.Thread(target=one, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.mark.parametrize("combination", matrix_params())
def test_many_users_at_once(tmp_path: Path, combination: dict[str, str]) -> None:
    with production_server(tmp_path, combination) as base:
        todos = f"{base}/todos"
        answers: Counter[int] = Counter()
        lone_deletes = 0
        for round_ in range(RACE_ROUNDS):
            item = f"{todos}/{send('POST', todos, json={'title': f'r{round_}'}).json()['id']}"
            patches = [("PATCH", item, {"json": {"title": f"p{n}"}}) for n in range(RACERS)]
            deletes = [("DELETE", item, {}) for _ in range(RACERS)]
            statuses = race(patches + deletes + [("GET", item, {})])
            answers.update(statuses)
            lone_deletes += statuses[RACERS : 2 * RACERS].count(204) == 1
        assert set(answers) <= {200, 204, 404}, answers  # never a 5xx, never a 409
        assert lone_deletes == RACE_ROUNDS, "exactly one DELETE of an item answers 204"

        stale = 0
        for round_ in range(STALE_ROUNDS):
            item = f"{todos}/{send('POST', todos, json={'title': 'old'}).json()['id']}"
            for _ in range(READS):  # every worker that answers caches the old title
                send("GET", item)
                send("GET", todos, params={"limit": 100})
            assert send("PATCH", item, json={"title": f"new {round_}"}).status_code == 200
            for _ in range(READS):
                stale += send("GET", item).json()["title"] != f"new {round_}"
                listed = {
                    row["id"]: row for row in send("GET", todos, params={"limit": 100}).json()
                }
                stale += listed[int(item.rsplit("/", 1)[1])]["title"] != f"new {round_}"
            assert send("DELETE", item).status_code == 204
            stale += sum(send("GET", item).status_code != 404 for _ in range(READS))
        assert stale == 0, f"{stale} stale reads after acknowledged writes"

        item = f"{todos}/{send('POST', todos, json={'title': 'shared'}).json()['id']}"
        seen = send("GET", item).headers["ETag"]
        mine = send("PATCH", item, json={"title": "mine"}, headers={"If-Match": seen})
        theirs = send("PATCH", item, json={"title": "theirs"}, headers={"If-Match": seen})
        assert (mine.status_code, theirs.status_code) == (200, 412)
        assert theirs.json()["detail"]
        assert send("GET", item).json()["title"] == "mine"  # no lost update
