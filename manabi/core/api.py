"""The API's one error shape and the pieces every app's API views share.

Every error is JSON ``{"code": "...", "detail": "<Japanese>", "errors": {...}?}`` whatever
raised it: DRF's own exceptions, Django's ``Http404`` / ``PermissionDenied`` /
``ValidationError``, or an app's error (mapped by the app's subclass of ``ApiView``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from manabi.accounts.selectors import Acting, acting_of

MESSAGES = {
    "not_found": "見つかりません。IDを確認してください(見る権限がない場合もこの応答です)。",
    "permission_denied": "この操作を行う権限がありません。",
    "not_authenticated": "ログインしていないか、トークンが無効です。",
    "invalid": "入力に誤りがあります。errors を確認してください。",
    "method_not_allowed": "このメソッドは使えません。",
    "invalid_json": "JSON として読めません。",
}
GENERIC_CODES = (
    "not_found",
    "permission_denied",
    "not_authenticated",
    "invalid",
    "method_not_allowed",
    "invalid_json",
)


def error_response(code: str, detail: str, http_status: int, **extra: Any) -> Response:
    return Response({"code": code, "detail": detail, **extra}, status=http_status)


class JsonOnly(BaseContentNegotiation):
    """Always JSON. DRF would read ``?format=`` as the renderer to use; our filters use that
    name (the training catalogue's 形式)."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class ApiView(APIView):
    """Errors as ``{"code", "detail"}`` whatever raised them."""

    content_negotiation_class = JsonOnly

    def acting(self, request: Request) -> Acting:
        return acting_of(request._request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoValidationError):
            errors = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            )
            return error_response("invalid", MESSAGES["invalid"], 400, errors=errors)
        if isinstance(exc, Http404):
            exc = exceptions.NotFound()
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied()
        response = super().handle_exception(exc)
        data = response.data
        if isinstance(data, dict) and "code" in data and "detail" in data:
            return response  # already ours (e.g. the first-login gate)
        if isinstance(exc, exceptions.ValidationError):
            response.data = {"code": "invalid", "detail": MESSAGES["invalid"], "errors": data}
        elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            detail = str(exc.detail) if isinstance(exc, exceptions.AuthenticationFailed) else ""
            response.data = {
                "code": "not_authenticated",
                "detail": detail or MESSAGES["not_authenticated"],
            }
        elif isinstance(exc, exceptions.PermissionDenied):
            response.data = {"code": "permission_denied", "detail": MESSAGES["permission_denied"]}
        elif isinstance(exc, exceptions.NotFound):
            response.data = {"code": "not_found", "detail": MESSAGES["not_found"]}
        elif isinstance(exc, exceptions.MethodNotAllowed):
            response.data = {"code": "method_not_allowed", "detail": MESSAGES["method_not_allowed"]}
        elif isinstance(exc, exceptions.ParseError):
            response.data = {"code": "invalid_json", "detail": MESSAGES["invalid_json"]}
        elif isinstance(exc, exceptions.APIException):
            response.data = {"code": exc.default_code, "detail": str(exc.detail)}
        return response


class Pages(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def error_serializer(name: str, codes: Sequence[str] = ()) -> Any:
    """The error shape for the OpenAPI schema, with the codes the views can answer."""
    return inline_serializer(
        name,
        {
            "code": serializers.ChoiceField(choices=[*GENERIC_CODES, *codes]),
            "detail": serializers.CharField(help_text="日本語のメッセージ"),
            "errors": serializers.DictField(
                required=False, help_text="項目ごとの誤り (invalid のとき)"
            ),
        },
    )


def error_responses(serializer: Any, statuses: Sequence[int]) -> dict[int, Any]:
    return dict.fromkeys(statuses, serializer)
