"""US state, district and territory codes (USPS two-letter abbreviations) and their names."""

from __future__ import annotations

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

DISTRICT_AND_TERRITORIES: dict[str, str] = {
    "DC": "District of Columbia",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}

# Plates that are not issued by a state: federal government, diplomatic, tribal and so on. NCIC uses
# "US" for federal government vehicles.
OTHER_ISSUERS: dict[str, str] = {"US": "U.S. Government"}

ALL_CODES: dict[str, str] = {**US_STATES, **DISTRICT_AND_TERRITORIES, **OTHER_ISSUERS}


class UnknownStateError(ValueError):
    """A state code that is not a US state, district or territory."""


def normalize_state(code: str) -> str:
    """Return the upper-case two-letter code, or raise UnknownStateError naming the input.

    Accepts `ct`, `CT`, ` ct ` and OpenALPR's `us-ct` region form.
    """
    if code in ALL_CODES:  # the usual case, checked first: ingest calls this for every read
        return code
    value = code.strip().upper()
    if value.startswith("US-"):
        value = value[3:]
    if value not in ALL_CODES:
        raise UnknownStateError(f"unknown US state or territory code: {code!r}")
    return value


def is_state(code: str) -> bool:
    """True when `code` (in any accepted spelling) names a US state, district or territory."""
    try:
        normalize_state(code)
    except UnknownStateError:
        return False
    return True
