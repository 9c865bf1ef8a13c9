"""Coverage of a 育成指標 framework (pure) and the server-side SVG radar chart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from manabi.indicators.charts import radar_svg
from manabi.indicators.coverage import (
    ItemRef,
    RecordRef,
    Structure,
    person_coverage,
    school_coverage,
)

STRUCTURE = Structure(
    "育成指標",
    2025,
    ("着任時", "第1ステージ"),
    ("授業力", "生徒指導力"),
    (
        ItemRef("A-1", "授業を構想できる", "授業力", "着任時"),
        ItemRef("A-2", "授業を改善できる", "授業力", "第1ステージ"),
        ItemRef("B-1", "児童生徒を理解できる", "生徒指導力", "着任時"),
        ItemRef("B-2", "組織で指導できる", "生徒指導力", "第1ステージ"),
    ),
)


def record(pk: int, *codes: str) -> RecordRef:
    return RecordRef(pk, f"研修{pk}", "2025-06-01", "3.0", frozenset(codes))


def test_person_coverage_counts_items_and_reports_unlinked_records() -> None:
    coverage = person_coverage(
        STRUCTURE, [record(1, "A-1"), record(2, "A-1", "B-2"), record(3), record(4, "X-9")]
    )
    assert [(a.area, a.covered, a.items, a.percent, a.records) for a in coverage.areas] == [
        ("授業力", 1, 2, 50, 2),
        ("生徒指導力", 1, 2, 50, 1),
    ]
    counts = {i.item.code: i.count for row in coverage.rows for cell in row for i in cell.items}
    assert counts == {"A-1": 2, "A-2": 0, "B-1": 0, "B-2": 1}
    levels = {i.item.code: i.level for row in coverage.rows for cell in row for i in cell.items}
    assert levels["A-1"] == 4 and levels["A-2"] == 0 and 0 < levels["B-2"] < 4
    # Records with no item of this framework are shown as unlinked, not dropped.
    assert [r.id for r in coverage.unlinked] == [3, 4]
    assert coverage.linked_records == 2
    assert coverage.items_covered == 2
    assert coverage.chart_data() == {
        "labels": ["授業力", "生徒指導力"],
        "values": [50, 50],
        "label": "網羅率(%)",
    }


def test_school_coverage_averages_people_and_counts_people_per_item() -> None:
    coverage = school_coverage(
        STRUCTURE,
        {1: [record(1, "A-1", "A-2")], 2: [record(2, "A-1")], 3: []},
        staff_count=3,
    )
    assert [a.percent for a in coverage.areas] == [50, 0]  # (100 + 50 + 0) / 3
    counts = {i.item.code: i.count for row in coverage.rows for cell in row for i in cell.items}
    assert counts == {"A-1": 2, "A-2": 1, "B-1": 0, "B-2": 0}
    assert coverage.people == 3


@given(st.lists(st.sets(st.sampled_from(["A-1", "A-2", "B-1", "B-2", "C-1"])), max_size=20))
def test_coverage_percentages_stay_between_0_and_100(code_sets: list[set[str]]) -> None:
    coverage = person_coverage(STRUCTURE, [record(i, *codes) for i, codes in enumerate(code_sets)])
    assert all(0 <= a.percent <= 100 for a in coverage.areas)
    assert len(coverage.unlinked) + coverage.linked_records == len(code_sets)


def test_radar_svg_escapes_labels_and_clamps_values() -> None:
    svg = str(radar_svg(["授業力", "<script>", "チーム"], [50, 150, -10]))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "&lt;script&gt;" in svg and "<script>" not in svg
    assert svg.count("<circle") == 3
    assert str(radar_svg([], [])) == ""
