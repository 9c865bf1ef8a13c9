"""Board-wide export of training history (研修受講履歴): peak memory and rows per second of
manabi's streaming CSV export beside PostgreSQL's own ``COPY … TO STDOUT`` of the same columns.

Goal (issue "Training history"): with 50,000 staff and 1,000,000 history rows on PostgreSQL,
the export streams with peak memory under 200 MB, and its rows/s is at least 0.3 of COPY's.

Runs in a throw-away database made with Django's test-database utilities (``test_`` + the
name of DATABASE_URL's database, created, migrated and dropped here), filled with SQL
(``generate_series``) so that the data never passes through the measuring process:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manabi .venv/bin/python bench/bench_history_export.py
    ... bench_history_export.py --staff 5000 --rows-per-person 20        # a quicker run

The export is measured in a fresh Python process (``--child``) so that its peak RSS
(``ru_maxrss``) is the export's own: Django loaded, the rows read with a server-side cursor in
batches, 育成指標 codes looked up per batch, formulas neutralised, written as UTF-8 CSV with BOM
to /dev/null. COPY runs the same query (the export's SQL, plus the codes as ``string_agg``)
and reads its whole output.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabi.settings")
import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from manabi.accounts.models import Account, RoleAssignment  # noqa: E402
from manabi.accounts.roles import Role  # noqa: E402
from manabi.accounts.selectors import Acting  # noqa: E402
from manabi.indicators.tests.factories import framework_with_items  # noqa: E402
from manabi.orgs.models import Organisation, OrganisationKind  # noqa: E402
from manabi.records import exports  # noqa: E402
from manabi.records.selectors import HistoryFilters  # noqa: E402

BOARDS = 10
SCHOOLS = 500
GOAL_MB = 200.0
GOAL_RATIO = 0.3
BOARD_LOGIN = "bench-board"

TITLES = (
    "教職2年次研修",
    "授業づくり講座(算数・数学)",
    "ICT 活用実践講座",
    "特別支援教育基礎講座",
    "生徒指導実践講座",
    "校内研修「授業研究会」",
    "県小学校教育研究会 研究大会",
    "=HYPERLINK(研修)",  # formula-looking: neutralised by the export
    "中堅教諭等資質向上研修",
    "教育相談講座",
)


def _sql_array(values: tuple[str, ...]) -> str:
    quoted = ",".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"ARRAY[{quoted}]"


def build(staff: int, per_person: int) -> None:
    """Organisations, staff, assignments, history rows and 育成指標 links, mostly by SQL."""
    pref = Organisation.objects.create(
        code="B0000", kind=OrganisationKind.PREFECTURE_BOARD, name="ベンチ県教育委員会"
    )
    boards = Organisation.objects.bulk_create(
        Organisation(
            code=f"B{i:04d}",
            kind=OrganisationKind.MUNICIPAL_BOARD,
            name=f"市{i}教育委員会",
            parent=pref,
        )
        for i in range(1, BOARDS + 1)
    )
    Organisation.objects.bulk_create(
        Organisation(
            code=f"S{i:04d}",
            kind=OrganisationKind.SCHOOL,
            name=f"ベンチ市立第{i}小学校",
            parent=boards[i % BOARDS],
            school_type="elementary",
            founder="municipal",
        )
        for i in range(SCHOOLS)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orgs_organisation SET path = '/' || id || '/' WHERE parent_id IS NULL"
        )
        for _ in range(2):
            cursor.execute(
                "UPDATE orgs_organisation o SET path = p.path || o.id || '/' "
                "FROM orgs_organisation p WHERE o.parent_id = p.id"
            )
        cursor.execute(
            "INSERT INTO people_staff (staff_number, name, kana, alias_name, search_key, "
            "birth_date, job_title, employment_type, prefecture_funded, created_at, updated_at) "
            "SELECT lpad(g::text, 8, '0'), '髙橋 太郎' || g, 'たかはし たろう' || g, '', '', "
            "date '1970-04-01' + (g %% 12000), 'teacher', 'regular', true, now(), now() "
            "FROM generate_series(1, %s) g",
            [staff],
        )
        cursor.execute(
            'INSERT INTO people_assignment (staff_id, organisation_id, start, "end", concurrent) '
            "SELECT s.id, schools.ids[1 + s.id %% %s], date '2020-04-01', NULL, false "
            "FROM people_staff s, (SELECT array_agg(id ORDER BY id) AS ids "
            "FROM orgs_organisation WHERE kind = 'school') schools",
            [SCHOOLS],
        )
        cursor.execute(
            "INSERT INTO records_historyrecord (staff_id, title, organiser_name, "
            'programme_number, category, format, start, "end", fiscal_year, hours, completed, '
            "status, source, source_ref, note, evidence, evidence_name, return_reason, "
            "created_at, updated_at) "
            "SELECT s.id, (" + _sql_array(TITLES) + ")[1 + (s.id + g) %% 10], "
            "'ベンチ県総合教育センター', (2015 + g %% 11)::text || '309' || lpad((g %% 1000)::text, 3, '0'), "
            "(ARRAY['required_i','other_i','other_ii','other_iii'])[1 + (s.id * g) %% 4], "
            "'in_person', make_date(2015 + g %% 11, 4 + g %% 9, (1 + s.id %% 28)::int), "
            "make_date(2015 + g %% 11, 4 + g %% 9, (1 + s.id %% 28)::int), 2015 + g %% 11, "
            "1.5 + (g %% 6), true, 'confirmed', 'platform', 'bench:' || g, "
            "CASE WHEN g %% 7 = 0 THEN '+研修メモ' ELSE '' END, '', '', '', now(), now() "
            "FROM people_staff s CROSS JOIN generate_series(1, %s) g",
            [per_person],
        )
    framework = framework_with_items(pref, fiscal_year=2015)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO records_historyrecord_indicator_items (historyrecord_id, item_id) "
            "SELECT h.id, items.ids[1 + h.id %% array_length(items.ids, 1)] "
            "FROM records_historyrecord h, (SELECT array_agg(id ORDER BY id) AS ids "
            "FROM indicators_item WHERE framework_id = %s) items WHERE h.id %% 4 <> 0",
            [framework.pk],
        )
        cursor.execute("ANALYZE")
    account = Account.objects.create_user(BOARD_LOGIN, None, display_name="ベンチ 教委")
    RoleAssignment.objects.create(
        account=account, role=Role.BOARD, organisation=pref, valid_from="2020-04-01"
    )


def board() -> Acting:
    account = Account.objects.get(login_id=BOARD_LOGIN)
    return Acting(
        account=account, role=Role.BOARD, organisation=account.role_assignments.get().organisation
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(database: str) -> None:
    """The export, in a process of its own; prints JSON with its figures."""
    settings.DATABASES["default"]["NAME"] = database
    connection.settings_dict["NAME"] = database
    acting = board()
    before = _rss_mb()
    started = time.perf_counter()
    counter = exports.Progress(exports.export_batches(acting, HistoryFilters()))
    with open(os.devnull, "wb") as out:
        exports.write_csv(out, counter, encoding="utf-8-sig")
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"rows": counter.count, "seconds": seconds, "rss_before": before, "rss_peak": _rss_mb()}
        )
    )


COPY_SQL = """
COPY (
    SELECT s.staff_number, s.name, s.kana, m.code, m.name, s.job_title, h.fiscal_year,
           h.category, h.title, h.organiser_name, h.programme_number, h.start, h."end", h.hours,
           h.format, h.completed, h.status, h.source, c.codes, a.display_name, h.note
    FROM records_historyrecord h
    JOIN people_staff s ON s.id = h.staff_id
    LEFT JOIN accounts_account a ON a.id = h.confirmed_by_id
    LEFT JOIN (
        SELECT DISTINCT ON (x.staff_id) x.staff_id, o.code, o.name
        FROM people_assignment x JOIN orgs_organisation o ON o.id = x.organisation_id
        WHERE x.start <= current_date AND (x."end" IS NULL OR x."end" >= current_date)
          AND NOT x.concurrent AND o.path LIKE %(path)s
        ORDER BY x.staff_id, x.start DESC
    ) m ON m.staff_id = h.staff_id
    LEFT JOIN (
        SELECT l.historyrecord_id, string_agg(i.code, ' ' ORDER BY i.code) AS codes
        FROM records_historyrecord_indicator_items l JOIN indicators_item i ON i.id = l.item_id
        GROUP BY l.historyrecord_id
    ) c ON c.historyrecord_id = h.id
    WHERE h.staff_id IN (
        SELECT x.staff_id FROM people_assignment x JOIN orgs_organisation o ON o.id = x.organisation_id
        WHERE x.start <= current_date AND (x."end" IS NULL OR x."end" >= current_date)
          AND o.path LIKE %(path)s
    )
    ORDER BY s.staff_number, h.start, h.id
) TO STDOUT (FORMAT csv, HEADER)
"""


def copy_out() -> tuple[int, float, int]:
    """PostgreSQL's own export of the same columns for the same board (the codes joined with
    string_agg, the organisation with DISTINCT ON), read to the end."""
    path = board().organisation.path + "%"  # type: ignore[union-attr]
    size = 0
    lines = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor
        with raw.copy(COPY_SQL, {"path": path}) as copy:
            for data in copy:
                size += len(data)
                lines += bytes(data).count(b"\n")
    seconds = time.perf_counter() - started
    return lines - 1, seconds, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=50_000)
    parser.add_argument("--rows-per-person", type=int, default=20)
    parser.add_argument("--child", metavar="DATABASE")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if connection.vendor != "postgresql":
        print(
            "このベンチマークは PostgreSQL で動かします (DATABASE_URL=postgres://…)。省略します。"
        )
        return
    old_name = connection.settings_dict["NAME"]
    # Its own name, so that it never meets the test suite's database.
    connection.settings_dict["TEST"] = {
        **connection.settings_dict.get("TEST", {}),
        "NAME": "manabi_bench_history",
    }
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        build(args.staff, args.rows_per_person)
        print(
            f"database {database}: {args.staff:,} staff, {args.staff * args.rows_per_person:,} "
            f"history rows built in {time.perf_counter() - started:.1f} s"
        )
        copy_rows, copy_seconds, copy_bytes = copy_out()
        result = subprocess.run(
            [sys.executable, __file__, "--child", database],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "manabi.settings"},
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    export_rate = figures["rows"] / figures["seconds"]
    copy_rate = copy_rows / copy_seconds
    ratio = export_rate / copy_rate
    print(f"{'':<22} {'rows':>10} {'seconds':>8} {'rows/s':>10} {'peak RSS MB':>12}")
    print(
        f"{'manabi CSV export':<22} {figures['rows']:>10,} {figures['seconds']:>8.1f} "
        f"{export_rate:>10,.0f} {figures['rss_peak']:>12.0f}  (at start {figures['rss_before']:.0f})"
    )
    print(
        f"{'COPY … TO STDOUT':<22} {copy_rows:>10,} {copy_seconds:>8.1f} {copy_rate:>10,.0f}  ({copy_bytes / 2**20:.0f} MiB)"
    )
    print(f"ratio export / COPY rows/s = {ratio:.2f} (aim ≥ {GOAL_RATIO})")
    print(
        f"peak memory {figures['rss_peak']:.0f} MB "
        f"({'under' if figures['rss_peak'] < GOAL_MB else 'OVER'} the {GOAL_MB:.0f} MB goal)"
    )
    assert figures["rows"] == copy_rows, (figures["rows"], copy_rows)


if __name__ == "__main__":
    main()
