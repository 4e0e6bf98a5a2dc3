"""The import run: decoding, BOM and CRLF, refusals, skip list, de-duplication, state filter, CLEW checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from platewatch.domain.hotlists import Category, HotListEntry
from platewatch.domain.states import UnknownStateError
from platewatch.server.hotlists.importers import (
    FALSE_PLATE_WORDS,
    ImportRefused,
    UnknownFormatError,
    import_file,
    is_false_plate,
)

from .fixtures import CLEW_EXAMPLE, clew, ncic


def plates(entries: tuple[HotListEntry, ...]) -> list[tuple[str, str | None]]:
    return [(e.plate, e.state) for e in entries]


def test_path_and_bytes_give_the_same_result(tmp_path: Path) -> None:
    data = b"ABC123 CT\nDEF456\n"
    path = tmp_path / "list.txt"
    path.write_bytes(data)
    assert import_file(path, "plain") == import_file(str(path), "plain") == import_file(data, "plain")


def test_utf8_bom_and_crlf() -> None:
    result = import_file(b"\xef\xbb\xbfABC123 CT\r\nDEF456\r\nGHI789 NY\r\n", "plain")
    assert plates(result.entries) == [("ABC123", "CT"), ("DEF456", None), ("GHI789", "NY")]
    assert result.lines_read == 3


def test_bom_before_clew_header_and_crlf() -> None:
    data = "\ufeffDATE07/02/2018 09:00\r\n" + CLEW_EXAMPLE + "\r\nTOTAL RECORD 0000001\r\n"
    result = import_file(data.encode(), "ca_clew")
    assert plates(result.entries) == [("ABC123", "CA")]


def test_latin1_without_encoding_is_refused_with_offset_and_line() -> None:
    data = "ABC123 CT\n# Ren\u00e9's list\nDEF456\n".encode("latin-1")
    with pytest.raises(ImportRefused) as info:
        import_file(data, "plain")
    assert "not UTF-8" in info.value.message
    assert "byte 0xE9 at byte offset 15 (line 2)" in info.value.message
    assert "latin-1" in info.value.message
    assert info.value.result.entries == ()


def test_latin1_with_encoding_works() -> None:
    data = "ABC123 CT\n# Ren\u00e9's list\nDEF456\n".encode("latin-1")
    result = import_file(data, "plain", encoding="latin-1")
    assert plates(result.entries) == [("ABC123", "CT"), ("DEF456", None)]


def test_unknown_encoding_and_format_are_caller_errors() -> None:
    with pytest.raises(ValueError, match="unknown encoding"):
        import_file(b"A1\n", "plain", encoding="no-such-codec")
    with pytest.raises(UnknownFormatError, match="known formats: ca_clew"):
        import_file(b"A1\n", "nope")
    with pytest.raises(ValueError, match="max_bad_share"):
        import_file(b"A1\n", "plain", max_bad_share=1.5)
    with pytest.raises(UnknownStateError):
        import_file(b"A1\n", "plain", state_filter={"XX"})


@pytest.mark.parametrize(
    "data", [b"", b"\n\n", b"\xef\xbb\xbf", b"# only a comment\n"], ids=["empty", "blank", "bom", "comment"]
)
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ImportRefused, match="empty"):
        import_file(data, "plain")


def test_clew_header_and_trailer_only_is_refused() -> None:
    with pytest.raises(ImportRefused, match="empty"):
        import_file(b"DATE07/02/2018 09:00\nTOTAL RECORD 0000000\n", "ca_clew")


def test_too_many_bad_lines_refuses_and_lists_the_problems() -> None:
    lines = [f"A{i} CT" for i in range(18)] + ["A1 XX", "A2 CT extra"]  # 2 of 20 bad = 10% > 5%
    with pytest.raises(ImportRefused, match="2 of 20 data lines are malformed") as info:
        import_file("\n".join(lines).encode(), "plain")
    result = info.value.result
    assert [(p.line_no, p.text) for p in result.problems] == [(19, "A1 XX"), (20, "A2 CT extra")]
    assert len(result.entries) == 18


def test_bad_lines_within_the_share_are_reported_not_refused() -> None:
    lines = [f"A{i} CT" for i in range(19)] + ["A1 XX"]  # 1 of 20 = 5%: not more than the share
    result = import_file("\n".join(lines).encode(), "plain")
    assert len(result.entries) == 19
    assert [p.line_no for p in result.problems] == [20]


def test_skip_list_of_false_plates() -> None:
    assert {"NOPLATE", "NOTAG", "UNKNOWN", "NONE", "TEMP", "PAPER"} <= FALSE_PLATE_WORDS
    assert all(is_false_plate(p) for p in ("0", "00", "0000000", "NOPLATE"))
    assert not any(is_false_plate(p) for p in ("O", "100", "TEMP1", "ABC123"))
    data = b"ABC123\n0\n000\nno-plate\nNOTAG CT\nunknown\nNONE\ntemp\nPAPER\nDEF456\n"
    result = import_file(data, "plain")
    assert plates(result.entries) == [("ABC123", None), ("DEF456", None)]
    assert result.skipped_false_plates == 8


def test_only_false_plates_is_refused() -> None:
    with pytest.raises(ImportRefused, match="no entries left: 2 false plates") as info:
        import_file(b"0\nNOPLATE\n", "plain")
    assert info.value.result.skipped_false_plates == 2


def test_duplicates_keep_the_first() -> None:
    lines = [
        ncic("V000000001", "ABC123", "CA", date="20200101"),
        ncic("V000000002", "ABC 123", "CA", date="20210101"),  # same plate, state, category
        ncic("P000000003", "ABC123", "CA"),  # other category: kept
        ncic("V000000004", "ABC123", "NV"),  # other state: kept
    ]
    result = import_file("\n".join(lines).encode(), "ncic_fixed")
    assert [(e.nic, e.state, e.category) for e in result.entries] == [
        ("V000000001", "CA", Category.STOLEN_VEHICLE),
        ("P000000003", "CA", Category.STOLEN_PLATE),
        ("V000000004", "NV", Category.STOLEN_VEHICLE),
    ]
    assert result.duplicates == 1


def test_state_filter_keeps_listed_states_and_stateless_entries() -> None:
    data = b"A1 CT\nA2 NY\nA3\nA4 ny\nA5 MA\n"
    result = import_file(data, "plain", state_filter={"ct", "NY"})
    assert plates(result.entries) == [("A1", "CT"), ("A2", "NY"), ("A3", None), ("A4", "NY")]
    assert result.filtered_by_state == 1


def test_state_filter_leaving_nothing_is_refused() -> None:
    with pytest.raises(ImportRefused, match="1 outside the state filter"):
        import_file(b"A1 MA\n", "plain", state_filter={"CT"})


def test_ncic_zero_for_o_in_state() -> None:
    result = import_file(ncic("V000000001", "ABC123", "0H").encode(), "ncic_fixed")
    assert result.entries[0].state == "OH"


CLEW_HEADER = "DATE07/02/2018 09:00"
CLEW_RECORDS = [CLEW_EXAMPLE, clew("B2", "CA", "19", "20180630")]


@pytest.mark.parametrize(
    ("lines", "message", "line_no"),
    [
        ([CLEW_HEADER, *CLEW_RECORDS, "TOTAL RECORD 0000003"], "trailer says 3 records, the file has 2", 4),
        ([CLEW_HEADER, *CLEW_RECORDS, "TOTAL RECORD 0000001"], "trailer says 1 records, the file has 2", 4),
        ([CLEW_HEADER, *CLEW_RECORDS], "missing CLEW trailer", 3),
        ([*CLEW_RECORDS, "TOTAL RECORD 0000002"], "missing CLEW header", 1),
        (["DATE13/45/2018 09:00", *CLEW_RECORDS, "TOTAL RECORD 0000002"], "bad header date", 1),
        (
            [CLEW_HEADER, CLEW_RECORDS[0], "TOTAL RECORD 0000001", CLEW_RECORDS[1], "TOTAL RECORD 0000002"],
            "header or trailer in the middle",
            3,
        ),
    ],
    ids=["count-high", "count-low", "no-trailer", "no-header", "bad-header-date", "two-trailers"],
)
def test_clew_file_checks_refuse_the_whole_file(lines: list[str], message: str, line_no: int) -> None:
    with pytest.raises(ImportRefused, match="the file is malformed") as info:
        import_file("\n".join(lines).encode(), "ca_clew")
    problem = info.value.result.problems[-1]
    assert message in problem.reason
    assert problem.line_no == line_no


def test_clew_trailer_counts_malformed_records_too() -> None:
    lines = [CLEW_HEADER, *CLEW_RECORDS, "ABC", "TOTAL RECORD 0000003"]
    result = import_file("\n".join(lines).encode(), "ca_clew", max_bad_share=0.5)
    assert len(result.entries) == 2
    assert [p.line_no for p in result.problems] == [4]


def test_wrong_format_keeps_the_first_problems_and_counts_all() -> None:
    data = ("\n".join(f"A{i},CT,x" for i in range(1500)) + "\n").encode()  # CSV given to the NY importer
    with pytest.raises(ImportRefused, match="1500 of 1500 data lines are malformed") as info:
        import_file(data, "ny_fixed")
    result = info.value.result
    assert (result.data_lines, result.bad_lines, len(result.problems)) == (1500, 1500, 1000)
    assert result.problems[0].line_no == 1


def test_nul_and_oversized_cells_are_line_errors() -> None:
    good = [f"V{i},O,20200101,A{i},MN,,,,,,," for i in range(40)]
    lines = [*good, "V9,O,20200101,A\x00B,MN,,,,,,,", "V9,O," + "X" * 200_000 + ",A1,MN,,,,,,,"]
    result = import_file("\n".join(lines).encode(), "ncic_csv_mn")
    assert len(result.entries) == 40
    assert [p.line_no for p in result.problems] == [41, 42]
    assert result.problems[0].reason == "plate contains a control character (U+0000)"
    assert result.problems[1].reason.startswith("unreadable delimited line: ")


@pytest.mark.parametrize(("fmt", "header"), [("genetec", "PLATE;STATE"), ("rekor_csv", "Plate Number,Description")])
def test_header_row_only_on_line_one(fmt: str, header: str) -> None:
    data = f"{header}\nABC1\nPLATE\n".encode()  # "PLATE" on line 3 is a vanity plate, not a header
    result = import_file(data, fmt)
    assert [e.plate for e in result.entries] == ["ABC1", "PLATE"]
    assert (result.lines_read, result.data_lines, result.bad_lines) == (3, 2, 0)
