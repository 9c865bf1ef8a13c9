"""Per-request account state: the acting role, the session's absolute lifetime, and the gate
that keeps a person who still has to finish first login (or set up MFA, or replace an
expired password) on those pages."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from manabi.accounts.gates import ACTING_SESSION_KEY, LOGIN_AT_SESSION_KEY, pending_gate
from manabi.accounts.models import Account
from manabi.accounts.selectors import acting_for

ALWAYS_OPEN = ("/static/", "/healthz", "/accounts/logout/")


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        session = request.session
        # Read request.user when first used: API token authentication sets it later.
        request.acting = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: acting_for(request.user, assignment_id=session.get(ACTING_SESSION_KEY))
        )
        if isinstance(user, Account) and user.is_authenticated:
            login_at = session.get(LOGIN_AT_SESSION_KEY, 0)
            if time.time() - login_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "セッションの有効期限が切れました。", "code": "session_expired"},
                        status=401,
                    )
                messages.info(
                    request,
                    "一定時間が経過したため、ログアウトしました。もう一度ログインしてください。",
                )
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            gate = pending_gate(user, request.acting)  # type: ignore[attr-defined]
            if gate is not None and not request.path.startswith((*ALWAYS_OPEN, gate.prefix)):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": gate.message, "code": gate.code}, status=403)
                return redirect(gate.url_name)
        return self.get_response(request)
