"""Pupils (児童生徒), their guardians (保護者) and enrolments (在籍) — the 学籍.

A pupil belongs to the deployment, not to a school: ``Enrolment`` rows say where they are
(school, 年度, 学年, 学級, 出席番号, dates, status), so that their records move with them
between the deployment's schools (seed 001 第2条2(2)). 学籍 personal data is the most
sensitive data in the system (seed 001 第21条): only a school's システム担当 and above may
create or change it, and every view of a pupil's record is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from manabi.core.kana import validate_furigana


class Sex(models.TextChoices):
    """性別 as recorded in the 学籍 (指導要録 様式1)."""

    MALE = "male", "男"
    FEMALE = "female", "女"


class Student(models.Model):
    """児童生徒."""

    code = models.CharField(
        "児童生徒コード",
        max_length=20,
        unique=True,
        help_text="自治体内で一意の番号。取込みで同じ児童生徒を見分けるのに使います。",
    )
    family_name = models.CharField("氏", max_length=40)
    given_name = models.CharField("名", max_length=40)
    family_kana = models.CharField("氏 (ふりがな)", max_length=60, validators=[validate_furigana])
    given_kana = models.CharField("名 (ふりがな)", max_length=60, validators=[validate_furigana])
    common_name = models.CharField("通称名", max_length=80, blank=True)
    alphabet_name = models.CharField("アルファベット表記", max_length=120, blank=True)
    sex = models.CharField("性別", max_length=10, choices=Sex.choices)
    birth_date = models.DateField("生年月日")
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=200, blank=True)
    prior_history = models.TextField("入学前の経歴", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "児童生徒"
        verbose_name_plural = "児童生徒"
        ordering = ["family_kana", "given_kana", "pk"]
        indexes = [models.Index(fields=["family_kana", "given_kana"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def kana(self) -> str:
        return f"{self.family_kana} {self.given_kana}"

    @property
    def display_name(self) -> str:
        """The name used in class: 通称名 where one is recorded."""
        return self.common_name or self.name


class Guardian(models.Model):
    """保護者 of a pupil (one or more, in order)."""

    student = models.ForeignKey(
        Student, verbose_name="児童生徒", on_delete=models.CASCADE, related_name="guardians"
    )
    family_name = models.CharField("氏", max_length=40)
    given_name = models.CharField("名", max_length=40)
    family_kana = models.CharField(
        "氏 (ふりがな)", max_length=60, blank=True, validators=[validate_furigana]
    )
    given_kana = models.CharField(
        "名 (ふりがな)", max_length=60, blank=True, validators=[validate_furigana]
    )
    relation = models.CharField("続柄", max_length=20)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    address = models.CharField(
        "住所", max_length=200, blank=True, help_text="児童生徒と同じなら空欄"
    )
    order = models.PositiveSmallIntegerField("順", default=1)

    class Meta:
        verbose_name = "保護者"
        verbose_name_plural = "保護者"
        ordering = ["student", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["student", "order"], name="guardian_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name} ({self.relation})"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "在籍"
    TRANSFERRED_IN = "transferred_in", "転入"
    TRANSFERRED_OUT = "transferred_out", "転出"
    GRADUATED = "graduated", "卒業"
    WITHDRAWN = "withdrawn", "退学"
    LEAVE = "leave", "休学"
    RETAINED = "retained", "原級留置"


# Statuses of a pupil who is at the school (in the class list) on the enrolment's dates.
PRESENT_STATUSES = frozenset(
    {
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.TRANSFERRED_IN,
        EnrolmentStatus.LEAVE,
        EnrolmentStatus.RETAINED,
    }
)
# Statuses that end an enrolment (it has an end date).
LEAVING_STATUSES = frozenset(
    {EnrolmentStatus.TRANSFERRED_OUT, EnrolmentStatus.GRADUATED, EnrolmentStatus.WITHDRAWN}
)


class Enrolment(models.Model):
    """在籍: one pupil at one school for (part of) one 年度."""

    student = models.ForeignKey(
        Student, verbose_name="児童生徒", on_delete=models.PROTECT, related_name="enrolments"
    )
    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    grade = models.PositiveSmallIntegerField("学年")
    school_class = models.ForeignKey(
        "classes.SchoolClass",
        verbose_name="学級",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    number = models.PositiveSmallIntegerField("出席番号", null=True, blank=True)
    start_date = models.DateField("在籍開始日")
    end_date = models.DateField("在籍終了日", null=True, blank=True)
    status = models.CharField(
        "在籍状況", max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    is_provisional = models.BooleanField("仮年度", default=False)
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        verbose_name = "在籍"
        verbose_name_plural = "在籍"
        ordering = ["school", "fiscal_year", "grade", "school_class", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school", "fiscal_year", "start_date"],
                name="enrolment_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrolment_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "fiscal_year", "school_class"]),
            models.Index(fields=["student", "fiscal_year"]),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.grade}年"


class LessonMembership(models.Model):
    """A pupil taking a 授業クラス."""

    lesson_class = models.ForeignKey(
        "classes.LessonClass",
        verbose_name="授業クラス",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    student = models.ForeignKey(
        Student, verbose_name="児童生徒", on_delete=models.CASCADE, related_name="lessons"
    )

    class Meta:
        verbose_name = "授業クラスの履修者"
        verbose_name_plural = "授業クラスの履修者"
        constraints = [
            models.UniqueConstraint(fields=["lesson_class", "student"], name="lesson_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_class_id}:{self.student_id}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "受入れ待ち"
    ACCEPTED = "accepted", "受入れ済み"
    EXPORTED = "exported", "書類出力済み (域外)"
    CANCELLED = "cancelled", "取消し"


class Transfer(models.Model):
    """転出入: a pupil leaving a school, to a school of the deployment (received as a pending
    転入 and accepted there) or outside it (the handover package is exported as a signed file).
    """

    student = models.ForeignKey(
        Student, verbose_name="児童生徒", on_delete=models.PROTECT, related_name="transfers"
    )
    from_enrolment = models.ForeignKey(
        Enrolment, verbose_name="転出元の在籍", on_delete=models.PROTECT, related_name="+"
    )
    from_school = models.ForeignKey(
        "orgs.Organisation", verbose_name="転出元", on_delete=models.PROTECT, related_name="+"
    )
    to_school = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="転入先",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    destination_name = models.CharField("転入先 (域外の学校名)", max_length=120, blank=True)
    moved_on = models.DateField("転出日")
    reason = models.CharField("理由", max_length=200)
    status = models.CharField(
        "状況", max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    package = models.JSONField("引継ぎ資料", default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="記録した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="受け入れた人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField("受入れ日時", null=True, blank=True)
    to_enrolment = models.ForeignKey(
        Enrolment,
        verbose_name="転入先の在籍",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "転出入"
        verbose_name_plural = "転出入"
        ordering = ["-moved_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_school__isnull=False) | ~Q(destination_name=""),
                name="transfer_has_destination",
            ),
        ]
        indexes = [models.Index(fields=["to_school", "status"])]

    def __str__(self) -> str:
        return f"{self.moved_on} 転出"
