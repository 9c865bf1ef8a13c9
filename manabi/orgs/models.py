"""The organisation tree (組織): boards, schools, organiser units, 行政等 units."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from manabi.core.codes import validate_local_government_code, validate_school_code


class OrganisationKind(models.TextChoices):
    PREFECTURE_BOARD = "prefecture_board", "県教育委員会"
    MUNICIPAL_BOARD = "municipal_board", "市町村教育委員会"
    SCHOOL = "school", "学校・園"
    ORGANIZER_UNIT = "organizer_unit", "研修主催者"
    ADMIN_UNIT = "admin_unit", "行政等"
    NATIONAL = "national", "国の機関"


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", "幼稚園"
    CERTIFIED_CHILDCARE = "certified_childcare", "幼保連携型認定こども園"
    ELEMENTARY = "elementary", "小学校"
    JUNIOR_HIGH = "junior_high", "中学校"
    COMPULSORY = "compulsory", "義務教育学校"
    HIGH = "high", "高等学校"
    SECONDARY = "secondary", "中等教育学校"
    SPECIAL_NEEDS = "special_needs", "特別支援学校"


class HighSchoolCourse(models.TextChoices):
    FULL_TIME = "full_time", "全日制"
    PART_TIME = "part_time", "定時制"
    CORRESPONDENCE = "correspondence", "通信制"


class Founder(models.TextChoices):
    PREFECTURAL = "prefectural", "県立"
    MUNICIPAL = "municipal", "市町村立"
    NATIONAL = "national", "国立"
    PRIVATE = "private", "私立"


class Organisation(models.Model):
    """An organisation (組織) in the tree: 県教委 → 市町村教委 → 学校 …

    ``path`` is the materialised path of primary keys ("/1/4/17/"), so that a board's
    jurisdiction is one indexed prefix query on SQLite and PostgreSQL alike.
    """

    code = models.CharField(
        "所属コード",
        max_length=20,
        unique=True,
        help_text="県が定める所属コード。インポートではこのコードで組織を特定します。",
    )
    kind = models.CharField("種別", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("名称", max_length=100)
    name_kana = models.CharField("名称(かな)", max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上位組織",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    local_government_code = models.CharField(
        "全国地方公共団体コード",
        max_length=6,
        blank=True,
        validators=[validate_local_government_code],
    )
    board_code = models.CharField("教育委員会コード", max_length=20, blank=True)
    school_code = models.CharField(
        "学校コード", max_length=13, blank=True, validators=[validate_school_code]
    )
    school_type = models.CharField("学校種", max_length=20, choices=SchoolType.choices, blank=True)
    high_school_course = models.CharField(
        "課程", max_length=20, choices=HighSchoolCourse.choices, blank=True
    )
    founder = models.CharField("設置者", max_length=20, choices=Founder.choices, blank=True)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    is_active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = "組織"
        verbose_name_plural = "組織"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_code"], condition=~Q(school_code=""), name="org_school_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="school", school_type__gt="", founder__gt="")
                | (~Q(kind="school") & Q(school_type="")),
                name="org_school_fields_only_for_schools",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind == OrganisationKind.SCHOOL

    def is_within(self, other: Organisation) -> bool:
        """True when this organisation is ``other`` or lies under it."""
        return self.path.startswith(other.path)
