"""Approximate looks of US state plates: background, character and name colours, name place, slogan."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

WHITE: RGB = (245, 245, 240)
NAVY: RGB = (20, 35, 95)
BLACK: RGB = (20, 20, 20)
RED: RGB = (170, 25, 30)
GREEN: RGB = (20, 95, 45)
MAROON: RGB = (110, 25, 35)
BLUE: RGB = (25, 70, 160)
GOLD: RGB = (235, 190, 60)
YELLOW: RGB = (245, 215, 80)
SKY: RGB = (170, 205, 235)
ORANGE: RGB = (240, 150, 60)


@dataclass(frozen=True)
class StateStyle:
    """One state's usual passenger plate: gradient top→bottom, text colour, name on top or bottom."""

    code: str
    name: str
    top: RGB
    bottom: RGB
    text: RGB
    name_color: RGB
    name_on_top: bool
    slogan: str
    graphic: str = ""
    """'' none, 'mountains', 'band', 'sun', 'wave', 'stripes' — a simple background figure."""


S = StateStyle
STYLES: tuple[StateStyle, ...] = (
    S("AL", "ALABAMA", WHITE, SKY, NAVY, NAVY, True, "SWEET HOME ALABAMA", "band"),
    S("AK", "ALASKA", YELLOW, GOLD, NAVY, NAVY, True, "THE LAST FRONTIER", "mountains"),
    S("AZ", "ARIZONA", SKY, ORANGE, MAROON, MAROON, True, "GRAND CANYON STATE", "mountains"),
    S("AR", "ARKANSAS", WHITE, SKY, NAVY, RED, True, "THE NATURAL STATE", "band"),
    S("CA", "California", WHITE, WHITE, NAVY, RED, True, "DMV.CA.GOV"),
    S("CO", "COLORADO", WHITE, GREEN, GREEN, GREEN, True, "", "mountains"),
    S("CT", "CONNECTICUT", SKY, WHITE, NAVY, NAVY, False, "CONSTITUTION STATE"),
    S("DE", "DELAWARE", NAVY, NAVY, GOLD, GOLD, True, "THE FIRST STATE"),
    S(
        "DC",
        "DISTRICT OF COLUMBIA",
        WHITE,
        WHITE,
        RED,
        BLUE,
        True,
        "TAXATION WITHOUT REPRESENTATION",
        "stripes",
    ),
    S("FL", "MYFLORIDA.COM", WHITE, WHITE, GREEN, GREEN, True, "SUNSHINE STATE", "sun"),
    S("GA", "GEORGIA", WHITE, (240, 200, 170), BLACK, BLACK, False, "IN GOD WE TRUST", "sun"),
    S("HI", "HAWAII", WHITE, WHITE, BLACK, BLACK, False, "ALOHA STATE", "band"),
    S("ID", "IDAHO", (230, 215, 200), SKY, MAROON, BLUE, False, "FAMOUS POTATOES", "mountains"),
    S("IL", "Illinois", WHITE, WHITE, MAROON, RED, True, "LAND OF LINCOLN"),
    S("IN", "INDIANA", WHITE, SKY, NAVY, NAVY, True, "CROSSROADS OF AMERICA", "band"),
    S("IA", "IOWA", WHITE, SKY, BLACK, BLUE, False, "", "band"),
    S("KS", "KANSAS", SKY, WHITE, NAVY, NAVY, True, "", "band"),
    S("KY", "KENTUCKY", WHITE, SKY, BLUE, BLUE, True, "UNBRIDLED SPIRIT", "wave"),
    S("LA", "LOUISIANA", WHITE, WHITE, NAVY, RED, True, "SPORTSMAN'S PARADISE", "band"),
    S("ME", "MAINE", WHITE, WHITE, BLACK, BLACK, True, "VACATIONLAND"),
    S("MD", "MARYLAND", WHITE, WHITE, BLACK, RED, True, "", "stripes"),
    S("MA", "MASSACHUSETTS", WHITE, WHITE, RED, BLUE, True, "THE SPIRIT OF AMERICA"),
    S("MI", "MICHIGAN", WHITE, WHITE, NAVY, NAVY, False, "PURE MICHIGAN"),
    S("MN", "MINNESOTA", WHITE, SKY, NAVY, NAVY, True, "10,000 LAKES", "wave"),
    S("MS", "MISSISSIPPI", SKY, WHITE, NAVY, NAVY, True, "", "wave"),
    S("MO", "MISSOURI", WHITE, SKY, NAVY, RED, True, "SHOW-ME STATE", "band"),
    S("MT", "MONTANA", SKY, WHITE, NAVY, NAVY, True, "", "mountains"),
    S("NE", "NEBRASKA", WHITE, SKY, NAVY, NAVY, True, "", "band"),
    S("NV", "NEVADA", SKY, (200, 190, 200), NAVY, NAVY, True, "HOME MEANS NEVADA", "mountains"),
    S("NH", "NEW HAMPSHIRE", WHITE, WHITE, GREEN, GREEN, True, "LIVE FREE OR DIE", "mountains"),
    S("NJ", "NEW JERSEY", (250, 235, 160), WHITE, BLACK, BLACK, False, "GARDEN STATE"),
    S("NM", "NEW MEXICO", YELLOW, YELLOW, RED, RED, True, "LAND OF ENCHANTMENT", "sun"),
    S("NY", "NEW YORK", WHITE, ORANGE, NAVY, NAVY, True, "EMPIRE STATE", "band"),
    S("NC", "NORTH CAROLINA", WHITE, WHITE, NAVY, RED, True, "FIRST IN FLIGHT", "stripes"),
    S("ND", "NORTH DAKOTA", WHITE, SKY, NAVY, NAVY, True, "LEGENDARY", "band"),
    S("OH", "OHIO", WHITE, SKY, NAVY, RED, True, "BIRTHPLACE OF AVIATION", "band"),
    S("OK", "OKLAHOMA", WHITE, SKY, NAVY, NAVY, True, "NATIVE AMERICA", "band"),
    S("OR", "OREGON", WHITE, SKY, BLUE, BLUE, True, "", "mountains"),
    S("PA", "PENNSYLVANIA", WHITE, YELLOW, NAVY, NAVY, True, "visitPA.com", "band"),
    S("RI", "RHODE ISLAND", WHITE, SKY, NAVY, NAVY, True, "OCEAN STATE", "wave"),
    S("SC", "SOUTH CAROLINA", WHITE, (250, 220, 190), NAVY, NAVY, True, "WHILE I BREATHE I HOPE", "sun"),
    S("SD", "SOUTH DAKOTA", WHITE, SKY, MAROON, MAROON, True, "GREAT FACES GREAT PLACES", "mountains"),
    S("TN", "TENNESSEE", WHITE, (200, 230, 200), NAVY, GREEN, False, "", "band"),
    S("TX", "TEXAS", WHITE, (225, 225, 225), BLACK, BLACK, True, "THE LONE STAR STATE"),
    S("UT", "UTAH", WHITE, (235, 170, 120), NAVY, NAVY, True, "LIFE ELEVATED", "mountains"),
    S("VT", "VERMONT", GREEN, GREEN, WHITE, WHITE, True, "GREEN MOUNTAIN STATE"),
    S("VA", "VIRGINIA", WHITE, WHITE, NAVY, NAVY, True, ""),
    S("WA", "WASHINGTON", WHITE, SKY, NAVY, NAVY, True, "EVERGREEN STATE", "mountains"),
    S("WV", "WEST VIRGINIA", WHITE, WHITE, NAVY, NAVY, True, "WILD WONDERFUL", "stripes"),
    S("WI", "WISCONSIN", WHITE, SKY, BLACK, NAVY, True, "AMERICA'S DAIRYLAND", "wave"),
    S("WY", "WYOMING", SKY, WHITE, MAROON, NAVY, True, "", "mountains"),
)
STATE_CODES: tuple[str, ...] = tuple(s.code for s in STYLES)
BY_CODE = {s.code: s for s in STYLES}
