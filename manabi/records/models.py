"""Training history (研修受講履歴): the record each board must keep of every teacher's
trainings (教育公務員特例法 第22条の5). Records belong to the person, not to the school."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from manabi.records.choices import RecordCategory, RecordSource, RecordStatus, TrainingFormat


class HistoryRecord(models.Model):
    """One training in a person's history (研修受講履歴)."""

    staff = models.ForeignKey(
        "people.Staff", verbose_name="教職員", on_delete=models.PROTECT, related_name="history"
    )
    title = models.CharField("研修名", max_length=200)
    organiser_name = models.CharField("主催者", max_length=200)
    organiser = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="主催者(組織)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    programme_number = models.CharField("研修事業番号", max_length=20, blank=True)
    category = models.CharField("区分", max_length=20, choices=RecordCategory.choices)
    format = models.CharField(
        "形態", max_length=20, choices=TrainingFormat.choices, default=TrainingFormat.IN_PERSON
    )
    start = models.DateField("開始日")
    end = models.DateField("終了日")
    fiscal_year = models.PositiveSmallIntegerField("年度", db_index=True)
    hours = models.DecimalField("時間", max_digits=6, decimal_places=1, default=0)
    completed = models.BooleanField("修了", default=True)
    status = models.CharField(
        "状態", max_length=20, choices=RecordStatus.choices, default=RecordStatus.CONFIRMED
    )
    source = models.CharField("記録の元", max_length=20, choices=RecordSource.choices)
    # Identifies the origin so that repeating it adds nothing: "training:<application id>",
    # "import:<file sha256>:<row>", empty for manual records.
    source_ref = models.CharField(max_length=120, blank=True)
    indicator_items = models.ManyToManyField(
        "indicators.Item", verbose_name="育成指標の項目", blank=True, related_name="history"
    )
    note = models.TextField("備考", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "研修受講履歴"
        verbose_name_plural = "研修受講履歴"
        ordering = ["staff", "-start"]
        indexes = [models.Index(fields=["staff", "fiscal_year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "source_ref"],
                condition=~Q(source_ref=""),
                name="history_source_once",
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="history_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start})"
