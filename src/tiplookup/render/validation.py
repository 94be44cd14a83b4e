"""Output of ``tiplookup validate``."""

from __future__ import annotations

from tiplookup.errors import Problem
from tiplookup.model import Directory
from tiplookup.render import out
from tiplookup.text import one_line


def report(path: str, directory: Directory | None, problems: list[Problem]) -> None:
    for problem in problems:
        out(one_line(str(problem)))
    if directory is not None:
        out(f"{path}: {len(directory)} organisations, 0 problems")
    else:
        out(f"{path}: {len(problems)} problem(s)")
