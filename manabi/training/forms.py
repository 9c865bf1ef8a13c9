"""Forms of the training app: they parse what people type; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from manabi.core.converters import is_digits
from manabi.core.formerrors import filter_values
from manabi.eligibility.models import Survey
from manabi.eligibility.survey_rules import TRAINING_CHOICES
from manabi.indicators.models import Item
from manabi.orgs.models import Organisation, SchoolType
from manabi.people.choices import JobTitle
from manabi.people.models import Staff
from manabi.training.choices import (
    DESCRIPTION_MAX,
    AttendanceStatus,
    CompletionRule,
    Decision,
    NumberCategory,
    ProgrammeKind,
    QuestionKind,
    RecordCategory,
    RouteOverride,
    TrainingFormat,
    Visibility,
)
from manabi.training.models import SurveyQuestion, TrainingProgramme
from manabi.training.selectors import DEFAULT_SORT, CatalogueQuery
from manabi.training.services.programmes import ProgrammeInput, SessionInput

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PAGE_SIZES = (10, 20, 50, 100)


def posted_ids(values: list[str]) -> list[int]:
    """The whole numbers among posted values (checkboxes of ids); others are ignored."""
    return [int(value) for value in values if is_digits(value) and len(value) <= 18]


def _blank(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *[(str(value), str(text)) for value, text in choices]]


class CatalogueForm(forms.Form):
    """研修を探す: keywords, filters, sort and page size (all optional)."""

    q = forms.CharField(
        label="キーワード",
        required=False,
        max_length=100,
        help_text="研修名・内容・研修事業番号・主催者・会場から探します。スペースで区切ると全てを含む研修。",
    )
    organiser = forms.ModelChoiceField(
        label="主催", queryset=Organisation.objects.none(), required=False, empty_label="すべて"
    )
    format = forms.ChoiceField(
        label="形態", choices=_blank("すべて", TrainingFormat.choices), required=False
    )
    kind = forms.ChoiceField(
        label="種類", choices=_blank("すべて", ProgrammeKind.choices), required=False
    )
    category = forms.ChoiceField(
        label="記録の区分", choices=_blank("すべて", RecordCategory.choices), required=False
    )
    fiscal_year = forms.IntegerField(
        label="年度(西暦)", required=False, min_value=2000, max_value=2999
    )
    date_from = forms.DateField(label="開催日(から)", required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label="開催日(まで)", required=False, widget=DATE_WIDGET)
    open_only = forms.BooleanField(label="申込受付中のみ", required=False)
    school_type = forms.ChoiceField(
        label="対象の学校種", choices=_blank("すべて", SchoolType.choices), required=False
    )
    job_title = forms.ChoiceField(
        label="対象の職名", choices=_blank("すべて", JobTitle.choices), required=False
    )
    indicator_item = forms.ModelChoiceField(
        label="育成指標の項目", queryset=Item.objects.none(), required=False, empty_label="すべて"
    )
    sort = forms.ChoiceField(
        label="並べ替え",
        required=False,
        choices=[
            ("date", "開催日が早い順"),
            ("-date", "開催日が遅い順"),
            ("closing", "申込締切が早い順"),
            ("new", "新着順"),
            ("number", "研修事業番号順"),
        ],
    )
    per_page = forms.TypedChoiceField(
        label="表示件数",
        required=False,
        coerce=int,
        initial=20,
        choices=[(n, f"{n}件") for n in PAGE_SIZES],
    )

    def __init__(self, *args: Any, organisers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["organiser"]).queryset = organisers
        cast("forms.ModelChoiceField[Any]", self.fields["indicator_item"]).queryset = (
            Item.objects.filter(training_links__isnull=False).distinct().order_by("code")
        )

    def to_query(self) -> CatalogueQuery:
        data = filter_values(self)
        organiser = data.get("organiser")
        item = data.get("indicator_item")
        return CatalogueQuery(
            q=data.get("q", ""),
            organiser=organiser.pk if organiser else None,
            format=data.get("format", ""),
            kind=data.get("kind", ""),
            category=data.get("category", ""),
            fiscal_year=data.get("fiscal_year"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            open_only=bool(data.get("open_only")),
            school_type=data.get("school_type", ""),
            job_title=data.get("job_title", ""),
            indicator_item=item.pk if item else None,
            sort=data.get("sort") or DEFAULT_SORT,
        )

    def page_size(self) -> int:
        data = filter_values(self)
        return int(data.get("per_page") or 20)


class ProgrammeForm(forms.Form):
    """研修事業の登録・変更."""

    title = forms.CharField(label="研修名", max_length=200)
    number = forms.CharField(
        label="研修事業番号",
        max_length=30,
        required=False,
        help_text="空欄にすると、年度・市町村コード・種別コード・連番から自動で付けます。",
    )
    organiser = forms.ModelChoiceField(
        label="主催", queryset=Organisation.objects.none(), empty_label=None
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label="共同主催",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="他の教育委員会・研修主催者と共同で主催する場合に選びます(複数選択可)。",
    )
    fiscal_year = forms.IntegerField(label="年度(西暦)", min_value=2000, max_value=2999)
    number_category = forms.ChoiceField(
        label="種別コード",
        choices=NumberCategory.choices,
        initial=NumberCategory.OTHER,
        help_text="研修事業番号の種別コード。学校が登録する研修は「9 その他」になります。",
    )
    category = forms.ChoiceField(label="記録の区分", choices=RecordCategory.choices)
    kind = forms.ChoiceField(
        label="研修の種類",
        choices=ProgrammeKind.choices,
        initial=ProgrammeKind.VOLUNTARY,
        help_text="悉皆・指名は主催者が受講者を登録し、推薦・希望は申込を受け付けます。",
    )
    format = forms.ChoiceField(label="形態", choices=TrainingFormat.choices)
    description = forms.CharField(
        label="内容",
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    target_school_types = forms.MultipleChoiceField(
        label="対象の学校種",
        choices=SchoolType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="選ばない場合はすべての学校種が対象です。",
    )
    target_job_titles = forms.MultipleChoiceField(
        label="対象の職名",
        choices=JobTitle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="選ばない場合はすべての職名が対象です。",
    )
    min_years = forms.IntegerField(
        label="経験年数(以上)", required=False, min_value=0, max_value=60
    )
    max_years = forms.IntegerField(
        label="経験年数(以下)", required=False, min_value=0, max_value=60
    )
    target_note = forms.CharField(label="対象の補足", max_length=200, required=False)
    capacity = forms.IntegerField(
        label="定員", required=False, min_value=1, help_text="空欄は定員なし。"
    )
    application_opens = forms.DateField(label="申込開始日", required=False, widget=DATE_WIDGET)
    application_closes = forms.DateField(label="申込締切日", required=False, widget=DATE_WIDGET)
    visibility = forms.ChoiceField(
        label="公開範囲",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.JURISDICTION,
    )
    route = forms.ChoiceField(
        label="承認ルート", choices=RouteOverride.choices, initial=RouteOverride.AUTO
    )
    completion_rule = forms.ChoiceField(label="修了の判定", choices=CompletionRule.choices)
    completion_min_hours = forms.DecimalField(
        label="修了に必要な時間",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
        help_text="「出席時間が基準以上」のとき。",
    )
    survey_required = forms.BooleanField(
        label="アンケートの回答を修了の条件にする",
        required=False,
        help_text="チェックしない場合、アンケートは修了後に回答します。",
    )
    eligibility_training = forms.ChoiceField(
        label="該当者調査の研修",
        choices=_blank("なし", TRAINING_CHOICES),
        required=False,
        help_text="悉皆研修で、基本研修の該当者調査から受講者を登録する場合に選びます。",
    )
    indicator_items = forms.ModelMultipleChoiceField(
        label="育成指標の項目",
        queryset=Item.objects.none(),
        required=False,
        help_text="この研修で身に付ける資質能力(複数選択可)。",
    )

    def __init__(
        self,
        *args: Any,
        organisers: QuerySet[Organisation],
        co_organisers: QuerySet[Organisation],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["organiser"]).queryset = organisers
        cast(
            "forms.ModelMultipleChoiceField[Any]", self.fields["co_organisers"]
        ).queryset = co_organisers
        cast(
            "forms.ModelMultipleChoiceField[Any]", self.fields["indicator_items"]
        ).queryset = Item.objects.select_related("framework", "stage", "area").order_by(
            "framework__fiscal_year", "code"
        )
        if editing:
            del self.fields["number"]

    @classmethod
    def initial_from(cls, programme: TrainingProgramme) -> dict[str, Any]:
        names = [
            "title", "fiscal_year", "number_category", "category", "kind", "format",
            "description", "min_years", "max_years", "target_note", "capacity",
            "application_opens", "application_closes", "visibility", "route",
            "completion_rule", "completion_min_hours", "survey_required", "eligibility_training",
        ]  # fmt: skip
        initial: dict[str, Any] = {name: getattr(programme, name) for name in names}
        initial["organiser"] = programme.organiser_id
        initial["co_organisers"] = list(programme.co_organisers.values_list("pk", flat=True))
        initial["target_school_types"] = programme.school_types
        initial["target_job_titles"] = programme.job_titles
        initial["indicator_items"] = list(
            programme.indicator_links.values_list("item_id", flat=True)
        )
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("application_opens"), data.get("application_closes")
        if opens and closes and closes < opens:
            self.add_error("application_closes", "申込締切日は申込開始日より後にしてください。")
        low, high = data.get("min_years"), data.get("max_years")
        if low is not None and high is not None and high < low:
            self.add_error("max_years", "経験年数(以下)は経験年数(以上)より大きくしてください。")
        return data

    def to_input(self) -> ProgrammeInput:
        data = self.cleaned_data
        return ProgrammeInput(
            title=data["title"],
            organiser=data["organiser"],
            fiscal_year=data["fiscal_year"],
            category=data["category"],
            kind=data["kind"],
            format=data["format"],
            number_category=data["number_category"],
            description=data["description"],
            co_organisers=list(data["co_organisers"]),
            target_school_types=data["target_school_types"],
            target_job_titles=data["target_job_titles"],
            min_years=data["min_years"],
            max_years=data["max_years"],
            target_note=data["target_note"],
            capacity=data["capacity"],
            application_opens=data["application_opens"],
            application_closes=data["application_closes"],
            visibility=data["visibility"],
            route=data["route"],
            completion_rule=data["completion_rule"],
            completion_min_hours=data["completion_min_hours"],
            survey_required=data["survey_required"],
            eligibility_training=data["eligibility_training"],
            indicator_item_ids=[item.pk for item in data["indicator_items"]],
        )


class SessionForm(forms.Form):
    date = forms.DateField(label="日付", widget=DATE_WIDGET)
    start_time = forms.TimeField(label="開始時刻", required=False, widget=TIME_WIDGET)
    end_time = forms.TimeField(label="終了時刻", required=False, widget=TIME_WIDGET)
    hours = forms.DecimalField(
        label="時間",
        min_value=0.5,
        max_digits=4,
        decimal_places=1,
        help_text="研修時間(時間単位、0.5刻み)。",
    )
    venue = forms.CharField(label="会場", max_length=200, required=False)
    url = forms.URLField(
        label="URL(オンライン)", max_length=500, required=False, assume_scheme="https"
    )
    note = forms.CharField(label="備考", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "終了時刻は開始時刻より後にしてください。")
        return data

    def to_input(self) -> SessionInput:
        data = self.cleaned_data
        return SessionInput(
            date=data["date"],
            hours=data["hours"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            venue=data["venue"],
            url=data["url"],
            note=data["note"],
        )


class MaterialForm(forms.Form):
    title = forms.CharField(label="資料名", max_length=200)
    file = forms.FileField(label="ファイル", required=False)
    url = forms.URLField(label="リンク", max_length=500, required=False, assume_scheme="https")
    participants_only = forms.BooleanField(label="受講者のみに表示", required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError("ファイルを選ぶか、リンクを入力してください。")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), strip=True
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="コメント", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResubmitForm(forms.Form):
    """再申込: the reason may be rewritten; left out of the request, it stays as it was."""

    motivation = forms.CharField(
        label="申込の理由・連絡事項",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_motivation(self) -> str | None:
        return self.cleaned_data["motivation"] if "motivation" in self.data else None


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="コメント(任意)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BulkApproveForm(forms.Form):
    applications = forms.TypedMultipleChoiceField(label="申込", coerce=int, choices=())
    comment = forms.CharField(label="コメント(任意)", max_length=2000, required=False)

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.TypedMultipleChoiceField", self.fields["applications"]).choices = [
            (i, str(i)) for i in ids
        ]
        self.fields["applications"].error_messages["required"] = "承認する申込を選んでください。"


def _staff_label(obj: Any) -> str:
    return f"{obj.display_name}({obj.staff_number})"


class ApplyForm(forms.Form):
    """申込: for oneself, or (school admins and boards) for a member of staff with a rank."""

    staff = forms.ModelChoiceField(
        label="申し込む教職員",
        queryset=Staff.objects.none(),
        required=False,
        empty_label="自分",
        help_text="所属の教職員の代わりに申し込む(推薦する)場合に選びます。",
    )
    recommendation_rank = forms.IntegerField(
        label="推薦順位",
        required=False,
        min_value=1,
        max_value=999,
        help_text="推薦する場合の順位(1が最優先)。同じ研修で同じ順位は使えません。",
    )
    motivation = forms.CharField(
        label="申込の理由・連絡事項",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, staff: QuerySet[Staff] | None, self_allowed: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.self_allowed = self_allowed
        if staff is None:
            del self.fields["staff"]
            del self.fields["recommendation_rank"]
        else:
            field = cast("forms.ModelChoiceField[Any]", self.fields["staff"])
            field.queryset = staff.order_by("kana", "staff_number")
            field.label_from_instance = _staff_label  # type: ignore[method-assign]
            if not self_allowed:
                field.required = True
                field.empty_label = "選んでください"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("recommendation_rank") and not data.get("staff"):
            self.add_error(
                "recommendation_rank", "推薦順位は所属の教職員を選んだときだけ付けられます。"
            )
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="決定", choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="理由(不採択のとき)", required=False, max_length=2000)


class LotteryForm(forms.Form):
    seed = forms.IntegerField(
        label="シード(任意)",
        required=False,
        min_value=0,
        max_value=2**48 - 1,
        help_text="空欄なら新しいシードで抽選します。同じシードと同じ申込なら同じ結果になります。",
    )


class EnrolSearchForm(forms.Form):
    q = forms.CharField(label="氏名・ふりがな・職員番号", required=False, max_length=100)
    organisation = forms.ModelChoiceField(
        label="所属", queryset=Organisation.objects.none(), required=False, empty_label="すべて"
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = organisations


class EnrolForm(forms.Form):
    staff = forms.TypedMultipleChoiceField(label="登録する教職員", coerce=int, choices=())

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.TypedMultipleChoiceField", self.fields["staff"]).choices = [
            (i, str(i)) for i in ids
        ]
        self.fields["staff"].error_messages["required"] = "登録する教職員を選んでください。"


class EnrolCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV ファイル",
        help_text="1行目を見出しにして「職員番号」の列を入れてください(UTF-8 または Shift_JIS)。",
    )


class EnrolSurveyForm(forms.Form):
    survey: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="該当者調査", queryset=Survey.objects.none(), empty_label=None
    )
    training = forms.ChoiceField(label="研修", choices=TRAINING_CHOICES)

    def __init__(self, *args: Any, surveys: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["survey"]).queryset = surveys


class AttendanceBulkForm(forms.Form):
    applications = forms.TypedMultipleChoiceField(label="受講者", coerce=int, choices=())
    status = forms.ChoiceField(label="まとめて入力する出欠", choices=AttendanceStatus.choices)

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.TypedMultipleChoiceField", self.fields["applications"]).choices = [
            (i, str(i)) for i in ids
        ]
        self.fields["applications"].error_messages["required"] = "受講者を選んでください。"


class OverrideForm(forms.Form):
    completed = forms.TypedChoiceField(
        label="判定",
        choices=[("1", "修了にする"), ("0", "未修了にする")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="上書きの理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="形式", choices=QuestionKind.choices)
    text = forms.CharField(label="質問", max_length=500)
    choices = forms.CharField(
        label="選択肢(選択式のとき、1行に1つ)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    required = forms.BooleanField(label="回答必須", required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == QuestionKind.CHOICE
            and len([c for c in (data.get("choices") or "").splitlines() if c.strip()]) < 2
        ):
            self.add_error("choices", "選択式の質問には選択肢を2つ以上入力してください。")
        return data


SCALE_CHOICES = [
    ("5", "5 とてもそう思う"),
    ("4", "4 そう思う"),
    ("3", "3 どちらともいえない"),
    ("2", "2 そう思わない"),
    ("1", "1 まったくそう思わない"),
]


class SurveyAnswerForm(forms.Form):
    """The outcome survey, one field per question (``q<id>``)."""

    def __init__(self, *args: Any, questions: list[SurveyQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            field: forms.Field
            if question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in question.choice_list], widget=forms.RadioSelect
                )
            elif question.kind == QuestionKind.SCALE:
                field = forms.ChoiceField(choices=SCALE_CHOICES, widget=forms.RadioSelect)
            else:
                field = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
            field.label = question.text
            field.required = question.required
            self.fields[f"q{question.pk}"] = field
        self.questions = questions

    def answers(self) -> dict[int, str]:
        return {q.pk: str(self.cleaned_data.get(f"q{q.pk}") or "") for q in self.questions}


class TargetExceptionForm(forms.Form):
    staff_number = forms.CharField(label="職員番号", max_length=20)
    reason = forms.CharField(
        label="許可の理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例: 他県からの転入で、本県での経験年数と通算の経験年数が異なるため。",
    )
