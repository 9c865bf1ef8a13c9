"""Forms of the class pages: a new 学級 or 授業クラス, a duty, the pupils of a 授業クラス."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from manabi.classes.models import ClassKind, DutyKind
from manabi.people.models import Staff


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.display_name} ({obj.get_job_title_display()})"


class SchoolClassForm(forms.Form):
    grade = forms.IntegerField(label="学年", min_value=1, max_value=12)
    name = forms.CharField(label="組", max_length=20, help_text="「1」「2」、又は「ひまわり」など")
    kind = forms.ChoiceField(label="種別", choices=ClassKind.choices, initial=ClassKind.REGULAR)
    order = forms.IntegerField(label="表示順", min_value=0, max_value=99, initial=0, required=False)


class LessonClassForm(forms.Form):
    subject = forms.CharField(label="教科・科目", max_length=40)
    name = forms.CharField(label="授業クラス名", max_length=60, help_text="例: 3年 選択理科A")
    grade = forms.IntegerField(
        label="学年", min_value=1, max_value=12, required=False, help_text="複数学年なら空欄"
    )
    elective = forms.BooleanField(label="選択教科", required=False)


class DutyForm(forms.Form):
    """担任・副担任 of a 学級, or 教科担当 of a 授業クラス, or 学年主任・学年所属 of a grade."""

    staff = StaffChoiceField(label="教職員", queryset=Staff.objects.none())
    kind = forms.ChoiceField(label="担当", choices=DutyKind.choices)
    grade = forms.IntegerField(label="学年", min_value=1, max_value=12, required=False)

    def __init__(
        self, *args: Any, staff: QuerySet[Staff], kinds: list[DutyKind], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]  # type: ignore[attr-defined]
        if not any(k in (DutyKind.GRADE_HEAD, DutyKind.GRADE_MEMBER) for k in kinds):
            del self.fields["grade"]


class MembersForm(forms.Form):
    students = forms.TypedMultipleChoiceField(
        label="履修者", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["students"].choices = choices  # type: ignore[attr-defined]
