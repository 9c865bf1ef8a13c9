"""API of the roster import (/api/v1/roster/imports/): upload a file (the dry run starts in
the background), poll the job for its progress and per-row report, then register it.

The same job as the pages (manabi.imports); the same people: the school's record managers
whose 別表1 Excel入力 scope of 児童生徒名簿 is the whole school."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.access.selectors import acting_school_id
from manabi.accounts.selectors import Acting
from manabi.classes.selectors import current_fiscal_year
from manabi.core.api import (
    ApiView,
    FiscalYearField,
    IdField,
    error_response,
    error_responses,
    error_serializer,
)
from manabi.imports.models import ImportJob, ImportKind, ImportStatus
from manabi.imports.permissions import access_import_job
from manabi.imports.rows import MAX_FILE_BYTES
from manabi.imports.selectors import import_jobs_for
from manabi.imports.services import (
    ImportJobError,
    import_job_commit_request,
    import_job_create,
    import_job_reap_if_stale,
    import_job_rerun,
)
from manabi.students import roster_import
from manabi.students.oneroster import export_response
from manabi.students.permissions import oneroster_schools

ERROR = error_serializer("RosterImportError", ("import_refused", "unsupported_media_type"))
READ_ERRORS = error_responses(ERROR, (401, 403, 404))
WRITE_ERRORS = error_responses(ERROR, (400, 401, 403, 404, 405, 409))
ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx")


class RowErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(help_text="行番号 (0 はファイル全体)")
    column = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ImportJobSerializer(serializers.Serializer[ImportJob]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    file_name = serializers.CharField()
    file_sha256 = serializers.CharField()
    status = serializers.ChoiceField(choices=ImportStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    rows_total = serializers.IntegerField()
    rows_done = serializers.IntegerField()
    message = serializers.CharField()
    counts = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    row_errors = serializers.SerializerMethodField()
    error_total = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    committed_at = serializers.DateTimeField(allow_null=True)

    def get_counts(self, job: ImportJob) -> dict[str, int]:
        counts: dict[str, int] = (job.report or {}).get("counts") or {}
        return counts

    def get_notes(self, job: ImportJob) -> list[str]:
        notes: list[str] = (job.report or {}).get("notes") or []
        return notes

    @extend_schema_field(RowErrorSerializer(many=True))
    def get_row_errors(self, job: ImportJob) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = (job.report or {}).get("errors") or []
        return errors

    def get_error_total(self, job: ImportJob) -> int:
        return int((job.report or {}).get("error_total") or 0)


class UploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="CSV (UTF-8, UTF-8 BOM, Shift_JIS/CP932) 又は Excel (.xlsx)、20MB まで"
    )

    def validate_file(self, upload: Any) -> Any:
        name = (upload.name or "").lower()
        if not name.endswith(ALLOWED_SUFFIXES):
            raise serializers.ValidationError("CSV(.csv)か Excel(.xlsx)のファイルにしてください。")
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise serializers.ValidationError("ファイルが大きすぎます(20MB まで)。")
        return upload


def _importer(acting: Acting) -> int:
    school_id = acting_school_id(acting)
    if school_id is None:
        raise Http404
    if not roster_import.may_import(acting):
        raise PermissionDenied
    return school_id


def _roster_job(acting: Acting, job_id: int) -> ImportJob:
    job = access_import_job(acting, job_id)
    if job.kind != ImportKind.ROSTER:
        raise Http404
    return job


class RosterImportListView(ApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="名簿の取込み (最近の20件)",
        responses={200: ImportJobSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        school_id = _importer(self.acting(request))
        jobs = import_jobs_for(ImportKind.ROSTER, school_id)
        return Response(ImportJobSerializer(jobs, many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        summary="名簿ファイルの取込み (確認を始める)",
        description="ファイルを受け付け、確認 (ドライラン) をバックグラウンドで始めます。"
        "まだ何も登録しません。状態は GET /api/v1/roster/imports/{id}/ で確かめます。",
        request={"multipart/form-data": UploadSerializer},
        responses={202: ImportJobSerializer, **WRITE_ERRORS, **error_responses(ERROR, (415,))},
    )
    def post(self, request: Request) -> Response:
        acting = self.acting(request)
        _importer(acting)
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        try:
            job = import_job_create(
                actor=acting,
                kind=ImportKind.ROSTER,
                file_name=upload.name or "",
                content=b"".join(upload.chunks()),
            )
        except ImportJobError as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from None
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class RosterImportDetailView(ApiView):
    @extend_schema(
        summary="名簿の取込みの状態と確認結果",
        description="rows_done / rows_total が進み具合です。row_errors は行ごとのエラー "
        "(最初の1,000件)、counts は新規・変更・変更なしの件数です。処理が止まったまま "
        "(応答なし) の取込みは、ここで failed になり、rerun でやり直せます。",
        responses={200: ImportJobSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = import_job_reap_if_stale(_roster_job(self.acting(request), job_id))
        return Response(ImportJobSerializer(job).data)


def _step(acting: Acting, job_id: int, step: Callable[..., ImportJob]) -> Response:
    """Register, or check again: 202 with the job, 409 when its state does not allow it."""
    job = _roster_job(acting, job_id)
    try:
        job = step(actor=acting, job=job)
    except ImportJobError as exc:
        return error_response("import_refused", str(exc), status.HTTP_409_CONFLICT)
    return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class RosterImportCommitView(ApiView):
    @extend_schema(
        summary="確認済みの名簿を登録する",
        description="エラーのない確認済みの取込みだけを登録します (全件まとめて、又は何も)。"
        "登録できる状態でなければ 409 です。",
        request=None,
        responses={202: ImportJobSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, job_id: int) -> Response:
        return _step(self.acting(request), job_id, import_job_commit_request)


class RosterImportRerunView(ApiView):
    @extend_schema(
        summary="止まった取込みを確認からやり直す",
        description="処理が途中で止まった (又はファイル以外の理由で失敗した) 取込みを、同じ"
        "ファイルの確認からやり直します。行にエラーのある取込みは 409 です (直したファイルを"
        "取り込み直します)。",
        request=None,
        responses={202: ImportJobSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, job_id: int) -> Response:
        return _step(self.acting(request), job_id, import_job_rerun)


class OneRosterQuerySerializer(serializers.Serializer[Any]):
    school = IdField(required=False, help_text="学校の id")
    fiscal_year = FiscalYearField(
        required=False, min_value=2000, max_value=2100, help_text="年度 (既定は今年度)"
    )


class OneRosterExportView(ApiView):
    @extend_schema(
        summary="OneRoster Japan Profile v1.2 (学習eポータル用) の出力",
        description="manifest.csv と academicSessions・orgs・courses・classes・users・roles・"
        "enrollments・demographics の CSV を zip で返します (bulk)。学校の生徒情報管理者は"
        "自校、システム管理者は全校 (school で1校)。出力は監査ログに記録されます。",
        parameters=[OneRosterQuerySerializer],
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            **error_responses(ERROR, (400, 401, 403, 404)),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        acting = self.acting(request)
        query = OneRosterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        d = query.validated_data
        schools = oneroster_schools(acting, school_id=d.get("school"))
        return export_response(
            actor=acting,
            schools=schools,
            fiscal_year=d.get("fiscal_year") or current_fiscal_year(),
            via="api",
        )
