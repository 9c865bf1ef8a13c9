"""The printed outputs of 健康診断 (別表1 ``health.exam_print``, 印刷): a pupil's
児童生徒健康診断票 (一般・歯・口腔) and お知らせ, and a 学級's 健康診断票 and お知らせ in one PDF
each (one pupil after another) for the nurse to file and hand out.

The pupil or 学級 comes from ``health.permissions`` with the 印刷 function (404 when not
visible, e.g. another class's homeroom teacher). Every PDF is audited once per pupil in it,
after it was made; when WeasyPrint cannot run, the page says what to install and nothing is
audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from manabi.accounts.selectors import Acting, acting_of
from manabi.core.audit import audit_record
from manabi.core.csvio import content_disposition
from manabi.core.pdf import PdfUnavailable, render_pdf
from manabi.health import pdf, permissions, selectors
from manabi.students.models import Enrolment

RECORD_TEMPLATE = "health/pdf/record.html"
LETTER_TEMPLATE = "health/pdf/letter.html"


def _pdf_or_back(
    request: HttpRequest, template: str, context: dict[str, Any], back: HttpResponse
) -> bytes | HttpResponse:
    try:
        return render_pdf(template, context)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return back


def _response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{filename}.pdf", inline=True)
    response["Cache-Control"] = "no-store, private"
    return response


def _audit(acting: Acting, action: str, enrolments: list[Enrolment], **details: Any) -> None:
    with transaction.atomic():
        for e in enrolments:
            audit_record(
                actor=acting,
                action=action,
                target=e,
                subject=e.student,
                details={"fiscal_year": e.fiscal_year, **details},
            )


def _name(enrolment: Enrolment) -> str:
    return f"{enrolment.student.family_name}{enrolment.student.given_name}"


@login_required
@require_GET
def pupil_record_pdf(request: HttpRequest, student_id: int) -> HttpResponse:
    """児童生徒健康診断票 (一般・歯・口腔) of every 年度 at this school, A4, two pages."""
    acting = acting_of(request)
    enrolment, _ = permissions.access_exam_pupil(acting, student_id, permissions.PRINT)
    sheet = pdf.record_sheet(enrolment, today=timezone.localdate())
    body = _pdf_or_back(
        request, RECORD_TEMPLATE, {"sheets": [sheet]}, redirect("health:pupil", student_id)
    )
    if isinstance(body, HttpResponse):
        return body
    _audit(acting, "health.exam.print", [enrolment], years=len(sheet.columns))
    return _response(body, f"健康診断票_{_name(enrolment)}")


@login_required
@require_GET
def pupil_letter_pdf(request: HttpRequest, student_id: int) -> HttpResponse:
    """健康診断の結果のお知らせ of this 年度 to the pupil's guardians, A4."""
    acting = acting_of(request)
    enrolment, _ = permissions.access_exam_pupil(acting, student_id, permissions.PRINT)
    letters = pdf.letters_of([enrolment], today=timezone.localdate())
    body = _pdf_or_back(
        request, LETTER_TEMPLATE, pdf.letter_context(letters), redirect("health:pupil", student_id)
    )
    if isinstance(body, HttpResponse):
        return body
    _audit(acting, "health.letter.print", [enrolment])
    return _response(body, f"健康診断のお知らせ_{enrolment.fiscal_year}年度_{_name(enrolment)}")


@login_required
@require_GET
def class_letters_pdf(request: HttpRequest, class_id: int) -> HttpResponse:
    """The お知らせ of every pupil of the 学級, one page each, in one PDF."""
    acting = acting_of(request)
    school_class, _ = permissions.access_class(acting, class_id, permissions.PRINT)
    pupils = selectors.class_pupils(school_class)
    for e in pupils:
        e.school_class = school_class
    letters = pdf.letters_of(pupils, today=timezone.localdate())
    body = _pdf_or_back(
        request,
        LETTER_TEMPLATE,
        pdf.letter_context(letters),
        redirect("health:class_grid", class_id),
    )
    if isinstance(body, HttpResponse):
        return body
    _audit(acting, "health.letter.print", pupils, school_class=school_class.pk)
    return _response(
        body, f"健康診断のお知らせ_{school_class.fiscal_year}年度_{school_class.label}"
    )


@login_required
@require_GET
def class_records_pdf(request: HttpRequest, class_id: int) -> HttpResponse:
    """The 児童生徒健康診断票 (一般・歯・口腔) of every pupil of the 学級, in one PDF."""
    acting = acting_of(request)
    school_class, _ = permissions.access_class(acting, class_id, permissions.PRINT)
    pupils = selectors.class_pupils(school_class)
    today = timezone.localdate()
    sheets = [pdf.record_sheet(e, today=today) for e in pupils]
    if not sheets:
        messages.error(request, "この学級には印刷する児童生徒がいません。")
        return redirect("health:class_grid", class_id)
    body = _pdf_or_back(
        request,
        RECORD_TEMPLATE,
        {"sheets": sheets, "title": school_class.label},
        redirect("health:class_grid", class_id),
    )
    if isinstance(body, HttpResponse):
        return body
    _audit(acting, "health.exam.print", pupils, school_class=school_class.pk)
    return _response(body, f"健康診断票_{school_class.fiscal_year}年度_{school_class.label}")
