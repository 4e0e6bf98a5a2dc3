"""The Content-Security-Policy of PlateWatch's pages (the server's and the unit screen's): a script runs only when
the server sent it (its files, or a block of the page carrying the page's one-time nonce), so text that reached a
page from data (a hot-list description, a plate) can never run as a script, even if a template forgot to escape it."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

HEADER = "Content-Security-Policy"


def new_nonce() -> str:
    """A nonce for one page: unguessable, new for every response."""
    return secrets.token_urlsafe(18)


def content_policy(nonce: str, tiles_url: str = "") -> str:
    """The policy of a page whose own script blocks carry `nonce`; images also from the map's tile server."""
    tiles = urlsplit(tiles_url)
    tile_server = [f"{tiles.scheme}://{tiles.netloc}"] if tiles.scheme in ("http", "https") and tiles.netloc else []
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",  # style attributes: they cannot run code
            " ".join(["img-src 'self' data:", *tile_server]),  # plate images are inlined as data: URIs
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",  # no injected form can post what a page shows elsewhere
            "frame-ancestors 'none'",
        ]
    )
