"""The 学校日誌's services: save, 提出, 承認 (lock), 承認の取消, each audited; refusals change
nothing; the attendance summary per 学年 from the attendance book."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from manabi.attendance.choices import AbsenceReason, MarkStatus
from manabi.attendance.models import Mark
from manabi.core.models import AuditEvent
from manabi.school_diary import selectors, services
from manabi.school_diary.models import AbsenceKind, DiaryDay, DiaryState, Reopening
from manabi.school_diary.tests.conftest import DiaryWorld

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 10)


def _save(w: DiaryWorld, who: str = "teacher_a", **kw: object) -> DiaryDay:
    args: dict[str, object] = {
        "weather": "晴れ",
        "events": "避難訓練",
        "notes": "特記事項なし。",
        "visitors": [services.VisitorRow("山田 太郎", "教育委員会", "学校訪問")],
        "absences": [
            services.AbsenceRow(w.sc.cast.staff["homeroom_a2"].pk, AbsenceKind.TRIP, "午後")
        ],
    }
    args.update(kw)
    return services.day_save(
        actor=w.acting(who),
        school_id=w.school_a.pk,
        day=DAY,
        **args,  # type: ignore[arg-type]
    )


def _actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="school_diary.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_the_whole_flow(diary_world: DiaryWorld) -> None:
    w = diary_world
    page = _save(w)
    assert page.state == DiaryState.DRAFT and page.revision == 1
    assert [v.name for v in page.visitors.all()] == ["山田 太郎"]
    assert [a.get_kind_display() for a in page.staff_absences.all()] == ["出張"]
    services.day_submit(actor=w.acting("teacher_a"), school_id=w.school_a.pk, day=DAY)
    page = services.day_approve(actor=w.acting("principal_a"), school_id=w.school_a.pk, day=DAY)
    assert page.state == DiaryState.APPROVED
    assert page.approved_by == w.sc.account("principal_a")
    assert page.attendance_snapshot is not None
    assert _actions() == [
        "school_diary.day.save",
        "school_diary.day.submit",
        "school_diary.day.approve",
    ]


def test_a_locked_day_cannot_be_changed_and_nothing_changes(diary_world: DiaryWorld) -> None:
    w = diary_world
    _save(w)
    services.day_submit(actor=w.acting("teacher_a"), school_id=w.school_a.pk, day=DAY)
    services.day_approve(actor=w.acting("vice_principal_a"), school_id=w.school_a.pk, day=DAY)
    before = (AuditEvent.objects.count(), DiaryDay.objects.get().revision)
    with pytest.raises(ValidationError) as exc:
        _save(w, weather="雨", visitors=[], absences=[])
    assert "承認済みでロック" in exc.value.messages[0]
    page = DiaryDay.objects.get()
    assert (page.weather, page.visitors.count(), page.staff_absences.count()) == ("晴れ", 1, 1)
    assert (AuditEvent.objects.count(), page.revision) == before
    with pytest.raises(ValidationError):
        services.day_submit(actor=w.acting("teacher_a"), school_id=w.school_a.pk, day=DAY)
    with pytest.raises(ValidationError):
        services.day_approve(actor=w.acting("principal_a"), school_id=w.school_a.pk, day=DAY)
    assert AuditEvent.objects.count() == before[0]


def test_reopen_with_a_reason_is_audited(diary_world: DiaryWorld) -> None:
    w = diary_world
    _save(w)
    services.day_submit(actor=w.acting("teacher_a"), school_id=w.school_a.pk, day=DAY)
    services.day_approve(actor=w.acting("principal_a"), school_id=w.school_a.pk, day=DAY)
    with pytest.raises(ValidationError):
        services.day_reopen(
            actor=w.acting("principal_a"), school_id=w.school_a.pk, day=DAY, reason=" "
        )
    assert DiaryDay.objects.get().state == DiaryState.APPROVED
    page = services.day_reopen(
        actor=w.acting("principal_a"), school_id=w.school_a.pk, day=DAY, reason="来校者の記入漏れ"
    )
    assert page.state == DiaryState.DRAFT and page.attendance_snapshot is None
    assert Reopening.objects.get().reason == "来校者の記入漏れ"
    event = AuditEvent.objects.get(action="school_diary.day.reopen")
    assert event.details["reason"] == "来校者の記入漏れ"
    _save(w, weather="曇り")  # open again
    assert DiaryDay.objects.get().weather == "曇り"


def test_approve_needs_submission(diary_world: DiaryWorld) -> None:
    w = diary_world
    _save(w)
    with pytest.raises(ValidationError) as exc:
        services.day_approve(actor=w.acting("principal_a"), school_id=w.school_a.pk, day=DAY)
    assert "提出されていない" in exc.value.messages[0]
    assert DiaryDay.objects.get().state == DiaryState.DRAFT


def test_submit_needs_a_page_and_a_day_that_came(diary_world: DiaryWorld) -> None:
    w = diary_world
    with pytest.raises(ValidationError):
        services.day_submit(actor=w.acting("teacher_a"), school_id=w.school_a.pk, day=DAY)
    _save(w)
    with pytest.raises(ValidationError) as exc:
        services.day_submit(
            actor=w.acting("teacher_a"), school_id=w.school_a.pk, day=DAY, today=date(2026, 6, 9)
        )
    assert "まだ来ていない日" in exc.value.messages[0]


def test_every_problem_at_once_and_nothing_written(diary_world: DiaryWorld) -> None:
    w = diary_world
    other_school = w.sc.cast.staff["teacher_b"].pk
    with pytest.raises(ValidationError) as exc:
        _save(
            w,
            weather="x" * 31,
            visitors=[services.VisitorRow("", "教育委員会", "")],
            absences=[services.AbsenceRow(other_school, "holiday", "")],
        )
    messages = exc.value.messages
    assert any("天気は30文字以内" in m for m in messages)
    assert any("来校者 1行目: 氏名" in m for m in messages)
    assert any("この学校に所属している教職員" in m for m in messages)
    assert any("種別を選んで" in m for m in messages)
    assert not DiaryDay.objects.exists() and not _actions()


def test_a_form_from_an_older_page_is_refused(diary_world: DiaryWorld) -> None:
    w = diary_world
    _save(w, revision=0)
    with pytest.raises(ValidationError) as exc:
        _save(w, weather="雨", revision=0)
    assert "他の人が保存しました" in exc.value.messages[0]
    assert DiaryDay.objects.get().weather == "晴れ"
    _save(w, weather="雨", revision=1)
    assert DiaryDay.objects.get().weather == "雨"


def test_saving_replaces_the_rows(diary_world: DiaryWorld) -> None:
    w = diary_world
    _save(w)
    page = _save(w, visitors=[], absences=[])
    assert page.visitors.count() == 0 and page.staff_absences.count() == 0


def test_attendance_summary_per_grade(diary_world: DiaryWorld) -> None:
    w = diary_world
    day = date(w.sc.year, 6, 10)
    teacher = w.sc.account("teacher_a")

    def mark(key: str, **kw: object) -> None:
        Mark.objects.create(
            student=w.sc.students[key], school=w.school_a, date=day, updated_by=teacher, **kw
        )

    mark("A1-1", status=MarkStatus.ABSENT, reason=AbsenceReason.ILLNESS)
    mark("A1-2", status=MarkStatus.SUSPENDED, detail="インフルエンザ")
    mark("A2-1", status=MarkStatus.PRESENT, late=True)
    mark("B1-1", status=MarkStatus.PRESENT, early=True)
    # School B's pupils are not counted at school A.
    Mark.objects.create(
        student=w.sc.students["K1-1"],
        school=w.school_b,
        date=day,
        status=MarkStatus.ABSENT,
        reason=AbsenceReason.ILLNESS,
        updated_by=teacher,
    )
    lines = {line.label: line.cells for line in selectors.attendance_summary(w.school_a.pk, day)}
    # 在籍・欠席・出席停止等・遅刻・早退; 1年 has 1年1組 (3), 1年2組 (2) and ひまわり (1).
    assert lines == {"1年": [6, 1, 1, 1, 0], "2年": [2, 0, 0, 0, 1], "計": [8, 1, 1, 1, 1]}


def test_the_approved_page_keeps_its_summary(diary_world: DiaryWorld) -> None:
    w = diary_world
    day = date(w.sc.year, 6, 10)
    services.day_save(
        actor=w.acting("teacher_a"),
        school_id=w.school_a.pk,
        day=day,
        weather="晴れ",
        events="",
        notes="",
        visitors=[],
        absences=[],
    )
    services.day_submit(actor=w.acting("teacher_a"), school_id=w.school_a.pk, day=day)
    page = services.day_approve(actor=w.acting("principal_a"), school_id=w.school_a.pk, day=day)
    Mark.objects.create(
        student=w.sc.students["A1-1"],
        school=w.school_a,
        date=day,
        status=MarkStatus.ABSENT,
        reason=AbsenceReason.ILLNESS,
        updated_by=w.sc.account("teacher_a"),
    )
    kept = selectors.summary_of(page, w.school_a.pk, day)
    assert kept[-1].cells[1] == 0
    assert selectors.attendance_summary(w.school_a.pk, day)[-1].cells[1] == 1


def test_month_days_and_weeks(diary_world: DiaryWorld) -> None:
    w = diary_world
    _save(w)
    days = selectors.month_days(w.school_a.pk, 2026, 6)
    assert len(days) == 30
    assert {d.day: d.label for d in days}[DAY] == "記入中"
    assert days[0].label == "未記入"
    weeks = selectors.month_weeks(days)
    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][0] is not None and weeks[0][0].day == date(2026, 6, 1)  # a Monday
