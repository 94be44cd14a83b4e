"""Start-up (issue 7): a warm run imports only what it needs, and builds only the command
it runs. No timings: these check the causes of slowness, not the clock."""

from __future__ import annotations

import importlib
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


def test_a_run_imports_only_the_commands_module_it_needs(tmp_path: Path) -> None:
    modules = _modules_after(["search", "shelter"], tmp_path)
    assert "tiplookup.commands.browse" in modules
    assert not {"tiplookup.commands.local", "tiplookup.commands.sheet"} & modules
    overlay = _modules_after(["--no-overlay", "overlay", "path"], tmp_path)
    assert "tiplookup.commands.local" in overlay
    assert "tiplookup.commands.browse" not in overlay


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["search", "shelter"], "search"),
        (["--directory", "x.toml", "--no-overlay", "show", "refer"], "show"),
        (["--directory", "list", "refer"], "refer"),  # "list" is the option's value
        (["--help"], "--help"),
        ([], None),
    ],
)
def test_the_command_word_follows_the_global_options(argv: list[str], word: str | None) -> None:
    assert cli._command_word(argv) == word


def test_every_command_is_found_in_the_module_the_table_names() -> None:
    """A command missing from COMMAND_MODULES would still run (all modules load), only
    slower; a wrong entry would make it unreachable. Check the table against the modules."""
    import typer.main
    from typer.testing import CliRunner

    commands = typer.main.get_group(cli.register()).commands
    assert set(commands) == set(cli.COMMAND_MODULES)
    for name, module in cli.COMMAND_MODULES.items():
        app = typer.Typer()
        importlib.import_module(f"tiplookup.commands.{module}").register(app)
        assert name in typer.main.get_group(app).commands or name in {
            g.name or (g.typer_instance.info.name if g.typer_instance else None)
            for g in app.registered_groups
        }, (name, module)
        assert CliRunner().invoke(cli.register(), [name, "--help"]).exit_code == 0


def test_a_referral_needs_no_word_matching(tmp_path: Path) -> None:
    _modules_after(["refer", "--needs", "shelter"], tmp_path)
    warm = _modules_after(["refer", "--needs", "legal-aid,repatriation"], tmp_path)
    assert "tiplookup.searchindex" in warm  # it reads the index's sets…
    assert not {"tiplookup.search", "tiplookup.matching", "rapidfuzz"} & warm  # …not its words
