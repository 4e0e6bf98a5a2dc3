"""The importers by `--format` name."""

from __future__ import annotations

from . import ca_clew, ct_collect, fl_fcic, genetec, ncic_csv, ncic_fixed, ny_fixed, plain, rekor_csv, tcic_tx
from .base import Importer, UnknownFormatError

IMPORTERS: dict[str, Importer] = {
    imp.name: imp
    for imp in (
        ncic_fixed.IMPORTER,
        ncic_csv.TX_IMPORTER,
        ncic_csv.MN_IMPORTER,
        tcic_tx.IMPORTER,
        ny_fixed.IMPORTER,
        ca_clew.IMPORTER,
        ct_collect.IMPORTER,
        fl_fcic.IMPORTER,
        rekor_csv.IMPORTER,
        genetec.IMPORTER,
        plain.IMPORTER,
    )
}


def formats() -> list[tuple[str, str]]:
    """(name, description) of every format, sorted by name (for `--format` help and the web form)."""
    return sorted((name, imp.description) for name, imp in IMPORTERS.items())


def get_importer(name: str) -> Importer:
    """The importer for `name`, or UnknownFormatError listing the known names."""
    try:
        return IMPORTERS[name]
    except KeyError:
        known = ", ".join(sorted(IMPORTERS))
        raise UnknownFormatError(f"unknown hot-list format {name!r}; known formats: {known}") from None
