"""Pages of the survey (基本研修受講該当者調査) and of service records (在職記録).

Thin views: each fetches through an ``access_*`` function, parses input with a form, calls
one service or selector and renders. Every download and every view of one person's records
is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from manabi.accounts.selectors import Acting, acting_of
from manabi.core.audit import audit_record
from manabi.core.csvio import CsvEncoding, content_disposition, streaming_csv_response
from manabi.core.formerrors import add_validation_errors
from manabi.core.pdf import PdfUnavailable
from manabi.core.steps import step_view
from manabi.core.xlsx import XLSX_CONTENT_TYPE
from manabi.eligibility import documents, services
from manabi.eligibility.forms import (
    CompletedTrainingForm,
    DecisionForm,
    LeaveForm,
    RecordsImportForm,
    ReopenForm,
    ServicePeriodForm,
    SurveyOpenForm,
)
from manabi.eligibility.models import SchoolSubmission, Survey
from manabi.eligibility.permissions import (
    access_card,
    access_decision,
    access_service_record,
    access_service_records,
    access_submission,
    access_submission_for_reopen,
    access_submission_for_school,
    access_survey_dashboard,
    access_survey_for_change,
    can_edit_submission,
    can_list_surveys,
    can_manage_records,
    can_open_surveys,
)
from manabi.eligibility.record_rows import COLUMNS
from manabi.eligibility.selectors import (
    card_of,
    confirmation_cards,
    confirmed_targets,
    default_fiscal_year,
    form_sheets,
    own_submission,
    prefectures_for_survey,
    progress_summary,
    runs_survey,
    school_staff,
    staff_with_records,
    submission_overview,
    survey_aggregate,
    survey_progress,
    surveys_visible,
)
from manabi.eligibility.services import SurveyError
from manabi.eligibility.survey_rules import FORM_BY_NUMBER, SurveyForm
from manabi.people.models import Staff

FORMATS = ("pdf", "xlsx")


def _form_of(form_number: int, fmt: str) -> SurveyForm:
    form = FORM_BY_NUMBER.get(form_number)
    if form is None or fmt not in FORMATS:
        raise Http404
    return form


def _download(body: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store, private"
    return response


def _form_download(
    acting: Acting,
    form: SurveyForm,
    fmt: str,
    submissions: list[SchoolSubmission],
    *,
    name: str,
    target: Survey | SchoolSubmission,
) -> HttpResponse:
    sheets = form_sheets(submissions, form)
    title = f"様式{form.number}_{form.title}_{name}"
    if fmt == "pdf":
        body = documents.form_pdf(form, sheets)
        response = _download(body, filename=f"{title}.pdf", content_type="application/pdf")
    else:
        body = documents.form_xlsx(form, sheets)
        response = _download(body, filename=f"{title}.xlsx", content_type=XLSX_CONTENT_TYPE)
    audit_record(
        actor=acting,
        action="eligibility.form.download",
        target=target,
        details={"form": form.number, "format": fmt, "schools": len(submissions)},
    )
    return response


def _pdf_failed(request: HttpRequest, exc: PdfUnavailable, back: str) -> HttpResponse:
    messages.error(request, str(exc))
    return redirect(back)


# --- surveys (the centre) --------------------------------------------------------------------


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_list_surveys(acting):
        raise PermissionDenied
    surveys = surveys_visible(acting).annotate(
        schools=Count("submissions"),
        submitted=Count(
            "submissions", filter=Q(submissions__status=SchoolSubmission.Status.SUBMITTED)
        ),
    )
    rows = [
        {
            "survey": survey,
            "runs": runs_survey(acting, survey),
            "own": own_submission(acting, survey),
        }
        for survey in surveys
    ]
    return render(
        request,
        "eligibility/survey_list.html",
        {"rows": rows, "can_open": can_open_surveys(acting)},
    )


@login_required
def survey_open(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    prefectures = prefectures_for_survey(acting)
    if not prefectures.exists():
        raise PermissionDenied
    form = SurveyOpenForm(
        request.POST or None,
        prefectures=prefectures,
        initial={"fiscal_year": default_fiscal_year(), "prefecture": prefectures.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_open(actor=acting, **form.cleaned_data)
        except SurveyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{survey} を開始しました。各学校の管理職に回答を依頼してください。",
            )
            return redirect("eligibility:survey_detail", survey_id=survey.pk)
    return render(request, "eligibility/survey_open.html", {"form": form})


@login_required
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    """提出状況: every school's progress, with reopen for those who run the survey."""
    acting = acting_of(request)
    survey = access_survey_dashboard(acting, survey_id)
    submissions = list(survey_progress(acting, survey))
    status = request.GET.get("status", "")
    shown = [
        s
        for s in submissions
        if not status
        or (status == "submitted" and s.is_submitted)
        or (status == "pending" and not s.is_submitted)
    ]
    return render(
        request,
        "eligibility/survey_detail.html",
        {
            "survey": survey,
            "submissions": shown,
            "summary": progress_summary(submissions),
            "status": status,
            "runs": runs_survey(acting, survey),
            "reopen_form": ReopenForm(),
            "forms": list(FORM_BY_NUMBER.values()),
            "today": timezone.localdate(),
        },
    )


@login_required
def survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    """集計: per school and training, targets and ○/×."""
    acting = acting_of(request)
    survey = access_survey_dashboard(acting, survey_id)
    return render(
        request,
        "eligibility/survey_results.html",
        {"survey": survey, "aggregate": survey_aggregate(acting, survey)},
    )


@login_required
def survey_targets_csv(request: HttpRequest, survey_id: int) -> HttpResponseBase:
    """受講者名簿: every confirmed (○) target of the submitted schools, per training, as CSV for
    enrolment in the matching 悉皆 programme."""
    acting = acting_of(request)
    survey = access_survey_for_change(acting, survey_id)
    encoding: CsvEncoding = "cp932" if request.GET.get("encoding") == "cp932" else "utf-8-sig"
    decisions = confirmed_targets(acting, survey)
    audit_record(
        actor=acting,
        action="eligibility.survey.targets_export",
        target=survey,
        details={"rows": decisions.count()},
    )
    rows = (
        [
            d.get_training_display(),
            d.staff.staff_number,
            d.staff.name,
            d.staff.kana,
            d.job_label,
            d.submission.school.code,
            d.submission.school.name,
            d.number or "",
            d.subject,
            d.note,
        ]
        for d in decisions.iterator(chunk_size=2000)
    )
    return streaming_csv_response(
        rows,
        filename=f"受講対象者_{survey.fiscal_year_label}.csv",
        header=[
            "研修",
            "職員番号",
            "氏名",
            "ふりがな",
            "職名",
            "所属コード",
            "所属",
            "番号",
            "教科",
            "備考",
        ],
        encoding=encoding,
    )


survey_close = step_view(
    access=access_survey_for_change,
    run=lambda acting, survey, data: services.survey_close(actor=acting, survey=survey),
    done=lambda survey, _: f"{survey} を締め切りました。学校は回答を変更できなくなります。",
    back=lambda survey: redirect("eligibility:survey_detail", survey_id=survey.pk),
    errors=(SurveyError,),
)


@login_required
def survey_form_download(
    request: HttpRequest, survey_id: int, form_number: int, fmt: str
) -> HttpResponse:
    """様式N of every submitted school, for the centre."""
    acting = acting_of(request)
    survey = access_survey_for_change(acting, survey_id)
    form = _form_of(form_number, fmt)
    submitted = list(
        survey_progress(acting, survey).filter(status=SchoolSubmission.Status.SUBMITTED)
    )
    try:
        return _form_download(
            acting, form, fmt, submitted, name=survey.fiscal_year_label, target=survey
        )
    except PdfUnavailable as exc:
        return _pdf_failed(request, exc, reverse("eligibility:survey_detail", args=[survey.pk]))


# --- a school's submission -------------------------------------------------------------------


@login_required
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    acting = acting_of(request)
    submission = access_submission(acting, submission_id)
    return render(
        request,
        "eligibility/submission_detail.html",
        {
            "submission": submission,
            "survey": submission.survey,
            "overview": submission_overview(submission),
            "can_edit": can_edit_submission(acting, submission),
            "runs": runs_survey(acting, submission.survey),
            "can_manage_records": can_manage_records(acting),
            "reopen_form": ReopenForm(),
            "forms": list(FORM_BY_NUMBER.values()),
        },
    )


def _back_to(submission: SchoolSubmission) -> HttpResponse:
    return redirect("eligibility:submission_detail", submission_id=submission.pk)


submission_recompute = step_view(
    access=access_submission_for_school,
    run=lambda acting, submission, data: services.submission_recompute(
        actor=acting, submission=submission
    ),
    done="受講該当者を計算しました。内容を確認し、受講の可否を入力してください。",
    back=_back_to,
    errors=(SurveyError,),
)


decisions_mark_attending = step_view(
    access=access_submission_for_school,
    run=lambda acting, submission, data: services.decisions_mark_attending(
        actor=acting, submission=submission
    ),
    done=lambda submission, changed: f"未入力だった {changed} 件の受講の可否を ○ にしました。",
    back=_back_to,
    errors=(SurveyError,),
)


@login_required
def submission_submit(request: HttpRequest, submission_id: int) -> HttpResponse:
    """GET: the confirmation page (what will be sent); POST: approve and submit."""
    acting = acting_of(request)
    submission = access_submission_for_school(acting, submission_id)
    if request.method == "POST":
        try:
            services.submission_submit(actor=acting, submission=submission)
        except SurveyError as exc:
            messages.error(request, str(exc))
            return _back_to(submission)
        messages.success(
            request, f"{submission.school.name} の回答を、所属長の承認のうえ提出しました。"
        )
        return _back_to(submission)
    return render(
        request,
        "eligibility/submission_confirm.html",
        {
            "submission": submission,
            "survey": submission.survey,
            "overview": submission_overview(submission),
        },
    )


submission_submit_none = step_view(
    access=access_submission_for_school,
    run=lambda acting, submission, data: services.submission_submit_none(
        actor=acting, submission=submission
    ),
    done=lambda submission, _: f"{submission.school.name} は「該当者なし」で提出しました。",
    back=_back_to,
    errors=(SurveyError,),
)


def _after_reopen(
    request: HttpRequest, submission: SchoolSubmission, result: object = None
) -> HttpResponse:
    if request.POST.get("next", "") == "survey":
        return redirect("eligibility:survey_detail", survey_id=submission.survey_id)
    return _back_to(submission)


submission_reopen = step_view(
    access=access_submission_for_reopen,
    form=ReopenForm,
    invalid="差し戻しの理由を入力してください (学校に表示されます)。",
    run=lambda acting, submission, data: services.submission_reopen(
        actor=acting, submission=submission, comment=data["comment"]
    ),
    done=lambda submission, _: f"{submission.school.name} の回答を差し戻しました。",
    back=_back_to,
    after=_after_reopen,
    failed=_after_reopen,
    errors=(SurveyError,),
)


@login_required
@require_POST
def records_derive(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Derive 在職期間 from assignments for the school's staff who have none (概算)."""
    acting = acting_of(request)
    submission = access_submission_for_school(acting, submission_id)
    count = services.service_records_from_assignments(
        actor=acting, staff=school_staff(submission.school)
    )
    messages.success(
        request,
        f"{count} 人の在職期間を所属の履歴から作成しました (概算です)。"
        "他県や臨時的任用などの勤務歴は、在職記録の画面で直してください。",
    )
    return _back_to(submission)


@login_required
def submission_form_download(
    request: HttpRequest, submission_id: int, form_number: int, fmt: str
) -> HttpResponse:
    acting = acting_of(request)
    submission = access_submission(acting, submission_id)
    form = _form_of(form_number, fmt)
    try:
        return _form_download(
            acting, form, fmt, [submission], name=submission.school.name, target=submission
        )
    except PdfUnavailable as exc:
        return _pdf_failed(
            request, exc, reverse("eligibility:submission_detail", args=[submission.pk])
        )


@login_required
def submission_cards(request: HttpRequest, submission_id: int) -> HttpResponse:
    """確認カード of every current staff member of the school (教諭・養護教諭 etc. to hand out)."""
    acting = acting_of(request)
    submission = access_submission(acting, submission_id)
    people = list(school_staff(submission.school))
    cards = confirmation_cards(
        people, fiscal_year=submission.survey.fiscal_year, rules_name=submission.survey.rules
    )
    try:
        body = documents.cards_pdf(cards)
    except PdfUnavailable as exc:
        return _pdf_failed(
            request, exc, reverse("eligibility:submission_detail", args=[submission.pk])
        )
    audit_record(
        actor=acting,
        action="eligibility.card.print",
        target=submission,
        details={"staff": [person.staff_number for person in people]},
    )
    return _download(
        body,
        filename=f"確認カード_{submission.school.name}.pdf",
        content_type="application/pdf",
    )


@login_required
def decision_edit(request: HttpRequest, decision_id: int) -> HttpResponse:
    """受講の予定 (可否・理由)、番号、教科、備考 of one target."""
    acting = acting_of(request)
    decision = access_decision(acting, decision_id)
    initial = {
        "attend": decision.attend,
        "absence_reason": decision.absence_reason,
        "absence_reason_text": decision.absence_reason_text,
        "number": decision.number,
        "subject": decision.subject,
        "note": decision.note,
    }
    form = DecisionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(actor=acting, decision=decision, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except SurveyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{decision.staff.display_name} さん ({decision.get_training_display()}) を保存しました。",
            )
            return _back_to(decision.submission)
    return render(request, "eligibility/decision_form.html", {"form": form, "decision": decision})


# --- service records -------------------------------------------------------------------------


def _records_page(
    request: HttpRequest, acting: Acting, staff: Staff, **forms: object
) -> HttpResponse:
    person = staff_with_records(staff.pk)
    card = card_of(person)
    context = {
        "staff": person,
        "card": card,
        "service_form": ServicePeriodForm(),
        "leave_form": LeaveForm(),
        "completed_form": CompletedTrainingForm(),
        **forms,
    }
    return render(request, "eligibility/service_records.html", context)


@login_required
def service_records(request: HttpRequest, staff_id: int) -> HttpResponse:
    """One person's service periods, leaves and completed trainings, with what they give."""
    acting = acting_of(request)
    staff = access_service_records(acting, staff_id)
    audit_record(
        actor=acting, action="eligibility.service_records.view", target=staff, subject=staff
    )
    return _records_page(request, acting, staff)


@login_required
@require_POST
def service_period_add(request: HttpRequest, staff_id: int) -> HttpResponse:
    acting = acting_of(request)
    staff = access_service_records(acting, staff_id)
    form = ServicePeriodForm(request.POST)
    if form.is_valid():
        try:
            services.service_period_add(actor=acting, staff=staff, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "在職期間を登録しました。")
            return redirect("eligibility:service_records", staff_id=staff.pk)
    return _records_page(request, acting, staff, service_form=form)


@login_required
@require_POST
def leave_add(request: HttpRequest, staff_id: int) -> HttpResponse:
    acting = acting_of(request)
    staff = access_service_records(acting, staff_id)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.leave_add(actor=acting, staff=staff, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "休職・休業等を登録しました。")
            return redirect("eligibility:service_records", staff_id=staff.pk)
    return _records_page(request, acting, staff, leave_form=form)


@login_required
@require_POST
def completed_add(request: HttpRequest, staff_id: int) -> HttpResponse:
    acting = acting_of(request)
    staff = access_service_records(acting, staff_id)
    form = CompletedTrainingForm(request.POST)
    if form.is_valid():
        try:
            services.completed_training_add(actor=acting, staff=staff, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "修了済みの研修を登録しました。")
            return redirect("eligibility:service_records", staff_id=staff.pk)
    return _records_page(request, acting, staff, completed_form=form)


@login_required
@require_POST
def record_delete(
    request: HttpRequest, staff_id: int, category: str, record_id: int
) -> HttpResponse:
    acting = acting_of(request)
    record = access_service_record(acting, staff_id, category, record_id)
    services.service_record_delete(actor=acting, record=record)
    messages.success(request, f"「{record}」を削除しました。")
    return redirect("eligibility:service_records", staff_id=staff_id)


@login_required
def staff_card(request: HttpRequest, staff_id: int) -> HttpResponse:
    """確認カード of one person (one's own, or of someone whose records one looks after)."""
    acting = acting_of(request)
    staff = access_card(acting, staff_id)
    person = staff_with_records(staff.pk)
    cards = [card_of(person)]
    try:
        body = documents.cards_pdf(cards)
    except PdfUnavailable as exc:
        return _pdf_failed(request, exc, reverse("eligibility:my_card"))
    audit_record(actor=acting, action="eligibility.card.print", target=person, subject=person)
    return _download(
        body, filename=f"確認カード_{person.staff_number}.pdf", content_type="application/pdf"
    )


@login_required
def my_card(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own confirmation card, on screen, with the PDF to print."""
    acting = acting_of(request)
    account = acting.account
    if account is None or account.staff_id is None:
        raise Http404
    person = staff_with_records(account.staff_id)
    card = card_of(person)
    return render(request, "eligibility/my_card.html", {"card": card, "staff": person})


@login_required
def records_import(request: HttpRequest) -> HttpResponse:
    """在職記録の一括登録 (CSV / .xlsx), all or nothing."""
    acting = acting_of(request)
    if not can_manage_records(acting):
        raise PermissionDenied
    form = RecordsImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = services.service_records_import(
            actor=acting, name=upload.name or "", data=upload.read()
        )
        if outcome.ok:
            messages.success(
                request,
                f"{outcome.staff} 人分の在職記録を登録しました (在職期間 {outcome.periods} 件、"
                f"休職・休業等 {outcome.leaves} 件、修了 {outcome.completed} 件)。",
            )
            return redirect("eligibility:records_import")
    return render(
        request,
        "eligibility/records_import.html",
        {"form": form, "outcome": outcome, "columns": COLUMNS},
    )
