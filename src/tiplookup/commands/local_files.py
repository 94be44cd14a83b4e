"""``tiplookup overlay path|show|diff|export|import`` and ``tiplookup export``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tiplookup.commands import state
from tiplookup.errors import UsageError

if TYPE_CHECKING:
    from tiplookup.overlay import Overlay


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        name="overlay",
        help="Your local overlay: where it is, what it changes, sharing it with colleagues.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    group.command("path")(path)
    group.command("show")(show)
    group.command("diff")(diff)
    group.command("export")(export_overlay)
    group.command("import")(import_overlay)
    app.add_typer(group)
    app.command("export")(export)


def path() -> None:
    """Print where your overlay file is (it may not exist yet)."""
    from tiplookup import render, userdata

    file = userdata.overlay_path()
    render.out(str(file))
    if not file.exists():
        render.warn("no overlay yet; 'tiplookup add', 'edit', 'hide' or 'verify' create it")


def show() -> None:
    """Print your overlay file as it is on disk."""
    from tiplookup import overlay, render, userdata
    from tiplookup.text import clean

    file = userdata.overlay_path()
    data = overlay.read_bytes(file)
    if data is None:
        render.warn(f"no overlay yet at {file}")
        return
    render.out(clean(data.decode("utf-8", errors="replace")))
    overlay.merge(state.base_directory(), overlay.parse_bytes(data, str(file)))  # report damage


def diff() -> None:
    """Compare your overlay with the directory in use, field by field."""
    from tiplookup import overlay, render, userdata
    from tiplookup.render import local as local_render

    current = overlay.read(userdata.overlay_path())
    changes = list(overlay.diff(state.base_directory(), current))
    if not changes:
        render.warn("your overlay changes nothing")
        return
    render.out(local_render.diff_text(changes))


def export_overlay(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Write your overlay out, to share it with colleagues ('overlay import' reads it)."""
    from tiplookup import overlay, render, userdata

    file = userdata.overlay_path()
    current = overlay.read(file)
    if current is None:
        raise UsageError(f"no overlay yet at {file}; nothing to export")
    data = overlay.dump(overlay.to_document(current))
    if output is None:
        render.out(data.decode("utf-8"))
        return
    userdata.write_output(output, data, force=force, mode=0o600)  # may hold confidential facts
    local_note(f"Wrote your overlay to {output}")


def import_overlay(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="An overlay a colleague shared.")],
) -> None:
    """Merge a colleague's overlay into yours. Their values win; yours are kept in .bak."""
    from tiplookup import overlay, render, userdata
    from tiplookup.render import local as local_render

    base = state.base_directory()
    try:
        theirs = overlay.read(file)
        if theirs is None:
            raise UsageError(f"{file}: no such file")
        overlay.merge(base, theirs)  # report their problems with their file name
    except overlay.Damaged as exc:
        exc.hint = "nothing was imported; your overlay is unchanged"
        raise
    summary, _ = overlay.update(
        userdata.overlay_path(), base, lambda doc: _import(doc, theirs, base)
    )
    render.out(local_render.import_text(str(file), summary))


def _import(doc: dict[str, Any], theirs: Overlay, base: Any) -> list[str]:
    from tiplookup import overlay, tables

    notes: list[str] = []
    for key, text in theirs.citations.items():
        sources = doc.setdefault("sources", {})
        if sources.setdefault(key, text) != text:
            notes.append(f"kept your citation {key!r} (theirs differs)")
    for entry in theirs.entries:
        org_id = entry["id"]
        original = base.get(org_id)
        mine = overlay.find(doc, org_id)
        if original is None and mine is not None and "name" in entry:
            overlay.entries(doc).remove(mine)  # their whole local entry replaces mine
            mine = None
        bundled = tables.organization(original) if original else None
        replaced = [k for k in entry if k != "id" and mine and k in mine and mine[k] != entry[k]]
        changes = {k: v for k, v in entry.items() if k != "id"}
        overlay.set_fields(doc, org_id, changes, bundled)
        verb = "added" if original is None else "corrected"
        notes.append(
            f"{verb} {org_id}" + (f" (replaced your {', '.join(replaced)})" if replaced else "")
        )
    for org_id in theirs.hidden:
        if overlay.hide(doc, org_id):
            notes.append(f"hid {org_id}")
    return notes


def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="toml (directory file), json, or hsds.")
    ] = "toml",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Export the directory in use (with your overlay) as TOML, JSON or Open Referral HSDS."""
    from tiplookup import export as export_module
    from tiplookup import render, userdata

    render.choose_format(fmt, export_module.FORMATS)
    directory = state.directory()
    text = export_module.render(directory, fmt)
    if output is None:
        render.out(text)
        return
    userdata.write_output(output, text.encode("utf-8"), force=force, mode=0o600)
    local_note(f"Wrote {len(directory)} organisations as {fmt} to {output}")


def local_note(message: str) -> None:
    from tiplookup.render import local as local_render

    local_render.note(message)
