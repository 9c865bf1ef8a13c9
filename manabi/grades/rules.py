"""The rules that turn scores into 観点別学習状況 and 観点別学習状況 into 評定.

Pure functions: no Django, no database. A school keeps its 評定算出ルール as data (the JSON form
that ``parse_rule`` reads and ``rule_as_data`` writes); a rule is parsed once and then applied to
every pupil:

- ``viewpoint_from_scores``: the weighted percent of a pupil's scores (素点) in one 観点
  (知識・技能 / 思考・判断・表現 / 主体的に学習に取り組む態度) → A, B or C by the rule's cut-offs;
- ``rating_of``: the three marks → 評定, by one of three methods (``Method``): the sum of the
  marks' points (A=3, B=2, C=1 → 合計 → 評定), a table of all 27 combinations, or the weighted
  average of all scores of the subject;
- the scale depends on the school and grade (``scale_for``): 中学校 5段階, 小学校第3〜6学年
  3段階, 小学校第1・2学年 no 評定.

Every outcome carries a Japanese explanation a teacher can read, naming the rule it came from
("観点 B・A・B → 合計 7 → 評定 4 (規則: みらい市立中央中学校 令和7年度 v2)"), and warnings
for combinations to re-examine: the 国立教育政策研究所「『指導と評価の一体化』のための学習評価に
関する参考資料」asks teachers to look again at 観点 that are far apart (A and C together).

Percents are compared at full precision with the cut-offs (≥) and only rounded half up to a
whole percent for display, so 79.5% shows as 80% but is still below an 80% cut-off.
``RULES_VERSION`` names this set of rules; a change to how marks or 評定 are computed gets a new
version.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Literal, TypeVar, cast

from manabi.core.wareki import format_fiscal_year
from manabi.grades.datafiles import DataError, load_keyed

RULES_VERSION = "2026.1"

K = TypeVar("K")
V = TypeVar("V")
N = TypeVar("N", int, Decimal)

Mark = Literal["A", "B", "C"]
# The marks of 知識・技能, 思考・判断・表現 and 主体的に学習に取り組む態度, in that order.
Combo = tuple[Mark, Mark, Mark]

MARKS: tuple[Mark, ...] = ("A", "B", "C")
ALL_COMBOS: tuple[Combo, ...] = tuple(itertools.product(MARKS, MARKS, MARKS))

SHIPPED_RULES_DIR = Path(__file__).resolve().parent / "data" / "rules"

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_WHOLE = Decimal(1)
# Sums and products of scores are exact (an inexact one would raise); the one division rounds.
_EXACT = Context(prec=1000, traps=[Inexact, InvalidOperation])
_ROUNDED = Context(prec=28, rounding=ROUND_HALF_UP)
# Name of an item in an explanation; the stored explanation has room for about 300 characters.
_ITEM_NAME_CHARS = 20


class Viewpoint(StrEnum):
    """A 観点 of 観点別学習状況 (the three 観点 of the 2017/2018 学習指導要領)."""

    KNOWLEDGE = "knowledge"  # 知識・技能
    THINKING = "thinking"  # 思考・判断・表現
    ATTITUDE = "attitude"  # 主体的に学習に取り組む態度

    def label(self) -> str:
        """The Japanese name a teacher reads."""
        return _VIEWPOINT_LABELS[self]


VIEWPOINTS: tuple[Viewpoint, ...] = (Viewpoint.KNOWLEDGE, Viewpoint.THINKING, Viewpoint.ATTITUDE)

_VIEWPOINT_LABELS: Mapping[Viewpoint, str] = {
    Viewpoint.KNOWLEDGE: "知識・技能",
    Viewpoint.THINKING: "思考・判断・表現",
    Viewpoint.ATTITUDE: "主体的に学習に取り組む態度",
}


class Scale(StrEnum):
    """The scale of 評定 (指導要録 各教科の学習の記録)."""

    FIVE = "five"  # 中学校: 5段階
    THREE = "three"  # 小学校第3〜6学年: 3段階
    NONE = "none"  # 小学校第1・2学年: 評定を行わない

    def label(self) -> str:
        """The Japanese name a teacher reads."""
        return _SCALE_LABELS[self]

    def top(self) -> int | None:
        """The highest 評定 of the scale (5 or 3); None when there is no 評定."""
        return _SCALE_TOPS.get(self)


_SCALE_LABELS: Mapping[Scale, str] = {
    Scale.FIVE: "5段階",
    Scale.THREE: "3段階",
    Scale.NONE: "評定なし",
}
_SCALE_TOPS: Mapping[Scale, int] = {Scale.FIVE: 5, Scale.THREE: 3}
# The scales a rule can give 評定 for, in the order of the JSON form.
RATED_SCALES: tuple[Scale, ...] = (Scale.FIVE, Scale.THREE)


class Method(StrEnum):
    """How a rule turns the three 観点 into 評定."""

    POINT_SUM = "point_sum"  # 観点の点数の合計 (A=3, B=2, C=1)
    PATTERN = "pattern"  # 組合せ表 (27 通り)
    AVERAGE = "average"  # 素点平均 (the subject's weighted average of all scores)

    def label(self) -> str:
        """The Japanese name a teacher reads."""
        return _METHOD_LABELS[self]


_METHOD_LABELS: Mapping[Method, str] = {
    Method.POINT_SUM: "観点の点数の合計",
    Method.PATTERN: "組合せ表",
    Method.AVERAGE: "素点平均",
}

_SCHOOL_LEVELS: Mapping[str, tuple[str, int]] = {
    "elementary": ("小学校", 6),
    "junior_high": ("中学校", 3),
    "compulsory": ("義務教育学校", 9),
    "high": ("高等学校", 4),
}


def scale_for(school_level: str, grade: int) -> Scale:
    """The scale of 評定 for a school level (学校種) and grade (学年).

    ``school_level`` is "elementary" (小学校, grades 1–6), "junior_high" (中学校, 1–3) or
    "compulsory" (義務教育学校, 1–9: 前期課程 as 小学校, 後期課程 as 中学校) or "high" (高等学校,
    1–4 with 定時制; 評定 is 5段階 as in 中学校).
    """
    level = _SCHOOL_LEVELS.get(school_level)
    if level is None:
        raise ValueError(
            f"学校種「{school_level}」の評定の段階はありません。"
            "elementary (小学校)・junior_high (中学校)・compulsory (義務教育学校)・high (高等学校)"
            " のいずれかです。"
        )
    name, last = level
    if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= last:
        raise ValueError(f"{name}の学年は 1〜{last} です (「{grade}」が渡されました)。")
    if school_level in ("junior_high", "high") or grade >= 7:
        return Scale.FIVE
    return Scale.NONE if grade <= 2 else Scale.THREE


def combo_label(combo: Sequence[str]) -> str:
    """ "A・A・B": the marks in the order 知識・技能, 思考・判断・表現, 態度."""
    return "・".join(combo)


_COMBO_LABELS: Mapping[Combo, str] = {combo: combo_label(combo) for combo in ALL_COMBOS}
_COMBO_BY_TEXT: Mapping[str, Combo] = {"".join(combo): combo for combo in ALL_COMBOS}
_COMBO_SEPARATORS = re.compile(r"[\s・,、/\-]+")


def parse_combo(text: str) -> Combo | None:
    """A combination written "A・A・B" (or "AAB", "A,A,B", full-width letters); None if it is not
    three of A, B and C."""
    plain = _COMBO_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    return _COMBO_BY_TEXT.get(plain)


def _has_a_and_c(combo: Combo) -> bool:
    return "A" in combo and "C" in combo


DEFAULT_REEXAMINE: frozenset[Combo] = frozenset(c for c in ALL_COMBOS if _has_a_and_c(c))
DEFAULT_VIEWPOINT_CUTOFFS: Mapping[Mark, Decimal] = MappingProxyType(
    {"A": Decimal(80), "B": Decimal(50)}
)
DEFAULT_POINTS: Mapping[Mark, int] = MappingProxyType({"A": 3, "B": 2, "C": 1})


@dataclass(frozen=True, slots=True)
class ItemScore:
    """A pupil's score (素点) on one assessed item (評価項目: テスト, 課題, 振り返り …).

    ``score`` is None when nothing was entered; ``excused`` marks an item the pupil is not
    assessed on (評価の対象外, e.g. absent with a reason); neither counts in the percent.
    """

    name: str
    viewpoint: Viewpoint
    score: Decimal | None
    max_score: Decimal
    weight: Decimal
    excused: bool = False

    def __post_init__(self) -> None:
        if not self.max_score > 0:
            raise ValueError(
                f"「{self.name}」の満点 {self.max_score} は 0 より大きくしてください。"
            )
        if self.weight < 0:
            raise ValueError(f"「{self.name}」の重み {self.weight} は 0 以上にしてください。")
        if self.score is not None and not 0 <= self.score <= self.max_score:
            raise ValueError(
                f"「{self.name}」の素点 {self.score} は 0〜{self.max_score} (満点) にしてください。"
            )


@dataclass(frozen=True, slots=True)
class ViewpointOutcome:
    """The mark of one 観点 computed from the scores, with its explanation.

    ``percent`` is the weighted percent at full precision (None without scores).
    """

    viewpoint: Viewpoint
    mark: Mark | None
    percent: Decimal | None
    explanation: str


@dataclass(frozen=True, slots=True)
class RatingOutcome:
    """The 評定 computed from the three 観点 (None when there is none), with its explanation and
    the warnings a teacher should look at."""

    value: int | None
    explanation: str
    warnings: tuple[str, ...] = ()


class RuleError(DataError):
    """A rule's data is not valid; ``errors`` lists every problem, in Japanese."""


def _frozen_tables(tables: Mapping[Scale, Mapping[K, V]]) -> Mapping[Scale, Mapping[K, V]]:
    return MappingProxyType(
        {Scale(scale): MappingProxyType(dict(table)) for scale, table in tables.items()}
    )


@dataclass(frozen=True)
class Rule:
    """A 評定算出ルール: how a school turns scores into 観点 and 観点 into 評定.

    - ``viewpoint_cutoffs``: the lowest percent for A and for B (``{"A": 80, "B": 50}``);
    - ``points``: the points of A, B and C for ``Method.POINT_SUM``;
    - ``sum_cutoffs``: per scale, the lowest sum of points for each 評定;
    - ``patterns``: per scale, the 評定 of each of the 27 combinations (知識・思考・態度);
    - ``average_cutoffs``: per scale, the lowest weighted average percent for each 評定;
    - ``reexamine``: combinations that get a warning (default: every one with both A and C);
    - ``c_blocks_top``: a C keeps the 評定 below the top (5 → 4, 3 → 2).

    Only the table of the rule's ``method`` is needed; a rule may carry the others so that a
    school can switch. A rule is checked when it is made (``RuleError``).
    """

    key: str
    name: str
    version: int
    owner: str
    fiscal_year: int
    method: Method
    viewpoint_cutoffs: Mapping[Mark, Decimal] = field(
        default_factory=lambda: DEFAULT_VIEWPOINT_CUTOFFS, hash=False
    )
    points: Mapping[Mark, int] = field(default_factory=lambda: DEFAULT_POINTS, hash=False)
    sum_cutoffs: Mapping[Scale, Mapping[int, int]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    patterns: Mapping[Scale, Mapping[Combo, int]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    average_cutoffs: Mapping[Scale, Mapping[int, Decimal]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    reexamine: frozenset[Combo] = DEFAULT_REEXAMINE
    c_blocks_top: bool = False
    note: str = ""
    # Worked out once when the rule is made, so that applying it parses nothing.
    _label: str = field(init=False, repr=False, compare=False, hash=False)
    _combo_sums: Mapping[Combo, int] = field(init=False, repr=False, compare=False, hash=False)
    _combo_ratings: Mapping[Scale, Mapping[Combo, int]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _average_steps: Mapping[Scale, tuple[tuple[Decimal, int], ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        put = functools.partial(object.__setattr__, self)
        put("method", Method(self.method))
        put("viewpoint_cutoffs", MappingProxyType(dict(self.viewpoint_cutoffs)))
        put("points", MappingProxyType(dict(self.points)))
        put("sum_cutoffs", _frozen_tables(self.sum_cutoffs))
        put("patterns", _frozen_tables(self.patterns))
        put("average_cutoffs", _frozen_tables(self.average_cutoffs))
        put("reexamine", frozenset(self.reexamine))
        errors = _identity_errors(
            key=self.key,
            name=self.name,
            version=self.version,
            owner=self.owner,
            fiscal_year=self.fiscal_year,
        ) + _table_errors(
            method=self.method,
            viewpoint_cutoffs=self.viewpoint_cutoffs,
            points=self.points,
            sum_cutoffs=self.sum_cutoffs,
            patterns=self.patterns,
            average_cutoffs=self.average_cutoffs,
            reexamine=self.reexamine,
        )
        if errors:
            raise RuleError(errors)
        put("_label", f"{self.owner} {format_fiscal_year(self.fiscal_year)} v{self.version}")
        points = self.points
        sums = {c: points[c[0]] + points[c[1]] + points[c[2]] for c in ALL_COMBOS}
        put("_combo_sums", MappingProxyType(sums))
        ratings: dict[Scale, Mapping[Combo, int]] = {}
        if self.method is Method.POINT_SUM:
            for scale, cutoffs in self.sum_cutoffs.items():
                steps = sorted(((low, value) for value, low in cutoffs.items()), reverse=True)
                ratings[scale] = MappingProxyType(
                    {c: _step_value(steps, sums[c]) for c in ALL_COMBOS}
                )
        elif self.method is Method.PATTERN:
            ratings = dict(self.patterns)
        put("_combo_ratings", MappingProxyType(ratings))
        average_steps = {
            scale: tuple(sorted(((low, value) for value, low in cutoffs.items()), reverse=True))
            for scale, cutoffs in self.average_cutoffs.items()
        }
        put("_average_steps", MappingProxyType(average_steps))

    def label(self) -> str:
        """ "みらい市立中央中学校 令和7年度 v2": who keeps the rule, its 年度 and version."""
        return self._label


def _step_value(steps: Sequence[tuple[N, int]], amount: N) -> int:
    """The value of the first step (highest first) whose lower bound ``amount`` reaches."""
    for low, value in steps:
        if amount >= low:
            return value
    return steps[-1][1]


# --- checking a rule ------------------------------------------------------------------------

F_KEY = "規則キー (key)"
F_NAME = "規則名 (name)"
F_VERSION = "版 (version)"
F_OWNER = "作成者 (owner)"
F_FISCAL_YEAR = "年度 (fiscal_year)"
F_METHOD = "算出方法 (method)"
F_VIEWPOINT_CUTOFFS = "観点の区切り (viewpoint_cutoffs)"
F_POINTS = "観点の点数 (points)"
F_SUM_CUTOFFS = "合計の区切り (sum_cutoffs)"
F_PATTERNS = "組合せ表 (patterns)"
F_AVERAGE_CUTOFFS = "素点平均の区切り (average_cutoffs)"
F_REEXAMINE = "見直しの組合せ (reexamine)"
F_C_BLOCKS_TOP = "C があるときの上限 (c_blocks_top)"
F_NOTE = "メモ (note)"

_FIELDS = (
    "key",
    "name",
    "version",
    "owner",
    "fiscal_year",
    "method",
    "viewpoint_cutoffs",
    "points",
    "sum_cutoffs",
    "patterns",
    "average_cutoffs",
    "reexamine",
    "c_blocks_top",
    "note",
)
_TABLE_NAMES: Mapping[str, str] = {
    "sum_cutoffs": "合計の区切り",
    "patterns": "組合せ表",
    "average_cutoffs": "素点平均の区切り",
}
_METHOD_TABLES: Mapping[Method, str] = {
    Method.POINT_SUM: "sum_cutoffs",
    Method.PATTERN: "patterns",
    Method.AVERAGE: "average_cutoffs",
}
_KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
FISCAL_YEARS = range(2000, 2101)


def _where(table: str, scale: Scale) -> str:
    return f"{_TABLE_NAMES[table]} ({scale.label()})"


def _pct(value: Decimal) -> str:
    """A cut-off as written: 80, 79.5."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _identity_errors(
    *,
    key: object,
    name: object,
    version: object,
    owner: object,
    fiscal_year: object,
) -> list[str]:
    errors: list[str] = []
    if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
        errors.append(
            f"{F_KEY} は半角の英小文字・数字・「_」「-」で 60 文字までにしてください"
            f" (「{key}」になっています)。"
        )
    for label, text, limit in ((F_NAME, name, 100), (F_OWNER, owner, 100)):
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{label} を書いてください。")
        elif len(text) > limit:
            errors.append(f"{label} は {limit} 文字までにしてください。")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 32767:
        errors.append(f"{F_VERSION} は 1 以上の整数にしてください (「{version}」になっています)。")
    if (
        isinstance(fiscal_year, bool)
        or not isinstance(fiscal_year, int)
        or fiscal_year not in FISCAL_YEARS
    ):
        errors.append(
            f"{F_FISCAL_YEAR} は西暦の {FISCAL_YEARS.start}〜{FISCAL_YEARS.stop - 1} にしてください"
            f" (「{fiscal_year}」になっています)。"
        )
    return errors


def _percent_errors(where: str, label: str, value: Decimal) -> list[str]:
    if not value.is_finite() or not _ZERO <= value <= _HUNDRED:
        return [f"{where} の{label}は 0〜100 にしてください (「{value}」になっています)。"]
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return [f"{where} の{label}は小数第2位までにしてください (「{value}」になっています)。"]
    return []


def _ordered_errors(where: str, top: int, cutoffs: Mapping[int, N], unit: str) -> list[str]:
    """The ratings 1..top are all there and the cut-offs rise with the rating."""
    errors = [
        f"{where} の評定 {value} は 1〜{top} の範囲外です。"
        for value in sorted(cutoffs)
        if not 1 <= value <= top
    ]
    errors += [
        f"{where} に評定 {value} がありません。"
        for value in range(1, top + 1)
        if value not in cutoffs
    ]
    if errors:
        return errors
    for value in range(2, top + 1):
        lower, upper = cutoffs[value - 1], cutoffs[value]
        if not upper > lower:
            errors.append(
                f"{where} は評定が高いほど大きくしてください"
                f" (評定 {value - 1} が {_num(lower)}{unit}、評定 {value} が {_num(upper)}{unit})。"
            )
    return errors


def _num(value: int | Decimal) -> str:
    return _pct(value) if isinstance(value, Decimal) else str(value)


def _table_errors(
    *,
    method: Method | None,
    viewpoint_cutoffs: Mapping[Mark, Decimal] | None,
    points: Mapping[Mark, int] | None,
    sum_cutoffs: Mapping[Scale, Mapping[int, int]] | None,
    patterns: Mapping[Scale, Mapping[Combo, int]] | None,
    average_cutoffs: Mapping[Scale, Mapping[int, Decimal]] | None,
    reexamine: Iterable[Combo] | None,
) -> list[str]:
    """What is wrong with the tables of a rule; None stands for a part that could not be read."""
    errors: list[str] = []
    if viewpoint_cutoffs is not None:
        if set(viewpoint_cutoffs) != {"A", "B"}:
            errors.append(f"{F_VIEWPOINT_CUTOFFS} は A と B の2つを書いてください。")
        else:
            a, b = viewpoint_cutoffs["A"], viewpoint_cutoffs["B"]
            errors += _percent_errors(F_VIEWPOINT_CUTOFFS, "A", a)
            errors += _percent_errors(F_VIEWPOINT_CUTOFFS, "B", b)
            if a.is_finite() and b.is_finite() and not _ZERO < b < a:
                errors.append(
                    f"{F_VIEWPOINT_CUTOFFS} は 0 < B < A にしてください"
                    f" (A は {_pct(a)}%、B は {_pct(b)}% になっています)。"
                )
    if points is not None:
        if set(points) != set(MARKS):
            errors.append(f"{F_POINTS} は A・B・C の3つを書いてください。")
        elif not points["A"] > points["B"] > points["C"] >= 0 or points["A"] > 100:
            errors.append(
                f"{F_POINTS} は 100 ≥ A > B > C ≥ 0 の整数にしてください"
                f" (A {points['A']}、B {points['B']}、C {points['C']} になっています)。"
            )
            points = None
    else:
        points = None
    for table_name, tables in (
        ("sum_cutoffs", sum_cutoffs),
        ("patterns", patterns),
        ("average_cutoffs", average_cutoffs),
    ):
        if tables is not None and Scale.NONE in tables:
            errors.append(
                f"{_TABLE_NAMES[table_name]} に「{Scale.NONE.label()}」の基準は書けません。"
            )
    if sum_cutoffs is not None:
        for scale, cutoffs in sum_cutoffs.items():
            if scale is Scale.NONE:
                continue
            errors += _sum_cutoff_errors(scale, cutoffs, points)
    if patterns is not None:
        for scale, combos in patterns.items():
            if scale is Scale.NONE:
                continue
            errors += _pattern_errors(scale, combos)
    if average_cutoffs is not None:
        for scale, lows in average_cutoffs.items():
            if scale is Scale.NONE:
                continue
            where = _where("average_cutoffs", scale)
            for value in sorted(lows):
                errors += _percent_errors(where, f"評定 {value} ", lows[value])
            ordered = _ordered_errors(where, _SCALE_TOPS[scale], lows, "%")
            errors += ordered
            if not ordered and lows[1] != _ZERO:
                errors.append(f"{where} の評定 1 は 0 にしてください。")
    if reexamine is not None:
        unknown = [c for c in reexamine if c not in _COMBO_LABELS]
        if unknown:
            errors.append(f"{F_REEXAMINE} に A・B・C の3つの組合せでないものがあります。")
    if method is not None:
        table_name = _METHOD_TABLES[method]
        tables = {
            "sum_cutoffs": sum_cutoffs,
            "patterns": patterns,
            "average_cutoffs": average_cutoffs,
        }[table_name]
        if tables is not None and not any(s in tables for s in RATED_SCALES):
            errors.append(
                f"{F_METHOD} が「{method.label()}」({method.value}) のときは、"
                f"{_TABLE_NAMES[table_name]} ({table_name}) を 5段階 か 3段階 の分だけでも"
                "書いてください。"
            )
    return errors


def _sum_cutoff_errors(
    scale: Scale, cutoffs: Mapping[int, int], points: Mapping[Mark, int] | None
) -> list[str]:
    where = _where("sum_cutoffs", scale)
    top = _SCALE_TOPS[scale]
    errors = _ordered_errors(where, top, cutoffs, "")
    if errors or points is None:
        return errors
    reachable = sorted({points[c[0]] + points[c[1]] + points[c[2]] for c in ALL_COMBOS})
    lowest, highest = reachable[0], reachable[-1]
    if cutoffs[1] > lowest:
        errors.append(
            f"{where} の評定 1 は {lowest} 以下にしてください (合計は {lowest}〜{highest})。"
        )
    steps = sorted(((low, value) for value, low in cutoffs.items()), reverse=True)
    given = {_step_value(steps, total) for total in reachable}
    errors += [
        f"{where} では評定 {value} になる合計がありません (合計は {lowest}〜{highest})。"
        for value in range(1, top + 1)
        if value not in given
    ]
    return errors


_BETTER: Mapping[Mark, Mark] = {"B": "A", "C": "B"}


def _pattern_errors(scale: Scale, table: Mapping[Combo, int]) -> list[str]:
    where = _where("patterns", scale)
    top = _SCALE_TOPS[scale]
    errors = [
        f"{where} に「{_COMBO_LABELS[c]}」がありません。" for c in ALL_COMBOS if c not in table
    ]
    errors += [
        f"{where} の「{_COMBO_LABELS[c]}」の評定 {table[c]} は 1〜{top} にしてください。"
        for c in ALL_COMBOS
        if c in table and not 1 <= table[c] <= top
    ]
    if errors:
        return errors
    # A better mark in one 観点 never gives a lower 評定.
    for combo in ALL_COMBOS:
        for i, mark in enumerate(combo):
            better = _BETTER.get(mark)
            if better is None:
                continue
            raised = cast(Combo, (*combo[:i], better, *combo[i + 1 :]))
            if table[raised] < table[combo]:
                errors.append(
                    f"{where} で「{_COMBO_LABELS[raised]}」が評定 {table[raised]}、"
                    f"「{_COMBO_LABELS[combo]}」が評定 {table[combo]} です。"
                    "観点の評価が上がって評定が下がらないようにしてください。"
                )
    return errors


# --- the JSON form --------------------------------------------------------------------------

TableReader = Callable[[object, str, list[str]], dict[K, V] | None]


def _read_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | str):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        else:
            return None
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _read_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _read_rating_key(value: object) -> int | None:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return _read_int(value)


_KINDS: Mapping[Callable[[object], object], str] = {_read_decimal: "数", _read_int: "整数"}


def _read_marks(
    value: object,
    where: str,
    marks: Sequence[Mark],
    read: Callable[[object], V | None],
    errors: list[str],
) -> dict[Mark, V] | None:
    shape = ", ".join(f'"{m}": …' for m in marks)
    if not isinstance(value, Mapping):
        errors.append(f"{where} は {{{shape}}} の形で書いてください。")
        return None
    result: dict[Mark, V] = {}
    ok = True
    for raw_key, raw in value.items():
        if raw_key not in marks:
            errors.append(f"{where} に「{raw_key}」は書けません ({'・'.join(marks)} だけです)。")
            ok = False
            continue
        number = read(raw)
        if number is None:
            errors.append(
                f"{where} の {raw_key} は{_KINDS[read]}にしてください (「{raw}」になっています)。"
            )
            ok = False
            continue
        result[cast(Mark, raw_key)] = number
    return result if ok else None


def _rating_map_reader(read: Callable[[object], V | None]) -> TableReader[int, V]:
    def read_table(value: object, where: str, errors: list[str]) -> dict[int, V] | None:
        if not isinstance(value, Mapping):
            errors.append(
                f'{where} は {{"3": …, "2": …, "1": …}} のように評定ごとに書いてください。'
            )
            return None
        result: dict[int, V] = {}
        ok = True
        for raw_key, raw in value.items():
            rating = _read_rating_key(raw_key)
            if rating is None:
                errors.append(f"{where} の「{raw_key}」は評定 (整数) ではありません。")
                ok = False
                continue
            number = read(raw)
            if number is None:
                errors.append(
                    f"{where} の評定 {rating} は{_KINDS[read]}にしてください"
                    f" (「{raw}」になっています)。"
                )
                ok = False
                continue
            if rating in result:
                errors.append(f"{where} に評定 {rating} が2回あります。")
                ok = False
                continue
            result[rating] = number
        return result if ok else None

    return read_table


def _read_pattern(value: object, where: str, errors: list[str]) -> dict[Combo, int] | None:
    if not isinstance(value, Mapping):
        errors.append(f'{where} は {{"A・A・A": …, "A・A・B": …}} の形で書いてください。')
        return None
    result: dict[Combo, int] = {}
    ok = True
    for raw_key, raw in value.items():
        combo = parse_combo(raw_key) if isinstance(raw_key, str) else None
        if combo is None:
            errors.append(
                f"{where} の「{raw_key}」は A・B・C の3つの組合せ"
                " (知識・技能、思考・判断・表現、態度の順) ではありません。"
            )
            ok = False
            continue
        rating = _read_int(raw)
        if rating is None:
            errors.append(
                f"{where} の「{_COMBO_LABELS[combo]}」の評定は整数にしてください"
                f" (「{raw}」になっています)。"
            )
            ok = False
            continue
        if combo in result:
            errors.append(f"{where} に「{_COMBO_LABELS[combo]}」が2回あります。")
            ok = False
            continue
        result[combo] = rating
    return result if ok else None


def _read_scale_tables(
    data: Mapping[str, object],
    name: str,
    read_table: TableReader[K, V],
    errors: list[str],
    broken: set[str],
) -> dict[Scale, Mapping[K, V]]:
    """The tables by scale that could be read; ``broken`` gets ``name`` when some could not."""
    if name not in data:
        return {}
    value = data[name]
    where = f"{_TABLE_NAMES[name]} ({name})"
    if not isinstance(value, Mapping):
        errors.append(f'{where} は {{"five": …, "three": …}} の形で書いてください。')
        broken.add(name)
        return {}
    result: dict[Scale, Mapping[K, V]] = {}
    for raw_scale, raw_table in value.items():
        scale = next((s for s in RATED_SCALES if s.value == raw_scale), None)
        if scale is None:
            errors.append(
                f"{where} の「{raw_scale}」は使えません。five (5段階) か three (3段階) にしてください。"
            )
            broken.add(name)
            continue
        table = read_table(raw_table, _where(name, scale), errors)
        if table is None:
            broken.add(name)
            continue
        result[scale] = table
    return result


def _read_reexamine(value: object, errors: list[str]) -> frozenset[Combo] | None:
    if not isinstance(value, list):
        errors.append(f'{F_REEXAMINE} は ["A・A・C", "C・C・A"] のような並びで書いてください。')
        return None
    combos: set[Combo] = set()
    ok = True
    for raw in value:
        combo = parse_combo(raw) if isinstance(raw, str) else None
        if combo is None:
            errors.append(f"{F_REEXAMINE} の「{raw}」は A・B・C の3つの組合せではありません。")
            ok = False
            continue
        combos.add(combo)
    return frozenset(combos) if ok else None


_REQUIRED = ("key", "name", "version", "owner", "fiscal_year", "method")


def parse_rule(data: Mapping[str, object]) -> Rule:
    """Read and check the JSON form of a rule; ``RuleError`` lists every problem at once."""
    if not isinstance(data, Mapping):
        raise RuleError(["規則は JSON のオブジェクト ({ … }) で書いてください。"])
    errors = [
        f"不明な項目「{name}」があります。使える項目は {'・'.join(_FIELDS)} です。"
        for name in data
        if name not in _FIELDS
    ]
    missing = [name for name in _REQUIRED if name not in data]
    errors += [f"項目「{name}」がありません。" for name in missing]
    # Only the identity fields that are there are checked; a missing one is reported above.
    present = {name: data[name] for name in _REQUIRED[:5] if name in data}
    fillers: dict[str, object] = {
        "key": "x",
        "name": "x",
        "version": 1,
        "owner": "x",
        "fiscal_year": FISCAL_YEARS.start,
    }
    errors += _identity_errors(**{**fillers, **present})

    method: Method | None = None
    if "method" in data:
        try:
            method = Method(cast(str, data["method"]))
        except ValueError:
            choices = "・".join(f"{m.value} ({m.label()})" for m in Method)
            errors.append(
                f"{F_METHOD} の「{data['method']}」は使えません。{choices} のいずれかにしてください。"
            )

    viewpoint_cutoffs: Mapping[Mark, Decimal] | None = DEFAULT_VIEWPOINT_CUTOFFS
    if "viewpoint_cutoffs" in data:
        viewpoint_cutoffs = _read_marks(
            data["viewpoint_cutoffs"], F_VIEWPOINT_CUTOFFS, ("A", "B"), _read_decimal, errors
        )
    points: Mapping[Mark, int] | None = DEFAULT_POINTS
    if "points" in data:
        points = _read_marks(data["points"], F_POINTS, MARKS, _read_int, errors)

    broken: set[str] = set()
    sum_cutoffs = _read_scale_tables(
        data, "sum_cutoffs", _rating_map_reader(_read_int), errors, broken
    )
    patterns = _read_scale_tables(data, "patterns", _read_pattern, errors, broken)
    average_cutoffs = _read_scale_tables(
        data, "average_cutoffs", _rating_map_reader(_read_decimal), errors, broken
    )

    reexamine: frozenset[Combo] | None = DEFAULT_REEXAMINE
    if "reexamine" in data:
        reexamine = _read_reexamine(data["reexamine"], errors)
    c_blocks_top = data.get("c_blocks_top", False)
    if not isinstance(c_blocks_top, bool):
        errors.append(f"{F_C_BLOCKS_TOP} は true か false にしてください。")
    note = data.get("note", "")
    if not isinstance(note, str):
        errors.append(f"{F_NOTE} は文字列にしてください。")

    errors += _table_errors(
        # Whether the method's table is there is only asked when it could be read.
        method=None if method is None or _METHOD_TABLES[method] in broken else method,
        viewpoint_cutoffs=viewpoint_cutoffs,
        points=points,
        sum_cutoffs=sum_cutoffs,
        patterns=patterns,
        average_cutoffs=average_cutoffs,
        reexamine=reexamine,
    )
    if errors or method is None or viewpoint_cutoffs is None or points is None:
        raise RuleError(list(dict.fromkeys(errors)))
    return Rule(
        key=cast(str, data["key"]),
        name=cast(str, data["name"]),
        version=cast(int, data["version"]),
        owner=cast(str, data["owner"]),
        fiscal_year=cast(int, data["fiscal_year"]),
        method=method,
        viewpoint_cutoffs=viewpoint_cutoffs,
        points=points,
        sum_cutoffs=sum_cutoffs,
        patterns=patterns,
        average_cutoffs=average_cutoffs,
        reexamine=DEFAULT_REEXAMINE if reexamine is None else reexamine,
        c_blocks_top=bool(c_blocks_top),
        note=cast(str, note),
    )


def _json_number(value: Decimal) -> int | float:
    """A cut-off for JSON: an int when whole, else a float (two decimals at most, exact)."""
    return int(value) if value == value.to_integral_value() else float(value)


def rule_as_data(rule: Rule) -> dict[str, object]:
    """The JSON form of a rule (``parse_rule`` reads it back to an equal rule)."""
    data: dict[str, object] = {
        "key": rule.key,
        "name": rule.name,
        "version": rule.version,
        "owner": rule.owner,
        "fiscal_year": rule.fiscal_year,
        "method": rule.method.value,
        "viewpoint_cutoffs": {m: _json_number(v) for m, v in rule.viewpoint_cutoffs.items()},
        "points": {m: rule.points[m] for m in MARKS},
    }
    if rule.sum_cutoffs:
        data["sum_cutoffs"] = {
            scale.value: {str(r): sums[r] for r in sorted(sums, reverse=True)}
            for scale in RATED_SCALES
            if (sums := rule.sum_cutoffs.get(scale)) is not None
        }
    if rule.patterns:
        data["patterns"] = {
            scale.value: {_COMBO_LABELS[c]: combos[c] for c in ALL_COMBOS}
            for scale in RATED_SCALES
            if (combos := rule.patterns.get(scale)) is not None
        }
    if rule.average_cutoffs:
        data["average_cutoffs"] = {
            scale.value: {str(r): _json_number(lows[r]) for r in sorted(lows, reverse=True)}
            for scale in RATED_SCALES
            if (lows := rule.average_cutoffs.get(scale)) is not None
        }
    data["reexamine"] = [_COMBO_LABELS[c] for c in ALL_COMBOS if c in rule.reexamine]
    data["c_blocks_top"] = rule.c_blocks_top
    if rule.note:
        data["note"] = rule.note
    return data


# --- applying a rule ------------------------------------------------------------------------


def percent_label(p: Decimal) -> str:
    """ "78%": a percent rounded half up to a whole percent, for display only."""
    return f"{p.quantize(_WHOLE, rounding=ROUND_HALF_UP)}%"


def _percent(items: Iterable[ItemScore]) -> Decimal | None:
    """100 × Σ(weight × score / max) / Σ weight over ``items`` (all counted), with one rounding.

    The terms are summed by 満点 and brought to the common denominator Π 満点 in exact
    arithmetic, so that the only rounding is the final division (28 digits): a percent that is
    exactly a cut-off (1/3 + 1/3 + 1/3 + 1 of 4 items is 50%) compares as equal to it.
    """
    sums: dict[Decimal, Decimal] = {}
    weights = _ZERO
    add, multiply = _EXACT.add, _EXACT.multiply
    for item in items:
        assert item.score is not None
        weight = item.weight
        sums[item.max_score] = add(sums.get(item.max_score, _ZERO), multiply(weight, item.score))
        weights = add(weights, weight)
    if not weights:
        return None
    if len(sums) == 1:
        ((max_score, total),) = sums.items()
        return _ROUNDED.divide(multiply(total, _HUNDRED), multiply(weights, max_score))
    maxima = list(sums)
    numerator = _ZERO
    denominator = weights
    for i, max_score in enumerate(maxima):
        term = sums[max_score]
        for j, other in enumerate(maxima):
            if j != i:
                term = multiply(term, other)
        numerator = add(numerator, term)
        denominator = multiply(denominator, max_score)
    return _ROUNDED.divide(multiply(numerator, _HUNDRED), denominator)


def weighted_percent(scores: Iterable[ItemScore]) -> Decimal | None:
    """Σ(weight × score / max) / Σ weight, in percent, over the items with a score that are not
    excused; None when there is none (or every weight is 0). Rounded once, to 28 digits."""
    return _percent(s for s in scores if s.score is not None and not s.excused)


def _item_part(item: ItemScore, show_weight: bool) -> str:
    assert item.score is not None
    name = item.name.strip() or "(名前なし)"
    if len(name) > _ITEM_NAME_CHARS:
        name = name[: _ITEM_NAME_CHARS - 1] + "…"
    part = f"{name} {percent_label(_ROUNDED.divide(item.score * _HUNDRED, item.max_score))}"
    return f"{part} (重み {_pct(item.weight)})" if show_weight else part


def _viewpoint_outcome(
    viewpoint: Viewpoint, items: Sequence[ItemScore], rule: Rule
) -> ViewpointOutcome:
    counted: list[ItemScore] = []
    missing = excused = 0
    for item in items:
        if item.excused:
            excused += 1
        elif item.score is None:
            missing += 1
        else:
            counted.append(item)
    percent = _percent(counted)
    notes = []
    if missing:
        notes.append(f"未入力 {missing} 件")
    if excused:
        notes.append(f"対象外 {excused} 件")
    if percent is None:
        if counted:
            notes.insert(0, f"重みがすべて 0 の素点 {len(counted)} 件")
        detail = f" ({'、'.join(notes)})" if notes else ""
        return ViewpointOutcome(viewpoint, None, None, f"素点がありません{detail}。")
    cut_a = rule.viewpoint_cutoffs["A"]
    cut_b = rule.viewpoint_cutoffs["B"]
    mark: Mark = "A" if percent >= cut_a else "B" if percent >= cut_b else "C"
    text = (
        f"素点平均 {percent_label(percent)} → {mark}"
        f" (A は {_pct(cut_a)}% 以上, B は {_pct(cut_b)}% 以上)"
    )
    if len(counted) <= 3:
        show_weight = len({item.weight for item in counted}) > 1
        text += "。内訳: " + ", ".join(_item_part(item, show_weight) for item in counted)
    else:
        text += f"。素点 {len(counted)} 件"
    if notes:
        text += "、" + "、".join(notes)
    return ViewpointOutcome(viewpoint, mark, percent, text)


def viewpoint_from_scores(
    scores: Sequence[ItemScore], viewpoint: Viewpoint, rule: Rule
) -> ViewpointOutcome:
    """The mark of one 観点 from the weighted percent of its scores (items of other 観点 in
    ``scores`` are left out): A from the rule's A cut-off, B from its B cut-off, else C."""
    return _viewpoint_outcome(viewpoint, [s for s in scores if s.viewpoint == viewpoint], rule)


_NO_RATING = RatingOutcome(None, "小学校第1・2学年は評定を行いません。", ())
_REFERENCE = "国立教育政策研究所「『指導と評価の一体化』のための学習評価に関する参考資料」"


def _reexamine_warning(label: str, combo: Combo) -> str:
    if _has_a_and_c(combo):
        return (
            f"観点 {label} は A と C が混在しています。評価の場面や方法が適切だったか、"
            f"見直してください ({_REFERENCE})。"
        )
    return f"観点 {label} は規則で見直すことになっている組合せです。評価を見直してください。"


def rating_of(
    marks: Mapping[Viewpoint, Mark | None],
    rule: Rule,
    scale: Scale,
    *,
    average_percent: Decimal | None = None,
) -> RatingOutcome:
    """The 評定 from the three 観点 by the rule's method, on ``scale``.

    ``average_percent`` (the subject's weighted average of all scores) is used by
    ``Method.AVERAGE`` only. A missing 観点 gives no 評定; so does 小学校第1・2学年.
    """
    if scale is Scale.NONE:
        return _NO_RATING
    knowledge = marks.get(Viewpoint.KNOWLEDGE)
    thinking = marks.get(Viewpoint.THINKING)
    attitude = marks.get(Viewpoint.ATTITUDE)
    if knowledge is None or thinking is None or attitude is None:
        names = "".join(f"「{vp.label()}」" for vp in VIEWPOINTS if marks.get(vp) is None)
        return RatingOutcome(None, f"{names}の評価がないため、評定を付けられません。", ())
    combo = (knowledge, thinking, attitude)
    label = _COMBO_LABELS.get(combo)
    if label is None:
        raise ValueError(f"観点の評価は A・B・C のいずれかです (「{combo_label(combo)}」)。")
    top = _SCALE_TOPS[scale]
    if rule.method is Method.AVERAGE:
        steps = rule._average_steps.get(scale)
        if steps is None:
            return _scale_missing(rule, scale)
        if average_percent is None:
            return RatingOutcome(None, "素点がないため、評定を付けられません。", ())
        value = _step_value(steps, average_percent)
        head = f"素点平均 {percent_label(average_percent)} → 評定 {value}"
    else:
        ratings = rule._combo_ratings.get(scale)
        if ratings is None:
            return _scale_missing(rule, scale)
        value = ratings[combo]
        if rule.method is Method.POINT_SUM:
            head = f"観点 {label} → 合計 {rule._combo_sums[combo]} → 評定 {value}"
        else:
            head = f"観点 {label} → 組合せ表 → 評定 {value}"
    warnings: list[str] = []
    if combo in rule.reexamine:
        warnings.append(_reexamine_warning(label, combo))
    has_c = "C" in combo
    if value == top and has_c:
        if rule.c_blocks_top:
            value = top - 1
            head += f" → C があるため評定 {value}"
        else:
            warnings.append(f"評定 {top} ですが、C の観点があります。評定を確かめてください。")
    if value == 1 and "A" in combo:
        warnings.append("評定 1 ですが、A の観点があります。評定を確かめてください。")
    return RatingOutcome(value, f"{head} (規則: {rule._label})", tuple(warnings))


def _scale_missing(rule: Rule, scale: Scale) -> RatingOutcome:
    return RatingOutcome(
        None,
        f"規則「{rule._label}」には {scale.label()} の基準がないため、評定を付けられません。",
        (f"規則「{rule._label}」に {scale.label()} の基準を加えてください。",),
    )


def rating_from_scores(
    scores: Sequence[ItemScore], rule: Rule, scale: Scale
) -> tuple[dict[Viewpoint, ViewpointOutcome], RatingOutcome]:
    """The three 観点 from a pupil's scores in one subject, and the 評定 from them (for
    ``Method.AVERAGE`` from the weighted average of all the scores)."""
    by_viewpoint: dict[Viewpoint, list[ItemScore]] = {vp: [] for vp in VIEWPOINTS}
    for item in scores:
        by_viewpoint[item.viewpoint].append(item)
    outcomes = {vp: _viewpoint_outcome(vp, by_viewpoint[vp], rule) for vp in VIEWPOINTS}
    average = weighted_percent(scores) if rule.method is Method.AVERAGE else None
    rating = rating_of(
        {vp: outcome.mark for vp, outcome in outcomes.items()},
        rule,
        scale,
        average_percent=average,
    )
    return outcomes, rating


# --- the rules shipped with manabi ----------------------------------------------------------


@functools.cache
def _load_shipped() -> Mapping[str, Rule]:
    return load_keyed(SHIPPED_RULES_DIR, parse_rule, RuleError, F_KEY)


def shipped_rules() -> dict[str, Rule]:
    """The rules shipped with manabi (``data/rules/*.json``) by key, read once."""
    return dict(_load_shipped())
