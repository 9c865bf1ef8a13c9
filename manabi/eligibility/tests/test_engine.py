from __future__ import annotations

import itertools
from datetime import date, timedelta
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manabi.eligibility.engine import (
    Condition,
    Job,
    LeaveKind,
    LeavePeriod,
    Measure,
    Outcome,
    SchoolType,
    ServiceKind,
    ServicePeriod,
    Span,
    StaffRecord,
    TrainingResult,
    age_at_end_of,
    compute,
    counted_years,
    cut_off,
    evaluate_staff,
    full_years,
    merge,
    reference_date,
    required_minimum,
    years_a,
    years_of_leave,
)
from manabi.eligibility.presets import load_preset

NIIGATA = load_preset("niigata")
REF = date(2025, 3, 31)
fast = settings(database=None, deadline=None, max_examples=200)


def person(
    *,
    service: list[ServicePeriod] | None = None,
    leaves: list[LeavePeriod] | None = None,
    completed: set[str] | None = None,
    job: Job = Job.TEACHER,
    school_type: SchoolType = SchoolType.JUNIOR_HIGH,
    birth_date: date = date(1990, 1, 15),
) -> StaffRecord:
    return StaffRecord(
        staff_code="T1",
        birth_date=birth_date,
        job=job,
        school_type=school_type,
        service=tuple(service or [ServicePeriod(ServiceKind.TEACHER, date(2020, 4, 1))]),
        leaves=tuple(leaves or []),
        completed=frozenset(completed or set()),
    )


def results(record: StaffRecord, fiscal_year: int = 2025) -> dict[str, TrainingResult]:
    staff = evaluate_staff(record, NIIGATA, reference=reference_date(fiscal_year))
    return {result.training: result for result in staff.trainings}


def d(text: str) -> date:
    return date.fromisoformat(text)


# Full years


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        ("2024-04-01", "2025-03-31", 1),
        ("2024-04-02", "2025-03-31", 0),
        ("2024-04-01", "2025-03-30", 0),
        ("2024-04-01", "2026-03-30", 1),
        ("2024-04-01", "2026-03-31", 2),
        ("2013-04-01", "2025-03-31", 12),
        # One-day periods and empty ones.
        ("2024-04-01", "2024-04-01", 0),
        ("2024-12-31", "2024-12-31", 0),
        ("2024-04-02", "2024-04-01", 0),
        # A year from 29 February ends on 28 February of a common year (民法 143条).
        ("2024-02-29", "2025-02-28", 1),
        ("2024-02-29", "2025-02-27", 0),
        ("2024-02-29", "2028-02-27", 3),
        ("2024-02-29", "2028-02-28", 4),
        ("2023-03-01", "2024-02-29", 1),
        ("2023-03-01", "2024-02-28", 0),
        ("2023-02-28", "2024-02-27", 1),
        ("2023-02-28", "2024-02-26", 0),
        ("2024-02-28", "2025-02-27", 1),
        ("2024-03-01", "2025-02-28", 1),
        # Niigata example: 休職 20 months is 1 year.
        ("2022-07-01", "2024-02-29", 1),
        ("0001-01-01", "9999-12-31", 9999),
    ],
)
def test_full_years(start: str, end: str, years: int) -> None:
    assert full_years(d(start), d(end)) == years


def _naive_full_years(start: date, day_after_end: date) -> int:
    """Step day by day and count the anniversaries of ``start`` up to the day after the end
    (29 February's anniversary is 1 March in common years)."""
    years, day = 0, start
    while day <= day_after_end:
        if (day != start and (day.month, day.day) == (start.month, start.day)) or (
            (start.month, start.day) == (2, 29)
            and (day.month, day.day) == (3, 1)
            and not (day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0))
        ):
            years += 1
        day += timedelta(days=1)
    return years


@fast
@given(
    st.dates(min_value=date(1995, 1, 1), max_value=date(2005, 12, 31)),
    st.integers(min_value=0, max_value=3 * 366),
)
def test_full_years_matches_counting_days(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    naive = _naive_full_years(start, end + timedelta(days=1))
    assert full_years(start, end) == naive


# Age (年齢計算ニ関スル法律)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        ("1980-04-01", "2025-03-31", 45),  # a year older at the end of the day before
        ("1980-04-02", "2025-03-31", 44),
        ("1980-03-31", "2025-03-31", 45),
        ("1979-06-15", "2025-03-31", 45),
        ("1984-05-01", "2025-03-31", 40),
        ("2000-02-29", "2001-02-27", 0),
        ("2000-02-29", "2001-02-28", 1),
        ("2000-02-29", "2004-02-28", 4),
    ],
)
def test_age(birth: str, day: str, age: int) -> None:
    assert age_at_end_of(d(birth), d(day)) == age


def test_reference_date_is_31_march_of_the_fiscal_year() -> None:
    assert reference_date(2025) == date(2025, 3, 31)


# Cut-off and merging


def test_cut_off_closes_ongoing_periods_and_drops_later_ones() -> None:
    periods = [
        (d("2024-04-01"), None),
        (d("2024-04-01"), d("2026-03-31")),
        (d("2025-03-31"), None),
        (d("2025-04-01"), None),
    ]
    assert cut_off(periods, REF) == [
        Span(d("2024-04-01"), REF),
        Span(d("2024-04-01"), REF),
        Span(REF, REF),
    ]


def test_service_after_the_reference_date_does_not_count() -> None:
    record = person(service=[ServicePeriod(ServiceKind.TEACHER, d("2024-04-01"), None)])
    assert years_a(record, {ServiceKind.TEACHER}, date(2025, 3, 31)) == 1
    assert years_a(record, {ServiceKind.TEACHER}, date(2026, 3, 31)) == 2
    assert years_a(record, {ServiceKind.TEACHER}, date(2024, 3, 31)) == 0


def test_merge_touching_periods() -> None:
    touching = [Span(d("2020-04-01"), d("2021-03-31")), Span(d("2021-04-01"), d("2022-03-31"))]
    assert merge(touching) == [Span(d("2020-04-01"), d("2022-03-31"))]


def test_merge_leaves_a_one_day_gap_apart() -> None:
    gap = [Span(d("2020-04-01"), d("2021-03-30")), Span(d("2021-04-01"), d("2022-03-31"))]
    assert merge(gap) == gap
    assert counted_years(gap) == 1  # 0 + 1: fractions dropped per period


def test_merge_overlapping_contained_and_unsorted() -> None:
    spans = [
        Span(d("2022-01-01"), d("2022-06-30")),
        Span(d("2020-04-01"), d("2021-12-31")),
        Span(d("2020-05-01"), d("2020-06-01")),
        Span(d("2022-03-01"), d("2022-04-01")),
    ]
    assert merge(spans) == [Span(d("2020-04-01"), d("2022-06-30"))]


def test_fractions_are_dropped_per_continuous_period() -> None:
    # 他県 1y6m, then (after a gap) 本県 2y6m: 1 + 2, not 4.
    spans = [Span(d("2015-04-01"), d("2016-09-30")), Span(d("2017-04-01"), d("2019-09-30"))]
    assert counted_years(spans) == 3


# A, B and C under the Niigata rules


def test_b_under_one_year_adds_nothing() -> None:
    record = person(
        leaves=[
            LeavePeriod(LeaveKind.SUSPENSION, d("2021-01-01"), d("2021-11-30")),
            LeavePeriod(LeaveKind.SICK_LEAVE, d("2022-04-01"), d("2023-03-30")),
        ]
    )
    assert {r.b for r in results(record).values()} == {0}


def test_b_kinds_touching_each_other_are_one_period() -> None:
    record = person(
        leaves=[
            LeavePeriod(LeaveKind.SICK_LEAVE, d("2021-01-01"), d("2021-06-30")),
            LeavePeriod(LeaveKind.SUSPENSION, d("2021-07-01"), d("2022-03-31")),
        ]
    )
    assert results(record)["sixth_year"].b == 1


def test_ongoing_leave_is_cut_at_the_reference_date() -> None:
    record = person(leaves=[LeavePeriod(LeaveKind.SUSPENSION, d("2023-04-01"), None)])
    assert results(record)["sixth_year"].b == 2


def test_maternity_is_neither_b_nor_c() -> None:
    record = person(leaves=[LeavePeriod(LeaveKind.MATERNITY, d("2021-04-01"), d("2023-03-31"))])
    for result in results(record).values():
        assert (result.a, result.b, result.c) == (5, 0, 0)
    assert results(record)["sixth_year"].eligible


def test_childcare_is_c_and_never_b() -> None:
    record = person(
        leaves=[
            # 第1子 11か月, 第2子 1年9か月: C = 0 + 1 (Niigata V 2(3) example).
            LeavePeriod(LeaveKind.CHILDCARE, d("2020-06-01"), d("2021-04-30")),
            LeavePeriod(LeaveKind.CHILDCARE, d("2022-04-01"), d("2023-12-31")),
        ]
    )
    for result in results(record).values():
        assert (result.b, result.c) == (0, 1)


def test_governor_office_counts_for_mid_career_only() -> None:
    record = person(
        service=[
            ServicePeriod(ServiceKind.TEACHER, d("2015-04-01"), d("2020-03-31")),
            ServicePeriod(ServiceKind.GOVERNOR_OFFICE, d("2020-04-01"), d("2023-03-31")),
            ServicePeriod(ServiceKind.TEACHER, d("2023-04-01"), None),
        ],
        completed={"second_year", "sixth_year"},
    )
    by_training = results(record, fiscal_year=2028)
    assert by_training["second_year"].a == by_training["sixth_year"].a == 5 + 5
    assert by_training["mid_career"].a == 13
    assert by_training["mid_career"].eligible


@pytest.mark.parametrize(
    "kind",
    [
        ServiceKind.TEMPORARY,
        ServiceKind.LECTURER,
        ServiceKind.LAB_ASSISTANT,
        ServiceKind.CHILDCARE_WORKER,
    ],
)
def test_service_that_never_counts(kind: ServiceKind) -> None:
    record = person(service=[ServicePeriod(kind, d("2010-04-01"), None)])
    assert {r.a for r in results(record).values()} == {0}


def test_c_table_for_mid_career() -> None:
    condition = NIIGATA.trainings[2].any_of[0]
    assert [required_minimum(condition, c) for c in range(10)] == [
        12,
        12,
        12,
        12,
        12,
        13,
        14,
        15,
        16,
        17,
    ]
    assert required_minimum(Condition("x", Measure.A_MINUS_B, maximum=4), 7) is None


@pytest.mark.parametrize(("c_years", "eligible"), [(4, True), (5, False)])
def test_mid_career_needs_more_years_with_five_years_of_childcare(
    c_years: int, eligible: bool
) -> None:
    starts = [date(2014 + 2 * i, 4, 1) for i in range(c_years)]
    leaves = [LeavePeriod(LeaveKind.CHILDCARE, s, date(s.year + 1, 3, 31)) for s in starts]
    record = person(
        service=[ServicePeriod(ServiceKind.TEACHER, d("2013-04-01"), None)],
        leaves=leaves,
        completed={"second_year", "sixth_year"},
    )
    mid = results(record)["mid_career"]
    assert (mid.a, mid.b, mid.c) == (12, 0, c_years)
    assert mid.eligible is eligible


@pytest.mark.parametrize(
    ("birth", "eligible"), [("1980-04-01", True), ("1980-04-02", False), ("1979-04-02", True)]
)
def test_age_rule_boundary(birth: str, eligible: bool) -> None:
    record = person(
        service=[ServicePeriod(ServiceKind.TEACHER, d("2017-04-01"), None)],
        birth_date=d(birth),
        completed={"second_year", "sixth_year"},
    )
    mid = results(record)["mid_career"]
    assert mid.a - mid.b - mid.c == 8
    assert mid.eligible is eligible


def test_age_rule_needs_eight_years_after_childcare() -> None:
    record = person(
        service=[ServicePeriod(ServiceKind.TEACHER, d("2016-04-01"), None)],
        leaves=[LeavePeriod(LeaveKind.CHILDCARE, d("2018-04-01"), d("2020-03-31"))],
        birth_date=d("1970-01-01"),
        completed={"second_year", "sixth_year"},
    )
    mid = results(record)["mid_career"]
    assert (mid.a, mid.c, mid.eligible) == (9, 2, False)
    assert "A−B−C=7 (8以上が必要)" in mid.reason


@pytest.mark.parametrize("job", [Job.NUTRITION_TEACHER, Job.OTHER])
def test_nutrition_teachers_and_others_are_never_targets(job: Job) -> None:
    for start in ("2023-04-01", "2019-04-01", "2010-04-01"):
        record = person(service=[ServicePeriod(ServiceKind.TEACHER, d(start))], job=job)
        for result in results(record).values():
            assert not result.eligible
            assert result.outcome is Outcome.JOB_NOT_TARGET
            assert job.label in result.reason


@pytest.mark.parametrize("job", [Job.TEACHER, Job.NURSE_TEACHER, Job.NURSERY_TEACHER])
def test_target_jobs(job: Job) -> None:
    record = person(service=[ServicePeriod(ServiceKind.TEACHER, d("2023-04-01"))], job=job)
    assert results(record)["second_year"].eligible


def test_kindergarten_is_no_target_of_second_year_but_of_sixth_year() -> None:
    young = person(
        service=[ServicePeriod(ServiceKind.TEACHER, d("2023-04-01"))],
        school_type=SchoolType.KINDERGARTEN,
        job=Job.NURSERY_TEACHER,
    )
    second = results(young)["second_year"]
    assert (second.eligible, second.outcome) == (False, Outcome.SCHOOL_TYPE_NOT_TARGET)
    older = person(school_type=SchoolType.KINDERGARTEN, job=Job.NURSERY_TEACHER)
    assert results(older)["sixth_year"].eligible


def test_second_year_range_boundaries() -> None:
    def second_year(start: str) -> TrainingResult:
        record = person(service=[ServicePeriod(ServiceKind.TEACHER, d(start))])
        return results(record)["second_year"]

    assert not second_year("2024-04-02").eligible  # A − B = 0
    assert second_year("2024-04-01").eligible  # 1
    assert second_year("2021-04-01").eligible  # 4
    assert not second_year("2020-04-01").eligible  # 5
    assert (
        second_year("2021-04-01").reason == "在職年数A=4、除算B=0 で A−B=4 (1以上4以下) のため該当"
    )
    assert "1以上4以下が必要" in second_year("2020-04-01").reason


def test_completed_trainings() -> None:
    record = person(completed={"second_year"})  # A = 5
    by_training = results(record)
    assert by_training["sixth_year"].eligible
    record = person(service=[ServicePeriod(ServiceKind.TEACHER, d("2022-04-01"))])
    assert results(record)["second_year"].eligible
    done = person(
        service=[ServicePeriod(ServiceKind.TEACHER, d("2022-04-01"))], completed={"second_year"}
    )
    second = results(done)["second_year"]
    assert (second.eligible, second.outcome, second.a) == (False, Outcome.COMPLETED, 3)
    assert "修了済み" in second.reason


def test_sixth_year_stays_due_until_taken() -> None:
    record = person(
        service=[ServicePeriod(ServiceKind.TEACHER, d("2015-04-01"))], completed={"second_year"}
    )
    assert results(record)["sixth_year"].eligible
    taken = person(
        service=[ServicePeriod(ServiceKind.TEACHER, d("2015-04-01"))],
        completed={"second_year", "sixth_year"},
    )
    assert results(taken)["sixth_year"].outcome is Outcome.COMPLETED


def test_compute_keeps_input_order() -> None:
    staff = [
        StaffRecord("b", date(1990, 1, 1), Job.TEACHER, SchoolType.HIGH),
        StaffRecord("a", date(1990, 1, 1), Job.TEACHER, SchoolType.HIGH),
    ]
    report = compute(fiscal_year=2025, staff=staff, rules=NIIGATA)
    assert [r.staff_code for r in report.results] == ["b", "a"]
    assert report.reference_date == REF
    assert report.rules == "niigata"
    assert [t.training for t in report.results[0].trainings] == [
        "second_year",
        "sixth_year",
        "mid_career",
    ]


# Properties

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2004, 12, 31))


@st.composite
def spans(draw: st.DrawFn) -> Span:
    start = draw(days)
    return Span(start, start + timedelta(days=draw(st.integers(min_value=0, max_value=500))))


def _days_of(spans: list[Span]) -> set[date]:
    covered: set[date] = set()
    for span in spans:
        covered.update(
            span.start + timedelta(days=i) for i in range((span.end - span.start).days + 1)
        )
    return covered


@fast
@given(st.lists(spans(), max_size=6), st.randoms(use_true_random=False))
def test_merge_is_idempotent_and_order_independent(items: list[Span], rnd: Random) -> None:
    merged = merge(items)
    assert merge(merged) == merged
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert merge(shuffled) == merged
    assert merge(reversed(items)) == merged


@fast
@given(st.lists(spans(), max_size=5))
def test_merged_spans_cover_the_same_days_and_never_touch(items: list[Span]) -> None:
    merged = merge(items)
    assert _days_of(merged) == _days_of(items)
    for earlier, later in itertools.pairwise(merged):
        assert later.start > earlier.end + timedelta(days=1)


service_kinds = st.sampled_from(list(ServiceKind))
leave_kinds = st.sampled_from(list(LeaveKind))


@st.composite
def service_periods(draw: st.DrawFn) -> ServicePeriod:
    span = draw(spans())
    return ServicePeriod(draw(service_kinds), span.start, draw(st.sampled_from([span.end, None])))


@st.composite
def leave_periods(draw: st.DrawFn) -> LeavePeriod:
    span = draw(spans())
    return LeavePeriod(draw(leave_kinds), span.start, draw(st.sampled_from([span.end, None])))


@st.composite
def records(draw: st.DrawFn) -> StaffRecord:
    return StaffRecord(
        staff_code="P",
        birth_date=draw(st.dates(min_value=date(1950, 1, 1), max_value=date(1999, 12, 31))),
        job=draw(st.sampled_from(list(Job))),
        school_type=draw(st.sampled_from(list(SchoolType))),
        service=tuple(draw(st.lists(service_periods(), min_size=1, max_size=5))),
        leaves=tuple(draw(st.lists(leave_periods(), max_size=4))),
        completed=frozenset(draw(st.sets(st.sampled_from(NIIGATA.training_codes)))),
    )


fiscal_years = st.integers(min_value=2000, max_value=2008)


@fast
@given(records(), fiscal_years)
def test_a_never_exceeds_the_calendar_years_to_the_reference_date(
    record: StaffRecord, fiscal_year: int
) -> None:
    reference = reference_date(fiscal_year)
    first = min(period.start for period in record.service)
    for result in results(record, fiscal_year).values():
        assert 0 <= result.a <= full_years(first, reference)


@fast
@given(records(), leave_periods(), fiscal_years)
def test_adding_a_leave_never_increases_a_minus_b(
    record: StaffRecord, leave: LeavePeriod, fiscal_year: int
) -> None:
    before = results(record, fiscal_year)
    with_leave = StaffRecord(
        staff_code=record.staff_code,
        birth_date=record.birth_date,
        job=record.job,
        school_type=record.school_type,
        service=record.service,
        leaves=(*record.leaves, leave),
        completed=record.completed,
    )
    after = results(with_leave, fiscal_year)
    for code, result in after.items():
        assert result.a == before[code].a
        assert result.a - result.b <= before[code].a - before[code].b
        assert result.c >= before[code].c


@fast
@given(records(), fiscal_years)
def test_every_result_explains_itself(record: StaffRecord, fiscal_year: int) -> None:
    for result in results(record, fiscal_year).values():
        assert result.eligible is (result.outcome is Outcome.ELIGIBLE)
        assert ("のため該当" in result.reason) is result.eligible
        assert ("のため非該当" in result.reason) is not result.eligible
        assert f"A={result.a}" in result.reason
        assert f"B={result.b}" in result.reason


@fast
@given(records())
def test_b_and_c_never_exceed_the_days_on_leave(record: StaffRecord) -> None:
    rule = NIIGATA.trainings[0]
    for kinds in (rule.leaves_for_b, rule.leaves_for_c):
        years = years_of_leave(record, kinds, REF)
        on_leave = cut_off(((p.start, p.end) for p in record.leaves if p.kind in kinds), REF)
        assert years * 365 <= len(_days_of(on_leave))
