"""API of 育成指標 frameworks: every framework with its stages, areas and items."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.accounts.selectors import acting_of
from manabi.core.api import ApiView
from manabi.indicators.models import Framework, Item
from manabi.indicators.selectors import frameworks_visible


class ItemSerializer(serializers.ModelSerializer[Item]):
    stage = serializers.CharField(source="stage.name")
    area = serializers.CharField(source="area.name")

    class Meta:
        model = Item
        fields = ["id", "code", "stage", "area", "description"]


class FrameworkSerializer(serializers.ModelSerializer[Framework]):
    board = serializers.CharField(source="board.name")
    board_code = serializers.CharField(source="board.code")
    stages: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    areas: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = ["id", "board", "board_code", "name", "fiscal_year", "stages", "areas", "items"]


class FrameworkListView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="育成指標の一覧",
        description="教育委員会ごと・年度ごとの育成指標(キャリアステージ・領域・項目)。",
        responses={200: FrameworkSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        frameworks = frameworks_visible(acting_of(request._request)).prefetch_related(
            "stages", "areas", "items__stage", "items__area"
        )
        data: Any = FrameworkSerializer(frameworks, many=True).data
        return Response(data)
