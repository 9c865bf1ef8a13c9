"""The eligibility engine (基本研修受講該当者の判定): pure functions over plain values.

Given staff service records (在職期間), leaves (休職・休業等) and completed trainings, and a
rule set (a preset such as ``niigata``, see ``presets.py``), say for one fiscal year who is a
target (受講該当者) of each statutory basic training, with the counted years behind it:

- **A** (在職合計年数): full years of the counted service, each continuous period on its own;
- **B** (育児休業以外の除算年数): full years of the deducted leaves, each continuous period on
  its own (a period under one year adds 0);
- **C** (育児休業年数): full years of each continuous childcare leave;
- the age under 年齢計算ニ関スル法律.

Everything is counted as of the end of 31 March of the fiscal year (the reference date).
No Django, no database: the command line, the API and the tests call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import MAXYEAR, date, timedelta
from enum import StrEnum

# --- vocabulary of the JSON interface (docs/eligibility.md) ----------------------------------


class Job(StrEnum):
    """職種."""

    TEACHER = "teacher"
    NURSE_TEACHER = "nurse_teacher"
    NURSERY_TEACHER = "nursery_teacher"
    NUTRITION_TEACHER = "nutrition_teacher"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _JOB_LABELS[self]


_JOB_LABELS = {
    Job.TEACHER: "教諭",
    Job.NURSE_TEACHER: "養護教諭",
    Job.NURSERY_TEACHER: "保育教諭",
    Job.NUTRITION_TEACHER: "栄養教諭",
    Job.OTHER: "その他",
}


class SchoolType(StrEnum):
    """校種 (``administration``: seconded to a board or other administration)."""

    KINDERGARTEN = "kindergarten"
    ELEMENTARY = "elementary"
    JUNIOR_HIGH = "junior_high"
    COMPULSORY = "compulsory"
    HIGH = "high"
    SECONDARY = "secondary"
    SPECIAL_NEEDS = "special_needs"
    ADMINISTRATION = "administration"

    @property
    def label(self) -> str:
        return _SCHOOL_TYPE_LABELS[self]


_SCHOOL_TYPE_LABELS = {
    SchoolType.KINDERGARTEN: "幼稚園・認定こども園",
    SchoolType.ELEMENTARY: "小学校",
    SchoolType.JUNIOR_HIGH: "中学校",
    SchoolType.COMPULSORY: "義務教育学校",
    SchoolType.HIGH: "高等学校",
    SchoolType.SECONDARY: "中等教育学校",
    SchoolType.SPECIAL_NEEDS: "特別支援学校",
    SchoolType.ADMINISTRATION: "行政機関等",
}


class ServiceKind(StrEnum):
    """Kinds of service period; which of them count toward A is up to the rule set."""

    TEACHER = "teacher"
    EDUCATION_ADMIN = "education_admin"
    GRADUATE_DISPATCH = "graduate_dispatch"
    GOVERNOR_OFFICE = "governor_office"
    TEMPORARY = "temporary"
    LECTURER = "lecturer"
    LAB_ASSISTANT = "lab_assistant"
    CHILDCARE_WORKER = "childcare_worker"

    @property
    def label(self) -> str:
        return _SERVICE_KIND_LABELS[self]


_SERVICE_KIND_LABELS = {
    ServiceKind.TEACHER: "教諭・養護教諭・保育教諭",
    ServiceKind.EDUCATION_ADMIN: "指導主事・社会教育主事等",
    ServiceKind.GRADUATE_DISPATCH: "大学院等派遣研修",
    ServiceKind.GOVERNOR_OFFICE: "知事部局等",
    ServiceKind.TEMPORARY: "臨時的任用",
    ServiceKind.LECTURER: "常勤講師",
    ServiceKind.LAB_ASSISTANT: "実習助手",
    ServiceKind.CHILDCARE_WORKER: "保育士",
}


class LeaveKind(StrEnum):
    """Kinds of leave; which deduct (B), which are C and which neither is up to the rule set."""

    SUSPENSION = "suspension"
    DISCIPLINARY_SUSPENSION = "disciplinary_suspension"
    UNION_DUTY = "union_duty"
    SICK_LEAVE = "sick_leave"
    SPOUSE_ACCOMPANY = "spouse_accompany"
    GRADUATE_STUDY_LEAVE = "graduate_study_leave"
    CHILDCARE = "childcare"
    MATERNITY = "maternity"

    @property
    def label(self) -> str:
        return _LEAVE_KIND_LABELS[self]


_LEAVE_KIND_LABELS = {
    LeaveKind.SUSPENSION: "休職",
    LeaveKind.DISCIPLINARY_SUSPENSION: "停職",
    LeaveKind.UNION_DUTY: "職員団体専従",
    LeaveKind.SICK_LEAVE: "療養休暇",
    LeaveKind.SPOUSE_ACCOMPANY: "在外勤務等同行休業",
    LeaveKind.GRADUATE_STUDY_LEAVE: "大学院修学休業",
    LeaveKind.CHILDCARE: "育児休業",
    LeaveKind.MATERNITY: "産前産後休暇",
}


# --- input ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServicePeriod:
    """在職期間: ``start`` and ``end`` inclusive; ``end`` None means still ongoing."""

    kind: ServiceKind
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class LeavePeriod:
    """休職・休業等の期間: ``start`` and ``end`` inclusive; ``end`` None means still ongoing."""

    kind: LeaveKind
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class StaffRecord:
    """One person's service record (``completed``: codes of trainings already finished)."""

    staff_code: str
    birth_date: date
    job: Job
    school_type: SchoolType
    service: tuple[ServicePeriod, ...] = ()
    leaves: tuple[LeavePeriod, ...] = ()
    completed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Span:
    """A closed run of days, both ends inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"期間の終了日 {self.end} が開始日 {self.start} より前です")


# --- rules (filled from a preset, see presets.py) -------------------------------------------


class Measure(StrEnum):
    """The number a condition looks at."""

    A_MINUS_B = "A-B"
    A_MINUS_B_MINUS_C = "A-B-C"

    @property
    def label(self) -> str:
        return "A−B" if self is Measure.A_MINUS_B else "A−B−C"


@dataclass(frozen=True, slots=True)
class Condition:
    """One way to be a target: ``minimum ≤ measure ≤ maximum`` and ``age ≥ min_age``.

    ``min_rises_with_c_above``: when C exceeds this many years, the minimum rises by the
    excess (Niigata mid-career: 12 while C ≤ 4, then C + 8).
    """

    label: str
    measure: Measure
    minimum: int | None = None
    maximum: int | None = None
    min_rises_with_c_above: int | None = None
    min_age: int | None = None

    @property
    def uses_c(self) -> bool:
        return self.measure is Measure.A_MINUS_B_MINUS_C or self.min_rises_with_c_above is not None


@dataclass(frozen=True, slots=True)
class TrainingRule:
    """Who is a target of one training (研修) under a rule set."""

    code: str
    name: str
    jobs: frozenset[Job]
    school_types: frozenset[SchoolType]
    service_for_a: frozenset[ServiceKind]
    leaves_for_b: frozenset[LeaveKind]
    leaves_for_c: frozenset[LeaveKind]
    completed_by: frozenset[str]
    any_of: tuple[Condition, ...]

    @property
    def uses_c(self) -> bool:
        return any(condition.uses_c for condition in self.any_of)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A preset: the trainings of one prefecture, in output order."""

    name: str
    title: str
    trainings: tuple[TrainingRule, ...]

    @property
    def training_codes(self) -> tuple[str, ...]:
        return tuple(training.code for training in self.trainings)


# --- output --------------------------------------------------------------------------------


class Outcome(StrEnum):
    """Why a training result came out as it did (machine-readable companion of ``reason``)."""

    ELIGIBLE = "eligible"
    JOB_NOT_TARGET = "job_not_target"
    SCHOOL_TYPE_NOT_TARGET = "school_type_not_target"
    COMPLETED = "completed"
    YEARS_NOT_MET = "years_not_met"


@dataclass(frozen=True, slots=True)
class TrainingResult:
    """The answer for one training: eligible or not, with the numbers and the reason."""

    training: str
    eligible: bool
    outcome: Outcome
    a: int
    b: int
    c: int
    age: int
    reason: str


@dataclass(frozen=True, slots=True)
class StaffResult:
    staff_code: str
    age: int
    trainings: tuple[TrainingResult, ...]


@dataclass(frozen=True, slots=True)
class Report:
    fiscal_year: int
    reference_date: date
    rules: str
    results: tuple[StaffResult, ...]


# --- counting ------------------------------------------------------------------------------


def reference_date(fiscal_year: int) -> date:
    """31 March of ``fiscal_year``: everything is counted as of the end of that day."""
    return date(fiscal_year, 3, 31)


_ONE_DAY = timedelta(days=1)


def _anniversary(start: date, years: int) -> date:
    """The same month and day ``years`` later; 29 February becomes 1 March in common years."""
    year = start.year + years
    if start.month == 2 and start.day == 29 and not _is_leap(year):
        return date(year, 3, 1)
    return start.replace(year=year)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def full_years(start: date, end: date) -> int:
    """Complete years from ``start`` to the day after ``end`` (both inclusive).

    2024-04-01 … 2025-03-31 is 1; 2024-04-02 … 2025-03-31 is 0. A year that starts on
    29 February ends on 28 February when the next year is a common year (民法 143条).
    """
    if end < start:
        return 0
    if end.year < MAXYEAR:
        # The n-th year is complete when its anniversary is on or before the day after end.
        after = end + _ONE_DAY
        years = after.year - start.year
        if _anniversary(start, years) > after:
            years -= 1
        return years
    years = end.year - start.year + 1
    while years > 0:
        last = _year_end(start, years)
        if last is not None and last <= end:
            break
        years -= 1
    return years


def _year_end(start: date, years: int) -> date | None:
    """The last day of the ``years``-th year counted from ``start`` (the day before the
    anniversary); None when that is after the last representable day."""
    if start.year + years <= MAXYEAR:
        return _anniversary(start, years) - timedelta(days=1)
    if start.year + years == MAXYEAR + 1 and (start.month, start.day) == (1, 1):
        return date.max
    return None


def age_at_end_of(birth_date: date, day: date) -> int:
    """Age at the end of ``day`` (年齢計算ニ関スル法律): N at the end of the day before the
    Nth birthday, so someone born on 1 April is a year older at the end of 31 March."""
    return full_years(birth_date, day)


def cut_off(periods: Iterable[tuple[date, date | None]], reference: date) -> list[Span]:
    """Close ongoing periods and cut everything at ``reference``; drop periods after it."""
    spans = []
    for start, end in periods:
        if start > reference:
            continue
        spans.append(Span(start, reference if end is None else min(end, reference)))
    return spans


def merge(spans: Iterable[Span]) -> list[Span]:
    """Merge spans that overlap or touch (the next starts the day after) into one, sorted."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and _touches(merged[-1], span):
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def _touches(earlier: Span, later: Span) -> bool:
    return earlier.end == date.max or later.start <= earlier.end + timedelta(days=1)


def counted_years(spans: Iterable[Span]) -> int:
    """Sum of the full years of each continuous period (fractions dropped per period)."""
    return sum(full_years(span.start, span.end) for span in merge(spans))


def years_a(record: StaffRecord, kinds: Iterable[ServiceKind], reference: date) -> int:
    """A: full years of the service periods of ``kinds``, as of ``reference``."""
    wanted = frozenset(kinds)
    periods = ((p.start, p.end) for p in record.service if p.kind in wanted)
    return counted_years(cut_off(periods, reference))


def years_of_leave(record: StaffRecord, kinds: Iterable[LeaveKind], reference: date) -> int:
    """B or C: full years of the leaves of ``kinds`` (taken together), as of ``reference``."""
    wanted = frozenset(kinds)
    periods = ((p.start, p.end) for p in record.leaves if p.kind in wanted)
    return counted_years(cut_off(periods, reference))


# --- rules ---------------------------------------------------------------------------------


def required_minimum(condition: Condition, c: int) -> int | None:
    """The minimum of ``condition`` for someone with C years of childcare leave."""
    if condition.minimum is None:
        return None
    if condition.min_rises_with_c_above is None:
        return condition.minimum
    return condition.minimum + max(0, c - condition.min_rises_with_c_above)


@dataclass(frozen=True, slots=True)
class _Check:
    passed: bool
    text: str


def _condition_checks(condition: Condition, *, a: int, b: int, c: int, age: int) -> list[_Check]:
    checks: list[_Check] = []
    if condition.min_age is not None:
        passed = age >= condition.min_age
        need = f"{condition.min_age}歳以上"
        checks.append(_Check(passed, f"年齢{age}歳 ({need}{'' if passed else 'が必要'})"))
    value = a - b - (c if condition.measure is Measure.A_MINUS_B_MINUS_C else 0)
    minimum = required_minimum(condition, c)
    bounds = []
    if minimum is not None:
        raised = minimum != condition.minimum
        bounds.append(f"育休C={c} のため{minimum}以上" if raised else f"{minimum}以上")
    if condition.maximum is not None:
        bounds.append(f"{condition.maximum}以下")
    if bounds:
        passed = (minimum is None or value >= minimum) and (
            condition.maximum is None or value <= condition.maximum
        )
        need = "".join(bounds)
        checks.append(
            _Check(
                passed, f"{condition.measure.label}={value} ({need}{'' if passed else 'が必要'})"
            )
        )
    return checks


def _counts_text(rule: TrainingRule, *, a: int, b: int, c: int) -> str:
    text = f"在職年数A={a}、除算B={b}"
    return f"{text}、育休C={c}" if rule.uses_c else text


# Counted years of one person, by group ("A", "B" or "C") and set of kinds.
CountsMemo = dict[tuple[str, frozenset[str]], int]


def evaluate_training(
    record: StaffRecord,
    rule: TrainingRule,
    *,
    age: int,
    reference: date,
    counts_memo: CountsMemo | None = None,
) -> TrainingResult:
    """Whether ``record`` is a target of ``rule``'s training, with A, B, C and the reason.

    ``counts_memo``: a dict kept across the trainings of one person and reference date, so
    that A, B and C are counted once per set of kinds rather than once per training.
    """
    memo: CountsMemo = {} if counts_memo is None else counts_memo
    a = memo.get(("A", rule.service_for_a))
    if a is None:
        a = memo[("A", rule.service_for_a)] = years_a(record, rule.service_for_a, reference)
    b = memo.get(("B", rule.leaves_for_b))
    if b is None:
        b = memo[("B", rule.leaves_for_b)] = years_of_leave(record, rule.leaves_for_b, reference)
    c = memo.get(("C", rule.leaves_for_c))
    if c is None:
        c = memo[("C", rule.leaves_for_c)] = years_of_leave(record, rule.leaves_for_c, reference)
    counts = _counts_text(rule, a=a, b=b, c=c)

    def result(outcome: Outcome, reason: str) -> TrainingResult:
        eligible = outcome is Outcome.ELIGIBLE
        return TrainingResult(rule.code, eligible, outcome, a, b, c, age, reason)

    if record.job not in rule.jobs:
        return result(
            Outcome.JOB_NOT_TARGET,
            f"職種「{record.job.label}」は{rule.name}の対象外のため非該当 ({counts})",
        )
    if record.school_type not in rule.school_types:
        return result(
            Outcome.SCHOOL_TYPE_NOT_TARGET,
            f"校種「{record.school_type.label}」は{rule.name}の対象外のため非該当 ({counts})",
        )
    if record.completed & rule.completed_by:
        return result(
            Outcome.COMPLETED,
            f"{rule.name}(又は同等の研修)を修了済みのため非該当 ({counts})",
        )
    labelled = len(rule.any_of) > 1
    failures = []
    for condition in rule.any_of:
        checks = _condition_checks(condition, a=a, b=b, c=c, age=age)
        label = f"【{condition.label}】" if labelled else ""
        if all(check.passed for check in checks):
            met = " かつ ".join(check.text for check in checks)
            return result(Outcome.ELIGIBLE, f"{counts} で {label}{met} のため該当")
        failed = "、".join(check.text for check in checks if not check.passed)
        failures.append(f"{label}{failed}")
    return result(Outcome.YEARS_NOT_MET, f"{counts} で {' / '.join(failures)} のため非該当")


def evaluate_staff(record: StaffRecord, rules: RuleSet, *, reference: date) -> StaffResult:
    """Every training of ``rules`` for one person."""
    age = age_at_end_of(record.birth_date, reference)
    memo: CountsMemo = {}
    return StaffResult(
        staff_code=record.staff_code,
        age=age,
        trainings=tuple(
            evaluate_training(record, rule, age=age, reference=reference, counts_memo=memo)
            for rule in rules.trainings
        ),
    )


def compute(*, fiscal_year: int, staff: Sequence[StaffRecord], rules: RuleSet) -> Report:
    """The report for ``fiscal_year``: one result per person, in input order."""
    reference = reference_date(fiscal_year)
    return Report(
        fiscal_year=fiscal_year,
        reference_date=reference,
        rules=rules.name,
        results=tuple(evaluate_staff(record, rules, reference=reference) for record in staff),
    )
