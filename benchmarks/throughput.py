"""Generated-app throughput under wrk on loopback, paired with hello-world and the seed app.

Every app of one framework is served the same way: gunicorn with the generated project's own
gunicorn.conf.py (its worker class, worker count, threads, keep-alive, no access log), the
hello-world and the seed app included. The apps run side by side and are measured in rounds
(each round runs every endpoint once), so each figure has its references from the same minutes
of the same machine; the table gives medians over the rounds and the ratios the targets use.

    python benchmarks/throughput.py [--duration 5] [--rounds 3] [--no-services]
"""

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from _common import (
    BENCHMARKS,
    BIN,
    POSTGRES_URL,
    REDIS_URL,
    Row,
    environment,
    generate,
    header,
    markdown_table,
    meta,
    package,
    postgres_database,
    reachable,
    require_wrk,
    save,
)

ROWS = 100
LIST = "/todos?limit=100"
ONE = "/todos/42"
NEW_TODO = {"title": "written by wrk", "description": "a benchmark row", "done": False}
POST_SCRIPT = f"""
wrk.method = "POST"
wrk.body = '{json.dumps(NEW_TODO)}'
wrk.headers["Content-Type"] = "application/json"
"""


@dataclass
class App:
    """One server on loopback and the endpoints measured on it."""

    group: str  # the framework whose server settings it runs under
    name: str
    endpoints: dict[str, str]  # label -> "GET /path" or "POST /path"
    project: Path  # the generated project whose gunicorn.conf.py serves it
    env: dict[str, str]
    app_uri: str | None = None  # None: the project's own app
    phase: str = ""  # apps of one phase run side by side; default: the group
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    results: dict[str, list[Row]] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(app: App) -> Iterator[App]:
    app.port = free_port()
    env = app.env | {"HOST": "127.0.0.1", "PORT": str(app.port), "LOG_LEVEL": "WARNING"}
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"]
    command += [app.app_uri] if app.app_uri else []
    with tempfile.TemporaryFile() as log:
        app.process = subprocess.Popen(command, cwd=app.project, env=env, stdout=log, stderr=log)
        try:
            wait_until_up(app, log)
            yield app
        finally:
            app.process.send_signal(signal.SIGTERM)
            try:
                app.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                app.process.kill()


def wait_until_up(app: App, log: IO[bytes]) -> None:
    path = next(iter(app.endpoints.values())).split()[1]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert app.process is not None
        if app.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{app.port}{path}", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    output = log.read()
    raise SystemExit(f"{app.group}/{app.name} did not start:\n{output.decode(errors='replace')}")


def seed(app: App) -> None:
    """The same 100 rows in every app, written through its own POST /todos."""
    for number in range(1, ROWS + 1):
        body = {
            "title": f"todo number {number}",
            "description": f"row {number} " * 8,
            "done": number % 3 == 0,
        }
        request = urllib.request.Request(
            f"http://127.0.0.1:{app.port}/todos",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 201, answer.status


def worker_peak_rss_mb(master: int) -> float:
    """The largest peak RSS (VmHWM) among the master's worker processes, in MB."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return round(max(peaks), 1) if peaks else 0.0


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, method: str, args: argparse.Namespace, script: Path) -> Row:
    command = [require_wrk(), f"-t{args.threads}", f"-c{args.connections}"]
    command += [f"-d{args.duration}s", "--latency", url]
    if method == "POST":
        command += ["-s", str(script)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        # wrk leaves the distribution out when no request completed
        "p50_ms": _ms(percentiles.get("50", "0ms")),
        "p99_ms": _ms(percentiles.get("99", "0ms")),
        "requests": int(total.group(1)) if total else 0,
        "failed": (int(bad.group(1)) if bad else 0),
        "socket_errors": errors.group(1) if errors else "",
    }


def plan(work: Path, services: bool) -> tuple[list[App], ExitStack]:
    """Generate the projects and describe every server; databases are made on the way."""
    stack = ExitStack()
    apps: list[App] = []
    crud = {"list": f"GET {LIST}", "one": f"GET {ONE}", "create": "POST /todos"}
    for framework in ("flask", "fastapi"):
        sqlite_memory = generate(work, framework, "sqlite", "memory")
        sqlite_none = generate(work, framework, "sqlite", "none")
        hello = environment(PYTHONPATH=str(BENCHMARKS), DATABASE_URL=_sqlite(sqlite_memory))
        apps.append(
            App(
                framework,
                "hello-world",
                {"hello": "GET /", "hello_def": "GET /sync"}
                if framework == "fastapi"
                else {"hello": "GET /"},
                sqlite_memory,
                hello,
                f"hello_{framework}:app",
            )
        )
        apps += [
            App(
                framework,
                "generated sqlite+memory",
                crud,
                sqlite_memory,
                environment(DATABASE_URL=_sqlite(sqlite_memory), CACHE_BACKEND="memory"),
            ),
            App(
                framework,
                "generated sqlite+none",
                crud,
                sqlite_none,
                environment(DATABASE_URL=_sqlite(sqlite_none), CACHE_BACKEND="none"),
            ),
        ]
        if services and reachable(POSTGRES_URL) and reachable(REDIS_URL):
            postgres_redis = generate(work, framework, "postgresql", "redis")
            for cache in ("redis", "none"):
                url = stack.enter_context(postgres_database())
                env = environment(
                    DATABASE_URL=url,
                    CACHE_BACKEND=cache,
                    REDIS_URL=REDIS_URL,
                    CACHE_PREFIX=f"bench:{os.getpid()}:{framework}:",
                )
                name = f"generated postgresql+{cache}"
                apps.append(App(framework, name, crud, postgres_redis, env, phase=name))
    # The seed app (Flask, WSGI) runs under the Flask project's settings in both groups: the
    # same worker count as the FastAPI apps, since both configs derive it from the CPU count.
    flask_project = next(app.project for app in apps if app.group == "flask")
    for framework in ("flask", "fastapi"):
        database = work / f"seed-{framework}.db"
        env = environment(
            PYTHONPATH=str(BENCHMARKS),
            SEED_DATABASE=str(database),
            DATABASE_URL=_sqlite(flask_project),
        )
        endpoints = crud if framework == "flask" else {"list": f"GET {LIST}"}
        apps.insert(
            1 if framework == "flask" else len(apps),
            App(framework, "seed (single file)", endpoints, flask_project, env, "seed_app:app"),
        )
    # The same seed written for FastAPI, served by the FastAPI project's settings (uvicorn
    # workers): the fair pair for the FastAPI rows.
    fastapi_project = next(app.project for app in apps if app.group == "fastapi")
    env = environment(
        PYTHONPATH=str(BENCHMARKS),
        SEED_DATABASE=str(work / "seed-fastapi-own.db"),
        DATABASE_URL=_sqlite(fastapi_project),
    )
    apps.append(App("fastapi", FASTAPI_SEED, crud, fastapi_project, env, "seed_fastapi:app"))
    apps.sort(key=lambda app: app.group != "flask")
    return apps, stack


FASTAPI_SEED = "seed for FastAPI (single file)"


def _sqlite(project: Path) -> str:
    return f"sqlite:///{project / 'bench.db'}"


def migrate(app: App) -> None:
    if app.app_uri is None:
        module = f"{package(app.project)}.models.migrate"
        subprocess.run([sys.executable, "-m", module], cwd=app.project, env=app.env, check=True)


def measure(apps: list[App], args: argparse.Namespace, script: Path) -> None:
    """Warm every endpoint up, then run the rounds; writes come last in each round."""
    order = sorted(
        ((app, label) for app in apps for label in app.endpoints),
        key=lambda pair: pair[0].endpoints[pair[1]].startswith("POST"),
    )
    for round_ in range(args.rounds + 1):  # round 0 is the warm-up and is dropped
        for app, label in order:
            method, path = app.endpoints[label].split()
            warmup = argparse.Namespace(**{**vars(args), "duration": 1})
            result = wrk(
                f"http://127.0.0.1:{app.port}{path}",
                method,
                warmup if round_ == 0 else args,
                script,
            )
            if round_:
                app.results.setdefault(label, []).append(result)
            print(
                f"  round {round_} {app.group:8} {app.name:28} {label:7} "
                f"{result['rps']:9.0f} req/s",
                file=sys.stderr,
            )


def summarize(apps: list[App], rss: dict[str, float]) -> list[Row]:
    rows: list[Row] = []
    for app in apps:
        for label, results in app.results.items():
            rows.append(
                {
                    "framework": app.group,
                    "app": app.name,
                    "endpoint": label,
                    "request": app.endpoints[label],
                    "rps": round(statistics.median(r["rps"] for r in results)),
                    "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 2),
                    "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 2),
                    "rss_mb": rss[f"{app.group}/{app.name}"],
                    "failed": sum(r["failed"] for r in results),
                    "rounds": [round(r["rps"]) for r in results],
                }
            )
    return rows


def ratios(rows: list[Row]) -> list[Row]:
    """The figures the issue's targets are stated in, per framework."""

    def rps(framework: str, app: str, endpoint: str) -> float | None:
        for row in rows:
            if (row["framework"], row["app"], row["endpoint"]) == (framework, app, endpoint):
                return float(row["rps"])
        return None

    checks = []
    for framework in ("flask", "fastapi"):
        hello = rps(framework, "hello-world", "hello")
        hello_def = rps(framework, "hello-world", "hello_def")
        seed_list = rps(framework, "seed (single file)", "list")
        pairs = [
            ("cached GET /todos ÷ hello-world", "generated sqlite+memory", "list", hello, 0.7),
            (
                "cached GET /todos ÷ hello-world in a sync `def` endpoint",
                "generated sqlite+memory",
                "list",
                hello_def,
                None,
            ),
            (
                "uncached GET /todos (SQLite) ÷ seed app",
                "generated sqlite+none",
                "list",
                seed_list,
                1.0,
            ),
            (
                "cached GET /todos (Redis) ÷ hello-world",
                "generated postgresql+redis",
                "list",
                hello,
                None,
            ),
            (
                "uncached GET /todos (SQLite) ÷ the seed written for FastAPI",
                "generated sqlite+none",
                "list",
                rps(framework, FASTAPI_SEED, "list"),
                1.0,
            ),
            (
                "uncached GET /todos (PostgreSQL) ÷ seed app",
                "generated postgresql+none",
                "list",
                seed_list,
                None,
            ),
        ]
        for what, app, endpoint, reference, target in pairs:
            value = rps(framework, app, endpoint)
            if value is None or not reference:
                continue
            ratio = round(value / reference, 2)
            verdict = "-" if target is None else ("holds" if ratio >= target else "MISSES")
            checks.append(
                {
                    "framework": framework,
                    "figure": what,
                    "ratio": ratio,
                    "target": f"≥ {target}" if target else "(reported)",
                    "verdict": verdict,
                }
            )
    return checks


def render(info: dict[str, object], rows: list[Row], checks: list[Row]) -> str:
    table = markdown_table(
        [
            "framework",
            "app",
            "request",
            "req/s",
            "p50 ms",
            "p99 ms",
            "peak RSS/worker MB",
            "non-2xx",
        ],
        [
            [
                r["framework"],
                r["app"],
                r["request"],
                r["rps"],
                r["p50_ms"],
                r["p99_ms"],
                r["rss_mb"],
                r["failed"],
            ]
            for r in rows
        ],
    )
    targets = markdown_table(
        ["framework", "figure (same run)", "ratio", "target", "verdict"],
        [[c["framework"], c["figure"], c["ratio"], c["target"], c["verdict"]] for c in checks],
    )
    return f"{header(info)}\n{table}\n{targets}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds (medians)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--workers",
        type=int,
        help="WEB_CONCURRENCY for every app (default: "
        "the generated gunicorn.conf.py's, from the CPU count)",
    )
    parser.add_argument(
        "--no-services",
        action="store_true",
        help="skip PostgreSQL and Redis even when they are running",
    )
    args = parser.parse_args()
    require_wrk()
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as running:
        work = Path(scratch)
        script = work / "post.lua"
        script.write_text(POST_SCRIPT)
        apps, databases = plan(work, not args.no_services)
        running.enter_context(databases)
        # An app on PostgreSQL keeps a pool per worker: one at a time, so that the server's
        # connection limit is not what is measured.
        phases: dict[str, list[App]] = {}
        for app in apps:
            phases.setdefault(f"{app.group} {app.phase}", []).append(app)
        rss: dict[str, float] = {}
        for members in phases.values():
            with ExitStack() as serving_phase:
                for app in members:
                    if args.workers:
                        app.env["WEB_CONCURRENCY"] = str(args.workers)
                    migrate(app)
                    serving_phase.enter_context(serving(app))
                    if app.name != "hello-world":
                        seed(app)
                measure(members, args, script)
                for app in members:
                    assert app.process is not None
                    rss[f"{app.group}/{app.name}"] = worker_peak_rss_mb(app.process.pid)
        rows = summarize(apps, rss)
    checks = ratios(rows)
    command = "python benchmarks/throughput.py " + " ".join(sys.argv[1:])
    info = meta(
        command.strip(),
        duration_s=args.duration,
        rounds=args.rounds,
        connections=args.connections,
        wrk_threads=args.threads,
        workers=args.workers or "from gunicorn.conf.py (2 per CPU + 1)",
    )
    markdown = render(info, rows, checks)
    save("throughput", info, [*rows, {"targets": checks}], markdown)
    print(markdown)


if __name__ == "__main__":
    main()
