"""The period-level record (欠課簿) of a 授業クラス: the planned annual 授業時数, the lessons a
pupil missed (欠課), came late to (遅刻) or left early (早退), and the board's 単位認定 rule.

Only exceptions are stored, as in the daily book: a member with no row for a lesson attended
it. The counting is in ``manabi.attendance.lesson_rules`` (pure). The models are imported by
``manabi.attendance.models`` so that they belong to the attendance app's migrations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from manabi.attendance import lesson_rules
from manabi.attendance.choices import NOTE_MAX


class PeriodMarkKind(models.TextChoices):
    """What a pupil's lesson was, when it was not plain attendance."""

    ABSENT = lesson_rules.ABSENT, "欠課"
    LATE = lesson_rules.LATE, "遅刻"
    EARLY = lesson_rules.EARLY, "早退"


PERIOD_SYMBOL = {
    PeriodMarkKind.ABSENT: "／",
    PeriodMarkKind.LATE: "遅",
    PeriodMarkKind.EARLY: "早",
}

PLANNED_MAX = 999


class LessonHours(models.Model):
    """The planned annual 授業時数 of a 授業クラス (entered by its teacher or the office): the
    base of the 単位認定 threshold."""

    lesson_class = models.OneToOneField(
        "classes.LessonClass",
        verbose_name="授業クラス",
        on_delete=models.CASCADE,
        related_name="+",
    )
    planned = models.PositiveSmallIntegerField("年間授業時数")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入力した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("入力日時", auto_now=True)

    class Meta:
        verbose_name = "授業クラスの年間授業時数"
        verbose_name_plural = "授業クラスの年間授業時数"
        constraints = [
            models.CheckConstraint(
                condition=Q(planned__gte=1) & Q(planned__lte=PLANNED_MAX),
                name="lesson_hours_planned_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_class_id}: {self.planned}時間"


class LessonAbsence(models.Model):
    """One pupil's lesson (date and 時限) of a 授業クラス that was 欠課, 遅刻 or 早退."""

    lesson_class = models.ForeignKey(
        "classes.LessonClass",
        verbose_name="授業クラス",
        on_delete=models.PROTECT,
        related_name="+",
    )
    student = models.ForeignKey(
        "students.Student", verbose_name="児童生徒", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("日付")
    period = models.PositiveSmallIntegerField("時限")
    kind = models.CharField("種別", max_length=10, choices=PeriodMarkKind.choices)
    note = models.CharField("備考", max_length=NOTE_MAX, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入力した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("入力日時", auto_now=True)

    class Meta:
        verbose_name = "欠課の記録"
        verbose_name_plural = "欠課の記録"
        ordering = ["lesson_class", "date", "period", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson_class", "student", "date", "period"],
                name="lesson_absence_once_a_period",
            ),
            models.CheckConstraint(
                condition=Q(period__gte=lesson_rules.PERIOD_MIN)
                & Q(period__lte=lesson_rules.PERIOD_MAX),
                name="lesson_absence_period_range",
            ),
        ]
        indexes = [models.Index(fields=["lesson_class", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.period}限 {self.get_kind_display()}"


class CreditThreshold(models.Model):
    """A board's 単位認定 rule for 欠課: a pupil whose 欠課時数 exceeds the planned 授業時数 ×
    numerator / denominator cannot get the credit; a warning shows from ``warning_percent`` %
    of that. No row: 1/3 and 80 % (``lesson_rules.DEFAULT_POLICY``). A school takes the rule of
    its nearest board that has one (市町村教委, then 県教委)."""

    board = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="教育委員会",
        on_delete=models.CASCADE,
        related_name="+",
    )
    numerator = models.PositiveSmallIntegerField(
        "割合 (分子)", default=lesson_rules.DEFAULT_NUMERATOR
    )
    denominator = models.PositiveSmallIntegerField(
        "割合 (分母)", default=lesson_rules.DEFAULT_DENOMINATOR
    )
    warning_percent = models.PositiveSmallIntegerField(
        "警告の目安 (基準に対する%)", default=lesson_rules.DEFAULT_WARNING_PERCENT
    )
    late_per_absence = models.PositiveSmallIntegerField(
        "遅刻の換算 (何回で欠課1時間)",
        null=True,
        blank=True,
        help_text="空欄なら遅刻は欠課時数に換算しません。",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="設定した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("設定日時", auto_now=True)

    class Meta:
        verbose_name = "単位認定の欠課時数基準"
        verbose_name_plural = "単位認定の欠課時数基準"
        constraints = [
            models.UniqueConstraint(fields=["board"], name="credit_threshold_once_per_board"),
            models.CheckConstraint(
                condition=Q(numerator__gte=1) & Q(denominator__gte=models.F("numerator")),
                name="credit_threshold_ratio_range",
            ),
            models.CheckConstraint(
                condition=Q(warning_percent__gte=1) & Q(warning_percent__lte=100),
                name="credit_threshold_warning_range",
            ),
            models.CheckConstraint(
                condition=Q(late_per_absence__isnull=True) | Q(late_per_absence__gte=1),
                name="credit_threshold_late_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator} (警告 {self.warning_percent}%)"

    @property
    def policy(self) -> lesson_rules.Policy:
        return lesson_rules.Policy(
            ratio=lesson_rules.Ratio(self.numerator, self.denominator),
            warning_percent=self.warning_percent,
            late_per_absence=self.late_per_absence,
        )
