"""Reading image files for recognition, with clear errors for missing, empty, huge or non-image files."""

from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PIXELS = 60_000_000
"""Larger frames are refused before decoding (a 60 MP frame decodes to 180 MB)."""
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


class ImageError(ValueError):
    """A file that cannot be used as an image; the message says why."""


def probe_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG or JPEG header without decoding, or None when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + length
    return None


def decode_image(data: bytes, name: str = "image") -> np.ndarray:
    """Decode bytes to a BGR uint8 array or raise ImageError."""
    if not data:
        raise ImageError(f"{name}: file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ImageError(f"{name}: file is {len(data)} bytes; at most {MAX_FILE_BYTES} accepted")
    size = probe_size(data)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise ImageError(f"{name}: image is {size[0]}x{size[1]}; at most {MAX_PIXELS} pixels accepted")
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None or img.size == 0:
        raise ImageError(f"{name}: not a readable image (corrupt or unsupported format)")
    if img.shape[0] * img.shape[1] > MAX_PIXELS:
        raise ImageError(f"{name}: image is {img.shape[1]}x{img.shape[0]}; at most {MAX_PIXELS} pixels accepted")
    return img


def load_image(path: Path) -> np.ndarray:
    """Read and decode an image file (BGR uint8) or raise ImageError naming the problem."""
    if not path.exists():
        raise ImageError(f"{path}: no such file")
    if not path.is_file():
        raise ImageError(f"{path}: not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return decode_image(data, str(path))
