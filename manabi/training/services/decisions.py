"""Writes of the organiser's decisions (受講決定): accept within capacity, waitlist, reject,
lottery, cancellation with promotion from the waitlist, and direct enrolment (悉皆・指名).

Capacity is kept in the database, not by check-then-act: every change that can take or free
a place first locks the programme row (``select_for_update``), so two decisions at once are
counted one after the other and never exceed the capacity (定員).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from manabi.accounts.models import Account
from manabi.accounts.selectors import Acting
from manabi.core import csvio
from manabi.core.audit import audit_record
from manabi.core.csvio import RowError
from manabi.eligibility.models import Survey
from manabi.eligibility.selectors import confirmed_targets
from manabi.people.models import Assignment, Staff, current_assignment_q
from manabi.training import lottery
from manabi.training.choices import Decision
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.models import Application, Lottery, TrainingProgramme
from manabi.training.selectors import (
    candidates_in_order,
    organiser_accounts,
    participant_accounts,
    staff_enrollable,
)
from manabi.training.services.common import (
    audit_application,
    lock_application,
    required_reason,
    transition,
)
from manabi.training.services.notifications import application_url, notify
from manabi.training.states import (
    NEW,
    PARTICIPANTS,
    ApplicationAction,
    ApplicationStatus,
    ProgrammeStatus,
)

A = ApplicationAction
MAX_CSV_ROWS = 10_000
STAFF_NUMBER_HEADERS = ("職員番号", "staff_number")


def _lock_programme(programme: TrainingProgramme) -> TrainingProgramme:
    return TrainingProgramme.objects.select_for_update().get(pk=programme.pk)


def _places_left(programme: TrainingProgramme) -> int | None:
    """Free places (None: no capacity). Call with the programme row locked."""
    if programme.capacity is None:
        return None
    taken = programme.applications.filter(status__in=PARTICIPANTS).count()
    return max(programme.capacity - taken, 0)


def _next_waitlist_position(programme: TrainingProgramme) -> int:
    top = programme.applications.aggregate(top=Max("waitlist_position"))["top"]
    return (top or 0) + 1


def _capacity_full(programme: TrainingProgramme) -> TrainingError:
    return TrainingError(
        ErrorCode.CAPACITY_FULL,
        f"定員({programme.capacity}人)に達しています。補欠にするか、定員を見直してください。",
    )


def _decision_message(application: Application) -> tuple[str, str]:
    title = application.programme.title
    status = application.status
    if status == ApplicationStatus.ACCEPTED:
        return (
            f"受講決定: {title}",
            f"研修「{title}」({application.programme.number})の受講が決まりました。日程と資料を確認してください。",
        )
    if status == ApplicationStatus.WAITLISTED:
        return (
            f"補欠になりました: {title}",
            f"研修「{title}」は定員に達したため、補欠(順位 {application.waitlist_position})になりました。"
            "欠員が出た場合は順に繰り上げ、お知らせします。",
        )
    reason = f"\n理由: {application.reason}" if application.reason else ""
    return (f"不採択: {title}", f"研修「{title}」への受講申込は不採択となりました。{reason}")


def _tell(actor: Acting, application: Application) -> None:
    subject, body = _decision_message(application)
    notify(
        recipients=participant_accounts(application),
        subject=subject,
        body=body,
        url=application_url(application),
        application=application,
        exclude=actor.account,
    )


def _apply_decision(
    actor: Acting,
    programme: TrainingProgramme,
    application: Application,
    decision: str,
    reason: str,
) -> None:
    """Change ``application`` (locked, programme locked) and save it."""
    now = timezone.now()
    if decision == Decision.ACCEPTED:
        new = transition(application.status, A.ACCEPT)
        left = _places_left(programme)
        if left is not None and left <= 0:
            raise _capacity_full(programme)
        application.waitlist_position = None
    elif decision == Decision.WAITLISTED:
        new = transition(application.status, A.WAITLIST)
        application.waitlist_position = _next_waitlist_position(programme)
    elif decision == Decision.REJECTED:
        new = transition(application.status, A.DECLINE)
        application.waitlist_position = None
        application.reason = reason.strip()
    else:
        raise TrainingError(ErrorCode.INVALID, "決定は受講決定・補欠・不採択のいずれかです。")
    application.status = new
    application.decided_by = actor.account
    application.decided_at = now
    application.save(
        update_fields=[
            "status",
            "waitlist_position",
            "reason",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )


def application_decide(
    *, actor: Acting, application: Application, decision: str, reason: str = ""
) -> Application:
    """受講決定・補欠・不採択 for one application."""
    with transaction.atomic():
        programme = _lock_programme(application.programme)
        locked = lock_application(application)
        _apply_decision(actor, programme, locked, decision, reason)
        audit_application(actor, "decide", locked, decision=decision, reason=reason.strip())
        _tell(actor, locked)
    return locked


@dataclass
class DecisionSummary:
    accepted: list[int] = field(default_factory=list)
    waitlisted: list[int] = field(default_factory=list)
    lottery: Lottery | None = None


def _decide_in_order(
    actor: Acting, programme: TrainingProgramme, order: Sequence[int], how: str
) -> DecisionSummary:
    summary = DecisionSummary()
    by_id = {a.pk: a for a in programme.applications.select_for_update().filter(pk__in=list(order))}
    left = _places_left(programme)
    for application_id in order:
        application = by_id[application_id]
        application.programme = programme
        if left is None or left > 0:
            _apply_decision(actor, programme, application, Decision.ACCEPTED, "")
            summary.accepted.append(application_id)
            if left is not None:
                left -= 1
        else:
            _apply_decision(actor, programme, application, Decision.WAITLISTED, "")
            summary.waitlisted.append(application_id)
        audit_application(actor, "decide", application, decision=application.status, by=how)
        _tell(actor, application)
    return summary


def programme_accept_in_order(*, actor: Acting, programme: TrainingProgramme) -> DecisionSummary:
    """Every application awaiting the decision, by recommendation rank and then oldest first:
    accepted while places last, the rest waitlisted in that order."""
    with transaction.atomic():
        locked = _lock_programme(programme)
        order = list(candidates_in_order(locked).values_list("pk", flat=True))
        if not order:
            raise TrainingError(ErrorCode.NOTHING_TO_DRAW, "受講決定を待っている申込はありません。")
        summary = _decide_in_order(actor, locked, order, "order")
    return summary


def programme_lottery_draw(
    *, actor: Acting, programme: TrainingProgramme, seed: int | None = None
) -> DecisionSummary:
    """抽選: every application awaiting the decision in a seeded random order; the first ones
    get the free places, the rest the waitlist in drawn order. The seed, the candidates and
    the order are recorded, so the same draw can be repeated and checked."""
    with transaction.atomic():
        locked = _lock_programme(programme)
        candidates = list(
            locked.applications.filter(status=ApplicationStatus.AWAITING_DECISION).values_list(
                "pk", flat=True
            )
        )
        if not candidates:
            raise TrainingError(
                ErrorCode.NOTHING_TO_DRAW, "抽選の対象(受講決定待ちの申込)がありません。"
            )
        used_seed = lottery.new_seed() if seed is None else seed
        order = lottery.draw(candidates, used_seed)
        left = _places_left(locked)
        record = Lottery.objects.create(
            programme=locked,
            seed=used_seed,
            places=len(order) if left is None else left,
            candidates=sorted(candidates),
            order=order,
            drawn_by=actor.account,
        )
        audit_record(
            actor=actor,
            action="training.programme.lottery",
            target=locked,
            details={
                "lottery": record.pk,
                "seed": used_seed,
                "candidates": len(order),
                "places": record.places,
            },
        )
        summary = _decide_in_order(actor, locked, order, f"lottery:{record.pk}")
        summary.lottery = record
    return summary


def application_cancel(
    *, actor: Acting, application: Application, reason: str
) -> tuple[Application, Application | None]:
    """受講を取り消す (after the decision, with a reason). When an accepted participant
    cancels, the first on the waitlist takes the place in the same transaction; returns the
    cancelled application and the promoted one (or None)."""
    reason = required_reason(reason, "取消")
    with transaction.atomic():
        programme = _lock_programme(application.programme)
        locked = lock_application(application)
        held_place = locked.status == ApplicationStatus.ACCEPTED
        locked.status = transition(locked.status, A.CANCEL)
        locked.reason = reason
        locked.waitlist_position = None
        locked.save(update_fields=["status", "reason", "waitlist_position", "updated_at"])
        audit_application(actor, "cancel", locked, reason=reason)
        notify(
            recipients=[*organiser_accounts(programme), *participant_accounts(locked)],
            subject=f"受講取消: {programme.title}",
            body=f"{locked.person_name} さんの研修「{programme.title}」の受講が取り消されました。\n理由: {reason}",
            url=application_url(locked),
            application=locked,
            exclude=actor.account,
        )
        promoted = _promote_first(actor, programme) if held_place else None
    return locked, promoted


def _promote_first(actor: Acting, programme: TrainingProgramme) -> Application | None:
    left = _places_left(programme)
    if left is not None and left <= 0:
        return None
    first = (
        programme.applications.select_for_update()
        .filter(status=ApplicationStatus.WAITLISTED)
        .order_by("waitlist_position", "pk")
        .first()
    )
    if first is None:
        return None
    first = lock_application(first)
    first.status = transition(first.status, A.PROMOTE)
    first.waitlist_position = None
    first.decided_by = actor.account
    first.decided_at = timezone.now()
    first.save(
        update_fields=["status", "waitlist_position", "decided_by", "decided_at", "updated_at"]
    )
    audit_application(actor, "promote", first)
    notify(
        recipients=participant_accounts(first),
        subject=f"補欠から繰り上がりました: {programme.title}",
        body=f"研修「{programme.title}」({programme.number})に欠員が出たため、受講が決まりました。",
        url=application_url(first),
        application=first,
    )
    return first


# --- direct enrolment (悉皆・指名) ---------------------------------------------------------


@dataclass
class EnrolResult:
    """Per person: enrolled, skipped (already applied or enrolled) or refused (why)."""

    enrolled: list[Application] = field(default_factory=list)
    skipped: list[tuple[Staff, str]] = field(default_factory=list)
    refused: list[tuple[Staff, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_direct(programme: TrainingProgramme) -> None:
    if not programme.enrolled_directly:
        raise TrainingError(
            ErrorCode.INVALID_TRANSITION,
            "受講者を直接登録できるのは悉皆研修と指名研修だけです。この研修は申込で受け付けます。",
        )
    if programme.status == ProgrammeStatus.CANCELLED:
        raise TrainingError(ErrorCode.NOT_OPEN, "中止した研修には登録できません。")


def _units(staff_ids: Sequence[int]) -> dict[int, int]:
    """Main current unit per person, in one query."""
    units: dict[int, int] = {}
    rows = (
        Assignment.objects.filter(
            current_assignment_q(timezone.localdate()), staff_id__in=staff_ids
        )
        .order_by("staff_id", "concurrent", "start", "pk")
        .values_list("staff_id", "organisation_id")
    )
    for staff_id, organisation_id in rows:
        units.setdefault(staff_id, organisation_id)
    return units


def programme_enrol(
    *, actor: Acting, programme: TrainingProgramme, staff: Sequence[Staff], source: str = "list"
) -> EnrolResult:
    """受講者として登録する (悉皆・指名): accepted at once, without an approval route. People
    already applied are skipped; people outside the audience, or beyond the capacity, refused."""
    _check_direct(programme)
    result = EnrolResult()
    people = list(dict.fromkeys(staff))
    ids = [person.pk for person in people]
    with transaction.atomic():
        locked = _lock_programme(programme)
        existing = dict(
            locked.applications.filter(staff_id__in=ids).values_list("staff_id", "status")
        )
        allowed = set(staff_enrollable(locked).filter(pk__in=ids).values_list("pk", flat=True))
        units = _units(ids)
        accounts = dict(
            Account.objects.filter(staff_id__in=ids, is_active=True).values_list("staff_id", "pk")
        )
        left = _places_left(locked)
        now = timezone.now()
        new = []
        for person in people:
            if person.pk in existing:
                label = ApplicationStatus(existing[person.pk]).label
                result.skipped.append((person, f"既に登録・申込があります({label})。"))
            elif person.pk not in allowed:
                result.refused.append((person, "研修の対象範囲(主催者の管轄)に所属していません。"))
            elif left is not None and left <= 0:
                result.refused.append((person, f"定員({locked.capacity}人)に達しています。"))
            else:
                new.append(
                    Application(
                        programme=locked,
                        staff=person,
                        account_id=accounts.get(person.pk),
                        unit_id=units.get(person.pk),
                        status=transition(NEW, A.ENROL),
                        applied_by=actor.account,
                        applied_role=actor.role.value if actor.role else "",
                        enrolled_directly=True,
                        decided_by=actor.account,
                        decided_at=now,
                        submitted_at=now,
                    )
                )
                if left is not None:
                    left -= 1
        result.enrolled = Application.objects.bulk_create(new)
        for application in result.enrolled:
            application.programme = locked
            audit_application(actor, "enrol", application, source=source)
        recipients = Account.objects.in_bulk(
            [a.account_id for a in result.enrolled if a.account_id]
        )
        for application in result.enrolled:
            account = recipients.get(application.account_id) if application.account_id else None
            if account is not None:
                notify(
                    recipients=[account],
                    subject=f"受講者に登録されました: {locked.title}",
                    body=(
                        f"研修「{locked.title}」({locked.number})の受講者に登録されました"
                        f"({locked.get_kind_display()}研修)。日程と資料を確認してください。"
                    ),
                    url=application_url(application),
                    application=application,
                )
    return result


def _staff_number(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def programme_enrol_csv(*, actor: Acting, programme: TrainingProgramme, data: bytes) -> EnrolResult:
    """CSV で登録する: a column 「職員番号」 (other columns are ignored). Every row is checked
    first; if any is wrong nothing is enrolled and every problem is reported by row."""
    _check_direct(programme)
    parsed = csvio.read_csv(data, max_rows=MAX_CSV_ROWS)
    result = EnrolResult(errors=list(parsed.errors))
    if parsed.truncated:
        result.errors.append(
            RowError.at(0, f"{MAX_CSV_ROWS:,} 行を超えるファイルは読み込めません。")
        )
    column = next(
        (i for i, name in enumerate(parsed.header) if name.strip() in STAFF_NUMBER_HEADERS), None
    )
    if column is None:
        result.errors.append(
            RowError.at(0, "見出し行に「職員番号」の列がありません。1行目を見出しにしてください。")
        )
        return result
    numbers: dict[str, int] = {}
    for row in parsed.rows:
        value = _staff_number(row.values[column] if column < len(row.values) else "")
        if not value:
            result.errors.append(RowError.at(row.number, "職員番号が空欄です。", column="職員番号"))
        elif value in numbers:
            result.errors.append(
                RowError.at(
                    row.number,
                    f"{numbers[value]}行目と同じ職員番号です。",
                    column="職員番号",
                    value=value,
                )
            )
        else:
            numbers[value] = row.number
    found = {s.staff_number: s for s in Staff.objects.filter(staff_number__in=list(numbers))}
    allowed = set(
        staff_enrollable(programme)
        .filter(staff_number__in=list(numbers))
        .values_list("staff_number", flat=True)
    )
    for value, line in numbers.items():
        if value not in found:
            result.errors.append(
                RowError.at(
                    line, "この職員番号の教職員が見つかりません。", column="職員番号", value=value
                )
            )
        elif value not in allowed:
            result.errors.append(
                RowError.at(
                    line,
                    "研修の対象範囲(主催者の管轄)に所属していない教職員です。",
                    column="職員番号",
                    value=value,
                )
            )
    if result.errors or not numbers:
        if not numbers and not result.errors:
            result.errors.append(RowError.at(0, "登録する行がありません。"))
        result.errors.sort(key=lambda e: e.row)
        return result
    return programme_enrol(
        actor=actor, programme=programme, staff=[found[v] for v in numbers], source="csv"
    )


def programme_enrol_from_survey(
    *, actor: Acting, programme: TrainingProgramme, survey: Survey, training: str
) -> EnrolResult:
    """該当者調査の○の人を登録: the confirmed targets (attending, ○) of ``training`` in the
    schools' submitted answers to the eligibility ``survey``, in one go."""
    staff_ids = list(
        confirmed_targets(actor, survey)
        .filter(training=training)
        .values_list("staff_id", flat=True)
    )
    people = list(Staff.objects.filter(pk__in=staff_ids).order_by("kana", "staff_number"))
    if not people:
        raise TrainingError(
            ErrorCode.NOTHING_TO_DRAW,
            "この調査には、選んだ研修の受講対象者(○)がいません。提出済みの学校の回答を確認してください。",
        )
    return programme_enrol(
        actor=actor, programme=programme, staff=people, source=f"survey:{survey.pk}"
    )
