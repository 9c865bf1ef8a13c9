"""Capacity, waitlist, duplicates and approvals under concurrent requests.

Each test starts threads at a barrier so that their transactions overlap; the database
(row locks and unique constraints) must keep the rules. Needs PostgreSQL (SQLite serialises
writers and has no SELECT … FOR UPDATE); skipped on SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection

from manabi.accounts.models import RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.selectors import acting_for
from manabi.accounts.tests.factories import AccountFactory
from manabi.training.choices import Decision, Visibility
from manabi.training.errors import TrainingError
from manabi.training.models import Application, TrainingProgramme
from manabi.training.services import applications, decisions
from manabi.training.states import PARTICIPANTS, ApplicationStatus
from manabi.training.tests.factories import organizer, programme
from tests.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)

S = ApplicationStatus


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("同時実行は PostgreSQL で確認します(SQLite は書き込みを直列化します)")


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once; returns each result or the TrainingError it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except TrainingError as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def guests(made: TrainingProgramme, count: int) -> list[Application]:
    found = []
    for index in range(count):
        account = AccountFactory(login_id=f"race-{made.pk}-{index}", display_name=f"来訪 {index}")
        RoleAssignment.objects.create(
            account=account, role=Role.GUEST, organisation=None, valid_from=date(2020, 4, 1)
        )
        found.append(applications.application_submit(actor=acting_for(account), programme=made))
    return found


def test_concurrent_accepts_never_exceed_the_capacity(cast: Cast) -> None:
    made = programme(cast, visibility=Visibility.PUBLIC, capacity=3)
    people = guests(made, 8)
    boss = organizer(cast)
    outcomes = race(
        *[
            lambda a=a: decisions.application_decide(
                actor=boss, application=a, decision=Decision.ACCEPTED
            )
            for a in people
        ]
    )
    accepted = [o for o in outcomes if isinstance(o, Application)]
    refused = [o for o in outcomes if isinstance(o, TrainingError)]
    assert len(accepted) == 3
    assert {e.code for e in refused} == {"capacity_full"}
    assert made.applications.filter(status__in=PARTICIPANTS).count() == 3


def test_concurrent_waitlisting_gives_distinct_positions(cast: Cast) -> None:
    made = programme(cast, visibility=Visibility.PUBLIC, capacity=1)
    people = guests(made, 6)
    boss = organizer(cast)
    race(
        *[
            lambda a=a: decisions.application_decide(
                actor=boss, application=a, decision=Decision.WAITLISTED
            )
            for a in people
        ]
    )
    positions = sorted(
        made.applications.filter(status=S.WAITLISTED).values_list("waitlist_position", flat=True)
    )
    assert positions == [1, 2, 3, 4, 5, 6]


def test_cancel_and_accept_at_once_keep_the_capacity(cast: Cast) -> None:
    """A participant cancels while the organiser accepts someone else: the waitlisted person
    is promoted into the freed place, or the accept is refused — never both."""
    made = programme(cast, visibility=Visibility.PUBLIC, capacity=1)
    holder, waiting, late = guests(made, 3)
    boss = organizer(cast)
    decisions.application_decide(actor=boss, application=holder, decision=Decision.ACCEPTED)
    decisions.application_decide(actor=boss, application=waiting, decision=Decision.WAITLISTED)
    race(
        lambda: decisions.application_cancel(
            actor=acting_for(holder.account), application=holder, reason="都合により"
        ),
        lambda: decisions.application_decide(
            actor=boss, application=late, decision=Decision.ACCEPTED
        ),
    )
    assert made.applications.filter(status__in=PARTICIPANTS).count() == 1


def test_the_same_person_applying_twice_at_once_gets_one_application(cast: Cast) -> None:
    made = programme(cast)
    teacher = acting_for(cast.account("teacher_a"))
    outcomes = race(
        *[lambda: applications.application_submit(actor=teacher, programme=made) for _ in range(5)]
    )
    assert sum(isinstance(o, Application) for o in outcomes) == 1
    assert {o.code for o in outcomes if isinstance(o, TrainingError)} == {"duplicate_application"}
    assert Application.objects.filter(programme=made).count() == 1


def test_two_approvals_of_one_step_at_once_approve_it_once(cast: Cast) -> None:
    made = programme(cast)
    application = applications.application_submit(
        actor=acting_for(cast.account("teacher_a")), programme=made
    )
    principal = acting_for(cast.account("principal_a"))
    outcomes = race(
        lambda: applications.application_approve(actor=principal, application=application),
        lambda: applications.application_approve(actor=principal, application=application),
    )
    assert sum(isinstance(o, Application) for o in outcomes) == 1
    [refused] = [o for o in outcomes if isinstance(o, TrainingError)]
    # The second finds the board's step waiting, which is not the principal's.
    assert refused.code == "not_your_step"
    steps = list(Application.objects.get(pk=application.pk).steps.order_by("order"))
    assert [s.status for s in steps] == ["approved", "pending"]
