"""Classes of a school year (学級 and 授業クラス) and who is assigned to them (担任・学年・教科担当).

A 学級 (``SchoolClass``) is a homeroom: 学年・組 of one school in one 年度, a regular class, a
特別支援学級 or a 通級 group. A 授業クラス (``LessonClass``) is a subject taught to a group of
pupils (選択教科, high-school 科目, split classes); its pupils are listed by the students app.
``Duty`` says who is assigned to what for a 年度: 学級担任 / 副担任 of a 学級, 学年主任 / 学年所属 of
a grade, 教科担当 of a 授業クラス. The scoped permissions of 別表1 (学年担当, 学級担当) are read
from these rows.

Rows of a 年度 being prepared (仮年度, the year roll-over) carry ``is_provisional`` until they go
live on 1 April.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ClassKind(models.TextChoices):
    REGULAR = "regular", "通常の学級"
    SPECIAL_SUPPORT = "special_support", "特別支援学級"
    RESOURCE_ROOM = "resource_room", "通級指導教室"


class SchoolClass(models.Model):
    """学級 (学年・組) of a school in a 年度."""

    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    grade = models.PositiveSmallIntegerField("学年")
    name = models.CharField("組", max_length=20)
    kind = models.CharField("種別", max_length=20, choices=ClassKind.choices)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    is_provisional = models.BooleanField("仮年度", default=False)

    class Meta:
        verbose_name = "学級"
        verbose_name_plural = "学級"
        ordering = ["school", "fiscal_year", "grade", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "fiscal_year", "grade", "name"], name="class_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1) & Q(grade__lte=12), name="class_grade_range"
            ),
        ]
        indexes = [models.Index(fields=["school", "fiscal_year", "grade"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How schools write it: 「3年2組」, or 「ひまわり学級」 for a named class."""
        if self.name.isdigit() or len(self.name) == 1:
            return f"{self.grade}年{self.name}組"
        return f"{self.grade}年 {self.name}"


class LessonClass(models.Model):
    """授業クラス: a subject taught to a group of pupils in a 年度."""

    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    subject = models.CharField("教科・科目", max_length=40)
    name = models.CharField("授業クラス名", max_length=60)
    grade = models.PositiveSmallIntegerField(
        "学年", null=True, blank=True, help_text="複数学年の授業クラスは空欄"
    )
    is_elective = models.BooleanField("選択教科", default=False)
    is_provisional = models.BooleanField("仮年度", default=False)

    class Meta:
        verbose_name = "授業クラス"
        verbose_name_plural = "授業クラス"
        ordering = ["school", "fiscal_year", "grade", "subject", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "fiscal_year", "name"], name="lesson_class_unique_per_year"
            ),
        ]
        indexes = [models.Index(fields=["school", "fiscal_year"])]

    def __str__(self) -> str:
        return self.name


class DutyKind(models.TextChoices):
    HOMEROOM = "homeroom", "学級担任"
    ASSISTANT_HOMEROOM = "assistant_homeroom", "副担任"
    GRADE_HEAD = "grade_head", "学年主任"
    GRADE_MEMBER = "grade_member", "学年所属"
    SUBJECT = "subject", "教科担当"


CLASS_DUTIES = frozenset({DutyKind.HOMEROOM, DutyKind.ASSISTANT_HOMEROOM})
GRADE_DUTIES = frozenset({DutyKind.GRADE_HEAD, DutyKind.GRADE_MEMBER})


class Duty(models.Model):
    """One assignment of a staff member for a 年度 at a school (校務分掌のうち学級・学年・教科)."""

    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    staff = models.ForeignKey(
        "people.Staff", verbose_name="教職員", on_delete=models.PROTECT, related_name="duties"
    )
    kind = models.CharField("担当", max_length=20, choices=DutyKind.choices)
    grade = models.PositiveSmallIntegerField("学年", null=True, blank=True)
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name="学級",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duties",
    )
    lesson_class = models.ForeignKey(
        LessonClass,
        verbose_name="授業クラス",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duties",
    )

    class Meta:
        verbose_name = "担当"
        verbose_name_plural = "担当"
        ordering = ["school", "fiscal_year", "kind", "grade"]
        constraints = [
            # Each kind names exactly what it is about.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["homeroom", "assistant_homeroom"],
                        school_class__isnull=False,
                        lesson_class__isnull=True,
                        grade__isnull=True,
                    )
                    | Q(
                        kind__in=["grade_head", "grade_member"],
                        school_class__isnull=True,
                        lesson_class__isnull=True,
                        grade__isnull=False,
                    )
                    | Q(
                        kind="subject",
                        school_class__isnull=True,
                        lesson_class__isnull=False,
                        grade__isnull=True,
                    )
                ),
                name="duty_names_its_object",
            ),
            models.UniqueConstraint(
                fields=["staff", "kind", "school_class"],
                condition=Q(school_class__isnull=False),
                name="duty_unique_class",
            ),
            models.UniqueConstraint(
                fields=["staff", "kind", "lesson_class"],
                condition=Q(lesson_class__isnull=False),
                name="duty_unique_lesson_class",
            ),
            models.UniqueConstraint(
                fields=["staff", "school", "fiscal_year", "grade"],
                condition=Q(grade__isnull=False),
                name="duty_unique_grade",
            ),
        ]
        indexes = [models.Index(fields=["staff", "school", "fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"
