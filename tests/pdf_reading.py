"""Reads a rendered PDF back as a person or a scanner would: its text, fonts and QR codes."""

import io
import re
import subprocess

import pypdf
import zxingcpp
from PIL import Image


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with all white space removed, so that line breaks do not matter."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts embedded (with a font file) in any page."""
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def qr_codes(pdf: bytes, page: int = 1) -> list[str]:
    """The QR codes a scanner reads on one page, rendered at 150 dpi by poppler's pdftoppm."""
    png = subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    image = Image.open(io.BytesIO(png))
    return [code.text for code in zxingcpp.read_barcodes(image)]
