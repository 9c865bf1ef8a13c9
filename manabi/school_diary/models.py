"""The 学校日誌 (school diary): one page per school per day.

- ``DiaryDay`` (学校日誌の一日): the day's 天気, 行事, 記事, its state (記入中 → 提出済 →
  承認済) and, once approved, the attendance summary as it stood (the closed page is the
  公簿 of seed 001 第13条 and must not change when the attendance book does).
- ``Visitor`` (来校者) and ``StaffAbsence`` (教職員の出張・休暇): rows of a day.
- ``Reopening`` (承認の取消): who reopened an approved day, when and why.

A day with no row is 未記入. Writes go through ``services``; nothing here decides.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

TEXT_MAX = 2000
LINE_MAX = 100


class DiaryState(models.TextChoices):
    DRAFT = "draft", "記入中"
    SUBMITTED = "submitted", "提出済"
    APPROVED = "approved", "承認済"


class AbsenceKind(models.TextChoices):
    TRIP = "trip", "出張"
    TRAINING = "training", "研修"
    ANNUAL_LEAVE = "annual_leave", "年次休暇"
    SPECIAL_LEAVE = "special_leave", "特別休暇"
    SICK_LEAVE = "sick_leave", "病気休暇"
    OTHER = "other", "その他"


class DiaryDay(models.Model):
    """学校日誌の一日 of one school."""

    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("日付")
    weather = models.CharField("天気", max_length=30, blank=True)
    events = models.TextField("行事", max_length=TEXT_MAX, blank=True)
    notes = models.TextField("記事", max_length=TEXT_MAX, blank=True)
    state = models.CharField(
        "状態", max_length=20, choices=DiaryState.choices, default=DiaryState.DRAFT
    )
    # Incremented on every save: a form sent from an older page is refused.
    revision = models.PositiveIntegerField("版", default=0)
    attendance_snapshot = models.JSONField("承認時の出欠", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承認した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "学校日誌"
        verbose_name_plural = "学校日誌"
        ordering = ["school", "date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="one_school_diary_per_day"),
        ]

    def __str__(self) -> str:
        return f"学校日誌 {self.date}"


class Visitor(models.Model):
    """来校者 of a day."""

    day = models.ForeignKey(DiaryDay, on_delete=models.CASCADE, related_name="visitors")
    order = models.PositiveSmallIntegerField("順")
    name = models.CharField("氏名", max_length=LINE_MAX)
    organisation = models.CharField("所属", max_length=LINE_MAX, blank=True)
    purpose = models.CharField("用件", max_length=LINE_MAX, blank=True)

    class Meta:
        verbose_name = "来校者"
        verbose_name_plural = "来校者"
        ordering = ["day", "order"]

    def __str__(self) -> str:
        return self.name


class StaffAbsence(models.Model):
    """教職員の出張・休暇 of a day."""

    day = models.ForeignKey(DiaryDay, on_delete=models.CASCADE, related_name="staff_absences")
    order = models.PositiveSmallIntegerField("順")
    staff = models.ForeignKey(
        "people.Staff", verbose_name="教職員", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("種別", max_length=20, choices=AbsenceKind.choices)
    note = models.CharField("備考", max_length=LINE_MAX, blank=True)

    class Meta:
        verbose_name = "教職員の出張・休暇"
        verbose_name_plural = "教職員の出張・休暇"
        ordering = ["day", "order"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"


class Reopening(models.Model):
    """承認の取消: an approved day opened again by a manager, with the reason."""

    day = models.ForeignKey(DiaryDay, on_delete=models.CASCADE, related_name="reopenings")
    reason = models.CharField("理由", max_length=200)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取り消した人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField("取り消した日時", auto_now_add=True)

    class Meta:
        verbose_name = "学校日誌の承認の取消"
        verbose_name_plural = "学校日誌の承認の取消"
        ordering = ["day", "reopened_at"]

    def __str__(self) -> str:
        return f"承認の取消 {self.reopened_at:%Y-%m-%d}"
