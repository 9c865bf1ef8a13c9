"""The counting rules of the period-level record (欠課簿): 欠課時数 and the 単位認定 threshold.

Pure functions: no Django, no database. A high school (and any 授業クラス) records, per lesson
(date and 時限), the pupils who missed it (欠課), came late (遅刻) or left early (早退). For a
授業クラス and a pupil this module counts:

- 欠課時数: the lessons marked 欠課. 遅刻 and 早退 are counted apart; a school whose rules say
  that so many 遅刻 make one 欠課 (「遅刻3回で欠課1時間」) passes ``late_per_absence``, and
  each full set of 遅刻 adds one hour (早退 are never converted);
- the threshold: a pupil whose 欠課時数 exceeds the planned annual 授業時数 × the board's ratio
  (one third unless the board sets another) cannot be given the credit (単位の修得を認めない).
  In whole hours it is ``floor(planned × numerator / denominator)``: more than that is over;
- the warning: 欠課時数 at or above the board's percentage (80 unless set) of the threshold.

``explain`` turns an assessment into the line a teacher reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# The kinds of a period mark (the values of ``lesson_models.PeriodMarkKind``).
ABSENT = "absent"
LATE = "late"
EARLY = "early"

PERIOD_MIN = 1
PERIOD_MAX = 8

DEFAULT_NUMERATOR = 1
DEFAULT_DENOMINATOR = 3
DEFAULT_WARNING_PERCENT = 80


@dataclass(frozen=True)
class Ratio:
    """The share of the planned 授業時数 a pupil may miss (1/3 by default)."""

    numerator: int = DEFAULT_NUMERATOR
    denominator: int = DEFAULT_DENOMINATOR

    def __post_init__(self) -> None:
        if not (1 <= self.numerator <= self.denominator):
            raise ValueError("割合は 1 以上で、分子が分母以下の分数にしてください。")

    @property
    def label(self) -> str:
        return f"{self.numerator}/{self.denominator}"


@dataclass(frozen=True)
class Policy:
    """A board's rule (単位認定の基準): the ratio, the warning level and the 遅刻 conversion."""

    ratio: Ratio = Ratio()
    warning_percent: int = DEFAULT_WARNING_PERCENT
    late_per_absence: int | None = None

    def __post_init__(self) -> None:
        if not (1 <= self.warning_percent <= 100):
            raise ValueError("警告の割合は 1〜100 (%) にしてください。")
        if self.late_per_absence is not None and self.late_per_absence < 1:
            raise ValueError("遅刻の換算は 1 回以上にしてください。")


DEFAULT_POLICY = Policy()


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    OVER = "over"
    UNSET = "unset"  # no planned 授業時数 yet: nothing to compare with

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.OK: "基準内",
    Status.WARNING: "注意",
    Status.OVER: "超過",
    Status.UNSET: "授業時数未設定",
}


@dataclass(frozen=True)
class Tally:
    """A pupil's marks in one 授業クラス, by kind."""

    absences: int = 0
    lates: int = 0
    earlies: int = 0


def tally(kinds: Iterable[str]) -> Tally:
    """Count the kinds of a pupil's period marks (unknown kinds are not counted)."""
    absences = lates = earlies = 0
    for kind in kinds:
        if kind == ABSENT:
            absences += 1
        elif kind == LATE:
            lates += 1
        elif kind == EARLY:
            earlies += 1
    return Tally(absences=absences, lates=lates, earlies=earlies)


def converted_hours(lates: int, late_per_absence: int | None) -> int:
    """The 欠課 hours that 遅刻 add under the school's conversion (none when not converted)."""
    if late_per_absence is None:
        return 0
    if late_per_absence < 1:
        raise ValueError("late_per_absence must be at least 1")
    return lates // late_per_absence


def absence_hours(counts: Tally, *, late_per_absence: int | None = None) -> int:
    """欠課時数: the lessons marked 欠課, plus the converted 遅刻 where the school converts them."""
    return counts.absences + converted_hours(counts.lates, late_per_absence)


def threshold_hours(planned: int, ratio: Ratio = DEFAULT_POLICY.ratio) -> int:
    """The most 欠課時数 that still allow the credit: ``floor(planned × ratio)``."""
    if planned < 0:
        raise ValueError("planned hours cannot be negative")
    return planned * ratio.numerator // ratio.denominator


def is_warning_level(hours: int, threshold: int, warning_percent: int) -> bool:
    """At or above ``warning_percent`` % of the threshold (exact: no rounding), from one hour."""
    return hours >= 1 and hours * 100 >= threshold * warning_percent


@dataclass(frozen=True)
class Assessment:
    """A pupil's standing in one 授業クラス against the board's rule."""

    counts: Tally
    hours: int  # 欠課時数 (with converted 遅刻)
    converted: int  # of which from 遅刻
    planned: int | None
    threshold: int | None
    policy: Policy
    status: Status

    @property
    def remaining(self) -> int | None:
        """Hours of 欠課 still possible before the credit is lost (0: the next one loses it)."""
        if self.threshold is None:
            return None
        return max(self.threshold - self.hours, 0)

    @property
    def warning_hours(self) -> str | None:
        """The warning level in hours as a teacher writes it (「18.4」)."""
        if self.threshold is None:
            return None
        return _decimal(self.threshold * self.policy.warning_percent, 100)


def assess(counts: Tally, planned: int | None, policy: Policy = DEFAULT_POLICY) -> Assessment:
    """Where a pupil stands: over the threshold, at the warning level, or fine."""
    converted = converted_hours(counts.lates, policy.late_per_absence)
    hours = counts.absences + converted
    if planned is None or planned < 1:
        return Assessment(counts, hours, converted, None, None, policy, Status.UNSET)
    threshold = threshold_hours(planned, policy.ratio)
    if hours > threshold:
        status = Status.OVER
    elif is_warning_level(hours, threshold, policy.warning_percent):
        status = Status.WARNING
    else:
        status = Status.OK
    return Assessment(counts, hours, converted, planned, threshold, policy, status)


def _decimal(numerator: int, denominator: int) -> str:
    """``numerator / denominator`` with at most two decimals, trailing zeros dropped (pure)."""
    hundredths = numerator * 100 // denominator
    whole, rest = divmod(hundredths, 100)
    if rest == 0:
        return str(whole)
    return f"{whole}.{rest:02d}".rstrip("0")


def explain(result: Assessment) -> str:
    """The line a teacher reads next to the numbers (Japanese)."""
    c = result.counts
    parts = [f"欠課 {c.absences}時間、遅刻 {c.lates}回、早退 {c.earlies}回。"]
    late_rule = result.policy.late_per_absence
    if late_rule is not None:
        parts.append(
            f"遅刻{late_rule}回で欠課1時間として換算し、欠課時数は {result.hours}時間"
            f" (うち遅刻からの換算 {result.converted}時間)。"
        )
    if result.status == Status.UNSET or result.threshold is None:
        parts.append("年間の授業時数が入力されていないため、単位認定の基準と比べられません。")
        return "".join(parts)
    ratio = result.policy.ratio
    parts.append(
        f"授業時数 {result.planned}時間 × {ratio.label} = {result.threshold}時間を超えると"
        "単位が認定されません。"
    )
    if result.status == Status.OVER:
        parts.append(f"欠課時数 {result.hours}時間は基準を超えています。")
    elif result.status == Status.WARNING:
        parts.append(
            f"欠課時数 {result.hours}時間は警告の目安 ({result.policy.warning_percent}% ="
            f" {result.warning_hours}時間) 以上です。基準内の残りは {result.remaining}時間です。"
        )
    else:
        parts.append(f"基準内の残りは {result.remaining}時間です。")
    return "".join(parts)
