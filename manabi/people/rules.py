"""Pure rules about staff (no database): who is a training-record target (研修履歴の対象).

Seed 000 section 2: the record covers 校長・教員 under 教育公務員特例法第2条 (講師 only when not
temporarily appointed) and, when paid by the prefecture (県費負担), 小中義務教育学校の事務職員,
学校栄養職員, 実習助手 and 寄宿舎指導員, plus staff seconded to administration (行政等).
Not covered: 臨時的任用, 会計年度任用, 県立学校の事務職員, and school staff not paid by the
prefecture.
"""

from __future__ import annotations

from dataclasses import dataclass

from manabi.people.choices import EmploymentType, JobTitle

TEACHING_TITLES = frozenset(
    {
        JobTitle.PRINCIPAL,
        JobTitle.KINDERGARTEN_PRINCIPAL,
        JobTitle.VICE_PRINCIPAL,
        JobTitle.KINDERGARTEN_VICE_PRINCIPAL,
        JobTitle.HEAD_TEACHER,
        JobTitle.SENIOR_TEACHER,
        JobTitle.SENIOR_NURSE_TEACHER,
        JobTitle.SENIOR_NUTRITION_TEACHER,
        JobTitle.ADVISING_TEACHER,
        JobTitle.TEACHER,
        JobTitle.ASSISTANT_TEACHER,
        JobTitle.NURSE_TEACHER,
        JobTitle.ASSISTANT_NURSE_TEACHER,
        JobTitle.NUTRITION_TEACHER,
        JobTitle.SENIOR_NURSERY_TEACHER,
        JobTitle.ADVISING_NURSERY_TEACHER,
        JobTitle.NURSERY_TEACHER,
        JobTitle.ASSISTANT_NURSERY_TEACHER,
        JobTitle.LECTURER,
    }
)
# Covered only when paid by the prefecture (県費負担).
PREFECTURE_FUNDED_TITLES = frozenset(
    {
        JobTitle.CLERK,
        JobTitle.SCHOOL_NUTRITIONIST,
        JobTitle.LAB_ASSISTANT,
        JobTitle.DORMITORY_SUPERVISOR,
    }
)
NOT_COVERED_EMPLOYMENT = frozenset({EmploymentType.TEMPORARY, EmploymentType.FISCAL_YEAR})


@dataclass(frozen=True)
class TargetDecision:
    is_target: bool
    reason: str


def training_record_target(
    *,
    job_title: str,
    employment_type: str,
    prefecture_funded: bool,
    at_prefectural_school: bool,
    in_admin_unit: bool,
) -> TargetDecision:
    """Whether the person's trainings are recorded (研修受講履歴の対象), with the reason."""
    if employment_type in NOT_COVERED_EMPLOYMENT:
        label = EmploymentType(employment_type).label
        return TargetDecision(False, f"{label}の職員は研修履歴の対象外です。")
    if in_admin_unit:
        return TargetDecision(True, "行政等に異動した教員等は研修履歴の対象です。")
    if job_title in TEACHING_TITLES:
        return TargetDecision(True, f"{JobTitle(job_title).label}は研修履歴の対象です。")
    if job_title in PREFECTURE_FUNDED_TITLES:
        label = JobTitle(job_title).label
        if job_title == JobTitle.CLERK and at_prefectural_school:
            return TargetDecision(False, "県立学校の事務職員は研修履歴の対象外です。")
        if not prefecture_funded:
            return TargetDecision(False, f"県費負担でない{label}は研修履歴の対象外です。")
        return TargetDecision(True, f"県費負担の{label}は研修履歴の対象です。")
    return TargetDecision(False, f"{JobTitle(job_title).label}は研修履歴の対象外です。")
