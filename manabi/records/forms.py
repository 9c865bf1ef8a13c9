"""Forms of the records app."""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from manabi.core import wareki
from manabi.core.formerrors import filter_values
from manabi.indicators.models import Item
from manabi.orgs.models import Organisation
from manabi.people.choices import JobTitle
from manabi.people.models import Staff
from manabi.records.choices import (
    MANUAL_CATEGORIES,
    NOTE_MAX,
    ExportEncoding,
    ExportFormat,
    RecordCategory,
    TrainingFormat,
)
from manabi.records.selectors import HistoryFilters

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".pptx", ".txt")


class ItemChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """育成指標の項目, shown as "A-1 授業力・着任時: …"."""

    def label_from_instance(self, obj: Item) -> str:
        text = obj.description if len(obj.description) <= 40 else obj.description[:40] + "…"
        return f"{obj.code} {obj.area.name}・{obj.stage.name}: {text}"


def _hours_field() -> forms.DecimalField:
    return forms.DecimalField(
        label="時間",
        min_value=Decimal("0.1"),
        max_value=Decimal("999.9"),
        decimal_places=1,
        help_text="研修の時間数(0.5 時間単位などで入力。例: 1.5)。",
    )


class ManualRecordForm(forms.Form):
    """A teacher's own 校内研修・研究 or 自主研修."""

    category = forms.ChoiceField(
        label="区分",
        choices=[(c.value, c.label) for c in MANUAL_CATEGORIES],
        widget=forms.RadioSelect,
        initial=RecordCategory.OTHER_III.value,
    )
    title = forms.CharField(label="研修名", max_length=200)
    organiser_name = forms.CharField(
        label="主催者", max_length=200, help_text="学校名、研究会・学会の名前など。"
    )
    format = forms.ChoiceField(label="形態", choices=TrainingFormat.choices)
    start = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))
    hours = _hours_field()
    indicator_item_ids = ItemChoiceField(
        label="育成指標の項目",
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="この研修で伸ばした資質能力に当たる項目を選びます(選ばなくても記録できます)。",
    )
    note = forms.CharField(
        label="内容・備考",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.FileField(
        label="証拠書類(任意)",
        required=False,
        help_text="修了証や資料など。PDF・画像・Word・Excel・PowerPoint、10MB まで。",
    )

    def __init__(self, *args: Any, items: QuerySet[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["indicator_item_ids"]
        field.queryset = items

    def clean_evidence(self) -> UploadedFile[bytes] | None:
        upload: UploadedFile[bytes] | None = self.cleaned_data.get("evidence")
        if not upload:
            return None
        if PurePath(upload.name or "").suffix.lower() not in EVIDENCE_SUFFIXES:
            raise forms.ValidationError(
                "PDF・画像(JPEG・PNG)・Word・Excel・PowerPoint・テキストのファイルを選んでください。"
            )
        if upload.size is not None and upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます(10MB まで)。")
        return upload

    def record_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["indicator_item_ids"] = [item.pk for item in data.get("indicator_item_ids") or []]
        data.pop("remove_evidence", None)
        return data


class ManualRecordEditForm(ManualRecordForm):
    remove_evidence = forms.BooleanField(label="登録済みの証拠書類を削除する", required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="差し戻しの理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="本人に表示されます。直してほしいところを書いてください。",
    )


class SchoolTrainingForm(forms.Form):
    """校内研修の一括入力 by a school admin."""

    title = forms.CharField(label="研修名", max_length=200)
    organiser_name = forms.CharField(
        label="主催者", max_length=200, required=False, help_text="空欄なら学校名になります。"
    )
    format = forms.ChoiceField(label="形態", choices=TrainingFormat.choices)
    start = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))
    hours = _hours_field()
    indicator_item_ids = ItemChoiceField(
        label="育成指標の項目",
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="内容・備考",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    staff = forms.ModelMultipleChoiceField(
        label="参加した教職員",
        queryset=Staff.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "参加した教職員を1人以上選んでください。"},
    )

    def __init__(
        self, *args: Any, items: QuerySet[Item], staff: QuerySet[Staff], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        items_field: Any = self.fields["indicator_item_ids"]
        items_field.queryset = items
        staff_field: Any = self.fields["staff"]
        staff_field.queryset = staff
        staff_field.label_from_instance = lambda s: f"{s.display_name}({s.get_job_title_display()})"

    def record_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["indicator_item_ids"] = [item.pk for item in data.get("indicator_item_ids") or []]
        data["staff"] = list(data["staff"])
        return data


class HistoryFilterForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None)
    organisation = forms.ModelChoiceField(
        label="所属", queryset=Organisation.objects.none(), required=False, empty_label="すべて"
    )
    category = forms.ChoiceField(
        label="区分", choices=[("", "すべて"), *RecordCategory.choices], required=False
    )
    job_title = forms.ChoiceField(
        label="職名", choices=[("", "すべて"), *JobTitle.choices], required=False
    )
    training = forms.CharField(label="研修名・研修事業番号", max_length=100, required=False)

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        org_field: Any = self.fields["organisation"]
        org_field.queryset = organisations
        year_field: Any = self.fields["fiscal_year"]
        year_field.choices = [("", "すべて")] + [
            (fy, f"{wareki.format_fiscal_year(fy)}({fy}年度)") for fy in years
        ]

    def filters(self) -> HistoryFilters:
        data = filter_values(self)
        organisation = data.get("organisation")
        return HistoryFilters(
            fiscal_year=data.get("fiscal_year"),
            organisation_id=organisation.pk if organisation else None,
            category=data.get("category", ""),
            job_title=data.get("job_title", ""),
            training=data.get("training", ""),
        )


class ExportForm(HistoryFilterForm):
    """The filters of the list, plus how to write the file."""

    staff_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    format = forms.ChoiceField(
        label="形式", choices=ExportFormat.choices, initial=ExportFormat.CSV.value
    )
    encoding = forms.ChoiceField(
        label="文字コード(CSV)",
        choices=ExportEncoding.choices,
        initial=ExportEncoding.UTF8.value,
        required=False,
        help_text="Shift_JIS(CP932)では表せない文字(髙・﨑 など)は「〓」に置き換え、出力後に一覧を表示します。",
    )

    def filters(self) -> HistoryFilters:
        base = super().filters()
        staff_id = self.cleaned_data.get("staff_id") if self.is_valid() else None
        return HistoryFilters(**{**base.as_dict(), "staff_id": staff_id})
