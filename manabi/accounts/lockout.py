"""Sign-in lock-out (django-axes): one counter per login ID for the web, the API and the admin.

After ``MANABI_LOCKOUT_FAILURES`` consecutive failures the login ID is locked for
``MANABI_LOCKOUT_MINUTES``, whether or not it exists, and whatever password comes next.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from manabi.accounts.models import normalize_login_id


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    value = ""
    if credentials:
        value = credentials.get("username") or credentials.get("login_id") or ""
    if not value:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username") or data.get("login_id") or ""
    return normalize_login_id(str(value))


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return (
        f"ログインに{settings.AXES_FAILURE_LIMIT}回続けて失敗したため、このログインIDは"
        f"{lockout_minutes()}分間ログインできません。時間をおいてからお試しください。"
        "パスワードが分からない場合は所属の管理者に連絡してください。"
    )


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=429)
    html = render_to_string(
        "accounts/locked_out.html", {"message": lockout_message()}, request=request
    )
    return HttpResponse(html, status=429)
