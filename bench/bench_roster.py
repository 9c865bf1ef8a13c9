"""A prefecture-scale roster (issue #10): 300 schools, 100,000 pupils, 3,600 classes.

Goals (on PostgreSQL):

- roster import of 100,000 pupils under 60 s and 500 MB: every school imports its own class
  lists (one file per school, as the システム担当 does), dry run (確認) + commit (登録);
  the same files again must write nothing;
- the scoped pupil list of a 学級担当 teacher and of a principal through the API
  (``GET /api/v1/students/``) under 100 ms at p95;
- the permission decision for one (actor, function, action, class) in at most 2 queries;
- the OneRoster export of the whole prefecture under 60 s with flat memory: its Python
  peak (tracemalloc) is printed beside that of a tenth of the prefecture, and their ratio.

Runs in a throw-away test database (``test_`` + DATABASE_URL's name, dropped at the end;
SQLite: in memory), so no real database is touched:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manabi_bench .venv/bin/python bench/bench_roster.py
    .venv/bin/python bench/bench_roster.py [PUPILS]        # SQLite, in memory
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabi.settings")
os.environ["MANABI_TASKS_BACKEND"] = "immediate"  # the tasks run inside the measured calls
import logging

import django

django.setup()
logging.getLogger("django_tasks").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from manabi.access.decisions import can  # noqa: E402
from manabi.access.selectors import target_of_class  # noqa: E402
from manabi.accounts.models import Account, RoleAssignment  # noqa: E402
from manabi.accounts.roles import Role  # noqa: E402
from manabi.accounts.selectors import acting_for  # noqa: E402
from manabi.classes.models import Duty, DutyKind, SchoolClass  # noqa: E402
from manabi.classes.selectors import current_fiscal_year  # noqa: E402
from manabi.core.csvio import csv_rows  # noqa: E402
from manabi.imports import services  # noqa: E402
from manabi.imports.models import ImportJob, ImportKind, ImportStatus  # noqa: E402
from manabi.orgs.models import Organisation, OrganisationKind  # noqa: E402
from manabi.people.choices import JobTitle  # noqa: E402
from manabi.people.models import Assignment, Staff  # noqa: E402
from manabi.students.models import Enrolment, Student  # noqa: E402
from manabi.students.oneroster import export_oneroster  # noqa: E402
from manabi.students.roster_import import COLUMNS  # noqa: E402

SCHOOLS = 300
CLASSES_PER_GRADE = 2
GRADES = 6
GOAL_IMPORT_S = 60.0
GOAL_MB = 500.0
GOAL_P95_MS = 100.0
GOAL_EXPORT_S = 60.0
REQUESTS = 200
FAMILY = [("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"), ("田中", "たなか")]
GIVEN = [("陽翔", "はると"), ("結衣", "ゆい"), ("蓮", "れん"), ("葵", "あおい")]


def _rss_mb() -> float:
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def build_prefecture() -> list[tuple[Organisation, Account]]:
    """Boards, schools and one principal per school (the person who imports)."""
    pref = Organisation.objects.create(
        code="P00001", kind=OrganisationKind.PREFECTURE_BOARD, name="ベンチ県教育委員会"
    )
    pref.path = f"/{pref.pk}/"
    pref.save(update_fields=["path"])
    boards = []
    for b in range(20):
        board = Organisation.objects.create(
            code=f"M{b:05d}",
            kind=OrganisationKind.MUNICIPAL_BOARD,
            name=f"第{b}市教育委員会",
            parent=pref,
        )
        board.path = f"{pref.path}{board.pk}/"
        board.save(update_fields=["path"])
        boards.append(board)
    schools = []
    for s in range(SCHOOLS):
        board = boards[s % len(boards)]
        org = Organisation.objects.create(
            code=f"S{s:05d}",
            kind=OrganisationKind.SCHOOL,
            name=f"第{s}小学校",
            parent=board,
            school_type="elementary",
            founder="municipal",
        )
        org.path = f"{board.path}{org.pk}/"
        org.save(update_fields=["path"])
        schools.append(org)
    since = date(2020, 4, 1)
    staff = Staff.objects.bulk_create(
        [
            Staff(
                staff_number=f"{20000000 + i:08d}",
                name=f"校長 {i}",
                kana="こうちょう",
                job_title=JobTitle.PRINCIPAL,
            )
            for i in range(SCHOOLS)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(staff=p, organisation=o, start=since)
            for p, o in zip(staff, schools, strict=True)
        ]
    )
    people = []
    for person, school in zip(staff, schools, strict=True):
        account = Account.objects.create_user(
            f"p{person.staff_number}", None, display_name=person.name, staff=person
        )
        RoleAssignment.objects.create(
            account=account, role=Role.SCHOOL_ADMIN, organisation=school, valid_from=since
        )
        people.append((school, account))
    return people


def class_list(school_index: int, pupils: int, year: int) -> bytes:
    """The school's class lists: every pupil with a guardian, in 6 grades × 2 classes."""
    header = [c.name for c in COLUMNS]
    rows = []
    per_class = pupils // (GRADES * CLASSES_PER_GRADE) + 1
    for i in range(pupils):
        klass = i // per_class
        grade, name = klass // CLASSES_PER_GRADE + 1, klass % CLASSES_PER_GRADE + 1
        family, family_kana = FAMILY[i % len(FAMILY)]
        given, given_kana = GIVEN[(i // 4) % len(GIVEN)]
        values = {
            "code": f"B{school_index:03d}{i:05d}",
            "grade": str(grade),
            "class_name": str(name),
            "number": str(i % per_class + 1),
            "family_name": family,
            "given_name": given,
            "family_kana": family_kana,
            "given_kana": given_kana,
            "sex": "男" if i % 2 else "女",
            "birth_date": date(year - 6 - grade, 4 + i % 8, 1 + i % 28).isoformat(),
            "address": f"ベンチ市{i % 50}-{i % 7}",
            "guardian_family_name": family,
            "guardian_given_name": "保護者",
            "guardian_relation": "母",
            "guardian_phone": "0120-000-000",
        }
        rows.append([values.get(c.key, "") for c in COLUMNS])
    return b"".join(csv_rows(rows, header=header))


def import_all(
    people: list[tuple[Organisation, Account]], files: list[bytes]
) -> tuple[float, dict[str, int]]:
    counts: dict[str, int] = {"new": 0, "update": 0, "unchanged": 0}
    began = time.perf_counter()
    for (_school, account), data in zip(people, files, strict=True):
        acting = acting_for(account)
        job = services.import_job_create(
            actor=acting, kind=ImportKind.ROSTER, file_name="名簿.csv", content=data
        )
        job = ImportJob.objects.get(pk=job.pk)
        assert job.status == ImportStatus.VALIDATED, job.report.get("errors", [])[:3]
        job = services.import_job_commit_request(actor=acting, job=job)
        assert job.status == ImportStatus.COMMITTED, (job.message, job.report.get("errors", [])[:3])
        for key, n in job.report["counts"].items():
            counts[key] += n
    return time.perf_counter() - began, counts


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def api_timings(account: Account) -> tuple[float, float, int]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(account)
    session = client.session
    session["manabi_login_at"] = timezone.now().timestamp()
    session.save()
    samples = []
    count = 0
    for _ in range(REQUESTS):
        began = time.perf_counter()
        response = client.get("/api/v1/students/?page_size=100")
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content[:200]
        count = response.json()["count"]
    return statistics.median(samples), p95(samples), count


def export_peak(schools: list[Organisation], year: int) -> tuple[float, float, int]:
    ids = [s.pk for s in schools]
    tracemalloc.start()
    began = time.perf_counter()
    with open(os.devnull, "wb") as out:  # the zip's bytes are not the export's memory
        counts = export_oneroster(
            out, schools=Organisation.objects.filter(pk__in=ids), fiscal_year=year
        )
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, counts.rows["users"]


def main() -> None:
    pupils = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    vendor = connection.vendor
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    settings.DEBUG = False
    if "127.0.0.1" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    try:
        year = current_fiscal_year()
        people = build_prefecture()
        per_school = pupils // SCHOOLS
        files = [class_list(i, per_school, year) for i in range(SCHOOLS)]
        size = sum(len(f) for f in files) / 2**20
        print(
            f"{per_school * SCHOOLS:,} pupils in {SCHOOLS} schools ({size:.1f} MB of CSV) on {vendor}"
        )

        seconds, counts = import_all(people, files)
        rss = _rss_mb()
        classes = SchoolClass.objects.count()
        print(
            f"roster import (確認 + 登録, {SCHOOLS} files): {seconds:.1f} s, peak RSS {rss:.0f} MB, "
            f"{Student.objects.count():,} pupils, {classes:,} classes, counts {counts}"
        )
        import_ok = seconds < GOAL_IMPORT_S and rss < GOAL_MB
        before = (Student.objects.count(), Enrolment.objects.count())
        again, counts = import_all(people, files)
        assert counts["unchanged"] == per_school * SCHOOLS, counts
        assert (Student.objects.count(), Enrolment.objects.count()) == before
        print(f"the same files again (nothing written): {again:.1f} s, counts {counts}")

        # A 学級担当 teacher: the 担任 of 1年1組 at the first school.
        school, principal = people[0]
        first = SchoolClass.objects.get(school=school, grade=1, name="1")
        teacher = Staff.objects.create(
            staff_number="29999999", name="担任 一", kana="たんにん", job_title=JobTitle.TEACHER
        )
        Assignment.objects.create(staff=teacher, organisation=school, start=date(2020, 4, 1))
        teacher_account = Account.objects.create_user(
            "t29999999", None, display_name="担任 一", staff=teacher
        )
        RoleAssignment.objects.create(
            account=teacher_account,
            role=Role.STAFF,
            organisation=school,
            valid_from=date(2020, 4, 1),
        )
        Duty.objects.create(
            school=school,
            fiscal_year=year,
            staff=teacher,
            kind=DutyKind.HOMEROOM,
            school_class=first,
        )
        results = []
        for label, account in (("学級担当 (担任)", teacher_account), ("校長", principal)):
            median, high, count = api_timings(account)
            results.append(high)
            print(
                f"GET /api/v1/students/ as {label}: {count} pupils, median {median:.1f} ms, p95 {high:.1f} ms"
            )
        list_ok = max(results) < GOAL_P95_MS

        acting = acting_for(teacher_account)
        target = target_of_class(first)
        with CaptureQueriesContext(connection) as queries:
            decision = can(acting, "view", "roster.students", target)
        assert decision.allowed
        print(
            f"permission decision (担任, 児童生徒名簿 閲覧, 1年1組): {len(queries)} queries (goal ≤ 2)"
        )
        decision_ok = len(queries) <= 2

        all_schools = [s for s, _ in people]
        small_s, small_peak, small_users = export_peak(all_schools[: SCHOOLS // 10], year)
        whole_s, whole_peak, whole_users = export_peak(all_schools, year)
        print(
            f"OneRoster export: {SCHOOLS // 10} schools {small_s:.1f} s, py peak {small_peak:.1f} MB "
            f"({small_users:,} users); whole prefecture {whole_s:.1f} s, py peak {whole_peak:.1f} MB "
            f"({whole_users:,} users); peak ratio whole ÷ tenth = {whole_peak / small_peak:.2f}"
        )
        export_ok = whole_s < GOAL_EXPORT_S and whole_peak / small_peak < 2.0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    for name, ok in (
        (f"import < {GOAL_IMPORT_S:.0f} s and < {GOAL_MB:.0f} MB", import_ok),
        (f"scoped list p95 < {GOAL_P95_MS:.0f} ms", list_ok),
        ("decision ≤ 2 queries", decision_ok),
        (f"OneRoster export < {GOAL_EXPORT_S:.0f} s, flat memory", export_ok),
    ):
        print(f"goal {name}: {'met' if ok else 'NOT MET'}")
    if vendor != "postgresql":
        print("(the goals are for PostgreSQL: set DATABASE_URL=postgres://…/manabi_bench)")


if __name__ == "__main__":
    main()
