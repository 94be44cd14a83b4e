"""Output of ``tiplookup refer``: a table on a terminal, plain text, JSON, or a Markdown slip.

Every format says the same things in the same words. Directory strings are data: they are
cleaned of control characters here, and escaped for Markdown in the slip.
"""

from __future__ import annotations

import re
from typing import Any

from tiplookup import places, taxonomy
from tiplookup.referral import COMBINATION, NONE, Gap, Plan, Suggestion
from tiplookup.render import console, out
from tiplookup.text import one_line

SCHEMA = "tiplookup.refer/1"
FORMATS = ("table", "plain", "json", "md")


def show(plan: Plan, fmt: str) -> None:
    if fmt == "table":
        table(plan)
    elif fmt == "json":
        out(json_text(plan))
    elif fmt == "md":
        out(markdown(plan))
    else:
        out(plain(plan))


# -- shared wording ---------------------------------------------------------------------


def need_label(slug: str) -> str:
    return taxonomy.get(slug).label


def province_label(plan: Plan) -> str:
    return places.province_name(plan.province) if plan.province else "any (none given)"


def heading(plan: Plan) -> str:
    """What the suggested list is, in one sentence (two when ended programmes are in it)."""
    return _what(plan) + _ended_note(plan)


def _what(plan: Plan) -> str:
    n = len(plan.suggested) + plan.more_suggested
    where = f" in {places.province_name(plan.province)}" if plan.province else ""
    if plan.kind == NONE:
        return f"No provider{where} covers any of these needs; see the gaps below."
    if plan.kind == COMBINATION:
        return (
            f"No single provider{where} covers every need. Smallest combination: "
            f"{n} providers, nearest first; call each for the needs listed."
        )
    see_gaps = " (see the gaps below for the rest)" if plan.gaps else ""
    if len(plan.covered) == 1:
        offers = f"offer{'s' if n == 1 else ''} {need_label(plan.covered[0])}{see_gaps}"
        return (
            f"One provider{where} {offers}."
            if n == 1
            else f"{n:,} providers{where} {offers}; best first."
        )
    every = "every need"
    if plan.gaps:
        every += f" that can be met{' there' if plan.province else ''} (see the gaps below)"
    if n == 1:
        return f"One provider{where} covers {every}."
    return f"Each of these {n:,} providers{where} covers, on its own, {every}; best first."


def _ended_note(plan: Plan) -> str:
    ended = sum(s.ended for s in plan.suggested)
    if ended and ended == len(plan.suggested):
        return (
            " Only an ended programme offers this: call to check whether anyone continues the work."
        )
    if ended and plan.kind == COMBINATION:
        return " The ended programme in it is there because nothing active offers what it covers."
    return ""


def gap_text(plan: Plan, gap: Gap) -> str:
    label = need_label(gap.need)
    if plan.province is None:
        return f"{label}: no provider in the directory offers it."
    where = places.province_name(plan.province)
    if not gap.elsewhere:
        return f"{label}: no provider covers it in {where}, and none offers it elsewhere."
    return f"{label}: no provider covers it in {where}. It is offered elsewhere by:"


def _phone(s: Suggestion) -> str:
    return f"{s.phone} ({s.phone_note})" if s.phone_note else s.phone or ""


def contact_text(s: Suggestion) -> str:
    parts = [f"phone {_phone(s)}" if s.phone else "", f"email {s.email}" if s.email else ""]
    return one_line("; ".join(p for p in parts if p) or "no phone or email in the directory")


def covers_text(s: Suggestion) -> str:
    return ", ".join(need_label(n) for n in s.covers)


OTHERS = "Other providers, by need (best first):"
NO_OTHERS = " none besides those above"


def others(plan: Plan) -> list[tuple[str, tuple[Suggestion, ...]]]:
    """For each need, the providers that offer it and are not already suggested above."""
    shown = {s.org.id for s in plan.suggested}
    return [
        (need, tuple(s for s in providers if s.org.id not in shown))
        for need, providers in plan.alternatives
    ]


def flag(s: Suggestion) -> str:
    return "ENDED PROGRAMME: " if s.ended else ""


def more_text(count: int) -> str:
    """The line under a list that the limit cut short ("" when it did not)."""
    return f"… and {count:,} more (--all lists every one, --limit N the first N)" if count else ""


def more_for(plan: Plan, need: str) -> int:
    return dict(plan.more_alternatives).get(need, 0)


# -- plain text -------------------------------------------------------------------------


def plain(plan: Plan) -> str:
    lines = [
        f"Referral plan, {plan.date.isoformat()}",
        f"Needs: {', '.join(need_label(n) for n in plan.needs)}",
        f"Province: {province_label(plan)}",
        "",
        heading(plan),
    ]
    for i, s in enumerate(plan.suggested, 1):
        lines += _plain_suggestion(i, s)
    lines += [more] if (more := more_text(plan.more_suggested)) else []
    if plan.alternatives:
        lines += ["", OTHERS]
        for need, providers in others(plan):
            lines.append(f"  {need_label(need)}:{'' if providers else NO_OTHERS}")
            lines += [f"    - {_plain_line(s)}" for s in providers]
            lines += [f"    {more}"] if (more := more_text(more_for(plan, need))) else []
    if plan.gaps:
        lines += ["", "Gaps:"]
        for gap in plan.gaps:
            lines.append(f"  {gap_text(plan, gap)}")
            lines += [f"    - {_plain_line(s)}" for s in gap.elsewhere]
            lines += [f"    {more}"] if (more := more_text(gap.more)) else []
    return "\n".join(lines)


def _plain_suggestion(i: int, s: Suggestion) -> list[str]:
    lines = [
        f"{i}. {flag(s)}{one_line(s.org.name)}",
        f"   covers: {covers_text(s)}",
        f"   where: {one_line(s.where)}",
        f"   contact: {contact_text(s)}",
    ]
    if s.warnings:
        lines.append(f"   warnings: {one_line('; '.join(s.warnings))}")
    return lines


def _plain_line(s: Suggestion) -> str:
    warn = f" [{'; '.join(s.warnings)}]" if s.warnings else ""
    return one_line(f"{flag(s)}{s.org.name}: {s.where}; {contact_text(s)}{warn}")


# -- JSON -------------------------------------------------------------------------------


def as_dict(plan: Plan) -> dict[str, Any]:
    """The documented ``tiplookup.refer/1`` object (docs/json.md, docs/referral.md)."""
    return {
        "schema": SCHEMA,
        "date": plan.date.isoformat(),
        "needs": [{"slug": n, "label": need_label(n)} for n in plan.needs],
        "province": (
            {"slug": plan.province, "name": places.province_name(plan.province)}
            if plan.province
            else None
        ),
        "plan": plan.kind,
        "summary": heading(plan),
        "suggested": [_suggestion_dict(s) for s in plan.suggested],
        "more_suggested": plan.more_suggested,
        "alternatives": [
            {
                "need": need,
                "providers": [_suggestion_dict(s) for s in providers],
                "more": more_for(plan, need),
            }
            for need, providers in plan.alternatives
        ],
        "covered": list(plan.covered),
        "uncovered": list(plan.uncovered),
        "gaps": [
            {
                "need": g.need,
                "message": gap_text(plan, g).removesuffix(" It is offered elsewhere by:"),
                "elsewhere": [_suggestion_dict(s) for s in g.elsewhere],
                "more": g.more,
            }
            for g in plan.gaps
        ],
    }


def _suggestion_dict(s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.org.id,
        "name": one_line(s.org.name),
        "covers": list(s.covers),
        "relation": s.relation.name.lower() if s.relation is not None else None,
        "where": one_line(s.where),
        "phone": one_line(s.phone) if s.phone else None,
        "phone_note": one_line(s.phone_note),
        "email": one_line(s.email) if s.email else None,
        "ended": s.ended,
        "warnings": [one_line(w) for w in s.warnings],
    }


def json_text(plan: Plan) -> str:
    import json

    return json.dumps(as_dict(plan), ensure_ascii=False, indent=2)


# -- Markdown slip ----------------------------------------------------------------------

# Everything we print sits after a list marker or heading, so line-start syntax cannot
# trigger; these are the characters that still can: emphasis, code, links, HTML, tables,
# strike-through, a heading's closing #s, and entities like &lt;.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~]|&(?=#?\w+;))")


def md(text: str) -> str:
    """One line of directory text, safe inside Markdown: no markup, links, HTML or tables."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def markdown(plan: Plan) -> str:
    lines = [
        "# Referral slip",
        "",
        f"- **Date:** {plan.date.isoformat()}",
        f"- **Needs:** {md(', '.join(need_label(n) for n in plan.needs))}",
        f"- **Province:** {md(province_label(plan))}",
        "",
        "## Suggested providers",
        "",
        md(heading(plan)),
    ]
    for i, s in enumerate(plan.suggested, 1):
        lines += ["", f"### {i}. {md(flag(s) + s.org.name)}", ""]
        lines += [
            f"- **Covers:** {md(covers_text(s))}",
            f"- **Where:** {md(s.where)}",
            f"- **Phone:** {md(_phone(s)) if s.phone else 'none in the directory'}",
            f"- **Email:** {md(s.email) if s.email else 'none in the directory'}",
        ]
        if s.warnings:
            lines.append(f"- **Warnings:** {md('; '.join(s.warnings))}")
    lines += ["", md(more)] if (more := more_text(plan.more_suggested)) else []
    if plan.alternatives:
        lines += ["", "## Other providers, by need", ""]
        for need, providers in others(plan):
            lines += [f"### {md(need_label(need))}", ""]
            lines += [f"- {md(_plain_line(s))}" for s in providers] or [f"-{NO_OTHERS}"]
            lines += [f"- {md(more)}"] if (more := more_text(more_for(plan, need))) else []
            lines.append("")
    if plan.gaps:
        lines += ["", "## Gaps", ""]
        for gap in plan.gaps:
            lines.append(f"- {md(gap_text(plan, gap))}")
            lines += [f"  - {md(_plain_line(s))}" for s in gap.elsewhere]
            lines += [f"  - {md(more)}"] if (more := more_text(gap.more)) else []
    lines += [
        "",
        "---",
        "",
        "This slip holds no personal data. Call the provider to confirm before referring:",
        "directory entries can be out of date.",
    ]
    return "\n".join(line.rstrip() for line in lines).replace("\n\n\n", "\n\n")


# -- table (terminal) -------------------------------------------------------------------


def table(plan: Plan) -> None:
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    term = console()
    term.print(Text(f"Referral plan, {plan.date.isoformat()}", style="bold"))
    term.print(Text(f"Needs: {', '.join(need_label(n) for n in plan.needs)}"))
    term.print(Text(f"Province: {province_label(plan)}"))
    term.print()
    term.print(Text(heading(plan), style="bold"))
    if plan.suggested:
        grid = Table(show_lines=True)
        for column in ("#", "Provider", "Covers", "Where", "Contact", "Warnings"):
            grid.add_column(column, overflow="fold")
        for i, s in enumerate(plan.suggested, 1):
            name = Text(one_line(s.org.name))
            if s.ended:
                name = Text("ENDED PROGRAMME\n", style="bold red") + name
            grid.add_row(
                Text(str(i)),
                name,
                Text(covers_text(s)),
                Text(one_line(s.where)),
                Text(contact_text(s)),
                Text(one_line("; ".join(s.warnings)), style="yellow"),
            )
        term.print(grid)
    if more := more_text(plan.more_suggested):
        term.print(Text(more, style="dim"))
    if plan.alternatives:
        term.print()
        term.print(Text(OTHERS, style="bold"))
        for need, providers in others(plan):
            label = f"{need_label(need)}:{'' if providers else NO_OTHERS}"
            term.print(Padding(Text(label), (0, 0, 0, 2)))
            for s in providers:
                line = Text(f"- {_plain_line(s)}", style="red" if s.ended else "")
                term.print(Padding(line, (0, 0, 0, 4)))
            if more := more_text(more_for(plan, need)):
                term.print(Padding(Text(more, style="dim"), (0, 0, 0, 4)))
    if plan.gaps:
        term.print()
        term.print(Text("Gaps:", style="bold red"))
        for gap in plan.gaps:
            term.print(Padding(Text(gap_text(plan, gap)), (0, 0, 0, 2)))
            for s in gap.elsewhere:
                term.print(Padding(Text(f"- {_plain_line(s)}"), (0, 0, 0, 4)))
            if more := more_text(gap.more):
                term.print(Padding(Text(more, style="dim"), (0, 0, 0, 4)))
