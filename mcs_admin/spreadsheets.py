"""Spreadsheet files in and out: what offices send us, and what Excel may open safely.

Every export of the system writes its CSV and XLSX through `write_csv` and `write_xlsx`, so one
rule guards them all against formula injection: a text cell that begins with `=`, `+`, `-`, `@`,
a tab or a carriage return is written with a leading `'`, and a spreadsheet program shows it as
text instead of running it. An import strips that one `'` (`unescape_cell`). A cell that itself
begins with `'` gets one too, so that a round trip gives back exactly what was exported.

`read_dataset` turns an uploaded file into rows, or refuses it with a message for the clerk:
CSV in UTF-8 (with or without BOM) or in Shift_JIS (CP932, as Excel in Japan saves it), or an
Excel workbook (.xlsx, its first sheet) holding values, not formulas; at most 10 MB.
"""

import codecs
import csv
import io
import logging
import re
import zipfile

import openpyxl
import tablib
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.formats.base_formats import Format
from openpyxl.utils.exceptions import IllegalCharacterError

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
# An XLSX is a zip archive: refuse one that would unpack to far more than any roster.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the .xls of Excel 97–2003
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHOWN_FORMULAS = 10


class SpreadsheetError(ValueError):
    """A file that is not the spreadsheet it claims to be; the message tells the clerk why."""


def escape_cell(value):
    """A value as written to a spreadsheet: text that a program would evaluate gets a `'`."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def unescape_cell(value):
    """A value as read from a spreadsheet: the one `'` that `escape_cell` adds is removed."""
    if isinstance(value, str) and value.startswith(QUOTE):
        return value[1:]
    return value


def write_csv(dataset: tablib.Dataset) -> bytes:
    """CSV in UTF-8 with a byte-order mark (Excel then reads it as UTF-8), CRLF line ends."""
    stream = io.StringIO()
    writer = csv.writer(stream)
    for row in [dataset.headers or [], *dataset]:
        writer.writerow(["" if cell is None else escape_cell(str(cell)) for cell in row])
    return codecs.BOM_UTF8 + stream.getvalue().encode("utf-8")


def write_xlsx(dataset: tablib.Dataset) -> bytes:
    """An Excel workbook of one sheet; dates stay dates, text is escaped as in CSV."""
    safe = tablib.Dataset(
        headers=[escape_cell(header) for header in dataset.headers or []],
        title=dataset.title,
    )
    for row in dataset:
        safe.append([escape_cell(cell) for cell in row])
    try:
        return safe.export("xlsx")
    except IllegalCharacterError:
        raise SpreadsheetError(
            _("A cell holds a control character that an Excel workbook cannot store.")
        ) from None


def read_dataset(data: bytes) -> tablib.Dataset:
    """The rows of an uploaded CSV or XLSX, told apart by content, not by the file's name.

    The first row holds the headers. Blank rows are kept, so that row N of the dataset is row
    N + 1 of the sheet the clerk sees.
    """
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError(
            _("The file is larger than %(size)d MB: split it into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise SpreadsheetError(_("The file is empty."))
    if data.startswith(_ZIP_MAGIC):
        rows = _xlsx_rows(data)
    elif data.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            _(
                "This is an Excel 97–2003 workbook (.xls), which cannot be read: "
                "save it as an Excel workbook (.xlsx) or as CSV."
            )
        )
    else:
        rows = _csv_rows(data)
    return _dataset(rows)


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SpreadsheetError(
            _(
                "The file is Unicode text (UTF-16): save it from Excel as “CSV UTF-8” "
                "or as an Excel workbook (.xlsx)."
            )
        )
    if data.startswith(codecs.BOM_UTF8):
        data, encodings = data[len(codecs.BOM_UTF8) :], ["utf-8"]
    else:
        encodings = ["utf-8", "cp932"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _(
            "The file is neither a CSV in UTF-8 or Shift_JIS nor an Excel workbook (.xlsx): "
            "save it from Excel as “CSV UTF-8”, “CSV” or “Excel workbook”."
        )
    )


def _csv_rows(data: bytes) -> list[list]:
    text = _decode(data)
    if _BINARY_CONTROLS.search(text):
        raise SpreadsheetError(
            _("The file is not a spreadsheet: it holds binary data, not CSV text.")
        )
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise SpreadsheetError(
            _("The file cannot be read as CSV (%(reason)s).") % {"reason": error}
        ) from None


def _xlsx_rows(data: bytes) -> list[list]:
    not_a_workbook = SpreadsheetError(
        _("The file is not an Excel workbook (.xlsx) that can be read: save it again from Excel.")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise not_a_workbook from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(_("The workbook unpacks to more than a roster could hold."))
    rows, formulas = [], []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            for row in book.worksheets[0].iter_rows():
                rows.append([cell.value for cell in row])
                formulas += [cell.coordinate for cell in row if cell.data_type == "f"]
        finally:
            book.close()
    except Exception:  # openpyxl fails in many ways on files that only look like workbooks
        logger.info("unreadable XLSX upload", exc_info=True)
        raise not_a_workbook from None
    if formulas:
        more = "…" if len(formulas) > _SHOWN_FORMULAS else ""
        shown = ", ".join(formulas[:_SHOWN_FORMULAS]) + more
        raise SpreadsheetError(
            ngettext(
                "Cell %(cells)s holds a formula. Replace formulas with their values "
                "(copy, then paste values) and upload the file again.",
                "Cells %(cells)s hold formulas. Replace formulas with their values "
                "(copy, then paste values) and upload the file again.",
                len(formulas),
            )
            % {"cells": shown}
        )
    return rows


def _is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _dataset(rows: list[list]) -> tablib.Dataset:
    header = ["" if cell is None else str(cell).strip() for cell in rows[0]] if rows else []
    while header and not header[-1]:
        header.pop()
    if not header:
        raise SpreadsheetError(_("The first row holds no column headers."))
    body = rows[1:]
    while body and all(_is_blank(cell) for cell in body[-1]):
        body.pop()
    if not body:
        raise SpreadsheetError(_("The file has column headers but no rows under them."))
    width = len(header)
    dataset = tablib.Dataset(headers=header)
    for number, row in enumerate(body, start=2):
        if any(not _is_blank(cell) for cell in row[width:]):
            raise SpreadsheetError(
                _("Row %(row)d has values to the right of the last column header.")
                % {"row": number}
            )
        dataset.append([*row[:width], *[None] * (width - len(row))])
    return dataset


class SpreadsheetFile(Format):
    """import-export's view of an upload: CSV or XLSX, whichever the content is."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "CSV / XLSX"

    def create_dataset(self, in_stream):
        return read_dataset(in_stream)

    def can_import(self):
        return True


def write_xlsx_book(datasets: list[tablib.Dataset]) -> bytes:
    """An Excel workbook of one sheet per dataset, each escaped as `write_xlsx` does."""
    book = tablib.Databook()
    for dataset in datasets:
        safe = tablib.Dataset(
            headers=[escape_cell(header) for header in dataset.headers or []],
            title=dataset.title,
        )
        for row in dataset:
            safe.append([escape_cell(cell) for cell in row])
        book.add_sheet(safe)
    try:
        return book.export("xlsx")
    except IllegalCharacterError:
        raise SpreadsheetError(
            _("A cell holds a control character that an Excel workbook cannot store.")
        ) from None
