"""Forms of the students app: the class-list filter, 学籍 entry (with guardians) and placing a
pupil in a 学級."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from manabi.classes.models import SchoolClass
from manabi.orgs.models import Organisation
from manabi.students.models import Sex, Student
from manabi.students.services import GuardianData, StudentData

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ClassChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: SchoolClass) -> str:
        return obj.label


class RosterFilterForm(forms.Form):
    """名簿の絞り込み: 学級, 学年, 氏名・ふりがな."""

    school_class = ClassChoiceField(
        label="学級", queryset=SchoolClass.objects.none(), required=False, empty_label="すべて"
    )
    grade = forms.TypedChoiceField(label="学年", coerce=int, required=False, empty_value=None)
    q = forms.CharField(label="氏名・ふりがな", required=False, max_length=60)

    def __init__(self, *args: Any, classes: QuerySet[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes  # type: ignore[attr-defined]
        grades = sorted({c.grade for c in classes})
        self.fields["grade"].choices = [("", "すべて")] + [  # type: ignore[attr-defined]
            (g, f"{g}年") for g in grades
        ]


class StudentForm(forms.Form):
    """学籍の個人情報 (指導要録 様式1 の学籍に関する記録)."""

    family_name = forms.CharField(label="氏", max_length=40)
    given_name = forms.CharField(label="名", max_length=40)
    family_kana = forms.CharField(
        label="氏 (ふりがな)", max_length=60, help_text="ひらがな又はカタカナ(全角)"
    )
    given_kana = forms.CharField(label="名 (ふりがな)", max_length=60)
    common_name = forms.CharField(
        label="通称名", max_length=80, required=False, help_text="学校で使う名前がある場合"
    )
    alphabet_name = forms.CharField(label="アルファベット表記", max_length=120, required=False)
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(label="生年月日", widget=DATE_INPUT)
    postal_code = forms.CharField(label="郵便番号", max_length=8, required=False)
    address = forms.CharField(label="住所", max_length=200, required=False)
    prior_history = forms.CharField(
        label="入学前の経歴", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def data_object(self) -> StudentData:
        d = self.cleaned_data
        return StudentData(
            family_name=d["family_name"].strip(),
            given_name=d["given_name"].strip(),
            family_kana=d["family_kana"].strip(),
            given_kana=d["given_kana"].strip(),
            sex=d["sex"],
            birth_date=d["birth_date"],
            common_name=d["common_name"].strip(),
            alphabet_name=d["alphabet_name"].strip(),
            postal_code=d["postal_code"].strip(),
            address=d["address"].strip(),
            prior_history=d["prior_history"].strip(),
        )

    @classmethod
    def initial_of(cls, student: Student) -> dict[str, Any]:
        return {name: getattr(student, name) for name in cls.base_fields}


class AdmissionForm(StudentForm):
    """入学・転入: the pupil and their first enrolment at the school."""

    code = forms.CharField(label="児童生徒コード", max_length=20, help_text="自治体内で一意の番号")
    start_date = forms.DateField(label="在籍開始日 (入学・転入日)", widget=DATE_INPUT)
    school_class = ClassChoiceField(label="学級", queryset=SchoolClass.objects.none())
    number = forms.IntegerField(label="出席番号", min_value=1, max_value=99, required=False)
    transferred_in = forms.BooleanField(label="転入として登録する", required=False)

    field_order = ["code", *StudentForm.base_fields, "start_date", "school_class", "number"]

    def __init__(self, *args: Any, classes: QuerySet[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes  # type: ignore[attr-defined]


class GuardianForm(forms.Form):
    family_name = forms.CharField(label="氏", max_length=40)
    given_name = forms.CharField(label="名", max_length=40)
    family_kana = forms.CharField(label="氏 (ふりがな)", max_length=60, required=False)
    given_kana = forms.CharField(label="名 (ふりがな)", max_length=60, required=False)
    relation = forms.CharField(label="続柄", max_length=20, help_text="例: 父、母、祖母")
    phone = forms.CharField(label="電話番号", max_length=20, required=False)
    email = forms.EmailField(label="メールアドレス", required=False)
    address = forms.CharField(
        label="住所", max_length=200, required=False, help_text="児童生徒と同じなら空欄"
    )

    def data_object(self) -> GuardianData:
        return GuardianData(
            **{
                k: str(self.cleaned_data.get(k) or "").strip()
                for k in GuardianData.__dataclass_fields__
            }
        )


class BaseGuardianFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def guardians(self) -> list[GuardianData]:
        return [
            f.data_object()
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


GuardianFormSet = forms.formset_factory(
    GuardianForm, formset=BaseGuardianFormSet, extra=1, max_num=4, can_delete=True
)


def guardian_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None
) -> BaseGuardianFormSet:
    """The 保護者 rows of the 学籍 forms (prefix ``guardians``)."""
    return cast(BaseGuardianFormSet, GuardianFormSet(data, initial=initial, prefix="guardians"))


def guardian_initial(student: Student) -> list[dict[str, Any]]:
    return [
        {name: getattr(g, name) for name in GuardianForm.base_fields}
        for g in student.guardians.all()
    ]


class PlaceForm(forms.Form):
    """組編成・出席番号の変更."""

    school_class = ClassChoiceField(
        label="学級", queryset=SchoolClass.objects.none(), required=False, empty_label="(未定)"
    )
    number = forms.IntegerField(label="出席番号", min_value=1, max_value=99, required=False)

    def __init__(self, *args: Any, classes: QuerySet[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes  # type: ignore[attr-defined]


class TransferOutForm(forms.Form):
    """転出の記録."""

    moved_on = forms.DateField(label="転出日", widget=DATE_INPUT)
    to_school = forms.ModelChoiceField(
        label="転入先の学校 (県内の manabi 利用校)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="(県外・域外の学校)",
    )
    destination_name = forms.CharField(
        label="転入先の学校名 (域外の場合)", max_length=120, required=False
    )
    reason = forms.CharField(label="理由", max_length=200, help_text="例: 保護者の転勤")

    def __init__(self, *args: Any, schools: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_school"].queryset = schools  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_school") and not (data.get("destination_name") or "").strip():
            raise forms.ValidationError("転入先の学校を選ぶか、域外の学校名を入力してください。")
        return data


class TransferAcceptForm(forms.Form):
    """転入の受入れ: the pupil's class and number at the new school."""

    start_date = forms.DateField(label="転入日", widget=DATE_INPUT)
    school_class = ClassChoiceField(label="学級", queryset=SchoolClass.objects.none())
    number = forms.IntegerField(label="出席番号", min_value=1, max_value=99, required=False)

    def __init__(self, *args: Any, classes: QuerySet[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes  # type: ignore[attr-defined]


class PackageUploadForm(forms.Form):
    """域外から届いた引継ぎファイル (署名付き zip) の取込み."""

    package = forms.FileField(label="引継ぎファイル (.zip)")
