"""The importer interface, its errors, and the result of one import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from platewatch.domain.hotlists import HotListEntry


class LineError(Exception):
    """One data line is malformed; `reason` says why (it never contains the whole line)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FileError(Exception):
    """The file as a whole is wrong (missing header, trailer count mismatch); refuses the import."""

    def __init__(self, reason: str, line_no: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line_no = line_no


@dataclass(frozen=True, slots=True)
class LineProblem:
    """A line that could not be imported (`line_no` is 1-based; 0 means the file as a whole)."""

    line_no: int
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Everything one import produced; `entries` are normalized, filtered and de-duplicated.

    `problems` keeps the first MAX_KEPT_PROBLEMS malformed lines (plus any whole-file problem);
    `bad_lines` counts them all, out of `data_lines` (lines that were not blank, comment, header or trailer).
    """

    entries: tuple[HotListEntry, ...]
    problems: tuple[LineProblem, ...]
    lines_read: int
    data_lines: int
    bad_lines: int
    skipped_false_plates: int
    duplicates: int
    filtered_by_state: int


EMPTY_RESULT = ImportResult(
    entries=(),
    problems=(),
    lines_read=0,
    data_lines=0,
    bad_lines=0,
    skipped_false_plates=0,
    duplicates=0,
    filtered_by_state=0,
)


class ImportRefused(Exception):
    """The whole file is refused; `result` holds what was read, so the problems can be shown."""

    def __init__(self, message: str, result: ImportResult = EMPTY_RESULT) -> None:
        super().__init__(message)
        self.message = message
        self.result = result


class UnknownFormatError(ValueError):
    """No importer has the requested `--format` name."""


class Importer(Protocol):
    """One hot-list file format. Importers are stateless: one instance serves every import."""

    name: str  # the --format value
    description: str

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        """Parse one line (newline removed); None skips it silently; raises LineError when malformed."""
        ...

    def check_file(self, lines: Sequence[str]) -> str | None:
        """Check the file as a whole (header, trailer counts); raises FileError. `lines[0]` is line 1. A note for
        the import's report when the file is taken but something could not be checked."""
        ...


class LineImporter:
    """Base for formats without whole-file rules."""

    name = ""
    description = ""

    def parse_line(self, line: str, line_no: int) -> HotListEntry | None:
        raise NotImplementedError

    def check_file(self, lines: Sequence[str]) -> str | None:
        return None
