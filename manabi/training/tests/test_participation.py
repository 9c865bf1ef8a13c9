"""Attendance, completion (with the training-history record) and the outcome survey."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from manabi.accounts.selectors import acting_for
from manabi.records.models import HistoryRecord
from manabi.training.choices import (
    CompletionRule,
    Decision,
    ProgrammeKind,
    QuestionKind,
    Visibility,
)
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.models import Application, TrainingProgramme
from manabi.training.services import applications, decisions, participation
from manabi.training.states import ApplicationStatus
from manabi.training.tests.factories import organizer, programme
from tests.personas import Cast

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def enrolled(cast: Cast, made: TrainingProgramme, *names: str) -> list[Application]:
    return decisions.programme_enrol(
        actor=organizer(cast), programme=made, staff=[cast.staff[n] for n in names]
    ).enrolled


def mark(
    cast: Cast, made: TrainingProgramme, status_by_app: dict[int, str], session: int = 0
) -> None:
    participation.attendance_record(
        actor=organizer(cast), session=list(made.sessions.all())[session], marks=status_by_app
    )


def test_attendance_in_bulk_and_completion_writes_history(cast: Cast) -> None:
    made = programme(cast, kind=ProgrammeKind.NOMINATED, sessions=2, hours="3.0")
    a, b = enrolled(cast, made, "teacher_a", "teacher_b")
    mark(cast, made, {a.pk: "present", b.pk: "present"}, 0)
    mark(cast, made, {a.pk: "late", b.pk: "absent"}, 1)
    # Saving the same marks again changes nothing.
    assert (
        participation.attendance_record(
            actor=organizer(cast), session=made.sessions.first(), marks={a.pk: "present"}
        )
        == {}
    )
    summary = participation.programme_judge_completion(actor=organizer(cast), programme=made)
    assert summary.completed == [a.pk]
    assert summary.not_completed == [b.pk]
    record = HistoryRecord.objects.get(staff=cast.staff["teacher_a"])
    assert record.source_ref == f"training:{a.pk}"
    assert record.title == made.title
    assert record.programme_number == made.number
    assert record.hours == Decimal("6.0")
    assert record.category == made.category
    assert record.organiser == cast.orgs["centre"]
    assert not HistoryRecord.objects.filter(staff=cast.staff["teacher_b"]).exists()


def test_attendance_only_for_participants(cast: Cast) -> None:
    made = programme(cast, visibility=Visibility.PUBLIC)
    application = applications.application_submit(
        actor=acting_for(cast.account("guest")), programme=made
    )
    with pytest.raises(TrainingError) as caught:
        mark(cast, made, {application.pk: "present"})
    assert caught.value.code == ErrorCode.NOT_A_PARTICIPANT


def test_guests_complete_without_a_history_record(cast: Cast) -> None:
    made = programme(cast, visibility=Visibility.PUBLIC)
    application = applications.application_submit(
        actor=acting_for(cast.account("guest")), programme=made
    )
    decisions.application_decide(
        actor=organizer(cast), application=application, decision=Decision.ACCEPTED
    )
    mark(cast, made, {application.pk: "present"})
    summary = participation.programme_judge_completion(actor=organizer(cast), programme=made)
    assert summary.completed == [application.pk]
    assert Application.objects.get(pk=application.pk).status == S.COMPLETED
    assert not HistoryRecord.objects.exists()


def test_override_with_a_reason(cast: Cast) -> None:
    made = programme(cast, kind=ProgrammeKind.NOMINATED, sessions=2)
    [a] = enrolled(cast, made, "teacher_a")
    mark(cast, made, {a.pk: "present"}, 0)
    mark(cast, made, {a.pk: "absent"}, 1)
    participation.programme_judge_completion(actor=organizer(cast), programme=made)
    assert Application.objects.get(pk=a.pk).status == S.NOT_COMPLETED
    with pytest.raises(TrainingError) as caught:
        participation.application_completion_override(
            actor=organizer(cast), application=a, completed=True, reason=""
        )
    assert caught.value.code == ErrorCode.REASON_REQUIRED
    done = participation.application_completion_override(
        actor=organizer(cast), application=a, completed=True, reason="後日の補講を受講したため"
    )
    assert done.status == S.COMPLETED and done.completion_overridden
    assert "補講" in done.completion_note
    assert HistoryRecord.objects.get(staff=cast.staff["teacher_a"]).hours == Decimal("3.0")


def test_the_organiser_reverts_a_completion_and_the_history_record_follows(cast: Cast) -> None:
    from django.urls import reverse

    from manabi.core.models import AuditEvent

    made = programme(cast, kind=ProgrammeKind.NOMINATED, sessions=1)
    [a] = enrolled(cast, made, "teacher_a")
    mark(cast, made, {a.pk: "present"})
    participation.programme_judge_completion(actor=organizer(cast), programme=made)
    assert Application.objects.get(pk=a.pk).status == S.COMPLETED
    assert HistoryRecord.objects.filter(staff=cast.staff["teacher_a"]).count() == 1

    client = cast.client("organizer")
    detail = reverse("training:application_detail", args=[a.pk])
    assert "修了の判定の取消" in client.get(detail).content.decode()
    url = reverse("training:application_completion_revert", args=[a.pk])
    client.post(url, {"reason": ""})  # a reason is required: nothing changes
    assert Application.objects.get(pk=a.pk).status == S.COMPLETED
    assert cast.client("teacher_a").post(url, {"reason": "x"}).status_code == 403
    response = client.post(url, {"reason": "出欠の入力誤り(欠席だった)"})
    assert response.status_code == 302
    reverted = Application.objects.get(pk=a.pk)
    assert reverted.status == S.ACCEPTED and reverted.completed_at is None
    assert "出欠の入力誤り" in reverted.completion_note
    assert not HistoryRecord.objects.filter(staff=cast.staff["teacher_a"]).exists()
    revoked = AuditEvent.objects.get(action="records.history.revoke")
    assert revoked.details["title"] == made.title and "入力誤り" in revoked.details["reason"]
    assert AuditEvent.objects.filter(action="training.application.revert").exists()

    # Judged again with the corrected attendance: not completed; reverting that keeps no record.
    mark(cast, made, {a.pk: "absent"})
    participation.programme_judge_completion(actor=organizer(cast), programme=made)
    assert Application.objects.get(pk=a.pk).status == S.NOT_COMPLETED
    again = participation.application_completion_revert(
        actor=organizer(cast), application=a, reason="再確認"
    )
    assert again.status == S.ACCEPTED
    with pytest.raises(TrainingError) as caught:
        participation.application_completion_revert(
            actor=organizer(cast), application=a, reason="もう一度"
        )
    assert caught.value.code == ErrorCode.INVALID_TRANSITION


def test_min_hours_rule(cast: Cast) -> None:
    made = programme(
        cast,
        kind=ProgrammeKind.NOMINATED,
        sessions=3,
        hours="2.0",
        completion_rule=CompletionRule.MIN_HOURS,
        completion_min_hours=Decimal("4.0"),
    )
    [a] = enrolled(cast, made, "teacher_a")
    mark(cast, made, {a.pk: "present"}, 0)
    pending = participation.programme_judge_completion(actor=organizer(cast), programme=made)
    assert a.pk in pending.pending
    mark(cast, made, {a.pk: "left_early"}, 1)
    done = participation.programme_judge_completion(actor=organizer(cast), programme=made)
    assert done.completed == [a.pk]


def survey_questions(cast: Cast, made: TrainingProgramme) -> list[int]:
    boss = organizer(cast)
    return [
        participation.question_add(
            actor=boss, programme=made, kind=QuestionKind.SCALE, text="研修は役に立ちましたか"
        ).pk,
        participation.question_add(
            actor=boss,
            programme=made,
            kind=QuestionKind.CHOICE,
            text="最も役立った内容",
            choices="講義\n演習\n協議",
        ).pk,
        participation.question_add(
            actor=boss, programme=made, kind=QuestionKind.TEXT, text="感想", required=False
        ).pk,
    ]


def test_survey_after_completion(cast: Cast) -> None:
    made = programme(cast, kind=ProgrammeKind.NOMINATED)
    scale, choice, text = survey_questions(cast, made)
    [a] = enrolled(cast, made, "teacher_a")
    teacher = acting_for(cast.account("teacher_a"))
    with pytest.raises(TrainingError) as caught:
        participation.survey_submit(
            actor=teacher, application=a, answers={scale: "5", choice: "演習"}
        )
    assert caught.value.code == ErrorCode.SURVEY_CLOSED
    mark(cast, made, {a.pk: "present"})
    participation.programme_judge_completion(actor=organizer(cast), programme=made)
    with pytest.raises(ValidationError) as invalid:
        participation.survey_submit(
            actor=teacher, application=a, answers={scale: "9", choice: "休憩"}
        )
    assert set(invalid.value.message_dict) == {f"q{scale}", f"q{choice}"}
    response = participation.survey_submit(
        actor=teacher, application=a, answers={scale: "4", choice: "演習", text: "また参加したい"}
    )
    assert {x.question_id: x.value for x in response.answers.all()} == {
        scale: "4",
        choice: "演習",
        text: "また参加したい",
    }
    with pytest.raises(TrainingError) as caught:
        participation.survey_submit(
            actor=teacher, application=a, answers={scale: "4", choice: "演習"}
        )
    assert caught.value.code == ErrorCode.SURVEY_ANSWERED
    with pytest.raises(TrainingError) as caught:
        participation.question_delete(
            actor=organizer(cast), question=response.answers.first().question
        )
    assert caught.value.code == ErrorCode.SURVEY_HAS_ANSWERS


def test_survey_as_a_completion_condition(cast: Cast) -> None:
    made = programme(cast, kind=ProgrammeKind.NOMINATED, survey_required=True)
    scale, choice, _ = survey_questions(cast, made)
    [a] = enrolled(cast, made, "teacher_a")
    mark(cast, made, {a.pk: "present"})
    summary = participation.programme_judge_completion(actor=organizer(cast), programme=made)
    assert "アンケート" in summary.pending[a.pk]
    assert not HistoryRecord.objects.exists()
    participation.survey_submit(
        actor=acting_for(cast.account("teacher_a")),
        application=a,
        answers={scale: "5", choice: "講義"},
    )
    assert Application.objects.get(pk=a.pk).status == S.COMPLETED
    assert HistoryRecord.objects.filter(staff=cast.staff["teacher_a"]).count() == 1
