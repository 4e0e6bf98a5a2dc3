"""Run one import: decode, parse line by line, skip false plates, filter by state, de-duplicate, or refuse."""

from __future__ import annotations

import os
import re
from pathlib import Path

from platewatch.domain.hotlists import HotListEntry
from platewatch.domain.states import normalize_state

from .base import FileError, ImportRefused, ImportResult, LineError, LineProblem
from .registry import get_importer

FALSE_PLATE_WORDS = frozenset({"NOPLATE", "NOTAG", "UNKNOWN", "NONE", "TEMP", "PAPER"})
"""Plate values that stand for "no plate"; all-zero plates (0, 00, 000, …) are skipped as well."""

_ALL_ZEROS = re.compile(r"0+")
_BOM = b"\xef\xbb\xbf"
MAX_PROBLEM_TEXT = 500  # characters of a bad line kept in its LineProblem
MAX_KEPT_PROBLEMS = 1000  # a wrong --format makes every line bad: keep the first ones, count them all


def is_false_plate(plate: str) -> bool:
    """True for a normalized plate that is a placeholder, not a plate."""
    return plate in FALSE_PLATE_WORDS or _ALL_ZEROS.fullmatch(plate) is not None


def decode(data: bytes, encoding: str | None) -> list[str]:
    """Lines of the file without line ends (LF, CRLF or CR); a UTF-8 BOM is dropped."""
    if encoding is None:
        try:
            text = data.removeprefix(_BOM).decode("utf-8")
        except UnicodeDecodeError as exc:
            offset = exc.start + (len(_BOM) if data.startswith(_BOM) else 0)
            line_no = data[:offset].count(b"\n") + 1
            raise ImportRefused(
                f"the file is not UTF-8: byte 0x{data[offset]:02X} at byte offset {offset} (line {line_no}); "
                "give its encoding, e.g. latin-1"
            ) from None
    else:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            line_no = data[: exc.start].count(b"\n") + 1
            raise ImportRefused(f"the file is not {encoding}: byte offset {exc.start} (line {line_no})") from None
        text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    return lines


def import_file(
    source: str | os.PathLike[str] | bytes,
    format_name: str,
    *,
    state_filter: set[str] | None = None,
    max_bad_share: float = 0.05,
    encoding: str | None = None,
) -> ImportResult:
    """Import a hot-list file (a path, or its bytes) in `format_name`; a complete ImportResult or ImportRefused.

    Entries keep the file's order; false plates are skipped, entries outside `state_filter` are dropped
    (entries without a state are kept: they match any state), and repeats of plate + state + category
    are dropped after the first. The import is refused when malformed lines are more than `max_bad_share`
    of the data lines, when a whole-file check fails (e.g. a CLEW trailer count) or when no entry is left.
    Raises UnknownFormatError, ValueError (bad arguments) and OSError (unreadable path) as they are.
    """
    importer = get_importer(format_name)
    if not 0.0 <= max_bad_share <= 1.0:
        raise ValueError(f"max_bad_share must be between 0 and 1, not {max_bad_share}")
    wanted = {normalize_state(s) for s in state_filter} if state_filter is not None else None
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    lines = decode(data, encoding)

    problems: list[LineProblem] = []
    entries: list[HotListEntry] = []
    seen: set[tuple[str, str, str]] = set()
    data_lines = bad_lines = false_plates = duplicates = filtered = 0
    for line_no, line in enumerate(lines, start=1):
        try:
            entry = importer.parse_line(line, line_no)
        except LineError as exc:
            data_lines += 1
            bad_lines += 1
            if len(problems) < MAX_KEPT_PROBLEMS:
                problems.append(LineProblem(line_no, exc.reason, line[:MAX_PROBLEM_TEXT]))
            continue
        if entry is None:
            continue
        data_lines += 1
        if is_false_plate(entry.plate):
            false_plates += 1
        elif wanted is not None and entry.state is not None and entry.state not in wanted:
            filtered += 1
        elif (key := (entry.plate, entry.state or "", entry.category.value)) in seen:
            duplicates += 1
        else:
            seen.add(key)
            entries.append(entry)

    file_error: str | None = None
    try:
        note = importer.check_file(lines)
    except FileError as exc:
        file_error = exc.reason
        text = lines[exc.line_no - 1][:MAX_PROBLEM_TEXT] if 0 < exc.line_no <= len(lines) else ""
        problems.append(LineProblem(exc.line_no, exc.reason, text))
    else:
        if note is not None:  # the file is taken; the report says what could not be checked
            problems.append(LineProblem(0, note, ""))

    result = ImportResult(
        entries=tuple(entries),
        problems=tuple(problems),
        lines_read=len(lines),
        data_lines=data_lines,
        bad_lines=bad_lines,
        skipped_false_plates=false_plates,
        duplicates=duplicates,
        filtered_by_state=filtered,
    )
    refusal = _refusal(result, file_error, max_bad_share)
    if refusal is not None:
        raise ImportRefused(refusal, result)
    return result


def _refusal(result: ImportResult, file_error: str | None, max_bad_share: float) -> str | None:
    """Why the whole import is refused, or None."""
    bad, total = result.bad_lines, result.data_lines
    if total == 0:
        return "the file is empty: no data lines"
    if file_error is not None:
        return f"the file is malformed: {file_error}"
    if bad > max_bad_share * total:
        return f"{bad} of {total} data lines are malformed (more than {max_bad_share:.0%}); nothing imported"
    if not result.entries:
        return (
            f"no entries left: {result.skipped_false_plates} false plates, "
            f"{result.filtered_by_state} outside the state filter, {bad} malformed lines"
        )
    return None
