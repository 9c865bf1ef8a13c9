"""Every URL pattern × every persona: the authorisation matrix (see tests/authz_harness.py).

Adding a URL without an entry here fails ``test_every_url_has_an_entry``. Expectations are
status codes per persona. Not visible → 404, visible but not allowed → 403, anonymous →
redirect to the login page (pages) or 401 (API). A refused request must change nothing (no
audit event); allowed requests may write only where the entry says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from manabi.accounts.models import RegistrationRequest
from manabi.core.models import AuditEvent
from manabi.eligibility.tests import authz as elig
from manabi.imports.models import ImportJob
from manabi.records.tests import authz as history
from manabi.training.tests import authz as training
from tests.authz_harness import (
    LOGIN,
    Entry,
    Kwargs,
    admins_only,
    collect,
    everyone,
    query_of,
    roles,
    signed_in,
)
from tests.personas import PERSONAS, Cast
from tests.school_personas import build_school_cast

# Who looks after whom in the cast: the board of みなみ市 and the principal of school A see
# school A and its staff; school B (きた町) is outside both.
OVERSEERS_200 = {"system_admin": 200, "board_officer": 200, "principal_a": 200}
MANAGERS_200 = {"system_admin": 200, "board_officer": 200}
# Those who read a teacher_a record but may not act on it (records, dialogues).
HISTORY_403 = {"system_admin": 403, "board_officer": 403}
# Those who see teacher_a's application: herself, the route (principal_a, board_officer),
# the organiser of the programme, system administrators.
TRAINING_SEE = ("system_admin", "board_officer", "principal_a", "teacher_a", "organizer")


def training_seen(status: int, **by_persona: int) -> dict[str, int]:
    """teacher_a's application: ``status`` for those who see it, 404 for the others."""
    return roles(404, **{**dict.fromkeys(TRAINING_SEE, status), **by_persona})


def staff_of(name: str) -> Kwargs:
    return lambda cast: {"staff_id": cast.staff[name].pk}


def account_of(name: str) -> Kwargs:
    return lambda cast: {"account_id": cast.account(name).pk}


def org(name: str) -> Kwargs:
    return lambda cast: {"organisation_id": cast.orgs[name].pk}


def assignment_of(name: str) -> Kwargs:
    return lambda cast: {
        "staff_id": cast.staff[name].pk,
        "assignment_id": cast.staff[name].assignments.get().pk,
    }


def role_of(name: str) -> Kwargs:
    return lambda cast: {
        "account_id": cast.account(name).pk,
        "role_id": cast.account(name).role_assignments.first().pk,  # type: ignore[union-attr]
    }


def filed_request(cast: Cast) -> dict[str, Any]:
    request = RegistrationRequest.objects.create(
        organisation=cast.orgs["school_a"],
        requested_by=cast.account("principal_a"),
        staff_number="20990001",
        name="転入 一",
        kana="てんにゅう はじめ",
        job_title="teacher",
        employment_type="regular",
        start=date(2026, 4, 1),
    )
    return {"request_id": request.pk}


def board_job(cast: Cast) -> dict[str, Any]:
    """An import job uploaded by the board officer, not yet checked."""
    job = ImportJob.objects.create(
        kind="staff",
        file_name="4月.csv",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=cast.account("board_officer"),
        acting_role="board",
        acting_organisation=cast.orgs["board_m"],
    )
    return {"job_id": job.pk}


def roster_job(cast: Cast) -> dict[str, Any]:
    """A roster import job of school A (児童生徒名簿), uploaded by its principal, checked."""
    build_school_cast(cast)
    job = ImportJob.objects.create(
        kind="roster",
        file_name="名簿.csv",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=cast.account("principal_a"),
        acting_role="school_admin",
        acting_organisation=cast.orgs["school_a"],
        status="failed",
    )
    return {"job_id": job.pk}


SHARED: dict[str, list[Entry]] = {
    "core:home": [Entry("get", signed_in(200)), Entry("post", signed_in(405))],
    "core:healthz": [Entry("get", everyone(200))],
    # Signed-in people are sent on to the home page.
    "accounts:login": [Entry("get", signed_in(302, anonymous=200))],
    # Nothing pending: back to the login page.
    "accounts:login_mfa": [Entry("get", everyone(302))],
    "accounts:logout": [
        Entry("get", everyone(405)),
        Entry("post", everyone(302), writes_when_allowed=True),
    ],
    # First-login pages send anyone who has finished (everyone in the cast) home.
    "accounts:onboarding": [Entry("get", everyone(302))],
    "accounts:onboarding_profile": [Entry("get", everyone(302)), Entry("post", everyone(302))],
    "accounts:onboarding_email": [Entry("get", everyone(302)), Entry("post", everyone(302))],
    "accounts:onboarding_email_verify": [Entry("get", everyone(302))],
    "accounts:onboarding_password": [Entry("get", everyone(302)), Entry("post", everyone(302))],
    "accounts:password_change": [Entry("get", signed_in(200))],
    "accounts:mfa_setup": [Entry("get", signed_in(200))],
    "accounts:mfa_remove": [Entry("get", signed_in(405)), Entry("post", everyone(302))],
    "accounts:acting_switch": [Entry("get", signed_in(405)), Entry("post", everyone(302))],
    "accounts:guest_register": [Entry("get", signed_in(302, anonymous=200))],
    "accounts:guest_complete": [Entry("get", everyone(302))],
    "accounts:account_list": [Entry("get", roles(403, **OVERSEERS_200))],
    "accounts:account_create": [
        Entry("get", roles(403, **MANAGERS_200)),
        # An empty form: errors shown, nothing written.
        Entry("post", roles(403, **MANAGERS_200)),
    ],
    "accounts:account_detail": [
        Entry("get", roles(404, **OVERSEERS_200), account_of("teacher_a")),
        Entry("get", roles(404, system_admin=200), account_of("teacher_b")),
    ],
    "accounts:account_suspend": [
        Entry("get", roles(404, principal_a=403, **MANAGERS_200), account_of("teacher_a")),
        Entry("get", roles(404, system_admin=200), account_of("teacher_b")),
    ],
    "accounts:account_resume": [
        Entry("get", signed_in(405), account_of("teacher_a")),
        Entry(
            "post",
            roles(404, principal_a=403, system_admin=302, board_officer=302),
            account_of("teacher_a"),
            writes_when_allowed=True,
        ),
    ],
    "accounts:account_unlock": [
        Entry(
            "post",
            roles(404, principal_a=403, system_admin=302, board_officer=302),
            account_of("teacher_a"),
            writes_when_allowed=True,
        ),
        Entry("post", roles(404, system_admin=302), account_of("teacher_b"), True),
    ],
    "accounts:account_initial_password": [
        Entry("get", signed_in(405), account_of("teacher_a")),
        Entry("post", roles(404, **OVERSEERS_200), account_of("teacher_a"), True),
        Entry("post", roles(404, system_admin=200), account_of("teacher_b"), True),
    ],
    # An empty form: the allowed get the form's error message, nothing is written.
    "accounts:role_add": [
        Entry(
            "post",
            roles(404, principal_a=403, system_admin=302, board_officer=302),
            account_of("teacher_a"),
        ),
    ],
    "accounts:role_end": [
        Entry(
            "post",
            roles(404, principal_a=403, system_admin=302, board_officer=302),
            role_of("teacher_a"),
        ),
    ],
    "accounts:letters": [
        Entry("get", roles(404, **OVERSEERS_200), org("school_a")),
        Entry("get", roles(404, system_admin=200), org("school_b")),
    ],
    "accounts:progress": [Entry("get", roles(403, **OVERSEERS_200))],
    "accounts:progress_csv": [Entry("get", roles(403, **OVERSEERS_200), writes_when_allowed=True)],
    "accounts:deadline_set": [
        Entry("get", signed_in(405), org("school_a")),
        Entry(
            "post",
            roles(404, system_admin=302, board_officer=302, principal_a=302),
            org("school_a"),
        ),
        Entry("post", roles(404, system_admin=302), org("school_b")),
    ],
    "accounts:request_list": [Entry("get", roles(403, **OVERSEERS_200))],
    "accounts:request_new": [Entry("get", roles(403, **OVERSEERS_200))],
    "accounts:request_detail": [Entry("get", roles(404, **OVERSEERS_200), filed_request)],
    "accounts:request_approve": [
        Entry(
            "post",
            roles(404, system_admin=302, board_officer=403, principal_a=403),
            filed_request,
            writes_when_allowed=True,
        )
    ],
    "accounts:request_reject": [
        Entry(
            "post", roles(404, system_admin=302, board_officer=403, principal_a=403), filed_request
        )
    ],
    "orgs:organisation_list": [Entry("get", roles(403, **OVERSEERS_200))],
    "orgs:organisation_create": [Entry("get", roles(403, **MANAGERS_200))],
    "orgs:organisation_detail": [
        Entry("get", roles(404, **OVERSEERS_200), org("school_a")),
        Entry("get", roles(404, system_admin=200), org("school_b")),
        Entry("get", roles(404, system_admin=200, board_officer=200), org("board_m")),
    ],
    "orgs:organisation_edit": [
        Entry("get", roles(404, principal_a=403, **MANAGERS_200), org("school_a")),
        Entry("get", roles(404, system_admin=200), org("school_b")),
    ],
    "people:staff_list": [Entry("get", roles(403, **OVERSEERS_200))],
    "people:staff_create": [Entry("get", roles(403, **MANAGERS_200))],
    "people:staff_detail": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), staff_of("teacher_a"), True),
        Entry("get", roles(404, system_admin=200, teacher_b=200), staff_of("teacher_b"), True),
    ],
    "people:staff_edit": [
        Entry(
            "get", roles(404, principal_a=403, teacher_a=403, **MANAGERS_200), staff_of("teacher_a")
        ),
        Entry("get", roles(404, teacher_b=403, system_admin=200), staff_of("teacher_b")),
    ],
    "people:staff_retire": [
        Entry(
            "get", roles(404, principal_a=403, teacher_a=403, **MANAGERS_200), staff_of("teacher_a")
        ),
    ],
    "people:assignment_add": [
        Entry(
            "get", roles(404, principal_a=403, teacher_a=403, **MANAGERS_200), staff_of("teacher_a")
        ),
    ],
    "people:assignment_end": [
        Entry("get", signed_in(405), assignment_of("teacher_a")),
        Entry(
            "post",
            roles(404, principal_a=403, teacher_a=403, system_admin=302, board_officer=302),
            assignment_of("teacher_a"),
        ),
    ],
    # 一括登録: system administrators and boards. An empty upload re-renders the form.
    "imports:upload": [
        Entry("get", roles(403, **MANAGERS_200)),
        Entry("post", roles(403, **MANAGERS_200)),
    ],
    "imports:template": [
        Entry("get", roles(403, **MANAGERS_200), lambda cast: {"kind": "staff"}),
        Entry("get", roles(404, principal_a=200), lambda cast: {"kind": "roster"}, school=True),
        Entry("post", signed_in(405), lambda cast: {"kind": "staff"}),
    ],
    # A school's roster jobs are its record managers' only (boards never see pupils' files).
    "imports:job": [
        Entry("get", roles(404, **MANAGERS_200), board_job),
        Entry("get", roles(404, principal_a=200), roster_job, school=True),
        Entry("get", roles(404, **MANAGERS_200), history.board_history_import),
    ],
    "imports:job_progress": [
        Entry("get", roles(404, **MANAGERS_200), board_job),
        Entry("get", roles(404, principal_a=200), roster_job, school=True),
        Entry("get", roles(404, **MANAGERS_200), history.board_history_import),
    ],
    "imports:job_errors": [
        Entry("get", roles(404, **MANAGERS_200), board_job),
        Entry("get", roles(404, principal_a=200), roster_job, school=True),
        Entry("get", roles(404, **MANAGERS_200), history.board_history_import),
    ],
    # Not validated yet: back to the job page.
    "imports:job_confirm": [
        Entry("get", roles(404, system_admin=302, board_officer=302), board_job),
        Entry("get", roles(404, principal_a=302), roster_job, school=True),
        Entry("get", roles(404, system_admin=302, board_officer=302), history.board_history_import),
    ],
    "imports:job_commit": [
        Entry("get", signed_in(405), board_job),
        Entry("post", roles(404, system_admin=302, board_officer=302), board_job),
        Entry("post", roles(404, principal_a=302), roster_job, school=True),
        Entry(
            "post", roles(404, system_admin=302, board_officer=302), history.board_history_import
        ),
    ],
    # Not failed: refused with a message, back to the job page.
    "imports:job_rerun": [
        Entry("get", signed_in(405), board_job),
        Entry("post", roles(404, system_admin=302, board_officer=302), board_job),
        Entry("post", roles(404, principal_a=302), roster_job, school=True),
        Entry(
            "post", roles(404, system_admin=302, board_officer=302), history.board_history_import
        ),
    ],
    "admin-login-redirect": [Entry("get", everyone(302))],
    "api-schema": [Entry("get", signed_in(200, anonymous=401))],
    "api-docs": [Entry("get", signed_in(200, anonymous=401))],
    "api:token": [Entry("get", everyone(405)), Entry("post", everyone(400))],
    "api:me": [Entry("get", signed_in(200, anonymous=401))],
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
            elig.survey_id,
        ),
    ],
    "eligibility:survey_results": [
        Entry(
            "get",
            roles(404, principal_a=403, organizer=200, **MANAGERS_200),
            elig.survey_id,
        ),
    ],
    "eligibility:survey_close": [
        Entry("get", signed_in(405), elig.survey_id),
        Entry(
            "post",
            roles(404, principal_a=403, board_officer=403, system_admin=302, organizer=302),
            elig.survey_id,
            writes_when_allowed=True,
        ),
    ],
    "eligibility:survey_targets_csv": [
        Entry(
            "get",
            roles(404, principal_a=403, board_officer=403, system_admin=200, organizer=200),
            elig.survey_id,
            writes_when_allowed=True,
        ),
    ],
    "eligibility:survey_form_download": [
        Entry(
            "get",
            roles(404, principal_a=403, board_officer=403, system_admin=200, organizer=200),
            elig.form_download,
            writes_when_allowed=True,
        ),
    ],
    "eligibility:submission_detail": [
        Entry(
            "get",
            roles(404, organizer=200, **OVERSEERS_200),
            elig.submission_of("school_a"),
        ),
        Entry("get", roles(404, system_admin=200, organizer=200), elig.submission_of("school_b")),
    ],
    "eligibility:submission_recompute": [
        Entry("get", signed_in(405), elig.submission_of("school_a")),
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            elig.submission_of("school_a"),
            writes_when_allowed=True,
        ),
        Entry(
            "post",
            roles(404, system_admin=403, organizer=403),
            elig.submission_of("school_b"),
        ),
    ],
    "eligibility:decisions_mark_attending": [
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            elig.submission_of("school_a"),
        ),
    ],
    "eligibility:submission_submit": [
        Entry(
            "get",
            roles(404, principal_a=200, system_admin=403, board_officer=403, organizer=403),
            elig.submission_of("school_a"),
        ),
        # Nothing computed yet: refused with a message, nothing written.
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            elig.submission_of("school_a"),
        ),
        # A principal cannot even see another school's answer.
        Entry(
            "post",
            roles(404, system_admin=403, organizer=403),
            elig.submission_of("school_b"),
        ),
    ],
    "eligibility:submission_submit_none": [
        Entry("get", signed_in(405), elig.submission_of("school_a")),
        # School A has no targets until teacher_a's records say otherwise: 該当者なし.
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            elig.submission_of("school_a"),
            writes_when_allowed=True,
        ),
        Entry(
            "post",
            roles(404, system_admin=403, organizer=403),
            elig.submission_of("school_b"),
        ),
    ],
    "eligibility:submission_reopen": [
        # Without a comment: refused with a message, nothing written.
        Entry(
            "post",
            roles(404, principal_a=403, board_officer=403, system_admin=302, organizer=302),
            elig.submitted,
        ),
    ],
    "eligibility:records_derive": [
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            elig.submission_of("school_a"),
            writes_when_allowed=True,
        ),
    ],
    "eligibility:submission_form_download": [
        Entry(
            "get",
            roles(404, organizer=200, **OVERSEERS_200),
            elig.submission_form_of("school_a"),
            writes_when_allowed=True,
        ),
        Entry(
            "get",
            roles(404, system_admin=200, organizer=200),
            elig.submission_form_of("school_b"),
            writes_when_allowed=True,
        ),
    ],
    "eligibility:submission_cards": [
        Entry(
            "get",
            roles(404, organizer=200, **OVERSEERS_200),
            elig.submission_of("school_a"),
            writes_when_allowed=True,
        ),
    ],
    "eligibility:decision_edit": [
        Entry(
            "get",
            roles(404, principal_a=200, system_admin=403, board_officer=403, organizer=403),
            elig.decision,
        ),
        # An empty form clears the row (its default 番号): saved and audited.
        Entry(
            "post",
            roles(404, principal_a=302, system_admin=403, board_officer=403, organizer=403),
            elig.decision,
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
        Entry("get", signed_in(405), elig.service_period_of("teacher_a")),
        Entry(
            "post",
            roles(404, system_admin=302, board_officer=302, principal_a=302),
            elig.service_period_of("teacher_a"),
            writes_when_allowed=True,
        ),
        Entry(
            "post",
            roles(404, system_admin=302),
            elig.service_period_of("teacher_b"),
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
    # 研修 (training). The centre's programme is for the prefecture (guests and no_role do
    # not see it); organizer manages it. teacher_a's application waits for principal_a (the
    # school step), then the board of みなみ市 (board_officer); only the waiting step acts.
    "training:catalogue": [Entry("get", signed_in(200))],
    "training:programme_detail": [
        Entry("get", roles(200, guest=404, no_role=404), training.programme_id),
    ],
    "training:apply": [
        Entry(
            "get",
            roles(
                403,
                board_officer=200,
                principal_a=200,
                teacher_a=200,
                teacher_b=200,
                guest=404,
                no_role=404,
            ),
            training.programme_id,
        ),
        # An empty form: shown again, nothing written.
        Entry(
            "post",
            roles(
                403,
                board_officer=200,
                principal_a=200,
                teacher_a=200,
                teacher_b=200,
                guest=404,
                no_role=404,
            ),
            training.programme_id,
        ),
    ],
    "training:material_download": [
        Entry("get", roles(302, guest=404, no_role=404), training.material_of),
    ],
    "training:managed_list": [Entry("get", roles(403, organizer=200, principal_a=200))],
    "training:programme_create": [
        Entry("get", roles(403, organizer=200, principal_a=200)),
        Entry("post", roles(403, organizer=200, principal_a=200)),
    ],
    "training:programme_edit": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.programme_id),
    ],
    # Already published: refused with a message, nothing written.
    "training:programme_publish": [
        Entry("get", signed_in(405), training.programme_id),
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), training.programme_id),
    ],
    "training:programme_unpublish": [
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            training.programme_id,
            writes_when_allowed=True,
        ),
    ],
    # Without a reason: refused with a message, nothing written.
    "training:programme_cancel": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), training.programme_id),
    ],
    "training:session_add": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.programme_id),
    ],
    "training:session_edit": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.session_of),
    ],
    "training:session_delete": [
        Entry("get", signed_in(405), training.session_of),
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            training.session_of,
            writes_when_allowed=True,
        ),
    ],
    "training:material_add": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.programme_id),
    ],
    "training:material_delete": [
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            training.material_of,
            writes_when_allowed=True,
        ),
    ],
    "training:programme_applications": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.programme_id),
    ],
    # Nothing awaits the decision: refused with a message, nothing written.
    "training:programme_accept_in_order": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), training.programme_id),
    ],
    "training:programme_lottery": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), training.programme_id),
    ],
    "training:programme_enrol": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.programme_id),
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), training.programme_id),
    ],
    "training:programme_enrol_csv": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), training.programme_id),
    ],
    "training:programme_enrol_survey": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), training.programme_id),
    ],
    "training:attendance": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.session_of),
    ],
    "training:attendance_bulk": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), training.session_of),
    ],
    "training:completion": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.programme_id),
    ],
    "training:completion_judge": [
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            training.programme_id,
            writes_when_allowed=True,
        ),
    ],
    "training:survey_edit": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.programme_id),
        Entry("post", roles(403, organizer=200, guest=404, no_role=404), training.programme_id),
    ],
    "training:question_delete": [
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            training.question_of,
            writes_when_allowed=True,
        ),
    ],
    "training:survey_results": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), training.programme_id),
    ],
    "training:survey_export": [
        Entry(
            "get",
            roles(403, organizer=200, guest=404, no_role=404),
            training.export_of,
            writes_when_allowed=True,
        ),
    ],
    "training:my_applications": [Entry("get", signed_in(200))],
    "training:application_detail": [
        Entry("get", training_seen(200), training.application_id),
    ],
    "training:application_withdraw": [
        Entry("get", signed_in(405), training.application_id),
        Entry(
            "post",
            training_seen(403, teacher_a=302),
            training.application_id,
            writes_when_allowed=True,
        ),
    ],
    # Not sent back: refused with a message, nothing written.
    "training:application_resubmit": [
        Entry("post", training_seen(403, teacher_a=302), training.application_id),
    ],
    # Without a reason: refused with a message, nothing written.
    "training:application_cancel": [
        Entry(
            "post",
            training_seen(
                403,
                teacher_a=302,
                principal_a=302,
                board_officer=302,
                organizer=302,
            ),
            training.application_id,
        ),
    ],
    "training:application_comment": [
        Entry(
            "post",
            training_seen(302),
            training.application_id,
        ),
    ],
    # Only the waiting step's organisation (school A's principal) acts; everyone else who
    # sees the application gets 403, the others 404.
    "training:application_approve": [
        Entry("get", signed_in(405), training.application_id),
        Entry(
            "post",
            training_seen(403, principal_a=302),
            training.application_id,
            writes_when_allowed=True,
        ),
    ],
    "training:application_reject": [
        Entry("post", training_seen(403, principal_a=302), training.application_id),
    ],
    "training:application_send_back": [
        Entry("post", training_seen(403, principal_a=302), training.application_id),
    ],
    "training:application_decide": [
        Entry("post", training_seen(403, organizer=302), training.application_id),
    ],
    "training:application_completion_override": [
        Entry("post", training_seen(403, organizer=302), training.application_id),
    ],
    "training:survey_answer": [
        Entry("get", training_seen(403, teacher_a=200), training.application_id),
    ],
    "training:approval_queue": [
        Entry("get", roles(403, principal_a=200, board_officer=200)),
    ],
    "training:approve_bulk": [
        Entry("get", signed_in(405)),
        Entry("post", roles(403, principal_a=302, board_officer=302)),
    ],
    "training:notifications": [Entry("get", signed_in(200))],
    "training:notifications_read": [
        Entry("get", signed_in(405)),
        Entry("post", everyone(302)),
    ],
    # 研修受講履歴 (records), 育成指標 (indicators), 対話の記録 (dialogue). Teachers read their own
    # history; principal_a reads school A's staff, board_officer みなみ市's; reads of someone
    # else's history are audited (writes_when_allowed).
    "records:my_history": [
        Entry("get", roles(404, principal_a=302, teacher_a=302, teacher_b=302)),
    ],
    # An empty form: errors shown, nothing written.
    "records:record_new": [
        Entry("get", roles(404, principal_a=200, teacher_a=200, teacher_b=200)),
        Entry("post", roles(404, principal_a=200, teacher_a=200, teacher_b=200)),
    ],
    "records:record_edit": [
        Entry(
            "get",
            roles(404, teacher_a=200, principal_a=403, **HISTORY_403),
            history.submitted_record,
        ),
    ],
    "records:record_withdraw": [
        Entry("get", signed_in(405), history.submitted_record),
        Entry(
            "post",
            roles(404, teacher_a=302, principal_a=403, **HISTORY_403),
            history.submitted_record,
            writes_when_allowed=True,
        ),
    ],
    # No file: every reader gets 404 (who reads evidence is tested in test_manual_records).
    "records:record_evidence": [Entry("get", roles(404), history.record_without_evidence)],
    "records:review_list": [Entry("get", roles(403, principal_a=200))],
    "records:record_confirm": [
        Entry("get", signed_in(405), history.submitted_record),
        Entry(
            "post",
            roles(404, principal_a=302, teacher_a=403, **HISTORY_403),
            history.submitted_record,
            writes_when_allowed=True,
        ),
    ],
    # Without a reason: refused with a message, nothing written.
    "records:record_return": [
        Entry(
            "post",
            roles(404, principal_a=302, teacher_a=403, **HISTORY_403),
            history.submitted_record,
        ),
    ],
    "records:school_training_new": [
        Entry("get", roles(403, principal_a=200)),
        Entry("post", roles(403, principal_a=200)),
    ],
    "records:overview": [Entry("get", roles(403, **OVERSEERS_200), writes_when_allowed=True)],
    "records:staff_history": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), staff_of("teacher_a"), True),
        Entry("get", roles(404, system_admin=200, teacher_b=200), staff_of("teacher_b"), True),
    ],
    "records:staff_history_pdf": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), staff_of("teacher_a"), True),
    ],
    "records:staff_coverage": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), staff_of("teacher_a"), True),
        Entry("get", roles(404, system_admin=200, teacher_b=200), staff_of("teacher_b"), True),
    ],
    "records:organisation_coverage": [
        Entry("get", roles(404, **OVERSEERS_200), org("school_a")),
        Entry("get", roles(404, system_admin=200), org("school_b")),
    ],
    # An empty form is not an export: back with a message, nothing written.
    "records:export": [Entry("get", signed_in(405)), Entry("post", signed_in(302))],
    "records:export_job": [Entry("get", roles(404, board_officer=200), history.board_export)],
    "records:export_progress": [Entry("get", roles(404, board_officer=200), history.board_export)],
    # Not made yet: back to the export's page.
    "records:export_download": [
        Entry("get", roles(404, board_officer=302), history.board_export),
    ],
    "records:import_upload": [
        Entry("get", roles(403, **MANAGERS_200)),
        Entry("post", roles(403, **MANAGERS_200)),
    ],
    "records:import_template": [Entry("get", roles(403, **MANAGERS_200))],
    "indicators:framework_list": [Entry("get", roles(200, guest=403, no_role=403))],
    "indicators:framework_create": [Entry("get", roles(403, **MANAGERS_200))],
    "indicators:framework_detail": [
        Entry("get", roles(200, guest=404, no_role=404), history.framework_of("pref")),
    ],
    # みなみ市's board defines its own framework, not the prefecture's.
    "indicators:item_add": [
        Entry(
            "get",
            roles(403, guest=404, no_role=404, system_admin=200),
            history.framework_of("pref"),
        ),
        Entry(
            "get",
            roles(403, guest=404, no_role=404, **MANAGERS_200),
            history.framework_of("board_m"),
        ),
    ],
    "indicators:framework_import": [
        Entry(
            "get",
            roles(403, guest=404, no_role=404, system_admin=200),
            history.framework_of("pref"),
        ),
    ],
    "dialogue:dialogue_list": [
        Entry("get", roles(403, teacher_a=200, teacher_b=200, **OVERSEERS_200)),
    ],
    "dialogue:dialogue_new": [
        Entry(
            "get",
            roles(404, principal_a=200, teacher_a=403, **HISTORY_403),
            staff_of("teacher_a"),
        ),
    ],
    "dialogue:dialogue_detail": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), history.teacher_a_dialogue, True),
    ],
    # Without a comment: back with a message, nothing written.
    "dialogue:comment_add": [
        Entry("get", signed_in(405), history.teacher_a_dialogue),
        Entry(
            "post",
            roles(404, teacher_a=302, principal_a=302, **HISTORY_403),
            history.teacher_a_dialogue,
        ),
    ],
    # Own history for teachers; the jurisdiction (audited) for the overseers; those with
    # neither must name a person (400).
    "api:history": [
        Entry(
            "get",
            roles(400, anonymous=401, teacher_a=200, teacher_b=200, **OVERSEERS_200),
            writes_when_allowed=True,
        ),
        # An empty body: 400 for those with a staff record, 403 for the others.
        Entry(
            "post",
            roles(403, anonymous=401, principal_a=400, teacher_a=400, teacher_b=400),
        ),
    ],
    "api:history_export": [
        Entry(
            "get",
            roles(400, anonymous=401, teacher_a=200, teacher_b=200, **OVERSEERS_200),
            writes_when_allowed=True,
        ),
    ],
    "api:history_confirm": [
        Entry("get", signed_in(405, anonymous=401), history.submitted_record),
        Entry(
            "post",
            roles(404, anonymous=401, principal_a=200, teacher_a=403, **HISTORY_403),
            history.submitted_record,
            writes_when_allowed=True,
        ),
    ],
    "api:history_return": [
        Entry(
            "post",
            roles(404, anonymous=401, principal_a=400, teacher_a=403, **HISTORY_403),
            history.submitted_record,
        ),
    ],
    "api:indicator_frameworks": [Entry("get", signed_in(200, anonymous=401))],
    "api:indicator_coverage": [
        Entry(
            "get",
            roles(404, anonymous=401, teacher_a=200, **OVERSEERS_200),
            staff_of("teacher_a"),
            writes_when_allowed=True,
        ),
    ],
    # 研修 API: the same access rules as the pages; anonymous callers get 401.
    "api:training_list": [
        Entry("get", signed_in(200, anonymous=401)),
        # An empty body: the field errors, nothing written.
        Entry("post", roles(403, anonymous=401, organizer=400, principal_a=400)),
    ],
    "api:training_detail": [
        Entry(
            "get",
            roles(200, anonymous=401, guest=404, no_role=404),
            training.programme_id,
        ),
    ],
    # Staff apply for themselves; the board officer has no staff record and names nobody.
    "api:training_apply": [
        Entry(
            "post",
            roles(
                403,
                anonymous=401,
                principal_a=201,
                teacher_a=201,
                teacher_b=201,
                guest=404,
                no_role=404,
            ),
            training.programme_id,
            writes_when_allowed=True,
        ),
    ],
    "api:training_attendance": [
        Entry(
            "post",
            roles(403, anonymous=401, organizer=400, guest=404, no_role=404),
            training.session_of,
        ),
    ],
    "api:training_completion": [
        Entry(
            "post",
            roles(403, anonymous=401, organizer=200, guest=404, no_role=404),
            training.programme_id,
            writes_when_allowed=True,
        ),
    ],
    "api:application_list": [Entry("get", signed_in(200, anonymous=401))],
    "api:application_bulk_approve": [
        Entry("post", roles(403, anonymous=401, principal_a=400, board_officer=400)),
    ],
    "api:application_detail": [
        Entry("get", training_seen(200, anonymous=401), training.application_id),
    ],
    "api:application_approve": [
        Entry(
            "post",
            training_seen(403, anonymous=401, principal_a=200),
            training.application_id,
            writes_when_allowed=True,
        ),
    ],
    # Without a reason: 400 reason_required, nothing written.
    "api:application_reject": [
        Entry("post", training_seen(403, anonymous=401, principal_a=400), training.application_id),
    ],
    "api:application_send_back": [
        Entry("post", training_seen(403, anonymous=401, principal_a=400), training.application_id),
    ],
    "api:application_decide": [
        Entry("post", training_seen(403, anonymous=401, organizer=400), training.application_id),
    ],
    "api:application_completion": [
        Entry("post", training_seen(403, anonymous=401, organizer=400), training.application_id),
    ],
    # The Django admin site: every kwarg-free admin page is walked by test_admin_site.
    "admin:*": [Entry("get", admins_only(others=302, anonymous=302))],
}

# The shared entries and every app's own block (manabi/<app>/tests/authz.py ENTRIES).
MATRIX: dict[str, list[Entry]] = collect(SHARED)

# Admin pages that differ from the admin:* rule. The audit log is read-only for everyone.
ADMIN_EXCEPTIONS: dict[str, dict[str, int]] = {
    "/admin/core/auditevent/add/": {"system_admin": 403},
    # Task results are written by the worker, never by hand.
    "/admin/django_tasks_database/dbtaskresult/add/": {"system_admin": 403},
    # Import jobs are made by uploading a file, not by hand.
    "/admin/imports/importjob/add/": {"system_admin": 403},
}

# Patterns that are not pages of manabi (served files) and need no entry.
NOT_PAGES: set[str] = set()


def _names(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern
        else:
            yield f"{namespace}<unnamed {pattern.pattern}>", pattern


def _entry_key(name: str) -> str:
    return "admin:*" if name.startswith("admin:") else name


def test_every_url_has_an_entry() -> None:
    missing = sorted(
        name
        for name, _ in _names(get_resolver())
        if _entry_key(name) not in MATRIX and name not in NOT_PAGES
    )
    assert not missing, f"URLs without an authorisation matrix entry: {missing}"


@pytest.fixture
def _no_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The matrix checks who may print, not printing itself (tested in core and accounts)."""
    monkeypatch.setattr(
        "manabi.accounts.views.manage.credential_letters_pdf", lambda issued: b"%PDF-1.7 test"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_pdf")
@pytest.mark.parametrize("name", sorted(k for k in MATRIX if k != "admin:*"))
def test_matrix(name: str, cast: Cast) -> None:
    if any(entry.school for entry in MATRIX[name]):
        build_school_cast(cast)
    for entry in MATRIX[name]:
        for persona in PERSONAS:
            # Each persona meets the world as the cast built it: what an allowed request
            # wrote is rolled back before the next persona tries.
            savepoint = transaction.savepoint()
            url = reverse(name, kwargs=entry.kwargs(cast) or None) + query_of(entry, cast)
            before = AuditEvent.objects.count()
            response = getattr(cast.client(persona), entry.method)(url)
            expected = entry.expect[persona]
            assert response.status_code == expected, (
                f"{entry.method.upper()} {url} as {persona}: "
                f"{response.status_code}, expected {expected}"
            )
            if expected == 302 and persona == "anonymous" and name != "accounts:guest_complete":
                assert response["Location"].startswith(LOGIN) or name in (
                    "accounts:login_mfa",
                    "admin-login-redirect",
                ), response["Location"]
            if expected in (401, 403, 404, 405) or not entry.writes_when_allowed:
                assert AuditEvent.objects.count() == before, f"{url} as {persona} wrote"
            transaction.savepoint_rollback(savepoint)


@pytest.mark.django_db
def test_admin_site(cast: Cast) -> None:
    """Every admin page without arguments: system administrators only."""
    urls = sorted(
        reverse(name)
        for name, pattern in _names(get_resolver())
        if name.startswith("admin:")
        and not pattern.pattern.regex.groups
        # autocomplete needs query parameters; without them Django answers 403 to anyone.
        and name not in ("admin:logout", "admin:login", "admin:autocomplete")
    )
    assert "/admin/" in urls
    for url in urls:
        expected = {**MATRIX["admin:*"][0].expect, **ADMIN_EXCEPTIONS.get(url, {})}
        for persona in PERSONAS:
            response = cast.client(persona).get(url)
            assert response.status_code == expected[persona], f"{url} as {persona}"
            if response.status_code == 302:
                assert LOGIN in response["Location"] or "/admin/login/" in response["Location"]
