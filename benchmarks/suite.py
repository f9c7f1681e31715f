"""Test-suite wall time: each generated project's own pytest, and the generator's matrix.

The generated projects run on SQLite always, and on PostgreSQL/Redis when those answer on
loopback (a scratch database per run). The matrix (tests/test_matrix.py, every combination
generated and checked) takes minutes, so it runs only with --matrix.

    python benchmarks/suite.py [--runs 3] [--matrix] [--no-services]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from _common import (
    POSTGRES_URL,
    REDIS_URL,
    ROOT,
    Row,
    environment,
    generate,
    header,
    markdown_table,
    meta,
    postgres_database,
    reachable,
    save,
)

TARGET_PROJECT_S = 5.0
TARGET_MATRIX_S = 600.0


def combinations(services: bool) -> list[tuple[str, str, str]]:
    found = [
        (framework, "sqlite", cache)
        for framework in ("flask", "fastapi")
        for cache in ("memory", "none")
    ]
    if services and reachable(POSTGRES_URL) and reachable(REDIS_URL):
        found += [(framework, "postgresql", "redis") for framework in ("flask", "fastapi")]
    return found


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{done.stdout}{done.stderr}")
    return elapsed, summary.strip("= ")


def project_rows(work: Path, runs: int, services: bool) -> list[Row]:
    rows: list[Row] = []
    for framework, database, cache in combinations(services):
        project = generate(work, framework, database, cache)
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        # This environment holds the generator's test plugins too (schemathesis, hypothesis,
        # xdist, …), which would load on every start: load only what the project's own
        # environment has (anyio comes with FastAPI's Starlette).
        if framework == "fastapi":
            pytest += ["-p", "anyio.pytest_plugin"]
        with ExitStack() as stack:
            env = environment(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
            env.pop("PYTHONDONTWRITEBYTECODE")  # as a user runs it: the first run's bytecode stays
            if database == "postgresql":
                env["DATABASE_URL"] = stack.enter_context(postgres_database())
            if cache == "redis":
                env["REDIS_URL"] = REDIS_URL
            times, summary = [], ""
            for _ in range(runs + 1):  # the first run compiles bytecode and is dropped
                elapsed, summary = timed(pytest, project, env)
                times.append(elapsed)
        median = statistics.median(times[1:])
        rows.append(
            {
                "suite": f"generated {framework} + {database} + {cache}: pytest",
                "median_s": round(median, 2),
                "runs": [round(t, 2) for t in times[1:]],
                "result": summary,
                "target": f"< {TARGET_PROJECT_S:g} s" if (database, cache) == ("sqlite", "memory")
                else "-",
            }
        )  # fmt: skip
    return rows


def matrix_row() -> Row:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/test_matrix.py",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    elapsed, summary = timed(command, ROOT, environment())
    return {
        "suite": "generator: pytest tests/test_matrix.py (every combination, 2 workers)",
        "median_s": round(elapsed, 1),
        "runs": [round(elapsed, 1)],
        "result": summary,
        "target": f"< {TARGET_MATRIX_S:g} s",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per project (median)")
    parser.add_argument("--matrix", action="store_true", help="also time the generator's matrix")
    parser.add_argument("--no-services", action="store_true", help="SQLite projects only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        rows = project_rows(Path(scratch), args.runs, not args.no_services)
    if args.matrix:
        rows.append(matrix_row())
    for row in rows:
        limit = row["target"].removeprefix("< ").removesuffix(" s")
        row["verdict"] = "-" if limit == "-" else (
            "holds" if row["median_s"] < float(limit) else "MISSES"
        )  # fmt: skip
    info = meta(("python benchmarks/suite.py " + " ".join(sys.argv[1:])).strip(), runs=args.runs)
    table = markdown_table(
        ["suite", "median s", "result", "target", "verdict"],
        [[r["suite"], r["median_s"], r["result"], r["target"], r["verdict"]] for r in rows],
    )
    markdown = f"{header(info)}\n{table}"
    save("suite", info, rows, markdown)
    print(markdown)


if __name__ == "__main__":
    main()
