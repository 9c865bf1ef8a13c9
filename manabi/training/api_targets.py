"""API of 対象外の受講の許可 (/api/v1/trainings/{id}/target-exceptions/): the organiser lists
and grants permissions for people outside a programme's target 経験年数, and withdraws them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.training import selectors
from manabi.training.api import ERRORS, TrainingAPIView
from manabi.training.models import TargetException
from manabi.training.permissions import access_programme_for_change, access_target_exception
from manabi.training.services import targets


class TargetExceptionSerializer(serializers.Serializer[TargetException]):
    id = serializers.IntegerField()
    staff = serializers.IntegerField(source="staff_id")
    staff_number = serializers.CharField(source="staff.staff_number")
    staff_name = serializers.CharField(source="staff.display_name")
    reason = serializers.CharField()
    granted_at = serializers.DateTimeField(source="created_at")


class GrantSerializer(serializers.Serializer[Any]):
    staff_number = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=2000)


class TargetExceptionListView(TrainingAPIView):
    @extend_schema(
        summary="対象外の受講の許可 (一覧)",
        responses={200: TargetExceptionSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, programme_id: int) -> Response:
        programme = access_programme_for_change(self.acting(request), programme_id)
        exceptions = selectors.target_exceptions_of(programme)
        return Response(TargetExceptionSerializer(exceptions, many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        summary="対象外の受講を許可する",
        description="経験年数が研修の対象外の教職員 (研修の対象の所属にいる人) が申し込めるように"
        "します。理由は必須です。すでに許可されていれば 409 (duplicate_application)。",
        request=GrantSerializer,
        responses={201: TargetExceptionSerializer, **ERRORS},
    )
    def post(self, request: Request, programme_id: int) -> Response:
        acting = self.acting(request)
        programme = access_programme_for_change(acting, programme_id)
        body = GrantSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        granted = targets.target_exception_grant(
            actor=acting, programme=programme, **body.validated_data
        )
        return Response(TargetExceptionSerializer(granted).data, status=status.HTTP_201_CREATED)


class TargetExceptionDetailView(TrainingAPIView):
    @extend_schema(
        summary="対象外の受講の許可を取り消す",
        description="申込済みの申込はそのままです。",
        responses={204: None, **ERRORS},
    )
    def delete(self, request: Request, exception_id: int) -> Response:
        acting = self.acting(request)
        exception = access_target_exception(acting, exception_id)
        targets.target_exception_withdraw(actor=acting, exception=exception)
        return Response(status=status.HTTP_204_NO_CONTENT)
