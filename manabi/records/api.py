"""API of training history: list (scoped), export, manual record create / confirm / return.

Scoping is the same as on the pages: one's own history, or the jurisdiction of a board or
school admin (``records.selectors``); a person outside it is 404. Every read of someone
else's history and every export is audited.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.accounts.selectors import Acting, acting_of
from manabi.core.api import (
    ApiView,
    FiscalYearField,
    IdField,
    error_response,
    error_responses,
    error_serializer,
)
from manabi.core.audit import audit_record
from manabi.core.csvio import CONTENT_TYPES, content_disposition
from manabi.people.models import Staff
from manabi.records import exports, services
from manabi.records.choices import (
    MANUAL_CATEGORIES,
    NOTE_MAX,
    ExportEncoding,
    ExportFormat,
    RecordCategory,
    TrainingFormat,
)
from manabi.records.models import HistoryRecord
from manabi.records.permissions import (
    access_history,
    access_record_for_review,
    can_list_history,
    has_own_history,
)
from manabi.records.selectors import HistoryFilters, history_in_scope, is_own
from manabi.records.services import HistoryError

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class HistoryRecordSerializer(serializers.ModelSerializer[HistoryRecord]):
    staff_number = serializers.CharField(source="staff.staff_number", read_only=True)
    staff_name = serializers.CharField(source="staff.display_name", read_only=True)
    indicator_items: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    confirmed_by = serializers.CharField(
        source="confirmed_by.display_name", read_only=True, allow_null=True, default=None
    )
    counts = serializers.BooleanField(read_only=True, help_text="合計に入るか(確認済み・修了)")

    class Meta:
        model = HistoryRecord
        fields = [
            "id",
            "staff",
            "staff_number",
            "staff_name",
            "fiscal_year",
            "category",
            "title",
            "organiser_name",
            "programme_number",
            "format",
            "start",
            "end",
            "hours",
            "completed",
            "status",
            "source",
            "indicator_items",
            "note",
            "confirmed_by",
            "confirmed_at",
            "counts",
        ]


class HistoryListSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    results = HistoryRecordSerializer(many=True)


class ManualRecordSerializer(serializers.Serializer[Any]):
    category = serializers.ChoiceField(choices=[c.value for c in MANUAL_CATEGORIES])
    title = serializers.CharField(max_length=200)
    organiser_name = serializers.CharField(max_length=200)
    format = serializers.ChoiceField(
        choices=TrainingFormat.values, default=TrainingFormat.IN_PERSON.value
    )
    start = serializers.DateField()
    end = serializers.DateField()
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal("0.1"), max_value=Decimal("999.9")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)
    indicator_item_ids = serializers.ListField(
        child=IdField(), required=False, default=list, max_length=100
    )


class ReturnSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000)


HistoryErrorSerializer = error_serializer("HistoryError", ("conflict",))


class HistoryFilterSerializer(serializers.Serializer[Any]):
    """The filters of the list and the export, checked before the database sees them."""

    staff = IdField(
        required=False, allow_null=True, default=None, help_text="教職員の ID(自分の履歴は省略可)"
    )
    fiscal_year = FiscalYearField(
        required=False, allow_null=True, default=None, help_text="年度(令和7年度 = 2025)"
    )
    category = serializers.ChoiceField(
        choices=RecordCategory.values, required=False, default="", help_text="区分"
    )
    organisation = IdField(required=False, allow_null=True, default=None, help_text="所属の組織 ID")


class HistoryListQuerySerializer(HistoryFilterSerializer):
    limit = serializers.IntegerField(
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"1〜{MAX_LIMIT}(既定 {DEFAULT_LIMIT})",
    )
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=10**9)


class HistoryExportQuerySerializer(HistoryFilterSerializer):
    format = serializers.ChoiceField(
        choices=ExportFormat.values, required=False, default=ExportFormat.CSV.value
    )
    encoding = serializers.ChoiceField(
        choices=ExportEncoding.values, required=False, default=ExportEncoding.UTF8.value
    )


def _query(request: Request, serializer: type[HistoryFilterSerializer]) -> dict[str, Any]:
    query = serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _filters(query: dict[str, Any], acting: Acting) -> tuple[HistoryFilters, Staff | None]:
    """Query parameters as filters. Without ``staff``, people who cannot list others get
    their own history."""
    staff = None
    if query["staff"] is not None:
        staff = access_history(acting, query["staff"])
    elif not can_list_history(acting):
        if not has_own_history(acting):
            raise serializers.ValidationError({"staff": ["staff を指定してください。"]})
        assert acting.account is not None
        staff = access_history(acting, acting.account.staff_id or 0)
    filters = HistoryFilters(
        fiscal_year=query["fiscal_year"],
        organisation_id=query["organisation"],
        category=query["category"],
        staff_id=staff.pk if staff else None,
    )
    return filters, staff


class HistoryView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="研修受講履歴の一覧",
        description=(
            "自分の履歴、又は管轄(教育委員会・学校管理職)の教職員の履歴。他人の履歴の参照は"
            "監査ログに記録されます。limit(既定100、最大1000)と offset で分けて取得します。"
        ),
        parameters=[HistoryListQuerySerializer],
        responses={200: HistoryListSerializer},
    )
    def get(self, request: Request) -> Response:
        acting = acting_of(request._request)
        query = _query(request, HistoryListQuerySerializer)
        filters, staff = _filters(query, acting)
        limit, offset = query["limit"], query["offset"]
        records = history_in_scope(acting, filters).select_related("staff", "confirmed_by")
        total = records.count()
        page = list(
            records.prefetch_related("indicator_items").order_by(
                "staff__staff_number", "-start", "pk"
            )[offset : offset + limit]
        )
        if not (staff is not None and is_own(acting, staff.pk)):
            audit_record(
                actor=acting,
                action="records.history.api_list",
                target=staff,
                subject=staff,
                details={"filters": filters.as_dict(), "count": len(page), "offset": offset},
            )
        return Response({"count": total, "results": HistoryRecordSerializer(page, many=True).data})

    @extend_schema(
        summary="校内研修・自主研修の記録(本人)",
        description="自分の校内研修・研究(other_ii)又は自主研修(other_iii)を記録し、学校管理職の確認待ちにします。",
        request=ManualRecordSerializer,
        responses={
            201: HistoryRecordSerializer,
            **error_responses(HistoryErrorSerializer, (400, 403)),
        },
    )
    def post(self, request: Request) -> Response:
        acting = acting_of(request._request)
        if not has_own_history(acting):
            return error_response(
                "permission_denied",
                "教職員として登録されたアカウントだけが記録できます。",
                status.HTTP_403_FORBIDDEN,
            )
        data = ManualRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assert acting.account is not None and acting.account.staff_id is not None
        staff = Staff.objects.get(pk=acting.account.staff_id)
        try:
            record = services.manual_record_submit(actor=acting, staff=staff, **data.validated_data)
        except HistoryError as exc:
            return error_response("permission_denied", str(exc), status.HTTP_403_FORBIDDEN)
        return Response(HistoryRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class HistoryConfirmView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="研修受講履歴の確認(学校管理職)",
        request=None,
        responses={
            200: HistoryRecordSerializer,
            **error_responses(HistoryErrorSerializer, (409,)),
        },
    )
    def post(self, request: Request, record_id: int) -> Response:
        acting = acting_of(request._request)
        record = access_record_for_review(acting, record_id)
        try:
            record = services.history_record_confirm(actor=acting, record=record)
        except HistoryError as exc:
            return error_response("conflict", str(exc), status.HTTP_409_CONFLICT)
        return Response(HistoryRecordSerializer(record).data)


class HistoryReturnView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="研修受講履歴の差し戻し(学校管理職)",
        request=ReturnSerializer,
        responses={200: HistoryRecordSerializer, **error_responses(HistoryErrorSerializer, (409,))},
    )
    def post(self, request: Request, record_id: int) -> Response:
        acting = acting_of(request._request)
        record = access_record_for_review(acting, record_id)
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record = services.history_record_return(
                actor=acting, record=record, reason=data.validated_data["reason"]
            )
        except HistoryError as exc:
            return error_response("conflict", str(exc), status.HTTP_409_CONFLICT)
        return Response(HistoryRecordSerializer(record).data)


class HistoryExportView(ApiView):
    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        """``format`` here is the file format (csv, xlsx), not DRF's renderer override;
        errors are answered in JSON."""
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    @extend_schema(
        summary="研修受講履歴の出力(CSV・Excel)",
        description=(
            "一覧と同じ範囲を1研修1行で出力します。CSV は UTF-8(BOM 付き)が既定で、"
            "encoding=cp932 では CP932 で表せない文字を「〓」に置き換え、その件数を "
            "X-Manabi-Replacements、最初の10件の説明を X-Manabi-Replacement-Messages "
            "(JSON)で返します。出力は監査ログに記録されます。"
        ),
        parameters=[HistoryExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        acting = acting_of(request._request)
        query = _query(request, HistoryExportQuerySerializer)
        filters, staff = _filters(query, acting)
        fmt, encoding = query["format"], query["encoding"]
        name = f"研修受講履歴_{staff.staff_number if staff else '一覧'}.{fmt}"
        rows = history_in_scope(acting, filters).count()
        exports.audit_export(
            actor=acting, filters=filters, fmt=fmt, encoding=encoding, rows=rows, via="api"
        )
        if fmt == ExportFormat.XLSX:
            return exports.history_xlsx_response(acting, filters, filename=name)
        if encoding == ExportEncoding.UTF8:
            return exports.history_csv_response(acting, filters, filename=name)
        spooled = exports.history_csv_spooled(acting, filters, encoding="cp932")
        response = FileResponse(spooled.file, content_type=CONTENT_TYPES["cp932"])
        response["Content-Disposition"] = content_disposition(name)
        response["Cache-Control"] = "no-store"
        response["X-Manabi-Replacements"] = str(spooled.report.total)
        response["X-Manabi-Replacement-Messages"] = json.dumps(spooled.report.messages()[:10])
        return response


class _AreaSerializer(serializers.Serializer[Any]):
    area = serializers.CharField()
    items = serializers.IntegerField(help_text="領域の項目数")
    covered = serializers.IntegerField(help_text="確認済みの研修がある項目数")
    percent = serializers.IntegerField(help_text="網羅率(%)")
    records = serializers.IntegerField(help_text="領域の項目に紐づく研修の件数")


class _ItemCoverageSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    stage = serializers.CharField()
    area = serializers.CharField()
    records = serializers.IntegerField()


class _UnlinkedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    start = serializers.DateField()


class CoverageSerializer(serializers.Serializer[Any]):
    staff = serializers.IntegerField()
    framework = serializers.DictField(allow_null=True)
    fiscal_year = serializers.IntegerField(allow_null=True, help_text="null: これまで全体")
    areas = _AreaSerializer(many=True)
    items = _ItemCoverageSerializer(many=True)
    unlinked = _UnlinkedSerializer(many=True, help_text="育成指標に紐づいていない確認済みの研修")


class CoverageQuerySerializer(serializers.Serializer[Any]):
    fiscal_year = FiscalYearField(
        required=False, allow_null=True, default=None, help_text="省略: これまで全体"
    )


class CoverageView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="育成指標の網羅状況(1人)",
        parameters=[CoverageQuerySerializer],
        responses={200: CoverageSerializer},
    )
    def get(self, request: Request, staff_id: int) -> Response:
        from manabi.records.coverage import staff_coverage

        acting = acting_of(request._request)
        staff = access_history(acting, staff_id)
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fiscal_year = query.validated_data["fiscal_year"]
        if not is_own(acting, staff.pk):
            audit_record(
                actor=acting,
                action="records.coverage.api_view",
                target=staff,
                subject=staff,
                details={"fiscal_year": fiscal_year},
            )
        view = staff_coverage(staff, fiscal_year=fiscal_year)
        coverage = view.coverage
        framework = view.framework
        return Response(
            {
                "staff": staff.pk,
                "framework": (
                    {
                        "id": framework.pk,
                        "name": framework.name,
                        "fiscal_year": framework.fiscal_year,
                    }
                    if framework
                    else None
                ),
                "fiscal_year": fiscal_year,
                "areas": [vars(a) for a in coverage.areas] if coverage else [],
                "items": [
                    {
                        "code": i.item.code,
                        "stage": i.item.stage,
                        "area": i.item.area,
                        "records": i.count,
                    }
                    for row in (coverage.rows if coverage else [])
                    for cell in row
                    for i in cell.items
                ],
                "unlinked": [
                    {"id": r.id, "title": r.title, "start": r.start}
                    for r in (coverage.unlinked if coverage else [])
                ],
            }
        )
