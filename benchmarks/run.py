"""Every benchmark in one go, and one combined Markdown report (benchmarks/results/report.md).

    python benchmarks/run.py            # full: about 15 minutes on two cores
    python benchmarks/run.py --quick    # short runs, to try the scripts (figures are rough)
    python benchmarks/run.py --matrix   # also time the generator's full matrix (long)

Each script can be run on its own as well; see its docstring.
"""

import argparse
import subprocess
import sys

from _common import BENCHMARKS, RESULTS, header, meta, require_wrk

FULL = {
    "generation": ["--runs", "7"],
    "throughput": ["--duration", "5", "--rounds", "3"],
    "layering": ["--iterations", "1000", "--repeats", "5"],
    "suite": ["--runs", "2"],
}
QUICK = {
    "generation": ["--runs", "3"],
    "throughput": ["--duration", "3", "--rounds", "1"],
    "layering": ["--iterations", "300", "--repeats", "3"],
    "suite": ["--runs", "1"],
}
TITLES = {
    "generation": "Generation (whole processes)",
    "throughput": "Throughput (wrk on loopback, gunicorn with the generated settings)",
    "layering": "Layering overhead (CPU per request in-process)",
    "suite": "Test suites (wall time)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (rough figures)")
    parser.add_argument("--matrix", action="store_true", help="time the generator's matrix too")
    parser.add_argument("--no-services", action="store_true", help="skip PostgreSQL and Redis")
    parser.add_argument("--only", nargs="+", choices=list(FULL), help="run only these")
    args = parser.parse_args()
    require_wrk()
    plan = QUICK if args.quick else FULL
    sections = []
    for name in args.only or list(plan):
        extra = list(plan[name])
        if args.no_services and name in {"throughput", "suite"}:
            extra.append("--no-services")
        if args.matrix and name == "suite":
            extra.append("--matrix")
        print(f"== {name} {' '.join(extra)}", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(BENCHMARKS / f"{name}.py"), *extra], check=True)
        sections.append(f"### {TITLES[name]}\n\n{(RESULTS / f'{name}.md').read_text()}")
    info = meta(("python benchmarks/run.py " + " ".join(sys.argv[1:])).strip())
    report = f"{header(info)}\n" + "\n".join(sections)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "report.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
