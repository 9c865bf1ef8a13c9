"""The 欠課時数 rules of the 欠課簿: the worked example of the issue and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manabi.attendance.lesson_models import PeriodMarkKind
from manabi.attendance.lesson_rules import (
    ABSENT,
    EARLY,
    LATE,
    Policy,
    Ratio,
    Status,
    Tally,
    absence_hours,
    assess,
    explain,
    tally,
    threshold_hours,
)

fast = settings(database=None, deadline=None, max_examples=200)

ratios = st.integers(1, 12).flatmap(
    lambda den: st.builds(Ratio, numerator=st.integers(1, den), denominator=st.just(den))
)
policies = st.builds(
    Policy,
    ratio=ratios,
    warning_percent=st.integers(1, 100),
    late_per_absence=st.one_of(st.none(), st.integers(1, 5)),
)
tallies = st.builds(
    Tally,
    absences=st.integers(0, 400),
    lates=st.integers(0, 60),
    earlies=st.integers(0, 60),
)


def test_the_worked_example_70_hours_one_third() -> None:
    """70 planned hours × 1/3 = 23.3 → 23 hours; the warning at 80 % of 23 = 18.4 hours."""
    assert threshold_hours(70, Ratio(1, 3)) == 23
    assert assess(Tally(absences=18), 70).status == Status.OK
    warned = assess(Tally(absences=19), 70)
    assert (warned.status, warned.threshold, warned.remaining) == (Status.WARNING, 23, 4)
    assert warned.warning_hours == "18.4"
    assert "18.4時間" in explain(warned) and "70時間 × 1/3 = 23時間" in explain(warned)
    assert assess(Tally(absences=23), 70).status == Status.WARNING  # at the threshold: still in
    over = assess(Tally(absences=24), 70)
    assert over.status == Status.OVER and "超えています" in explain(over)


def test_late_and_early_are_counted_apart_unless_the_school_converts_late() -> None:
    counts = tally([ABSENT, LATE, LATE, LATE, LATE, EARLY, "unknown"])
    assert counts == Tally(absences=1, lates=4, earlies=1)
    assert absence_hours(counts) == 1
    assert absence_hours(counts, late_per_absence=3) == 2  # 3 遅刻 = 1 欠課; 早退 never
    result = assess(counts, 70, Policy(late_per_absence=3))
    assert (result.hours, result.converted) == (2, 1)
    assert "遅刻3回で欠課1時間" in explain(result)


def test_no_planned_hours_means_nothing_to_compare_with() -> None:
    result = assess(Tally(absences=5), None)
    assert result.status == Status.UNSET and result.threshold is None
    assert "授業時数が入力されていない" in explain(result)


def test_the_kinds_of_the_model_are_the_kinds_the_rules_count() -> None:
    assert {k.value for k in PeriodMarkKind} == {ABSENT, LATE, EARLY}


def test_bad_rules_are_refused_in_japanese() -> None:
    with pytest.raises(ValueError, match="分子が分母以下"):
        Ratio(2, 1)
    with pytest.raises(ValueError, match="1〜100"):
        Policy(warning_percent=0)


@fast
@given(st.integers(0, 999), ratios)
def test_the_threshold_is_the_floor_of_planned_times_ratio(planned: int, ratio: Ratio) -> None:
    t = threshold_hours(planned, ratio)
    # t ≤ planned × n / d < t + 1, in integers.
    assert t * ratio.denominator <= planned * ratio.numerator < (t + 1) * ratio.denominator
    assert threshold_hours(planned + 1, ratio) >= t


@fast
@given(tallies, st.integers(1, 999), policies)
def test_over_exactly_when_hours_exceed_planned_times_ratio(
    counts: Tally, planned: int, policy: Policy
) -> None:
    result = assess(counts, planned, policy)
    exceeds = result.hours * policy.ratio.denominator > planned * policy.ratio.numerator
    assert (result.status == Status.OVER) == exceeds
    assert result.hours == absence_hours(counts, late_per_absence=policy.late_per_absence)
    assert result.hours >= counts.absences
    assert explain(result)


@fast
@given(st.integers(0, 300), st.integers(1, 999), policies)
def test_the_status_only_gets_worse_with_more_absences(
    hours: int, planned: int, policy: Policy
) -> None:
    order = [Status.OK, Status.WARNING, Status.OVER]
    now = assess(Tally(absences=hours), planned, policy).status
    later = assess(Tally(absences=hours + 1), planned, policy).status
    assert order.index(later) >= order.index(now)
    assert assess(Tally(), planned, policy).status == Status.OK  # no 欠課: never a warning
