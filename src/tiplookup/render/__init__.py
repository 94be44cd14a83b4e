"""The one place that writes to the terminal. rich is imported here, lazily, and nowhere else."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from tiplookup.errors import UsageError
from tiplookup.text import one_line

if TYPE_CHECKING:
    from rich.console import Console


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def choose_format(value: str | None, choices: tuple[str, ...], *, piped: str = "plain") -> str:
    """The output format asked for; by default ``choices[0]`` on a terminal, ``piped`` if not."""
    if value is None:
        return choices[0] if is_terminal() else piped
    if value not in choices:
        raise UsageError(f"unknown format {value!r}; use one of: {', '.join(choices)}")
    return value


def no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def console(*, stderr: bool = False) -> Console:
    """A rich console for a terminal. Never parses markup or emoji codes in data."""
    from rich.console import Console

    return Console(
        stderr=stderr,
        no_color=no_color(),
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def error(message: str, hint: str | None = None) -> None:
    """``tiplookup: error: …`` on one line of stderr; a long message is cut, its hint kept."""
    tail = f" ({_capped(one_line(hint), 320)})" if hint else ""
    sys.stderr.write(
        f"tiplookup: error: {_capped(one_line(message), max(80, 400 - len(tail)))}{tail}\n"
    )


def _capped(message: str, limit: int = 400) -> str:
    """A pasted page of text must not come back as a page of error."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


def warn(message: str) -> None:
    sys.stderr.write(f"tiplookup: warning: {one_line(message)}\n")


def out(text: str) -> None:
    """Plain text to stdout (for pipes and files)."""
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
