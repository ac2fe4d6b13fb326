"""A batch's ``summary.csv``: kept up to date as clients finish (rewritten and renamed over the old
one after every client, so a kill at any moment leaves a complete file saying which clients are
done), read back by ``resume``, and each client's input hash that tells whether a finished
client's inputs are unchanged.

Columns: ``client``, ``row``, ``status`` (``ok``, ``invalid``, ``infeasible``, ``error``, or
``pending`` for a client not finished when the file was written), ``seconds``, ``file``,
``reason`` and ``input_sha256`` (blank for an invalid row).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nutriplan.models.batch import BatchRow
from nutriplan.textfile import write_text_atomically

#: Name of the summary file written in the output folder.
SUMMARY_FILE = "summary.csv"
#: Columns of ``summary.csv``, in order.
SUMMARY_COLUMNS = ("client", "row", "status", "seconds", "file", "reason", "input_sha256")
#: Status of a client not finished when the summary was written.
PENDING = "pending"
#: Reason given to the clients a stopped batch did not plan.
STOPPED_REASON = "not planned: the batch was stopped first (rerun with resume to plan it)"


def input_hash(request: Any, fmt: str, context: str) -> str:
    """Return the SHA-256 (hex) of everything a client's plan file depends on: its profile, plan
    options and target options (``request``, a ``ClientRequest``), the file format ``fmt`` and
    ``context`` (the food table's and the bundled data's fingerprints)."""
    payload = {
        "profile": request.profile.model_dump(mode="json"),
        "options": request.options.model_dump(mode="json"),
        "targets": request.target_options,
        "format": fmt,
        "context": context,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def row_line(row: BatchRow, input_sha256: str | None) -> str:
    """Return the summary line of a finished row (seconds with 3 decimals, blank when the row was
    not planned)."""
    seconds = "" if row.seconds is None else f"{row.seconds:.3f}"
    return _line([row.client, row.row, row.status, seconds, row.file or "", row.reason, input_sha256 or ""])


def summary_csv(rows: list[BatchRow], hashes: list[str | None] | None = None) -> str:
    """Return ``summary.csv``'s text for finished ``rows`` (with their input hashes, if given)."""
    hashes = hashes or [None] * len(rows)
    return _line(list(SUMMARY_COLUMNS)) + "".join(row_line(r, h) for r, h in zip(rows, hashes))


class SummaryFile:
    """The summary of a running batch: one line per client row (``clients``: (client id, row)
    pairs in file order), ``pending`` until ``set`` records the row's outcome; every ``set`` and
    ``write`` replaces the file atomically."""

    def __init__(self, path: Path, clients: list[tuple[str, int]], hashes: list[str | None], mode: int):
        self.path = path
        self.mode = mode
        self.hashes = hashes
        self.clients = clients
        self.lines = [_line([client, row, PENDING, "", "", "", hashes[i] or ""])
                      for i, (client, row) in enumerate(clients)]
        self.finished = [False] * len(clients)

    def set(self, index: int, row: BatchRow, write: bool = True) -> None:
        """Record row ``index``'s outcome and (when ``write``) rewrite the file."""
        self.lines[index] = row_line(row, self.hashes[index])
        self.finished[index] = True
        if write:
            self.write()

    def stop(self) -> None:
        """Give every unfinished row the reason ``STOPPED_REASON`` and rewrite the file."""
        for i, (client, row) in enumerate(self.clients):
            if not self.finished[i]:
                self.lines[i] = _line([client, row, PENDING, "", "", STOPPED_REASON, self.hashes[i] or ""])
        self.write()

    def write(self) -> None:
        """Replace the summary file with the current lines (atomically)."""
        write_text_atomically(self.path, _line(list(SUMMARY_COLUMNS)) + "".join(self.lines), self.mode)


@dataclass(frozen=True)
class DoneRow:
    """A finished ``ok`` row of an earlier summary: its client id, plan seconds and input hash."""

    client: str
    seconds: float | None
    input_sha256: str


def done_rows(path: Path) -> dict[str, DoneRow]:
    """Return the ``ok`` rows of the summary at ``path`` by plan file name. A missing, unreadable
    or older summary (no ``input_sha256`` column) gives none: every client is planned again."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    done: dict[str, DoneRow] = {}
    try:
        for record in csv.DictReader(io.StringIO(text, newline="")):
            if record.get("status") != "ok" or not record.get("file") or not record.get("input_sha256"):
                continue
            try:
                seconds = float(record["seconds"]) if record.get("seconds") else None
            except ValueError:
                seconds = None
            done[record["file"]] = DoneRow(record.get("client") or "", seconds, record["input_sha256"])
    except csv.Error:
        return {}
    return done
