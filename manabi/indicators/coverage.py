"""Coverage of a 育成指標 framework by completed trainings (pure: no database).

A person covers an item when at least one of their counting history records (確認済み・修了)
is linked to it. Links are matched by item code, so a record linked to an item of last
year's version still covers the same item of this year's. Records linked to no item of the
framework are *unlinked* and are reported as such, never hidden.

For a school the same is computed per person and aggregated: per item, how many of the
school's staff cover it; per area, the average share of the area's items covered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Heat-map levels (CSS classes heat-0 … heat-4 on screen and in print).
LEVELS = 4


@dataclass(frozen=True)
class ItemRef:
    code: str
    description: str
    area: str
    stage: str


@dataclass(frozen=True)
class Structure:
    """A framework's stages (columns), areas (rows) and items, in order."""

    name: str
    fiscal_year: int
    stages: tuple[str, ...]
    areas: tuple[str, ...]
    items: tuple[ItemRef, ...]


@dataclass(frozen=True)
class RecordRef:
    """A counting record as coverage needs it."""

    id: int
    title: str
    start: str
    hours: str
    item_codes: frozenset[str]


@dataclass
class ItemCoverage:
    item: ItemRef
    count: int = 0  # records (person) or people (school) covering the item
    level: int = 0  # 0 … LEVELS for the heat map

    @property
    def covered(self) -> bool:
        return self.count > 0


@dataclass
class AreaCoverage:
    area: str
    items: int = 0
    covered: int = 0
    percent: int = 0  # share of the area's items covered (a school: the staff's average)
    records: int = 0


@dataclass
class Cell:
    area: str
    stage: str
    items: list[ItemCoverage] = field(default_factory=list)


@dataclass
class Coverage:
    structure: Structure
    areas: list[AreaCoverage]
    rows: list[list[Cell]]  # areas × stages
    unlinked: list[RecordRef]
    linked_records: int
    people: int = 1

    @property
    def items_total(self) -> int:
        return len(self.structure.items)

    @property
    def items_covered(self) -> int:
        return sum(1 for row in self.rows for cell in row for i in cell.items if i.covered)

    def chart_data(self) -> dict[str, object]:
        """What the browser's radar chart draws (coverage.js reads it as JSON)."""
        return {
            "labels": [a.area for a in self.areas],
            "values": [a.percent for a in self.areas],
            "label": "学校の平均(%)" if self.people > 1 else "網羅率(%)",
        }


def _level(count: int, top: int) -> int:
    if count <= 0 or top <= 0:
        return 0
    return max(1, min(LEVELS, -(-count * LEVELS // top)))


def _grid(structure: Structure, counts: Mapping[str, int], top: int) -> list[list[Cell]]:
    cells = {
        (area, stage): Cell(area, stage) for area in structure.areas for stage in structure.stages
    }
    for item in structure.items:
        count = counts.get(item.code, 0)
        cells[(item.area, item.stage)].items.append(ItemCoverage(item, count, _level(count, top)))
    return [[cells[(area, stage)] for stage in structure.stages] for area in structure.areas]


def person_coverage(structure: Structure, records: Iterable[RecordRef]) -> Coverage:
    """Coverage of one person's counting records."""
    codes = {item.code for item in structure.items}
    area_of = {item.code: item.area for item in structure.items}
    counts: dict[str, int] = defaultdict(int)
    area_records: dict[str, int] = defaultdict(int)
    unlinked: list[RecordRef] = []
    linked = 0
    for record in records:
        hits = record.item_codes & codes
        if not hits:
            unlinked.append(record)
            continue
        linked += 1
        for code in hits:
            counts[code] += 1
        for area in {area_of[code] for code in hits}:
            area_records[area] += 1
    areas = []
    for area in structure.areas:
        in_area = [i.code for i in structure.items if i.area == area]
        covered = sum(1 for code in in_area if counts.get(code))
        areas.append(
            AreaCoverage(
                area,
                items=len(in_area),
                covered=covered,
                percent=round(100 * covered / len(in_area)) if in_area else 0,
                records=area_records[area],
            )
        )
    top = max(counts.values(), default=0)
    return Coverage(structure, areas, _grid(structure, counts, top), unlinked, linked)


def school_coverage(
    structure: Structure, people: Mapping[int, Sequence[RecordRef]], *, staff_count: int
) -> Coverage:
    """Coverage aggregated over a school's staff: an item's count is the number of people
    covering it; an area's percent is the average of each person's share (people without
    any record count as 0 %)."""
    singles = [person_coverage(structure, records) for records in people.values()]
    counts: dict[str, int] = defaultdict(int)
    for single in singles:
        for row in single.rows:
            for cell in row:
                for item in cell.items:
                    if item.covered:
                        counts[item.item.code] += 1
    divisor = max(staff_count, 1)
    areas = []
    for index, area in enumerate(structure.areas):
        in_area = sum(1 for i in structure.items if i.area == area)
        covered = sum(1 for i in structure.items if i.area == area and counts.get(i.code))
        shares = sum(single.areas[index].covered for single in singles) / max(in_area, 1)
        areas.append(
            AreaCoverage(
                area,
                items=in_area,
                covered=covered,
                percent=round(100 * shares / divisor),
                records=sum(single.areas[index].records for single in singles),
            )
        )
    unlinked = [record for single in singles for record in single.unlinked]
    linked = sum(single.linked_records for single in singles)
    return Coverage(
        structure,
        areas,
        _grid(structure, counts, divisor),
        unlinked,
        linked,
        people=staff_count,
    )
