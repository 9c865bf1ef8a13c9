"""Applications (受講申込), their approval steps, comments and lotteries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from manabi.training.choices import StepKind, StepStatus
from manabi.training.models.programme import TrainingProgramme
from manabi.training.states import ACTIVE, ApplicationStatus

# Applications that still count against a recommendation rank (推薦順位) being used twice.
_RANKED_STATES = sorted(ACTIVE)


class Application(models.Model):
    """One person's application for one programme (受講申込). One per person per programme:
    staff by their ``staff`` record, guests by their account."""

    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.PROTECT, related_name="applications"
    )
    staff = models.ForeignKey(
        "people.Staff",
        verbose_name="受講者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_applications",
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="受講者のアカウント",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_applications",
    )
    # The applicant's unit (所属) when they applied: it decides the approval route.
    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所属",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField("状態", max_length=20, choices=ApplicationStatus.choices)
    motivation = models.TextField("申込の理由・連絡事項", blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申込者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_role = models.CharField("申込時の役割", max_length=20, blank=True)
    recommender = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="推薦した組織",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recommendation_rank = models.PositiveSmallIntegerField("推薦順位", null=True, blank=True)
    enrolled_directly = models.BooleanField("主催者による登録", default=False)
    waitlist_position = models.PositiveIntegerField("補欠順位", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("決定日時", null=True, blank=True)
    reason = models.TextField("理由(否決・取消)", blank=True)
    completion_note = models.TextField("修了の判定", blank=True)
    completion_overridden = models.BooleanField("修了判定の上書き", default=False)
    completed_at = models.DateTimeField("修了日時", null=True, blank=True)
    submitted_at = models.DateTimeField("申込日時")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "受講申込"
        verbose_name_plural = "受講申込"
        ordering = ["programme", "submitted_at", "pk"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["staff", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff__isnull=False) | Q(account__isnull=False),
                name="training_application_has_person",
            ),
            models.UniqueConstraint(
                fields=["programme", "staff"],
                condition=Q(staff__isnull=False),
                name="training_application_once_per_staff",
            ),
            models.UniqueConstraint(
                fields=["programme", "account"],
                condition=Q(staff__isnull=True, account__isnull=False),
                name="training_application_once_per_guest",
            ),
            models.UniqueConstraint(
                fields=["programme", "recommender", "recommendation_rank"],
                condition=Q(recommendation_rank__isnull=False, status__in=_RANKED_STATES),
                name="training_recommendation_rank_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "waitlist_position"],
                condition=Q(waitlist_position__isnull=False),
                name="training_waitlist_position_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} → {self.programme.title}"

    @property
    def person_name(self) -> str:
        if self.staff_id is not None:
            return self.staff.display_name  # type: ignore[union-attr]
        return self.account.display_name if self.account else ""

    @property
    def is_guest(self) -> bool:
        return self.staff_id is None

    @property
    def source_ref(self) -> str:
        """The history record's origin (records.HistoryRecord.source_ref)."""
        return f"training:{self.pk}"


class ApprovalStep(models.Model):
    """One step of an application's approval route (承認ルート)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("順序")
    kind = models.CharField("承認者", max_length=20, choices=StepKind.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="承認する組織", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状態", max_length=20, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    # Since when the step waits (the queue shows the oldest first).
    pending_since = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField("コメント・理由", blank=True)

    class Meta:
        verbose_name = "承認ステップ"
        verbose_name_plural = "承認ステップ"
        ordering = ["application", "order"]
        indexes = [models.Index(fields=["organisation", "status", "pending_since"])]
        constraints = [
            models.UniqueConstraint(fields=["application", "order"], name="training_step_order"),
            # At most one step of an application waits for someone at a time.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="pending"),
                name="training_one_pending_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_kind_display()} {self.organisation_id}"


class Comment(models.Model):
    """A comment on an application by anyone on its route (or the applicant, the organiser)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=20, blank=True)
    author_organisation = models.CharField(max_length=120, blank=True)
    text = models.TextField("コメント")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "コメント"
        verbose_name_plural = "コメント"
        ordering = ["application", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Lottery(models.Model):
    """A recorded draw (抽選): the seed, the candidates and the order drawn."""

    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.PROTECT, related_name="lotteries"
    )
    seed = models.BigIntegerField("シード")
    places = models.PositiveIntegerField("抽選時の残り定員")
    candidates = models.JSONField("候補(申込ID)")
    order = models.JSONField("抽選結果の順序(申込ID)")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField("抽選日時", auto_now_add=True)

    class Meta:
        verbose_name = "抽選"
        verbose_name_plural = "抽選"
        ordering = ["programme", "-drawn_at"]

    def __str__(self) -> str:
        return f"{self.programme_id} seed={self.seed}"


class TargetException(models.Model):
    """対象外の受講の許可: the organiser lets one member of staff apply to a programme although
    their 経験年数 is outside its target years (a transfer from another prefecture, a career
    change …), with the reason. Audited when granted and when withdrawn."""

    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.CASCADE, related_name="target_exceptions"
    )
    staff = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("理由")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("許可日時", auto_now_add=True)

    class Meta:
        verbose_name = "対象外の受講の許可"
        verbose_name_plural = "対象外の受講の許可"
        ordering = ["programme", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "staff"], name="training_target_exception_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} staff={self.staff_id}"
