"""Reading import rows (pure): kinds in Japanese, ISO and 和暦 dates, errors per row."""

from __future__ import annotations

from datetime import date

from manabi.core.csvio import CsvRow
from manabi.eligibility.record_rows import COLUMNS, parse_day, parse_record_rows

HEADER = list(COLUMNS)


def rows(*values: list[str]) -> list[CsvRow]:
    return [CsvRow(number, list(v)) for number, v in enumerate(values, start=2)]


def test_parse_day_accepts_iso_slashes_and_wareki() -> None:
    assert parse_day("2024-04-01") == date(2024, 4, 1)
    assert parse_day("2024/4/1") == date(2024, 4, 1)
    assert parse_day("令和6年4月1日") == date(2024, 4, 1)
    assert parse_day("R6.4.1") == date(2024, 4, 1)
    assert parse_day("Ｒ６．４．１") == date(2024, 4, 1)
    assert parse_day(" ") is None


def test_valid_rows_of_each_category() -> None:
    parsed, errors = parse_record_rows(
        HEADER,
        rows(
            ["10000002", "勤務", "教諭", "2024-04-01", "", "", ""],
            ["10000002", "休業", "育休", "令和6年6月1日", "R7.5.31", "", ""],
            ["10000002", "休業", "在外勤務等同行休業", "2020-04-01", "2021-03-31", "", ""],
            ["10000002", "修了", "", "2023-02-10", "", "教職5年経験者研修", ""],
            [
                "10000002",
                "勤務",
                "指導主事・社会教育主事等",
                "2019-04-01",
                "2020-03-31",
                "",
                "県教委",
            ],
        ),
        known_staff={"10000002"},
    )
    assert errors == []
    assert [(r.category, r.kind) for r in parsed] == [
        ("service", "teacher"),
        ("leave", "childcare"),
        ("leave", "spouse_accompany"),
        ("completed", ""),
        ("service", "education_admin"),
    ]
    assert parsed[1].start == date(2024, 6, 1) and parsed[1].end == date(2025, 5, 31)
    assert parsed[3].training == "sixth_year"
    assert parsed[3].year == 2022
    assert parsed[3].note == "教職5年経験者研修"
    assert parsed[4].note == "県教委"


def test_every_problem_names_row_and_column() -> None:
    parsed, errors = parse_record_rows(
        HEADER,
        rows(
            ["10000002", "勤務", "教諭", "2024-04-01", "", "", ""],
            ["99999999", "勤務", "教諭", "2024-04-01", "", "", ""],
            ["10000002", "出張", "教諭", "2024-04-01", "", "", ""],
            ["10000002", "休業", "有給休暇", "2024-04-01", "", "", ""],
            ["10000002", "勤務", "教諭", "2024-02-30", "", "", ""],
            ["10000002", "勤務", "教諭", "2024-04-01", "2024-03-31", "", ""],
            ["10000002", "修了", "", "", "", "初任者研修", ""],
        ),
        known_staff={"10000002"},
    )
    assert [r.row for r in parsed] == [2]
    messages = [e.message for e in errors]
    assert messages[0].startswith("3行目「職員番号」: 職員番号 99999999 の職員が見つからないか")
    assert messages[1].startswith("4行目「区分」")
    assert messages[2].startswith("5行目「種類」: 休業の種類として使えません")
    assert messages[3] == "6行目「開始日」: 「2024-02-30」は存在しない日付です。"
    assert messages[4] == "7行目「終了日」: 終了日 2024-03-31 が開始日 2024-04-01 より前です。"
    assert messages[5].startswith("8行目「研修」")
    assert len(errors) == 6


def test_missing_columns_are_one_file_error() -> None:
    parsed, errors = parse_record_rows(["職員番号", "区分"], rows(["1", "勤務"]), known_staff={"1"})
    assert parsed == []
    assert len(errors) == 1
    assert "「種類」" in errors[0].message and "「開始日」" in errors[0].message


def test_duplicate_completion_is_reported() -> None:
    _, errors = parse_record_rows(
        HEADER,
        rows(
            ["10000002", "修了", "", "", "", "教職2年次研修", ""],
            ["10000002", "修了", "", "", "", "学級経営講座", ""],
        ),
        known_staff={"10000002"},
    )
    assert [e.message for e in errors] == ["3行目「研修」: 2行目と同じ研修の修了が重複しています。"]
