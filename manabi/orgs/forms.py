"""Forms of the orgs app."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from manabi.orgs.models import Organisation, OrganisationKind


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label="名称・所属コード", required=False)
    kind = forms.ChoiceField(
        label="種別", choices=[("", "すべて"), *OrganisationKind.choices], required=False
    )


class OrganisationForm(forms.ModelForm):  # type: ignore[type-arg]
    parent = forms.ModelChoiceField(
        label="上位組織", queryset=Organisation.objects.none(), required=False
    )

    class Meta:
        model = Organisation
        fields = [
            "code",
            "kind",
            "name",
            "name_kana",
            "parent",
            "local_government_code",
            "board_code",
            "school_code",
            "school_type",
            "high_school_course",
            "founder",
            "phone",
            "is_active",
        ]

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["parent"]).queryset = parents

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("kind") == OrganisationKind.SCHOOL:
            for name, label in (("school_type", "学校種"), ("founder", "設置者")):
                if not data.get(name):
                    self.add_error(name, f"学校・園には{label}が必要です。")
        else:
            for name in ("school_type", "high_school_course", "school_code"):
                data[name] = ""
        return data
