"""Pages of 指導要録 (mounted at ``/grades/records/``): the classes, a class's records with
一括承認・一括確定, a pupil's 様式1 and 様式2, their PDF and the 写し for a transfer, and the
principal's approve, return, lock and unlock.

Seeing and printing: ``permissions.access_class(…, CUMULATIVE)`` (学級担当: one's own class;
managers: every class). Approving, returning, locking and unlocking: the principal only
(``permissions.require_principal``). A pupil not enrolled in the class that year is 404. Every
view of a pupil's record is audited; confirmation pages (GET) write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from manabi.accounts.selectors import Acting, acting_of
from manabi.classes.models import SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.csvio import content_disposition
from manabi.core.formerrors import add_validation_errors
from manabi.core.pdf import PdfUnavailable
from manabi.core.query import query_number
from manabi.grades import cumulative, permissions, selectors
from manabi.grades.models import CumulativeRecord, RecordState

# The lead's page where the free-text fields (所見, 道徳, 総合 …) of a class are entered.
NARRATIVES_URL = "grades:texts"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由",
        max_length=cumulative.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例: 算数の評定の訂正 (学年会で再検討)",
    )


def _class(request: HttpRequest, class_id: int) -> tuple[Acting, SchoolClass, bool]:
    acting = acting_of(request)
    school_class, reach = permissions.access_class(acting, class_id, permissions.CUMULATIVE)
    return acting, school_class, permissions.is_principal(reach)


def _principal_class(request: HttpRequest, class_id: int) -> tuple[Acting, SchoolClass]:
    acting = acting_of(request)
    school_class, _ = permissions.require_principal(acting, class_id)
    return acting, school_class


def _class_url(school_class: SchoolClass) -> str:
    return reverse("cumulative:class_records", kwargs={"class_id": school_class.pk})


def _pupil_url(school_class: SchoolClass, student_id: int) -> str:
    return reverse(
        "cumulative:pupil", kwargs={"class_id": school_class.pk, "student_id": student_id}
    )


def _narratives_url(school_class: SchoolClass) -> str:
    return reverse(NARRATIVES_URL, kwargs={"class_id": school_class.pk})


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The 学級 whose 指導要録 one may see, for a 年度."""
    acting = acting_of(request)
    fiscal_year = (
        query_number(request, "fiscal_year", label="年度", minimum=2000, maximum=2100)
        or current_fiscal_year()
    )
    reach = permissions.require_lister(acting, permissions.CUMULATIVE, fiscal_year=fiscal_year)
    classes = selectors.school_classes_in_reach(reach).order_by("grade", "name")
    return render(
        request,
        "grades/cumulative/index.html",
        {
            "classes": classes,
            "fiscal_year": fiscal_year,
            "fiscal_year_label": wareki.format_fiscal_year(fiscal_year),
        },
    )


def _counts(rows: list[cumulative.ClassRow]) -> dict[str, int]:
    counts = dict.fromkeys(RecordState.values, 0)
    for row in rows:
        counts[row.record.state] += 1
    return counts


@login_required
@require_GET
def class_records(request: HttpRequest, class_id: int) -> HttpResponse:
    """A class's 指導要録: each pupil's state, and the principal's 一括承認・一括確定."""
    acting, school_class, principal = _class(request, class_id)
    rows = cumulative.records_for_class(school_class)
    audit_record(
        actor=acting,
        action="grades.record.class_view",
        target=school_class,
        details={"fiscal_year": school_class.fiscal_year, "pupils": len(rows)},
    )
    return render(
        request,
        "grades/cumulative/class.html",
        {
            "school_class": school_class,
            "rows": rows,
            "counts": _counts(rows),
            "principal": principal,
            "fiscal_year_label": wareki.format_fiscal_year(school_class.fiscal_year),
            "narratives_url": _narratives_url(school_class),
        },
    )


_CLASS_ACTIONS: dict[str, dict[str, Any]] = {
    "approve": {
        "service": cumulative.class_approve,
        "title": "一括承認",
        "button": "全員の指導要録を承認する",
        "explain": "承認すると、この学級の児童生徒の今年度の成績 (素点・観点・評定・所見など) は"
        "変更できなくなります。訂正するときは個別に差し戻してください。",
        "done": "{n}名の指導要録を承認しました。",
    },
    "lock": {
        "service": cumulative.class_lock,
        "title": "一括確定",
        "button": "全員の指導要録を確定する",
        "explain": "確定すると、指導要録の内容とそのハッシュ (SHA-256) が原本として保存され、"
        "監査ログに記録されます。確定後の変更はロック解除 (理由の記録) が必要です。",
        "done": "{n}名の指導要録を確定しました。",
    },
}


def _class_action(request: HttpRequest, class_id: int, key: str) -> HttpResponse:
    acting, school_class = _principal_class(request, class_id)
    spec = _CLASS_ACTIONS[key]
    status = 200
    if request.method == "POST":
        service: Callable[..., int] = spec["service"]
        try:
            done = service(actor=acting, school_class=school_class)
        except ValidationError as exc:
            _errors(request, exc)
            status = 400
        else:
            messages.success(request, spec["done"].format(n=done))
            return redirect(_class_url(school_class))
    rows = cumulative.records_for_class(school_class)
    return render(
        request,
        "grades/cumulative/class_confirm.html",
        {"school_class": school_class, "rows": rows, "spec": spec, "counts": _counts(rows)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def class_approve(request: HttpRequest, class_id: int) -> HttpResponse:
    """一括承認 (a confirmation page, then the POST)."""
    return _class_action(request, class_id, "approve")


@login_required
@require_http_methods(["GET", "POST"])
def class_lock(request: HttpRequest, class_id: int) -> HttpResponse:
    """一括確定 (a confirmation page, then the POST)."""
    return _class_action(request, class_id, "lock")


# --- one pupil ---------------------------------------------------------------------------


def _audit_view(acting: Acting, record: CumulativeRecord, action: str) -> None:
    audit_record(
        actor=acting,
        action=action,
        target=record,
        subject=record.student,
        details={"fiscal_year": record.fiscal_year, "state": record.state},
    )


@login_required
@require_GET
def pupil(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    """A pupil's 指導要録: 様式1 and 様式2 as the 参考様式 lays them out, with the state,
    the retention dates and the principal's actions."""
    acting, school_class, principal = _class(request, class_id)
    row = cumulative.pupil_row(school_class, student_id)
    record = row.record
    content = cumulative.shown_content(record)
    _audit_view(acting, record, "grades.record.view")
    return render(
        request,
        "grades/cumulative/pupil.html",
        {
            "school_class": school_class,
            "row": row,
            "record": record,
            "content": content,
            "labels": cumulative.display_of(content),
            "meta": cumulative.print_meta(record),
            "gaps": cumulative.approval_gaps(content) if record.state == RecordState.DRAFT else [],
            "retention": cumulative.retention_for(record),
            "principal": principal,
            "unlocks": list(record.unlocks.select_related("unlocked_by")),
            "narratives_url": _narratives_url(school_class),
        },
    )


def _pdf(request: HttpRequest, class_id: int, student_id: int, *, copy: bool) -> HttpResponse:
    acting, school_class, _ = _class(request, class_id)
    row = cumulative.pupil_row(school_class, student_id)
    record = row.record
    content = cumulative.shown_content(record)
    try:
        body = cumulative.render_record_pdf(content, cumulative.print_meta(record), copy=copy)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect(_pupil_url(school_class, student_id))
    _audit_view(acting, record, "grades.record.copy_print" if copy else "grades.record.print")
    what = "指導要録の写し" if copy else "指導要録"
    filename = f"{what}_{record.fiscal_year}年度_{row.student.family_name}{row.student.given_name}"
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{filename}.pdf", inline=True)
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def pupil_pdf(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    """様式1・様式2 on A4 (the hash and lock time in the footer when locked)."""
    return _pdf(request, class_id, student_id, copy=False)


@login_required
@require_GET
def pupil_copy_pdf(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    """指導要録の写し for a transfer (施行規則 第24条2項): the same content, so titled."""
    return _pdf(request, class_id, student_id, copy=True)


_PUPIL_ACTIONS: dict[str, dict[str, Any]] = {
    "approve": {
        "title": "承認",
        "button": "承認する",
        "explain": "承認すると、この児童生徒の今年度の成績は変更できなくなります。",
        "done": "指導要録を承認しました。",
        "reason": False,
    },
    "return": {
        "title": "承認の差戻し",
        "button": "差し戻す",
        "explain": "差し戻すと作成中に戻り、成績を訂正できるようになります。理由が記録されます。",
        "done": "指導要録を差し戻しました (作成中)。",
        "reason": True,
    },
    "lock": {
        "title": "確定",
        "button": "確定する",
        "explain": "確定すると、内容とそのハッシュ (SHA-256) が原本として保存され、監査ログに"
        "記録されます。",
        "done": "指導要録を確定しました。",
        "reason": False,
    },
    "unlock": {
        "title": "ロック解除",
        "button": "ロックを解除する",
        "explain": "指導要録は公簿です。解除すると理由と解除前の内容のハッシュが記録され、"
        "監査ログに残ります。訂正が終わったら、承認と確定をやり直してください。",
        "done": "ロックを解除しました (作成中)。訂正後に承認と確定をやり直してください。",
        "reason": True,
    },
}


def _run(key: str, acting: Acting, record: CumulativeRecord, reason: str) -> None:
    if key == "approve":
        cumulative.record_approve(actor=acting, record=record)
    elif key == "return":
        cumulative.record_return(actor=acting, record=record, reason=reason)
    elif key == "lock":
        cumulative.record_lock(actor=acting, record=record)
    else:
        cumulative.record_unlock(actor=acting, record=record, reason=reason)


def _pupil_action(request: HttpRequest, class_id: int, student_id: int, key: str) -> HttpResponse:
    acting, school_class = _principal_class(request, class_id)
    row = cumulative.pupil_row(school_class, student_id)
    spec = _PUPIL_ACTIONS[key]
    form = ReasonForm(request.POST or None) if spec["reason"] else None
    status = 200
    if request.method == "POST":
        status = 400
        if form is None or form.is_valid():
            reason = form.cleaned_data["reason"] if form is not None else ""
            try:
                _run(key, acting, row.record, reason)
            except ValidationError as exc:
                if form is not None:
                    add_validation_errors(form, exc)
                else:
                    _errors(request, exc)
            else:
                messages.success(request, spec["done"])
                return redirect(_pupil_url(school_class, student_id))
    return render(
        request,
        "grades/cumulative/pupil_confirm.html",
        {"school_class": school_class, "row": row, "spec": spec, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pupil_approve(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    return _pupil_action(request, class_id, student_id, "approve")


@login_required
@require_http_methods(["GET", "POST"])
def pupil_return(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    return _pupil_action(request, class_id, student_id, "return")


@login_required
@require_http_methods(["GET", "POST"])
def pupil_lock(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    return _pupil_action(request, class_id, student_id, "lock")


@login_required
@require_http_methods(["GET", "POST"])
def pupil_unlock(request: HttpRequest, class_id: int, student_id: int) -> HttpResponse:
    return _pupil_action(request, class_id, student_id, "unlock")
