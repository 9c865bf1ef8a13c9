"""Pages of the imports app (一括登録): upload, job status, confirmation, commit, downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from manabi.accounts.selectors import Acting
from manabi.core.csvio import streaming_csv_response
from manabi.core.steps import step_view
from manabi.imports import selectors, services
from manabi.imports.forms import UploadForm
from manabi.imports.kinds import handler_for
from manabi.imports.models import ImportJob, ImportKind, ImportStatus
from manabi.imports.permissions import access_import_job, can_import_kind, require_importer
from manabi.imports.rows import ORGANISATION_COLUMNS, STAFF_COLUMNS, template_rows
from manabi.imports.services import ImportJobError, outcomes_of

COLUMNS = {
    ImportKind.STAFF.value: STAFF_COLUMNS,
    ImportKind.ORGANISATIONS.value: ORGANISATION_COLUMNS,
}
ERROR_HEADER = ["行", "列", "値", "内容"]


def _acting(request: HttpRequest) -> Acting:
    acting: Acting = request.acting  # type: ignore[attr-defined]
    return acting


def _job_context(job: ImportJob) -> dict[str, Any]:
    report = job.report or {}
    kinds = outcomes_of(job.kind)
    handler = handler_for(job.kind)
    counts = report.get("counts") or {}
    errors = report.get("errors") or []
    error_total = int(report.get("error_total") or 0)
    return {
        "job": job,
        "counts": [(kind.label, counts.get(kind.value, 0)) for kind in kinds] if counts else [],
        "errors": errors,
        "error_total": error_total,
        "errors_truncated": error_total > len(errors),
        "can_commit": job.status == ImportStatus.VALIDATED and error_total == 0,
        "can_rerun": services.can_rerun(job),
        "percent": (100 * job.rows_done // job.rows_total) if job.rows_total else 0,
        "notes": report.get("notes") or [],
        # Where the kind's files are uploaded, and what to say once registered.
        "upload_url": reverse(handler.upload_url) if handler else reverse("imports:upload"),
        "upload_title": f"{handler.label}の取込み" if handler else "一括登録",
        "committed_note": handler.committed_note
        if handler
        else "新しく採用した人のアカウントには、まだパスワードがありません。"
        "初期パスワードは別に発行してください。",
    }


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    acting = _acting(request)
    require_importer(acting)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=acting,
                kind=ImportKind(form.cleaned_data["kind"]),
                file_name=form.cleaned_data["file"].name or "",
                content=form.file_bytes(),
            )
        except ImportJobError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, f"「{job.file_name}」を受け付けました。")
            return redirect("imports:job", job_id=job.pk)
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "jobs": selectors.import_jobs_recent(acting),
            "staff_columns": STAFF_COLUMNS,
            "organisation_columns": ORGANISATION_COLUMNS,
        },
    )


@login_required
@require_GET
def template(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    """ひな形: the header row and one example row, as a UTF-8 (BOM) CSV."""
    handler = handler_for(kind)
    if handler is None:
        require_importer(_acting(request))
    elif not can_import_kind(_acting(request), kind):
        raise Http404
    columns = handler.columns if handler else COLUMNS.get(kind)
    if columns is None:
        raise Http404
    header, example = template_rows(columns)
    label = ImportKind(kind).label
    return streaming_csv_response(
        [example], filename=f"import_{kind}_一括登録_{label}_ひな形.csv", header=header
    )


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = services.import_job_reap_if_stale(access_import_job(_acting(request), job_id))
    return render(request, "imports/job.html", _job_context(job))


@login_required
@require_GET
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment, polled by htmx every second while the job runs; once it has
    finished, htmx is told to reload the page (HX-Refresh) to show the result."""
    job = services.import_job_reap_if_stale(access_import_job(_acting(request), job_id))
    response = render(request, "imports/_progress.html", _job_context(job))
    if not job.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def job_errors(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    job = access_import_job(_acting(request), job_id)
    return streaming_csv_response(
        selectors.import_job_errors(job),
        filename=f"import_{job.pk}_errors_一括登録エラー.csv",
        header=ERROR_HEADER,
    )


@login_required
@require_GET
def job_confirm(request: HttpRequest, job_id: int) -> HttpResponse:
    """The confirmation step before registering (no JavaScript needed)."""
    job = access_import_job(_acting(request), job_id)
    context = _job_context(job)
    if not context["can_commit"]:
        messages.info(request, "この一括登録は登録できる状態ではありません。")
        return redirect("imports:job", job_id=job.pk)
    return render(request, "imports/confirm.html", context)


def _to_job(job: ImportJob) -> HttpResponseBase:
    return redirect("imports:job", job_id=job.pk)


job_commit = step_view(
    access=access_import_job,
    run=lambda acting, job, data: services.import_job_commit_request(actor=acting, job=job),
    done="登録を始めました。終わるまでこの画面でお待ちください。",
    back=_to_job,
    errors=(ImportJobError,),
)

# 「もう一度確認する」: a job whose worker died (or that failed for another reason outside
# the file) is checked again from its file.
job_rerun = step_view(
    access=access_import_job,
    run=lambda acting, job, data: services.import_job_rerun(actor=acting, job=job),
    done="もう一度確認しています。",
    back=_to_job,
    errors=(ImportJobError,),
)
