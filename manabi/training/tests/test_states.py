"""Every allowed and every forbidden transition of the two state machines."""

from __future__ import annotations

import pytest

from manabi.training.states import (
    APPLICATION_TRANSITIONS,
    NEW,
    PROGRAMME_TRANSITIONS,
    ApplicationAction,
    ApplicationStatus,
    ProgrammeAction,
    ProgrammeStatus,
    TransitionNotAllowed,
    application_actions,
    application_next,
    programme_next,
)

S = ApplicationStatus
A = ApplicationAction

# The whole table, written out once more by hand: a change to states.py must change this too.
EXPECTED: dict[tuple[str, ApplicationAction], ApplicationStatus] = {
    (NEW, A.SUBMIT): S.PENDING_APPROVAL,
    (NEW, A.SUBMIT_DIRECT): S.AWAITING_DECISION,
    (NEW, A.ENROL): S.ACCEPTED,
    (S.PENDING_APPROVAL, A.APPROVE): S.PENDING_APPROVAL,
    (S.PENDING_APPROVAL, A.APPROVE_LAST): S.AWAITING_DECISION,
    (S.PENDING_APPROVAL, A.REJECT): S.REJECTED,
    (S.PENDING_APPROVAL, A.SEND_BACK): S.RETURNED,
    (S.RETURNED, A.RESUBMIT): S.PENDING_APPROVAL,
    (S.PENDING_APPROVAL, A.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED, A.WITHDRAW): S.WITHDRAWN,
    (S.AWAITING_DECISION, A.WITHDRAW): S.WITHDRAWN,
    (S.AWAITING_DECISION, A.ACCEPT): S.ACCEPTED,
    (S.WAITLISTED, A.ACCEPT): S.ACCEPTED,
    (S.AWAITING_DECISION, A.WAITLIST): S.WAITLISTED,
    (S.AWAITING_DECISION, A.DECLINE): S.REJECTED,
    (S.WAITLISTED, A.DECLINE): S.REJECTED,
    (S.WAITLISTED, A.PROMOTE): S.ACCEPTED,
    (S.ACCEPTED, A.CANCEL): S.CANCELLED,
    (S.WAITLISTED, A.CANCEL): S.CANCELLED,
    (S.ACCEPTED, A.COMPLETE): S.COMPLETED,
    (S.NOT_COMPLETED, A.COMPLETE): S.COMPLETED,
    (S.ACCEPTED, A.FAIL): S.NOT_COMPLETED,
    (S.COMPLETED, A.REVERT): S.ACCEPTED,
    (S.NOT_COMPLETED, A.REVERT): S.ACCEPTED,
}
STATES = [NEW, *S.values]
ALL_PAIRS = [(status, action) for status in STATES for action in A]


def test_the_table_is_what_the_docs_say() -> None:
    actual = {
        (status, action): target
        for action, table in APPLICATION_TRANSITIONS.items()
        for status, target in table.items()
    }
    assert actual == EXPECTED


@pytest.mark.parametrize(("status", "action"), sorted(EXPECTED))
def test_allowed_transition(status: str, action: ApplicationAction) -> None:
    assert application_next(status, action) == EXPECTED[(status, action)]
    assert action in application_actions(status)


@pytest.mark.parametrize(("status", "action"), [pair for pair in ALL_PAIRS if pair not in EXPECTED])
def test_forbidden_transition(status: str, action: ApplicationAction) -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        application_next(status, action)
    assert caught.value.status == status
    assert "できません" in str(caught.value)
    assert action not in application_actions(status)


def test_final_states_allow_nothing_but_what_the_table_says() -> None:
    for final in (S.REJECTED, S.WITHDRAWN, S.CANCELLED):
        assert application_actions(final) == frozenset()
    # A judgement can only be taken back by the organiser (or, not completed, overridden).
    assert application_actions(S.COMPLETED) == {A.REVERT}
    assert application_actions(S.NOT_COMPLETED) == {A.COMPLETE, A.REVERT}


def test_forbidden_message_is_japanese_and_names_the_state() -> None:
    with pytest.raises(
        TransitionNotAllowed, match="「修了」のため、受講を取り消すことはできません"
    ):
        application_next(S.COMPLETED, A.CANCEL)


PROGRAMME_EXPECTED = {
    (ProgrammeStatus.DRAFT, ProgrammeAction.PUBLISH): ProgrammeStatus.PUBLISHED,
    (ProgrammeStatus.PUBLISHED, ProgrammeAction.UNPUBLISH): ProgrammeStatus.DRAFT,
    (ProgrammeStatus.DRAFT, ProgrammeAction.CANCEL): ProgrammeStatus.CANCELLED,
    (ProgrammeStatus.PUBLISHED, ProgrammeAction.CANCEL): ProgrammeStatus.CANCELLED,
}


def test_programme_table() -> None:
    actual = {
        (status, action): target
        for action, table in PROGRAMME_TRANSITIONS.items()
        for status, target in table.items()
    }
    assert actual == PROGRAMME_EXPECTED


@pytest.mark.parametrize(
    ("status", "action"),
    [(status, action) for status in ProgrammeStatus.values for action in ProgrammeAction],
)
def test_every_programme_transition(status: str, action: ProgrammeAction) -> None:
    expected = PROGRAMME_EXPECTED.get((ProgrammeStatus(status), action))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            programme_next(status, action)
    else:
        assert programme_next(status, action) == expected
