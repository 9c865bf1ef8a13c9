"""Excel (.xlsx) export with constant memory, and a guarded .xlsx reader for imports.

Uploads are inspected with `zipfile` (size, entry count, zip bombs, macros) before openpyxl
sees them; every refusal raises `UnsafeSpreadsheet` with a Japanese message for the user.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from manabi.core.csvio import (
    CsvRow,
    RowError,
    content_disposition,
    neutralise_cell,
    to_local_naive,
)

if TYPE_CHECKING:
    from django.http import FileResponse

__all__ = [
    "XLSX_CONTENT_TYPE",
    "UnsafeSpreadsheet",
    "XlsxExport",
    "XlsxReadResult",
    "XlsxSheet",
    "cell_text",
    "check_xlsx_archive",
    "read_xlsx",
    "streaming_xlsx_response",
    "write_xlsx",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_FONT = "游ゴシック"
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_SHEET_NAME = 31
_EXACT_NUMBER_LIMIT = 10**15  # Excel keeps 15 significant digits; longer numbers go as text
_MIB = 1024 * 1024


class UnsafeSpreadsheet(ValueError):
    """An uploaded spreadsheet that is refused or cannot be read; str() is for the user."""


# ---------------------------------------------------------------------------
# Writer
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class XlsxSheet:
    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]


def _display_width(text: str) -> int:
    """Width in Excel character units: full-width (Japanese) characters count as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤31 chars, none of []:*?/\\)."""
    title = "".join("_" if ch in "[]:*?/\\" else ch for ch in name if ch.isprintable())
    title = title.strip().strip("'")[:EXCEL_MAX_SHEET_NAME] or "Sheet1"
    candidate, counter = title, 2
    while candidate.casefold() in taken:
        suffix = f"({counter})"
        candidate = title[: EXCEL_MAX_SHEET_NAME - len(suffix)] + suffix
        counter += 1
    taken.add(candidate.casefold())
    return candidate


class XlsxExport:
    """Streaming .xlsx writer (xlsxwriter constant-memory mode); use as a context manager.

    Cells: strings go through `csvio.neutralise_cell` and are always written as text; numbers
    as numbers (integers beyond 15 digits as text, since Excel would round them); dates as real
    Excel dates (yyyy/mm/dd); aware datetimes in the current Django time zone; bools as TRUE/FALSE.
    """

    width_sample_rows = 100

    def __init__(
        self,
        target: IO[bytes] | str | os.PathLike[str],
        *,
        font_name: str = DEFAULT_FONT,
    ) -> None:
        font = {
            "font_name": font_name,
            "font_size": 11,
            "font_charset": 128,  # SHIFTJIS_CHARSET: lets Excel pick the Japanese font face
            "font_scheme": "none",  # not tied to the (Calibri) theme font
        }
        self._book: Any = xlsxwriter.Workbook(
            os.fspath(target) if isinstance(target, str | os.PathLike) else target,
            {
                "constant_memory": True,
                "in_memory": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_format_properties": font,
            },
        )
        self._header_format = self._book.add_format(
            {"bold": True, "bg_color": "#EEF2F7", "bottom": 1, "text_wrap": True}
        )
        self._date_format = self._book.add_format({"num_format": "yyyy/mm/dd"})
        self._datetime_format = self._book.add_format({"num_format": "yyyy/mm/dd hh:mm:ss"})
        self._time_format = self._book.add_format({"num_format": "hh:mm:ss"})
        self._wrap_format = self._book.add_format({"text_wrap": True, "valign": "top"})
        self._titles: set[str] = set()
        self._closed = False

    def __enter__(self) -> XlsxExport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Assemble the .xlsx into the target (idempotent)."""
        if not self._closed:
            self._closed = True
            self._book.close()

    def add_sheet(
        self, name: str, *, header: Sequence[str], rows: Iterable[Sequence[object]]
    ) -> int:
        """Write one sheet completely (header row frozen, with a filter); returns data rows."""
        sheet: Any = self._book.add_worksheet(_sheet_title(name, self._titles))
        widths = [max(8, _display_width(str(title)) + 2) for title in header]
        for col, title in enumerate(header):
            sheet.write_string(0, col, neutralise_cell(title), self._header_format)
        sheet.freeze_panes(1, 0)
        count = 0
        last_col = len(header) - 1
        for count, row in enumerate(rows, start=1):
            if count >= EXCEL_MAX_ROWS:
                raise ValueError(
                    f"Excel の行数上限({EXCEL_MAX_ROWS - 1:,}行)を超えるため出力できません。"
                    "CSV で出力してください。"
                )
            sample = count <= self.width_sample_rows
            for col, value in enumerate(row):
                text = self._write_cell(sheet, count, col, value)
                if sample and text:
                    if col >= len(widths):
                        widths.extend([8] * (col + 1 - len(widths)))
                    longest = max(_display_width(line) for line in text.split("\n"))
                    widths[col] = max(widths[col], longest + 2)
            last_col = max(last_col, len(row) - 1)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(width, 60))
        if last_col >= 0:
            sheet.autofilter(0, 0, count, last_col)
        return count

    def _write_cell(self, sheet: Any, row: int, col: int, value: object) -> str:
        """Write one cell; returns its approximate display text (for column widths)."""
        if value is None:
            return ""
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
            return "FALSE"
        if isinstance(value, int | float | Decimal) and _fits_excel_number(value):
            sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value)
            return str(value)
        if isinstance(value, datetime):
            sheet.write_datetime(row, col, to_local_naive(value), self._datetime_format)
            return "2000/01/01 00:00:00"
        if isinstance(value, date):
            sheet.write_datetime(row, col, value, self._date_format)
            return "2000/01/01"
        if isinstance(value, time):
            sheet.write_datetime(row, col, value.replace(tzinfo=None), self._time_format)
            return "00:00:00"
        text = neutralise_cell(value)
        if "\n" in text:
            sheet.write_string(row, col, text, self._wrap_format)
        else:
            sheet.write_string(row, col, text)
        return text


def _fits_excel_number(value: int | float | Decimal) -> bool:
    if isinstance(value, int):
        return abs(value) < _EXACT_NUMBER_LIMIT
    return math.isfinite(value) and -_EXACT_NUMBER_LIMIT < value < _EXACT_NUMBER_LIMIT


def write_xlsx(target: IO[bytes] | str | os.PathLike[str], sheets: Iterable[XlsxSheet]) -> None:
    """Write sheets to a path or binary file object (left open, positioned at the end)."""
    with XlsxExport(target) as export:
        for sheet in sheets:
            export.add_sheet(sheet.name, header=sheet.header, rows=sheet.rows)


def streaming_xlsx_response(
    rows: Iterable[Sequence[object]],
    *,
    filename: str,
    header: Sequence[str],
    sheet_name: str = "Sheet1",
) -> FileResponse:
    """Build the .xlsx in an anonymous temporary file on disk and return it as a download."""
    from django.http import FileResponse

    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        write_xlsx(file, [XlsxSheet(sheet_name, header, rows)])
        file.seek(0)
    except BaseException:
        file.close()
        raise
    response = FileResponse(file, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------
# Reader
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class XlsxReadResult:
    """`rows` use `csvio.CsvRow` (`number` = Excel row); values are padded to the header."""

    sheet_name: str
    header: list[str]
    rows: list[CsvRow]
    errors: list[RowError] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_XLSX = (
    "Excel(.xlsx)形式ではありません。Excel で「Excel ブック(*.xlsx)」として保存してください。"
)
_MACRO = "マクロを含むファイル(.xlsm)は受け付けません。マクロなしの .xlsx 形式で保存してください。"
_RATIO_MIN_SIZE = _MIB  # small parts may compress extremely well without being a bomb


def _mib(size: int) -> str:
    return f"{size / _MIB:.1f}MB"


def check_xlsx_archive(
    source: IO[bytes],
    *,
    max_bytes: int = 20 * _MIB,
    max_uncompressed: int = 200 * _MIB,
    max_ratio: int = 100,
    max_entries: int = 10_000,
) -> None:
    """Refuse anything but a plain, reasonably sized .xlsx; raises `UnsafeSpreadsheet`.

    Declared sizes are trustworthy here: `zipfile` stops at the declared size and fails the CRC.
    """
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(0)
    if size > max_bytes:
        raise UnsafeSpreadsheet(
            f"ファイルが大きすぎます({_mib(size)})。{_mib(max_bytes)} 以下にしてください。"
        )
    magic = source.read(len(_OLE2_MAGIC))
    source.seek(0)
    if magic == _OLE2_MAGIC:
        raise UnsafeSpreadsheet(
            "古い Excel 形式(.xls)またはパスワード付きのファイルは読み込めません。"
            "パスワードを外し、.xlsx 形式で保存してください。"
        )
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UnsafeSpreadsheet(_NOT_XLSX) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries:
            raise UnsafeSpreadsheet(
                f"ファイル内の要素が多すぎます({len(entries):,}個、上限 {max_entries:,}個)。"
                "Excel(.xlsx)ファイルとして読み込めません。"
            )
        names = {info.filename.lower() for info in entries}
        if any(name.rsplit("/", 1)[-1].startswith("vbaproject") for name in names):
            raise UnsafeSpreadsheet(_MACRO)
        total = 0
        for info in entries:
            if info.flag_bits & 0x1:
                raise UnsafeSpreadsheet(
                    "暗号化されたファイルは読み込めません。パスワードを外して保存してください。"
                )
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_MIN_SIZE and ratio > max_ratio:
                raise UnsafeSpreadsheet(
                    f"圧縮率が異常に高い要素があります({info.filename}: {ratio:.0f}倍)。"
                    "安全のため読み込みません。"
                )
        if total > max_uncompressed:
            raise UnsafeSpreadsheet(
                f"展開後のサイズが大きすぎます({_mib(total)}、上限 {_mib(max_uncompressed)})。"
                "シートを分けるか、不要な書式・画像を削除してください。"
            )
        if "[content_types].xml" not in names:
            raise UnsafeSpreadsheet(_NOT_XLSX)
        content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower()
    if "macroenabled" in content_types or "vbaproject" in content_types:
        raise UnsafeSpreadsheet(_MACRO)
    if "spreadsheetml" not in content_types:
        raise UnsafeSpreadsheet(_NOT_XLSX)
    source.seek(0)


def _round_seconds(value: datetime) -> datetime:
    """Excel stores times as fractions of a day; snap float noise to whole seconds."""
    return (value + timedelta(microseconds=500_000)).replace(microsecond=0)


def cell_text(value: object) -> str:
    """Text of an Excel cell value as a user would read it (ints without ".0", ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_NUMBER_LIMIT:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        value = _round_seconds(value)
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        moment = _round_seconds(datetime.combine(date(2000, 1, 1), value))
        return moment.time().isoformat()
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)


def read_xlsx(
    data: bytes | IO[bytes],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    max_bytes: int = 20 * _MIB,
    max_uncompressed: int = 200 * _MIB,
    max_ratio: int = 100,
    max_entries: int = 10_000,
    max_rows: int | None = None,
) -> XlsxReadResult:
    """Read one sheet (the first, or `sheet`) of an uploaded .xlsx as text.

    The header is `header_row` or else the first non-empty row; fully empty rows are skipped.
    Cached values are read (formulas are never evaluated); error values such as #N/A become
    "" plus a `RowError`. Raises `UnsafeSpreadsheet` when the file is refused.
    """
    source: IO[bytes] = io.BytesIO(data) if isinstance(data, bytes) else data
    if not source.seekable():
        source = io.BytesIO(source.read(max_bytes + 1))
    check_xlsx_archive(
        source,
        max_bytes=max_bytes,
        max_uncompressed=max_uncompressed,
        max_ratio=max_ratio,
        max_entries=max_entries,
    )
    try:
        book: Any = load_workbook(source, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise UnsafeSpreadsheet(
            "Excel ファイルを読み込めませんでした。ファイルが壊れている可能性があります。"
        ) from exc
    try:
        return _read_sheet(book, sheet=sheet, header_row=header_row, max_rows=max_rows)
    finally:
        book.close()


def _read_sheet(
    book: Any, *, sheet: str | None, header_row: int | None, max_rows: int | None
) -> XlsxReadResult:
    if sheet is None:
        if not book.worksheets:
            raise UnsafeSpreadsheet("ワークシートがありません。")
        worksheet: Any = book.worksheets[0]
    elif sheet in book.sheetnames and book[sheet] in book.worksheets:
        worksheet = book[sheet]
    else:
        names = "、".join(f"「{name}」" for name in book.sheetnames)
        raise UnsafeSpreadsheet(f"シート「{sheet}」が見つかりません(あるシート: {names})。")
    worksheet.reset_dimensions()  # declared dimensions may be wrong: read what is there

    result = XlsxReadResult(sheet_name=str(worksheet.title), header=[], rows=[])
    header: list[str] | None = None
    try:
        rows = enumerate(worksheet.iter_rows(), start=1)
        for number, cells in rows:
            if header_row is not None and number < header_row:
                continue
            values = [
                _cell_value(cell, number, col, header, result.errors)
                for col, cell in enumerate(cells)
            ]
            if not any(values):
                continue
            if header is None:
                while values and not values[-1]:
                    values.pop()
                header = result.header = values
                continue
            if max_rows is not None and len(result.rows) >= max_rows:
                result.truncated = True
                result.errors.append(
                    RowError.at(
                        number,
                        f"データ行が上限の {max_rows} 行を超えています。"
                        "この行以降は読み込んでいません。ファイルを分割してください。",
                    )
                )
                break
            if len(values) < len(header):
                values.extend([""] * (len(header) - len(values)))
            while len(values) > len(header) and not values[-1]:
                values.pop()
            result.rows.append(CsvRow(number, values))
    except UnsafeSpreadsheet:
        raise
    except Exception as exc:
        raise UnsafeSpreadsheet(
            "Excel ファイルのシートを読み込めませんでした。ファイルが壊れている可能性があります。"
        ) from exc
    if header is None:
        result.errors.append(RowError.at(0, "シートにデータがありません(見出し行もありません)。"))
    return result


def _cell_value(
    cell: Any, row: int, col: int, header: list[str] | None, errors: list[RowError]
) -> str:
    value = cell.value
    if getattr(cell, "data_type", None) == "e" and value is not None:
        letter = get_column_letter(col + 1)
        name = header[col] if header is not None and col < len(header) and header[col] else None
        errors.append(
            RowError.at(
                row,
                f"{letter}{row} セルが数式のエラー({value})になっています。"
                "値を入力し直してください。",
                column=name or f"{letter}列",
                value=str(value),
            )
        )
        return ""
    return cell_text(value)
