"""Pages of the 学校日誌: the month (each day's state), a day's page with its form, and one
URL per action (保存・提出・承認・承認の取消), all POST.

Views are thin: the school comes from ``school_diary.permissions`` (404 / 403), writes go
through ``services`` (ValidationError → the messages on the page, status 400, nothing
changed), reads through ``selectors``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from manabi.access.functions import Action
from manabi.accounts.selectors import Acting, acting_of
from manabi.core.converters import is_digits
from manabi.school_diary import permissions, rules, selectors, services
from manabi.school_diary.models import AbsenceKind, DiaryDay, DiaryState

BLANK_ROWS = 3
WEATHERS = ("晴れ", "曇り", "雨", "雪", "晴れのち曇り", "曇りのち雨", "雨のち晴れ")


def parse_month(raw: str | None, today: date) -> tuple[int, int]:
    """``YYYY-MM`` of the query string, or this month when it is missing or wrong (pure)."""
    if raw and len(raw) == 7 and raw[4] == "-" and is_digits(raw[:4]) and is_digits(raw[5:]):
        year, month = int(raw[:4]), int(raw[5:])
        if 2000 <= year <= 2099 and 1 <= month <= 12:
            return year, month
    return today.year, today.month


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """学校日誌: the month as a calendar with each day's state (未記入/記入中/提出済/承認済)."""
    acting = acting_of(request)
    school_id = permissions.require(acting)
    today = timezone.localdate()
    year, month = parse_month(request.GET.get("month"), today)
    days = selectors.month_days(school_id, year, month)
    return render(
        request,
        "school_diary/index.html",
        {
            "year": year,
            "month": month,
            "month_value": f"{year:04d}-{month:02d}",
            "weeks": selectors.month_weeks(days),
            "days": days,
            "weekdays": selectors.WEEKDAYS,
            "previous": _shift(year, month, -1),
            "next": _shift(year, month, 1),
            "today": today,
            "may_print": permissions.may(acting, Action.PRINT),
            "waiting": [d for d in days if d.state == DiaryState.SUBMITTED],
            "may_approve": permissions.may(acting, Action.APPROVE),
        },
    )


def _rows_from_post(post: QueryDict) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    visitors, absences = [], []
    for n in range(services.ROWS_MAX + BLANK_ROWS):
        keys = [f"visitor-{n}-{k}" for k in ("name", "organisation", "purpose")]
        if any(k in post for k in keys):
            visitors.append({k.split("-")[2]: post.get(k, "")[:200] for k in keys})
        keys = [f"absence-{n}-{k}" for k in ("staff", "kind", "note")]
        if any(k in post for k in keys):
            absences.append({k.split("-")[2]: post.get(k, "")[:200] for k in keys})
    return visitors, absences


def _rows_of(page: DiaryDay | None) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    if page is None:
        return [], []
    return (
        [
            {"name": v.name, "organisation": v.organisation, "purpose": v.purpose}
            for v in page.visitors.all()
        ],
        [
            {"staff": str(a.staff_id), "kind": a.kind, "note": a.note}
            for a in page.staff_absences.all()
        ],
    )


def _day_page(
    request: HttpRequest,
    acting: Acting,
    school_id: int,
    day: date,
    *,
    errors: list[str] | None = None,
    typed: QueryDict | None = None,
) -> HttpResponse:
    page = selectors.day_of(school_id, day)
    state = page.state if page else None
    if typed is not None:
        visitors, absences = _rows_from_post(typed)
        texts = {k: typed.get(k, "") for k in ("weather", "events", "notes")}
        revision = typed.get("revision", "")
    else:
        visitors, absences = _rows_of(page)
        texts = {
            "weather": page.weather if page else "",
            "events": page.events if page else "",
            "notes": page.notes if page else "",
        }
        revision = str(page.revision if page else 0)
    visitors = [r for r in visitors if any(r.values())]
    absences = [r for r in absences if r.get("staff") or r.get("note")]
    blank_v = {"name": "", "organisation": "", "purpose": ""}
    blank_a = {"staff": "", "kind": "", "note": ""}
    today = timezone.localdate()
    may_edit = permissions.may(acting, Action.EDIT) and rules.edit_refusal(state) is None
    return render(
        request,
        "school_diary/day.html",
        {
            "day": day,
            "weekday": selectors.WEEKDAYS[day.weekday()],
            "holiday": selectors.holidays_of(day.year).get(day, ""),
            "page": page,
            "state_label": rules.state_label(state),
            "state": state or "",
            "texts": texts,
            "revision": revision,
            "visitors": [*visitors, *[blank_v] * BLANK_ROWS],
            "absences": [*absences, *[blank_a] * BLANK_ROWS],
            "staff": list(selectors.staff_on(school_id, day)),
            "kinds": AbsenceKind.choices,
            "weathers": WEATHERS,
            "attendance": selectors.summary_of(page, school_id, day),
            "attendance_columns": selectors.ATTENDANCE_COLUMNS,
            "may_edit": may_edit,
            "edit_refusal": rules.edit_refusal(state),
            "may_submit": permissions.may(acting, Action.EDIT)
            and rules.submit_refusal(state, day, today) is None,
            "may_approve": permissions.may(acting, Action.APPROVE)
            and rules.approve_refusal(state) is None,
            "may_reopen": permissions.may(acting, Action.LOCK) and state == DiaryState.APPROVED,
            "may_print": permissions.may(acting, Action.PRINT),
            "month_value": f"{day.year:04d}-{day.month:02d}",
            "errors": errors or [],
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def day_view(request: HttpRequest, day: date) -> HttpResponse:
    """A day's page: 天気・行事・来校者・出欠・教職員の出張・休暇・記事, its state and actions."""
    acting = acting_of(request)
    school_id = permissions.require(acting)
    return _day_page(request, acting, school_id, day)


def _back(day: date) -> HttpResponse:
    return redirect("school_diary:day", day)


def _int_or_none(raw: str) -> int | None:
    return int(raw) if is_digits(raw) and len(raw) <= 9 else None


@login_required
@require_POST
def day_save(request: HttpRequest, day: date) -> HttpResponse:
    """保存: write the day's page (記入中 or 提出済; an approved page is refused)."""
    acting = acting_of(request)
    school_id = permissions.require(acting, Action.EDIT)
    post = request.POST
    if "weather" not in post:
        return _day_page(
            request,
            acting,
            school_id,
            day,
            errors=["入力欄が送られていません。画面を開き直してください。"],
        )
    visitors, absences = _rows_from_post(post)
    problems = []
    absence_rows = []
    for n, row in enumerate(a for a in absences if a["staff"] or a["note"]):
        staff_id = _int_or_none(row["staff"])
        if staff_id is None:
            problems.append(f"教職員の出張・休暇 {n + 1}行目: 教職員を選んでください。")
            continue
        absence_rows.append(services.AbsenceRow(staff_id, row["kind"], row["note"]))
    try:
        if problems:
            raise ValidationError(problems)
        services.day_save(
            actor=acting,
            school_id=school_id,
            day=day,
            weather=post.get("weather", "")[:100],
            events=post.get("events", "")[:5000],
            notes=post.get("notes", "")[:5000],
            visitors=[
                services.VisitorRow(v["name"], v["organisation"], v["purpose"])
                for v in visitors
                if any(x.strip() for x in v.values())
            ],
            absences=absence_rows,
            revision=_int_or_none(post.get("revision", "")),
        )
    except ValidationError as exc:
        return _day_page(
            request, acting, school_id, day, errors=[str(m) for m in exc.messages], typed=post
        )
    messages.success(request, f"{day.month}月{day.day}日の学校日誌を保存しました。")
    return _back(day)


@login_required
@require_POST
def day_submit(request: HttpRequest, day: date) -> HttpResponse:
    """提出: send the day's page to the principal for approval."""
    acting = acting_of(request)
    school_id = permissions.require(acting, Action.EDIT)
    try:
        services.day_submit(actor=acting, school_id=school_id, day=day)
    except ValidationError as exc:
        return _day_page(request, acting, school_id, day, errors=[str(m) for m in exc.messages])
    messages.success(
        request,
        f"{day.month}月{day.day}日の学校日誌を提出しました。校長・副校長・教頭が承認します。",
    )
    return _back(day)


@login_required
@require_POST
def day_approve(request: HttpRequest, day: date) -> HttpResponse:
    """承認: approve and lock the day (校長・副校長・教頭); the form confirms it first."""
    acting = acting_of(request)
    school_id = permissions.require(acting, Action.APPROVE)
    permissions.require(acting, Action.LOCK)
    if request.POST.get("confirm") != "1":
        return _day_page(
            request,
            acting,
            school_id,
            day,
            errors=[
                "承認すると変更できなくなります。確認の欄にチェックを入れてから承認してください。"
            ],
        )
    try:
        services.day_approve(actor=acting, school_id=school_id, day=day)
    except ValidationError as exc:
        return _day_page(request, acting, school_id, day, errors=[str(m) for m in exc.messages])
    messages.success(
        request, f"{day.month}月{day.day}日の学校日誌を承認しました。この日はロックされました。"
    )
    return _back(day)


@login_required
@require_POST
def day_reopen(request: HttpRequest, day: date) -> HttpResponse:
    """承認の取消: open an approved day again, with the reason (校長・副校長・教頭)."""
    acting = acting_of(request)
    school_id = permissions.require(acting, Action.LOCK)
    try:
        services.day_reopen(
            actor=acting, school_id=school_id, day=day, reason=request.POST.get("reason", "")[:500]
        )
    except ValidationError as exc:
        return _day_page(request, acting, school_id, day, errors=[str(m) for m in exc.messages])
    messages.success(
        request, f"{day.month}月{day.day}日の学校日誌の承認を取り消しました。記入中に戻りました。"
    )
    return _back(day)


def context_for_print(school_id: int, pages: list[DiaryDay]) -> dict[str, Any]:
    """What the printed pages show: each page with its day's attendance summary."""
    from manabi.orgs.models import Organisation

    school = Organisation.objects.get(pk=school_id)
    return {
        "school": school,
        "sheets": [
            {
                "page": p,
                "weekday": selectors.WEEKDAYS[p.date.weekday()],
                "state_label": rules.state_label(p.state if p.pk else None),
                "attendance": selectors.summary_of(p, school_id, p.date),
                "visitors": list(p.visitors.all()) if p.pk else [],
                "absences": list(p.staff_absences.all()) if p.pk else [],
            }
            for p in pages
        ],
        "attendance_columns": selectors.ATTENDANCE_COLUMNS,
    }
