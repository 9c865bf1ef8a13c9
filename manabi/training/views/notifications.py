"""お知らせ: one's notifications, newest first, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from manabi.accounts.selectors import acting_of
from manabi.training import selectors
from manabi.training.services.notifications import notifications_mark_read


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    page = Paginator(selectors.notifications_of(acting), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "training/notifications.html",
        {"page": page, "unread": selectors.unread_count(acting)},
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponseBase:
    count = notifications_mark_read(actor=acting_of(request))
    messages.success(request, f"{count} 件のお知らせを既読にしました。")
    return redirect("training:notifications")
