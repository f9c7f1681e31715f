"""One API whatever the framework: the same bad request gets the same answer from Flask and
FastAPI (status and body), and list pages say how many items there are and where the next
page is."""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from newbackend import create_project

from .support import PYTHON

# Each request as (method, path, raw body or None); run in-process by the project's own app.
BAD_REQUESTS = [
    ("POST", "/todos", b'{"title": '),
    ("POST", "/todos", b"[1, 2]"),
    ("POST", "/todos", b""),
    ("POST", "/todos", b'{"title": ""}'),
    ("POST", "/todos", b'{"title": "a", "unknown": 1}'),
    ("POST", "/todos", b'{"done": "yes"}'),
    ("PATCH", "/todos/1", b'{"title": null}'),
    ("GET", "/todos?limit=0", None),
    ("GET", "/todos?limit=500&offset=-1", None),
    ("GET", "/todos/0", None),
    ("GET", f"/todos/{2**31}", None),
]

CLIENT = """
import json, sys
from todo.app import create_app
from todo.config import Settings
from todo.models.migrate import upgrade

url = sys.argv[1]
upgrade(url)
app = create_app(Settings(_env_file=None, env="test", secret_key="k" * 40, database_url=url))
if hasattr(app, "test_client"):
    client = app.test_client()
    def send(method, path, body):
        response = client.open(path, method=method, data=body, content_type="application/json")
        return response.status_code, response.get_data(as_text=True), dict(response.headers)
else:
    from fastapi.testclient import TestClient
    client = TestClient(app)
    def send(method, path, body):
        headers = {"Content-Type": "application/json"}
        response = client.request(method, path, content=body, headers=headers)
        return response.status_code, response.text, dict(response.headers)
send("POST", "/todos", b'{"title": "first"}')
answers = []
for method, path, body in json.loads(sys.stdin.read()):
    status, text, headers = send(method, path, None if body is None else body.encode())
    answers.append([status, json.loads(text) if text else None, headers])
print(json.dumps(answers))
"""


def answers(tmp_path: Path, framework: str, requests: list[Any]) -> list[Any]:
    project = create_project(
        "todo", output_dir=tmp_path / framework, answers={"framework": framework}, git=False
    ).path
    url = f"sqlite:///{tmp_path}/{framework}.db"
    sent = json.dumps([[m, p, None if b is None else b.decode()] for m, p, b in requests])
    done = subprocess.run(
        [PYTHON, "-c", CLIENT, url],
        cwd=project,
        input=sent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: list[Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    root = tmp_path_factory.mktemp("shape")
    return {framework: answers(root, framework, BAD_REQUESTS) for framework in ("flask", "fastapi")}


@pytest.mark.parametrize(
    "index", range(len(BAD_REQUESTS)), ids=[f"{m} {p} {b!r}" for m, p, b in BAD_REQUESTS]
)
def test_the_same_bad_request_gets_the_same_answer(both: dict[str, list[Any]], index: int) -> None:
    flask_status, flask_body, _ = both["flask"][index]
    fastapi_status, fastapi_body, _ = both["fastapi"][index]
    assert (flask_status, flask_body) == (fastapi_status, fastapi_body)
    assert flask_status in {404, 422}
    if flask_status == 422:
        for error in flask_body["detail"]:
            assert set(error) == {"loc", "msg", "type"}  # never the input back
            assert error["loc"][0] in {"body", "query", "path"}


def test_a_body_that_is_not_json_says_so(both: dict[str, list[Any]]) -> None:
    for framework in both:
        assert both[framework][0][1]["detail"] == [
            {"loc": ["body"], "msg": "the body is not valid JSON", "type": "json_invalid"}
        ]
        assert both[framework][1][1]["detail"][0]["msg"] == "the body must be a JSON object"
