"""Forms of the 欠課簿 pages: which lesson to show (date, 時限), a one-click mark, and the
planned 授業時数. The services check the rest (the pupil takes the 授業クラス, the date is in its
年度)."""

from __future__ import annotations

from django import forms

from manabi.attendance import lesson_rules
from manabi.attendance.choices import NOTE_MAX
from manabi.attendance.lesson_models import PLANNED_MAX, PeriodMarkKind
from manabi.core.converters import MAX_ID

PERIOD_ERROR = (
    f"時限は{lesson_rules.PERIOD_MIN}〜{lesson_rules.PERIOD_MAX}の数字で指定してください。"
)
PERIOD_CHOICES = [
    (p, f"{p}限") for p in range(lesson_rules.PERIOD_MIN, lesson_rules.PERIOD_MAX + 1)
]
PRESENT = "present"  # the toggle back to plain attendance (no row)


def _period_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="時限",
        choices=PERIOD_CHOICES,
        coerce=int,
        error_messages={"required": PERIOD_ERROR, "invalid_choice": PERIOD_ERROR},
    )


class LessonPickForm(forms.Form):
    """The lesson the page shows (GET)."""

    date = forms.DateField(
        label="日付",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "日付を入力してください。",
            "invalid": "日付は YYYY-MM-DD の形で入力してください。",
        },
    )
    period = _period_field()


class PeriodMarkForm(forms.Form):
    """One click: a pupil's lesson becomes 欠課, 遅刻, 早退 or 出席 (取消し)."""

    student = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "required": "児童生徒を指定してください。",
            "invalid": "児童生徒の指定が正しくありません。",
            "min_value": "児童生徒の指定が正しくありません。",
            "max_value": "児童生徒の指定が正しくありません。",
        },
    )
    date = forms.DateField(
        error_messages={
            "required": "日付を指定してください。",
            "invalid": "日付は YYYY-MM-DD の形で指定してください。",
        }
    )
    period = _period_field()
    kind = forms.ChoiceField(
        choices=[*PeriodMarkKind.choices, (PRESENT, "出席 (取消し)")],
        error_messages={
            "required": "欠課・遅刻・早退・出席のどれかを選んでください。",
            "invalid_choice": "欠課・遅刻・早退・出席のどれかを選んでください。",
        },
    )
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        error_messages={"max_length": f"備考は{NOTE_MAX}文字以内で入力してください。"},
    )

    def kind_value(self) -> PeriodMarkKind | None:
        kind = self.cleaned_data["kind"]
        return None if kind == PRESENT else PeriodMarkKind(kind)

    def error_text(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class LessonHoursForm(forms.Form):
    """The planned annual 授業時数 (e.g. 2単位 × 35週 = 70時間)."""

    planned = forms.IntegerField(
        label="年間授業時数",
        min_value=1,
        max_value=PLANNED_MAX,
        help_text="1年間に予定する授業の時間数 (例: 2単位なら 70)。欠課時数の基準はこの数から計算します。",
        error_messages={
            "required": "年間授業時数を入力してください。",
            "invalid": "年間授業時数は半角数字で入力してください。",
            "min_value": f"年間授業時数は1〜{PLANNED_MAX}の時間数で入力してください。",
            "max_value": f"年間授業時数は1〜{PLANNED_MAX}の時間数で入力してください。",
        },
    )
