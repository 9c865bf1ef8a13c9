"""The organiser's pages: applications and decisions (受講決定), the lottery, and direct
enrolment of 悉皆・指名 programmes (from a list, a CSV, or the eligibility survey)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from manabi.accounts.selectors import Acting, acting_of
from manabi.core.steps import step_view
from manabi.eligibility.selectors import surveys_visible
from manabi.training import selectors
from manabi.training.errors import TrainingError
from manabi.training.experience import target_label
from manabi.training.forms import (
    DecisionForm,
    EnrolCsvForm,
    EnrolForm,
    EnrolSearchForm,
    EnrolSurveyForm,
    LotteryForm,
    TargetExceptionForm,
    posted_ids,
)
from manabi.training.models import TrainingProgramme
from manabi.training.permissions import access_programme_for_change, access_target_exception
from manabi.training.services import decisions as services
from manabi.training.services import targets
from manabi.training.services.decisions import EnrolResult
from manabi.training.states import ApplicationStatus

STAFF_PAGE = 50


def _applications_page(programme: TrainingProgramme) -> HttpResponseBase:
    return redirect("training:programme_applications", programme_id=programme.pk)


@login_required
def programme_applications(request: HttpRequest, programme_id: int) -> HttpResponse:
    """申込・受講決定: every application with its state, the waitlist and the lotteries."""
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    page = Paginator(selectors.programme_applications(programme, status=status), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "training/programme_applications.html",
        {
            "programme": programme,
            "page": page,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "counts": selectors.place_counts(programme),
            "taken": selectors.places_taken(programme),
            "lotteries": programme.lotteries.select_related("drawn_by")[:5],
            "decision_form": DecisionForm(),
            "lottery_form": LotteryForm(),
            "target_years": target_label(programme.min_years, programme.max_years),
            "target_exceptions": selectors.target_exceptions_of(programme),
            "exception_form": TargetExceptionForm(),
        },
    )


@login_required
@require_POST
def programme_accept_in_order(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    try:
        summary = services.programme_accept_in_order(actor=acting, programme=programme)
    except TrainingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"受講決定 {len(summary.accepted)} 人、補欠 {len(summary.waitlisted)} 人にしました"
            "(推薦順位、申込の早い順)。",
        )
    return _applications_page(programme)


@login_required
@require_POST
def programme_lottery(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    form = LotteryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "シードは 0 以上の整数で入力してください(空欄でも抽選できます)。")
        return _applications_page(programme)
    try:
        summary = services.programme_lottery_draw(
            actor=acting, programme=programme, seed=form.cleaned_data["seed"]
        )
    except TrainingError as exc:
        messages.error(request, exc.message)
    else:
        assert summary.lottery is not None
        messages.success(
            request,
            f"抽選しました(シード {summary.lottery.seed})。受講決定 {len(summary.accepted)} 人、"
            f"補欠 {len(summary.waitlisted)} 人。",
        )
    return _applications_page(programme)


def _report(request: HttpRequest, result: EnrolResult) -> None:
    if result.enrolled:
        messages.success(request, f"{len(result.enrolled)} 人を受講者として登録しました。")
    for staff, why in result.skipped:
        messages.info(request, f"{staff.display_name}({staff.staff_number}): {why}")
    for staff, why in result.refused:
        messages.error(request, f"{staff.display_name}({staff.staff_number}): {why}")
    if not (result.enrolled or result.skipped or result.refused):
        messages.info(request, "登録する教職員はいませんでした。")


def _enrol_context(
    acting: Acting, programme: TrainingProgramme, request: HttpRequest
) -> dict[str, object]:
    search = EnrolSearchForm(
        request.GET or None, organisations=selectors.enrol_organisations(programme)
    )
    found = []
    if search.is_valid() and (search.cleaned_data["q"] or search.cleaned_data["organisation"]):
        organisation = search.cleaned_data["organisation"]
        found = list(
            selectors.staff_search_for_enrolment(
                programme,
                query=search.cleaned_data["q"],
                organisation_id=organisation.pk if organisation else None,
            )[:STAFF_PAGE]
        )
    enrolled = set(programme.applications.values_list("staff_id", flat=True))
    return {
        "programme": programme,
        "search": search,
        "found": found,
        "enrolled_ids": enrolled,
        "csv_form": EnrolCsvForm(),
        "survey_form": _survey_form(acting, programme),
        "page_size": STAFF_PAGE,
    }


def _survey_form(acting: Acting, programme: TrainingProgramme) -> EnrolSurveyForm:
    return EnrolSurveyForm(
        surveys=surveys_visible(acting).order_by("-fiscal_year"),
        initial={"training": programme.eligibility_training},
    )


@login_required
def programme_enrol(request: HttpRequest, programme_id: int) -> HttpResponse:
    """受講者の登録 (悉皆・指名): search staff and enrol the ones ticked."""
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    if request.method == "POST":
        ids = posted_ids(request.POST.getlist("staff"))
        form = EnrolForm(request.POST, ids=ids)
        if form.is_valid():
            staff = list(
                selectors.staff_enrollable(programme).filter(pk__in=form.cleaned_data["staff"])
            )
            try:
                result = services.programme_enrol(actor=acting, programme=programme, staff=staff)
            except TrainingError as exc:
                messages.error(request, exc.message)
            else:
                _report(request, result)
        else:
            messages.error(request, "登録する教職員を選んでください。")
        return redirect("training:programme_enrol", programme_id=programme.pk)
    return render(
        request, "training/programme_enrol.html", _enrol_context(acting, programme, request)
    )


@login_required
@require_POST
def programme_enrol_csv(request: HttpRequest, programme_id: int) -> HttpResponse:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    form = EnrolCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "CSV ファイルを選んでください。")
        return redirect("training:programme_enrol", programme_id=programme.pk)
    try:
        result = services.programme_enrol_csv(
            actor=acting, programme=programme, data=form.cleaned_data["file"].read()
        )
    except TrainingError as exc:
        messages.error(request, exc.message)
        return redirect("training:programme_enrol", programme_id=programme.pk)
    if result.errors:
        context = _enrol_context(acting, programme, request)
        context["csv_errors"] = result.errors
        return render(request, "training/programme_enrol.html", context, status=400)
    _report(request, result)
    return redirect("training:programme_enrol", programme_id=programme.pk)


@login_required
@require_POST
def programme_enrol_survey(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    """該当者調査の○の人を登録."""
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    form = EnrolSurveyForm(request.POST, surveys=surveys_visible(acting))
    if not form.is_valid():
        messages.error(request, "該当者調査と研修を選んでください。")
        return redirect("training:programme_enrol", programme_id=programme.pk)
    try:
        result = services.programme_enrol_from_survey(
            actor=acting,
            programme=programme,
            survey=form.cleaned_data["survey"],
            training=form.cleaned_data["training"],
        )
    except TrainingError as exc:
        messages.error(request, exc.message)
    else:
        _report(request, result)
    return redirect("training:programme_enrol", programme_id=programme.pk)


# --- 対象外の受講の許可 ------------------------------------------------------------------------

target_exception_add = step_view(
    access=access_programme_for_change,
    form=TargetExceptionForm,
    invalid="職員番号と許可の理由を入力してください。",
    run=lambda acting, programme, data: targets.target_exception_grant(
        actor=acting,
        programme=programme,
        staff_number=data["staff_number"],
        reason=data["reason"],
    ),
    done=lambda programme, granted: (
        f"{granted.staff.display_name} さんの対象外の受講を許可しました。"
    ),
    back=_applications_page,
    errors=(TrainingError,),
)

target_exception_withdraw = step_view(
    access=access_target_exception,
    run=lambda acting, exception, data: targets.target_exception_withdraw(
        actor=acting, exception=exception
    ),
    done=lambda exception, _: f"{exception.staff.display_name} さんの許可を取り消しました。",
    back=lambda exception: _applications_page(exception.programme),
    errors=(TrainingError,),
)
