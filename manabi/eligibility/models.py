"""Service records (在職記録) of staff, and the yearly survey (基本研修受講該当者調査).

Service records hang on the person (people.Staff), so they follow transfers: periods of
service (在職期間), leaves (休職・休業等) and basic trainings already completed, with the
kinds of docs/eligibility.md. The survey is opened by the prefecture's education centre for a
fiscal year; each school answers it with one submission, which lists its computed targets
(one decision per person and training) with 受講の可否 and the other columns of 様式1–3.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from manabi.core import wareki
from manabi.eligibility.engine import LeaveKind, ServiceKind
from manabi.eligibility.survey_rules import (
    ABSENCE_CHOICES,
    ATTEND_CHOICES,
    NUMBER_CHOICES,
    TRAINING_CHOICES,
)

SERVICE_KIND_CHOICES = [(kind.value, kind.label) for kind in ServiceKind]
LEAVE_KIND_CHOICES = [(kind.value, kind.label) for kind in LeaveKind]


class StaffServicePeriod(models.Model):
    """在職期間: a period that may count toward A (which kinds count is up to the rules)."""

    staff = models.ForeignKey(
        "people.Staff",
        verbose_name="教職員",
        on_delete=models.CASCADE,
        related_name="service_periods",
    )
    kind = models.CharField("種類", max_length=30, choices=SERVICE_KIND_CHOICES)
    start = models.DateField("開始日")
    end = models.DateField("終了日", null=True, blank=True, help_text="続いている場合は空欄")
    note = models.CharField("備考", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "在職期間"
        verbose_name_plural = "在職期間"
        ordering = ["staff", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="service_period_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}〜{self.end or ''}"


class StaffLeave(models.Model):
    """休職・休業等: B kinds deduct, 育児休業 is C, 産前産後休暇 is neither (Niigata rules)."""

    staff = models.ForeignKey(
        "people.Staff", verbose_name="教職員", on_delete=models.CASCADE, related_name="leaves"
    )
    kind = models.CharField("種類", max_length=30, choices=LEAVE_KIND_CHOICES)
    start = models.DateField("開始日")
    end = models.DateField("終了日", null=True, blank=True, help_text="続いている場合は空欄")
    note = models.CharField("備考", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "休職・休業等"
        verbose_name_plural = "休職・休業等"
        ordering = ["staff", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="leave_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}〜{self.end or ''}"


class CompletedTraining(models.Model):
    """A basic training already completed here, or an equivalent one elsewhere (修了済み)."""

    staff = models.ForeignKey(
        "people.Staff",
        verbose_name="教職員",
        on_delete=models.CASCADE,
        related_name="completed_trainings",
    )
    training = models.CharField("研修", max_length=40, choices=TRAINING_CHOICES)
    year = models.PositiveSmallIntegerField("修了年度", null=True, blank=True)
    note = models.CharField(
        "備考", max_length=200, blank=True, help_text="他県で修了した同等の研修など"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "修了済みの基本研修"
        verbose_name_plural = "修了済みの基本研修"
        ordering = ["staff", "training"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "training"], name="completed_training_once")
        ]

    def __str__(self) -> str:
        return self.get_training_display()


class Survey(models.Model):
    """基本研修受講該当者調査: one per prefecture and fiscal year, opened by its centre.

    It covers every school under ``prefecture``; ``centre`` is the organisation that opened
    it (the education centre, or the prefectural board itself).
    """

    class Status(models.TextChoices):
        OPEN = "open", "受付中"
        CLOSED = "closed", "締切済み"

    prefecture = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="県教育委員会",
        on_delete=models.PROTECT,
        related_name="+",
    )
    centre = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="実施機関",
        on_delete=models.PROTECT,
        related_name="+",
    )
    fiscal_year = models.PositiveSmallIntegerField("研修の年度")
    rules = models.CharField("評価ルール", max_length=40)
    deadline = models.DateField("提出期限")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        "accounts.Account", verbose_name="開始した人", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("開始日時", default=timezone.now)
    closed_at = models.DateTimeField("締切日時", null=True, blank=True)

    class Meta:
        verbose_name = "基本研修受講該当者調査"
        verbose_name_plural = "基本研修受講該当者調査"
        ordering = ["-fiscal_year", "prefecture"]
        constraints = [
            models.UniqueConstraint(
                fields=["prefecture", "fiscal_year"], name="survey_once_per_prefecture_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year_label} 基本研修受講該当者調査"

    @property
    def fiscal_year_label(self) -> str:
        """令和7年度."""
        return wareki.format_fiscal_year(self.fiscal_year)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SchoolSubmission(models.Model):
    """One school's answer to a survey (受講該当者調査票 様式1–3), approved by its principal.

    The principal's approval replaces the 職印: only the school's school admin can submit,
    and who approved and when is kept. ``no_targets``: submitted as 「該当者なし」.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未着手"
        DRAFT = "draft", "作成中"
        SUBMITTED = "submitted", "提出済み"
        REOPENED = "reopened", "差し戻し"

    survey = models.ForeignKey(
        Survey, verbose_name="調査", on_delete=models.CASCADE, related_name="submissions"
    )
    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状態", max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    no_targets = models.BooleanField("該当者なし", default=False)
    computed_at = models.DateTimeField("該当者の計算日時", null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.Account",
        verbose_name="承認・提出した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    approver_name = models.CharField("承認者", max_length=100, blank=True)
    principal_name = models.CharField("所属長氏名", max_length=100, blank=True)
    reopen_comment = models.TextField("差し戻しの理由", blank=True)
    reopened_by = models.ForeignKey(
        "accounts.Account",
        verbose_name="差し戻した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField("差し戻し日時", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "学校の回答"
        verbose_name_plural = "学校の回答"
        ordering = ["survey", "school__path"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "school"], name="submission_once_per_school")
        ]
        indexes = [models.Index(fields=["survey", "status"])]

    def __str__(self) -> str:
        return f"{self.survey}: {self.school}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class TargetDecision(models.Model):
    """One target (受講該当者) of one training in a school's submission.

    A, B, C, age, eligibility and the reason are the engine's answer when the school last
    computed its targets (a snapshot: later changes to the records show only after the next
    computation); the rest is what the school fills in (受講の予定 and the other columns).
    """

    submission = models.ForeignKey(
        SchoolSubmission,
        verbose_name="学校の回答",
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    staff = models.ForeignKey(
        "people.Staff", verbose_name="教職員", on_delete=models.PROTECT, related_name="+"
    )
    training = models.CharField("研修", max_length=40, choices=TRAINING_CHOICES)
    a = models.PositiveSmallIntegerField("在職合計年数 A")
    b = models.PositiveSmallIntegerField("育休以外の除算年数 B")
    c = models.PositiveSmallIntegerField("育休年数 C")
    age = models.PositiveSmallIntegerField("年齢")
    eligible = models.BooleanField("該当")
    reason = models.TextField("判定の理由")
    job_label = models.CharField("職名", max_length=40)
    deductions = models.TextField("除算期間の理由", blank=True)
    computed_at = models.DateTimeField("計算日時")
    attend = models.CharField("受講の可否", max_length=3, choices=ATTEND_CHOICES, blank=True)
    absence_reason = models.CharField(
        "受講できない理由", max_length=30, choices=ABSENCE_CHOICES, blank=True
    )
    absence_reason_text = models.CharField("理由の詳細", max_length=200, blank=True)
    number = models.PositiveSmallIntegerField("番号", choices=NUMBER_CHOICES, null=True, blank=True)
    subject = models.CharField("教科", max_length=40, blank=True)
    note = models.CharField("備考", max_length=400, blank=True)
    updated_by = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "受講該当者"
        verbose_name_plural = "受講該当者"
        ordering = ["submission", "training", "staff__kana"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "staff", "training"], name="decision_once_per_training"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_training_display()}"
