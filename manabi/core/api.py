"""The API's one error shape and the pieces every app's API views share.

Every error is JSON ``{"code": "...", "detail": "<Japanese>", "errors": {...}?}`` whatever
raised it: DRF's own exceptions, Django's ``Http404`` / ``PermissionDenied`` /
``ValidationError``, or an app's error (mapped by the app's subclass of ``ApiView``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
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
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

from manabi.accounts.selectors import Acting, acting_of
from manabi.core.converters import MAX_ID

logger = logging.getLogger("manabi.api")

MESSAGES = {
    "not_found": "見つかりません。IDを確認してください(見る権限がない場合もこの応答です)。",
    "permission_denied": "この操作を行う権限がありません。",
    "not_authenticated": "ログインしていないか、トークンが無効です。",
    "invalid": "入力に誤りがあります。errors を確認してください。",
    "method_not_allowed": "このメソッドは使えません。",
    "invalid_json": "JSON として読めません。",
    "not_acceptable": "この形式では応答できません。Accept ヘッダーに application/json を指定してください。",
    "unsupported_media_type": "この Content-Type は受け付けていません。application/json で送ってください。",
    "request_too_large": "送信された内容が大きすぎます。",
    "too_many_fields": "送信された項目が多すぎるか、形式が正しくありません。",
    "throttled": "要求が多すぎます。しばらく待ってからやり直してください。",
    "conflict": "現在の状態ではこの操作はできません。",
    "server_error": "サーバーで問題が起きました。request_id を添えて管理者に連絡してください。",
    "error": "要求を処理できませんでした。",
}
GENERIC_CODES = (
    "not_found",
    "permission_denied",
    "not_authenticated",
    "invalid",
    "method_not_allowed",
    "invalid_json",
    "not_acceptable",
    "unsupported_media_type",
    "request_too_large",
    "throttled",
    "conflict",
    "server_error",
    # A signed-in person's pending step (manabi.accounts.gates): a 403 on every call.
    "onboarding_required",
    "mfa_setup_required",
    "password_expired",
)
# The code of an error answer by its HTTP status, when nothing more precise is known.
CODE_BY_STATUS = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}
_DRF_CODES = {
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.ParseError: "invalid_json",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
}


def error_response(code: str, detail: str, http_status: int, **extra: Any) -> Response:
    return Response({"code": code, "detail": detail, **extra}, status=http_status)


def error_body(http_status: int, request_id: str | None = None) -> dict[str, Any]:
    """The error shape for a status alone (a 404 of an unknown URL, a 500)."""
    code = CODE_BY_STATUS.get(http_status, "error")
    body: dict[str, Any] = {"code": code, "detail": MESSAGES[code]}
    if request_id:
        body["request_id"] = request_id
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's exception handler for every API view: one JSON shape, Japanese messages.

    Django's ``ValidationError`` / ``Http404`` / ``PermissionDenied`` are mapped like DRF's own;
    a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413. Anything else is a bug: it is logged
    with its traceback and answered as a JSON 500 with the request id, nothing internal.
    """
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        set_rollback()
        return error_response("invalid", MESSAGES["invalid"], 400, errors=errors)
    if isinstance(exc, RequestDataTooBig):
        return error_response("request_too_large", MESSAGES["request_too_large"], 413)
    if isinstance(exc, SuspiciousOperation):
        # e.g. more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: Django answers these 400.
        return error_response("invalid", MESSAGES["too_many_fields"], 400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.error(
            "API の処理中に例外: %s",
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        set_rollback()
        request_id = getattr(getattr(request, "_request", None), "request_id", None)
        return Response(error_body(500, request_id), status=500)
    data = response.data
    if isinstance(data, dict) and "code" in data and "detail" in data:
        return response  # already ours (e.g. the first-login gate)
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"code": "invalid", "detail": MESSAGES["invalid"], "errors": errors}
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        detail = str(exc.detail) if isinstance(exc, exceptions.AuthenticationFailed) else ""
        response.data = {
            "code": "not_authenticated",
            "detail": detail or MESSAGES["not_authenticated"],
        }
    else:
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), None)
        if code is not None:
            response.data = {"code": code, "detail": MESSAGES[code]}
        elif isinstance(exc, exceptions.APIException):
            response.data = {"code": exc.default_code, "detail": str(exc.detail)}
    return response


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
    """The base of every API view: JSON only, errors in one shape (``exception_handler``)."""

    content_negotiation_class = JsonOnly

    def acting(self, request: Request) -> Acting:
        return acting_of(request._request)


class IdField(serializers.IntegerField):
    """A database id from a client: an integer from 1 to ``MAX_ID``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class FiscalYearField(serializers.IntegerField):
    """A 年度 in the Western calendar (令和7年度 = 2025)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2999)
        super().__init__(**kwargs)


MAX_PAGE = 10**6


class PageQuerySerializer(serializers.Serializer[Any]):
    """``?page=`` and ``?page_size=`` of a paginated list, checked as ``Pages`` uses them.

    Put it in ``extend_schema(parameters=[…])`` so that the schema states the bounds."""

    page = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, help_text="ページ番号 (1 から)"
    )
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=100, help_text="1ページの件数 (1〜100, 既定 20)"
    )


class Pages(PageNumberPagination):
    """Page-number pagination that answers 400 for a malformed or out-of-range ``page`` or
    ``page_size`` (DRF's own silently falls back to the default size)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        query = PageQuerySerializer(
            data={
                k: request.query_params[k]
                for k in ("page", "page_size")
                if k in request.query_params
            }
        )
        query.is_valid(raise_exception=True)
        return super().paginate_queryset(queryset, request, view)


def many(serializer: type[serializers.Serializer[Any]], *, max_items: int, **kwargs: Any) -> Any:
    """``serializer(many=True)`` of at most ``max_items`` entries (checked by DRF's
    ListSerializer; ``core.schema.AutoSchema`` states it as ``maxItems``)."""
    return serializer(many=True, max_length=max_items, **kwargs)  # type: ignore[call-arg]


def page_of(name: str, item: Any) -> Any:
    """The schema of one page of ``Pages`` (``count``, ``next``, ``previous``, ``results``)."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(help_text="全体の件数"),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


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
