"""Access decisions of the eligibility app: surveys, submissions, decisions, service records
and confirmation cards. Not visible → 404, visible but not allowed → 403.

- A survey is run (opened, watched, reopened, aggregated, closed) by the prefecture's centre
  (see ``selectors.survey_prefecture_for``) and by system administrators.
- A school's submission is seen by those who run the survey, by the municipal board over the
  school and by the school's school admin; only the school admin edits and submits it (the
  principal's approval), only the centre reopens it.
- Service records are seen and corrected by the school admin of the person's school, boards
  over it and system administrators; everyone may see their own confirmation card.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.eligibility.models import (
    CompletedTraining,
    SchoolSubmission,
    StaffLeave,
    StaffServicePeriod,
    Survey,
    TargetDecision,
)
from manabi.eligibility.selectors import (
    SURVEY_ROLES,
    prefectures_for_survey,
    runs_survey,
    submissions_visible,
    surveys_visible,
)
from manabi.people.models import Staff
from manabi.people.selectors import staff_in_jurisdiction

RECORD_ROLES = (Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN)


def can_list_surveys(acting: Acting) -> bool:
    """調査の一覧: centres, boards, school admins and system administrators."""
    return acting.role in SURVEY_ROLES


def can_open_surveys(acting: Acting) -> bool:
    return prefectures_for_survey(acting).exists()


def can_edit_submission(acting: Acting, submission: SchoolSubmission) -> bool:
    """回答の作成・提出 (所属長の承認): the school admin of that school only."""
    return acting.role == Role.SCHOOL_ADMIN and acting.organisation == submission.school


def access_survey(acting: Acting, survey_id: int) -> Survey:
    """A survey ``acting`` may see; 404 otherwise."""
    try:
        return surveys_visible(acting).get(pk=survey_id)
    except Survey.DoesNotExist:
        raise Http404 from None


def access_survey_dashboard(acting: Acting, survey_id: int) -> Survey:
    """The progress pages: those who run the survey and municipal boards (their schools);
    a school admin sees the survey only through their own submission (403)."""
    survey = access_survey(acting, survey_id)
    if acting.role == Role.SCHOOL_ADMIN and not runs_survey(acting, survey):
        raise PermissionDenied
    return survey


def access_survey_for_change(acting: Acting, survey_id: int) -> Survey:
    """Close, and download every school's forms: those who run the survey."""
    survey = access_survey(acting, survey_id)
    if not runs_survey(acting, survey):
        raise PermissionDenied
    return survey


def access_submission(acting: Acting, submission_id: int) -> SchoolSubmission:
    """A school's answer ``acting`` may see; 404 otherwise."""
    try:
        return submissions_visible(acting).get(pk=submission_id)
    except SchoolSubmission.DoesNotExist:
        raise Http404 from None


def access_submission_for_school(acting: Acting, submission_id: int) -> SchoolSubmission:
    """Compute, fill in and submit: the school admin of the school (others who see it: 403)."""
    submission = access_submission(acting, submission_id)
    if not can_edit_submission(acting, submission):
        raise PermissionDenied
    return submission


def access_submission_for_reopen(acting: Acting, submission_id: int) -> SchoolSubmission:
    submission = access_submission(acting, submission_id)
    if not runs_survey(acting, submission.survey):
        raise PermissionDenied
    return submission


def access_decision(acting: Acting, decision_id: int) -> TargetDecision:
    """One target row, for the school admin of its school (others who see it: 403)."""
    try:
        decision = TargetDecision.objects.select_related(
            "staff", "submission", "submission__survey", "submission__school"
        ).get(pk=decision_id)
    except TargetDecision.DoesNotExist:
        raise Http404 from None
    access_submission(acting, decision.submission_id)
    if not can_edit_submission(acting, decision.submission):
        raise PermissionDenied
    return decision


def can_manage_records(acting: Acting) -> bool:
    """在職記録の登録・一括登録: school admins (their staff), boards, system administrators."""
    return acting.role in RECORD_ROLES


def access_service_records(acting: Acting, staff_id: int) -> Staff:
    """A person whose service records ``acting`` may see and correct; 404 otherwise."""
    if not can_manage_records(acting):
        raise Http404
    try:
        return staff_in_jurisdiction(acting).get(pk=staff_id)
    except Staff.DoesNotExist:
        raise Http404 from None


def access_service_record(
    acting: Acting, staff_id: int, category: str, record_id: int
) -> StaffServicePeriod | StaffLeave | CompletedTraining:
    staff = access_service_records(acting, staff_id)
    record: StaffServicePeriod | StaffLeave | CompletedTraining | None
    if category == "service":
        record = StaffServicePeriod.objects.filter(pk=record_id, staff=staff).first()
    elif category == "leave":
        record = StaffLeave.objects.filter(pk=record_id, staff=staff).first()
    elif category == "completed":
        record = CompletedTraining.objects.filter(pk=record_id, staff=staff).first()
    else:
        record = None
    if record is None:
        raise Http404
    return record


def access_card(acting: Acting, staff_id: int) -> Staff:
    """A confirmation card: one's own, or of someone whose records ``acting`` looks after."""
    account = acting.account
    if account is not None and account.staff_id == staff_id:
        return Staff.objects.get(pk=staff_id)
    return access_service_records(acting, staff_id)
