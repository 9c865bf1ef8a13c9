"""Trainings at prefecture scale: catalogue search through the API, and bulk approval.

Goals (issue "Training platform"): with 20,000 programmes and 200,000 applications on
PostgreSQL,

- the catalogue's keyword search with two filters answers through the API
  (``GET /api/v1/trainings/?q=…&format=…&open=true``) in under 100 ms at the 95th percentile;
- bulk approval of 500 applications (``POST /api/v1/applications/bulk-approve/``) finishes in
  under 3 seconds.

Runs in a throw-away PostgreSQL database of its own (``manabi_bench_training``, created,
migrated and dropped here; never the development or test database), filled mostly by SQL
(``generate_series``):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manabi .venv/bin/python bench/bench_training.py
    ... bench_training.py --programmes 2000 --per-programme 5 --requests 50   # a quicker run

Prints the figures and whether each goal is met; exits 1 when one is not.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabi.settings")
os.environ.setdefault("MANABI_TASKS_BACKEND", "immediate")
import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from manabi.accounts.models import Account, RoleAssignment  # noqa: E402
from manabi.accounts.roles import Role  # noqa: E402
from manabi.core.kana import search_key  # noqa: E402
from manabi.orgs.models import Founder, Organisation, OrganisationKind, SchoolType  # noqa: E402
from manabi.training.models import TrainingProgramme  # noqa: E402

DATABASE = "manabi_bench_training"
BOARDS = 20
SCHOOLS_PER_BOARD = 25
STAFF = 40_000
GOAL_P95_MS = 100.0
GOAL_BULK_S = 3.0
FY = 2026
BULK = 500

SUBJECTS = (
    "道徳", "国語", "算数", "数学", "理科", "社会", "英語", "外国語活動", "体育", "音楽", "図画工作",
    "家庭科", "技術", "特別活動", "総合的な学習", "生活科", "情報", "書写", "保健", "美術",
)  # fmt: skip
THEMES = (
    "授業づくり", "評価の在り方", "ICT 活用", "学級経営", "生徒指導", "教育相談", "特別支援教育",
    "カリキュラム・マネジメント", "探究的な学び", "主体的・対話的で深い学び", "安全指導",
    "キャリア教育", "人権教育", "防災教育", "学校図書館の活用", "プログラミング",
)  # fmt: skip
LEVELS = ("入門", "基礎", "実践", "応用", "指導者養成", "講座", "研修会", "セミナー")
FORMATS = ("in_person", "live_online", "on_demand")
KINDS = ("voluntary",) * 6 + ("recommended", "all_targets", "nominated")
QUERIES = (
    "道徳",
    "算数",
    "ICT",
    "評価",
    "学級経営",
    "探究",
    "特別支援",
    "英語",
    "安全",
    "国語 授業づくり",
)


def _organisations() -> tuple[Organisation, list[Organisation], list[Organisation], Organisation]:
    pref = Organisation.objects.create(
        code="B000", kind=OrganisationKind.PREFECTURE_BOARD, name="ベンチ県教育委員会"
    )
    centre = Organisation.objects.create(
        code="C000",
        kind=OrganisationKind.ORGANIZER_UNIT,
        name="ベンチ県総合教育センター",
        parent=pref,
    )
    boards = Organisation.objects.bulk_create(
        Organisation(code=f"B{i:03d}", kind=OrganisationKind.MUNICIPAL_BOARD, name=f"ベンチ{i}市教育委員会", parent=pref)
        for i in range(1, BOARDS + 1)
    )  # fmt: skip
    schools = Organisation.objects.bulk_create(
        Organisation(
            code=f"S{b.code[1:]}{n:02d}",
            kind=OrganisationKind.SCHOOL,
            name=f"{b.name[:-6]}立第{n}小学校",
            parent=b,
            school_type=SchoolType.ELEMENTARY if n % 3 else SchoolType.JUNIOR_HIGH,
            founder=Founder.MUNICIPAL,
        )
        for b in boards
        for n in range(1, SCHOOLS_PER_BOARD + 1)
    )
    with connection.cursor() as cursor:  # materialised paths, parents first
        cursor.execute(
            "UPDATE orgs_organisation SET path = '/' || id || '/' WHERE parent_id IS NULL"
        )
        for _ in range(3):
            cursor.execute(
                "UPDATE orgs_organisation o SET path = p.path || o.id || '/' "
                "FROM orgs_organisation p WHERE o.parent_id = p.id"
            )
    for org in (pref, centre, *boards, *schools):
        org.refresh_from_db(fields=["path"])
    return pref, boards, schools, centre


def _programmes(
    count: int, pref: Organisation, boards: list[Organisation], centre: Organisation
) -> None:
    rng = random.Random(2026)
    rows = []
    start = date(FY, 4, 1)
    for n in range(1, count + 1):
        subject, theme, level = rng.choice(SUBJECTS), rng.choice(THEMES), rng.choice(LEVELS)
        organiser = centre if rng.random() < 0.6 else rng.choice(boards)
        title = f"{subject} {theme} {level}"
        first = start + timedelta(days=rng.randrange(0, 360))
        rows.append(
            TrainingProgramme(
                number=f"{FY}{n:07d}",
                title=title,
                description=f"{subject}の{theme}について、講義と演習で学びます。",
                organiser=organiser,
                fiscal_year=FY,
                category="required_i",
                kind=rng.choice(KINDS),
                format=rng.choice(FORMATS),
                visibility="public" if rng.random() < 0.15 else "jurisdiction",
                capacity=rng.choice((None, 30, 40, 60, 100)),
                application_opens=first - timedelta(days=60),
                application_closes=first - timedelta(days=rng.randrange(0, 30)),
                status="published" if rng.random() < 0.95 else "draft",
                first_date=first,
                last_date=first + timedelta(days=rng.choice((0, 0, 1, 30))),
                total_hours=3,
                search_text=search_key(title, f"{FY}{n:07d}", organiser.name, f"{subject}の{theme}について、講義と演習で学びます。"),
                published_at=timezone.now(),
            )
        )  # fmt: skip
    TrainingProgramme.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        # Audience: the centre's programmes are for the prefecture, a board's for itself.
        cursor.execute(
            """
            INSERT INTO training_audience (programme_id, organisation_id, path)
            SELECT p.id, CASE WHEN o.id = %s THEN %s ELSE o.id END,
                   CASE WHEN o.id = %s THEN %s ELSE o.path END
            FROM training_trainingprogramme p JOIN orgs_organisation o ON o.id = p.organiser_id
            """,
            [centre.pk, pref.pk, centre.pk, pref.path],
        )
        cursor.execute(
            """
            INSERT INTO training_session (programme_id, date, hours, venue, url, note)
            SELECT id, first_date, 3, 'ベンチ会場', '', '' FROM training_trainingprogramme
            """
        )


def _staff(schools: list[Organisation]) -> None:
    ids = [s.pk for s in schools]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO people_staff (staff_number, name, kana, alias_name, search_key, job_title,
                employment_type, prefecture_funded, created_at, updated_at)
            SELECT lpad(g::text, 8, '0'), 'ベンチ 職員' || g, 'べんち しょくいん' || g, '', '',
                   'teacher', 'regular', true, now(), now()
            FROM generate_series(1, %s) g
            """,
            [STAFF],
        )
        cursor.execute(
            """
            INSERT INTO people_assignment (staff_id, organisation_id, start, "end", concurrent)
            SELECT s.id, (%s::bigint[])[1 + (s.id %% %s)], '2020-04-01', NULL, false
            FROM people_staff s
            """,
            [ids, len(ids)],
        )


def _applications(per_programme: int) -> None:
    """``per_programme`` applications per programme by distinct staff, in mixed states."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), count(*) FROM training_trainingprogramme")
        first_programme, programmes = cursor.fetchone()
        cursor.execute("SELECT min(id) FROM people_staff")
        (first_staff,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO training_application (programme_id, staff_id, unit_id, status, motivation,
                applied_role, enrolled_directly, reason, completion_note, completion_overridden,
                submitted_at, updated_at)
            SELECT %(p0)s + (g %% %(n)s), s.id, a.organisation_id,
                   (ARRAY['completed','completed','accepted','accepted','awaiting_decision',
                          'rejected','withdrawn','cancelled','waitlisted','completed'])[1 + (g / %(n)s) %% 10],
                   '', 'staff', false, '', '', false,
                   now() - (g || ' seconds')::interval, now()
            FROM generate_series(0, %(total)s - 1) g
            JOIN people_staff s ON s.id = %(s0)s + (((g %% %(n)s) * %(k)s + g / %(n)s) %% %(staff)s)
            JOIN people_assignment a ON a.staff_id = s.id
            """,
            {
                "p0": first_programme,
                "n": programmes,
                "total": programmes * per_programme,
                "k": per_programme,
                "s0": first_staff,
                "staff": STAFF,
            },
        )
        # Waitlist positions must be distinct per programme.
        cursor.execute(
            """
            UPDATE training_application a SET waitlist_position = r.n FROM (
                SELECT id, row_number() OVER (PARTITION BY programme_id ORDER BY id) n
                FROM training_application WHERE status = 'waitlisted') r
            WHERE a.id = r.id
            """
        )


def _account(login_id: str, role: Role, org: Organisation, staff_id: int | None = None) -> Account:
    account = Account.objects.create_user(login_id, "bench-password-123456", display_name=login_id)
    if staff_id:
        account.staff_id = staff_id
        account.save(update_fields=["staff"])
    RoleAssignment.objects.create(
        account=account, role=role, organisation=org, valid_from=date(2020, 4, 1)
    )
    return account


def _bulk_queue(school: Organisation, board: Organisation, centre: Organisation) -> list[int]:
    """500 teachers of one school applying to one of the centre's programmes, waiting for
    the school's approval."""
    from manabi.training.choices import StepKind, StepStatus
    from manabi.training.models import Application, ApprovalStep

    programme = TrainingProgramme.objects.filter(organiser=centre, status="published").first()
    assert programme is not None
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO people_staff (staff_number, name, kana, alias_name, search_key, job_title,
                employment_type, prefecture_funded, created_at, updated_at)
            SELECT (90000000 + g)::text, '承認待ち ' || g, 'しょうにんまち', '', '', 'teacher',
                   'regular', true, now(), now()
            FROM generate_series(1, %s) g RETURNING id
            """,
            [BULK],
        )
        staff_ids = [row[0] for row in cursor.fetchall()]
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(programme=programme, staff_id=s, unit=school, status="pending_approval", submitted_at=now)
        for s in staff_ids
    )  # fmt: skip
    ApprovalStep.objects.bulk_create(
        step
        for a in applications
        for step in (
            ApprovalStep(application=a, order=1, kind=StepKind.SCHOOL_ADMIN, organisation=school, status=StepStatus.PENDING, pending_since=now),
            ApprovalStep(application=a, order=2, kind=StepKind.BOARD, organisation=board, status=StepStatus.WAITING),
        )
    )  # fmt: skip
    return [a.pk for a in applications]


def _client(account: Account) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(account)
    session = client.session
    session["manabi_login_at"] = time.time()
    session.save()
    return client


def run(programmes: int, per_programme: int, requests: int) -> bool:
    began = time.perf_counter()
    pref, boards, schools, centre = _organisations()
    _programmes(programmes, pref, boards, centre)
    _staff(schools)
    _applications(per_programme)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    built = time.perf_counter() - began
    count = TrainingProgramme.objects.count()
    from manabi.training.models import Application

    applied = Application.objects.count()
    print(
        f"data: {count:,} programmes, {applied:,} applications, {STAFF:,} staff (built in {built:.1f} s)"
    )

    school = schools[0]
    teacher_staff = school.assignments.values_list("staff_id", flat=True).first()
    teacher = _account("bench-teacher", Role.STAFF, school, teacher_staff)
    client = _client(teacher)
    rng = random.Random(7)
    filters = (
        {"format": "in_person", "open": "true"},
        {"format": "live_online", "kind": "voluntary"},
        {"school_type": "elementary", "open": "true"},
        {"fiscal_year": FY, "format": "on_demand"},
    )
    for _ in range(5):  # warm up (connection, caches)
        client.get("/api/v1/trainings/", {"q": "道徳", **filters[0]})
    timings = []
    hits = []
    for i in range(requests):
        params = {"q": rng.choice(QUERIES), **filters[i % len(filters)]}
        start = time.perf_counter()
        response = client.get("/api/v1/trainings/", params)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
        hits.append(response.json()["count"])
    p50, p95 = statistics.median(timings), statistics.quantiles(timings, n=100)[94]
    print(
        f"catalogue search via API (keyword + 2 filters, {requests} requests): "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(timings):.1f} ms "
        f"(median {statistics.median(hits):.0f} matches) — goal p95 < {GOAL_P95_MS:.0f} ms"
    )

    ids = _bulk_queue(school, boards[0], centre)
    principal = _account("bench-principal", Role.SCHOOL_ADMIN, school)
    approver = _client(principal)
    start = time.perf_counter()
    response = approver.post(
        "/api/v1/applications/bulk-approve/", {"applications": ids}, content_type="application/json"
    )
    bulk = time.perf_counter() - start
    data = response.json()
    print(
        f"bulk approval via API of {len(ids)} applications: {bulk:.2f} s "
        f"({data['approved']} approved, {data['failed']} failed) — goal < {GOAL_BULK_S:.0f} s"
    )
    ok = p95 < GOAL_P95_MS and bulk < GOAL_BULK_S and data["approved"] == len(ids)
    print("goals met" if ok else "GOAL MISSED")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--programmes", type=int, default=20_000)
    parser.add_argument("--per-programme", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench_training.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    connection.settings_dict.setdefault("TEST", {})["NAME"] = DATABASE
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        ok = run(args.programmes, args.per_programme, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
