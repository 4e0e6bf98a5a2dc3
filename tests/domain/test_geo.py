"""Area filters: bounding boxes and polygons."""

from __future__ import annotations

import pytest

from platewatch.domain.geo import in_polygon, parse_bbox, parse_polygon

SQUARE = [(41.0, -73.6), (41.0, -73.4), (41.2, -73.4), (41.2, -73.6)]


@pytest.mark.parametrize(
    ("lat", "lon", "inside"), [(41.1, -73.5, True), (41.3, -73.5, False), (41.1, -73.7, False), (41.19, -73.41, True)]
)
def test_in_polygon(lat: float, lon: float, inside: bool) -> None:
    assert in_polygon(lat, lon, SQUARE) is inside


def test_parse_bbox_and_polygon() -> None:
    assert parse_bbox("41,-73.6,41.2,-73.4").contains(41.1, -73.5)
    assert parse_polygon("41,-73.6;41,-73.4;41.2,-73.4") == SQUARE[:3]


@pytest.mark.parametrize(
    ("text", "reason"),
    [("1,2,3", "four numbers"), ("91,0,92,1", "outside"), ("2,0,1,1", "greater"), ("a,b,c,d", "not a number")],
)
def test_bad_bbox(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_bbox(text)


def test_bad_polygon() -> None:
    with pytest.raises(ValueError, match="three corners"):
        parse_polygon("41,-73;42,-73")
