"""Pure rules of the survey: vocabulary mapping, 番号, 可否 checks, 除算期間の理由."""

from __future__ import annotations

from datetime import date

import pytest

from manabi.eligibility.engine import Job, LeaveKind, SchoolType
from manabi.eligibility.survey_rules import (
    ABSENCE_LEAVE,
    ABSENCE_OTHER,
    ATTEND_NO,
    ATTEND_YES,
    FORM_BY_NUMBER,
    absence_text,
    decision_problems,
    deduction_text,
    default_number,
    engine_job,
    engine_school_type,
    period_text,
)
from manabi.people.choices import JobTitle


@pytest.mark.parametrize(
    ("title", "job"),
    [
        (JobTitle.TEACHER, Job.TEACHER),
        (JobTitle.SENIOR_TEACHER, Job.TEACHER),
        (JobTitle.NURSE_TEACHER, Job.NURSE_TEACHER),
        (JobTitle.NURSERY_TEACHER, Job.NURSERY_TEACHER),
        (JobTitle.NUTRITION_TEACHER, Job.NUTRITION_TEACHER),
        (JobTitle.PRINCIPAL, Job.OTHER),
        (JobTitle.LECTURER, Job.OTHER),
        (JobTitle.ASSISTANT_TEACHER, Job.OTHER),
        (JobTitle.CLERK, Job.OTHER),
    ],
)
def test_engine_job(title: JobTitle, job: Job) -> None:
    assert engine_job(title) is job


@pytest.mark.parametrize(
    ("org_type", "school_type"),
    [
        ("kindergarten", SchoolType.KINDERGARTEN),
        ("certified_childcare", SchoolType.KINDERGARTEN),
        ("elementary", SchoolType.ELEMENTARY),
        ("secondary", SchoolType.SECONDARY),
        ("", SchoolType.ADMINISTRATION),
    ],
)
def test_engine_school_type(org_type: str, school_type: SchoolType) -> None:
    assert engine_school_type(org_type) is school_type


@pytest.mark.parametrize(
    ("job", "school_type", "number"),
    [
        (Job.TEACHER, SchoolType.KINDERGARTEN, 1),
        (Job.NURSERY_TEACHER, SchoolType.KINDERGARTEN, 1),
        (Job.TEACHER, SchoolType.ELEMENTARY, 2),
        (Job.TEACHER, SchoolType.JUNIOR_HIGH, 2),
        (Job.TEACHER, SchoolType.SPECIAL_NEEDS, 2),
        (Job.TEACHER, SchoolType.HIGH, 3),
        (Job.NURSE_TEACHER, SchoolType.HIGH, 4),
        (Job.NURSE_TEACHER, SchoolType.ELEMENTARY, 4),
        (Job.TEACHER, SchoolType.ADMINISTRATION, None),
    ],
)
def test_default_number(job: Job, school_type: SchoolType, number: int | None) -> None:
    assert default_number(job, school_type) == number


def test_forms_follow_seed_003() -> None:
    assert [FORM_BY_NUMBER[n].training for n in (1, 2, 3)] == [
        "second_year",
        "sixth_year",
        "mid_career",
    ]
    assert FORM_BY_NUMBER[3].shows_age and FORM_BY_NUMBER[3].shows_c
    assert not FORM_BY_NUMBER[2].shows_c
    assert FORM_BY_NUMBER[1].not_for_kindergarten


def test_a_cross_needs_a_reason_and_other_needs_words() -> None:
    assert (
        decision_problems(attend=ATTEND_YES, absence_reason="", absence_reason_text="", number=2)
        == {}
    )
    assert (
        decision_problems(attend="", absence_reason="", absence_reason_text="", number=None) == {}
    )
    assert "absence_reason" in decision_problems(
        attend=ATTEND_NO, absence_reason="", absence_reason_text="", number=2
    )
    assert "absence_reason_text" in decision_problems(
        attend=ATTEND_NO, absence_reason=ABSENCE_OTHER, absence_reason_text=" ", number=2
    )
    assert "number" in decision_problems(
        attend=ATTEND_YES, absence_reason="", absence_reason_text="", number=5
    )
    assert "attend" in decision_problems(
        attend="maybe", absence_reason="", absence_reason_text="", number=None
    )


def test_absence_text() -> None:
    assert (
        absence_text(ABSENCE_LEAVE, "R7.4.1〜R9.3.31")
        == "休暇・休職・育児休業等のため (R7.4.1〜R9.3.31)"
    )
    assert absence_text(ABSENCE_OTHER, "校務の都合") == "校務の都合のため"
    assert absence_text("", "") == ""


def test_deduction_text_lists_the_b_periods_in_wareki() -> None:
    leaves = [
        (LeaveKind.SUSPENSION, date(2023, 3, 1), date(2024, 5, 31)),
        (LeaveKind.SUSPENSION, date(2021, 10, 1), date(2022, 7, 31)),
        (LeaveKind.CHILDCARE, date(2020, 4, 1), date(2021, 3, 31)),
        (LeaveKind.SICK_LEAVE, date(2026, 1, 1), None),  # after the reference date
    ]
    text = deduction_text(
        leaves,
        kinds=[LeaveKind.SUSPENSION, LeaveKind.SICK_LEAVE],
        reference=date(2025, 3, 31),
    )
    assert text == "休職のため (R3.10.1〜R4.7.31、R5.3.1〜R6.5.31)"


def test_period_text_open_end() -> None:
    assert period_text(date(2024, 4, 1), None) == "R6.4.1〜"
    assert period_text(date(2019, 5, 1), date(2020, 3, 31)) == "R1.5.1〜R2.3.31"
