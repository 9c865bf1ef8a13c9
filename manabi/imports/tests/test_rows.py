"""Parsing of every column, good values and bad ones (pure: no database)."""

from __future__ import annotations

from datetime import date

import pytest

from manabi.core.csvio import CsvRow
from manabi.imports.rows import (
    CellError,
    Movement,
    Table,
    parse_date,
    parse_flag,
    parse_label,
    parse_local_government_code,
    parse_organisation_rows,
    parse_phone,
    parse_school_code,
    parse_staff_number,
    parse_staff_rows,
    read_table,
)
from manabi.imports.tests.files import (
    ORGANISATION_HEADER,
    STAFF_HEADER,
    csv_bytes,
    organisation_row,
    staff_row,
    xlsx_bytes,
)
from manabi.orgs.models import OrganisationKind, SchoolType
from manabi.people.choices import EmploymentType, JobTitle


def _table(header: list[str], *rows: list[str]) -> Table:
    return Table("utf-8", header, [CsvRow(i, list(r)) for i, r in enumerate(rows, start=2)], [])


def _staff(*rows: list[str]) -> tuple[list, list]:  # type: ignore[type-arg]
    return parse_staff_rows(_table(STAFF_HEADER, *rows))


def _messages(errors: list) -> list[str]:  # type: ignore[type-arg]
    return [e.message for e in errors]


# --- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10012345", "10012345"), ("１００１２３４５", "10012345"), (" 10012345 ", "10012345")],
)
def test_staff_number_good(text: str, expected: str) -> None:
    assert parse_staff_number(text) == expected


@pytest.mark.parametrize("text", ["1001234", "100123456", "1001234a", "山田"])
def test_staff_number_bad(text: str) -> None:
    with pytest.raises(CellError, match="半角数字8桁"):
        parse_staff_number(text)


def test_staff_number_lost_leading_zero_gets_a_hint() -> None:
    with pytest.raises(CellError, match="先頭の0"):
        parse_staff_number("1234567")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-01", date(2025, 4, 1)),
        ("2025/4/1", date(2025, 4, 1)),
        ("２０２５年４月１日", date(2025, 4, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("R2.4.1", date(2020, 4, 1)),
        ("令和7年4月1日", date(2025, 4, 1)),
        ("平成2年4月1日", date(1990, 4, 1)),
        ("H2.4.1", date(1990, 4, 1)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("令和元年5月1日", date(2019, 5, 1)),
    ],
)
def test_dates_good(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-02-30", "存在しない日付"),
        ("平成32年1月1日", "最終日"),
        ("R7.2.30", "存在しない日付"),
        ("4月1日", "日付として読み取れません"),
        ("1899-12-31", "1900年より前"),
        ("X7.4.1", "日付として読み取れません"),
    ],
)
def test_dates_bad(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_date(text)


@pytest.mark.parametrize("text", ["○", "〇", "1", "はい", "TRUE"])
def test_flags_true(text: str) -> None:
    assert parse_flag(text) is True


@pytest.mark.parametrize("text", ["×", "0", "いいえ", "FALSE"])
def test_flags_false(text: str) -> None:
    assert parse_flag(text) is False


@pytest.mark.parametrize("text", ["△", "yes", "2"])
def test_flags_bad(text: str) -> None:
    with pytest.raises(CellError, match="○ か ×"):
        parse_flag(text)


def test_labels_of_every_choice_are_accepted() -> None:
    for choices, what in (
        (JobTitle, "職名"),
        (EmploymentType, "任用形態"),
        (OrganisationKind, "種別"),
        (SchoolType, "学校種"),
        (Movement, "異動区分"),
    ):
        for value, label in choices.choices:
            assert parse_label(str(label), choices, what) == value


def test_half_width_katakana_middle_dot_is_accepted() -> None:
    assert parse_label("学校･園", OrganisationKind, "種別") == OrganisationKind.SCHOOL


def test_unknown_label_lists_the_allowed_ones() -> None:
    with pytest.raises(CellError) as excinfo:
        parse_label("先生", JobTitle, "職名")
    assert "職名に「先生」は使えません" in str(excinfo.value)
    assert "教諭" in str(excinfo.value)


def test_codes() -> None:
    assert parse_local_government_code("012025") == "012025"
    with pytest.raises(CellError, match="検査数字"):
        parse_local_government_code("012020")
    assert parse_school_code("b113210000014") == "B113210000014"
    with pytest.raises(CellError, match="学校コード"):
        parse_school_code("B11321000001")
    assert parse_phone("０１２０ー０００ー０００") == "0120-000-000"
    with pytest.raises(CellError, match="電話番号"):
        parse_phone("内線123")


# --- staff rows -----------------------------------------------------------------------------


def test_a_good_staff_row() -> None:
    rows, errors = _staff(staff_row("10012345", birth="H2.4.1", funded="×"))
    assert errors == []
    (row,) = rows
    assert row.staff_number == "10012345"
    assert row.movement == Movement.NEW_HIRE
    assert row.birth_date == date(1990, 4, 1)
    assert row.job_title == JobTitle.TEACHER
    assert row.employment_type == EmploymentType.REGULAR
    assert row.prefecture_funded is False
    assert row.effective == date(2026, 4, 1)


def test_every_bad_cell_of_a_row_is_reported_with_row_column_and_value() -> None:
    bad = staff_row(
        "1234",
        name="山田 太郎",
        kana="yamada",
        birth="昨日",
        title="先生",
        funded="△",
        movement="転勤",
        effective="2026-13-01",
        employment="正社員",
    )
    rows, errors = _staff(bad)
    assert rows == []
    by_column = {e.column: e for e in errors}
    assert set(by_column) == {
        "職員番号",
        "ふりがな",
        "生年月日",
        "職名",
        "任用形態",
        "県費負担",
        "異動区分",
        "発令日",
    }
    assert all(e.row == 2 for e in errors)
    assert by_column["職名"].value == "先生"
    assert by_column["職名"].message.startswith("2行目「職名」: ")


def test_required_cells_depend_on_the_movement() -> None:
    rows, errors = _staff(
        staff_row("10000001", name="", kana="", title="", org="", effective=""),
        staff_row("10000002", "異動", org="", effective=""),
        staff_row("10000003", "退職", org="", effective=""),
        staff_row("10000004", "変更なし", name="", kana="", title="", org="", effective=""),
    )
    assert [r.staff_number for r in rows] == ["10000004"]
    assert {(e.row, e.column) for e in errors} == {
        (2, "氏名"),
        (2, "ふりがな"),
        (2, "職名"),
        (2, "所属コード"),
        (2, "発令日"),
        (3, "所属コード"),
        (3, "発令日"),
        (4, "発令日"),
    }
    assert "異動区分が「新規採用」のときは必須です" in errors[0].message


def test_duplicate_staff_number_is_an_error_on_the_second_row() -> None:
    rows, errors = _staff(
        staff_row("10000001"), staff_row("10000002"), staff_row("１００００００１", "変更なし")
    )
    assert [r.staff_number for r in rows] == ["10000001", "10000002"]
    (error,) = errors
    assert (error.row, error.column) == (4, "職員番号")
    assert "2行目にもあります" in error.message


def test_missing_and_unknown_headers() -> None:
    header = [h for h in STAFF_HEADER if h != "異動区分"] + ["備考"]
    rows, errors = parse_staff_rows(_table(header, ["x"] * len(header)))
    assert rows == []
    assert any("「異動区分」の列がありません" in m for m in _messages(errors))
    assert any("「備考」は使えない列名です" in m for m in _messages(errors))


def test_column_order_is_free_and_optional_columns_may_be_left_out() -> None:
    header = ["異動区分", "職員番号", "発令日", "所属コード", "職名", "ふりがな", "氏名"]
    rows, errors = parse_staff_rows(
        _table(header, ["新規採用", "10000001", "R8.4.1", "S00001", "教諭", "やまだ", "山田"])
    )
    assert errors == []
    assert rows[0].effective == date(2026, 4, 1)
    assert rows[0].prefecture_funded is None


def test_formula_guard_from_our_own_exports_is_removed() -> None:
    rows, errors = _staff(staff_row("10000001", name="'=山田"))
    assert errors == []
    assert rows[0].name == "=山田"


def test_empty_file_and_header_only() -> None:
    _, errors = parse_staff_rows(read_table(b""))
    assert "データがありません" in errors[0].message
    _, errors = parse_staff_rows(read_table(csv_bytes(STAFF_HEADER, [])))
    assert "データ行がありません" in errors[0].message


# --- organisation rows ----------------------------------------------------------------------


def test_organisation_rows() -> None:
    table = _table(
        ORGANISATION_HEADER,
        organisation_row("S10001", school_code="B113210000014", phone="0120-1-2"),
        organisation_row("S10001"),
        organisation_row("X1", kind="研修主催者", school_type="小学校"),
        organisation_row("X2", kind="県教委", parent="X2", school_type="", founder=""),
        organisation_row("X3", school_code="B113210000014"),
    )
    rows, errors = parse_organisation_rows(table)
    assert [r.code for r in rows] == ["S10001"]
    assert rows[0].school_type == SchoolType.ELEMENTARY
    assert rows[0].school_code == "B113210000014"
    found = {(e.row, e.column) for e in errors}
    assert (3, "所属コード") in found  # duplicate code
    assert (4, "学校種") in found  # only for schools
    assert (5, "種別") in found  # unknown label
    assert (5, "上位所属コード") in found  # itself
    assert (6, "学校コード") in found  # duplicate school code


# --- reading files --------------------------------------------------------------------------


def test_cp932_csv_is_read() -> None:
    data = csv_bytes(STAFF_HEADER, [staff_row("10000001", name="髙橋 一郎")], encoding="cp932")
    table = read_table(data)
    assert table.encoding == "cp932"
    rows, errors = parse_staff_rows(table)
    assert errors == []
    assert rows[0].name == "髙橋 一郎"


def test_xlsx_is_read_with_numbers_and_dates_as_text() -> None:
    row: list[object] = staff_row("10000001")
    row[0] = 10000001
    row[10] = date(2026, 4, 1)
    table = read_table(xlsx_bytes(STAFF_HEADER, [row]))
    assert table.encoding == "xlsx"
    rows, errors = parse_staff_rows(table)
    assert errors == []
    assert rows[0].staff_number == "10000001"
    assert rows[0].effective == date(2026, 4, 1)


def test_broken_xlsx_is_a_file_error() -> None:
    table = read_table(b"PK\x03\x04 not really a zip")
    assert table.errors and table.errors[0].row == 0
