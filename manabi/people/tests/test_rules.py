from __future__ import annotations

import pytest

from manabi.core.kana import is_kana, search_key
from manabi.people.choices import EmploymentType, JobTitle
from manabi.people.rules import training_record_target


def _decide(
    title: JobTitle, employment: EmploymentType = EmploymentType.REGULAR, **kw: bool
) -> bool:
    args = {"prefecture_funded": True, "at_prefectural_school": False, "in_admin_unit": False, **kw}
    return training_record_target(job_title=title, employment_type=employment, **args).is_target


@pytest.mark.parametrize(
    "title",
    [
        JobTitle.PRINCIPAL,
        JobTitle.TEACHER,
        JobTitle.NURSE_TEACHER,
        JobTitle.LECTURER,
        JobTitle.NURSERY_TEACHER,
    ],
)
def test_teachers_are_targets(title: JobTitle) -> None:
    assert _decide(title)
    assert _decide(title, EmploymentType.REAPPOINTED)  # 再任用 is included


@pytest.mark.parametrize("employment", [EmploymentType.TEMPORARY, EmploymentType.FISCAL_YEAR])
def test_temporary_and_fiscal_year_appointments_are_not(employment: EmploymentType) -> None:
    assert not _decide(JobTitle.TEACHER, employment)
    assert not _decide(JobTitle.LECTURER, employment)


def test_clerks_only_at_municipal_schools_and_when_prefecture_funded() -> None:
    assert _decide(JobTitle.CLERK)
    assert not _decide(JobTitle.CLERK, at_prefectural_school=True)
    assert not _decide(JobTitle.CLERK, prefecture_funded=False)
    assert _decide(JobTitle.LAB_ASSISTANT)
    assert not _decide(JobTitle.DORMITORY_SUPERVISOR, prefecture_funded=False)


def test_seconded_staff_are_targets() -> None:
    assert _decide(JobTitle.SUPERVISOR, in_admin_unit=True)
    assert not _decide(JobTitle.SUPERVISOR)


def test_reasons_are_japanese() -> None:
    decision = training_record_target(
        job_title=JobTitle.CLERK,
        employment_type=EmploymentType.REGULAR,
        prefecture_funded=True,
        at_prefectural_school=True,
        in_admin_unit=False,
    )
    assert decision.reason == "県立学校の事務職員は研修履歴の対象外です。"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("山田　太郎", "山田太郎"),
        ("ヤマダ タロウ", "やまだたろう"),
        ("ﾔﾏﾀﾞ", "やまだ"),
        ("ＡＢＣ", "abc"),
    ],
)
def test_search_key(typed: str, key: str) -> None:
    assert search_key(typed) == key


def test_is_kana() -> None:
    assert is_kana("やまだ たろう")
    assert is_kana("ヤマダ・タロー")
    assert not is_kana("山田")
    assert not is_kana("")
