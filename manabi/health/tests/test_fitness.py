"""Tests for the 新体力テスト scoring engine (manabi.health.fitness)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manabi.health.fitness import (
    DATA_DIR,
    AgeBand,
    FitnessDataError,
    FitnessInputError,
    Grade,
    Item,
    Measurements,
    Sex,
    endurance_seconds,
    grip_record,
    load_table,
    load_tables,
    record_value,
    score,
    summarise,
    table_for_age,
)

D = Decimal
M, F = Sex.MALE, Sex.FEMALE

FIELD = {
    Item.GRIP: "grip_kg",
    Item.SIT_UPS: "sit_ups",
    Item.SIT_AND_REACH: "sit_and_reach_cm",
    Item.SIDE_STEP: "side_step",
    Item.SHUTTLE_RUN: "shuttle_run",
    Item.ENDURANCE_RUN: "endurance_run_s",
    Item.SPRINT_50M: "sprint_50m_s",
    Item.STANDING_LONG_JUMP: "standing_long_jump_cm",
    Item.BALL_THROW: "ball_throw_m",
}


def one(item: Item, value: Any) -> Measurements:
    return Measurements(**{FIELD[item]: value})


def points_of(age: int, sex: Sex, item: Item, value: Any) -> int | None:
    return score(age, sex, one(item, value)).item(item).points


# ----------------------------------------------------------------- 6–11歳 item points

ELEMENTARY_CASES = [
    # (age, sex, item, measured value, expected points) — cut-offs and one unit beside them
    (10, M, Item.GRIP, 26, 10),
    (10, M, Item.GRIP, 25, 9),
    (10, M, Item.GRIP, 5, 2),
    (10, M, Item.GRIP, 4, 1),
    (9, F, Item.GRIP, 25, 10),
    (9, F, Item.GRIP, 24, 9),
    (9, F, Item.GRIP, 4, 2),
    (9, F, Item.GRIP, 3, 1),
    (8, M, Item.GRIP, D("18.5"), 7),  # 四捨五入 → 19kg
    (8, M, Item.GRIP, D("16.5"), 7),  # → 17kg (7点の下限)
    (8, M, Item.GRIP, D("16.4"), 6),  # → 16kg
    (11, M, Item.SIT_UPS, 18, 7),
    (11, M, Item.SIT_UPS, 17, 6),
    (11, F, Item.SIT_UPS, 16, 7),
    (11, F, Item.SIT_UPS, 15, 6),
    (7, M, Item.SIT_AND_REACH, 49, 10),
    (7, M, Item.SIT_AND_REACH, D("48.9"), 9),  # cm未満切り捨て → 48cm
    (7, F, Item.SIT_AND_REACH, 52, 10),
    (7, F, Item.SIT_AND_REACH, D("51.9"), 9),
    (6, F, Item.SIDE_STEP, 47, 10),
    (6, F, Item.SIDE_STEP, 46, 9),
    (6, M, Item.SIDE_STEP, 50, 10),
    (6, M, Item.SIDE_STEP, 49, 9),
    (10, F, Item.SHUTTLE_RUN, 26, 6),
    (10, F, Item.SHUTTLE_RUN, 25, 5),
    (10, M, Item.SHUTTLE_RUN, 80, 10),
    (10, M, Item.SHUTTLE_RUN, 79, 9),
    (10, M, Item.SPRINT_50M, D("8.0"), 10),
    (10, M, Item.SPRINT_50M, D("8.01"), 9),  # 1/10秒未満切り上げ → 8.1秒
    (10, M, Item.SPRINT_50M, D("8.1"), 9),
    (10, F, Item.SPRINT_50M, D("13.2"), 2),
    (10, F, Item.SPRINT_50M, D("13.21"), 1),  # → 13.3秒
    (11, M, Item.STANDING_LONG_JUMP, 192, 10),
    (11, M, Item.STANDING_LONG_JUMP, D("191.9"), 9),
    (11, F, Item.STANDING_LONG_JUMP, 85, 2),
    (11, F, Item.STANDING_LONG_JUMP, 84, 1),
    (9, M, Item.BALL_THROW, 40, 10),
    (9, M, Item.BALL_THROW, D("39.9"), 9),  # m未満切り捨て → 39m
    (9, F, Item.BALL_THROW, 5, 3),
    (9, F, Item.BALL_THROW, 4, 2),
    (9, F, Item.BALL_THROW, 3, 1),
]


@pytest.mark.parametrize(("age", "sex", "item", "value", "expected"), ELEMENTARY_CASES)
def test_elementary_item_points(age: int, sex: Sex, item: Item, value: Any, expected: int) -> None:
    assert points_of(age, sex, item, value) == expected


# ----------------------------------------------------------------- 12–19歳 item points

YOUTH_CASES = [
    (13, M, Item.GRIP, 56, 10),
    (13, M, Item.GRIP, 55, 9),
    (13, F, Item.GRIP, 36, 10),
    (13, F, Item.GRIP, 35, 9),
    (13, F, Item.GRIP, 14, 2),
    (13, F, Item.GRIP, 13, 1),
    (16, F, Item.SIT_UPS, 29, 10),
    (16, F, Item.SIT_UPS, 28, 9),
    (16, M, Item.SIT_AND_REACH, 21, 2),
    (16, M, Item.SIT_AND_REACH, D("20.9"), 1),
    (17, M, Item.SIDE_STEP, 63, 10),
    (17, M, Item.SIDE_STEP, 62, 9),
    (14, M, Item.ENDURANCE_RUN, 299, 10),  # 4分59秒
    (14, M, Item.ENDURANCE_RUN, 300, 9),  # 5分00秒
    (14, M, Item.ENDURANCE_RUN, D("299.01"), 9),  # 秒未満切り上げ → 5分00秒
    (14, M, Item.ENDURANCE_RUN, 560, 2),  # 9分20秒
    (14, M, Item.ENDURANCE_RUN, 561, 1),  # 9分21秒
    (14, F, Item.ENDURANCE_RUN, 229, 10),  # 3分49秒
    (14, F, Item.ENDURANCE_RUN, 230, 9),
    (14, F, Item.ENDURANCE_RUN, 418, 1),  # 6分58秒
    (15, M, Item.SHUTTLE_RUN, 125, 10),
    (15, M, Item.SHUTTLE_RUN, 124, 9),
    (15, F, Item.SHUTTLE_RUN, 15, 2),
    (15, F, Item.SHUTTLE_RUN, 14, 1),
    (18, M, Item.SPRINT_50M, D("6.6"), 10),
    (18, M, Item.SPRINT_50M, D("6.61"), 9),
    (18, F, Item.SPRINT_50M, D("11.2"), 2),
    (18, F, Item.SPRINT_50M, D("11.21"), 1),
    (12, F, Item.STANDING_LONG_JUMP, 210, 10),
    (12, F, Item.STANDING_LONG_JUMP, 209, 9),
    (19, F, Item.BALL_THROW, 11, 4),
    (19, F, Item.BALL_THROW, 10, 3),
    (19, F, Item.BALL_THROW, 8, 2),
    (19, F, Item.BALL_THROW, 7, 1),
    (19, M, Item.BALL_THROW, 37, 10),
    (19, M, Item.BALL_THROW, D("36.99"), 9),
]


@pytest.mark.parametrize(("age", "sex", "item", "value", "expected"), YOUTH_CASES)
def test_youth_item_points(age: int, sex: Sex, item: Item, value: Any, expected: int) -> None:
    assert points_of(age, sex, item, value) == expected


# ----------------------------------------------------------------- full worked results

# 6–11歳: values for 4点 / 5点 / 7点 / 10点 / 1点 in every item (男子 or 女子).
F5_ELEM = {
    "grip_kg": 11,
    "sit_ups": 12,
    "sit_and_reach_cm": 29,
    "side_step": 28,
    "shuttle_run": 19,
    "sprint_50m_s": D("10.3"),
    "standing_long_jump_cm": 121,
    "ball_throw_m": 8,
}
M4_ELEM = {
    "grip_kg": 9,
    "sit_ups": 9,
    "sit_and_reach_cm": 23,
    "side_step": 26,
    "shuttle_run": 15,
    "sprint_50m_s": D("10.7"),
    "standing_long_jump_cm": 117,
    "ball_throw_m": 10,
}
M10_ELEM = {
    "grip_kg": 26,
    "sit_ups": 26,
    "sit_and_reach_cm": 49,
    "side_step": 50,
    "shuttle_run": 80,
    "sprint_50m_s": D("8.0"),
    "standing_long_jump_cm": 192,
    "ball_throw_m": 40,
}
M1_ELEM = {
    "grip_kg": 4,
    "sit_ups": 2,
    "sit_and_reach_cm": 14,
    "side_step": 17,
    "shuttle_run": 7,
    "sprint_50m_s": D("13.1"),
    "standing_long_jump_cm": 92,
    "ball_throw_m": 4,
}
# 12–19歳
M7_YOUTH = {
    "grip_kg": 43,
    "sit_ups": 27,
    "sit_and_reach_cm": 49,
    "side_step": 53,
    "endurance_run_s": 334,  # 5分34秒
    "sprint_50m_s": D("7.1"),
    "standing_long_jump_cm": 230,
    "ball_throw_m": 28,
}
F4_YOUTH = {
    "grip_kg": 20,
    "sit_ups": 13,
    "sit_and_reach_cm": 35,
    "side_step": 36,
    "shuttle_run": 27,
    "sprint_50m_s": D("9.4"),
    "standing_long_jump_cm": 145,
    "ball_throw_m": 11,
}
M10_YOUTH = {
    "grip_kg": 56,
    "sit_ups": 35,
    "sit_and_reach_cm": 64,
    "side_step": 63,
    "shuttle_run": 125,
    "sprint_50m_s": D("6.6"),
    "standing_long_jump_cm": 265,
    "ball_throw_m": 37,
}
M1_YOUTH = {
    "grip_kg": 17,
    "sit_ups": 12,
    "sit_and_reach_cm": 20,
    "side_step": 29,
    "endurance_run_s": 600,
    "sprint_50m_s": D("9.8"),
    "standing_long_jump_cm": 149,
    "ball_throw_m": 12,
}


def with_(base: dict[str, Any], **changes: Any) -> Measurements:
    return Measurements(**{**base, **changes})


WORKED = [
    # (age, sex, measurements, total, grade)
    (6, F, with_(F5_ELEM), 40, Grade.A),
    (6, F, with_(F5_ELEM, ball_throw_m=6), 39, Grade.A),  # A の下限ちょうど
    (6, F, with_(F5_ELEM, ball_throw_m=6, grip_kg=10), 38, Grade.B),
    (7, F, with_(F5_ELEM, ball_throw_m=6), 39, Grade.C),  # 同じ合計でも年齢で変わる
    (8, M, with_(M4_ELEM), 32, Grade.D),
    (8, M, with_(M4_ELEM, ball_throw_m=7), 31, Grade.E),
    (11, M, with_(M10_ELEM), 80, Grade.A),
    (11, M, with_(M10_ELEM, sit_ups=2), 71, Grade.A),
    (11, M, with_(M10_ELEM, sit_ups=2, standing_long_jump_cm=191), 70, Grade.B),
    (11, M, with_(M1_ELEM), 8, Grade.E),
    (9, M, with_(M1_ELEM), 8, Grade.E),
    (13, M, with_(M7_YOUTH), 56, Grade.B),
    (13, M, with_(M7_YOUTH, ball_throw_m=31), 57, Grade.A),
    (15, M, with_(M7_YOUTH), 56, Grade.B),
    (15, M, with_(M7_YOUTH, ball_throw_m=37, grip_kg=51), 61, Grade.A),
    (16, F, with_(F4_YOUTH), 32, Grade.E),
    (16, F, with_(F4_YOUTH, ball_throw_m=12), 33, Grade.D),
    (14, F, with_(F4_YOUTH), 32, Grade.D),
    (19, M, with_(M10_YOUTH), 80, Grade.A),
    (12, M, with_(M1_YOUTH), 8, Grade.E),
]


@pytest.mark.parametrize(("age", "sex", "measurements", "total", "grade"), WORKED)
def test_worked_totals_and_grades(
    age: int, sex: Sex, measurements: Measurements, total: int, grade: Grade
) -> None:
    result = score(age, sex, measurements)
    assert result.complete
    assert result.total == total
    assert result.grade is grade


def test_full_elementary_result_explains_every_item() -> None:
    result = score(
        10,
        M,
        Measurements(
            grip_kg=D("18.5"),
            sit_ups=20,
            sit_and_reach_cm=D("35.7"),
            side_step=44,
            shuttle_run=50,
            sprint_50m_s=D("8.83"),
            standing_long_jump_cm=160,
            ball_throw_m=D("25.9"),
        ),
    )
    assert result.band is AgeBand.ELEMENTARY
    assert [e.points for e in result.items] == [7, 8, 7, 8, 7, 7, 7, 7]
    assert (result.total, result.grade) == (58, Grade.B)
    assert result.explanation.splitlines() == [
        "握力 18.5kg（記録 19kg）→ 7点",
        "上体起こし 20回 → 8点",
        "長座体前屈 35.7cm（記録 35cm）→ 7点",
        "反復横とび 44点 → 8点",
        "20mシャトルラン 50回 → 7点",
        "50m走 8.83秒（記録 8.9秒）→ 7点",
        "立ち幅とび 160cm → 7点",
        "ソフトボール投げ 25.9m（記録 25m）→ 7点",
        "合計 58点 → 総合評価 B（10歳・男子）",
    ]
    assert "6歳～11歳" in result.source


def test_youth_labels_name_the_distance_and_the_ball() -> None:
    result = score(14, F, with_(F4_YOUTH, shuttle_run=None, endurance_run_s=D("299.2")))
    run = result.item(Item.ENDURANCE_RUN)
    assert run.explanation == "持久走（1000m） 299.2秒（記録 5分00秒）→ 5点"
    assert result.item(Item.BALL_THROW).label == "ハンドボール投げ"
    assert score(14, M, one(Item.ENDURANCE_RUN, 300)).item(Item.ENDURANCE_RUN).label == (
        "持久走（1500m）"
    )


# ----------------------------------------------------------------- 持久走 vs シャトルラン


def test_endurance_run_alone_fills_the_endurance_slot() -> None:
    result = score(13, M, with_(M7_YOUTH))
    assert result.complete and result.missing_items == ()
    shuttle = result.item(Item.SHUTTLE_RUN)
    assert shuttle.points is None and not shuttle.counted
    assert shuttle.explanation == "20mシャトルラン 未測定（全身持久力は持久走（1500m）で評価）"


def test_shuttle_run_alone_fills_the_endurance_slot() -> None:
    result = score(13, M, with_(M7_YOUTH, endurance_run_s=None, shuttle_run=90))
    assert result.complete
    assert result.item(Item.SHUTTLE_RUN).counted
    assert result.total == 56


def test_both_measured_the_better_one_counts() -> None:
    # 持久走 5分34秒 = 7点, シャトルラン 125回 = 10点 → シャトルランを採用
    result = score(13, M, with_(M7_YOUTH, shuttle_run=125))
    run, shuttle = result.item(Item.ENDURANCE_RUN), result.item(Item.SHUTTLE_RUN)
    assert (run.points, run.counted) == (7, False)
    assert (shuttle.points, shuttle.counted) == (10, True)
    assert result.total == 59
    assert result.grade is Grade.A
    assert "20mシャトルランの得点を採用したため合計に含めません" in run.explanation


def test_both_measured_with_equal_points_counts_the_endurance_run() -> None:
    result = score(13, M, with_(M7_YOUTH, shuttle_run=90))  # 90回 = 7点
    assert result.item(Item.ENDURANCE_RUN).counted
    assert not result.item(Item.SHUTTLE_RUN).counted
    assert result.total == 56


def test_neither_endurance_item_makes_the_result_incomplete() -> None:
    result = score(13, M, with_(M7_YOUTH, endurance_run_s=None))
    assert not result.complete and result.grade is None
    assert result.missing_items == (Item.ENDURANCE_RUN, Item.SHUTTLE_RUN)
    assert result.total == 49
    assert "未測定: 持久走または20mシャトルラン" in result.explanation


def test_endurance_run_is_refused_for_elementary_children() -> None:
    with pytest.raises(FitnessInputError) as exc:
        score(11, M, with_(M10_ELEM, endurance_run_s=400))
    assert "持久走" in str(exc.value) and "12歳～19歳" in str(exc.value)


# ----------------------------------------------------------------- incomplete measurements


def test_missing_item_gives_no_points_and_no_grade() -> None:
    result = score(11, M, with_(M10_ELEM, grip_kg=None))
    assert result.total == 70
    assert result.complete is False and result.grade is None
    assert result.missing_items == (Item.GRIP,)
    assert result.item(Item.GRIP).explanation == "握力 未測定（得点なし）"
    assert result.explanation.endswith(
        "合計 70点（未測定: 握力）。8項目すべてがそろっていないため総合評価は出せません。"
    )


def test_nothing_measured() -> None:
    result = score(6, F, Measurements())
    assert result.total == 0 and result.grade is None
    assert len(result.missing_items) == 8


# ----------------------------------------------------------------- invalid input


@pytest.mark.parametrize("age", [5, 20, 0, -1])
def test_ages_outside_6_to_19_are_refused(age: int) -> None:
    with pytest.raises(FitnessInputError) as exc:
        score(age, M, Measurements())
    assert f"年齢 {age}歳 は対象外" in str(exc.value)


@pytest.mark.parametrize("age", [True, "10", 10.0])
def test_age_must_be_an_integer(age: Any) -> None:
    with pytest.raises(FitnessInputError, match="年齢は整数"):
        score(age, M, Measurements())


def test_sex_must_be_the_enum() -> None:
    with pytest.raises(FitnessInputError, match="性別"):
        score(10, "male", Measurements())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("measurements", "fragment"),
    [
        (Measurements(grip_kg=-3), "握力の値 -3kg は範囲外"),
        (Measurements(sit_ups=D("20.5")), "上体起こしは回数（整数）"),
        (Measurements(sprint_50m_s=D("4.0")), "50m走の値 4秒 は範囲外です（5.0～60.0秒"),
        (Measurements(shuttle_run=248), "20mシャトルランの値 248回 は範囲外"),
        (Measurements(standing_long_jump_cm=D("NaN")), "立ち幅とびの値"),
        (Measurements(ball_throw_m="20"), "ソフトボール投げの値 '20' は数値"),  # type: ignore[arg-type]
        (Measurements(side_step=True), "反復横とびの値 True は数値"),
    ],
)
def test_invalid_values_name_the_item(measurements: Measurements, fragment: str) -> None:
    with pytest.raises(FitnessInputError) as exc:
        score(10, F, measurements)
    assert fragment in str(exc.value)


def test_every_invalid_value_is_listed() -> None:
    with pytest.raises(FitnessInputError) as exc:
        score(15, M, Measurements(grip_kg=-1, sit_ups=500, endurance_run_s=30))
    assert len(exc.value.problems) == 3
    assert [p.split("の値")[0] for p in exc.value.problems] == [
        "握力",
        "上体起こし",
        "持久走（1500m）",
    ]


def test_float_inputs_are_taken_at_face_value() -> None:
    assert points_of(10, M, Item.SPRINT_50M, 8.0) == 10
    assert score(10, M, one(Item.SPRINT_50M, 8.01)).item(Item.SPRINT_50M).record == D("8.1")


# ----------------------------------------------------------------- rounding helpers


@pytest.mark.parametrize(
    ("item", "value", "record"),
    [
        (Item.GRIP, D("18.5"), D("19")),
        (Item.GRIP, D("18.4"), D("18")),
        (Item.GRIP, D("17"), D("17")),
        (Item.SIT_AND_REACH, D("35.99"), D("35")),
        (Item.STANDING_LONG_JUMP, D("160.5"), D("160")),
        (Item.BALL_THROW, D("25.9"), D("25")),
        (Item.SPRINT_50M, D("8.0"), D("8.0")),
        (Item.SPRINT_50M, D("8.01"), D("8.1")),
        (Item.SPRINT_50M, D("8.10"), D("8.1")),
        (Item.SPRINT_50M, D("8.11"), D("8.2")),
        (Item.ENDURANCE_RUN, D("299"), D("299")),
        (Item.ENDURANCE_RUN, D("299.01"), D("300")),
        (Item.SHUTTLE_RUN, D("50"), D("50")),
    ],
)
def test_record_value_rounding(item: Item, value: Decimal, record: Decimal) -> None:
    assert record_value(item, value) == record


def test_grip_record_from_trials() -> None:
    # 右 18.9 / 17.2 → 18, 17 (切り捨て) → 18; 左 19.6 / 19.0 → 19; 平均 18.5 → 四捨五入 19
    assert grip_record([D("18.9"), D("17.2")], [D("19.6"), D("19.0")]) == 19
    # cut each trial first: 18.9 and 18.9 give 18, not 19
    assert grip_record([D("18.9")], [D("18.9")]) == 18
    assert grip_record([20, 22], [21, 19]) == 22  # (22 + 21) / 2 = 21.5 → 22


def test_grip_record_errors() -> None:
    with pytest.raises(FitnessInputError) as exc:
        grip_record([], [-2])
    assert len(exc.value.problems) == 2
    assert "握力（右）の記録がありません" in exc.value.problems[0]
    assert "握力（左）の値 -2kg は範囲外" in exc.value.problems[1]


def test_endurance_seconds() -> None:
    assert endurance_seconds(5, 0) == 300
    assert endurance_seconds(4, D("59.3")) == D("299.3")
    with pytest.raises(FitnessInputError, match="「秒」60"):
        endurance_seconds(4, 60)
    with pytest.raises(FitnessInputError, match="「分」"):
        endurance_seconds(-1, 0)


# ----------------------------------------------------------------- shipped data


def test_shipped_tables_cover_6_to_19_and_name_their_source() -> None:
    tables = load_tables()
    assert [(t.age_from, t.age_to) for t in tables] == [(6, 11), (12, 19)]
    assert "新体力テスト実施要項（6歳～11歳対象）" in tables[0].source
    assert "新体力テスト実施要項（12歳～19歳対象）" in tables[1].source
    assert all(t.version for t in tables)
    assert table_for_age(12).band is AgeBand.YOUTH
    assert table_for_age(11).band is AgeBand.ELEMENTARY


def test_tables_are_cached() -> None:
    assert load_tables() is load_tables(DATA_DIR)


# ----------------------------------------------------------------- broken data files


def shipped(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def write(directory: Path, name: str, doc: Any) -> Path:
    path = directory / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(FitnessDataError) as exc:
        load_table(path)
    return exc.value.problems


def test_shipped_files_load_on_their_own(tmp_path: Path) -> None:
    for name in ("elementary_6_11.json", "youth_12_19.json"):
        table = load_table(write(tmp_path, name, shipped(name)))
        assert table.points_for(Item.GRIP, M, D(26)) in (10, 3)


def test_gap_between_rows(tmp_path: Path) -> None:
    doc = shipped("elementary_6_11.json")
    doc["items"]["grip"]["male"][1]["min"] = 24  # 9点 24～25, 8点 20～22: 23 is missing
    (problem,) = problems_of(write(tmp_path, "e.json", doc))
    assert "握力 男子" in problem and "9点と8点の境目に隙間または重なり" in problem


def test_overlap_in_timed_item(tmp_path: Path) -> None:
    doc = shipped("youth_12_19.json")
    doc["items"]["sprint_50m"]["female"][1]["min"] = 7.7  # overlaps 10点 (7.7以下)
    (problem,) = problems_of(write(tmp_path, "y.json", doc))
    assert "50m走 女子" in problem and "10点と9点の境目" in problem


def test_missing_and_duplicate_points_rows(tmp_path: Path) -> None:
    doc = shipped("elementary_6_11.json")
    rows = doc["items"]["sit_ups"]["female"]
    rows[5] = copy.deepcopy(rows[4])  # two 6点 rows, no 5点 row
    problems = problems_of(write(tmp_path, "e.json", doc))
    assert any("5点の行がありません" in p for p in problems)
    assert any("6点の行が重複" in p for p in problems)


def test_non_monotonic_row(tmp_path: Path) -> None:
    doc = shipped("youth_12_19.json")
    doc["items"]["side_step"]["male"][3] = {"points": 7, "min": 55, "max": 53}
    problems = problems_of(write(tmp_path, "y.json", doc))
    assert any("7点の下限 55 が上限 53 より大きく" in p for p in problems)


def test_open_ends_and_units(tmp_path: Path) -> None:
    doc = shipped("youth_12_19.json")
    doc["items"]["grip"]["male"][0]["max"] = 99  # 10点 must be 「以上」
    doc["items"]["endurance_run"]["male"][0]["max"] = "4-59"
    doc["items"]["sprint_50m"]["male"][1]["max"] = 6.85
    problems = problems_of(write(tmp_path, "y.json", doc))
    assert any("握力 男子" in p and "10点は上限なし" in p for p in problems)
    assert any("「分:秒」" in p for p in problems)
    assert any("6.85 は 0.1 単位ではありません" in p for p in problems)


def test_broken_grade_table(tmp_path: Path) -> None:
    doc = shipped("elementary_6_11.json")
    doc["grades"]["9"][1]["max"] = 57  # B 52～57, A 59以上: 58 falls through
    del doc["grades"]["11"]
    problems = problems_of(write(tmp_path, "e.json", doc))
    assert any("総合評価 9歳" in p and "AとBの境目" in p for p in problems)
    assert any("11歳の総合評価基準がありません" in p for p in problems)


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    doc = shipped("elementary_6_11.json")
    doc["source"] = ""
    del doc["items"]["ball_throw"]
    doc["items"]["grip"]["female"][2]["max"] = 22
    doc["grades"]["6"][0]["grade"] = "S"
    problems = problems_of(write(tmp_path, "e.json", doc))
    assert len(problems) == 5
    assert any("「source」" in p for p in problems)
    assert any("A, B, C, D, E の順" in p for p in problems)
    assert any("ソフトボール投げ（ball_throw）の得点表がありません" in p for p in problems)
    assert any("握力 女子" in p for p in problems)
    assert any("grade は A～E" in p for p in problems)
    with pytest.raises(FitnessDataError) as exc:
        load_table(tmp_path / "e.json")
    assert str(exc.value).startswith("新体力テストの得点表データに問題があります:\n- ")


def test_unreadable_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{ not json", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith("bad.json: JSON として読めません（1行")


def test_band_files_must_cover_every_age_once(tmp_path: Path) -> None:
    write(tmp_path, "a.json", shipped("elementary_6_11.json"))
    with pytest.raises(FitnessDataError) as exc:
        load_tables(tmp_path)
    assert exc.value.problems == (
        "12歳、13歳、14歳、15歳、16歳、17歳、18歳、19歳の得点表がありません。",
    )
    write(tmp_path, "b.json", shipped("youth_12_19.json"))
    write(tmp_path, "c.json", shipped("youth_12_19.json"))
    with pytest.raises(FitnessDataError) as exc:
        load_tables(tmp_path)
    assert len(exc.value.problems) == 8
    assert "12歳の得点表が複数のファイルにあります" in exc.value.problems[0]


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(FitnessDataError, match="JSONファイルがありません"):
        load_tables(tmp_path)


# ----------------------------------------------------------------- summaries


def test_summarise_a_class() -> None:
    results = [
        score(10, M, with_(M10_ELEM)),  # 80 A
        score(10, M, with_(M4_ELEM)),  # 32 E
        score(10, F, with_(F5_ELEM, grip_kg=None)),  # incomplete: 35点
    ]
    summary = summarise(results)
    assert (summary.count, summary.complete_count, summary.incomplete_count) == (3, 2, 1)
    assert dict(summary.grade_counts) == {
        Grade.A: 1,
        Grade.B: 0,
        Grade.C: 0,
        Grade.D: 0,
        Grade.E: 1,
    }
    assert summary.mean_total == D("56.00")
    grip = summary.items[0]
    assert (grip.item, grip.label, grip.count) == (Item.GRIP, "握力", 2)
    assert (grip.mean_record, grip.mean_points) == (D("17.50"), D("7.00"))
    sprint = next(s for s in summary.items if s.item is Item.SPRINT_50M)
    assert sprint.count == 3
    assert sprint.mean_record == D("9.67")  # (8.0 + 10.7 + 10.3) / 3
    assert sprint.mean_points == D("6.33")  # (10 + 4 + 5) / 3
    assert [s.item for s in summary.items] == [
        Item.GRIP,
        Item.SIT_UPS,
        Item.SIT_AND_REACH,
        Item.SIDE_STEP,
        Item.SHUTTLE_RUN,
        Item.SPRINT_50M,
        Item.STANDING_LONG_JUMP,
        Item.BALL_THROW,
    ]
    assert summary.items[-1].label == "ソフトボール投げ"


def test_summarise_mixed_bands_and_empty() -> None:
    summary = summarise([score(11, M, with_(M1_ELEM)), score(12, M, with_(M1_YOUTH))])
    assert Item.ENDURANCE_RUN in [s.item for s in summary.items]
    assert summary.items[-1].label == "ボール投げ"
    assert summary.grade_counts[Grade.E] == 2
    empty = summarise([])
    assert empty.count == 0 and empty.mean_total is None and empty.items == ()
    assert sum(empty.grade_counts.values()) == 0


# ----------------------------------------------------------------- properties

ITEM_RANGES: dict[Item, tuple[Decimal, Decimal]] = {
    Item.GRIP: (D(0), D(100)),
    Item.SIT_UPS: (D(0), D(100)),
    Item.SIT_AND_REACH: (D(0), D(150)),
    Item.SIDE_STEP: (D(0), D(150)),
    Item.SHUTTLE_RUN: (D(0), D(247)),
    Item.ENDURANCE_RUN: (D(120), D(3600)),
    Item.SPRINT_50M: (D(5), D(60)),
    Item.STANDING_LONG_JUMP: (D(0), D(400)),
    Item.BALL_THROW: (D(0), D(100)),
}
COUNTS = {Item.SIT_UPS, Item.SIDE_STEP, Item.SHUTTLE_RUN}
LOWER_IS_BETTER = {Item.SPRINT_50M, Item.ENDURANCE_RUN}


@st.composite
def item_value(draw: st.DrawFn, item: Item) -> Decimal:
    low, high = ITEM_RANGES[item]
    if item in COUNTS:
        return D(draw(st.integers(int(low), int(high))))
    return draw(st.decimals(min_value=low, max_value=high, places=2))


@st.composite
def case(draw: st.DrawFn) -> tuple[int, Sex, Item, Decimal, Decimal]:
    age = draw(st.integers(6, 19))
    items = [i for i in Item if not (age <= 11 and i is Item.ENDURANCE_RUN)]
    item = draw(st.sampled_from(items))
    a, b = sorted([draw(item_value(item)), draw(item_value(item))])
    return age, draw(st.sampled_from(list(Sex))), item, a, b


@settings(max_examples=300, deadline=None)
@given(case())
def test_points_are_monotonic_in_the_measured_value(
    c: tuple[int, Sex, Item, Decimal, Decimal],
) -> None:
    age, sex, item, smaller, larger = c
    p_small = points_of(age, sex, item, smaller)
    p_large = points_of(age, sex, item, larger)
    assert p_small is not None and p_large is not None
    assert 1 <= p_small <= 10 and 1 <= p_large <= 10
    if item in LOWER_IS_BETTER:
        assert p_small >= p_large
    else:
        assert p_small <= p_large


@st.composite
def measurements(draw: st.DrawFn) -> tuple[int, Sex, Measurements]:
    age = draw(st.integers(6, 19))
    values: dict[str, Decimal | None] = {}
    for item in Item:
        if age <= 11 and item is Item.ENDURANCE_RUN:
            continue
        values[FIELD[item]] = draw(st.one_of(st.none(), item_value(item)))
    return age, draw(st.sampled_from(list(Sex))), Measurements(**values)


@settings(max_examples=300, deadline=None)
@given(measurements())
def test_total_is_the_sum_of_counted_items(c: tuple[int, Sex, Measurements]) -> None:
    age, sex, m = c
    result = score(age, sex, m)
    counted = [e for e in result.items if e.counted]
    assert result.total == sum(e.points or 0 for e in counted)
    assert len(counted) <= 8
    assert result.complete == (len(counted) == 8) == (result.missing_items == ())
    assert (result.grade is not None) == result.complete
    for entry in result.items:
        assert (entry.points is None) == (entry.record is None)
        assert entry.explanation.startswith(entry.label)
