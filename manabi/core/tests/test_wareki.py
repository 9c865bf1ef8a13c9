from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manabi.core.wareki import (
    ERAS,
    GREGORIAN_ADOPTION,
    Era,
    Wareki,
    fiscal_year,
    fiscal_year_range,
    format_date,
    format_era_year,
    format_fiscal_year,
    format_short,
    from_wareki,
    parse_wareki,
    to_wareki,
)

# No example database: keep test runs from writing a .hypothesis directory.
fast = settings(database=None, deadline=None, max_examples=150)

modern_dates = st.dates(min_value=GREGORIAN_ADOPTION, max_value=date(2100, 12, 31))

FULL_WIDTH = str.maketrans("0123456789.RHSTM", "０１２３４５６７８９．ＲＨＳＴＭ")


def _is_japanese_message(error: ValueError) -> bool:
    return any("\u3040" <= ch <= "\u9fff" for ch in str(error))


# Era boundaries


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(1868, 1, 25), Wareki("明治", "M", 1, 1, 25)),
        (date(1873, 1, 1), Wareki("明治", "M", 6, 1, 1)),
        (date(1912, 7, 29), Wareki("明治", "M", 45, 7, 29)),
        (date(1912, 7, 30), Wareki("大正", "T", 1, 7, 30)),
        (date(1926, 12, 24), Wareki("大正", "T", 15, 12, 24)),
        (date(1926, 12, 25), Wareki("昭和", "S", 1, 12, 25)),
        (date(1989, 1, 7), Wareki("昭和", "S", 64, 1, 7)),
        (date(1989, 1, 8), Wareki("平成", "H", 1, 1, 8)),
        (date(2019, 4, 30), Wareki("平成", "H", 31, 4, 30)),
        (date(2019, 5, 1), Wareki("令和", "R", 1, 5, 1)),
        (date(2025, 3, 31), Wareki("令和", "R", 7, 3, 31)),
    ],
)
def test_to_wareki_at_era_boundaries(day: date, expected: Wareki) -> None:
    assert to_wareki(day) == expected
    assert from_wareki(expected.era_name, expected.year, expected.month, expected.day) == day
    assert from_wareki(expected.era_letter, expected.year, expected.month, expected.day) == day
    assert expected.to_date() == day


@pytest.mark.parametrize(
    ("day", "long", "short"),
    [
        (date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(2025, 3, 31), "令和7年3月31日", "R7.3.31"),
        (date(2025, 12, 1), "令和7年12月1日", "R7.12.1"),
    ],
)
def test_formatting(day: date, long: str, short: str) -> None:
    assert format_date(day) == long
    assert str(to_wareki(day)) == long
    assert format_short(day) == short


def test_to_wareki_rejects_dates_before_meiji() -> None:
    with pytest.raises(ValueError, match="和暦に変換できません"):
        to_wareki(date(1868, 1, 24))
    with pytest.raises(ValueError, match="和暦に変換できません"):
        format_date(date(1, 1, 1))


def test_to_wareki_accepts_datetimes() -> None:
    assert to_wareki(datetime(2019, 5, 1, 0, 0)) == Wareki("令和", "R", 1, 5, 1)
    assert to_wareki(datetime(2019, 4, 30, 23, 59)) == Wareki("平成", "H", 31, 4, 30)


def test_wareki_is_frozen() -> None:
    wareki = to_wareki(date(2025, 3, 31))
    with pytest.raises(AttributeError):
        wareki.year = 8  # type: ignore[misc]


# from_wareki


@pytest.mark.parametrize(
    ("era", "year", "month", "day", "expected"),
    [
        ("令和", 7, 3, 31, date(2025, 3, 31)),
        ("R", 7, 3, 31, date(2025, 3, 31)),
        ("r", 7, 3, 31, date(2025, 3, 31)),
        ("Ｒ", 7, 3, 31, date(2025, 3, 31)),
        ("㍻", 31, 4, 30, date(2019, 4, 30)),
        (" 平成 ", 1, 1, 8, date(1989, 1, 8)),
        ("令和", 6, 2, 29, date(2024, 2, 29)),
        ("明治", 1, 1, 25, date(1868, 1, 25)),
        ("M", 45, 7, 29, date(1912, 7, 29)),
        ("T", 15, 12, 24, date(1926, 12, 24)),
        ("S", 64, 1, 7, date(1989, 1, 7)),
        ("令和", 82, 12, 31, date(2100, 12, 31)),
    ],
)
def test_from_wareki(era: str, year: int, month: int, day: int, expected: date) -> None:
    assert from_wareki(era, year, month, day) == expected


@pytest.mark.parametrize(
    ("era", "year", "month", "day", "message"),
    [
        ("平成", 32, 1, 1, "平成の最終日（平成31年4月30日）より後"),
        ("平成", 31, 5, 1, "平成の最終日"),
        ("令和", 1, 4, 30, "令和の初日（令和元年5月1日）より前"),
        ("昭和", 64, 1, 8, "昭和の最終日（昭和64年1月7日）より後"),
        ("大正", 15, 12, 25, "大正の最終日"),
        ("大正", 1, 7, 29, "大正の初日"),
        ("明治", 45, 7, 30, "明治の最終日"),
        ("明治", 1, 1, 1, "明治の初日（明治元年1月25日）より前"),
        ("令和", 7, 2, 29, "存在しない日付"),
        ("令和", 7, 13, 1, "存在しない日付"),
        ("令和", 7, 4, 31, "存在しない日付"),
        ("令和", 7, 0, 1, "存在しない日付"),
        ("令和", 9000, 1, 1, "存在しない日付"),
        ("令和", 0, 5, 1, "1以上"),
        ("平成", -1, 5, 1, "1以上"),
        ("慶応", 3, 1, 1, "元号「慶応」には対応していません"),
        ("X", 3, 1, 1, "対応していません"),
        ("", 3, 1, 1, "対応していません"),
    ],
)
def test_from_wareki_rejects_impossible_dates(
    era: str, year: int, month: int, day: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        from_wareki(era, year, month, day)


# Fiscal years


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2025, 1, 1), 2024),
        (date(2024, 12, 31), 2024),
        (date(2019, 4, 30), 2019),
        (date(1989, 1, 7), 1988),
    ],
)
def test_fiscal_year(day: date, expected: int) -> None:
    assert fiscal_year(day) == expected


def test_fiscal_year_range() -> None:
    assert fiscal_year_range(2024) == (date(2024, 4, 1), date(2025, 3, 31))
    assert fiscal_year_range(2019) == (date(2019, 4, 1), date(2020, 3, 31))


@pytest.mark.parametrize("fy", [0, 9999, 10000])
def test_fiscal_year_range_out_of_range(fy: int) -> None:
    with pytest.raises(ValueError, match="範囲外"):
        fiscal_year_range(fy)


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (2025, "令和7年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1926, "昭和元年度"),
        (1925, "大正14年度"),
        (1912, "大正元年度"),
        (1868, "明治元年度"),
    ],
)
def test_format_fiscal_year(fy: int, expected: str) -> None:
    assert format_fiscal_year(fy) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, "令和7年"),
        (2019, "令和元年"),
        (2018, "平成30年"),
        (1989, "平成元年"),
        (1988, "昭和63年"),
        (1926, "昭和元年"),
        (1912, "大正元年"),
        (1911, "明治44年"),
        (1868, "明治元年"),
    ],
)
def test_format_era_year(year: int, expected: str) -> None:
    assert format_era_year(year) == expected


@pytest.mark.parametrize("year", [1867, 1, 0, -5, 10000])
def test_format_era_year_rejects_years_outside_the_eras(year: int) -> None:
    with pytest.raises(ValueError, match="年"):
        format_era_year(year)
    with pytest.raises(ValueError):
        format_fiscal_year(year)


# Parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和7年3月31日", date(2025, 3, 31)),
        ("R7.3.31", date(2025, 3, 31)),
        ("R07.03.31", date(2025, 3, 31)),
        ("r7.3.31", date(2025, 3, 31)),
        ("R7/3/31", date(2025, 3, 31)),
        ("R7-03-31", date(2025, 3, 31)),
        ("令和7.3.31", date(2025, 3, 31)),
        ("R7年3月31日", date(2025, 3, 31)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("令和７年３月３１日", date(2025, 3, 31)),
        ("Ｒ７．３．３１", date(2025, 3, 31)),
        ("Ｈ３１／０４／３０", date(2019, 4, 30)),
        ("㋿7年3月31日", date(2025, 3, 31)),
        ("㍻31年4月30日", date(2019, 4, 30)),
        ("  令和 7 年 3 月 31 日  ", date(2025, 3, 31)),
        ("令和\u30007年3月31日", date(2025, 3, 31)),
    ],
)
def test_parse_wareki(text: str, expected: date) -> None:
    assert parse_wareki(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "読み取れません"),
        ("2025-03-31", "読み取れません"),
        ("令和7年3月", "読み取れません"),
        ("令和7年3月31日です", "読み取れません"),
        ("X7.3.31", "読み取れません"),
        ("R7.3/31", "読み取れません"),
        ("R7..3.31", "読み取れません"),
        ("令和七年三月三十一日", "読み取れません"),
        ("R٧.3.31", "読み取れません"),
        ("平成32年1月1日", "平成の最終日"),
        ("H32.1.1", "平成の最終日"),
        ("令和元年4月30日", "令和の初日"),
        ("昭和64年1月8日", "昭和の最終日"),
        ("令和7年2月29日", "存在しない日付"),
        ("令和7年13月1日", "存在しない日付"),
        ("令和0年5月1日", "1以上"),
    ],
)
def test_parse_wareki_rejects_bad_input(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_wareki(text)


# Properties


@fast
@given(modern_dates)
def test_round_trip_through_wareki(day: date) -> None:
    wareki = to_wareki(day)
    assert wareki.year >= 1
    assert (wareki.month, wareki.day) == (day.month, day.day)
    assert from_wareki(wareki.era_name, wareki.year, wareki.month, wareki.day) == day
    assert from_wareki(wareki.era_letter, wareki.year, wareki.month, wareki.day) == day


@fast
@given(modern_dates)
def test_era_is_the_latest_one_started(day: date) -> None:
    wareki = to_wareki(day)
    started = [era for era in ERAS if era.start <= day]
    assert started[-1].name == wareki.era_name
    assert started[-1].letter == wareki.era_letter
    assert wareki.year == day.year - started[-1].start.year + 1


@fast
@given(modern_dates)
def test_parse_inverts_formatting(day: date) -> None:
    assert parse_wareki(format_date(day)) == day
    assert parse_wareki(format_short(day)) == day
    assert parse_wareki(format_short(day).translate(FULL_WIDTH)) == day
    assert parse_wareki(format_date(day).translate(FULL_WIDTH)) == day


@fast
@given(modern_dates)
def test_zero_padded_short_form_parses(day: date) -> None:
    w = to_wareki(day)
    assert parse_wareki(f"{w.era_letter}{w.year:02d}.{w.month:02d}.{w.day:02d}") == day


@fast
@given(modern_dates)
def test_fiscal_year_bounds(day: date) -> None:
    fy = fiscal_year(day)
    start, end = fiscal_year_range(fy)
    assert start <= day <= end
    assert (start.month, start.day, end.month, end.day) == (4, 1, 3, 31)
    assert end.year == start.year + 1 == fy + 1
    assert fiscal_year(start) == fiscal_year(end) == fy
    assert fiscal_year(start - timedelta(days=1)) == fy - 1
    assert fiscal_year(end + timedelta(days=1)) == fy + 1


@fast
@given(st.integers(min_value=1868, max_value=2100))
def test_fiscal_year_name_uses_an_era_of_that_fiscal_year(fy: int) -> None:
    start, end = fiscal_year_range(fy)
    label = format_fiscal_year(fy)
    assert label.endswith("年度")
    assert label == format_era_year(fy) + "度"
    era_name = label[:2]
    assert era_name in {to_wareki(end).era_name, to_wareki(max(start, ERAS[0].start)).era_name}
    number = label[2:-2]
    year_number = 1 if number == "元" else int(number)
    era = next(e for e in ERAS if e.name == era_name)
    assert year_number == fy - era.start.year + 1 >= 1


@fast
@given(
    st.sampled_from(ERAS),
    st.integers(min_value=-3, max_value=130),
    st.integers(min_value=0, max_value=13),
    st.integers(min_value=0, max_value=32),
)
def test_from_wareki_either_rejects_or_round_trips(
    era: Era, year: int, month: int, day: int
) -> None:
    try:
        result = from_wareki(era.name, year, month, day)
    except ValueError as error:
        assert _is_japanese_message(error)
    else:
        assert to_wareki(result) == Wareki(era.name, era.letter, year, month, day)
