"""API of the permission model: ``GET /api/v1/permissions/check/`` answers whether the caller
may do an action of a 別表1 function on a class, and why (at most two queries for the
decision)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.access.decisions import can
from manabi.access.functions import Action, functions
from manabi.access.selectors import acting_school_id, target_of_class, target_of_lesson
from manabi.classes.models import LessonClass, SchoolClass
from manabi.core.api import ApiView, IdField, error_responses, error_serializer

ERROR = error_serializer("PermissionCheckError")


class CheckQuerySerializer(serializers.Serializer[Any]):
    function = serializers.ChoiceField(choices=[], help_text="機能のキー (例: roster.students)")
    action = serializers.ChoiceField(choices=Action.choices)
    lesson = IdField(required=False, help_text="授業クラスの id")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["function"].choices = list(functions())  # type: ignore[attr-defined]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("class" in attrs) == ("lesson" in attrs):
            raise serializers.ValidationError(
                {
                    "class": [
                        "class (学級の id) か lesson (授業クラスの id) のどちらか一つを指定してください。"
                    ]
                }
            )
        return attrs


CheckQuerySerializer._declared_fields["class"] = IdField(required=False, help_text="学級の id")


class DecisionSerializer(serializers.Serializer[Any]):
    allowed = serializers.BooleanField()
    function = serializers.CharField()
    action = serializers.CharField()
    role_group = serializers.CharField(allow_null=True)
    scope = serializers.CharField()
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="default (別表1の初期設定) / school (学校の設定)"
    )
    explanation = serializers.CharField(help_text="判断の理由 (日本語)")


class PermissionCheckView(ApiView):
    @extend_schema(
        summary="権限の判定 (別表1)",
        description="ログイン中の利用者(操作中の役割)が、学級又は授業クラスに対して機能の操作を"
        "できるかを返します。理由も日本語で返します。",
        parameters=[CheckQuerySerializer],
        responses={200: DecisionSerializer, **error_responses(ERROR, (400, 401, 404))},
    )
    def get(self, request: Request) -> Response:
        acting = self.acting(request)
        query = CheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        d = query.validated_data
        school_id = acting_school_id(acting)
        # Only the classes of the school one acts for can be asked about (others: 404).
        if "class" in d:
            school_class = SchoolClass.objects.filter(pk=d["class"], school_id=school_id).first()
            target = target_of_class(school_class) if school_class else None
        else:
            lesson = LessonClass.objects.filter(pk=d["lesson"], school_id=school_id).first()
            target = target_of_lesson(lesson) if lesson else None
        if target is None:
            raise Http404
        decision = can(acting, d["action"], d["function"], target)
        st = decision.standing
        return Response(
            {
                "allowed": decision.allowed,
                "function": st.function.key,
                "action": st.action.value,
                "role_group": st.role_group.value if st.role_group else None,
                "scope": st.scope.value if hasattr(st.scope, "value") else str(st.scope),
                "source": st.source or "none",
                "explanation": decision.explanation,
            }
        )
