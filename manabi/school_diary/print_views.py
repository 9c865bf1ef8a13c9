"""The printed 学校日誌 (別表1 ``school_diary.edit``, 印刷): a day, or every written day of a
month, as A4 pages in the layout of the paper 学校日誌 (WeasyPrint). Audited once per print,
after the PDF was made; when WeasyPrint cannot run the page says what to install."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from manabi.access.functions import Action
from manabi.accounts.selectors import acting_of
from manabi.core.audit import audit_record
from manabi.core.csvio import content_disposition
from manabi.core.pdf import PdfUnavailable, render_pdf
from manabi.school_diary import permissions, selectors
from manabi.school_diary.models import DiaryDay
from manabi.school_diary.views import context_for_print, parse_month

TEMPLATE = "school_diary/pdf/diary.html"


def _response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{filename}.pdf", inline=True)
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def day_pdf(request: HttpRequest, day: date) -> HttpResponse:
    """The day's page, A4 (a 未記入 day prints as a blank form with the attendance summary)."""
    acting = acting_of(request)
    school_id = permissions.require(acting, Action.PRINT)
    page = selectors.day_of(school_id, day) or DiaryDay(school_id=school_id, date=day, state="")
    try:
        body = render_pdf(TEMPLATE, context_for_print(school_id, [page]))
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("school_diary:day", day)
    audit_record(
        actor=acting,
        action="school_diary.day.print",
        target=page if page.pk else None,
        details={"date": day.isoformat()},
    )
    return _response(body, f"学校日誌_{day.isoformat()}")


@login_required
@require_GET
def month_pdf(request: HttpRequest) -> HttpResponse:
    """Every written day of the month (``?month=YYYY-MM``), one A4 page each."""
    acting = acting_of(request)
    school_id = permissions.require(acting, Action.PRINT)
    year, month = parse_month(request.GET.get("month"), timezone.localdate())
    pages = selectors.pages_of_month(school_id, year, month)
    back = reverse("school_diary:index") + f"?month={year:04d}-{month:02d}"
    if not pages:
        messages.error(request, f"{year}年{month}月に記入された学校日誌はありません。")
        return redirect(back)
    try:
        body = render_pdf(TEMPLATE, context_for_print(school_id, pages))
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect(back)
    audit_record(
        actor=acting,
        action="school_diary.month.print",
        details={"month": f"{year:04d}-{month:02d}", "pages": len(pages)},
    )
    return _response(body, f"学校日誌_{year:04d}-{month:02d}")
