"""Access decisions of the training app. Not visible → 404, visible but not allowed → 403.

- A programme is seen by its audience once published (everyone for a public one) and by
  those who manage it (organiser and co-organisers, a school admin for the school's events);
  only they change it, decide, take attendance and see the survey's answers.
- An application is seen by the person (and whoever applied for them), by those on its
  approval route, by school admins and boards whose staff it concerns, and by those who
  manage the programme. Only the organisation of the waiting step approves, rejects or sends
  it back (a principal cannot act on the board's step, nor the organiser on either).
- System administrators see everything and change nothing here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.people.models import Staff
from manabi.training.models import (
    Application,
    Material,
    Notification,
    Session,
    SurveyQuestion,
    TargetException,
    TrainingProgramme,
)
from manabi.training.selectors import (
    applications_visible,
    can_create_programmes,
    current_step,
    manages,
    programmes_visible,
    staff_for_applications,
)
from manabi.training.services.applications import may_act_on
from manabi.training.states import PARTICIPANTS

ON_BEHALF_ROLES = (Role.SCHOOL_ADMIN, Role.BOARD)


def access_programme(acting: Acting, programme_id: int) -> TrainingProgramme:
    """A programme ``acting`` may see; 404 otherwise."""
    try:
        return programmes_visible(acting).select_related("organiser").get(pk=programme_id)
    except TrainingProgramme.DoesNotExist:
        raise Http404 from None


def access_programme_for_change(acting: Acting, programme_id: int) -> TrainingProgramme:
    """Edit, publish, decide, enrol, attendance, completion, survey results: managers only."""
    programme = access_programme(acting, programme_id)
    if not manages(acting, programme):
        raise PermissionDenied
    return programme


def access_target_exception(acting: Acting, exception_id: int) -> TargetException:
    """A 対象外の受講の許可, for the managers of its programme (404 for others who cannot see
    the programme, 403 for those who can but do not manage it)."""
    exception = TargetException.objects.select_related("programme", "staff").filter(pk=exception_id)
    found = exception.first()
    if found is None:
        raise Http404
    access_programme_for_change(acting, found.programme_id)
    return found


def can_create(acting: Acting) -> bool:
    return can_create_programmes(acting)


def can_apply_for_others(acting: Acting) -> bool:
    """代理申込・推薦: school admins (their school's staff) and boards (their jurisdiction)."""
    return acting.role in ON_BEHALF_ROLES and acting.organisation is not None


def can_apply_for_self(acting: Acting) -> bool:
    account = acting.account
    return account is not None and (account.staff_id is not None or acting.role == Role.GUEST)


def access_programme_for_application(acting: Acting, programme_id: int) -> TrainingProgramme:
    """The application form: anyone who sees the programme and may apply (for themself or
    for others)."""
    programme = access_programme(acting, programme_id)
    if not (can_apply_for_self(acting) or can_apply_for_others(acting)):
        raise PermissionDenied
    return programme


def access_staff_for_application(acting: Acting, staff_id: int) -> Staff:
    """A member of staff ``acting`` may apply for; 404 when not in their jurisdiction."""
    try:
        return staff_for_applications(acting).get(pk=staff_id)
    except Staff.DoesNotExist:
        raise Http404 from None


def access_session(acting: Acting, programme_id: int, session_id: int) -> Session:
    programme = access_programme_for_change(acting, programme_id)
    try:
        return programme.sessions.select_related("programme").get(pk=session_id)
    except Session.DoesNotExist:
        raise Http404 from None


def access_material(acting: Acting, programme_id: int, material_id: int) -> Material:
    """A material of a visible programme; participants-only ones for participants and
    managers (403 for the others who see the programme)."""
    programme = access_programme(acting, programme_id)
    try:
        material = programme.materials.get(pk=material_id)
    except Material.DoesNotExist:
        raise Http404 from None
    if material.participants_only and not (
        manages(acting, programme) or is_participant(acting, programme)
    ):
        raise PermissionDenied
    return material


def access_question(acting: Acting, programme_id: int, question_id: int) -> SurveyQuestion:
    programme = access_programme_for_change(acting, programme_id)
    try:
        return programme.questions.get(pk=question_id)
    except SurveyQuestion.DoesNotExist:
        raise Http404 from None


def is_participant(acting: Acting, programme: TrainingProgramme) -> bool:
    account = acting.account
    if account is None:
        return False
    mine = programme.applications.filter(status__in=PARTICIPANTS)
    if account.staff_id is not None:
        return mine.filter(staff_id=account.staff_id).exists()
    return mine.filter(account=account, staff__isnull=True).exists()


# --- applications ------------------------------------------------------------------------------


def access_application(acting: Acting, application_id: int) -> Application:
    """An application ``acting`` may see; 404 otherwise."""
    try:
        return (
            applications_visible(acting)
            .select_related(
                "programme", "programme__organiser", "staff", "account", "unit", "applied_by"
            )
            .get(pk=application_id)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def is_own(acting: Acting, application: Application) -> bool:
    account = acting.account
    if account is None:
        return False
    if application.staff_id is not None and application.staff_id == account.staff_id:
        return True
    return account.pk in (application.account_id, application.applied_by_id)


def access_application_for_step(acting: Acting, application_id: int) -> Application:
    """Approve, reject, send back: only for the organisation of the waiting step."""
    application = access_application(acting, application_id)
    step = current_step(application)
    if step is None or not may_act_on(acting, step, application):
        raise PermissionDenied
    return application


def access_application_for_decision(acting: Acting, application_id: int) -> Application:
    """Decide (受講決定), override completion: those who manage the programme."""
    application = access_application(acting, application_id)
    if not manages(acting, application.programme):
        raise PermissionDenied
    return application


def access_application_as_applicant(acting: Acting, application_id: int) -> Application:
    """Withdraw, resubmit, answer the survey: the person (or whoever applied for them)."""
    application = access_application(acting, application_id)
    if not is_own(acting, application):
        raise PermissionDenied
    return application


def access_application_for_survey(acting: Acting, application_id: int) -> Application:
    """The survey is the participant's own: not even whoever applied for them answers it."""
    application = access_application(acting, application_id)
    account = acting.account
    own = account is not None and (
        (application.staff_id is not None and application.staff_id == account.staff_id)
        or (application.staff_id is None and application.account_id == account.pk)
    )
    if not own:
        raise PermissionDenied
    return application


def can_cancel(acting: Acting, application: Application) -> bool:
    """受講取消: the person (or whoever applied), their school admin or board, the organiser."""
    if is_own(acting, application):
        return True
    if acting.role in ON_BEHALF_ROLES and application.staff_id is not None:
        return staff_for_applications(acting).filter(pk=application.staff_id).exists()
    return manages(acting, application.programme)


def access_application_for_cancel(acting: Acting, application_id: int) -> Application:
    application = access_application(acting, application_id)
    if not can_cancel(acting, application):
        raise PermissionDenied
    return application


def access_notification(acting: Acting, notification_id: int) -> Notification:
    account = acting.account
    try:
        return Notification.objects.get(pk=notification_id, recipient=account)
    except Notification.DoesNotExist:
        raise Http404 from None
