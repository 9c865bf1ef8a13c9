"""育成指標 (teacher development indicators): a board's framework of career stages ×
competency areas × items, versioned by fiscal year."""

from __future__ import annotations

from django.db import models


class Framework(models.Model):
    """A board's 育成指標 for one fiscal year (a new version each time it is revised)."""

    board = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="策定した教育委員会",
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("名称", max_length=200)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "育成指標"
        verbose_name_plural = "育成指標"
        constraints = [
            models.UniqueConstraint(
                fields=["board", "fiscal_year"], name="indicator_framework_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.fiscal_year}年度)"


class Stage(models.Model):
    """A career stage (着任時, 第1ステージ, …, 管理職)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField("ステージ", max_length=100)
    order = models.PositiveSmallIntegerField("順序")

    class Meta:
        verbose_name = "キャリアステージ"
        verbose_name_plural = "キャリアステージ"
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "order"], name="indicator_stage_order")
        ]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A competency area (資質能力の領域: 授業力, 生徒指導力, …)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField("領域", max_length=100)
    order = models.PositiveSmallIntegerField("順序")

    class Meta:
        verbose_name = "資質能力の領域"
        verbose_name_plural = "資質能力の領域"
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "order"], name="indicator_area_order")
        ]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One indicator item: what a teacher at ``stage`` should be able to do in ``area``."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="items")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="items")
    code = models.CharField("項目番号", max_length=20)
    description = models.TextField("内容")

    class Meta:
        verbose_name = "育成指標の項目"
        verbose_name_plural = "育成指標の項目"
        ordering = ["framework", "area__order", "stage__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:30]}"
