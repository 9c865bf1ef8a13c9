"""Demo training history (研修受講履歴) of みらい県: several years for every member of staff
whose history is recorded (教諭・養護教諭・栄養教諭・保育教諭 and school leaders, 正規・再任用,
県費負担).

- 令和3〜5年度: carried over from the old system (Asttra-style 移行データ): one committed
  legacy import by the prefectural board, the records marked ``source=import``;
- 令和6年度から: completed trainings of the platform (the centre's 悉皆 and 希望 trainings, with
  研修事業番号), 自主研修 entered by the teacher and confirmed by the principal, and each
  school's in-school training (校内研修) for all its staff;
- most records are linked to items of the 育成指標 (some are left unlinked on purpose);
- at みらい市立中央小学校 a few 自主研修 wait for the principal's confirmation and one was
  returned, so the review list has something to show.

Deterministic (one ``random.Random`` per person from 2026 and the 職員番号), idempotent (people
who already have demo history are skipped) and written with ``bulk_create`` in chunks, without
an audit event per row (``demo_build`` writes one for the whole build).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Min, Q

from manabi.accounts.models import Account, RoleAssignment
from manabi.accounts.roles import Role
from manabi.core import wareki
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.imports.models import ImportJob, ImportKind, ImportStatus
from manabi.indicators.models import Framework, Item
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.people.choices import EmploymentType, JobTitle
from manabi.people.models import Assignment, Staff, current_assignment_q
from manabi.records.choices import RecordCategory, RecordSource, RecordStatus, TrainingFormat
from manabi.records.models import HistoryRecord

ORDER = 60
BATCH_SIZE = 2000
STAFF_CHUNK = 1000
FIRST_YEAR = 2021  # 令和3年度: the oldest year carried over from the old system
MIGRATED_UNTIL = 2023  # 令和5年度末 the old system closed (seed 000)
CURRENT_YEAR = 2026  # the demo's 令和8年度; its records end before TODAY
TODAY = date(2026, 10, 31)
DEMO_SCHOOL = "みらい市立中央小学校"
BOARD_LOGIN = "480002B00001"
JST = ZoneInfo("Asia/Tokyo")

RECORDED_TITLES = frozenset(
    {
        JobTitle.PRINCIPAL,
        JobTitle.KINDERGARTEN_PRINCIPAL,
        JobTitle.VICE_PRINCIPAL,
        JobTitle.KINDERGARTEN_VICE_PRINCIPAL,
        JobTitle.HEAD_TEACHER,
        JobTitle.SENIOR_TEACHER,
        JobTitle.ADVISING_TEACHER,
        JobTitle.TEACHER,
        JobTitle.NURSE_TEACHER,
        JobTitle.SENIOR_NURSE_TEACHER,
        JobTitle.NUTRITION_TEACHER,
        JobTitle.NURSERY_TEACHER,
        JobTitle.SENIOR_NURSERY_TEACHER,
        JobTitle.ADVISING_NURSERY_TEACHER,
    }
)
LEADERS = frozenset(
    {
        JobTitle.PRINCIPAL,
        JobTitle.KINDERGARTEN_PRINCIPAL,
        JobTitle.VICE_PRINCIPAL,
        JobTitle.KINDERGARTEN_VICE_PRINCIPAL,
        JobTitle.HEAD_TEACHER,
    }
)
CENTRE = "みらい県総合教育センター"
# (title, 育成指標 area letter or "" for none, hours)
STATUTORY = {
    1: ("初任者研修(校外研修)", "A", Decimal("18")),
    2: ("教職2年次研修", "C", Decimal("6")),
    6: ("教職6年次研修", "A", Decimal("6")),
    11: ("中堅教諭等資質向上研修", "C", Decimal("12")),
}
ELECTIVE = (
    ("授業づくり講座(算数・数学)", "A", Decimal("3")),
    ("授業づくり講座(国語)", "A", Decimal("3")),
    ("ICT 活用実践講座", "E", Decimal("3")),
    ("特別支援教育基礎講座", "D", Decimal("3")),
    ("生徒指導実践講座", "B", Decimal("3")),
    ("教育相談講座", "B", Decimal("6")),
    ("学級経営講座", "C", Decimal("3")),
    ("防災教育講座", "F", Decimal("2")),
    ("人権教育講座", "B", Decimal("2")),
    ("外国語教育講座", "A", Decimal("3")),
    ("情報モラル教育講座", "", Decimal("2")),
)
LEADER_TRAINING = (
    ("学校経営研修", "C", Decimal("6")),
    ("危機管理研修", "B", Decimal("3")),
    ("コミュニティ・スクール研修", "F", Decimal("3")),
)
SELF_STUDY = (
    ("県小学校教育研究会 研究大会", "A", Decimal("5")),
    ("教職員支援機構 オンデマンド研修「主体的・対話的で深い学び」", "A", Decimal("1.5")),
    ("教育工学会 研究発表会(聴講)", "E", Decimal("4")),
    ("放送大学 公開講座「子どもの発達と学習」", "", Decimal("2")),
    ("特別支援教育セミナー(民間)", "D", Decimal("3")),
)
MUNICIPAL = (("市教育研究会 夏季研修会", "A", Decimal("3")),)
SCHOOL_WIDE = (
    ("校内研修「授業研究会」", "A", Decimal("2")),
    ("校内研修「1人1台端末の活用」", "E", Decimal("1.5")),
    ("校内研修「特別な支援を要する児童生徒の理解」", "D", Decimal("1.5")),
    ("校内研究「主体的に学ぶ子供の育成」", "A", Decimal("3")),
    ("校内研修「いじめの未然防止」", "B", Decimal("1")),
)
PENDING = (
    ("夏季 授業改善セミナー(民間)", "A", Decimal("3")),
    ("プログラミング教育オンライン講座", "E", Decimal("2")),
)


def accounts() -> list[DemoAccount]:
    return []


@dataclass(frozen=True)
class Person:
    staff_id: int
    staff_number: str
    job_title: str
    hired: int  # fiscal year of appointment
    organisation_id: int | None
    account_id: int | None


def _stage(years: int, job_title: str) -> int:
    """The 育成指標 stage (1 着任時 … 5 管理職) of someone in their ``years``-th year."""
    if job_title in LEADERS:
        return 5
    if years <= 1:
        return 1
    if years <= 5:
        return 2
    if years <= 15:
        return 3
    return 4


def _day(rng: random.Random, fiscal_year: int, *, latest: date = TODAY) -> date:
    first, last = wareki.fiscal_year_range(fiscal_year)
    last = min(last, latest, date(fiscal_year + 1, 2, 28))
    return first + timedelta(days=rng.randrange(max((last - first).days, 1)))


@dataclass
class Planned:
    record: HistoryRecord
    codes: tuple[str, ...]


def _record(
    person: Person,
    rng: random.Random,
    fiscal_year: int,
    spec: tuple[str, str, Decimal],
    *,
    category: str,
    source: str,
    ref: str,
    organiser: str,
    status: str = RecordStatus.CONFIRMED,
    confirmed_by: int | None = None,
    programme: str = "",
    start: date | None = None,
) -> Planned:
    title, area, hours = spec
    day = start or _day(rng, fiscal_year)
    years = fiscal_year - person.hired + 1
    codes: tuple[str, ...] = ()
    if area and rng.random() > 0.12:  # some records stay unlinked, on purpose
        stage = _stage(years, person.job_title)
        codes = (f"{area}-{stage}",)
        if rng.random() < 0.3:
            codes += (f"{rng.choice('ABCDEF')}-{stage}",)
    moment = datetime.combine(day, time(17), tzinfo=JST) + timedelta(days=3)
    return Planned(
        HistoryRecord(
            staff_id=person.staff_id,
            title=title,
            organiser_name=organiser,
            programme_number=programme,
            category=category,
            format=rng.choice(
                [TrainingFormat.IN_PERSON, TrainingFormat.IN_PERSON, TrainingFormat.LIVE_ONLINE]
            ),
            start=day,
            end=day,
            fiscal_year=fiscal_year,
            hours=hours,
            completed=True,
            status=status,
            source=source,
            source_ref=ref,
            entered_by_id=person.account_id if source == RecordSource.MANUAL else None,
            submitted_at=moment if source == RecordSource.MANUAL else None,
            confirmed_by_id=confirmed_by if status == RecordStatus.CONFIRMED else None,
            confirmed_at=moment if status == RecordStatus.CONFIRMED else None,
            returned_at=moment if status == RecordStatus.RETURNED else None,
            return_reason=(
                "研修の時間数を修了証で確認して、直してください。"
                if status == RecordStatus.RETURNED
                else ""
            ),
        ),
        codes,
    )


def _history(person: Person, principal: int | None, *, demo_school: bool) -> Iterator[Planned]:
    rng = random.Random(f"2026-{person.staff_number}")
    n = person.staff_number
    for fiscal_year in range(max(FIRST_YEAR, person.hired), CURRENT_YEAR + 1):
        years = fiscal_year - person.hired + 1
        migrated = fiscal_year <= MIGRATED_UNTIL
        trainings: list[tuple[str, str, Decimal]] = []
        if years in STATUTORY and person.job_title not in LEADERS:
            trainings.append(STATUTORY[years])
        pool = LEADER_TRAINING if person.job_title in LEADERS else ELECTIVE
        trainings += rng.sample(pool, k=rng.choice((1, 1, 2)))
        for index, spec in enumerate(trainings):
            number = f"{fiscal_year}309{zlib.crc32(spec[0].encode()) % 900 + 100:03d}"
            if migrated:
                yield _record(
                    person,
                    rng,
                    fiscal_year,
                    spec,
                    category=RecordCategory.REQUIRED_I,
                    source=RecordSource.IMPORT,
                    ref=f"import:demo:{n}:{fiscal_year}:{index}",
                    organiser=CENTRE,
                    programme=number,
                )
            else:
                yield _record(
                    person,
                    rng,
                    fiscal_year,
                    spec,
                    category=RecordCategory.REQUIRED_I,
                    source=RecordSource.PLATFORM,
                    ref=f"demo:training:{n}:{fiscal_year}:{index}",
                    organiser=CENTRE,
                    programme=number,
                )
        if rng.random() < 0.3:
            yield _record(
                person,
                rng,
                fiscal_year,
                rng.choice(MUNICIPAL),
                category=RecordCategory.OTHER_I,
                source=RecordSource.IMPORT if migrated else RecordSource.PLATFORM,
                ref=f"{'import:' if migrated else ''}demo:municipal:{n}:{fiscal_year}",
                organiser="みらい市教育委員会",
            )
        if not migrated and rng.random() < 0.6:
            yield _record(
                person,
                rng,
                fiscal_year,
                rng.choice(SELF_STUDY),
                category=RecordCategory.OTHER_III,
                source=RecordSource.MANUAL,
                ref=f"demo:manual:{n}:{fiscal_year}",
                organiser="(自主研修)",
                confirmed_by=principal,
            )
    if demo_school and person.job_title not in LEADERS:
        # This autumn's 自主研修, waiting for the principal (one returned to correct).
        status = RecordStatus.RETURNED if int(n) % 4 == 0 else RecordStatus.SUBMITTED
        yield _record(
            person,
            rng,
            CURRENT_YEAR,
            PENDING[int(n) % len(PENDING)],
            category=RecordCategory.OTHER_III,
            source=RecordSource.MANUAL,
            ref=f"demo:manual:{n}:pending",
            organiser="(自主研修)",
            status=status,
            start=date(2026, 10, 10) + timedelta(days=int(n) % 10),
        )


def _school_wide(
    school_id: int, school_name: str, people: Sequence[Person], principal: int | None
) -> Iterator[Planned]:
    """Each school's in-school trainings of each year, for everyone there (校内研修)."""
    rng = random.Random(f"2026-school-{school_id}")
    for fiscal_year in range(2024, CURRENT_YEAR + 1):
        for index, spec in enumerate(rng.sample(SCHOOL_WIDE, k=2)):
            day = _day(rng, fiscal_year)
            ref = f"school:{school_id}:demo-{fiscal_year}-{index}"
            for person in people:
                if person.hired > fiscal_year:
                    continue
                planned = _record(
                    person,
                    rng,
                    fiscal_year,
                    spec,
                    category=RecordCategory.OTHER_II,
                    source=RecordSource.MANUAL,
                    ref=ref,
                    organiser=school_name,
                    confirmed_by=principal,
                    start=day,
                )
                planned.record.entered_by_id = principal
                yield planned


def _people(staff_ids: Sequence[int], today: date) -> list[Person]:
    main = dict(
        Assignment.objects.filter(
            current_assignment_q(today), staff_id__in=staff_ids, concurrent=False
        ).values_list("staff_id", "organisation_id")
    )
    first = dict(
        Assignment.objects.filter(staff_id__in=staff_ids)
        .values("staff_id")
        .annotate(first=Min("start"))
        .values_list("staff_id", "first")
    )
    account_of = dict(Account.objects.filter(staff_id__in=staff_ids).values_list("staff_id", "pk"))
    people = []
    for staff_id, number, job in Staff.objects.filter(pk__in=staff_ids).values_list(
        "pk", "staff_number", "job_title"
    ):
        yy = int(number[:2])
        hired = (2000 + yy) if yy <= 26 else (1900 + yy)
        if first.get(staff_id) is not None:
            hired = min(hired, wareki.fiscal_year(first[staff_id]))
        people.append(
            Person(staff_id, number, job, hired, main.get(staff_id), account_of.get(staff_id))
        )
    return people


def _item_ids() -> dict[int, dict[str, int]]:
    """fiscal year → item code → id, from the framework version in force that year."""
    versions = sorted(Framework.objects.all(), key=lambda f: f.fiscal_year)
    codes = {
        f.pk: dict(Item.objects.filter(framework=f).values_list("code", "pk")) for f in versions
    }
    by_year: dict[int, dict[str, int]] = {}
    for year in range(FIRST_YEAR, CURRENT_YEAR + 1):
        in_force = [f for f in versions if f.fiscal_year <= year] or versions[:1]
        by_year[year] = codes[in_force[-1].pk] if in_force else {}
    return by_year


def _write(planned: list[Planned], items: dict[int, dict[str, int]], job: ImportJob) -> None:
    for plan in planned:
        if plan.record.source == RecordSource.IMPORT:
            plan.record.legacy_import = job
    HistoryRecord.objects.bulk_create([p.record for p in planned], batch_size=BATCH_SIZE)
    Link = HistoryRecord.indicator_items.through
    links = []
    for plan in planned:
        table = items.get(plan.record.fiscal_year, {})
        for code in dict.fromkeys(plan.codes):
            if code in table:
                links.append(Link(historyrecord_id=plan.record.pk, item_id=table[code]))
    Link.objects.bulk_create(links, batch_size=BATCH_SIZE)


def _principals() -> dict[int, int]:
    """The account that confirms each school's records: its principal, else another leader."""
    leaders = RoleAssignment.objects.filter(
        role=Role.SCHOOL_ADMIN, account__staff__job_title__in=list(LEADERS)
    ).values_list("organisation_id", "account_id", "account__staff__job_title")
    principals: dict[int, int] = {}
    for organisation_id, account_id, _job in sorted(
        leaders, key=lambda row: row[2] in (JobTitle.PRINCIPAL, JobTitle.KINDERGARTEN_PRINCIPAL)
    ):
        principals[organisation_id] = account_id
    return principals


def _legacy_job() -> ImportJob | None:
    """The one committed legacy import the migrated records point to."""
    job = ImportJob.objects.filter(
        kind=ImportKind.LEGACY_HISTORY, file_name="asttra_R3-R5_研修履歴.csv"
    ).first()
    if job is not None:
        return job
    board = Account.objects.filter(login_id=BOARD_LOGIN).first()
    if board is None:
        return None
    prefecture = Organisation.objects.filter(kind=OrganisationKind.PREFECTURE_BOARD).first()
    committed = datetime(2024, 3, 29, 10, 0, tzinfo=JST)
    return ImportJob.objects.create(
        kind=ImportKind.LEGACY_HISTORY,
        file_name="asttra_R3-R5_研修履歴.csv",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=board,
        acting_role=Role.BOARD,
        acting_organisation=prefecture,
        status=ImportStatus.COMMITTED,
        committed_by=board,
        committed_role=Role.BOARD,
        committed_organisation=prefecture,
        validated_at=committed,
        committed_at=committed,
        message="令和5年度末に旧システムから移行した研修受講履歴(デモ)",
    )


def build(options: DemoOptions) -> None:
    with transaction.atomic():
        job = _legacy_job()
        if job is None:
            return
        done = set(
            HistoryRecord.objects.filter(
                Q(source_ref__startswith="demo:") | Q(source_ref__startswith="import:demo:")
            )
            .values_list("staff_id", flat=True)
            .distinct()
        )
        targets = list(
            Staff.objects.filter(
                job_title__in=RECORDED_TITLES,
                employment_type__in=[EmploymentType.REGULAR, EmploymentType.REAPPOINTED],
                prefecture_funded=True,
                retired_on__isnull=True,
            )
            .exclude(pk__in=done)
            .order_by("staff_number")
            .values_list("pk", flat=True)
        )
        if not targets:
            return
        items = _item_ids()
        principals = _principals()
        schools = dict(
            Organisation.objects.filter(kind=OrganisationKind.SCHOOL).values_list("pk", "name")
        )
        demo_school = next((pk for pk, name in schools.items() if name == DEMO_SCHOOL), None)
        by_school: dict[int, list[Person]] = {}
        for start in range(0, len(targets), STAFF_CHUNK):
            people = _people(targets[start : start + STAFF_CHUNK], TODAY)
            planned: list[Planned] = []
            for person in people:
                org = person.organisation_id
                if org in schools:
                    by_school.setdefault(org, []).append(person)
                planned.extend(
                    _history(
                        person,
                        principals.get(org) if org else None,
                        demo_school=org == demo_school,
                    )
                )
            _write(planned, items, job)
        for school_id, people in by_school.items():
            _write(
                list(
                    _school_wide(school_id, schools[school_id], people, principals.get(school_id))
                ),
                items,
                job,
            )
