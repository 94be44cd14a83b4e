"""``tiplookup refer``: a referral plan for a survivor's needs."""

from __future__ import annotations

from typing import Annotated

import typer

from tiplookup.commands import state
from tiplookup.errors import ExitCode


def register(app: typer.Typer) -> None:
    @app.command()
    def refer(
        needs: Annotated[
            list[str] | None,
            typer.Option(
                "--needs",
                help="Needs, comma-separated: a slug, label or synonym "
                "(legal-aid,shelter or 'lawyer,go home').",
                show_default=False,
            ),
        ] = None,
        need: Annotated[
            list[str] | None,
            typer.Option("--need", help="One need; repeat for more.", show_default=False),
        ] = None,
        province: Annotated[
            str | None,
            typer.Option(
                "--province",
                "-p",
                help="Province where the survivor is (name, ISO code, capital or Lao).",
                show_default=False,
            ),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format",
                "-f",
                help="table | plain | json | md (a referral slip). "
                "Default: table on a terminal, plain when piped.",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Whom to call for a survivor's needs, in what order, and why. Nothing is stored."""
        from tiplookup import places, referral, render
        from tiplookup.render import plan as plan_render

        chosen = render.choose_format(fmt, plan_render.FORMATS)
        slugs = referral.resolve_needs([*(needs or []), *(need or [])])
        slug = places.resolve_province(province).slug if province is not None else None
        result = referral.plan(state.directory(), slugs, slug)
        plan_render.show(result, chosen)
        if result.kind == referral.NONE:
            raise typer.Exit(int(ExitCode.NOT_FOUND))
