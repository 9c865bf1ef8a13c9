"""Pages of 育成指標 frameworks: list, define (new fiscal-year versions), items, CSV import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from manabi.accounts.selectors import acting_of
from manabi.core import wareki
from manabi.core.csvio import RowError
from manabi.indicators import services
from manabi.indicators.forms import FrameworkForm, FrameworkImportForm, ItemForm
from manabi.indicators.models import Framework
from manabi.indicators.permissions import (
    access_framework,
    access_framework_for_change,
    can_change_framework,
    can_define_frameworks,
)
from manabi.indicators.rows import COLUMNS
from manabi.indicators.selectors import (
    READER_ROLES,
    boards_for_frameworks,
    frameworks_visible,
    frameworks_with_counts,
    structure_of,
)
from manabi.indicators.services import FrameworkError


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if acting.role not in READER_ROLES:
        raise PermissionDenied
    frameworks = list(frameworks_with_counts(acting))
    return render(
        request,
        "indicators/framework_list.html",
        {"frameworks": frameworks, "can_define": can_define_frameworks(acting)},
    )


@login_required
def framework_create(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_define_frameworks(acting):
        raise PermissionDenied
    boards = boards_for_frameworks(acting)
    form = FrameworkForm(
        request.POST or None,
        boards=boards,
        frameworks=frameworks_visible(acting).filter(board__in=boards),
        this_year=wareki.fiscal_year(timezone.localdate()),
        initial={"board": boards.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.framework_create(actor=acting, **form.cleaned_data)
        except FrameworkError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{framework} を作成しました。")
            return redirect("indicators:framework_detail", framework_id=framework.pk)
    return render(request, "indicators/framework_form.html", {"form": form})


@login_required
def framework_detail(request: HttpRequest, framework_id: int) -> HttpResponse:
    acting = acting_of(request)
    framework = access_framework(acting, framework_id)
    structure = structure_of(framework)
    grid = [
        [
            [item for item in structure.items if item.area == area and item.stage == stage]
            for stage in structure.stages
        ]
        for area in structure.areas
    ]
    return render(
        request,
        "indicators/framework_detail.html",
        {
            "framework": framework,
            "structure": structure,
            "rows": list(zip(structure.areas, grid, strict=True)),
            "can_change": can_change_framework(acting, framework),
        },
    )


@login_required
def item_add(request: HttpRequest, framework_id: int) -> HttpResponse:
    acting = acting_of(request)
    framework = access_framework_for_change(acting, framework_id)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_save(actor=acting, framework=framework, **form.cleaned_data)
        except FrameworkError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"項目「{item.code}」を保存しました。")
            return redirect("indicators:framework_detail", framework_id=framework.pk)
    return render(request, "indicators/item_form.html", {"form": form, "framework": framework})


@login_required
def framework_import(request: HttpRequest, framework_id: int) -> HttpResponse:
    acting = acting_of(request)
    framework: Framework = access_framework_for_change(acting, framework_id)
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    errors: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        written, errors = services.framework_import(
            actor=acting, framework=framework, file_name=upload.name or "", data=upload.read()
        )
        if not errors:
            messages.success(request, f"{written} 件の項目を登録しました。")
            return redirect("indicators:framework_detail", framework_id=framework.pk)
    return render(
        request,
        "indicators/framework_import.html",
        {"form": form, "framework": framework, "errors": errors, "columns": COLUMNS},
    )
