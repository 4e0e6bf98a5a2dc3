"""Hot-list file importers: one module per format behind one interface, and the import run."""

from .base import (
    FileError,
    Importer,
    ImportRefused,
    ImportResult,
    LineError,
    LineImporter,
    LineProblem,
    UnknownFormatError,
)
from .registry import IMPORTERS, formats, get_importer
from .run import FALSE_PLATE_WORDS, import_file, is_false_plate

__all__ = [
    "FALSE_PLATE_WORDS",
    "IMPORTERS",
    "FileError",
    "ImportRefused",
    "ImportResult",
    "Importer",
    "LineError",
    "LineImporter",
    "LineProblem",
    "UnknownFormatError",
    "formats",
    "get_importer",
    "import_file",
    "is_false_plate",
]
