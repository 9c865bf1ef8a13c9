"""育成指標 coverage of people and schools from their history (reads; the computation is
the pure ``indicators.coverage``).

Only counting records (確認済み・修了) cover items. A fixed number of queries whatever the
number of records or people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from manabi.core import wareki
from manabi.indicators.coverage import Coverage, RecordRef, person_coverage, school_coverage
from manabi.indicators.models import Framework
from manabi.indicators.selectors import framework_for_organisation, structure_of
from manabi.orgs.models import Organisation
from manabi.people.models import Assignment, Staff, current_assignment_q
from manabi.records.models import HistoryRecord
from manabi.records.selectors import counting_q, current_main_organisation


@dataclass
class CoverageView:
    """What the coverage pages and the PDF show."""

    framework: Framework | None
    coverage: Coverage | None
    fiscal_year: int | None  # None: the whole career

    @property
    def period_label(self) -> str:
        return wareki.format_fiscal_year(self.fiscal_year) if self.fiscal_year else "これまで全体"


def _record_refs(records: Iterable[HistoryRecord]) -> dict[int, list[RecordRef]]:
    """Counting records as RecordRefs by person, with the codes of their linked items."""
    rows = list(records)
    links: dict[int, set[str]] = defaultdict(set)
    Link = HistoryRecord.indicator_items.through
    for record_id, code in Link.objects.filter(
        historyrecord_id__in=[r.pk for r in rows]
    ).values_list("historyrecord_id", "item__code"):
        links[record_id].add(code)
    by_staff: dict[int, list[RecordRef]] = defaultdict(list)
    for r in rows:
        by_staff[r.staff_id].append(
            RecordRef(r.pk, r.title, r.start.isoformat(), str(r.hours), frozenset(links[r.pk]))
        )
    return by_staff


def _counting(staff_ids: Iterable[int], fiscal_year: int | None) -> Iterable[HistoryRecord]:
    records = HistoryRecord.objects.filter(counting_q(), staff_id__in=list(staff_ids))
    if fiscal_year:
        records = records.filter(fiscal_year=fiscal_year)
    return records.only("id", "staff_id", "title", "start", "hours").order_by("-start", "pk")


def staff_coverage(
    staff: Staff, *, fiscal_year: int | None = None, organisation: Organisation | None = None
) -> CoverageView:
    """One person's coverage of the framework in force at their (main) organisation."""
    year = fiscal_year or wareki.fiscal_year(timezone.localdate())
    where = organisation or current_main_organisation(staff)
    framework = framework_for_organisation(where, year)
    if framework is None:
        return CoverageView(None, None, fiscal_year)
    refs = _record_refs(_counting([staff.pk], fiscal_year)).get(staff.pk, [])
    return CoverageView(framework, person_coverage(structure_of(framework), refs), fiscal_year)


def organisation_staff_ids(organisation: Organisation) -> list[int]:
    """Staff whose main assignment today is at ``organisation``."""
    return list(
        Assignment.objects.filter(
            current_assignment_q(timezone.localdate()), organisation=organisation, concurrent=False
        ).values_list("staff_id", flat=True)
    )


def organisation_coverage(
    organisation: Organisation, *, fiscal_year: int | None = None
) -> CoverageView:
    """The same, aggregated over the organisation's current staff."""
    year = fiscal_year or wareki.fiscal_year(timezone.localdate())
    framework = framework_for_organisation(organisation, year)
    if framework is None:
        return CoverageView(None, None, fiscal_year)
    staff_ids = organisation_staff_ids(organisation)
    refs = _record_refs(_counting(staff_ids, fiscal_year))
    people = {staff_id: refs.get(staff_id, []) for staff_id in staff_ids}
    coverage = school_coverage(structure_of(framework), people, staff_count=len(staff_ids))
    return CoverageView(framework, coverage, fiscal_year)
