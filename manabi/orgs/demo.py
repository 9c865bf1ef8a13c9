"""Demo organisations of みらい県: the boards, their schools, 行政等 units and the education centre.

The tree (standard size, 32 schools)::

    みらい県教育委員会 (prefecture_board, 480002)
    ├── みらい県教育委員会事務局(行政等) (admin_unit)
    ├── みらい県総合教育センター (organizer_unit) ── 研修企画課 / 教科研修課 / 教育相談課
    ├── 県立学校: 高等学校 (全日制 4, 定時制 1), 特別支援学校 2, 県立中学校, 中等教育学校
    ├── みらい市教育委員会 (482013) ── 行政等, 幼稚園 2, こども園, 小 7, 中 4, 義務教育学校
    ├── あおば町教育委員会 (483419) ── 行政等, 幼稚園, 小 3, 中
    └── ひかり村教育委員会 (483621) ── 行政等, こども園, 小, 中

``--size large`` adds invented cities, towns and villages and more prefectural schools
(about 1,300 schools and 50,000 staff).

所属コード: seven digits, ``1AAA000`` for boards, ``1AAA900`` for their 行政等 units,
``2000NNN`` for the education centre, ``3AAANNN`` for schools, where AAA is the municipality's
part of its 全国地方公共団体コード (000 for the prefecture). 学校コード: 学校種, 48, 2 (公立), AAA
and a serial, with the check digit. Telephone numbers are ``048-000-NNNN``: an exchange never
starts with 0, so none of them can be dialled.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields, replace
from functools import cache

from django.db import transaction

from manabi.core.codes import local_government_check_digit, school_code_check_digit
from manabi.demo.names import EXTRA_CITIES, EXTRA_TOWNS, EXTRA_VILLAGES, SCHOOL_PLACES
from manabi.demo.registry import (
    DEMO_PREFECTURE_CODE,
    DEMO_PREFECTURE_KANA,
    DEMO_PREFECTURE_NAME,
    LARGE,
    DemoAccount,
    DemoOptions,
)
from manabi.orgs.models import (
    Founder,
    HighSchoolCourse,
    Organisation,
    OrganisationKind,
    SchoolType,
)

ORDER = 10

PHONE_PREFIX = "048-000-"
PREFECTURE_DIGITS = DEMO_PREFECTURE_CODE[:2]
PREFECTURE_AREA = 0
BATCH_SIZE = 2000

SCHOOL_KIND_CODES = {
    SchoolType.KINDERGARTEN: "A1",
    SchoolType.CERTIFIED_CHILDCARE: "A2",
    SchoolType.ELEMENTARY: "B1",
    SchoolType.JUNIOR_HIGH: "C1",
    SchoolType.COMPULSORY: "C2",
    SchoolType.HIGH: "D1",
    SchoolType.SECONDARY: "D2",
    SchoolType.SPECIAL_NEEDS: "E1",
}
# How a school of each type is called after its place name: みらい市立中央 + 小学校.
SCHOOL_WORDS = {
    SchoolType.KINDERGARTEN: ("幼稚園", "ようちえん"),
    SchoolType.CERTIFIED_CHILDCARE: ("こども園", "こどもえん"),
    SchoolType.ELEMENTARY: ("小学校", "しょうがっこう"),
    SchoolType.JUNIOR_HIGH: ("中学校", "ちゅうがっこう"),
    SchoolType.COMPULSORY: ("学園", "がくえん"),
    SchoolType.HIGH: ("高等学校", "こうとうがっこう"),
    SchoolType.SECONDARY: ("中等教育学校", "ちゅうとうきょういくがっこう"),
    SchoolType.SPECIAL_NEEDS: ("特別支援学校", "とくべつしえんがっこう"),
}
# Municipality suffix: (reading after the name, reading in 〜立).
SUFFIX_KANA = {"市": ("し", "し"), "町": ("ちょう", "ちょう"), "村": ("むら", "そん")}
# 指導主事 seconded to a municipal board's 行政等 unit, by the kind of municipality.
OFFICES_BY_SUFFIX = {"市": 10, "町": 3, "村": 2}
CENTRE_UNITS = (
    ("研修企画課", "けんしゅうきかくか"),
    ("教科研修課", "きょうかけんしゅうか"),
    ("教育相談課", "きょういくそうだんか"),
)


@dataclass(frozen=True, slots=True)
class OrgSpec:
    """One organisation of the demo plan. ``parent`` is the parent's 所属コード. Not stored,
    but read by ``people/demo.py`` to staff it: ``classes`` (学級数) of a school, ``offices``
    the usual number of 指導主事 of a 行政等 unit or a section of the education centre."""

    code: str
    kind: str
    name: str
    name_kana: str
    parent: str | None
    phone: str = ""
    local_government_code: str = ""
    school_code: str = ""
    school_type: str = ""
    high_school_course: str = ""
    founder: str = ""
    classes: int = 0
    offices: int = 0

    @property
    def is_school(self) -> bool:
        return self.kind == OrganisationKind.SCHOOL


MODEL_FIELDS = tuple(
    f.name for f in fields(OrgSpec) if f.name not in {"parent", "classes", "offices"}
)


@dataclass(frozen=True, slots=True)
class _School:
    school_type: SchoolType
    place: str
    place_kana: str
    classes: int
    course: str = ""


@dataclass(frozen=True, slots=True)
class _Municipality:
    name: str  # without 市/町/村
    kana: str
    suffix: str
    area: int  # digits 3–5 of the 全国地方公共団体コード
    schools: tuple[_School, ...]

    @property
    def full_name(self) -> str:
        return f"{self.name}{self.suffix}"

    @property
    def full_kana(self) -> str:
        return f"{self.kana}{SUFFIX_KANA[self.suffix][0]}"

    @property
    def founder_kana(self) -> str:
        return f"{self.kana}{SUFFIX_KANA[self.suffix][1]}りつ"


E, J, K, C = (
    SchoolType.ELEMENTARY,
    SchoolType.JUNIOR_HIGH,
    SchoolType.KINDERGARTEN,
    SchoolType.CERTIFIED_CHILDCARE,
)
FULL_TIME, PART_TIME = HighSchoolCourse.FULL_TIME.value, HighSchoolCourse.PART_TIME.value

STANDARD_PREFECTURAL_SCHOOLS = (
    _School(SchoolType.HIGH, "みらい", "みらい", 27, FULL_TIME),
    _School(SchoolType.HIGH, "みらい東", "みらいひがし", 24, FULL_TIME),
    _School(SchoolType.HIGH, "あおば", "あおば", 24, FULL_TIME),
    _School(SchoolType.HIGH, "みらい工業", "みらいこうぎょう", 24, FULL_TIME),
    _School(SchoolType.HIGH, "みらい中央", "みらいちゅうおう", 8, PART_TIME),
    _School(SchoolType.SPECIAL_NEEDS, "みらい", "みらい", 42),
    _School(SchoolType.SPECIAL_NEEDS, "ひかり", "ひかり", 28),
    _School(SchoolType.JUNIOR_HIGH, "みらい", "みらい", 9),
    _School(SchoolType.SECONDARY, "あおば", "あおば", 24),
)
STANDARD_MUNICIPALITIES = (
    _Municipality(
        "みらい",
        "みらい",
        "市",
        201,
        (
            _School(K, "中央", "ちゅうおう", 4),
            _School(K, "港", "みなと", 3),
            _School(C, "桜ヶ丘", "さくらがおか", 7),
            _School(E, "中央", "ちゅうおう", 30),
            _School(E, "東", "ひがし", 27),
            _School(E, "西", "にし", 24),
            _School(E, "南", "みなみ", 33),
            _School(E, "北", "きた", 18),
            _School(E, "桜ヶ丘", "さくらがおか", 25),
            _School(E, "若葉", "わかば", 28),
            _School(J, "中央", "ちゅうおう", 24),
            _School(J, "東", "ひがし", 21),
            _School(J, "西", "にし", 18),
            _School(J, "南", "みなみ", 21),
            _School(SchoolType.COMPULSORY, "緑ヶ丘", "みどりがおか", 27),
        ),
    ),
    _Municipality(
        "あおば",
        "あおば",
        "町",
        341,
        (
            _School(K, "あおば", "あおば", 3),
            _School(E, "あおば", "あおば", 12),
            _School(E, "若葉", "わかば", 8),
            _School(E, "川辺", "かわべ", 6),
            _School(J, "あおば", "あおば", 9),
        ),
    ),
    _Municipality(
        "ひかり",
        "ひかり",
        "村",
        362,
        (
            _School(C, "ひかり", "ひかり", 4),
            _School(E, "ひかり", "ひかり", 6),
            _School(J, "ひかり", "ひかり", 3),
        ),
    ),
)

PREFECTURE_BOARD_CODE = "1000000"
CENTRE_CODE = "2000000"


def lg_code(area: int) -> str:
    """全国地方公共団体コード of a municipality of みらい県 (with its check digit)."""
    first5 = f"{PREFECTURE_DIGITS}{area:03d}"
    return first5 + local_government_check_digit(first5)


def school_code(school_type: str, area: int, serial: int) -> str:
    """学校コード: 学校種, 都道府県番号 48, 設置区分 2 (公立), 学校番号, check digit."""
    first12 = (
        f"{SCHOOL_KIND_CODES[SchoolType(school_type)]}{PREFECTURE_DIGITS}2{area:03d}{serial:04d}"
    )
    return first12 + school_code_check_digit(first12)


@dataclass
class _Planner:
    specs: list[OrgSpec] = field(default_factory=list)
    serials: dict[int, int] = field(default_factory=dict)

    def add(self, spec: OrgSpec) -> str:
        """Append ``spec`` with the next telephone number; returns its code."""
        self.specs.append(replace(spec, phone=f"{PHONE_PREFIX}{len(self.specs) + 1:04d}"))
        return spec.code

    def school(
        self, school: _School, *, area: int, parent: str, founder: str, prefix: str, kana: str
    ) -> None:
        serial = self.serials.get(area, 0) + 1
        self.serials[area] = serial
        word, word_kana = SCHOOL_WORDS[school.school_type]
        self.add(
            OrgSpec(
                code=f"3{area:03d}{serial:03d}",
                kind=OrganisationKind.SCHOOL.value,
                name=f"{prefix}{school.place}{word}",
                name_kana=f"{kana}{school.place_kana}{word_kana}",
                parent=parent,
                school_code=school_code(school.school_type, area, serial),
                school_type=school.school_type.value,
                high_school_course=school.course,
                founder=founder,
                classes=school.classes,
            )
        )

    def prefectural_school(self, school: _School) -> None:
        self.school(
            school,
            area=PREFECTURE_AREA,
            parent=PREFECTURE_BOARD_CODE,
            founder=Founder.PREFECTURAL.value,
            prefix=f"{DEMO_PREFECTURE_NAME}立",
            kana=f"{DEMO_PREFECTURE_KANA}りつ",
        )

    def municipality(self, municipality: _Municipality) -> None:
        area = municipality.area
        board = self.add(
            OrgSpec(
                code=f"1{area:03d}000",
                kind=OrganisationKind.MUNICIPAL_BOARD.value,
                name=f"{municipality.full_name}教育委員会",
                name_kana=f"{municipality.full_kana}きょういくいいんかい",
                parent=PREFECTURE_BOARD_CODE,
                local_government_code=lg_code(area),
            )
        )
        self.add(
            OrgSpec(
                code=f"1{area:03d}900",
                kind=OrganisationKind.ADMIN_UNIT.value,
                name=f"{municipality.full_name}教育委員会事務局(行政等)",
                name_kana=f"{municipality.full_kana}きょういくいいんかいじむきょく ぎょうせいとう",
                parent=board,
                offices=OFFICES_BY_SUFFIX[municipality.suffix],
            )
        )
        for school in municipality.schools:
            self.school(
                school,
                area=area,
                parent=board,
                founder=Founder.MUNICIPAL.value,
                prefix=f"{municipality.full_name}立",
                kana=municipality.founder_kana,
            )


def _plan_standard(planner: _Planner) -> None:
    name, kana = DEMO_PREFECTURE_NAME, DEMO_PREFECTURE_KANA
    planner.add(
        OrgSpec(
            code=PREFECTURE_BOARD_CODE,
            kind=OrganisationKind.PREFECTURE_BOARD.value,
            name=f"{name}教育委員会",
            name_kana=f"{kana}きょういくいいんかい",
            parent=None,
            local_government_code=DEMO_PREFECTURE_CODE,
        )
    )
    planner.add(
        OrgSpec(
            code="1000900",
            kind=OrganisationKind.ADMIN_UNIT.value,
            name=f"{name}教育委員会事務局(行政等)",
            name_kana=f"{kana}きょういくいいんかいじむきょく ぎょうせいとう",
            parent=PREFECTURE_BOARD_CODE,
            offices=36,
        )
    )
    planner.add(
        OrgSpec(
            code=CENTRE_CODE,
            kind=OrganisationKind.ORGANIZER_UNIT.value,
            name=f"{name}総合教育センター",
            name_kana=f"{kana}そうごうきょういくせんたー",
            parent=PREFECTURE_BOARD_CODE,
        )
    )
    for serial, (unit, unit_kana) in enumerate(CENTRE_UNITS, start=1):
        planner.add(
            OrgSpec(
                code=f"2000{serial:03d}",
                kind=OrganisationKind.ORGANIZER_UNIT.value,
                name=f"{name}総合教育センター {unit}",
                name_kana=f"{kana}そうごうきょういくせんたー {unit_kana}",
                parent=CENTRE_CODE,
                offices=10,
            )
        )
    for school in STANDARD_PREFECTURAL_SCHOOLS:
        planner.prefectural_school(school)
    for municipality in STANDARD_MUNICIPALITIES:
        planner.municipality(municipality)


def _schools(
    rng: random.Random, school_type: SchoolType, count: int, classes: tuple[int, int]
) -> list[_School]:
    places = rng.sample(SCHOOL_PLACES, count)
    return [_School(school_type, p, k, rng.randint(*classes)) for p, k in places]


def _extra_municipality(rng: random.Random, name: str, suffix: str, area: int) -> _Municipality:
    schools: list[_School] = []
    if suffix == "市":
        schools += _schools(rng, K, rng.randint(2, 5), (3, 6))
        schools += _schools(rng, C, rng.randint(1, 3), (5, 9))
        schools += _schools(rng, E, rng.randint(34, 48), (12, 30))
        schools += _schools(rng, J, rng.randint(15, 22), (9, 21))
        schools += _schools(rng, SchoolType.COMPULSORY, rng.randint(0, 2), (15, 27))
    elif suffix == "町":
        schools += _schools(rng, K, rng.randint(1, 2), (2, 4))
        schools += _schools(rng, C, rng.randint(0, 1), (4, 7))
        schools += _schools(rng, E, rng.randint(4, 9), (6, 18))
        schools += _schools(rng, J, rng.randint(2, 4), (3, 12))
    else:
        schools += _schools(rng, C, 1, (3, 5))
        if rng.random() < 0.5:
            schools += _schools(rng, SchoolType.COMPULSORY, 1, (9, 9))
        else:
            schools += _schools(rng, E, rng.randint(1, 2), (6, 6))
            schools += _schools(rng, J, 1, (3, 3))
    return _Municipality(name, name, suffix, area, tuple(schools))


HIGH_SCHOOL_NAMES = (
    ("", ""),
    ("東", "ひがし"),
    ("西", "にし"),
    ("南", "みなみ"),
    ("北", "きた"),
    ("中央", "ちゅうおう"),
    ("工業", "こうぎょう"),
    ("商業", "しょうぎょう"),
    ("農業", "のうぎょう"),
    ("総合", "そうごう"),
    ("国際", "こくさい"),
    ("桜ヶ丘", "さくらがおか"),
)


def _plan_large_extension(planner: _Planner, rng: random.Random) -> None:
    """Invented cities, towns and villages with their schools, and more prefectural schools."""
    municipalities = [
        _extra_municipality(rng, name, "市", 202 + index) for index, name in enumerate(EXTRA_CITIES)
    ]
    municipalities += [
        _extra_municipality(rng, name, "町", 321 + index) for index, name in enumerate(EXTRA_TOWNS)
    ]
    municipalities += [
        _extra_municipality(rng, name, "村", 381 + index)
        for index, name in enumerate(EXTRA_VILLAGES)
    ]
    prefectural: list[_School] = []
    for index, city in enumerate(EXTRA_CITIES):
        for suffix, suffix_kana in rng.sample(HIGH_SCHOOL_NAMES, rng.randint(6, 9)):
            prefectural.append(
                _School(
                    SchoolType.HIGH,
                    city + suffix,
                    city + suffix_kana,
                    rng.randint(15, 27),
                    FULL_TIME,
                )
            )
        prefectural.append(
            _School(
                SchoolType.HIGH, f"{city}青陵", f"{city}せいりょう", rng.randint(4, 12), PART_TIME
            )
        )
        prefectural.append(_School(SchoolType.SPECIAL_NEEDS, city, city, rng.randint(20, 45)))
        if rng.random() < 0.5:
            prefectural.append(
                _School(SchoolType.SPECIAL_NEEDS, f"{city}東", f"{city}ひがし", rng.randint(15, 30))
            )
        if index < 2:
            prefectural.append(_School(SchoolType.SECONDARY, city, city, 18))
    for town in EXTRA_TOWNS:
        prefectural.append(_School(SchoolType.HIGH, town, town, rng.randint(9, 18), FULL_TIME))
        if rng.random() < 0.5:
            prefectural.append(
                _School(
                    SchoolType.HIGH,
                    f"{town}農業",
                    f"{town}のうぎょう",
                    rng.randint(6, 12),
                    FULL_TIME,
                )
            )
    for school in prefectural:
        planner.prefectural_school(school)
    for municipality in municipalities:
        planner.municipality(municipality)


@cache
def organisation_plan_parts(size: str) -> tuple[tuple[OrgSpec, ...], ...]:
    """The plan in parts: the standard prefecture, then (large) the extension. Generators
    that follow the plan (people) go part by part, so the standard part comes out the same
    whatever the size."""
    planner = _Planner()
    _plan_standard(planner)
    parts = [tuple(planner.specs)]
    if size == LARGE:
        _plan_large_extension(planner, random.Random(2026))
        parts.append(tuple(planner.specs[len(parts[0]) :]))
    return tuple(parts)


@cache
def organisation_plan(size: str) -> tuple[OrgSpec, ...]:
    """The organisations of the demo, parents before children. The standard plan is a prefix
    of the large one, so a large build after a standard one only adds."""
    return tuple(spec for part in organisation_plan_parts(size) for spec in part)


def accounts() -> list[DemoAccount]:
    return []


def build(options: DemoOptions) -> None:
    """Create the organisations of the plan that do not exist yet (matched by 所属コード).

    Level by level, so that each level's parents have primary keys for the materialised path.
    Codes are validated (``clean_fields``) before anything is written.
    """
    plan = organisation_plan(options.size)
    with transaction.atomic():
        known: dict[str, Organisation] = {
            org.code: org for org in Organisation.objects.only("pk", "code", "path")
        }
        depth: dict[str, int] = {}
        for spec in plan:
            depth[spec.code] = 0 if spec.parent is None else depth[spec.parent] + 1
        for level in range(max(depth.values()) + 1):
            new = [
                Organisation(
                    parent=known[spec.parent] if spec.parent else None,
                    **{name: getattr(spec, name) for name in MODEL_FIELDS},
                )
                for spec in plan
                if depth[spec.code] == level and spec.code not in known
            ]
            for org in new:
                org.clean_fields(exclude=["path", "parent"])
            Organisation.objects.bulk_create(new, batch_size=BATCH_SIZE)
            for org in new:
                org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
                known[org.code] = org
            Organisation.objects.bulk_update(new, ["path"], batch_size=500)
