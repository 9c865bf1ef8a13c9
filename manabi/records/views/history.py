"""Reading history: one's own, one person's (audited), the list and summaries of many, the
printable PDF and the 育成指標 coverage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from manabi.accounts.selectors import Acting, acting_of
from manabi.core.audit import audit_record
from manabi.core.csvio import content_disposition
from manabi.core.pdf import PdfUnavailable
from manabi.core.query import query_number
from manabi.orgs.permissions import access_organisation
from manabi.people.models import Staff
from manabi.records import documents
from manabi.records.coverage import organisation_coverage, staff_coverage
from manabi.records.forms import ExportForm, HistoryFilterForm, ReturnForm
from manabi.records.permissions import (
    access_history,
    can_list_history,
    can_review,
    has_own_history,
)
from manabi.records.selectors import (
    current_main_organisation,
    filter_organisations,
    fiscal_years_choices,
    history_by_year,
    history_records,
    is_own,
    organisations_by_id,
    people_with_totals,
    school_summaries,
)

PAGE_SIZE = 50


def _fiscal_year(request: HttpRequest) -> int | None:
    return query_number(request, "fiscal_year", label="年度", minimum=1900, maximum=2999)


def audit_view(acting: Acting, staff: Staff, action: str, **details: object) -> None:
    """Every view of someone else's history is audited (one's own is not)."""
    if not is_own(acting, staff.pk):
        audit_record(actor=acting, action=action, target=staff, subject=staff, details=details)


@login_required
@require_GET
def my_history(request: HttpRequest) -> HttpResponse:
    """自分の研修受講履歴."""
    acting = acting_of(request)
    if not has_own_history(acting):
        raise Http404
    assert acting.account is not None and acting.account.staff_id is not None
    return redirect("records:staff_history", staff_id=acting.account.staff_id)


@login_required
@require_GET
def staff_history(request: HttpRequest, staff_id: int) -> HttpResponse:
    """One person's history by fiscal year, with totals (only confirmed records count)."""
    acting = acting_of(request)
    staff = access_history(acting, staff_id)
    fiscal_year = _fiscal_year(request)
    audit_view(acting, staff, "records.history.view", fiscal_year=fiscal_year)
    records = history_records(staff)
    years = history_by_year(records)
    shown = [y for y in years if fiscal_year is None or y.fiscal_year == fiscal_year]
    own = is_own(acting, staff.pk)
    return render(
        request,
        "records/staff_history.html",
        {
            "staff": staff,
            "years": shown,
            "all_years": [y.fiscal_year for y in years],
            "fiscal_year": fiscal_year,
            "own": own,
            "reviewer": can_review(acting) and not own,
            "return_form": ReturnForm(),
            "export_form": ExportForm(
                initial={"staff_id": staff.pk, "fiscal_year": fiscal_year},
                organisations=filter_organisations(acting).none(),
                years=fiscal_years_choices(),
            ),
        },
    )


@login_required
@require_GET
def staff_history_pdf(request: HttpRequest, staff_id: int) -> HttpResponse:
    """研修受講履歴 (A4, PDF) of one person, for the dialogue."""
    acting = acting_of(request)
    staff = access_history(acting, staff_id)
    fiscal_year = _fiscal_year(request)
    years = [
        y
        for y in history_by_year(history_records(staff))
        if fiscal_year is None or y.fiscal_year == fiscal_year
    ]
    organisation = current_main_organisation(staff)
    try:
        body = documents.history_pdf(
            staff=staff,
            organisation=organisation,
            years=years,
            coverage=staff_coverage(staff, organisation=organisation),
        )
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("records:staff_history", staff_id=staff.pk)
    audit_record(
        actor=acting,
        action="records.history.print",
        target=staff,
        subject=staff,
        details={"fiscal_year": fiscal_year},
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"研修受講履歴_{staff.staff_number}.pdf", inline=True
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """研修履歴の一覧: a board's jurisdiction or a principal's staff, with filters, hours per
    category per school, and each person's totals."""
    acting = acting_of(request)
    if not can_list_history(acting):
        raise PermissionDenied
    organisations = filter_organisations(acting)
    years = fiscal_years_choices()
    form = HistoryFilterForm(request.GET or None, organisations=organisations, years=years)
    filters = form.filters()
    page = Paginator(people_with_totals(acting, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    people: list[Any] = list(page)  # annotated with main_organisation_id and totals
    by_id = organisations_by_id([p.main_organisation_id for p in people])
    rows = [(person, by_id.get(person.main_organisation_id)) for person in people]
    audit_record(
        actor=acting,
        action="records.history.list",
        details={"filters": filters.as_dict(), "page": page.number, "people": len(rows)},
    )
    export_form = ExportForm(
        initial={**filters.as_dict(), "organisation": filters.organisation_id},
        organisations=organisations,
        years=years,
    )
    return render(
        request,
        "records/overview.html",
        {
            "form": form,
            "filters": filters,
            "summaries": school_summaries(acting, filters),
            "page": page,
            "rows": rows,
            "export_form": export_form,
        },
    )


@login_required
@require_GET
def coverage_of_staff(request: HttpRequest, staff_id: int) -> HttpResponse:
    """育成指標の網羅状況 of one person: radar by area, heat map of items, unlinked records."""
    acting = acting_of(request)
    staff = access_history(acting, staff_id)
    fiscal_year = _fiscal_year(request)
    audit_view(acting, staff, "records.coverage.view", fiscal_year=fiscal_year)
    view = staff_coverage(staff, fiscal_year=fiscal_year)
    return render(
        request,
        "records/coverage.html",
        {
            "staff": staff,
            "organisation": None,
            "view": view,
            "chart": view.coverage.chart_data() if view.coverage else None,
            "years": fiscal_years_choices(),
            "fiscal_year": fiscal_year,
        },
    )


@login_required
@require_GET
def coverage_of_organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The same aggregated over a school's current staff (principals and boards)."""
    acting = acting_of(request)
    if not can_list_history(acting):
        raise Http404
    organisation = access_organisation(acting, organisation_id)
    fiscal_year = _fiscal_year(request)
    view = organisation_coverage(organisation, fiscal_year=fiscal_year)
    return render(
        request,
        "records/coverage.html",
        {
            "staff": None,
            "organisation": organisation,
            "view": view,
            "chart": view.coverage.chart_data() if view.coverage else None,
            "years": fiscal_years_choices(),
            "fiscal_year": fiscal_year,
        },
    )
