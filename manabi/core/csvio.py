"""CSV export and import for Japanese spreadsheets (Excel on Windows and Mac).

Writing streams one row at a time, in UTF-8 with BOM or CP932, with formula neutralisation.
Reading detects UTF-8 / UTF-8 with BOM / CP932 and reports undecodable bytes by row.
`RowError` is the per-row error type shared by every import.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from django.http import StreamingHttpResponse

__all__ = [
    "GETA",
    "CsvEncoding",
    "CsvReadResult",
    "CsvRow",
    "DetectedEncoding",
    "EncodingReport",
    "Replacement",
    "RowError",
    "content_disposition",
    "csv_rows",
    "is_formula_like",
    "location_label",
    "neutralise_cell",
    "read_csv",
    "streaming_csv_response",
    "to_local_naive",
    "unneutralise_cell",
]

CsvEncoding = Literal["utf-8-sig", "cp932"]
DetectedEncoding = Literal["utf-8-sig", "utf-8", "cp932"]

GETA = "〓"
"""Stand-in for characters CP932 cannot hold (GETA MARK, 0x81AC in CP932)."""

CONTENT_TYPES: dict[CsvEncoding, str] = {
    "utf-8-sig": "text/csv; charset=utf-8",
    "cp932": "text/csv; charset=windows-31j",
}

# ---------------------------------------------------------------------------
# Shared per-row error type
# ---------------------------------------------------------------------------


def location_label(row: int, column: str | None = None) -> str:
    """Japanese location prefix: "3行目「氏名」", or "ファイル全体" for row 0."""
    label = f"{row}行目" if row > 0 else "ファイル全体"
    return f"{label}「{column}」" if column else label


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem found while importing, tied to a row (0 = the file as a whole).

    `message` is a complete Japanese sentence that already names the row (and column).
    """

    row: int
    column: str | None
    value: str | None
    message: str

    @classmethod
    def at(
        cls, row: int, detail: str, *, column: str | None = None, value: str | None = None
    ) -> RowError:
        """Build an error whose message is prefixed with its location ("3行目「氏名」: …")."""
        return cls(
            row=row, column=column, value=value, message=f"{location_label(row, column)}: {detail}"
        )

    def as_dict(self) -> dict[str, int | str | None]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


# ---------------------------------------------------------------------------
# Cell conversion and formula neutralisation
# ---------------------------------------------------------------------------

# OWASP "CSV Injection": =, +, -, @, TAB, CR. Japanese Excel also turns full-width =, +, -, @
# typed into a cell into a formula, so those are neutralised too (an apostrophe is harmless).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NEWLINES = re.compile(r"\r\n?")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would treat this text as the start of a formula."""
    return text.startswith(_FORMULA_PREFIXES)


def neutralise_cell(value: object) -> str:
    """Text for one spreadsheet cell; strings that could start a formula get a leading "'".

    - None → ""; bool → "1" / "0" (True / False; bool is checked before int).
    - int / float / Decimal → the number as written (no exponent for Decimal); a negative
      *number* is not a formula and is not prefixed — only strings are.
    - date → "YYYY-MM-DD"; datetime → "YYYY-MM-DD HH:MM:SS" (Excel reads both as dates).
      Aware datetimes are first converted to the current Django time zone.
    - anything else → str(value), then treated as a string.
    Line breaks inside text are normalised to LF, which Excel shows as a line break in a cell.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return to_local_naive(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str.__str__(value) if isinstance(value, str) else str(value)
    if is_formula_like(text):
        text = "'" + text
    return _NEWLINES.sub("\n", text) if "\r" in text else text


def unneutralise_cell(text: str) -> str:
    """Undo `neutralise_cell` on imported text ("'=1+1" → "=1+1"); other text is unchanged."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def to_local_naive(value: datetime) -> datetime:
    """Aware datetimes in the current Django time zone, without tzinfo (spreadsheets have none)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=None)
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None)


# ---------------------------------------------------------------------------
# CP932 conversion with a replacement report
# ---------------------------------------------------------------------------

# Characters that Japanese users type through Unicode-based software (macOS, web forms) whose
# Windows (CP932) counterpart is a different code point. CPython's cp932 encoder already
# accepts some of them (WAVE DASH, MINUS SIGN, DOUBLE VERTICAL LINE, ¢ £ ¬); EM DASH, YEN SIGN,
# OVERLINE and BROKEN BAR it refuses. Mapping them all explicitly keeps the behaviour visible.
CP932_SUBSTITUTES: dict[str, str] = {
    "\u301c": "\uff5e",  # 〜 WAVE DASH → ～ FULLWIDTH TILDE (0x8160)
    "\u2212": "\uff0d",  # − MINUS SIGN → － FULLWIDTH HYPHEN-MINUS (0x817C)
    "\u2014": "\u2015",  # — EM DASH → ― HORIZONTAL BAR (0x815C)
    "\u2016": "\u2225",  # ‖ DOUBLE VERTICAL LINE → ∥ PARALLEL TO (0x8161)
    "\u00a2": "\uffe0",  # ¢ → ￠ (0x8191)
    "\u00a3": "\uffe1",  # £ → ￡ (0x8192)
    "\u00ac": "\uffe2",  # ¬ → ￢ (0x81CA)
    "\u00a5": "\uffe5",  # ¥ → ￥ (0x818F)
    "\u203e": "\uffe3",  # ‾ OVERLINE → ￣ (0x8150)
    "\u00a6": "\uffe4",  # ¦ BROKEN BAR → ￤ (0xEEFA)
}
_CP932_TABLE = str.maketrans(CP932_SUBSTITUTES)


def _is_dropped(char: str) -> bool:
    """Invisible modifiers with no CP932 form: dropped instead of becoming a visible 〓."""
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or code == 0x200D


@dataclass(frozen=True, slots=True)
class Replacement:
    """One character changed because CP932 cannot hold it."""

    row: int
    column: int
    column_name: str | None
    character: str
    code_point: int
    replacement: str

    @property
    def message(self) -> str:
        where = f"{self.row}行目 {self.column}列目"
        if self.column_name:
            where += f"「{self.column_name}」"
        new = f"「{self.replacement}」に置き換えました" if self.replacement else "削除しました"
        codes = " ".join(f"U+{ord(char):04X}" for char in self.character)
        return f"{where}: 「{self.character}」({codes}) は Shift_JIS(CP932) で表せないため{new}。"


@dataclass(slots=True)
class EncodingReport:
    """Characters replaced while writing CP932; keeps the first `limit` entries, counts all."""

    limit: int = 1000
    replacements: list[Replacement] = field(default_factory=list)
    total: int = 0

    def add(self, replacement: Replacement) -> None:
        self.total += 1
        if len(self.replacements) < self.limit:
            self.replacements.append(replacement)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.replacements)

    def messages(self) -> list[str]:
        lines = [r.message for r in self.replacements]
        if self.truncated:
            lines.append(f"ほか {self.total - len(self.replacements)} 件の置き換えがあります。")
        return lines


def _to_cp932_text(
    text: str, *, row: int, column: int, column_name: str | None, report: EncodingReport | None
) -> str:
    """Text that CP932 can encode: known substitutes first, then 〓 for what is left."""
    text = text.translate(_CP932_TABLE)
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        pass
    else:
        return text
    out: list[str] = []
    for char in text:
        try:
            char.encode("cp932")
        except UnicodeEncodeError:
            pass
        else:
            out.append(char)
            continue
        new = GETA
        if _is_dropped(char):
            new = ""
        elif unicodedata.combining(char) and out:
            # e.g. "か" + U+3099 (decomposed text from macOS) → "が".
            composed = unicodedata.normalize("NFC", out[-1] + char)
            if len(composed) == 1 and _encodable(composed):
                char, new = out.pop() + char, composed
        out.append(new)
        if report is not None:
            report.add(Replacement(row, column, column_name, char, ord(char[-1]), new))
    return "".join(out)


def _encodable(text: str) -> bool:
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


# ---------------------------------------------------------------------------
# Writer
# ---------------------------------------------------------------------------


def csv_rows(
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[str] | None,
    encoding: CsvEncoding = "utf-8-sig",
    report: EncodingReport | None = None,
) -> Iterator[bytes]:
    """Encoded CSV, one chunk per row (the BOM rides on the first chunk), CRLF line endings.

    Every cell goes through `neutralise_cell`. For CP932, characters the codec cannot hold become
    "〓" and are recorded in `report` (row 1 is the header when there is one).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = list(header) if header is not None else []
    prefix = "\ufeff" if encoding == "utf-8-sig" else ""
    codec = "utf-8" if encoding == "utf-8-sig" else "cp932"
    all_rows: Iterable[Sequence[object]] = rows if header is None else _prepend(header, rows)
    for number, row in enumerate(all_rows, start=1):
        cells = [neutralise_cell(value) for value in row]
        if encoding == "cp932":
            cells = [
                text
                if text.isascii()
                else _to_cp932_text(
                    text,
                    row=number,
                    column=index,
                    column_name=names[index - 1] if index <= len(names) else None,
                    report=report,
                )
                for index, text in enumerate(cells, start=1)
            ]
        writer.writerow(cells)
        chunk = prefix + buffer.getvalue()
        prefix = ""
        buffer.seek(0)
        buffer.truncate()
        yield chunk.encode(codec, "replace")  # only lone surrogates can still fail here
    if prefix:  # no rows at all: still a valid (empty) UTF-8 file with its BOM
        yield prefix.encode(codec)


def _prepend(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
    yield header
    yield from rows


_FILENAME_DROP = re.compile(r"[\"\x00-\x1f\x7f-\x9f]")
_FILENAME_UNSAFE = re.compile(r"[/\\<>:|?*]")
_FALLBACK_UNSAFE = re.compile(r"[^\x20-\x7e]|[%;,'`]")
_RFC5987_SAFE = "!#$&+^`|"  # plus letters, digits and "_.-~", which quote() never escapes


def _clean_filename(filename: str) -> str:
    name = "".join(ch for ch in filename if unicodedata.category(ch) not in {"Cc", "Cf"})
    name = _FILENAME_DROP.sub("", name)
    name = _FILENAME_UNSAFE.sub("_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[:120].strip(" .")
    if not stem:
        stem = "download"
    return f"{stem}.{ext[:16]}" if ext else stem


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """Content-Disposition with an ASCII fallback and an RFC 5987 UTF-8 name (RFC 6266).

    Path separators, quotes, control and bidi/format characters are removed first, so the
    name can never point elsewhere or disguise its extension.
    """
    name = _clean_filename(filename)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    fallback_stem = re.sub(r"_+", "_", _FALLBACK_UNSAFE.sub("_", stem))
    if not fallback_stem.strip("_ "):
        fallback_stem = "download"
    fallback_ext = _FALLBACK_UNSAFE.sub("_", ext)
    fallback = f"{fallback_stem}.{fallback_ext}" if fallback_ext else fallback_stem
    kind = "inline" if inline else "attachment"
    encoded = urllib.parse.quote(name, safe=_RFC5987_SAFE, encoding="utf-8")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def _batched(chunks: Iterable[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """Join row chunks into ~64 KiB writes (fewer socket writes, memory still bounded)."""
    batch: list[bytes] = []
    length = 0
    for chunk in chunks:
        batch.append(chunk)
        length += len(chunk)
        if length >= size:
            yield b"".join(batch)
            batch, length = [], 0
    if batch:
        yield b"".join(batch)


def streaming_csv_response(
    rows: Iterable[Sequence[object]],
    *,
    filename: str,
    header: Sequence[str] | None,
    encoding: CsvEncoding = "utf-8-sig",
    report: EncodingReport | None = None,
) -> StreamingHttpResponse:
    """A download response that streams `csv_rows` (never holds the whole file in memory)."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(
        _batched(csv_rows(rows, header=header, encoding=encoding, report=report)),
        content_type=CONTENT_TYPES[encoding],
    )
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------
# Reader
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data record: `number` is the line (Excel row) where it starts, 1-based."""

    number: int
    values: list[str]


@dataclass(slots=True)
class CsvReadResult:
    encoding: DetectedEncoding
    header: list[str]
    rows: list[CsvRow]
    errors: list[RowError]
    truncated: bool = False
    """True when reading stopped at `max_rows`."""

    @property
    def ok(self) -> bool:
        return not self.errors


_UTF8_BOM = b"\xef\xbb\xbf"
# Undecodable bytes (surrogateescape) and, for CP932, the bytes CPython maps to U+0080 and
# private-use U+F8F0–F8F3 (0x80, 0xA0, 0xFD–0xFF), which never occur in real Japanese text.
_BAD_UTF8 = re.compile("[\udc80-\udcff]+")
_BAD_CP932 = re.compile("[\udc80-\udcff\u0080\uf8f0-\uf8f3]+")
_CP932_SINGLE_BYTES = {0x80: 0x80, 0xF8F0: 0xA0, 0xF8F1: 0xFD, 0xF8F2: 0xFE, 0xF8F3: 0xFF}
_HEX_SHOWN = 8

_SAVE_AS = "UTF-8 か Shift_JIS(CP932) で保存してください。"


def _decode_line(raw: bytes, codec: str) -> tuple[str, bytes]:
    """Decode one physical line; bad bytes become U+FFFD and are returned as well."""
    text = raw.decode(codec, "surrogateescape")
    pattern = _BAD_CP932 if codec == "cp932" else _BAD_UTF8
    if not pattern.search(text):
        return text, b""
    bad = bytearray()

    def replace(match: re.Match[str]) -> str:
        for char in match.group():
            code = ord(char)
            bad.append(code - 0xDC00 if 0xDC80 <= code <= 0xDCFF else _CP932_SINGLE_BYTES[code])
        return "\ufffd"

    return pattern.sub(replace, text), bytes(bad)


def _line_is_bad(raw: bytes, codec: str) -> bool:
    return bool(_decode_line(raw, codec)[1])


def _detect(data: bytes, lines: list[bytes]) -> DetectedEncoding:
    if data.startswith(_UTF8_BOM):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    utf8_ok = utf8_bad = cp932_bad = 0
    for raw in lines:
        if raw.isascii():
            continue
        if _line_is_bad(raw, "utf-8"):
            utf8_bad += 1
        else:
            utf8_ok += 1
        cp932_bad += _line_is_bad(raw, "cp932")
    # CP932 decodes most UTF-8 byte soup without error (as mojibake), so when most lines with
    # non-ASCII bytes are valid UTF-8 the file is UTF-8 with a few broken lines.
    if utf8_ok > utf8_bad or utf8_bad < cp932_bad:
        return "utf-8"
    return "cp932"


def _format_bytes(bad: bytes) -> str:
    shown = " ".join(f"0x{b:02X}" for b in bad[:_HEX_SHOWN])
    return shown + (" …" if len(bad) > _HEX_SHOWN else "")


_CSV_ERRORS = {
    "unexpected end of data": 'ダブルクォート(")で始まる項目が閉じられていません。',
    "expected after '\"'": 'ダブルクォート(")で囲んだ項目の後ろに余分な文字があります。',
    "field larger than field limit": "1つの項目が長すぎます。",
}


def _csv_error_message(exc: csv.Error) -> str:
    text = str(exc)
    for key, message in _CSV_ERRORS.items():
        if key in text:
            return message
    return f"CSVの形式が正しくありません ({text})。"


def _file_error(message: str, encoding: DetectedEncoding = "utf-8") -> CsvReadResult:
    return CsvReadResult(encoding, [], [], [RowError.at(0, message)])


def read_csv(data: bytes, *, max_rows: int | None = None) -> CsvReadResult:
    """Parse an uploaded CSV; the first non-blank record is the header.

    Never raises for bad input: problems are returned as `RowError`s (row 0 = whole file).
    Text is kept as typed (no NFC, no stripping); blank records are skipped.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _file_error(
            "UTF-16(Unicode テキスト)形式のファイルは読み込めません。"
            "Excel の「CSV UTF-8(コンマ区切り)」で保存してください。"
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return _file_error(
            "Excel 形式のファイルです。Excel で「CSV UTF-8(コンマ区切り)」として保存し直すか、"
            "Excel(.xlsx)の取り込みを使ってください。"
        )
    lines = data.splitlines(keepends=True)
    encoding = _detect(data, lines)
    if encoding == "utf-8-sig":
        lines[0] = lines[0][len(_UTF8_BOM) :]
    codec = "cp932" if encoding == "cp932" else "utf-8"

    bad_lines: dict[int, bytes] = {}

    def decoded() -> Iterator[str]:
        for number, raw in enumerate(lines, start=1):
            text, bad = _decode_line(raw, codec)
            if bad:
                bad_lines[number] = bad
            yield text

    reader = csv.reader(decoded(), strict=True)
    header: list[str] | None = None
    rows: list[CsvRow] = []
    errors: list[RowError] = []
    truncated = False
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError.at(start, _csv_error_message(exc)))
            errors.extend(_bad_byte_errors(start, reader.line_num, [], header, bad_lines))
            if reader.line_num < start:
                break
            continue
        end = reader.line_num
        if bad_lines:
            errors.extend(_bad_byte_errors(start, end, record, header, bad_lines))
        if not any(record):
            continue
        if header is None:
            header = record
            continue
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            errors.append(
                RowError.at(
                    start,
                    f"データ行が上限の {max_rows} 行を超えています。"
                    "この行以降は読み込んでいません。ファイルを分割してください。",
                )
            )
            break
        rows.append(CsvRow(start, record))
    if header is None and not errors:
        errors.append(RowError.at(0, "ファイルにデータがありません(見出し行もありません)。"))
    return CsvReadResult(encoding, header or [], rows, errors, truncated)


def _bad_byte_errors(
    start: int,
    end: int,
    record: list[str],
    header: list[str] | None,
    bad_lines: dict[int, bytes],
) -> Iterator[RowError]:
    bad = b"".join(bad_lines.pop(n) for n in range(start, end + 1) if n in bad_lines)
    if not bad:
        return
    column: str | None = None
    value: str | None = None
    for index, text in enumerate(record):
        if "\ufffd" in text:
            value = text
            if header is not None and index < len(header) and header[index]:
                column = header[index]
            else:
                column = f"{index + 1}列目"
            break
    yield RowError.at(
        start,
        f"文字コードを判別できないバイト列があります ({_format_bytes(bad)})。{_SAVE_AS}",
        column=column,
        value=value,
    )
