"""Pages of the 欠課簿 (period-level absences of 授業クラス): the list of 授業クラス with their
warnings, a 授業クラス's lesson entry (pick a date and 時限, one click per pupil) with the
month's grid and each pupil's 欠課時数 against the 単位認定 threshold, and the planned
授業時数.

Views are thin: the 授業クラス comes from ``lesson_permissions.access_lesson`` (404 / 403),
writes go through ``lesson_services`` (ValidationError → the message, nothing changed), reads
through ``lesson_selectors``. Every page that shows pupils is audited.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from manabi.access.decisions import duties_of
from manabi.access.functions import Action
from manabi.accounts.selectors import Acting, acting_of
from manabi.attendance import lesson_rules, lesson_selectors, lesson_services, schooldays
from manabi.attendance.forms import parse_day
from manabi.attendance.lesson_forms import (
    PRESENT,
    LessonHoursForm,
    LessonPickForm,
    PeriodMarkForm,
)
from manabi.attendance.lesson_models import PeriodMarkKind
from manabi.attendance.lesson_permissions import (
    access_lesson,
    may_on_lesson,
    require_lesson_reader,
)
from manabi.attendance.selectors import fiscal_months
from manabi.classes.models import LessonClass
from manabi.classes.selectors import lesson_classes_in_reach
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.formerrors import add_validation_errors
from manabi.core.query import query_number


def _detail_url(lesson: LessonClass, day: date, period: int) -> str:
    query = urlencode({"date": day.isoformat(), "period": period})
    return f"{reverse('lessons:detail', args=[lesson.pk])}?{query}"


def _clamp(lesson: LessonClass, day: date) -> date:
    start, end = schooldays.fiscal_year_bounds(lesson.fiscal_year)
    return min(max(day, start), end)


def _pick(request: HttpRequest, lesson: LessonClass) -> tuple[date, int]:
    """``?date=YYYY-MM-DD&period=N`` of the 授業クラス's 年度; anything else → today (within the
    年度) and 1限, with a warning."""
    raw = request.GET.get("date", "")
    day = parse_day(raw) if raw else timezone.localdate()
    if day is None:
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        messages.warning(
            request,
            f"日付の指定「{shown}」は使えないため、今日を表示しています"
            "(YYYY-MM-DD の形で指定してください)。",
        )
        day = timezone.localdate()
    period = query_number(
        request,
        "period",
        label="時限",
        minimum=lesson_rules.PERIOD_MIN,
        maximum=lesson_rules.PERIOD_MAX,
    )
    return _clamp(lesson, day), period or lesson_rules.PERIOD_MIN


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """欠課簿: the 授業クラス one may see, with each one's 欠課 and warnings (one's own first)."""
    acting = acting_of(request)
    reach = require_lesson_reader(acting)
    lessons = list(lesson_classes_in_reach(reach))
    school_id = reach.standing.school_id
    assert school_id is not None
    staff_id = acting.account.staff_id if acting.account is not None else None
    own = duties_of(staff_id, school_id, reach.fiscal_year).lesson_classes
    policy = lesson_selectors.policy_for_school(school_id)
    lines = lesson_selectors.lesson_lines(lessons, policy, own=own)
    lines.sort(key=lambda line: not line.own)  # stable: the reach's order within each part
    return render(
        request,
        "attendance/lessons/index.html",
        {
            "lines": lines,
            "reach": reach,
            "policy": policy,
            "fiscal_year": reach.fiscal_year,
            "warnings": sum(line.warnings for line in lines),
            "over": sum(line.over for line in lines),
        },
    )


def _detail_context(
    acting: Acting,
    lesson: LessonClass,
    day: date,
    period: int,
    *,
    hours_form: LessonHoursForm | None = None,
) -> dict[str, object]:
    members = lesson_selectors.lesson_members(lesson)
    planned = lesson_selectors.planned_hours(lesson)
    policy = lesson_selectors.policy_for_school(lesson.school_id)
    summary = lesson_selectors.lesson_summary(lesson, members, planned, policy)
    grid = lesson_selectors.lesson_month_grid(
        lesson, members, day.year, day.month, also=lesson_selectors.Lesson(day, period)
    )
    months = fiscal_months(lesson.fiscal_year)
    index = months.index((day.year, day.month))
    can_edit = may_on_lesson(acting, lesson, Action.EDIT)
    return {
        "lesson": lesson,
        "day": day,
        "period": period,
        "era_day": wareki.format_date(day),
        "rows": lesson_selectors.period_rows(lesson, members, day, period),
        "grid": grid,
        "summary": summary,
        "planned": planned,
        "policy": policy,
        "threshold": lesson_rules.threshold_hours(planned, policy.ratio) if planned else None,
        "warnings": sum(1 for s in summary if s.assessment.status == lesson_rules.Status.WARNING),
        "over": sum(1 for s in summary if s.assessment.status == lesson_rules.Status.OVER),
        "statuses": lesson_rules.Status,
        "can_edit": can_edit,
        "kinds": [(k.value, k.label) for k in PeriodMarkKind],
        "present": PRESENT,
        "pick_form": LessonPickForm(initial={"date": day, "period": period}),
        "hours_form": hours_form or LessonHoursForm(initial={"planned": planned}),
        "previous_month": date(*months[index - 1], 1) if index > 0 else None,
        "next_month": date(*months[index + 1], 1) if index + 1 < len(months) else None,
    }


def _show(
    request: HttpRequest,
    acting: Acting,
    lesson: LessonClass,
    day: date,
    period: int,
    *,
    hours_form: LessonHoursForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _detail_context(acting, lesson, day, period, hours_form=hours_form)
    audit_record(
        actor=acting,
        action="attendance.lessons.view",
        target=lesson,
        details={"date": day.isoformat(), "period": period},
    )
    return render(request, "attendance/lessons/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A 授業クラス's 欠課簿: one lesson's pupils with one-click marks, the month's lessons with
    marks, and each pupil's 欠課時数 against the threshold."""
    acting = acting_of(request)
    lesson, _ = access_lesson(acting, lesson_id)
    day, period = _pick(request, lesson)
    return _show(request, acting, lesson, day, period)


@login_required
@require_POST
def mark(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """One click: set or clear a pupil's 欠課・遅刻・早退 for the lesson (date, 時限)."""
    acting = acting_of(request)
    lesson, _ = access_lesson(acting, lesson_id, action=Action.EDIT)
    form = PeriodMarkForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            f"入力が正しくありません。{form.error_text()}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    day, period = form.cleaned_data["date"], form.cleaned_data["period"]
    kind = form.kind_value()
    try:
        lesson_services.period_mark_set(
            actor=acting,
            lesson=lesson,
            student_id=form.cleaned_data["student"],
            day=day,
            period=period,
            kind=kind,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
        return redirect(_detail_url(lesson, _clamp(lesson, day), period))
    what = kind.label if kind is not None else "出席"
    messages.success(request, f"{day.month}月{day.day}日 {period}限を「{what}」にしました。")
    return redirect(_detail_url(lesson, day, period))


@login_required
@require_POST
def hours(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The planned annual 授業時数 of the 授業クラス (the base of the 欠課 threshold)."""
    acting = acting_of(request)
    lesson, _ = access_lesson(acting, lesson_id, action=Action.EDIT)
    day, period = _pick(request, lesson)
    form = LessonHoursForm(request.POST)
    if form.is_valid():
        try:
            lesson_services.lesson_hours_set(
                actor=acting, lesson=lesson, planned=form.cleaned_data["planned"]
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(
                request,
                f"{lesson.name}の年間授業時数を{form.cleaned_data['planned']}時間にしました。",
            )
            return redirect(_detail_url(lesson, day, period))
    return _show(request, acting, lesson, day, period, hours_form=form, status=400)
