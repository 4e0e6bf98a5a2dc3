"""Content-addressed JPEG store on disk: `sha256/ab/cd/<hash>.jpg`, written atomically, read by hash."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

JPEG_SOI = b"\xff\xd8\xff"


class ImageError(ValueError):
    """Bytes that are not an acceptable JPEG; the message says why."""


def check_jpeg(data: bytes, max_bytes: int) -> None:
    if not data:
        raise ImageError("image is empty")
    if len(data) > max_bytes:
        raise ImageError(f"image has {len(data)} bytes; the limit is {max_bytes}")
    if not data.startswith(JPEG_SOI):
        raise ImageError("image is not a JPEG (missing the FF D8 FF start marker)")
    if b"\xff\xd9" not in data[-64:]:
        raise ImageError("JPEG is truncated (no end-of-image marker)")


class ImageStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, digest: str) -> Path:
        if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
            raise ValueError("not a sha256 hex digest")
        return self.root / "sha256" / digest[:2] / digest[2:4] / f"{digest}.jpg"

    def put(self, data: bytes) -> str:
        """Store `data` (idempotent) and return its sha256 hex digest."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path_for(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str) -> bytes | None:
        try:
            return self.path_for(digest).read_bytes()
        except FileNotFoundError:
            return None

    def verify(self, digest: str) -> bool:
        """True when the stored bytes still hash to `digest` (evidence integrity)."""
        data = self.get(digest)
        return data is not None and hashlib.sha256(data).hexdigest() == digest
