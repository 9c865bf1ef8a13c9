"""Pages of the classes of a school year: 学級 and 授業クラス, their pupils (scoped by 別表1,
audited) and who is assigned to them (担任・副担任, 学年主任・学年所属, 教科担当).

They live in the students app because a class page lists pupils; the classes app below it
knows nothing of pupils."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.access.functions import Action
from manabi.accounts.selectors import Acting, acting_of
from manabi.classes import services as class_services
from manabi.classes.models import DutyKind, LessonClass, SchoolClass
from manabi.classes.selectors import (
    classes_in_reach,
    duties_by_class,
    lesson_classes_in_reach,
    school_staff,
)
from manabi.core.audit import audit_record
from manabi.core.formerrors import add_validation_errors
from manabi.orgs.models import Organisation
from manabi.students import services
from manabi.students.class_forms import DutyForm, LessonClassForm, MembersForm, SchoolClassForm
from manabi.students.models import PRESENT_STATUSES, LessonMembership
from manabi.students.permissions import (
    access_class,
    access_duty_for_change,
    access_lesson_class,
    can_manage_records,
    require_record_manager,
    require_roster_reader,
    roster_reach,
)
from manabi.students.selectors import class_sizes, enrolments_in_reach

CLASS_KINDS = [DutyKind.HOMEROOM, DutyKind.ASSISTANT_HOMEROOM]
GRADE_KINDS = [DutyKind.GRADE_HEAD, DutyKind.GRADE_MEMBER]


def _manager(acting: Acting) -> bool:
    return can_manage_records(roster_reach(acting, action=Action.EDIT))


@login_required
@require_GET
def class_list(request: HttpRequest) -> HttpResponse:
    """学級・授業クラスの一覧 with sizes and teachers (no pupil names here)."""
    acting = acting_of(request)
    reach = require_roster_reader(acting)
    assert reach.standing.school_id is not None
    classes = list(classes_in_reach(reach))
    sizes = class_sizes(enrolments_in_reach(reach))
    by_class, by_grade, by_lesson = duties_by_class(reach.standing.school_id, reach.fiscal_year)
    manager = _manager(acting)
    grades = sorted({c.grade for c in classes})
    return render(
        request,
        "classes/class_list.html",
        {
            "fiscal_year": reach.fiscal_year,
            "rows": [
                {"class": c, "size": sizes.get(c.pk, 0), "duties": by_class.get(c.pk, [])}
                for c in classes
            ],
            "grades": [{"grade": g, "duties": by_grade.get(g, [])} for g in grades],
            "lessons": [
                {"lesson": lc, "duties": by_lesson.get(lc.pk, [])}
                for lc in lesson_classes_in_reach(reach)
            ],
            "manager": manager,
            "grade_form": DutyForm(staff=school_staff(reach.standing.school_id), kinds=GRADE_KINDS)
            if manager
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def class_create(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    reach = require_record_manager(acting)
    form = SchoolClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert acting.organisation is not None
        d = form.cleaned_data
        try:
            made = class_services.school_class_create(
                actor=acting,
                school=acting.organisation,
                fiscal_year=reach.fiscal_year,
                grade=d["grade"],
                name=d["name"],
                kind=d["kind"],
                order=d["order"] or 0,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, f"{made.label}を作りました。")
            return redirect("classes:detail", class_id=made.pk)
    return render(
        request,
        "classes/form.html",
        {"form": form, "title": f"学級の追加 ({reach.fiscal_year}年度)"},
    )


@login_required
@require_GET
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    """One 学級: its pupils (audited) and teachers."""
    acting = acting_of(request)
    school_class, reach = access_class(acting, class_id)
    pupils = list(enrolments_in_reach(reach).filter(school_class=school_class))
    by_class, _, _ = duties_by_class(school_class.school_id, school_class.fiscal_year)
    audit_record(
        actor=acting,
        action="classes.class.view",
        target=school_class,
        details={"count": len(pupils)},
    )
    manager = _manager(acting)
    return render(
        request,
        "classes/class_detail.html",
        {
            "school_class": school_class,
            "pupils": pupils,
            "present": PRESENT_STATUSES,
            "duties": by_class.get(school_class.pk, []),
            "manager": manager,
            "duty_form": DutyForm(staff=school_staff(school_class.school_id), kinds=CLASS_KINDS)
            if manager
            else None,
        },
    )


def _assign(
    request: HttpRequest,
    acting: Acting,
    form: DutyForm,
    *,
    school_class: SchoolClass | None = None,
    lesson_class: LessonClass | None = None,
    school: Organisation | None = None,
    fiscal_year: int | None = None,
) -> None:
    if not form.is_valid():
        messages.error(
            request, "担当の登録: " + " ".join(str(e) for es in form.errors.values() for e in es)
        )
        return
    d = form.cleaned_data
    try:
        duty = class_services.duty_assign(
            actor=acting,
            staff=d["staff"],
            kind=d["kind"],
            grade=d.get("grade"),
            school_class=school_class,
            lesson_class=lesson_class,
            school=school,
            fiscal_year=fiscal_year,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"{duty.staff.display_name} さんを{duty.get_kind_display()}にしました。"
        )


@login_required
@require_POST
def class_duty_assign(request: HttpRequest, class_id: int) -> HttpResponse:
    acting = acting_of(request)
    school_class, _ = access_class(acting, class_id)
    require_record_manager(acting)
    form = DutyForm(request.POST, staff=school_staff(school_class.school_id), kinds=CLASS_KINDS)
    _assign(request, acting, form, school_class=school_class)
    return redirect("classes:detail", class_id=school_class.pk)


@login_required
@require_POST
def grade_duty_assign(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    reach = require_record_manager(acting)
    assert acting.organisation is not None
    form = DutyForm(request.POST, staff=school_staff(acting.organisation.pk), kinds=GRADE_KINDS)
    _assign(request, acting, form, school=acting.organisation, fiscal_year=reach.fiscal_year)
    return redirect("classes:list")


@login_required
@require_http_methods(["GET", "POST"])
def duty_remove(request: HttpRequest, duty_id: int) -> HttpResponse:
    """担当の解除, after a confirmation page."""
    acting = acting_of(request)
    duty = access_duty_for_change(acting, duty_id)
    back = (
        redirect("classes:detail", class_id=duty.school_class_id)
        if duty.school_class_id
        else redirect("classes:lesson_detail", lesson_id=duty.lesson_class_id)
        if duty.lesson_class_id
        else redirect("classes:list")
    )
    if request.method == "POST":
        class_services.duty_remove(actor=acting, duty=duty)
        messages.success(
            request, f"{duty.staff.display_name} さんの{duty.get_kind_display()}を解除しました。"
        )
        return back
    return render(request, "classes/duty_remove.html", {"duty": duty, "back": back["Location"]})


@login_required
@require_http_methods(["GET", "POST"])
def lesson_create(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    reach = require_record_manager(acting)
    form = LessonClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert acting.organisation is not None
        d = form.cleaned_data
        try:
            made = class_services.lesson_class_create(
                actor=acting,
                school=acting.organisation,
                fiscal_year=reach.fiscal_year,
                subject=d["subject"],
                name=d["name"],
                grade=d["grade"],
                elective=d["elective"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, f"授業クラス「{made.name}」を作りました。")
            return redirect("classes:lesson_detail", lesson_id=made.pk)
    return render(
        request,
        "classes/form.html",
        {"form": form, "title": f"授業クラスの追加 ({reach.fiscal_year}年度)"},
    )


@login_required
@require_GET
def lesson_detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """One 授業クラス: its pupils (audited) and 教科担当."""
    acting = acting_of(request)
    lesson, reach = access_lesson_class(acting, lesson_id)
    members = LessonMembership.objects.filter(lesson_class=lesson).values("student_id")
    pupils = list(
        enrolments_in_reach(reach).filter(student_id__in=members, status__in=PRESENT_STATUSES)
    )
    _, _, by_lesson = duties_by_class(lesson.school_id, lesson.fiscal_year)
    audit_record(
        actor=acting,
        action="classes.lesson_class.view",
        target=lesson,
        details={"count": len(pupils)},
    )
    manager = _manager(acting)
    return render(
        request,
        "classes/lesson_detail.html",
        {
            "lesson": lesson,
            "pupils": pupils,
            "duties": by_lesson.get(lesson.pk, []),
            "manager": manager,
            "duty_form": DutyForm(staff=school_staff(lesson.school_id), kinds=[DutyKind.SUBJECT])
            if manager
            else None,
        },
    )


@login_required
@require_POST
def lesson_duty_assign(request: HttpRequest, lesson_id: int) -> HttpResponse:
    acting = acting_of(request)
    lesson, _ = access_lesson_class(acting, lesson_id)
    require_record_manager(acting)
    form = DutyForm(request.POST, staff=school_staff(lesson.school_id), kinds=[DutyKind.SUBJECT])
    _assign(request, acting, form, lesson_class=lesson)
    return redirect("classes:lesson_detail", lesson_id=lesson.pk)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_members(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """履修者の登録: tick the pupils of the school year who take the 授業クラス."""
    acting = acting_of(request)
    lesson, _ = access_lesson_class(acting, lesson_id)
    reach = require_record_manager(acting)
    candidates = enrolments_in_reach(reach, present_only=True)
    if lesson.grade is not None:
        candidates = candidates.filter(grade=lesson.grade)
    choices = [
        (
            e.student_id,
            f"{e.school_class.label if e.school_class else e.grade} {e.number or ''} "
            f"{e.student.display_name}",
        )
        for e in candidates
    ]
    current = list(
        LessonMembership.objects.filter(lesson_class=lesson).values_list("student_id", flat=True)
    )
    form = MembersForm(request.POST or None, choices=choices, initial={"students": current})
    if request.method == "POST" and form.is_valid():
        try:
            added, removed = services.lesson_members_set(
                actor=acting, lesson_class=lesson, student_ids=form.cleaned_data["students"]
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, f"履修者を更新しました(追加 {added} 名、削除 {removed} 名)。")
            return redirect("classes:lesson_detail", lesson_id=lesson.pk)
    return render(request, "classes/lesson_members.html", {"form": form, "lesson": lesson})
