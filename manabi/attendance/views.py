"""Pages of the attendance book (出席簿): the classes and today's roll calls, a class's month
grid (htmx: one click or key per mark), the one-day phone view, marks over a period,
臨時休業, the monthly 締め・ロック・解除, and the school calendar.

Views are thin: the class comes from ``permissions.access_book`` (404 / 403), writes go
through ``services`` (ValidationError → the message, nothing changed), reads through
``selectors``. Every page that shows pupils is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from manabi.access.functions import Action
from manabi.accounts.selectors import Acting, acting_of
from manabi.attendance import schooldays, selectors, services
from manabi.attendance.choices import AbsenceReason, MonthState
from manabi.attendance.forms import (
    PEN_KEYS,
    PENS,
    CalendarDayForm,
    ClosureForm,
    DayForm,
    MarkForm,
    MonthForm,
    PupilDayForm,
    QuickForm,
    RangeForm,
    UnlockForm,
    parse_day,
    parse_month,
)
from manabi.attendance.grid_html import row_html
from manabi.attendance.models import AbsenceNotice, CalendarDay, Mark
from manabi.attendance.permissions import (
    access_book,
    access_book_for_lock,
    book_reach,
    may,
    may_lock,
    require_book_reader,
)
from manabi.classes.models import SchoolClass
from manabi.classes.selectors import classes_in_reach
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.formerrors import add_validation_errors


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _today() -> date:
    return timezone.localdate()


def _default_month(school_class: SchoolClass) -> tuple[int, int]:
    """This month when it is in the class's 年度, else the 年度's first (or last) month."""
    today = _today()
    if schooldays.fiscal_year_of(today) == school_class.fiscal_year:
        return today.year, today.month
    if today < date(school_class.fiscal_year, 4, 1):
        return school_class.fiscal_year, 4
    return school_class.fiscal_year + 1, 3


def _month_of(request: HttpRequest, school_class: SchoolClass) -> tuple[int, int]:
    """``?month=YYYY-MM`` of the class's 年度; anything else → the default, with a warning."""
    raw = request.GET.get("month", "")
    if not raw:
        return _default_month(school_class)
    parsed = parse_month(raw)
    if parsed is None or schooldays.fiscal_year_of(date(*parsed, 1)) != school_class.fiscal_year:
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        messages.warning(
            request,
            f"月の指定「{shown}」は使えないため、{_default_month(school_class)[1]}月を表示しています"
            f"({school_class.fiscal_year}年度の月を YYYY-MM の形で指定してください)。",
        )
        return _default_month(school_class)
    return parsed


def _day_of(request: HttpRequest, school_class: SchoolClass | None = None) -> date:
    raw = request.GET.get("date", "")
    today = _today()
    if not raw:
        day = today
    else:
        parsed = parse_day(raw)
        if parsed is None:
            shown = raw if len(raw) <= 20 else raw[:20] + "…"
            messages.warning(
                request,
                f"日付の指定「{shown}」は使えないため、今日を表示しています(YYYY-MM-DD の形で指定してください)。",
            )
            parsed = today
        day = parsed
    if school_class is not None and schooldays.fiscal_year_of(day) != school_class.fiscal_year:
        start, end = schooldays.fiscal_year_bounds(school_class.fiscal_year)
        day = min(max(day, start), end)
    return day


def _month_url(school_class: SchoolClass, year: int, month: int) -> str:
    return f"{reverse('attendance:month', args=[school_class.pk])}?month={year:04d}-{month:02d}"


def _day_url(school_class: SchoolClass, day: date) -> str:
    return f"{reverse('attendance:day', args=[school_class.pk])}?date={day.isoformat()}"


def _back(request: HttpRequest, school_class: SchoolClass, day: date) -> HttpResponse:
    """Back to the page the form was on: the day view or the month grid."""
    if request.POST.get("back") == "day":
        return redirect(_day_url(school_class, day))
    return redirect(_month_url(school_class, day.year, day.month))


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """出席簿: the classes one may see, with the day's roll call (「未確認」 first for the office
    and the principal)."""
    acting = acting_of(request)
    reach = require_book_reader(acting)
    day = _day_of(request)
    if schooldays.fiscal_year_of(day) != reach.fiscal_year:
        reach = require_book_reader(acting, fiscal_year=schooldays.fiscal_year_of(day))
    classes = list(classes_in_reach(reach))
    rows = selectors.roll_calls_on(classes, day)
    own = _own_classes(acting, reach.fiscal_year)
    waiting = [r for r in rows if r.lesson and r.taken is None]
    return render(
        request,
        "attendance/index.html",
        {
            "day": day,
            "rows": rows,
            "own": [r for r in rows if r.school_class.pk in own],
            "waiting": waiting,
            "reach": reach,
            "previous": day.fromordinal(day.toordinal() - 1),
            "next": day.fromordinal(day.toordinal() + 1),
            "calendar_editor": may_lock(book_reach(acting, action=Action.LOCK)),
            "report_links": (
                [{"label": "出欠の集計", "url": reverse("attendance_reports:school_summary")}]
                if reach.everything
                else []
            ),
        },
    )


def _own_classes(acting: Acting, fiscal_year: int) -> set[int]:
    from manabi.access.decisions import duties_of

    if acting.account is None or acting.organisation is None:
        return set()
    duties = duties_of(acting.account.staff_id, acting.organisation.pk, fiscal_year)
    return set(duties.classes)


def _output_links(
    acting: Acting, school_class: SchoolClass, year: int, month: int
) -> list[dict[str, str]]:
    """The outputs of the class's book that ``acting`` may take (印刷, Excel出力, 年間集計)."""
    query = f"?month={year:04d}-{month:02d}"
    wanted = []
    if may(acting, school_class, Action.PRINT):
        wanted.append(("印刷 (PDF)", "attendance_reports:month_pdf", query))
    if may(acting, school_class, Action.EXCEL_OUT):
        wanted.append(("Excel出力", "attendance_reports:month_xlsx", query))
    wanted.append(("年間の集計 (指導要録)", "attendance_reports:class_year", ""))
    if may(acting, school_class, Action.EDIT):
        wanted.append(("保護者連絡用リンク", "guardian:links", ""))
    return [
        {"label": label, "url": reverse(name, args=[school_class.pk]) + q}
        for label, name, q in wanted
    ]


def _grid_context(
    request: HttpRequest, acting: Acting, school_class: SchoolClass, year: int, month: int
) -> dict[str, object]:
    grid = selectors.month_grid(school_class, year, month)
    can_edit = may(acting, school_class, Action.EDIT)
    lock_reach = book_reach(acting, action=Action.LOCK, fiscal_year=school_class.fiscal_year)
    from manabi.attendance.permissions import covers

    months = selectors.fiscal_months(school_class.fiscal_year)
    index = months.index((year, month))
    today = _today()
    quick_url = reverse("attendance:quick", args=[school_class.pk])
    return {
        "grid": grid,
        "rows_html": [
            row_html(row, quick_url=quick_url, can_edit=can_edit and grid.open, today=today)
            for row in grid.rows
        ],
        "school_class": school_class,
        "era_month": f"{wareki.format_era_year(year)}{month}月",
        "day_link": today if (today.year, today.month) == (year, month) else date(year, month, 1),
        "output_links": _output_links(acting, school_class, year, month),
        "can_edit": can_edit and grid.open,
        "editor": can_edit,
        "can_close": covers(lock_reach, school_class),
        "can_lock": may_lock(lock_reach) and covers(lock_reach, school_class),
        "month_value": f"{year:04d}-{month:02d}",
        "months": [(y, m, f"{y:04d}-{m:02d}") for y, m in months],
        "previous": months[index - 1] if index > 0 else None,
        "following": months[index + 1] if index + 1 < len(months) else None,
        "pens": [(k, label) for k, (label, _) in PENS.items()],
        "pen_keys": {v: k for k, v in PEN_KEYS.items()},
        "today": today,
        "states": MonthState,
    }


@login_required
@require_GET
def month(request: HttpRequest, class_id: int) -> HttpResponse:
    """The month grid of a class: pupils × days."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id)
    year, month_ = _month_of(request, school_class)
    context = _grid_context(request, acting, school_class, year, month_)
    audit_record(
        actor=acting,
        action="attendance.month.view",
        target=school_class,
        details={"month": context["month_value"]},
    )
    return render(request, "attendance/month.html", context)


def _cell_response(
    request: HttpRequest,
    school_class: SchoolClass,
    student_id: int,
    day: date,
    *,
    can_edit: bool,
    error: str = "",
) -> HttpResponse:
    """The pupil's row of the grid (their cell and month totals), after a change."""
    grid = selectors.month_grid(school_class, day.year, day.month, student_id=student_id)
    row = grid.rows[0] if grid.rows else None
    if row is None:
        raise Http404
    index = next(i for i, d in enumerate(grid.days) if d.date == day)
    html = row_html(
        row,
        quick_url=reverse("attendance:quick", args=[school_class.pk]),
        can_edit=can_edit and grid.open,
        today=_today(),
    )
    # A fragment: no context processors (the header's menus and badges are not in it).
    return HttpResponse(
        render_to_string(
            "attendance/_cell_update.html",
            {"row": row, "row_html": html, "cell": row.cells[index], "error": error},
        )
    )


@login_required
@require_POST
def quick(request: HttpRequest, class_id: int) -> HttpResponse:
    """One click or key: the pen's mark merged into a pupil's day (a 遅刻 keeps the day's 早退
    and 備考; htmx, a page post redirects)."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EDIT)
    form = QuickForm(request.POST)
    if not form.is_valid():
        return HttpResponse("入力が正しくありません。", status=400)
    student_id, day = form.cleaned_data["student"], form.cleaned_data["date"]
    _label, pen = PENS[form.cleaned_data["pen"]]
    error = ""
    try:
        services.mark_pen(
            actor=acting, school_class=school_class, student_id=student_id, day=day, pen=pen
        )
    except ValidationError as exc:
        error = " ".join(_errors(exc))
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        return _back(request, school_class, day)
    response = _cell_response(request, school_class, student_id, day, can_edit=True, error=error)
    if error:
        response["HX-Trigger"] = '{"attendance-error": null}'
    return response


def _reasons_for(school_class: SchoolClass, mark: Mark | None) -> list[selectors.ReasonOption]:
    """The school's 欠席の理由, and the day's own reason when the list no longer has it (a
    reason the board has since retired, or the shipped one before the board made a list), so
    that saving the day again keeps it."""
    options = list(selectors.reason_options(school_class.school_id))
    if mark is not None and mark.reason:
        label = mark.reason_label or AbsenceReason(mark.reason).label
        if label not in {o.label for o in options}:
            options.append(selectors.ReasonOption(label, AbsenceReason(mark.reason)))
    return options


@login_required
@require_http_methods(["GET", "POST"])
def cell(request: HttpRequest, class_id: int) -> HttpResponse:
    """A pupil's day in full: 欠席の理由, 出席停止, 出席扱い, 遅刻・早退 with times, 備考."""
    acting = acting_of(request)
    school_class, _ = access_book(
        acting, class_id, action=Action.EDIT if request.method == "POST" else Action.VIEW
    )
    source = request.POST if request.method == "POST" else request.GET
    which = PupilDayForm(source)
    if not which.is_valid():
        raise Http404
    student_id, day = which.cleaned_data["student"], which.cleaned_data["date"]
    grid = selectors.month_grid(school_class, day.year, day.month)
    row = next((r for r in grid.rows if r.enrolment.student_id == student_id), None)
    target = next((c for c in row.cells if c.date == day), None) if row is not None else None
    if row is None or target is None or schooldays.fiscal_year_of(day) != school_class.fiscal_year:
        raise Http404
    if request.method == "POST":
        form = MarkForm(request.POST, reasons=_reasons_for(school_class, target.mark))
        if form.is_valid():
            try:
                services.mark_set(
                    actor=acting,
                    school_class=school_class,
                    student_id=student_id,
                    day=day,
                    data=form.data_object(),
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                if _is_htmx(request):
                    saved = _cell_response(request, school_class, student_id, day, can_edit=True)
                    saved["HX-Trigger"] = "attendance-saved"  # closes the dialog
                    return saved
                messages.success(
                    request,
                    f"{row.enrolment.student.display_name}さんの{day.month}月{day.day}日を記録しました。",
                )
                return _back(request, school_class, day)
    else:
        mark = target.mark
        initial = (
            {
                "status": mark.status,
                "reason": mark.reason_label
                or (AbsenceReason(mark.reason).label if mark.reason else ""),
                "deemed_kind": mark.deemed_kind,
                "detail": mark.detail,
                "late": mark.late,
                "early": mark.early,
                "arrived_at": mark.arrived_at,
                "left_at": mark.left_at,
                "note": mark.note,
            }
            if mark is not None
            else {}
        )
        if target.notice is not None and mark is None:
            initial = {"note": "保護者連絡あり"}
        form = MarkForm(initial=initial, reasons=_reasons_for(school_class, mark))
    template = "attendance/_cell_form.html" if _is_htmx(request) else "attendance/cell.html"
    response = render(
        request,
        template,
        {
            "form": form,
            "school_class": school_class,
            "row": row,
            "cell": target,
            "day": day,
            "can_edit": grid.open and may(acting, school_class, Action.EDIT),
            "grid": grid,
            "back": request.GET.get("back", request.POST.get("back", "")) == "day",
            "dialog": _is_htmx(request),
        },
        status=400 if request.method == "POST" and not _is_htmx(request) else 200,
    )
    if request.method == "POST" and _is_htmx(request):
        # The form with its errors goes back into the dialog, not over the row.
        response["HX-Retarget"] = "#att-dialog-body"
        response["HX-Reswap"] = "innerHTML"
    return response


@login_required
@require_GET
def day(request: HttpRequest, class_id: int) -> HttpResponse:
    """One day of a class on a phone: the pupils with big buttons, guardians' notices, and
    「残りは全員出席」."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id)
    the_day = _day_of(request, school_class)
    grid = selectors.month_grid(school_class, the_day.year, the_day.month)
    index = next(i for i, d in enumerate(grid.days) if d.date == the_day)
    from manabi.attendance.models import RollCall

    roll = (
        RollCall.objects.filter(school_class=school_class, date=the_day)
        .select_related("taken_by")
        .first()
    )
    audit_record(
        actor=acting,
        action="attendance.day.view",
        target=school_class,
        details={"date": the_day.isoformat()},
    )
    notices = [n for n in grid.notices if n.date == the_day]
    return render(
        request,
        "attendance/day.html",
        {
            "school_class": school_class,
            "day": the_day,
            "info": grid.days[index],
            "rows": [(r, r.cells[index]) for r in grid.rows if r.cells[index].enrolled],
            "notices": notices,
            "roll": roll,
            "grid": grid,
            "can_edit": grid.open and may(acting, school_class, Action.EDIT),
            "pens": [(k, label) for k, (label, _) in PENS.items()],
            "previous": the_day.fromordinal(the_day.toordinal() - 1),
            "next": the_day.fromordinal(the_day.toordinal() + 1),
        },
    )


@login_required
@require_POST
def roll_call(request: HttpRequest, class_id: int) -> HttpResponse:
    """「残りは全員出席」: the day's attendance is taken."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EDIT)
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "日付が正しくありません。")
        return redirect("attendance:month", school_class.pk)
    the_day = form.cleaned_data["date"]
    try:
        services.roll_call_take(actor=acting, school_class=school_class, day=the_day)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(
            request,
            f"{the_day.month}月{the_day.day}日の出欠を確定しました。記録のない児童生徒は出席です。",
        )
    return _back(request, school_class, the_day)


def _notice_class(acting: Acting, notice_id: int) -> tuple[AbsenceNotice, SchoolClass]:
    """A notice of the acting school, and the class whose book it goes to, which ``acting``
    must be able to edit (404 when the class is out of sight, 403 when only visible)."""
    from manabi.access.selectors import acting_school_id
    from manabi.students.models import Enrolment

    school_id = acting_school_id(acting)
    notice = (
        AbsenceNotice.objects.select_related("student")
        .filter(pk=notice_id, school_id=school_id)
        .first()
        if school_id is not None
        else None
    )
    if notice is None:
        raise Http404
    class_id = (
        Enrolment.objects.filter(
            student_id=notice.student_id,
            school_id=notice.school_id,
            is_provisional=False,
            start_date__lte=notice.date,
            school_class__isnull=False,
        )
        .order_by("-start_date")
        .values_list("school_class_id", flat=True)
        .first()
    )
    if class_id is None:
        raise Http404
    school_class, _ = access_book(acting, class_id, action=Action.EDIT)
    return notice, school_class


@login_required
@require_POST
def notice_accept(request: HttpRequest, notice_id: int) -> HttpResponse:
    acting = acting_of(request)
    notice, school_class = _notice_class(acting, notice_id)
    try:
        services.notice_accept(actor=acting, school_class=school_class, notice=notice)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(
            request,
            f"{notice.student.display_name}さんの{notice.get_kind_display()}の連絡を出席簿に反映しました。",
        )
    return _back(request, school_class, notice.date)


@login_required
@require_POST
def notice_dismiss(request: HttpRequest, notice_id: int) -> HttpResponse:
    acting = acting_of(request)
    notice, school_class = _notice_class(acting, notice_id)
    try:
        services.notice_dismiss(actor=acting, notice=notice)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(
            request, "連絡を反映しないことにしました (保護者には「反映せず」と表示されます)。"
        )
    return _back(request, school_class, notice.date)


def _month_post(request: HttpRequest) -> tuple[int, int] | None:
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, "月の指定が正しくありません。")
        return None
    value: tuple[int, int] = form.cleaned_data["month"]
    return value


def _month_step(
    request: HttpRequest,
    school_class: SchoolClass,
    step: Callable[..., object],
    done: Callable[[int, int], str],
) -> HttpResponse:
    """締め・取消し・ロック: one service on the month named in the form, then the grid."""
    ym = _month_post(request)
    if ym is None:
        return redirect("attendance:month", school_class.pk)
    try:
        step(actor=acting_of(request), school_class=school_class, year=ym[0], month=ym[1])
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(request, done(*ym))
    return redirect(_month_url(school_class, *ym))


@login_required
@require_POST
def month_close(request: HttpRequest, class_id: int) -> HttpResponse:
    """締め: the 学級担当 says the month is complete (ロック scope over the class)."""
    school_class, _ = access_book(acting_of(request), class_id, action=Action.LOCK)
    return _month_step(
        request,
        school_class,
        services.month_close,
        lambda y, m: (
            f"{y}年{m}月を締めました。校長 (または副校長・教頭) がロックすると確定します。"
        ),
    )


@login_required
@require_POST
def month_reopen(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class, _ = access_book(acting_of(request), class_id, action=Action.LOCK)
    return _month_step(
        request,
        school_class,
        services.month_reopen,
        lambda y, m: f"{y}年{m}月の締めを取り消しました。入力できます。",
    )


@login_required
@require_POST
def month_lock(request: HttpRequest, class_id: int) -> HttpResponse:
    """ロック: the month becomes the record (ロック scope over the whole school)."""
    school_class, _ = access_book_for_lock(acting_of(request), class_id)
    return _month_step(
        request,
        school_class,
        services.month_lock,
        lambda y, m: f"{y}年{m}月をロックしました。この月の出席簿は確定です。",
    )


@login_required
@require_POST
def year_lock(request: HttpRequest, class_id: int) -> HttpResponse:
    """年度末の確定: lock every month of the class's 年度 (ロック scope over the whole school)."""
    acting = acting_of(request)
    school_class, _ = access_book_for_lock(acting, class_id)
    try:
        services.year_lock(actor=acting, school_class=school_class)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(
            request,
            f"{school_class.fiscal_year}年度の{school_class.label}の出席簿を確定しました"
            "(全ての月をロックしました)。",
        )
    return redirect("attendance_reports:class_year", school_class.pk)


@login_required
@require_http_methods(["GET", "POST"])
def month_unlock(request: HttpRequest, class_id: int) -> HttpResponse:
    """ロック解除 with a reason (a confirmation page, then the POST)."""
    acting = acting_of(request)
    school_class, _ = access_book_for_lock(acting, class_id)
    if request.method == "POST":
        form = UnlockForm(request.POST)
        if form.is_valid():
            year, month_ = form.cleaned_data["month"]
            try:
                services.month_unlock(
                    actor=acting,
                    school_class=school_class,
                    year=year,
                    month=month_,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{year}年{month_}月のロックを解除しました。訂正したら、締めとロックをやり直してください。",
                )
                return redirect(_month_url(school_class, year, month_))
        ym = parse_month(request.POST.get("month", "")) or _default_month(school_class)
    else:
        ym = _month_of(request, school_class)
        form = UnlockForm(initial={"month": f"{ym[0]:04d}-{ym[1]:02d}"})
    lock = selectors.month_lock(school_class, *ym)
    return render(
        request,
        "attendance/unlock.html",
        {"form": form, "school_class": school_class, "year": ym[0], "month": ym[1], "lock": lock},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mark_range(request: HttpRequest, class_id: int) -> HttpResponse:
    """期間で入力: the same mark on every 授業日 of a period (出席停止, 忌引)."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EDIT)
    start, end = schooldays.fiscal_year_bounds(school_class.fiscal_year)
    pupils = [
        (e.student_id, f"{e.number or ''} {e.student.display_name}".strip())
        for e in selectors.enrolments_of_class(school_class, start, end)
    ]
    if request.method == "POST":
        form = RangeForm(
            request.POST, pupils=pupils, reasons=selectors.reason_options(school_class.school_id)
        )
        if form.is_valid():
            c = form.cleaned_data
            try:
                count = services.mark_range(
                    actor=acting,
                    school_class=school_class,
                    student_id=c["student"],
                    start=c["start"],
                    end=c["end"],
                    data=form.data_object(),
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"{count}日分の授業日に記録しました。")
                return redirect(_month_url(school_class, c["start"].year, c["start"].month))
    else:
        initial: dict[str, object] = {"start": _day_of(request, school_class)}
        student = request.GET.get("student", "")
        if student.isdecimal() and len(student) < 19 and int(student) in dict(pupils):
            initial["student"] = int(student)
        form = RangeForm(
            initial=initial, pupils=pupils, reasons=selectors.reason_options(school_class.school_id)
        )
    return render(
        request,
        "attendance/range.html",
        {"form": form, "school_class": school_class},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def closure(request: HttpRequest, class_id: int) -> HttpResponse:
    """臨時休業 (学級閉鎖・学年閉鎖・休校): the days stop being 授業日 for the classes covered."""
    acting = acting_of(request)
    school_class, _ = access_book(acting, class_id, action=Action.EDIT)
    if request.method == "POST":
        form = ClosureForm(request.POST)
        if form.is_valid():
            c = form.cleaned_data
            from manabi.attendance.choices import ClosureKind

            if c["kind"] != ClosureKind.CLASS and not may_lock(
                book_reach(acting, action=Action.LOCK, fiscal_year=school_class.fiscal_year)
            ):
                # 学年閉鎖・休校 touch other classes: the school's managers decide them.
                raise PermissionDenied
            try:
                services.closure_create(
                    actor=acting,
                    school_class=school_class,
                    kind=ClosureKind(c["kind"]),
                    start=c["start"],
                    end=c["end"],
                    reason=c["reason"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request, "臨時休業を記録しました。この期間は授業日数に数えません。"
                )
                return redirect(_month_url(school_class, c["start"].year, c["start"].month))
    else:
        form = ClosureForm(
            initial={"start": _day_of(request, school_class), "end": _day_of(request, school_class)}
        )
    return render(
        request,
        "attendance/closure.html",
        {"form": form, "school_class": school_class},
        status=400 if request.method == "POST" else 200,
    )


def _require_calendar_editor(acting: Acting) -> int:
    reach = book_reach(acting, action=Action.LOCK)
    if reach is None:
        raise Http404
    if not may_lock(reach):
        raise PermissionDenied
    assert reach.standing.school_id is not None
    return reach.standing.school_id


@login_required
@require_http_methods(["GET", "POST"])
def school_calendar(request: HttpRequest) -> HttpResponse:
    """学校暦: the 休業日 on weekdays and 授業日 on weekends of the school's 年度."""
    acting = acting_of(request)
    school_id = _require_calendar_editor(acting)
    from manabi.classes.selectors import current_fiscal_year

    fiscal_year = current_fiscal_year()
    if request.method == "POST":
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            c = form.cleaned_data
            if schooldays.fiscal_year_of(c["date"]) != fiscal_year:
                form.add_error("date", f"{fiscal_year}年度の日付を指定してください。")
            else:
                kind = c["kind"]
                services.calendar_day_set(
                    actor=acting,
                    school_id=school_id,
                    day=c["date"],
                    is_school_day=None if kind == "default" else kind == "school",
                    note=c["note"],
                )
                messages.success(request, f"{c['date'].month}月{c['date'].day}日を設定しました。")
                return redirect("attendance:calendar")
    else:
        form = CalendarDayForm(initial={"kind": "holiday"})
    start, end = schooldays.fiscal_year_bounds(fiscal_year)
    days = CalendarDay.objects.filter(school_id=school_id, date__range=(start, end)).order_by(
        "date"
    )
    return render(
        request,
        "attendance/calendar.html",
        {"form": form, "days": days, "fiscal_year": fiscal_year},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def holidays(request: HttpRequest) -> HttpResponse:
    """国民の祝日を休業日として取り込む."""
    acting = acting_of(request)
    school_id = _require_calendar_editor(acting)
    from manabi.classes.selectors import current_fiscal_year

    added = services.holidays_import(
        actor=acting, school_id=school_id, fiscal_year=current_fiscal_year()
    )
    messages.success(
        request,
        f"国民の祝日 {added}日を休業日にしました。" if added else "祝日はすべて設定済みです。",
    )
    return redirect("attendance:calendar")
