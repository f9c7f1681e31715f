"""What the benchmark scripts share: generating projects, the servers on loopback, results."""

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
RESULTS = BENCHMARKS / "results"
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get(
    "NEWBACKEND_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("NEWBACKEND_REDIS_URL", "redis://127.0.0.1:6379/0")
Row = dict[str, Any]


def environment(**extra: str) -> dict[str, str]:
    """The caller's environment with this checkout's generator first on the path."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "generator"), env.get("PYTHONPATH")])
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env | extra


def generate(out: Path, framework: str, database: str, cache: str) -> Path:
    """`newbackend create` from this checkout; the project is named after its combination."""
    name = f"bench-{framework}-{database}-{cache}"
    command = [str(BIN / "newbackend"), "create", name, "--framework", framework]
    command += ["--database", database, "--cache", cache, "-y", "--no-git", "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True, env=environment())
    return out / name


def package(project: Path) -> str:
    return project.name.replace("-", "_")


def reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=1).close()
    except OSError:
        return False
    return True


@contextmanager
def postgres_database() -> Iterator[str]:
    """A scratch database on the PostgreSQL server, dropped afterwards (the tests' own helper)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.support import scratch_database

    with scratch_database("postgresql") as url:
        yield url


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk not found: install it with `apt-get install wrk` (or your system's package)")
    return wrk


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("newbackend", "flask", "fastapi", "sqlalchemy", "pydantic", "gunicorn", "uvicorn"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "-"
    wrk = shutil.which("wrk")
    if wrk:
        # `wrk --version` prints its banner and exits 1.
        banner = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout
        found["wrk"] = banner.split()[1] if banner.split() else "?"
    return found


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.system()} {platform.machine()}, {cpus} CPUs"


def meta(command: str, **extra: object) -> dict[str, object]:
    return {
        "command": command,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": versions(),
        **extra,
    }


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table; numbers right-aligned."""
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("| " + " | ".join("---:" if n else "---" for n in numeric) + " |")
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def header(info: dict[str, object]) -> str:
    found = info["versions"]
    assert isinstance(found, dict)
    listed = ", ".join(f"{name} {value}" for name, value in found.items())
    return f"`{info['command']}` — {info['date']}; {info['machine']}; {listed}\n"


def save(name: str, info: dict[str, object], rows: list[Row], markdown: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps({"meta": info, "rows": rows}, indent=2))
    (RESULTS / f"{name}.md").write_text(markdown)
