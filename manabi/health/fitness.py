"""新体力テスト（体力・運動能力調査）の得点計算 — pure scoring engine.

Scores the 文部科学省 / スポーツ庁 新体力テスト for 6–11 歳 (小学生) and 12–19 歳
(中学生・高校生): each measured item is converted to 1–10 points with the official
項目別得点表 (by sex), the points are summed to the 合計点, and the 総合評価 (A–E) is read
from the 総合評価基準表 for the child's age — only when all eight items are present, as the
実施要項 prescribes.

The tables live in ``data/fitness/*.json`` (one file per age band, each naming its
``source`` and ``version``). They are loaded and validated when this module is imported;
a broken file raises :class:`FitnessDataError` listing every problem.

Everything here is pure: plain values in, frozen dataclasses out, no Django, no database.

Decisions worth knowing:

* ``age`` is taken as given. Choosing the age on 4月1日 of the 年度 (the 実施要項's rule) is
  the caller's job; ages outside 6–19 are refused.
* Measured values are rounded here the way the 実施要項 prescribes (see
  :func:`record_value`), so callers may pass raw readings (``8.03`` 秒 → 記録 8.1 秒).
  For 握力 the input is the mean of the better trial of each hand, each trial already cut
  to whole kg; :func:`grip_record` builds it from the raw trials.
* For 12–19 歳 the 全身持久力 item is 持久走 (男子1500m・女子1000m) *or* 20mシャトルラン.
  If both were measured, the one with more points counts (持久走 on a tie); the other is
  still scored and shown, but left out of the 合計点.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = [
    "DATA_DIR",
    "AgeBand",
    "BandTable",
    "FitnessDataError",
    "FitnessInputError",
    "FitnessResult",
    "FitnessSummary",
    "Grade",
    "GradeRow",
    "Item",
    "ItemScore",
    "ItemSummary",
    "Measurements",
    "PointsRow",
    "Sex",
    "endurance_seconds",
    "grip_record",
    "load_table",
    "load_tables",
    "record_value",
    "score",
    "summarise",
    "table_for_age",
]

DATA_DIR = Path(__file__).resolve().parent / "data" / "fitness"

MIN_AGE = 6
MAX_AGE = 19

Number = Decimal | int | float


# --------------------------------------------------------------------------- enums


class Sex(StrEnum):
    """性別 (the 得点表 are separate for 男子 and 女子)."""

    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        return "男子" if self is Sex.MALE else "女子"


class Grade(StrEnum):
    """総合評価 (A is best)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class AgeBand(StrEnum):
    """対象年齢の区分 (one 実施要項 and one data file each)."""

    ELEMENTARY = "6-11"
    YOUTH = "12-19"

    @property
    def label(self) -> str:
        return "6歳～11歳" if self is AgeBand.ELEMENTARY else "12歳～19歳"


class Item(StrEnum):
    """テスト項目."""

    GRIP = "grip"
    SIT_UPS = "sit_ups"
    SIT_AND_REACH = "sit_and_reach"
    SIDE_STEP = "side_step"
    ENDURANCE_RUN = "endurance_run"
    SHUTTLE_RUN = "shuttle_run"
    SPRINT_50M = "sprint_50m"
    STANDING_LONG_JUMP = "standing_long_jump"
    BALL_THROW = "ball_throw"


@dataclass(frozen=True)
class _ItemSpec:
    label: str
    unit: str
    lower_is_better: bool
    step: Decimal
    lowest: Decimal
    highest: Decimal
    is_count: bool


_SPECS: Mapping[Item, _ItemSpec] = MappingProxyType(
    {
        Item.GRIP: _ItemSpec("握力", "kg", False, Decimal(1), Decimal(0), Decimal(100), False),
        Item.SIT_UPS: _ItemSpec(
            "上体起こし", "回", False, Decimal(1), Decimal(0), Decimal(100), True
        ),
        Item.SIT_AND_REACH: _ItemSpec(
            "長座体前屈", "cm", False, Decimal(1), Decimal(0), Decimal(150), False
        ),
        Item.SIDE_STEP: _ItemSpec(
            "反復横とび", "点", False, Decimal(1), Decimal(0), Decimal(150), True
        ),
        Item.ENDURANCE_RUN: _ItemSpec(
            "持久走", "秒", True, Decimal(1), Decimal(120), Decimal(3600), False
        ),
        Item.SHUTTLE_RUN: _ItemSpec(
            "20mシャトルラン", "回", False, Decimal(1), Decimal(0), Decimal(247), True
        ),
        Item.SPRINT_50M: _ItemSpec(
            "50m走", "秒", True, Decimal("0.1"), Decimal("5.0"), Decimal("60.0"), False
        ),
        Item.STANDING_LONG_JUMP: _ItemSpec(
            "立ち幅とび", "cm", False, Decimal(1), Decimal(0), Decimal(400), False
        ),
        Item.BALL_THROW: _ItemSpec(
            "ボール投げ", "m", False, Decimal(1), Decimal(0), Decimal(100), False
        ),
    }
)

_BAND_ITEMS: Mapping[AgeBand, tuple[Item, ...]] = MappingProxyType(
    {
        AgeBand.ELEMENTARY: (
            Item.GRIP,
            Item.SIT_UPS,
            Item.SIT_AND_REACH,
            Item.SIDE_STEP,
            Item.SHUTTLE_RUN,
            Item.SPRINT_50M,
            Item.STANDING_LONG_JUMP,
            Item.BALL_THROW,
        ),
        AgeBand.YOUTH: (
            Item.GRIP,
            Item.SIT_UPS,
            Item.SIT_AND_REACH,
            Item.SIDE_STEP,
            Item.ENDURANCE_RUN,
            Item.SHUTTLE_RUN,
            Item.SPRINT_50M,
            Item.STANDING_LONG_JUMP,
            Item.BALL_THROW,
        ),
    }
)

_ENDURANCE_SLOT = (Item.ENDURANCE_RUN, Item.SHUTTLE_RUN)
_ITEM_COUNT = 8  # 8項目 in both bands (持久走 / シャトルラン count as one)


def item_label(item: Item, band: AgeBand | None = None, sex: Sex | None = None) -> str:
    """Japanese name of an item as the 実施要項 of ``band`` writes it."""
    if item is Item.BALL_THROW and band is not None:
        return "ソフトボール投げ" if band is AgeBand.ELEMENTARY else "ハンドボール投げ"
    if item is Item.ENDURANCE_RUN and sex is not None:
        return "持久走（1500m）" if sex is Sex.MALE else "持久走（1000m）"
    return _SPECS[item].label


# --------------------------------------------------------------------------- errors


class FitnessDataError(Exception):
    """A shipped 得点表 file is missing or broken. ``problems`` lists every problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__(
            "新体力テストの得点表データに問題があります:\n"
            + "\n".join(f"- {p}" for p in self.problems)
        )


class FitnessInputError(ValueError):
    """The age, sex or a measured value cannot be scored. ``problems`` names each item."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))


# --------------------------------------------------------------------------- rounding


def _floor(value: Decimal, step: Decimal = Decimal(1)) -> Decimal:
    return value.quantize(step, rounding=ROUND_FLOOR)


def _ceil(value: Decimal, step: Decimal = Decimal(1)) -> Decimal:
    return value.quantize(step, rounding=ROUND_CEILING)


def record_value(item: Item, value: Decimal) -> Decimal:
    """Round a measured value to the 記録 the 実施要項 prescribes for ``item``.

    * 握力: 左右おのおののよい方の記録（kg未満切り捨て）の平均 → kg未満四捨五入
    * 長座体前屈・立ち幅とび: cm未満切り捨て; ソフトボール投げ・ハンドボール投げ: m未満切り捨て
    * 50m走: 1/10秒未満切り上げ; 持久走: 秒未満切り上げ
    * 上体起こし・反復横とび・20mシャトルラン: 回数（整数）そのまま
    """
    if item is Item.GRIP:
        return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if item is Item.SPRINT_50M:
        return _ceil(value, Decimal("0.1"))
    if item is Item.ENDURANCE_RUN:
        return _ceil(value)
    if item in (Item.SIT_AND_REACH, Item.STANDING_LONG_JUMP, Item.BALL_THROW):
        return _floor(value)
    return value.quantize(Decimal(1))  # counts are integral already (checked on input)


def grip_record(right: Sequence[Number], left: Sequence[Number]) -> Decimal:
    """握力の記録 from the raw trials of each hand (実施要項: 右左交互に2回ずつ).

    Each trial is cut to whole kg (キログラム未満は切り捨て), the better trial of each hand
    is kept, and the mean of both hands is rounded half up (キログラム未満は四捨五入).
    """
    problems: list[str] = []
    bests: list[Decimal] = []
    for hand, trials in (("右", right), ("左", left)):
        if not trials:
            problems.append(f"握力（{hand}）の記録がありません。1回以上の記録を入力してください。")
            continue
        values = [_coerce(v, f"握力（{hand}）", problems) for v in trials]
        kept = [v for v in values if v is not None]
        for v in kept:
            if v < 0 or v > _SPECS[Item.GRIP].highest:
                problems.append(
                    f"握力（{hand}）の値 {_plain(v)}kg は範囲外です（0～100kgで入力してください）。"
                )
        if kept:
            bests.append(max(_floor(v) for v in kept))
    if problems:
        raise FitnessInputError(problems)
    return record_value(Item.GRIP, (bests[0] + bests[1]) / 2)


def endurance_seconds(minutes: int, seconds: Number) -> Decimal:
    """持久走の所要時間 (分・秒) as seconds, e.g. ``endurance_seconds(5, 0) == 300``."""
    problems: list[str] = []
    sec = _coerce(seconds, "持久走（秒）", problems)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        problems.append("持久走の「分」は0以上の整数で入力してください。")
    if sec is not None and not (0 <= sec < 60):
        problems.append(f"持久走の「秒」{_plain(sec)} は0以上60未満で入力してください。")
    if problems or sec is None:
        raise FitnessInputError(problems)
    return Decimal(minutes) * 60 + sec


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class PointsRow:
    """One row of a 項目別得点表: ``points`` for records in [min, max] (inclusive).

    ``None`` on one side means open-ended (「以上」/「以下」).
    """

    points: int
    min: Decimal | None
    max: Decimal | None

    def contains(self, record: Decimal) -> bool:
        return (self.min is None or record >= self.min) and (self.max is None or record <= self.max)


@dataclass(frozen=True)
class GradeRow:
    """One row of the 総合評価基準表 for one age: ``grade`` for 合計点 in [min, max]."""

    grade: Grade
    min: int | None
    max: int | None

    def contains(self, total: int) -> bool:
        return (self.min is None or total >= self.min) and (self.max is None or total <= self.max)


@dataclass(frozen=True)
class BandTable:
    """The validated tables of one age band, as loaded from one data file."""

    band: AgeBand
    age_from: int
    age_to: int
    source: str
    version: str
    items: Mapping[Item, Mapping[Sex, tuple[PointsRow, ...]]]
    grades: Mapping[int, tuple[GradeRow, ...]]

    def covers(self, age: int) -> bool:
        return self.age_from <= age <= self.age_to

    def points_for(self, item: Item, sex: Sex, record: Decimal) -> int:
        for row in self.items[item][sex]:
            if row.contains(record):
                return row.points
        # Unreachable for validated tables: rows are contiguous and open at both ends.
        raise AssertionError(f"{item} {sex} {record}: 得点表に該当する行がありません")

    def grade_for(self, age: int, total: int) -> Grade:
        for row in self.grades[age]:
            if row.contains(total):
                return row.grade
        raise AssertionError(f"{age}歳 {total}点: 総合評価基準表に該当する行がありません")


def _band_of(age_from: int, age_to: int) -> AgeBand | None:
    if age_from >= 12:
        return AgeBand.YOUTH
    if age_to <= 11:
        return AgeBand.ELEMENTARY
    return None


def _parse_min_sec(text: str) -> Decimal | None:
    minutes, sep, seconds = text.partition(":")
    if not sep or not minutes.isdigit() or len(seconds) != 2 or not seconds.isdigit():
        return None
    if int(seconds) >= 60:
        return None
    return Decimal(int(minutes) * 60 + int(seconds))


def _table_value(raw: Any, item: Item, where: str, problems: list[str]) -> Decimal | None:
    if item is Item.ENDURANCE_RUN:
        if isinstance(raw, str):
            parsed = _parse_min_sec(raw)
            if parsed is not None:
                return parsed
        problems.append(f'{where}: 持久走の値 {raw!r} は「分:秒」（例 "4:59"）で書いてください。')
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        problems.append(f"{where}: 値 {raw!r} は数値で書いてください。")
        return None
    value = Decimal(raw)
    if not value.is_finite():
        problems.append(f"{where}: 値 {raw!r} は有限の数値で書いてください。")
        return None
    step = _SPECS[item].step
    if value % step != 0:
        problems.append(f"{where}: 値 {_plain(value)} は {_plain(step)} 単位ではありません。")
    return value


def _validate_points_rows(
    raw_rows: Any, item: Item, where: str, problems: list[str]
) -> tuple[PointsRow, ...]:
    if not isinstance(raw_rows, list):
        problems.append(f"{where}: 得点の行の配列がありません。")
        return ()
    rows: list[PointsRow] = []
    seen: dict[int, int] = {}
    for index, raw in enumerate(raw_rows):
        row_where = f"{where}[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{row_where}: 行はオブジェクトで書いてください。")
            continue
        unknown = set(raw) - {"points", "min", "max"}
        if unknown:
            problems.append(f"{row_where}: 不明なキー {sorted(unknown)} があります。")
        points = raw.get("points")
        if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= 10:
            problems.append(f"{row_where}: points は1～10の整数で書いてください（{points!r}）。")
            continue
        seen[points] = seen.get(points, 0) + 1
        low = _table_value(raw["min"], item, row_where, problems) if "min" in raw else None
        high = _table_value(raw["max"], item, row_where, problems) if "max" in raw else None
        if low is not None and high is not None and low > high:
            problems.append(
                f"{row_where}: {points}点の下限 {_plain(low)} が上限 {_plain(high)} より大きくなっています。"
            )
        rows.append(PointsRow(points=points, min=low, max=high))

    missing = [p for p in range(10, 0, -1) if p not in seen]
    doubled = [p for p, n in seen.items() if n > 1]
    if missing:
        problems.append(
            f"{where}: {'、'.join(f'{p}点' for p in missing)}の行がありません（1～10点がすべて必要です）。"
        )
    if doubled:
        problems.append(
            f"{where}: {'、'.join(f'{p}点' for p in sorted(doubled, reverse=True))}の行が重複しています。"
        )
    if missing or doubled:
        return tuple(rows)

    rows.sort(key=lambda r: -r.points)
    spec = _SPECS[item]
    step = spec.step
    # 10点 is open on the good side, 1点 on the bad side, all other rows are closed.
    good_open, bad_open = ("min", "max") if spec.lower_is_better else ("max", "min")
    for row in rows:
        need_good = row.points != 10
        need_bad = row.points != 1
        for side, needed in ((good_open, need_good), (bad_open, need_bad)):
            present = getattr(row, side) is not None
            if present != needed:
                label = "下限" if side == "min" else "上限"
                if needed:
                    problems.append(f"{where}: {row.points}点の{label}がありません。")
                else:
                    problems.append(
                        f"{where}: {row.points}点は{label}なし（「以上」「以下」）にしてください。"
                    )
    # Contiguity: no gaps, no overlaps, points fall as the record gets worse.
    for better, worse in pairwise(rows):
        if spec.lower_is_better:
            edge, next_edge = better.max, worse.min
        else:
            edge, next_edge = worse.max, better.min
        if edge is None or next_edge is None:
            continue
        if edge + step != next_edge:
            problems.append(
                f"{where}: {better.points}点と{worse.points}点の境目に隙間または重なりがあります"
                f"（{_plain(edge)} の次は {_plain(edge + step)} のはずが {_plain(next_edge)}）。"
            )
    return tuple(rows)


def _validate_grade_rows(raw_rows: Any, where: str, problems: list[str]) -> tuple[GradeRow, ...]:
    if not isinstance(raw_rows, list):
        problems.append(f"{where}: 総合評価の行の配列がありません。")
        return ()
    rows: list[GradeRow] = []
    for index, raw in enumerate(raw_rows):
        row_where = f"{where}[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{row_where}: 行はオブジェクトで書いてください。")
            continue
        try:
            grade = Grade(str(raw.get("grade")))
        except ValueError:
            problems.append(
                f"{row_where}: grade は A～E で書いてください（{raw.get('grade')!r}）。"
            )
            continue
        bounds: list[int | None] = []
        for key in ("min", "max"):
            value = raw.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                problems.append(
                    f"{row_where}: {grade}の{key} は整数で書いてください（{value!r}）。"
                )
                value = None
            bounds.append(value)
        rows.append(GradeRow(grade=grade, min=bounds[0], max=bounds[1]))
    if [r.grade for r in rows] != list(Grade):
        problems.append(f"{where}: 総合評価は A, B, C, D, E の順に1行ずつ書いてください。")
        return tuple(rows)
    for row in rows:
        if row.min is not None and row.max is not None and row.min > row.max:
            problems.append(
                f"{where}: {row.grade}の下限 {row.min} が上限 {row.max} より大きくなっています。"
            )
        if (row.grade is Grade.A) != (row.max is None):
            problems.append(
                f"{where}: 上限なし（「以上」）にできるのは A だけで、A は上限なしです。"
            )
        if (row.grade is Grade.E) != (row.min is None):
            problems.append(
                f"{where}: 下限なし（「以下」）にできるのは E だけで、E は下限なしです。"
            )
    for better, worse in pairwise(rows):
        if better.min is not None and worse.max is not None and worse.max + 1 != better.min:
            problems.append(
                f"{where}: {better.grade}と{worse.grade}の境目に隙間または重なりがあります"
                f"（{worse.grade}の上限 {worse.max}、{better.grade}の下限 {better.min}）。"
            )
    a_min, e_max = rows[0].min, rows[-1].max
    if a_min is not None and a_min > _ITEM_COUNT * 10:
        problems.append(f"{where}: A の下限 {a_min} が満点 80点を超えています。")
    if e_max is not None and e_max < _ITEM_COUNT:
        problems.append(f"{where}: E の上限 {e_max} が最低点 8点を下回っています。")
    return tuple(rows)


def _validate_document(doc: Any, name: str, problems: list[str]) -> BandTable | None:
    if not isinstance(doc, dict):
        problems.append(f"{name}: 最上位はオブジェクトにしてください。")
        return None
    for key in ("source", "version"):
        value = doc.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{name}: 「{key}」（出典・版）が書かれていません。")
    ages = doc.get("ages")
    age_from = ages.get("from") if isinstance(ages, dict) else None
    age_to = ages.get("to") if isinstance(ages, dict) else None
    if not (
        isinstance(age_from, int)
        and isinstance(age_to, int)
        and not isinstance(age_from, bool)
        and not isinstance(age_to, bool)
        and MIN_AGE <= age_from <= age_to <= MAX_AGE
    ):
        problems.append(f'{name}: ages は {{"from": 6～19, "to": 6～19}} で書いてください。')
        return None
    band = _band_of(age_from, age_to)
    if band is None:
        problems.append(
            f"{name}: 対象年齢 {age_from}～{age_to}歳 が6～11歳と12～19歳の区分をまたいでいます。"
        )
        return None

    raw_items = doc.get("items")
    items: dict[Item, Mapping[Sex, tuple[PointsRow, ...]]] = {}
    items_present = isinstance(raw_items, dict)
    if not isinstance(raw_items, dict):
        problems.append(f"{name}: items（項目別得点表）がありません。")
        raw_items = {}
    expected = _BAND_ITEMS[band]
    for key in raw_items:
        if key not in {i.value for i in expected}:
            problems.append(f"{name}: items に{band.label}の項目ではない「{key}」があります。")
    for item in expected:
        raw_item = raw_items.get(item.value)
        if raw_item is None:
            if items_present:
                problems.append(
                    f"{name}: {item_label(item, band)}（{item.value}）の得点表がありません。"
                )
            continue
        if not isinstance(raw_item, dict):
            problems.append(
                f"{name}: items.{item.value} は male / female を持つオブジェクトにしてください。"
            )
            continue
        by_sex: dict[Sex, tuple[PointsRow, ...]] = {}
        for sex in Sex:
            where = (
                f"{name}: {item_label(item, band)} {sex.label}（items.{item.value}.{sex.value}）"
            )
            by_sex[sex] = _validate_points_rows(raw_item.get(sex.value), item, where, problems)
        items[item] = MappingProxyType(by_sex)

    raw_grades = doc.get("grades")
    grades: dict[int, tuple[GradeRow, ...]] = {}
    if not isinstance(raw_grades, dict):
        problems.append(f"{name}: grades（総合評価基準表）がありません。")
        raw_grades = {}
    ages_in_band = {str(a) for a in range(age_from, age_to + 1)}
    for key in raw_grades:
        if key not in ages_in_band:
            problems.append(f"{name}: grades に対象外の年齢「{key}」があります。")
    for age in range(age_from, age_to + 1):
        if str(age) not in raw_grades:
            problems.append(f"{name}: {age}歳の総合評価基準がありません。")
            continue
        grades[age] = _validate_grade_rows(
            raw_grades[str(age)], f"{name}: 総合評価 {age}歳", problems
        )

    return BandTable(
        band=band,
        age_from=age_from,
        age_to=age_to,
        source=str(doc.get("source", "")),
        version=str(doc.get("version", "")),
        items=MappingProxyType(items),
        grades=MappingProxyType(grades),
    )


def _read(path: Path, problems: list[str]) -> BandTable | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problems.append(f"{path.name}: ファイルを読めません（{exc.strerror or exc}）。")
        return None
    try:
        doc = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        problems.append(
            f"{path.name}: JSON として読めません（{exc.lineno}行 {exc.colno}列: {exc.msg}）。"
        )
        return None
    return _validate_document(doc, path.name, problems)


def load_table(path: Path) -> BandTable:
    """Load and validate one band file; raises :class:`FitnessDataError` listing all problems."""
    problems: list[str] = []
    table = _read(path, problems)
    if problems or table is None:
        raise FitnessDataError(problems)
    return table


def load_tables(directory: Path | None = None) -> tuple[BandTable, ...]:
    """Load every ``*.json`` in ``directory`` (default: the shipped tables).

    Cached per directory; together the files must cover 6–19 歳 exactly once.
    """
    return _load_tables_cached((directory or DATA_DIR).resolve())


@lru_cache(maxsize=8)
def _load_tables_cached(directory: Path) -> tuple[BandTable, ...]:
    problems: list[str] = []
    tables: list[BandTable] = []
    paths = sorted(directory.glob("*.json"))
    if not paths:
        problems.append(f"{directory}: 得点表のJSONファイルがありません。")
    for path in paths:
        table = _read(path, problems)
        if table is not None:
            tables.append(table)
    covered: dict[int, str] = {}
    for table in tables:
        for age in range(table.age_from, table.age_to + 1):
            if age in covered:
                problems.append(
                    f"{age}歳の得点表が複数のファイルにあります（{covered[age]} ほか）。"
                )
            covered[age] = table.band.label
    if tables:
        absent = [a for a in range(MIN_AGE, MAX_AGE + 1) if a not in covered]
        if absent:
            problems.append(f"{'、'.join(f'{a}歳' for a in absent)}の得点表がありません。")
    if problems:
        raise FitnessDataError(problems)
    return tuple(sorted(tables, key=lambda t: t.age_from))


def table_for_age(age: int, directory: Path | None = None) -> BandTable:
    """The band table whose 対象年齢 includes ``age`` (6–19)."""
    _check_age(age)
    for table in load_tables(directory):
        if table.covers(age):
            return table
    raise FitnessInputError([f"{age}歳の得点表が見つかりません。"])


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Measurements:
    """測定値 (``None`` = 未測定). Values are raw readings; rounding happens in :func:`score`.

    ``grip_kg`` is the mean of the better trial of each hand, each trial cut to whole kg —
    use :func:`grip_record` to build it from the four trials. ``endurance_run_s`` is the
    持久走 time in seconds (:func:`endurance_seconds` converts 分・秒); 12–19歳 only.
    """

    grip_kg: Number | None = None
    sit_ups: Number | None = None
    sit_and_reach_cm: Number | None = None
    side_step: Number | None = None
    shuttle_run: Number | None = None
    endurance_run_s: Number | None = None
    sprint_50m_s: Number | None = None
    standing_long_jump_cm: Number | None = None
    ball_throw_m: Number | None = None

    def value(self, item: Item) -> Number | None:
        return {
            Item.GRIP: self.grip_kg,
            Item.SIT_UPS: self.sit_ups,
            Item.SIT_AND_REACH: self.sit_and_reach_cm,
            Item.SIDE_STEP: self.side_step,
            Item.SHUTTLE_RUN: self.shuttle_run,
            Item.ENDURANCE_RUN: self.endurance_run_s,
            Item.SPRINT_50M: self.sprint_50m_s,
            Item.STANDING_LONG_JUMP: self.standing_long_jump_cm,
            Item.BALL_THROW: self.ball_throw_m,
        }[item]


def _plain(value: Decimal) -> str:
    """Decimal as plain text without exponent or trailing zeros (``Decimal('8.10')`` → ``8.1``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _coerce(value: object, label: str, problems: list[str]) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        problems.append(f"{label}の値 {value!r} は数値で入力してください。")
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        problems.append(f"{label}の値 {value!r} は数値で入力してください。")
        return None
    if not number.is_finite():
        problems.append(f"{label}の値 {value!r} は数値で入力してください。")
        return None
    return number


def _check_age(age: object) -> int:
    if isinstance(age, bool) or not isinstance(age, int):
        raise FitnessInputError([f"年齢は整数で指定してください（指定値: {age!r}）。"])
    if not MIN_AGE <= age <= MAX_AGE:
        raise FitnessInputError(
            [
                f"年齢 {age}歳 は対象外です。新体力テストの得点表は6歳～11歳と12歳～19歳のみに対応しています"
                "（年齢は4月1日現在の満年齢で指定してください）。"
            ]
        )
    return age


def _validated_inputs(band: AgeBand, sex: Sex, measurements: Measurements) -> dict[Item, Decimal]:
    problems: list[str] = []
    values: dict[Item, Decimal] = {}
    for item in Item:
        raw = measurements.value(item)
        if raw is None:
            continue
        label = item_label(item, band, sex)
        if item not in _BAND_ITEMS[band]:
            problems.append(
                f"{label}は12歳～19歳の項目です。{band.label}では20mシャトルランを入力してください。"
            )
            continue
        number = _coerce(raw, label, problems)
        if number is None:
            continue
        spec = _SPECS[item]
        if number < spec.lowest or number > spec.highest:
            low, high = spec.lowest, spec.highest
            if item is Item.SPRINT_50M:
                bounds = f"{low:.1f}～{high:.1f}{spec.unit}"
            else:
                bounds = f"{_plain(low)}～{_plain(high)}{spec.unit}"
            problems.append(
                f"{label}の値 {_plain(number)}{spec.unit} は範囲外です（{bounds}で入力してください）。"
            )
            continue
        if spec.is_count and number != number.to_integral_value():
            problems.append(
                f"{label}は回数（整数）で入力してください（入力値: {_plain(number)}）。"
            )
            continue
        values[item] = number
    if problems:
        raise FitnessInputError(problems)
    return values


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ItemScore:
    """One item of a result. ``points`` is ``None`` when the item was not measured.

    ``counted`` is False for an unmeasured item and for the 全身持久力 alternative that
    was left out of the 合計点.
    """

    item: Item
    label: str
    raw_value: Decimal | None
    record: Decimal | None
    points: int | None
    counted: bool
    explanation: str


@dataclass(frozen=True)
class FitnessResult:
    """The scored 新体力テスト of one child."""

    age: int
    sex: Sex
    band: AgeBand
    items: tuple[ItemScore, ...]
    total: int
    complete: bool
    grade: Grade | None
    missing_items: tuple[Item, ...]
    explanation: str
    source: str
    version: str

    def item(self, item: Item) -> ItemScore:
        for entry in self.items:
            if entry.item is item:
                return entry
        raise KeyError(item)


def _format_record(item: Item, record: Decimal) -> str:
    spec = _SPECS[item]
    if item is Item.SPRINT_50M:
        return f"{record:.1f}秒"
    if item is Item.ENDURANCE_RUN:
        seconds = int(record)
        return f"{seconds // 60}分{seconds % 60:02d}秒"
    return f"{_plain(record)}{spec.unit}"


def _format_raw(item: Item, raw: Decimal) -> str:
    return f"{_plain(raw)}{_SPECS[item].unit}"


def _measured(table: BandTable, item: Item, sex: Sex, raw: Decimal) -> ItemScore:
    label = item_label(item, table.band, sex)
    record = record_value(item, raw)
    points = table.points_for(item, sex, record)
    shown = _format_record(item, record)
    if record != raw or (item is Item.ENDURANCE_RUN and raw != raw.to_integral_value()):
        text = f"{label} {_format_raw(item, raw)}（記録 {shown}）→ {points}点"
    else:
        text = f"{label} {shown} → {points}点"
    return ItemScore(item, label, raw, record, points, True, text)


def score(age: int, sex: Sex, measurements: Measurements) -> FitnessResult:
    """Score one child's 新体力テスト.

    ``age`` is the 満年齢 on 4月1日 of the 年度 (chosen by the caller), 6–19. Raises
    :class:`FitnessInputError` naming every invalid value. Unmeasured items give no points;
    the 総合評価 is given only when all eight items are present.
    """
    _check_age(age)
    if not isinstance(sex, Sex):
        raise FitnessInputError(
            [f"性別は Sex.MALE（男子）か Sex.FEMALE（女子）で指定してください（指定値: {sex!r}）。"]
        )
    table = table_for_age(age)
    values = _validated_inputs(table.band, sex, measurements)

    scored: dict[Item, ItemScore] = {}
    for item in _BAND_ITEMS[table.band]:
        if item in values:
            scored[item] = _measured(table, item, sex, values[item])

    missing: list[Item] = []
    slot_note: dict[Item, str] = {}
    if table.band is AgeBand.YOUTH:
        run, shuttle = scored.get(Item.ENDURANCE_RUN), scored.get(Item.SHUTTLE_RUN)
        if run is not None and shuttle is not None:
            run_points = run.points or 0
            shuttle_points = shuttle.points or 0
            keep, drop = (run, shuttle) if run_points >= shuttle_points else (shuttle, run)
            scored[drop.item] = ItemScore(
                drop.item,
                drop.label,
                drop.raw_value,
                drop.record,
                drop.points,
                False,
                f"{drop.explanation}（全身持久力は{keep.label}の得点を採用したため合計に含めません）",
            )
        elif run is not None:
            slot_note[Item.SHUTTLE_RUN] = f"（全身持久力は{run.label}で評価）"
        elif shuttle is not None:
            slot_note[Item.ENDURANCE_RUN] = "（全身持久力は20mシャトルランで評価）"
        else:
            missing.extend(_ENDURANCE_SLOT)

    entries: list[ItemScore] = []
    for item in _BAND_ITEMS[table.band]:
        if item in scored:
            entries.append(scored[item])
            continue
        label = item_label(item, table.band, sex)
        if item not in _ENDURANCE_SLOT or table.band is AgeBand.ELEMENTARY:
            missing.append(item)
        note = slot_note.get(item, "（得点なし）")
        entries.append(ItemScore(item, label, None, None, None, False, f"{label} 未測定{note}"))
    missing_items = tuple(i for i in _BAND_ITEMS[table.band] if i in missing)

    total = sum(e.points or 0 for e in entries if e.counted)
    complete = not missing_items
    grade = table.grade_for(age, total) if complete else None
    if grade is not None:
        summary = f"合計 {total}点 → 総合評価 {grade}（{age}歳・{sex.label}）"
    else:
        names: list[str] = []
        for item in missing_items:
            if item is Item.SHUTTLE_RUN and Item.ENDURANCE_RUN in missing_items:
                continue
            if item is Item.ENDURANCE_RUN and Item.SHUTTLE_RUN in missing_items:
                names.append("持久走または20mシャトルラン")
            else:
                names.append(item_label(item, table.band, sex))
        summary = (
            f"合計 {total}点（未測定: {'、'.join(names)}）。"
            "8項目すべてがそろっていないため総合評価は出せません。"
        )
    explanation = "\n".join([*(e.explanation for e in entries), summary])
    return FitnessResult(
        age=age,
        sex=sex,
        band=table.band,
        items=tuple(entries),
        total=total,
        complete=complete,
        grade=grade,
        missing_items=missing_items,
        explanation=explanation,
        source=table.source,
        version=table.version,
    )


# --------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class ItemSummary:
    """Per-item figures of a group: how many measured, mean 記録 and mean points."""

    item: Item
    label: str
    count: int
    mean_record: Decimal | None
    mean_points: Decimal | None


@dataclass(frozen=True)
class FitnessSummary:
    """Class or school summary (学級・学校の集計) of many results."""

    count: int
    complete_count: int
    incomplete_count: int
    items: tuple[ItemSummary, ...]
    mean_total: Decimal | None
    grade_counts: Mapping[Grade, int] = field(
        default_factory=lambda: MappingProxyType(dict.fromkeys(Grade, 0))
    )


_HUNDREDTH = Decimal("0.01")


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def summarise(results: Iterable[FitnessResult]) -> FitnessSummary:
    """Summarise results: per-item mean 記録 and mean points (0.01 単位四捨五入),
    the A–E distribution, and the mean 合計点 of the complete results.

    Every measured item is included in its item's figures, also a 全身持久力 alternative
    left out of the 合計点. Items appear in 実施要項 order for the bands present.
    """
    collected = list(results)
    bands = {r.band for r in collected}
    order = [i for i in Item if any(i in _BAND_ITEMS[b] for b in bands)]
    records: dict[Item, list[Decimal]] = {i: [] for i in order}
    points: dict[Item, list[Decimal]] = {i: [] for i in order}
    grade_counts = dict.fromkeys(Grade, 0)
    totals: list[Decimal] = []
    for result in collected:
        for entry in result.items:
            if entry.record is not None and entry.points is not None:
                records[entry.item].append(entry.record)
                points[entry.item].append(Decimal(entry.points))
        if result.grade is not None:
            grade_counts[result.grade] += 1
            totals.append(Decimal(result.total))
    only_band = next(iter(bands)) if len(bands) == 1 else None
    items = tuple(
        ItemSummary(
            item=i,
            label=item_label(i, only_band),
            count=len(records[i]),
            mean_record=_mean(records[i]),
            mean_points=_mean(points[i]),
        )
        for i in order
    )
    complete = sum(1 for r in collected if r.complete)
    return FitnessSummary(
        count=len(collected),
        complete_count=complete,
        incomplete_count=len(collected) - complete,
        items=items,
        mean_total=_mean(totals),
        grade_counts=MappingProxyType(grade_counts),
    )


# Validate the shipped tables on import: a broken data file must fail loudly and early.
load_tables()
