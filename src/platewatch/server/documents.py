"""Tables as downloadable documents: CSV (the standard library) and PDF (fpdf2, a pure-Python PDF writer; it lives
only here). Reports, the audit trail and the inventory's reconciliation are all a title, a few lines about them and
one table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos

Cell = str | int | float | None

_PLAIN = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "→": "->", "≥": ">="})


@dataclass(frozen=True, slots=True)
class TableDocument:
    """A title, lines about it (who made it, when, what it covers) and one table."""

    title: str
    about: tuple[str, ...]
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...] | None = None
    """Relative column widths for the PDF (equal when None)."""


def as_csv(doc: TableDocument) -> bytes:
    """The table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read accents right); the title and the
    lines about it come first, each in a row of its own, then an empty row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([doc.title])
    for line in doc.about:
        writer.writerow([line])
    writer.writerow([])
    writer.writerow(doc.headers)
    writer.writerows([_text(c) for c in row] for row in doc.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_pdf(doc: TableDocument) -> bytes:
    """The table as an A4-landscape PDF with the title, the lines about it, headers repeated on each page, and page
    numbers. The PDF's core fonts cover Latin-1: other characters are written as their nearest plain form or '?'."""
    pdf = _Pdf(doc.title)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _latin(doc.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    for line in doc.about:
        pdf.multi_cell(0, 5, _latin(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    weights = doc.widths or (1.0,) * len(doc.headers)
    total = sum(weights)
    widths = tuple(pdf.epw * w / total for w in weights)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5, repeat_headings=1) as table:
        pdf.set_font("Helvetica", "", 8)
        heading = table.row()
        for h in doc.headers:
            heading.cell(_latin(h))
        for row in doc.rows:
            cells = table.row()
            for c in row:
                cells.cell(_latin(_text(c)))
    return bytes(pdf.output())


class _Pdf(FPDF):  # type: ignore[misc,unused-ignore]  # earlier fpdf2 releases have no type hints
    def __init__(self, title: str) -> None:
        super().__init__(orientation="L", format="A4")  # landscape A4
        self.set_title(_latin(title))
        self.set_creator("PlateWatch")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("Helvetica", "", 7)
        self.cell(0, 5, f"{_latin(self.title or '')} - page {self.page_no()} of {{nb}}", align="C")


def _text(c: Cell) -> str:
    if c is None:
        return ""
    if isinstance(c, float):
        return f"{c:.3g}" if abs(c) < 1000 else f"{c:,.0f}"
    return str(c)


def _latin(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def content_disposition(stem: str, kind: str) -> str:
    """The download's header value: `attachment; filename="<stem>.<kind>"` (the stem made of safe characters)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in stem)
    return f'attachment; filename="{safe}.{kind}"'


MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def render(doc: TableDocument, kind: str) -> bytes:
    """`doc` as `kind` ('csv' or 'pdf')."""
    if kind == "csv":
        return as_csv(doc)
    if kind == "pdf":
        return as_pdf(doc)
    raise ValueError(f"unknown document kind {kind!r}")
