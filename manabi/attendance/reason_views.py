"""A board's own list of 欠席の理由 (「発熱」「家事都合」…), each counted as one of the shipped
reasons. The schools below the board offer it in the 出席簿 instead of the shipped list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from manabi.accounts.selectors import acting_of
from manabi.attendance import selectors, services
from manabi.attendance.choices import AbsenceReason
from manabi.attendance.forms import ReasonOptionForm
from manabi.attendance.models import AbsenceReasonOption
from manabi.attendance.permissions import require_reason_editor
from manabi.core.formerrors import add_validation_errors


@login_required
@require_http_methods(["GET", "POST"])
def reasons(request: HttpRequest) -> HttpResponse:
    """The board's list, and a form to add to it."""
    acting = acting_of(request)
    board = require_reason_editor(acting)
    form = ReasonOptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reason_option_add(
                actor=acting,
                board=board,
                label=form.cleaned_data["label"],
                reason=AbsenceReason(form.cleaned_data["reason"]),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, f"「{form.cleaned_data['label'].strip()}」を追加しました。")
            return redirect("attendance:reasons")
    return render(
        request,
        "attendance/reasons.html",
        {
            "board": board,
            "form": form,
            "options": AbsenceReasonOption.objects.filter(board=board),
            "shipped": selectors.SHIPPED_REASONS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def reason_toggle(request: HttpRequest, option_id: int) -> HttpResponse:
    acting = acting_of(request)
    board = require_reason_editor(acting)
    option = AbsenceReasonOption.objects.filter(pk=option_id, board=board).first()
    if option is None:
        raise Http404
    services.reason_option_toggle(actor=acting, option=option)
    messages.success(
        request,
        f"「{option.label}」を{'使うようにしました' if option.active else '使わないようにしました'}。",
    )
    return redirect("attendance:reasons")
