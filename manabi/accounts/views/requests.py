"""New-registration requests (新規登録申請): a school files, a system administrator decides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from manabi.accounts import services
from manabi.accounts.forms import DecisionForm, RegistrationRequestForm
from manabi.accounts.models import RegistrationRequest
from manabi.accounts.permissions import (
    access_registration_request,
    can_decide_registration_request,
    can_file_registration_request,
)
from manabi.accounts.roles import Role
from manabi.accounts.selectors import acting_of
from manabi.accounts.services import AccountError
from manabi.orgs.selectors import organisations_in_jurisdiction


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_file_registration_request(acting):
        raise PermissionDenied
    requests = RegistrationRequest.objects.select_related("organisation", "requested_by")
    if acting.role != Role.SYSTEM_ADMIN:
        requests = requests.filter(organisation__in=organisations_in_jurisdiction(acting))
    return render(
        request,
        "accounts/request_list.html",
        {"requests": requests.order_by("status", "-created_at")[:200]},
    )


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_file_registration_request(acting):
        raise PermissionDenied
    form = RegistrationRequestForm(
        request.POST or None, organisations=organisations_in_jurisdiction(acting)
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        organisation = fields.pop("organisation")
        try:
            filed = services.registration_request_file(
                actor=acting, organisation=organisation, **fields
            )
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "新規登録を申請しました。システム管理者の承認をお待ちください。"
            )
            return redirect("accounts:request_detail", request_id=filed.pk)
    return render(request, "accounts/request_form.html", {"form": form})


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    acting = acting_of(request)
    filed = access_registration_request(acting, request_id)
    return render(
        request,
        "accounts/request_detail.html",
        {
            "filed": filed,
            "can_decide": can_decide_registration_request(acting),
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def request_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    acting = acting_of(request)
    filed = access_registration_request(acting, request_id)
    if not can_decide_registration_request(acting):
        raise PermissionDenied
    try:
        account = services.registration_request_approve(actor=acting, request=filed)
    except AccountError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:request_detail", request_id=filed.pk)
    messages.success(
        request,
        f"承認し、アカウント {account.login_id} を作成しました。初期パスワードを発行して通知書を印刷してください。",
    )
    return redirect("accounts:account_detail", account_id=account.pk)


@login_required
@require_POST
def request_reject(request: HttpRequest, request_id: int) -> HttpResponse:
    acting = acting_of(request)
    filed = access_registration_request(acting, request_id)
    if not can_decide_registration_request(acting):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    try:
        services.registration_request_reject(
            actor=acting, request=filed, note=form.data.get("note", "")
        )
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "申請を却下しました。")
    return redirect("accounts:request_detail", request_id=filed.pk)
