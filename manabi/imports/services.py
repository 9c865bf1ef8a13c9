"""Writes of the imports app: receive a file, check it (dry run, 確認), register it (登録).

Registering is all or nothing: the file is checked again inside one transaction, and only
when no row has an error is anything written, in batches (bulk_create / bulk_update by
chunks of rows, look-ups by dict, no query per row). The import job is the record of what
changed: its plan lists what each row did, and the audit log gets one event per committed
job (with the counts and the file's SHA-256) — none when the file changed nothing.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.utils import timezone

from manabi.accounts.models import Account, ApiToken, RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core.audit import audit_record
from manabi.core.csvio import RowError
from manabi.core.heartbeat import Heartbeat
from manabi.imports.kinds import KindCheck, handler_for
from manabi.imports.models import ImportJob, ImportKind, ImportStatus
from manabi.imports.permissions import can_import_kind
from manabi.imports.plans import (
    ORGANISATION_OUTCOMES,
    STAFF_OUTCOMES,
    OrganisationChange,
    OrganisationSnapshot,
    Outcome,
    StaffChange,
    StaffSnapshot,
    count_outcomes,
    plan_organisations,
    plan_staff,
    tree_paths,
)
from manabi.imports.rows import (
    MAX_FILE_BYTES,
    parse_organisation_rows,
    parse_staff_rows,
    read_table,
)
from manabi.imports.selectors import (
    chunked,
    import_job_acting,
    organisation_snapshot,
    staff_snapshot,
)
from manabi.orgs.models import Organisation
from manabi.people.models import Assignment, Staff

logger = logging.getLogger(__name__)

ERROR_LIMIT = 1000
WRITE_CHUNK = 2000
BATCH_SIZE = 1000

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


class ImportJobError(Exception):
    """Something the person can correct; ``str()`` is a Japanese message saying what."""


# --- receiving a file -----------------------------------------------------------------------


def import_job_create(
    *, actor: Acting, kind: ImportKind, file_name: str, content: bytes
) -> ImportJob:
    """Keep the uploaded file and start its dry run (確認) in the background."""
    from manabi.imports.tasks import import_job_validate_task

    if actor.account is None or not can_import_kind(actor, kind):
        raise ImportJobError("一括登録を行う権限がありません。")
    if not content:
        raise ImportJobError("ファイルが空です。")
    if len(content) > MAX_FILE_BYTES:
        raise ImportJobError("ファイルが大きすぎます。20MB 以下に分けてください。")
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            uploaded_by=actor.account,
            acting_role=actor.role.value if actor.role else "",
            acting_organisation=actor.organisation,
        )
        job_id = job.pk
        transaction.on_commit(lambda: import_job_validate_task.enqueue(job_id=job_id))
    return job


# --- checking (dry run) ---------------------------------------------------------------------


@dataclass
class CheckResult:
    encoding: str
    rows_total: int
    errors: list[RowError]
    staff_changes: list[StaffChange]
    staff_snapshot: StaffSnapshot | None
    organisation_changes: list[OrganisationChange]
    organisation_snapshot: OrganisationSnapshot | None
    # A kind registered by another app (manabi.imports.kinds): its own check.
    other: KindCheck | None = None

    @property
    def outcomes(self) -> list[Outcome]:
        if self.other is not None:
            return self.other.outcomes
        if self.staff_snapshot is not None:
            return [c.outcome for c in self.staff_changes]
        return [c.outcome for c in self.organisation_changes]

    @property
    def plan(self) -> list[list[object]]:
        if self.other is not None:
            return self.other.plan
        if self.staff_snapshot is not None:
            return [[c.row, c.staff_number, c.outcome.value] for c in self.staff_changes]
        return [[c.row, c.code, c.outcome.value] for c in self.organisation_changes]

    def report(self, kind: str) -> dict[str, Any]:
        kinds = outcomes_of(kind)
        return {
            "encoding": self.encoding,
            "rows": self.rows_total,
            "counts": count_outcomes(self.outcomes, kinds) if not self.errors else {},
            "errors": [e.as_dict() for e in self.errors[:ERROR_LIMIT]],
            "error_total": len(self.errors),
            "notes": self.other.notes if self.other is not None and not self.errors else [],
        }


def outcomes_of(kind: str) -> tuple[Outcome, ...]:
    """The outcomes a kind's rows can have, in the order the pages show them."""
    handler = handler_for(kind)
    if handler is not None:
        return tuple(handler.outcomes)
    return STAFF_OUTCOMES if kind == ImportKind.STAFF else ORGANISATION_OUTCOMES


def _check(
    job: ImportJob,
    *,
    lock: bool,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> CheckResult:
    """Read, check and plan the whole file (no writes)."""
    table = read_table(bytes(job.content))
    total = len(table.rows)
    if on_total is not None:
        on_total(total)

    # Progress runs over both passes: reading the rows is the first half, planning the second.
    def parsed(done: int) -> None:
        if progress is not None:
            progress(done // 2)

    def planned(done: int) -> None:
        if progress is not None:
            progress((total + done) // 2)

    acting = import_job_acting(job)
    today = timezone.localdate()
    result = CheckResult(table.encoding, total, [], [], None, [], None)
    handler = handler_for(job.kind)
    if handler is not None:
        result.other = handler.check(table, acting, lock, parsed, planned)
        result.errors = sorted(result.other.errors, key=lambda error: error.row)
        return result
    if job.kind == ImportKind.STAFF:
        staff_rows, errors = parse_staff_rows(table, progress=parsed)
        result.staff_snapshot = staff_snapshot(acting, staff_rows, today=today, lock=lock)
        result.staff_changes, plan_errors = plan_staff(
            staff_rows, result.staff_snapshot, progress=planned
        )
    else:
        org_rows, errors = parse_organisation_rows(table, progress=parsed)
        result.organisation_snapshot = organisation_snapshot(acting, lock=lock)
        result.organisation_changes, plan_errors = plan_organisations(
            org_rows, result.organisation_snapshot, progress=planned
        )
    result.errors = sorted(errors + plan_errors, key=lambda error: error.row)
    return result


def _progress_writer(job_id: int, field: str) -> Callable[[int], None]:
    """Progress of the dry run, written as it goes (outside any transaction)."""

    def write(value: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **{field: value})

    return write


def _fail(job_id: int, message: str, report: dict[str, Any] | None = None) -> None:
    fields: dict[str, Any] = {"status": ImportStatus.FAILED, "message": message[:500]}
    if report is not None:
        fields["report"] = report
    ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def import_job_validate(*, job_id: int) -> ImportJob:
    """The dry run (確認): check every row and store the report; writes nothing else."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.UPLOADED).update(
        status=ImportStatus.VALIDATING, updated_at=timezone.now()
    )
    job = ImportJob.objects.select_related("uploaded_by", "acting_organisation").get(pk=job_id)
    if not claimed:
        return job
    try:
        with Heartbeat(ImportJob, job_id, status=ImportStatus.VALIDATING):
            result = _check(
                job,
                lock=False,
                progress=_progress_writer(job_id, "rows_done"),
                on_total=_progress_writer(job_id, "rows_total"),
            )
    except Exception:
        logger.exception("import job %s: validation failed", job_id)
        _fail(job_id, UNEXPECTED)
        raise
    with transaction.atomic():
        job.report = result.report(job.kind)
        job.plan = result.plan
        job.rows_total = result.rows_total
        job.rows_done = result.rows_total
        job.status = ImportStatus.FAILED if result.errors else ImportStatus.VALIDATED
        job.message = ""  # the errors are in the report
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


# --- registering (commit) -------------------------------------------------------------------


def import_job_commit_request(*, actor: Acting, job: ImportJob) -> ImportJob:
    """「この内容で登録する」: start registering a job whose dry run found no errors.

    The status moves from validated to committing in one conditional UPDATE, so a double
    click (or two officers at once) registers the file once.
    """
    from manabi.imports.tasks import import_job_commit_task

    if actor.account is None or not can_import_kind(actor, job.kind):
        raise ImportJobError("一括登録を行う権限がありません。")
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED).update(
            status=ImportStatus.COMMITTING,
            committed_by=actor.account,
            committed_role=actor.role.value if actor.role else "",
            committed_organisation=actor.organisation,
            rows_done=0,
            updated_at=timezone.now(),
        )
        if not claimed:
            raise ImportJobError(
                "この一括登録は登録できる状態ではありません(登録済み・登録中、またはエラーが"
                "あります)。画面を読み込み直して状態を確認してください。"
            )
        job_id = job.pk
        transaction.on_commit(lambda: import_job_commit_task.enqueue(job_id=job_id))
    job.refresh_from_db()
    return job


class _ErrorsFound(Exception):
    def __init__(self, result: CheckResult) -> None:
        super().__init__("errors found while committing")
        self.result = result


def import_job_commit(*, job_id: int) -> ImportJob:
    """Check the file again and write everything in ONE transaction, or nothing."""
    job = ImportJob.objects.select_related(
        "uploaded_by", "acting_organisation", "committed_by", "committed_organisation"
    ).get(pk=job_id)
    if job.status != ImportStatus.COMMITTING:
        return job
    try:
        # The beat (and the progress of the check) is written by the heartbeat's own
        # connection: this transaction's writes are seen by nobody until it commits.
        with (
            Heartbeat(ImportJob, job_id, status=ImportStatus.COMMITTING) as beat,
            transaction.atomic(),
        ):
            result = _check(job, lock=True, progress=beat.progress)
            if result.errors:
                raise _ErrorsFound(result)
            beat.progress(result.rows_total)
            counts = count_outcomes(result.outcomes, outcomes_of(job.kind))
            handler = handler_for(job.kind)
            if result.other is not None and handler is not None:
                handler.apply(result.other, _committer(job), job)
            elif result.staff_snapshot is not None:
                _apply_staff(
                    [c for c in result.staff_changes if c.writes],
                    result.staff_snapshot,
                    granted_by=job.committed_by,
                )
            elif result.organisation_snapshot is not None:
                _apply_organisations(result.organisation_changes, result.organisation_snapshot)
            job.report = {**result.report(job.kind), "counts": counts}
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
            if any(n for outcome, n in counts.items() if outcome != Outcome.UNCHANGED):
                audit_record(
                    actor=_committer(job),
                    action=f"imports.{job.kind}.commit",
                    target=job,
                    details={
                        "file_name": job.file_name,
                        "file_sha256": job.file_sha256,
                        "rows": result.rows_total,
                        "counts": counts,
                    },
                )
    except _ErrorsFound as found:
        _fail(job_id, CHANGED_SINCE, found.result.report(job.kind))
    except DatabaseError:
        logger.exception("import job %s: commit refused by the database", job_id)
        _fail(job_id, CONFLICT)
    except Exception:
        logger.exception("import job %s: commit failed", job_id)
        _fail(job_id, UNEXPECTED)
        raise
    return ImportJob.objects.defer("content").get(pk=job_id)


# --- jobs whose worker died (reaper), and running them again --------------------------------

STALLED = (
    "処理が途中で止まったため(最後の応答 {last:%Y/%m/%d %H:%M})、中止しました。何も登録して"
    "いません。「もう一度確認する」で、同じファイルの確認からやり直せます。"
)


def _stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(minutes=settings.JOB_STALE_MINUTES)


def import_jobs_reap(*, now: datetime | None = None, job_id: int | None = None) -> list[int]:
    """Mark failed every job being checked or registered whose heartbeat stopped more than
    ``JOB_STALE_MINUTES`` ago (its worker died). Nothing partial is left: the commit is one
    transaction, which the database rolled back when the worker's connection went. Each job
    moves in one conditional UPDATE, so a job that beats again in the meantime is kept.
    Returns the ids of the jobs marked."""
    stale = ImportJob.objects.filter(
        status__in=(ImportStatus.VALIDATING, ImportStatus.COMMITTING),
        updated_at__lt=_stale_before(now),
    )
    if job_id is not None:
        stale = stale.filter(pk=job_id)
    reaped = []
    for pk, last in stale.values_list("pk", "updated_at"):
        moved = (
            ImportJob.objects.filter(pk=pk, updated_at=last)
            .filter(status__in=(ImportStatus.VALIDATING, ImportStatus.COMMITTING))
            .update(
                status=ImportStatus.FAILED,
                message=STALLED.format(last=timezone.localtime(last))[:500],
                updated_at=timezone.now(),
            )
        )
        if moved:
            logger.warning("import job %s: no heartbeat since %s, marked failed", pk, last)
            reaped.append(pk)
    return reaped


def import_job_reap_if_stale(job: ImportJob) -> ImportJob:
    """The job as it is now, after marking it failed if its worker died (for the job's page
    and the API, so that nobody watches a job that will never finish)."""
    running = job.status in (ImportStatus.VALIDATING, ImportStatus.COMMITTING)
    if running and job.updated_at < _stale_before() and import_jobs_reap(job_id=job.pk):
        job.refresh_from_db(fields=["status", "message", "updated_at", "rows_done", "rows_total"])
    return job


def can_rerun(job: ImportJob) -> bool:
    """A job that failed for a reason outside the file (its worker died, the database refused
    the commit, an unexpected error) may be checked again; one whose rows have errors is
    corrected and uploaded again instead."""
    return job.status == ImportStatus.FAILED and not int((job.report or {}).get("error_total") or 0)


def import_job_rerun(*, actor: Acting, job: ImportJob) -> ImportJob:
    """「もう一度確認する」: the same file from the dry run again (one conditional UPDATE)."""
    from manabi.imports.tasks import import_job_validate_task

    if actor.account is None or not can_import_kind(actor, job.kind):
        raise ImportJobError("一括登録を行う権限がありません。")
    if not can_rerun(job):
        raise ImportJobError(
            "この一括登録はやり直せる状態ではありません(行にエラーがあるときは、直したファイルを"
            "取り込み直してください)。"
        )
    with transaction.atomic():
        claimed = (
            ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED)
            .exclude(report__error_total__gt=0)
            .update(
                status=ImportStatus.UPLOADED,
                report={},
                plan=[],
                rows_done=0,
                message="",
                validated_at=None,
                committed_by=None,
                committed_role="",
                committed_organisation=None,
                updated_at=timezone.now(),
            )
        )
        if not claimed:
            raise ImportJobError(
                "この一括登録はやり直せる状態ではありません。画面を読み込み直してください。"
            )
        job_id = job.pk
        transaction.on_commit(lambda: import_job_validate_task.enqueue(job_id=job_id))
    job.refresh_from_db()
    return job


def _committer(job: ImportJob) -> Acting:
    return Acting(
        account=job.committed_by,
        role=Role(job.committed_role) if job.committed_role else None,
        organisation=job.committed_organisation,
    )


def _group_updates(
    objects: list[tuple[models.Model, frozenset[str]]],
) -> dict[frozenset[str], list[Any]]:
    """Objects grouped by the fields that change, so unchanged fields are never written."""
    groups: dict[frozenset[str], list[Any]] = defaultdict(list)
    for obj, names in objects:
        groups[names].append(obj)
    return groups


def _unusable_password() -> str:
    """What ``set_unusable_password`` stores ("!" and a random suffix), in one call instead of
    forty: it matters for 50,000 new accounts. No password hashing happens here."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _apply_staff(
    changes: list[StaffChange], snapshot: StaffSnapshot, *, granted_by: Account | None
) -> None:
    """Write the planned staff changes, WRITE_CHUNK rows at a time."""
    people = {person.id: person for person in snapshot.staff.values()}
    now = timezone.now()
    for chunk in chunked(changes, WRITE_CHUNK):
        # People: new ones first (their ids are needed below), then changed fields.
        hires = [c for c in chunk if c.staff_id is None]
        created = []
        for change in hires:
            person = Staff(**change.fields)
            person.refresh_search_key()
            created.append(person)
        Staff.objects.bulk_create(created, batch_size=BATCH_SIZE)
        for change, person in zip(hires, created, strict=True):
            change.staff_id = person.pk
        hired = {id(change) for change in hires}
        updates: list[tuple[models.Model, frozenset[str]]] = []
        for change in chunk:
            if id(change) in hired or not change.fields:
                continue
            assert change.staff_id is not None
            known = people[change.staff_id]
            person = Staff(
                pk=known.id,
                staff_number=known.staff_number,
                name=known.name,
                kana=known.kana,
                alias_name=known.alias_name,
            )
            names = {*change.fields, "updated_at"}
            for name, value in change.fields.items():
                setattr(person, name, value)
            if names & {"name", "kana", "alias_name"}:
                person.refresh_search_key()
                names.add("search_key")
            person.updated_at = now
            updates.append((person, frozenset(names)))
        for field_names, objects in _group_updates(updates).items():
            Staff.objects.bulk_update(objects, sorted(field_names), batch_size=BATCH_SIZE)

        # Assignments (所属): end the old ones first, then add.
        ends = [Assignment(pk=a_id, end=end) for c in chunk for a_id, end in c.assignment_ends]
        Assignment.objects.bulk_update(ends, ["end"], batch_size=BATCH_SIZE)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    staff_id=c.staff_id,
                    organisation_id=c.assignment.organisation_id,
                    start=c.assignment.start,
                    concurrent=c.assignment.concurrent,
                )
                for c in chunk
                if c.assignment is not None and c.staff_id is not None
            ],
            batch_size=BATCH_SIZE,
        )

        # Accounts: no usable password (initial passwords are issued separately).
        accounts = []
        for change in chunk:
            if change.create_account:
                accounts.append(
                    Account(
                        login_id=change.login_id,
                        display_name=change.display_name,
                        staff_id=change.staff_id,
                        password=_unusable_password(),
                    )
                )
        Account.objects.bulk_create(accounts, batch_size=BATCH_SIZE)
        account_of = {
            person.id: person.account_id for person in people.values() if person.account_id
        }
        account_of.update({a.staff_id: a.pk for a in accounts if a.staff_id is not None})

        # Roles follow the assignments.
        role_ends = [
            RoleAssignment(pk=r_id, valid_to=day) for c in chunk for r_id, day in c.role_ends
        ]
        RoleAssignment.objects.bulk_update(role_ends, ["valid_to"], batch_size=BATCH_SIZE)
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    account_id=account_of[c.staff_id],
                    role=Role.STAFF,
                    organisation_id=c.role_add[0],
                    valid_from=c.role_add[1],
                    granted_by=granted_by,
                )
                for c in chunk
                if c.role_add is not None and c.staff_id in account_of
            ],
            batch_size=BATCH_SIZE,
        )

        # 退職: no more sign-ins; sessions and API tokens end (as accounts.account_deactivate).
        leaving = [c.deactivate_account for c in chunk if c.deactivate_account is not None]
        if leaving:
            Account.objects.filter(pk__in=leaving).update(
                is_active=False, session_generation=F("session_generation") + 1
            )
            ApiToken.objects.filter(account_id__in=leaving).delete()


def _apply_organisations(changes: list[OrganisationChange], snapshot: OrganisationSnapshot) -> None:
    """Create and update organisations, then recompute the paths of whatever moved."""
    new = [c for c in changes if c.organisation_id is None]
    created = [Organisation(**c.fields) for c in new]
    Organisation.objects.bulk_create(created, batch_size=BATCH_SIZE)
    id_of = {node.code: node.id for node in snapshot.by_id.values()}
    id_of.update({org.code: org.pk for org in created})

    updates: list[tuple[models.Model, frozenset[str]]] = []
    for change in changes:
        if change.organisation_id is not None and change.fields:
            org = Organisation(pk=change.organisation_id, **change.fields)
            updates.append((org, frozenset(change.fields)))
    for names, objects in _group_updates(updates).items():
        Organisation.objects.bulk_update(objects, sorted(names), batch_size=BATCH_SIZE)

    parent_of: dict[int, int | None] = {n.id: n.parent_id for n in snapshot.by_id.values()}
    for change in changes:
        if change.moves:
            parent_of[id_of[change.code]] = (
                id_of[change.parent_code] if change.parent_code else None
            )
    paths = tree_paths(parent_of)
    moved = [
        Organisation(pk=org_id, parent_id=parent_of[org_id], path=path)
        for org_id, path in paths.items()
        if org_id not in snapshot.by_id
        or snapshot.by_id[org_id].path != path
        or snapshot.by_id[org_id].parent_id != parent_of[org_id]
    ]
    Organisation.objects.bulk_update(moved, ["parent", "path"], batch_size=BATCH_SIZE)
