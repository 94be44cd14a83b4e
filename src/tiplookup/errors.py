"""One family of errors, and the exit codes they map to.

The core raises these; the CLI catches them once and prints
``tiplookup: error: …`` on stderr.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NOT_FOUND = 1  # like grep: the search ran and found nothing
    USAGE = 2
    BAD_DATA = 3


class TiplookupError(Exception):
    """Base class: a message for the user, and an exit code."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(TiplookupError):
    """Something the user typed cannot be understood (unknown province, need, id…)."""

    exit_code = ExitCode.USAGE


class NotFoundError(TiplookupError):
    """A valid question with no answer."""

    exit_code = ExitCode.NOT_FOUND


class DataError(TiplookupError):
    """A directory or overlay file is damaged or invalid."""

    exit_code = ExitCode.BAD_DATA


class ValidationFailed(DataError):
    """A directory file has one or more problems; ``problems`` lists them all."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s); run 'tiplookup validate {path}')"
        super().__init__(str(first) + (more if len(problems) > 1 else ""))
        self.path = path
        self.problems = problems


class Problem:
    """One problem in a data file: where it is, and what to fix."""

    __slots__ = ("entry", "line", "message", "path")

    def __init__(
        self, path: str, message: str, *, line: int | None = None, entry: str | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.entry = entry
        self.message = message

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.entry:
            where += f": [{self.entry}]"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self!s})"
