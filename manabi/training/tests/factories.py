"""Programmes for tests, built through the services (as people would make them).

``programme(cast, ...)`` registers a programme of the education centre (総合教育センター) by the
cast's organizer, adds its sessions and publishes it. The municipal boards of the cast get
their 研修事業番号 local codes (みなみ市 01, きた町 02) from ``numbering_codes``.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from manabi.accounts.models import RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting, acting_for
from manabi.accounts.tests.factories import AccountFactory
from manabi.orgs.models import Founder, Organisation, SchoolType
from manabi.orgs.tests.factories import school
from manabi.people.models import Staff
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from manabi.records.choices import RecordCategory
from manabi.training.models import NumberingCode, TrainingProgramme
from manabi.training.services.programmes import (
    ProgrammeInput,
    SessionInput,
    programme_create,
    programme_publish,
    session_add,
)
from tests.personas import PASSWORD, SINCE, Cast

FISCAL_YEAR = 2026
TODAY = date(2026, 6, 1)


def numbering_codes(cast: Cast) -> None:
    for name, code in (("board_m", "01"), ("board_k", "02")):
        NumberingCode.objects.get_or_create(
            organisation=cast.orgs[name], defaults={"local_code": code}
        )


def organizer(cast: Cast) -> Acting:
    return acting_for(cast.account("organizer"))


def as_role(cast: Cast, name: str, role: Role) -> Acting:
    """``name`` acting in ``role`` (e.g. the board officer as 研修主催者)."""
    account = cast.account(name)
    assignment = RoleAssignment.objects.get(account=account, role=role)
    return acting_for(account, assignment_id=assignment.pk)


def programme(
    cast: Cast,
    *,
    actor: Acting | None = None,
    organiser: Organisation | None = None,
    sessions: int = 1,
    publish: bool = True,
    hours: str = "3.0",
    **fields: Any,
) -> TrainingProgramme:
    numbering_codes(cast)
    actor = actor or organizer(cast)
    fields.setdefault("title", "道徳教育の充実に向けた授業づくり研修")
    fields.setdefault("fiscal_year", FISCAL_YEAR)
    fields.setdefault("category", RecordCategory.REQUIRED_I)
    data = ProgrammeInput(organiser=organiser or cast.orgs["centre"], **fields)
    made = programme_create(actor=actor, data=data)
    for index in range(sessions):
        session_add(
            actor=actor,
            programme=made,
            data=SessionInput(
                date=date(FISCAL_YEAR, 8, 1 + index),
                hours=Decimal(hours),
                start_time=time(9, 30),
                end_time=time(12, 30),
                venue="総合教育センター 第1研修室",
            ),
        )
    if publish:
        made = programme_publish(actor=actor, programme=made)
    made.refresh_from_db()
    return made


def prefectural_school(cast: Cast) -> Organisation:
    """県立みらい高等学校, straight under the prefectural board (the cast has none)."""
    org: Organisation = school(
        code="S00009",
        name="県立みらい高等学校",
        parent=cast.orgs["pref"],
        school_type=SchoolType.HIGH,
        founder=Founder.PREFECTURAL,
    )
    return org


def person_at(
    org: Organisation,
    *,
    number: str,
    name: str = "県立 太郎",
    role: Role = Role.STAFF,
    **extra: Any,
) -> tuple[Staff, Acting]:
    """A member of staff at ``org`` with an account acting in ``role`` there."""
    staff: Staff = StaffFactory(staff_number=number, name=name, kana="けんりつ たろう", **extra)
    AssignmentFactory(staff=staff, organisation=org, start=SINCE)
    account = AccountFactory(
        login_id=f"480002T{number}", password=PASSWORD, display_name=name, staff=staff
    )
    RoleAssignment.objects.create(account=account, role=role, organisation=org, valid_from=SINCE)
    return staff, acting_for(account)
