"""The school calendar: fiscal years, national holidays (国民の祝日) and lesson days (授業日)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manabi.attendance.schooldays import (
    date_range,
    fiscal_year_bounds,
    fiscal_year_of,
    lesson_days,
    national_holidays,
)

fast = settings(database=None, deadline=None, max_examples=200)

years = st.integers(min_value=2020, max_value=2099)
SUBSTITUTE = "振替休日"
CITIZENS = "国民の休日"
# The 16 holidays the law names (国民の祝日 proper, without the days it adds).
PROPER_NAMES = {
    "元日",
    "成人の日",
    "建国記念の日",
    "天皇誕生日",
    "春分の日",
    "昭和の日",
    "憲法記念日",
    "みどりの日",
    "こどもの日",
    "海の日",
    "山の日",
    "敬老の日",
    "秋分の日",
    "スポーツの日",
    "文化の日",
    "勤労感謝の日",
}


def d(y: int, m: int, day: int) -> date:
    return date(y, m, day)


# --- fiscal years (年度) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (d(2026, 4, 1), 2026),
        (d(2026, 3, 31), 2025),
        (d(2027, 3, 31), 2026),
        (d(2026, 12, 31), 2026),
        (d(2027, 1, 1), 2026),
    ],
)
def test_fiscal_year_of(day: date, expected: int) -> None:
    assert fiscal_year_of(day) == expected


def test_fiscal_year_bounds() -> None:
    assert fiscal_year_bounds(2026) == (d(2026, 4, 1), d(2027, 3, 31))
    # 2028 is a leap year: the fiscal year 2027 has 366 days.
    first, last = fiscal_year_bounds(2027)
    assert (last - first).days + 1 == 366


@fast
@given(st.dates(min_value=d(2000, 1, 1), max_value=d(2100, 12, 31)))
def test_every_day_lies_within_the_bounds_of_its_fiscal_year(day: date) -> None:
    first, last = fiscal_year_bounds(fiscal_year_of(day))
    assert first <= day <= last
    assert first.month == 4 and first.day == 1


def test_date_range() -> None:
    assert list(date_range(d(2026, 2, 27), d(2026, 3, 2))) == [
        d(2026, 2, 27),
        d(2026, 2, 28),
        d(2026, 3, 1),
        d(2026, 3, 2),
    ]
    assert list(date_range(d(2026, 3, 2), d(2026, 3, 2))) == [d(2026, 3, 2)]
    assert list(date_range(d(2026, 3, 3), d(2026, 3, 2))) == []


@fast
@given(st.dates(d(2020, 1, 1), d(2030, 12, 31)), st.integers(-5, 400))
def test_date_range_is_consecutive_and_inclusive(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    days = list(date_range(start, end))
    assert len(days) == max(length + 1, 0)
    assert all(b - a == timedelta(days=1) for a, b in pairwise(days))
    if days:
        assert days[0] == start and days[-1] == end


# --- national holidays (国民の祝日) -----------------------------------------------------------


def test_holidays_2026() -> None:
    assert national_holidays(2026) == {
        d(2026, 1, 1): "元日",
        d(2026, 1, 12): "成人の日",
        d(2026, 2, 11): "建国記念の日",
        d(2026, 2, 23): "天皇誕生日",
        d(2026, 3, 20): "春分の日",
        d(2026, 4, 29): "昭和の日",
        d(2026, 5, 3): "憲法記念日",
        d(2026, 5, 4): "みどりの日",
        d(2026, 5, 5): "こどもの日",
        d(2026, 5, 6): SUBSTITUTE,
        d(2026, 7, 20): "海の日",
        d(2026, 8, 11): "山の日",
        d(2026, 9, 21): "敬老の日",
        d(2026, 9, 22): CITIZENS,
        d(2026, 9, 23): "秋分の日",
        d(2026, 10, 12): "スポーツの日",
        d(2026, 11, 3): "文化の日",
        d(2026, 11, 23): "勤労感謝の日",
    }


def test_holidays_2025() -> None:
    assert sorted(national_holidays(2025)) == [
        d(2025, 1, 1),
        d(2025, 1, 13),
        d(2025, 2, 11),
        d(2025, 2, 23),
        d(2025, 2, 24),  # 振替休日 for 天皇誕生日 on a Sunday
        d(2025, 3, 20),
        d(2025, 4, 29),
        d(2025, 5, 3),
        d(2025, 5, 4),
        d(2025, 5, 5),
        d(2025, 5, 6),  # 振替休日 for みどりの日 on a Sunday, past こどもの日
        d(2025, 7, 21),
        d(2025, 8, 11),
        d(2025, 9, 15),
        d(2025, 9, 23),
        d(2025, 10, 13),
        d(2025, 11, 3),
        d(2025, 11, 23),
        d(2025, 11, 24),  # 振替休日 for 勤労感謝の日 on a Sunday
    ]
    holidays = national_holidays(2025)
    assert holidays[d(2025, 2, 24)] == SUBSTITUTE
    assert holidays[d(2025, 5, 6)] == SUBSTITUTE
    assert holidays[d(2025, 11, 24)] == SUBSTITUTE
    assert holidays[d(2025, 3, 20)] == "春分の日"
    assert holidays[d(2025, 9, 23)] == "秋分の日"


def test_holidays_2024() -> None:
    holidays = national_holidays(2024)
    assert holidays[d(2024, 3, 20)] == "春分の日"
    assert holidays[d(2024, 9, 22)] == "秋分の日"
    assert holidays[d(2024, 9, 23)] == SUBSTITUTE
    assert holidays[d(2024, 9, 16)] == "敬老の日"
    assert holidays[d(2024, 2, 12)] == SUBSTITUTE
    assert holidays[d(2024, 8, 12)] == SUBSTITUTE
    assert holidays[d(2024, 11, 4)] == SUBSTITUTE
    assert len(holidays) == 21


def test_olympic_year_2020() -> None:
    holidays = national_holidays(2020)
    assert holidays[d(2020, 7, 23)] == "海の日"
    assert holidays[d(2020, 7, 24)] == "スポーツの日"
    assert holidays[d(2020, 8, 10)] == "山の日"
    # The usual days were working days that year.
    assert d(2020, 7, 20) not in holidays  # 3rd Monday of July
    assert d(2020, 8, 11) not in holidays
    assert d(2020, 10, 12) not in holidays  # 2nd Monday of October
    assert holidays[d(2020, 2, 24)] == SUBSTITUTE
    assert holidays[d(2020, 5, 6)] == SUBSTITUTE
    assert holidays[d(2020, 9, 21)] == "敬老の日"
    assert holidays[d(2020, 9, 22)] == "秋分の日"
    assert len(holidays) == 18


def test_olympic_year_2021() -> None:
    holidays = national_holidays(2021)
    assert holidays[d(2021, 7, 22)] == "海の日"
    assert holidays[d(2021, 7, 23)] == "スポーツの日"
    assert holidays[d(2021, 8, 8)] == "山の日"
    assert holidays[d(2021, 8, 9)] == SUBSTITUTE
    assert d(2021, 7, 19) not in holidays
    assert d(2021, 8, 11) not in holidays
    assert d(2021, 10, 11) not in holidays
    assert len(holidays) == 17


def test_later_years() -> None:
    # 2032: 敬老の日 on 20 September and 秋分の日 on the 22nd put a 国民の休日 between them.
    holidays_2032 = national_holidays(2032)
    assert holidays_2032[d(2032, 9, 20)] == "敬老の日"
    assert holidays_2032[d(2032, 9, 21)] == CITIZENS
    assert holidays_2032[d(2032, 9, 22)] == "秋分の日"
    # The approximation of the equinoxes moves them a day earlier late in the century.
    assert national_holidays(2027)[d(2027, 3, 21)] == "春分の日"
    assert national_holidays(2027)[d(2027, 3, 22)] == SUBSTITUTE
    assert national_holidays(2092)[d(2092, 3, 19)] == "春分の日"
    assert national_holidays(2099)[d(2099, 9, 23)] == "秋分の日"


@pytest.mark.parametrize("year", [2019, 2100, 1999])
def test_years_outside_the_supported_range(year: int) -> None:
    with pytest.raises(ValueError, match=str(year)):
        national_holidays(year)


def test_the_result_is_a_copy() -> None:
    holidays = national_holidays(2026)
    holidays.clear()
    assert len(national_holidays(2026)) == 18


@fast
@given(years)
def test_each_named_holiday_once_a_year(year: int) -> None:
    holidays = national_holidays(year)
    proper = [name for name in holidays.values() if name not in {SUBSTITUTE, CITIZENS}]
    assert sorted(proper) == sorted(PROPER_NAMES)
    assert all(day.year == year for day in holidays)


@fast
@given(years)
def test_every_substitute_holiday_follows_a_sunday_holiday_run(year: int) -> None:
    holidays = national_holidays(year)
    for day, name in holidays.items():
        if name != SUBSTITUTE:
            continue
        assert day.weekday() != 6
        # Walk back through the holidays before it: the run must start from a Sunday 祝日.
        back = day - timedelta(days=1)
        while back.weekday() != 6:
            assert holidays.get(back, SUBSTITUTE) not in {SUBSTITUTE, CITIZENS}
            back -= timedelta(days=1)
        assert holidays.get(back) in PROPER_NAMES


@fast
@given(years)
def test_every_sunday_holiday_gets_a_substitute(year: int) -> None:
    holidays = national_holidays(year)
    for day, name in holidays.items():
        if name in PROPER_NAMES and day.weekday() == 6:
            after = day + timedelta(days=1)
            while holidays.get(after) in PROPER_NAMES:
                after += timedelta(days=1)
            if after.year == year:
                assert holidays.get(after) == SUBSTITUTE


@fast
@given(years)
def test_citizens_holidays_are_exactly_the_sandwiched_days(year: int) -> None:
    holidays = national_holidays(year)
    proper = {day for day, name in holidays.items() if name in PROPER_NAMES}
    for day in date_range(date(year, 1, 2), date(year, 12, 30)):
        sandwiched = (
            day not in proper
            and day - timedelta(days=1) in proper
            and day + timedelta(days=1) in proper
        )
        assert (holidays.get(day) == CITIZENS) == sandwiched
        if sandwiched:
            assert day.weekday() < 5


@fast
@given(years)
def test_holidays_are_taken_out_of_the_weekdays_once(year: int) -> None:
    holidays = national_holidays(year)
    start, end = date(year, 1, 1), date(year, 12, 31)
    days = lesson_days(start=start, end=end, overrides=dict.fromkeys(holidays, False))
    weekdays = sum(1 for day in date_range(start, end) if day.weekday() < 5)
    weekday_holidays = sum(1 for day in holidays if day.weekday() < 5)
    assert len(days) == weekdays - weekday_holidays
    assert not days & holidays.keys()
    # A Sunday holiday is not lost to the weekend: it moves to exactly one weekday.
    sundays = sum(1 for day in holidays if day.weekday() == 6)
    assert sundays == sum(1 for name in holidays.values() if name == SUBSTITUTE)


# --- lesson days (授業日) ---------------------------------------------------------------------


def test_lesson_days_of_a_week() -> None:
    # The week of 2026-09-21 (Mon) .. 27 (Sun): 敬老の日, 国民の休日, 秋分の日.
    holidays = national_holidays(2026)
    week = lesson_days(
        start=d(2026, 9, 21), end=d(2026, 9, 27), overrides=dict.fromkeys(holidays, False)
    )
    assert week == {d(2026, 9, 24), d(2026, 9, 25)}


def test_saturday_lessons_and_closures() -> None:
    days = lesson_days(
        start=d(2026, 6, 1),
        end=d(2026, 6, 14),
        overrides={
            d(2026, 6, 6): True,  # 土曜授業
            d(2026, 6, 8): False,  # 振替休業日 for it
            d(2026, 6, 20): True,  # outside the range: not in the result
        },
        closed={d(2026, 6, 11), d(2026, 6, 12), d(2026, 6, 13)},  # 学級閉鎖 Thu–Sat
    )
    assert sorted(days) == [
        d(2026, 6, 1),
        d(2026, 6, 2),
        d(2026, 6, 3),
        d(2026, 6, 4),
        d(2026, 6, 5),
        d(2026, 6, 6),
        d(2026, 6, 9),
        d(2026, 6, 10),
    ]


def test_a_closure_beats_a_saturday_lesson() -> None:
    days = lesson_days(
        start=d(2026, 6, 6),
        end=d(2026, 6, 6),
        overrides={d(2026, 6, 6): True},
        closed=[d(2026, 6, 6)],
    )
    assert days == frozenset()


def test_no_lesson_days_when_start_is_after_end() -> None:
    assert lesson_days(start=d(2026, 6, 2), end=d(2026, 6, 1), overrides={}) == frozenset()


@fast
@given(
    st.dates(d(2026, 1, 1), d(2026, 12, 31)),
    st.integers(0, 60),
    st.dictionaries(st.dates(d(2025, 12, 1), d(2027, 1, 31)), st.booleans(), max_size=40),
    st.sets(st.dates(d(2025, 12, 1), d(2027, 1, 31)), max_size=20),
)
def test_lesson_days_rule(
    start: date, length: int, overrides: dict[date, bool], closed: set[date]
) -> None:
    end = start + timedelta(days=length)
    days = lesson_days(start=start, end=end, overrides=overrides, closed=closed)
    for day in date_range(start - timedelta(days=3), end + timedelta(days=3)):
        expected = (
            start <= day <= end
            and day not in closed
            and overrides.get(day, day.weekday() not in (5, 6))
        )
        assert (day in days) == expected
