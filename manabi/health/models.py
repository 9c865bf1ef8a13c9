"""The 児童生徒健康診断票 (学校保健安全法施行規則 第6条・第8条) and its 入力時期設定.

- ``HealthExam`` (健康診断票 一般): one per pupil × school × 年度. 身長・体重 as measured, the
  肥満度 and its 判定 computed from them (``measures.obesity_degree``) and stored with the
  explanation, 視力 (右/左 × 裸眼/矯正) as typed and normalised (``1.0``, ``0.7`` or a letter
  ``A``–``D`` of the 370方式) with its category, 聴力 per ear, and the findings as short texts.
- ``DentalExam`` (健康診断票 歯・口腔): the 歯式 (``teeth.ToothChart.to_dict``), the four 0/1/2
  judgements, the findings, and the chart's counts (DMF歯数 …) stored for the 集計表.
- ``EntryPeriod`` (入力時期設定(学校)): when the school's results may be entered in a 年度.

Writes go through ``services``; nothing here computes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from manabi.health.measures import HearingFinding, ObesityCategory, VisionCategory

TEXT_MAX = 200

OBESITY_CHOICES = [(c.value, c.value) for c in ObesityCategory]
VISION_CATEGORY_CHOICES = [(c.value, f"{c.value} ({c.label})") for c in VisionCategory]
HEARING_CHOICES = [(f.value, f.value) for f in HearingFinding]
SCALE_CHOICES = [(0, "0"), (1, "1"), (2, "2")]


class _PupilYear(models.Model):
    student = models.ForeignKey(
        "students.Student", verbose_name="児童生徒", on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    exam_date = models.DateField("検査日", null=True, blank=True)
    follow_up = models.CharField("事後措置", max_length=TEXT_MAX, blank=True)
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
        abstract = True


class HealthExam(_PupilYear):
    """児童生徒健康診断票 (一般) of one pupil, school and 年度."""

    height_cm = models.DecimalField("身長 (cm)", max_digits=4, decimal_places=1, null=True)
    weight_kg = models.DecimalField("体重 (kg)", max_digits=4, decimal_places=1, null=True)
    obesity_degree = models.DecimalField("肥満度 (%)", max_digits=5, decimal_places=1, null=True)
    obesity_category = models.CharField(
        "肥満度の判定", max_length=10, choices=OBESITY_CHOICES, blank=True
    )
    obesity_explanation = models.CharField("肥満度の計算", max_length=300, blank=True)
    vision_right_naked = models.CharField("視力 右 裸眼", max_length=4, blank=True)
    vision_right_naked_category = models.CharField(
        "視力 右 裸眼 (判定)", max_length=1, choices=VISION_CATEGORY_CHOICES, blank=True
    )
    vision_right_corrected = models.CharField("視力 右 矯正", max_length=4, blank=True)
    vision_right_corrected_category = models.CharField(
        "視力 右 矯正 (判定)", max_length=1, choices=VISION_CATEGORY_CHOICES, blank=True
    )
    vision_left_naked = models.CharField("視力 左 裸眼", max_length=4, blank=True)
    vision_left_naked_category = models.CharField(
        "視力 左 裸眼 (判定)", max_length=1, choices=VISION_CATEGORY_CHOICES, blank=True
    )
    vision_left_corrected = models.CharField("視力 左 矯正", max_length=4, blank=True)
    vision_left_corrected_category = models.CharField(
        "視力 左 矯正 (判定)", max_length=1, choices=VISION_CATEGORY_CHOICES, blank=True
    )
    hearing_right = models.CharField("聴力 右", max_length=10, choices=HEARING_CHOICES, blank=True)
    hearing_left = models.CharField("聴力 左", max_length=10, choices=HEARING_CHOICES, blank=True)
    nutrition = models.CharField("栄養状態", max_length=TEXT_MAX, blank=True)
    spine_chest_limbs = models.CharField("脊柱・胸郭・四肢", max_length=TEXT_MAX, blank=True)
    eye_disease = models.CharField("眼の疾病及び異常", max_length=TEXT_MAX, blank=True)
    ent_disease = models.CharField("耳鼻咽頭疾患", max_length=TEXT_MAX, blank=True)
    skin_disease = models.CharField("皮膚疾患", max_length=TEXT_MAX, blank=True)
    tuberculosis = models.CharField("結核", max_length=TEXT_MAX, blank=True)
    heart = models.CharField("心臓の疾病及び異常", max_length=TEXT_MAX, blank=True)
    urine_protein = models.CharField("尿 蛋白", max_length=TEXT_MAX, blank=True)
    urine_sugar = models.CharField("尿 糖", max_length=TEXT_MAX, blank=True)
    urine_blood = models.CharField("尿 潜血", max_length=TEXT_MAX, blank=True)
    other_disease = models.CharField("その他の疾病及び異常", max_length=TEXT_MAX, blank=True)
    doctor_findings = models.CharField("学校医所見", max_length=TEXT_MAX, blank=True)

    class Meta:
        verbose_name = "児童生徒健康診断票 (一般)"
        verbose_name_plural = "児童生徒健康診断票 (一般)"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school", "fiscal_year"], name="one_health_exam_per_year"
            ),
        ]
        indexes = [models.Index(fields=["school", "fiscal_year"])]

    def __str__(self) -> str:
        return f"健康診断票 {self.fiscal_year}年度"


class DentalExam(_PupilYear):
    """児童生徒健康診断票 (歯・口腔) of one pupil, school and 年度."""

    chart = models.JSONField("歯式", default=dict, blank=True)
    occlusion = models.PositiveSmallIntegerField(
        "歯列・咬合", choices=SCALE_CHOICES, null=True, blank=True
    )
    jaw_joint = models.PositiveSmallIntegerField(
        "顎関節", choices=SCALE_CHOICES, null=True, blank=True
    )
    plaque = models.PositiveSmallIntegerField(
        "歯垢の状態", choices=SCALE_CHOICES, null=True, blank=True
    )
    gingiva = models.PositiveSmallIntegerField(
        "歯肉の状態", choices=SCALE_CHOICES, null=True, blank=True
    )
    dentist_findings = models.CharField("学校歯科医所見", max_length=TEXT_MAX, blank=True)
    primary_present = models.PositiveSmallIntegerField("乳歯 現在歯数", default=0)
    primary_decayed = models.PositiveSmallIntegerField("乳歯 未処置歯数", default=0)
    primary_filled = models.PositiveSmallIntegerField("乳歯 処置歯数", default=0)
    permanent_present = models.PositiveSmallIntegerField("永久歯 現在歯数", default=0)
    permanent_decayed = models.PositiveSmallIntegerField("永久歯 未処置歯数", default=0)
    permanent_filled = models.PositiveSmallIntegerField("永久歯 処置歯数", default=0)
    permanent_missing = models.PositiveSmallIntegerField("永久歯 喪失歯数", default=0)
    observe = models.PositiveSmallIntegerField("要観察歯数 (CO)", default=0)
    caution_primary = models.PositiveSmallIntegerField("要注意乳歯数", default=0)
    dmf = models.PositiveSmallIntegerField("DMF歯数", default=0)

    class Meta:
        verbose_name = "児童生徒健康診断票 (歯・口腔)"
        verbose_name_plural = "児童生徒健康診断票 (歯・口腔)"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school", "fiscal_year"], name="one_dental_exam_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"健康診断票 (歯・口腔) {self.fiscal_year}年度"


class EntryPeriod(models.Model):
    """入力時期設定(学校): when a school's 健康診断 results may be entered in a 年度. With no
    row the 年度 is open."""

    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.CASCADE, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    opens_on = models.DateField("入力開始日", null=True, blank=True)
    closes_on = models.DateField("入力終了日", null=True, blank=True)
    closed = models.BooleanField("入力を締め切る", default=False)
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
        verbose_name = "健康診断の入力時期"
        verbose_name_plural = "健康診断の入力時期"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "fiscal_year"], name="one_health_entry_period_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"健康診断 入力時期 {self.fiscal_year}年度"
