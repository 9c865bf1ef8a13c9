"""Pages every signed-in person shares, and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from manabi.core import wareki


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "core/home.html",
        {
            "today_wareki": wareki.format_date(today),
            "fiscal_year_label": wareki.format_fiscal_year(wareki.fiscal_year(today)),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
