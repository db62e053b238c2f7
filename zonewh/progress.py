"""A rich progress display with bars, shared by the CLI commands; and a stage file for a run
started by the portal."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .config import CST


@contextmanager
def progress_bar(console: Console) -> Iterator[Progress]:
    """A started `Progress` with a bar per task; stopped (and left on screen) on exit."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    with progress:
        yield progress


STAGE_FILE_ENV = "ZONEWH_RUN_STAGE_FILE"
"""When set, `zonewh run` writes its stage and, at the end, its outcome to this JSON file
(the portal's view of a run it started)."""


class StageRecorder:
    """A progress display that also writes the run's current stage to a JSON file: the
    steps call `add_task`, `update(description=...)` and `advance` on it as on rich's
    `Progress`, and it passes them on."""

    STAGES = ("ingest", "build", "gate", "publish", "bulletin")

    def __init__(self, progress: Progress, path: Path, month: str):
        self.progress = progress
        self.path = Path(path)
        self.month = month
        self.write({"stage": "start"})

    def write(self, data: dict[str, Any]) -> None:
        """Replace the file with `data` (plus the month and the time), whole."""
        body = {"month": self.month, "at": datetime.now(CST).isoformat(timespec="seconds")}
        body.update(data)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(body, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.path)

    def _stage(self, description: str) -> None:
        stage = next((s for s in self.STAGES if s in description.split()), None)
        if stage is not None:
            self.write({"stage": stage, "description": description})

    def add_task(self, description: str, *args: Any, **kwargs: Any) -> Any:
        task = self.progress.add_task(description, *args, **kwargs)
        self._stage(description)
        return task

    def update(self, task: Any, *args: Any, **kwargs: Any) -> None:
        self.progress.update(task, *args, **kwargs)
        if kwargs.get("description"):
            self._stage(str(kwargs["description"]))

    def advance(self, task: Any, advance: float = 1) -> None:
        self.progress.advance(task, advance)


def stage_file() -> Path | None:
    """The stage file asked for by the environment, if any."""
    value = os.environ.get(STAGE_FILE_ENV, "").strip()
    return Path(value) if value else None
