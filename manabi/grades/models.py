"""Grades (成績): the evaluation set-up of a school's 年度, raw scores, 観点別学習状況 and 評定
with their explanations, the texts of the 通知表 and 指導要録, the 通知表 layouts and the
指導要録 as a locked electronic original.

Scores and results belong to a 授業クラス (a 小学校's subjects are 授業クラス made from its
学級, one per 学級 and 教科), so that one scope rule (別表1 成績処理) covers both levels. Term 0
is the year (学年末): the 評定 of 指導要録 are the year's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

YEAR_TERM = 0


class TermSystem(models.TextChoices):
    TWO = "2", "2学期制 (前期・後期)"
    THREE = "3", "3学期制"


class ViewpointChoice(models.TextChoices):
    KNOWLEDGE = "knowledge", "知識・技能"
    THINKING = "thinking", "思考・判断・表現"
    ATTITUDE = "attitude", "主体的に学習に取り組む態度"


class MarkChoice(models.TextChoices):
    A = "A", "A (十分満足できる)"
    B = "B", "B (おおむね満足できる)"
    C = "C", "C (努力を要する)"


class GradingRule(models.Model):
    """One version of a 評定算出ルール, as data (``rules.parse_rule``'s form). A version is
    never changed once saved: a change is a new version, so that every explanation names the
    rule it was computed by. ``owner`` is the school or board that keeps it; none for the
    rules shipped with manabi."""

    owner = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="作成した組織",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    key = models.SlugField("規則の識別子", max_length=60)
    version = models.PositiveSmallIntegerField("版")
    name = models.CharField("規則名", max_length=100)
    data: models.JSONField[dict[str, Any]] = models.JSONField("規則の内容")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作成した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "評定算出ルール"
        verbose_name_plural = "評定算出ルール"
        ordering = ["owner_id", "key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key", "version"],
                name="grading_rule_version_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class GradingSetup(models.Model):
    """成績処理設定 of a school's 年度: the terms and the 評定算出ルール in force."""

    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    term_system = models.CharField(
        "学期", max_length=2, choices=TermSystem.choices, default=TermSystem.THREE
    )
    rule = models.ForeignKey(
        GradingRule, verbose_name="評定算出ルール", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "成績処理設定"
        verbose_name_plural = "成績処理設定"
        constraints = [
            models.UniqueConstraint(fields=["school", "fiscal_year"], name="grading_setup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id}:{self.fiscal_year}"


class Term(models.Model):
    """A 学期 of the set-up, with its 入力期間 (入力制限設定): scores and results of the term can
    be entered from ``entry_opens_on`` to ``entry_closes_on``, and never once ``entry_closed``."""

    setup = models.ForeignKey(
        GradingSetup, verbose_name="成績処理設定", on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(
        "学期", validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    name = models.CharField("名称", max_length=20)
    starts_on = models.DateField("開始日")
    ends_on = models.DateField("終了日")
    entry_opens_on = models.DateField("入力開始日", null=True, blank=True)
    entry_closes_on = models.DateField("入力終了日", null=True, blank=True)
    entry_closed = models.BooleanField("入力締切", default=False)

    class Meta:
        verbose_name = "学期"
        verbose_name_plural = "学期"
        ordering = ["setup", "number"]
        constraints = [
            models.UniqueConstraint(fields=["setup", "number"], name="grading_term_once"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=3), name="grading_term_range"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="grading_term_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationItem(models.Model):
    """評価項目 of a 授業クラス in a term: a test or an assignment, marked out of ``max_score``,
    feeding one 観点 with a weight."""

    class Kind(models.TextChoices):
        TEST = "test", "テスト"
        ASSIGNMENT = "assignment", "課題・提出物"
        PERFORMANCE = "performance", "実技・パフォーマンス"
        OBSERVATION = "observation", "観察・ワークシート"

    lesson_class = models.ForeignKey(
        "classes.LessonClass",
        verbose_name="授業クラス",
        on_delete=models.PROTECT,
        related_name="evaluation_items",
    )
    term = models.PositiveSmallIntegerField(
        "学期", validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    name = models.CharField("評価項目名", max_length=60)
    kind = models.CharField("種類", max_length=20, choices=Kind.choices, default=Kind.TEST)
    viewpoint = models.CharField("観点", max_length=20, choices=ViewpointChoice.choices)
    max_score = models.DecimalField(
        "満点",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("1000"))],
    )
    weight = models.DecimalField(
        "重み",
        max_digits=4,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
    )
    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "評価項目"
        verbose_name_plural = "評価項目"
        ordering = ["lesson_class", "term", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson_class", "term", "name"], name="evaluation_item_name_once"
            ),
            models.CheckConstraint(
                condition=Q(term__gte=1) & Q(term__lte=3), name="evaluation_item_term_range"
            ),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="evaluation_item_max"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="evaluation_item_weight"),
        ]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """素点: one pupil's score on one 評価項目 (or 欠席・未提出 as ``excused``, which leaves the
    item out of the pupil's average). No row means not entered yet."""

    item = models.ForeignKey(
        EvaluationItem,
        verbose_name="評価項目",
        on_delete=models.CASCADE,
        related_name="scores",
        db_index=False,  # the unique constraint (評価項目, 児童生徒) leads with it
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name="児童生徒",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the index (児童生徒, …) leads with it
    )
    value = models.DecimalField("素点", max_digits=5, decimal_places=1, null=True, blank=True)
    excused = models.BooleanField("対象外 (欠席等)", default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入力した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("入力日時", auto_now=True)

    class Meta:
        verbose_name = "素点"
        verbose_name_plural = "素点"
        constraints = [
            models.UniqueConstraint(fields=["item", "student"], name="score_once"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="score_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(excused=True), name="score_value_or_excused"
            ),
        ]
        indexes = [models.Index(fields=["student", "item"])]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.student_id}"


class ViewpointResult(models.Model):
    """観点別学習状況 of a pupil in a 授業クラス for a term (0 = 学年末): the mark the rule
    computed from the scores, with its explanation, and the teacher's mark where they set it
    (with a reason). The mark in force is the entered one, else the computed one."""

    lesson_class = models.ForeignKey(
        "classes.LessonClass",
        verbose_name="授業クラス",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the unique constraint (授業クラス, …) leads with it
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name="児童生徒",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the index (児童生徒, …) leads with it
    )
    term = models.PositiveSmallIntegerField("学期 (0 は学年末)")
    viewpoint = models.CharField("観点", max_length=20, choices=ViewpointChoice.choices)
    computed = models.CharField(
        "算出した評価", max_length=1, choices=MarkChoice.choices, blank=True
    )
    explanation = models.CharField("算出の説明", max_length=300, blank=True)
    entered = models.CharField("入力した評価", max_length=1, choices=MarkChoice.choices, blank=True)
    reason = models.CharField("入力の理由", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never searched by; see the fillfactor note in migration 0004
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "観点別学習状況"
        verbose_name_plural = "観点別学習状況"
        constraints = [
            models.UniqueConstraint(
                fields=["lesson_class", "student", "term", "viewpoint"], name="viewpoint_once"
            ),
            models.CheckConstraint(
                condition=Q(term__gte=0) & Q(term__lte=3), name="viewpoint_term_range"
            ),
        ]
        indexes = [models.Index(fields=["student", "term"])]

    def __str__(self) -> str:
        return f"{self.student_id}:{self.viewpoint}={self.mark}"

    @property
    def mark(self) -> str:
        return self.entered or self.computed


class RatingResult(models.Model):
    """評定 of a pupil in a 授業クラス for a term (0 = 学年末): computed by the rule with its
    explanation and warnings; a teacher's value overrides it only with a reason (audited)."""

    lesson_class = models.ForeignKey(
        "classes.LessonClass",
        verbose_name="授業クラス",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the unique constraint (授業クラス, …) leads with it
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name="児童生徒",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the index (児童生徒, …) leads with it
    )
    term = models.PositiveSmallIntegerField("学期 (0 は学年末)")
    computed = models.PositiveSmallIntegerField("算出した評定", null=True, blank=True)
    explanation = models.CharField("算出の説明", max_length=300, blank=True)
    warnings: models.JSONField[list[str]] = models.JSONField("注意", default=list, blank=True)
    rule = models.ForeignKey(
        GradingRule,
        verbose_name="評定算出ルール",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never searched by; see the fillfactor note in migration 0004
    )
    entered = models.PositiveSmallIntegerField("入力した評定", null=True, blank=True)
    reason = models.CharField("入力の理由", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never searched by; see the fillfactor note in migration 0004
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "評定"
        verbose_name_plural = "評定"
        constraints = [
            models.UniqueConstraint(fields=["lesson_class", "student", "term"], name="rating_once"),
            models.CheckConstraint(
                condition=Q(term__gte=0) & Q(term__lte=3), name="rating_term_range"
            ),
            models.CheckConstraint(
                condition=(Q(computed__isnull=True) | Q(computed__gte=1) & Q(computed__lte=5))
                & (Q(entered__isnull=True) | Q(entered__gte=1) & Q(entered__lte=5)),
                name="rating_range",
            ),
            models.CheckConstraint(
                condition=Q(entered__isnull=True) | ~Q(reason=""), name="rating_override_reason"
            ),
        ]
        indexes = [models.Index(fields=["student", "term"])]

    def __str__(self) -> str:
        return f"{self.student_id}:{self.value}"

    @property
    def value(self) -> int | None:
        return self.entered if self.entered is not None else self.computed


class NarrativeKind(models.TextChoices):
    REMARKS = "remarks", "所見"
    MORAL = "moral", "特別の教科 道徳"
    INTEGRATED = "integrated", "総合的な学習の時間"
    FOREIGN_LANGUAGE = "foreign_language", "外国語活動"
    SPECIAL_ACTIVITIES = "special_activities", "特別活動"
    OVERALL = "overall", "総合所見及び指導上参考となる諸事項"


# The 別表1 function that governs each kind's entry (成績入力).
NARRATIVE_FUNCTIONS: dict[str, str] = {
    NarrativeKind.REMARKS: "grades_entry.remarks",
    NarrativeKind.MORAL: "grades_entry.moral",
    NarrativeKind.INTEGRATED: "grades_entry.integrated_study",
    NarrativeKind.FOREIGN_LANGUAGE: "grades_entry.foreign_language",
    NarrativeKind.SPECIAL_ACTIVITIES: "grades_entry.special_activities",
    NarrativeKind.OVERALL: "grades_entry.remarks",
}


class PupilYearEntry(models.Model):
    """What a 学級担任 enters for a pupil at a school, for a term of a 年度 (0 = the year), and
    who last changed it: the fields 所見等 and the ○ records share."""

    student = models.ForeignKey(
        "students.Student", verbose_name="児童生徒", on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    term = models.PositiveSmallIntegerField("学期 (0 は年間)")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        abstract = True


class Narrative(PupilYearEntry):
    """A text of a pupil's 通知表 or 指導要録 for a term (0 = the year): 所見, 道徳, 総合的な学習の
    時間, 外国語活動, 特別活動, 総合所見."""

    kind = models.CharField("種類", max_length=20, choices=NarrativeKind.choices)
    text = models.TextField("内容", max_length=1000)

    class Meta:
        verbose_name = "所見等"
        verbose_name_plural = "所見等"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school", "fiscal_year", "term", "kind"],
                name="narrative_once",
            ),
            models.CheckConstraint(
                condition=Q(term__gte=0) & Q(term__lte=3), name="narrative_term_range"
            ),
        ]
        indexes = [models.Index(fields=["school", "fiscal_year", "kind"])]

    def __str__(self) -> str:
        return f"{self.student_id}:{self.kind}"


class CheckGroup(models.TextChoices):
    BEHAVIOUR = "behaviour", "行動の記録"
    SPECIAL_ACTIVITIES = "special_activities", "特別活動の記録"


class BehaviourItem(models.TextChoices):
    """行動の記録 of 指導要録 様式2: the ten items (○ where 十分満足できる)."""

    HABITS = "habits", "基本的な生活習慣"
    HEALTH = "health", "健康・体力の向上"
    AUTONOMY = "autonomy", "自主・自律"
    RESPONSIBILITY = "responsibility", "責任感"
    CREATIVITY = "creativity", "創意工夫"
    CARE = "care", "思いやり・協力"
    LIFE = "life", "生命尊重・自然愛護"
    SERVICE = "service", "勤労・奉仕"
    FAIRNESS = "fairness", "公正・公平"
    PUBLIC_SPIRIT = "public_spirit", "公共心・公徳心"


class SpecialActivityItem(models.TextChoices):
    """特別活動の記録 of 指導要録 様式2 (クラブ活動 is 小学校 only; 児童会 / 生徒会 by level)."""

    CLASS = "class", "学級活動"
    COUNCIL = "council", "児童会活動・生徒会活動"
    CLUB = "club", "クラブ活動"
    EVENTS = "events", "学校行事"


class CheckMark(PupilYearEntry):
    """A ○ of 行動の記録 or 特別活動の記録 for a pupil and term (0 = the year). A row is a ○; no
    row is none."""

    group = models.CharField("記録", max_length=20, choices=CheckGroup.choices)
    item = models.CharField("項目", max_length=20)

    class Meta:
        verbose_name = "行動の記録・特別活動の記録"
        verbose_name_plural = "行動の記録・特別活動の記録"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school", "fiscal_year", "term", "group", "item"],
                name="check_mark_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}:{self.group}.{self.item}"


class LayoutPattern(models.TextChoices):
    STANDARD = "standard", "標準 (観点・評定・所見・出欠)"
    ELEMENTARY_LOW = "elementary_low", "小学校低学年 (観点と所見、評定なし)"
    COMPACT = "compact", "簡易 (評定と所見)"


class ReportCardLayout(models.Model):
    """通知表の様式 of a school's 年度: a shipped pattern and the school's changes to it (which
    columns, which terms, the length of 所見, 出欠, 学校からの連絡) as data."""

    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    pattern = models.CharField("基本の様式", max_length=20, choices=LayoutPattern.choices)
    title = models.CharField("表題", max_length=40, default="通知表")
    config: models.JSONField[dict[str, Any]] = models.JSONField("様式の設定", default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "通知表の様式"
        verbose_name_plural = "通知表の様式"
        constraints = [
            models.UniqueConstraint(fields=["school", "fiscal_year"], name="report_layout_once"),
        ]

    def __str__(self) -> str:
        return self.title


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "受付"
    RUNNING = "running", "作成中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"
    EXPIRED = "expired", "保存期間切れ"


class ReportCardBatch(models.Model):
    """The 通知表 of a class and term made into one PDF in the background, with progress."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="依頼した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    school_class = models.ForeignKey(
        "classes.SchoolClass", verbose_name="学級", on_delete=models.PROTECT, related_name="+"
    )
    term = models.PositiveSmallIntegerField("学期")
    status = models.CharField(
        "状態", max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField("人数", default=0)
    done = models.PositiveIntegerField("作成済み", default=0)
    file = models.FileField(
        "ファイル", upload_to="grades/report_cards/", blank=True, max_length=200
    )
    message = models.CharField("メッセージ", max_length=500, blank=True)
    created_at = models.DateTimeField("受付日時", auto_now_add=True)
    finished_at = models.DateTimeField("完了日時", null=True, blank=True)

    class Meta:
        verbose_name = "通知表の一括作成"
        verbose_name_plural = "通知表の一括作成"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.school_class_id}:{self.term}"


class RecordState(models.TextChoices):
    DRAFT = "draft", "作成中"
    APPROVED = "approved", "校長承認済み"
    LOCKED = "locked", "確定 (ロック)"


class CumulativeRecord(models.Model):
    """指導要録 of a pupil for a 年度 at a school, the electronic original (施行規則 第24条).

    While a draft it is assembled from the year's data on every view. The principal approves it
    and it is locked at 年度末: the content of 様式1 (学籍) and 様式2 (指導) is then kept as
    it was (``content``) with its SHA-256, and the lock's audit event (whose chain is the
    time-stamp) names the same hash; ``manabi grades_verify`` detects any later change.
    """

    student = models.ForeignKey(
        "students.Student", verbose_name="児童生徒", on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    school_class = models.ForeignKey(
        "classes.SchoolClass",
        verbose_name="学級",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        "状態", max_length=10, choices=RecordState.choices, default=RecordState.DRAFT
    )
    content: models.JSONField[dict[str, Any]] = models.JSONField("確定した内容", default=dict)
    content_sha256 = models.CharField("内容のハッシュ", max_length=64, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承認した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="確定した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    locked_at = models.DateTimeField("確定日時", null=True, blank=True)
    lock_event = models.ForeignKey(
        "core.AuditEvent",
        verbose_name="確定の記録",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # No database constraint: the audit log takes no triggers from other tables (its
        # tamper checks must see a deleted event as missing, and `manabi grades_verify` reports
        # a record whose lock event is gone).
        db_constraint=False,
    )

    class Meta:
        verbose_name = "指導要録"
        verbose_name_plural = "指導要録"
        ordering = ["school", "fiscal_year", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school", "fiscal_year"], name="cumulative_record_once"
            ),
            models.CheckConstraint(
                condition=~Q(state="locked") | ~Q(content_sha256=""),
                name="cumulative_record_locked_hash",
            ),
        ]
        indexes = [models.Index(fields=["school", "fiscal_year", "state"])]

    def __str__(self) -> str:
        return f"{self.student_id}:{self.fiscal_year}"


class RecordUnlock(models.Model):
    """An unlock of a locked 指導要録 (ロック解除), with its reason and the hash it had."""

    record = models.ForeignKey(
        CumulativeRecord, verbose_name="指導要録", on_delete=models.PROTECT, related_name="unlocks"
    )
    reason = models.CharField("理由", max_length=300)
    content_sha256 = models.CharField("解除前のハッシュ", max_length=64)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解除した人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    unlocked_at = models.DateTimeField("解除日時", auto_now_add=True)

    class Meta:
        verbose_name = "指導要録のロック解除"
        verbose_name_plural = "指導要録のロック解除"
        ordering = ["-unlocked_at"]

    def __str__(self) -> str:
        return f"{self.record_id}:{self.unlocked_at}"
