"""Layering overhead: CPU per request through the app itself, no server, no network.

A load generator on two shared cores cannot resolve differences under about 10 %; the CPU
time of many requests through the WSGI/ASGI callable can. The generated app and the seed
single-file app read the same SQLite file (the generated project's, 100 rows). Each app runs
in a process of its own; the figure is the median over repeats of CPU seconds per request.

    python benchmarks/layering.py [--iterations 2000] [--repeats 7]
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import (
    BENCHMARKS,
    Row,
    environment,
    generate,
    header,
    markdown_table,
    meta,
    package,
    save,
)


def wsgi_caller(app: Any, path: str, query: str) -> Callable[[int], None]:
    """Runs n requests through a WSGI app, each with a fresh environ, as a server would."""
    from werkzeug.test import EnvironBuilder

    def call() -> bytes:
        environ = EnvironBuilder(path=path, query_string=query).get_environ()
        status: list[str] = []
        body = app(environ, lambda code, headers, exc_info=None: status.append(code))
        try:
            data = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        assert status[0].startswith("200"), (status, data[:200])
        return data

    def run(n: int) -> None:
        for _ in range(n):
            call()

    return run


def asgi_caller(app: Any, path: str, query: str) -> Callable[[int], None]:
    """Runs n requests through an ASGI app inside one task, as a server's event loop would
    (the thread pool of sync endpoints lives as long as that task)."""
    loop = asyncio.new_event_loop()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip

    async def once() -> bytes:
        chunks: list[bytes] = []
        status: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(dict(scope), receive, send)
        assert status[0] == 200, (status, b"".join(chunks)[:200])
        return b"".join(chunks)

    async def many(n: int) -> None:
        for _ in range(n):
            await once()

    return lambda n: loop.run_until_complete(many(n))


def child(kind: str, project: Path) -> None:
    """Runs inside the app's own process: for each `REQUEST N` line on stdin, runs N requests
    and prints the CPU seconds per request, so the parent can interleave the apps."""
    os.chdir(project)
    sys.path.insert(0, str(project))
    sys.path.insert(0, str(BENCHMARKS))
    if kind.startswith("seed") or kind.startswith("hello"):
        app: Any = __import__(kind).app
    else:
        app = __import__(f"{package(project)}.app", fromlist=["create_app"]).create_app()
    make = asgi_caller if "fastapi" in kind else wsgi_caller
    runners = {name: make(app, *target) for name, target in REQUESTS.items()}
    print("ready", flush=True)
    for line in sys.stdin:
        name, count = line.split()
        start = time.process_time()
        runners[name](int(count))
        print((time.process_time() - start) / int(count), flush=True)


REQUESTS = {
    "list": ("/todos", "limit=100"),
    "one": ("/todos/42", ""),
    "hello": ("/", ""),
    "hello_def": ("/sync", ""),  # FastAPI only: the same in a sync endpoint
}


class Child:
    """One app in a process of its own, driven over stdin/stdout."""

    def __init__(self, kind: str, project: Path, env: dict[str, str]) -> None:
        command = [sys.executable, __file__, "--child", kind, str(project)]
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"{kind} in {project} did not start")

    def cpu_per_request(self, request: str, count: int) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{request} {count}\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def seed_rows(project: Path, env: dict[str, str]) -> None:
    """Migrate, then write the 100 rows through the project's own service layer."""
    name = package(project)
    subprocess.run([sys.executable, "-m", f"{name}.models.migrate"], cwd=project, env=env,
                   check=True)  # fmt: skip
    script = f"""
from {name}.config import get_settings
from {name}.runtime import Runtime
from {name}.models.todos import SqlTodoRepository
from {name}.services.todos import TodoCreate, TodoService
runtime = Runtime.start(get_settings())
with runtime.sessions() as session:
    service = TodoService(SqlTodoRepository(session), runtime.cache)
    for n in range(1, 101):
        service.create(TodoCreate(title=f"todo number {{n}}", description=f"row {{n}} " * 8,
                                  done=n % 3 == 0))
"""
    subprocess.run([sys.executable, "-c", script], cwd=project, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000, help="requests per repeat")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as scratch:
        for framework in ("flask", "fastapi"):
            rows += measure(Path(scratch), framework, args.iterations, args.repeats)
    command = "python benchmarks/layering.py " + " ".join(sys.argv[1:])
    info = meta(command.strip(), iterations=args.iterations, repeats=args.repeats)
    table = markdown_table(
        ["framework", "request", "app", "CPU µs/request", "÷ seed", "overhead vs seed"],
        [
            [r["framework"], r["request"], r["app"], r["cpu_us"], r["vs_seed"], r["overhead"]]
            for r in rows
        ],
    )
    markdown = f"{header(info)}\n{table}"
    save("layering", info, rows, markdown)
    print(markdown)


def measure(work: Path, framework: str, iterations: int, repeats: int) -> list[Row]:
    """Every app of one framework on the same SQLite file, repeats interleaved (paired)."""
    projects = {cache: generate(work, framework, "sqlite", cache) for cache in ("none", "memory")}
    database = work / f"{framework}.db"
    env = environment(DATABASE_URL=f"sqlite:///{database}", ENV="production", LOG_LEVEL="WARNING")
    seed_rows(projects["none"], env)
    seeded = {"SEED_DATABASE": str(database)}
    hellos = ["hello", "hello_def"] if framework == "fastapi" else ["hello"]
    plan = {
        "seed": ("seed_app", projects["none"], {"SEED_DATABASE": str(database)}, ["list", "one"]),
        "hello": (f"hello_{framework}", projects["none"], {}, hellos),
        **(
            {"seed_fastapi": ("seed_fastapi", projects["none"], seeded, ["list", "one"])}
            if framework == "fastapi"
            else {}
        ),
        "uncached": (framework, projects["none"], {"CACHE_BACKEND": "none"}, ["list", "one"]),
        "cached": (framework, projects["memory"], {"CACHE_BACKEND": "memory"}, ["list", "one"]),
    }
    children = {
        app: Child(kind, project, env | extra) for app, (kind, project, extra, _) in plan.items()
    }
    cpu: dict[str, dict[str, list[float]]] = {app: {} for app in plan}
    try:
        for repeat in range(repeats + 1):  # repeat 0 warms up (caches filled, code hot)
            for app, (_, _, _, requests) in plan.items():
                for request in requests:
                    count = max(50, iterations // 10) if repeat == 0 else iterations
                    seconds = children[app].cpu_per_request(request, count)
                    if repeat:
                        cpu[app].setdefault(request, []).append(seconds)
    finally:
        for running in children.values():
            running.close()
    return compare(framework, cpu)


def compare(framework: str, cpu: dict[str, dict[str, list[float]]]) -> list[Row]:
    rows: list[Row] = []
    median = {
        app: {k: statistics.median(v) for k, v in found.items()} for app, found in cpu.items()
    }
    rows.append(
        _row(framework, "GET /", f"{framework} hello-world", median["hello"]["hello"], None)
    )
    if "hello_def" in median["hello"]:
        sync = median["hello"]["hello_def"]
        rows.append(_row(framework, "GET /sync", "hello-world, sync `def` endpoint", sync, None))
    for request, path in (("list", "GET /todos?limit=100"), ("one", "GET /todos/42")):
        seed = median["seed"][request]
        rows.append(_row(framework, path, "seed (Flask, single file)", seed, seed))
        if "seed_fastapi" in median:  # the same seed written for FastAPI: the fair pair
            seed = median["seed_fastapi"][request]
            rows.append(_row(framework, path, "seed written for FastAPI (single file)", seed, seed))
        rows.append(_row(framework, path, "generated, no cache", median["uncached"][request], seed))
        rows.append(_row(framework, path, "generated, cached", median["cached"][request], seed))
    return rows


def _row(framework: str, request: str, app: str, seconds: float, seed: float | None) -> Row:
    return {
        "framework": framework,
        "request": request,
        "app": app,
        "cpu_us": round(seconds * 1e6, 1),
        "vs_seed": round(seconds / seed, 2) if seed else "-",
        "overhead": f"{(seconds / seed - 1) * 100:+.0f} %" if seed else "-",
    }


if __name__ == "__main__":
    main()
