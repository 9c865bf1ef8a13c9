"""Writes of the eligibility app: service records and the survey workflow.

Every function is keyword-only, runs in a transaction and writes an audit event. Problems a
person can fix are raised as :class:`SurveyError` (or ``ValidationError`` by field) with a
Japanese message that says what is wrong and what to do. State changes of a submission lock
its row (``select_for_update``), so two people clicking at once cannot both submit, or edit a
submission that is being submitted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core import csvio, wareki, xlsx
from manabi.core.audit import audit_record
from manabi.core.csvio import RowError
from manabi.eligibility.models import (
    CompletedTraining,
    SchoolSubmission,
    StaffLeave,
    StaffServicePeriod,
    Survey,
    TargetDecision,
)
from manabi.eligibility.presets import PresetError, load_preset
from manabi.eligibility.record_rows import (
    COMPLETED,
    LEAVE,
    SERVICE,
    RecordRow,
    parse_record_rows,
)
from manabi.eligibility.selectors import (
    SchoolComputation,
    compute_school,
    prefectures_for_survey,
    principal_name_of,
    runs_survey,
    schools_of_prefecture,
)
from manabi.eligibility.survey_rules import (
    ATTEND_NO,
    ATTEND_YES,
    TARGET_JOBS,
    decision_problems,
    engine_job,
    training_title,
)
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.people.models import Staff
from manabi.people.selectors import staff_in_jurisdiction

MAX_IMPORT_ROWS = 50_000


class SurveyError(Exception):
    """Something the person can correct; ``str()`` is a Japanese message saying what."""


# --- service records -------------------------------------------------------------------------

ServiceRecord = StaffServicePeriod | StaffLeave | CompletedTraining


def _period_check(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise ValidationError(
            {"end": f"終了日 {end:%Y-%m-%d} が開始日 {start:%Y-%m-%d} より前です。"}
        )


def _record_details(record: ServiceRecord) -> dict[str, object]:
    if isinstance(record, CompletedTraining):
        return {"training": record.training, "year": record.year, "note": record.note}
    return {
        "kind": record.kind,
        "start": record.start.isoformat(),
        "end": record.end.isoformat() if record.end else None,
        "note": record.note,
    }


def service_period_add(
    *,
    actor: Acting | None,
    staff: Staff,
    kind: str,
    start: date,
    end: date | None = None,
    note: str = "",
) -> StaffServicePeriod:
    """在職期間を登録する."""
    _period_check(start, end)
    with transaction.atomic():
        period = StaffServicePeriod(staff=staff, kind=kind, start=start, end=end, note=note)
        period.full_clean()
        period.save()
        audit_record(
            actor=actor,
            action="eligibility.service_period.add",
            target=period,
            subject=staff,
            details=_record_details(period),
        )
    return period


def leave_add(
    *,
    actor: Acting | None,
    staff: Staff,
    kind: str,
    start: date,
    end: date | None = None,
    note: str = "",
) -> StaffLeave:
    """休職・休業等を登録する."""
    _period_check(start, end)
    with transaction.atomic():
        leave = StaffLeave(staff=staff, kind=kind, start=start, end=end, note=note)
        leave.full_clean()
        leave.save()
        audit_record(
            actor=actor,
            action="eligibility.leave.add",
            target=leave,
            subject=staff,
            details=_record_details(leave),
        )
    return leave


def completed_training_add(
    *,
    actor: Acting | None,
    staff: Staff,
    training: str,
    year: int | None = None,
    note: str = "",
) -> CompletedTraining:
    """修了済みの基本研修を登録する (他県で修了した同等の研修を含む)."""
    try:
        with transaction.atomic():
            completed = CompletedTraining(staff=staff, training=training, year=year, note=note)
            completed.full_clean(validate_constraints=False)
            completed.save()
            audit_record(
                actor=actor,
                action="eligibility.completed_training.add",
                target=completed,
                subject=staff,
                details=_record_details(completed),
            )
    except IntegrityError:
        raise ValidationError(
            {"training": f"{training_title(training)}は既に修了済みとして登録されています。"}
        ) from None
    return completed


def service_record_delete(*, actor: Acting | None, record: ServiceRecord) -> None:
    """Remove one period, leave or completed training (mistakes are corrected by removing
    and adding again; the audit log keeps what was there)."""
    with transaction.atomic():
        staff = record.staff
        details = {"model": record._meta.model_name, **_record_details(record)}
        audit_record(
            actor=actor,
            action="eligibility.service_record.delete",
            target=record,
            subject=staff,
            details=details,
        )
        record.delete()


@dataclass
class ImportOutcome:
    """What an import did: nothing when ``errors`` is not empty (all or nothing)."""

    errors: list[RowError] = field(default_factory=list)
    staff: int = 0
    periods: int = 0
    leaves: int = 0
    completed: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_import_file(
    name: str, data: bytes
) -> tuple[list[str], list[csvio.CsvRow], list[RowError]]:
    """Header, rows and file-level errors of an uploaded CSV or .xlsx."""
    if name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04"):
        try:
            sheet = xlsx.read_xlsx(data, max_rows=MAX_IMPORT_ROWS)
        except xlsx.UnsafeSpreadsheet as exc:
            return [], [], [RowError.at(0, str(exc))]
        return sheet.header, sheet.rows, list(sheet.errors)
    result = csvio.read_csv(data, max_rows=MAX_IMPORT_ROWS)
    return result.header, result.rows, list(result.errors)


def service_records_import(*, actor: Acting, name: str, data: bytes) -> ImportOutcome:
    """在職記録の一括登録 from CSV or .xlsx (columns: record_rows.COLUMNS), all or nothing.

    For every person and 区分 present in the file, the file replaces what is recorded (so the
    same file imported twice gives the same records); people and 区分 absent from the file are
    left alone. Only staff in the importer's jurisdiction can be named.
    """
    header, rows, errors = read_import_file(name, data)
    if errors:
        return ImportOutcome(errors=errors)
    if not rows:
        return ImportOutcome(errors=[RowError.at(0, "データ行がありません。")])
    numbers = {value.strip() for row in rows for value in row.values[:1]}
    visible = {
        staff.staff_number: staff
        for staff in staff_in_jurisdiction(actor).filter(staff_number__in=numbers)
    }
    parsed, errors = parse_record_rows(header, rows, known_staff=visible.keys())
    if errors:
        return ImportOutcome(errors=errors)
    by_staff: dict[str, list[RecordRow]] = defaultdict(list)
    for record in parsed:
        by_staff[record.staff_number].append(record)
    outcome = ImportOutcome(rows=len(parsed), staff=len(by_staff))
    with transaction.atomic():
        for number, records in by_staff.items():
            staff = Staff.objects.select_for_update().get(pk=visible[number].pk)
            categories = {record.category for record in records}
            _replace_records(staff, records, categories, outcome)
            audit_record(
                actor=actor,
                action="eligibility.service_records.import",
                target=staff,
                subject=staff,
                details={
                    "file": name,
                    "categories": sorted(categories),
                    "rows": [record.row for record in records],
                },
            )
    return outcome


def _replace_records(
    staff: Staff, records: list[RecordRow], categories: set[str], outcome: ImportOutcome
) -> None:
    if SERVICE in categories:
        StaffServicePeriod.objects.filter(staff=staff).delete()
    if LEAVE in categories:
        StaffLeave.objects.filter(staff=staff).delete()
    if COMPLETED in categories:
        CompletedTraining.objects.filter(staff=staff).delete()
    periods, leaves, completed = [], [], []
    for record in records:
        if record.category == SERVICE:
            assert record.start is not None
            periods.append(
                StaffServicePeriod(
                    staff=staff,
                    kind=record.kind,
                    start=record.start,
                    end=record.end,
                    note=record.note,
                )
            )
        elif record.category == COMPLETED:
            completed.append(
                CompletedTraining(
                    staff=staff, training=record.training, year=record.year, note=record.note
                )
            )
        else:
            assert record.start is not None
            leaves.append(
                StaffLeave(
                    staff=staff,
                    kind=record.kind,
                    start=record.start,
                    end=record.end,
                    note=record.note,
                )
            )
    StaffServicePeriod.objects.bulk_create(periods)
    StaffLeave.objects.bulk_create(leaves)
    CompletedTraining.objects.bulk_create(completed)
    outcome.periods += len(periods)
    outcome.leaves += len(leaves)
    outcome.completed += len(completed)


DERIVED_NOTE = "所属の履歴から作成 (概算)"
_ADMINISTRATION_KINDS = frozenset(
    {
        OrganisationKind.ADMIN_UNIT,
        OrganisationKind.MUNICIPAL_BOARD,
        OrganisationKind.PREFECTURE_BOARD,
        OrganisationKind.ORGANIZER_UNIT,
    }
)


def service_records_from_assignments(*, actor: Acting | None, staff: Iterable[Staff]) -> int:
    """Derive 在職期間 from the assignments (所属の履歴) of people who have none recorded.

    An approximation, marked in the note of each period: every main (non-兼務) assignment at a
    school becomes a ``teacher`` period and one at a board, 行政等 unit or centre an
    ``education_admin`` period, assuming the person held their present 職名 all along. Service
    before manabi's records, in other prefectures or as 臨時的任用 is not known and has to be
    added by hand. Only 教諭・養護教諭・保育教諭 (the engine's target jobs) are derived.
    Returns how many people got periods.
    """
    derived = 0
    with transaction.atomic():
        for person in staff:
            if engine_job(person.job_title) not in TARGET_JOBS:
                continue
            if StaffServicePeriod.objects.filter(staff=person).exists():
                continue
            periods = []
            for assignment in person.assignments.filter(concurrent=False).select_related(
                "organisation"
            ):
                org = assignment.organisation
                if org.kind == OrganisationKind.SCHOOL:
                    kind = "teacher"
                elif org.kind in _ADMINISTRATION_KINDS:
                    kind = "education_admin"
                else:
                    continue
                periods.append(
                    StaffServicePeriod(
                        staff=person,
                        kind=kind,
                        start=assignment.start,
                        end=assignment.end,
                        note=DERIVED_NOTE,
                    )
                )
            if not periods:
                continue
            StaffServicePeriod.objects.bulk_create(periods)
            derived += 1
            audit_record(
                actor=actor,
                action="eligibility.service_records.derive",
                target=person,
                subject=person,
                details={
                    "periods": [
                        [p.kind, p.start.isoformat(), p.end.isoformat() if p.end else None]
                        for p in periods
                    ]
                },
            )
    return derived


# --- the survey ------------------------------------------------------------------------------


def survey_open(
    *,
    actor: Acting,
    prefecture: Organisation,
    fiscal_year: int,
    deadline: date,
    rules: str,
) -> Survey:
    """基本研修受講該当者調査を開始する: one submission per active school of the prefecture."""
    if not prefectures_for_survey(actor).filter(pk=prefecture.pk).exists():
        raise SurveyError(f"{prefecture.name} の調査を開始する権限がありません。")
    try:
        load_preset(rules)
    except PresetError as exc:
        raise SurveyError(str(exc)) from None
    if actor.account is None:
        raise SurveyError("ログインしてから操作してください。")
    label = wareki.format_fiscal_year(fiscal_year)
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                prefecture=prefecture,
                centre=actor.organisation or prefecture,
                fiscal_year=fiscal_year,
                rules=rules,
                deadline=deadline,
                opened_by=actor.account,
            )
            schools = list(schools_of_prefecture(prefecture))
            SchoolSubmission.objects.bulk_create(
                SchoolSubmission(survey=survey, school=school) for school in schools
            )
            audit_record(
                actor=actor,
                action="eligibility.survey.open",
                target=survey,
                details={
                    "prefecture": prefecture.code,
                    "fiscal_year": fiscal_year,
                    "rules": rules,
                    "deadline": deadline.isoformat(),
                    "schools": len(schools),
                },
            )
    except IntegrityError:
        raise SurveyError(
            f"{prefecture.name} の{label}の調査は既に開始されています。調査の一覧から開いてください。"
        ) from None
    return survey


def survey_close(*, actor: Acting, survey: Survey) -> Survey:
    """調査を締め切る: schools can no longer change or submit their answers."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if not survey.is_open:
            raise SurveyError("この調査は既に締め切られています。")
        survey.status = Survey.Status.CLOSED
        survey.closed_at = timezone.now()
        survey.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="eligibility.survey.close", target=survey)
    return survey


def _lock(submission: SchoolSubmission) -> SchoolSubmission:
    return (
        SchoolSubmission.objects.select_for_update(of=("self",))
        .select_related("survey", "school")
        .get(pk=submission.pk)
    )


def _check_editable(submission: SchoolSubmission) -> None:
    if not submission.survey.is_open:
        raise SurveyError("この調査は締め切られているため、変更も提出もできません。")
    if submission.is_submitted:
        raise SurveyError(
            "提出済みのため変更できません。変更が必要な場合は、教育センターに差し戻しを依頼してください。"
        )


def _check_school_admin(actor: Acting, submission: SchoolSubmission) -> None:
    if actor.role != Role.SCHOOL_ADMIN or actor.organisation != submission.school:
        raise SurveyError(
            f"{submission.school.name} の回答を作成・提出できるのは、その学校の学校管理職だけです。"
        )


def _compute(submission: SchoolSubmission) -> SchoolComputation:
    try:
        return compute_school(
            submission.school,
            fiscal_year=submission.survey.fiscal_year,
            rules_name=submission.survey.rules,
        )
    except PresetError as exc:
        raise SurveyError(str(exc)) from None


def _names(people: Iterable[Staff]) -> str:
    return "、".join(f"{person.display_name} ({person.staff_number})" for person in people)


def _store_targets(submission: SchoolSubmission, computation: SchoolComputation) -> dict[str, int]:
    """Make the stored decisions match the computed targets; keep what the school entered
    for targets that remain."""
    now = timezone.now()
    existing = {(d.staff_id, d.training): d for d in submission.decisions.all()}
    added = updated = 0
    seen = set()
    for target in computation.targets:
        key = (target.staff.pk, target.training)
        seen.add(key)
        snapshot = {
            "a": target.result.a,
            "b": target.result.b,
            "c": target.result.c,
            "age": target.result.age,
            "eligible": target.result.eligible,
            "reason": target.result.reason,
            "job_label": target.staff.get_job_title_display(),
            "deductions": target.deductions,
            "computed_at": now,
        }
        decision = existing.get(key)
        if decision is None:
            TargetDecision.objects.create(
                submission=submission,
                staff=target.staff,
                training=target.training,
                number=target.number,
                **snapshot,
            )
            added += 1
        else:
            for name, value in snapshot.items():
                setattr(decision, name, value)
            decision.save(update_fields=[*snapshot, "updated_at"])
            updated += 1
    stale = [d.pk for key, d in existing.items() if key not in seen]
    TargetDecision.objects.filter(pk__in=stale).delete()
    return {"added": added, "updated": updated, "removed": len(stale)}


def submission_recompute(*, actor: Acting, submission: SchoolSubmission) -> SchoolSubmission:
    """該当者を計算する: the engine's targets for the school's current staff become the
    submission's rows (A, B, C, age and reason as of now); what the school entered for a
    person who is still a target is kept."""
    _check_school_admin(actor, submission)
    with transaction.atomic():
        submission = _lock(submission)
        _check_editable(submission)
        computation = _compute(submission)
        counts = _store_targets(submission, computation)
        submission.computed_at = timezone.now()
        if submission.status == SchoolSubmission.Status.NOT_STARTED:
            submission.status = SchoolSubmission.Status.DRAFT
        submission.save(update_fields=["computed_at", "status", "updated_at"])
        audit_record(
            actor=actor,
            action="eligibility.submission.recompute",
            target=submission,
            details={
                **counts,
                "targets": len(computation.targets),
                "staff": computation.staff_count,
                "unknown_birth": [p.staff_number for p in computation.unknown_birth],
            },
        )
    return submission


def decision_update(
    *,
    actor: Acting,
    decision: TargetDecision,
    attend: str,
    absence_reason: str = "",
    absence_reason_text: str = "",
    number: int | None = None,
    subject: str = "",
    note: str = "",
) -> TargetDecision:
    """受講の予定 (可否・理由)、番号、教科、備考 of one target."""
    problems = decision_problems(
        attend=attend,
        absence_reason=absence_reason,
        absence_reason_text=absence_reason_text,
        number=number,
    )
    if problems:
        raise ValidationError(problems)
    if attend != ATTEND_NO:
        absence_reason = absence_reason_text = ""
    _check_school_admin(actor, decision.submission)
    with transaction.atomic():
        submission = _lock(decision.submission)
        _check_editable(submission)
        decision = TargetDecision.objects.select_for_update().get(pk=decision.pk)
        values = {
            "attend": attend,
            "absence_reason": absence_reason,
            "absence_reason_text": absence_reason_text.strip(),
            "number": number,
            "subject": subject.strip(),
            "note": note.strip(),
        }
        changes = {
            name: [getattr(decision, name), value]
            for name, value in values.items()
            if getattr(decision, name) != value
        }
        for name, value in values.items():
            setattr(decision, name, value)
        decision.updated_by = actor.account
        decision.save()
        if changes:
            audit_record(
                actor=actor,
                action="eligibility.decision.update",
                target=decision,
                subject=decision.staff,
                details={"training": decision.training, **changes},
            )
    return decision


def decisions_mark_attending(*, actor: Acting, submission: SchoolSubmission) -> int:
    """可否が未入力の該当者をすべて ○ にする; returns how many rows changed."""
    _check_school_admin(actor, submission)
    with transaction.atomic():
        submission = _lock(submission)
        _check_editable(submission)
        changed = submission.decisions.filter(attend="").update(
            attend=ATTEND_YES, updated_by=actor.account, updated_at=timezone.now()
        )
        if changed:
            audit_record(
                actor=actor,
                action="eligibility.decision.mark_attending",
                target=submission,
                details={"rows": changed},
            )
    return changed


def _refuse_unknown_birth(computation: SchoolComputation) -> None:
    if computation.unknown_birth:
        raise SurveyError(
            "生年月日が登録されていない職員がいるため、該当者を判定できません: "
            f"{_names(computation.unknown_birth)}。教育委員会に生年月日の登録を依頼してください。"
        )


def _approve(submission: SchoolSubmission, actor: Acting, *, no_targets: bool) -> None:
    account = actor.account
    assert account is not None
    submission.status = SchoolSubmission.Status.SUBMITTED
    submission.no_targets = no_targets
    submission.submitted_by = account
    submission.submitted_at = timezone.now()
    submission.approver_name = account.display_name
    submission.principal_name = principal_name_of(submission.school) or account.display_name
    submission.save()


def submission_submit(*, actor: Acting, submission: SchoolSubmission) -> SchoolSubmission:
    """所属長の承認をして提出する (replaces 職印 and post). Refused while any target lacks
    受講の可否, when the stored targets no longer match the records, or when there are none
    (then the school submits 「該当者なし」)."""
    _check_school_admin(actor, submission)
    with transaction.atomic():
        submission = _lock(submission)
        _check_editable(submission)
        if submission.computed_at is None:
            raise SurveyError("先に「該当者を計算する」を押して、受講該当者を確認してください。")
        computation = _compute(submission)
        _refuse_unknown_birth(computation)
        decisions = list(submission.decisions.select_related("staff"))
        stored = {(d.staff_id, d.training) for d in decisions}
        if stored != {(t.staff.pk, t.training) for t in computation.targets}:
            raise SurveyError(
                "前回の計算の後に職員や在職記録が変わったため、受講該当者が変わっています。"
                "「該当者を再計算する」を押して確認してから提出してください。"
            )
        if not decisions:
            raise SurveyError("受講該当者がいません。「該当者なし」で提出してください。")
        missing = [d for d in decisions if not d.attend]
        if missing:
            listed = "、".join(
                f"{d.staff.display_name} ({training_title(d.training)})" for d in missing
            )
            raise SurveyError(
                f"受講の可否が入力されていない該当者がいます: {listed}。"
                "全員に ○ か × を入力してから提出してください。"
            )
        _approve(submission, actor, no_targets=False)
        audit_record(
            actor=actor,
            action="eligibility.submission.submit",
            target=submission,
            details={
                "targets": len(decisions),
                "attending": sum(1 for d in decisions if d.attend == ATTEND_YES),
                "absent": sum(1 for d in decisions if d.attend == ATTEND_NO),
                "approver": submission.approver_name,
            },
        )
    return submission


def submission_submit_none(*, actor: Acting, submission: SchoolSubmission) -> SchoolSubmission:
    """「該当者なし」で提出する: one click, only when the engine finds no target at all."""
    _check_school_admin(actor, submission)
    with transaction.atomic():
        submission = _lock(submission)
        _check_editable(submission)
        computation = _compute(submission)
        _refuse_unknown_birth(computation)
        if computation.targets:
            raise SurveyError(
                f"受講該当者が {len(computation.targets)} 件あるため「該当者なし」では提出できません。"
                "「該当者を計算する」を押し、受講の可否を入力して提出してください。"
            )
        submission.decisions.all().delete()
        submission.computed_at = timezone.now()
        _approve(submission, actor, no_targets=True)
        audit_record(
            actor=actor,
            action="eligibility.submission.submit_none",
            target=submission,
            details={"staff": computation.staff_count, "approver": submission.approver_name},
        )
    return submission


def submission_reopen(
    *, actor: Acting, submission: SchoolSubmission, comment: str
) -> SchoolSubmission:
    """差し戻す: the centre sends a submitted answer back to the school with a comment."""
    comment = comment.strip()
    if not comment:
        raise SurveyError("差し戻しの理由を入力してください (学校に表示されます)。")
    if not runs_survey(actor, submission.survey):
        raise SurveyError("差し戻しができるのは、調査を実施している教育センターだけです。")
    with transaction.atomic():
        submission = _lock(submission)
        if not submission.survey.is_open:
            raise SurveyError("締め切った調査の回答は差し戻せません。")
        if not submission.is_submitted:
            raise SurveyError(f"{submission.school.name} の回答はまだ提出されていません。")
        submission.status = SchoolSubmission.Status.REOPENED
        submission.reopen_comment = comment
        submission.reopened_by = actor.account
        submission.reopened_at = timezone.now()
        submission.save(
            update_fields=["status", "reopen_comment", "reopened_by", "reopened_at", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="eligibility.submission.reopen",
            target=submission,
            details={"comment": comment},
        )
    return submission
