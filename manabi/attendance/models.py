"""The attendance book (出席簿): a school's calendar (授業日・休業日, 臨時休業), pupils' daily
marks, the roll call of each class and day, the monthly lock, and guardians' absence notices.

Only exceptions are stored: a pupil with no mark on a 授業日 was present. A year of a
1,000-pupil school is a few thousand rows, not 200,000 (see ``bench/bench_attendance.py``).
出席簿 is a statutory record (学校教育法施行規則 第25条, 第28条: kept 5 years) and, in Tottori,
an electronic original: a month that is locked (``MonthLock``) cannot change except through an
audited unlock with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from manabi.attendance.choices import (
    NOTE_MAX,
    TEXT_MAX,
    AbsenceReason,
    ClosureKind,
    DeemedKind,
    MarkStatus,
    MonthState,
    NoticeKind,
    NoticeStatus,
)


class CalendarDay(models.Model):
    """A day of the school calendar that differs from the weekday rule (月〜金 are 授業日):
    a 休業日 on a weekday (祝日, 長期休業, 開校記念日 …) or a 授業日 on a weekend (土曜授業)."""

    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField("日付")
    is_school_day = models.BooleanField("授業日")
    note = models.CharField("内容", max_length=60, blank=True)

    class Meta:
        verbose_name = "学校暦の日"
        verbose_name_plural = "学校暦"
        ordering = ["school", "date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="calendar_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {'授業日' if self.is_school_day else '休業日'}"


class Closure(models.Model):
    """臨時休業: 学級閉鎖 (one class), 学年閉鎖 (one grade) or 休校 (the school), for a run of days."""

    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.CASCADE, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("種別", max_length=10, choices=ClosureKind.choices)
    grade = models.PositiveSmallIntegerField("学年", null=True, blank=True)
    school_class = models.ForeignKey(
        "classes.SchoolClass",
        verbose_name="学級",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    start = models.DateField("開始日")
    end = models.DateField("終了日")
    reason = models.CharField("理由", max_length=TEXT_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="記録した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "臨時休業"
        verbose_name_plural = "臨時休業"
        ordering = ["school", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="closure_order"),
            models.CheckConstraint(
                condition=(
                    Q(kind=ClosureKind.CLASS, school_class__isnull=False)
                    | Q(kind=ClosureKind.GRADE, grade__isnull=False, school_class__isnull=True)
                    | Q(kind=ClosureKind.SCHOOL, grade__isnull=True, school_class__isnull=True)
                ),
                name="closure_target_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["school", "fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}〜{self.end}"


class Mark(models.Model):
    """One pupil's day that was not a plain 出席 (欠席, 出席停止, 忌引, 公欠, 出席扱い, or 出席 with
    遅刻・早退 or a note). Keyed by pupil, school and date, so that a pupil who changes class
    keeps their days and one who transfers is counted at each school for its own days."""

    student = models.ForeignKey(
        "students.Student", verbose_name="児童生徒", on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("日付")
    status = models.CharField("出欠", max_length=20, choices=MarkStatus.choices)
    reason = models.CharField(
        "欠席の理由", max_length=30, choices=AbsenceReason.choices, blank=True
    )
    deemed_kind = models.CharField(
        "出席扱いの種類", max_length=30, choices=DeemedKind.choices, blank=True
    )
    detail = models.CharField(
        "詳細",
        max_length=TEXT_MAX,
        blank=True,
        help_text="出席停止の感染症名と期間、忌引の続柄など",
    )
    late = models.BooleanField("遅刻", default=False)
    early = models.BooleanField("早退", default=False)
    arrived_at = models.TimeField("登校時刻", null=True, blank=True)
    left_at = models.TimeField("下校時刻", null=True, blank=True)
    reason_label = models.CharField(
        "欠席の理由 (教育委員会の一覧の名前)",
        max_length=30,
        blank=True,
        help_text="教育委員会が独自の理由を定めているとき、その名前 (集計は「欠席の理由」の区分)",
    )
    note = models.CharField("備考", max_length=NOTE_MAX, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入力した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("入力日時", auto_now=True)

    class Meta:
        verbose_name = "出欠の記録"
        verbose_name_plural = "出欠の記録"
        ordering = ["school", "date", "student"]
        constraints = [
            models.UniqueConstraint(fields=["student", "school", "date"], name="mark_once_a_day"),
            models.CheckConstraint(
                condition=~Q(status=MarkStatus.ABSENT) | ~Q(reason=""),
                name="absence_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[MarkStatus.PRESENT, MarkStatus.DEEMED])
                | (Q(late=False) & Q(early=False)),
                name="late_early_only_when_present",
            ),
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_status_display()}"


class AbsenceReasonOption(models.Model):
    """A board's own 欠席の理由 (「発熱」「家事都合」…), each counted as one of the shipped
    reasons (``AbsenceReason``) and so as a category of the national survey. A school uses the
    list of its nearest board that has one; with none, the shipped list."""

    board = models.ForeignKey(
        "orgs.Organisation", verbose_name="教育委員会", on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField("理由の名前", max_length=30)
    reason = models.CharField("集計の区分", max_length=30, choices=AbsenceReason.choices)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    active = models.BooleanField("使う", default=True)

    class Meta:
        verbose_name = "欠席の理由 (教育委員会の一覧)"
        verbose_name_plural = "欠席の理由 (教育委員会の一覧)"
        ordering = ["board", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["board", "label"], name="absence_reason_label_once"),
        ]

    def __str__(self) -> str:
        return self.label


class RollCall(models.Model):
    """出欠確認: the class's attendance for the day has been taken (the rest are present)."""

    school_class = models.ForeignKey(
        "classes.SchoolClass", verbose_name="学級", on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField("日付")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="確認した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField("確認日時", auto_now_add=True)

    class Meta:
        verbose_name = "出欠確認"
        verbose_name_plural = "出欠確認"
        constraints = [
            models.UniqueConstraint(fields=["school_class", "date"], name="roll_call_once"),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.school_class_id} {self.date}"


class MonthLock(models.Model):
    """A class's month of the 出席簿 that its 学級担当 has closed (締め) or that has been locked
    (ロック). No row means the month is open. A locked month keeps the SHA-256 of its content."""

    school_class = models.ForeignKey(
        "classes.SchoolClass", verbose_name="学級", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    state = models.CharField("状態", max_length=10, choices=MonthState.choices)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="締めた人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("締めた日時", null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ロックした人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    locked_at = models.DateTimeField("ロック日時", null=True, blank=True)
    content_sha256 = models.CharField("内容のハッシュ", max_length=64, blank=True)

    class Meta:
        verbose_name = "出席簿の月締め"
        verbose_name_plural = "出席簿の月締め"
        ordering = ["school_class", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "year", "month"], name="month_lock_once"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="month_lock_month_range"
            ),
            models.CheckConstraint(condition=~Q(state=MonthState.OPEN), name="month_lock_not_open"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月 {self.get_state_display()}"


class Unlock(models.Model):
    """ロック解除: who reopened a locked month, when and why (the audit log has it too)."""

    school_class = models.ForeignKey(
        "classes.SchoolClass", verbose_name="学級", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    reason = models.CharField("理由", max_length=TEXT_MAX)
    content_sha256 = models.CharField("解除時の内容のハッシュ", max_length=64)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解除した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    unlocked_at = models.DateTimeField("解除日時", auto_now_add=True)

    class Meta:
        verbose_name = "ロック解除"
        verbose_name_plural = "ロック解除"
        ordering = ["-unlocked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月 解除"


class GuardianLink(models.Model):
    """A guardian's own link for absence notices (docs/adr/0004): a random token, stored only
    as its SHA-256, tied to one guardian of one pupil at the school that issued it; revocable,
    valid to a date, and only while the pupil is enrolled at that school."""

    guardian = models.ForeignKey(
        "students.Guardian", verbose_name="保護者", on_delete=models.CASCADE, related_name="+"
    )
    # Null only for links issued before the school was stored and not found by the backfill
    # (migration 0004): such a link no longer works.
    school = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="発行した学校",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_sha256 = models.CharField("トークンのハッシュ", max_length=64, unique=True)
    expires_on = models.DateField("有効期限")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="発行した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField("発行日時", auto_now_add=True)
    revoked_at = models.DateTimeField("無効にした日時", null=True, blank=True)
    last_used_at = models.DateTimeField("最終利用日時", null=True, blank=True)

    class Meta:
        verbose_name = "保護者連絡用リンク"
        verbose_name_plural = "保護者連絡用リンク"
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["guardian", "revoked_at"]),
            models.Index(fields=["school", "revoked_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.guardian_id} ({self.issued_at:%Y-%m-%d})"


class AbsenceNotice(models.Model):
    """欠席連絡: what a guardian reported for a date, shown on the grid as a proposal until the
    homeroom teacher accepts it (it becomes the day's ``Mark``) or sets it aside."""

    student = models.ForeignKey(
        "students.Student", verbose_name="児童生徒", on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    guardian = models.ForeignKey(
        "students.Guardian", verbose_name="保護者", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("日付")
    kind = models.CharField("連絡の種類", max_length=10, choices=NoticeKind.choices)
    reason = models.CharField("理由", max_length=30, choices=AbsenceReason.choices, blank=True)
    symptoms = models.CharField("症状・詳細", max_length=TEXT_MAX, blank=True)
    temperature = models.DecimalField(
        "体温 (℃)", max_digits=3, decimal_places=1, null=True, blank=True
    )
    at_time = models.TimeField("登校・下校の予定時刻", null=True, blank=True)
    message = models.CharField("学校への連絡", max_length=NOTE_MAX, blank=True)
    status = models.CharField(
        "状況", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.RECEIVED
    )
    received_at = models.DateTimeField("受付日時", auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="対応した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField("対応日時", null=True, blank=True)

    class Meta:
        verbose_name = "欠席連絡"
        verbose_name_plural = "欠席連絡"
        ordering = ["-date", "-received_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "date", "status"]),
            models.Index(fields=["student", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


from manabi.attendance.lesson_models import CreditThreshold, LessonAbsence, LessonHours  # noqa: E402,F401
