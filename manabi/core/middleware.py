"""Request id and security headers, applied to every response."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from manabi.core import requestcontext

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed ``X-Request-ID`` from the proxy).

    The id is sent back in ``X-Request-ID``, written into log lines and into audit events.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = requestcontext.request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            requestcontext.request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ApiErrorMiddleware:
    """Under ``/api/`` every error is JSON in the API's one shape, whoever answered it.

    The API views answer their own errors (``manabi.core.api.exception_handler``); this
    catches the rest: an unknown URL or an id the URL cannot hold (404 from the resolver), a
    bad request refused before any view (400), and a server error (500, with the request id
    and nothing internal). The error itself is still logged by Django.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from manabi.core.api import error_body

            body = error_body(response.status_code, getattr(request, "request_id", None))
            replaced = JsonResponse(body, status=response.status_code)
            for header in ("Allow", "WWW-Authenticate", "Retry-After"):
                if response.has_header(header):
                    replaced[header] = response[header]
            return replaced
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response; ``no-store`` on pages for signed-in people.

    Pages shown to a signed-in person may carry personal data, so browsers and proxies must not
    keep them. Views that serve something public and cacheable set their own Cache-Control.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if not request.path.startswith(settings.STATIC_URL) and (
            signed_in or not response.has_header("Cache-Control")
        ):
            response["Cache-Control"] = "no-store, private"
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = requestcontext.request_id.get() or "-"
        return True


class GuardianTokenLogFilter(logging.Filter):
    """Masks the token of a guardian's link (``/guardian/<token>/``) in log lines: Django logs
    every 4xx and 5xx with its path, and the path is the guardian's credential (ADR 0004)."""

    _TOKEN = re.compile(r"/guardian/[A-Za-z0-9_-]{20,}")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/guardian/" in message:
            record.msg = self._TOKEN.sub("/guardian/***", message)
            record.args = ()
        return True
