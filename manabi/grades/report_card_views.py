"""Pages of the 通知表: the classes one may print, a class's cards for a term with the bulk PDF,
a pupil's print preview (the PDF itself, embedded) and the school's layout editor with a live
preview (a made-up pupil's PDF).

Every view and print of a pupil's card is audited with the pupil as subject; the bulk PDF is
audited when asked for and when downloaded.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.access.selectors import acting_school_id
from manabi.accounts.selectors import Acting
from manabi.classes.models import SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.core import wareki
from manabi.core.acting import acting_of
from manabi.core.audit import audit_record
from manabi.core.csvio import content_disposition
from manabi.core.pdf import PdfUnavailable
from manabi.core.query import query_number
from manabi.grades import permissions, selectors
from manabi.grades import report_cards as rc
from manabi.grades.models import (
    YEAR_TERM,
    BatchStatus,
    LayoutPattern,
    ReportCardBatch,
    ReportCardLayout,
    Term,
)
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment


def _class(acting: Acting, class_id: int) -> SchoolClass:
    return rc.access_report_class(acting, class_id)


def _term(request: HttpRequest, terms: list[Term], data: QueryDict | None = None) -> int:
    """``term`` of the query (or form): a term of the set-up; else the term of today, or the
    first. 404 when the school has no 成績処理設定 for the year."""
    if not terms:
        raise Http404("成績処理設定がありません。")
    raw = (data if data is not None else request.GET).get("term", "")
    numbers = [t.number for t in terms]
    if raw.isascii() and raw.isdigit() and int(raw) in numbers:
        return int(raw)
    today = timezone.localdate()
    current = next((t.number for t in terms if t.starts_on <= today <= t.ends_on), None)
    return current or numbers[0]


def _pdf(body: bytes, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["Cache-Control"] = "no-store, private"
    # The preview page embeds the PDF (same origin only).
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
    return response


def _unavailable(exc: PdfUnavailable) -> HttpResponse:
    return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The classes whose 通知表 one may print."""
    acting = acting_of(request)
    reach = permissions.require_lister(acting, permissions.REPORT_CARD)
    return render(
        request,
        "grades/report_cards/index.html",
        {
            "classes": selectors.school_classes_in_reach(reach),
            "fiscal_year_label": wareki.format_fiscal_year(reach.fiscal_year),
            "may_edit_layout": permissions.may_edit_layout(acting),
        },
    )


@login_required
@require_GET
def class_page(request: HttpRequest, class_id: int) -> HttpResponse:
    """A class's 通知表 for a term: each pupil's preview, the bulk PDF and recent batches."""
    acting = acting_of(request)
    school_class = _class(acting, class_id)
    terms = rc.school_terms(school_class)
    term = _term(request, terms)
    return render(
        request,
        "grades/report_cards/class.html",
        {
            "school_class": school_class,
            "fiscal_year_label": wareki.format_fiscal_year(school_class.fiscal_year),
            "terms": terms,
            "term": term,
            "term_label": selectors.term_label(term, terms),
            "pupils": selectors.class_pupils(school_class),
            "batches": rc.recent_batches(school_class),
            "layout": rc.layout_of(school_class.school_id, school_class.fiscal_year),
            "may_edit_layout": permissions.may_edit_layout(
                acting, fiscal_year=school_class.fiscal_year
            ),
        },
    )


def _pupil_card(
    request: HttpRequest, class_id: int, student_id: int
) -> tuple[Acting, SchoolClass, Enrolment, int, rc.Card]:
    acting = acting_of(request)
    school_class = _class(acting, class_id)
    enrolment = rc.class_pupil(school_class, student_id)
    term = _term(request, rc.school_terms(school_class))
    [card] = rc.card_data(school_class, term, [student_id])
    return acting, school_class, enrolment, term, card


@login_required
@require_GET
def pupil_preview(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    """印刷プレビュー of a pupil's card: the PDF itself, embedded, with a download link."""
    acting, school_class, enrolment, term, card = _pupil_card(request, class_id, student_id)
    rc.audit_card(
        actor=acting, card_enrolment=enrolment, term=term, action="grades.report_card.view"
    )
    return render(
        request,
        "grades/report_cards/preview.html",
        {
            "school_class": school_class,
            "enrolment": enrolment,
            "card": card,
            "term": term,
            "terms": rc.school_terms(school_class),
        },
    )


@login_required
@require_GET
@xframe_options_sameorigin
def pupil_pdf(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    """The pupil's card as A4 PDF (inline for the preview; ``?download=1`` to save it)."""
    acting, school_class, enrolment, term, card = _pupil_card(request, class_id, student_id)
    try:
        body = rc.cards_pdf([card])
    except PdfUnavailable as exc:
        return _unavailable(exc)
    rc.audit_card(
        actor=acting, card_enrolment=enrolment, term=term, action="grades.report_card.print"
    )
    name = rc.card_file_name(school_class, card.term_label, card.name)
    return _pdf(body, name, inline=request.GET.get("download") != "1")


@login_required
@require_POST
def batch_create(request: HttpRequest, class_id: int) -> HttpResponse:
    """学級の通知表を一括作成 (the PDF is made in the background)."""
    acting = acting_of(request)
    school_class = _class(acting, class_id)
    term = _term(request, rc.school_terms(school_class), request.POST)
    try:
        batch = rc.batch_create(actor=acting, school_class=school_class, term=term)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("report_cards:class_page", class_id=school_class.pk)
    return redirect("report_cards:batch", batch_id=batch.pk)


def _batch_context(batch: ReportCardBatch) -> dict[str, Any]:
    terms = rc.school_terms(batch.school_class)
    return {
        "batch": batch,
        "running": batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING),
        "percent": rc.batch_percent(batch),
        "term_label": selectors.term_label(batch.term, terms),
    }


@login_required
@require_GET
def batch_page(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = rc.access_batch(acting_of(request), batch_id)
    return render(request, "grades/report_cards/batch.html", _batch_context(batch))


@login_required
@require_GET
def batch_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch's status (polled by htmx every 2 s while it runs)."""
    batch = rc.access_batch(acting_of(request), batch_id)
    return render(request, "grades/report_cards/_batch_status.html", _batch_context(batch))


@login_required
@require_GET
def batch_download(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    batch = rc.access_batch(acting, batch_id)
    if batch.status != BatchStatus.DONE or not batch.file:
        raise Http404
    audit_record(
        actor=acting,
        action="grades.report_card.batch_download",
        target=batch,
        details={"school_class": batch.school_class_id, "term": batch.term, "pupils": batch.done},
    )
    terms = rc.school_terms(batch.school_class)
    response = FileResponse(batch.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        rc.card_file_name(batch.school_class, selectors.term_label(batch.term, terms))
    )
    response["Cache-Control"] = "no-store, private"
    return response


# --- the layout editor ------------------------------------------------------------------------


def _layout_year(request: HttpRequest) -> int:
    return (
        query_number(request, "fiscal_year", label="年度", minimum=2000, maximum=2100)
        or current_fiscal_year()
    )


def _school(acting: Acting) -> Organisation:
    school_id = acting_school_id(acting)
    if school_id is None:
        raise Http404
    return Organisation.objects.get(pk=school_id)


def config_from(data: QueryDict) -> tuple[str, dict[str, object]]:
    """The pattern and settings a layout form sent (checked by ``check_config``)."""

    def number(raw: str) -> object:
        raw = raw.strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else raw

    return data.get("pattern", ""), {
        "title": data.get("title", ""),
        "columns": data.getlist("columns"),
        "terms": [number(t) for t in data.getlist("terms")],
        "remarks_length": number(data.get("remarks_length", "")),
        "school_message": data.get("school_message", "").replace("\r\n", "\n"),
        "show_principal": data.get("show_principal") == "on",
        "show_homeroom": data.get("show_homeroom") == "on",
    }


def _checked(
    pattern: str, config: dict[str, object], term_numbers: list[int]
) -> tuple[rc.LayoutConfig | None, list[str]]:
    if pattern not in rc.DEFAULTS:
        return None, ["基本の様式を選んでください。"]
    errors = rc.check_config(config, term_numbers=term_numbers)
    if errors:
        return None, errors
    return rc.layout_config(pattern, config, term_numbers=term_numbers), []


def _layout_context(
    school: Organisation, fiscal_year: int, values: dict[str, Any], query: str
) -> dict[str, Any]:
    terms = selectors.terms_of(selectors.setup_of(school.pk, fiscal_year))
    term_choices = [(t.number, t.name) for t in terms] or [
        (n, rc.TERM_CHOICES[n]) for n in (1, 2, 3)
    ]
    return {
        "school": school,
        "fiscal_year": fiscal_year,
        "fiscal_year_label": wareki.format_fiscal_year(fiscal_year),
        "values": values,
        "patterns": LayoutPattern.choices,
        "columns": rc.COLUMNS.items(),
        "term_choices": [*term_choices, (YEAR_TERM, "学年末")],
        "remarks_range": (rc.REMARKS_MIN, rc.REMARKS_MAX),
        "message_max": rc.MESSAGE_MAX,
        "title_max": rc.TITLE_MAX,
        "query": query,
        "saved": ReportCardLayout.objects.filter(school=school, fiscal_year=fiscal_year)
        .select_related("updated_by")
        .first(),
    }


def _values(layout: rc.LayoutConfig) -> dict[str, Any]:
    return {"pattern": layout.pattern, **layout.as_data()}


def _query(fiscal_year: int, layout: rc.LayoutConfig) -> str:
    """The layout as the query of the live preview's PDF."""
    query = QueryDict(mutable=True)
    query["fiscal_year"] = str(fiscal_year)
    query["pattern"] = layout.pattern
    query["title"] = layout.title
    query.setlist("columns", list(layout.columns))
    query.setlist("terms", [str(t) for t in layout.terms])
    query["remarks_length"] = str(layout.remarks_length)
    query["school_message"] = layout.school_message
    for key in ("show_principal", "show_homeroom"):
        if getattr(layout, key):
            query[key] = "on"
    return query.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def layout_edit(request: HttpRequest) -> HttpResponse:
    """通知表の様式 of the school's 年度: a shipped pattern and the school's changes."""
    acting = acting_of(request)
    fiscal_year = _layout_year(request)
    permissions.require_layout_editor(acting, fiscal_year=fiscal_year)
    school = _school(acting)
    term_numbers = rc.term_numbers_of(school.pk, fiscal_year)
    if request.method == "POST":
        pattern, config = config_from(request.POST)
        layout, errors = _checked(pattern, config, term_numbers)
        if layout is None:
            context = _layout_context(school, fiscal_year, {**config, "pattern": pattern}, "")
            return render(request, "grades/report_cards/layout.html", {**context, "errors": errors})
        rc.layout_save(
            actor=acting, school=school, fiscal_year=fiscal_year, pattern=pattern, config=config
        )
        messages.success(request, "通知表の様式を保存しました。学級の通知表から印刷できます。")
        return redirect(f"{request.path}?fiscal_year={fiscal_year}")
    reset = request.GET.get("pattern", "")
    layout = (
        rc.layout_config(reset) if reset in rc.DEFAULTS else rc.layout_of(school.pk, fiscal_year)
    )
    context = _layout_context(school, fiscal_year, _values(layout), _query(fiscal_year, layout))
    return render(request, "grades/report_cards/layout.html", {**context, "reset": reset})


@login_required
@require_GET
def layout_preview(request: HttpRequest) -> HttpResponse:
    """The live preview of the layout form (htmx): the made-up pupil's PDF, or what is wrong."""
    acting = acting_of(request)
    fiscal_year = _layout_year(request)
    permissions.require_layout_editor(acting, fiscal_year=fiscal_year)
    school = _school(acting)
    pattern, config = config_from(request.GET)
    layout, errors = _checked(pattern, config, rc.term_numbers_of(school.pk, fiscal_year))
    query = _query(fiscal_year, layout) if layout is not None else ""
    return render(
        request, "grades/report_cards/_layout_preview.html", {"errors": errors, "query": query}
    )


@login_required
@require_GET
@xframe_options_sameorigin
def layout_sample_pdf(request: HttpRequest) -> HttpResponse:
    """A made-up pupil's card in the layout of the query (the preview of the editor)."""
    acting = acting_of(request)
    fiscal_year = _layout_year(request)
    permissions.require_layout_editor(acting, fiscal_year=fiscal_year)
    school = _school(acting)
    pattern, config = config_from(request.GET)
    if not request.GET.get("pattern"):
        layout: rc.LayoutConfig | None = rc.layout_of(school.pk, fiscal_year)
        errors: list[str] = []
    else:
        layout, errors = _checked(pattern, config, rc.term_numbers_of(school.pk, fiscal_year))
    if layout is None:
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    terms = selectors.terms_of(selectors.setup_of(school.pk, fiscal_year))
    header = rc.CardHeader(
        school_name=school.name,
        class_label="3年1組",
        fiscal_year_label=wareki.format_fiscal_year(fiscal_year),
        homeroom="見本 先生" if layout.show_homeroom else "",
        principal="見本 校長" if layout.show_principal else "",
    )
    named = [(t.number, t.name) for t in terms] or [(1, "1学期"), (2, "2学期"), (3, "3学期")]
    try:
        body = rc.cards_pdf([rc.sample_card(layout, header, named)])
    except PdfUnavailable as exc:
        return _unavailable(exc)
    return _pdf(body, "通知表_見本.pdf", inline=True)
