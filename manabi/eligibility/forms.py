"""Forms of the eligibility app (input parsing only; the rules live in services)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from manabi.eligibility.models import LEAVE_KIND_CHOICES, SERVICE_KIND_CHOICES
from manabi.eligibility.presets import DEFAULT_PRESET, preset_names
from manabi.eligibility.survey_rules import (
    ABSENCE_CHOICES,
    ATTEND_NO,
    ATTEND_YES,
    NUMBER_CHOICES,
    TRAINING_CHOICES,
)
from manabi.orgs.models import Organisation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class SurveyOpenForm(forms.Form):
    prefecture = forms.ModelChoiceField(
        label="対象 (県教育委員会)", queryset=Organisation.objects.none(), empty_label=None
    )
    fiscal_year = forms.IntegerField(
        label="研修の年度 (西暦)",
        min_value=2000,
        max_value=2999,
        help_text="令和7年度の研修なら 2025。在職年数はその年の3月31日現在で数えます。",
    )
    deadline = forms.DateField(label="提出期限", widget=DATE_WIDGET)
    rules = forms.ChoiceField(label="評価ルール", choices=())

    def __init__(self, *args: Any, prefectures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["prefecture"]).queryset = prefectures
        rules = cast("forms.ChoiceField", self.fields["rules"])
        rules.choices = [(name, name) for name in preset_names()]
        rules.initial = DEFAULT_PRESET


class ReopenForm(forms.Form):
    comment = forms.CharField(
        label="差し戻しの理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="学校の回答画面に表示されます。",
    )


class DecisionForm(forms.Form):
    attend = forms.ChoiceField(
        label="受講の可否",
        choices=[("", "未入力"), (ATTEND_YES, "○ 受講する"), (ATTEND_NO, "× 受講できない")],
        required=False,
        widget=forms.RadioSelect,
    )
    absence_reason = forms.ChoiceField(
        label="受講できない理由 (× の場合)",
        choices=[("", "—"), *ABSENCE_CHOICES],
        required=False,
    )
    absence_reason_text = forms.CharField(
        label="理由の詳細・期間",
        max_length=200,
        required=False,
        help_text="例: R7.4.1〜R9.3.31。「その他」の場合は理由を具体的に。",
    )
    number = forms.TypedChoiceField(
        label="番号",
        choices=[("", "—"), *NUMBER_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    subject = forms.CharField(
        label="教科",
        max_length=40,
        required=False,
        help_text="中・高等学校は免許教科、小・特別支援学校は研究教科。養護教諭は不要。",
    )
    note = forms.CharField(
        label="備考",
        max_length=400,
        required=False,
        help_text="配慮が必要な場合、旧姓を使用する場合 (「旧姓〇〇を使用」) など。",
    )


class ServicePeriodForm(forms.Form):
    prefix = "service"  # three forms share the records page
    kind = forms.ChoiceField(label="種類", choices=SERVICE_KIND_CHOICES)
    start = forms.DateField(label="開始日", widget=DATE_WIDGET)
    end = forms.DateField(
        label="終了日", widget=DATE_WIDGET, required=False, help_text="続いている場合は空欄"
    )
    note = forms.CharField(label="備考", max_length=200, required=False)


class LeaveForm(forms.Form):
    prefix = "leave"
    kind = forms.ChoiceField(label="種類", choices=LEAVE_KIND_CHOICES)
    start = forms.DateField(label="開始日", widget=DATE_WIDGET)
    end = forms.DateField(
        label="終了日", widget=DATE_WIDGET, required=False, help_text="続いている場合は空欄"
    )
    note = forms.CharField(label="備考", max_length=200, required=False)


class CompletedTrainingForm(forms.Form):
    prefix = "completed"
    training = forms.ChoiceField(label="研修", choices=TRAINING_CHOICES)
    year = forms.IntegerField(
        label="修了年度 (西暦)", min_value=1950, max_value=2999, required=False
    )
    note = forms.CharField(
        label="備考",
        max_length=200,
        required=False,
        help_text="他県で修了した同等の研修 (教職5年経験者研修など) はその名前を。",
    )


class RecordsImportForm(forms.Form):
    file = forms.FileField(
        label="ファイル (CSV または Excel .xlsx)",
        help_text="見出し: 職員番号, 区分, 種類, 開始日, 終了日, 研修 (備考は省略可)",
    )
