"""Pages every signed-in person shares, and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from manabi.core import home as home_cards
from manabi.core import navigation, wareki
from manabi.core.acting import acting_of


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """ホーム: what waits for the person (to-do cards of their role), then the whole menu."""
    today = timezone.localdate()
    return render(
        request,
        "core/home.html",
        {
            "today_wareki": wareki.format_date(today),
            "fiscal_year_label": wareki.format_fiscal_year(wareki.fiscal_year(today)),
            "cards": home_cards.cards_for(acting_of(request)),
        },
    )


@login_required
@require_GET
def home_cards_part(request: HttpRequest) -> HttpResponse:
    """The home page's cards alone: htmx refreshes them every minute without a reload."""
    cards = home_cards.cards_for(acting_of(request))
    return render(request, "core/_home_cards.html", {"cards": cards})


@login_required
@require_GET
def menu(request: HttpRequest) -> HttpResponse:
    """メニューの検索 (the header's search box): entries of the acting role's menu by name or
    keyword; one match opens it directly. Without a query, the whole menu by group."""
    query = request.GET.get("q", "").strip()[:50]
    results = navigation.search(acting_of(request), query)
    if query and len(results) == 1:
        return redirect(results[0][1].url)
    return render(request, "core/menu.html", {"query": query, "results": results})


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
