"""Dialogue records (対話に基づく受講奨励の記録, 教育公務員特例法 第22条の6): a school admin
(校長・副校長・教頭) talks with a teacher about their training history and the 育成指標, gives
advice and recommends trainings. The teacher reads the record and can comment; the board
reads it in its jurisdiction.

These records are kept apart from personnel evaluation (人事評価): they live in their own
app, are never part of history exports or evaluation data, and say so on every page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Dialogue(models.Model):
    """One dialogue with one teacher."""

    staff = models.ForeignKey(
        "people.Staff", verbose_name="教職員", on_delete=models.PROTECT, related_name="dialogues"
    )
    held_on = models.DateField("実施日")
    fiscal_year = models.PositiveSmallIntegerField("年度", db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="実施した所属",
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="記録した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    topics = models.TextField("話題")
    history_discussed = models.ManyToManyField(
        "records.HistoryRecord", verbose_name="話題にした研修履歴", blank=True, related_name="+"
    )
    items_discussed = models.ManyToManyField(
        "indicators.Item", verbose_name="話題にした育成指標の項目", blank=True, related_name="+"
    )
    advice = models.TextField("指導・助言")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("最後に直した日時", null=True, blank=True)

    class Meta:
        verbose_name = "対話の記録"
        verbose_name_plural = "対話の記録"
        ordering = ["staff", "-held_on", "-pk"]
        indexes = [models.Index(fields=["staff", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} 対話の記録"


class Recommendation(models.Model):
    """A training recommended in the dialogue (受講を勧める研修). Stored as the programme
    number and title as written — the training catalogue may not hold the programme (other
    providers, next year's catalogue) — and linked to the catalogue's programme when its
    研修事業番号 is there, so that the teacher can open it and apply."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="recommendations")
    programme_number = models.CharField("研修事業番号", max_length=20, blank=True)
    programme = models.ForeignKey(
        "training.TrainingProgramme",
        verbose_name="研修",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("研修名", max_length=200)
    note = models.CharField("ひとこと", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "勧めた研修"
        verbose_name_plural = "勧めた研修"
        ordering = ["dialogue", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """The teacher's (or the school admin's) comment on a dialogue record."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="書いた人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField("コメント")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "コメント"
        verbose_name_plural = "コメント"
        ordering = ["dialogue", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:30]


class Revision(models.Model):
    """What a dialogue record said before its author corrected it (編集の履歴): kept so that
    the teacher and the board can see what changed, and when."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="revisions")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="直した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    edited_at = models.DateTimeField("直した日時", auto_now_add=True)
    # held_on, topics, advice, recommendations, history, items as they were.
    before: models.JSONField[dict[str, object]] = models.JSONField("直す前の内容")

    class Meta:
        verbose_name = "対話の記録の編集履歴"
        verbose_name_plural = "対話の記録の編集履歴"
        ordering = ["dialogue", "-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dialogue_id} {self.edited_at:%Y-%m-%d %H:%M}"
