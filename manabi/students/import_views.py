"""The roster import page (児童生徒名簿の取込み): the upload step of the shared import job
(the job's own pages — 確認の結果, progress, errors, 登録 — are the imports app's); and the
OneRoster export, the roster's way out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from manabi.access.selectors import acting_school_id
from manabi.accounts.selectors import acting_of
from manabi.classes.selectors import current_fiscal_year
from manabi.imports.forms import FileForm
from manabi.imports.models import ImportKind
from manabi.imports.selectors import import_jobs_for
from manabi.imports.services import ImportJobError, import_job_create
from manabi.students import roster_import
from manabi.students.oneroster import export_response
from manabi.students.permissions import oneroster_schools


@login_required
@require_http_methods(["GET", "POST"])
def roster_import_upload(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    school_id = acting_school_id(acting)
    if school_id is None:
        raise Http404
    if not roster_import.may_import(acting):
        raise PermissionDenied
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=acting,
                kind=ImportKind.ROSTER,
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
        "students/roster_import.html",
        {
            "form": form,
            "columns": roster_import.COLUMNS,
            "jobs": import_jobs_for(ImportKind.ROSTER, school_id),
            "fiscal_year": current_fiscal_year(),
        },
    )


@login_required
@require_GET
def oneroster_export(request: HttpRequest) -> HttpResponseBase:
    """OneRoster Japan Profile (学習eポータル用) zip of the school, or of every school for a
    system administrator."""
    acting = acting_of(request)
    schools = oneroster_schools(acting)
    return export_response(
        actor=acting, schools=schools, fiscal_year=current_fiscal_year(), via="page"
    )
