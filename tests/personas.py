"""The fixed cast every permission test uses (house style: one cast, reused everywhere).

The organisation tree of the cast::

    県教育委員会 (pref)
    ├── みなみ市教育委員会 (board_m)          ← board_officer (board, also organizer)
    │   ├── みなみ小学校 (school_a)           ← principal_a, teacher_a
    │   └── みなみ市教育委員会 行政等 (admin_m)
    ├── きた町教育委員会 (board_k)
    │   └── きた中学校 (school_b)             ← teacher_b
    └── 総合教育センター (centre)             ← organizer

Personas: ``system_admin``, ``board_officer``, ``principal_a``, ``teacher_a``,
``teacher_b``, ``organizer``, ``guest``, ``no_role`` (signed in, no role anywhere) and
``anonymous``. Accounts whose role requires two-step sign-in have a confirmed
authenticator, so their pages are reachable in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from manabi.accounts.models import Account, RoleAssignment, TotpDevice
from manabi.accounts.roles import Role
from manabi.accounts.tests.factories import AccountFactory
from manabi.orgs.models import Founder, Organisation, OrganisationKind, SchoolType
from manabi.orgs.tests.factories import board, school
from manabi.people.choices import JobTitle
from manabi.people.models import Staff
from manabi.people.tests.factories import AssignmentFactory, StaffFactory

PASSWORD = "persona-password-123"
SINCE = date(2020, 4, 1)


@dataclass
class Cast:
    accounts: dict[str, Account | None] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.accounts)

    def account(self, name: str) -> Account:
        account = self.accounts[name]
        assert account is not None
        return account

    def client(self, name: str) -> Client:
        client = Client()
        account = self.accounts[name]
        if account is not None:
            client.force_login(account)
            session = client.session
            session["manabi_login_at"] = timezone.now().timestamp()
            session.save()
        return client


def _account(login_id: str, name: str, *, staff: Staff | None = None, **extra: object) -> Account:
    account: Account = AccountFactory(
        login_id=login_id, password=PASSWORD, display_name=name, staff=staff, **extra
    )
    return account


def _role(account: Account, role: Role, org: Organisation | None) -> None:
    RoleAssignment.objects.create(account=account, role=role, organisation=org, valid_from=SINCE)


def _with_totp(account: Account) -> Account:
    TotpDevice.objects.create(
        account=account, secret=pyotp.random_base32(), confirmed_at=timezone.now()
    )
    return account


def build_cast() -> Cast:
    cast = Cast()
    pref = board(code="P00001", name="県教育委員会", kind=OrganisationKind.PREFECTURE_BOARD)
    board_m = board(code="M00001", name="みなみ市教育委員会", parent=pref)
    board_k = board(code="M00002", name="きた町教育委員会", parent=pref)
    school_a = school(code="S00001", name="みなみ小学校", parent=board_m)
    school_b = school(
        code="S00002", name="きた中学校", parent=board_k, school_type=SchoolType.JUNIOR_HIGH
    )
    admin_m = board(
        code="A00001",
        name="みなみ市教育委員会 行政等",
        parent=board_m,
        kind=OrganisationKind.ADMIN_UNIT,
    )
    centre = board(
        code="C00001", name="総合教育センター", parent=pref, kind=OrganisationKind.ORGANIZER_UNIT
    )
    cast.orgs = {
        "pref": pref,
        "board_m": board_m,
        "board_k": board_k,
        "school_a": school_a,
        "school_b": school_b,
        "admin_m": admin_m,
        "centre": centre,
    }
    assert school_a.founder == Founder.MUNICIPAL

    def staff(
        key: str, number: str, name: str, kana: str, title: JobTitle, org: Organisation
    ) -> Staff:
        person: Staff = StaffFactory(staff_number=number, name=name, kana=kana, job_title=title)
        AssignmentFactory(staff=person, organisation=org, start=SINCE)
        cast.staff[key] = person
        return person

    admin = _with_totp(
        _account("persona-admin", "システム 管理者", is_staff=True, is_superuser=True)
    )
    _role(admin, Role.SYSTEM_ADMIN, None)

    officer = _with_totp(_account("persona-board", "教委 職員"))
    _role(officer, Role.BOARD, board_m)
    # Municipal boards also organise trainings (seed 000 §4): a second role to switch to.
    _role(officer, Role.ORGANIZER, board_m)

    principal = _account(
        "480002T10000001",
        "校長 一郎",
        staff=staff(
            "principal_a",
            "10000001",
            "校長 一郎",
            "こうちょう いちろう",
            JobTitle.PRINCIPAL,
            school_a,
        ),
    )
    _role(principal, Role.SCHOOL_ADMIN, school_a)
    _role(principal, Role.STAFF, school_a)

    teacher_a = _account(
        "480002T10000002",
        "南 花子",
        staff=staff(
            "teacher_a", "10000002", "南 花子", "みなみ はなこ", JobTitle.TEACHER, school_a
        ),
    )
    _role(teacher_a, Role.STAFF, school_a)

    teacher_b = _account(
        "480002T10000003",
        "北 次郎",
        staff=staff("teacher_b", "10000003", "北 次郎", "きた じろう", JobTitle.TEACHER, school_b),
    )
    _role(teacher_b, Role.STAFF, school_b)

    organizer = _account("persona-organizer", "研修 主催")
    _role(organizer, Role.ORGANIZER, centre)

    guest = _account("persona-guest", "来訪 ゲスト")
    _role(guest, Role.GUEST, None)

    no_role = _account("persona-norole", "役割 なし")

    cast.accounts = {
        "system_admin": admin,
        "board_officer": officer,
        "principal_a": principal,
        "teacher_a": teacher_a,
        "teacher_b": teacher_b,
        "organizer": organizer,
        "guest": guest,
        "no_role": no_role,
        "anonymous": None,
    }
    return cast


PERSONAS = (
    "system_admin",
    "board_officer",
    "principal_a",
    "teacher_a",
    "teacher_b",
    "organizer",
    "guest",
    "no_role",
    "anonymous",
)


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()
