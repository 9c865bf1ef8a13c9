"""Demo accounts of みらい県: one account per member of staff, and the accounts to sign in with.

Every member of staff gets an account (login ID 480002T + 職員番号) without a usable password,
as after the April import of a real prefecture, and roles that follow their assignments:
教職員 (staff) at every school they work at, 兼務 included, and 学校管理職 (school_admin) for
校長・園長・副校長・教頭 at their school.

The accounts listed by ``manabi demo accounts`` have known passwords that meet the standard
policy (12 characters or more, without the login ID or the name). Those whose role needs
two-step sign-in (``settings.MFA_REQUIRED_ROLES``: system administrator, board) have a
confirmed authenticator with the published secret :data:`DEMO_TOTP_SECRET`; add it to an
authenticator app ("enter a setup key") to get the codes. Two teachers are still in first
login (初回ログイン) with an initial password, to try that flow.

Every build puts the listed accounts back as documented (password, first login,
authenticator, roles, not suspended), so the printed list works after each ``manabi demo``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import check_password, is_password_usable, make_password
from django.db import transaction
from django.utils import timezone

from manabi.accounts.models import Account, RoleAssignment, TotpDevice
from manabi.accounts.rolegroups import RoleGroup
from manabi.accounts.roles import Role
from manabi.accounts.services import login_id_for_staff
from manabi.demo.registry import DEMO_PREFECTURE_CODE, STANDARD, DemoAccount, DemoOptions
from manabi.orgs.demo import OrgSpec, organisation_plan
from manabi.orgs.models import Organisation
from manabi.people.choices import SCHOOL_LEADER_TITLES, EmploymentType, JobTitle
from manabi.people.demo import LATEST_YEAR, StaffSpec, staff_plan
from manabi.people.models import Staff

ORDER = 30
BATCH_SIZE = 2000

# The authenticator secret of every demo account that signs in with two steps (base32).
DEMO_TOTP_SECRET = "MANABIDEMOTOTPSECRETKEY234567ABC"
ROLES_SINCE = date(LATEST_YEAR, 4, 1)


@dataclass(frozen=True)
class _Other:
    """A listed account without a staff number (login ID: prefecture code + role letter)."""

    login_id: str
    password: str
    role: Role
    organisation: str | None  # the organisation's name; None for system-wide roles
    name: str
    label: str = ""  # shown instead of the organisation's name
    superuser: bool = False


P = DEMO_PREFECTURE_CODE
CENTRE = "みらい県総合教育センター"
OTHERS = (
    _Other(
        f"{P}A0001",
        "demo-kanri-2026",
        Role.SYSTEM_ADMIN,
        None,
        "管理 はるか",
        label="みらい県教育委員会",
        superuser=True,
    ),
    _Other(f"{P}B00001", "demo-kyoui-2026", Role.BOARD, "みらい県教育委員会", "青山 俊介"),
    _Other(f"{P}B00002", "demo-kyoui-2026", Role.BOARD, "みらい市教育委員会", "水野 千夏"),
    _Other(f"{P}O00001", "demo-kenshu-2026", Role.ORGANIZER, CENTRE, "小池 弘樹"),
    _Other(f"{P}O00002", "demo-kenshu-2026", Role.ORGANIZER, f"{CENTRE} 教科研修課", "岩田 理沙"),
    _Other(f"{P}G00001", "demo-guest-2026", Role.GUEST, None, "森本 葵", label="所属なし"),
)


@dataclass(frozen=True)
class _Chosen:
    """A listed account of a member of staff, chosen from the staff plan."""

    staff: StaffSpec
    password: str
    role: Role
    note: str
    onboarding: bool = False
    # The school role group (別表1/2) the account acts in; システム担当 is a designation that
    # ``access/demo.py`` makes, the others follow from the role and the job title.
    role_group: RoleGroup | None = None
    # What ``classes/demo.py`` makes the person responsible for: "homeroom" (a class of
    # their own), "grade_head" (学年主任 of that grade, and a class), "subject" (教科担当).
    duty: str = ""


JST = ZoneInfo("Asia/Tokyo")


def _by_name() -> dict[str, OrgSpec]:
    """The standard plan's organisations by name (names are unique in it)."""
    return {spec.name: spec for spec in organisation_plan(STANDARD)}


def _name_of(code: str) -> str:
    return next(spec.name for spec in organisation_plan(STANDARD) if spec.code == code)


@cache
def _chosen() -> tuple[_Chosen, ...]:
    """The staff whose accounts are listed; always from the standard plan, which every size
    contains, so the list is the same for every size."""
    people = staff_plan(STANDARD)
    orgs = _by_name()
    taken: set[str] = set()

    def pick(school: str, title: JobTitle, *, concurrent: bool = False) -> StaffSpec:
        code = orgs[school].code if school else ""
        for person in people:
            if (
                person.staff_number not in taken
                and person.job_title == title
                and (not code or person.main.organisation == code)
                and person.employment_type == EmploymentType.REGULAR
                and (len(person.assignments) > 1) == concurrent
            ):
                taken.add(person.staff_number)
                return person
        raise LookupError(f"no {title} at {school or 'any school'} in the demo plan")

    chuo = "みらい市立中央小学校"
    higashi = "みらい市立東小学校"
    shared = pick("", JobTitle.TEACHER, concurrent=True)
    second = _name_of(shared.assignments[1].organisation)
    g = RoleGroup
    return (
        _Chosen(
            pick(chuo, JobTitle.PRINCIPAL),
            "demo-kouchou-2026",
            Role.SCHOOL_ADMIN,
            "校長",
            role_group=g.PRINCIPAL,
        ),
        _Chosen(
            pick(chuo, JobTitle.HEAD_TEACHER),
            "demo-kyoutou-2026",
            Role.SCHOOL_ADMIN,
            "教頭",
            role_group=g.VICE_PRINCIPAL,
        ),
        _Chosen(
            pick(chuo, JobTitle.TEACHER),
            "demo-kyouin-2026",
            Role.STAFF,
            "教諭・3年1組担任",
            role_group=g.TEACHER,
            duty="homeroom",
        ),
        _Chosen(
            pick(chuo, JobTitle.TEACHER),
            "demo-kyouin-2026",
            Role.STAFF,
            "教諭・3学年主任",
            role_group=g.TEACHER,
            duty="grade_head",
        ),
        _Chosen(
            pick(chuo, JobTitle.SENIOR_TEACHER),
            "demo-kyouin-2026",
            Role.STAFF,
            "主幹教諭・システム担当",
            role_group=g.SYSTEM_STAFF,
        ),
        _Chosen(
            pick(chuo, JobTitle.NURSE_TEACHER),
            "demo-yougo-2026",
            Role.STAFF,
            "養護教諭",
            role_group=g.NURSE,
        ),
        _Chosen(
            pick(chuo, JobTitle.CLERK),
            "demo-jimu-2026",
            Role.STAFF,
            "事務職員",
            role_group=g.CLERK,
        ),
        _Chosen(
            pick(higashi, JobTitle.HEAD_TEACHER),
            "demo-kyoutou-2026",
            Role.SCHOOL_ADMIN,
            "教頭・転入の受入れ",
            role_group=g.VICE_PRINCIPAL,
        ),
        _Chosen(
            pick("みらい市立中央中学校", JobTitle.TEACHER),
            "demo-kyouin-2026",
            Role.STAFF,
            "教諭・教科担当",
            role_group=g.TEACHER,
            duty="subject",
        ),
        _Chosen(
            pick("みらい県立みらい高等学校", JobTitle.TEACHER),
            "demo-kyouin-2026",
            Role.STAFF,
            "教諭",
            role_group=g.TEACHER,
        ),
        _Chosen(
            pick("みらい県立みらい特別支援学校", JobTitle.TEACHER),
            "demo-kyouin-2026",
            Role.STAFF,
            "教諭",
            role_group=g.TEACHER,
        ),
        _Chosen(shared, "demo-kyouin-2026", Role.STAFF, f"教諭・{second}と兼務"),
        _Chosen(
            pick(higashi, JobTitle.TEACHER),
            "demo-shokai-0001",
            Role.STAFF,
            "教諭・初回ログイン前",
            onboarding=True,
        ),
        _Chosen(
            pick(higashi, JobTitle.TEACHER),
            "demo-shokai-0002",
            Role.STAFF,
            "教諭・初回ログイン前",
            onboarding=True,
        ),
    )


@dataclass(frozen=True)
class ListedStaff:
    """A listed school account, for the apps that give it something to show (duties, the
    システム担当 designation)."""

    login_id: str
    staff_number: str
    school_code: str
    role_group: RoleGroup | None
    duty: str


def listed_school_staff() -> tuple[ListedStaff, ...]:
    return tuple(
        ListedStaff(
            login_id=login_id_for_staff(c.staff.staff_number),
            staff_number=c.staff.staff_number,
            school_code=c.staff.main.organisation,
            role_group=c.role_group,
            duty=c.duty,
        )
        for c in _chosen()
    )


def _needs_totp(role: Role) -> bool:
    return role.value in settings.MFA_REQUIRED_ROLES


def accounts() -> list[DemoAccount]:
    listed = [
        DemoAccount(
            login_id=other.login_id,
            password=other.password,
            role=other.role.value,
            organisation=other.label or other.organisation or "",
            name=other.name,
            totp_secret=DEMO_TOTP_SECRET if _needs_totp(other.role) else "",
        )
        for other in OTHERS
    ]
    listed += [
        DemoAccount(
            login_id=login_id_for_staff(chosen.staff.staff_number),
            password=chosen.password,
            role=chosen.role.value,
            organisation=_name_of(chosen.staff.main.organisation),
            name=chosen.staff.display_name,
            totp_secret=DEMO_TOTP_SECRET if _needs_totp(chosen.role) else "",
            onboarding=chosen.onboarding,
            note=chosen.note,
            role_group=chosen.role_group.value if chosen.role_group else "",
        )
        for chosen in _chosen()
    ]
    return listed


def _staff_roles(person: StaffSpec) -> Iterable[tuple[Role, str, date]]:
    """(role, 所属コード, from) a member of staff holds: 教職員 wherever they work, and
    学校管理職 at their school for its leaders."""
    for assignment in person.assignments:
        yield Role.STAFF, assignment.organisation, assignment.start
    if person.job_title in SCHOOL_LEADER_TITLES:
        yield Role.SCHOOL_ADMIN, person.main.organisation, person.main.start


def _create_staff_accounts(plan: tuple[StaffSpec, ...], orgs: dict[str, int]) -> None:
    """An account for every planned member of staff who has none (nor whose login ID is
    taken), then the roles of ``_staff_roles`` they do not hold yet: in bulk, no audit row."""
    staff_ids = dict(Staff.objects.values_list("staff_number", "pk"))
    with_account = set(Account.objects.filter(staff__isnull=False).values_list("staff", flat=True))
    taken = set(Account.objects.values_list("login_id", flat=True))
    # It is autumn in the demo: nine in ten people finished first login long ago (with a
    # password nobody knows); the rest have not had an initial password yet, so the
    # first-login progress pages have something to show.
    finished = make_password(secrets.token_urlsafe(32))
    new = []
    for person in plan:
        login_id = login_id_for_staff(person.staff_number)
        staff_id = staff_ids[person.staff_number]
        if staff_id not in with_account and login_id not in taken:
            done = int(person.staff_number) % 10 != 0
            changed = datetime.combine(person.main.start, time(9), tzinfo=JST) + timedelta(days=7)
            new.append(
                Account(
                    login_id=login_id,
                    display_name=person.display_name,
                    staff_id=staff_id,
                    # unusable until an initial password is issued
                    password=finished if done else make_password(None),
                    email=f"t{person.staff_number}@mirai-pref.example.jp" if done else "",
                    email_verified_at=changed if done else None,
                    password_changed_at=changed if done else None,
                )
            )
    Account.objects.bulk_create(new, batch_size=BATCH_SIZE)

    account_of = dict(
        Account.objects.filter(staff__isnull=False).values_list("staff__staff_number", "pk")
    )
    existing = set(RoleAssignment.objects.values_list("account", "role", "organisation"))
    roles = []
    for person in plan:
        account_id = account_of.get(person.staff_number)
        if account_id is None:
            continue
        for role, code, since in _staff_roles(person):
            key = (account_id, role.value, orgs[code])
            if key not in existing:
                existing.add(key)
                roles.append(
                    RoleAssignment(
                        account_id=account_id,
                        role=role,
                        organisation_id=orgs[code],
                        valid_from=since,
                    )
                )
    RoleAssignment.objects.bulk_create(roles, batch_size=BATCH_SIZE)


class _Passwords:
    """Hashes each demo password once per build, and checks each stored hash once."""

    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}
        self._checked: dict[tuple[str, str], bool] = {}

    def encoded(self, password: str) -> str:
        if password not in self._hashes:
            self._hashes[password] = make_password(password)
            self._checked[(password, self._hashes[password])] = True
        return self._hashes[password]

    def matches(self, password: str, encoded: str) -> bool:
        if not is_password_usable(encoded):
            return False  # (check_password would spend a hash on it, against timing attacks)
        key = (password, encoded)
        if key not in self._checked:
            self._checked[key] = check_password(password, encoded)
        return self._checked[key]


def _restore(account: Account, *, password: str, onboarding: bool, passwords: _Passwords) -> None:
    """Put a listed account back as documented: its password works, it is not suspended,
    and it is in first login exactly when the list says so."""
    if not passwords.matches(password, account.password):
        account.password = passwords.encoded(password)
    account.is_active = True
    account.suspended_at = None
    account.suspended_reason = ""
    account.onboarding_required = onboarding
    if onboarding:
        days = settings.INITIAL_PASSWORD_VALID_DAYS
        account.initial_password_expires_at = timezone.now() + timedelta(days=days)
        account.email = ""
        account.email_verified_at = None
    else:
        account.initial_password_expires_at = None
    account.save()


def _ensure_totp(account: Account) -> None:
    device = TotpDevice.objects.filter(account=account).first()
    if device is None:
        TotpDevice.objects.create(
            account=account, secret=DEMO_TOTP_SECRET, confirmed_at=timezone.now()
        )
    elif device.secret != DEMO_TOTP_SECRET or device.confirmed_at is None:
        device.secret = DEMO_TOTP_SECRET
        device.confirmed_at = timezone.now()
        device.last_counter = -1
        device.save()


def _ensure_listed(orgs: dict[str, int]) -> None:
    passwords = _Passwords()
    by_name = _by_name()
    for other in OTHERS:
        account = Account.objects.filter(login_id=other.login_id).first()
        if account is None:
            account = Account(
                login_id=other.login_id,
                display_name=other.name,
                is_staff=other.superuser,
                is_superuser=other.superuser,
                password=passwords.encoded(other.password),
            )
        _restore(account, password=other.password, onboarding=False, passwords=passwords)
        organisation = by_name[other.organisation] if other.organisation else None
        organisation_id = orgs[organisation.code] if organisation else None
        held = RoleAssignment.objects.filter(account=account, role=other.role)
        if not held.filter(organisation=organisation_id).exists():
            RoleAssignment.objects.create(
                account=account,
                role=other.role,
                organisation_id=organisation_id,
                valid_from=ROLES_SINCE,
            )
        if _needs_totp(other.role):
            _ensure_totp(account)
    for chosen in _chosen():
        account = Account.objects.get(login_id=login_id_for_staff(chosen.staff.staff_number))
        _restore(
            account, password=chosen.password, onboarding=chosen.onboarding, passwords=passwords
        )
        if _needs_totp(chosen.role):
            _ensure_totp(account)


def build(options: DemoOptions) -> None:
    """Accounts and roles for every planned member of staff that has none yet, then the
    listed accounts as documented."""
    plan = staff_plan(options.size)
    with transaction.atomic():
        orgs = dict(Organisation.objects.values_list("code", "pk"))
        _create_staff_accounts(plan, orgs)
        _ensure_listed(orgs)
