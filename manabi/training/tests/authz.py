"""Authorisation-matrix entries of the training app (研修): its pages and API (see
``tests/authz_harness.py``).

The centre's organizer has published 「道徳教育の充実に向けた授業づくり研修」 for the prefecture
(not public: guests do not see it) with one session, a link for everyone and one survey
question; teacher_a (みなみ小学校) has applied, and her application waits for principal_a.
"""

from __future__ import annotations

from typing import Any

from manabi.accounts.selectors import acting_for
from manabi.training.choices import QuestionKind
from manabi.training.models import Application, TrainingProgramme
from manabi.training.services import applications, participation, programmes
from manabi.training.tests.factories import organizer, programme
from tests.authz_harness import Entry, everyone, roles, signed_in
from tests.personas import Cast

TITLE = "道徳教育の充実に向けた授業づくり研修"

# Those who see teacher_a's application: herself, the route (principal_a, board_officer),
# the organiser of the programme, system administrators.
TRAINING_SEE = ("system_admin", "board_officer", "principal_a", "teacher_a", "organizer")


def training_seen(status: int, **by_persona: int) -> dict[str, int]:
    """teacher_a's application: ``status`` for those who see it, 404 for the others."""
    return roles(404, **{**dict.fromkeys(TRAINING_SEE, status), **by_persona})


def centre_programme(cast: Cast) -> TrainingProgramme:
    existing = TrainingProgramme.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    made = programme(cast, title=TITLE)
    programmes.material_add(
        actor=organizer(cast),
        programme=made,
        title="実施要項",
        url="https://example.jp/youkou.pdf",
        participants_only=False,
    )
    participation.question_add(
        actor=organizer(cast), programme=made, kind=QuestionKind.SCALE, text="役に立ちましたか"
    )
    return made


def programme_id(cast: Cast) -> dict[str, Any]:
    return {"programme_id": centre_programme(cast).pk}


def session_of(cast: Cast) -> dict[str, Any]:
    made = centre_programme(cast)
    return {"programme_id": made.pk, "session_id": made.sessions.get().pk}


def material_of(cast: Cast) -> dict[str, Any]:
    made = centre_programme(cast)
    return {"programme_id": made.pk, "material_id": made.materials.get().pk}


def question_of(cast: Cast) -> dict[str, Any]:
    made = centre_programme(cast)
    return {"programme_id": made.pk, "question_id": made.questions.get().pk}


def export_of(cast: Cast) -> dict[str, Any]:
    return {"programme_id": centre_programme(cast).pk, "fmt": "csv"}


def teacher_a_application(cast: Cast) -> Application:
    made = centre_programme(cast)
    existing = made.applications.filter(staff=cast.staff["teacher_a"]).first()
    if existing is not None:
        return existing
    return applications.application_submit(
        actor=acting_for(cast.account("teacher_a")), programme=made
    )


def target_exception_of(cast: Cast) -> dict[str, Any]:
    """teacher_a permitted to take the centre's programme outside its target years."""
    from manabi.training.models import TargetException

    exception = TargetException.objects.create(
        programme=centre_programme(cast),
        staff=cast.staff["teacher_a"],
        reason="他県からの転入",
        granted_by=cast.account("organizer"),
    )
    return {"exception_id": exception.pk}


def application_id(cast: Cast) -> dict[str, Any]:
    return {"application_id": teacher_a_application(cast).pk}


ENTRIES: dict[str, list[Entry]] = {
    # 研修 (training). The centre's programme is for the prefecture (guests and no_role do
    # not see it); organizer manages it. teacher_a's application waits for principal_a (the
    # school step), then the board of みなみ市 (board_officer); only the waiting step acts.
    "training:catalogue": [Entry("get", signed_in(200))],
    "training:programme_detail": [
        Entry("get", roles(200, guest=404, no_role=404), programme_id),
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
            programme_id,
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
            programme_id,
        ),
    ],
    "training:material_download": [
        Entry("get", roles(302, guest=404, no_role=404), material_of),
    ],
    "training:managed_list": [Entry("get", roles(403, organizer=200, principal_a=200))],
    "training:programme_create": [
        Entry("get", roles(403, organizer=200, principal_a=200)),
        Entry("post", roles(403, organizer=200, principal_a=200)),
    ],
    "training:programme_edit": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), programme_id),
    ],
    # Already published: refused with a message, nothing written.
    "training:programme_publish": [
        Entry("get", signed_in(405), programme_id),
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), programme_id),
    ],
    "training:programme_unpublish": [
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            programme_id,
            writes_when_allowed=True,
        ),
    ],
    # Without a reason: refused with a message, nothing written.
    "training:programme_cancel": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), programme_id),
    ],
    "training:session_add": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), programme_id),
    ],
    "training:session_edit": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), session_of),
    ],
    "training:session_delete": [
        Entry("get", signed_in(405), session_of),
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            session_of,
            writes_when_allowed=True,
        ),
    ],
    "training:material_add": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), programme_id),
    ],
    "training:material_delete": [
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            material_of,
            writes_when_allowed=True,
        ),
    ],
    "training:programme_applications": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), programme_id),
    ],
    # Nothing awaits the decision: refused with a message, nothing written.
    "training:programme_accept_in_order": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), programme_id),
    ],
    "training:programme_lottery": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), programme_id),
    ],
    # No form posted: refused with a message, nothing written.
    "training:target_exception_add": [
        Entry("get", signed_in(405), programme_id),
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), programme_id),
    ],
    "training:target_exception_withdraw": [
        Entry("get", signed_in(405), target_exception_of),
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            target_exception_of,
            writes_when_allowed=True,
        ),
    ],
    "training:programme_enrol": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), programme_id),
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), programme_id),
    ],
    "training:programme_enrol_csv": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), programme_id),
    ],
    "training:programme_enrol_survey": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), programme_id),
    ],
    "training:attendance": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), session_of),
    ],
    "training:attendance_bulk": [
        Entry("post", roles(403, organizer=302, guest=404, no_role=404), session_of),
    ],
    "training:completion": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), programme_id),
    ],
    "training:completion_judge": [
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            programme_id,
            writes_when_allowed=True,
        ),
    ],
    "training:survey_edit": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), programme_id),
        Entry("post", roles(403, organizer=200, guest=404, no_role=404), programme_id),
    ],
    "training:question_delete": [
        Entry(
            "post",
            roles(403, organizer=302, guest=404, no_role=404),
            question_of,
            writes_when_allowed=True,
        ),
    ],
    "training:survey_results": [
        Entry("get", roles(403, organizer=200, guest=404, no_role=404), programme_id),
    ],
    "training:survey_export": [
        Entry(
            "get",
            roles(403, organizer=200, guest=404, no_role=404),
            export_of,
            writes_when_allowed=True,
        ),
    ],
    "training:my_applications": [Entry("get", signed_in(200))],
    "training:application_detail": [
        Entry("get", training_seen(200), application_id),
    ],
    "training:application_withdraw": [
        Entry("get", signed_in(405), application_id),
        Entry(
            "post",
            training_seen(403, teacher_a=302),
            application_id,
            writes_when_allowed=True,
        ),
    ],
    # Not sent back: refused with a message, nothing written.
    "training:application_resubmit": [
        Entry("post", training_seen(403, teacher_a=302), application_id),
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
            application_id,
        ),
    ],
    "training:application_comment": [
        Entry(
            "post",
            training_seen(302),
            application_id,
        ),
    ],
    # Only the waiting step's organisation (school A's principal) acts; everyone else who
    # sees the application gets 403, the others 404.
    "training:application_approve": [
        Entry("get", signed_in(405), application_id),
        Entry(
            "post",
            training_seen(403, principal_a=302),
            application_id,
            writes_when_allowed=True,
        ),
    ],
    "training:application_reject": [
        Entry("post", training_seen(403, principal_a=302), application_id),
    ],
    "training:application_send_back": [
        Entry("post", training_seen(403, principal_a=302), application_id),
    ],
    "training:application_decide": [
        Entry("post", training_seen(403, organizer=302), application_id),
    ],
    "training:application_completion_override": [
        Entry("post", training_seen(403, organizer=302), application_id),
    ],
    # Not judged yet (and no reason): refused with a message, nothing written.
    "training:application_completion_revert": [
        Entry("get", signed_in(405), application_id),
        Entry("post", training_seen(403, organizer=302), application_id),
    ],
    "training:survey_answer": [
        Entry("get", training_seen(403, teacher_a=200), application_id),
    ],
    # 承認待ち for approvers, 受講決定待ち for organisers.
    "training:approval_queue": [
        Entry("get", roles(403, principal_a=200, board_officer=200, organizer=200)),
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
            programme_id,
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
            programme_id,
            writes_when_allowed=True,
        ),
    ],
    "api:training_attendance": [
        Entry(
            "post",
            roles(403, anonymous=401, organizer=400, guest=404, no_role=404),
            session_of,
        ),
    ],
    "api:training_completion": [
        Entry(
            "post",
            roles(403, anonymous=401, organizer=200, guest=404, no_role=404),
            programme_id,
            writes_when_allowed=True,
        ),
    ],
    "api:training_target_exceptions": [
        Entry(
            "get", roles(403, anonymous=401, organizer=200, guest=404, no_role=404), programme_id
        ),
        # No body: 400 for the organiser, nothing written.
        Entry(
            "post", roles(403, anonymous=401, organizer=400, guest=404, no_role=404), programme_id
        ),
    ],
    "api:training_target_exception": [
        Entry("get", roles(405, anonymous=401), target_exception_of),
        Entry(
            "delete",
            roles(403, anonymous=401, organizer=204, guest=404, no_role=404),
            target_exception_of,
            writes_when_allowed=True,
        ),
    ],
    "api:application_list": [Entry("get", signed_in(200, anonymous=401))],
    "api:application_bulk_approve": [
        Entry("post", roles(403, anonymous=401, principal_a=400, board_officer=400)),
    ],
    "api:application_detail": [
        Entry("get", training_seen(200, anonymous=401), application_id),
    ],
    "api:application_approve": [
        Entry(
            "post",
            training_seen(403, anonymous=401, principal_a=200),
            application_id,
            writes_when_allowed=True,
        ),
    ],
    # Without a reason: 400 reason_required, nothing written.
    "api:application_reject": [
        Entry("post", training_seen(403, anonymous=401, principal_a=400), application_id),
    ],
    "api:application_send_back": [
        Entry("post", training_seen(403, anonymous=401, principal_a=400), application_id),
    ],
    "api:application_decide": [
        Entry("post", training_seen(403, anonymous=401, organizer=400), application_id),
    ],
    "api:application_completion": [
        Entry("post", training_seen(403, anonymous=401, organizer=400), application_id),
    ],
    "api:application_completion_revert": [
        Entry("post", training_seen(403, anonymous=401, organizer=400), application_id),
    ],
}
