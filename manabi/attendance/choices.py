"""The kinds of mark, reason and closure of the attendance book (出席簿), and what each counts
as in 指導要録 様式2 「出欠の記録」 (``manabi.attendance.rules.Category``)."""

from __future__ import annotations

from django.db import models

from manabi.attendance.rules import Category, ReasonCategory


class MarkStatus(models.TextChoices):
    """What a pupil's day was. 出席 is the default and is stored only with 遅刻・早退 or a note."""

    PRESENT = "present", "出席"
    ABSENT = "absent", "欠席"
    SUSPENDED = "suspended", "出席停止"
    MOURNING = "mourning", "忌引"
    OTHER_LEAVE = "other_leave", "出席停止・忌引等 (その他)"
    OFFICIAL = "official", "公欠"
    DEEMED = "deemed", "出席扱い"


CATEGORY = {
    MarkStatus.PRESENT: Category.PRESENT,
    MarkStatus.ABSENT: Category.ABSENT,
    MarkStatus.SUSPENDED: Category.LEAVE,
    MarkStatus.MOURNING: Category.LEAVE,
    MarkStatus.OTHER_LEAVE: Category.LEAVE,
    # 公欠: a day the principal excused (大会・選抜の受検 …) counts as 出席停止・忌引等.
    MarkStatus.OFFICIAL: Category.LEAVE,
    MarkStatus.DEEMED: Category.DEEMED,
}

# The letter a cell shows (the marks schools write by hand in paper books).
SYMBOL = {
    MarkStatus.PRESENT: "",
    MarkStatus.ABSENT: "／",
    MarkStatus.SUSPENDED: "停",
    MarkStatus.MOURNING: "忌",
    MarkStatus.OTHER_LEAVE: "他",
    MarkStatus.OFFICIAL: "公",
    MarkStatus.DEEMED: "扱",
}

# Keys a teacher presses in the grid (kept to the home row and the first letters).
KEYS = {
    "a": MarkStatus.ABSENT,
    "s": MarkStatus.SUSPENDED,
    "k": MarkStatus.MOURNING,
    "o": MarkStatus.OFFICIAL,
    "d": MarkStatus.DEEMED,
}


class AbsenceReason(models.TextChoices):
    """欠席の理由 as the board's list offers them, each mapped to a category of the national
    問題行動・不登校調査 (``REASON_CATEGORY``)."""

    ILLNESS = "illness", "病気"
    ACCIDENT = "accident", "事故 (その他)"
    FAMILY = "family", "家庭の事情"
    NON_ATTENDANCE = "non_attendance", "不登校"
    ECONOMIC = "economic", "経済的理由"
    INFECTION_AVOIDANCE = "infection_avoidance", "感染回避"


REASON_CATEGORY = {
    AbsenceReason.ILLNESS: ReasonCategory.ILLNESS,
    AbsenceReason.ACCIDENT: ReasonCategory.OTHER,
    AbsenceReason.FAMILY: ReasonCategory.OTHER,
    AbsenceReason.NON_ATTENDANCE: ReasonCategory.NON_ATTENDANCE,
    AbsenceReason.ECONOMIC: ReasonCategory.ECONOMIC,
    AbsenceReason.INFECTION_AVOIDANCE: ReasonCategory.INFECTION_AVOIDANCE,
}


class DeemedKind(models.TextChoices):
    """出席扱い: where the pupil learnt that day (MEXT guidance on 不登校児童生徒)."""

    SEPARATE_ROOM = "separate_room", "別室登校"
    ONLINE = "online", "オンライン学習"
    SUPPORT_CENTRE = "support_centre", "適応指導教室"
    OTHER = "other", "その他"


class ClosureKind(models.TextChoices):
    """臨時休業 (学校保健安全法 第20条): the days are not 授業日 for the classes it covers."""

    CLASS = "class", "学級閉鎖"
    GRADE = "grade", "学年閉鎖"
    SCHOOL = "school", "休校"


class MonthState(models.TextChoices):
    OPEN = "open", "入力中"
    CLOSED = "closed", "締め済み"
    LOCKED = "locked", "ロック済み"


class NoticeKind(models.TextChoices):
    """What a guardian reports (欠席連絡)."""

    ABSENT = "absent", "欠席"
    LATE = "late", "遅刻"
    EARLY = "early", "早退"


class NoticeStatus(models.TextChoices):
    RECEIVED = "received", "受付済み"
    ACCEPTED = "accepted", "出席簿に反映"
    DISMISSED = "dismissed", "反映せず"


TEXT_MAX = 200
NOTE_MAX = 500
