"""Training history (研修受講履歴): the record each board must keep of every teacher's
trainings (教育公務員特例法 第22条の5). Records belong to the person, not to the school.

Also the jobs around it: legacy imports (Asttra 等からの移行) and large exports."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from manabi.accounts.roles import Role
from manabi.records.choices import (
    CATEGORY_SHORT,
    ExportEncoding,
    ExportFormat,
    ExportStatus,
    RecordCategory,
    RecordSource,
    RecordStatus,
    TrainingFormat,
)


def evidence_path(record: HistoryRecord, filename: str) -> str:
    """Evidence files live under a random name (the original name is kept in the record)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"records/evidence/{record.staff_id}/{uuid.uuid4().hex}{suffix}"


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
    # "import:<legacy id or row digest>", "school:<entry>" for a school-wide in-school
    # training; empty for a teacher's own manual record.
    source_ref = models.CharField(max_length=120, blank=True)
    indicator_items = models.ManyToManyField(
        "indicators.Item", verbose_name="育成指標の項目", blank=True, related_name="history"
    )
    note = models.TextField("備考", blank=True)
    evidence = models.FileField("証拠書類", upload_to=evidence_path, blank=True, max_length=200)
    evidence_name = models.CharField("証拠書類のファイル名", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField("差し戻し日時", null=True, blank=True)
    return_reason = models.TextField("差し戻しの理由", blank=True)
    legacy_import = models.ForeignKey(
        "imports.ImportJob",
        verbose_name="移行データの取り込み",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="history_records",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "研修受講履歴"
        verbose_name_plural = "研修受講履歴"
        ordering = ["staff", "-start"]
        indexes = [
            models.Index(fields=["staff", "fiscal_year"]),
            models.Index(fields=["status", "staff"], name="history_status_staff"),
        ]
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

    @property
    def counts(self) -> bool:
        """Whether the record counts in reports and totals (確認済み and 修了)."""
        return self.status == RecordStatus.CONFIRMED and self.completed

    @property
    def category_short(self) -> str:
        return CATEGORY_SHORT.get(self.category, self.category)

    @property
    def is_confirmed(self) -> bool:
        return self.status == RecordStatus.CONFIRMED

    @property
    def is_school_wide(self) -> bool:
        return self.source_ref.startswith("school:")


class HistoryExport(models.Model):
    """An export of history records (研修受講履歴の出力) made into a file, for large or
    CP932 exports: the file is written in the background (constant memory) and downloaded
    by the person who asked for it; the CP932 replacements are kept to be shown."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="出力した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    acting_role = models.CharField("役割", max_length=20, choices=Role.choices)
    acting_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所属",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filters: models.JSONField[dict[str, Any]] = models.JSONField("条件", default=dict)
    format = models.CharField("形式", max_length=10, choices=ExportFormat.choices)
    encoding = models.CharField(
        "文字コード", max_length=20, choices=ExportEncoding.choices, default=ExportEncoding.UTF8
    )
    status = models.CharField(
        "状態", max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField("行数", default=0)
    rows_done = models.PositiveIntegerField("出力済みの行数", default=0)
    file = models.FileField("ファイル", upload_to="records/exports/", blank=True, max_length=200)
    file_name = models.CharField("ダウンロードするファイル名", max_length=200)
    # CP932: {"total": n, "messages": [...]} of the characters replaced.
    report: models.JSONField[dict[str, Any]] = models.JSONField("置き換えの報告", default=dict)
    message = models.CharField("メッセージ", max_length=500, blank=True)
    created_at = models.DateTimeField("受付日時", auto_now_add=True)
    finished_at = models.DateTimeField("完了日時", null=True, blank=True)

    class Meta:
        verbose_name = "研修受講履歴の出力"
        verbose_name_plural = "研修受講履歴の出力"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
