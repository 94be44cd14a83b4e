"""A progress bar on stderr for slow work, shown only once the work has taken a while."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress


@contextmanager
def after(delay: float, label: str) -> Iterator[None]:
    """Run the body; if it is still running after ``delay`` seconds, show a bar until it ends."""
    shown: list[Progress] = []
    lock = threading.Lock()
    done = False

    def show() -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from tiplookup.render import console

        bar = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TimeElapsedColumn(),
            console=console(stderr=True),
            transient=True,
        )
        with lock:
            if done:
                return
            bar.add_task(label, total=None)
            bar.start()
            shown.append(bar)

    timer = threading.Timer(delay, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            done = True
            for bar in shown:
                bar.stop()
