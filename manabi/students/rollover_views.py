"""Pages of the 年次更新 (year roll-over): the draft of next year, 組編成 in it, and the
switch on 1 April. For the school's record managers (whole school)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from manabi.accounts.selectors import Acting, acting_of
from manabi.classes.models import SchoolClass
from manabi.core.audit import audit_record
from manabi.core.converters import is_digits
from manabi.core.formerrors import add_validation_errors
from manabi.orgs.models import Organisation
from manabi.students import rollover
from manabi.students.forms import ClassChoiceField
from manabi.students.models import Enrolment
from manabi.students.permissions import require_record_manager


def _school(acting: Acting) -> Organisation:
    require_record_manager(acting)
    assert acting.organisation is not None
    return acting.organisation


def _draft_class(school: Organisation, class_id: int, to_year: int) -> SchoolClass:
    found = SchoolClass.objects.filter(
        pk=class_id, school=school, fiscal_year=to_year, is_provisional=True
    ).first()
    if found is None:
        raise Http404
    return found


def _where(acting: Acting) -> tuple[Organisation, date, int, rollover.RolloverState]:
    """The school, today, the year rolled over from, and where its roll-over stands."""
    school = _school(acting)
    today = timezone.localdate()
    from_year = rollover.rollover_from_year(school, today)
    return school, today, from_year, rollover.rollover_state(school, from_year)


@login_required
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    """The state of the roll-over; 「進級の案を作る」 (again, after a confirmation)."""
    acting = acting_of(request)
    school, today, from_year, state = _where(acting)
    if request.method == "POST":
        if state.prepared and request.POST.get("confirm") != "1":
            return render(request, "students/rollover_prepare_confirm.html", {"state": state})
        try:
            rollover.rollover_prepare(actor=acting, school=school, from_year=from_year)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{state.to_year}年度の進級の案を作りました。")
        return redirect("students:rollover")
    return render(
        request,
        "students/rollover.html",
        {"state": state, "school": school, "can_apply": today >= state.apply_from},
    )


class DraftPlaceForm(forms.Form):
    school_class = ClassChoiceField(label="学級", queryset=SchoolClass.objects.none())
    number = forms.IntegerField(label="出席番号", min_value=1, max_value=99, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def draft_class(request: HttpRequest, class_id: int) -> HttpResponse:
    """One class of the draft: its pupils, and moving one to another class (組編成)."""
    acting = acting_of(request)
    school = _school(acting)
    from_year = rollover.rollover_from_year(school, timezone.localdate())
    school_class = _draft_class(school, class_id, from_year + 1)
    classes = SchoolClass.objects.filter(
        school=school, fiscal_year=from_year + 1, is_provisional=True
    ).order_by("grade", "order", "name")
    pupils = (
        Enrolment.objects.filter(school_class=school_class, is_provisional=True)
        .select_related("student")
        .order_by("number", "student__family_kana", "student__given_kana")
    )
    form = DraftPlaceForm(request.POST or None, initial={"school_class": school_class})
    form.fields["school_class"].queryset = classes  # type: ignore[attr-defined]
    if request.method == "POST":
        chosen = request.POST.get("enrolment", "")
        enrolment = (
            pupils.filter(pk=int(chosen)).first()
            if is_digits(chosen) and len(chosen) < 19
            else None
        )
        if enrolment is None:
            raise Http404
        if form.is_valid():
            try:
                rollover.rollover_place(
                    actor=acting,
                    enrolment=enrolment,
                    school_class=form.cleaned_data["school_class"],
                    number=form.cleaned_data["number"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, f"{enrolment.student.name} さんの学級を変更しました。")
                return redirect("students:rollover_class", class_id=school_class.pk)
    audit_record(
        actor=acting,
        action="students.rollover.class_view",
        target=school_class,
        details={"count": len(pupils)},
    )
    return render(
        request,
        "students/rollover_class.html",
        {"school_class": school_class, "pupils": pupils, "form": form, "classes": classes},
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """「新年度に切り替える」: the confirmation, then the switch (from 1 April)."""
    acting = acting_of(request)
    school, today, from_year, state = _where(acting)
    if request.method == "POST":
        try:
            report = rollover.rollover_apply(
                actor=acting, school=school, from_year=from_year, today=today
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("students:rollover")
        messages.success(
            request,
            f"{report.to_year}年度に切り替えました: 学級 {report.classes}、"
            f"在籍 {report.pupils}人、卒業 {report.graduates}人。",
        )
        return redirect("students:roster")
    if not state.prepared:
        messages.info(request, "まだ進級の案がありません。")
        return redirect("students:rollover")
    return render(
        request,
        "students/rollover_apply.html",
        {"state": state, "can_apply": today >= state.apply_from},
    )
