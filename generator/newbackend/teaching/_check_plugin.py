"""A pytest plugin that `newbackend check` loads into the project's own test run (`-p`).

It is copied next to the run and imported by the project's interpreter, so it imports nothing
from newbackend. It appends one JSON line per event to $NEWBACKEND_CHECK_REPORT as the run
goes, so a run that is killed (a hanging solution) still leaves what it finished.
"""

import json
import os
import re
from typing import Any

LAYERS = ("routes", "services", "models", "cache", "config")
# The message of an exercise's NotImplementedError, wherever it shows: the failure itself, or
# the captured log of an app that turned it into a 500.
HINT = re.compile(r"NotImplementedError: ((?:routes|services|models|cache|config) layer: [^\n]*)")


def _write(record: dict[str, Any]) -> None:
    with open(os.environ["NEWBACKEND_CHECK_REPORT"], "a", encoding="utf-8") as report:
        report.write(json.dumps(record) + "\n")


def pytest_collection_finish(session: Any) -> None:
    tests = []
    for item in session.items:
        layers = dict.fromkeys(mark.name for mark in item.iter_markers() if mark.name in LAYERS)
        tests.append({"id": item.nodeid, "layers": list(layers)})
    _write({"event": "collected", "tests": tests})


def pytest_collectreport(report: Any) -> None:
    if report.failed:
        trace = str(report.longreprtext)[-4000:]  # where the error is: the last File "…", line n
        _write(
            {
                "event": "collect-error",
                "id": report.nodeid,
                "message": _message(report),
                "trace": trace,
            }
        )


def pytest_runtest_logstart(nodeid: str, location: Any) -> None:
    _write({"event": "start", "id": nodeid})


def pytest_runtest_logreport(report: Any) -> None:
    if report.when != "call" and report.passed:
        return  # setup and teardown matter only when they fail or skip
    texts = [report.longreprtext, *(content for _, content in report.sections)]
    hints = list(dict.fromkeys(match for text in texts for match in HINT.findall(text)))
    _write(
        {
            "event": "result",
            "id": report.nodeid,
            "when": report.when,
            "outcome": report.outcome,
            "message": "" if report.passed else _message(report),
            "hints": hints,
        }
    )


def _message(report: Any) -> str:
    """The failure in one line: the exception and its message, without the traceback."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2])  # a skip: (path, line, reason)
    lines = [line for line in str(report.longreprtext).splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    return (errors or lines or [""])[-1]
