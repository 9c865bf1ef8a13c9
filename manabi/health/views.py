"""Pages of 健康診断: the 学級 one may see, a 学級's grid (身長・体重・視力・聴力, saved as a
whole form, all or nothing, with 肥満度 and 視力 categories computed), a pupil's
児童生徒健康診断票 (一般・歯・口腔) with its forms, and the school's 入力時期設定.

Views are thin: the 学級 or pupil comes from ``health.permissions`` (404 / 403), writes go
through ``services`` (ValidationError → the messages, nothing changed), reads through
``selectors``. Every page that shows pupils' health data is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.access.functions import Action
from manabi.accounts.selectors import Acting, acting_of
from manabi.core.audit import audit_record
from manabi.core.formerrors import add_validation_errors
from manabi.health import permissions, schedule, selectors, services, teeth
from manabi.health.forms import EntryPeriodForm, ExamDateForm
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _date_errors(form: ExamDateForm) -> list[str]:
    return [f"検査日: {m}" for m in form.errors.get("exam_date", [])] or [
        "検査日が正しくありません。"
    ]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """健康診断: the 学級 whose results one may see."""
    acting = acting_of(request)
    reach = permissions.require_lister(acting)
    assert reach.standing.school_id is not None
    window = selectors.entry_window(reach.standing.school_id, reach.fiscal_year)
    return render(
        request,
        "health/index.html",
        {
            "classes": list(selectors.school_classes_in_reach(reach)),
            "fiscal_year": reach.fiscal_year,
            "whole_school": reach.everything,
            "refusal": schedule.entry_refusal(window, timezone.localdate()),
            "window": window,
            "may_set_periods": permissions.may_set_entry_periods(acting),
        },
    )


def _cell_name(student_id: int, key: str) -> str:
    return f"c-{student_id}-{key}"


@login_required
@require_http_methods(["GET", "POST"])
def class_grid(request: HttpRequest, class_id: int) -> HttpResponse:
    """A 学級's pupils × 身長・体重・肥満度・視力・聴力 in one form that saves all or nothing."""
    acting = acting_of(request)
    school_class, _ = permissions.access_class(acting, class_id)
    errors: list[str] = []
    typed: dict[str, str] = {}
    date_form = ExamDateForm(request.POST or None)
    if request.method == "POST":
        permissions.access_class(acting, class_id, action=Action.EDIT)
        pupils = selectors.class_pupils(school_class)
        changes = [
            services.GridCell(e.student_id, key, request.POST[name][:20])
            for e in pupils
            for key, _ in selectors.GRID_FIELDS
            if (name := _cell_name(e.student_id, key)) in request.POST
        ]
        typed = {_cell_name(c.student_id, c.field): c.text for c in changes}
        if not changes:
            errors = ["入力欄が送られていません。画面を開き直してください。"]
        elif not date_form.is_valid():
            errors = _date_errors(date_form)
        else:
            try:
                result = services.grid_save(
                    actor=acting,
                    school_class=school_class,
                    changes=changes,
                    exam_date=date_form.cleaned_data["exam_date"],
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(
                    request,
                    f"{len(result.student_ids)}人分を保存しました。肥満度と視力の判定を計算しました。"
                    if result.student_ids
                    else "変更はありませんでした。",
                )
                return redirect("health:class_grid", school_class.pk)
    grid = selectors.class_grid(school_class, today=timezone.localdate())
    for row in grid.rows:
        row.cells = [
            (key, label, typed.get(_cell_name(row.student.pk, key), text))
            for key, label, text in row.cells
        ]
    audit_record(
        actor=acting,
        action="health.grid.view",
        target=school_class,
        details={"pupils": len(grid.rows)},
    )
    may_edit = grid.refusal is None and permissions.may_on_class(
        acting, school_class, permissions.EXAM, Action.EDIT
    )
    return render(
        request,
        "health/class_grid.html",
        {
            "school_class": school_class,
            "grid": grid,
            "may_edit": may_edit,
            "may_print": permissions.may_on_class(
                acting, school_class, permissions.PRINT, Action.PRINT
            ),
            "errors": errors,
            "date_form": date_form,
        },
        status=400 if errors else 200,
    )


def _quadrant_texts(chart: dict[str, str]) -> dict[str, str]:
    """The stored 歯式 as the four texts of the form (``6C 5/ …``), each quadrant in the order of
    the form's chart (``teeth.ALL_POSITIONS``), whatever order the database kept the keys in."""
    texts: dict[str, list[str]] = {q.value: [] for q in teeth.Quadrant}
    for position in teeth.ALL_POSITIONS:
        mark = chart.get(position.label)
        if mark is not None:
            texts[position.quadrant.value].append(f"{position.tooth}{mark}")
    return {q: " ".join(v) for q, v in texts.items()}


def _pupil_page(
    request: HttpRequest,
    acting: Acting,
    enrolment: Enrolment,
    *,
    exam_errors: list[str] | None = None,
    dental_errors: list[str] | None = None,
    typed: dict[str, str] | None = None,
) -> HttpResponse:
    exam = selectors.exam_of(enrolment)
    dental = selectors.dental_of(enrolment)
    typed = typed or {}
    refusal = schedule.entry_refusal(
        selectors.entry_window(enrolment.school_id, enrolment.fiscal_year), timezone.localdate()
    )
    may_edit = refusal is None and permissions.may_on_pupil(
        acting, enrolment, permissions.EXAM, Action.EDIT
    )
    texts = [
        (key, label, typed.get(key, getattr(exam, key) if exam else ""))
        for key, label in services.TEXT_FIELDS.items()
    ]
    quadrants = _quadrant_texts(dict(dental.chart) if dental else {})
    scales = [
        (
            key,
            item.value,
            typed.get(
                f"scale-{key}",
                "" if dental is None or getattr(dental, key) is None else str(getattr(dental, key)),
            ),
        )
        for key, item in services.SCALE_FIELDS.items()
    ]
    left = selectors.left_on(enrolment.student_id, enrolment.school_id)
    audit_record(
        actor=acting,
        action="health.exam.view",
        target=exam,
        subject=enrolment.student,
        details={"fiscal_year": enrolment.fiscal_year},
    )
    bad = bool(exam_errors or dental_errors)
    return render(
        request,
        "health/pupil.html",
        {
            "enrolment": enrolment,
            "student": enrolment.student,
            "exam": exam,
            "dental": dental,
            "texts": texts,
            "quadrants": [
                (q.value, typed.get(f"q-{q.value}", quadrants[q.value])) for q in teeth.Quadrant
            ],
            "scales": scales,
            "dentist_findings": typed.get(
                "dentist_findings", dental.dentist_findings if dental else ""
            ),
            "dental_follow_up": typed.get("dental_follow_up", dental.follow_up if dental else ""),
            "history": selectors.exam_history(enrolment),
            "retention": schedule.retention_label(left),
            "may_edit": may_edit,
            "may_print": permissions.may_on_pupil(
                acting, enrolment, permissions.PRINT, Action.PRINT
            ),
            "refusal": refusal,
            "exam_errors": exam_errors or [],
            "dental_errors": dental_errors or [],
        },
        status=400 if bad else 200,
    )


@login_required
@require_GET
def pupil(request: HttpRequest, student_id: int) -> HttpResponse:
    """A pupil's 児童生徒健康診断票 of this 年度 (一般・歯・口腔), the years before, and the
    保存期間."""
    acting = acting_of(request)
    enrolment, _ = permissions.access_exam_pupil(acting, student_id)
    return _pupil_page(request, acting, enrolment)


def _back(enrolment: Enrolment, anchor: str) -> HttpResponse:
    return redirect(reverse("health:pupil", args=[enrolment.student_id]) + anchor)


@login_required
@require_POST
def pupil_exam_save(request: HttpRequest, student_id: int) -> HttpResponse:
    """Save the findings of a pupil's 健康診断票 (一般)."""
    acting = acting_of(request)
    enrolment, _ = permissions.access_exam_pupil(acting, student_id, action=Action.EDIT)
    values = {k: request.POST[k] for k in services.TEXT_FIELDS if k in request.POST}
    if not values:
        return _pupil_page(request, acting, enrolment, exam_errors=["入力欄が送られていません。"])
    date_form = ExamDateForm(request.POST)
    try:
        if not date_form.is_valid():
            raise ValidationError(_date_errors(date_form))
        services.exam_save(
            actor=acting,
            enrolment=enrolment,
            values=values,
            exam_date=date_form.cleaned_data["exam_date"],
        )
    except ValidationError as exc:
        return _pupil_page(request, acting, enrolment, exam_errors=_errors(exc), typed=values)
    messages.success(request, "健康診断票 (一般) を保存しました。")
    return _back(enrolment, "#exam")


@login_required
@require_POST
def pupil_dental_save(request: HttpRequest, student_id: int) -> HttpResponse:
    """Save a pupil's 健康診断票 (歯・口腔): 歯式 per quadrant, 0/1/2 and findings."""
    acting = acting_of(request)
    enrolment, _ = permissions.access_exam_pupil(acting, student_id, action=Action.EDIT)
    keys = [f"q-{q.value}" for q in teeth.Quadrant] + [f"scale-{k}" for k in services.SCALE_FIELDS]
    typed = {k: request.POST.get(k, "") for k in [*keys, "dentist_findings", "dental_follow_up"]}
    if not any(k in request.POST for k in keys):
        return _pupil_page(request, acting, enrolment, dental_errors=["入力欄が送られていません。"])
    date_form = ExamDateForm(request.POST)
    try:
        if not date_form.is_valid():
            raise ValidationError(_date_errors(date_form))
        services.dental_save(
            actor=acting,
            enrolment=enrolment,
            quadrants={q.value: typed[f"q-{q.value}"] for q in teeth.Quadrant},
            scales={k: typed[f"scale-{k}"] for k in services.SCALE_FIELDS},
            dentist_findings=typed["dentist_findings"],
            follow_up=typed["dental_follow_up"],
            exam_date=date_form.cleaned_data["exam_date"],
        )
    except ValidationError as exc:
        return _pupil_page(request, acting, enrolment, dental_errors=_errors(exc), typed=typed)
    messages.success(request, "健康診断票 (歯・口腔) を保存しました。")
    return _back(enrolment, "#dental")


@login_required
@require_http_methods(["GET", "POST"])
def entry_periods(request: HttpRequest) -> HttpResponse:
    """入力時期設定(学校): when this 年度's 健康診断 results may be entered."""
    acting = acting_of(request)
    reach = permissions.require_entry_periods(acting, action=Action.VIEW)
    assert reach.standing.school_id is not None
    school = Organisation.objects.get(pk=reach.standing.school_id)
    year = reach.fiscal_year
    current = selectors.entry_period(school.pk, year)
    initial: dict[str, Any] = {"fiscal_year": year}
    if current is not None:
        initial.update(
            opens_on=current.opens_on, closes_on=current.closes_on, closed=current.closed
        )
    form = EntryPeriodForm(
        request.POST if request.method == "POST" else None, initial=initial, fiscal_year=year
    )
    if request.method == "POST":
        permissions.require_entry_periods(acting, action=Action.EDIT)
        if form.is_valid():
            try:
                services.entry_period_save(
                    actor=acting,
                    school=school,
                    fiscal_year=year,
                    opens_on=form.cleaned_data["opens_on"],
                    closes_on=form.cleaned_data["closes_on"],
                    closed=form.cleaned_data["closed"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"{year}年度の入力時期を保存しました。")
                return redirect("health:entry_periods")
    return render(
        request,
        "health/entry_periods.html",
        {
            "form": form,
            "fiscal_year": year,
            "school": school,
            "current": current,
            "may_edit": permissions.may_set_entry_periods(acting),
        },
        status=400 if form.errors else 200,
    )
