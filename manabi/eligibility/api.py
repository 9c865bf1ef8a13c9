"""API of the eligibility app: compute who is a target of each basic training.

The serializers below only document the JSON of docs/eligibility.md in the OpenAPI schema;
the input is checked by ``interface.parse_request`` so that every error names the person
and the field in the same way as on the command line.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.core.api import ApiView, many
from manabi.eligibility.engine import Job, LeaveKind, Outcome, SchoolType, ServiceKind
from manabi.eligibility.interface import (
    FIRST_FISCAL_YEAR,
    LAST_FISCAL_YEAR,
    MAX_COMPLETED,
    MAX_PERIODS,
    MAX_STAFF,
    MAX_STAFF_CODE,
    ErrorCode,
    InvalidInput,
    compute_json,
    document_error,
    rules_error,
)
from manabi.eligibility.presets import DEFAULT_PRESET, PresetError, load_preset, preset_names


class _ServicePeriodSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[kind.value for kind in ServiceKind])
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True, help_text="続いている期間は null")


class _LeavePeriodSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[kind.value for kind in LeaveKind])
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True, help_text="続いている期間は null")


class _StaffSerializer(serializers.Serializer[Any]):
    staff_code = serializers.CharField(max_length=MAX_STAFF_CODE)
    birth_date = serializers.DateField()
    job = serializers.ChoiceField(choices=[job.value for job in Job])
    school_type = serializers.ChoiceField(choices=[school.value for school in SchoolType])
    service = many(_ServicePeriodSerializer, max_items=MAX_PERIODS)
    leaves = many(_LeavePeriodSerializer, max_items=MAX_PERIODS)
    completed = serializers.ListField(
        child=serializers.CharField(max_length=MAX_STAFF_CODE),
        max_length=MAX_COMPLETED,
        help_text="修了済みの研修 (second_year など)",
    )


class ComputeRequestSerializer(serializers.Serializer[Any]):
    fiscal_year = serializers.IntegerField(
        min_value=FIRST_FISCAL_YEAR,
        max_value=LAST_FISCAL_YEAR,
        help_text="研修の年度 (令和7年度 = 2025)",
    )
    staff = many(_StaffSerializer, max_items=MAX_STAFF)


class _TrainingResultSerializer(serializers.Serializer[Any]):
    eligible = serializers.BooleanField()
    A = serializers.IntegerField(help_text="在職合計年数")
    B = serializers.IntegerField(help_text="育児休業以外の除算年数")
    C = serializers.IntegerField(help_text="育児休業年数")
    reason = serializers.CharField(help_text="判定の理由 (日本語)")
    outcome = serializers.ChoiceField(choices=[outcome.value for outcome in Outcome])


class _StaffResultSerializer(serializers.Serializer[Any]):
    staff_code = serializers.CharField()
    age = serializers.IntegerField(help_text="基準日の終わりの年齢")
    trainings = serializers.DictField(child=_TrainingResultSerializer())


class ComputeResponseSerializer(serializers.Serializer[Any]):
    fiscal_year = serializers.IntegerField()
    reference_date = serializers.DateField(help_text="基準日 (その年の3月31日)")
    rules = serializers.CharField()
    results = _StaffResultSerializer(many=True)


class _InputErrorSerializer(serializers.Serializer[Any]):
    staff_code = serializers.CharField(allow_null=True)
    index = serializers.IntegerField(allow_null=True, help_text="staff の何番目か (0から)")
    field = serializers.CharField(help_text="誤りのあるキー (service[0].end など)")
    code = serializers.ChoiceField(choices=[code.value for code in ErrorCode])
    message = serializers.CharField()


ComputeErrorsSerializer = inline_serializer(
    "EligibilityComputeErrors", {"errors": _InputErrorSerializer(many=True)}
)


@extend_schema(
    summary="基本研修受講該当者の判定",
    description=(
        "職員の在職期間・休職等・修了済みの研修から、年度ごとに教職2年次研修・教職6年次研修・"
        "中堅教諭等資質向上研修の受講該当者を判定します (docs/eligibility.md)。"
        "入力に一つでも誤りがあれば何も判定せず、全ての誤りを 400 で返します。"
    ),
    parameters=[
        OpenApiParameter(
            "rules",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            enum=preset_names(),
            description=f"評価ルールの名前 (既定 {DEFAULT_PRESET})",
        )
    ],
    request=ComputeRequestSerializer,
    responses={200: ComputeResponseSerializer, 400: ComputeErrorsSerializer},
)
class ComputeView(ApiView):
    """POST the input JSON, get the output JSON; computes only, stores nothing."""

    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        try:
            rules = load_preset(request.query_params.get("rules", DEFAULT_PRESET))
            output = compute_json(_json_body(request), rules=rules)
        except PresetError as exc:
            return _errors(rules_error(exc))
        except InvalidInput as exc:
            return _errors(exc)
        return Response(output)


def _json_body(request: Request) -> Any:
    if request.content_type.split(";")[0].strip().lower() != "application/json":
        message = "Content-Type: application/json で JSON を送ってください。"
        raise InvalidInput([document_error("", ErrorCode.INVALID_JSON, message)])
    try:
        return request.data
    except ParseError as exc:
        message = f"JSON として読めません ({exc.detail})。"
        raise InvalidInput([document_error("", ErrorCode.INVALID_JSON, message)]) from None


def _errors(exc: InvalidInput) -> Response:
    return Response(exc.as_json(), status=status.HTTP_400_BAD_REQUEST)
