"""The guardian's absence notice form (欠席連絡), made for a phone: big choices, the date
defaulting to today, Japanese labels. The rules themselves are checked by
``attendance.guardian.notice_submit``; the form only parses and bounds the input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from manabi.attendance.choices import NOTE_MAX, TEXT_MAX, NoticeKind
from manabi.attendance.guardian import (
    GUARDIAN_REASONS,
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    check_notice,
)

KIND_CHOICES = [
    (NoticeKind.ABSENT.value, "欠席 (休みます)"),
    (NoticeKind.LATE.value, "遅刻 (遅れて登校します)"),
    (NoticeKind.EARLY.value, "早退 (途中で帰ります)"),
]


class NoticeForm(forms.Form):
    date = forms.DateField(
        label="日付",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": "日付を選んでください。",
            "invalid": "日付を正しく入力してください。",
        },
    )
    kind = forms.ChoiceField(
        label="連絡の種類",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "連絡の種類 (欠席・遅刻・早退) を選んでください。",
            "invalid_choice": "連絡の種類 (欠席・遅刻・早退) を選んでください。",
        },
    )
    reason = forms.ChoiceField(
        label="理由",
        choices=[("", "選んでください"), *GUARDIAN_REASONS.items()],
        required=False,
        help_text="欠席のときは必ず選んでください。",
        error_messages={"invalid_choice": "理由は一覧から選んでください。"},
    )
    temperature = forms.DecimalField(
        label="体温 (℃)",
        required=False,
        max_digits=3,
        decimal_places=1,
        min_value=TEMPERATURE_MIN,
        max_value=TEMPERATURE_MAX,
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "step": "0.1", "placeholder": "例: 37.5"}
        ),
        help_text="測ったときだけ入力してください。",
        error_messages={
            "invalid": "体温は数字で入力してください (例: 37.5)。",
            "min_value": f"体温は{TEMPERATURE_MIN}〜{TEMPERATURE_MAX}℃の範囲で入力してください (例: 37.5)。",
            "max_value": f"体温は{TEMPERATURE_MIN}〜{TEMPERATURE_MAX}℃の範囲で入力してください (例: 37.5)。",
            "max_digits": "体温は数字で入力してください (例: 37.5)。",
            "max_decimal_places": "体温は小数第1位まで入力してください (例: 37.5)。",
            "max_whole_digits": f"体温は{TEMPERATURE_MIN}〜{TEMPERATURE_MAX}℃の範囲で入力してください (例: 37.5)。",
        },
    )
    symptoms = forms.CharField(
        label="症状・詳細",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.TextInput(attrs={"placeholder": "例: 発熱、せき"}),
        error_messages={"max_length": f"症状・詳細は{TEXT_MAX}文字以内で入力してください。"},
    )
    at_time = forms.TimeField(
        label="登校・下校の予定時刻",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
        help_text="遅刻のときは登校する時刻、早退のときは下校する時刻。",
        error_messages={"invalid": "時刻を正しく入力してください (例: 10:30)。"},
    )
    message = forms.CharField(
        label="学校への連絡",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"学校への連絡は{NOTE_MAX}文字以内で入力してください。"},
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        """The notice's rules over the fields that parsed, so that every mistake shows at once
        (``notice_submit`` checks them again, with the enrolment and the calendar)."""
        d = super().clean() or {}
        if "date" in d and "kind" in d:
            problems = check_notice(
                today=self.today,
                date=d["date"],
                kind=d["kind"],
                reason=d.get("reason") or "",
                temperature=d.get("temperature"),
                at_time=d.get("at_time"),
            )
            for field, message in problems.items():
                if field not in self.errors:
                    self.add_error(field, message)
        return d

    def notice_data(self) -> dict[str, Any]:
        """The cleaned values as ``notice_submit`` takes them."""
        d = self.cleaned_data
        temperature: Decimal | None = d.get("temperature")
        return {
            "date": d["date"],
            "kind": d["kind"],
            "reason": d.get("reason") or "",
            "symptoms": d.get("symptoms") or "",
            "temperature": temperature,
            "at_time": d.get("at_time"),
            "message": d.get("message") or "",
        }
