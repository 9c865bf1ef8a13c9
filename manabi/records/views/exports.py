"""Exporting history: straight to the browser when small (UTF-8 CSV, .xlsx), else as a file
made in the background, whose page shows the CP932 replacements and the download link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from manabi.accounts.selectors import Acting, acting_of
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.people.models import Staff
from manabi.records import exports
from manabi.records.choices import ExportEncoding, ExportFormat, ExportStatus
from manabi.records.forms import ExportForm
from manabi.records.models import HistoryExport
from manabi.records.permissions import access_export, access_history, can_list_history
from manabi.records.selectors import (
    HistoryFilters,
    filter_organisations,
    fiscal_years_choices,
    history_in_scope,
)


def export_file_name(filters: HistoryFilters, *, staff: Staff | None, fmt: str) -> str:
    if staff is not None:
        scope = f"{staff.staff_number}_{staff.display_name}"
    elif filters.organisation_id:
        org = Organisation.objects.filter(pk=filters.organisation_id).first()
        scope = org.name if org else "所属"
    else:
        scope = "一覧"
    year = f"_{filters.fiscal_year}年度" if filters.fiscal_year else ""
    return f"研修受講履歴_{scope}{year}_{timezone.localdate():%Y%m%d}.{fmt}"


def _check_scope(acting: Acting, filters: HistoryFilters) -> Staff | None:
    """One person's export: that person must be readable; several: a list role."""
    if filters.staff_id is not None:
        return access_history(acting, filters.staff_id)
    if not can_list_history(acting):
        raise PermissionDenied
    return None


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponseBase:
    acting = acting_of(request)
    form = ExportForm(
        request.POST, organisations=filter_organisations(acting), years=fiscal_years_choices()
    )
    if not form.is_valid():
        messages.error(request, "出力の条件が正しくありません。画面を読み込み直してください。")
        return redirect(request.META.get("HTTP_REFERER") or "records:my_history")
    filters = form.filters()
    staff = _check_scope(acting, filters)
    fmt = form.cleaned_data["format"]
    encoding = (
        form.cleaned_data["encoding"] or ExportEncoding.UTF8
        if fmt == ExportFormat.CSV
        else ExportEncoding.UTF8
    )
    file_name = export_file_name(filters, staff=staff, fmt=fmt)
    rows = history_in_scope(acting, filters).count()
    if encoding == ExportEncoding.UTF8 and rows <= exports.INLINE_ROWS:
        exports.audit_export(
            actor=acting, filters=filters, fmt=fmt, encoding=encoding, rows=rows, via="download"
        )
        if fmt == ExportFormat.XLSX:
            return exports.history_xlsx_response(acting, filters, filename=file_name)
        return exports.history_csv_response(acting, filters, filename=file_name)
    job = exports.history_export_create(
        actor=acting, filters=filters, fmt=fmt, encoding=encoding, file_name=file_name
    )
    return redirect("records:export_job", export_id=job.pk)


def _job_context(job: HistoryExport) -> dict[str, object]:
    report = job.report or {}
    return {
        "job": job,
        "replacements": report.get("messages", []),
        "replacement_total": report.get("total", 0),
        "percent": (100 * job.rows_done // job.rows_total) if job.rows_total else 0,
    }


@login_required
@require_GET
def export_job(request: HttpRequest, export_id: int) -> HttpResponse:
    job = access_export(acting_of(request), export_id)
    return render(request, "records/export_job.html", _job_context(job))


@login_required
@require_GET
def export_progress(request: HttpRequest, export_id: int) -> HttpResponse:
    """Polled by htmx while the file is being made; reloads the page when done."""
    job = access_export(acting_of(request), export_id)
    response = render(request, "records/_export_progress.html", _job_context(job))
    if not job.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def export_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    job = access_export(acting, export_id)
    if job.status == ExportStatus.EXPIRED:
        messages.info(
            request,
            f"保存期間({settings.EXPORT_KEEP_DAYS}日)を過ぎたため、ファイルは削除しました。"
            "もう一度出力してください。",
        )
        return redirect("records:export_job", export_id=job.pk)
    if not job.file:
        messages.info(request, "ファイルはまだできていません。")
        return redirect("records:export_job", export_id=job.pk)
    audit_record(
        actor=acting,
        action="records.history.export_download",
        target=job,
        details={"rows": job.rows_total, "file_name": job.file_name},
    )
    return exports.export_download(job)
