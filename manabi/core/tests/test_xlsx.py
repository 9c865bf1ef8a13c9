import io
import os
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from manabi.core.csvio import CsvRow, content_disposition
from manabi.core.xlsx import (
    XLSX_CONTENT_TYPE,
    UnsafeSpreadsheet,
    XlsxExport,
    XlsxSheet,
    check_xlsx_archive,
    read_xlsx,
    streaming_xlsx_response,
    write_xlsx,
)

HEADER = ["氏名", "生年月日", "備考", "点数"]
ROWS: list[list[object]] = [
    ["山田 太郎", date(2015, 4, 2), "=1+1", 95],
    ["𠮷田 花子", date(2014, 12, 31), "-5", -5],
    ["髙橋 一郎", None, "@SUM(A1)", 3.5],
]


def _xlsx(rows: list[list[object]] = ROWS, header: list[str] = HEADER, name: str = "名簿") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, [XlsxSheet(name, header, rows)])
    return buffer.getvalue()


def _rezip(data: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None) -> bytes:
    """Copy an .xlsx, replacing and adding parts."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in extra.items():
            dst.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- writer -----------------------------------------------------------------------------


def test_written_workbook_has_text_dates_numbers_and_a_frozen_bold_header() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_xlsx()))
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "名簿"
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A1"].font.b
    assert sheet["A1"].font.name == "游ゴシック"
    assert sheet["A2"].font.name == "游ゴシック"
    assert sheet.freeze_panes == "A2"
    assert sheet["A3"].value == "𠮷田 花子"
    assert sheet["B2"].value == datetime(2015, 4, 2)
    assert sheet["B2"].is_date
    assert sheet["B2"].number_format == "yyyy/mm/dd"
    assert sheet["D2"].value == 95
    assert sheet["D3"].value == -5
    assert sheet["D3"].data_type == "n"
    # Formula-looking strings are stored as text (never as formulas) and neutralised.
    for ref, text in [("C2", "'=1+1"), ("C3", "'-5"), ("C4", "'@SUM(A1)")]:
        assert sheet[ref].data_type == "s", ref
        assert sheet[ref].value == text


def test_column_widths_follow_header_and_content() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_xlsx([["あ" * 20, "x"]], ["見出し", "x"])))
    sheet = book.active
    assert sheet is not None
    assert sheet.column_dimensions["A"].width >= 40
    assert 8 <= sheet.column_dimensions["B"].width < 12


def test_strings_are_never_formulas_or_urls_and_long_numbers_stay_exact() -> None:
    rows: list[list[object]] = [
        ["=cmd|' /C calc'!A0", "https://example.jp/", "0123", 12345678901234567890, True]
    ]
    with zipfile.ZipFile(io.BytesIO(_xlsx(rows, ["a", "b", "c", "d", "e"]))) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet_xml
        assert "hyperlink" not in sheet_xml
    book = openpyxl.load_workbook(io.BytesIO(_xlsx(rows, ["a", "b", "c", "d", "e"])))
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == [
        "'=cmd|' /C calc'!A0",
        "https://example.jp/",
        "0123",
        "12345678901234567890",
        True,
    ]


def test_several_sheets_with_invalid_and_duplicate_names() -> None:
    buffer = io.BytesIO()
    with XlsxExport(buffer) as export:
        assert export.add_sheet("4/1 [集計]", header=["a"], rows=[[1], [2]]) == 2
        assert export.add_sheet("4/1 [集計]", header=["a"], rows=[]) == 0
        export.add_sheet("x" * 40, header=["a"], rows=[[1]])
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["4_1 _集計_", "4_1 _集計_(2)", "x" * 31]


def test_write_to_a_path(tmp_path: Path) -> None:
    path = tmp_path / "出力.xlsx"
    write_xlsx(path, [XlsxSheet("s", ["a"], [["b"]])])
    assert read_xlsx(path.read_bytes()).rows == [CsvRow(2, ["b"])]


# --- reader --------------------------------------------------------------------------------


def test_round_trip() -> None:
    result = read_xlsx(_xlsx())
    assert result.sheet_name == "名簿"
    assert result.header == HEADER
    assert result.rows == [
        CsvRow(2, ["山田 太郎", "2015-04-02", "'=1+1", "95"]),
        CsvRow(3, ["𠮷田 花子", "2014-12-31", "'-5", "-5"]),
        CsvRow(4, ["髙橋 一郎", "", "'@SUM(A1)", "3.5"]),
    ]
    assert result.ok


def test_reader_converts_values_like_a_user_reads_them() -> None:
    rows: list[list[object]] = [
        [3.0, 0.1 + 0.2, Decimal("2.50"), datetime(2025, 4, 1, 9, 30), True, False, "  そのまま "]
    ]
    result = read_xlsx(_xlsx(rows, ["a", "b", "c", "d", "e", "f", "g"]))
    assert result.rows[0].values == [
        "3",
        "0.3",
        "2.5",
        "2025-04-01 09:30:00",
        "1",
        "0",
        "  そのまま ",
    ]


def test_reader_skips_empty_rows_and_keeps_excel_row_numbers() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("一覧")
    sheet.write(0, 0, "令和7年度 研修受講者")  # title row above the header
    sheet.write_row(2, 0, ["氏名", "学校", ""])
    sheet.write_row(3, 0, ["山田", "第一小"])
    sheet.write_row(6, 0, ["佐藤"])
    sheet.write(7, 5, None, book.add_format({"bold": True}))  # formatted but empty cell
    book.close()
    data = buffer.getvalue()

    first = read_xlsx(data)
    assert first.header == ["令和7年度 研修受講者"]

    result = read_xlsx(data, header_row=3)
    assert result.header == ["氏名", "学校"]
    assert result.rows == [CsvRow(4, ["山田", "第一小"]), CsvRow(7, ["佐藤", ""])]


def test_reader_picks_a_named_sheet_and_reports_missing_ones() -> None:
    buffer = io.BytesIO()
    with XlsxExport(buffer) as export:
        export.add_sheet("表紙", header=["説明"], rows=[])
        export.add_sheet("データ", header=["氏名"], rows=[["山田"]])
    data = buffer.getvalue()
    assert read_xlsx(data).sheet_name == "表紙"
    assert read_xlsx(data, sheet="データ").rows == [CsvRow(2, ["山田"])]
    with pytest.raises(UnsafeSpreadsheet, match=r"シート「集計」が見つかりません.*「データ」"):
        read_xlsx(data, sheet="集計")


def test_reader_reports_formula_errors() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["氏名", "学校"])
    sheet.write_row(1, 0, ["山田"])
    sheet.write_formula(1, 1, "=VLOOKUP(A2,X:Y,2,FALSE)", None, "#N/A")
    book.close()
    result = read_xlsx(buffer.getvalue())
    assert result.rows == [CsvRow(2, ["山田", ""])]
    [error] = result.errors
    assert (error.row, error.column, error.value) == (2, "学校", "#N/A")
    assert error.message.startswith("2行目「学校」: B2 セルが数式のエラー(#N/A)")


def test_reader_max_rows() -> None:
    result = read_xlsx(_xlsx([[i] for i in range(5)], ["n"]), max_rows=3)
    assert [r.values for r in result.rows] == [["0"], ["1"], ["2"]]
    assert result.truncated
    assert [e.row for e in result.errors] == [5]


def test_reader_accepts_a_file_object() -> None:
    assert read_xlsx(io.BytesIO(_xlsx())).header == HEADER


def test_empty_sheet_is_an_error_not_an_exception() -> None:
    result = read_xlsx(_xlsx([], []))
    assert result.header == []
    assert [e.row for e in result.errors] == [0]


# --- refusals --------------------------------------------------------------------------------


def test_refuses_non_zip() -> None:
    with pytest.raises(UnsafeSpreadsheet, match=r"Excel\(\.xlsx\)形式ではありません"):
        read_xlsx("氏名,学校\r\n".encode())


def test_refuses_old_xls_and_encrypted_files() -> None:
    with pytest.raises(UnsafeSpreadsheet, match=r"\.xls"):
        read_xlsx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)


def test_refuses_zip_that_is_not_a_spreadsheet() -> None:
    docx = _rezip(
        _xlsx(),
        {},
        replace={
            "[Content_Types].xml": b"<Types><Override ContentType='wordprocessingml'/></Types>"
        },
    )
    with pytest.raises(UnsafeSpreadsheet, match="形式ではありません"):
        read_xlsx(docx)
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnsafeSpreadsheet, match="形式ではありません"):
        read_xlsx(plain.getvalue())


def test_refuses_macro_files() -> None:
    with_vba = _rezip(_xlsx(), {"xl/vbaProject.bin": b"\x00" * 64})
    with pytest.raises(UnsafeSpreadsheet, match=r"マクロを含むファイル\(\.xlsm\)は受け付けません"):
        read_xlsx(with_vba)


def test_refuses_macro_enabled_content_type() -> None:
    data = _xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert b"macroEnabled" in types
    with pytest.raises(UnsafeSpreadsheet, match="マクロ"):
        read_xlsx(_rezip(data, {}, replace={"[Content_Types].xml": types}))


def test_refuses_zip_bomb() -> None:
    bomb = _rezip(_xlsx(), {"xl/media/image1.png": b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000  # 8 MiB of zeros deflate to a few kilobytes
    with pytest.raises(UnsafeSpreadsheet, match="圧縮率が異常に高い"):
        read_xlsx(bomb)


def test_refuses_too_much_uncompressed_data() -> None:
    big = _rezip(_xlsx(), {"xl/media/image1.bin": os.urandom(2 * 1024 * 1024)})
    assert read_xlsx(big).header == HEADER  # fine within the default limits
    with pytest.raises(UnsafeSpreadsheet, match="展開後のサイズが大きすぎます"):
        read_xlsx(big, max_uncompressed=1024 * 1024)


def test_refuses_too_many_entries() -> None:
    many = _rezip(_xlsx(), {f"customXml/item{i}.xml": b"<a/>" for i in range(10_001)})
    with pytest.raises(UnsafeSpreadsheet, match="要素が多すぎます"):
        read_xlsx(many)
    with pytest.raises(UnsafeSpreadsheet, match="要素が多すぎます"):
        read_xlsx(_xlsx(), max_entries=5)


def test_refuses_too_large_files_before_opening_them() -> None:
    with pytest.raises(UnsafeSpreadsheet, match="ファイルが大きすぎます"):
        read_xlsx(b"\x00" * 2048, max_bytes=1024)


def test_check_leaves_the_file_usable() -> None:
    source = io.BytesIO(_xlsx())
    check_xlsx_archive(source)
    assert source.tell() == 0


def test_corrupt_xlsx_is_refused_not_crashed() -> None:
    broken = _rezip(_xlsx(), {}, replace={"xl/workbook.xml": b"<not-xml"})
    with pytest.raises(UnsafeSpreadsheet, match="読み込めませんでした"):
        read_xlsx(broken)


# --- Django response ---------------------------------------------------------------------


def test_streaming_xlsx_response() -> None:
    response = streaming_xlsx_response(
        iter(ROWS), filename="研修受講履歴_令和7年度.xlsx", header=HEADER, sheet_name="受講履歴"
    )
    try:
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"] == content_disposition("研修受講履歴_令和7年度.xlsx")
        body = b"".join(response.streaming_content)  # type: ignore[arg-type]
        assert int(response["Content-Length"]) == len(body)
        result = read_xlsx(body)
        assert result.sheet_name == "受講履歴"
        assert result.rows[0].values[0] == "山田 太郎"
    finally:
        response.file_to_stream.close()  # response.close() would signal request_finished


def test_aware_datetimes_are_written_in_the_django_time_zone() -> None:
    # settings.TIME_ZONE is Asia/Tokyo; Excel has no time zones.
    result = read_xlsx(_xlsx([[datetime(2025, 3, 31, 15, 0, tzinfo=UTC)]], ["日時"]))
    assert result.rows[0].values == ["2025-04-01"]
