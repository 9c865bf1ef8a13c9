"""Cross-cutting records: the audit log (監査ログ)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One audited event (監査ログ): who did what to whose data, when, from which request.

    Append-only and hash-chained: ``hash`` covers this row's fields and the previous row's
    hash, so an edited or deleted row breaks the chain (``manabi audit verify``). Database
    triggers refuse UPDATE (and DELETE on PostgreSQL) of existing rows.
    """

    seq = models.PositiveBigIntegerField("連番", unique=True, editable=False)
    occurred_at = models.DateTimeField("日時", editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
    )
    actor_login_id = models.CharField("操作者のログインID", max_length=64, blank=True)
    acting_role = models.CharField("操作時の役割", max_length=32, blank=True)
    acting_organisation = models.CharField("操作時の所属", max_length=200, blank=True)
    action = models.CharField("操作", max_length=100, db_index=True)
    target_type = models.CharField("対象の種類", max_length=100, blank=True)
    target_id = models.CharField("対象のID", max_length=100, blank=True)
    subject_type = models.CharField("本人の種類", max_length=100, blank=True)
    subject_id = models.CharField("本人のID", max_length=100, blank=True, db_index=True)
    request_id = models.CharField("リクエストID", max_length=64, blank=True)
    details: models.JSONField[dict[str, Any]] = models.JSONField("詳細", default=dict)
    prev_hash = models.CharField("前の行のハッシュ", max_length=64)
    hash = models.CharField("ハッシュ", max_length=64, unique=True)

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor_login_id}"


class AuditChainHead(models.Model):
    """The last link of the audit chain (a single row, locked while an event is appended).

    Keeping the tail here lets ``manabi audit verify`` notice rows deleted from the end.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "監査ログの末尾"
        verbose_name_plural = "監査ログの末尾"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"
