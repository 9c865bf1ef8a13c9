"""Forms of the attendance book's pages. They turn input into ``services.MarkData`` and dates;
the services check the rest (the pupil is in the class, the day is a 授業日, the month open)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from manabi.attendance.choices import (
    NOTE_MAX,
    TEXT_MAX,
    AbsenceReason,
    ClosureKind,
    DeemedKind,
    MarkStatus,
)
from manabi.attendance.selectors import SHIPPED_REASONS, ReasonOption
from manabi.attendance.services import MarkData
from manabi.core.converters import MAX_ID

MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def parse_month(text: str) -> tuple[int, int] | None:
    """``YYYY-MM`` → (year, month), or ``None`` when it is not one (pure)."""
    found = MONTH_RE.match(text.strip()) if len(text) <= 7 else None
    if found is None:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` → date, or ``None`` (pure)."""
    if len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


class MarkForm(forms.Form):
    """One pupil's day in full (the cell's detail form)."""

    status = forms.ChoiceField(label="出欠", choices=MarkStatus.choices, initial=MarkStatus.PRESENT)
    # The school's list (its board's, else the shipped one): the value is the reason's name.
    reason = forms.ChoiceField(label="欠席の理由", choices=(), required=False)
    deemed_kind = forms.ChoiceField(
        label="出席扱いの種類", choices=[("", "—"), *DeemedKind.choices], required=False
    )
    detail = forms.CharField(
        label="詳細",
        max_length=TEXT_MAX,
        required=False,
        help_text="出席停止の感染症名と期間、忌引の続柄など",
    )
    late = forms.BooleanField(label="遅刻", required=False)
    arrived_at = forms.TimeField(
        label="登校時刻", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    early = forms.BooleanField(label="早退", required=False)
    left_at = forms.TimeField(
        label="下校時刻", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    note = forms.CharField(label="備考", max_length=NOTE_MAX, required=False)

    def __init__(
        self, *args: Any, reasons: Sequence[ReasonOption] = SHIPPED_REASONS, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = {option.label: option.reason for option in reasons}
        self.fields["reason"].choices = [("", "—")] + [(label, label) for label in self.reasons]  # type: ignore[attr-defined]

    def data_object(self) -> MarkData:
        c = self.cleaned_data
        reason = self.reasons.get(c["reason"])
        return MarkData(
            status=MarkStatus(c["status"]),
            reason=reason.value if reason is not None else "",
            reason_label=c["reason"] if reason is not None and c["reason"] != reason.label else "",
            deemed_kind=c["deemed_kind"],
            detail=c["detail"].strip(),
            late=c["late"],
            early=c["early"],
            arrived_at=c["arrived_at"],
            left_at=c["left_at"],
            note=c["note"].strip(),
        )


class PupilDayForm(forms.Form):
    """Which pupil and day a cell is (hidden in the grid's requests)."""

    student = forms.IntegerField(min_value=1, max_value=MAX_ID)
    date = forms.DateField()

    def clean_date(self) -> object:
        day = self.cleaned_data["date"]
        if not 2000 <= day.year <= 2100:
            raise ValidationError("日付は2000年から2100年までで指定してください。")
        return day


# The pens of the grid: what one click or key sets.
PENS: dict[str, tuple[str, MarkData]] = {
    "illness": ("欠席 (病気)", MarkData(status=MarkStatus.ABSENT, reason=AbsenceReason.ILLNESS)),
    "accident": (
        "欠席 (事故)",
        MarkData(status=MarkStatus.ABSENT, reason=AbsenceReason.ACCIDENT),
    ),
    "late": ("遅刻", MarkData(status=MarkStatus.PRESENT, late=True)),
    "early": ("早退", MarkData(status=MarkStatus.PRESENT, early=True)),
    "present": ("出席 (取消し)", MarkData(status=MarkStatus.PRESENT)),
}
PEN_KEYS = {"1": "illness", "2": "accident", "3": "late", "4": "early", "0": "present"}


class QuickForm(PupilDayForm):
    pen = forms.ChoiceField(choices=[(k, v[0]) for k, v in PENS.items()])


class DayForm(forms.Form):
    date = forms.DateField(label="日付")


class MonthForm(forms.Form):
    month = forms.CharField(max_length=7)

    def clean_month(self) -> tuple[int, int]:
        parsed = parse_month(self.cleaned_data["month"])
        if parsed is None:
            raise ValidationError("月は YYYY-MM の形で指定してください。")
        return parsed


class UnlockForm(MonthForm):
    reason = forms.CharField(
        label="解除の理由",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例: 12月3日の欠席理由の訂正 (保護者からの申出)",
    )


class RangeForm(MarkForm):
    """The same mark over a run of days (出席停止, 忌引)."""

    field_order = ["student", "start", "end"]
    student = forms.TypedChoiceField(label="児童生徒", coerce=int)
    start = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, pupils: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = pupils  # type: ignore[attr-defined]
        self.fields["status"].initial = MarkStatus.SUSPENDED


class ClosureForm(forms.Form):
    kind = forms.ChoiceField(label="種別", choices=ClosureKind.choices)
    start = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="理由", max_length=TEXT_MAX, help_text="例: インフルエンザの流行による"
    )


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日付", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="設定",
        choices=[
            ("school", "授業日"),
            ("holiday", "休業日"),
            ("default", "曜日どおり (月〜金は授業日)"),
        ],
    )
    note = forms.CharField(label="内容", max_length=60, required=False, help_text="例: 開校記念日")


class ReasonOptionForm(forms.Form):
    """A board adds a 欠席の理由 of its own, counted as one of the shipped reasons."""

    label = forms.CharField(label="理由の名前", max_length=30, help_text="例: 発熱、家事都合")
    reason = forms.ChoiceField(
        label="集計の区分",
        choices=AbsenceReason.choices,
        help_text="指導要録と問題行動・不登校調査では、この区分で数えます。",
    )
