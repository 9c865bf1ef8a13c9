"""Reads of the imports app: the jobs an actor may see, and the batch look-ups (snapshots)
that the planners in :mod:`manabi.imports.plans` decide on.

A snapshot costs a fixed number of queries per 2,000 distinct keys of the file, never one
per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import TypeVar

from django.conf import settings
from django.db.models import QuerySet

from manabi.accounts.models import Account, RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.imports.models import OWN_KINDS, ImportJob
from manabi.imports.plans import (
    AssignmentRef,
    OrganisationSnapshot,
    OrgNode,
    OrgRef,
    RoleRef,
    StaffRef,
    StaffSnapshot,
)
from manabi.imports.rows import StaffRow
from manabi.orgs.models import Organisation
from manabi.orgs.selectors import organisations_in_jurisdiction
from manabi.people.models import Assignment, Staff

LOOKUP_CHUNK = 2000
IMPORTER_ROLES = (Role.SYSTEM_ADMIN, Role.BOARD)

K = TypeVar("K")


def chunked(values: Sequence[K], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[K]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- jobs -----------------------------------------------------------------------------------


def import_jobs_visible(acting: Acting) -> QuerySet[ImportJob]:
    """Jobs ``acting`` may see: a system administrator every job, a board the jobs made for
    organisations within its jurisdiction. The file and the per-row plan are not loaded."""
    jobs = (
        ImportJob.objects.defer("content", "plan")
        .select_related("uploaded_by", "acting_organisation")
        .filter(kind__in=OWN_KINDS)
    )
    if acting.role == Role.SYSTEM_ADMIN:
        return jobs
    if acting.role == Role.BOARD and acting.organisation is not None:
        return jobs.filter(acting_organisation__path__startswith=acting.organisation.path)
    return jobs.none()


def import_jobs_recent(acting: Acting, *, limit: int = 20) -> list[ImportJob]:
    return list(import_jobs_visible(acting).order_by("-created_at", "-pk")[:limit])


def import_jobs_for(kind: str, organisation_id: int, *, limit: int = 20) -> list[ImportJob]:
    """The latest jobs of a registered kind uploaded for one organisation (a school's roster
    imports); the caller has checked that the person may see them."""
    jobs = ImportJob.objects.defer("content", "plan").select_related("uploaded_by")
    return list(
        jobs.filter(kind=kind, acting_organisation_id=organisation_id).order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def import_job_acting(job: ImportJob) -> Acting:
    """The role the job was uploaded in: its jurisdiction bounds what the file may touch."""
    return Acting(
        account=job.uploaded_by,
        role=Role(job.acting_role),
        organisation=job.acting_organisation,
    )


def import_job_errors(job: ImportJob) -> list[list[object]]:
    """The error table of a job as rows of 行, 列, 値, 内容."""
    errors = job.report.get("errors", [])
    return [[e["row"] or "", e["column"] or "", e["value"] or "", e["message"]] for e in errors]


# --- snapshots ------------------------------------------------------------------------------


def _in_scope_ids(acting: Acting, ids: Iterable[int]) -> set[int]:
    wanted = sorted(set(ids))
    found: set[int] = set()
    for part in chunked(wanted):
        found.update(
            organisations_in_jurisdiction(acting).filter(pk__in=part).values_list("pk", flat=True)
        )
    return found


def staff_snapshot(
    acting: Acting, rows: Sequence[StaffRow], *, today: date, lock: bool = False
) -> StaffSnapshot:
    """What the database holds for the staff numbers and organisation codes of ``rows``.

    With ``lock`` (the commit), the staff rows are locked until the transaction ends, so
    nobody changes them between this read and the writes.
    """
    numbers = sorted({row.staff_number for row in rows})
    codes = sorted({row.org_code for row in rows if row.org_code})
    prefix = f"{settings.PREFECTURE_CODE}T"

    people: dict[str, StaffRef] = {}
    for numbers_part in chunked(numbers):
        query = Staff.objects.filter(staff_number__in=numbers_part)
        if lock:
            query = query.select_for_update()
        for values in query.values(
            "id",
            "staff_number",
            "name",
            "kana",
            "alias_name",
            "birth_date",
            "job_title",
            "employment_type",
            "prefecture_funded",
            "retired_on",
        ):
            people[values["staff_number"]] = StaffRef(**values)
    staff_ids = sorted(person.id for person in people.values())

    assignments: dict[int, list[AssignmentRef]] = defaultdict(list)
    accounts: dict[int, tuple[int, bool]] = {}
    for ids_part in chunked(staff_ids):
        for a_id, staff_id, org_id, start, end, concurrent in Assignment.objects.filter(
            staff_id__in=ids_part
        ).values_list("id", "staff_id", "organisation_id", "start", "end", "concurrent"):
            assignments[staff_id].append(AssignmentRef(a_id, org_id, start, end, concurrent))
        for account_id, staff_id, active in Account.objects.filter(
            staff_id__in=ids_part
        ).values_list("id", "staff_id", "is_active"):
            if staff_id is not None:
                accounts[staff_id] = (account_id, active)

    roles: dict[int, list[RoleRef]] = defaultdict(list)
    for accounts_part in chunked(sorted(account_id for account_id, _ in accounts.values())):
        for r_id, account_id, role, org_id, valid_from, valid_to in RoleAssignment.objects.filter(
            account_id__in=accounts_part
        ).values_list("id", "account_id", "role", "organisation_id", "valid_from", "valid_to"):
            roles[account_id].append(RoleRef(r_id, role, org_id, valid_from, valid_to))

    taken: set[str] = set()
    for logins_part in chunked([prefix + number for number in numbers]):
        taken.update(
            Account.objects.filter(login_id__in=logins_part).values_list("login_id", flat=True)
        )

    org_values: dict[int, tuple[str, str, bool]] = {}
    for codes_part in chunked(codes):
        for org_id, code, name, active in Organisation.objects.filter(
            code__in=codes_part
        ).values_list("id", "code", "name", "is_active"):
            org_values[org_id] = (code, name, active)
    assigned_org_ids = sorted(
        {a.organisation_id for refs in assignments.values() for a in refs} - set(org_values)
    )
    for orgs_part in chunked(assigned_org_ids):
        for org_id, code, name, active in Organisation.objects.filter(pk__in=orgs_part).values_list(
            "id", "code", "name", "is_active"
        ):
            org_values[org_id] = (code, name, active)
    everything = acting.role == Role.SYSTEM_ADMIN
    in_scope = set(org_values) if everything else _in_scope_ids(acting, org_values)
    orgs = {
        org_id: OrgRef(org_id, code, name, active, org_id in in_scope)
        for org_id, (code, name, active) in org_values.items()
    }

    staff = {
        number: replace(
            person,
            assignments=tuple(sorted(assignments.get(person.id, []), key=lambda a: a.start)),
            account_id=accounts[person.id][0] if person.id in accounts else None,
            account_active=accounts[person.id][1] if person.id in accounts else False,
            roles=tuple(roles.get(accounts[person.id][0], [])) if person.id in accounts else (),
        )
        for number, person in people.items()
    }
    return StaffSnapshot(
        today=today,
        login_prefix=prefix,
        orgs_by_code={org.code: org for org in orgs.values()},
        orgs_by_id=orgs,
        staff=staff,
        taken_login_ids=taken,
        everything_in_scope=everything,
    )


def organisation_snapshot(acting: Acting, *, lock: bool = False) -> OrganisationSnapshot:
    """The whole organisation tree (a prefecture has a few thousand organisations at most)."""
    everything = acting.role == Role.SYSTEM_ADMIN
    in_scope: set[int] = (
        set()
        if everything
        else set(organisations_in_jurisdiction(acting).values_list("pk", flat=True))
    )
    query = Organisation.objects.all()
    if lock:
        query = query.select_for_update()
    nodes = [
        OrgNode(
            id=values["id"],
            code=values["code"],
            parent_id=values["parent_id"],
            path=values["path"],
            kind=values["kind"],
            name=values["name"],
            name_kana=values["name_kana"],
            local_government_code=values["local_government_code"],
            school_code=values["school_code"],
            school_type=values["school_type"],
            high_school_course=values["high_school_course"],
            founder=values["founder"],
            phone=values["phone"],
            in_scope=everything or values["id"] in in_scope,
        )
        for values in query.values(
            "id",
            "code",
            "parent_id",
            "path",
            "kind",
            "name",
            "name_kana",
            "local_government_code",
            "school_code",
            "school_type",
            "high_school_course",
            "founder",
            "phone",
        )
    ]
    return OrganisationSnapshot(
        by_code={n.code: n for n in nodes},
        by_id={n.id: n for n in nodes},
        everything_in_scope=everything,
    )
