"""Objects the authorisation matrix (tests/test_authz_matrix.py) needs for the eligibility URLs.

Each function takes the persona cast and returns the URL arguments, building what it needs
through the services: a survey opened by the centre's organizer for the fiscal year 2025, with
a submission for school A (みなみ小学校) and school B (きた中学校); teacher_a in her second
year (a target of 教職2年次研修).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from manabi.accounts.selectors import acting_for
from manabi.eligibility import services
from manabi.eligibility.models import SchoolSubmission, StaffServicePeriod, Survey
from tests.personas import Cast

FISCAL_YEAR = 2025


def survey(cast: Cast) -> Survey:
    existing = Survey.objects.filter(fiscal_year=FISCAL_YEAR).first()
    if existing is not None:
        return existing
    return services.survey_open(
        actor=acting_for(cast.account("organizer")),
        prefecture=cast.orgs["pref"],
        fiscal_year=FISCAL_YEAR,
        deadline=date(2024, 7, 31),
        rules="niigata",
    )


def submission(cast: Cast, school: str) -> SchoolSubmission:
    return SchoolSubmission.objects.get(survey=survey(cast), school=cast.orgs[school])


def teacher_a_in_second_year(cast: Cast) -> StaffServicePeriod:
    return services.service_period_add(
        actor=None, staff=cast.staff["teacher_a"], kind="teacher", start=date(2024, 4, 1)
    )


def survey_id(cast: Cast) -> dict[str, Any]:
    return {"survey_id": survey(cast).pk}


def form_download(cast: Cast) -> dict[str, Any]:
    return {"survey_id": survey(cast).pk, "form_number": 2, "fmt": "xlsx"}


def submission_of(school: str) -> Any:
    return lambda cast: {"submission_id": submission(cast, school).pk}


def submission_form_of(school: str) -> Any:
    return lambda cast: {
        "submission_id": submission(cast, school).pk,
        "form_number": 2,
        "fmt": "xlsx",
    }


def decision(cast: Cast) -> dict[str, Any]:
    """The 教職2年次研修 row of teacher_a in school A's submission."""
    teacher_a_in_second_year(cast)
    computed = services.submission_recompute(
        actor=acting_for(cast.account("principal_a")), submission=submission(cast, "school_a")
    )
    return {"decision_id": computed.decisions.get().pk}


def submitted(cast: Cast) -> dict[str, Any]:
    """School A's submission, computed, filled in and submitted by its principal."""
    principal = acting_for(cast.account("principal_a"))
    decision(cast)
    answer = submission(cast, "school_a")
    services.decisions_mark_attending(actor=principal, submission=answer)
    services.submission_submit(actor=principal, submission=answer)
    return {"submission_id": answer.pk}


def service_period_of(name: str) -> Any:
    def build(cast: Cast) -> dict[str, Any]:
        period = services.service_period_add(
            actor=None, staff=cast.staff[name], kind="teacher", start=date(2020, 4, 1)
        )
        return {
            "staff_id": cast.staff[name].pk,
            "category": "service",
            "record_id": period.pk,
        }

    return build
