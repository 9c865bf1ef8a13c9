"""Import jobs (一括登録): one uploaded file, its dry run (確認) and its commit (登録)."""

from __future__ import annotations

from typing import Any

from django.db import models

from manabi.accounts.roles import Role


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", "組織"
    STAFF = "staff", "教職員"
    # Registered by other apps (manabi.imports.kinds).
    ROSTER = "roster", "児童生徒名簿"
    LEGACY_HISTORY = "legacy_history", "研修受講履歴(移行データ)"


# The kinds the imports app checks and registers itself.
OWN_KINDS = frozenset({ImportKind.ORGANISATIONS, ImportKind.STAFF})


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "受付済み"
    VALIDATING = "validating", "確認中"
    VALIDATED = "validated", "確認済み(登録前)"
    FAILED = "failed", "エラーあり"
    COMMITTING = "committing", "登録中"
    COMMITTED = "committed", "登録済み"


RUNNING_STATUSES = frozenset(
    {ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.COMMITTING}
)


class ImportJob(models.Model):
    """One import (一括登録) of a file: who sent it in which role, what the dry run found,
    and what was registered. The job is the record of the change: the audit log gets one
    event per committed job, and the per-row plan stays here."""

    kind = models.CharField("種類", max_length=20, choices=ImportKind.choices)
    file_name = models.CharField("ファイル名", max_length=255)
    file_sha256 = models.CharField("ファイルのSHA-256", max_length=64, db_index=True)
    content = models.BinaryField("ファイルの内容", editable=False)
    uploaded_by = models.ForeignKey(
        "accounts.Account", verbose_name="登録した人", on_delete=models.PROTECT, related_name="+"
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
    status = models.CharField(
        "状態", max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # Dry run (確認) result: counts, errors (at most ERROR_LIMIT, with the total), encoding.
    report: models.JSONField[dict[str, Any]] = models.JSONField("確認結果", default=dict)
    # What each row does (or did): [[row, key, outcome], …]. Large, so deferred on pages.
    plan: models.JSONField[list[Any]] = models.JSONField("行ごとの処理", default=list)
    rows_total = models.PositiveIntegerField("行数", default=0)
    rows_done = models.PositiveIntegerField("処理済みの行数", default=0)
    message = models.CharField("メッセージ", max_length=500, blank=True)
    committed_by = models.ForeignKey(
        "accounts.Account",
        verbose_name="登録を実行した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed_role = models.CharField(
        "登録を実行した役割", max_length=20, choices=Role.choices, blank=True
    )
    committed_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="登録を実行した所属",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("受付日時", auto_now_add=True)
    validated_at = models.DateTimeField("確認日時", null=True, blank=True)
    committed_at = models.DateTimeField("登録日時", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "一括登録"
        verbose_name_plural = "一括登録"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["acting_organisation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES
