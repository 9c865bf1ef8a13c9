"""The 欠課簿 over the school-affairs cast: one-click marks per lesson, the membership and
年度 checks, who sees and enters a 授業クラス (別表1 「欠課簿」), the planned 授業時数 and the
threshold numbers of the worked example (70 hours, 1/3 → 23; 19 欠課 warns, 24 is over)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from manabi.access.functions import Action
from manabi.access.models import FunctionPermission
from manabi.accounts.rolegroups import RoleGroup
from manabi.accounts.scopes import Scope
from manabi.accounts.selectors import acting_for
from manabi.attendance import lesson_rules, lesson_selectors, lesson_services
from manabi.attendance.lesson_models import (
    CreditThreshold,
    LessonAbsence,
    LessonHours,
    PeriodMarkKind,
)
from manabi.attendance.lesson_permissions import LESSON_BOOK
from manabi.classes.models import LessonClass
from manabi.core.models import AuditEvent
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(school_cast: SchoolCast) -> date:
    """A Monday in June of the cast's 年度."""
    first = date(school_cast.year, 6, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def music(sc: SchoolCast) -> LessonClass:
    return sc.lessons["music"]


def detail_url(sc: SchoolCast, d: date | None = None, period: int = 2) -> str:
    url = reverse("lessons:detail", args=[music(sc).pk])
    return url + (f"?date={d.isoformat()}&period={period}" if d else "")


def click(sc: SchoolCast, persona: str, d: date, pupil: str, kind: str, period: int = 2):  # type: ignore[no-untyped-def]
    return sc.client(persona).post(
        reverse("lessons:mark", args=[music(sc).pk]),
        {"student": sc.students[pupil].pk, "date": d.isoformat(), "period": period, "kind": kind},
    )


def errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def absences(
    sc: SchoolCast, pupil: str, n: int, kind: PeriodMarkKind = PeriodMarkKind.ABSENT
) -> None:
    """``n`` lessons of 「1年 音楽A」 missed by ``pupil`` (one a day from April)."""
    start = date(sc.year, 4, 8)
    LessonAbsence.objects.bulk_create(
        LessonAbsence(
            lesson_class=music(sc),
            student=sc.students[pupil],
            date=start + timedelta(days=i),
            period=1,
            kind=kind,
            updated_by=sc.account("subject_a"),
        )
        for i in range(n)
    )


def narrow(sc: SchoolCast, action: Action, scope: Scope) -> None:
    """School A sets 教諭グループ's 「欠課簿 閲覧・編集」 ``action`` to ``scope``."""
    FunctionPermission.objects.create(
        school=sc.cast.orgs["school_a"],
        role_group=RoleGroup.TEACHER,
        function=LESSON_BOOK,
        action=action,
        scope=scope,
    )


# --- one click per pupil and lesson -------------------------------------------------------


def test_a_click_marks_the_lesson_and_a_second_click_clears_it(
    school_cast: SchoolCast, day: date
) -> None:
    sc = school_cast
    response = click(sc, "subject_a", day, "A1-1", "absent")
    assert response.status_code == 302 and response["Location"].endswith(
        f"?date={day.isoformat()}&period=2"
    )
    mark = LessonAbsence.objects.get(student=sc.students["A1-1"], date=day, period=2)
    assert mark.kind == PeriodMarkKind.ABSENT and mark.updated_by == sc.account("subject_a")
    event = AuditEvent.objects.filter(action="attendance.lesson_mark.set").get()
    assert event.details == {"date": day.isoformat(), "period": 2, "from": "出席", "to": "欠課"}

    page = sc.client("subject_a").get(detail_url(sc, day))
    assert page.status_code == 200
    row = next(r for r in page.context["rows"] if r.member.student == sc.students["A1-1"])
    assert row.state == "欠課"
    body = page.content.decode()
    assert 'aria-pressed="true"' in body and "欠課を取り消す" in body  # the toggle back

    click(sc, "subject_a", day, "A1-1", "present")
    assert not LessonAbsence.objects.exists()
    assert AuditEvent.objects.filter(action="attendance.lesson_mark.set").count() == 2


def test_late_then_early_changes_the_same_lesson_and_other_periods_are_apart(
    school_cast: SchoolCast, day: date
) -> None:
    sc = school_cast
    click(sc, "subject_a", day, "A2-1", "late")
    click(sc, "subject_a", day, "A2-1", "early")
    click(sc, "subject_a", day, "A2-1", "absent", period=3)
    marks = dict(
        LessonAbsence.objects.filter(student=sc.students["A2-1"]).values_list("period", "kind")
    )
    assert marks == {2: PeriodMarkKind.EARLY, 3: PeriodMarkKind.ABSENT}
    grid = sc.client("subject_a").get(detail_url(sc, day, 4)).context["grid"]
    assert [(x.date, x.period) for x in grid.lessons] == [(day, 2), (day, 3), (day, 4)]
    a21 = next(r for r in grid.rows if r.member.student == sc.students["A2-1"])
    assert a21.cells == ("早", "／", "")


# --- the checks of the service --------------------------------------------------------------


def test_a_pupil_who_does_not_take_the_lesson_is_refused_and_nothing_is_written(
    school_cast: SchoolCast, day: date
) -> None:
    sc = school_cast
    response = click(sc, "subject_a", day, "A1-2", "absent")  # A1-2 does not take 音楽A
    assert response.status_code == 302
    assert errors(response) == ["この児童生徒は1年 音楽Aの履修者ではありません。"]
    assert not LessonAbsence.objects.exists()
    assert not AuditEvent.objects.filter(action="attendance.lesson_mark.set").exists()
    with pytest.raises(ValidationError) as refused:
        lesson_services.period_mark_set(
            actor=acting_for(sc.account("subject_a")),
            lesson=music(sc),
            student_id=sc.students["K1-1"].pk,  # a pupil of school B
            day=day,
            period=1,
            kind=PeriodMarkKind.LATE,
        )
    assert "履修者ではありません" in " ".join(refused.value.messages)


def test_a_date_outside_the_year_and_a_bad_period_get_japanese_errors(
    school_cast: SchoolCast, day: date
) -> None:
    sc = school_cast
    outside = date(sc.year + 1, 4, 6)
    response = click(sc, "subject_a", outside, "A1-1", "absent")
    assert errors(response) == [f"4月6日は1年 音楽Aの{sc.year}年度の日付ではありません。"]
    bad = click(sc, "subject_a", day, "A1-1", "absent", period=9)
    assert bad.status_code == 400
    assert "時限は1〜8の数字で指定してください。" in bad.content.decode()
    junk = sc.client("subject_a").post(
        reverse("lessons:mark", args=[music(sc).pk]),
        {"student": "x", "date": "2020-13-45", "period": "1", "kind": "holiday"},
    )
    assert junk.status_code == 400
    text = junk.content.decode()
    assert "児童生徒の指定が正しくありません。" in text and "欠課・遅刻・早退・出席" in text
    assert not LessonAbsence.objects.exists() and not AuditEvent.objects.exists()


# --- who sees and enters it ---------------------------------------------------------------


def test_school_b_does_not_see_the_lesson_class(school_cast: SchoolCast, day: date) -> None:
    sc = school_cast
    client = sc.client("teacher_b")
    assert client.get(detail_url(sc, day)).status_code == 404
    assert click(sc, "teacher_b", day, "A1-1", "absent").status_code == 404
    index = client.get(reverse("lessons:index"))
    assert index.status_code == 200 and index.context["lines"] == []
    assert not LessonAbsence.objects.exists() and not AuditEvent.objects.exists()


def test_by_the_defaults_a_teacher_who_does_not_teach_it_sees_and_enters_it(
    school_cast: SchoolCast, day: date
) -> None:
    """別表1 「欠課簿 閲覧・編集」: 管理者 for everyone, so teacher_a (not the 教科担当)."""
    sc = school_cast
    page = sc.client("teacher_a").get(detail_url(sc, day))
    assert page.status_code == 200 and page.context["can_edit"]
    assert AuditEvent.objects.filter(action="attendance.lessons.view").count() == 1
    assert click(sc, "teacher_a", day, "A2-1", "absent").status_code == 302
    assert LessonAbsence.objects.filter(updated_by=sc.account("teacher_a")).count() == 1
    lines = sc.client("teacher_a").get(reverse("lessons:index")).context["lines"]
    assert [(line.lesson, line.own) for line in lines] == [(music(sc), False)]
    own = sc.client("subject_a").get(reverse("lessons:index")).context["lines"]
    assert [line.own for line in own] == [True]


def test_a_school_that_keeps_entry_to_the_subject_teacher(
    school_cast: SchoolCast, day: date
) -> None:
    """編集 学級担当: teacher_a still sees it but may not enter (403, nothing written)."""
    sc = school_cast
    narrow(sc, Action.EDIT, Scope.CLASS)
    page = sc.client("teacher_a").get(detail_url(sc, day))
    assert page.status_code == 200 and not page.context["can_edit"]
    body = page.content.decode()
    assert reverse("lessons:mark", args=[music(sc).pk]) not in body  # no buttons
    assert reverse("lessons:hours", args=[music(sc).pk]) not in body
    assert click(sc, "teacher_a", day, "A1-1", "absent").status_code == 403
    refused = sc.client("teacher_a").post(
        reverse("lessons:hours", args=[music(sc).pk]), {"planned": "70"}
    )
    assert refused.status_code == 403
    assert not LessonAbsence.objects.exists() and not LessonHours.objects.exists()
    assert click(sc, "subject_a", day, "A1-1", "absent").status_code == 302  # 教科担当
    assert LessonAbsence.objects.count() == 1


def test_a_school_that_keeps_the_book_to_the_subject_teacher(
    school_cast: SchoolCast, day: date
) -> None:
    """閲覧 学級担当: teacher_a does not see it at all (404), nor in the list."""
    sc = school_cast
    narrow(sc, Action.VIEW, Scope.CLASS)
    assert sc.client("teacher_a").get(detail_url(sc, day)).status_code == 404
    assert sc.client("teacher_a").get(reverse("lessons:index")).context["lines"] == []
    assert sc.client("subject_a").get(detail_url(sc, day)).status_code == 200


# --- planned hours and the threshold ----------------------------------------------------------


def test_planned_hours_are_saved_and_bad_input_is_explained(school_cast: SchoolCast) -> None:
    sc = school_cast
    url = reverse("lessons:hours", args=[music(sc).pk])
    client = sc.client("subject_a")
    for bad, message in (
        ("0", "年間授業時数は1〜999の時間数で入力してください。"),
        ("abc", "年間授業時数は半角数字で入力してください。"),
        ("", "年間授業時数を入力してください。"),
    ):
        response = client.post(url, {"planned": bad})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not LessonHours.objects.exists()
    saved = client.post(url + "?date=junk&period=99", {"planned": "70"})
    assert saved.status_code == 302
    assert LessonHours.objects.get(lesson_class=music(sc)).planned == 70
    event = AuditEvent.objects.filter(action="attendance.lesson_hours.set").get()
    assert event.details == {"from": None, "to": 70}


def test_the_worked_example_warns_at_19_and_is_over_at_24(school_cast: SchoolCast) -> None:
    """70 hours × 1/3 = 23 hours; the warning from 80 % of 23 = 18.4 hours."""
    sc = school_cast
    lesson_services.lesson_hours_set(
        actor=acting_for(sc.account("subject_a")), lesson=music(sc), planned=70
    )
    absences(sc, "A1-1", 19)
    absences(sc, "A2-1", 24)
    page = sc.client("subject_a").get(detail_url(sc))
    rows = {s.member.student.given_name: s.assessment for s in page.context["summary"]}
    assert (rows["A1-1"].hours, rows["A1-1"].threshold, rows["A1-1"].status) == (
        19,
        23,
        lesson_rules.Status.WARNING,
    )
    assert (rows["A2-1"].hours, rows["A2-1"].status) == (24, lesson_rules.Status.OVER)
    body = page.content.decode()
    assert "70時間 × 1/3 = <strong>23時間</strong>" in body
    assert "警告の目安 (80% = 18.4時間) 以上" in body
    assert "基準を超えた児童生徒が 1 名" in body
    line = sc.client("subject_a").get(reverse("lessons:index")).context["lines"][0]
    assert (line.planned, line.threshold, line.absences, line.warnings, line.over) == (
        70,
        23,
        43,
        1,
        1,
    )


def test_three_late_make_one_absence_where_the_board_says_so(school_cast: SchoolCast) -> None:
    """The nearest board's rule wins (みなみ市 over 県), set from the console."""
    sc = school_cast
    call_command("attendance_threshold", "P00001", "--ratio", "1/2")
    call_command(
        "attendance_threshold", "M00001", "--ratio", "1/4", "--warning", "50",
        "--late-per-absence", "3",
    )  # fmt: skip
    policy = lesson_selectors.policy_for_school(sc.cast.orgs["school_a"].pk)
    assert policy == lesson_rules.Policy(lesson_rules.Ratio(1, 4), 50, 3)
    assert lesson_selectors.policy_for_school(sc.cast.orgs["school_b"].pk).ratio.label == "1/2"
    assert AuditEvent.objects.filter(action="attendance.credit_threshold.set").count() == 2
    lesson_services.lesson_hours_set(
        actor=acting_for(sc.account("subject_a")), lesson=music(sc), planned=70
    )  # 70 × 1/4 = 17 hours; warning from 8.5
    absences(sc, "A1-1", 7)
    absences(sc, "A2-1", 6, kind=PeriodMarkKind.LATE)
    summary = sc.client("subject_a").get(detail_url(sc)).context["summary"]
    a11, a21 = (s.assessment for s in summary)
    assert (a11.hours, a11.threshold, a11.status) == (7, 17, lesson_rules.Status.OK)
    assert (a21.hours, a21.converted, a21.counts.lates) == (2, 2, 6)
    with pytest.raises(ValidationError):
        lesson_services.credit_threshold_set(
            actor=None,
            board=sc.cast.orgs["school_a"],
            numerator=1,
            denominator=3,
            warning_percent=80,
            late_per_absence=None,
        )
    assert CreditThreshold.objects.count() == 2


def test_junk_in_the_query_string_still_opens_the_page(school_cast: SchoolCast) -> None:
    sc = school_cast
    url = reverse("lessons:detail", args=[music(sc).pk]) + "?date=2020-02-30&period=abc"
    response = sc.client("subject_a").get(url)
    assert response.status_code == 200
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("日付の指定" in w for w in warnings) and any("時限の指定" in w for w in warnings)
    assert response.context["period"] == 1


def test_the_list_costs_the_same_for_more_lesson_classes(school_cast: SchoolCast) -> None:
    sc = school_cast
    client = sc.client("principal_a")
    client.get(reverse("lessons:index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("lessons:index"))
    for n in range(3):
        LessonClass.objects.create(
            school=sc.cast.orgs["school_a"],
            fiscal_year=sc.year,
            subject="数学",
            name=f"1年 数学{n}",
            grade=1,
        )
    absences(sc, "A1-1", 3)
    with CaptureQueriesContext(connection) as more:
        response = client.get(reverse("lessons:index"))
    assert len(response.context["lines"]) == 4
    assert len(more) == len(few)
