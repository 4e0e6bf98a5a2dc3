"""Image files: clear errors for missing, empty, corrupt, non-image and huge inputs."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from platewatch.engine.image_io import ImageError, decode_image, load_image, probe_size


def png_header_only(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk


def test_reads_a_real_jpeg(tmp_path: Path) -> None:
    img = np.full((40, 60, 3), 200, np.uint8)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    path = tmp_path / "a.jpg"
    path.write_bytes(buf.tobytes())
    assert probe_size(buf.tobytes()) == (60, 40)
    assert load_image(path).shape == (40, 60, 3)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="no such file"):
        load_image(tmp_path / "nope.jpg")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not a file"):
        load_image(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.jpg").write_bytes(b"")
    with pytest.raises(ImageError, match="empty"):
        load_image(tmp_path / "e.jpg")


@pytest.mark.parametrize("data", [b"hello, this is text", b"\xff\xd8\xff\xe0garbage" * 10])
def test_non_image_and_corrupt(data: bytes) -> None:
    with pytest.raises(ImageError, match="not a readable image"):
        decode_image(data, "x")


def test_truncated_png(tmp_path: Path) -> None:
    ok, buf = cv2.imencode(".png", np.zeros((50, 50, 3), np.uint8))
    assert ok
    with pytest.raises(ImageError):
        decode_image(buf.tobytes()[:40], "cut.png")


def test_huge_image_refused_before_decoding() -> None:
    with pytest.raises(ImageError, match="at most"):
        decode_image(png_header_only(40_000, 40_000), "huge.png")
