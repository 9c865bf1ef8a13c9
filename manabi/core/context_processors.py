"""Template context shared by every page: site name, acting role, navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from manabi.accounts.passwords import current_policy, password_expires_at, password_expiry_reminder
from manabi.accounts.selectors import acting_for
from manabi.core import navigation


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # The acting role the request runs with (set by AccountGateMiddleware), so the header
    # shows exactly what the permission checks use.
    acting = getattr(request, "acting", None) or acting_for(user)
    reminder = None
    if user is not None and user.is_authenticated:
        policy = current_policy()
        if password_expiry_reminder(user.password_changed_at, timezone.now(), policy):
            reminder = password_expires_at(user.password_changed_at, policy)
    return {
        "site_name": settings.SITE_NAME,
        "password_expires_soon": reminder,
        "acting": acting,
        "nav_sections": (
            navigation.menu_for(acting, request.path) if user and user.is_authenticated else []
        ),
    }
