"""API of the accounts app: token sign-in and "who am I"."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.accounts import services
from manabi.accounts.gates import pending_gate
from manabi.accounts.models import Account, normalize_login_id
from manabi.accounts.selectors import acting_for
from manabi.core.api import ApiView, error_responses, error_serializer

LOGIN_ID_MAX = 64  # Account.login_id
PASSWORD_MAX = 4096  # longer is no password anyone types; refused before hashing it


class TokenRequestSerializer(serializers.Serializer[dict[str, str]]):
    login_id = serializers.CharField(max_length=LOGIN_ID_MAX)
    password = serializers.CharField(trim_whitespace=False, max_length=PASSWORD_MAX)


@extend_schema(
    request=TokenRequestSerializer,
    responses={
        200: inline_serializer("Token", {"token": serializers.CharField()}),
        **error_responses(
            error_serializer("TokenError", ("invalid_login", "locked_out")),
            (400, 403, 429),
        ),
    },
    summary="API トークンの発行",
)
class TokenView(ApiView):
    """Exchange a login ID and password for a token (same lock-out as the web sign-in)."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        login_id = normalize_login_id(data.validated_data["login_id"])
        account = authenticate(
            request._request, username=login_id, password=data.validated_data["password"]
        )
        if getattr(request._request, "axes_locked_out", False):
            from manabi.accounts.lockout import lockout_message

            return Response(
                {"detail": lockout_message(), "code": "locked_out"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if not isinstance(account, Account) or account.is_suspended:
            services.account_login_failure_record(login_id=login_id)
            return Response(
                {
                    "detail": "ログインIDまたはパスワードが正しくありません。",
                    "code": "invalid_login",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        gate = pending_gate(account, acting_for(account))
        if gate is not None:
            return Response(
                {"detail": gate.message, "code": gate.code}, status=status.HTTP_403_FORBIDDEN
            )
        return Response({"token": services.api_token_create(account=account)})


class MeSerializer(serializers.Serializer[Any]):
    login_id = serializers.CharField()
    name = serializers.CharField()
    staff_number = serializers.CharField(allow_null=True)
    role = serializers.CharField(allow_null=True)
    role_label = serializers.CharField()
    organisation = serializers.DictField(allow_null=True)
    roles = serializers.ListField(child=serializers.DictField())


@extend_schema(responses=MeSerializer, summary="ログイン中の利用者")
class MeView(ApiView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        account = request.user
        assert isinstance(account, Account)
        acting = request._request.acting  # type: ignore[attr-defined]
        org = acting.organisation
        return Response(
            {
                "login_id": account.login_id,
                "name": account.display_name,
                "staff_number": account.staff.staff_number if account.staff else None,
                "role": acting.role.value if acting.role else None,
                "role_label": acting.role_label,
                "organisation": (
                    {"id": org.pk, "code": org.code, "name": org.name, "kind": org.kind}
                    if org
                    else None
                ),
                "roles": [
                    {
                        "id": ra.pk,
                        "role": ra.role,
                        "organisation": ra.organisation.name if ra.organisation else None,
                    }
                    for ra in acting.choices
                ],
            }
        )
