"""The command line: parse arguments, make one core call, hand the result to render.

Commands live in ``tiplookup.commands``; this module builds the app, holds the
global options and turns TiplookupError into ``tiplookup: error: …`` and an exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from tiplookup import __version__
from tiplookup.commands import state
from tiplookup.errors import TiplookupError


class _Group(TyperGroup):
    """Catches our error family once: one line on stderr and the error's exit code."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except TiplookupError as exc:
            from tiplookup import render

            render.error(exc.message + (f" ({exc.hint})" if exc.hint else ""))
            ctx.exit(int(exc.exit_code))


app = typer.Typer(
    cls=_Group,
    name="tiplookup",
    help="Offline lookup and referral over the Lao PDR anti-trafficking directory.",
    no_args_is_help=True,
    add_completion=False,
    # A traceback must never show local variables: a query can describe a victim.
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tiplookup {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--directory",
            envvar="TIPLOOKUP_DIRECTORY",
            help="Use this directory file instead of the bundled one (also $TIPLOOKUP_DIRECTORY).",
            show_default=False,
        ),
    ] = None,
    no_overlay: Annotated[
        bool,
        typer.Option(
            "--no-overlay",
            help="Ignore your local additions, corrections and hidden entries (tiplookup overlay).",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Find the right organisation for a trafficking survivor's needs, offline."""
    state.configure(directory=directory, no_overlay=no_overlay)


def _register() -> None:
    from tiplookup.commands import browse, local, refer, sheet, validate

    validate.register(app)
    local.register(app)
    browse.register(app)
    refer.register(app)
    sheet.register(app)


_register()


def _only_the_command_asked_for(argv: list[str]) -> None:
    """Build just the command on the command line: Typer builds every registered command
    (about 1 ms each) before it runs one. Without a command (``--help``), build them all."""
    i = 0
    while i < len(argv) and argv[i] in ("--directory", "--no-overlay"):
        i += 2 if argv[i] == "--directory" else 1
    if i == len(argv):
        return
    named = [c for c in app.registered_commands if _command_name(c) == argv[i]]
    groups = [g for g in app.registered_groups if _group_name(g) == argv[i]]  # "overlay"
    if named or groups:
        app.registered_commands[:] = named
        app.registered_groups[:] = groups


def _group_name(info: typer.models.TyperInfo) -> str | None:
    inner = info.typer_instance.info.name if info.typer_instance else None
    return info.name or inner


def _command_name(info: typer.models.CommandInfo) -> str:
    callback = info.callback.__name__ if info.callback else ""
    return info.name or callback.lower().replace("_", "-")


def main() -> None:
    """Console-script entry point."""
    try:
        _only_the_command_asked_for(sys.argv[1:])
        app()
    except BrokenPipeError:
        raise SystemExit(0) from None
