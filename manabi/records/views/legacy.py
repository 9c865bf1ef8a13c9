"""Legacy history import page (移行データの取り込み): the upload step of the shared import job.
The job's own pages — 確認の結果, progress, errors, 登録 — are the imports app's
(:mod:`manabi.imports.views`), as for the April import and the roster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from manabi.accounts.selectors import acting_of
from manabi.core.csvio import streaming_csv_response
from manabi.imports.forms import FileForm
from manabi.imports.models import ImportKind
from manabi.imports.services import ImportJobError, import_job_create
from manabi.records.legacy_rows import COLUMNS, template_rows
from manabi.records.permissions import can_import_history
from manabi.records.selectors import history_imports_visible


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_import_history(acting):
        raise PermissionDenied
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=acting,
                kind=ImportKind.LEGACY_HISTORY,
                file_name=form.cleaned_data["file"].name or "",
                content=form.file_bytes(),
            )
        except ImportJobError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request, f"「{job.file_name}」を受け付けました。内容を確認しています。"
            )
            return redirect("imports:job", job_id=job.pk)
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
