"""Staff pages: search, record, registration and assignments (教職員の管理)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from manabi.core import extensions
from manabi.core.acting import acting_of
from manabi.core.audit import audit_record
from manabi.core.formerrors import add_validation_errors, filter_values
from manabi.orgs.selectors import organisations_in_jurisdiction
from manabi.people import services
from manabi.people.forms import (
    AssignmentEndForm,
    AssignmentForm,
    RetireForm,
    StaffForm,
    StaffSearchForm,
)
from manabi.people.models import Assignment
from manabi.people.permissions import (
    access_staff,
    access_staff_for_change,
    can_list_staff,
    can_manage_staff,
)
from manabi.people.points import STAFF_ACCOUNT_LINK
from manabi.people.selectors import assignments_of, staff_search

PAGE_SIZE = 50


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_list_staff(acting):
        raise PermissionDenied
    form = StaffSearchForm(request.GET or None, organisations=organisations_in_jurisdiction(acting))
    filters = filter_values(form)
    org = filters.get("organisation")
    results = staff_search(
        acting,
        query=filters.get("q", ""),
        organisation_id=org.pk if org else None,
        job_title=filters.get("job_title", ""),
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/staff_list.html",
        {"form": form, "page": page, "can_manage": can_manage_staff(acting)},
    )


@login_required
def staff_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    acting = acting_of(request)
    staff = access_staff(acting, staff_id)
    audit_record(actor=acting, action="people.staff.view", target=staff, subject=staff)
    today = timezone.localdate()
    account = getattr(staff, "account", None)
    account_url = (
        extensions.first(STAFF_ACCOUNT_LINK, acting=acting, account=account) if account else None
    )
    return render(
        request,
        "people/staff_detail.html",
        {
            "staff": staff,
            "assignments": assignments_of(staff),
            "decision": staff.training_record_decision(today),
            "account": account,
            "can_manage": can_manage_staff(acting),
            "account_url": account_url,
            "today": today,
        },
    )


@login_required
def staff_create(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_manage_staff(acting):
        raise PermissionDenied
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.staff_create(actor=acting, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(
                request, f"{staff.name} さんを登録しました。続けて所属を登録してください。"
            )
            return redirect("people:assignment_add", staff_id=staff.pk)
    return render(request, "people/staff_form.html", {"form": form, "staff": None})


@login_required
def staff_edit(request: HttpRequest, staff_id: int) -> HttpResponse:
    acting = acting_of(request)
    staff = access_staff_for_change(acting, staff_id)
    form = StaffForm(request.POST or None, instance=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(actor=acting, staff=staff, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "変更を保存しました。")
            return redirect("people:staff_detail", staff_id=staff.pk)
    return render(request, "people/staff_form.html", {"form": form, "staff": staff})


@login_required
def assignment_add(request: HttpRequest, staff_id: int) -> HttpResponse:
    acting = acting_of(request)
    staff = access_staff_for_change(acting, staff_id)
    form = AssignmentForm(request.POST or None, organisations=organisations_in_jurisdiction(acting))
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_add(actor=acting, staff=staff, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "所属を登録しました。")
            return redirect("people:staff_detail", staff_id=staff.pk)
    return render(request, "people/assignment_form.html", {"form": form, "staff": staff})


@login_required
@require_POST
def assignment_end(request: HttpRequest, staff_id: int, assignment_id: int) -> HttpResponse:
    acting = acting_of(request)
    staff = access_staff_for_change(acting, staff_id)
    assignment = get_object_or_404(Assignment, pk=assignment_id, staff=staff)
    form = AssignmentEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "終了日を正しく入力してください。")
    else:
        try:
            services.assignment_end(
                actor=acting, assignment=assignment, end=form.cleaned_data["end"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{assignment.organisation} の所属を終了しました。")
    return redirect("people:staff_detail", staff_id=staff.pk)


@login_required
def staff_retire(request: HttpRequest, staff_id: int) -> HttpResponse:
    acting = acting_of(request)
    staff = access_staff_for_change(acting, staff_id)
    form = RetireForm(request.POST or None, initial={"retired_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.staff_retire(actor=acting, staff=staff, retired_on=form.cleaned_data["retired_on"])
        messages.success(request, f"{staff.name} さんの退職を登録しました。")
        return redirect("people:staff_detail", staff_id=staff.pk)
    return render(request, "people/staff_retire.html", {"form": form, "staff": staff})
