"""April imports (年度当初の一括登録): 50,000 new hires in one file, checked and committed.

Goal (seed of the imports app): under 60 seconds and under 500 MB peak memory on PostgreSQL.

Runs in a throw-away test database made with Django's test-database utilities (the name of
DATABASE_URL's database with ``test_`` in front, dropped at the end; SQLite: in memory), so
the developer's real database is never touched:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manabi_bench .venv/bin/python bench/bench_import_staff.py
    .venv/bin/python bench/bench_import_staff.py [ROWS]          # SQLite (in memory)

It builds an organisation tree (a prefecture board, 20 municipal boards, 600 schools) with
the organisation import, generates the staff CSV, then measures

1. the dry run (確認) and the commit (登録) of the file,
2. the same file imported again (idempotent: must write nothing),

once for time and peak RSS (``ru_maxrss``), and once more in a fresh database under
``tracemalloc`` for the Python-level peak of each phase (tracemalloc slows Python down, so
its times are not the ones that count).
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabi.settings")
os.environ["MANABI_TASKS_BACKEND"] = "immediate"  # the tasks run inside the measured calls
import logging

import django

django.setup()
logging.getLogger("django_tasks").setLevel(logging.WARNING)  # one line per task otherwise

from django.db import connection  # noqa: E402

from manabi.accounts.models import Account, RoleAssignment  # noqa: E402
from manabi.accounts.roles import Role  # noqa: E402
from manabi.accounts.selectors import Acting, acting_for  # noqa: E402
from manabi.core.csvio import csv_rows  # noqa: E402
from manabi.core.models import AuditEvent  # noqa: E402
from manabi.imports import services  # noqa: E402
from manabi.imports.models import ImportJob, ImportKind, ImportStatus  # noqa: E402
from manabi.imports.rows import ORGANISATION_COLUMNS, STAFF_COLUMNS  # noqa: E402
from manabi.orgs.models import Organisation  # noqa: E402
from manabi.people.models import Assignment, Staff  # noqa: E402

BOARDS = 20
SCHOOLS = 600
GOAL_SECONDS = 60.0
GOAL_MB = 500.0
TITLES = ["教諭", "教諭", "教諭", "講師", "養護教諭", "事務職員", "教頭", "校長", "主幹教諭"]
T = TypeVar("T")
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねの"


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    return b"".join(csv_rows(rows, header=header))


def organisation_file() -> bytes:
    header = [c.name for c in ORGANISATION_COLUMNS]
    board = ["", "", "", "", ""]
    rows = [["P00001", "県教育委員会", "ベンチ県教育委員会", "", "", *board, ""]]
    for b in range(1, BOARDS + 1):
        rows.append(
            [f"M{b:05d}", "市町村教育委員会", f"第{b}市教育委員会", "", "P00001", *board, ""]
        )
    for s in range(1, SCHOOLS + 1):
        kind = "小学校" if s % 3 else "中学校"
        rows.append(
            [
                f"S{s:05d}",
                "学校・園",
                f"第{s}{kind}",
                "",
                f"M{(s % BOARDS) + 1:05d}",
                "",
                "",
                kind,
                "",
                "市町村立",
                "",
            ]
        )
    return _csv(header, rows)


def staff_file(count: int) -> bytes:
    header = [c.name for c in STAFF_COLUMNS]
    rows = []
    for i in range(count):
        birth = (
            f"H{1 + i % 30}.{1 + i % 12}.{1 + i % 28}"
            if i % 2
            else f"19{70 + i % 25}-04-0{1 + i % 9}"
        )
        rows.append(
            [
                f"{10000000 + i:08d}",
                f"教員 {i}",
                f"きょういん {KANA[i % len(KANA)]}{KANA[(i // 25) % len(KANA)]}",
                "",
                birth,
                TITLES[i % len(TITLES)],
                "再任用" if i % 17 == 0 else "正規",
                "○" if i % 11 else "×",
                f"S{(i % SCHOOLS) + 1:05d}",
                "新規採用",
                "2026-04-01",
            ]
        )
    return _csv(header, rows)


@dataclass
class Phase:
    name: str
    seconds: float
    rss_mb: float
    traced_mb: float | None = None


def _rss_mb() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def measure(name: str, work: Callable[[], T], *, trace: bool) -> tuple[Phase, T]:
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - began
    traced = None
    if trace:
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return Phase(name, seconds, _rss_mb(), traced), result


def table_counts() -> dict[str, int]:
    return {
        "staff": Staff.objects.count(),
        "assignments": Assignment.objects.count(),
        "accounts": Account.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def run(count: int, staff_data: bytes, *, trace: bool) -> list[Phase]:
    admin = Account.objects.create_user("bench-admin", None, display_name="ベンチ 管理者")
    RoleAssignment.objects.create(
        account=admin, role=Role.SYSTEM_ADMIN, organisation=None, valid_from="2020-04-01"
    )
    acting = acting_for(admin)
    org_job = services.import_job_create(
        actor=acting,
        kind=ImportKind.ORGANISATIONS,
        file_name="orgs.csv",
        content=organisation_file(),
    )
    org_job = services.import_job_commit_request(
        actor=acting, job=ImportJob.objects.get(pk=org_job.pk)
    )
    assert org_job.status == ImportStatus.COMMITTED, org_job.report
    assert Organisation.objects.count() == 1 + BOARDS + SCHOOLS

    phases = []
    for label in ("import", "re-import"):
        phase, job = measure(
            f"{label}: dry run (確認)", partial(_validate, acting, staff_data), trace=trace
        )
        phases.append(phase)
        assert job.status == ImportStatus.VALIDATED, job.report["errors"][:5]
        before = table_counts()
        phase, job = measure(f"{label}: commit (登録)", partial(_commit, acting, job), trace=trace)
        phases.append(phase)
        assert job.status == ImportStatus.COMMITTED, (job.message, job.report["errors"][:5])
        after = table_counts()
        if label == "import":
            assert job.report["counts"]["new"] == count, job.report["counts"]
            assert after["staff"] == count and after["accounts"] == count + 1
            assert after["audit"] == before["audit"] + 1
        else:
            assert job.report["counts"]["unchanged"] == count, job.report["counts"]
            assert after == before, (before, after)
    return phases


def _validate(acting: Acting, data: bytes) -> ImportJob:
    job = services.import_job_create(
        actor=acting, kind=ImportKind.STAFF, file_name="staff.csv", content=data
    )
    return ImportJob.objects.get(pk=job.pk)


def _commit(acting: Acting, job: ImportJob) -> ImportJob:
    return services.import_job_commit_request(actor=acting, job=job)


def in_fresh_database(work: Callable[[], list[Phase]]) -> list[Phase]:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        return work()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    vendor = connection.vendor
    staff_data = staff_file(count)
    print(f"{count:,} staff rows ({len(staff_data) / 2**20:.1f} MB CSV) on {vendor}")
    timed = in_fresh_database(lambda: run(count, staff_data, trace=False))
    traced = in_fresh_database(lambda: run(count, staff_data, trace=True))
    print(f"{'phase':<28} {'seconds':>8} {'peak RSS MB':>12} {'py peak MB':>11}")
    for plain, with_trace in zip(timed, traced, strict=True):
        print(
            f"{plain.name:<28} {plain.seconds:>8.1f} {plain.rss_mb:>12.0f} "
            f"{with_trace.traced_mb or 0:>11.0f}"
        )
    total = timed[0].seconds + timed[1].seconds
    peak = max(p.rss_mb for p in timed)
    ok = total < GOAL_SECONDS and peak < GOAL_MB
    print(
        f"import (dry run + commit): {total:.1f} s, peak RSS {peak:.0f} MB — goal "
        f"< {GOAL_SECONDS:.0f} s and < {GOAL_MB:.0f} MB: {'met' if ok else 'NOT MET'}"
    )
    if vendor != "postgresql":
        print("(the goal is for PostgreSQL: set DATABASE_URL=postgres://…/manabi_bench)")
    if not ok and vendor == "postgresql":
        sys.exit(1)


if __name__ == "__main__":
    main()
