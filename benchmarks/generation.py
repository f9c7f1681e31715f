"""Generation speed: `newbackend create` against bare `copier copy` and a plain Jinja render.

Every figure is a whole process (interpreter start included), measured in rounds: each round
runs every variant once, in order, so the variants share the machine's state and the ratios
are paired. Prints a table and writes it to benchmarks/results/generation.{json,md}.

    python benchmarks/generation.py [--runs 7]
"""

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent

# The floor: render every template file with Jinja alone, no questions, no copier.
PLAIN_RENDER = r"""
import sys, yaml
from pathlib import Path
from jinja2 import Environment, StrictUndefined
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
env = Environment(undefined=StrictUndefined, keep_trailing_newline=True)
env.filters["to_nice_yaml"] = lambda value: yaml.safe_dump(value, sort_keys=True)
answers = yaml.safe_load(Path(sys.argv[3]).read_text())
for path in sorted(src.rglob("*")):
    if path.is_dir():
        continue
    relative = env.from_string(str(path.relative_to(src))).render(answers)
    templated = relative.endswith(".jinja")
    relative = relative.removesuffix(".jinja")
    if "" in relative.split("/"):  # a conditional name rendered empty: not for these answers
        continue
    target = dst / relative
    text = env.from_string(path.read_text()).render(answers) if templated else path.read_text()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
"""


def context() -> dict[str, object]:
    """The full answer set (derived values included) that copier computes, for the floor."""
    return {
        "project_name": "todo",
        "package_name": "todo",
        "description": "bench",
        "framework": "flask",
        "database": "sqlite",
        "cache": "memory",
        "resource": "todo",
        "resource_plural": "todos",
        "resource_class": "Todo",
        "framework_label": "Flask",
        "database_label": "SQLite",
        "cache_label": "memory",
        "database_url_default": "sqlite:///todo.db",
        "cache_backends": ["none", "memory"],
        "compose_database_url": "sqlite:////data/todo.db",
        "secret_key": "0" * 64,
        "db_password": "0" * 32,
        "database_url_local": "sqlite:///todo.db",
        "gunicorn_worker_class": "gthread",
        "_copier_conf": {"answers_file": ".copier-answers.yml", "dst_path": "todo"},
        "_copier_answers": {"project_name": "todo"},
    }


def variants(work: Path) -> dict[str, list[str]]:
    newbackend = str(BIN / "newbackend")
    answers = work / "answers.yml"
    answers.write_text(json.dumps(context()))
    return {
        "newbackend create (no git)": [
            newbackend,
            "create",
            "todo",
            "-y",
            "--no-git",
            "-o",
            "{out}",
        ],
        "newbackend create (with git)": [newbackend, "create", "todo", "-y", "-o", "{out}"],
        "copier copy (bare)": [
            str(BIN / "copier"),
            "copy",
            "-q",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            str(ROOT),
            "{out}/todo",
        ],
        "plain Jinja render (floor)": [
            sys.executable,
            "-c",
            PLAIN_RENDER,
            str(ROOT / "template"),
            "{out}/todo",
            str(answers),
        ],
        "newbackend --help": [newbackend, "--help"],
        "newbackend --version": [newbackend, "--version"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        commands = variants(work)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(runs + 1):  # round 0 warms the file cache and is dropped
            for name, command in commands.items():
                out = work / f"out-{round_}-{len(times[name])}-{abs(hash(name))}"
                out.mkdir()
                argv = [part.replace("{out}", str(out)) for part in command]
                start = time.perf_counter()
                subprocess.run(argv, check=True, capture_output=True, stdin=subprocess.DEVNULL)
                elapsed = time.perf_counter() - start
                if round_:
                    times[name].append(elapsed)
                shutil.rmtree(out)
    copier = statistics.median(times["copier copy (bare)"])
    rows = [
        {
            "variant": name,
            "median_s": round(statistics.median(values), 3),
            "min_s": round(min(values), 3),
            "max_s": round(max(values), 3),
            "vs_copier_copy": round(statistics.median(values) / copier, 2),
        }
        for name, values in times.items()
    ]
    meta = {
        "command": f"python benchmarks/generation.py --runs {runs}",
        "runs": runs,
        "python": platform.python_version(),
        "copier": version("copier"),
        "newbackend": version("newbackend"),
        "machine": f"{platform.machine()}, {_cpus()} CPUs",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "generation.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    table = render_markdown(rows, meta)
    (RESULTS / "generation.md").write_text(table)
    print(table)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def render_markdown(rows: list[dict[str, object]], meta: dict[str, object]) -> str:
    lines = [
        f"`{meta['command']}` — Python {meta['python']}, copier {meta['copier']}, "
        f"newbackend {meta['newbackend']}, {meta['machine']}; "
        f"medians of {meta['runs']} paired runs",
        "",
        "| variant | median (s) | min (s) | max (s) | × copier copy |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r['variant']} | {r['median_s']:.3f} | {r['min_s']:.3f} | {r['max_s']:.3f} "
        f"| {r['vs_copier_copy']:.2f} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
