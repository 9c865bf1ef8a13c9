"""Writes of applications (受講申込) and their approval route (承認ルート).

Every function is keyword-only, runs in a transaction, checks the transition with the state
machine (``states.application_next``), locks the application row (so two approvers clicking
at once cannot both approve one step) and writes an audit event; notifications go out after
commit. Access (who may see what) is checked by ``permissions.access_*`` before these are
called; these check who may *act* on the step, so a caller outside the route is refused here
too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from manabi.accounts.models import Account
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.people.models import Staff
from manabi.training import routes
from manabi.training.choices import ProgrammeKind, StepStatus
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.experience import experience_year, target_label, within_target
from manabi.training.models import Application, ApprovalStep, Comment, TrainingProgramme
from manabi.training.selectors import (
    applications_visible,
    audience_paths,
    first_service_day,
    organiser_accounts,
    participant_accounts,
    route_chain,
    step_approvers,
    unit_of,
)
from manabi.training.services.common import (
    audit_application,
    lock_application,
    required_reason,
    transition,
)
from manabi.training.services.notifications import Notice, application_url, notify, notify_many
from manabi.training.states import (
    NEW,
    ApplicationAction,
    ApplicationStatus,
)

A = ApplicationAction
ON_BEHALF_ROLES = (Role.SCHOOL_ADMIN, Role.BOARD)


def _who(application: Application) -> str:
    unit = f"({application.unit.name})" if application.unit else ""
    return f"{application.person_name}{unit}"


# --- notifications ---------------------------------------------------------------------------


Known = dict[tuple[str, int], list[Account]]


def _known(
    key: tuple[str, int], known: Known | None, lookup: Callable[[], Iterable[Account]]
) -> list[Account]:
    """Accounts to notify, looked up once per key in a bulk action."""
    if known is None:
        return list(lookup())
    if key not in known:
        known[key] = list(lookup())
    return known[key]


def _next_notices(
    application: Application, step: ApprovalStep | None, known: Known | None = None
) -> list[Notice]:
    """Tell whoever acts next: the approvers of ``step``, or the organiser."""
    programme = application.programme
    if step is not None:
        approvers = _known((step.kind, step.organisation_id), known, lambda: step_approvers(step))
        return [
            Notice(
                approvers,
                f"承認依頼: {programme.title}",
                f"{_who(application)} の研修「{programme.title}」({programme.number})への受講申込が、"
                "あなたの承認を待っています。内容を確認して、承認・否決・差し戻しのいずれかを選んでください。",
                application_url(application),
                application,
            )
        ]
    if application.status == ApplicationStatus.AWAITING_DECISION:
        organisers = _known(
            ("organiser", programme.pk), known, lambda: organiser_accounts(programme)
        )
        return [
            Notice(
                organisers,
                f"受講決定待ち: {programme.title}",
                f"{_who(application)} の研修「{programme.title}」({programme.number})への受講申込が、"
                "承認ルートを終えて受講決定を待っています。",
                application_url(application),
                application,
            )
        ]
    return []


def _notify_next(actor: Acting, application: Application, step: ApprovalStep | None) -> None:
    notify_many(_next_notices(application, step), exclude=actor.account)


def _notify_person(actor: Acting, application: Application, subject: str, body: str) -> None:
    notify(
        recipients=participant_accounts(application),
        subject=subject,
        body=body,
        url=application_url(application),
        application=application,
        exclude=actor.account,
    )


# --- submitting ------------------------------------------------------------------------------


def _check_open(programme: TrainingProgramme, today: date | None) -> None:
    if programme.enrolled_directly:
        raise TrainingError(
            ErrorCode.DIRECT_ENROLMENT_ONLY,
            f"この研修は{programme.get_kind_display()}研修のため、主催者が受講者を登録します。申込は不要です。",
        )
    if not programme.accepts_applications(today):
        raise TrainingError(
            ErrorCode.NOT_OPEN,
            "この研修は現在申込を受け付けていません(申込期間外か、公開されていません)。",
        )


def _check_audience(programme: TrainingProgramme, unit: Organisation | None) -> None:
    if programme.is_public:
        return
    if unit is None or not any(unit.path.startswith(path) for path in audience_paths(programme)):
        raise TrainingError(
            ErrorCode.NOT_IN_AUDIENCE,
            "この研修は主催者の管轄内の教職員だけが申し込めます(公開研修ではありません)。",
        )


def _check_targets(programme: TrainingProgramme, staff: Staff, unit: Organisation) -> None:
    types = programme.school_types
    if types and unit.kind == OrganisationKind.SCHOOL and unit.school_type not in types:
        raise TrainingError(
            ErrorCode.NOT_A_TARGET,
            f"{unit.name} はこの研修の対象の学校種ではありません。研修の「対象」を確認してください。",
        )
    titles = programme.job_titles
    if titles and staff.job_title not in titles:
        raise TrainingError(
            ErrorCode.NOT_A_TARGET,
            f"職名「{staff.get_job_title_display()}」はこの研修の対象ではありません。研修の「対象」を確認してください。",
        )


def _check_years(programme: TrainingProgramme, staff: Staff, today: date | None) -> None:
    """経験年数: outside the programme's target years, only with the organiser's permission."""
    if programme.min_years is None and programme.max_years is None:
        return
    first = first_service_day(staff)
    if first is None:
        return  # not recorded: nothing to check against (the organiser sees 「不明」)
    on = programme.first_date or today or timezone.localdate()
    year = experience_year(first, on)
    if within_target(year, programme.min_years, programme.max_years):
        return
    if programme.target_exceptions.filter(staff=staff).exists():
        return
    raise TrainingError(
        ErrorCode.NOT_A_TARGET,
        f"この研修の対象は経験年数{target_label(programme.min_years, programme.max_years)}です"
        f"({staff.display_name} さんは{year}年目)。対象外で受講する必要があるときは、研修の主催者に"
        "「対象外の受講の許可」を依頼してください。",
    )


def _plan_steps(
    application: Application, programme: TrainingProgramme, unit: Organisation | None
) -> list[ApprovalStep]:
    if unit is None:
        planned: list[routes.PlannedStep] = []
    else:
        planned = routes.derive_route(
            route_chain(unit), organiser_path=programme.organiser.path, override=programme.route
        )
    return [
        ApprovalStep(
            application=application,
            order=index,
            kind=step.kind,
            organisation_id=step.organisation_id,
        )
        for index, step in enumerate(planned, start=1)
    ]


def _start_route(
    actor: Acting, application: Application, steps: Sequence[ApprovalStep]
) -> ApprovalStep | None:
    """Open the route: when a school admin or board applies for someone else (推薦), the
    leading steps they may approve themself are approved at once; the first other step
    waits. Nobody approves their own application. Returns the waiting step."""
    on_behalf = application.staff_id is None or application.staff_id != getattr(
        actor.account, "staff_id", None
    )
    now = timezone.now()
    waiting = None
    for step in steps:
        if (
            waiting is None
            and on_behalf
            and routes.may_act_on_step(
                role=actor.role,
                organisation_id=actor.organisation.pk if actor.organisation else None,
                step_kind=step.kind,
                step_organisation_id=step.organisation_id,
            )
        ):
            step.status = StepStatus.APPROVED
            step.decided_by = actor.account
            step.decided_at = now
            step.comment = "申込者(推薦者)による承認"
        elif waiting is None:
            step.status = StepStatus.PENDING
            step.pending_since = now
            waiting = step
        else:
            step.status = StepStatus.WAITING
            step.pending_since = None
            step.decided_by = None
            step.decided_at = None
            step.comment = ""
    return waiting


def application_submit(
    *,
    actor: Acting,
    programme: TrainingProgramme,
    staff: Staff | None = None,
    recommendation_rank: int | None = None,
    motivation: str = "",
    today: date | None = None,
) -> Application:
    """申し込む: for oneself (``staff`` None) or, as a school admin or board, for a member of
    staff in one's jurisdiction (``staff``; the caller checked it), with an optional
    recommendation rank (推薦順位)."""
    on_behalf = staff is not None and staff.pk != getattr(actor.account, "staff_id", None)
    _check_open(programme, today)
    if programme.kind == ProgrammeKind.RECOMMENDED and not (
        on_behalf and actor.role in ON_BEHALF_ROLES
    ):
        raise TrainingError(
            ErrorCode.RECOMMENDATION_ONLY,
            "この研修は推薦研修です。学校管理職または教育委員会が推薦して申し込みます。",
        )
    if recommendation_rank is not None and not (on_behalf and actor.role in ON_BEHALF_ROLES):
        raise TrainingError(
            ErrorCode.RANK_NOT_ALLOWED,
            "推薦順位は学校管理職・教育委員会が推薦するときだけ付けられます。",
        )
    account = None
    if staff is None:
        if actor.account is None:
            raise TrainingError(ErrorCode.NOT_AUTHENTICATED, "ログインしてください。")
        staff = actor.account.staff
        account = actor.account
    else:
        account = Account.objects.filter(staff=staff, is_active=True).first()
    unit = None
    if staff is not None:
        unit = unit_of(staff, on=today)
        if unit is None:
            raise TrainingError(
                ErrorCode.NO_UNIT,
                "現在の所属が登録されていないため申し込めません。所属の管理者に連絡してください。",
            )
    elif actor.role != Role.GUEST:
        raise TrainingError(
            ErrorCode.NO_UNIT,
            "教職員として登録されていないアカウントです。ゲストとして登録してから申し込んでください。",
        )
    _check_audience(programme, unit)
    if staff is not None and unit is not None:
        _check_targets(programme, staff, unit)
        _check_years(programme, staff, today)
    recommender = actor.organisation if on_behalf and actor.role in ON_BEHALF_ROLES else None
    with transaction.atomic():
        locked_programme = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
        application = Application(
            programme=locked_programme,
            staff=staff,
            account=account,
            unit=unit,
            motivation=motivation.strip(),
            applied_by=actor.account,
            applied_role=actor.role.value if actor.role else "",
            recommender=recommender,
            recommendation_rank=recommendation_rank if recommender else None,
            submitted_at=timezone.now(),
        )
        steps = _plan_steps(application, locked_programme, unit)
        application.status = transition(NEW, A.SUBMIT if steps else A.SUBMIT_DIRECT)
        waiting = _start_route(actor, application, steps)
        if steps and waiting is None:
            application.status = transition(application.status, A.APPROVE_LAST)
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise _duplicate(
                locked_programme, staff, account, recommender, recommendation_rank
            ) from None
        ApprovalStep.objects.bulk_create(steps)
        audit_application(
            actor,
            "submit",
            application,
            on_behalf=on_behalf,
            recommendation_rank=application.recommendation_rank,
            route=[f"{s.kind}:{s.organisation_id}:{s.status}" for s in steps],
        )
        _notify_person(
            actor,
            application,
            f"受講申込を受け付けました: {programme.title}",
            f"研修「{programme.title}」({programme.number})への受講申込を受け付けました。"
            f"現在の状態: {application.get_status_display()}",
        )
        _notify_next(actor, application, waiting)
    return application


def _duplicate(
    programme: TrainingProgramme,
    staff: Staff | None,
    account: Account | None,
    recommender: Organisation | None,
    rank: int | None,
) -> TrainingError:
    person = (
        Application.objects.filter(programme=programme, staff=staff)
        if staff is not None
        else Application.objects.filter(programme=programme, account=account, staff__isnull=True)
    )
    existing = person.first()
    if existing is not None:
        return TrainingError(
            ErrorCode.DUPLICATE,
            f"この研修には既に申込があります(状態: {existing.get_status_display()})。"
            "同じ研修に二重に申し込むことはできません。",
        )
    return TrainingError(
        ErrorCode.RANK_TAKEN,
        f"推薦順位 {rank} は{recommender.name if recommender else ''}の別の申込で使われています。別の順位を付けてください。",
    )


# --- the route -----------------------------------------------------------------------------


def _pending_step(application: Application) -> ApprovalStep:
    step = (
        application.steps.select_for_update()
        .filter(status=StepStatus.PENDING)
        .select_related("organisation")
        .first()
    )
    if step is None:
        raise TrainingError(
            ErrorCode.INVALID_TRANSITION, "この申込には承認を待っているステップがありません。"
        )
    return step


def may_act_on(actor: Acting, step: ApprovalStep, application: Application) -> bool:
    """Whether ``actor`` approves this step: the step's organisation in a role of its kind,
    and never for their own application."""
    own = application.staff_id is not None and application.staff_id == getattr(
        actor.account, "staff_id", None
    )
    return not own and routes.may_act_on_step(
        role=actor.role,
        organisation_id=actor.organisation.pk if actor.organisation else None,
        step_kind=step.kind,
        step_organisation_id=step.organisation_id,
    )


def _own_step(actor: Acting, application: Application) -> ApprovalStep:
    step = _pending_step(application)
    if not may_act_on(actor, step, application):
        raise TrainingError(
            ErrorCode.NOT_YOUR_STEP,
            f"この申込は {step.organisation.name}({step.get_kind_display()})の承認を待っています。"
            "あなたの役割では承認・否決・差し戻しはできません。",
        )
    return step


def _approve(
    actor: Acting, application: Application, steps: Sequence[ApprovalStep], comment: str
) -> tuple[ApprovalStep, ApprovalStep | None]:
    """Approve, in memory, the step waiting for ``actor`` (the application and its ``steps``,
    in order, are locked); opens the next step or ends the route. Changes nothing when it
    raises. Returns the approved step and the next one (None: the organiser decides next)."""
    transition(application.status, A.APPROVE)
    step = next((s for s in steps if s.status == StepStatus.PENDING), None)
    if step is None:
        raise TrainingError(
            ErrorCode.INVALID_TRANSITION, "この申込には承認を待っているステップがありません。"
        )
    if not may_act_on(actor, step, application):
        raise TrainingError(
            ErrorCode.NOT_YOUR_STEP,
            f"この申込は {step.organisation.name}({step.get_kind_display()})の承認を待っています。"
            "あなたの役割では承認・否決・差し戻しはできません。",
        )
    now = timezone.now()
    step.status = StepStatus.APPROVED
    step.decided_by = actor.account
    step.decided_at = now
    step.comment = comment.strip()
    following = next((s for s in steps if s.order > step.order), None)
    if following is not None:
        following.status = StepStatus.PENDING
        following.pending_since = now
    else:
        application.status = transition(application.status, A.APPROVE_LAST)
        application.updated_at = now
    return step, following


def _approved_notices(
    application: Application, following: ApprovalStep | None, known: Known | None = None
) -> list[Notice]:
    notices = _next_notices(application, following, known)
    if following is None:
        title = application.programme.title
        notices.append(
            Notice(
                participant_accounts(application),
                f"承認されました: {title}",
                f"研修「{title}」への受講申込が承認されました。主催者の受講決定をお待ちください。",
                application_url(application),
                application,
            )
        )
    return notices


def _locked_steps(application_ids: Sequence[int]) -> dict[int, list[ApprovalStep]]:
    steps: dict[int, list[ApprovalStep]] = {}
    for step in (
        ApprovalStep.objects.select_for_update(of=("self",))
        .filter(application_id__in=application_ids)
        .select_related("organisation")
        .order_by("application_id", "order")
    ):
        steps.setdefault(step.application_id, []).append(step)
    return steps


STEP_DECISION_FIELDS = ["status", "decided_by", "decided_at", "comment"]


def application_approve(
    *, actor: Acting, application: Application, comment: str = ""
) -> Application:
    """承認する: the step waiting for ``actor``; the next step (or the organiser) is told."""
    with transaction.atomic():
        locked = lock_application(application)
        steps = _locked_steps([locked.pk]).get(locked.pk, [])
        step, following = _approve(actor, locked, steps, comment)
        step.save(update_fields=STEP_DECISION_FIELDS)
        if following is not None:
            following.save(update_fields=["status", "pending_since"])
        else:
            locked.save(update_fields=["status", "updated_at"])
        audit_application(actor, "approve", locked, step=step.order, comment=step.comment)
        notify_many(_approved_notices(locked, following), exclude=actor.account)
    return locked


def application_reject(*, actor: Acting, application: Application, reason: str) -> Application:
    """否決する (理由は必須)."""
    reason = required_reason(reason, "否決")
    with transaction.atomic():
        locked = lock_application(application)
        status = transition(locked.status, A.REJECT)
        step = _own_step(actor, locked)
        step.status = StepStatus.REJECTED
        step.decided_by = actor.account
        step.decided_at = timezone.now()
        step.comment = reason
        step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        locked.status = status
        locked.reason = reason
        locked.save(update_fields=["status", "reason", "updated_at"])
        audit_application(actor, "reject", locked, step=step.order, reason=reason)
        _notify_person(
            actor,
            locked,
            f"否決されました: {locked.programme.title}",
            f"研修「{locked.programme.title}」への受講申込は {step.organisation.name} で否決されました。\n理由: {reason}",
        )
    return locked


def application_send_back(*, actor: Acting, application: Application, reason: str) -> Application:
    """差し戻す: the applicant corrects and submits again (理由は必須)."""
    reason = required_reason(reason, "差し戻し")
    with transaction.atomic():
        locked = lock_application(application)
        status = transition(locked.status, A.SEND_BACK)
        step = _own_step(actor, locked)
        step.status = StepStatus.RETURNED
        step.decided_by = actor.account
        step.decided_at = timezone.now()
        step.comment = reason
        step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        locked.status = status
        locked.reason = reason
        locked.save(update_fields=["status", "reason", "updated_at"])
        audit_application(actor, "send_back", locked, step=step.order, reason=reason)
        _notify_person(
            actor,
            locked,
            f"差し戻されました: {locked.programme.title}",
            f"研修「{locked.programme.title}」への受講申込が {step.organisation.name} から差し戻されました。"
            f"\n理由: {reason}\n内容を確認して、再申込するか取り下げてください。",
        )
    return locked


def application_resubmit(
    *, actor: Acting, application: Application, motivation: str | None = None
) -> Application:
    """再申込する (差し戻しの後): the route starts again from its first step."""
    with transaction.atomic():
        locked = lock_application(application)
        locked.status = transition(locked.status, A.RESUBMIT)
        if motivation is not None:
            locked.motivation = motivation.strip()
        locked.reason = ""
        steps = list(locked.steps.select_for_update().order_by("order"))
        waiting = _start_route(actor, locked, steps)
        ApprovalStep.objects.bulk_update(
            steps, ["status", "pending_since", "decided_by", "decided_at", "comment"]
        )
        if waiting is None:
            locked.status = transition(locked.status, A.APPROVE_LAST)
        locked.save(update_fields=["status", "motivation", "reason", "updated_at"])
        audit_application(actor, "resubmit", locked)
        _notify_next(actor, locked, waiting)
    return locked


def application_withdraw(*, actor: Acting, application: Application) -> Application:
    """取り下げる: the applicant, before the organiser's decision."""
    with transaction.atomic():
        locked = lock_application(application)
        was_waiting = locked.status == ApplicationStatus.AWAITING_DECISION
        locked.status = transition(locked.status, A.WITHDRAW)
        locked.save(update_fields=["status", "updated_at"])
        step = locked.steps.filter(status=StepStatus.PENDING).first()
        locked.steps.filter(status=StepStatus.PENDING).update(status=StepStatus.WAITING)
        audit_application(actor, "withdraw", locked)
        # Whoever was to act next no longer has to.
        recipients = (
            list(organiser_accounts(locked.programme))
            if was_waiting
            else list(step_approvers(step))
            if step is not None
            else []
        )
        notify(
            recipients=recipients,
            subject=f"申込の取り下げ: {locked.programme.title}",
            body=f"{_who(locked)} の研修「{locked.programme.title}」への受講申込は取り下げられました。",
            url=application_url(locked),
            application=locked,
            exclude=actor.account,
        )
    return locked


def application_comment(*, actor: Acting, application: Application, text: str) -> Comment:
    """コメントする: anyone who sees the application; the others involved are told."""
    text = text.strip()
    if not text:
        raise TrainingError(ErrorCode.INVALID, "コメントを入力してください。")
    if actor.account is None:
        raise TrainingError(ErrorCode.NOT_AUTHENTICATED, "ログインしてください。")
    with transaction.atomic():
        comment = Comment.objects.create(
            application=application,
            author=actor.account,
            author_role=actor.role.value if actor.role else "",
            author_organisation=actor.organisation.name if actor.organisation else "",
            text=text,
        )
        audit_record(
            actor=actor,
            action="training.application.comment",
            target=application,
            subject=application.staff or application.account,
            details={"comment": comment.pk},
        )
        step = application.steps.filter(status=StepStatus.PENDING).first()
        recipients: list[Account] = list(participant_accounts(application))
        if step is not None:
            recipients += list(step_approvers(step))
        notify(
            recipients=recipients,
            subject=f"コメント: {application.programme.title}",
            body=f"{actor.account.display_name} さんが受講申込にコメントしました。\n\n{text}",
            url=application_url(application),
            application=application,
            exclude=actor.account,
        )
    return comment


# --- in bulk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    """What happened to one application of a bulk action."""

    application_id: int
    ok: bool
    status: str = ""
    code: str = ""
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "application": self.application_id,
            "ok": self.ok,
            "status": self.status,
            "code": self.code,
            "message": self.message,
        }


def applications_approve_bulk(
    *, actor: Acting, application_ids: Iterable[int], comment: str = ""
) -> list[BulkResult]:
    """一括承認: each application on its own (one that cannot be approved does not stop the
    others); returns a result per application, in the order given.

    Set-based: the applications and their steps are locked and read in two statements, the
    changes written with three bulk updates; each approval still gets its own audit event and
    its notifications (written together, mailed after commit)."""
    ids = list(dict.fromkeys(application_ids))
    results = []
    known: Known = {}
    approved: list[ApprovalStep] = []
    opened: list[ApprovalStep] = []
    finished: list[Application] = []
    notices: list[Notice] = []
    with transaction.atomic():
        visible = applications_visible(actor).filter(pk__in=ids).values("pk")
        locked = {
            a.pk: a
            for a in Application.objects.select_for_update(of=("self",))
            .filter(pk__in=visible)
            .select_related(
                "programme", "programme__organiser", "staff", "account", "applied_by", "unit"
            )
            .order_by("pk")
        }
        steps = _locked_steps(list(locked))
        for application_id in ids:
            application = locked.get(application_id)
            if application is None:
                results.append(
                    BulkResult(
                        application_id,
                        False,
                        code=ErrorCode.NOT_FOUND,
                        message="申込が見つかりません。",
                    )
                )
                continue
            try:
                step, following = _approve(
                    actor, application, steps.get(application_id, []), comment
                )
            except TrainingError as exc:
                results.append(
                    BulkResult(application_id, False, code=exc.code, message=exc.message)
                )
                continue
            approved.append(step)
            if following is not None:
                opened.append(following)
            else:
                finished.append(application)
            audit_application(actor, "approve", application, step=step.order, comment=step.comment)
            notices += _approved_notices(application, following, known)
            results.append(
                BulkResult(
                    application_id, True, status=application.status, message="承認しました。"
                )
            )
        # The approved steps first: at most one step of an application waits at a time.
        ApprovalStep.objects.bulk_update(approved, STEP_DECISION_FIELDS, batch_size=500)
        ApprovalStep.objects.bulk_update(opened, ["status", "pending_since"], batch_size=500)
        Application.objects.bulk_update(finished, ["status", "updated_at"], batch_size=500)
        notify_many(notices, exclude=actor.account)
    return results
