"""``search``, ``show``, ``list``, ``services`` and ``provinces``: find and read organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tiplookup import facts, places
from tiplookup.commands import state
from tiplookup.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from tiplookup.model import Directory, Organization
    from tiplookup.search import SearchResult

DEFAULT_LIMIT = 20  # search results shown unless --limit or --all says otherwise
_FORMAT_HELP = "table, plain or json (default: table on a terminal, plain when piped)."


def _format(value: str | None, choices: tuple[str, ...]) -> str:
    from tiplookup import render

    return render.choose_format(value, choices)


def _province(text: str | None) -> str | None:
    return places.resolve_province(text).slug if text is not None else None


def _print_json(data: object) -> None:
    import json

    from tiplookup.render import out

    out(json.dumps(data, ensure_ascii=False, indent=2))


def register(app: typer.Typer) -> None:
    app.command()(search)
    app.command()(show)
    app.command("list")(list_)
    app.command()(services)
    app.command()(provinces)


Province = Annotated[
    str | None,
    typer.Option(
        "--province",
        "-p",
        help="Only organisations based in or serving this province (any spelling, ISO code "
        "or Lao script), and national ones.",
        show_default=False,
    ),
]
Service = Annotated[
    list[str] | None,
    typer.Option(
        "--service",
        "-s",
        help="Only organisations offering this service (repeatable).",
        show_default=False,
    ),
]
Kind = Annotated[
    str | None,
    typer.Option(
        "--kind", "-k", help="Only this kind of organisation, e.g. ngo.", show_default=False
    ),
]
Format = Annotated[
    str | None, typer.Option("--format", "-f", help=_FORMAT_HELP, show_default=False)
]


def search(
    query: Annotated[
        list[str] | None,
        typer.Argument(
            help="Words to look for: a name, acronym, service or need.", show_default=False
        ),
    ] = None,
    province: Province = None,
    service: Service = None,
    kind: Kind = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            help=f"Show at most N organisations (default {DEFAULT_LIMIT}).",
            show_default=False,
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", "-a", help="Show every organisation found.")
    ] = False,
    format: Format = None,
) -> None:
    """Find organisations by name, acronym, service or need, best first, saying why."""
    from tiplookup import search as search_module
    from tiplookup.render import cards, out

    text = " ".join(query or [])
    fmt = _format(format, ("table", "plain", "json"))
    if all_ and limit is not None:
        raise UsageError("give --limit or --all, not both")
    on = facts.today()
    result = search_module.search(
        state.directory(),
        text,
        province=_province(province),
        services=service or (),
        kind=kind,
        limit=None if all_ else DEFAULT_LIMIT if limit is None else limit,
        today=on,
        index=state.search_index(),
    )
    if fmt == "json":
        _print_json(cards.search_json(result, on))
    if not result.hits:
        raise _nothing_found(result)
    if fmt == "table":
        cards.print_hits(result)
    elif fmt == "plain":
        out(cards.hits_plain(result))


def _nothing_found(result: SearchResult) -> NotFoundError:
    what = f"matches {result.query.strip()!r}" if result.query.strip() else "passes these filters"
    where = f" in {places.province_name(result.province)}" if result.province else ""
    close = f"; closest names: {', '.join(result.suggestions)}" if result.suggestions else ""
    hint = "; ".join(result.hints) or None
    return NotFoundError(f"no organisation {what}{where}{close}", hint=hint)


def show(
    id_or_name: Annotated[
        list[str], typer.Argument(help="An organisation's id, name or acronym.", show_default=False)
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="card, plain or json (default: card on a terminal, plain when piped).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Everything known about one organisation: names, services, phones, area, sources."""
    from tiplookup.render import cards, out

    fmt = _format(format, ("card", "plain", "json"))
    directory = state.directory()
    text = " ".join(id_or_name)
    hidden = _hidden_named(text)
    if hidden is not None:  # never answer with another organisation that mentions it
        where = "" if hidden == text.strip() else f" ({hidden})"
        raise NotFoundError(
            f"{text.strip()!r}{where} is hidden by your overlay",
            hint=f"to show it again: tiplookup unhide {hidden}",
        )
    org = directory.get(text.strip()) or _find_one(directory, text)  # an id needs no search
    on = facts.today()
    if fmt == "json":
        _print_json(cards.organization_json(org, on))
    elif fmt == "card":
        cards.print_card(org, on, directory)
    else:
        out(cards.org_plain(org, on, directory=directory))


def _hidden_named(text: str) -> str | None:
    """The id of the hidden organisation whose id, name or acronym ``text`` is, if any."""
    hidden = state.hidden_ids()
    if not hidden:
        return None
    if text.strip() in hidden:
        return text.strip()
    from tiplookup.search import names_of

    base = state.base_directory()
    return next((i for i in sorted(hidden) if (o := base.get(i)) and names_of(o, text)), None)


def _find_one(directory: Directory, text: str) -> Organization:
    from tiplookup.search import find_one

    return find_one(directory, text, index=state.search_index())


def list_(
    province: Province = None, service: Service = None, kind: Kind = None, format: Format = None
) -> None:
    """Every organisation in the directory, one line each (filters as for search)."""
    from tiplookup import search as search_module
    from tiplookup.render import lists, out
    from tiplookup.taxonomy import fold

    fmt = _format(format, ("table", "plain", "json"))
    on = facts.today()
    result = search_module.search(
        state.directory(),
        "",
        province=_province(province),
        services=service or (),
        kind=kind,
        today=on,
        index=state.search_index(),
    )
    orgs = sorted((h.org for h in result.hits), key=lambda o: (fold(o.name), o.id))
    if fmt == "json":
        _print_json(lists.list_json(orgs, on))
    if not orgs:
        raise _nothing_found(result)
    headers = ["id", "name", "kind", "based in", "service area", "status"]
    if fmt == "table":
        lists.print_table(headers, lists.org_rows(orgs, on), title=f"{len(orgs)} organisations")
    elif fmt == "plain":
        out(lists.tab_separated(lists.org_rows(orgs, on)))


def services(format: Format = None) -> None:
    """The services vocabulary: slugs, labels, synonyms and how many organisations offer each."""
    from tiplookup.render import lists, out

    fmt = _format(format, ("table", "plain", "json"))
    counts = state.search_index().service_counts()
    if fmt == "json":
        _print_json(lists.services_json(counts))
    elif fmt == "table":
        lists.print_services(counts)
    else:
        out(lists.services_plain(counts))


def provinces(format: Format = None) -> None:
    """Provinces: slug, ISO code, names, organisations based there and serving them."""
    from tiplookup.render import lists, out

    fmt = _format(format, ("table", "plain", "json"))
    rows = lists.province_rows(state.search_index().province_counts)
    if fmt == "json":
        _print_json(lists.provinces_json(rows))
    elif fmt == "table":
        headers = ["slug", "ISO", "English", "Lao", "based", "serving"]
        lists.print_table(headers, rows, title="Provinces of Lao PDR")
    else:
        out(lists.tab_separated(rows))
