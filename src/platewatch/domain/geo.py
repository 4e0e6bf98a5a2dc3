"""Geographic filters for segregating reads by area (order IV.B.4): bounding boxes and polygons."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BBox:
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def _coord(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError as exc:
        raise ValueError(f"{what}: {text!r} is not a number") from exc


def _check(lat: float, lon: float) -> None:
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude {lat} is outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude {lon} is outside -180..180")


def parse_bbox(text: str) -> BBox:
    """`min_lat,min_lon,max_lat,max_lon` → BBox; raise ValueError naming the problem."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError("bbox needs four numbers: min_lat,min_lon,max_lat,max_lon")
    a, b, c, d = (_coord(p, "bbox") for p in parts)
    _check(a, b)
    _check(c, d)
    if a > c or b > d:
        raise ValueError("bbox minimum is greater than its maximum")
    return BBox(a, b, c, d)


def parse_polygon(text: str) -> list[tuple[float, float]]:
    """`lat,lon;lat,lon;…` (at least three corners) → list of (lat, lon)."""
    points = []
    for pair in text.split(";"):
        if not pair.strip():
            continue
        parts = pair.split(",")
        if len(parts) != 2:
            raise ValueError(f"polygon corner {pair!r} is not lat,lon")
        lat, lon = _coord(parts[0].strip(), "polygon"), _coord(parts[1].strip(), "polygon")
        _check(lat, lon)
        points.append((lat, lon))
    if len(points) < 3:
        raise ValueError("polygon needs at least three corners")
    if len(points) > 200:
        raise ValueError("polygon has more than 200 corners")
    return points


def polygon_bbox(points: list[tuple[float, float]]) -> BBox:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return BBox(min(lats), min(lons), max(lats), max(lons))


def in_polygon(lat: float, lon: float, points: list[tuple[float, float]]) -> bool:
    """Ray casting; points on an edge may fall either way (fine at street scale)."""
    inside = False
    n = len(points)
    j = n - 1
    for i in range(n):
        yi, xi = points[i]
        yj, xj = points[j]
        if (yi > lat) != (yj > lat):
            x_cross = (xj - xi) * (lat - yi) / (yj - yi) + xi
            if lon < x_cross:
                inside = not inside
        j = i
    return inside


@dataclass(frozen=True, slots=True)
class Edge:
    """A polygon edge that a horizontal ray can cross: latitudes [lo, hi), and its longitude at latitude `lat` is
    `lon0 + (lat - lat0) * slope`. Horizontal edges are left out (a ray along them never crosses)."""

    lo: float
    hi: float
    lat0: float
    lon0: float
    slope: float

    def crossed_by(self, lat: float, lon: float) -> bool:
        """True when the ray from (lat, lon) eastwards crosses this edge (the same rule as `in_polygon`)."""
        return self.lo <= lat < self.hi and lon < self.lon0 + (lat - self.lat0) * self.slope


def edges(points: list[tuple[float, float]]) -> list[Edge]:
    """The polygon's crossable edges: a point is inside when an odd number of them is `crossed_by` it. The SQL form
    of the same test (`server/areas/scope.py`) is built from these, so the database and Python agree."""
    out = []
    n = len(points)
    for i in range(n):
        (yi, xi), (yj, xj) = points[i], points[i - 1]
        if yi == yj:
            continue
        lo, hi = (yi, yj) if yi < yj else (yj, yi)
        out.append(Edge(lo, hi, yi, xi, (xj - xi) / (yj - yi)))
    return out


def inside(lat: float, lon: float, points: list[tuple[float, float]]) -> bool:
    """Point in polygon by the crossable `edges` (the restriction's rule; agrees with `in_polygon` off the edges)."""
    return sum(e.crossed_by(lat, lon) for e in edges(points)) % 2 == 1
