"""Forms of 健康診断: the 入力時期設定 and the 検査日 of a grid or record."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"


class EntryPeriodForm(forms.Form):
    # The 年度 the page showed: a form opened before 4月1日 cannot set the next 年度.
    fiscal_year = forms.IntegerField(widget=forms.HiddenInput)
    opens_on = forms.DateField(label="入力開始日", required=False, widget=DateInput)
    closes_on = forms.DateField(label="入力終了日", required=False, widget=DateInput)
    closed = forms.BooleanField(label="入力を締め切る", required=False)

    def __init__(self, *args: Any, fiscal_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_year = fiscal_year

    def clean_fiscal_year(self) -> int:
        year = int(self.cleaned_data["fiscal_year"])
        if year != self.expected_year:
            raise forms.ValidationError(
                f"{year}年度の画面から送信されました。{self.expected_year}年度の画面を開き直してください。"
            )
        return year


class ExamDateForm(forms.Form):
    exam_date = forms.DateField(label="検査日", required=False, widget=DateInput)
