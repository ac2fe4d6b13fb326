"""Batch plans for many clients: the pydantic models of ``nutriplan.plan_batch``'s result."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

#: What happened to one client row: ``ok`` (plan file written), ``invalid`` (a bad profile field
#: or plan option; not planned), ``infeasible`` (no plan meets every rule), ``error`` (anything
#: else went wrong while planning or writing).
BatchStatus = Literal["ok", "invalid", "infeasible", "error"]
BATCH_STATUSES: tuple[str, ...] = ("ok", "invalid", "infeasible", "error")
#: Plan file formats of a batch and their file name extensions.
BATCH_FORMATS: dict[str, str] = {"json": "json", "html": "html", "markdown": "md"}


class BatchRow(BaseModel):
    """The outcome of one client row: ``row`` is the spreadsheet row of the clients CSV (header =
    row 1), ``seconds`` the wall time of planning and rendering (None when not planned),
    ``file`` the plan file's name inside the output folder (None when no plan was written) and
    ``reason`` why a row is not ``ok``. ``resumed`` is True for an ``ok`` row kept from an earlier
    run (``resume``: its plan file was complete and its inputs unchanged, so it was not planned
    again; ``seconds`` is then the earlier run's)."""

    client: str
    row: int
    status: BatchStatus
    seconds: float | None = None
    file: str | None = None
    reason: str = ""
    resumed: bool = False


class BatchSummary(BaseModel):
    """A finished batch: one ``BatchRow`` per client row in file order, where the plans and the
    ``summary.csv`` were written, the format, the workers used (``jobs``: their number, 0 when
    the executor does not tell; ``runner``: where the plans were solved, e.g. "2 worker
    processes" or "Dask cluster at tcp://10.0.0.5:8786 (4 workers)") and the batch's wall
    seconds."""

    out_dir: Path
    format: str
    jobs: int
    rows: list[BatchRow]
    summary_file: Path
    seconds: float = Field(ge=0)
    runner: str = ""

    @property
    def counts(self) -> dict[str, int]:
        """Return the number of rows per status (every status listed, zeros included)."""
        counts = dict.fromkeys(BATCH_STATUSES, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def resumed(self) -> int:
        """Return the number of rows kept from an earlier run (not planned again)."""
        return sum(row.resumed for row in self.rows)

    @property
    def files(self) -> list[Path]:
        """Return the paths of the plan files written, in row order."""
        return [self.out_dir / row.file for row in self.rows if row.file]
