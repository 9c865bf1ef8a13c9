"""Demo service records (在職記録) for the demo prefecture, for the demo builder to call.

``demo_service_records(staff, rng)`` gives every 教諭・養護教諭・保育教諭 (and the school leaders,
who were teachers once) a service history that starts at their first assignment, with a
spread of what the Niigata rules look at, so that every rule fires somewhere:

- prior service in another prefecture (counts), as 常勤講師 or 臨時的任用 (never counts);
- years as 指導主事 at a board, 大学院等派遣研修 (count), 知事部局等 (mid-career only);
- 育児休業 once or several times after 産前産後休暇 (C), 療養休暇, 休職, 職員団体専従,
  在外勤務等同行休業, 大学院修学休業 (B), some shorter than a year (no deduction);
- the basic trainings completed in the usual year, with some left untaken (still due).

It is deterministic for a given ``rng`` and idempotent: people who already have any record
are skipped. Rows are written with ``bulk_create`` and no audit event per row (the demo
builder writes one event for the whole build).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min

from manabi.eligibility.models import CompletedTraining, StaffLeave, StaffServicePeriod
from manabi.people.choices import JobTitle
from manabi.people.models import Assignment, Staff

BATCH_SIZE = 2000
# The demo's fixed "now": records never depend on today (people/demo.py: 令和8年度).
LATEST_YEAR = 2026

LEADER_TITLES = frozenset(
    {
        JobTitle.PRINCIPAL,
        JobTitle.KINDERGARTEN_PRINCIPAL,
        JobTitle.VICE_PRINCIPAL,
        JobTitle.KINDERGARTEN_VICE_PRINCIPAL,
        JobTitle.HEAD_TEACHER,
    }
)
TEACHING_TITLES = frozenset(
    {
        JobTitle.TEACHER,
        JobTitle.SENIOR_TEACHER,
        JobTitle.ADVISING_TEACHER,
        JobTitle.NURSE_TEACHER,
        JobTitle.SENIOR_NURSE_TEACHER,
        JobTitle.NURSERY_TEACHER,
        JobTitle.SENIOR_NURSERY_TEACHER,
        JobTitle.ADVISING_NURSERY_TEACHER,
        JobTitle.NUTRITION_TEACHER,
        JobTitle.SENIOR_NUTRITION_TEACHER,
        JobTitle.SUPERVISOR,
        *LEADER_TITLES,
    }
)
OTHER_PREFECTURES = ("長野県", "東京都", "福島県", "富山県", "群馬県", "山形県")


@dataclass(frozen=True)
class DemoRecordCounts:
    staff: int
    periods: int
    leaves: int
    completed: int


def _april(year: int) -> date:
    return date(year, 4, 1)


def _march(year: int) -> date:
    return date(year, 3, 31)


def _history(
    person: Staff, appointed: date, rng: random.Random
) -> tuple[list[StaffServicePeriod], list[StaffLeave], list[CompletedTraining]]:
    """One person's periods, leaves and completed trainings (unsaved)."""
    periods: list[StaffServicePeriod] = []
    leaves: list[StaffLeave] = []
    completed: list[CompletedTraining] = []

    def period(kind: str, start: date, end: date | None, note: str = "") -> None:
        periods.append(StaffServicePeriod(staff=person, kind=kind, start=start, end=end, note=note))

    def leave(kind: str, start: date, end: date | None) -> None:
        leaves.append(StaffLeave(staff=person, kind=kind, start=start, end=end))

    first = appointed.year
    roll = rng.random()
    prior_years = 0
    if roll < 0.08 and first > 1990:
        prior_years = rng.randint(1, 3)
        gap = rng.randint(0, 1)
        start = _april(first - prior_years - gap)
        prefecture = rng.choice(OTHER_PREFECTURES)
        period("teacher", start, _march(start.year + prior_years), f"{prefecture}で教諭")
    elif roll < 0.16 and first > 1990:
        years = rng.randint(1, 3)
        kind = rng.choice(("lecturer", "temporary"))
        period(kind, _april(first - years), _march(first), "本県で採用前")

    # Main career from the appointment, with at most one spell elsewhere in the middle.
    current = appointed
    spell = rng.random()
    span = LATEST_YEAR - first
    if span >= 8 and spell < 0.10:
        kind, note = rng.choice(
            (
                ("education_admin", "指導主事"),
                ("education_admin", "社会教育主事"),
                ("graduate_dispatch", "大学院派遣 (内地留学)"),
                ("governor_office", "知事部局"),
            )
        )
        away = _april(first + rng.randint(3, span - 4))
        years = 2 if kind == "graduate_dispatch" else rng.randint(2, 3)
        period("teacher", current, away - timedelta(days=1))
        period(kind, away, _march(away.year + years), note)
        current = _april(away.year + years)
    period("teacher", current, None)

    # Leaves.
    chance = rng.random()
    if chance < 0.14 and span >= 2:
        children = rng.choice((1, 1, 1, 2, 2, 3))
        start = _april(first + rng.randint(1, max(1, span - 1))) + timedelta(
            days=rng.randint(0, 200)
        )
        for _ in range(children):
            if start.year >= LATEST_YEAR:
                break
            maternity_end = start + timedelta(days=97)
            leave("maternity", start, maternity_end)
            months = rng.choice((10, 12, 18, 22, 24, 36))
            end = maternity_end + timedelta(days=months * 30)
            leave("childcare", maternity_end + timedelta(days=1), end)
            start = end + timedelta(days=rng.randint(200, 900))
    elif chance < 0.24 and span >= 3:
        kind = rng.choice(
            (
                "sick_leave",
                "sick_leave",
                "suspension",
                "suspension",
                "union_duty",
                "spouse_accompany",
                "graduate_study_leave",
            )
        )
        start = _april(first + rng.randint(1, span - 1)) + timedelta(days=rng.randint(0, 150))
        days = rng.choice((200, 300, 420, 600, 800, 1100))
        leave(kind, start, start + timedelta(days=days))

    # Completed trainings in the usual year; a few left untaken (still due).
    years_in = LATEST_YEAR - first + prior_years
    for code, due, take in (
        ("second_year", 2, 0.9),
        ("sixth_year", 6, 0.92),
        ("mid_career", 12, 0.88),
    ):
        if years_in > due and rng.random() < take:
            note = "他県で修了" if prior_years and due <= prior_years + 1 else ""
            completed.append(
                CompletedTraining(
                    staff=person, training=code, year=first - prior_years + due - 1, note=note
                )
            )
    return periods, leaves, completed


def _batches(people: Iterable[Staff]) -> Iterator[list[Staff]]:
    batch: list[Staff] = []
    for person in people:
        batch.append(person)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def demo_service_records(staff: Iterable[Staff], rng: random.Random) -> DemoRecordCounts:
    """Create demo service records for ``staff`` (teaching titles only); see the module."""
    counts = {"staff": 0, "periods": 0, "leaves": 0, "completed": 0}
    for batch in _batches(staff):
        ids = [person.pk for person in batch if person.job_title in TEACHING_TITLES]
        has_records = set(
            StaffServicePeriod.objects.filter(staff_id__in=ids).values_list("staff_id", flat=True)
        ) | set(StaffLeave.objects.filter(staff_id__in=ids).values_list("staff_id", flat=True))
        first_start = dict(
            Assignment.objects.filter(staff_id__in=ids, concurrent=False)
            .values("staff_id")
            .annotate(first=Min("start"))
            .values_list("staff_id", "first")
        )
        periods: list[StaffServicePeriod] = []
        leaves: list[StaffLeave] = []
        completed: list[CompletedTraining] = []
        for person in batch:
            if person.pk not in ids or person.pk in has_records or person.pk not in first_start:
                continue
            p, q, r = _history(person, first_start[person.pk], rng)
            periods += p
            leaves += q
            completed += r
            counts["staff"] += 1
        with transaction.atomic():
            StaffServicePeriod.objects.bulk_create(periods, batch_size=BATCH_SIZE)
            StaffLeave.objects.bulk_create(leaves, batch_size=BATCH_SIZE)
            CompletedTraining.objects.bulk_create(
                completed, batch_size=BATCH_SIZE, ignore_conflicts=True
            )
        counts["periods"] += len(periods)
        counts["leaves"] += len(leaves)
        counts["completed"] += len(completed)
    return DemoRecordCounts(**counts)
