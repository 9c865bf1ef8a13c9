"""Reads of training history (研修受講履歴), narrowed to what an actor may see.

Visibility follows *current* assignments (``people.staff_in_jurisdiction``) and the records
follow the person: after a transfer the new principal sees the whole history and the old one
nothing. Everyone may read their own history. Only confirmed, completed records count in
totals and summaries; the others are shown with their state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core import wareki
from manabi.imports.models import ImportJob, ImportKind
from manabi.indicators.models import Item
from manabi.orgs.models import Organisation
from manabi.orgs.selectors import organisations_in_jurisdiction
from manabi.people.models import Assignment, Staff, current_assignment_q
from manabi.people.selectors import staff_in_jurisdiction
from manabi.records.choices import CATEGORY_SHORT, RecordCategory, RecordStatus
from manabi.records.models import HistoryExport, HistoryRecord

ZERO = Decimal("0")
# Roles that read someone else's history: boards (jurisdiction), school admins (their staff),
# system administrators (everyone). Teachers read their own.
OVERSEER_ROLES = (Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN)


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def counting_q(prefix: str = "") -> Q:
    """Records that count in reports: confirmed (確認済み) and completed (修了)."""
    return Q(**{f"{prefix}status": RecordStatus.CONFIRMED, f"{prefix}completed": True})


def is_own(acting: Acting, staff_id: int) -> bool:
    account = acting.account
    return account is not None and account.staff_id is not None and account.staff_id == staff_id


def staff_with_history_visible(acting: Acting, *, on: date | None = None) -> QuerySet[Staff]:
    """People whose history ``acting`` may read besides their own (the jurisdiction)."""
    if acting.role not in OVERSEER_ROLES:
        return Staff.objects.none()
    return staff_in_jurisdiction(acting, on=on)


def with_workplace(people: QuerySet[Staff], *, on: date | None = None) -> QuerySet[Staff]:
    """People annotated with ``workplace_name``: their main organisation today (for pages
    that show it next to the name, without another query)."""
    main = Assignment.objects.filter(
        current_assignment_q(_today(on)), staff=OuterRef("pk"), concurrent=False
    ).order_by("-start")
    return people.annotate(workplace_name=Subquery(main.values("organisation__name")[:1]))


def current_main_organisation(staff: Staff, *, on: date | None = None) -> Organisation | None:
    """The organisation of the person's main (non-兼務) assignment on ``on``."""
    assignment = (
        Assignment.objects.filter(current_assignment_q(_today(on)), staff=staff, concurrent=False)
        .select_related("organisation")
        .order_by("-start")
        .first()
    )
    return assignment.organisation if assignment else None


# --- one person's history ---------------------------------------------------------------------


def history_records(staff: Staff) -> list[HistoryRecord]:
    """Every record of the person, newest first, with their items and who entered and
    confirmed them: two queries whatever the number of records."""
    return list(
        HistoryRecord.objects.filter(staff=staff)
        .select_related("entered_by", "confirmed_by", "returned_by")
        .prefetch_related(
            Prefetch("indicator_items", queryset=Item.objects.only("id", "code", "description"))
        )
        .order_by("-fiscal_year", "-start", "-pk")
    )


@dataclass
class CategoryTotal:
    category: str
    label: str
    count: int = 0
    hours: Decimal = ZERO


@dataclass
class YearHistory:
    """One fiscal year of a person's history with its totals (counting records only)."""

    fiscal_year: int
    records: list[HistoryRecord] = field(default_factory=list)
    totals: list[CategoryTotal] = field(default_factory=list)

    @property
    def label(self) -> str:
        return wareki.format_fiscal_year(self.fiscal_year)

    @property
    def total_hours(self) -> Decimal:
        return sum((t.hours for t in self.totals), ZERO)

    @property
    def total_count(self) -> int:
        return sum(t.count for t in self.totals)

    @property
    def pending(self) -> int:
        return sum(1 for r in self.records if r.status != RecordStatus.CONFIRMED)


def empty_totals() -> list[CategoryTotal]:
    return [CategoryTotal(c.value, CATEGORY_SHORT[c.value]) for c in RecordCategory]


def add_to_totals(
    totals: list[CategoryTotal], category: str, hours: Decimal, count: int = 1
) -> None:
    for total in totals:
        if total.category == category:
            total.count += count
            total.hours += hours
            return


def history_by_year(records: Iterable[HistoryRecord]) -> list[YearHistory]:
    """Group records by fiscal year (newest first) and total what counts (pure)."""
    years: dict[int, YearHistory] = {}
    for record in records:
        year = years.get(record.fiscal_year)
        if year is None:
            year = years[record.fiscal_year] = YearHistory(
                record.fiscal_year, totals=empty_totals()
            )
        year.records.append(record)
        if record.counts:
            add_to_totals(year.totals, record.category, record.hours)
    return [years[fy] for fy in sorted(years, reverse=True)]


# --- lists of many people ---------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryFilters:
    """The filters of the board's and the principal's pages, of exports and of the API."""

    fiscal_year: int | None = None
    organisation_id: int | None = None
    category: str = ""
    job_title: str = ""
    training: str = ""
    staff_id: int | None = None
    counting_only: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.fiscal_year,
            "organisation_id": self.organisation_id,
            "category": self.category,
            "job_title": self.job_title,
            "training": self.training,
            "staff_id": self.staff_id,
            "counting_only": self.counting_only,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryFilters:
        return cls(
            fiscal_year=data.get("fiscal_year"),
            organisation_id=data.get("organisation_id"),
            category=data.get("category") or "",
            job_title=data.get("job_title") or "",
            training=data.get("training") or "",
            staff_id=data.get("staff_id"),
            counting_only=bool(data.get("counting_only")),
        )


def history_staff(
    acting: Acting, filters: HistoryFilters, *, on: date | None = None
) -> QuerySet[Staff]:
    """The people a list or export covers: the jurisdiction (or oneself), narrowed by
    organisation, job title and person."""
    day = _today(on)
    if filters.staff_id is not None and is_own(acting, filters.staff_id):
        people = Staff.objects.filter(pk=filters.staff_id)
    else:
        people = staff_with_history_visible(acting, on=day)
        if filters.staff_id is not None:
            people = people.filter(pk=filters.staff_id)
    if filters.organisation_id:
        people = people.filter(
            Exists(
                Assignment.objects.filter(
                    current_assignment_q(day),
                    staff=OuterRef("pk"),
                    organisation_id=filters.organisation_id,
                )
            )
        )
    if filters.job_title:
        people = people.filter(job_title=filters.job_title)
    return people


def history_in_scope(
    acting: Acting, filters: HistoryFilters, *, on: date | None = None
) -> QuerySet[HistoryRecord]:
    """Records of ``history_staff`` narrowed by fiscal year, category and training."""
    records = HistoryRecord.objects.filter(
        staff__in=history_staff(acting, filters, on=on).values("pk")
    )
    if filters.fiscal_year:
        records = records.filter(fiscal_year=filters.fiscal_year)
    if filters.category:
        records = records.filter(category=filters.category)
    if filters.training:
        text = filters.training.strip()
        records = records.filter(Q(title__icontains=text) | Q(programme_number__startswith=text))
    if filters.counting_only:
        records = records.filter(counting_q())
    return records


def _main_organisation_subquery(acting: Acting, day: date, staff_ref: str) -> Subquery:
    """The id of a person's main organisation today within ``acting``'s jurisdiction."""
    main = Assignment.objects.filter(
        current_assignment_q(day), staff=OuterRef(staff_ref), concurrent=False
    )
    if acting.role != Role.SYSTEM_ADMIN and acting.organisation is not None:
        main = main.filter(organisation__path__startswith=acting.organisation.path)
    return Subquery(main.order_by("-start").values("organisation_id")[:1])


@dataclass
class SchoolSummary:
    """Hours per category of one organisation (its current staff's counting records)."""

    organisation: Organisation | None
    totals: list[CategoryTotal] = field(default_factory=empty_totals)
    people: int = 0

    @property
    def total_hours(self) -> Decimal:
        return sum((t.hours for t in self.totals), ZERO)

    @property
    def total_count(self) -> int:
        return sum(t.count for t in self.totals)


def school_summaries(
    acting: Acting, filters: HistoryFilters, *, on: date | None = None
) -> list[SchoolSummary]:
    """時間数の集計: for each organisation, the hours and counts per category of the counting
    records of its current staff (by their main assignment). Three queries."""
    day = _today(on)
    counted = (
        history_in_scope(acting, filters, on=day)
        .filter(counting_q())
        .annotate(school_id=_main_organisation_subquery(acting, day, "staff"))
    )
    rows = (
        counted.values("school_id", "category")
        .annotate(hours=Sum("hours"), count=Count("pk"))
        .order_by()
    )
    summaries: dict[int | None, SchoolSummary] = {}
    for row in rows:
        summary = summaries.setdefault(row["school_id"], SchoolSummary(None))
        add_to_totals(summary.totals, row["category"], row["hours"] or ZERO, row["count"])
    people = dict(
        counted.values("school_id")
        .annotate(people=Count("staff", distinct=True))
        .order_by()
        .values_list("school_id", "people")
    )
    orgs = Organisation.objects.in_bulk([k for k in summaries if k is not None])
    result = []
    for school_id, summary in summaries.items():
        summary.organisation = orgs.get(school_id) if school_id is not None else None
        summary.people = people.get(school_id, 0)
        result.append(summary)
    return sorted(result, key=lambda s: s.organisation.path if s.organisation else "~")


def people_with_totals(
    acting: Acting, filters: HistoryFilters, *, on: date | None = None
) -> QuerySet[Staff]:
    """The people of the list, each annotated with the counting records and hours (of the
    filtered fiscal year and category) and the records waiting for confirmation."""
    day = _today(on)
    record_q = counting_q("history__")
    if filters.fiscal_year:
        record_q &= Q(history__fiscal_year=filters.fiscal_year)
    if filters.category:
        record_q &= Q(history__category=filters.category)
    pending_q = Q(history__status=RecordStatus.SUBMITTED)
    people = history_staff(acting, filters, on=day)
    if filters.training:
        people = people.filter(
            Exists(history_in_scope(acting, filters, on=day).filter(staff=OuterRef("pk")))
        )
    return people.annotate(
        record_count=Count("history", filter=record_q),
        record_hours=Sum("history__hours", filter=record_q),
        pending_count=Count("history", filter=pending_q),
        main_organisation_id=_main_organisation_subquery(acting, day, "pk"),
    ).order_by("kana", "staff_number")


def organisations_by_id(ids: Sequence[int | None]) -> dict[int, Organisation]:
    return Organisation.objects.in_bulk([i for i in ids if i is not None])


def filter_organisations(acting: Acting) -> QuerySet[Organisation]:
    """Organisations to choose in the filters: schools and units within the jurisdiction."""
    return organisations_in_jurisdiction(acting).filter(is_active=True).order_by("path")


def fiscal_years_choices(*, on: date | None = None, back: int = 10) -> list[int]:
    current = wareki.fiscal_year(_today(on))
    return list(range(current, current - back, -1))


# --- confirmation ---------------------------------------------------------------------------


def records_to_review(acting: Acting, *, on: date | None = None) -> QuerySet[HistoryRecord]:
    """確認待ち: records submitted by the staff a school admin looks after (not their own)."""
    if acting.role != Role.SCHOOL_ADMIN:
        return HistoryRecord.objects.none()
    records = HistoryRecord.objects.filter(
        status=RecordStatus.SUBMITTED, staff__in=staff_in_jurisdiction(acting, on=on).values("pk")
    )
    if acting.account is not None and acting.account.staff_id is not None:
        records = records.exclude(staff_id=acting.account.staff_id)
    return records.select_related("staff", "entered_by").order_by("submitted_at", "pk")


def records_returned_to(acting: Acting) -> QuerySet[HistoryRecord]:
    """The person's own records that the principal sent back (差し戻し), to correct."""
    if acting.account is None or acting.account.staff_id is None:
        return HistoryRecord.objects.none()
    return HistoryRecord.objects.filter(
        staff_id=acting.account.staff_id, status=RecordStatus.RETURNED
    ).order_by("-returned_at", "pk")


def school_staff_for_entry(acting: Acting, *, on: date | None = None) -> QuerySet[Staff]:
    """The people a school admin may enter a school-wide in-school training for: everyone
    currently assigned to their organisation."""
    if acting.role != Role.SCHOOL_ADMIN or acting.organisation is None:
        return Staff.objects.none()
    return staff_in_jurisdiction(acting, on=on).order_by("kana", "staff_number")


# --- jobs -----------------------------------------------------------------------------------


def history_imports_visible(acting: Acting) -> QuerySet[ImportJob]:
    """Legacy imports (jobs of the shared import machinery) ``acting`` may see: a system
    administrator every one, a board those made for organisations within its jurisdiction
    (the rule of ``legacy.sees``, as a query for the list)."""
    jobs = (
        ImportJob.objects.defer("content", "plan")
        .select_related("uploaded_by", "acting_organisation")
        .filter(kind=ImportKind.LEGACY_HISTORY)
    )
    if acting.role == Role.SYSTEM_ADMIN:
        return jobs
    if acting.role == Role.BOARD and acting.organisation is not None:
        return jobs.filter(acting_organisation__path__startswith=acting.organisation.path)
    return jobs.none()


def history_exports_of(acting: Acting) -> QuerySet[HistoryExport]:
    """An export is seen by the person who asked for it, and only by them."""
    if acting.account is None:
        return HistoryExport.objects.none()
    return HistoryExport.objects.filter(requested_by=acting.account)
