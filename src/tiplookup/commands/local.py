"""``tiplookup add | edit | hide | unhide | verify``: local additions and corrections.

Every change goes through :func:`tiplookup.overlay.update`: locked, validated against
the directory in use, written atomically, previous version kept as ``.bak``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from tiplookup.commands import local_files, state
from tiplookup.errors import UsageError
from tiplookup.model import Directory

#: The fields 'edit --set' understands (edits.SETTABLE; kept here so --help stays fast).
SETTABLE_HELP = (
    "name, description, notes, kind, parent, alternate_names, services, phones, emails, "
    "website, address, province, confidential, area, start, end"
)


def register(app: typer.Typer) -> None:
    app.command()(add)
    app.command()(edit)
    app.command()(hide)
    app.command()(unhide)
    app.command()(verify)
    local_files.register(app)


def add(
    name: Annotated[str | None, typer.Option(help="Name of the organisation.")] = None,
    org_id: Annotated[
        str | None, typer.Option("--id", help="Id (default: made from the name).")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="ngo, government, … (default: ngo).")] = None,
    service: Annotated[
        list[str] | None, typer.Option(help="A service it offers (repeat, or a,b,c).")
    ] = None,
    province: Annotated[str | None, typer.Option(help="Province it is based in.")] = None,
    address: Annotated[str | None, typer.Option(help="Address, as written.")] = None,
    phone: Annotated[
        list[str] | None, typer.Option(help="Phone number(s) as written (repeat).")
    ] = None,
    email: Annotated[list[str] | None, typer.Option(help="Email address (repeat).")] = None,
    description: Annotated[str | None, typer.Option(help="What it does.")] = None,
    area: Annotated[
        str | None,
        typer.Option(help="national | unspecified | provinces:<p1,p2> (default: unspecified)."),
    ] = None,
    confidential: Annotated[
        bool, typer.Option(help="Keep the address off printed sheets (e.g. a shelter).")
    ] = False,
    ask: Annotated[
        bool, typer.Option("--ask", "-i", help="Ask for each field (the default on a terminal).")
    ] = False,
) -> None:
    """Add an organisation to your local overlay (new shelter, new programme…)."""
    from tiplookup import edits, overlay, render, taxonomy, userdata
    from tiplookup.commands import local_prompt

    base = state.base_directory()
    if name is None and (ask or render.is_terminal(_stdin())):
        table = local_prompt.ask_new_entry(lambda i: _taken(base, i))
    elif name is None:
        raise UsageError(
            "--name is required", hint="or run 'tiplookup add' on a terminal to be asked"
        )
    else:
        new_id = edits.check_id(org_id or edits.slug(name))
        table = new_entry(
            org_id=new_id,
            name=name,
            kind=edits.kind(kind or "ngo"),
            services=edits.services(service or []),
            location=edits.location(address, province, confidential=confidential),
            phones=[t for text in phone or [] for t in edits.phone_tables(text)],
            emails=edits.emails(email or []),
            description=description or "",
            area=edits.area(area) if area else None,
        )

    def change(doc: dict[str, Any]) -> None:
        taken = _taken(base, table["id"], doc)
        if taken:
            raise UsageError(
                f"id {table['id']!r} is already used by {taken!r}",
                hint="choose another with --id",
            )
        overlay.add(doc, table)

    _, merged = overlay.update(userdata.overlay_path(), base, change)
    org = merged.directory.get(table["id"])
    for text in edits.invalid_phones(table.get("phones", [])):
        render.warn(f"phone {text!r} is not a valid Lao number; kept as written, marked invalid")
    render.out(f"Added {_label(org.name if org else table['name'], table['id'])}.")
    if org is not None and org.services:
        render.out("Services: " + ", ".join(taxonomy.get(s).label for s in org.services))
    render.out(f"Saved in {userdata.overlay_path()}. See it with: tiplookup show {table['id']}")


def new_entry(
    *,
    org_id: str,
    name: str,
    kind: str,
    services: list[str],
    location: dict[str, Any] | None,
    phones: list[dict[str, Any]],
    emails: list[str],
    description: str,
    area: dict[str, Any] | None,
) -> dict[str, Any]:
    """A complete entry table for a local addition; it cites the 'local' source."""
    from tiplookup import overlay

    table: dict[str, Any] = {
        "id": org_id,
        "name": name.strip(),
        "kind": kind,
        "description": description.strip(),
        "services": services,
        "emails": emails,
        "sources": [overlay.LOCAL_SOURCE],
        "location": location,
        "service_area": area,
        "phones": phones,
    }
    return {k: v for k, v in table.items() if v or k == "services"}


def _taken(base: Directory, org_id: str, doc: dict[str, Any] | None = None) -> str | None:
    """The name already using ``org_id``, if any (bundled, local, or hidden)."""
    from tiplookup import overlay

    org = base.get(org_id)
    if org is not None:
        return org.name
    local = overlay.find(doc, org_id) if doc is not None else _current_overlay_entry(org_id)
    return str(local.get("name", org_id)) if local else None


def _current_overlay_entry(org_id: str) -> dict[str, Any] | None:
    from tiplookup import overlay, userdata

    current = overlay.read(userdata.overlay_path())
    return current.entry(org_id) if current else None


def edit(
    org_id: Annotated[str, typer.Argument(metavar="ID", help="Id of the entry to change.")],
    assignments: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            help="Change a field (repeat). Lists take FIELD+=VALUE to append. "
            f"Fields: {SETTABLE_HELP}.",
        ),
    ] = None,
    reset: Annotated[
        list[str] | None,
        typer.Option(metavar="FIELD", help="Drop your local value of FIELD ('all': every field)."),
    ] = None,
    editor: Annotated[
        bool, typer.Option("--editor", help="Edit the whole entry as TOML in $EDITOR.")
    ] = False,
) -> None:
    """Correct an entry: your values override the directory's, field by field."""
    from tiplookup import render
    from tiplookup.commands import local_prompt

    base = state.base_directory()
    if editor:
        with local_prompt.edit_in_editor(base, org_id, _current(base, org_id)) as changes:
            if changes is None:
                render.out("No changes.")
                return
            _save(base, org_id, changes, [], reset or [])  # a refusal keeps the edited text
        return
    if not assignments and not reset:
        raise UsageError("nothing to change", hint="give --set FIELD=VALUE, --reset or --editor")
    _save(base, org_id, {}, assignments or [], reset or [])


def _save(
    base: Directory,
    org_id: str,
    changes: dict[str, Any],
    assignments: list[str],
    reset: list[str],
) -> None:
    """Apply an edit to the overlay (locked), then say what changed."""
    from tiplookup import edits, overlay, render, userdata

    def change(doc: dict[str, Any]) -> list[str]:
        bundled = _bundled(base, org_id)
        entry = overlay.find(doc, org_id)
        if bundled is None and entry is None:
            raise _unknown_id(base, org_id)
        current = {**(bundled or {}), **(entry or {})}
        todo = dict(changes) or edits.apply(current, assignments)
        for field in reset:
            todo.update(_reset(field, bundled, entry))
        overlay.set_fields(doc, org_id, todo, bundled)
        return sorted(todo)

    fields, merged = overlay.update(userdata.overlay_path(), base, change)
    org = merged.directory.get(org_id)
    done = ", ".join(fields or list(changes)) or "nothing"
    render.out(f"Updated {_label(org.name if org else org_id, org_id)}: {done}.")
    if org is not None and org.local_fields and org.origin != "overlay":
        render.out(f"Local values now: {', '.join(org.local_fields)}.")
    for text in edits.invalid_phones([p for a in assignments for p in _phones_in(a)]):
        render.warn(f"phone {text!r} is not a valid Lao number; kept as written, marked invalid")


def _phones_in(assignment: str) -> list[dict[str, Any]]:
    from tiplookup import edits

    field, value, _ = edits.parse_assignment(assignment)
    return edits.phone_tables(value) if field == "phones" and value else []


def _reset(
    field: str, bundled: dict[str, Any] | None, entry: dict[str, Any] | None
) -> dict[str, Any]:
    from tiplookup import edits, tables

    if bundled is None:
        raise UsageError(
            "this entry was added locally, so it has no directory value to go back to",
            hint="change it with --set, or hide it",
        )
    if field == "all":
        return {k: None for k in (entry or {}) if k != "id"}
    key = edits.SETTABLE.get(field, field)
    if key not in tables.FIELD_ORDER or key == "id":
        raise UsageError(f"cannot reset {field!r}", hint=f"fields: {', '.join(edits.SETTABLE)}")
    return {key: None}


def _bundled(base: Directory, org_id: str) -> dict[str, Any] | None:
    from tiplookup import tables

    org = base.get(org_id)
    return tables.organization(org) if org else None


def _current(base: Directory, org_id: str) -> dict[str, Any]:
    bundled = _bundled(base, org_id)
    entry = _current_overlay_entry(org_id)
    if bundled is None and entry is None:
        raise _unknown_id(base, org_id)
    return {**(bundled or {}), **(entry or {})}


def _unknown_id(base: Directory, org_id: str) -> UsageError:
    import difflib

    from tiplookup import overlay, userdata

    current = overlay.read(userdata.overlay_path())
    ids = [o.id for o in base.organizations] + [
        str(e["id"]) for e in (current.entries if current else ())
    ]
    from tiplookup.search import names_of

    named = [o.id for o in base.organizations if names_of(o, org_id)]  # "lwu" → its id
    close = named[:1] or difflib.get_close_matches(org_id, ids, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "run 'tiplookup list' for the ids"
    return UsageError(f"no entry with id {org_id!r}", hint=hint)


def hide(
    org_id: Annotated[str, typer.Argument(metavar="ID", help="Id of the entry to hide.")],
) -> None:
    """Hide an entry (closed programme, wrong entry) from every result. Undo with unhide."""
    from tiplookup import overlay, render, userdata

    base = state.base_directory()
    name = _current(base, org_id).get("name", org_id)
    changed, _ = overlay.update(userdata.overlay_path(), base, lambda d: overlay.hide(d, org_id))
    if not changed:
        render.out(f"{_label(name, org_id)} was already hidden.")
        return
    render.out(f"Hidden {_label(name, org_id)}: it no longer appears in any result.")
    render.out(f"To bring it back: tiplookup unhide {org_id}")


def unhide(
    org_id: Annotated[str, typer.Argument(metavar="ID", help="Id of a hidden entry.")],
) -> None:
    """Show a hidden entry again."""
    from tiplookup import overlay, render, userdata

    base = state.base_directory()
    changed, merged = overlay.update(
        userdata.overlay_path(), base, lambda d: overlay.unhide(d, org_id)
    )
    if not changed:
        raise UsageError(f"{org_id!r} is not hidden", hint="'tiplookup overlay diff' lists them")
    org = merged.directory.get(org_id)
    render.out(f"{_label(org.name if org else org_id, org_id)} is shown again.")


def verify(
    org_id: Annotated[str, typer.Argument(metavar="ID", help="Id of the entry you checked.")],
    date: Annotated[
        str | None, typer.Option(help="When you checked it, YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Record that you checked an entry's details (phone answered, address right) today."""
    from tiplookup import overlay, render, userdata

    when = _date(date)
    base = state.base_directory()
    name = _current(base, org_id).get("name", org_id)  # a clear error for an unknown id
    overlay.update(
        userdata.overlay_path(),
        base,
        lambda d: overlay.set_fields(d, org_id, {"last_verified": when}, _bundled(base, org_id)),
    )
    render.out(f"Recorded: {_label(name, org_id)} last verified {when.isoformat()}.")


def _date(text: str | None) -> dt.date:
    from tiplookup import facts

    today = facts.today()
    if text is None:
        return today
    try:
        when = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"cannot read date {text!r}; write it like 2026-01-31") from None
    if when > today:
        raise UsageError(f"{when.isoformat()} is in the future (today is {today.isoformat()})")
    return when


def _label(name: str, org_id: str) -> str:
    from tiplookup.text import one_line

    return f"{one_line(name)} ({org_id})"


def _stdin() -> Any:
    import sys

    return sys.stdin
