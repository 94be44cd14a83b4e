"""``tiplookup refer``: a referral plan for a survivor's needs."""

from __future__ import annotations

from typing import Annotated

import typer

from tiplookup.commands import state
from tiplookup.errors import ExitCode, UsageError

DEFAULT_LIMIT = 20  # providers in each list unless --limit or --all says otherwise


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
        limit: Annotated[
            int | None,
            typer.Option(
                "--limit",
                "-n",
                help=f"List at most N providers in each list (default {DEFAULT_LIMIT}).",
                show_default=False,
            ),
        ] = None,
        all_: Annotated[
            bool, typer.Option("--all", "-a", help="List every provider in each list.")
        ] = False,
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
        if all_ and limit is not None:
            raise UsageError("give --limit or --all, not both")
        slugs = referral.resolve_needs([*(needs or []), *(need or [])])
        slug = places.resolve_province(province).slug if province is not None else None
        result = referral.plan(
            state.directory(),
            slugs,
            slug,
            index=state.search_index(),
            limit=None if all_ else DEFAULT_LIMIT if limit is None else limit,
        )
        plan_render.show(result, chosen)
        if result.kind == referral.NONE:
            raise typer.Exit(int(ExitCode.NOT_FOUND))
