"""Pages of the 学籍: the class list (名簿) scoped by 別表1, one pupil's record, 入学・転入,
changes, 組編成, the board's counts, and the printed / Excel class list.

Every page that shows pupils is audited (who looked at which list or record)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from manabi.access.functions import Action
from manabi.accounts.selectors import acting_of
from manabi.classes.selectors import classes_in_reach, current_fiscal_year
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.formerrors import add_validation_errors, filter_values
from manabi.core.pdf import PdfUnavailable, pdf_response
from manabi.core.query import query_number
from manabi.core.xlsx import streaming_xlsx_response
from manabi.orgs.selectors import schools_in_jurisdiction
from manabi.students import roster_import, services
from manabi.students.forms import (
    AdmissionForm,
    PlaceForm,
    RosterFilterForm,
    StudentForm,
    guardian_formset,
    guardian_initial,
)
from manabi.students.models import PRESENT_STATUSES
from manabi.students.permissions import (
    access_student,
    access_student_for_change,
    can_manage_records,
    can_see_counts,
    may_export_oneroster,
    require_record_manager,
    require_roster_reader,
    roster_output_reach,
    roster_reach,
)
from manabi.students.selectors import (
    enrolment_history,
    enrolments_in_reach,
    filter_roster,
    pupil_counts,
    student_detail,
    transfer_from,
)

PAGE_SIZE = 100
ROSTER_HEADER = [
    "学年",
    "学級",
    "出席番号",
    "児童生徒コード",
    "氏名",
    "ふりがな",
    "通称名",
    "性別",
    "生年月日",
    "在籍状況",
]


def _filtered(request: HttpRequest, reach: Any) -> tuple[RosterFilterForm, Any]:
    classes = classes_in_reach(reach)
    form = RosterFilterForm(request.GET or None, classes=classes)
    d = _filters_of(form)
    enrolments = enrolments_in_reach(reach)
    if d:
        enrolments = filter_roster(
            enrolments, school_class_id=d["class"], grade=d["grade"], q=d["q"]
        )
    return form, enrolments


def _filters_of(form: RosterFilterForm) -> dict[str, Any]:
    """The valid conditions of the filter form (a bad one is left out; the page says so)."""
    if not form.is_bound:
        return {}
    d = filter_values(form)
    return {
        "class": d["school_class"].pk if d.get("school_class") else None,
        "grade": d.get("grade"),
        "q": d.get("q", ""),
    }


@login_required
@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    """児童生徒名簿: the pupils the 別表1 scope reaches (class, grade or school)."""
    acting = acting_of(request)
    if roster_reach(acting) is None and can_see_counts(acting):
        return redirect("students:counts")
    reach = require_roster_reader(acting)
    form, enrolments = _filtered(request, reach)
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=acting,
        action="students.list",
        target=acting.organisation,
        details={**_filters_of(form), "count": len(page.object_list), "page": page.number},
    )
    return render(
        request,
        "students/roster.html",
        {
            "form": form,
            "page": page,
            "reach": reach,
            "fiscal_year": reach.fiscal_year,
            "manager": can_manage_records(roster_reach(acting, action=Action.EDIT)),
            "importer": roster_import.may_import(acting),
            "present": PRESENT_STATUSES,
        },
    )


@login_required
@require_GET
def counts(request: HttpRequest) -> HttpResponse:
    """在籍者数: what a board sees of the pupils of its schools (counts, never names)."""
    acting = acting_of(request)
    if not can_see_counts(acting):
        raise PermissionDenied
    year = (
        query_number(request, "fiscal_year", label="年度", minimum=2000, maximum=2100)
        or current_fiscal_year()
    )
    rows = pupil_counts(schools_in_jurisdiction(acting).values("pk"), year)
    schools: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = schools.setdefault(
            row.school_id, {"name": row.school_name, "grades": {}, "total": 0}
        )
        entry["grades"][row.grade] = row.pupils
        entry["total"] += row.pupils
    grades = sorted({row.grade for row in rows})
    audit_record(actor=acting, action="students.counts", details={"fiscal_year": year})
    return render(
        request,
        "students/counts.html",
        {
            "fiscal_year": year,
            "grades": grades,
            "schools": [
                {**v, "cells": [v["grades"].get(g, 0) for g in grades]} for v in schools.values()
            ],
            "total": sum(row.pupils for row in rows),
            "oneroster": may_export_oneroster(acting),
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, student_id: int) -> HttpResponse:
    """One pupil's 学籍 (audited). A school that the pupil has left reads its own period: the
    record as it was handed over, not what the new school has written since."""
    acting = acting_of(request)
    enrolment = access_student(acting, student_id)
    student = student_detail(student_id)
    transfer = transfer_from(enrolment) if enrolment.status not in PRESENT_STATUSES else None
    snapshot = None
    if transfer is not None and transfer.package:
        snapshot = transfer.package.get("sections", {}).get("gakuseki")
    audit_record(
        actor=acting,
        action="students.student.view",
        target=student,
        subject=student,
        details={"enrolment": enrolment.pk},
    )
    manager = can_manage_records(roster_reach(acting, action=Action.EDIT))
    return render(
        request,
        "students/detail.html",
        {
            "student": student,
            "enrolment": enrolment,
            "history": enrolment_history(student, school_id=enrolment.school_id),
            "guardians": list(student.guardians.all()),
            "transfer": transfer,
            "snapshot": snapshot,
            "manager": manager and enrolment.status in PRESENT_STATUSES,
            "birth_wareki": wareki.format_date(student.birth_date),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """入学・転入の登録: a new pupil and their enrolment at the acting school."""
    acting = acting_of(request)
    reach = require_record_manager(acting)
    classes = classes_in_reach(reach)
    form = AdmissionForm(request.POST or None, classes=classes)
    guardians = guardian_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and guardians.is_valid():
        assert acting.organisation is not None
        d = form.cleaned_data
        try:
            enrolment = services.student_admit(
                actor=acting,
                code=d["code"],
                data=form.data_object(),
                guardians=guardians.guardians(),
                school=acting.organisation,
                fiscal_year=reach.fiscal_year,
                school_class=d["school_class"],
                start_date=d["start_date"],
                number=d["number"],
                transferred_in=d["transferred_in"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, f"{enrolment.student.name} さんを登録しました。")
            return redirect("students:detail", student_id=enrolment.student_id)
    return render(
        request,
        "students/student_form.html",
        {"form": form, "guardians": guardians, "title": "入学・転入の登録"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, student_id: int) -> HttpResponse:
    """学籍の変更 (氏名, 住所, 保護者 …): record managers only, audited with the fields."""
    acting = acting_of(request)
    enrolment = access_student_for_change(acting, student_id)
    student = student_detail(student_id)
    if request.method == "POST":
        form = StudentForm(request.POST)
        guardians = guardian_formset(request.POST)
    else:
        form = StudentForm(initial=StudentForm.initial_of(student))
        guardians = guardian_formset(initial=guardian_initial(student))
    if request.method == "POST" and form.is_valid() and guardians.is_valid():
        try:
            changed = services.student_update(
                actor=acting,
                student=student,
                data=form.data_object(),
                guardians=guardians.guardians(),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if changed:
                messages.success(request, "学籍を変更しました。")
            else:
                messages.info(request, "変更はありませんでした。")
            return redirect("students:detail", student_id=student.pk)
    return render(
        request,
        "students/student_form.html",
        {
            "form": form,
            "guardians": guardians,
            "student": student,
            "enrolment": enrolment,
            "title": f"学籍の変更: {student.name}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def place(request: HttpRequest, student_id: int) -> HttpResponse:
    """組編成・出席番号の変更."""
    acting = acting_of(request)
    enrolment = access_student_for_change(acting, student_id)
    reach = require_record_manager(acting)
    classes = classes_in_reach(reach)
    form = PlaceForm(
        request.POST or None,
        classes=classes,
        initial={"school_class": enrolment.school_class_id, "number": enrolment.number},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_place(
                actor=acting,
                enrolment=enrolment,
                school_class=form.cleaned_data["school_class"],
                number=form.cleaned_data["number"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "学級と出席番号を変更しました。")
            return redirect("students:detail", student_id=student_id)
    return render(
        request,
        "students/place.html",
        {"form": form, "student": enrolment.student, "enrolment": enrolment},
    )


def _output_rows(enrolments: Any) -> Any:
    for e in enrolments.iterator(chunk_size=1000):
        s = e.student
        yield [
            e.grade,
            e.school_class.label if e.school_class else "",
            e.number or "",
            s.code,
            s.name,
            s.kana,
            s.common_name,
            s.get_sex_display(),
            s.birth_date,
            e.get_status_display(),
        ]


@login_required
@require_GET
def roster_xlsx(request: HttpRequest) -> HttpResponseBase:
    """児童生徒名簿の Excel出力 (the filters of the list apply)."""
    acting = acting_of(request)
    reach = roster_output_reach(acting)
    form, enrolments = _filtered(request, reach)
    if form.errors:
        # An export never widens: with a bad condition, nothing is written.
        messages.error(request, "絞り込みの条件に誤りがあるため、Excel に出力していません。")
        return redirect(f"{reverse('students:roster')}?{request.GET.urlencode()}")
    audit_record(
        actor=acting,
        action="students.roster.excel_out",
        target=acting.organisation,
        details=_filters_of(form),
    )
    return streaming_xlsx_response(
        _output_rows(enrolments),
        filename=f"児童生徒名簿_{reach.fiscal_year}年度.xlsx",
        header=ROSTER_HEADER,
        sheet_name="児童生徒名簿",
    )


@login_required
@require_GET
def roster_pdf(request: HttpRequest) -> HttpResponse:
    """名簿印刷: A4 class lists, one page per 学級, dates in 和暦."""
    acting = acting_of(request)
    reach = roster_output_reach(acting)
    form, enrolments = _filtered(request, reach)
    groups: dict[Any, dict[str, Any]] = {}
    for e in enrolments.filter(status__in=PRESENT_STATUSES):
        key = e.school_class_id
        group = groups.setdefault(
            key,
            {"label": e.school_class.label if e.school_class else f"{e.grade}年 (学級未定)"},
        )
        group.setdefault("rows", []).append(
            {
                "number": e.number or "",
                "name": e.student.display_name,
                "kana": e.student.kana,
                "sex": e.student.get_sex_display(),
                "birth": wareki.format_date(e.student.birth_date),
            }
        )
    if not groups:
        messages.error(request, "印刷する児童生徒がいません。絞り込みを確かめてください。")
        return redirect("students:roster")
    audit_record(
        actor=acting,
        action="students.roster.print",
        target=acting.organisation,
        details=_filters_of(form),
    )
    try:
        return pdf_response(
            request,
            "students/pdf/roster.html",
            {
                "school": acting.organisation,
                "fiscal_year": wareki.format_fiscal_year(reach.fiscal_year),
                "groups": list(groups.values()),
                "printed_on": wareki.format_date(timezone.localdate()),
            },
            filename=f"児童生徒名簿_{reach.fiscal_year}年度.pdf",
        )
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("students:roster")
