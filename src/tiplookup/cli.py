"""The command line: parse arguments, make one core call, hand the result to render.

Commands live in ``tiplookup.commands``; this module builds the app, holds the
global options and turns TiplookupError into ``tiplookup: error: …`` and an exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

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

            render.error(exc.message, exc.hint)
            ctx.exit(int(exc.exit_code))
        except _ClickUsageError as exc:  # a bad option or value: one line, not a usage page
            where = ctx.command_path
            if exc.ctx is not None:
                where = exc.ctx.command_path
            elif ctx.invoked_subcommand:
                where = f"{where} {ctx.invoked_subcommand}"
            _usage_error(ctx, exc, where)

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        try:
            return super().parse_args(ctx, args)
        except _ClickUsageError as exc:  # a bad global option (tiplookup --bogus …)
            _usage_error(ctx, exc, ctx.command_path)


def _usage_error(ctx: Any, exc: Any, where: str) -> None:
    """One line on stderr and exit 2; a group run without its subcommand shows its help."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        raise exc
    from tiplookup import render

    message = str(exc.format_message()).rstrip(".")
    render.error(f"{message[:1].lower()}{message[1:]} (see '{where} --help')")
    ctx.exit(2)


# typer 0.28 vendors click and exports only this subclass of click's UsageError
_ClickUsageError: Any = typer.BadParameter.__mro__[1]


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


#: The commands module that defines each top-level command. ``main`` imports only the one
#: asked for, so a run does not pay for the others; an unknown word imports them all.
COMMAND_MODULES = {
    "search": "browse",
    "show": "browse",
    "list": "browse",
    "services": "browse",
    "provinces": "browse",
    "refer": "refer",
    "sheet": "sheet",
    "add": "local",
    "edit": "local",
    "hide": "local",
    "unhide": "local",
    "verify": "local",
    "overlay": "local",
    "export": "local",
    "validate": "validate",
}
_registered: list[str] = []


def register(command: str | None = None) -> typer.Typer:
    """Add the commands of the module defining ``command`` (all of them when None or
    unknown) to the app, once each, and return the app."""
    from importlib import import_module

    wanted = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else COMMAND_MODULES.values()
    for name in dict.fromkeys(wanted):
        if name not in _registered:
            import_module(f"tiplookup.commands.{name}").register(app)
            _registered.append(name)
    return app


def _command_word(argv: list[str]) -> str | None:
    """The command on the command line, after the global options; None for ``--help``."""
    i = 0
    while i < len(argv) and argv[i] in ("--directory", "--no-overlay"):
        i += 2 if argv[i] == "--directory" else 1
    return argv[i] if i < len(argv) else None


def main() -> None:
    """Console-script entry point."""
    try:
        register(_command_word(sys.argv[1:]))
        app()
    except BrokenPipeError:
        raise SystemExit(0) from None
