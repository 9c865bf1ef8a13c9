"""Attendance (出欠), completion (修了) and the outcome survey (成果確認用アンケート)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from manabi.accounts.selectors import acting_of
from manabi.core.audit import audit_record
from manabi.core.csvio import streaming_csv_response
from manabi.core.formerrors import add_validation_errors
from manabi.core.xlsx import streaming_xlsx_response
from manabi.training import selectors
from manabi.training.choices import AttendanceStatus, QuestionKind
from manabi.training.completion import evaluate
from manabi.training.errors import TrainingError
from manabi.training.forms import AttendanceBulkForm, QuestionForm, SurveyAnswerForm, posted_ids
from manabi.training.models import Application, SurveyAnswer, SurveyQuestion, TrainingProgramme
from manabi.training.permissions import (
    access_application_for_survey,
    access_programme_for_change,
    access_question,
    access_session,
)
from manabi.training.services import participation as services
from manabi.training.states import ApplicationStatus


@login_required
def attendance(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponse:
    """出欠の入力: one choice per participant, saved together."""
    acting = acting_of(request)
    session = access_session(acting, programme_id, session_id)
    programme = session.programme
    people = list(selectors.participants(programme))
    if request.method == "POST":
        valid = set(AttendanceStatus.values)
        marks = {
            a.pk: request.POST[f"status-{a.pk}"]
            for a in people
            if request.POST.get(f"status-{a.pk}") in valid
        }
        try:
            changed = services.attendance_record(actor=acting, session=session, marks=marks)
        except TrainingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"出欠を保存しました({len(changed)} 人を変更)。")
        return redirect("training:attendance", programme_id=programme.pk, session_id=session.pk)
    marked = {a.application_id: a.status for a in session.attendance.all()}
    rows = [(a, marked.get(a.pk, "")) for a in people]
    return render(
        request,
        "training/attendance.html",
        {
            "programme": programme,
            "session": session,
            "sessions": programme.sessions.all(),
            "rows": rows,
            "statuses": AttendanceStatus.choices,
            "summary": [
                (label, Counter(marked.values()).get(value, 0))
                for value, label in AttendanceStatus.choices
            ],
        },
    )


@login_required
@require_POST
def attendance_bulk(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponseBase:
    """まとめて入力: the same status for every participant ticked."""
    acting = acting_of(request)
    session = access_session(acting, programme_id, session_id)
    form = AttendanceBulkForm(request.POST, ids=posted_ids(request.POST.getlist("applications")))
    if not form.is_valid():
        messages.error(request, "受講者と出欠を選んでください。")
    else:
        status = form.cleaned_data["status"]
        try:
            changed = services.attendance_record(
                actor=acting,
                session=session,
                marks=dict.fromkeys(form.cleaned_data["applications"], status),
            )
        except TrainingError as exc:
            messages.error(request, exc.message)
        else:
            label = AttendanceStatus(status).label
            messages.success(request, f"{len(changed)} 人を「{label}」にしました。")
    return redirect("training:attendance", programme_id=programme_id, session_id=session_id)


@login_required
def completion(request: HttpRequest, programme_id: int) -> HttpResponse:
    """修了の判定: each participant's attendance against the programme's rule."""
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    sessions = list(programme.sessions.all())
    rows = []
    for application in selectors.participants(programme):
        marks = {a.session_id: a.status for a in application.attendance.all()}
        outcome = evaluate(
            rule=programme.completion_rule,
            sessions=[(s.pk, s.hours) for s in sessions],
            attendance=marks,
            min_hours=programme.completion_min_hours,
            survey_required=programme.survey_required,
            survey_answered=hasattr(application, "survey_response"),
        )
        rows.append((application, [marks.get(s.pk, "") for s in sessions], outcome))
    return render(
        request,
        "training/completion.html",
        {
            "programme": programme,
            "sessions": sessions,
            "rows": rows,
            "labels": dict(AttendanceStatus.choices),
        },
    )


@login_required
@require_POST
def completion_judge(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    summary = services.programme_judge_completion(actor=acting, programme=programme)
    messages.success(
        request,
        f"修了 {len(summary.completed)} 人、未修了 {len(summary.not_completed)} 人、"
        f"判定保留 {len(summary.pending)} 人。修了した教職員の研修受講履歴に記録しました。",
    )
    return redirect("training:completion", programme_id=programme.pk)


# --- the survey ----------------------------------------------------------------------------


@login_required
def survey_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    """アンケートの質問: the list and a form to add one."""
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(actor=acting, programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "質問を追加しました。")
            return redirect("training:survey_edit", programme_id=programme.pk)
    return render(
        request,
        "training/survey_edit.html",
        {
            "programme": programme,
            "questions": programme.questions.all(),
            "form": form,
            "responses": programme.applications.filter(survey_response__isnull=False).count(),
        },
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, programme_id: int, question_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    question = access_question(acting, programme_id, question_id)
    try:
        services.question_delete(actor=acting, question=question)
    except TrainingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "質問を削除しました。")
    return redirect("training:survey_edit", programme_id=programme_id)


@login_required
def survey_answer(request: HttpRequest, application_id: int) -> HttpResponse:
    """成果確認用アンケートに回答する (the participant)."""
    acting = acting_of(request)
    application = access_application_for_survey(acting, application_id)
    questions = list(application.programme.questions.all())
    form = SurveyAnswerForm(request.POST or None, questions=questions)
    answered = hasattr(application, "survey_response")
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_submit(actor=acting, application=application, answers=form.answers())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except TrainingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "アンケートに回答しました。ご協力ありがとうございました。")
            return redirect("training:application_detail", application_id=application.pk)
    return render(
        request,
        "training/survey_answer.html",
        {
            "application": application,
            "programme": application.programme,
            "form": form,
            "answered": answered,
            "open": services.survey_open_for(application),
        },
    )


@dataclass
class QuestionResult:
    question: SurveyQuestion
    counts: list[tuple[str, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    mean: float | None = None
    answered: int = 0


def _results(programme: TrainingProgramme) -> list[QuestionResult]:
    """Per question: counts by choice or scale point, the mean, the free texts (two queries)."""
    questions = list(programme.questions.all())
    results = {q.pk: QuestionResult(q) for q in questions}
    tallies: dict[int, Counter[str]] = {q.pk: Counter() for q in questions}
    for answer in SurveyAnswer.objects.filter(question__programme=programme).order_by("pk"):
        result = results[answer.question_id]
        result.answered += 1
        if answer.question_id in tallies and result.question.kind != QuestionKind.TEXT:
            tallies[answer.question_id][answer.value] += 1
        elif answer.text:
            result.texts.append(answer.text)
    for question in questions:
        result = results[question.pk]
        tally = tallies[question.pk]
        if question.kind == QuestionKind.CHOICE:
            result.counts = [(c, tally.get(c, 0)) for c in question.choice_list]
        elif question.kind == QuestionKind.SCALE:
            result.counts = [(str(p), tally.get(str(p), 0)) for p in range(5, 0, -1)]
            total = sum(int(k) * v for k, v in tally.items())
            result.mean = round(total / result.answered, 2) if result.answered else None
    return [results[q.pk] for q in questions]


@login_required
def survey_results(request: HttpRequest, programme_id: int) -> HttpResponse:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    participants = programme.applications.filter(
        status__in=(ApplicationStatus.ACCEPTED, ApplicationStatus.COMPLETED)
    ).count()
    return render(
        request,
        "training/survey_results.html",
        {
            "programme": programme,
            "results": _results(programme),
            "responses": programme.applications.filter(survey_response__isnull=False).count(),
            "participants": participants,
        },
    )


def _export_rows(
    programme: TrainingProgramme, questions: list[SurveyQuestion]
) -> Iterator[list[object]]:
    applications = (
        Application.objects.filter(programme=programme, survey_response__isnull=False)
        .select_related("staff", "account", "unit", "survey_response")
        .prefetch_related("survey_response__answers")
        .order_by("survey_response__submitted_at", "pk")
    )
    for application in applications.iterator(chunk_size=500):
        response = application.survey_response
        by_question = {a.question_id: a.value for a in response.answers.all()}
        yield [
            timezone.localtime(response.submitted_at),
            application.staff.staff_number if application.staff else "",
            application.person_name,
            application.unit.name if application.unit else "ゲスト",
            *[by_question.get(q.pk, "") for q in questions],
        ]


@login_required
def survey_export(request: HttpRequest, programme_id: int, fmt: str) -> HttpResponseBase:
    """アンケート結果の出力 (CSV or .xlsx), audited."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    questions = list(programme.questions.all())
    header = ["回答日時", "職員番号", "氏名", "所属", *[q.text for q in questions]]
    audit_record(
        actor=acting,
        action="training.survey.export",
        target=programme,
        details={"format": fmt, "questions": len(questions)},
    )
    name = f"アンケート結果_{programme.number}_{programme.title}"
    rows = _export_rows(programme, questions)
    if fmt == "csv":
        return streaming_csv_response(rows, filename=f"{name}.csv", header=header)
    return streaming_xlsx_response(rows, filename=f"{name}.xlsx", header=header, sheet_name="回答")
