"""Docs that cannot rot: every command has help text and is described in docs/ or README."""

from __future__ import annotations

import typer.main

from tiplookup.cli import register

from conftest import REPO


def _commands() -> dict[str, str]:
    group = typer.main.get_group(register())
    out: dict[str, str] = {}
    for name, command in group.commands.items():
        out[name] = command.help or ""
        sub = getattr(command, "commands", {})
        out.update({f"{name} {n}": c.help or "" for n, c in sub.items()})
    return out


def test_every_command_has_help_and_is_documented() -> None:
    docs = (REPO / "README.md").read_text("utf-8") + "".join(
        p.read_text("utf-8") for p in sorted((REPO / "docs").glob("*.md"))
    )
    commands = _commands()
    assert {"search", "show", "refer", "sheet", "add", "validate", "export"} <= set(commands)
    for name, help_text in commands.items():
        assert help_text.strip(), f"'tiplookup {name}' has no help text"
        documented = f"tiplookup {name}" in docs or f"`{name}" in docs  # text or a table
        assert documented, f"'tiplookup {name}' is not in README.md or docs/"
