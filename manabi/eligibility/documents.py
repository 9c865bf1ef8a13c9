"""Printed and downloaded documents: 様式1–3 (受講該当者調査票) as A4 PDF and .xlsx, and the
基本研修受講該当者確認カード (seed 003 section II) as A4 PDF.

The PDF layout follows the Niigata forms: a header with 所属名, 所属コード, 電話番号 and
所属長氏名 (with the electronic approval where the 職印 was), then one row per target; a school
without targets prints 「該当者なし」. Dates are in 和暦 where the forms use them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from io import BytesIO

from django.conf import settings
from django.utils import timezone

from manabi.core import wareki
from manabi.core.pdf import render_pdf
from manabi.core.xlsx import XlsxSheet, write_xlsx
from manabi.eligibility.selectors import ConfirmationCard, FormSheet
from manabi.eligibility.survey_rules import SurveyForm

NO_TARGETS = "該当者なし"


def _approved_label(sheet: FormSheet) -> str:
    if sheet.submitted_at is None:
        return f"未提出 ({sheet.status_label})"
    when = timezone.localtime(sheet.submitted_at)
    return f"{sheet.approver_name} が {wareki.format_date(when.date())} {when:%H:%M} に電子承認"


def form_pdf(form: SurveyForm, sheets: Sequence[FormSheet]) -> bytes:
    """様式N for one or more schools (each school starts on a new page), A4 landscape."""
    return render_pdf(
        "eligibility/pdf/survey_form.html",
        {
            "form": form,
            "sheets": [{"sheet": sheet, "approved": _approved_label(sheet)} for sheet in sheets],
            "site_name": settings.SITE_NAME,
        },
    )


def form_header(form: SurveyForm) -> list[str]:
    """The columns of 様式N in the .xlsx: the school's header fields, then the table."""
    header = ["所属名", "所属コード", "電話番号", "所属長氏名", "電子承認"]
    header += ["職員コード", "職名", "氏名", "ふりがな"]
    if form.shows_age:
        header.append("年齢")
    header += ["教科", "在職合計年数 A", "育休以外の除算年数 B"]
    if form.shows_c:
        header.append("育休年数 C")
    header += ["除算期間の理由", "可否", "番号", "備考"]
    return header


def form_rows(form: SurveyForm, sheets: Sequence[FormSheet]) -> Iterator[list[object]]:
    for sheet in sheets:
        school = [
            sheet.school_name,
            sheet.school_code,
            sheet.phone,
            sheet.principal_name,
            _approved_label(sheet),
        ]
        if not sheet.rows:
            name = f"{NO_TARGETS} (幼稚園等は提出不要)" if sheet.not_required else NO_TARGETS
            blanks = len(form_header(form)) - len(school) - 3
            yield [*school, "", "", name, *([""] * blanks)]
            continue
        for row in sheet.rows:
            cells: list[object] = [*school, row.staff_code, row.job, row.name, row.kana]
            if form.shows_age:
                cells.append(row.age)
            cells += [row.subject, row.a, row.b]
            if form.shows_c:
                cells.append(row.c)
            cells += [row.deductions, row.attend, row.number, row.note]
            yield cells


def form_xlsx(form: SurveyForm, sheets: Sequence[FormSheet]) -> bytes:
    """様式N as one sheet; the school's header fields repeat on every row, so that the
    centre can sort and count the sheets of many schools together."""
    buffer = BytesIO()
    title = f"様式{form.number} {form.title}"
    write_xlsx(buffer, [XlsxSheet(title, form_header(form), form_rows(form, sheets))])
    return buffer.getvalue()


def cards_pdf(cards: Sequence[ConfirmationCard]) -> bytes:
    """確認カード, one A4 page per person."""
    return render_pdf(
        "eligibility/pdf/cards.html",
        {
            "cards": cards,
            "site_name": settings.SITE_NAME,
            "printed_on": wareki.format_date(timezone.localdate()),
        },
    )
