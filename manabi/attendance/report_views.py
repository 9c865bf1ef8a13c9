"""Pages and files of the attendance book's outputs: the printed 出席簿 of a class's month (A4
PDF) and its Excel, a class's 年度 per pupil, and the summaries of a school and of a board.

Every output that shows pupils is audited; a board sees counts only. ``?month=YYYY-MM`` never
fails a page: a malformed month is left out with a warning, and a well-formed month outside the
class's 年度 is not part of that class's book (404).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from manabi.access.functions import Action
from manabi.access.selectors import acting_school_id
from manabi.accounts.selectors import Acting, acting_of
from manabi.attendance import reports, rules, schooldays, selectors
from manabi.attendance.choices import MonthState
from manabi.attendance.permissions import (
    access_book,
    book_reach,
    can_see_counts,
    may,
    may_lock,
    require_book_reader,
)
from manabi.classes.models import SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.pdf import PdfUnavailable, pdf_response
from manabi.core.query import query_number
from manabi.core.xlsx import streaming_xlsx_response
from manabi.orgs.selectors import schools_in_jurisdiction

_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


def parse_month(raw: str) -> reports.Month | None:
    """``YYYY-MM`` as (year, month), or None (pure)."""
    match = _MONTH.fullmatch(raw.strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


def _shown(raw: str) -> str:
    return raw if len(raw) <= 20 else raw[:20] + "…"


def _class_month(request: HttpRequest, school_class: SchoolClass) -> reports.Month:
    """The month of the class's book that ``?month=`` asks for: this month (or April) when
    absent or malformed (with a warning), 404 when it is not a month of the class's 年度."""
    fallback = reports.default_month(school_class.fiscal_year, timezone.localdate())
    raw = request.GET.get("month", "")
    if raw.strip() == "":
        return fallback
    month = parse_month(raw)
    if month is None:
        messages.warning(
            request,
            f"月の指定「{_shown(raw)}」は使えないため、{reports.month_label(*fallback)}を"
            "表示しています(2026-12 のように年-月の半角数字で指定してください)。",
        )
        return fallback
    if schooldays.fiscal_year_of(date(month[0], month[1], 1)) != school_class.fiscal_year:
        raise Http404
    return month


def _period(request: HttpRequest, fiscal_year: int) -> reports.Period:
    """``?month=`` of a summary: a month of the 年度, or None (the year). A bad one is left out
    with a warning."""
    raw = request.GET.get("month", "")
    if raw.strip() == "":
        return None
    month = parse_month(raw)
    if month is not None and schooldays.fiscal_year_of(date(*month, 1)) == fiscal_year:
        return month
    messages.warning(
        request,
        f"月の指定「{_shown(raw)}」は{fiscal_year}年度の月ではないため、年間の集計を"
        "表示しています(2026-12 のように年-月の半角数字で指定してください)。",
    )
    return None


def _fiscal_year(request: HttpRequest) -> int:
    return (
        query_number(request, "fiscal_year", label="年度", minimum=2000, maximum=2100)
        or current_fiscal_year()
    )


def _periods(fiscal_year: int) -> list[dict[str, Any]]:
    """The choices of a summary's period: the year, then each month."""
    return [
        {"value": "", "label": "年間"},
        *(
            {"value": f"{y:04d}-{m:02d}", "label": f"{m}月"}
            for y, m in selectors.fiscal_months(fiscal_year)
        ),
    ]


def _month_key(month: reports.Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def _file_name(school_class: SchoolClass, what: str, ext: str) -> str:
    return f"{what}_{school_class.label}.{ext}".replace(" ", "")


@login_required
@require_GET
def month_pdf(request: HttpRequest, class_id: int) -> HttpResponse:
    """出席簿の印刷: a class's month on A4 landscape, in 和暦, as schools print it."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.PRINT)
    year, month = _class_month(request, school_class)
    sheet = reports.month_sheet(school_class, year, month)
    try:
        response = pdf_response(
            request,
            "attendance/reports/pdf/month.html",
            {
                "sheet": sheet,
                "legend": reports.LEGEND,
                "totals_header": reports.TOTALS_HEADER,
                "locked_on": wareki.format_date(timezone.localtime(sheet.locked_at).date())
                if sheet.locked_at
                else "",
                "closed_on": wareki.format_date(timezone.localtime(sheet.closed_at).date())
                if sheet.closed_at
                else "",
                "printed_on": wareki.format_date(timezone.localdate()),
            },
            filename=_file_name(school_class, f"出席簿_{year}年{month}月", "pdf"),
        )
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("attendance_reports:class_year", class_id=school_class.pk)
    audit_record(
        actor=acting,
        action="attendance.month.print",
        target=school_class,
        details={"month": _month_key((year, month)), "pupils": len(sheet.rows)},
    )
    return response


@login_required
@require_GET
def month_xlsx(request: HttpRequest, class_id: int) -> HttpResponseBase:
    """出席簿の Excel出力: the same grid as the print, one sheet."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EXCEL_OUT)
    year, month = _class_month(request, school_class)
    sheet = reports.month_sheet(school_class, year, month)
    response = streaming_xlsx_response(
        reports.month_sheet_rows(sheet),
        filename=_file_name(school_class, f"出席簿_{year}年{month}月", "xlsx"),
        header=reports.month_sheet_header(sheet),
        sheet_name=f"{school_class.label} {month}月",
    )
    audit_record(
        actor=acting,
        action="attendance.month.excel_out",
        target=school_class,
        details={"month": _month_key((year, month)), "pupils": len(sheet.rows)},
    )
    return response


def _class_year_context(acting: Acting, school_class: SchoolClass) -> dict[str, Any]:
    year = reports.class_year(school_class)
    return {
        "school_class": school_class,
        "year": year,
        "fiscal_year_label": wareki.format_fiscal_year(school_class.fiscal_year),
        "totals_header": reports.TOTALS_HEADER,
        "reason_labels": reports.REASON_LABELS,
        "long_absence_days": rules.LONG_ABSENCE_DAYS,
        "may_print": may(acting, school_class, Action.PRINT),
        "may_excel": may(acting, school_class, Action.EXCEL_OUT),
        "months": [{"key": _month_key(line.month), "line": line} for line in year.months],
        "may_lock_year": may_lock(
            book_reach(acting, action=Action.LOCK, fiscal_year=school_class.fiscal_year)
        ),
        "year_locked": all(line.state == MonthState.LOCKED for line in year.months),
    }


@login_required
@require_GET
def class_year(request: HttpRequest, class_id: int) -> HttpResponse:
    """出欠の記録 of a class's 年度: each pupil by month and for the year (指導要録 様式2)."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id)
    context = _class_year_context(acting, school_class)
    audit_record(
        actor=acting,
        action="attendance.year.view",
        target=school_class,
        details={"fiscal_year": school_class.fiscal_year, "pupils": len(context["year"].pupils)},
    )
    return render(request, "attendance/reports/class_year.html", context)


@login_required
@require_GET
def class_year_xlsx(request: HttpRequest, class_id: int) -> HttpResponseBase:
    """The class's 年度 in Excel: one row per pupil and month, and each pupil's 年間."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EXCEL_OUT)
    year = reports.class_year(school_class)
    response = streaming_xlsx_response(
        reports.class_year_rows(year),
        filename=_file_name(school_class, f"出欠の記録_{school_class.fiscal_year}年度", "xlsx"),
        header=reports.CLASS_YEAR_HEADER,
        sheet_name=f"{school_class.label} 出欠の記録",
    )
    audit_record(
        actor=acting,
        action="attendance.year.excel_out",
        target=school_class,
        details={"fiscal_year": school_class.fiscal_year, "pupils": len(year.pupils)},
    )
    return response


@login_required
@require_GET
def school_summary(request: HttpRequest) -> HttpResponse:
    """出欠の集計 of the school: per class, grade and the school, by month and for the year.
    For staff who see every class's book; boards are sent to their counts."""
    acting = acting_of(request)
    if acting_school_id(acting) is None and can_see_counts(acting):
        return redirect("attendance_reports:board_summary")
    fiscal_year = _fiscal_year(request)
    reach = require_book_reader(acting, fiscal_year=fiscal_year)
    if not reach.everything:
        raise PermissionDenied
    school_id = reach.standing.school_id
    assert school_id is not None
    period = _period(request, fiscal_year)
    summary = reports.school_summary(school_id, fiscal_year)
    audit_record(
        actor=acting,
        action="attendance.summary.view",
        target=acting.organisation,
        details={
            "fiscal_year": fiscal_year,
            "month": _month_key(period) if period else "",
        },
    )
    return render(
        request,
        "attendance/reports/school_summary.html",
        {
            "fiscal_year": fiscal_year,
            "fiscal_year_label": wareki.format_fiscal_year(fiscal_year),
            "period": period,
            "period_key": _month_key(period) if period else "",
            "period_label": f"{period[1]}月" if period else "年間",
            "periods": _periods(fiscal_year),
            "rows": summary.rows(period),
            "months": summary.months(),
            "year_total": summary.school(None),
            "reason_labels": reports.REASON_LABELS,
            "long_absence_days": rules.LONG_ABSENCE_DAYS,
        },
    )


@login_required
@require_GET
def board_summary(request: HttpRequest) -> HttpResponse:
    """出欠の集計 of the board's schools: counts only, never names."""
    acting = acting_of(request)
    if not can_see_counts(acting):
        raise PermissionDenied
    fiscal_year = _fiscal_year(request)
    period = _period(request, fiscal_year)
    counts = reports.board_counts(schools_in_jurisdiction(acting), fiscal_year, period)
    audit_record(
        actor=acting,
        action="attendance.board_summary.view",
        details={
            "fiscal_year": fiscal_year,
            "month": _month_key(period) if period else "",
            "schools": len(counts.schools),
        },
    )
    return render(
        request,
        "attendance/reports/board_summary.html",
        {
            "fiscal_year": fiscal_year,
            "fiscal_year_label": wareki.format_fiscal_year(fiscal_year),
            "period": period,
            "period_key": _month_key(period) if period else "",
            "period_label": f"{period[1]}月" if period else "年間",
            "periods": _periods(fiscal_year),
            "counts": counts,
            "reason_labels": reports.REASON_LABELS,
            "long_absence_days": rules.LONG_ABSENCE_DAYS,
        },
    )
