"""Forms of the imports app."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from manabi.imports.models import ImportKind
from manabi.imports.rows import MAX_FILE_BYTES

ALLOWED_SUFFIXES = (".csv", ".xlsx", ".txt")


class FileForm(forms.Form):
    """The file of an import (the kind is the page's)."""

    file = forms.FileField(
        label="ファイル",
        help_text="CSV(UTF-8 または Shift_JIS)か Excel(.xlsx)、20MB まで。1行目は見出し行です。",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                "CSV(.csv)か Excel(.xlsx)のファイルを選んでください。"
                "古い Excel 形式(.xls)は .xlsx で保存し直してください。"
            )
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                "ファイルが大きすぎます(20MB まで)。行を分けて複数のファイルにしてください。"
            )
        if not upload.size:
            raise forms.ValidationError("ファイルが空です。")
        return upload

    def file_bytes(self) -> bytes:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        return b"".join(upload.chunks())


class UploadForm(FileForm):
    """The organisation and staff imports: the kind is chosen on the form."""

    kind = forms.ChoiceField(
        label="登録する内容",
        choices=[(k.value, k.label) for k in (ImportKind.STAFF, ImportKind.ORGANISATIONS)],
        initial=ImportKind.STAFF.value,
        widget=forms.RadioSelect,
    )
    field_order = ["kind", "file"]
