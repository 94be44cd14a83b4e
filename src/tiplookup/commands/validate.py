"""``tiplookup validate``: list every problem in a directory file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tiplookup.commands import state
from tiplookup.errors import ExitCode


def register(app: typer.Typer) -> None:
    @app.command()
    def validate(
        path: Annotated[
            Path | None,
            typer.Argument(
                help="Directory file to check (default: the one in use).", show_default=False
            ),
        ] = None,
    ) -> None:
        """Check a directory file and list every problem, with a count."""
        from tiplookup import directory as directory_module
        from tiplookup.render import validation

        file = path or state.directory_path()
        found, problems = directory_module.check(file)
        validation.report(str(file), found, problems)
        if problems:
            raise typer.Exit(int(ExitCode.BAD_DATA))
