"""Spreadsheet files in and out: encodings, refusals with a clear message, formula injection."""

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
import tablib

from mcs_admin import spreadsheets
from mcs_admin.spreadsheets import SpreadsheetError, read_dataset
from tests.sheet_files import csv_bytes, xlsx_bytes, xlsx_rows

ROWS = [
    ["事業所名", "フリガナ", "郵便番号"],
    ["みさと髙橋医院", "ﾐｻﾄﾀｶﾊｼｲｲﾝ", "3410011"],
    ["①薬局", "", ""],
]


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(ROWS),
        csv_bytes(ROWS, bom=True),
        csv_bytes(ROWS, encoding="cp932"),
        xlsx_bytes(ROWS),
    ],
    ids=["utf-8", "utf-8 with BOM", "cp932", "xlsx"],
)
def test_offices_files_are_read_alike(data):
    dataset = read_dataset(data)
    assert dataset.headers == ROWS[0]
    rows = [["" if cell is None else str(cell) for cell in row] for row in dataset]
    assert rows == [ROWS[1], ROWS[2]]


@pytest.mark.parametrize(
    "value",
    ["=1+2", "+81-90-1234-5678", "-3", "@SUM(A1)", "\tx", "\rx", "'quoted", "plain", "", "0481"],
)
def test_escaping_is_undone_exactly(value):
    escaped = spreadsheets.escape_cell(value)
    assert escaped.startswith("'") == (value[:1] in ("=", "+", "-", "@", "\t", "\r", "'"))
    assert spreadsheets.unescape_cell(escaped) == value


def dataset_of(*rows):
    dataset = tablib.Dataset(headers=["項目", "値"])
    for row in rows:
        dataset.append(row)
    return dataset


def test_csv_export_is_utf8_with_bom_and_neutralises_formulas():
    data = spreadsheets.write_csv(dataset_of(["式", '=HYPERLINK("http://x","y")'], ["電話", "+81"]))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[1] == '式,"\'=HYPERLINK(""http://x"",""y"")"'
    assert "\r\n" in text
    back = read_dataset(data)
    assert [spreadsheets.unescape_cell(row[1]) for row in back] == [
        '=HYPERLINK("http://x","y")',
        "+81",
    ]


def test_xlsx_export_holds_no_formula_and_keeps_dates():
    data = spreadsheets.write_xlsx(dataset_of(["式", "=1+2"], ["日", date(2026, 4, 1)]))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert xlsx_rows(data)[1:] == [["式", "'=1+2"], ["日", datetime(2026, 4, 1)]]


def test_blank_rows_keep_the_sheets_numbering():
    dataset = read_dataset(csv_bytes([["A"], ["1"], [], ["3"], [], []]))
    assert [row[0] for row in dataset] == ["1", None, "3"]


def zip_bytes(name: str, content: bytes) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr(name, content)
    return stream.getvalue()


def junk(size: int) -> bytes:
    """Bytes that are no text in any encoding: a repeated run of every byte value."""
    return (bytes(range(256)) * (size // 256 + 1))[:size]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf \r\n", "The file is empty."),
        (junk(spreadsheets.MAX_FILE_BYTES + 1), "larger than 10 MB"),
        (junk(10_000), "neither a CSV in UTF-8 or Shift_JIS"),
        (b"name\x00,kind\r\n1,2\r\n", "binary data"),
        ("事業所名\r\n".encode("utf-16"), "UTF-16"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "(.xls)"),
        (zip_bytes("word/document.xml", b"<w/>"), "not an Excel workbook"),
        (b"PK\x03\x04 truncated", "not an Excel workbook"),
        (xlsx_bytes([["A", "B"], ["1", "=A2*2"], ["=NOW()", ""]]), "B2, A3"),
        (csv_bytes([["A", "B"]]), "no rows under them"),
        (csv_bytes([[], ["1"]]), "no column headers"),
        (csv_bytes([["A"], ["1", "surplus"]]), "Row 2 has values to the right"),
    ],
    ids=[
        "empty",
        "only a BOM and blanks",
        "10 MB of junk",
        "junk",
        "NUL bytes",
        "UTF-16",
        "old xls",
        "zip but not xlsx",
        "broken zip",
        "formula",
        "header only",
        "no header",
        "cells beyond the header",
    ],
)
def test_what_is_not_a_spreadsheet_is_refused_clearly(data, message, settings):
    settings.LANGUAGE_CODE = "en-us"
    with pytest.raises(SpreadsheetError) as error:
        read_dataset(data)
    assert message in str(error.value)


def test_messages_are_in_japanese():
    with pytest.raises(SpreadsheetError) as error:
        read_dataset(xlsx_bytes([["A"], ["=1+1"]]))
    assert str(error.value).startswith("A2 のセルに数式があります。")
