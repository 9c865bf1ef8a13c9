"""Demo staff of みらい県: about 1,500 people (about 50,000 with ``--size large``).

Every school is staffed from its type and number of classes (学級数): one 校長 (園長) and one
教頭 or 副校長, 教諭 by class, 講師 (常勤: 臨時的任用, 非常勤: 会計年度任用), 養護教諭, 栄養教諭 or
学校栄養職員, 事務職員; 実習助手 at high schools, 寄宿舎指導員 at special-needs schools, 保育教諭
at こども園. 行政等 units and the education centre get 指導主事. Ages follow the usual shape
of Japanese school staff (many in their fifties and in their twenties); people over the
retirement age work as 再任用. Staff of municipal kindergartens and こども園 are paid by the
municipality (not 県費負担). A few teachers also serve at a second school (兼務). 職員番号:
the last two digits of the year of appointment and a six-digit serial.

The plan is pure and deterministic (``random.Random(2026)``, fixed dates): the same people
come out on every machine, and the standard plan is a prefix of the large one.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from django.db import transaction

from manabi.demo.names import maiden_name, person_name
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.orgs.demo import OrgSpec, organisation_plan_parts
from manabi.orgs.models import Founder, HighSchoolCourse, Organisation, SchoolType
from manabi.people.choices import EmploymentType, JobTitle
from manabi.people.models import Assignment, Staff

ORDER = 20

SEED = 2026
# The newest assignments start on 1 April of this year (令和8年度); dates never depend on today.
LATEST_YEAR = 2026
BATCH_SIZE = 2000

T = JobTitle
REGULAR = EmploymentType.REGULAR
TEMPORARY = EmploymentType.TEMPORARY
FISCAL_YEAR = EmploymentType.FISCAL_YEAR
REAPPOINTED = EmploymentType.REAPPOINTED
# Born in or before this year: past the retirement age, back as 再任用.
REAPPOINTED_UNTIL = 1964


@dataclass(frozen=True, slots=True)
class AssignmentSpec:
    organisation: str  # 所属コード
    start: date
    concurrent: bool = False


@dataclass(frozen=True, slots=True)
class StaffSpec:
    staff_number: str
    name: str
    kana: str
    alias_name: str
    birth_date: date
    job_title: str
    employment_type: str
    prefecture_funded: bool
    assignments: tuple[AssignmentSpec, ...]

    @property
    def main(self) -> AssignmentSpec:
        """The main assignment (本務); the others are 兼務."""
        return self.assignments[0]

    @property
    def display_name(self) -> str:
        return self.alias_name or self.name


# A position to fill: the job title and, for 講師, how they are employed.
Position = tuple[JobTitle, EmploymentType | None]


def _count(rng: random.Random, value: float) -> int:
    """``value`` rounded up or down at random in proportion (2.3 → 2 or, 30% of the time, 3)."""
    whole = int(value)
    return whole + (1 if rng.random() < value - whole else 0)


def _leaders(spec: OrgSpec) -> list[Position]:
    if spec.school_type in (SchoolType.KINDERGARTEN, SchoolType.CERTIFIED_CHILDCARE):
        return [(T.KINDERGARTEN_PRINCIPAL, None), (T.KINDERGARTEN_VICE_PRINCIPAL, None)]
    large_prefectural = spec.founder == Founder.PREFECTURAL and spec.classes >= 18
    return [(T.PRINCIPAL, None), (T.VICE_PRINCIPAL if large_prefectural else T.HEAD_TEACHER, None)]


def _school_positions(spec: OrgSpec, rng: random.Random) -> list[Position]:
    """The staff a school of this type and size has (one 校長 and one 教頭/副校長 each)."""
    c = spec.classes
    kind = spec.school_type
    out = _leaders(spec)

    def add(title: JobTitle, count: float, employment: EmploymentType | None = None) -> None:
        out.extend([(title, employment)] * _count(rng, count))

    def lecturers(full_time: float, part_time: float) -> None:
        add(T.LECTURER, full_time, TEMPORARY)
        add(T.LECTURER, part_time, FISCAL_YEAR)

    def lunch() -> None:
        roll = rng.random()
        if roll < 0.5:
            add(T.NUTRITION_TEACHER, 1)
        elif roll < 0.8:
            add(T.SCHOOL_NUTRITIONIST, 1)

    if kind == SchoolType.KINDERGARTEN:
        add(T.TEACHER, c + 1)
        lecturers(0.3, 1)
        add(T.NURSE_TEACHER, 0.3)
    elif kind == SchoolType.CERTIFIED_CHILDCARE:
        add(T.SENIOR_NURSERY_TEACHER, 1)
        add(T.NURSERY_TEACHER, 2 * c + 1)
        add(T.ASSISTANT_NURSERY_TEACHER, 1.2)
        add(T.NURSE_TEACHER, 0.5)
        add(T.NUTRITION_TEACHER, 0.4)
    elif kind == SchoolType.ELEMENTARY:
        add(T.SENIOR_TEACHER, 1 if c >= 12 else 0)
        add(T.ADVISING_TEACHER, 0.3 if c >= 18 else 0)
        add(T.TEACHER, c * 1.15 + 1)
        lecturers(c / 8, c / 6)
        add(T.NURSE_TEACHER, 2 if c >= 27 else 1)
        lunch()
        add(T.CLERK, 2 if c >= 18 else 1)
    elif kind == SchoolType.JUNIOR_HIGH:
        add(T.SENIOR_TEACHER, 1 if c >= 9 else 0)
        add(T.TEACHER, c * 1.6 + 2)
        lecturers(c / 6, c / 4)
        add(T.NURSE_TEACHER, 2 if c >= 18 else 1)
        lunch()
        add(T.CLERK, 2 if c >= 12 else 1)
    elif kind == SchoolType.COMPULSORY:
        add(T.SENIOR_TEACHER, 1)
        add(T.TEACHER, c * 1.4 + 2)
        lecturers(c / 7, c / 5)
        add(T.NURSE_TEACHER, 2 if c >= 18 else 1)
        add(T.NUTRITION_TEACHER, 1)
        add(T.CLERK, 2)
    elif kind == SchoolType.HIGH and spec.high_school_course == HighSchoolCourse.PART_TIME:
        add(T.TEACHER, c * 1.6 + 3)
        lecturers(1, c / 2)
        add(T.NURSE_TEACHER, 1)
        add(T.LAB_ASSISTANT, 1)
        add(T.CLERK, 2)
    elif kind == SchoolType.HIGH:
        vocational = any(word in spec.name for word in ("工業", "農業"))
        add(T.SENIOR_TEACHER, 2 if c >= 21 else 1)
        add(T.ADVISING_TEACHER, 0.4)
        add(T.TEACHER, c * 2.2 + 3)
        lecturers(c / 6, c / 2.5)
        add(T.NURSE_TEACHER, 2 if c >= 21 else 1)
        add(T.LAB_ASSISTANT, rng.randint(4, 7) if vocational else rng.randint(1, 3))
        add(T.CLERK, 3 + c // 10)
    elif kind == SchoolType.SECONDARY:
        add(T.SENIOR_TEACHER, 2)
        add(T.TEACHER, c * 2 + 3)
        lecturers(2, c / 3)
        add(T.NURSE_TEACHER, 2)
        add(T.LAB_ASSISTANT, 2)
        add(T.CLERK, 4)
    elif kind == SchoolType.SPECIAL_NEEDS:
        add(T.SENIOR_TEACHER, 2)
        add(T.ADVISING_TEACHER, 1)
        add(T.TEACHER, c * 1.9 + 4)
        lecturers(c / 4, c / 5)
        add(T.NURSE_TEACHER, 2)
        add(T.NUTRITION_TEACHER, 1)
        if c >= 25 or rng.random() < 0.6:
            add(T.DORMITORY_SUPERVISOR, rng.randint(6, 14))
        add(T.LAB_ASSISTANT, 2)
        add(T.CLERK, 3)
    return out


def _office_positions(spec: OrgSpec, rng: random.Random) -> list[Position]:
    """指導主事 seconded to a 行政等 unit or the education centre."""
    low, high = round(spec.offices * 0.8), round(spec.offices * 1.2)
    return [(T.SUPERVISOR, None)] * rng.randint(low, high)


FEMALE_SHARE = {
    SchoolType.KINDERGARTEN: 0.93,
    SchoolType.CERTIFIED_CHILDCARE: 0.95,
    SchoolType.ELEMENTARY: 0.62,
    SchoolType.JUNIOR_HIGH: 0.44,
    SchoolType.COMPULSORY: 0.55,
    SchoolType.HIGH: 0.33,
    SchoolType.SECONDARY: 0.38,
    SchoolType.SPECIAL_NEEDS: 0.6,
}
FEMALE_SHARE_BY_TITLE = {
    T.NURSE_TEACHER: 0.98,
    T.NUTRITION_TEACHER: 0.95,
    T.SCHOOL_NUTRITIONIST: 0.95,
    T.CLERK: 0.6,
    T.LAB_ASSISTANT: 0.4,
    T.DORMITORY_SUPERVISOR: 0.5,
    T.SUPERVISOR: 0.3,
    T.SENIOR_TEACHER: 0.3,
}
LEADER_TITLES = (T.PRINCIPAL, T.HEAD_TEACHER, T.VICE_PRINCIPAL)


def _female(rng: random.Random, title: JobTitle, spec: OrgSpec) -> bool:
    preschool = spec.school_type in (SchoolType.KINDERGARTEN, SchoolType.CERTIFIED_CHILDCARE)
    if preschool:
        share = 0.85 if title in (T.KINDERGARTEN_PRINCIPAL, T.KINDERGARTEN_VICE_PRINCIPAL) else 0.94
    elif title in LEADER_TITLES:
        share = 0.25 if spec.school_type == SchoolType.ELEMENTARY else 0.1
    elif title in FEMALE_SHARE_BY_TITLE:
        share = FEMALE_SHARE_BY_TITLE[title]
    else:
        share = FEMALE_SHARE.get(SchoolType(spec.school_type), 0.5) if spec.school_type else 0.3
    return rng.random() < share


def _birth_year(rng: random.Random, title: JobTitle, employment: EmploymentType | None) -> int:
    if title in (T.PRINCIPAL, T.KINDERGARTEN_PRINCIPAL):
        return rng.randint(1965, 1970)
    if title in (T.VICE_PRINCIPAL, T.KINDERGARTEN_VICE_PRINCIPAL, T.HEAD_TEACHER):
        return rng.randint(1967, 1977)
    if title in (T.SENIOR_TEACHER, T.SENIOR_NURSERY_TEACHER, T.SUPERVISOR):
        return rng.randint(1970, 1986)
    if title == T.ADVISING_TEACHER:
        return rng.randint(1972, 1986)
    if employment == TEMPORARY:
        return rng.randint(1990, 2001) if rng.random() < 0.8 else rng.randint(1962, 1989)
    if employment == FISCAL_YEAR:
        return rng.randint(1962, 2001)
    # The usual shape: many in their fifties, few in their forties, many young.
    roll = rng.random()
    if roll < 0.06:
        return rng.randint(1962, REAPPOINTED_UNTIL)
    if roll < 0.27:
        return rng.randint(1965, 1972)
    if roll < 0.47:
        return rng.randint(1973, 1984)
    return rng.randint(1985, 2001)


def _person(rng: random.Random, position: Position, spec: OrgSpec, *, serial: int) -> StaffSpec:
    title, employment = position
    birth_year = _birth_year(rng, title, employment)
    if employment is None:
        employment = REAPPOINTED if birth_year <= REAPPOINTED_UNTIL else REGULAR
    female = _female(rng, title, spec)
    name = person_name(rng, female=female, birth_year=birth_year)
    alias = maiden_name(rng, name) if female and birth_year <= 1996 and rng.random() < 0.12 else ""
    birth_date = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))

    if employment in (TEMPORARY, FISCAL_YEAR):
        hired = start_year = LATEST_YEAR
    else:
        hired = min(LATEST_YEAR, birth_year + rng.randint(22, 27))
        if title in (T.PRINCIPAL, T.KINDERGARTEN_PRINCIPAL):
            start_year = LATEST_YEAR - rng.randint(0, 3)
        elif employment == REAPPOINTED or title in (
            T.VICE_PRINCIPAL,
            T.KINDERGARTEN_VICE_PRINCIPAL,
            T.HEAD_TEACHER,
        ):
            start_year = LATEST_YEAR - rng.randint(0, 2)
        else:
            start_year = max(hired, LATEST_YEAR - rng.randint(0, 6))

    municipal = spec.founder == Founder.MUNICIPAL
    if municipal and spec.school_type in (SchoolType.KINDERGARTEN, SchoolType.CERTIFIED_CHILDCARE):
        funded = False  # 市町村立の幼稚園・こども園: paid by the municipality
    elif municipal and employment == FISCAL_YEAR:
        funded = rng.random() < 0.5
    elif municipal and title == T.CLERK:
        funded = rng.random() < 0.9
    else:
        funded = True

    return StaffSpec(
        staff_number=f"{hired % 100:02d}{serial:06d}",
        name=name.name,
        kana=name.kana,
        alias_name=alias,
        birth_date=birth_date,
        job_title=title.value,
        employment_type=employment.value,
        prefecture_funded=funded,
        assignments=(AssignmentSpec(spec.code, date(start_year, 4, 1)),),
    )


def _family(spec: OrgSpec) -> str:
    """Schools whose staff can plausibly serve at each other (兼務)."""
    kind = spec.school_type
    if kind in (SchoolType.KINDERGARTEN, SchoolType.CERTIFIED_CHILDCARE):
        return "preschool"
    if kind in (SchoolType.ELEMENTARY, SchoolType.COMPULSORY) or (
        kind == SchoolType.JUNIOR_HIGH and spec.founder == Founder.MUNICIPAL
    ):
        return "compulsory"
    if kind == SchoolType.SPECIAL_NEEDS:
        return "special"
    return "secondary"


CONCURRENT_TITLES = frozenset({T.TEACHER.value, T.NURSE_TEACHER.value, T.CLERK.value})


def _add_concurrent(
    rng: random.Random, part: tuple[OrgSpec, ...], people: list[StaffSpec], first: int
) -> None:
    """兼務: a few people of each board's schools also serve at a neighbouring school."""
    by_org: dict[str, list[int]] = defaultdict(list)
    for index in range(first, len(people)):
        by_org[people[index].main.organisation].append(index)
    schools_by_board: dict[str, list[OrgSpec]] = defaultdict(list)
    for spec in part:
        if spec.is_school and spec.parent is not None:
            schools_by_board[spec.parent].append(spec)
    start = date(LATEST_YEAR, 4, 1)
    for schools in schools_by_board.values():
        for _ in range(1 + len(schools) // 10 if len(schools) >= 2 else 0):
            home = rng.choice(schools)
            others = [s for s in schools if s is not home and _family(s) == _family(home)]
            candidates = [
                i
                for i in by_org[home.code]
                if people[i].job_title in CONCURRENT_TITLES
                and people[i].employment_type == REGULAR
                and len(people[i].assignments) == 1
            ]
            if not others or not candidates:
                continue
            index = rng.choice(candidates)
            second = AssignmentSpec(rng.choice(others).code, start, concurrent=True)
            people[index] = replace(people[index], assignments=(*people[index].assignments, second))


@cache
def staff_plan(size: str) -> tuple[StaffSpec, ...]:
    """Everyone in the demo, in the order of the organisation plan."""
    rng = random.Random(SEED)
    people: list[StaffSpec] = []
    for part in organisation_plan_parts(size):
        first = len(people)
        for spec in part:
            positions = (
                _school_positions(spec, rng) if spec.is_school else _office_positions(spec, rng)
            )
            for position in positions:
                people.append(_person(rng, position, spec, serial=len(people) + 1))
        _add_concurrent(rng, part, people, first)
    return tuple(people)


def accounts() -> list[DemoAccount]:
    return []


def build(options: DemoOptions) -> None:
    """Create the planned staff that do not exist yet (matched by 職員番号) and their
    assignments (matched by person, organisation and start)."""
    plan = staff_plan(options.size)
    with transaction.atomic():
        orgs = dict(Organisation.objects.values_list("code", "pk"))
        known = dict(Staff.objects.values_list("staff_number", "pk"))
        new = []
        for spec in plan:
            if spec.staff_number in known:
                continue
            staff = Staff(
                staff_number=spec.staff_number,
                name=spec.name,
                kana=spec.kana,
                alias_name=spec.alias_name,
                birth_date=spec.birth_date,
                job_title=spec.job_title,
                employment_type=spec.employment_type,
                prefecture_funded=spec.prefecture_funded,
            )
            staff.refresh_search_key()
            new.append(staff)
        Staff.objects.bulk_create(new, batch_size=BATCH_SIZE)
        known.update((staff.staff_number, staff.pk) for staff in new)

        existing = set(Assignment.objects.values_list("staff_id", "organisation_id", "start"))
        assignments = []
        for spec in plan:
            for planned in spec.assignments:
                staff_id, org_id = known[spec.staff_number], orgs[planned.organisation]
                if (staff_id, org_id, planned.start) not in existing:
                    assignments.append(
                        Assignment(
                            staff_id=staff_id,
                            organisation_id=org_id,
                            start=planned.start,
                            concurrent=planned.concurrent,
                        )
                    )
        Assignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
