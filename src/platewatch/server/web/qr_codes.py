"""QR codes drawn by the server as inline SVG (segno): an authenticator secret never goes to an outside service."""

from __future__ import annotations

import segno


def qr_svg(uri: str) -> str:
    """`uri` (an otpauth:// URI) as an inline SVG QR code."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, title="Authenticator QR code"))
