"""Shared fixtures: the user directory moves to a temporary folder for every test,
the terminal has a fixed width, and ``run`` drives the CLI as a user would."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiplookup.cli import register

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("tiplookup-home")
    monkeypatch.setenv("TIPLOOKUP_HOME", str(home))
    monkeypatch.setenv("TIPLOOKUP_CACHE", str(home / "cache"))
    monkeypatch.delenv("TIPLOOKUP_DIRECTORY", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    yield home


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"Result(exit={self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Run ``tiplookup ARGS…`` in-process; stdout and stderr are kept apart."""

    def _run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        result = runner.invoke(register(), list(args), input=input, env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return _run


@pytest.fixture
def write_directory(tmp_path: Path) -> Callable[[str], Path]:
    """Write a directory file from TOML text and return its path."""

    def _write(text: str, name: str = "directory.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("HYPOTHESIS_PROFILE", "default")
    # Test modules run code at collection, before the fixture above: keep the caches that
    # code writes (tiplookup.compiled) out of the real user's cache folder.
    import tempfile

    os.environ["TIPLOOKUP_CACHE"] = tempfile.mkdtemp(prefix="tiplookup-test-cache-")
