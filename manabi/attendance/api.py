"""API of the attendance book (出席簿) (/api/v1/attendance/…).

The same rules as the pages: a class's book is fetched through
``attendance.permissions.access_book`` (別表1 「出席簿 閲覧・編集」: not visible → 404, visible
but not editable → 403), writes go through ``attendance.services``, and every read of pupils'
marks, totals or notices is audited. Only exceptions are stored: a 授業日 without a mark was a
day 出席.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.access.functions import Action
from manabi.access.selectors import acting_school_id
from manabi.accounts.selectors import Acting
from manabi.attendance import rules, schooldays, selectors, services
from manabi.attendance.choices import (
    NOTE_MAX,
    TEXT_MAX,
    AbsenceReason,
    DeemedKind,
    MarkStatus,
    MonthState,
    NoticeStatus,
)
from manabi.attendance.forms import parse_month
from manabi.attendance.models import AbsenceNotice, Mark
from manabi.attendance.permissions import access_book, access_book_for_lock
from manabi.classes.models import SchoolClass
from manabi.core.api import (
    MESSAGES,
    ApiView,
    FiscalYearField,
    IdField,
    PageQuerySerializer,
    Pages,
    error_response,
    error_responses,
    error_serializer,
    many,
    page_of,
)
from manabi.core.audit import audit_record
from manabi.students.models import Enrolment

# The longest span one read of marks returns (two months, as a printed 出席簿 spread).
MAX_SPAN_DAYS = 62
MAX_ITEMS = 500
MONTH_CLOSED = "month_closed"

ERROR = error_serializer("AttendanceError", (MONTH_CLOSED,))
READ_ERRORS = error_responses(ERROR, (400, 401, 403, 404))
WRITE_ERRORS = error_responses(ERROR, (400, 401, 403, 404, 405, 409))


def _month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


# --- serializers: what the API answers --------------------------------------------------------


class BookClassSerializer(serializers.Serializer[SchoolClass]):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    fiscal_year = serializers.IntegerField()


class BookDaySerializer(serializers.Serializer[selectors.Day]):
    date = serializers.DateField()
    lesson = serializers.BooleanField(help_text="学級の授業日か")
    label = serializers.CharField(help_text="学校暦の内容 (祝日名など)")  # type: ignore[assignment]
    closure = serializers.CharField(help_text="臨時休業の種別 (学級閉鎖など)")


class BookMarkSerializer(serializers.Serializer[Mark]):
    """One day of a pupil that is not a plain 出席 (only these are stored). Times are text:
    ``core.schema`` states a TimeField without ``nullable``."""

    date = serializers.DateField()
    status = serializers.CharField(help_text="出欠 (入力の status と同じ値)")
    reason = serializers.CharField(help_text="欠席の理由 (欠席のとき)")
    reason_label = serializers.CharField(
        help_text="教育委員会の一覧の理由の名前 (独自の一覧を使うとき。集計は reason の区分)"
    )
    deemed_kind = serializers.CharField(help_text="出席扱いの種類 (出席扱いのとき)")
    detail = serializers.CharField()
    late = serializers.BooleanField()
    early = serializers.BooleanField()
    arrived_at = serializers.CharField(allow_null=True, help_text="登校時刻 (HH:MM:SS)")
    left_at = serializers.CharField(allow_null=True, help_text="下校時刻 (HH:MM:SS)")
    note = serializers.CharField()


class BookPeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)


class BookPupilSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True, help_text="出席番号")
    name = serializers.CharField()
    enrolled = BookPeriodSerializer(many=True, help_text="この学級にいた期間 (範囲内)")
    marks = BookMarkSerializer(many=True, help_text="記録のある日だけ (ほかの授業日は出席)")


class BookMonthStateSerializer(serializers.Serializer[Any]):
    month = serializers.CharField(help_text="YYYY-MM")
    state = serializers.ChoiceField(choices=MonthState.choices)


class BookMarksSerializer(serializers.Serializer[Any]):
    """The span's days and pupils (``from`` and ``to`` are declared below)."""

    school_class = BookClassSerializer()
    days = BookDaySerializer(many=True)
    months = BookMonthStateSerializer(many=True, help_text="範囲に含まれる月の締め・ロック")
    pupils = BookPupilSerializer(many=True)


BookMarksSerializer._declared_fields["from"] = serializers.DateField(source="date_from")
BookMarksSerializer._declared_fields["to"] = serializers.DateField(source="date_to")


class BookSavedSerializer(serializers.Serializer[Any]):
    saved = serializers.IntegerField(help_text="記録した (更新した) 件数")
    cleared = serializers.IntegerField(help_text="出席に戻した件数")


class BookReasonsSerializer(serializers.Serializer[Any]):
    illness = serializers.IntegerField()
    economic = serializers.IntegerField()
    non_attendance = serializers.IntegerField()
    infection_avoidance = serializers.IntegerField()
    other = serializers.IntegerField()


class BookTotalsSerializer(serializers.Serializer[rules.Totals]):
    """指導要録 様式2 「出欠の記録」 の数."""

    lesson_days = serializers.IntegerField(help_text="授業日数")
    leave_days = serializers.IntegerField(help_text="出席停止・忌引等の日数")
    required_days = serializers.IntegerField(help_text="出席しなければならない日数")
    absent_days = serializers.IntegerField(help_text="欠席日数")
    present_days = serializers.IntegerField(help_text="出席日数 (出席扱いを含む)")
    late = serializers.IntegerField(help_text="遅刻")
    early = serializers.IntegerField(help_text="早退")
    deemed_days = serializers.IntegerField(help_text="出席扱いの日数")
    absence_by_reason = BookReasonsSerializer(help_text="欠席の理由別の内訳 (国の調査の区分)")
    long_absence = serializers.BooleanField(help_text="長期欠席 (欠席30日以上)")
    ignored = serializers.ListField(
        child=serializers.DateField(), help_text="授業日でないため数えていない記録の日"
    )


class BookMonthTotalsSerializer(BookTotalsSerializer):
    month = serializers.CharField(help_text="YYYY-MM")


class BookPupilYearSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    totals = BookTotalsSerializer()
    months = BookMonthTotalsSerializer(many=True, help_text="4月〜3月")


class BookYearSerializer(serializers.Serializer[Any]):
    school_class = BookClassSerializer()
    fiscal_year = serializers.IntegerField()
    rules_version = serializers.CharField()
    pupils = BookPupilYearSerializer(many=True)


class BookNoticeSerializer(serializers.Serializer[AbsenceNotice]):
    id = serializers.IntegerField()
    student_id = serializers.IntegerField()
    student_name = serializers.CharField(source="student.name")
    guardian = serializers.SerializerMethodField()
    date = serializers.DateField()
    kind = serializers.CharField(help_text="absent (欠席) ・ late (遅刻) ・ early (早退)")
    reason = serializers.CharField()
    symptoms = serializers.CharField()
    temperature = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    # Times as text: the schema's TimeField (core.schema) cannot say null.
    at_time = serializers.CharField(allow_null=True, help_text="予定時刻 (HH:MM:SS)")
    message = serializers.CharField()
    status = serializers.CharField(help_text="received ・ accepted ・ dismissed")
    received_at = serializers.DateTimeField()
    handled_at = serializers.DateTimeField(allow_null=True)

    def get_guardian(self, notice: AbsenceNotice) -> str:
        g = notice.guardian
        return f"{g.family_name} {g.given_name} ({g.relation})"


BookNoticePageSerializer = page_of("BookNoticePage", BookNoticeSerializer)


class BookNoticeResultSerializer(serializers.Serializer[Any]):
    notice = BookNoticeSerializer()
    mark = BookMarkSerializer(allow_null=True, help_text="反映した記録 (出席に戻ったときは null)")


# --- serializers: what clients send -----------------------------------------------------------


class BookMarksQuerySerializer(serializers.Serializer[Any]):
    """``?from=&to=`` (``from`` is a Python keyword: declared below)."""

    to = serializers.DateField(required=False, help_text="終了日 (YYYY-MM-DD、含む)")


BookMarksQuerySerializer._declared_fields["from"] = serializers.DateField(
    required=False, help_text="開始日 (YYYY-MM-DD)。省略すると今月 (年度内) の1か月"
)


class BookMarkItemSerializer(serializers.Serializer[Any]):
    student_id = IdField()
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=MarkStatus.choices)
    reason = serializers.ChoiceField(
        choices=AbsenceReason.choices, required=False, allow_blank=True, default=""
    )
    reason_label = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=30,
        help_text="教育委員会の一覧の理由の名前 (任意。集計は reason の区分で数えます)",
    )
    deemed_kind = serializers.ChoiceField(
        choices=DeemedKind.choices, required=False, allow_blank=True, default=""
    )
    detail = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX
    )
    late = serializers.BooleanField(required=False, default=False)
    early = serializers.BooleanField(required=False, default=False)
    arrived_at = serializers.TimeField(required=False, allow_null=True, default=None)
    left_at = serializers.TimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)


class BookMarksWriteSerializer(serializers.Serializer[Any]):
    marks = many(BookMarkItemSerializer, max_items=MAX_ITEMS, min_length=1)


class BookTotalsQuerySerializer(serializers.Serializer[Any]):
    fiscal_year = FiscalYearField(
        required=False, allow_null=True, default=None, help_text="年度 (学級の年度。省略可)"
    )


class BookNoticeQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=NoticeStatus.choices, required=False, default="", allow_blank=True
    )


# --- reads ------------------------------------------------------------------------------------


def _span(school_class: SchoolClass, query: dict[str, Any]) -> tuple[date, date]:
    """The days asked for: within the class's 年度, at most ``MAX_SPAN_DAYS``; without
    ``from``/``to``, the month of today (or the 年度's first or last month)."""
    first, last = schooldays.fiscal_year_bounds(school_class.fiscal_year)
    start, end = query.get("from"), query.get("to")
    if start is None and end is None:
        today = min(max(timezone.localdate(), first), last)
        return selectors.month_bounds(today.year, today.month)
    if start is None or end is None:
        raise serializers.ValidationError(
            {"from" if start is None else "to": ["from と to は両方指定してください。"]}
        )
    if end < start:
        raise serializers.ValidationError({"to": ["to は from 以降の日付にしてください。"]})
    if (end - start).days + 1 > MAX_SPAN_DAYS:
        raise serializers.ValidationError({"to": [f"期間は{MAX_SPAN_DAYS}日以内にしてください。"]})
    if start < first or end > last:
        field = "from" if start < first else "to"
        raise serializers.ValidationError(
            {field: [f"{school_class.fiscal_year}年度 ({first}〜{last}) の日付にしてください。"]}
        )
    return start, end


def _months_between(start: date, end: date) -> list[tuple[int, int]]:
    months: list[tuple[int, int]] = []
    day = start.replace(day=1)
    while day <= end:
        months.append((day.year, day.month))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _periods(own: Sequence[Enrolment], start: date, end: date) -> list[dict[str, Any]]:
    return [
        {"start": max(e.start_date, start), "end": min(e.end_date, end) if e.end_date else None}
        for e in own
    ]


def _marks_page(school_class: SchoolClass, start: date, end: date) -> dict[str, Any]:
    """The class's pupils in the span with their marks, the days and the months' states (five
    queries plus one per month)."""
    days = selectors.class_days(school_class, start, end)
    enrolments = selectors.enrolments_of_class(school_class, start, end)
    by_student: dict[int, list[Enrolment]] = {}
    for e in enrolments:
        by_student.setdefault(e.student_id, []).append(e)
    marks = selectors.marks_between(school_class.school_id, by_student, start, end)
    per_student: dict[int, list[Mark]] = {}
    for (sid, _day), mark in sorted(marks.items(), key=lambda kv: kv[0][1]):
        per_student.setdefault(sid, []).append(mark)
    pupils = [
        {
            "id": sid,
            "number": own[0].number,
            "name": own[0].student.name,
            "enrolled": _periods(own, start, end),
            "marks": per_student.get(sid, []),
        }
        for sid, own in by_student.items()
    ]
    return {
        "school_class": school_class,
        "date_from": start,
        "date_to": end,
        "days": days,
        "months": [
            {"month": _month_key(y, m), "state": selectors.month_state(school_class, y, m)}
            for y, m in _months_between(start, end)
        ],
        "pupils": pupils,
    }


def _totals(totals: rules.Totals) -> dict[str, Any]:
    return {
        "lesson_days": totals.lesson_days,
        "leave_days": totals.leave_days,
        "required_days": totals.required_days,
        "absent_days": totals.absent_days,
        "present_days": totals.present_days,
        "late": totals.late,
        "early": totals.early,
        "deemed_days": totals.deemed_days,
        "absence_by_reason": {r.value: n for r, n in totals.absence_by_reason.items()},
        "long_absence": totals.long_absence,
        "ignored": list(totals.ignored),
    }


def _class_notices(school_class: SchoolClass) -> QuerySet[AbsenceNotice]:
    """Guardians' notices of the class's pupils for the days they were in the class."""
    first, last = schooldays.fiscal_year_bounds(school_class.fiscal_year)
    placed = Q()
    for e in selectors.enrolments_of_class(school_class, first, last):
        placed |= Q(
            student_id=e.student_id,
            date__gte=max(e.start_date, first),
            date__lte=min(e.end_date, last) if e.end_date else last,
        )
    if not placed:
        return AbsenceNotice.objects.none()
    return (
        AbsenceNotice.objects.filter(school_id=school_class.school_id)
        .filter(placed)
        .select_related("student", "guardian")
    )


def _access_notice(acting: Acting, notice_id: int) -> tuple[AbsenceNotice, SchoolClass]:
    """A notice of the acting school, with the class its pupil was in on the notice's day
    (where the mark goes); ``access_book`` EDIT on that class. Else 404 (or 403)."""
    school_id = acting_school_id(acting)
    notice = (
        AbsenceNotice.objects.filter(pk=notice_id, school_id=school_id)
        .select_related("student", "guardian")
        .first()
        if school_id is not None
        else None
    )
    if notice is None:
        raise Http404
    placement = (
        Enrolment.objects.filter(
            student_id=notice.student_id,
            school_id=notice.school_id,
            school_class__isnull=False,
            is_provisional=False,
            start_date__lte=notice.date,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=notice.date))
        .order_by("-start_date", "-pk")
        .first()
    )
    if placement is None or placement.school_class_id is None:
        raise Http404
    school_class, _ = access_book(acting, placement.school_class_id, action=Action.EDIT)
    return notice, school_class


# --- writes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemError:
    index: int
    field: str
    message: str
    conflict: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "message": self.message}


def _serializer_item_errors(errors: Any) -> dict[str, Any]:
    """DRF's errors of ``marks`` ([{field: [messages]}, …]) as ``items``: [{index, field,
    message}]; other errors stay under their field."""
    out: dict[str, Any] = {k: v for k, v in errors.items() if k != "marks"}
    found = errors.get("marks")
    # DRF gives the items' errors as {index: {field: [...]}} (or, before 3.15, a list).
    by_index = dict(enumerate(found)) if isinstance(found, list) else found
    if (
        isinstance(by_index, dict)
        and by_index
        and all(isinstance(i, int) and isinstance(e, dict) for i, e in by_index.items())
    ):
        out["items"] = [
            {"index": i, "field": name, "message": str(message)}
            for i, item in sorted(by_index.items())
            for name, messages in item.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
    elif found is not None:
        out["marks"] = found
    return out


def _service_errors(index: int, exc: DjangoValidationError, conflict: bool) -> list[ItemError]:
    if hasattr(exc, "error_dict"):
        return [
            ItemError(index, "non_field_errors" if name == "__all__" else name, m, conflict)
            for name, messages in exc.message_dict.items()
            for m in messages
        ]
    return [ItemError(index, "non_field_errors", m, conflict) for m in exc.messages]


def _marks_save(
    *, actor: Acting, school_class: SchoolClass, items: Sequence[dict[str, Any]]
) -> tuple[int, int, list[ItemError]]:
    """Every item through ``services.mark_set`` in one transaction; any error rolls all of
    them back. Returns (saved, cleared, errors)."""
    errors: list[ItemError] = []
    seen: dict[tuple[int, date], int] = {}
    for i, item in enumerate(items):
        key = (item["student_id"], item["date"])
        if key in seen:
            errors.append(
                ItemError(i, "date", f"index {seen[key]} の項目と同じ児童生徒・日付です。")
            )
        seen.setdefault(key, i)
    if errors:
        return 0, 0, errors
    not_open = {
        (y, m)
        for y, m in {(item["date"].year, item["date"].month) for item in items}
        if selectors.month_state(school_class, y, m) != MonthState.OPEN
    }
    saved = cleared = 0
    with transaction.atomic():
        for i, item in enumerate(items):
            data = services.MarkData(
                status=MarkStatus(item["status"]),
                reason=item["reason"],
                reason_label=item["reason_label"],
                deemed_kind=item["deemed_kind"],
                detail=item["detail"],
                late=item["late"],
                early=item["early"],
                arrived_at=item["arrived_at"],
                left_at=item["left_at"],
                note=item["note"],
            )
            try:
                mark = services.mark_set(
                    actor=actor,
                    school_class=school_class,
                    student_id=item["student_id"],
                    day=item["date"],
                    data=data,
                )
            except DjangoValidationError as exc:
                conflict = (item["date"].year, item["date"].month) in not_open
                errors.extend(_service_errors(i, exc, conflict))
                continue
            if mark is None:
                cleared += 1
            else:
                saved += 1
        if errors:
            transaction.set_rollback(True)
            return 0, 0, errors
    return saved, cleared, errors


# --- views ------------------------------------------------------------------------------------


class BookMarksView(ApiView):
    @extend_schema(
        summary="出席簿: 学級の出欠 (期間)",
        description=(
            "学級の児童生徒 (期間中に在籍した人) と、記録のある日 (欠席・遅刻など) だけの出欠、"
            "期間の各日が授業日かどうかを返します。記録のない授業日は出席です。期間は学級の"
            f"年度内で{MAX_SPAN_DAYS}日以内。from・to を省略すると今月です。別表1 「出席簿 閲覧」"
            "の範囲外の学級は 404。参照は監査ログに記録されます。"
        ),
        parameters=[BookMarksQuerySerializer],
        responses={200: BookMarksSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, class_id: int) -> Response:
        acting = self.acting(request)
        school_class, _ = access_book(acting, class_id)
        query = BookMarksQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = _span(school_class, dict(query.validated_data))
        page = _marks_page(school_class, start, end)
        audit_record(
            actor=acting,
            action="attendance.marks.api_view",
            target=school_class,
            details={"from": start.isoformat(), "to": end.isoformat()},
        )
        return Response(BookMarksSerializer(page).data)

    @extend_schema(
        summary="出席簿: 出欠の一括入力",
        description=(
            f"最大{MAX_ITEMS}件の記録をまとめて入力します。すべて成功するか、1件でも誤りが"
            "あれば何も記録しません (400、errors.items に {index, field, message})。status が"
            " present で遅刻・早退・備考がなければ、その日を出席に戻します (記録を消します)。"
            f"締め済み・ロック済みの月を含むと 409 ({MONTH_CLOSED})。別表1 「出席簿 編集」が必要です。"
        ),
        request=BookMarksWriteSerializer,
        responses={200: BookSavedSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, class_id: int) -> Response:
        acting = self.acting(request)
        school_class, _ = access_book(acting, class_id, action=Action.EDIT)
        body = BookMarksWriteSerializer(data=request.data)
        if not body.is_valid():
            return error_response(
                "invalid",
                MESSAGES["invalid"],
                status.HTTP_400_BAD_REQUEST,
                errors=_serializer_item_errors(body.errors),
            )
        saved, cleared, errors = _marks_save(
            actor=acting, school_class=school_class, items=body.validated_data["marks"]
        )
        if errors:
            items = [e.as_dict() for e in errors]
            conflicts = [e for e in errors if e.conflict]
            if conflicts:
                return error_response(
                    MONTH_CLOSED,
                    conflicts[0].message,
                    status.HTTP_409_CONFLICT,
                    errors={"items": items},
                )
            return error_response(
                "invalid", MESSAGES["invalid"], status.HTTP_400_BAD_REQUEST, errors={"items": items}
            )
        return Response(BookSavedSerializer({"saved": saved, "cleared": cleared}).data)


class BookTotalsView(ApiView):
    @extend_schema(
        summary="出席簿: 年間の集計 (指導要録の出欠の記録)",
        description=(
            "学級の児童生徒ごとに、年度の授業日数・出席停止忌引等の日数・出席しなければならない"
            "日数・欠席日数・出席日数 (指導要録 様式2) と月ごとの数を返します。rules_version は"
            "数え方の版です。参照は監査ログに記録されます。"
        ),
        parameters=[BookTotalsQuerySerializer],
        responses={200: BookYearSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, class_id: int) -> Response:
        acting = self.acting(request)
        school_class, _ = access_book(acting, class_id)
        query = BookTotalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fiscal_year = query.validated_data["fiscal_year"]
        if fiscal_year is not None and fiscal_year != school_class.fiscal_year:
            raise serializers.ValidationError(
                {
                    "fiscal_year": [
                        f"{school_class.label}は{school_class.fiscal_year}年度の学級です。"
                        "ほかの年度はその年度の学級で見てください。"
                    ]
                }
            )
        pupils = [
            {
                "id": row.enrolment.student_id,
                "number": row.enrolment.number,
                "name": row.enrolment.student.name,
                "totals": _totals(row.totals),
                "months": [
                    {"month": _month_key(y, m), **_totals(t)} for (y, m), t in row.months.items()
                ],
            }
            for row in selectors.class_year_totals(school_class)
        ]
        audit_record(
            actor=acting,
            action="attendance.totals.api_view",
            target=school_class,
            details={"fiscal_year": school_class.fiscal_year},
        )
        data = {
            "school_class": school_class,
            "fiscal_year": school_class.fiscal_year,
            "rules_version": rules.RULES_VERSION,
            "pupils": pupils,
        }
        return Response(BookYearSerializer(data).data)


class BookNoticesView(ApiView):
    @extend_schema(
        summary="出席簿: 保護者からの欠席連絡 (学級)",
        description=(
            "学級の児童生徒の欠席・遅刻・早退の連絡 (その学級にいた日の分) を新しい日付から"
            "返します。status で受付済み・反映済み・反映せずに絞り込めます。参照は監査ログに"
            "記録されます。"
        ),
        parameters=[BookNoticeQuerySerializer, PageQuerySerializer],
        responses={200: BookNoticePageSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, class_id: int) -> Response:
        acting = self.acting(request)
        school_class, _ = access_book(acting, class_id)
        query = BookNoticeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notices = _class_notices(school_class)
        if query.validated_data["status"]:
            notices = notices.filter(status=query.validated_data["status"])
        pages = Pages()
        page: list[AbsenceNotice] | None = pages.paginate_queryset(notices, request, view=self)
        response = pages.get_paginated_response(BookNoticeSerializer(page, many=True).data)  # type: ignore[arg-type]
        audit_record(
            actor=acting,
            action="attendance.notices.api_list",
            target=school_class,
            details={"status": query.validated_data["status"]},
        )
        return response


NOTICE_ERRORS = error_responses(ERROR, (401, 403, 404, 405, 409))


class BookNoticeAcceptView(ApiView):
    @extend_schema(
        summary="出席簿: 欠席連絡を反映",
        description=(
            "保護者の連絡をその日の記録にします (欠席・遅刻・早退)。連絡の日に児童生徒がいた"
            "学級の 「出席簿 編集」が必要です。処理済みの連絡や締め済みの月は 409。"
        ),
        request=None,
        responses={200: BookNoticeResultSerializer, **NOTICE_ERRORS},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        acting = self.acting(request)
        notice, school_class = _access_notice(acting, notice_id)
        try:
            mark = services.notice_accept(actor=acting, school_class=school_class, notice=notice)
        except DjangoValidationError as exc:
            return error_response("conflict", " ".join(exc.messages), status.HTTP_409_CONFLICT)
        notice.refresh_from_db()
        return Response(BookNoticeResultSerializer({"notice": notice, "mark": mark}).data)


class BookNoticeDismissView(ApiView):
    @extend_schema(
        summary="出席簿: 欠席連絡を反映しない",
        description="重複した連絡などを、出席簿に反映せずに処理済みにします。処理済みの連絡は 409。",
        request=None,
        responses={200: BookNoticeSerializer, **NOTICE_ERRORS},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        acting = self.acting(request)
        notice, _ = _access_notice(acting, notice_id)
        try:
            services.notice_dismiss(actor=acting, notice=notice)
        except DjangoValidationError as exc:
            return error_response("conflict", " ".join(exc.messages), status.HTTP_409_CONFLICT)
        notice.refresh_from_db()
        return Response(BookNoticeSerializer(notice).data)


MONTH_STEPS: dict[str, tuple[str, Callable[..., object]]] = {
    "close": ("締め", services.month_close),
    "reopen": ("締めの取消し", services.month_reopen),
    "lock": ("ロック", services.month_lock),
    "unlock": ("ロック解除", services.month_unlock),
}


class BookMonthStepSerializer(serializers.Serializer[Any]):
    month = serializers.RegexField(
        r"^[0-9]{4}-(0[1-9]|1[0-2])$", max_length=7, help_text="対象の月 (YYYY-MM)"
    )
    step = serializers.ChoiceField(
        choices=[(key, label) for key, (label, _) in MONTH_STEPS.items()],
        help_text="close: 締め (ロックの担当範囲に学級があること), reopen: 締めの取消し, "
        "lock: ロック, unlock: ロック解除 (lock と unlock はロックの担当範囲が学校全体)",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=TEXT_MAX,
        help_text="ロック解除の理由 (unlock のとき必須)",
    )


class BookMonthResultSerializer(serializers.Serializer[Any]):
    month = serializers.CharField(help_text="YYYY-MM")
    state = serializers.ChoiceField(choices=MonthState.choices)
    content_sha256 = serializers.CharField(help_text="ロック時の内容の SHA-256 (ロック済みのとき)")


class BookMonthView(ApiView):
    @extend_schema(
        summary="出席簿: 月の締め・ロック・解除",
        description=(
            "学級の月を締める・締めを取り消す (別表1 「出席簿 ロック」の担当範囲に学級があること)、"
            "ロックする・理由を付けて解除する (ロックの担当範囲が学校全体)。順序に合わない操作"
            "(締めていない月のロックなど) は 409。"
        ),
        request=BookMonthStepSerializer,
        responses={200: BookMonthResultSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, class_id: int) -> Response:
        acting = self.acting(request)
        body = BookMonthStepSerializer(data=request.data)
        if not body.is_valid():
            access_book(acting, class_id)  # an unseen class is 404 before the body is judged
            return error_response(
                "invalid", MESSAGES["invalid"], status.HTTP_400_BAD_REQUEST, errors=body.errors
            )
        step = body.validated_data["step"]
        if step in ("lock", "unlock"):
            school_class, _ = access_book_for_lock(acting, class_id)
        else:
            school_class, _ = access_book(acting, class_id, action=Action.LOCK)
        parsed = parse_month(body.validated_data["month"])  # years 2000–2100 only
        if (
            parsed is None
            or schooldays.fiscal_year_of(date(*parsed, 1)) != school_class.fiscal_year
        ):
            return error_response(
                "invalid",
                MESSAGES["invalid"],
                status.HTTP_400_BAD_REQUEST,
                errors={"month": [f"{school_class.fiscal_year}年度の月を指定してください。"]},
            )
        year, month = parsed
        reason = body.validated_data["reason"].strip()
        if step == "unlock" and not reason:
            return error_response(
                "invalid",
                MESSAGES["invalid"],
                status.HTTP_400_BAD_REQUEST,
                errors={"reason": ["解除の理由を入力してください。"]},
            )
        _, service = MONTH_STEPS[step]
        extra = {"reason": reason} if step == "unlock" else {}
        try:
            service(actor=acting, school_class=school_class, year=year, month=month, **extra)
        except DjangoValidationError as exc:
            return error_response("conflict", " ".join(exc.messages), status.HTTP_409_CONFLICT)
        lock = selectors.month_lock(school_class, year, month)
        return Response(
            BookMonthResultSerializer(
                {
                    "month": _month_key(year, month),
                    "state": lock.state if lock is not None else MonthState.OPEN,
                    "content_sha256": lock.content_sha256 if lock is not None else "",
                }
            ).data
        )
