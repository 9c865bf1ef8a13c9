"""The attendance book's pages over the school-affairs cast: the grid and its one-click marks,
the detail form, the day view and 「残りは全員出席」, notices, and the 締め → ロック → 解除 rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from manabi.accounts.selectors import acting_for
from manabi.attendance import services
from manabi.attendance.choices import AbsenceReason, MarkStatus, MonthState, NoticeKind
from manabi.attendance.models import AbsenceNotice, Mark, MonthLock, RollCall, Unlock
from manabi.core.models import AuditEvent
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db


def first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


@pytest.fixture
def day(school_cast: SchoolCast) -> date:
    """A Monday in June of the cast's 年度 (a 授業日 by the weekday rule)."""
    return first_monday(school_cast.year, 6)


def month_url(sc: SchoolCast, d: date, key: str = "a1_1") -> str:
    return reverse("attendance:month", args=[sc.classes[key].pk]) + f"?month={d:%Y-%m}"


def quick(sc: SchoolCast, persona: str, d: date, pupil: str, pen: str, **headers: str):  # type: ignore[no-untyped-def]
    return sc.client(persona).post(
        reverse("attendance:quick", args=[sc.classes["a1_1"].pk]),
        {"student": sc.students[pupil].pk, "date": d.isoformat(), "pen": pen},
        **headers,
    )


def test_the_grid_shows_the_class_and_counts_in_constant_queries(
    school_cast: SchoolCast, day: date
) -> None:
    sc = school_cast
    client = sc.client("teacher_a")
    client.get(month_url(sc, day))  # the first request of a session reads more
    with CaptureQueriesContext(connection) as few:
        response = client.get(month_url(sc, day))
    assert response.status_code == 200
    names = [r.enrolment.student.given_name for r in response.context["grid"].rows]
    assert names == ["A1-1", "A1-2", "A1-3"]
    for pupil in ("A1-1", "A1-2", "A1-3"):
        services.mark_set(
            actor=acting_for(sc.account("teacher_a")),
            school_class=sc.classes["a1_1"],
            student_id=sc.students[pupil].pk,
            day=day,
            data=services.MarkData(status=MarkStatus.ABSENT, reason=AbsenceReason.ILLNESS),
        )
    with CaptureQueriesContext(connection) as more:
        client.get(month_url(sc, day))
    assert len(more) == len(few)
    assert AuditEvent.objects.filter(action="attendance.month.view").exists()


def test_one_click_sets_a_mark_and_returns_the_row(school_cast: SchoolCast, day: date) -> None:
    sc = school_cast
    response = quick(sc, "teacher_a", day, "A1-2", "illness", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="row-{sc.students["A1-2"].pk}"' in body
    assert "／" in body
    mark = Mark.objects.get(student=sc.students["A1-2"], date=day)
    assert (mark.status, mark.reason) == (MarkStatus.ABSENT, AbsenceReason.ILLNESS)
    row = response.context["row"]
    assert row.totals.absent_days == 1
    # 取消し: back to plain 出席, nothing stored.
    quick(sc, "teacher_a", day, "A1-2", "present", HTTP_HX_REQUEST="true")
    assert not Mark.objects.filter(student=sc.students["A1-2"]).exists()


def test_a_day_that_is_no_lesson_day_is_refused(school_cast: SchoolCast, day: date) -> None:
    sc = school_cast
    sunday = day - timedelta(days=1)
    response = quick(sc, "teacher_a", sunday, "A1-1", "illness", HTTP_HX_REQUEST="true")
    assert "授業日ではありません" in response.content.decode()
    assert not Mark.objects.exists()


def test_a_pupil_of_another_class_is_refused(school_cast: SchoolCast, day: date) -> None:
    sc = school_cast
    response = quick(sc, "teacher_a", day, "A2-1", "illness")
    assert response.status_code == 302
    assert not Mark.objects.exists()


def test_the_detail_form_records_suspension_and_says_what_is_missing(
    school_cast: SchoolCast, day: date
) -> None:
    sc = school_cast
    url = reverse("attendance:cell", args=[sc.classes["a1_1"].pk])
    client = sc.client("teacher_a")
    pupil = sc.students["A1-1"].pk
    response = client.post(url, {"student": pupil, "date": day.isoformat(), "status": "suspended"})
    assert response.status_code == 400
    assert "感染症名" in response.content.decode()
    assert not Mark.objects.exists()
    response = client.post(
        url,
        {
            "student": pupil,
            "date": day.isoformat(),
            "status": "present",
            "late": "on",
            "arrived_at": "09:40",
            "early": "on",
            "left_at": "13:10",
        },
    )
    assert response.status_code == 302
    mark = Mark.objects.get()
    assert mark.late and mark.early and f"{mark.arrived_at:%H:%M}" == "09:40"


def test_roll_call_waits_for_notices_then_takes_the_day(school_cast: SchoolCast, day: date) -> None:
    sc = school_cast
    notice = AbsenceNotice.objects.create(
        student=sc.students["A1-3"],
        school=sc.cast.orgs["school_a"],
        guardian=sc.students["A1-3"].guardians.get(),
        date=day,
        kind=NoticeKind.ABSENT,
        reason=AbsenceReason.ILLNESS,
        temperature="38.2",
    )
    client = sc.client("teacher_a")
    url = reverse("attendance:roll_call", args=[sc.classes["a1_1"].pk])
    client.post(url, {"date": day.isoformat(), "back": "day"})
    assert not RollCall.objects.exists()
    response = client.get(reverse("attendance:day", args=[sc.classes["a1_1"].pk]) + f"?date={day}")
    assert "38.2" in response.content.decode()
    client.post(reverse("attendance:notice_accept", args=[notice.pk]), {"back": "day"})
    mark = Mark.objects.get(student=sc.students["A1-3"], date=day)
    assert mark.status == MarkStatus.ABSENT and "38.2" in mark.note
    client.post(url, {"date": day.isoformat(), "back": "day"})
    assert RollCall.objects.filter(school_class=sc.classes["a1_1"], date=day).exists()
    # The office sees the class as taken, and 1年2組 as not yet.
    response = sc.client("clerk_a").get(reverse("attendance:index") + f"?date={day}")
    rows = {r.school_class.label: r for r in response.context["rows"]}
    assert rows["1年1組"].taken is not None and rows["1年1組"].absent == 1
    assert rows["1年2組"].taken is None


def test_notice_of_another_class_cannot_be_accepted_by_school_b(
    school_cast: SchoolCast, day: date
) -> None:
    sc = school_cast
    notice = AbsenceNotice.objects.create(
        student=sc.students["A1-3"],
        school=sc.cast.orgs["school_a"],
        guardian=sc.students["A1-3"].guardians.get(),
        date=day,
        kind=NoticeKind.LATE,
    )
    response = sc.client("teacher_b").post(reverse("attendance:notice_accept", args=[notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.handled_at is None


def test_close_lock_refuse_unlock(school_cast: SchoolCast, day: date) -> None:
    sc = school_cast
    klass = sc.classes["a1_1"]
    month = {"month": f"{day:%Y-%m}"}
    teacher, principal = sc.client("teacher_a"), sc.client("principal_a")
    # The teacher may close but not lock.
    teacher.post(reverse("attendance:month_close", args=[klass.pk]), month)
    assert MonthLock.objects.get().state == MonthState.CLOSED
    assert teacher.post(reverse("attendance:month_lock", args=[klass.pk]), month).status_code == 403
    # A closed month refuses edits.
    quick(sc, "teacher_a", day, "A1-1", "illness")
    assert not Mark.objects.exists()
    principal.post(reverse("attendance:month_lock", args=[klass.pk]), month)
    lock = MonthLock.objects.get()
    assert lock.state == MonthState.LOCKED and len(lock.content_sha256) == 64
    quick(sc, "principal_a", day, "A1-1", "illness")
    assert not Mark.objects.exists()
    # The teacher cannot take back a locked month.
    teacher.post(reverse("attendance:month_reopen", args=[klass.pk]), month)
    assert MonthLock.objects.get().state == MonthState.LOCKED
    # Unlock needs a reason.
    url = reverse("attendance:month_unlock", args=[klass.pk])
    assert principal.get(url + f"?month={day:%Y-%m}").status_code == 200
    assert principal.post(url, {**month, "reason": " "}).status_code == 400
    assert MonthLock.objects.filter(state=MonthState.LOCKED).exists()
    principal.post(url, {**month, "reason": "欠席理由の訂正"})
    assert not MonthLock.objects.exists()
    unlock = Unlock.objects.get()
    assert unlock.reason == "欠席理由の訂正" and unlock.content_sha256 == lock.content_sha256
    event = AuditEvent.objects.filter(action="attendance.month.unlock").get()
    assert event.details["reason"] == "欠席理由の訂正"
    quick(sc, "teacher_a", day, "A1-1", "illness")
    assert Mark.objects.count() == 1


def test_junk_month_falls_back_with_a_warning(school_cast: SchoolCast) -> None:
    sc = school_cast
    url = reverse("attendance:month", args=[sc.classes["a1_1"].pk])
    for junk in ("2026-13", "1999-04", "abc", "２０２６-０４", f"{sc.year + 3}-05"):
        response = sc.client("teacher_a").get(url, {"month": junk})
        assert response.status_code == 200
        assert "使えないため" in response.content.decode()


def test_a_days_reason_stays_when_the_board_list_lacks_it(
    school_cast: SchoolCast, day: date
) -> None:
    from manabi.attendance.models import AbsenceReasonOption

    sc = school_cast
    quick(sc, "teacher_a", day, "A1-1", "illness")
    AbsenceReasonOption.objects.create(
        board=sc.cast.orgs["board_m"], label="発熱", reason=AbsenceReason.ILLNESS
    )
    url = reverse("attendance:cell", args=[sc.classes["a1_1"].pk])
    client = sc.client("teacher_a")
    pupil = sc.students["A1-1"].pk
    form = client.get(url, {"student": pupil, "date": day.isoformat()}).context["form"]
    assert [label for _, label in form.fields["reason"].choices] == ["—", "発熱", "病気"]
    assert form.initial["reason"] == "病気"
    saved = client.post(
        url,
        {
            "student": pupil,
            "date": day.isoformat(),
            "status": "absent",
            "reason": "病気",
            "note": "再診",
        },
    )
    assert saved.status_code == 302
    assert Mark.objects.get().note == "再診"


def test_a_late_pen_keeps_the_days_early_leave_and_note(school_cast: SchoolCast, day: date) -> None:
    from datetime import time

    sc = school_cast
    services.mark_set(
        actor=acting_for(sc.account("teacher_a")),
        school_class=sc.classes["a1_1"],
        student_id=sc.students["A1-1"].pk,
        day=day,
        data=services.MarkData(
            status=MarkStatus.PRESENT, early=True, left_at=time(13, 0), note="通院のため"
        ),
    )
    response = quick(sc, "teacher_a", day, "A1-1", "late", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    mark = Mark.objects.get()
    assert mark.late and mark.early and mark.left_at == time(13, 0)
    assert mark.note == "通院のため"
