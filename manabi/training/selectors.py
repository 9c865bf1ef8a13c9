"""Reads of the training app, narrowed to what the actor may see.

Who sees a programme:

- a published programme that is **public** (公開): everyone signed in, guests included;
- a published programme of the organiser's jurisdiction: everyone working under the
  organiser's board (the prefecture for the education centre, the municipality for a
  municipal board) or under a co-organiser's, and the school itself for a school's event;
- any programme, drafts included, that the actor manages (organiser and co-organisers);
- system administrators: everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from manabi.accounts.models import Account, RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core.kana import search_key
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.orgs.selectors import ancestors
from manabi.people.models import Assignment, Staff, current_assignment_q
from manabi.people.selectors import staff_in_jurisdiction
from manabi.training import routes
from manabi.training.choices import ProgrammeKind, StepKind, StepStatus
from manabi.training.models import (
    Application,
    ApprovalStep,
    Attendance,
    Audience,
    IndicatorLink,
    Notification,
    Session,
    TargetException,
    TrainingProgramme,
)
from manabi.training.states import PARTICIPANTS, ApplicationStatus, ProgrammeStatus

AUDIENCE_ROOT_KINDS = (
    OrganisationKind.PREFECTURE_BOARD,
    OrganisationKind.MUNICIPAL_BOARD,
    OrganisationKind.SCHOOL,
)
MANAGER_ROLES = (Role.ORGANIZER, Role.SCHOOL_ADMIN)
CoOrganiser = TrainingProgramme.co_organisers.through


def _today(on: date | None = None) -> date:
    return on or timezone.localdate()


def ancestor_paths(path: str) -> list[str]:
    """ "/1/4/17/" → ["/1/", "/1/4/", "/1/4/17/"]."""
    parts = [part for part in path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[: index + 1]) + "/" for index in range(len(parts))]


def audience_root(organisation: Organisation) -> Organisation:
    """Whose people a programme of ``organisation`` is for when it is not public: a board or a
    school itself; an organiser unit or 行政等 unit the board above it."""
    if organisation.kind in AUDIENCE_ROOT_KINDS:
        return organisation
    chain = ancestors(organisation)
    for org in reversed(chain):
        if org.kind in AUDIENCE_ROOT_KINDS[:2]:
            return org
    return organisation


# --- programmes ----------------------------------------------------------------------------


def _managed_q(acting: Acting) -> Q:
    """Programmes ``acting`` manages: an organiser those of their unit (and the units under
    it, schools excepted); a school admin their school's; co-organisers alike."""
    org = acting.organisation
    if org is None or acting.role not in MANAGER_ROLES:
        return Q(pk__in=[])
    if acting.role == Role.ORGANIZER:
        mine = Q(organiser__path__startswith=org.path) & ~Q(organiser__kind=OrganisationKind.SCHOOL)
        co = CoOrganiser.objects.filter(
            trainingprogramme=OuterRef("pk"), organisation__path__startswith=org.path
        ).exclude(organisation__kind=OrganisationKind.SCHOOL)
    else:
        mine = Q(organiser=org)
        co = CoOrganiser.objects.filter(trainingprogramme=OuterRef("pk"), organisation=org)
    return mine | Q(Exists(co))


def _audience_q(acting: Acting) -> Q:
    public = Q(visibility="public")
    org = acting.organisation
    if org is None:
        return public
    inside = Audience.objects.filter(programme=OuterRef("pk"), path__in=ancestor_paths(org.path))
    return public | Q(Exists(inside))


def programmes_visible(acting: Acting) -> QuerySet[TrainingProgramme]:
    if acting.role == Role.SYSTEM_ADMIN:
        return TrainingProgramme.objects.all()
    if acting.role is None:
        return TrainingProgramme.objects.none()
    published = Q(status=ProgrammeStatus.PUBLISHED) & _audience_q(acting)
    return TrainingProgramme.objects.filter(published | _managed_q(acting))


def programmes_managed(acting: Acting) -> QuerySet[TrainingProgramme]:
    return TrainingProgramme.objects.filter(_managed_q(acting))


def manages(acting: Acting, programme: TrainingProgramme) -> bool:
    return programmes_managed(acting).filter(pk=programme.pk).exists()


def can_create_programmes(acting: Acting) -> bool:
    return acting.role in MANAGER_ROLES and acting.organisation is not None


def organiser_choices(acting: Acting) -> QuerySet[Organisation]:
    """Where ``acting`` may register a programme: an organiser their unit and the units under
    it (not schools); a school admin their school."""
    org = acting.organisation
    if org is None or acting.role not in MANAGER_ROLES:
        return Organisation.objects.none()
    if acting.role == Role.SCHOOL_ADMIN:
        return Organisation.objects.filter(pk=org.pk)
    return (
        Organisation.objects.filter(path__startswith=org.path, is_active=True)
        .exclude(kind=OrganisationKind.SCHOOL)
        .order_by("path")
    )


def co_organiser_choices() -> QuerySet[Organisation]:
    """Boards and organiser units that may co-host (共同主催), anywhere in the tree."""
    return Organisation.objects.filter(
        kind__in=(
            OrganisationKind.PREFECTURE_BOARD,
            OrganisationKind.MUNICIPAL_BOARD,
            OrganisationKind.ORGANIZER_UNIT,
            OrganisationKind.NATIONAL,
        ),
        is_active=True,
    ).order_by("path")


SORTS = {
    "date": ("first_date", "number"),
    "-date": ("-first_date", "-number"),
    "closing": ("application_closes", "first_date", "number"),
    "new": ("-published_at", "-pk"),
    "number": ("number",),
}
DEFAULT_SORT = "date"


@dataclass(frozen=True)
class CatalogueQuery:
    """What the catalogue (研修を探す) is asked: keywords, filters and a sort."""

    q: str = ""
    organiser: int | None = None
    format: str = ""
    kind: str = ""
    category: str = ""
    fiscal_year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    open_only: bool = False
    school_type: str = ""
    job_title: str = ""
    indicator_item: int | None = None
    sort: str = DEFAULT_SORT


def keyword_terms(text: str) -> list[str]:
    """Search keys of the words in ``text`` (split on any width of space)."""
    return [key for word in text.split() if (key := search_key(word))]


def open_for_application_q(today: date) -> Q:
    return (
        Q(status=ProgrammeStatus.PUBLISHED)
        & Q(kind__in=(ProgrammeKind.RECOMMENDED, ProgrammeKind.VOLUNTARY))
        & (Q(application_opens__isnull=True) | Q(application_opens__lte=today))
        & (Q(application_closes__isnull=True) | Q(application_closes__gte=today))
    )


def catalogue_search(
    acting: Acting, query: CatalogueQuery, *, today: date | None = None
) -> QuerySet[TrainingProgramme]:
    """The catalogue: visible programmes matching every keyword (in the title, number,
    description, organisers and venues; 2-character words such as 道徳 match) and every filter.
    Two queries per page whatever its size (count, rows with organisers), plus one for the
    co-organisers.

    Keywords are matched with ``contains`` (LIKE) on ``search_text``: the column and the
    terms are both normalised by ``core.kana.search_key`` (NFKC, katakana → hiragana, lower
    case), so this is the case-insensitive match ``icontains`` would give, without the
    UPPER() PostgreSQL wraps around both sides (eight times slower on Japanese text at
    20,000 programmes; bench/bench_training.py)."""
    qs = programmes_visible(acting)
    for term in keyword_terms(query.q):
        qs = qs.filter(search_text__contains=term)
    if query.organiser:
        qs = qs.filter(Q(organiser_id=query.organiser) | Q(co_organisers=query.organiser))
    if query.format:
        qs = qs.filter(format=query.format)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.category:
        qs = qs.filter(category=query.category)
    if query.fiscal_year:
        qs = qs.filter(fiscal_year=query.fiscal_year)
    if query.date_from:
        qs = qs.filter(last_date__gte=query.date_from)
    if query.date_to:
        qs = qs.filter(first_date__lte=query.date_to)
    if query.open_only:
        qs = qs.filter(open_for_application_q(_today(today)))
    if query.school_type:
        qs = qs.filter(
            Q(target_school_types="") | Q(target_school_types__contains=f",{query.school_type},")
        )
    if query.job_title:
        qs = qs.filter(
            Q(target_job_titles="") | Q(target_job_titles__contains=f",{query.job_title},")
        )
    if query.indicator_item:
        qs = qs.filter(
            Exists(
                IndicatorLink.objects.filter(programme=OuterRef("pk"), item_id=query.indicator_item)
            )
        )
    if query.organiser:
        qs = qs.distinct()
    order = SORTS.get(query.sort, SORTS[DEFAULT_SORT])
    return qs.select_related("organiser").prefetch_related("co_organisers").order_by(*order)


def catalogue_organisers(acting: Acting) -> QuerySet[Organisation]:
    """Organisers of the programmes ``acting`` sees (the catalogue's organiser filter)."""
    visible = programmes_visible(acting)
    return Organisation.objects.filter(
        Q(pk__in=visible.values("organiser_id")) | Q(pk__in=visible.values("co_organisers"))
    ).order_by("path")


def programme_detail(programme_id: int) -> QuerySet[TrainingProgramme]:
    return TrainingProgramme.objects.filter(pk=programme_id).select_related("organiser")


def place_counts(programme: TrainingProgramme) -> dict[str, int]:
    """Applications of the programme by status (one query)."""
    rows = programme.applications.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def places_taken(programme: TrainingProgramme) -> int:
    return programme.applications.filter(status__in=PARTICIPANTS).count()


# --- people --------------------------------------------------------------------------------


def unit_of(staff: Staff, *, on: date | None = None) -> Organisation | None:
    """The person's main current unit (所属): the earliest current non-concurrent assignment,
    else the earliest concurrent one."""
    assignment = (
        Assignment.objects.filter(current_assignment_q(_today(on)), staff=staff)
        .select_related("organisation")
        .order_by("concurrent", "start", "pk")
        .first()
    )
    return assignment.organisation if assignment else None


def route_chain(unit: Organisation) -> list[routes.Org]:
    return [
        routes.Org(id=org.pk, kind=org.kind, path=org.path, founder=org.founder)
        for org in ancestors(unit)
    ]


def staff_for_applications(acting: Acting) -> QuerySet[Staff]:
    """Staff ``acting`` may apply for (代理申込・推薦): a school admin's or a board's staff."""
    if acting.role not in (Role.SCHOOL_ADMIN, Role.BOARD):
        return Staff.objects.none()
    return staff_in_jurisdiction(acting)


def audience_paths(programme: TrainingProgramme) -> list[str]:
    return list(programme.audience.values_list("path", flat=True))


def staff_enrollable(programme: TrainingProgramme, *, on: date | None = None) -> QuerySet[Staff]:
    """Staff the organiser may enrol: those working within the programme's audience (anyone
    currently assigned somewhere, for a public programme)."""
    day = _today(on)
    assigned = Assignment.objects.filter(current_assignment_q(day), staff=OuterRef("pk"))
    if not programme.is_public:
        paths = audience_paths(programme)
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(organisation__path__startswith=path)
        assigned = assigned.filter(within)
    return Staff.objects.filter(Exists(assigned), retired_on__isnull=True)


def enrol_organisations(programme: TrainingProgramme) -> QuerySet[Organisation]:
    """Units whose staff the organiser may enrol (the enrolment page's filter)."""
    qs = Organisation.objects.filter(is_active=True).exclude(
        kind__in=(OrganisationKind.PREFECTURE_BOARD, OrganisationKind.MUNICIPAL_BOARD)
    )
    if not programme.is_public:
        within = Q(pk__in=[])
        for path in audience_paths(programme):
            within |= Q(path__startswith=path)
        qs = qs.filter(within)
    return qs.order_by("path")


def staff_search_for_enrolment(
    programme: TrainingProgramme, *, query: str = "", organisation_id: int | None = None
) -> QuerySet[Staff]:
    day = _today()
    qs = staff_enrollable(programme, on=day)
    if query:
        key = search_key(query).replace(" ", "")
        qs = qs.filter(Q(search_key__contains=key) | Q(staff_number__startswith=query.strip()))
    if organisation_id:
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(
                    current_assignment_q(day), staff=OuterRef("pk"), organisation_id=organisation_id
                )
            )
        )
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(current_assignment_q(day)).select_related(
                "organisation"
            ),
            to_attr="current_assignments",
        )
    ).order_by("kana", "staff_number")


# --- accounts to notify --------------------------------------------------------------------


def _current_roles(on: date | None = None) -> QuerySet[RoleAssignment]:
    day = _today(on)
    return RoleAssignment.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def accounts_with_role(roles: Iterable[Role], organisation_id: int) -> QuerySet[Account]:
    holders = _current_roles().filter(
        role__in=[r.value for r in roles], organisation_id=organisation_id
    )
    return Account.objects.filter(
        pk__in=holders.values("account_id"), is_active=True, suspended_at__isnull=True
    )


def step_approvers(step: ApprovalStep) -> QuerySet[Account]:
    return accounts_with_role(routes.STEP_ROLES[StepKind(step.kind)], step.organisation_id)


def organiser_accounts(programme: TrainingProgramme) -> QuerySet[Account]:
    """Who decides: the organiser unit's 研修主催者 (a school's 学校管理職 for its events)."""
    role = (
        Role.SCHOOL_ADMIN if programme.organiser.kind == OrganisationKind.SCHOOL else Role.ORGANIZER
    )
    return accounts_with_role([role], programme.organiser_id)


def participant_accounts(application: Application) -> list[Account]:
    """The participant's account (and whoever applied for them)."""
    found: dict[int, Account] = {}
    if application.account_id is not None and application.account is not None:
        found[application.account.pk] = application.account
    elif application.staff_id is not None:
        account = Account.objects.filter(staff_id=application.staff_id, is_active=True).first()
        if account is not None:
            found[account.pk] = account
    if application.applied_by_id is not None and application.applied_by is not None:
        found.setdefault(application.applied_by.pk, application.applied_by)
    return list(found.values())


# --- applications --------------------------------------------------------------------------


def _own_q(acting: Acting, prefix: str = "") -> Q:
    account = acting.account
    if account is None:
        return Q(pk__in=[])
    own = Q(**{f"{prefix}account": account}) | Q(**{f"{prefix}applied_by": account})
    if account.staff_id is not None:
        own |= Q(**{f"{prefix}staff_id": account.staff_id})
    return own


def applications_visible(acting: Acting) -> QuerySet[Application]:
    """Applications ``acting`` may see: their own (and those they made for others), those on
    whose route their organisation stands, those of staff in their jurisdiction, and those of
    the programmes they manage."""
    if acting.role == Role.SYSTEM_ADMIN:
        return Application.objects.all()
    if acting.account is None or acting.role is None:
        return Application.objects.none()
    visible = _own_q(acting)
    org = acting.organisation
    if org is not None and acting.role in (Role.SCHOOL_ADMIN, Role.BOARD):
        on_route = ApprovalStep.objects.filter(application=OuterRef("pk"), organisation=org)
        visible |= Q(Exists(on_route)) | Q(staff__in=staff_in_jurisdiction(acting).values("pk"))
    if org is not None and acting.role in MANAGER_ROLES:
        visible |= Q(programme__in=programmes_managed(acting).values("pk"))
    return Application.objects.filter(visible)


def application_with_route(application_id: int) -> QuerySet[Application]:
    return Application.objects.filter(pk=application_id).select_related(
        "programme", "programme__organiser", "staff", "account", "unit", "applied_by", "recommender"
    )


def current_step(application: Application) -> ApprovalStep | None:
    return (
        application.steps.filter(status=StepStatus.PENDING).select_related("organisation").first()
    )


def can_approve(acting: Acting) -> bool:
    """Whether ``acting``'s role approves steps at all (学校管理職, 教育委員会)."""
    return any(acting.role in roles for roles in routes.STEP_ROLES.values())


def approval_queue(acting: Acting) -> QuerySet[ApprovalStep]:
    """Steps waiting for ``acting`` (承認待ち), oldest first. One query whatever the length."""
    org = acting.organisation
    if org is None or acting.role is None:
        return ApprovalStep.objects.none()
    kinds = [kind for kind, roles in routes.STEP_ROLES.items() if acting.role in roles]
    if not kinds:
        return ApprovalStep.objects.none()
    return (
        ApprovalStep.objects.filter(
            organisation=org,
            kind__in=kinds,
            status=StepStatus.PENDING,
            application__status=ApplicationStatus.PENDING_APPROVAL,
        )
        .select_related(
            "application",
            "application__programme",
            "application__programme__organiser",
            "application__staff",
            "application__account",
            "application__unit",
        )
        .order_by("pending_since", "pk")
    )


def my_applications(acting: Acting) -> QuerySet[Application]:
    """The person's own applications (and those they made for others), newest first."""
    if acting.account is None:
        return Application.objects.none()
    return (
        Application.objects.filter(_own_q(acting))
        .select_related("programme", "programme__organiser", "staff", "account", "unit")
        .prefetch_related("survey_response")
        .order_by("-submitted_at", "-pk")
    )


def my_applications_in(acting: Acting, status: str) -> QuerySet[Application]:
    """``my_applications`` in one state (the list's ``?status=`` filter)."""
    return my_applications(acting).filter(status=status)


def surveys_to_answer(acting: Acting, *, on: date | None = None) -> QuerySet[Application]:
    """アンケート未回答: the person's trainings that ask for the outcome survey, held (the
    last day today or before), not yet answered."""
    return my_applications(acting).filter(
        status__in=PARTICIPANTS,
        programme__survey_required=True,
        programme__last_date__lte=_today(on),
        survey_response__isnull=True,
    )


def week_of(on: date | None = None) -> tuple[date, date]:
    """Monday to Sunday of the week of ``on`` (today by default)."""
    day = _today(on)
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def trainings_this_week(acting: Acting, *, on: date | None = None) -> QuerySet[Application]:
    """受講決定 applications of the person with a session this week (今週の研修)."""
    monday, sunday = week_of(on)
    return my_applications(acting).filter(
        pk__in=Application.objects.filter(
            status=ApplicationStatus.ACCEPTED, programme__sessions__date__range=(monday, sunday)
        ).values("pk")
    )


def sessions_awaiting_attendance(acting: Acting, *, on: date | None = None) -> QuerySet[Session]:
    """出欠の記録待ち: held sessions (today or before) of the programmes ``acting`` manages
    where a participant has no attendance mark yet. One query."""
    marked = Attendance.objects.filter(application=OuterRef("pk"), session=OuterRef(OuterRef("pk")))
    unmarked = Application.objects.filter(
        ~Exists(marked), programme=OuterRef("programme"), status__in=PARTICIPANTS
    )
    return (
        Session.objects.filter(programme__in=programmes_managed(acting), date__lte=_today(on))
        .filter(Exists(unmarked))
        .order_by("date", "pk")
    )


def programmes_awaiting_completion(
    acting: Acting, *, on: date | None = None
) -> QuerySet[TrainingProgramme]:
    """修了判定待ち: managed programmes whose last day has passed with participants still
    受講決定 (neither 修了 nor 未修了 yet). One query."""
    waiting = Application.objects.filter(
        programme=OuterRef("pk"), status=ApplicationStatus.ACCEPTED
    )
    return (
        programmes_managed(acting)
        .filter(last_date__lt=_today(on))
        .filter(Exists(waiting))
        .order_by("last_date", "pk")
    )


def programme_applications(
    programme: TrainingProgramme, *, status: str = ""
) -> QuerySet[Application]:
    qs = programme.applications.select_related("staff", "account", "unit", "recommender")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "waitlist_position", "recommendation_rank", "submitted_at", "pk")


def participants(programme: TrainingProgramme) -> QuerySet[Application]:
    return (
        programme.applications.filter(status__in=PARTICIPANTS)
        .select_related("staff", "account", "unit")
        .prefetch_related("attendance", "survey_response")
        .order_by("unit__path", "staff__kana", "pk")
    )


def decision_queue(acting: Acting) -> QuerySet[Application]:
    """受講決定待ち: applications through their approval route, waiting for the decision of
    the organiser ``acting`` (the programmes they manage), oldest application first. One query
    whatever the length."""
    if acting.organisation is None or acting.role not in MANAGER_ROLES:
        return Application.objects.none()
    return (
        Application.objects.filter(
            status=ApplicationStatus.AWAITING_DECISION, programme__in=programmes_managed(acting)
        )
        .select_related("programme", "programme__organiser", "staff", "account", "unit")
        .order_by("submitted_at", "pk")
    )


def sees_queue(acting: Acting) -> bool:
    """「承認待ち・受講決定待ち」: approvers (学校管理職, 教育委員会) and organisers."""
    if acting.organisation is None:
        return False
    return can_approve(acting) or acting.role in MANAGER_ROLES


def waitlist(programme: TrainingProgramme) -> QuerySet[Application]:
    return programme.applications.filter(status=ApplicationStatus.WAITLISTED).order_by(
        "waitlist_position", "pk"
    )


def candidates_in_order(programme: TrainingProgramme) -> QuerySet[Application]:
    """Applications awaiting the decision, in the order places are given without a lottery:
    by recommendation rank, then oldest first."""
    return programme.applications.filter(status=ApplicationStatus.AWAITING_DECISION).order_by(
        F("recommendation_rank").asc(nulls_last=True), "submitted_at", "pk"
    )


# --- notifications -------------------------------------------------------------------------


def notifications_of(acting: Acting) -> QuerySet[Notification]:
    if acting.account is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=acting.account).order_by("-created_at", "-pk")


def unread_count(acting: Acting) -> int:
    return notifications_of(acting).filter(read_at__isnull=True).count()


# --- 経験年数 ----------------------------------------------------------------------------------


def first_service_day(staff: Staff) -> date | None:
    """The first day of service: the earliest 在職期間 of the statutory-training records when
    there are any, else the start of the earliest (main) assignment; None when neither is
    recorded."""
    from manabi.eligibility.models import StaffServicePeriod

    first = StaffServicePeriod.objects.filter(staff=staff).order_by("start").values("start")[:1]
    for row in first:
        return row["start"]
    assignment = Assignment.objects.filter(staff=staff, concurrent=False).order_by("start").first()
    return assignment.start if assignment else None


def target_exceptions_of(programme: TrainingProgramme) -> QuerySet[TargetException]:
    return programme.target_exceptions.select_related("staff", "granted_by").order_by(
        "created_at", "pk"
    )
