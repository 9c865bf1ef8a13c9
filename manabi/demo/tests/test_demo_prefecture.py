"""The standard demo prefecture, built once for the module (rolled back at its end)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pyotp
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from manabi.access.models import FunctionPermission, RoleGroupDesignation
from manabi.accounts.models import Account, RoleAssignment, TotpDevice
from manabi.accounts.passwords import POLICIES, password_problems, personal_values
from manabi.accounts.rolegroups import SCHOOL_GROUPS
from manabi.accounts.roles import Role
from manabi.accounts.services import login_id_for_staff
from manabi.classes.models import Duty, DutyKind, LessonClass, SchoolClass
from manabi.core.audit import audit_verify
from manabi.core.codes import (
    is_valid_local_government_code,
    is_valid_school_code,
    parse_school_code,
)
from manabi.core.kana import validate_furigana
from manabi.core.models import AuditEvent
from manabi.orgs.models import Founder, HighSchoolCourse, Organisation, OrganisationKind, SchoolType
from manabi.people.choices import EmploymentType, JobTitle
from manabi.people.models import Assignment, Staff
from manabi.students.models import Enrolment, Guardian, Student, Transfer

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HIRAGANA = re.compile(r"[\u3041-\u3096ー ]+")
PRINCIPALS = {JobTitle.PRINCIPAL.value, JobTitle.KINDERGARTEN_PRINCIPAL.value}
VICES = {
    JobTitle.VICE_PRINCIPAL.value,
    JobTitle.KINDERGARTEN_VICE_PRINCIPAL.value,
    JobTitle.HEAD_TEACHER.value,
}
BOARDS = {OrganisationKind.PREFECTURE_BOARD, OrganisationKind.MUNICIPAL_BOARD}


@pytest.fixture(scope="module")
def prefecture(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[dict[str, Any]]]:
    """Build the standard demo once; every test runs inside it and the module rolls it back."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("demo", "--no-serve", stdout=StringIO())
        out = StringIO()
        call_command("demo", "accounts", "--json", stdout=out)
        yield json.loads(out.getvalue())
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("prefecture")


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            Staff,
            Assignment,
            Account,
            RoleAssignment,
            TotpDevice,
            SchoolClass,
            LessonClass,
            Duty,
            Student,
            Guardian,
            Enrolment,
            Transfer,
            RoleGroupDesignation,
            FunctionPermission,
        )
    }


@pytest.mark.django_db
def test_every_listed_account_signs_in(prefecture: list[dict[str, Any]]) -> None:
    for entry in prefecture:
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": entry["login_id"], "password": entry["password"]}
        )
        assert response.status_code == 302, entry["login_id"]
        if entry.get("totp_secret"):
            assert response["Location"] == "/accounts/login/verify/", entry["login_id"]
            code = pyotp.TOTP(entry["totp_secret"]).now()
            response = client.post("/accounts/login/verify/", {"code": code})
            assert response.status_code == 302, entry["login_id"]
        home = client.get("/")
        if entry.get("onboarding"):
            assert home.status_code == 302, entry["login_id"]
            assert home["Location"] == "/accounts/onboarding/", entry["login_id"]
        else:
            assert home.status_code == 200, entry["login_id"]


@pytest.mark.django_db
def test_a_second_build_creates_nothing_and_writes_one_audit_event() -> None:
    before, events = _counts(), AuditEvent.objects.count()
    call_command("demo", "--no-serve", stdout=StringIO())
    assert _counts() == before
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.filter(action="demo.build").count() == 2
    assert audit_verify()[1] == []


@pytest.mark.django_db
def test_listed_accounts_have_their_roles_and_policy_compliant_passwords(
    prefecture: list[dict[str, Any]],
) -> None:
    for entry in prefecture:
        account = Account.objects.select_related("staff").get(login_id=entry["login_id"])
        roles = set(account.role_assignments.values_list("role", flat=True))
        assert entry["role"] in roles, entry["login_id"]
        for policy in POLICIES.values():
            assert (
                password_problems(
                    entry["password"], policy=policy, personal=personal_values(account)
                )
                == []
            ), entry["login_id"]
        assert account.onboarding_required is bool(entry.get("onboarding"))
        if entry.get("onboarding"):
            assert account.initial_password_expires_at is not None
        device = TotpDevice.objects.filter(account=account).first()
        if entry.get("totp_secret"):
            assert device is not None and device.confirmed_at is not None
            assert device.secret == entry["totp_secret"]
        else:
            assert device is None
    principal = Account.objects.get(
        login_id=next(e["login_id"] for e in prefecture if e.get("note") == "校長")
    )
    assert set(principal.role_assignments.values_list("role", flat=True)) == {
        Role.SCHOOL_ADMIN.value,
        Role.STAFF.value,
    }
    shared = Account.objects.get(
        login_id=next(e["login_id"] for e in prefecture if "兼務" in e.get("note", ""))
    )
    staff_roles = shared.role_assignments.filter(role=Role.STAFF)
    assert staff_roles.values("organisation").distinct().count() == 2


@pytest.mark.django_db
def test_the_tree_is_consistent() -> None:
    orgs = {org.pk: org for org in Organisation.objects.all()}
    kinds = Counter(org.kind for org in orgs.values())
    assert kinds[OrganisationKind.PREFECTURE_BOARD] == 1
    assert kinds[OrganisationKind.MUNICIPAL_BOARD] == 3
    assert 28 <= kinds[OrganisationKind.SCHOOL] <= 34
    for org in orgs.values():
        parent = orgs.get(org.parent_id) if org.parent_id else None
        assert org.path == f"{parent.path if parent else '/'}{org.pk}/", org.name
        assert org.code and re.fullmatch(r"048-000-\d{4}", org.phone), org.name
        assert HIRAGANA.fullmatch(org.name_kana), org.name_kana
        if org.kind in BOARDS:
            assert is_valid_local_government_code(org.local_government_code), org.name
            assert org.local_government_code.startswith("48")
        if org.kind == OrganisationKind.ADMIN_UNIT:
            assert parent is not None and parent.kind in BOARDS
        if org.is_school:
            assert parent is not None and parent.kind in BOARDS, org.name
            assert org.path.startswith(parent.path)
            assert is_valid_school_code(org.school_code), org.school_code
            code = parse_school_code(org.school_code)
            assert code.prefecture == "48" and code.founder_code == "2"
            expected_founder = (
                Founder.PREFECTURAL
                if parent.kind == OrganisationKind.PREFECTURE_BOARD
                else Founder.MUNICIPAL
            )
            assert org.founder == expected_founder, org.name
    boards = [org for org in orgs.values() if org.kind in BOARDS]
    for board in boards:
        children = [org for org in orgs.values() if org.parent_id == board.pk]
        assert sum(c.kind == OrganisationKind.ADMIN_UNIT for c in children) == 1, board.name
        assert any(c.is_school for c in children), board.name
    centre = Organisation.objects.get(name="みらい県総合教育センター")
    assert centre.kind == OrganisationKind.ORGANIZER_UNIT
    assert centre.children.filter(kind=OrganisationKind.ORGANIZER_UNIT).count() == 3
    schools = [org for org in orgs.values() if org.is_school]
    assert {org.school_type for org in schools} == set(SchoolType.values)
    high_courses = {org.high_school_course for org in schools if org.school_type == "high"}
    assert high_courses == {HighSchoolCourse.FULL_TIME, HighSchoolCourse.PART_TIME}


@pytest.mark.django_db
def test_the_staff() -> None:
    people = list(Staff.objects.prefetch_related("assignments__organisation"))
    assert 1_350 <= len(people) <= 1_700
    by_school: dict[str, list[str]] = {}
    titles_by_type: dict[str, set[str]] = {}
    for person in people:
        assert re.fullmatch(r"[0-9]{8}", person.staff_number)
        assert HIRAGANA.fullmatch(person.kana), person.kana
        assert len(person.name.split(" ")) == len(person.kana.split(" ")) == 2
        assert person.birth_date is not None and 1962 <= person.birth_date.year <= 2001
        main = [a for a in person.assignments.all() if not a.concurrent]
        assert len(main) == 1, person
        assert main[0].start.month == 4 and main[0].start.day == 1
        org = main[0].organisation
        if org.is_school:
            by_school.setdefault(org.code, []).append(person.job_title)
            titles_by_type.setdefault(org.school_type, set()).add(person.job_title)
    for code, titles in by_school.items():
        assert sum(t in PRINCIPALS for t in titles) == 1, code
        assert sum(t in VICES for t in titles) == 1, code
    assert JobTitle.DORMITORY_SUPERVISOR in titles_by_type[SchoolType.SPECIAL_NEEDS]
    assert JobTitle.LAB_ASSISTANT in titles_by_type[SchoolType.HIGH]
    assert JobTitle.NURSERY_TEACHER in titles_by_type[SchoolType.CERTIFIED_CHILDCARE]
    for school_type, titles in titles_by_type.items():
        if school_type != SchoolType.SPECIAL_NEEDS:
            assert JobTitle.DORMITORY_SUPERVISOR not in titles, school_type
        if school_type != SchoolType.CERTIFIED_CHILDCARE:
            assert JobTitle.NURSERY_TEACHER not in titles, school_type
    employment = Counter(person.employment_type for person in people)
    assert set(employment) == set(EmploymentType.values)
    assert employment[EmploymentType.REGULAR] > len(people) * 0.7
    assert sum(person.prefecture_funded for person in people) > len(people) * 0.85
    assert sum(bool(person.alias_name) for person in people) >= 10
    assert Assignment.objects.filter(concurrent=True).count() >= 3
    assert Assignment.objects.filter(
        organisation__kind=OrganisationKind.ADMIN_UNIT, concurrent=False
    ).exists()


@pytest.mark.django_db
def test_every_member_of_staff_has_an_account_and_roles(prefecture: list[dict[str, Any]]) -> None:
    listed = {entry["login_id"] for entry in prefecture}
    accounts = {
        account.staff_id: account for account in Account.objects.filter(staff__isnull=False)
    }
    assert len(accounts) == Staff.objects.count()
    staff_roles = set(
        RoleAssignment.objects.filter(role=Role.STAFF).values_list("account", "organisation")
    )
    for staff in Staff.objects.prefetch_related("assignments"):
        account = accounts[staff.pk]
        assert account.login_id == login_id_for_staff(staff.staff_number)
        # Listed accounts have their demo password; of the others, those whose staff number
        # ends in 0 have had no initial password yet, the rest finished first login.
        if account.login_id not in listed:
            assert account.has_usable_password() is (not staff.staff_number.endswith("0"))
        for assignment in staff.assignments.all():
            assert (account.pk, assignment.organisation_id) in staff_roles
    leaders = RoleAssignment.objects.filter(role=Role.SCHOOL_ADMIN)
    assert leaders.count() == 2 * Organisation.objects.filter(kind="school").count()


@pytest.mark.django_db
def test_eligibility_demo_has_records_for_every_teacher_and_an_open_survey() -> None:
    from manabi.eligibility.models import SchoolSubmission, StaffServicePeriod, Survey

    teachers = Staff.objects.filter(job_title=JobTitle.TEACHER)
    with_records = teachers.filter(pk__in=StaffServicePeriod.objects.values("staff_id")).count()
    assert with_records == teachers.count()
    survey = Survey.objects.get()
    assert survey.submissions.count() == Organisation.objects.filter(kind="school").count()
    computed = SchoolSubmission.objects.get(survey=survey, school__name="みらい市立中央小学校")
    assert computed.status == "draft"


def _signed_in(entry: dict[str, Any]) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": entry["login_id"], "password": entry["password"]}
    )
    assert response.status_code == 302, entry["login_id"]
    return client


def _listed(prefecture: list[dict[str, Any]], note: str) -> dict[str, Any]:
    return next(e for e in prefecture if e.get("note") == note)


def _classes_seen(client: Client) -> set[str]:
    seen: set[str] = set()
    url: str | None = "/api/v1/students/?page_size=100"
    while url:
        body = client.get(url).json()
        seen |= {row["class_label"] for row in body["results"]}
        url = body["next"]
    return seen


@pytest.mark.django_db
def test_one_listed_account_per_school_role_group(prefecture: list[dict[str, Any]]) -> None:
    listed = {e["role_group"] for e in prefecture if e.get("role_group")}
    assert listed == {g.value for g in SCHOOL_GROUPS}
    staff = _listed(prefecture, "主幹教諭・システム担当")
    account = Account.objects.get(login_id=staff["login_id"])
    assert RoleGroupDesignation.objects.filter(account=account, group="system_staff").exists()


@pytest.mark.django_db
def test_every_class_has_pupils_and_a_homeroom_teacher() -> None:
    classes = SchoolClass.objects.count()
    assert classes > 300
    with_pupils = Enrolment.objects.values("school_class_id").distinct().count()
    assert with_pupils == classes
    homerooms = Duty.objects.filter(kind=DutyKind.HOMEROOM).values("school_class_id").distinct()
    assert homerooms.count() == classes
    assert SchoolClass.objects.filter(kind="special_support").exists()
    regular = Enrolment.objects.filter(
        school_class__kind="regular", school__name="みらい市立中央小学校"
    )
    sizes = Counter(regular.values_list("school_class_id", flat=True))
    assert min(sizes.values()) >= 25 and max(sizes.values()) <= 35
    for pupil in Student.objects.all()[:50]:
        validate_furigana(pupil.family_kana)
        validate_furigana(pupil.given_kana)
    assert Guardian.objects.filter(student__in=Student.objects.all()[:50]).count() >= 50


@pytest.mark.django_db
def test_each_role_sees_a_sensible_class_list(prefecture: list[dict[str, Any]]) -> None:
    homeroom = _classes_seen(_signed_in(_listed(prefecture, "教諭・3年1組担任")))
    assert homeroom == {"3年1組"}
    grade = _classes_seen(_signed_in(_listed(prefecture, "教諭・3学年主任")))
    assert "3年1組" in grade and "3年2組" in grade
    assert {label[0] for label in grade} == {"3"}
    principal = _classes_seen(_signed_in(_listed(prefecture, "校長")))
    assert {label[0] for label in principal} == set("123456")


@pytest.mark.django_db
def test_a_transfer_is_in_flight() -> None:
    transfer = Transfer.objects.get(status="pending")
    assert transfer.from_school.name == "みらい市立中央小学校"
    assert transfer.to_school is not None and transfer.to_school.name == "みらい市立東小学校"


@pytest.mark.django_db
def test_dialogue_recommendations_link_to_the_demo_catalogue() -> None:
    from manabi.dialogue.models import Recommendation
    from manabi.training.models import TargetException, TrainingProgramme

    linked = Recommendation.objects.filter(programme__isnull=False)
    assert linked.exists()
    assert all(r.programme_number == r.programme.number for r in linked.select_related("programme"))
    assert Recommendation.objects.filter(programme__isnull=True, programme_number="").exists()
    years = TrainingProgramme.objects.get(title="若手教員の授業力向上講座(1〜5年目)")
    assert years.target_years_label == "1〜5年目" and not TargetException.objects.exists()
