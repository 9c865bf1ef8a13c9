"""The states of a programme and of an application, and every transition between them.

Pure: plain values in, plain values out, no database. Services ask :func:`application_next`
(or :func:`programme_next`) before they change anything, so a forbidden transition fails the
same way everywhere, with a Japanese message that says what is possible instead.

Application (受講申込)::

    (new) ─submit→ 承認待ち ─approve→ 承認待ち (next step) ─approve_last→ 受講決定待ち
    (new) ─submit_direct→ 受講決定待ち            (no approval route: guests, route 「承認なし」)
    (new) ─enrol→ 受講決定                         (悉皆・指名: the organiser enrols)
    承認待ち ─reject→ 否決          承認待ち ─send_back→ 差し戻し ─resubmit→ 承認待ち
    承認待ち / 差し戻し / 受講決定待ち ─withdraw→ 取り下げ   (the applicant, before the decision)
    受講決定待ち ─accept→ 受講決定 / ─waitlist→ 補欠 / ─decline→ 否決
    補欠 ─promote→ 受講決定 (first on the waitlist when a place frees up) / ─decline→ 否決
    受講決定 / 補欠 ─cancel→ 受講取消  (after the decision, with a reason)
    受講決定 ─complete→ 修了 / ─fail→ 未修了;  未修了 ─complete→ 修了 (override with a reason)
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class ApplicationStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "承認待ち"
    RETURNED = "returned", "差し戻し"
    AWAITING_DECISION = "awaiting_decision", "受講決定待ち"
    ACCEPTED = "accepted", "受講決定"
    WAITLISTED = "waitlisted", "補欠"
    REJECTED = "rejected", "否決"
    WITHDRAWN = "withdrawn", "取り下げ"
    CANCELLED = "cancelled", "受講取消"
    COMPLETED = "completed", "修了"
    NOT_COMPLETED = "not_completed", "未修了"


# The state before an application exists.
NEW = "new"

S = ApplicationStatus


class ApplicationAction(StrEnum):
    SUBMIT = "submit"
    SUBMIT_DIRECT = "submit_direct"
    ENROL = "enrol"
    APPROVE = "approve"
    APPROVE_LAST = "approve_last"
    REJECT = "reject"
    SEND_BACK = "send_back"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    ACCEPT = "accept"
    WAITLIST = "waitlist"
    DECLINE = "decline"
    PROMOTE = "promote"
    CANCEL = "cancel"
    COMPLETE = "complete"
    FAIL = "fail"
    REVERT = "revert"


A = ApplicationAction

APPLICATION_TRANSITIONS: dict[ApplicationAction, dict[str, ApplicationStatus]] = {
    A.SUBMIT: {NEW: S.PENDING_APPROVAL},
    A.SUBMIT_DIRECT: {NEW: S.AWAITING_DECISION},
    A.ENROL: {NEW: S.ACCEPTED},
    A.APPROVE: {S.PENDING_APPROVAL: S.PENDING_APPROVAL},
    A.APPROVE_LAST: {S.PENDING_APPROVAL: S.AWAITING_DECISION},
    A.REJECT: {S.PENDING_APPROVAL: S.REJECTED},
    A.SEND_BACK: {S.PENDING_APPROVAL: S.RETURNED},
    A.RESUBMIT: {S.RETURNED: S.PENDING_APPROVAL},
    A.WITHDRAW: {
        S.PENDING_APPROVAL: S.WITHDRAWN,
        S.RETURNED: S.WITHDRAWN,
        S.AWAITING_DECISION: S.WITHDRAWN,
    },
    A.ACCEPT: {S.AWAITING_DECISION: S.ACCEPTED, S.WAITLISTED: S.ACCEPTED},
    A.WAITLIST: {S.AWAITING_DECISION: S.WAITLISTED},
    A.DECLINE: {S.AWAITING_DECISION: S.REJECTED, S.WAITLISTED: S.REJECTED},
    A.PROMOTE: {S.WAITLISTED: S.ACCEPTED},
    A.CANCEL: {S.ACCEPTED: S.CANCELLED, S.WAITLISTED: S.CANCELLED},
    A.COMPLETE: {S.ACCEPTED: S.COMPLETED, S.NOT_COMPLETED: S.COMPLETED},
    A.FAIL: {S.ACCEPTED: S.NOT_COMPLETED},
    # 修了の判定を取り消す: back to a participant, to be judged again.
    A.REVERT: {S.COMPLETED: S.ACCEPTED, S.NOT_COMPLETED: S.ACCEPTED},
}

ACTION_LABELS: dict[ApplicationAction, str] = {
    A.SUBMIT: "申し込む",
    A.SUBMIT_DIRECT: "申し込む",
    A.ENROL: "受講者として登録する",
    A.APPROVE: "承認する",
    A.APPROVE_LAST: "承認する",
    A.REJECT: "否決する",
    A.SEND_BACK: "差し戻す",
    A.RESUBMIT: "再申込する",
    A.WITHDRAW: "取り下げる",
    A.ACCEPT: "受講決定にする",
    A.WAITLIST: "補欠にする",
    A.DECLINE: "不採択にする",
    A.PROMOTE: "補欠から繰り上げる",
    A.CANCEL: "受講を取り消す",
    A.COMPLETE: "修了にする",
    A.FAIL: "未修了にする",
    A.REVERT: "修了の判定を取り消す",
}

# Applications that hold (or may still get) a place: one per person per programme counts
# against re-applying, and these count against the recommendation ranks.
ACTIVE = frozenset({S.PENDING_APPROVAL, S.RETURNED, S.AWAITING_DECISION, S.ACCEPTED, S.WAITLISTED})
# Applications that occupy a place of the capacity (定員).
HOLDS_PLACE = frozenset({S.ACCEPTED, S.COMPLETED, S.NOT_COMPLETED})
# Participants (受講者): attendance, completion and the survey are theirs.
PARTICIPANTS = HOLDS_PLACE
# Before the organiser's decision.
UNDECIDED = frozenset({S.PENDING_APPROVAL, S.RETURNED, S.AWAITING_DECISION})


class TransitionNotAllowed(Exception):
    """The action is not possible in the current state; ``str()`` says so in Japanese."""

    def __init__(self, status: str, action: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.action = action


def status_label(status: str) -> str:
    if status == NEW:
        return "未申込"
    try:
        return str(ApplicationStatus(status).label)
    except ValueError:
        return status


def application_allowed(status: str, action: ApplicationAction) -> bool:
    return status in APPLICATION_TRANSITIONS[action]


def application_next(status: str, action: ApplicationAction) -> ApplicationStatus:
    """The state after ``action`` from ``status``; :class:`TransitionNotAllowed` if none."""
    try:
        return APPLICATION_TRANSITIONS[action][status]
    except KeyError:
        raise TransitionNotAllowed(
            status,
            action,
            f"この申込は「{status_label(status)}」のため、{ACTION_LABELS[action]}ことはできません。"
            "画面を再読み込みして現在の状態を確認してください。",
        ) from None


def application_actions(status: str) -> frozenset[ApplicationAction]:
    """Every action possible from ``status``."""
    return frozenset(action for action, table in APPLICATION_TRANSITIONS.items() if status in table)


# --- programmes --------------------------------------------------------------------------------


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    PUBLISHED = "published", "公開中"
    CANCELLED = "cancelled", "中止"


class ProgrammeAction(StrEnum):
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    CANCEL = "cancel"


P = ProgrammeStatus
PROGRAMME_TRANSITIONS: dict[ProgrammeAction, dict[str, ProgrammeStatus]] = {
    ProgrammeAction.PUBLISH: {P.DRAFT: P.PUBLISHED},
    ProgrammeAction.UNPUBLISH: {P.PUBLISHED: P.DRAFT},
    ProgrammeAction.CANCEL: {P.DRAFT: P.CANCELLED, P.PUBLISHED: P.CANCELLED},
}
PROGRAMME_ACTION_LABELS = {
    ProgrammeAction.PUBLISH: "公開する",
    ProgrammeAction.UNPUBLISH: "下書きに戻す",
    ProgrammeAction.CANCEL: "中止する",
}


def programme_next(status: str, action: ProgrammeAction) -> ProgrammeStatus:
    try:
        return PROGRAMME_TRANSITIONS[action][status]
    except KeyError:
        label = ProgrammeStatus(status).label if status in ProgrammeStatus.values else status
        verb = PROGRAMME_ACTION_LABELS[action]
        raise TransitionNotAllowed(
            status, action, f"この研修は「{label}」のため、{verb}ことはできません。"
        ) from None
