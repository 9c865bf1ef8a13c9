"""Legacy history imports (移行データの取り込み): a kind of the shared import job
(:mod:`manabi.imports.kinds`), so the upload, the dry run (確認), progress, the per-row report and
the all-or-nothing commit (登録) are the same as the April import's and the roster's.

Checking reads every row (:mod:`manabi.records.legacy_rows`) and plans it against the
database in batches: the person must be in the importer's jurisdiction, the 育成指標 codes
must exist in the framework in force for them, and a row whose reference is already recorded
for that person is *registered already* (変更なし) and adds nothing. Registering checks again
inside the commit transaction; imported records are marked (``source=import``,
``legacy_import=<job>``). A concurrent import of the same history fails on the unique
(staff, source_ref) constraint and rolls back: nothing is written twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core.csvio import RowError
from manabi.imports.kinds import KindHandler
from manabi.imports.models import ImportJob, ImportKind
from manabi.imports.plans import Outcome
from manabi.imports.rows import Table
from manabi.indicators.models import Framework, Item
from manabi.orgs.models import Organisation
from manabi.people.models import Assignment, current_assignment_q
from manabi.people.selectors import staff_in_jurisdiction
from manabi.records.choices import RecordSource, RecordStatus
from manabi.records.legacy_rows import COLUMNS, LegacyRow, parse_legacy_rows
from manabi.records.models import HistoryRecord
from manabi.records.permissions import can_import_history

LOOKUP_CHUNK = 2000
WRITE_CHUNK = 2000
OUTCOMES = (Outcome.NEW, Outcome.UNCHANGED)


def _chunks(values: Sequence[Any], size: int = LOOKUP_CHUNK) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


# --- planning -------------------------------------------------------------------------------


@dataclass
class Planned:
    row: LegacyRow
    staff_id: int
    outcome: Outcome
    item_ids: list[int] = field(default_factory=list)


@dataclass
class LegacyCheck:
    """What the dry run found (the :class:`~manabi.imports.kinds.KindCheck` of the kind)."""

    errors: list[RowError]
    planned: list[Planned] = field(default_factory=list)

    @property
    def outcomes(self) -> list[Outcome]:
        return [p.outcome for p in self.planned]

    @property
    def plan(self) -> list[list[object]]:
        return [[p.row.row, p.row.staff_number, p.outcome.value] for p in self.planned]

    @property
    def notes(self) -> list[str]:
        if not any(p.outcome == Outcome.UNCHANGED for p in self.planned):
            return []
        return ["「変更なし」の行は、同じ履歴IDの記録がすでにあるため追加しません。"]


def _frameworks_by_staff(staff_ids: list[int]) -> dict[int, list[Framework]]:
    """For each person, the frameworks of the boards above their main organisation, nearest
    board first (each board's versions newest first)."""
    today = timezone.localdate()
    org_of: dict[int, Organisation] = {}
    for chunk in _chunks(staff_ids):
        for assignment in Assignment.objects.filter(
            current_assignment_q(today), staff_id__in=chunk, concurrent=False
        ).select_related("organisation"):
            org_of[assignment.staff_id] = assignment.organisation
    frameworks = list(Framework.objects.all())
    by_board: dict[int, list[Framework]] = defaultdict(list)
    for framework in sorted(frameworks, key=lambda f: -f.fiscal_year):
        by_board[framework.board_id].append(framework)
    result: dict[int, list[Framework]] = {}
    for staff_id in staff_ids:
        org = org_of.get(staff_id)
        ids = [int(p) for p in org.path.strip("/").split("/") if p] if org else []
        result[staff_id] = [f for board_id in reversed(ids) for f in by_board.get(board_id, [])]
    return result


def _items(
    frameworks: list[Framework],
    codes: Sequence[str],
    fiscal_year: int,
    lookup: dict[tuple[int, str], int],
) -> tuple[list[int], list[str]]:
    """Item ids for ``codes``: from the nearest board's version in force in ``fiscal_year``
    (or its oldest version when the record is older than every version)."""
    if not frameworks:
        return [], list(codes)
    nearest = frameworks[0].board_id
    versions = [f for f in frameworks if f.board_id == nearest]
    framework = next((f for f in versions if f.fiscal_year <= fiscal_year), versions[-1])
    found, missing = [], []
    for code in codes:
        item_id = lookup.get((framework.pk, code))
        if item_id is None:
            missing.append(code)
        else:
            found.append(item_id)
    return found, missing


def check(
    table: Table,
    acting: Acting,
    lock: bool,
    parsed: Callable[[int], None],
    planned_rows: Callable[[int], None],
) -> LegacyCheck:
    """Read, check and plan the whole file (no writes). Nothing needs locking: the unique
    (staff, source_ref) constraint refuses a concurrent import of the same history."""
    rows, errors = parse_legacy_rows(table, progress=parsed)
    numbers = sorted({row.staff_number for row in rows})
    visible: dict[str, int] = {}
    for chunk in _chunks(numbers):
        visible.update(
            staff_in_jurisdiction(acting)
            .filter(staff_number__in=chunk)
            .values_list("staff_number", "pk")
        )
    staff_ids = sorted(set(visible.values()))
    known: set[tuple[int, str]] = set()
    for chunk in _chunks(staff_ids):
        known.update(
            HistoryRecord.objects.filter(staff_id__in=chunk, source=RecordSource.IMPORT)
            .exclude(source_ref="")
            .values_list("staff_id", "source_ref")
        )
    frameworks = _frameworks_by_staff(staff_ids) if any(r.item_codes for r in rows) else {}
    lookup: dict[tuple[int, str], int] = {}
    if frameworks:
        ids = {f.pk for fs in frameworks.values() for f in fs}
        lookup = {
            (framework_id, code): item_id
            for item_id, framework_id, code in Item.objects.filter(
                framework_id__in=ids
            ).values_list("pk", "framework_id", "code")
        }
    planned: list[Planned] = []
    for done, row in enumerate(rows, start=1):
        staff_id = visible.get(row.staff_number)
        if staff_id is None:
            errors.append(
                RowError.at(
                    row.row,
                    f"職員番号「{row.staff_number}」の教職員は管轄内にいません(未登録か、管轄外の所属です)。",
                    column="職員番号",
                    value=row.staff_number,
                )
            )
            continue
        item_ids: list[int] = []
        if row.item_codes:
            item_ids, missing = _items(
                frameworks.get(staff_id, []), row.item_codes, row.fiscal_year, lookup
            )
            if missing:
                errors.append(
                    RowError.at(
                        row.row,
                        f"育成指標の項目番号「{'、'.join(missing)}」が、この教職員に適用される育成指標にありません。",
                        column="育成指標",
                        value=" ".join(row.item_codes),
                    )
                )
                continue
        outcome = Outcome.UNCHANGED if (staff_id, row.source_ref) in known else Outcome.NEW
        planned.append(Planned(row, staff_id, outcome, item_ids))
        if done % 5000 == 0:
            planned_rows(done)
    errors.sort(key=lambda error: error.row)
    return LegacyCheck(errors, planned)


def apply(result: LegacyCheck, committer: Acting, job: ImportJob) -> None:
    """Write every new record (inside the commit transaction), in bulk."""
    planned = [p for p in result.planned if p.outcome == Outcome.NEW]
    now = timezone.now()
    Link = HistoryRecord.indicator_items.through
    for chunk in _chunks(planned, WRITE_CHUNK):
        records = [
            HistoryRecord(
                staff_id=p.staff_id,
                title=p.row.title,
                organiser_name=p.row.organiser,
                programme_number=p.row.programme_number,
                category=p.row.category,
                format=p.row.format,
                start=p.row.start,
                end=p.row.end,
                fiscal_year=p.row.fiscal_year,
                hours=p.row.hours,
                completed=p.row.completed,
                status=RecordStatus.CONFIRMED,
                source=RecordSource.IMPORT,
                source_ref=p.row.source_ref,
                note=p.row.note,
                entered_by=committer.account,
                confirmed_at=now,
                legacy_import=job,
            )
            for p in chunk
        ]
        HistoryRecord.objects.bulk_create(records)
        Link.objects.bulk_create(
            [
                Link(historyrecord_id=record.pk, item_id=item_id)
                for record, p in zip(records, chunk, strict=True)
                for item_id in p.item_ids
            ]
        )


def may_import(acting: Acting) -> bool:
    return can_import_history(acting)


def sees(acting: Acting, organisation_id: int | None) -> bool:
    """A system administrator sees every legacy import; a board those made for organisations
    within its jurisdiction."""
    if not may_import(acting):
        return False
    if acting.role == Role.SYSTEM_ADMIN:
        return True
    if acting.organisation is None or organisation_id is None:
        return False
    return Organisation.objects.filter(
        pk=organisation_id, path__startswith=acting.organisation.path
    ).exists()


HANDLER = KindHandler(
    kind=ImportKind.LEGACY_HISTORY.value,
    label="研修受講履歴(移行データ)",
    columns=COLUMNS,
    outcomes=OUTCOMES,
    may_import=may_import,
    sees=sees,
    check=check,
    apply=apply,
    upload_url="records:import_upload",
    committed_note="登録した記録は「移行データ」として各教職員の研修受講履歴に表示されます。",
)
