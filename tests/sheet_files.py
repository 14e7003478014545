"""Spreadsheet files as offices send them, written by the tests themselves."""

import csv
import io

import openpyxl


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    """A CSV as Excel saves it: CRLF line ends; “CSV UTF-8” with a BOM, “CSV” in CP932."""
    stream = io.StringIO()
    csv.writer(stream).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + stream.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    """An Excel workbook whose first sheet holds `rows`; a cell "=…" is a formula."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def xlsx_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]
