"""Authorisation-matrix entries of the eligibility app (基本研修の該当者調査): its pages and the
compute API (see ``tests/authz_harness.py``).

Each helper takes the persona cast and returns the URL arguments, building what it needs
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
from manabi.people.tests.authz import staff_of
from tests.authz_harness import MANAGERS_200, OVERSEERS_200, Entry, roles, signed_in
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


ENTRIES: dict[str, list[Entry]] = {
    "api:eligibility_compute": [
        Entry("get", signed_in(405, anonymous=401)),
        Entry("post", signed_in(400, anonymous=401)),
    ],
    # 基本研修の該当者調査 (eligibility). The survey is run by the centre (organizer); the
    # municipal board sees its schools' progress; principal_a answers for school A only.
    "eligibility:survey_list": [
        Entry("get", roles(403, organizer=200, **OVERSEERS_200)),
    ],
    "eligibility:survey_open": [
        Entry("get", roles(403, system_admin=200, organizer=200)),
        # An empty form: errors shown, nothing written.
        Entry("post", roles(403, system_admin=200, organizer=200)),
    ],
    "eligibility:survey_detail": [
        Entry(
            "get",
            roles(404, principal_a=403, organizer=200, **MANAGERS_200),
            survey_id,
        ),
    ],
    "eligibility:survey_results": [
        Entry(
            "get",
            roles(404, principal_a=403, organizer=200, **MANAGERS_200),
            survey_id,
        ),
    ],
    "eligibility:survey_close": [
        Entry("get", signed_in(405), survey_id),
        Entry(
            "post",
            roles(404, principal_a=403, board_officer=403, system_admin=302, organizer=302),
            survey_id,
            writes_when_allowed=True,
        ),
    ],
    "eligibility:survey_targets_csv": [
        Entry(
            "get",
            roles(404, principal_a=403, board_officer=403, system_admin=200, organizer=200),
            survey_id,
            writes_when_allowed=True,
        ),
    ],
    "eligibility:survey_form_download": [
        Entry(
            "get",
            roles(404, principal_a=403, board_officer=403, system_admin=200, organizer=200),
            form_download,
            writes_when_allowed=True,
        ),
    ],
    "eligibility:submission_detail": [
        Entry(
            "get",
            roles(404, organizer=200, **OVERSEERS_200),
            submission_of("school_a"),
        ),
        Entry("get", roles(404, system_admin=200, organizer=200), submission_of("school_b")),
    ],
    "eligibility:submission_recompute": [
        Entry("get", signed_in(405), submission_of("school_a")),
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            submission_of("school_a"),
            writes_when_allowed=True,
        ),
        Entry(
            "post",
            roles(404, system_admin=403, organizer=403),
            submission_of("school_b"),
        ),
    ],
    "eligibility:decisions_mark_attending": [
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            submission_of("school_a"),
        ),
    ],
    "eligibility:submission_submit": [
        Entry(
            "get",
            roles(404, principal_a=200, system_admin=403, board_officer=403, organizer=403),
            submission_of("school_a"),
        ),
        # Nothing computed yet: refused with a message, nothing written.
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            submission_of("school_a"),
        ),
        # A principal cannot even see another school's answer.
        Entry(
            "post",
            roles(404, system_admin=403, organizer=403),
            submission_of("school_b"),
        ),
    ],
    "eligibility:submission_submit_none": [
        Entry("get", signed_in(405), submission_of("school_a")),
        # School A has no targets until teacher_a's records say otherwise: 該当者なし.
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            submission_of("school_a"),
            writes_when_allowed=True,
        ),
        Entry(
            "post",
            roles(404, system_admin=403, organizer=403),
            submission_of("school_b"),
        ),
    ],
    "eligibility:submission_reopen": [
        # Without a comment: refused with a message, nothing written.
        Entry(
            "post",
            roles(404, principal_a=403, board_officer=403, system_admin=302, organizer=302),
            submitted,
        ),
    ],
    "eligibility:records_derive": [
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            submission_of("school_a"),
            writes_when_allowed=True,
        ),
    ],
    "eligibility:submission_form_download": [
        Entry(
            "get",
            roles(404, organizer=200, **OVERSEERS_200),
            submission_form_of("school_a"),
            writes_when_allowed=True,
        ),
        Entry(
            "get",
            roles(404, system_admin=200, organizer=200),
            submission_form_of("school_b"),
            writes_when_allowed=True,
        ),
    ],
    "eligibility:submission_cards": [
        Entry(
            "get",
            roles(404, organizer=200, **OVERSEERS_200),
            submission_of("school_a"),
            writes_when_allowed=True,
        ),
    ],
    "eligibility:decision_edit": [
        Entry(
            "get",
            roles(404, principal_a=200, system_admin=403, board_officer=403, organizer=403),
            decision,
        ),
        # An empty form clears the row (its default 番号): saved and audited.
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            decision,
            writes_when_allowed=True,
        ),
    ],
    "eligibility:service_records": [
        Entry("get", roles(404, **OVERSEERS_200), staff_of("teacher_a"), True),
        Entry("get", roles(404, system_admin=200), staff_of("teacher_b"), True),
    ],
    # Empty forms: errors shown, nothing written.
    "eligibility:service_period_add": [
        Entry("get", signed_in(405), staff_of("teacher_a")),
        Entry("post", roles(404, **OVERSEERS_200), staff_of("teacher_a")),
        Entry("post", roles(404, system_admin=200), staff_of("teacher_b")),
    ],
    "eligibility:leave_add": [
        Entry("post", roles(404, **OVERSEERS_200), staff_of("teacher_a")),
    ],
    "eligibility:completed_add": [
        Entry("post", roles(404, **OVERSEERS_200), staff_of("teacher_a")),
    ],
    "eligibility:record_delete": [
        Entry("get", signed_in(405), service_period_of("teacher_a")),
        Entry(
            "post",
            roles(404, system_admin=302, board_officer=302, principal_a=302),
            service_period_of("teacher_a"),
            writes_when_allowed=True,
        ),
        Entry(
            "post",
            roles(404, system_admin=302),
            service_period_of("teacher_b"),
            writes_when_allowed=True,
        ),
    ],
    "eligibility:staff_card": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), staff_of("teacher_a"), True),
        Entry("get", roles(404, system_admin=200, teacher_b=200), staff_of("teacher_b"), True),
    ],
    "eligibility:records_import": [
        Entry("get", roles(403, **OVERSEERS_200)),
        Entry("post", roles(403, **OVERSEERS_200)),
    ],
    # Everyone with a staff record sees their own card.
    "eligibility:my_card": [
        Entry("get", roles(404, principal_a=200, teacher_a=200, teacher_b=200)),
    ],
}
