"""Start-up (issue 7): a warm run imports only what it needs, and builds only the command
it runs. No timings: these check the causes of slowness, not the clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tiplookup import cli

PROBE = """
import json, sys
sys.argv = ["tiplookup", *json.loads(sys.argv[1])]
from tiplookup.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _modules_after(args: list[str], home: Path) -> set[str]:
    env = dict(os.environ, TIPLOOKUP_HOME=str(home), TIPLOOKUP_CACHE=str(home / "cache"))
    env.pop("TIPLOOKUP_DIRECTORY", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    line = done.stderr.rsplit("MODULES ", 1)[-1]
    return set(json.loads(line))


@pytest.mark.parametrize(
    "args",
    [
        ["search", "shelter", "--province", "savannakhet"],
        ["refer", "--needs", "legal-aid,repatriation"],
        ["show", "sengsavang"],
    ],
    ids=["search", "refer", "show"],
)
def test_a_warm_piped_run_skips_toml_rich_and_hashing(args: list[str], tmp_path: Path) -> None:
    cold = _modules_after(args, tmp_path)
    assert "tomllib" in cold  # the first run parses the file…
    warm = _modules_after(args, tmp_path)
    assert "tiplookup.compiled" in warm
    # …later runs read the compiled cache; output to a pipe needs no rich.
    assert not {"tomllib", "hashlib", "rich", "rich.console"} & warm
    # Nor the loader and validator, nor the overlay code when there is no overlay.
    assert not {"tiplookup.directory", "tiplookup.overlay"} & warm


def test_show_by_id_needs_no_search_code(tmp_path: Path) -> None:
    _modules_after(["show", "sengsavang"], tmp_path)
    warm = _modules_after(["show", "sengsavang"], tmp_path)
    assert not {"tiplookup.search", "tiplookup.matching"} & warm
    by_name = _modules_after(["show", "Sengsavang"], tmp_path)
    assert "tiplookup.search" in by_name


def test_help_needs_no_directory(tmp_path: Path) -> None:
    modules = _modules_after(["--help"], tmp_path)
    assert not {"tomllib", "tiplookup.compiled", "rich"} & modules


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(cli.app, "registered_commands", list(cli.app.registered_commands))
    monkeypatch.setattr(cli.app, "registered_groups", list(cli.app.registered_groups))
    return [cli._command_name(c) for c in cli.app.registered_commands]


def test_a_command_group_is_built_alone(commands: list[str]) -> None:
    cli._only_the_command_asked_for(["overlay", "path"])
    assert cli.app.registered_commands == []
    assert [cli._group_name(g) for g in cli.app.registered_groups] == ["overlay"]


@pytest.mark.parametrize(
    ("argv", "built"),
    [
        (["search", "shelter"], ["search"]),
        (["--directory", "x.toml", "--no-overlay", "show", "refer"], ["show"]),
        (["--directory", "list", "refer"], ["refer"]),  # "list" is the option's value
        (["list"], ["list"]),
    ],
)
def test_only_the_command_asked_for_is_built(
    commands: list[str], argv: list[str], built: list[str]
) -> None:
    assert set(built) <= set(commands)
    cli._only_the_command_asked_for(argv)
    assert [cli._command_name(c) for c in cli.app.registered_commands] == built
    assert cli.app.registered_groups == []


@pytest.mark.parametrize(
    "argv", [[], ["--help"], ["--version"], ["serch", "x"], ["--directory=x.toml", "search"]]
)
def test_without_a_plain_command_every_command_is_built(
    commands: list[str], argv: list[str]
) -> None:
    groups = list(cli.app.registered_groups)
    cli._only_the_command_asked_for(argv)
    assert [cli._command_name(c) for c in cli.app.registered_commands] == commands
    assert cli.app.registered_groups == groups
