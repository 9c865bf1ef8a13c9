"""Legacy history import pages (移行データの取り込み): upload, dry run with htmx progress,
errors, and registering (the same steps as 一括登録)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.accounts.selectors import acting_of
from manabi.core.csvio import streaming_csv_response
from manabi.imports.models import ImportStatus
from manabi.records import legacy
from manabi.records.forms import LegacyUploadForm
from manabi.records.legacy import OUTCOME_LABELS, HistoryImportError
from manabi.records.legacy_rows import COLUMNS, template_rows
from manabi.records.models import HistoryImport
from manabi.records.permissions import access_history_import, can_import_history
from manabi.records.selectors import history_imports_visible

ERROR_HEADER = ["行", "列", "値", "内容"]


def _context(job: HistoryImport) -> dict[str, Any]:
    report = job.report or {}
    counts = report.get("counts") or {}
    errors = report.get("errors") or []
    error_total = int(report.get("error_total") or 0)
    return {
        "job": job,
        "counts": [(label, counts.get(key, 0)) for key, label in OUTCOME_LABELS.items()]
        if counts
        else [],
        "errors": errors,
        "error_total": error_total,
        "errors_truncated": error_total > len(errors),
        "can_commit": job.status == ImportStatus.VALIDATED and error_total == 0,
        "percent": (100 * job.rows_done // job.rows_total) if job.rows_total else 0,
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_import_history(acting):
        raise PermissionDenied
    form = LegacyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = legacy.history_import_create(
                actor=acting,
                file_name=form.cleaned_data["file"].name or "",
                content=form.file_bytes(),
            )
        except HistoryImportError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, f"「{job.file_name}」を受け付けました。")
            return redirect("records:import_job", job_id=job.pk)
    return render(
        request,
        "records/import_upload.html",
        {
            "form": form,
            "jobs": list(history_imports_visible(acting)[:20]),
            "columns": COLUMNS,
        },
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> StreamingHttpResponse:
    if not can_import_history(acting_of(request)):
        raise PermissionDenied
    header, example = template_rows()
    return streaming_csv_response(
        [example], filename="研修受講履歴_移行データ_ひな形.csv", header=header
    )


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_history_import(acting_of(request), job_id)
    return render(request, "records/import_job.html", _context(job))


@login_required
@require_GET
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_history_import(acting_of(request), job_id)
    response = render(request, "records/_import_progress.html", _context(job))
    if not job.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def import_errors(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    job = access_history_import(acting_of(request), job_id)
    return streaming_csv_response(
        legacy.history_import_errors(job),
        filename=f"移行データ_{job.pk}_エラー.csv",
        header=ERROR_HEADER,
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    acting = acting_of(request)
    job = access_history_import(acting, job_id)
    try:
        legacy.history_import_commit_request(actor=acting, job=job)
    except HistoryImportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "登録を始めました。終わるまでこの画面でお待ちください。")
    return redirect("records:import_job", job_id=job.pk)
