"""Registering and running a programme (主催研修): the organiser's and the school's pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from manabi.accounts.selectors import acting_of
from manabi.core.formerrors import add_validation_errors
from manabi.core.wareki import fiscal_year
from manabi.orgs.models import Organisation
from manabi.training import selectors
from manabi.training.errors import TrainingError
from manabi.training.forms import MaterialForm, ProgrammeForm, ReasonForm, SessionForm
from manabi.training.models import TrainingProgramme
from manabi.training.permissions import (
    access_material,
    access_programme_for_change,
    access_session,
    can_create,
)
from manabi.training.services import programmes as services
from manabi.training.states import PARTICIPANTS, ApplicationStatus, ProgrammeStatus


def _failed(request: HttpRequest, exc: TrainingError | ValidationError) -> None:
    text = exc.message if isinstance(exc, TrainingError) else " ".join(exc.messages)
    messages.error(request, text)


@login_required
def managed_list(request: HttpRequest) -> HttpResponse:
    """主催研修の一覧, with the number of applications by state (one query per page)."""
    acting = acting_of(request)
    if not can_create(acting):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in ProgrammeStatus.values:
        status = ""  # an unknown state (a stale or hand-edited link) lists every programme
    qs = selectors.programmes_managed(acting).select_related("organiser")
    if status:
        qs = qs.filter(status=status)
    qs = qs.annotate(
        waiting=Count(
            "applications",
            filter=Q(applications__status=ApplicationStatus.AWAITING_DECISION),
        ),
        participants=Count("applications", filter=Q(applications__status__in=PARTICIPANTS)),
        pending=Count(
            "applications", filter=Q(applications__status=ApplicationStatus.PENDING_APPROVAL)
        ),
    ).order_by("-fiscal_year", "first_date", "number")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "training/managed_list.html", {"page": page, "status": status})


def _programme_form(
    request: HttpRequest, *, initial: dict[str, Any], programme: TrainingProgramme | None = None
) -> ProgrammeForm:
    acting = acting_of(request)
    organisers = selectors.organiser_choices(acting)
    if programme is not None:  # a co-organiser edits: the organiser stays choosable
        organisers = organisers | Organisation.objects.filter(pk=programme.organiser_id)
    return ProgrammeForm(
        request.POST or None,
        organisers=organisers,
        co_organisers=selectors.co_organiser_choices(),
        editing=programme is not None,
        initial=initial,
    )


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_create(acting):
        raise PermissionDenied
    form = _programme_form(
        request,
        initial={
            "fiscal_year": fiscal_year(timezone.localdate()),
            "organiser": acting.organisation.pk if acting.organisation else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=acting, data=form.to_input(), number=form.cleaned_data["number"]
            )
        except TrainingError as exc:
            form.add_error("number", exc.message)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(
                request,
                f"研修「{programme.title}」を下書きとして登録しました(研修事業番号 {programme.number})。"
                "日程を追加してから公開してください。",
            )
            return redirect("training:programme_detail", programme_id=programme.pk)
    return render(request, "training/programme_form.html", {"form": form, "programme": None})


@login_required
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    form = _programme_form(
        request, initial=ProgrammeForm.initial_from(programme), programme=programme
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(actor=acting, programme=programme, data=form.to_input())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "研修の内容を保存しました。")
            return redirect("training:programme_detail", programme_id=programme.pk)
    return render(request, "training/programme_form.html", {"form": form, "programme": programme})


@login_required
@require_POST
def programme_publish(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    try:
        services.programme_publish(actor=acting, programme=programme)
    except TrainingError as exc:
        _failed(request, exc)
    else:
        messages.success(
            request, "研修を公開しました。対象の教職員の「研修を探す」に表示されます。"
        )
    return redirect("training:programme_detail", programme_id=programme.pk)


@login_required
@require_POST
def programme_unpublish(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    try:
        services.programme_unpublish(actor=acting, programme=programme)
    except TrainingError as exc:
        _failed(request, exc)
    else:
        messages.success(request, "研修を下書きに戻しました。")
    return redirect("training:programme_detail", programme_id=programme.pk)


@login_required
@require_POST
def programme_cancel(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "中止の理由を入力してください。")
    else:
        try:
            services.programme_cancel(
                actor=acting, programme=programme, reason=form.cleaned_data["reason"]
            )
        except TrainingError as exc:
            _failed(request, exc)
        else:
            messages.success(request, "研修を中止しました。申込者と受講者にお知らせしました。")
    return redirect("training:programme_detail", programme_id=programme.pk)


@login_required
def session_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_add(actor=acting, programme=programme, data=form.to_input())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "日程を追加しました。")
            return redirect("training:programme_detail", programme_id=programme.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "programme": programme, "session": None},
    )


@login_required
def session_edit(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponse:
    acting = acting_of(request)
    session = access_session(acting, programme_id, session_id)
    initial = {
        name: getattr(session, name)
        for name in ("date", "start_time", "end_time", "hours", "venue", "url", "note")
    }
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=acting, session=session, data=form.to_input())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "日程を変更しました。")
            return redirect("training:programme_detail", programme_id=programme_id)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "programme": session.programme, "session": session},
    )


@login_required
@require_POST
def session_delete(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    session = access_session(acting, programme_id, session_id)
    try:
        services.session_delete(actor=acting, session=session)
    except TrainingError as exc:
        _failed(request, exc)
    else:
        messages.success(request, "日程を削除しました。")
    return redirect("training:programme_detail", programme_id=programme_id)


@login_required
def material_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    acting = acting_of(request)
    programme = access_programme_for_change(acting, programme_id)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.material_add(
            actor=acting,
            programme=programme,
            title=data["title"],
            file=data["file"],
            url=data["url"],
            participants_only=data["participants_only"],
        )
        messages.success(request, "資料を追加しました。")
        return redirect("training:programme_detail", programme_id=programme.pk)
    return render(request, "training/material_form.html", {"form": form, "programme": programme})


@login_required
@require_POST
def material_delete(request: HttpRequest, programme_id: int, material_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    access_programme_for_change(acting, programme_id)
    material = access_material(acting, programme_id, material_id)
    services.material_delete(actor=acting, material=material)
    messages.success(request, "資料を削除しました。")
    return redirect("training:programme_detail", programme_id=programme_id)
