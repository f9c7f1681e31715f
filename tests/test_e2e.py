"""A generated project as a newcomer gets it: installed into a fresh virtual environment from
its own pyproject.toml (so its declared dependencies are proven complete), its tests run there,
and `python -m NAME` started as a real process and spoken to over HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from newbackend import create_project

from .support import run

pytestmark = pytest.mark.e2e

# Limits that only a broken server reaches: a loaded machine answers slowly, never this slowly.
REPLY_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=REPLY_SECONDS) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode())


def wait_until_serving(url: str, process: subprocess.Popen[str], seconds: float = 300) -> None:
    """Until `url` answers: a server that exits fails at once, one that never listens at last."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited:\n{process.communicate()[0]}")
        try:
            urllib.request.urlopen(url, timeout=REPLY_SECONDS).close()
            return
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"nothing answered at {url} within {seconds} s")


@pytest.mark.parametrize("framework", ["flask", "fastapi"])
def test_fresh_venv_install_then_serve_over_http(tmp_path: Path, framework: str) -> None:
    project = create_project("todo", output_dir=tmp_path, answers={"framework": framework}).path
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = str(venv / "bin" / "python")
    run([python, "-m", "pip", "install", "-q", "pip>=25.1"], tmp_path)  # dependency groups
    dev = ["--group", f"{project / 'pyproject.toml'}:dev"]
    run([python, "-m", "pip", "install", "-q", str(project), *dev], tmp_path, timeout=900)

    # The project's own tests, in its own environment; its pre-commit hooks on the fresh clone.
    run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(project), str(clone)], tmp_path)
    hooks_env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    hooks_env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    run([python, "-m", "pre_commit", "run", "--all-files"], clone, hooks_env)

    # `python -m todo` from an unrelated folder: the installed package carries its migrations.
    workdir = tmp_path / "run"
    workdir.mkdir()
    port = free_port()
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{workdir}/app.db"}
    server = subprocess.Popen(
        [python, "-m", "todo"],
        cwd=workdir,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{base}/health", server)
        assert request("GET", f"{base}/todos") == (200, [])
        status, created = request("POST", f"{base}/todos", {"title": "ship it"})
        assert status == 201 and created["title"] == "ship it"
        assert request("GET", f"{base}/todos/{created['id']}") == (200, created)
        assert request("GET", f"{base}/todos") == (200, [created])
        status, error = request("POST", f"{base}/todos", {"title": ""})
        assert status == 422 and error["detail"]
        assert request("GET", f"{base}/todos/999")[0] == 404
        status, health = request("GET", f"{base}/health")
        assert status == 200 and health["cache"]["backend"] == "memory"
        status, document = request("GET", f"{base}/openapi.json")
        assert status == 200 and "/todos" in document["paths"]
    finally:
        server.terminate()
        output = server.communicate(timeout=120)[0]
    assert "Traceback" not in output, output
