"""Hostile input: every combination's OpenAPI document fuzzed by schemathesis against the app
served by its production server (gunicorn) on the real database and cache.

Passes only with zero 5xx, zero responses that break the schema, zero undocumented status
codes (schemathesis `--checks all`).
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from newbackend import create_project

from .support import PYTHON, matrix_params, project_environment, run
from .test_e2e import free_port, wait_until_serving

pytestmark = pytest.mark.matrix

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
EXAMPLES = os.environ.get("NEWBACKEND_FUZZ_EXAMPLES", "25")


@pytest.mark.parametrize("combination", matrix_params())
def test_schemathesis_finds_nothing(tmp_path: Path, combination: dict[str, str]) -> None:
    project = create_project("todo", output_dir=tmp_path, answers=combination, git=False).path
    port = free_port()
    with project_environment(combination) as env:
        env |= {
            "PYTHONPATH": str(project),
            "ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "TIMEOUT": "120",  # gunicorn restarts a worker silent this long: a hang, not a slow box
            "CACHE_PREFIX": f"fuzz-{secrets.token_hex(4)}:",
        }
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path}/fuzz.db")
        run([PYTHON, "-m", "todo.models.migrate"], project, env)
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=project,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/health", server)
            fuzz = subprocess.run(
                [
                    SCHEMATHESIS,
                    "--config-file",  # the project's own: 412 is an answer to a stale If-Match
                    str(project / "schemathesis.toml"),
                    "run",
                    f"http://127.0.0.1:{port}/openapi.json",
                    "--checks",
                    "all",
                    "--max-examples",
                    EXAMPLES,
                    "--seed",
                    "1",
                    "--request-timeout",
                    "60",  # a slow answer on a loaded machine is not a failure; a hang is
                ],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
                env={**os.environ, "NO_COLOR": "1"},
                cwd=tmp_path,  # its cache stays there
            )
        finally:
            server.terminate()
            log = server.communicate(timeout=60)[0]
    report = fuzz.stdout + fuzz.stderr
    assert fuzz.returncode == 0, report
    totals = re.search(r"(\d+) generated, (\d+) passed", report)
    assert totals and totals.group(1) == totals.group(2) and int(totals.group(1)) > 100, report
    if report_file := os.environ.get("NEWBACKEND_FUZZ_REPORT"):
        with open(report_file, "a", encoding="utf-8") as out:
            out.write(f"{'-'.join(combination.values())}: {totals.group(0)}\n")
    assert "Traceback" not in log, log
    assert "Shutting down: Master" in log  # SIGTERM: a graceful stop
