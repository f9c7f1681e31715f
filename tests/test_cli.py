"""The `newbackend` command: flags, defaults, no terminal, bad input, and what it leaves behind."""

import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import newbackend
import pytest
import yaml
from newbackend.cli import app
from typer.testing import CliRunner

from .support import QUESTIONS

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def answers_of(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def listing(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")}


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"newbackend {newbackend.__version__}"


def test_help_lists_the_create_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "create" in result.stdout


def test_help_loads_no_library_code() -> None:
    """`--help` stays quick: copier and the modules behind the commands load when one runs."""
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['newbackend', '--help']\n"
        "try:\n    runpy.run_module('newbackend', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = set(done.stderr.split())
    assert "newbackend.cli" in loaded
    heavy = {"copier", "newbackend._create", "newbackend._update", "newbackend._resource"}
    heavy |= {f"newbackend.teaching._{name}" for name in ("exercise", "check", "cohort", "sync")}
    assert not heavy & loaded


def test_no_arguments_shows_help() -> None:
    result = invoke()
    assert "create" in result.stdout
    assert "Usage" in result.stdout


def test_create_help_offers_the_choices_of_copier_yml() -> None:
    result = runner.invoke(app, ["create", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for question in ("framework", "database", "cache"):
        choices = "|".join(QUESTIONS[question].choices)
        assert f"[{choices}]" in result.stdout, question
    for option in ("--resource", "--yes", "--no-git", "--output-dir", "--force"):
        assert option in result.stdout


def test_create_with_every_answer_as_a_flag(tmp_path: Path) -> None:
    result = invoke(
        "create",
        "todo",
        "--framework",
        "fastapi",
        "--database",
        "postgresql",
        "--cache",
        "redis",
        "--resource",
        "task",
        "--yes",
        "-o",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    project = tmp_path / "todo"
    answers = answers_of(project)
    assert (answers["framework"], answers["database"], answers["cache"]) == (
        "fastapi",
        "postgresql",
        "redis",
    )
    assert answers["resource_plural"] == "tasks"
    assert (project / "todo" / "routes" / "tasks.py").is_file()
    assert "cd " in result.stdout and "python -m todo" in result.stdout
    assert "uv sync && uv run pytest" in result.stdout
    assert "pip install -e . --group dev && pytest" in result.stdout


def test_create_defaults_are_the_embedded_default(tmp_path: Path) -> None:
    result = invoke("create", "todo", "--yes", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    answers = answers_of(tmp_path / "todo")
    assert {key: answers[key] for key in ("framework", "database", "cache", "resource")} == {
        "framework": "flask",
        "database": "sqlite",
        "cache": "memory",
        "resource": "todo",
    }


def test_create_makes_a_first_commit_with_a_clean_tree(tmp_path: Path) -> None:
    assert invoke("create", "todo", "-y", "-o", str(tmp_path)).exit_code == 0
    project = tmp_path / "todo"
    log = subprocess.run(["git", "log", "--oneline"], cwd=project, capture_output=True, text=True)
    assert len(log.stdout.splitlines()) == 1
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True
    )
    assert status.stdout == ""
    tracked = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True)
    assert ".env" not in tracked.stdout.splitlines()
    assert ".copier-answers.yml" in tracked.stdout.splitlines()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_no_secret_is_in_any_tracked_file(tmp_path: Path, database: str) -> None:
    assert (
        invoke("create", "todo", "-y", "--database", database, "-o", str(tmp_path)).exit_code == 0
    )
    project = tmp_path / "todo"
    secrets = [
        line.split("=", 1)[1]
        for line in (project / ".env").read_text().splitlines()
        if line.startswith(("SECRET_KEY=", "DB_PASSWORD="))
    ]
    assert secrets and all(len(secret) >= 32 for secret in secrets)
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        content = (project / name).read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, name


def test_no_git_leaves_no_repository(tmp_path: Path) -> None:
    assert invoke("create", "todo", "-y", "--no-git", "-o", str(tmp_path)).exit_code == 0
    assert not (tmp_path / "todo" / ".git").exists()


def test_a_missing_git_is_a_warning_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = invoke("create", "todo", "-y", "-o", str(tmp_path))
    assert result.exit_code == 0
    assert "git not found" in result.stderr
    assert (tmp_path / "todo" / "todo" / "app.py").is_file()


def test_hyphenated_name_makes_folder_and_package(tmp_path: Path) -> None:
    assert invoke("create", "my-shop", "-y", "--no-git", "-o", str(tmp_path)).exit_code == 0
    assert (tmp_path / "my-shop" / "my_shop" / "app.py").is_file()


def test_output_dir_is_created_when_missing(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    assert invoke("create", "todo", "-y", "--no-git", "-o", str(target)).exit_code == 0
    assert (target / "todo" / "pyproject.toml").is_file()


BAD_NAMES = ["", "../x", "a/b", "class", "import", "123abc", "my app", "flask", "redis", "Todo"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_bad_name_is_one_line_exit_1_and_nothing_written(tmp_path: Path, name: str) -> None:
    result = invoke("create", name, "-y", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "project_name" in lines[0]
    assert listing(tmp_path) == set()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--framework", "django"),
        ("--database", "oracle"),
        ("--cache", "memcached"),
        ("--resource", "Bad Name"),
    ],
)
def test_an_unknown_choice_is_one_line_exit_1(tmp_path: Path, option: str, value: str) -> None:
    result = invoke("create", "todo", option, value, "-y", "-o", str(tmp_path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert value in lines[0]
    assert listing(tmp_path) == set()


def test_an_existing_non_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "todo").mkdir()
    (tmp_path / "todo" / "notes.txt").write_text("mine")
    result = invoke("create", "todo", "-y", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert listing(tmp_path) == {"todo", "todo/notes.txt"}


def test_force_adds_the_project_but_keeps_every_user_file(tmp_path: Path) -> None:
    folder = tmp_path / "todo"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "README.md").write_text("my readme")
    result = invoke("create", "todo", "-y", "--force", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "README.md").read_text() == "my readme"
    assert "kept your README.md" in result.stdout
    assert (folder / "todo" / "app.py").is_file()


def test_an_existing_empty_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "todo").mkdir()
    assert invoke("create", "todo", "-y", "--no-git", "-o", str(tmp_path)).exit_code == 0
    assert (tmp_path / "todo" / "pyproject.toml").is_file()


def test_an_interruption_halfway_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copier

    real_run_copy = copier.run_copy

    def interrupted(src: str, dst: Path, **kwargs: Any) -> None:
        real_run_copy(src, dst, **kwargs)  # the whole project is written, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(copier, "run_copy", interrupted)
    result = invoke("create", "todo", "-y", "-o", str(tmp_path))
    assert result.exit_code == 130
    assert "nothing was written" in result.stderr
    assert listing(tmp_path) == set()


def test_a_template_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copier

    def broken(src: str, dst: Path, **kwargs: Any) -> None:
        Path(dst).mkdir(parents=True)
        (Path(dst) / "half.py").write_text("x = 1\n")
        raise RuntimeError("boom")

    monkeypatch.setattr(copier, "run_copy", broken)
    result = invoke("create", "todo", "-y", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "failed to render" in result.stderr
    assert listing(tmp_path) == set()


def newbackend_command() -> list[str]:
    script = shutil.which("newbackend", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "newbackend"]


def test_no_terminal_and_no_yes_takes_defaults_and_never_waits(tmp_path: Path) -> None:
    completed = subprocess.run(
        [*newbackend_command(), "create", "todo", "--no-git"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert answers_of(tmp_path / "todo")["framework"] == "flask"


def test_the_console_script_end_to_end(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200"}
    completed = subprocess.run(
        [
            *newbackend_command(),
            "create",
            "demo",
            "--framework",
            "fastapi",
            "-y",
            "-o",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Created" in completed.stdout
    assert (tmp_path / "demo" / ".git").is_dir()
    bad = subprocess.run(
        [*newbackend_command(), "create", "class", "-y", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert bad.returncode == 1
    assert len(bad.stderr.strip().splitlines()) == 1


def console_script(*args: str, cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """The installed `newbackend` command, as a user runs it."""
    script = Path(sys.executable).with_name("newbackend")
    return subprocess.run(
        [str(script), *args], cwd=cwd, capture_output=True, text=True, timeout=300, **kwargs
    )


def test_create_writes_env_for_its_owner_only(tmp_path: Path) -> None:
    done = console_script("create", "todo", "-y", "--database", "postgresql", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    env = tmp_path / "todo" / ".env"
    assert "DB_PASSWORD=" in env.read_text()
    assert env.stat().st_mode & 0o777 == 0o600


def run_in_a_terminal(argv: list[str], cwd: Path, keys: bytes, after: bytes) -> tuple[int, str]:
    """Run `argv` on a pseudo-terminal, type `keys` once `after` is on the screen; the exit
    code and everything printed, escape sequences removed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the pty as its terminal
        os.chdir(cwd)
        os.execv(argv[0], argv)
    out, sent, deadline = b"", False, time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child has exited and closed the terminal
                break
            if not chunk:
                break
            out += chunk
        if not sent and after in out:
            time.sleep(0.3)  # the prompt is drawn and waiting for keys
            os.write(fd, keys)
            sent = True
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.decode(errors="replace"))
    return os.waitstatus_to_exitcode(status), text


def test_ctrl_c_at_a_question_is_one_line_exit_130_and_nothing_written(tmp_path: Path) -> None:
    script = str(Path(sys.executable).with_name("newbackend"))
    question = "🎤".encode()  # copier's mark before each question
    code, text = run_in_a_terminal([script, "create", "todo"], tmp_path, b"\x03", question)
    assert code == 130, text
    assert "AnswersMap" not in text and "Traceback" not in text, text
    errors = [line for line in text.splitlines() if "error" in line.lower()]
    assert errors == ["error: interrupted: nothing was written"], text
    assert list(tmp_path.iterdir()) == []


def test_create_on_a_terminal_asks_for_a_missing_name(tmp_path: Path) -> None:
    script = str(Path(sys.executable).with_name("newbackend"))
    code, text = run_in_a_terminal([script, "create", "-y"], tmp_path, b"todo\r", b"Project name")
    assert code == 0, text
    assert "Missing argument" not in text and "Created todo" in text, text
    assert answers_of(tmp_path / "todo")["project_name"] == "todo"


def test_create_without_a_terminal_or_name_is_a_usage_error(tmp_path: Path) -> None:
    done = console_script("create", cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "NAME" in done.stderr and list(tmp_path.iterdir()) == []


def test_create_without_uv_writes_the_project_and_one_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWBACKEND_NO_LOCK")
    monkeypatch.setattr("newbackend._lock.find_uv", lambda: None)
    result = invoke("create", "todo", "--yes", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "todo" / "uv.lock").exists()
    notices = [line for line in result.stderr.splitlines() if "uv.lock" in line]
    assert len(notices) == 1 and "uv is not installed" in notices[0], result.stderr
    assert "run `uv lock`" in notices[0]
