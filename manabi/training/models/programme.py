"""Training programmes (研修事業), their sessions, materials, audience and numbering."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from manabi.orgs.models import SchoolType
from manabi.people.choices import JobTitle
from manabi.training.choices import (
    CompletionRule,
    NumberCategory,
    ProgrammeKind,
    RecordCategory,
    RouteOverride,
    TrainingFormat,
    Visibility,
)
from manabi.training.experience import target_label
from manabi.training.states import ProgrammeStatus


def split_codes(value: str) -> list[str]:
    return [code for code in value.split(",") if code]


def join_codes(codes: list[str] | tuple[str, ...]) -> str:
    """ ",elementary,junior_high,": a list any database can search with ``contains``."""
    return f",{','.join(codes)}," if codes else ""


class TrainingProgramme(models.Model):
    """A training programme (研修事業), registered by an organiser (研修主催者) or a school
    (公開研究会など)."""

    number = models.CharField("研修事業番号", max_length=30, unique=True)
    title = models.CharField("研修名", max_length=200)
    description = models.TextField("内容", blank=True)
    organiser = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="主催",
        on_delete=models.PROTECT,
        related_name="training_programmes",
    )
    co_organisers = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name="共同主催",
        blank=True,
        related_name="co_organised_programmes",
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    number_category = models.CharField(
        "種別コード", max_length=1, choices=NumberCategory.choices, default=NumberCategory.OTHER
    )
    category = models.CharField("記録の区分", max_length=20, choices=RecordCategory.choices)
    kind = models.CharField(
        "研修の種類", max_length=20, choices=ProgrammeKind.choices, default=ProgrammeKind.VOLUNTARY
    )
    format = models.CharField(
        "形態", max_length=20, choices=TrainingFormat.choices, default=TrainingFormat.IN_PERSON
    )
    # ",elementary,junior_high,"; empty: every school type (job title).
    target_school_types = models.CharField("対象の学校種", max_length=300, blank=True)
    target_job_titles = models.CharField("対象の職名", max_length=600, blank=True)
    min_years = models.PositiveSmallIntegerField("経験年数(以上)", null=True, blank=True)
    max_years = models.PositiveSmallIntegerField("経験年数(以下)", null=True, blank=True)
    target_note = models.CharField("対象の補足", max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        "定員", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    application_opens = models.DateField("申込開始日", null=True, blank=True)
    application_closes = models.DateField("申込締切日", null=True, blank=True)
    visibility = models.CharField(
        "公開範囲", max_length=20, choices=Visibility.choices, default=Visibility.JURISDICTION
    )
    route = models.CharField(
        "承認ルート", max_length=20, choices=RouteOverride.choices, default=RouteOverride.AUTO
    )
    completion_rule = models.CharField(
        "修了の判定",
        max_length=20,
        choices=CompletionRule.choices,
        default=CompletionRule.ALL_SESSIONS,
    )
    completion_min_hours = models.DecimalField(
        "修了に必要な時間", max_digits=6, decimal_places=1, null=True, blank=True
    )
    survey_required = models.BooleanField(
        "アンケートの回答を修了の条件にする",
        default=False,
        help_text="チェックしない場合、アンケートは修了後に回答できます。",
    )
    eligibility_training = models.CharField(
        "該当者調査の研修",
        max_length=40,
        blank=True,
        help_text="基本研修の該当者調査から受講者を登録するときの研修(悉皆研修)。",
    )
    status = models.CharField(
        "状態", max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    cancel_reason = models.TextField("中止の理由", blank=True)
    # Kept from the sessions (for the catalogue's date filters and sort).
    first_date = models.DateField("開始日", null=True, blank=True, db_index=True)
    last_date = models.DateField("終了日", null=True, blank=True)
    total_hours = models.DecimalField("合計時間", max_digits=6, decimal_places=1, default=0)
    # NFKC, katakana → hiragana, lower case (core.kana.search_key) of the title, number,
    # description, organisers and venues: keyword search with icontains on any database.
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField("公開日時", null=True, blank=True)

    class Meta:
        verbose_name = "研修事業"
        verbose_name_plural = "研修事業"
        ordering = ["first_date", "number"]
        indexes = [
            models.Index(fields=["status", "visibility", "first_date"]),
            models.Index(fields=["fiscal_year", "status"]),
            models.Index(fields=["application_closes"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(application_closes__isnull=True)
                | Q(application_opens__isnull=True)
                | Q(application_closes__gte=F("application_opens")),
                name="training_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(max_years__isnull=True)
                | Q(min_years__isnull=True)
                | Q(max_years__gte=F("min_years")),
                name="training_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}({self.number})"

    @property
    def school_types(self) -> list[str]:
        return split_codes(self.target_school_types)

    @property
    def job_titles(self) -> list[str]:
        return split_codes(self.target_job_titles)

    @property
    def target_years_label(self) -> str:
        """経験年数 of the target: 「5〜10年目」, or "" when any."""
        return target_label(self.min_years, self.max_years)

    @property
    def school_type_labels(self) -> list[str]:
        labels = dict(SchoolType.choices)
        return [str(labels.get(code, code)) for code in self.school_types]

    @property
    def job_title_labels(self) -> list[str]:
        labels = dict(JobTitle.choices)
        return [str(labels.get(code, code)) for code in self.job_titles]

    @property
    def is_published(self) -> bool:
        return self.status == ProgrammeStatus.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def enrolled_directly(self) -> bool:
        return ProgrammeKind(self.kind).enrolled_directly

    def accepts_applications(self, today: date | None = None) -> bool:
        """公開中, not enrolled by the organiser, and within the application window (申込期間)."""
        day = today or timezone.localdate()
        return (
            self.status == ProgrammeStatus.PUBLISHED
            and not self.enrolled_directly
            and (self.application_opens is None or self.application_opens <= day)
            and (self.application_closes is None or day <= self.application_closes)
        )


class Session(models.Model):
    """One session (日程) of a programme: a day (or part of one), where, how long."""

    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField("日付")
    start_time = models.TimeField("開始時刻", null=True, blank=True)
    end_time = models.TimeField("終了時刻", null=True, blank=True)
    venue = models.CharField("会場", max_length=200, blank=True)
    url = models.URLField("URL(オンライン)", max_length=500, blank=True)
    hours = models.DecimalField(
        "時間",
        max_digits=4,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        verbose_name = "日程"
        verbose_name_plural = "日程"
        ordering = ["programme", "date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="training_session_times_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.venue or self.url}".strip()


class Material(models.Model):
    """A file or a link (資料) for the participants."""

    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField("資料名", max_length=200)
    file = models.FileField("ファイル", upload_to="training/materials/%Y/", blank=True)
    url = models.URLField("リンク", max_length=500, blank=True)
    participants_only = models.BooleanField("受講者のみに表示", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "資料"
        verbose_name_plural = "資料"
        ordering = ["programme", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""), name="training_material_file_or_url"
            )
        ]

    def __str__(self) -> str:
        return self.title


class IndicatorLink(models.Model):
    """A programme's link to a 育成指標 item (the indicators app owns the items)."""

    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.CASCADE, related_name="indicator_links"
    )
    item = models.ForeignKey(
        "indicators.Item", on_delete=models.CASCADE, related_name="training_links"
    )

    class Meta:
        verbose_name = "育成指標との紐づけ"
        verbose_name_plural = "育成指標との紐づけ"
        constraints = [
            models.UniqueConstraint(fields=["programme", "item"], name="training_indicator_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} → {self.item_id}"


class Audience(models.Model):
    """Where a programme is visible when it is not public: the organiser's (and each
    co-organiser's) board or school, as a materialised path. Kept by the services."""

    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.CASCADE, related_name="audience"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=255)

    class Meta:
        verbose_name = "対象範囲"
        verbose_name_plural = "対象範囲"
        indexes = [models.Index(fields=["path", "programme"])]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="training_audience_once"
            )
        ]

    def __str__(self) -> str:
        return self.path


class NumberingCode(models.Model):
    """市町村コード of the 研修事業番号生成シート for an organisation (and everything under it)."""

    organisation = models.OneToOneField(
        "orgs.Organisation",
        verbose_name="組織",
        on_delete=models.CASCADE,
        related_name="training_numbering_code",
    )
    local_code = models.CharField(
        "市町村コード",
        max_length=2,
        validators=[RegexValidator(r"^[0-9]{2}$", "半角数字2桁で入力してください。")],
    )

    class Meta:
        verbose_name = "研修事業番号の市町村コード"
        verbose_name_plural = "研修事業番号の市町村コード"

    def __str__(self) -> str:
        return f"{self.organisation} {self.local_code}"


class NumberSequence(models.Model):
    """The last serial used per fiscal year, local code and category code (row-locked)."""

    fiscal_year = models.PositiveSmallIntegerField()
    local_code = models.CharField(max_length=2)
    category_code = models.CharField(max_length=1)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "研修事業番号の連番"
        verbose_name_plural = "研修事業番号の連番"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "local_code", "category_code"],
                name="training_number_sequence_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}-{self.local_code}-{self.category_code}: {self.last_serial}"
