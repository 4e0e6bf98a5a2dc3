"""Each format: a good file gives exactly the expected entries; malformed and truncated lines are reported."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.hotlists import Category, HotListEntry, Vehicle
from platewatch.server.hotlists.importers import IMPORTERS, ImportResult, formats, import_file

from .fixtures import CLEW_EXAMPLE, NCIC_EXAMPLE, NY_EXAMPLE, clew, ct, ncic, ny

D = dt.date


def run(fmt: str, lines: list[str], **kwargs: object) -> ImportResult:
    data = ("\n".join(lines) + "\n").encode()
    return import_file(data, fmt, max_bad_share=1.0, **kwargs)  # type: ignore[arg-type]


GOOD: list[tuple[str, list[str], list[HotListEntry]]] = [
    (
        "ncic_fixed",
        [
            NCIC_EXAMPLE,
            ncic(
                "W987654321", "GGX6728", "0H", ori="OH0671200", date="20200124", vyr="2009", vma="DODG", vco="YEL/BLK"
            ),
            ncic("P111111111", "NJ 123", "NJ"),  # NJ MVC: ORI and date empty
            ncic("A222222222", "MI4455", "MI", date="20230101", extra="CPIC STOLEN"),
        ],
        [
            HotListEntry(
                plate="AB123456",
                state="CA",
                category=Category.STOLEN_VEHICLE,
                nic="V123456789",
                ori="LA0570200",
                effective=D(2019, 5, 9),
                plate_year="2009",
                plate_type="MC",
                vehicle=Vehicle("2009", "YAMA", "CYL", "MC", "BLK"),
                description="Stolen vehicle",
            ),
            HotListEntry(
                plate="GGX6728",
                state="OH",
                category=Category.WANTED_PERSON,
                nic="W987654321",
                ori="OH0671200",
                effective=D(2020, 1, 24),
                vehicle=Vehicle(year="2009", make="DODG", colour="YEL/BLK"),
                description="Wanted person",
            ),
            HotListEntry(
                plate="NJ123", state="NJ", category=Category.STOLEN_PLATE, nic="P111111111", description="Stolen plate"
            ),
            HotListEntry(
                plate="MI4455",
                state="MI",
                category=Category.AMBER,
                nic="A222222222",
                effective=D(2023, 1, 1),
                description="Amber alert: CPIC STOLEN",
            ),
        ],
    ),
    (
        "ncic_csv_tx",
        ["C165399977,0H0671200,20200124,GGX6728,0H,2021,2009,D0DG,CHA,4D,GRY"],
        [
            HotListEntry(
                plate="GGX6728",
                state="OH",
                category=Category.SUPERVISED_RELEASE,
                nic="C165399977",
                ori="0H0671200",
                effective=D(2020, 1, 24),
                plate_year="2021",
                vehicle=Vehicle("2009", "D0DG", "CHA", "4D", "GRY"),
                description="Supervised release",
            )
        ],
    ),
    (
        "ncic_csv_mn",
        ["C845996328,0H0671200,20211122,JFJ4764,0H,2022,TK,2013,CHEV,AVA,PK,CRM"],
        [
            HotListEntry(
                plate="JFJ4764",
                state="OH",
                category=Category.SUPERVISED_RELEASE,
                nic="C845996328",
                ori="0H0671200",
                effective=D(2021, 11, 22),
                plate_year="2022",
                plate_type="TK",
                vehicle=Vehicle("2013", "CHEV", "AVA", "PK", "CRM"),
                description="Supervised release",
            )
        ],
    ),
    (
        "tcic_tx",
        ["TV12345,ABC1234,TX,2015,FORD,F15,PK,WHI", "TY99,XYZ9876,TX,,,,,"],
        [
            HotListEntry(
                plate="ABC1234",
                state="TX",
                category=Category.STOLEN_VEHICLE,
                nic="TV12345",
                vehicle=Vehicle("2015", "FORD", "F15", "PK", "WHI"),
                description="Stolen vehicle",
            ),
            HotListEntry(
                plate="XYZ9876", state="TX", category=Category.OTHER, nic="TY99", description="Child safety check"
            ),
        ],
    ),
    (
        "ny_fixed",
        [NY_EXAMPLE, ny("HJK 778", "NJ", "PAS", "Z"), ny("CAN1", "NY", "", "R", "FORD", "BLK/RED")],
        [
            HotListEntry(
                plate="ABC1234",
                state="NY",
                category=Category.REGISTRATION,
                plate_type="PAS",
                vehicle=Vehicle(make="BUIC", colour="WH"),
                description="Suspended / falsified registration",
            ),
            HotListEntry(
                plate="HJK778",
                state="NJ",
                category=Category.SUSPENDED_LICENSE,
                plate_type="PAS",
                description="Suspended operating privilege",
            ),
            HotListEntry(
                plate="CAN1",
                state="NY",
                category=Category.STOLEN_PLATE,
                vehicle=Vehicle(make="FORD", colour="BLK/RED"),
                description="Stolen Canadian plate",
            ),
        ],
    ),
    (
        "ca_clew",
        ["DATE07/02/2018 09:00", CLEW_EXAMPLE, clew("7XYZ123", "CA", "", "20180701"), "TOTAL RECORD 0000002"],
        [
            HotListEntry(
                plate="ABC123",
                state="CA",
                category=Category.STOLEN_VEHICLE,
                effective=D(2018, 6, 27),
                description="Stolen vehicle (CLEW), county 01",
            ),
            HotListEntry(
                plate="7XYZ123",
                state="CA",
                category=Category.STOLEN_VEHICLE,
                effective=D(2018, 7, 1),
                description="Stolen vehicle (CLEW)",
            ),
        ],
    ),
    (
        "ct_collect",
        [ct("AB12345"), ct("9ZZ999", expiration="????", status="", usage="")],
        [
            HotListEntry(
                plate="AB12345",
                state="CT",
                category=Category.REGISTRATION,
                plate_type="PASSENGER",
                vehicle=Vehicle("2012", "TOYOTA", "CAMRY", "SEDAN 4 DOOR", "GRAY"),
                description="Expired registration (expired 2024-06-30, status EX, PRIVATE)",
            ),
            HotListEntry(
                plate="9ZZ999",
                state="CT",
                category=Category.REGISTRATION,
                plate_type="PASSENGER",
                vehicle=Vehicle("2012", "TOYOTA", "CAMRY", "SEDAN 4 DOOR", "GRAY"),
                description="Expired registration",
            ),
        ],
    ),
    (
        "fl_fcic",
        [
            "STOLEN LICENSE PLATE;FL0130000;MIAMI-DADE PD;2023-001234;OAN1;PCN1;P123456789;20230315;Y;"
            "2023-03-15 10:00:00;ABC D12;2024;FL;PC;2023-03-15 10:00:01",
            "MISSING PERSON;FL0500000;PALM BEACH SO;;;;M000000001;03/01/2024;N;;QRS456;;GA;;",
        ],
        [
            HotListEntry(
                plate="ABCD12",
                state="FL",
                category=Category.STOLEN_PLATE,
                nic="P123456789",
                ori="FL0130000",
                case_number="2023-001234",
                effective=D(2023, 3, 15),
                plate_year="2024",
                plate_type="PC",
                description="STOLEN LICENSE PLATE (MIAMI-DADE PD)",
            ),
            HotListEntry(
                plate="QRS456",
                state="GA",
                category=Category.MISSING_PERSON,
                nic="M000000001",
                ori="FL0500000",
                effective=D(2024, 3, 1),
                description="MISSING PERSON (PALM BEACH SO)",
            ),
        ],
    ),
    (
        "rekor_csv",
        ["Plate Number,Description,Match Strategy", 'ABC123,"Stolen, red Civic",exact', "xyz-789,,lenient", "JK1"],
        [
            HotListEntry(plate="ABC123", description="Stolen, red Civic"),
            HotListEntry(plate="XYZ789"),
            HotListEntry(plate="JK1"),
        ],
    ),
    (
        "genetec",
        [
            "PlateNumber;PlateState;Category;EffectiveDate;ExpiryDate;Case",
            "ABC123;CT",
            "DEF228;NY;Stolen Vehicle;2012-01-31;2012-05-31;Case 12-345;Det. Smith",
            "GHI1,,Permit,20240101,,PermitID_1",
            "JKL2",
        ],
        [
            HotListEntry(plate="ABC123", state="CT"),
            HotListEntry(
                plate="DEF228",
                state="NY",
                category=Category.STOLEN_VEHICLE,
                effective=D(2012, 1, 31),
                expires=D(2012, 5, 31),
                description="Case 12-345; Det. Smith",
            ),
            HotListEntry(plate="GHI1", effective=D(2024, 1, 1), description="Permit | PermitID_1"),
            HotListEntry(plate="JKL2"),
        ],
    ),
    (
        "plain",
        ["# BOLO list, shift 2", "ABC123", "", "  def-456  ct  # red pickup", "GHI789,NY"],
        [
            HotListEntry(plate="ABC123"),
            HotListEntry(plate="DEF456", state="CT"),
            HotListEntry(plate="GHI789", state="NY"),
        ],
    ),
]


@pytest.mark.parametrize(("fmt", "lines", "expected"), GOOD, ids=[g[0] for g in GOOD])
def test_good_file(fmt: str, lines: list[str], expected: list[HotListEntry]) -> None:
    result = run(fmt, lines)
    assert result.problems == ()
    assert list(result.entries) == expected
    assert result.lines_read == len(lines)


def test_every_format_has_a_good_file_test() -> None:
    assert {g[0] for g in GOOD} == set(IMPORTERS)
    assert [name for name, _ in formats()] == sorted(IMPORTERS)
    assert all(description for _, description in formats())


GOOD_NCIC = ncic("V000000001", "GOOD1", "CA")
GOOD_FCIC = "STOLEN VEHICLE" + ";" * 10 + "A1;;FL;;"
BAD: list[tuple[str, list[str], int, str]] = [
    ("ncic_fixed", [GOOD_NCIC, NCIC_EXAMPLE[:30]], 2, "truncated line: 30 characters"),
    ("ncic_fixed", [GOOD_NCIC, ncic("Q000000001", "ABC", "CA")], 2, "unknown NCIC file code 'Q'"),
    ("ncic_fixed", [GOOD_NCIC, ncic("V000000002", "ABC", "CA", date="20191399")], 2, "bad date of record '20191399'"),
    ("ncic_fixed", [GOOD_NCIC, ncic("V000000003", "ABC", "ZZ")], 2, "unknown plate state 'ZZ'"),
    ("ncic_fixed", [GOOD_NCIC, ncic("V000000004", "", "CA")], 2, "plate is empty"),
    ("ncic_fixed", [GOOD_NCIC, ncic("V000000005", "AB$12", "CA")], 2, "characters not used on plates"),
    ("ncic_fixed", [GOOD_NCIC, ncic("V000000006", "ABC", "CA", vyr="20X9")], 2, "bad vehicle year (VYR) '20X9'"),
    ("ncic_fixed", [GOOD_NCIC, ncic("V000000007", "ABC", "CA", liy="2")], 2, "bad plate year (LIY)"),
    ("ncic_csv_tx", ["V1,O,20200101,A1,TX,,,,,,", "V1,O,20200101,A2,TX,,,,,"], 2, "expected 11 columns, found 10"),
    ("ncic_csv_tx", ["V1,O,20200101,A1,TX,,,,,,", "V1,O,2020-01-01,A2,TX,,,,,,"], 2, "expected YYYYMMDD"),
    ("ncic_csv_mn", ["V1,O,20200101,A1,MN,,,,,,,", "V1,O,20200101,A2,MN,,,,,,"], 2, "expected 12 columns, found 11"),
    ("tcic_tx", ["TV1,A1,TX,,,,,", "TQ1,A2,TX,,,,,"], 2, "unknown TCIC list code 'Q'"),
    ("ny_fixed", [NY_EXAMPLE, NY_EXAMPLE[:14]], 2, "truncated line: 14 characters"),
    ("ny_fixed", [NY_EXAMPLE, ny("A1", "NY", "PAS", "Q")], 2, "unknown New York list code 'Q'"),
    ("ca_clew", ["DATE07/02/2018 09:00", "ABC123  CA0120", CLEW_EXAMPLE, "TOTAL RECORD 2"], 2, "truncated line"),
    (
        "ca_clew",
        ["DATE07/02/2018 09:00", CLEW_EXAMPLE, clew("A1", "CA", "", "2018062X"), "TOTAL RECORD 2"],
        3,
        "bad date",
    ),
    ("ct_collect", [ct("AB1"), ct("AB2")[:150]], 2, "truncated line: 150 characters"),
    ("ct_collect", [ct("AB1"), ct("AB2", year="19X0")], 2, "bad vehicle year"),
    ("fl_fcic", [GOOD_FCIC, "X;" * 10], 2, "expected 15 columns, found 11"),
    ("fl_fcic", [GOOD_FCIC, GOOD_FCIC.replace(";;;;A1;", ";31.12.2023;;;A1;")], 2, "bad date '31.12.2023'"),
    ("rekor_csv", ["A1,d,exact", "A2,d,exact,extra"], 2, "expected 1 to 3 columns, found 4"),
    ("genetec", ["A1;CT", "A2;CT;Stolen;31/01/2012"], 2, "bad effective date '31/01/2012'"),
    ("genetec", ["A1;CT", "A2;QC"], 2, "unknown plate state 'QC'"),
    ("plain", ["A1", "A2 CT extra"], 2, "expected PLATE or PLATE STATE, found 3 words"),
    ("plain", ["A1", "A2 XX"], 2, "unknown plate state 'XX'"),
]


@pytest.mark.parametrize(("fmt", "lines", "line_no", "reason"), BAD, ids=[f"{b[0]}-{b[3][:24]}" for b in BAD])
def test_malformed_line_reported(fmt: str, lines: list[str], line_no: int, reason: str) -> None:
    result = run(fmt, lines)
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.line_no == line_no
    assert reason in problem.reason
    assert problem.text == lines[line_no - 1]
    assert len(result.entries) == 1
