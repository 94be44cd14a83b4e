"""``tiplookup sheet``: a contact sheet to print, import into a phone or open in a spreadsheet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tiplookup.commands import state

if TYPE_CHECKING:
    from tiplookup.sheets import Sheet


def register(app: typer.Typer) -> None:
    @app.command()
    def sheet(
        query: Annotated[
            str,
            typer.Argument(
                help="Words to search for, as in 'tiplookup search'.", show_default=False
            ),
        ] = "",
        province: Annotated[
            str | None,
            typer.Option("--province", "-p", help="Only organisations working in this province."),
        ] = None,
        service: Annotated[
            list[str] | None,
            typer.Option("--service", "-s", help="Only those offering it; repeat for more."),
        ] = None,
        needs: Annotated[
            list[str] | None,
            typer.Option(
                "--needs", help="The referral plan for these needs, comma-separated, as in refer."
            ),
        ] = None,
        ids: Annotated[
            list[str] | None,
            typer.Option("--id", help="Add this organisation by its exact id; repeat for more."),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format",
                "-f",
                help="text | md | html | pdf | csv | vcard | json. "
                "Default: from the -o extension, else text.",
                show_default=False,
            ),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Write to this file (atomically).", dir_okay=False),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="Overwrite the -o file if it exists.")
        ] = False,
        include_confidential: Annotated[
            bool,
            typer.Option(
                "--include-confidential",
                help="Print confidential addresses (such as shelters). Keep such a sheet private.",
            ),
        ] = False,
        group_by: Annotated[
            str, typer.Option("--group-by", help="Group by province or service.")
        ] = "province",
        title: Annotated[
            str, typer.Option("--title", help="Title printed at the top.", show_default=False)
        ] = "",
        vcard_version: Annotated[
            str, typer.Option("--vcard-version", help="vCard version: 3.0 or 4.0.")
        ] = "3.0",
    ) -> None:
        """Make a contact sheet (print, phone contacts, spreadsheet) of any selection."""
        from tiplookup import facts, places, render, sheets, userdata
        from tiplookup.errors import UsageError
        from tiplookup.referral import resolve_needs
        from tiplookup.taxonomy import resolve

        chosen = sheets.format_for(str(output) if output else None, fmt)
        if vcard_version not in ("3.0", "4.0"):
            raise UsageError(f"--vcard-version must be 3.0 or 4.0, not {vcard_version!r}")
        if output is None and chosen in sheets.BINARY_FORMATS and render.is_terminal():
            raise UsageError(
                f"not writing a {chosen.upper()} to the terminal", hint="use -o FILE or a pipe"
            )
        if output is not None:
            userdata.check_output(output, force=force)
        selection = sheets.Selection(
            query=query,
            province=places.resolve_province(province).slug if province is not None else None,
            services=tuple(dict.fromkeys(resolve(s).slug for s in service or [])),
            needs=resolve_needs(needs) if needs else (),
            ids=tuple(ids or []),
        )
        directory = state.directory()
        on = facts.today()
        model = sheets.build(
            directory,
            sheets.select(directory, selection, today=on, index=state.search_index()),
            selection,
            title=title,
            group_by=group_by,
            include_confidential=include_confidential,
            today=on,
        )
        data = _render(model, chosen, vcard_version)
        if output is None:
            _stdout(data)
        else:
            userdata.write_output(output, data, force=force)
            typer.echo(f"wrote {len(model.entries)} organisation(s) to {output}", err=True)


def _render(model: Sheet, chosen: str, vcard_version: str) -> bytes:
    from importlib import import_module

    module = import_module(f"tiplookup.render.sheet_{chosen}")
    args = (model, vcard_version) if chosen == "vcard" else (model,)
    result = module.render(*args)
    return result if isinstance(result, bytes) else str(result).encode("utf-8")


def _stdout(data: bytes) -> None:
    """Bytes as they are: a BOM, CRLF line ends and PDF survive any locale."""
    stream = sys.stdout
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(data.decode("utf-8"))
    else:
        buffer.write(data)
        buffer.flush()
