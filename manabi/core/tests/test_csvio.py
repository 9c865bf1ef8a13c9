import codecs
import csv
import io
import itertools
import re
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal

from manabi.core import csvio
from manabi.core.csvio import (
    EncodingReport,
    RowError,
    content_disposition,
    csv_rows,
    neutralise_cell,
    read_csv,
    streaming_csv_response,
    unneutralise_cell,
)

BOM = codecs.BOM_UTF8


def _write(rows: list[list[object]], **kwargs: object) -> bytes:
    return b"".join(csv_rows(rows, **kwargs))  # type: ignore[arg-type]


# --- writer -----------------------------------------------------------------------------


def test_utf8_output_has_exactly_one_bom_at_the_start() -> None:
    data = _write([["山田", 1], ["佐藤", 2]], header=["氏名", "番号"])
    assert data.startswith(BOM)
    assert data.count(BOM) == 1
    assert data[len(BOM) :].decode("utf-8") == "氏名,番号\r\n山田,1\r\n佐藤,2\r\n"


def test_bom_is_written_even_without_rows() -> None:
    assert _write([], header=None) == BOM


def test_cp932_output_has_no_bom() -> None:
    data = _write([["山田"]], header=["氏名"], encoding="cp932")
    assert data == "氏名\r\n山田\r\n".encode("cp932")


def test_lines_end_with_crlf_and_cell_line_breaks_become_lf_inside_quotes() -> None:
    data = _write([["a", "一行目\r\n二行目"], ["b", "x"]], header=["k", "v"])
    text = data[len(BOM) :].decode("utf-8")
    assert text == 'k,v\r\na,"一行目\n二行目"\r\nb,x\r\n'
    assert re.search(r"(?<!\r)\n(?!二)", text) is None


def test_quotes_and_commas_are_quoted() -> None:
    data = _write([['a,"b"']], header=None)
    assert data[len(BOM) :] == b'"a,""b"""\r\n'


def test_formula_strings_are_neutralised() -> None:
    for text in ["=1+1", "+1", "-1", "@SUM(A1:A2)", "\tcmd", "\rcmd", "＝1+1", "=HYPERLINK(x)"]:
        assert neutralise_cell(text) == "'" + text.replace("\r", "\n"), text


def test_numbers_and_plain_text_are_not_neutralised() -> None:
    assert neutralise_cell(-1) == "-1"
    assert neutralise_cell(-1.5) == "-1.5"
    assert neutralise_cell(Decimal("-2.50")) == "-2.50"
    assert neutralise_cell(Decimal("1E+3")) == "1000"
    assert neutralise_cell("山田=太郎") == "山田=太郎"
    assert neutralise_cell("a-b") == "a-b"


def test_neutralise_other_types() -> None:
    assert neutralise_cell(None) == ""
    assert neutralise_cell(True) == "1"
    assert neutralise_cell(False) == "0"
    assert neutralise_cell(0) == "0"
    assert neutralise_cell(date(2025, 4, 1)) == "2025-04-01"
    assert neutralise_cell(datetime(2025, 4, 1, 9, 30, 5, 123)) == "2025-04-01 09:30:05"
    assert neutralise_cell(time(9, 30)) == "09:30:00"


def test_aware_datetimes_are_written_in_the_django_time_zone() -> None:
    # settings.TIME_ZONE is Asia/Tokyo.
    assert neutralise_cell(datetime(2025, 4, 1, 0, 0, tzinfo=UTC)) == "2025-04-01 09:00:00"


def test_unneutralise_reverses_neutralise() -> None:
    for text in ["=1+1", "-1", "@x", "plain", "'quoted", ""]:
        assert unneutralise_cell(neutralise_cell(text)) == text


def test_written_formula_cells_are_prefixed_in_the_file() -> None:
    data = _write([["=1+1", "+1", "-1", "@SUM(A1)", "\tx", -1, 2.5]], header=None)
    row = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert row == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "-1", "2.5"]


def test_cp932_replaces_unencodable_characters_and_reports_them() -> None:
    report = EncodingReport()
    data = _write(
        [["山田", "𠮷野家"], ["佐藤", "😀"]],
        header=["氏名", "勤務先"],
        encoding="cp932",
        report=report,
    )
    assert data.decode("cp932") == "氏名,勤務先\r\n山田,〓野家\r\n佐藤,〓\r\n"
    first, second = report.replacements
    assert (first.row, first.column, first.column_name) == (2, 2, "勤務先")
    assert (first.character, first.code_point, first.replacement) == ("𠮷", 0x20BB7, "〓")
    assert (second.row, second.column, second.character) == (3, 2, "😀")
    assert report.total == 2
    assert "2行目 2列目「勤務先」" in first.message
    assert "U+20BB7" in first.message


def test_cp932_report_rows_count_from_one_without_header() -> None:
    report = EncodingReport()
    _write([["𠮷"]], header=None, encoding="cp932", report=report)
    assert report.replacements[0].row == 1
    assert report.replacements[0].column_name is None


def test_lone_surrogates_do_not_break_a_utf8_export() -> None:
    assert _write([["a\ud800b"]], header=None) == BOM + b"a?b\r\n"


def test_cp932_replacement_works_without_a_report() -> None:
    assert _write([["𠮷"]], header=None, encoding="cp932") == "〓\r\n".encode("cp932")


def test_cp932_keeps_common_japanese_symbols() -> None:
    report = EncodingReport()
    text = "9時〜17時 −5 ‖ ¢£¬ — ¥100 ①髙﨑"
    data = _write([[text]], header=None, encoding="cp932", report=report)
    assert report.total == 0
    assert b"\x81\x60" in data  # 〜 → 0x8160
    assert b"\x81\x7c" in data  # − → 0x817C
    decoded = data.decode("cp932").rstrip("\r\n")
    assert decoded == "9時～17時 －5 ∥ ￠￡￢ ― ￥100 ①髙﨑"


def test_cp932_round_trip_of_wave_dash_and_minus_through_the_reader() -> None:
    data = _write([["〜", "−"]], header=["a", "b"], encoding="cp932")
    result = read_csv(data)
    assert result.encoding == "cp932"
    # Windows (CP932) forms: what Excel on Windows shows as 〜 and −.
    assert result.rows[0].values == ["～", "－"]


def test_cp932_drops_variation_selectors_and_composes_dakuten() -> None:
    report = EncodingReport()
    data = _write([["葛\U000e0100飾", "か\u3099"]], header=None, encoding="cp932", report=report)
    assert data.decode("cp932") == "葛飾,が\r\n"
    assert [r.replacement for r in report.replacements] == ["", "が"]


def test_encoding_report_keeps_a_bounded_number_of_entries() -> None:
    report = EncodingReport(limit=2)
    _write([["😀😀😀"]], header=None, encoding="cp932", report=report)
    assert report.total == 3
    assert len(report.replacements) == 2
    assert report.truncated
    assert report.messages()[-1] == "ほか 1 件の置き換えがあります。"


def test_writer_is_lazy() -> None:
    pulled = 0

    def endless() -> Iterator[list[object]]:
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield [i, "行"]

    chunks = list(itertools.islice(csv_rows(endless(), header=["n", "s"]), 3))
    assert chunks == [BOM + b"n,s\r\n", "0,行\r\n".encode(), "1,行\r\n".encode()]
    assert pulled == 2


def test_written_csv_reads_back() -> None:
    rows: list[list[object]] = [["山田", "=1+1", "複数\n行"], ["𠮷田", 3, None]]
    for encoding in ("utf-8-sig", "cp932"):
        result = read_csv(_write(rows, header=["a", "b", "c"], encoding=encoding))
        assert result.encoding == encoding
        assert result.header == ["a", "b", "c"]
        expected_name = "𠮷田" if encoding == "utf-8-sig" else "〓田"
        assert [r.values for r in result.rows] == [
            ["山田", "'=1+1", "複数\n行"],
            [expected_name, "3", ""],
        ]
        assert [r.number for r in result.rows] == [2, 4]


# --- Content-Disposition -----------------------------------------------------------------


def _params(header: str) -> dict[str, str]:
    kind, *parts = [p.strip() for p in header.split(";")]
    params = dict(part.split("=", 1) for part in parts)
    params["kind"] = kind
    return params


def test_content_disposition_for_a_japanese_filename() -> None:
    header = content_disposition("研修受講履歴_令和7年度.csv")
    params = _params(header)
    assert params["kind"] == "attachment"
    fallback = params["filename"]
    assert fallback.startswith('"') and fallback.endswith('"')
    assert fallback.isascii()
    assert fallback.endswith('.csv"')
    encoded = params["filename*"]
    assert encoded.startswith("UTF-8''")
    assert re.fullmatch(r"[A-Za-z0-9!#$&+\-.^_`|~%]+", encoded[len("UTF-8''") :])
    assert urllib.parse.unquote(encoded[len("UTF-8''") :], errors="strict") == (
        "研修受講履歴_令和7年度.csv"
    )
    header.encode("latin-1")  # must be a valid HTTP header value


def test_content_disposition_strips_paths_quotes_and_controls() -> None:
    params = _params(content_disposition('../../etc/pa"ss\r\nwd\u202egpj.exe'))
    for value in (params["filename"].strip('"'), urllib.parse.unquote(params["filename*"][7:])):
        assert "/" not in value
        assert "\\" not in value
        assert '"' not in value
        assert "\r" not in value and "\n" not in value
        assert "\u202e" not in value
        assert value.endswith(".exe")


def test_content_disposition_inline_and_ascii_names() -> None:
    assert content_disposition("report.csv", inline=True) == (
        "inline; filename=\"report.csv\"; filename*=UTF-8''report.csv"
    )
    assert _params(content_disposition("名簿.xlsx"))["filename"] == '"download.xlsx"'
    assert _params(content_disposition(""))["filename"] == '"download"'


# --- reader --------------------------------------------------------------------------------


def test_reader_detects_utf8() -> None:
    result = read_csv("氏名,学校\n山田,第一小学校\n".encode())
    assert result.encoding == "utf-8"
    assert result.header == ["氏名", "学校"]
    assert result.rows == [csvio.CsvRow(2, ["山田", "第一小学校"])]
    assert result.ok


def test_reader_detects_utf8_with_bom() -> None:
    result = read_csv(BOM + "氏名,学校\r\n山田,第一小学校\r\n".encode())
    assert result.encoding == "utf-8-sig"
    assert result.header == ["氏名", "学校"]  # no BOM left on the first name
    assert result.rows[0].values == ["山田", "第一小学校"]


def test_reader_detects_cp932() -> None:
    result = read_csv("氏名,学校\r\n髙橋,第一小学校\r\n".encode("cp932"))
    assert result.encoding == "cp932"
    assert result.rows[0].values == ["髙橋", "第一小学校"]
    assert result.ok


def test_reader_reports_undecodable_bytes_by_row_and_keeps_other_rows() -> None:
    data = (
        "氏名,学校\r\n山田,第一小学校\r\n".encode() + b"\x82\xff,x\r\n" + "佐藤,北中\r\n".encode()
    )
    result = read_csv(data)
    assert result.encoding == "utf-8"
    assert [r.number for r in result.rows] == [2, 3, 4]
    assert result.rows[0].values == ["山田", "第一小学校"]
    assert result.rows[1].values == ["\ufffd", "x"]
    assert result.rows[2].values == ["佐藤", "北中"]
    [error] = result.errors
    assert error.row == 3
    assert error.column == "氏名"
    assert error.message == (
        "3行目「氏名」: 文字コードを判別できないバイト列があります (0x82 0xFF)。"
        "UTF-8 か Shift_JIS(CP932) で保存してください。"
    )


def test_reader_reports_bad_bytes_in_a_cp932_file() -> None:
    data = "氏名,学校\r\n山田,第一小学校\r\n".encode("cp932") + b"\x85\x40,x\r\n"
    result = read_csv(data)
    assert result.encoding == "cp932"
    assert result.rows[0].values == ["山田", "第一小学校"]
    assert [e.row for e in result.errors] == [3]
    # CPython's CJK decoders reject only the lead byte; the trail byte 0x40 decodes as "@".
    assert "(0x85)" in result.errors[0].message
    assert result.rows[1].values == ["\ufffd@", "x"]


def test_mostly_utf8_file_with_a_cp932_line_is_read_as_utf8() -> None:
    data = "氏名,学校\r\n鈴木,東中学校\r\n".encode() + "佐藤,西小\r\n".encode("cp932")
    data.decode("cp932")  # precondition: CP932 would decode all of it, as mojibake
    result = read_csv(data)
    assert result.encoding == "utf-8"
    assert result.header == ["氏名", "学校"]
    assert result.rows[0].values == ["鈴木", "東中学校"]
    assert [e.row for e in result.errors] == [3]


def test_embedded_newlines_keep_physical_line_numbers() -> None:
    data = 'id,memo\r\n1,"一行目\r\n二行目\r\n三行目"\r\n2,x\r\n'.encode()
    result = read_csv(data)
    assert [(r.number, r.values) for r in result.rows] == [
        (2, ["1", "一行目\r\n二行目\r\n三行目"]),
        (5, ["2", "x"]),
    ]


def test_bad_bytes_inside_a_multiline_record_are_reported_at_its_first_line() -> None:
    data = b'id,memo\r\n1,"ok\r\n\xff\xfe"\r\n2,x\r\n'
    result = read_csv(data)
    assert [e.row for e in result.errors] == [2]
    assert result.errors[0].column == "memo"
    assert [r.number for r in result.rows] == [2, 4]


def test_blank_lines_and_trailing_newlines_are_skipped() -> None:
    result = read_csv(b"a,b\r\n\r\n1,2\r\n,\r\n3,4\r\n\r\n\r\n")
    assert [(r.number, r.values) for r in result.rows] == [(3, ["1", "2"]), (5, ["3", "4"])]
    assert result.ok


def test_text_is_kept_as_typed() -> None:
    result = read_csv("a,b\n  か\u3099 ,＝\n".encode())
    assert result.rows[0].values == ["  か\u3099 ", "＝"]


def test_unclosed_quote_is_reported() -> None:
    result = read_csv(b'a,b\r\n1,2\r\n3,"open\r\n4,5\r\n')
    assert [r.values for r in result.rows] == [["1", "2"]]
    assert [e.row for e in result.errors] == [3]
    assert "閉じられていません" in result.errors[0].message


def test_max_rows_stops_reading_with_an_error() -> None:
    result = read_csv(b"a\r\n1\r\n2\r\n3\r\n", max_rows=2)
    assert [r.values for r in result.rows] == [["1"], ["2"]]
    assert result.truncated
    assert [e.row for e in result.errors] == [4]


def test_file_level_errors() -> None:
    assert read_csv(b"").errors[0].row == 0
    utf16 = read_csv("氏名\r\n".encode("utf-16"))
    assert "UTF-16" in utf16.errors[0].message
    xlsx = read_csv(b"PK\x03\x04rest")
    assert "Excel" in xlsx.errors[0].message
    assert xlsx.header == []


def test_row_error_helpers() -> None:
    error = RowError.at(3, "必須です。", column="氏名", value="")
    assert error.message == "3行目「氏名」: 必須です。"
    assert error.as_dict() == {"row": 3, "column": "氏名", "value": "", "message": error.message}
    assert RowError.at(0, "空です。").message == "ファイル全体: 空です。"


# --- Django response ---------------------------------------------------------------------


def test_streaming_csv_response() -> None:
    rows: list[list[object]] = [["山田", "=1"]]
    response = streaming_csv_response(rows, filename="名簿.csv", header=["氏名", "式"])
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == content_disposition("名簿.csv")
    body = b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert body == _write(rows, header=["氏名", "式"])


def test_streaming_csv_response_cp932() -> None:
    report = EncodingReport()
    response = streaming_csv_response(
        [["𠮷"]], filename="a.csv", header=["x"], encoding="cp932", report=report
    )
    assert response["Content-Type"] == "text/csv; charset=windows-31j"
    body = b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert body.decode("cp932") == "x\r\n〓\r\n"
    assert report.total == 1


def test_streaming_csv_response_batches_rows_lazily() -> None:
    endless = ([i, "山田 太郎"] for i in itertools.count())
    response = streaming_csv_response(endless, filename="a.csv", header=["n", "氏名"])
    first = next(iter(response.streaming_content))
    assert isinstance(first, bytes)
    assert 64 * 1024 <= len(first) < 65 * 1024
    assert first.startswith(BOM + "n,氏名\r\n0,山田 太郎\r\n".encode())
