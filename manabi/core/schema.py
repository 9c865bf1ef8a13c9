"""The OpenAPI schema tells the truth: every operation lists the errors it can answer.

Whatever a view declares, some answers come from the machinery around it: an unknown or
unreadable id is a 404, a signed-out client a 401, a refused one a 403, a bad query or body a
400, a body too large or not JSON a 413 / 415, and a bug a 500 — all JSON in the one error
shape of ``manabi.core.api``. :class:`AutoSchema` adds those to each operation that can meet
them, so that a client (and the fuzz test, ``tests/test_api_fuzz.py``) can rely on the schema.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from manabi.core.api import GENERIC_CODES

# The one error shape of the API (manabi.core.api): code is one of GENERIC_CODES or one an
# operation lists.
ApiErrorSerializer = inline_serializer(
    "ApiError",
    {
        "code": serializers.CharField(
            help_text="誤りの種類: " + ", ".join(GENERIC_CODES) + " など"
        ),
        "detail": serializers.CharField(help_text="日本語のメッセージ"),
        "errors": serializers.DictField(
            required=False, help_text="項目ごとの誤り (code が invalid のとき)"
        ),
        "request_id": serializers.CharField(
            required=False, help_text="サーバーの誤り (500) のとき: 問い合わせに使う要求 ID"
        ),
    },
)
_BODY_METHODS = {"POST", "PUT", "PATCH"}
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        if isinstance(field, serializers.TimeField):
            # A time of day without an offset; OpenAPI's "time" format demands one.
            time: dict[str, Any] = {"type": "string", "pattern": TIME_PATTERN, "example": "09:30"}
            if field.allow_null:
                time["nullable"] = True
            return time
        schema = super()._map_serializer_field(field, direction, bypass_extensions)  # type: ignore[no-untyped-call]
        if isinstance(field, serializers.ListSerializer) and isinstance(schema, dict):
            # ``many=True, max_length=…`` is checked by the ListSerializer, not by a validator,
            # so drf-spectacular does not see it.
            if (most := getattr(field, "max_length", None)) is not None:
                schema["maxItems"] = most
            if (least := getattr(field, "min_length", None)) is not None:
                schema["minItems"] = least
        return schema

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        wanted = {"404", "500"}
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            wanted |= {"401", "403"}
        has_body = self.method in _BODY_METHODS
        if has_body or operation.get("parameters"):
            wanted.add("400")
        if has_body:
            wanted |= {"413", "415"}
        for code in sorted(wanted - set(responses)):
            responses[code] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                ApiErrorSerializer, code, direction="response"
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """``Authorization: Token <key>`` (manabi.accounts.authentication)."""

    target_class = "manabi.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "「Token <トークン>」(POST /api/v1/auth/token/ で発行、30日有効)",
        }
