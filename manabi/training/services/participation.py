"""Writes of participation: attendance (出欠), completion (修了) with the training-history
record it writes, and the outcome survey (成果確認用アンケート)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.records.services import (
    history_record_from_training,
    history_record_from_training_revoke,
)
from manabi.training import completion
from manabi.training.choices import AttendanceStatus, QuestionKind
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.models import (
    Application,
    Attendance,
    Session,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    TrainingProgramme,
)
from manabi.training.selectors import participant_accounts
from manabi.training.services.common import (
    audit_application,
    lock_application,
    required_reason,
    transition,
)
from manabi.training.services.notifications import application_url, notify
from manabi.training.states import PARTICIPANTS, ApplicationAction, ApplicationStatus

A = ApplicationAction


# --- attendance ------------------------------------------------------------------------------


def attendance_record(
    *, actor: Acting, session: Session, marks: Mapping[int, str]
) -> dict[int, str]:
    """出欠を記録する for many participants of one session at once (一括入力). ``marks``:
    status by application id; applications that are not participants are refused as a whole.
    Returns what changed."""
    for status in marks.values():
        if status not in AttendanceStatus.values:
            raise TrainingError(ErrorCode.INVALID, f"出欠「{status}」は選べません。")
    with transaction.atomic():
        ids = list(marks)
        eligible = set(
            Application.objects.filter(
                pk__in=ids, programme_id=session.programme_id, status__in=PARTICIPANTS
            ).values_list("pk", flat=True)
        )
        outside = sorted(set(ids) - eligible)
        if outside:
            raise TrainingError(
                ErrorCode.NOT_A_PARTICIPANT,
                f"受講者ではない申込が含まれています(申込ID: {', '.join(map(str, outside))})。",
            )
        existing = {a.application_id: a for a in session.attendance.filter(application_id__in=ids)}
        changed: dict[int, str] = {}
        new = []
        for application_id, status in marks.items():
            row = existing.get(application_id)
            if row is None:
                new.append(
                    Attendance(
                        application_id=application_id,
                        session=session,
                        status=status,
                        recorded_by=actor.account,
                    )
                )
                changed[application_id] = status
            elif row.status != status:
                row.status = status
                row.recorded_by = actor.account
                row.recorded_at = timezone.now()
                changed[application_id] = status
        Attendance.objects.bulk_create(new)
        Attendance.objects.bulk_update(
            [existing[i] for i in changed if i in existing],
            ["status", "recorded_by", "recorded_at"],
        )
        if changed:
            audit_record(
                actor=actor,
                action="training.attendance.record",
                target=session,
                details={
                    "programme": session.programme_id,
                    "marks": {str(k): v for k, v in changed.items()},
                },
            )
    return changed


# --- completion ------------------------------------------------------------------------------


def _outcome(
    application: Application, *, survey_answered: bool | None = None
) -> completion.Outcome:
    programme = application.programme
    sessions = [(s.pk, s.hours) for s in programme.sessions.all()]
    attendance = dict(application.attendance.values_list("session_id", "status"))
    if survey_answered is None:
        survey_answered = SurveyResponse.objects.filter(application=application).exists()
    return completion.evaluate(
        rule=programme.completion_rule,
        sessions=sessions,
        attendance=attendance,
        min_hours=programme.completion_min_hours,
        survey_required=programme.survey_required and programme.questions.exists(),
        survey_answered=survey_answered,
    )


def _history(actor: Acting, application: Application, hours: Decimal) -> None:
    """The training-history record (研修受講履歴) of a completed participant; guests get none."""
    if application.staff is None:
        return
    programme = application.programme
    today = timezone.localdate()
    history_record_from_training(
        actor=actor,
        staff=application.staff,
        source_ref=application.source_ref,
        title=programme.title,
        organiser=programme.organiser,
        organiser_name=programme.organiser.name,
        programme_number=programme.number,
        category=programme.category,
        format=programme.format,
        start=programme.first_date or today,
        end=programme.last_date or programme.first_date or today,
        hours=hours if hours > 0 else programme.total_hours,
        indicator_item_ids=list(programme.indicator_links.values_list("item_id", flat=True)),
    )


def _complete(
    actor: Acting, application: Application, *, note: str, hours: Decimal, overridden: bool
) -> None:
    application.status = transition(application.status, A.COMPLETE)
    application.completion_note = note
    application.completion_overridden = overridden
    application.completed_at = timezone.now()
    application.save(
        update_fields=[
            "status",
            "completion_note",
            "completion_overridden",
            "completed_at",
            "updated_at",
        ]
    )
    _history(actor, application, hours)
    audit_application(
        actor, "complete", application, note=note, overridden=overridden, hours=str(hours)
    )
    notify(
        recipients=participant_accounts(application),
        subject=f"修了しました: {application.programme.title}",
        body=(
            f"研修「{application.programme.title}」({application.programme.number})を修了しました。"
            + ("研修受講履歴に記録しました。" if application.staff_id else "")
        ),
        url=application_url(application),
        application=application,
        exclude=actor.account,
    )


def _fail(actor: Acting, application: Application, *, note: str, overridden: bool) -> None:
    application.status = transition(application.status, A.FAIL)
    application.completion_note = note
    application.completion_overridden = overridden
    application.save(
        update_fields=["status", "completion_note", "completion_overridden", "updated_at"]
    )
    audit_application(actor, "fail", application, note=note, overridden=overridden)


@dataclass
class CompletionSummary:
    completed: list[int] = field(default_factory=list)
    not_completed: list[int] = field(default_factory=list)
    pending: dict[int, str] = field(default_factory=dict)


def programme_judge_completion(*, actor: Acting, programme: TrainingProgramme) -> CompletionSummary:
    """修了を判定する: the programme's rule for every accepted participant. Those who meet it
    complete (and get their history record); those who cannot meet it any more do not;
    the others (attendance missing, survey not answered yet) stay as they are."""
    summary = CompletionSummary()
    with transaction.atomic():
        locked = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
        for application in (
            locked.applications.select_for_update(of=("self",))
            .filter(status=ApplicationStatus.ACCEPTED)
            .select_related("staff", "account", "applied_by")
        ):
            application.programme = locked
            result = _outcome(application)
            if result.completed is True:
                _complete(
                    actor,
                    application,
                    note=result.reason,
                    hours=result.attended_hours,
                    overridden=False,
                )
                summary.completed.append(application.pk)
            elif result.completed is False:
                _fail(actor, application, note=result.reason, overridden=False)
                summary.not_completed.append(application.pk)
            else:
                summary.pending[application.pk] = result.reason
        audit_record(
            actor=actor,
            action="training.programme.judge_completion",
            target=locked,
            details={
                "completed": len(summary.completed),
                "not_completed": len(summary.not_completed),
                "pending": len(summary.pending),
            },
        )
    return summary


def application_completion_override(
    *, actor: Acting, application: Application, completed: bool, reason: str
) -> Application:
    """修了の判定を上書きする (理由は必須): complete someone the rule does not (or not yet),
    or mark an accepted participant as not completed."""
    reason = required_reason(reason, "判定の上書き")
    with transaction.atomic():
        locked = lock_application(application)
        outcome = _outcome(locked)
        note = f"上書き: {reason}"
        if completed:
            _complete(actor, locked, note=note, hours=outcome.attended_hours, overridden=True)
        else:
            _fail(actor, locked, note=note, overridden=True)
    return locked


def application_completion_revert(
    *, actor: Acting, application: Application, reason: str
) -> Application:
    """修了の判定を取り消す (理由は必須): a completed (or not completed) participant is a
    participant again, to be judged again; the history record of the completion goes (the
    records app keeps what it said in the audit log)."""
    reason = required_reason(reason, "判定の取消")
    with transaction.atomic():
        locked = lock_application(application)
        was = locked.status
        locked.status = transition(locked.status, A.REVERT)
        locked.completion_note = f"判定の取消: {reason}"
        locked.completion_overridden = False
        locked.completed_at = None
        locked.save(
            update_fields=[
                "status",
                "completion_note",
                "completion_overridden",
                "completed_at",
                "updated_at",
            ]
        )
        revoked = False
        if was == ApplicationStatus.COMPLETED and locked.staff is not None:
            revoked = history_record_from_training_revoke(
                actor=actor, staff=locked.staff, source_ref=locked.source_ref, reason=reason
            )
        audit_application(actor, "revert", locked, was=was, reason=reason, history=revoked)
        if was == ApplicationStatus.COMPLETED:
            notify(
                recipients=participant_accounts(locked),
                subject=f"修了の判定が取り消されました: {locked.programme.title}",
                body=(
                    f"研修「{locked.programme.title}」({locked.programme.number})の修了の判定を"
                    f"主催者が取り消しました。理由: {reason}"
                    + ("研修受講履歴からも除きました。" if revoked else "")
                ),
                url=application_url(locked),
                application=locked,
                exclude=actor.account,
            )
    return locked


# --- the outcome survey ---------------------------------------------------------------------


def question_add(
    *,
    actor: Acting,
    programme: TrainingProgramme,
    kind: str,
    text: str,
    choices: str = "",
    required: bool = True,
) -> SurveyQuestion:
    with transaction.atomic():
        order = (
            programme.questions.order_by("-order").values_list("order", flat=True).first() or 0
        ) + 1
        question = SurveyQuestion(
            programme=programme,
            order=order,
            kind=kind,
            text=text.strip(),
            choices=choices.strip() if kind == QuestionKind.CHOICE else "",
            required=required,
        )
        question.full_clean()
        question.save()
        audit_record(
            actor=actor,
            action="training.survey.question_add",
            target=question,
            details={"programme": programme.pk, "kind": kind, "text": question.text},
        )
    return question


def question_delete(*, actor: Acting, question: SurveyQuestion) -> None:
    with transaction.atomic():
        if question.answers.exists():
            raise TrainingError(
                ErrorCode.SURVEY_HAS_ANSWERS, "回答がある質問は削除できません(集計が変わるため)。"
            )
        audit_record(
            actor=actor,
            action="training.survey.question_delete",
            target=question,
            details={"programme": question.programme_id, "text": question.text},
        )
        question.delete()


def survey_open_for(application: Application) -> bool:
    """The survey is answered after completion, or before it when it is a condition of it."""
    programme = application.programme
    if application.status == ApplicationStatus.COMPLETED:
        return True
    return programme.survey_required and application.status == ApplicationStatus.ACCEPTED


def _clean_answers(
    questions: list[SurveyQuestion], answers: Mapping[int, str]
) -> list[tuple[SurveyQuestion, str]]:
    errors: dict[str, str] = {}
    cleaned = []
    for question in questions:
        value = str(answers.get(question.pk, "") or "").strip()
        key = f"q{question.pk}"
        if not value:
            if question.required:
                errors[key] = "回答してください。"
            continue
        if question.kind == QuestionKind.CHOICE and value not in question.choice_list:
            errors[key] = "選択肢から選んでください。"
        elif question.kind == QuestionKind.SCALE and value not in {"1", "2", "3", "4", "5"}:
            errors[key] = "1〜5 から選んでください。"
        cleaned.append((question, value))
    if errors:
        raise ValidationError(errors)
    return cleaned


def survey_submit(
    *, actor: Acting, application: Application, answers: Mapping[int, str]
) -> SurveyResponse:
    """アンケートに回答する (once). When the answer is a condition of completion and the
    attendance already meets the rule, the participant completes now."""
    with transaction.atomic():
        locked = lock_application(application)
        if not survey_open_for(locked):
            raise TrainingError(
                ErrorCode.SURVEY_CLOSED,
                "この研修のアンケートは、修了後(または修了の条件のときは受講決定後)に回答できます。",
            )
        if SurveyResponse.objects.filter(application=locked).exists():
            raise TrainingError(ErrorCode.SURVEY_ANSWERED, "このアンケートには回答済みです。")
        questions = list(locked.programme.questions.order_by("order", "pk"))
        cleaned = _clean_answers(questions, answers)
        response = SurveyResponse.objects.create(application=locked)
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(
                response=response,
                question=question,
                choice=value if question.kind == QuestionKind.CHOICE else "",
                scale=int(value) if question.kind == QuestionKind.SCALE else None,
                text=value if question.kind == QuestionKind.TEXT else "",
            )
            for question, value in cleaned
        )
        audit_application(actor, "survey_submit", locked, answers=len(cleaned))
        if locked.status == ApplicationStatus.ACCEPTED and locked.programme.survey_required:
            outcome = _outcome(locked, survey_answered=True)
            if outcome.completed:
                _complete(
                    actor,
                    locked,
                    note=outcome.reason,
                    hours=outcome.attended_hours,
                    overridden=False,
                )
    return response
