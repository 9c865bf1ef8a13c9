"""Forms of the people app."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from manabi.core.kana import is_kana
from manabi.orgs.models import Organisation
from manabi.people.choices import EmploymentType, JobTitle
from manabi.people.models import Staff


class StaffSearchForm(forms.Form):
    q = forms.CharField(label="氏名・ふりがな・職員番号", required=False)
    organisation = forms.ModelChoiceField(
        label="所属", queryset=Organisation.objects.none(), required=False, empty_label="すべて"
    )
    job_title = forms.ChoiceField(
        label="職名", choices=[("", "すべて"), *JobTitle.choices], required=False
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            cast(
                "forms.ModelChoiceField[Any]", self.fields["organisation"]
            ).queryset = organisations


class StaffForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Staff
        fields = [
            "staff_number",
            "name",
            "kana",
            "alias_name",
            "birth_date",
            "job_title",
            "employment_type",
            "prefecture_funded",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}

    def clean_kana(self) -> str:
        kana: str = self.cleaned_data["kana"]
        if not is_kana(kana):
            raise forms.ValidationError("ふりがなは、ひらがなかカタカナで入力してください。")
        return kana


class AssignmentForm(forms.Form):
    organisation = forms.ModelChoiceField(label="所属", queryset=Organisation.objects.none())
    start = forms.DateField(label="発令日(開始日)", widget=forms.DateInput(attrs={"type": "date"}))
    concurrent = forms.BooleanField(
        label="兼務",
        required=False,
        help_text="本務の異動ではなく、今の所属と並行して勤務する場合に選んでください。",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = organisations


class AssignmentEndForm(forms.Form):
    end = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))


class RetireForm(forms.Form):
    retired_on = forms.DateField(label="退職日", widget=forms.DateInput(attrs={"type": "date"}))
    confirm = forms.BooleanField(
        label="退職の処理をします。所属は退職日で終了し、アカウントは利用できなくなります(記録は残ります)。",
    )


EMPLOYMENT_CHOICES = EmploymentType.choices
