"""Choices of the training app. The record category (記録の区分) and the format (形態) are the
history's own (``records.choices``) so that a completed training carries them over as is."""

from __future__ import annotations

from django.db import models

from manabi.records.choices import RecordCategory, TrainingFormat

__all__ = [
    "DESCRIPTION_MAX",
    "TEXT_MAX",
    "AttendanceStatus",
    "CompletionRule",
    "Decision",
    "NumberCategory",
    "ProgrammeKind",
    "QuestionKind",
    "RecordCategory",
    "RouteOverride",
    "StepKind",
    "StepStatus",
    "TrainingFormat",
    "Visibility",
]

# The longest free text a form or the API takes: a training's 内容, and a reason, comment or
# 申込の理由 (the forms and the API serializers share these bounds).
DESCRIPTION_MAX = 10_000
TEXT_MAX = 2000


class ProgrammeKind(models.TextChoices):
    """研修の種類: who takes part and how they get in."""

    ALL_TARGETS = "all_targets", "悉皆"  # every target takes part; enrolled by the organiser
    NOMINATED = "nominated", "指名"  # the organiser names the participants
    RECOMMENDED = "recommended", "推薦"  # schools and boards apply for their staff, with a rank
    VOLUNTARY = "voluntary", "希望"  # anyone in the audience applies for themself

    @property
    def enrolled_directly(self) -> bool:
        return self in (ProgrammeKind.ALL_TARGETS, ProgrammeKind.NOMINATED)


class Visibility(models.TextChoices):
    JURISDICTION = "jurisdiction", "管轄内のみ"
    PUBLIC = "public", "公開(管轄外・ゲストも申込可)"


class RouteOverride(models.TextChoices):
    """承認ルート: derived from the applicant's school (default) or fixed by the programme."""

    AUTO = "auto", "自動(所属に応じて。主催者の管轄内では短縮)"
    FULL = "full", "自動(短縮しない)"
    SCHOOL_ONLY = "school_only", "学校管理職のみ"
    NONE = "none", "承認なし(主催者が直接決定)"


class CompletionRule(models.TextChoices):
    """修了の判定."""

    ALL_SESSIONS = "all_sessions", "全日程に出席"
    MIN_HOURS = "min_hours", "出席時間が基準以上"
    MANUAL = "manual", "主催者が個別に判定"


class NumberCategory(models.TextChoices):
    """種別コード (1 digit) of the 研修事業番号. 9 is 「その他」, used for school-hosted events
    (seed 000 §7)."""

    STATUTORY = "1", "1 法定研修(初任者・中堅等)"
    CAREER = "2", "2 経験年数・職能に応じた研修"
    SUBJECT = "3", "3 教科・領域等の研修"
    ISSUES = "4", "4 教育課題に関する研修"
    SPECIAL_NEEDS = "5", "5 特別支援教育"
    COUNSELLING = "6", "6 生徒指導・教育相談"
    ICT = "7", "7 情報教育・ICT活用"
    MANAGEMENT = "8", "8 学校経営・管理職"
    OTHER = "9", "9 その他"


class StepKind(models.TextChoices):
    """Who approves a step: the school's 学校管理職, or the board (教育委員会)."""

    SCHOOL_ADMIN = "school_admin", "学校管理職"
    BOARD = "board", "教育委員会"


class StepStatus(models.TextChoices):
    WAITING = "waiting", "未到達"
    PENDING = "pending", "承認待ち"
    APPROVED = "approved", "承認"
    REJECTED = "rejected", "否決"
    RETURNED = "returned", "差し戻し"


class Decision(models.TextChoices):
    """受講決定 by the organiser (the API's ``decision``)."""

    ACCEPTED = "accepted", "受講決定"
    WAITLISTED = "waitlisted", "補欠"
    REJECTED = "rejected", "不採択"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    LATE = "late", "遅刻"
    LEFT_EARLY = "left_early", "早退"
    ABSENT = "absent", "欠席"


class QuestionKind(models.TextChoices):
    CHOICE = "choice", "選択式"
    SCALE = "scale", "5段階評価"
    TEXT = "text", "自由記述"
