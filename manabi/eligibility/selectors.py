"""Reads of the eligibility app: service records as the engine's input, surveys and
submissions narrowed to what an actor may see, targets computed by the engine, aggregates,
and the contents of 様式1–3 and of the confirmation card.

Who runs a survey: the prefecture's education centre. A survey covers every school under the
prefectural board (県教育委員会) above the organisation that opened it. It can be opened and
run by someone acting as organizer (研修主催者) or board (教育委員会) for the prefectural
board itself or for an organiser unit directly under it (the education centre), or by a
system administrator. Municipal boards see the progress of their own schools only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core import wareki
from manabi.eligibility.engine import (
    LeaveKind,
    LeavePeriod,
    SchoolType,
    ServiceKind,
    ServicePeriod,
    StaffRecord,
    TrainingResult,
    compute,
    reference_date,
)
from manabi.eligibility.models import (
    CompletedTraining,
    SchoolSubmission,
    StaffLeave,
    StaffServicePeriod,
    Survey,
    TargetDecision,
)
from manabi.eligibility.presets import DEFAULT_PRESET, load_preset
from manabi.eligibility.survey_rules import (
    ATTEND_NO,
    ATTEND_YES,
    FORMS,
    TARGET_JOBS,
    SurveyForm,
    absence_text,
    deduction_text,
    default_number,
    engine_job,
    engine_school_type,
    period_text,
    training_equivalents,
    training_title,
)
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.people.choices import JobTitle
from manabi.people.models import Assignment, Staff, current_assignment_q

RUNNER_ROLES = (Role.BOARD, Role.ORGANIZER)
SURVEY_ROLES = (Role.SYSTEM_ADMIN, Role.BOARD, Role.ORGANIZER, Role.SCHOOL_ADMIN)
PRINCIPAL_TITLES = (JobTitle.PRINCIPAL, JobTitle.KINDERGARTEN_PRINCIPAL)


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def default_fiscal_year(on: date | None = None) -> int:
    """The survey of July asks about the next fiscal year's trainings (令和6年7月 → 令和7年度)."""
    return wareki.fiscal_year(_today(on)) + 1


# --- who runs which survey -------------------------------------------------------------------


def survey_prefecture_for(acting: Acting) -> Organisation | None:
    """The prefectural board whose surveys ``acting`` may open and run: acting as organizer
    or board for the prefectural board itself or for an organiser unit directly under it (the
    education centre). None for everyone else (system administrators choose)."""
    org = acting.organisation
    if acting.role not in RUNNER_ROLES or org is None:
        return None
    if org.kind == OrganisationKind.PREFECTURE_BOARD:
        return org
    parent = org.parent
    if (
        org.kind == OrganisationKind.ORGANIZER_UNIT
        and parent is not None
        and parent.kind == OrganisationKind.PREFECTURE_BOARD
    ):
        return parent
    return None


def prefectures_for_survey(acting: Acting) -> QuerySet[Organisation]:
    """Prefectural boards ``acting`` may open a survey for."""
    prefectures = Organisation.objects.filter(
        kind=OrganisationKind.PREFECTURE_BOARD, is_active=True
    )
    if acting.role == Role.SYSTEM_ADMIN:
        return prefectures.order_by("code")
    own = survey_prefecture_for(acting)
    return prefectures.filter(pk=own.pk) if own is not None else prefectures.none()


def runs_survey(acting: Acting, survey: Survey) -> bool:
    """Whether ``acting`` runs ``survey`` (sees every school, reopens, aggregates)."""
    if acting.role == Role.SYSTEM_ADMIN:
        return True
    own = survey_prefecture_for(acting)
    return own is not None and own.pk == survey.prefecture_id


def surveys_visible(acting: Acting) -> QuerySet[Survey]:
    """Surveys ``acting`` may see: those they run, and, for a board or a school admin, those
    covering the organisation they act for."""
    qs = Survey.objects.select_related("prefecture", "centre", "opened_by")
    if acting.role == Role.SYSTEM_ADMIN:
        return qs
    if acting.role not in SURVEY_ROLES or acting.organisation is None:
        return qs.none()
    visible = Q(pk__in=[])
    own = survey_prefecture_for(acting)
    if own is not None:
        visible |= Q(prefecture=own)
    if acting.role in (Role.BOARD, Role.SCHOOL_ADMIN):
        visible |= Q(prefecture__path__in=_ancestor_paths(acting.organisation))
    return qs.filter(visible)


def _ancestor_paths(organisation: Organisation) -> list[str]:
    """ "/1/4/17/" → ["/1/", "/1/4/", "/1/4/17/"]."""
    parts = [part for part in organisation.path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[: index + 1]) + "/" for index in range(len(parts))]


def submissions_visible(acting: Acting) -> QuerySet[SchoolSubmission]:
    """Submissions ``acting`` may see: every one of the surveys they run, those of schools
    under a municipal board, a school admin's own school."""
    qs = SchoolSubmission.objects.select_related(
        "survey", "survey__prefecture", "school", "submitted_by", "reopened_by"
    )
    if acting.role == Role.SYSTEM_ADMIN:
        return qs
    if acting.role not in SURVEY_ROLES or acting.organisation is None:
        return qs.none()
    visible = Q(pk__in=[])
    own = survey_prefecture_for(acting)
    if own is not None:
        visible |= Q(survey__prefecture=own)
    if acting.role == Role.BOARD:
        visible |= Q(school__path__startswith=acting.organisation.path)
    if acting.role == Role.SCHOOL_ADMIN:
        visible |= Q(school=acting.organisation)
    return qs.filter(visible)


def submissions_due(acting: Acting) -> tuple[int, date | None]:
    """該当者調査: submissions of open surveys not yet handed in that ``acting`` sees (a school
    admin: their school's; a board: its schools'), and the nearest deadline. One query."""
    from django.db.models import Count, Min

    due = (
        submissions_visible(acting)
        .filter(survey__status=Survey.Status.OPEN)
        .exclude(status=SchoolSubmission.Status.SUBMITTED)
        .aggregate(n=Count("pk"), deadline=Min("survey__deadline"))
    )
    return int(due["n"]), due["deadline"]


def own_submission(acting: Acting, survey: Survey) -> SchoolSubmission | None:
    """The submission of the school a school admin acts for, if the survey covers it."""
    if acting.role != Role.SCHOOL_ADMIN or acting.organisation is None:
        return None
    return SchoolSubmission.objects.filter(survey=survey, school=acting.organisation).first()


def schools_of_prefecture(prefecture: Organisation) -> QuerySet[Organisation]:
    """Active schools under a prefectural board: the schools a survey covers."""
    return Organisation.objects.filter(
        path__startswith=prefecture.path, kind=OrganisationKind.SCHOOL, is_active=True
    ).order_by("path")


# --- progress and aggregates -----------------------------------------------------------------


def survey_progress(acting: Acting, survey: Survey) -> QuerySet[SchoolSubmission]:
    """The survey's submissions ``acting`` may see, with target counts (one query)."""
    return (
        submissions_visible(acting)
        .filter(survey=survey)
        .annotate(
            targets=Count("decisions"),
            attending=Count("decisions", filter=Q(decisions__attend=ATTEND_YES)),
            absent=Count("decisions", filter=Q(decisions__attend=ATTEND_NO)),
        )
        .order_by("school__path")
    )


@dataclass(frozen=True)
class ProgressSummary:
    total: int
    submitted: int
    by_status: dict[str, int]

    @property
    def pending(self) -> int:
        return self.total - self.submitted


def progress_summary(submissions: Iterable[SchoolSubmission]) -> ProgressSummary:
    by_status: dict[str, int] = defaultdict(int)
    for submission in submissions:
        by_status[submission.status] += 1
    total = sum(by_status.values())
    submitted = by_status.get(SchoolSubmission.Status.SUBMITTED, 0)
    return ProgressSummary(total=total, submitted=submitted, by_status=dict(by_status))


@dataclass(frozen=True)
class AggregateCell:
    targets: int = 0
    attending: int = 0
    absent: int = 0


@dataclass(frozen=True)
class AggregateRow:
    submission: SchoolSubmission
    cells: tuple[AggregateCell, ...]


@dataclass(frozen=True)
class SurveyAggregate:
    """受講該当者の集計: per school and training, targets and how many attend (○) or not (×).
    ``totals`` counts submitted schools only: what the schools have confirmed."""

    forms: tuple[SurveyForm, ...]
    rows: tuple[AggregateRow, ...]
    totals: tuple[AggregateCell, ...]
    submitted: int


def survey_aggregate(acting: Acting, survey: Survey) -> SurveyAggregate:
    """Counts per training of ○ and × per school (two queries)."""
    submissions = list(submissions_visible(acting).filter(survey=survey).order_by("school__path"))
    counts = (
        TargetDecision.objects.filter(submission__in=[s.pk for s in submissions])
        .values("submission_id", "training")
        .annotate(
            targets=Count("id"),
            attending=Count("id", filter=Q(attend=ATTEND_YES)),
            absent=Count("id", filter=Q(attend=ATTEND_NO)),
        )
    )
    cells: dict[tuple[int, str], AggregateCell] = {
        (c["submission_id"], c["training"]): AggregateCell(
            c["targets"], c["attending"], c["absent"]
        )
        for c in counts
    }
    rows = []
    sums = [[0, 0, 0] for _ in FORMS]
    for submission in submissions:
        row = tuple(cells.get((submission.pk, form.training), AggregateCell()) for form in FORMS)
        rows.append(AggregateRow(submission, row))
        if submission.is_submitted:
            for index, cell in enumerate(row):
                sums[index][0] += cell.targets
                sums[index][1] += cell.attending
                sums[index][2] += cell.absent
    return SurveyAggregate(
        forms=FORMS,
        rows=tuple(rows),
        totals=tuple(AggregateCell(*s) for s in sums),
        submitted=sum(1 for s in submissions if s.is_submitted),
    )


# --- service records → the engine's input ----------------------------------------------------


def _records_prefetch() -> list[Any]:
    return [
        Prefetch("service_periods", queryset=StaffServicePeriod.objects.order_by("start")),
        Prefetch("leaves", queryset=StaffLeave.objects.order_by("start")),
        Prefetch("completed_trainings", queryset=CompletedTraining.objects.order_by("training")),
    ]


def school_staff(school: Organisation, *, on: date | None = None) -> QuerySet[Staff]:
    """Staff whose main (non-兼務) assignment is at ``school`` on ``on``, with their records."""
    day = _today(on)
    assigned = Assignment.objects.filter(
        current_assignment_q(day), organisation=school, concurrent=False
    ).values("staff_id")
    return (
        Staff.objects.filter(pk__in=assigned)
        .filter(Q(retired_on__isnull=True) | Q(retired_on__gte=day))
        .prefetch_related(*_records_prefetch())
        .order_by("kana", "staff_number")
    )


def staff_with_records(staff_id: int) -> Staff:
    return Staff.objects.prefetch_related(*_records_prefetch()).get(pk=staff_id)


def current_workplace(staff: Staff, *, on: date | None = None) -> Organisation | None:
    """The organisation of the person's main assignment on ``on`` (the latest one)."""
    assignment = (
        Assignment.objects.filter(current_assignment_q(_today(on)), staff=staff, concurrent=False)
        .select_related("organisation")
        .order_by("-start")
        .first()
    )
    return assignment.organisation if assignment else None


def school_type_of(organisation: Organisation | None) -> SchoolType:
    """The engine's school type of a workplace (行政等 and anything not a school:
    ``administration``)."""
    if organisation is None or not organisation.is_school:
        return SchoolType.ADMINISTRATION
    return engine_school_type(organisation.school_type)


def staff_record(staff: Staff, *, school_type: SchoolType) -> StaffRecord:
    """The engine's input for one person (``birth_date`` must be set); uses prefetched
    ``service_periods``, ``leaves`` and ``completed_trainings`` when present."""
    assert staff.birth_date is not None
    return StaffRecord(
        staff_code=staff.staff_number,
        birth_date=staff.birth_date,
        job=engine_job(staff.job_title),
        school_type=school_type,
        service=tuple(
            ServicePeriod(ServiceKind(p.kind), p.start, p.end) for p in staff.service_periods.all()
        ),
        leaves=tuple(LeavePeriod(LeaveKind(p.kind), p.start, p.end) for p in staff.leaves.all()),
        completed=frozenset(c.training for c in staff.completed_trainings.all()),
    )


@dataclass(frozen=True)
class ComputedTarget:
    """A target the engine found: the person, the training and the engine's answer."""

    staff: Staff
    result: TrainingResult
    deductions: str
    number: int | None

    @property
    def training(self) -> str:
        return self.result.training


@dataclass(frozen=True)
class SchoolComputation:
    """The engine's answer for a school's current staff; ``unknown_birth`` could not be
    computed (no birth date), ``without_service``: teachers (target jobs) with no service
    period at all, whose A would be 0."""

    targets: tuple[ComputedTarget, ...]
    unknown_birth: tuple[Staff, ...]
    without_service: tuple[Staff, ...]
    staff_count: int


def compute_school(
    school: Organisation, *, fiscal_year: int, rules_name: str, on: date | None = None
) -> SchoolComputation:
    """Targets of every training among the school's current staff, by the engine."""
    rules = load_preset(rules_name)
    reference = reference_date(fiscal_year)
    school_type = school_type_of(school)
    people = list(school_staff(school, on=on))
    computable = [person for person in people if person.birth_date is not None]
    records = [staff_record(person, school_type=school_type) for person in computable]
    report = compute(fiscal_year=fiscal_year, staff=records, rules=rules)
    b_kinds = {rule.code: rule.leaves_for_b for rule in rules.trainings}
    targets = []
    for person, record, result in zip(computable, records, report.results, strict=True):
        leaves = [(leave.kind, leave.start, leave.end) for leave in record.leaves]
        for training in result.trainings:
            if training.eligible:
                targets.append(
                    ComputedTarget(
                        staff=person,
                        result=training,
                        deductions=deduction_text(
                            leaves, kinds=b_kinds[training.training], reference=reference
                        ),
                        number=default_number(record.job, school_type),
                    )
                )
    return SchoolComputation(
        targets=tuple(targets),
        unknown_birth=tuple(person for person in people if person.birth_date is None),
        without_service=tuple(
            person
            for person in computable
            if engine_job(person.job_title) in TARGET_JOBS and not person.service_periods.all()
        ),
        staff_count=len(people),
    )


# --- a submission, as the school sees it -----------------------------------------------------


@dataclass(frozen=True)
class TrainingSection:
    form: SurveyForm
    decisions: tuple[TargetDecision, ...]
    not_required: bool = False


@dataclass(frozen=True)
class SubmissionOverview:
    sections: tuple[TrainingSection, ...]
    computation: SchoolComputation
    missing_attend: int
    stale: bool

    @property
    def target_count(self) -> int:
        return sum(len(section.decisions) for section in self.sections)


def submission_overview(
    submission: SchoolSubmission, *, on: date | None = None
) -> SubmissionOverview:
    """The stored targets per training (様式), what the engine says now (to show staff it
    could not compute and whether the stored list is out of date), and what is missing."""
    decisions = list(
        submission.decisions.select_related("staff").order_by("training", "staff__kana")
    )
    by_training: dict[str, list[TargetDecision]] = defaultdict(list)
    for decision in decisions:
        by_training[decision.training].append(decision)
    kindergarten = school_type_of(submission.school) is SchoolType.KINDERGARTEN
    sections = tuple(
        TrainingSection(
            form,
            tuple(by_training.get(form.training, ())),
            not_required=form.not_for_kindergarten and kindergarten,
        )
        for form in FORMS
    )
    computation = compute_school(
        submission.school,
        fiscal_year=submission.survey.fiscal_year,
        rules_name=submission.survey.rules,
        on=on,
    )
    stored = {(d.staff_id, d.training) for d in decisions}
    current = {(t.staff.pk, t.training) for t in computation.targets}
    return SubmissionOverview(
        sections=sections,
        computation=computation,
        missing_attend=sum(1 for d in decisions if not d.attend),
        stale=submission.computed_at is not None and stored != current,
    )


# --- 様式1–3 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormRow:
    staff_code: str
    job: str
    name: str
    kana: str
    age: int
    subject: str
    a: int
    b: int
    c: int
    deductions: str
    attend: str
    number: int | None
    note: str


@dataclass(frozen=True)
class FormSheet:
    """One school's 様式 (受講該当者調査票) for one training."""

    form: SurveyForm
    fiscal_year: int
    school_name: str
    school_code: str
    phone: str
    principal_name: str
    approver_name: str
    submitted_at: datetime | None
    status_label: str
    rows: tuple[FormRow, ...]
    not_required: bool

    @property
    def fiscal_year_label(self) -> str:
        return wareki.format_fiscal_year(self.fiscal_year)

    @property
    def reference_label(self) -> str:
        return f"{_short_date(reference_date(self.fiscal_year))} 現在"


def _short_date(day: date) -> str:
    return wareki.format_short(day)


def principal_name_of(school: Organisation, *, on: date | None = None) -> str:
    """所属長氏名: the current principal (校長・園長) of the school, from the staff records."""
    assignment = (
        Assignment.objects.filter(
            current_assignment_q(_today(on)),
            organisation=school,
            staff__job_title__in=PRINCIPAL_TITLES,
        )
        .select_related("staff")
        .order_by("concurrent", "-start")
        .first()
    )
    return assignment.staff.display_name if assignment else ""


def form_sheets(submissions: Sequence[SchoolSubmission], form: SurveyForm) -> list[FormSheet]:
    """The 様式 of ``form`` for each submission, in the given order (two queries)."""
    decisions = (
        TargetDecision.objects.filter(
            submission__in=[s.pk for s in submissions], training=form.training
        )
        .select_related("staff")
        .order_by("staff__kana", "staff__staff_number")
    )
    by_submission: dict[int, list[TargetDecision]] = defaultdict(list)
    for decision in decisions:
        by_submission[decision.submission_id].append(decision)
    sheets = []
    for submission in submissions:
        school = submission.school
        rows = tuple(
            FormRow(
                staff_code=d.staff.staff_number,
                job=d.job_label,
                name=d.staff.display_name,
                kana=d.staff.kana,
                age=d.age,
                subject=d.subject,
                a=d.a,
                b=d.b,
                c=d.c,
                deductions=d.deductions,
                attend={ATTEND_YES: "○", ATTEND_NO: "×"}.get(d.attend, ""),
                number=d.number,
                note=" ".join(
                    part
                    for part in (absence_text(d.absence_reason, d.absence_reason_text), d.note)
                    if part
                ),
            )
            for d in by_submission.get(submission.pk, [])
        )
        sheets.append(
            FormSheet(
                form=form,
                fiscal_year=submission.survey.fiscal_year,
                school_name=school.name,
                school_code=school.code,
                phone=school.phone,
                principal_name=submission.principal_name or principal_name_of(school),
                approver_name=submission.approver_name,
                submitted_at=submission.submitted_at,
                status_label=submission.get_status_display(),
                rows=rows,
                not_required=form.not_for_kindergarten
                and school_type_of(school) is SchoolType.KINDERGARTEN,
            )
        )
    return sheets


# --- 基本研修受講該当者確認カード ---------------------------------------------------------------


@dataclass(frozen=True)
class CardLine:
    label: str
    period: str
    note: str = ""


@dataclass(frozen=True)
class CardTraining:
    title: str
    equivalents: str
    completed: bool
    result: TrainingResult | None


@dataclass
class ConfirmationCard:
    """The confirmation card (seed 003 section II), filled in from the records."""

    staff: Staff
    workplace: str
    fiscal_year: int
    rules_title: str
    trainings: list[CardTraining] = field(default_factory=list)
    service: list[CardLine] = field(default_factory=list)
    leaves: list[CardLine] = field(default_factory=list)
    a: int | None = None
    b: int | None = None
    c: int | None = None
    age: int | None = None
    problem: str = ""

    @property
    def fiscal_year_label(self) -> str:
        return wareki.format_fiscal_year(self.fiscal_year)

    @property
    def reference_label(self) -> str:
        return wareki.format_date(reference_date(self.fiscal_year))


def survey_for_staff(staff: Staff, *, on: date | None = None) -> Survey | None:
    """The survey covering the person's workplace: the open one of the latest year first."""
    workplace = current_workplace(staff, on=on)
    if workplace is None:
        return None
    return (
        Survey.objects.filter(prefecture__path__in=_ancestor_paths(workplace))
        .order_by("status", "-fiscal_year")
        .first()
    )


def confirmation_cards(
    people: Iterable[Staff],
    *,
    fiscal_year: int,
    rules_name: str = DEFAULT_PRESET,
    on: date | None = None,
) -> list[ConfirmationCard]:
    """One card per person, computed by the engine from their records (prefetched)."""
    rules = load_preset(rules_name)
    cards = []
    for person in people:
        workplace = current_workplace(person, on=on)
        card = ConfirmationCard(
            staff=person,
            workplace=workplace.name if workplace else "",
            fiscal_year=fiscal_year,
            rules_title=rules.title,
            service=[
                CardLine(p.get_kind_display(), period_text(p.start, p.end), p.note)
                for p in person.service_periods.all()
            ],
            leaves=[
                CardLine(p.get_kind_display(), period_text(p.start, p.end), p.note)
                for p in person.leaves.all()
            ],
        )
        completed = {c.training for c in person.completed_trainings.all()}
        results: dict[str, TrainingResult] = {}
        if person.birth_date is None:
            card.problem = "生年月日が登録されていないため、年数と該当・非該当を計算できません。"
        else:
            record = staff_record(person, school_type=school_type_of(workplace))
            [staff_result] = compute(fiscal_year=fiscal_year, staff=[record], rules=rules).results
            results = {t.training: t for t in staff_result.trainings}
            first = staff_result.trainings[0] if staff_result.trainings else None
            card.age = staff_result.age
            if first is not None:
                card.a, card.b, card.c = first.a, first.b, first.c
            if not person.service_periods.all():
                card.problem = "在職期間が登録されていません。管理職に申し出てください。"
        card.trainings = [
            CardTraining(
                title=training_title(rule.code),
                equivalents=training_equivalents(rule.code),
                completed=rule.code in completed,
                result=results.get(rule.code),
            )
            for rule in reversed(rules.trainings)
        ]
        cards.append(card)
    return cards


def card_of(staff: Staff, *, on: date | None = None) -> ConfirmationCard:
    """One person's card for the survey covering their workplace (or, with none, for next
    fiscal year under the default rules). ``staff`` comes from ``staff_with_records``."""
    survey = survey_for_staff(staff, on=on)
    [card] = confirmation_cards(
        [staff],
        fiscal_year=survey.fiscal_year if survey else default_fiscal_year(on),
        rules_name=survey.rules if survey else DEFAULT_PRESET,
        on=on,
    )
    return card


def confirmed_targets(acting: Acting, survey: Survey) -> QuerySet[TargetDecision]:
    """Targets a school submitted as attending (○): the list the training organiser enrols
    in the matching 悉皆 programme (exported as CSV until the training platform takes it)."""
    return (
        TargetDecision.objects.filter(
            submission__in=survey_progress(acting, survey).filter(
                status=SchoolSubmission.Status.SUBMITTED
            ),
            eligible=True,
            attend=ATTEND_YES,
        )
        .select_related("staff", "submission__school")
        .order_by("training", "submission__school__code", "staff__kana")
    )
