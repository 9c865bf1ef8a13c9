"""Forms of the indicators app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from manabi.core import wareki
from manabi.imports.rows import MAX_FILE_BYTES
from manabi.indicators.models import Framework
from manabi.orgs.models import Organisation


class FrameworkForm(forms.Form):
    board = forms.ModelChoiceField(label="教育委員会", queryset=Organisation.objects.none())
    name = forms.CharField(label="名称", max_length=200, initial="教員等育成指標")
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)
    copy_from = forms.ModelChoiceField(
        label="もとにする育成指標",
        queryset=Framework.objects.none(),
        required=False,
        help_text="前の年度の版を選ぶと、ステージ・領域・項目を写してから始めます。",
    )

    def __init__(
        self,
        *args: Any,
        boards: QuerySet[Organisation],
        frameworks: QuerySet[Framework],
        this_year: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        board_field: Any = self.fields["board"]
        board_field.queryset = boards
        copy_field: Any = self.fields["copy_from"]
        copy_field.queryset = frameworks
        year_field: Any = self.fields["fiscal_year"]
        year_field.choices = [
            (fy, wareki.format_fiscal_year(fy)) for fy in range(this_year + 1, this_year - 5, -1)
        ]
        self.initial.setdefault("fiscal_year", this_year)


class ItemForm(forms.Form):
    stage = forms.CharField(
        label="ステージ", max_length=100, help_text="既にあるステージ名か、新しいステージ名。"
    )
    area = forms.CharField(
        label="領域", max_length=100, help_text="既にある領域名か、新しい領域名。"
    )
    code = forms.RegexField(
        label="項目番号",
        regex=r"^[0-9A-Za-z._-]{1,20}$",
        max_length=20,
        error_messages={"invalid": "項目番号は半角英数字と - . _ の20文字以内で入力してください。"},
        help_text="同じ番号の項目があれば、その内容を変更します。",
    )
    description = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label="ファイル",
        help_text="CSV(UTF-8 または Shift_JIS)か Excel(.xlsx)。1行目は見出し行です。",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError("CSV(.csv)か Excel(.xlsx)のファイルを選んでください。")
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます(20MB まで)。")
        return upload
