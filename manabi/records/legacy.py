"""Legacy history imports (移行データの取り込み): receive a file, check it (dry run, 確認),
register it (登録), all or nothing — the same steps as ``imports.services`` for the April
import.

Checking reads every row (:mod:`manabi.records.legacy_rows`) and plans it against the
database in batches: the person must be in the importer's jurisdiction, the 育成指標 codes
must exist in the framework in force for them, and a row whose reference is already recorded
for that person is *registered already* and adds nothing. Registering checks again inside
one transaction and writes only when no row has an error; imported records are marked
(``source=import``, ``legacy_import=<job>``). One audit event per committed job.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.core.csvio import RowError
from manabi.imports.models import ImportStatus
from manabi.imports.rows import MAX_FILE_BYTES, read_table
from manabi.indicators.models import Framework, Item
from manabi.orgs.models import Organisation
from manabi.people.models import Assignment, current_assignment_q
from manabi.people.selectors import staff_in_jurisdiction
from manabi.records.choices import RecordSource, RecordStatus
from manabi.records.legacy_rows import LegacyRow, parse_legacy_rows
from manabi.records.models import HistoryImport, HistoryRecord
from manabi.records.permissions import can_import_history

logger = logging.getLogger(__name__)

ERROR_LIMIT = 1000
LOOKUP_CHUNK = 2000
WRITE_CHUNK = 2000

NEW = "new"
KNOWN = "known"
OUTCOME_LABELS = {NEW: "追加", KNOWN: "登録済み(追加しない)"}

UNEXPECTED = (
    "処理中に予期しないエラーが発生したため、中止しました。何も登録していません。"
    "時間をおいてもう一度取り込むか、システム管理者に連絡してください。"
)
CONFLICT = (
    "登録中にほかの操作と重なったため、中止しました。何も登録していません。"
    "もう一度ファイルを取り込んで確認し直してください。"
)
CHANGED_SINCE = (
    "登録の直前にもう一度確認したところ、エラーが見つかりました(確認の後にデータが変わった"
    "可能性があります)。何も登録していません。エラーを直して取り込み直してください。"
)


class HistoryImportError(Exception):
    """Something the person can correct; ``str()`` is a Japanese message saying what."""


def _chunks(values: Sequence[Any], size: int = LOOKUP_CHUNK) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


# --- receiving ------------------------------------------------------------------------------


def history_import_create(*, actor: Acting, file_name: str, content: bytes) -> HistoryImport:
    """Keep the uploaded file and start its dry run in the background."""
    from manabi.records.tasks import history_import_validate_task

    if actor.account is None or not can_import_history(actor):
        raise HistoryImportError("移行データを取り込む権限がありません。")
    if not content:
        raise HistoryImportError("ファイルが空です。")
    if len(content) > MAX_FILE_BYTES:
        raise HistoryImportError("ファイルが大きすぎます。20MB 以下に分けてください。")
    with transaction.atomic():
        job = HistoryImport.objects.create(
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            uploaded_by=actor.account,
            acting_role=actor.role.value if actor.role else "",
            acting_organisation=actor.organisation,
        )
        job_id = job.pk
        transaction.on_commit(lambda: history_import_validate_task.enqueue(job_id=job_id))
    return job


# --- planning -------------------------------------------------------------------------------


@dataclass
class Planned:
    row: LegacyRow
    staff_id: int
    outcome: str
    item_ids: list[int] = field(default_factory=list)


@dataclass
class CheckResult:
    encoding: str
    rows_total: int
    errors: list[RowError]
    planned: list[Planned]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOME_LABELS, 0)
        for plan in self.planned:
            counts[plan.outcome] += 1
        return counts

    def report(self) -> dict[str, Any]:
        return {
            "encoding": self.encoding,
            "rows": self.rows_total,
            "counts": self.counts() if not self.errors else {},
            "errors": [e.as_dict() for e in self.errors[:ERROR_LIMIT]],
            "error_total": len(self.errors),
        }

    @property
    def plan(self) -> list[list[object]]:
        return [[p.row.row, p.row.staff_number, p.outcome] for p in self.planned]


def job_acting(job: HistoryImport) -> Acting:
    return Acting(
        account=job.uploaded_by,
        role=Role(job.acting_role) if job.acting_role else None,
        organisation=job.acting_organisation,
    )


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


def _check(
    job: HistoryImport,
    *,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> CheckResult:
    """Read, check and plan the whole file (no writes)."""
    table = read_table(bytes(job.content))
    total = len(table.rows)
    if on_total is not None:
        on_total(total)
    rows, errors = parse_legacy_rows(
        table, progress=(lambda d: progress(d // 2)) if progress else None
    )
    acting = job_acting(job)
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
        outcome = KNOWN if (staff_id, row.source_ref) in known else NEW
        planned.append(Planned(row, staff_id, outcome, item_ids))
        if progress is not None and done % 5000 == 0:
            progress((total + done) // 2)
    errors.sort(key=lambda error: error.row)
    return CheckResult(table.encoding, total, errors, planned)


def _fail(job_id: int, message: str, report: dict[str, Any] | None = None) -> None:
    fields: dict[str, Any] = {"status": ImportStatus.FAILED, "message": message[:500]}
    if report is not None:
        fields["report"] = report
    HistoryImport.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def _progress_writer(job_id: int, name: str) -> Callable[[int], None]:
    def write(value: int) -> None:
        HistoryImport.objects.filter(pk=job_id).update(updated_at=timezone.now(), **{name: value})

    return write


def history_import_validate(*, job_id: int) -> HistoryImport:
    """The dry run (確認): check every row and store the report; writes nothing else."""
    claimed = HistoryImport.objects.filter(pk=job_id, status=ImportStatus.UPLOADED).update(
        status=ImportStatus.VALIDATING, updated_at=timezone.now()
    )
    job = HistoryImport.objects.select_related("uploaded_by", "acting_organisation").get(pk=job_id)
    if not claimed:
        return job
    try:
        result = _check(
            job,
            progress=_progress_writer(job_id, "rows_done"),
            on_total=_progress_writer(job_id, "rows_total"),
        )
    except Exception:
        logger.exception("history import %s: validation failed", job_id)
        _fail(job_id, UNEXPECTED)
        raise
    job.report = result.report()
    job.plan = result.plan
    job.rows_total = job.rows_done = result.rows_total
    job.status = ImportStatus.FAILED if result.errors else ImportStatus.VALIDATED
    job.message = ""
    job.validated_at = timezone.now()
    job.save(
        update_fields=[
            "report",
            "plan",
            "rows_total",
            "rows_done",
            "status",
            "message",
            "validated_at",
            "updated_at",
        ]
    )
    return job


# --- registering ----------------------------------------------------------------------------


def history_import_commit_request(*, actor: Acting, job: HistoryImport) -> HistoryImport:
    """「この内容で登録する」: one conditional UPDATE, so a double click registers once."""
    from manabi.records.tasks import history_import_commit_task

    if actor.account is None or not can_import_history(actor):
        raise HistoryImportError("移行データを取り込む権限がありません。")
    with transaction.atomic():
        claimed = HistoryImport.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED).update(
            status=ImportStatus.COMMITTING,
            committed_by=actor.account,
            committed_role=actor.role.value if actor.role else "",
            committed_organisation=actor.organisation,
            rows_done=0,
            updated_at=timezone.now(),
        )
        if not claimed:
            raise HistoryImportError(
                "この取り込みは登録できる状態ではありません(登録済み・登録中、またはエラーが"
                "あります)。画面を読み込み直して状態を確認してください。"
            )
        job_id = job.pk
        transaction.on_commit(lambda: history_import_commit_task.enqueue(job_id=job_id))
    job.refresh_from_db()
    return job


class _ErrorsFound(Exception):
    def __init__(self, result: CheckResult) -> None:
        super().__init__("errors found while committing")
        self.result = result


def history_import_commit(*, job_id: int) -> HistoryImport:
    """Check the file again and write every new record in ONE transaction, or nothing."""
    job = HistoryImport.objects.select_related(
        "uploaded_by", "acting_organisation", "committed_by", "committed_organisation"
    ).get(pk=job_id)
    if job.status != ImportStatus.COMMITTING:
        return job
    try:
        with transaction.atomic():
            result = _check(job)
            if result.errors:
                raise _ErrorsFound(result)
            # A concurrent import of the same history fails on the unique (staff, source_ref)
            # constraint and rolls back: nothing is written twice.
            _apply(job, [p for p in result.planned if p.outcome == NEW])
            counts = result.counts()
            job.report = result.report()
            job.plan = result.plan
            job.rows_total = job.rows_done = result.rows_total
            job.status = ImportStatus.COMMITTED
            job.message = ""
            job.committed_at = timezone.now()
            job.save(
                update_fields=[
                    "report",
                    "plan",
                    "rows_total",
                    "rows_done",
                    "status",
                    "message",
                    "committed_at",
                    "updated_at",
                ]
            )
            if counts[NEW]:
                audit_record(
                    actor=Acting(
                        account=job.committed_by,
                        role=Role(job.committed_role) if job.committed_role else None,
                        organisation=job.committed_organisation,
                    ),
                    action="records.history.import",
                    target=job,
                    details={
                        "file_name": job.file_name,
                        "file_sha256": job.file_sha256,
                        "rows": result.rows_total,
                        "counts": counts,
                    },
                )
    except _ErrorsFound as found:
        _fail(job_id, CHANGED_SINCE, found.result.report())
    except DatabaseError:
        logger.exception("history import %s: commit refused by the database", job_id)
        _fail(job_id, CONFLICT)
    except Exception:
        logger.exception("history import %s: commit failed", job_id)
        _fail(job_id, UNEXPECTED)
        raise
    return HistoryImport.objects.defer("content").get(pk=job_id)


def _apply(job: HistoryImport, planned: list[Planned]) -> None:
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
                entered_by=job.committed_by,
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


def history_import_errors(job: HistoryImport) -> list[list[object]]:
    errors = job.report.get("errors", [])
    return [[e["row"] or "", e["column"] or "", e["value"] or "", e["message"]] for e in errors]


__all__ = [
    "OUTCOME_LABELS",
    "HistoryImportError",
    "history_import_commit",
    "history_import_commit_request",
    "history_import_create",
    "history_import_errors",
    "history_import_validate",
]
