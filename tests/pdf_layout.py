"""Where WeasyPrint puts the boxes of a printed document: whether all of it is on the paper.

Positions are WeasyPrint's CSS pixels (96 per inch) from the paper's top left corner; what this
module returns is in millimetres.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import weasyprint
from weasyprint.formatting_structure import boxes

PX_PER_MM = 96 / 25.4
# Office printers leave the outer 4–5 mm of a sheet blank; page numbers stay further in.
PRINTER_MARGIN_MM = 5
# Rounding in the layout: a hundredth of a millimetre is far below what a printer shows.
TOLERANCE_MM = 0.01


@dataclass(frozen=True)
class Area:
    left: float
    top: float
    right: float
    bottom: float

    def contains(self, other: "Area") -> bool:
        return (
            other.left >= self.left - TOLERANCE_MM
            and other.top >= self.top - TOLERANCE_MM
            and other.right <= self.right + TOLERANCE_MM
            and other.bottom <= self.bottom + TOLERANCE_MM
        )

    def inset(self, mm: float) -> "Area":
        return Area(self.left + mm, self.top + mm, self.right - mm, self.bottom - mm)


@dataclass(frozen=True)
class Placed:
    """A box where it lies: its page (from 1), what it prints and its border box."""

    page: int
    label: str
    area: Area


def _area(x: float, y: float, width: float, height: float) -> Area:
    return Area(x / PX_PER_MM, y / PX_PER_MM, (x + width) / PX_PER_MM, (y + height) / PX_PER_MM)


def border_area(box: boxes.Box) -> Area:
    return _area(box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())


def paper(page_box: boxes.PageBox) -> Area:
    return _area(0, 0, page_box.margin_width(), page_box.margin_height())


def content_area(page_box: boxes.PageBox) -> Area:
    """The page's area inside its @page margins, where the document flows."""
    return _area(
        page_box.content_box_x(), page_box.content_box_y(), page_box.width, page_box.height
    )


def _label(box: boxes.Box) -> str:
    if isinstance(box, boxes.TextBox):
        return box.text
    return f"<{box.element_tag}> {type(box).__name__}"


def _placed(page: int, box: boxes.Box) -> Placed:
    return Placed(page, _label(box), border_area(box))


def _flow(page_box: boxes.PageBox) -> Iterator[boxes.Box]:
    """Every box of the document on the page, absolutely positioned ones included."""
    for child in page_box.children:
        if not isinstance(child, boxes.MarginBox):
            yield from child.descendants(placeholders=True)


def _margin_text(page_box: boxes.PageBox) -> Iterator[boxes.TextBox]:
    """The text @page margin boxes print, such as page numbers."""
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            for box in child.descendants(placeholders=True):
                if isinstance(box, boxes.TextBox):
                    yield box


def pages(document: weasyprint.Document) -> list[boxes.PageBox]:
    return [page._page_box for page in document.pages]


def off_the_page(document: weasyprint.Document) -> list[Placed]:
    """The boxes that run past their page's content area, and margin text a printer cuts."""
    found = []
    for number, page_box in enumerate(pages(document), start=1):
        area = content_area(page_box)
        found += [_placed(number, b) for b in _flow(page_box) if not area.contains(border_area(b))]
        printable = paper(page_box).inset(PRINTER_MARGIN_MM)
        found += [
            _placed(number, b)
            for b in _margin_text(page_box)
            if not printable.contains(border_area(b))
        ]
    return found


def out_of_their_cell(document: weasyprint.Document) -> list[Placed]:
    """Text that runs past the table cell it is in, which the cell would hide or overprint."""
    found = []
    for number, page_box in enumerate(pages(document), start=1):
        for box in _flow(page_box):
            if isinstance(box, boxes.TableCellBox):
                cell = border_area(box)
                found += [
                    _placed(number, text)
                    for text in box.descendants(placeholders=True)
                    if isinstance(text, boxes.TextBox) and not cell.contains(border_area(text))
                ]
    return found


def lines(document: weasyprint.Document) -> list[str]:
    """The text of every line of the document, in order."""
    return [
        "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox))
        for page_box in pages(document)
        for line in _flow(page_box)
        if isinstance(line, boxes.LineBox)
    ]
