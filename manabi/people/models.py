"""Staff (教職員) and their assignments (所属) to organisations."""

from __future__ import annotations

from datetime import date

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from manabi.core.kana import search_key
from manabi.orgs.models import Founder, Organisation, OrganisationKind
from manabi.people.choices import EmploymentType, JobTitle
from manabi.people.rules import TargetDecision, training_record_target

staff_number_validator = RegexValidator(
    r"^[0-9]{8}$", "職員番号は半角数字8桁で入力してください。", code="invalid_staff_number"
)


class Staff(models.Model):
    """A member of staff (教職員): a person, independent of accounts and workplaces.

    Records (history, eligibility, …) hang on the person, so they follow transfers.
    """

    staff_number = models.CharField(
        "職員番号", max_length=8, unique=True, validators=[staff_number_validator]
    )
    name = models.CharField("氏名", max_length=100)
    kana = models.CharField("ふりがな", max_length=200)
    alias_name = models.CharField(
        "旧姓・通称",
        max_length=100,
        blank=True,
        help_text="入力すると画面や帳票ではこちらを表示します。",
    )
    search_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    birth_date = models.DateField("生年月日", null=True, blank=True)
    job_title = models.CharField("職名", max_length=40, choices=JobTitle.choices)
    employment_type = models.CharField(
        "任用形態", max_length=20, choices=EmploymentType.choices, default=EmploymentType.REGULAR
    )
    prefecture_funded = models.BooleanField("県費負担", default=True)
    retired_on = models.DateField("退職日", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "教職員"
        verbose_name_plural = "教職員"
        ordering = ["kana", "staff_number"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.staff_number})"

    @property
    def display_name(self) -> str:
        return self.alias_name or self.name

    def refresh_search_key(self) -> None:
        self.search_key = search_key(self.name, self.kana, self.alias_name, self.staff_number)

    def training_record_decision(self, on: date) -> TargetDecision:
        """Derived 研修履歴の対象 flag for the person's assignments on ``on``."""
        orgs = [a.organisation for a in self.assignments.all() if a.is_current(on)]
        return training_record_target(
            job_title=self.job_title,
            employment_type=self.employment_type,
            prefecture_funded=self.prefecture_funded,
            at_prefectural_school=any(
                o.kind == OrganisationKind.SCHOOL and o.founder == Founder.PREFECTURAL for o in orgs
            ),
            in_admin_unit=any(o.kind == OrganisationKind.ADMIN_UNIT for o in orgs),
        )


class Assignment(models.Model):
    """An assignment (所属) of a person to an organisation for a period; 兼務 when concurrent."""

    staff = models.ForeignKey(
        Staff, verbose_name="教職員", on_delete=models.CASCADE, related_name="assignments"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属", on_delete=models.PROTECT, related_name="assignments"
    )
    start = models.DateField("開始日")
    end = models.DateField("終了日", null=True, blank=True)
    concurrent = models.BooleanField("兼務", default=False)

    class Meta:
        verbose_name = "所属"
        verbose_name_plural = "所属"
        ordering = ["staff", "start"]
        indexes = [models.Index(fields=["organisation", "start", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="assignment_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["staff", "organisation", "start"], name="assignment_unique_start"
            ),
        ]

    def __str__(self) -> str:
        kind = "兼務" if self.concurrent else "本務"
        return f"{self.staff} → {self.organisation} ({kind} {self.start}〜{self.end or ''})"

    def is_current(self, on: date) -> bool:
        return self.start <= on and (self.end is None or self.end >= on)


def current_assignment_q(on: date, prefix: str = "") -> Q:
    """Q for assignments current on ``on`` (prefix e.g. "assignments__" from Staff)."""
    return Q(**{f"{prefix}start__lte": on}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on})
    )
