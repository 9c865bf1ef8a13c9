"""The counting rules of 出欠の記録 (指導要録 様式2): worked examples and properties.

Every worked example writes its calendar out as a table of lesson days and its expected numbers
by hand, so a change in the rules shows up as a changed number here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from manabi.attendance.rules import (
    LONG_ABSENCE_DAYS,
    RULES_VERSION,
    Category,
    DayMark,
    ReasonCategory,
    Totals,
    count,
    count_by_month,
    explain,
)
from manabi.attendance.schooldays import (
    date_range,
    fiscal_year_bounds,
    lesson_days,
    national_holidays,
)

fast = settings(database=None, deadline=None, max_examples=200)

R = ReasonCategory
PRESENT = DayMark(Category.PRESENT)
DEEMED = DayMark(Category.DEEMED)
ABSENT = DayMark(Category.ABSENT)
LEAVE = DayMark(Category.LEAVE)
SINCE_APRIL: list[tuple[date, date | None]] = [(date(2026, 4, 1), None)]


def days(year: int, month: int, table: str) -> frozenset[date]:
    """Lesson days from a table such as ``"1-5 8-12 15"`` (days of the month)."""
    result: set[date] = set()
    for part in table.split():
        first, _, last = part.partition("-")
        result.update(date(year, month, n) for n in range(int(first), int(last or first) + 1))
    return frozenset(result)


def reasons(**counts: int) -> dict[ReasonCategory, int]:
    return {reason: counts.get(reason.value, 0) for reason in ReasonCategory}


def totals(**fields: object) -> Totals:
    """Expected totals: zero but for the fields given."""
    return replace(Totals.zero(), **fields)


# June 2026 has no holiday: Monday 1 .. Tuesday 30, 22 weekdays.
JUNE = days(2026, 6, "1-5 8-12 15-19 22-26 29-30")
# July 2026 up to the summer holidays: 海の日 on Monday 20, 夏季休業 from the 21st.
JULY = days(2026, 7, "1-3 6-10 13-17")
# May 2026: ゴールデンウィーク (3 Sun 憲法記念日, 4 みどりの日, 5 こどもの日, 6 振替休日).
MAY = days(2026, 5, "1 7-8 11-15 18-22 25-29")


def school_year_2026() -> frozenset[date]:
    """A school's 授業日 of 2026年度: weekdays without holidays and the long breaks."""
    off = {day: False for year in (2026, 2027) for day in national_holidays(year)}
    for first, last in [
        (date(2026, 7, 21), date(2026, 8, 31)),  # 夏季休業
        (date(2026, 12, 24), date(2027, 1, 7)),  # 冬季休業
        (date(2027, 3, 25), date(2027, 3, 31)),  # 学年末休業
    ]:
        off.update(dict.fromkeys(date_range(first, last), False))
    first, last = fiscal_year_bounds(2026)
    return lesson_days(start=first, end=last, overrides=off)


# --- worked examples --------------------------------------------------------------------------


def test_the_tables_match_the_calendar() -> None:
    holidays = dict.fromkeys(national_holidays(2026), False)
    assert len(JUNE) == 22
    assert lesson_days(start=date(2026, 6, 1), end=date(2026, 6, 30), overrides=holidays) == JUNE
    assert lesson_days(start=date(2026, 5, 1), end=date(2026, 5, 31), overrides=holidays) == MAY
    assert len(MAY) == 18


def test_plain_month() -> None:
    marks = {
        date(2026, 6, 3): DayMark(Category.ABSENT, reason=R.ILLNESS),
        date(2026, 6, 10): ABSENT,  # no reason given: その他
        date(2026, 6, 17): LEAVE,  # 忌引
        date(2026, 6, 24): DayMark(Category.PRESENT, late=True),
    }
    result = count(lesson_days=JUNE, enrolled=SINCE_APRIL, marks=marks)
    assert result == totals(
        lesson_days=22,
        leave_days=1,
        required_days=21,
        absent_days=2,
        present_days=19,
        late=1,
        absence_by_reason=reasons(illness=1, other=1),
    )
    assert explain(result) == [
        "授業日数 22日 − 出席停止・忌引等 1日 = 出席しなければならない日数 21日",
        "出席しなければならない日数 21日 − 欠席 2日 = 出席日数 19日",
        "遅刻 1回・早退 0回（出席した日のみ数えます）",
        "欠席 2日の理由別内訳: 病気 1日・その他 1日",
    ]


def test_suspension_inside_a_class_closure() -> None:
    # 学級閉鎖 Wednesday 10 .. Friday 12 June; the pupil has influenza from Monday the 8th.
    closure = [date(2026, 6, 10), date(2026, 6, 11), date(2026, 6, 12)]
    calendar = lesson_days(
        start=date(2026, 6, 1), end=date(2026, 6, 30), overrides={}, closed=closure
    )
    assert calendar == days(2026, 6, "1-5 8-9 15-19 22-26 29-30")
    marks = dict.fromkeys(date_range(date(2026, 6, 8), date(2026, 6, 12)), LEAVE)  # 出席停止
    result = count(lesson_days=calendar, enrolled=SINCE_APRIL, marks=marks)
    assert result == totals(
        lesson_days=19,
        leave_days=2,
        required_days=17,
        present_days=17,
        ignored=(date(2026, 6, 10), date(2026, 6, 11), date(2026, 6, 12)),
    )
    assert explain(result)[-1] == (
        "6月10日・6月11日・6月12日の3日分の記録は"
        "授業日でない日（休業日・臨時休業・在籍期間外）のため数えていません"
    )


def test_transfer_in_the_middle_of_a_month() -> None:
    school_a = [(date(2026, 4, 1), date(2026, 6, 15))]  # 転出: last day at A on Monday 15
    school_b = [(date(2026, 6, 16), None)]  # 転入: first day at B on Tuesday 16
    marks = {
        date(2026, 6, 4): ABSENT,  # in A's book
        date(2026, 6, 16): ABSENT,  # in B's book
        date(2026, 6, 22): DEEMED,  # in B's book
    }
    at_a = count(lesson_days=JUNE, enrolled=school_a, marks=marks)
    at_b = count(lesson_days=JUNE, enrolled=school_b, marks=marks)
    # A: 1-5, 8-12, 15 = 11 lesson days. B: 16-19, 22-26, 29-30 = 11 lesson days.
    assert at_a == totals(
        lesson_days=11,
        required_days=11,
        absent_days=1,
        present_days=10,
        absence_by_reason=reasons(other=1),
        ignored=(date(2026, 6, 16), date(2026, 6, 22)),
    )
    assert at_b == totals(
        lesson_days=11,
        required_days=11,
        absent_days=1,
        present_days=10,
        deemed_days=1,
        absence_by_reason=reasons(other=1),
        ignored=(date(2026, 6, 4),),
    )
    # Together they are the month once: no day counted at both schools, none at neither.
    whole = count(lesson_days=JUNE, enrolled=SINCE_APRIL, marks=marks)
    both = at_a + at_b
    assert both.lesson_days == whole.lesson_days == 22
    assert both.present_days == whole.present_days == 20
    assert both.absent_days == whole.absent_days == 2
    for day in JUNE:
        a = count(lesson_days={day}, enrolled=school_a, marks={}).lesson_days
        b = count(lesson_days={day}, enrolled=school_b, marks={}).lesson_days
        assert a + b == 1, day


def test_mourning_over_a_holiday_weekend() -> None:
    # 忌引 Friday 1 .. Thursday 7 May 2026, across the weekend and ゴールデンウィーク.
    marks = dict.fromkeys(date_range(date(2026, 5, 1), date(2026, 5, 7)), LEAVE)
    result = count(lesson_days=MAY, enrolled=SINCE_APRIL, marks=marks)
    assert result == totals(
        lesson_days=18,
        leave_days=2,
        required_days=16,
        present_days=16,
        ignored=(
            date(2026, 5, 2),
            date(2026, 5, 3),
            date(2026, 5, 4),
            date(2026, 5, 5),
            date(2026, 5, 6),
        ),
    )
    assert explain(result)[-1].startswith("5月2日・5月3日・5月4日 など5日分の記録は")


def test_late_and_early_on_the_same_day() -> None:
    marks = {
        date(2026, 6, 2): DayMark(Category.PRESENT, late=True, early=True),
        date(2026, 6, 3): DayMark(Category.DEEMED, late=True),
        date(2026, 6, 4): DayMark(Category.PRESENT, early=True),
        date(2026, 6, 5): PRESENT,  # a row kept for a note only
    }
    result = count(lesson_days=JUNE, enrolled=SINCE_APRIL, marks=marks)
    assert result == totals(
        lesson_days=22, required_days=22, present_days=22, late=2, early=2, deemed_days=1
    )
    assert "遅刻 2回・早退 2回（出席した日のみ数えます）" in explain(result)


def test_deemed_days_count_as_present() -> None:
    marks: dict[date, DayMark] = dict.fromkeys(days(2026, 6, "1-5"), DEEMED)  # 別室登校
    marks[date(2026, 6, 8)] = DayMark(Category.ABSENT, reason=R.NON_ATTENDANCE)
    result = count(lesson_days=JUNE, enrolled=SINCE_APRIL, marks=marks)
    assert result == totals(
        lesson_days=22,
        required_days=22,
        absent_days=1,
        present_days=21,
        deemed_days=5,
        absence_by_reason=reasons(non_attendance=1),
    )
    assert "出席日数 21日のうち出席扱い 5日（別室登校・オンライン学習など。備考に記入します）" in (
        explain(result)
    )


def test_late_flag_on_an_absence_or_a_leave_is_ignored() -> None:
    marks = {
        date(2026, 6, 2): DayMark(Category.ABSENT, late=True, early=True, reason=R.ILLNESS),
        date(2026, 6, 3): DayMark(Category.LEAVE, late=True),
    }
    result = count(lesson_days=JUNE, enrolled=SINCE_APRIL, marks=marks)
    assert result == totals(
        lesson_days=22,
        leave_days=1,
        required_days=21,
        absent_days=1,
        present_days=20,
        absence_by_reason=reasons(illness=1),
    )


def test_reason_is_read_for_absences_only() -> None:
    marks = {date(2026, 6, 2): DayMark(Category.LEAVE, reason=R.ILLNESS)}
    result = count(lesson_days=JUNE, enrolled=SINCE_APRIL, marks=marks)
    assert result.absence_by_reason == reasons()
    assert result.leave_days == 1


def _absences_29() -> dict[date, DayMark]:
    marks: dict[date, DayMark] = dict.fromkeys(
        JUNE, DayMark(Category.ABSENT, reason=R.NON_ATTENDANCE)
    )
    marks.update(dict.fromkeys(days(2026, 7, "1-3"), DayMark(Category.ABSENT, reason=R.ILLNESS)))
    marks.update(dict.fromkeys(days(2026, 7, "6-7"), DayMark(Category.ABSENT, reason=R.ECONOMIC)))
    marks[date(2026, 7, 8)] = DayMark(Category.ABSENT, reason=R.INFECTION_AVOIDANCE)
    marks[date(2026, 7, 9)] = ABSENT
    return marks


def test_long_absence_29_days_is_not_yet_long() -> None:
    calendar = JUNE | JULY  # 22 + 13 = 35 lesson days
    result = count(lesson_days=calendar, enrolled=SINCE_APRIL, marks=_absences_29())
    assert result == totals(
        lesson_days=35,
        required_days=35,
        absent_days=29,
        present_days=6,
        absence_by_reason=reasons(
            illness=3, economic=2, non_attendance=22, infection_avoidance=1, other=1
        ),
    )
    assert result.long_absence is False
    assert not any("長期欠席" in line for line in explain(result))


def test_long_absence_from_30_days_with_its_breakdown() -> None:
    marks = _absences_29()
    marks[date(2026, 7, 10)] = DayMark(Category.ABSENT, reason=R.OTHER)
    result = count(lesson_days=JUNE | JULY, enrolled=SINCE_APRIL, marks=marks)
    assert result == totals(
        lesson_days=35,
        required_days=35,
        absent_days=30,
        present_days=5,
        absence_by_reason=reasons(
            illness=3, economic=2, non_attendance=22, infection_avoidance=1, other=2
        ),
    )
    assert LONG_ABSENCE_DAYS == 30
    assert result.long_absence is True
    assert explain(result)[-1] == (
        "長期欠席（欠席30日以上）に当たります。欠席 30日の理由別内訳: "
        "病気 3日・経済的理由 2日・不登校 22日・感染回避 1日・その他 2日"
    )


def test_school_year_calendar() -> None:
    # Worked out by hand from the 2026 and 2027 calendars (see school_year_2026).
    by_month = {(day.year, day.month): 0 for day in date_range(*fiscal_year_bounds(2026))}
    for day in school_year_2026():
        by_month[(day.year, day.month)] += 1
    assert by_month == {
        (2026, 4): 21,  # 29 昭和の日
        (2026, 5): 18,
        (2026, 6): 22,
        (2026, 7): 13,  # 20 海の日, 夏季休業 from the 21st
        (2026, 8): 0,
        (2026, 9): 19,  # 21 敬老の日, 22 国民の休日, 23 秋分の日
        (2026, 10): 21,  # 12 スポーツの日
        (2026, 11): 19,  # 3 文化の日, 23 勤労感謝の日
        (2026, 12): 17,  # 冬季休業 from the 24th
        (2027, 1): 15,  # 冬季休業 to the 7th, 11 成人の日
        (2027, 2): 18,  # 11 建国記念の日, 23 天皇誕生日
        (2027, 3): 17,  # 22 振替休日 (春分の日 on Sunday 21), 学年末休業 from the 25th
    }


def test_pupil_enrolled_from_the_middle_of_the_year() -> None:
    calendar = school_year_2026()
    enrolled = [(date(2026, 11, 16), None)]  # 転入 on Monday 16 November
    marks = {
        date(2026, 11, 13): ABSENT,  # before the pupil came: not counted
        date(2026, 12, 1): DayMark(Category.ABSENT, reason=R.ILLNESS),
        date(2027, 2, 11): ABSENT,  # 建国記念の日: not a lesson day
    }
    months = count_by_month(fiscal_year=2026, lesson_days=calendar, enrolled=enrolled, marks=marks)
    assert list(months) == [(2026, m) for m in range(4, 13)] + [(2027, m) for m in range(1, 4)]
    for key in [(2026, m) for m in range(4, 11)]:
        assert months[key] == Totals.zero(), key
    # November from the 16th: 16-20, 24-27 (23 勤労感謝の日), 30.
    assert months[(2026, 11)] == totals(
        lesson_days=10, required_days=10, present_days=10, ignored=(date(2026, 11, 13),)
    )
    assert months[(2026, 12)] == totals(
        lesson_days=17,
        required_days=17,
        absent_days=1,
        present_days=16,
        absence_by_reason=reasons(illness=1),
    )
    assert months[(2027, 1)].lesson_days == 15
    assert months[(2027, 2)] == totals(
        lesson_days=18, required_days=18, present_days=18, ignored=(date(2027, 2, 11),)
    )
    assert months[(2027, 3)].lesson_days == 17
    year = sum(months.values(), Totals.zero())
    assert year == totals(
        lesson_days=77,
        required_days=77,
        absent_days=1,
        present_days=76,
        absence_by_reason=reasons(illness=1),
        ignored=(date(2026, 11, 13), date(2027, 2, 11)),
    )


def test_marks_outside_the_window() -> None:
    marks = {
        date(2026, 5, 29): ABSENT,  # May: outside the window
        date(2026, 6, 6): ABSENT,  # a Saturday in the window: ignored
        date(2026, 7, 1): ABSENT,  # July: outside the window
    }
    calendar = MAY | JUNE | JULY
    result = count(
        lesson_days=calendar,
        enrolled=SINCE_APRIL,
        marks=marks,
        start=date(2026, 6, 1),
        end=date(2026, 6, 30),
    )
    assert result == totals(
        lesson_days=22, required_days=22, present_days=22, ignored=(date(2026, 6, 6),)
    )
    assert explain(result)[-1] == (
        "6月6日の記録は授業日でない日（休業日・臨時休業・在籍期間外）のため数えていません"
    )
    # Only a start, or only an end.
    assert count(
        lesson_days=calendar, enrolled=SINCE_APRIL, marks=marks, start=date(2026, 7, 1)
    ) == totals(
        lesson_days=13,
        required_days=13,
        absent_days=1,
        present_days=12,
        absence_by_reason=reasons(other=1),
    )
    assert count(
        lesson_days=calendar, enrolled=SINCE_APRIL, marks=marks, end=date(2026, 5, 31)
    ) == totals(
        lesson_days=18,
        required_days=18,
        absent_days=1,
        present_days=17,
        absence_by_reason=reasons(other=1),
    )


def test_the_year_is_the_sum_of_its_months() -> None:
    calendar = school_year_2026()
    marks = {
        date(2026, 4, 30): DayMark(Category.ABSENT, reason=R.ILLNESS),
        date(2026, 5, 1): DayMark(Category.PRESENT, late=True),
        date(2026, 5, 5): LEAVE,  # こどもの日: ignored
        date(2026, 9, 24): LEAVE,
        date(2026, 12, 25): ABSENT,  # 冬季休業: ignored
        date(2027, 3, 31): DEEMED,  # 学年末休業: ignored
        date(2027, 4, 1): ABSENT,  # the next year
    }
    months = count_by_month(
        fiscal_year=2026, lesson_days=calendar, enrolled=SINCE_APRIL, marks=marks
    )
    year = count(
        lesson_days=calendar,
        enrolled=SINCE_APRIL,
        marks=marks,
        start=date(2026, 4, 1),
        end=date(2027, 3, 31),
    )
    assert sum(months.values(), Totals.zero()) == year
    assert year == totals(
        lesson_days=200,
        leave_days=1,
        required_days=199,
        absent_days=1,
        present_days=198,
        late=1,
        absence_by_reason=reasons(illness=1),
        ignored=(date(2026, 5, 5), date(2026, 12, 25), date(2027, 3, 31)),
    )


def test_empty_calendar() -> None:
    marks = {date(2026, 6, 1): ABSENT, date(2026, 6, 2): DayMark(Category.PRESENT, late=True)}
    result = count(lesson_days=(), enrolled=SINCE_APRIL, marks=marks)
    assert result == totals(ignored=(date(2026, 6, 1), date(2026, 6, 2)))
    assert explain(result)[:2] == [
        "授業日数 0日 − 出席停止・忌引等 0日 = 出席しなければならない日数 0日",
        "出席しなければならない日数 0日 − 欠席 0日 = 出席日数 0日",
    ]
    months = count_by_month(fiscal_year=2026, lesson_days=(), enrolled=SINCE_APRIL, marks={})
    assert len(months) == 12
    assert all(month == Totals.zero() for month in months.values())


def test_not_enrolled_at_all() -> None:
    result = count(lesson_days=JUNE, enrolled=[], marks={date(2026, 6, 1): ABSENT})
    assert result == totals(ignored=(date(2026, 6, 1),))


def test_overlapping_enrolments_count_a_day_once() -> None:
    enrolled: list[tuple[date, date | None]] = [
        (date(2026, 4, 1), date(2026, 6, 19)),
        (date(2026, 6, 15), None),
    ]
    assert count(lesson_days=JUNE, enrolled=enrolled, marks={}).lesson_days == 22


def test_an_enrolment_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends"):
        count(lesson_days=JUNE, enrolled=[(date(2026, 6, 2), date(2026, 6, 1))], marks={})


def test_totals_add_and_zero() -> None:
    a = totals(
        lesson_days=3,
        required_days=3,
        absent_days=1,
        present_days=2,
        absence_by_reason=reasons(illness=1),
        ignored=(date(2026, 6, 6),),
    )
    b = totals(
        lesson_days=2,
        leave_days=1,
        required_days=1,
        present_days=1,
        late=1,
        early=1,
        deemed_days=1,
        ignored=(date(2026, 5, 5),),
    )
    assert a + Totals.zero() == a
    assert a + b == totals(
        lesson_days=5,
        leave_days=1,
        required_days=4,
        absent_days=1,
        present_days=3,
        late=1,
        early=1,
        deemed_days=1,
        absence_by_reason=reasons(illness=1),
        ignored=(date(2026, 5, 5), date(2026, 6, 6)),
    )
    # A partial reason mapping is completed with zeros.
    assert Totals.zero().absence_by_reason == reasons()
    partial = Totals(
        lesson_days=1,
        leave_days=0,
        required_days=1,
        absent_days=1,
        present_days=0,
        late=0,
        early=0,
        deemed_days=0,
        absence_by_reason={R.ECONOMIC: 1},
        ignored=(),
    )
    assert partial.absence_by_reason == reasons(economic=1)


def test_labels_and_version() -> None:
    assert [c.label for c in Category] == ["出席", "出席扱い", "欠席", "出席停止・忌引等"]
    assert [r.label for r in ReasonCategory] == [
        "病気",
        "経済的理由",
        "不登校",
        "感染回避",
        "その他",
    ]
    assert RULES_VERSION == "2026.1"


# --- properties -------------------------------------------------------------------------------

FIRST, LAST = fiscal_year_bounds(2026)
in_year = st.dates(min_value=FIRST, max_value=LAST)
day_marks = st.builds(
    DayMark,
    category=st.sampled_from(Category),
    late=st.booleans(),
    early=st.booleans(),
    reason=st.none() | st.sampled_from(ReasonCategory),
)
calendars = st.frozensets(in_year, max_size=150)
mark_books = st.dictionaries(
    st.dates(min_value=FIRST - timedelta(days=20), max_value=LAST + timedelta(days=20)),
    day_marks,
    max_size=80,
)


@st.composite
def periods(draw: st.DrawFn, min_size: int = 0) -> list[tuple[date, date | None]]:
    result: list[tuple[date, date | None]] = []
    for _ in range(draw(st.integers(min_size, 3))):
        first = draw(in_year)
        last = draw(st.none() | st.dates(min_value=first, max_value=LAST + timedelta(days=30)))
        result.append((first, last))
    return result


@st.composite
def windows(draw: st.DrawFn) -> tuple[date | None, date | None]:
    start = draw(st.none() | in_year)
    end = draw(st.none() | st.dates(min_value=start or FIRST, max_value=LAST))
    return start, end


def _enrolled_on(day: date, enrolled: list[tuple[date, date | None]]) -> bool:
    return any(a <= day and (b is None or day <= b) for a, b in enrolled)


@fast
@given(calendars, periods(), mark_books, windows())
def test_identities(
    calendar: frozenset[date],
    enrolled: list[tuple[date, date | None]],
    marks: dict[date, DayMark],
    window: tuple[date | None, date | None],
) -> None:
    start, end = window
    t = count(lesson_days=calendar, enrolled=enrolled, marks=marks, start=start, end=end)
    assert t.required_days == t.lesson_days - t.leave_days
    assert t.present_days == t.required_days - t.absent_days
    numbers = [
        t.lesson_days,
        t.leave_days,
        t.required_days,
        t.absent_days,
        t.present_days,
        t.late,
        t.early,
        t.deemed_days,
    ]
    assert all(n >= 0 for n in numbers)
    assert t.deemed_days <= t.present_days
    assert t.late <= t.present_days and t.early <= t.present_days
    assert set(t.absence_by_reason) == set(ReasonCategory)
    assert sum(t.absence_by_reason.values()) == t.absent_days
    assert t.long_absence == (t.absent_days >= 30)
    # The counted days, worked out directly from the three conditions.
    counted = {
        day
        for day in calendar
        if _enrolled_on(day, enrolled)
        and (start is None or start <= day)
        and (end is None or day <= end)
    }
    assert t.lesson_days == len(counted)
    assert t.absent_days == sum(
        1 for day in counted if day in marks and marks[day].category is Category.ABSENT
    )
    assert list(t.ignored) == sorted(
        day
        for day in marks
        if day not in counted and (start is None or start <= day) and (end is None or day <= end)
    )
    assert len(explain(t)) >= 2


@settings(database=None, deadline=None, max_examples=100)
@given(calendars, periods(), mark_books)
def test_months_add_up_to_the_year(
    calendar: frozenset[date],
    enrolled: list[tuple[date, date | None]],
    marks: dict[date, DayMark],
) -> None:
    months = count_by_month(fiscal_year=2026, lesson_days=calendar, enrolled=enrolled, marks=marks)
    assert len(months) == 12
    year = count(lesson_days=calendar, enrolled=enrolled, marks=marks, start=FIRST, end=LAST)
    assert sum(months.values(), Totals.zero()) == year


@fast
@given(calendars, mark_books, in_year, st.integers(0, 200), st.none() | st.integers(1, 200))
def test_splitting_an_enrolment_changes_nothing(
    calendar: frozenset[date],
    marks: dict[date, DayMark],
    first: date,
    split_after: int,
    length_after: int | None,
) -> None:
    middle = first + timedelta(days=split_after)
    last = None if length_after is None else middle + timedelta(days=length_after)
    one = count(lesson_days=calendar, enrolled=[(first, last)], marks=marks)
    two = count(
        lesson_days=calendar,
        enrolled=[(first, middle), (middle + timedelta(days=1), last)],
        marks=marks,
    )
    assert one == two
    # Counted separately (two schools' books), the two periods add up to the one as well.
    part_a = count(lesson_days=calendar, enrolled=[(first, middle)], marks=marks)
    part_b = count(lesson_days=calendar, enrolled=[(middle + timedelta(days=1), last)], marks=marks)
    both = part_a + part_b
    assert replace(both, ignored=()) == replace(one, ignored=())


@fast
@given(calendars, periods(), mark_books, in_year, day_marks)
def test_a_mark_on_a_day_that_does_not_count_changes_only_ignored(
    calendar: frozenset[date],
    enrolled: list[tuple[date, date | None]],
    marks: dict[date, DayMark],
    day: date,
    mark: DayMark,
) -> None:
    assume(day not in calendar or not _enrolled_on(day, enrolled))
    before = count(lesson_days=calendar, enrolled=enrolled, marks=marks)
    after = count(lesson_days=calendar, enrolled=enrolled, marks={**marks, day: mark})
    assert day in after.ignored
    assert after == replace(before, ignored=tuple(sorted({*before.ignored, day})))


present_marks = st.none() | st.builds(
    DayMark,
    category=st.sampled_from([Category.PRESENT, Category.DEEMED]),
    late=st.booleans(),
    early=st.booleans(),
)


@fast
@given(
    calendars,
    periods(),
    mark_books,
    in_year,
    present_marks,
    st.none() | st.sampled_from(ReasonCategory),
)
def test_an_absence_on_a_present_day_moves_one_day(
    calendar: frozenset[date],
    enrolled: list[tuple[date, date | None]],
    marks: dict[date, DayMark],
    day: date,
    old: DayMark | None,
    reason: ReasonCategory | None,
) -> None:
    # Make ``day`` a counted day on which the pupil is present (with or without a mark).
    calendar = calendar | {day}
    enrolled = [*enrolled, (day, day)]
    marks = {k: v for k, v in marks.items() if k != day}
    if old is not None:
        marks[day] = old
    before = count(lesson_days=calendar, enrolled=enrolled, marks=marks)
    after = count(
        lesson_days=calendar,
        enrolled=enrolled,
        marks={**marks, day: DayMark(Category.ABSENT, late=True, reason=reason)},
    )
    assert after.absent_days == before.absent_days + 1
    assert after.present_days == before.present_days - 1
    assert after.lesson_days == before.lesson_days
    assert after.leave_days == before.leave_days
    assert after.required_days == before.required_days
    assert after.ignored == before.ignored
    was: Mapping[ReasonCategory, int] = before.absence_by_reason
    key = reason or ReasonCategory.OTHER
    assert after.absence_by_reason == {r: was[r] + (r is key) for r in ReasonCategory}
    assert after.late == before.late - (old is not None and old.late)
    assert after.early == before.early - (old is not None and old.early)
    assert after.deemed_days == before.deemed_days - (
        old is not None and old.category is Category.DEEMED
    )
