"""Rules of the 健康診断 measurements: 身長・体重・肥満度・視力・聴力 (pure, no database).

肥満度 (degree of obesity) follows 公益財団法人 日本学校保健会『児童生徒等の健康診断マニュアル
平成27年度改訂』 (2015), the method the 学校保健統計調査 also uses:

    身長別標準体重(kg) = a × 実測身長(cm) − b
    肥満度(%) = (実測体重 − 身長別標準体重) ÷ 身長別標準体重 × 100

with a and b by sex and by 年齢 (満年齢 on 4月1日 of the 年度) for ages 5–17, shipped in
``data/standard_weight.json``. The categories are the manual's:

    高度やせ   −30%以下
    やせ       −30%超 −20%以下        (−20%以下 = 痩身傾向)
    普通       −20%超 +20%未満
    軽度肥満   +20%以上 +30%未満      (+20%以上 = 肥満傾向)
    中等度肥満 +30%以上 +50%未満
    高度肥満   +50%以上

Rounding: the 標準体重 is kept exact (a has three decimals and 身長 one, so it is exact to four
decimals) and the 肥満度 is computed from it, then rounded to 0.1 by 四捨五入
(``Decimal.quantize`` with ``ROUND_HALF_UP``; a half is rounded away from zero, −20.05 → −20.1).
The category is judged on that rounded value, so the figure on the 健康診断票 and its category
never disagree.

視力 (visual acuity) is reported in the 370方式 bands of the manual: A 1.0以上, B 0.7以上1.0未満,
C 0.3以上0.7未満, D 0.3未満.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

STANDARD_WEIGHT_DATA = Path(__file__).with_name("data") / "standard_weight.json"

TABLE_AGES = range(5, 18)
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)

HEIGHT_MIN = Decimal("80.0")
HEIGHT_MAX = Decimal("220.0")
WEIGHT_MIN = Decimal("10.0")
WEIGHT_MAX = Decimal("200.0")

# Decimal 視力 as written on the 健康診断票: 0.01 up to 2.0 (the top line of the usual chart).
ACUITY_MIN = Decimal("0.01")
ACUITY_MAX = Decimal("2.0")


class MeasureError(ValueError):
    """An entry that cannot be recorded; ``field`` names the 健康診断票 column (身長, 右裸眼…)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class Sex(StrEnum):
    """性別; the values are those of ``manabi.students.models.Sex``."""

    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        return "男子" if self is Sex.MALE else "女子"


def _normalise(text: str) -> str:
    """Full-width digits, letters and ``．`` to ASCII (NFKC), spaces trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def _fmt(value: Decimal) -> str:
    """A Decimal written plainly, with at least one decimal place (28.1560 → 28.156, 30 → 30.0)."""
    plain = value.normalize()
    if plain == plain.to_integral_value():
        plain = plain.quantize(TENTH)
    return format(plain, "f")


def round_tenth(value: Decimal) -> Decimal:
    """四捨五入 to one decimal place."""
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


# --- 年齢 -----------------------------------------------------------------------------------


def age_on(birth_date: date, on_date: date) -> int:
    """満年齢 on ``on_date``. One born on 2月29日 turns a year older on 3月1日 in common years."""
    if on_date < birth_date:
        raise ValueError(f"基準日 {on_date} が生年月日 {birth_date} より前です。")
    before_birthday = (on_date.month, on_date.day) < (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - int(before_birthday)


def school_age(birth_date: date, fiscal_year: int) -> int:
    """The 年齢 of the 健康診断 in 年度 ``fiscal_year``: 満年齢 on 4月1日 of that year."""
    return age_on(birth_date, date(fiscal_year, 4, 1))


# --- 身長・体重 -------------------------------------------------------------------------------

_ONE_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9])?")


def _parse_one_decimal(text: str, *, field: str, unit: str, example: str) -> Decimal:
    raw = _normalise(text)
    if raw.lower().endswith(unit):
        raw = raw[: -len(unit)].strip()
    if not raw:
        raise MeasureError(field, "入力されていません。")
    if not _ONE_DECIMAL.fullmatch(raw):
        if re.fullmatch(r"[0-9]+\.[0-9]{2,}", raw):
            raise MeasureError(
                field,
                f"「{text.strip()}」は小数第2位以下があります。小数第1位まで入力してください（例: {example}）。",
            )
        raise MeasureError(
            field,
            f"「{text.strip()}」は数値として読めません。{unit}単位の数字で入力してください（例: {example}）。",
        )
    return Decimal(raw)


def check_height(value: Decimal) -> Decimal:
    """A 身長 in cm with at most one decimal place, within 80.0–220.0."""
    return _check_range(value, field="身長", unit="cm", low=HEIGHT_MIN, high=HEIGHT_MAX)


def check_weight(value: Decimal) -> Decimal:
    """A 体重 in kg with at most one decimal place, within 10.0–200.0."""
    return _check_range(value, field="体重", unit="kg", low=WEIGHT_MIN, high=WEIGHT_MAX)


def _check_range(value: Decimal, *, field: str, unit: str, low: Decimal, high: Decimal) -> Decimal:
    if not value.is_finite():
        raise MeasureError(field, "数値ではありません。")
    if value != value.quantize(TENTH, rounding=ROUND_HALF_UP):
        raise MeasureError(
            field, f"{_fmt(value)}{unit}は小数第2位以下があります。小数第1位まで入力してください。"
        )
    if not low <= value <= high:
        raise MeasureError(
            field,
            f"{_fmt(value)}{unit}は範囲外です。{_fmt(low)}〜{_fmt(high)}{unit}の値を入力してください（単位や桁の誤りがないか確認してください）。",
        )
    return value.quantize(TENTH)


def parse_height(text: str) -> Decimal:
    """Read a 身長 as typed: ``130.5``, ``１３０．５``, ``130.5cm``. Raises ``MeasureError``."""
    return check_height(_parse_one_decimal(text, field="身長", unit="cm", example="130.5"))


def parse_weight(text: str) -> Decimal:
    """Read a 体重 as typed: ``28.4``, ``２８．４``, ``28.4kg``. Raises ``MeasureError``."""
    return check_weight(_parse_one_decimal(text, field="体重", unit="kg", example="28.4"))


def bmi(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    """BMI = 体重(kg) ÷ 身長(m)², 四捨五入 to 0.1 (for 18歳以上, outside the 肥満度 table)."""
    height_m = check_height(height_cm) / HUNDRED
    return round_tenth(check_weight(weight_kg) / (height_m * height_m))


# --- 標準体重の係数 ---------------------------------------------------------------------------


class StandardWeightTableError(ValueError):
    """``standard_weight.json`` is not usable; ``problems`` lists every fault found."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"{path.name} を読み込めません（{len(problems)}件）:\n{lines}")


@dataclass(frozen=True)
class Coefficients:
    """係数 a, b of 身長別標準体重 = a × 身長(cm) − b for one sex and age."""

    a: Decimal
    b: Decimal


@dataclass(frozen=True)
class StandardWeightTable:
    source: str
    rows: dict[tuple[Sex, int], Coefficients]

    def coefficients(self, sex: Sex, age: int) -> Coefficients | None:
        return self.rows.get((sex, age))


def _decimal_cell(value: Any, where: str, problems: list[str]) -> Decimal | None:
    if not isinstance(value, str):
        problems.append(f'{where}: 文字列の数値で書いてください（例: "0.592"）。')
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        problems.append(f"{where}: 「{value}」は数値ではありません。")
        return None
    if not number.is_finite() or number <= 0:
        problems.append(f"{where}: {value} は正の数ではありません。")
        return None
    return number


def load_standard_weight_table(path: Path = STANDARD_WEIGHT_DATA) -> StandardWeightTable:
    """Read and check the 係数表; raises ``StandardWeightTableError`` listing every problem."""
    problems: list[str] = []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise StandardWeightTableError(path, [f"JSONとして読めません: {exc}"]) from exc
    if not isinstance(data, dict):
        raise StandardWeightTableError(path, ["最上位がオブジェクトではありません。"])
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append("source: 出典（文書名・発行者・年）がありません。")
        source = ""
    table = data.get("coefficients")
    rows: dict[tuple[Sex, int], Coefficients] = {}
    if not isinstance(table, dict):
        problems.append("coefficients: 男女別の係数表がありません。")
        table = {}
    for key in sorted(set(table) - {s.value for s in Sex}):
        problems.append(f"coefficients.{key}: 性別は male / female のどちらかです。")
    for sex in Sex:
        by_age = table.get(sex.value)
        if not isinstance(by_age, dict):
            if table:
                problems.append(f"coefficients.{sex.value}: {sex.label}の係数がありません。")
            continue
        expected = {str(age) for age in TABLE_AGES}
        for age_key in sorted(set(by_age) - expected, key=str):
            problems.append(f"coefficients.{sex.value}.{age_key}: 係数表の年齢は5〜17歳です。")
        for age in TABLE_AGES:
            where = f"coefficients.{sex.value}.{age}"
            cell = by_age.get(str(age))
            if not isinstance(cell, dict):
                problems.append(f"{where}: {sex.label}{age}歳の係数がありません。")
                continue
            a = _decimal_cell(cell.get("a"), f"{where}.a", problems)
            b = _decimal_cell(cell.get("b"), f"{where}.b", problems)
            if a is not None and b is not None:
                rows[(sex, age)] = Coefficients(a=a, b=b)
    if problems:
        raise StandardWeightTableError(path, problems)
    return StandardWeightTable(source=source, rows=rows)


@cache
def standard_weight_table() -> StandardWeightTable:
    """The shipped 係数表, read once."""
    return load_standard_weight_table()


# --- 肥満度 -----------------------------------------------------------------------------------


class ObesityCategory(StrEnum):
    """肥満度の判定 of the 健康診断マニュアル, thinnest first."""

    SEVERE_THIN = "高度やせ"
    THIN = "やせ"
    NORMAL = "普通"
    MILD_OBESE = "軽度肥満"
    MODERATE_OBESE = "中等度肥満"
    SEVERE_OBESE = "高度肥満"

    @property
    def rank(self) -> int:
        """Position from 高度やせ (0) to 高度肥満 (5)."""
        return list(ObesityCategory).index(self)

    @property
    def is_obese_tendency(self) -> bool:
        """肥満傾向 (肥満度 +20%以上) as counted by the 学校保健統計調査."""
        return self.rank >= ObesityCategory.MILD_OBESE.rank

    @property
    def is_thin_tendency(self) -> bool:
        """痩身傾向 (肥満度 −20%以下) as counted by the 学校保健統計調査."""
        return self.rank <= ObesityCategory.THIN.rank


def obesity_category(degree: Decimal) -> ObesityCategory:
    """The category of a 肥満度 (%), boundaries as in the module docstring."""
    if degree <= -30:
        return ObesityCategory.SEVERE_THIN
    if degree <= -20:
        return ObesityCategory.THIN
    if degree < 20:
        return ObesityCategory.NORMAL
    if degree < 30:
        return ObesityCategory.MILD_OBESE
    if degree < 50:
        return ObesityCategory.MODERATE_OBESE
    return ObesityCategory.SEVERE_OBESE


@dataclass(frozen=True)
class ObesityResult:
    """肥満度 of one measurement.

    When the table does not apply (age outside 5–17), ``degree``, ``category`` and
    ``standard_weight_kg`` are None and ``reason`` says why; ``explanation`` is always set.
    """

    degree: Decimal | None
    category: ObesityCategory | None
    standard_weight_kg: Decimal | None
    explanation: str
    reason: str | None = None

    @property
    def applicable(self) -> bool:
        return self.degree is not None


def _not_applicable(reason: str) -> ObesityResult:
    return ObesityResult(
        degree=None, category=None, standard_weight_kg=None, explanation=reason, reason=reason
    )


def obesity_degree(
    *,
    sex: Sex,
    age: int,
    height_cm: Decimal,
    weight_kg: Decimal,
    table: StandardWeightTable | None = None,
) -> ObesityResult:
    """肥満度 from 性別, 年齢 (on 4月1日 of the 年度, see ``school_age``), 身長 and 体重.

    Raises ``MeasureError`` for a 身長 or 体重 that does not pass ``check_height`` /
    ``check_weight``.
    """
    height = check_height(height_cm)
    weight = check_weight(weight_kg)
    if isinstance(age, bool) or not isinstance(age, int):
        raise TypeError("age は整数（満年齢）で渡してください。")
    if age not in TABLE_AGES:
        if age >= 18:
            return _not_applicable(
                f"{age}歳は身長別標準体重の係数表（5〜17歳）の対象外です。18歳以上はBMIで判定します。"
            )
        return _not_applicable(f"{age}歳は身長別標準体重の係数表（5〜17歳）の対象外です。")
    coefficients = (table or standard_weight_table()).coefficients(sex, age)
    if coefficients is None:
        return _not_applicable(f"{sex.label}{age}歳の係数が係数表にありません。")
    a, b = coefficients.a, coefficients.b
    standard = a * height - b
    formula = f"標準体重 = {a}×{_fmt(height)} − {b} = {_fmt(standard)}kg"
    if standard <= 0:
        return _not_applicable(
            f"{formula}; 標準体重が0以下になるため肥満度を計算できません（身長と年齢を確認してください）。"
        )
    degree = round_tenth((weight - standard) / standard * HUNDRED)
    category = obesity_category(degree)
    explanation = (
        f"{formula}; 肥満度 = ({_fmt(weight)} − {_fmt(standard)}) ÷ {_fmt(standard)} × 100"
        f" = {degree}% → {category}"
    )
    return ObesityResult(
        degree=degree, category=category, standard_weight_kg=standard, explanation=explanation
    )


# --- 視力 -------------------------------------------------------------------------------------


class VisionField(StrEnum):
    """The four 視力 columns of the 健康診断票."""

    RIGHT_NAKED = "右裸眼"
    RIGHT_CORRECTED = "右矯正"
    LEFT_NAKED = "左裸眼"
    LEFT_CORRECTED = "左矯正"


class VisionCategory(StrEnum):
    """370方式の判定."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def label(self) -> str:
        return _VISION_LABELS[self]


_VISION_LABELS = {
    VisionCategory.A: "1.0以上",
    VisionCategory.B: "0.7以上1.0未満",
    VisionCategory.C: "0.3以上0.7未満",
    VisionCategory.D: "0.3未満",
}


def vision_category(acuity: Decimal) -> VisionCategory:
    """The band of a decimal 視力 (裸眼 or 矯正)."""
    if acuity >= Decimal("1.0"):
        return VisionCategory.A
    if acuity >= Decimal("0.7"):
        return VisionCategory.B
    if acuity >= Decimal("0.3"):
        return VisionCategory.C
    return VisionCategory.D


@dataclass(frozen=True)
class VisionReading:
    """One 視力 entry: the decimal value when measured as such, and its category.

    Schools using the 370方式 record only the letter; then ``acuity`` is None.
    """

    acuity: Decimal | None
    category: VisionCategory


_ACUITY = re.compile(r"[0-9](?:\.[0-9]{1,2})?")


def parse_vision(text: str, *, field: VisionField) -> VisionReading | None:
    """Read a 視力 entry: ``1.2``, ``0.9``, ``１．０``, or a letter ``A``–``D`` / ``Ａ``.

    A blank entry is None (not measured). Raises ``MeasureError`` naming ``field``.
    """
    raw = _normalise(text)
    if not raw:
        return None
    letter = raw.upper()
    if letter in VisionCategory.__members__:
        return VisionReading(acuity=None, category=VisionCategory(letter))
    if not _ACUITY.fullmatch(raw):
        raise MeasureError(
            field,
            f"「{text.strip()}」は視力として読めません。小数視力（例: 1.0、0.7）かA〜Dの判定を入力してください。",
        )
    acuity = Decimal(raw)
    if not ACUITY_MIN <= acuity <= ACUITY_MAX:
        raise MeasureError(
            field,
            f"{_fmt(acuity)}は視力の範囲外です。{ACUITY_MIN}〜{_fmt(ACUITY_MAX)}の小数視力を入力してください。",
        )
    return VisionReading(acuity=acuity, category=vision_category(acuity))


# --- 聴力 -------------------------------------------------------------------------------------


class HearingEar(StrEnum):
    RIGHT = "右耳"
    LEFT = "左耳"


class HearingFinding(StrEnum):
    """聴力の所見 per ear."""

    NONE = "所見なし"
    PRESENT = "所見あり"


_HEARING_WORDS = {
    "○": HearingFinding.NONE,
    "〇": HearingFinding.NONE,
    "◯": HearingFinding.NONE,
    "異常なし": HearingFinding.NONE,
    "所見なし": HearingFinding.NONE,
    "×": HearingFinding.PRESENT,
    "✕": HearingFinding.PRESENT,
    "異常あり": HearingFinding.PRESENT,
    "所見あり": HearingFinding.PRESENT,
}


def parse_hearing(text: str, *, ear: HearingEar) -> HearingFinding | None:
    """Read a 聴力 entry: ``○``/``異常なし``/``所見なし`` or ``×``/``所見あり``; blank is None."""
    raw = _normalise(text)
    if not raw:
        return None
    finding = _HEARING_WORDS.get(raw)
    if finding is None:
        raise MeasureError(
            f"聴力（{ear}）",
            f"「{text.strip()}」は読めません。「○」「所見なし」または「×」「所見あり」を入力してください。",
        )
    return finding
