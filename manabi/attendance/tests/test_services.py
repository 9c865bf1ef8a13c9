"""The attendance services over the database: the counting rules as the grid and the year
totals apply them (closures, transfers, holidays), and the rules of marks and the lock."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from manabi.accounts.selectors import Acting, acting_for
from manabi.attendance import selectors, services
from manabi.attendance.choices import (
    AbsenceReason,
    ClosureKind,
    MarkStatus,
    MonthState,
    NoticeKind,
    NoticeStatus,
)
from manabi.attendance.models import AbsenceNotice, CalendarDay, Mark, MonthLock
from manabi.attendance.services import MarkData
from manabi.core.models import AuditEvent
from manabi.students.models import Enrolment, EnrolmentStatus
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db

ABSENT = MarkData(status=MarkStatus.ABSENT, reason=AbsenceReason.ILLNESS)
SUSPENDED = MarkData(status=MarkStatus.SUSPENDED, detail="インフルエンザ")


def teacher(sc: SchoolCast) -> Acting:
    return acting_for(sc.account("teacher_a"))


def monday(year: int, month: int, week: int = 0) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7 + 7 * week)


def row_of(sc: SchoolCast, pupil: str, day: date):  # type: ignore[no-untyped-def]
    grid = selectors.month_grid(sc.classes["a1_1"], day.year, day.month)
    return next(r for r in grid.rows if r.enrolment.student_id == sc.students[pupil].pk)


def test_suspension_inside_a_class_closure_is_not_counted(school_cast: SchoolCast) -> None:
    sc = school_cast
    mon = monday(sc.year, 6)
    for d in range(5):  # 出席停止 Monday to Friday
        services.mark_set(
            actor=teacher(sc),
            school_class=sc.classes["a1_1"],
            student_id=sc.students["A1-1"].pk,
            day=mon + timedelta(days=d),
            data=SUSPENDED,
        )
    # 学級閉鎖 on Wednesday to Friday: those days are no 授業日 for the class.
    services.closure_create(
        actor=teacher(sc),
        school_class=sc.classes["a1_1"],
        kind=ClosureKind.CLASS,
        start=mon + timedelta(days=2),
        end=mon + timedelta(days=4),
        reason="インフルエンザの流行",
    )
    row = row_of(sc, "A1-1", mon)
    june_days = selectors.month_grid(sc.classes["a1_1"], mon.year, mon.month).lesson_days
    assert row.totals.lesson_days == june_days
    assert row.totals.leave_days == 2
    assert row.totals.required_days == june_days - 2
    assert row.totals.present_days == june_days - 2
    assert len(row.totals.ignored) == 3
    # Another class of the grade is not closed.
    other = selectors.month_grid(sc.classes["a1_2"], mon.year, mon.month)
    assert other.lesson_days == june_days + 3


def test_a_grade_closure_takes_in_every_class_of_the_grade(school_cast: SchoolCast) -> None:
    sc = school_cast
    mon = monday(sc.year, 6)
    services.closure_create(
        actor=acting_for(sc.account("principal_a")),
        school_class=sc.classes["a1_1"],
        kind=ClosureKind.GRADE,
        start=mon,
        end=mon,
        reason="学年閉鎖",
    )
    assert not selectors.is_lesson_day(sc.classes["a1_2"], mon)
    assert selectors.is_lesson_day(sc.classes["a2_1"], mon)
    with pytest.raises(ValidationError, match="授業日ではありません"):
        services.mark_set(
            actor=teacher(sc),
            school_class=sc.classes["a1_1"],
            student_id=sc.students["A1-1"].pk,
            day=mon,
            data=ABSENT,
        )


def test_a_transfer_mid_month_counts_each_school_for_its_own_days(school_cast: SchoolCast) -> None:
    sc = school_cast
    mon = monday(sc.year, 9)
    left = mon + timedelta(days=9)  # the second Wednesday
    enrolment = sc.enrolments["A1-3"]
    enrolment.status = EnrolmentStatus.TRANSFERRED_OUT
    enrolment.end_date = left
    enrolment.save()
    Enrolment.objects.create(
        student=sc.students["A1-3"],
        school=sc.cast.orgs["school_b"],
        fiscal_year=sc.year,
        grade=1,
        school_class=sc.classes["b1_1"],
        number=3,
        start_date=left + timedelta(days=1),
    )
    services.mark_set(
        actor=teacher(sc),
        school_class=sc.classes["a1_1"],
        student_id=sc.students["A1-3"].pk,
        day=mon,
        data=ABSENT,
    )
    # After leaving, school A can no longer mark the pupil.
    with pytest.raises(ValidationError, match="在籍していません"):
        services.mark_set(
            actor=teacher(sc),
            school_class=sc.classes["a1_1"],
            student_id=sc.students["A1-3"].pk,
            day=left + timedelta(days=1),
            data=ABSENT,
        )
    services.mark_set(
        actor=acting_for(sc.account("teacher_b")),
        school_class=sc.classes["b1_1"],
        student_id=sc.students["A1-3"].pk,
        day=left + timedelta(days=1),
        data=ABSENT,
    )
    a = next(
        p.months[(mon.year, mon.month)]
        for p in selectors.class_year_totals(sc.classes["a1_1"])
        if p.enrolment.student_id == sc.students["A1-3"].pk
    )
    b = next(
        p.months[(mon.year, mon.month)]
        for p in selectors.class_year_totals(sc.classes["b1_1"])
        if p.enrolment.student_id == sc.students["A1-3"].pk
    )
    whole = selectors.month_grid(sc.classes["a1_2"], mon.year, mon.month).lesson_days
    assert a.lesson_days + b.lesson_days == whole
    assert a.lesson_days == len(
        [
            d
            for d in selectors.class_days(sc.classes["a1_1"], date(mon.year, 9, 1), left)
            if d.lesson
        ]
    )
    assert (a.absent_days, b.absent_days) == (1, 1)


def test_mourning_over_a_holiday_counts_lesson_days_only(school_cast: SchoolCast) -> None:
    sc = school_cast
    services.holidays_import(
        actor=acting_for(sc.account("principal_a")),
        school_id=sc.cast.orgs["school_a"].pk,
        fiscal_year=sc.year,
    )
    # 敬老の日 (the third Monday of September) is a holiday: 忌引 from the Friday before to
    # the Tuesday after covers the Friday and the Tuesday, not the weekend or the holiday.
    keirou = monday(sc.year, 9, 2)
    assert CalendarDay.objects.filter(date=keirou, is_school_day=False).exists()
    count = services.mark_range(
        actor=teacher(sc),
        school_class=sc.classes["a1_1"],
        student_id=sc.students["A1-2"].pk,
        start=keirou - timedelta(days=3),
        end=keirou + timedelta(days=1),
        data=MarkData(status=MarkStatus.MOURNING, detail="祖母"),
    )
    # The Tuesday is itself a 国民の休日 in years when 秋分の日 falls on the Wednesday (2026).
    off = _holidays(sc)
    expected = [keirou - timedelta(days=3), keirou + timedelta(days=1)]
    assert count == len([d for d in expected if d not in off]) >= 1
    assert row_of(sc, "A1-2", keirou).totals.leave_days == count


def _holidays(sc: SchoolCast) -> set[date]:
    return set(
        CalendarDay.objects.filter(
            school=sc.cast.orgs["school_a"], is_school_day=False
        ).values_list("date", flat=True)
    )


def test_a_range_is_all_or_nothing(school_cast: SchoolCast) -> None:
    sc = school_cast
    mon = monday(sc.year, 6)
    services.month_close(actor=teacher(sc), school_class=sc.classes["a1_1"], year=mon.year, month=6)
    with pytest.raises(ValidationError, match="締め済み"):
        services.mark_range(
            actor=teacher(sc),
            school_class=sc.classes["a1_1"],
            student_id=sc.students["A1-1"].pk,
            start=date(mon.year, 5, 25),
            end=date(mon.year, 6, 5),
            data=SUSPENDED,
        )
    assert not Mark.objects.exists()


def test_mark_rules_say_what_is_wrong() -> None:
    with pytest.raises(ValidationError) as caught:
        services.check_mark(MarkData(status=MarkStatus.ABSENT))
    assert "欠席の理由" in str(caught.value)
    with pytest.raises(ValidationError, match="遅刻・早退は出席"):
        services.check_mark(MarkData(status=MarkStatus.ABSENT, reason="illness", late=True))
    with pytest.raises(ValidationError, match="下校時刻は登校時刻より後"):
        services.check_mark(
            MarkData(
                status=MarkStatus.PRESENT,
                late=True,
                early=True,
                arrived_at=time(11, 0),
                left_at=time(10, 0),
            )
        )
    services.check_mark(MarkData(status=MarkStatus.DEEMED, deemed_kind="online"))


def test_a_late_and_an_early_notice_make_one_day_with_both(school_cast: SchoolCast) -> None:
    sc = school_cast
    mon = monday(sc.year, 6)
    student = sc.students["A1-1"]
    made = [
        AbsenceNotice.objects.create(
            student=student,
            school=sc.cast.orgs["school_a"],
            guardian=student.guardians.get(),
            date=mon,
            kind=kind,
            at_time=at,
        )
        for kind, at in ((NoticeKind.LATE, time(10, 0)), (NoticeKind.EARLY, time(13, 30)))
    ]
    for notice in made:
        services.notice_accept(actor=teacher(sc), school_class=sc.classes["a1_1"], notice=notice)
    mark = Mark.objects.get()
    assert mark.late and mark.early
    assert (mark.arrived_at, mark.left_at) == (time(10, 0), time(13, 30))
    assert set(AbsenceNotice.objects.values_list("status", flat=True)) == {NoticeStatus.ACCEPTED}
    with pytest.raises(ValidationError, match="もう処理されています"):
        services.notice_accept(actor=teacher(sc), school_class=sc.classes["a1_1"], notice=made[0])


def test_the_lock_keeps_the_hash_of_the_content(school_cast: SchoolCast) -> None:
    sc = school_cast
    klass = sc.classes["a1_1"]
    mon = monday(sc.year, 6)
    principal = acting_for(sc.account("principal_a"))
    services.mark_set(
        actor=teacher(sc),
        school_class=klass,
        student_id=sc.students["A1-1"].pk,
        day=mon,
        data=ABSENT,
    )
    before = selectors.content_digest(klass, mon.year, 6)
    with pytest.raises(ValidationError, match="まだ締められていません"):
        services.month_lock(actor=principal, school_class=klass, year=mon.year, month=6)
    services.month_close(actor=teacher(sc), school_class=klass, year=mon.year, month=6)
    lock = services.month_lock(actor=principal, school_class=klass, year=mon.year, month=6)
    assert lock.content_sha256 == before
    # A different content has a different hash.
    services.month_unlock(
        actor=principal, school_class=klass, year=mon.year, month=6, reason="訂正"
    )
    services.mark_set(
        actor=teacher(sc),
        school_class=klass,
        student_id=sc.students["A1-2"].pk,
        day=mon,
        data=ABSENT,
    )
    assert selectors.content_digest(klass, mon.year, 6) != before
    with pytest.raises(ValidationError, match="年度の月ではありません"):
        services.month_close(actor=teacher(sc), school_class=klass, year=sc.year + 2, month=6)
    assert MonthLock.objects.filter(state=MonthState.LOCKED).count() == 0
    actions = list(
        AuditEvent.objects.filter(action__startswith="attendance.month.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "attendance.month.close",
        "attendance.month.lock",
        "attendance.month.unlock",
    ]


def test_roll_calls_and_the_home_cards_count_the_same(school_cast: SchoolCast) -> None:
    sc = school_cast
    mon = monday(sc.year, 6)
    acting = teacher(sc)
    assert selectors.classes_unchecked(acting, mon, own_only=True).count() == 1
    services.roll_call_take(actor=acting, school_class=sc.classes["a1_1"], day=mon)
    assert selectors.classes_unchecked(acting, mon, own_only=True).count() == 0
    principal = acting_for(sc.account("principal_a"))
    school = selectors.classes_unchecked(principal, mon, own_only=False)
    rows = selectors.roll_calls_on(
        [sc.classes[k] for k in ("a1_1", "a1_2", "a2_1", "a_support")], mon
    )
    assert school.count() == sum(1 for r in rows if r.lesson and r.taken is None) == 3
    # On a Sunday nothing waits.
    assert (
        selectors.classes_unchecked(principal, mon - timedelta(days=1), own_only=False).count() == 0
    )


def test_the_year_locks_only_when_every_month_is_closed(school_cast: SchoolCast) -> None:
    sc = school_cast
    klass = sc.classes["a1_1"]
    principal = acting_for(sc.account("principal_a"))
    months = selectors.fiscal_months(sc.year)
    for year, month in months[:-1]:
        services.month_close(actor=teacher(sc), school_class=klass, year=year, month=month)
    services.month_lock(actor=principal, school_class=klass, year=months[0][0], month=4)
    with pytest.raises(ValidationError, match="3月がまだ締められていません"):
        services.year_lock(actor=principal, school_class=klass)
    assert MonthLock.objects.filter(state=MonthState.LOCKED).count() == 1
    services.month_close(actor=teacher(sc), school_class=klass, year=months[-1][0], month=3)
    locks = services.year_lock(actor=principal, school_class=klass)
    assert [lock.state for lock in locks] == [MonthState.LOCKED] * 12
    assert all(len(lock.content_sha256) == 64 for lock in locks)
    event = AuditEvent.objects.get(action="attendance.year.lock")
    assert len(event.details["sha256"]) == 12
    page = sc.client("principal_a").get(f"/attendance/reports/classes/{klass.pk}/year/")
    assert "この年度の出席簿は確定しています" in page.content.decode()


def test_a_boards_own_reasons_are_offered_and_counted_by_their_kind(
    school_cast: SchoolCast,
) -> None:
    from manabi.attendance.forms import MarkForm
    from manabi.attendance.models import AbsenceReasonOption

    sc = school_cast
    school_id = sc.cast.orgs["school_a"].pk
    assert selectors.reason_options(school_id) == selectors.SHIPPED_REASONS
    officer = acting_for(sc.account("board_officer"))
    board = sc.cast.orgs["board_m"]
    fever = services.reason_option_add(
        actor=officer, board=board, label="発熱", reason=AbsenceReason.ILLNESS
    )
    services.reason_option_add(
        actor=officer, board=board, label="家事都合", reason=AbsenceReason.FAMILY
    )
    with pytest.raises(ValidationError, match="もう一覧にあります"):
        services.reason_option_add(
            actor=officer, board=board, label="発熱", reason=AbsenceReason.ILLNESS
        )
    offered = selectors.reason_options(school_id)
    assert [o.label for o in offered] == ["発熱", "家事都合"]
    # School B is under another board: still the shipped list.
    assert selectors.reason_options(sc.cast.orgs["school_b"].pk) == selectors.SHIPPED_REASONS
    form = MarkForm({"status": "absent", "reason": "発熱"}, reasons=offered)
    assert form.is_valid(), form.errors
    assert not MarkForm({"status": "absent", "reason": "病気"}, reasons=offered).is_valid()
    mon = monday(sc.year, 6)
    services.mark_set(
        actor=teacher(sc),
        school_class=sc.classes["a1_1"],
        student_id=sc.students["A1-1"].pk,
        day=mon,
        data=form.data_object(),
    )
    mark = Mark.objects.get()
    assert (mark.reason, mark.reason_label) == (AbsenceReason.ILLNESS, "発熱")
    row = row_of(sc, "A1-1", mon)
    assert row.totals.absence_by_reason["illness"] == 1
    assert "発熱" in next(c for c in row.cells if c.date == mon).title
    services.reason_option_toggle(actor=officer, option=fever)
    assert [o.label for o in selectors.reason_options(school_id)] == ["家事都合"]
    assert not AbsenceReasonOption.objects.get(pk=fever.pk).active


# --- A change of the days does not alter a closed month (臨時休業, 学校暦) ----------------------


def close_june(sc: SchoolCast, key: str, *, lock: bool = False) -> None:
    year = sc.year
    services.month_close(actor=teacher(sc), school_class=sc.classes[key], year=year, month=6)
    if lock:
        services.month_lock(
            actor=acting_for(sc.account("principal_a")),
            school_class=sc.classes[key],
            year=year,
            month=6,
        )


def test_a_grade_closure_is_refused_when_another_class_of_the_grade_closed_the_month(
    school_cast: SchoolCast,
) -> None:
    sc = school_cast
    mon = monday(sc.year, 6)
    close_june(sc, "a1_2")
    with pytest.raises(
        ValidationError, match="1年2組の6月は締め済みのため、この臨時休業は登録できません。"
    ):
        services.closure_create(
            actor=acting_for(sc.account("principal_a")),
            school_class=sc.classes["a1_1"],
            kind=ClosureKind.GRADE,
            start=mon,
            end=mon,
            reason="学年閉鎖",
        )
    assert selectors.is_lesson_day(sc.classes["a1_2"], mon)
    # A class closure of a class whose month is open, and another grade, are not held up.
    for key, kind in (("a1_1", ClosureKind.CLASS), ("a2_1", ClosureKind.GRADE)):
        services.closure_create(
            actor=acting_for(sc.account("principal_a")),
            school_class=sc.classes[key],
            kind=kind,
            start=mon,
            end=mon,
            reason="閉鎖",
        )
    assert not selectors.is_lesson_day(sc.classes["a1_1"], mon)


def test_a_school_closure_and_a_calendar_change_are_refused_over_a_locked_month(
    school_cast: SchoolCast,
) -> None:
    sc = school_cast
    mon = monday(sc.year, 6)
    close_june(sc, "a2_1", lock=True)
    digest = MonthLock.objects.get().content_sha256
    principal = acting_for(sc.account("principal_a"))
    with pytest.raises(ValidationError, match="2年1組の6月はロック済みのため"):
        services.closure_create(
            actor=principal,
            school_class=sc.classes["a1_1"],
            kind=ClosureKind.SCHOOL,
            start=mon - timedelta(days=7),
            end=mon,
            reason="休校",
        )
    with pytest.raises(ValidationError, match="2年1組の6月はロック済みのため"):
        services.calendar_day_set(
            actor=principal, school_id=sc.classes["a1_1"].school_id, day=mon, is_school_day=False
        )
    assert not CalendarDay.objects.exists()
    assert selectors.content_digest(sc.classes["a2_1"], sc.year, 6) == digest
    # Another month is free.
    services.calendar_day_set(
        actor=principal,
        school_id=sc.classes["a1_1"].school_id,
        day=monday(sc.year, 7),
        is_school_day=False,
    )
    assert CalendarDay.objects.count() == 1


def test_importing_holidays_is_refused_when_one_falls_in_a_closed_month(
    school_cast: SchoolCast,
) -> None:
    from manabi.attendance import schooldays

    sc = school_cast
    start, end = schooldays.fiscal_year_bounds(sc.year)
    weekday_holidays = sorted(
        d
        for y in (start.year, end.year)
        for d in schooldays.national_holidays(y)
        if start <= d <= end and d.weekday() < 5
    )
    month = weekday_holidays[0]
    services.month_close(
        actor=teacher(sc), school_class=sc.classes["a2_1"], year=month.year, month=month.month
    )
    school_id = sc.classes["a1_1"].school_id
    principal = acting_for(sc.account("principal_a"))
    with pytest.raises(ValidationError, match=f"2年1組の{month.month}月は締め済みのため"):
        services.holidays_import(actor=principal, school_id=school_id, fiscal_year=sc.year)
    assert not CalendarDay.objects.exists()
    services.month_reopen(
        actor=teacher(sc), school_class=sc.classes["a2_1"], year=month.year, month=month.month
    )
    assert services.holidays_import(actor=principal, school_id=school_id, fiscal_year=sc.year)


# --- A close and an edit of the same class run one after the other -------------------------


def _first_query(queries: list[dict[str, str]]) -> str:
    return next(
        q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN"))
    )


def test_edits_and_closes_take_the_class_row_first(school_cast: SchoolCast) -> None:
    """On PostgreSQL the first statement is ``SELECT … FROM classes_schoolclass … FOR UPDATE``
    (SQLite, which the tests run on, drops ``FOR UPDATE`` but keeps the order)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sc = school_cast
    klass = sc.classes["a1_1"]
    mon = monday(sc.year, 6)
    pupil = sc.students["A1-1"].pk
    homeroom, principal = teacher(sc), acting_for(sc.account("principal_a"))
    calls = {
        "mark_set": lambda: services.mark_set(
            actor=homeroom, school_class=klass, student_id=pupil, day=mon, data=ABSENT
        ),
        "mark_range": lambda: services.mark_range(
            actor=homeroom,
            school_class=klass,
            student_id=pupil,
            start=mon,
            end=mon + timedelta(days=1),
            data=SUSPENDED,
        ),
        "month_close": lambda: services.month_close(
            actor=homeroom, school_class=klass, year=mon.year, month=6
        ),
        "month_lock": lambda: services.month_lock(
            actor=principal,
            school_class=klass,
            year=mon.year,
            month=6,
        ),
    }
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        first = _first_query(queries.captured_queries)
        assert 'FROM "classes_schoolclass"' in first, (name, first)


# --- Pens and notices add to the day, they do not replace it --------------------------------


def test_a_late_pen_keeps_the_days_early_leave_note_and_deemed_status() -> None:
    from manabi.attendance.choices import DeemedKind

    early = MarkData(status=MarkStatus.PRESENT, early=True, left_at=time(13, 0), note="通院")
    late_pen = MarkData(status=MarkStatus.PRESENT, late=True)
    merged = services.merge_pen(early, late_pen)
    assert (merged.late, merged.early, merged.left_at, merged.note) == (
        True,
        True,
        time(13, 0),
        "通院",
    )
    deemed = MarkData(status=MarkStatus.DEEMED, deemed_kind=DeemedKind.SEPARATE_ROOM, note="別室")
    merged = services.merge_pen(deemed, late_pen)
    assert merged.status == MarkStatus.DEEMED and merged.late and merged.note == "別室"
    # An absence pen keeps the note; 取消し clears the day.
    absent = services.merge_pen(early, ABSENT)
    assert absent.status == MarkStatus.ABSENT and not absent.early and absent.note == "通院"
    assert services.merge_pen(early, MarkData(status=MarkStatus.PRESENT)).is_plain_present
    assert services.merge_pen(None, late_pen) == late_pen


def test_a_late_notice_on_a_deemed_day_keeps_it_deemed(school_cast: SchoolCast) -> None:
    from manabi.attendance.choices import DeemedKind

    sc = school_cast
    mon = monday(sc.year, 6)
    student = sc.students["A1-1"]
    services.mark_set(
        actor=teacher(sc),
        school_class=sc.classes["a1_1"],
        student_id=student.pk,
        day=mon,
        data=MarkData(
            status=MarkStatus.DEEMED,
            deemed_kind=DeemedKind.SEPARATE_ROOM,
            early=True,
            left_at=time(14, 0),
            note="別室で学習",
        ),
    )
    notice = AbsenceNotice.objects.create(
        student=student,
        school=sc.cast.orgs["school_a"],
        guardian=student.guardians.get(),
        date=mon,
        kind=NoticeKind.LATE,
        at_time=time(10, 0),
        symptoms="通院",
    )
    services.notice_accept(actor=teacher(sc), school_class=sc.classes["a1_1"], notice=notice)
    mark = Mark.objects.get()
    assert mark.status == MarkStatus.DEEMED and mark.deemed_kind == DeemedKind.SEPARATE_ROOM
    assert mark.late and mark.arrived_at == time(10, 0)
    assert mark.early and mark.left_at == time(14, 0)
    assert mark.note == "別室で学習 / 保護者連絡: 通院"


# --- The lock's hash covers every field -----------------------------------------------------


def test_the_digest_changes_with_the_boards_reason_name(school_cast: SchoolCast) -> None:
    sc = school_cast
    klass = sc.classes["a1_1"]
    mon = monday(sc.year, 6)
    services.mark_set(
        actor=teacher(sc),
        school_class=klass,
        student_id=sc.students["A1-1"].pk,
        day=mon,
        data=MarkData(status=MarkStatus.ABSENT, reason=AbsenceReason.ILLNESS, reason_label="発熱"),
    )
    before = selectors.content_digest(klass, mon.year, 6)
    Mark.objects.update(reason_label="頭痛")
    assert selectors.content_digest(klass, mon.year, 6) != before
