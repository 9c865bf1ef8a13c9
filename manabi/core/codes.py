"""Check digits and Django validators for official Japanese codes.

全国地方公共団体コード (総務省): five digits (two for the prefecture, three for the municipality)
and a check digit. Multiply the five digits by 6, 5, 4, 3, 2, divide the sum by 11, subtract the
remainder from 11 and keep the last digit of the result (remainder 0 gives 1, remainder 1 gives 0).

学校コード (文部科学省, 2020): 13 characters: 学校種 (letter and digit, e.g. B1), 都道府県番号 (2),
設置区分 (1: 国立, 2: 公立, 3: 私立), 学校番号 (7) and a check digit. For the check digit the
letter becomes two digits (A=01 ... H=08), giving 13 digits; they are weighted 1, 2, 1, 2, ...
from the left, the digits of each product are added up, and the check digit is (10 - sum mod 10)
mod 10. The algorithm is the one of the ``mext_school_code_validator`` gem; it agrees with the
example on the Japanese Wikipedia 学校コード page and with real codes in MLIT's open data, but
MEXT's own description of it has not been checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError

PREFECTURES: Final[dict[str, str]] = {
    "01": "北海道",
    "02": "青森県",
    "03": "岩手県",
    "04": "宮城県",
    "05": "秋田県",
    "06": "山形県",
    "07": "福島県",
    "08": "茨城県",
    "09": "栃木県",
    "10": "群馬県",
    "11": "埼玉県",
    "12": "千葉県",
    "13": "東京都",
    "14": "神奈川県",
    "15": "新潟県",
    "16": "富山県",
    "17": "石川県",
    "18": "福井県",
    "19": "山梨県",
    "20": "長野県",
    "21": "岐阜県",
    "22": "静岡県",
    "23": "愛知県",
    "24": "三重県",
    "25": "滋賀県",
    "26": "京都府",
    "27": "大阪府",
    "28": "兵庫県",
    "29": "奈良県",
    "30": "和歌山県",
    "31": "鳥取県",
    "32": "島根県",
    "33": "岡山県",
    "34": "広島県",
    "35": "山口県",
    "36": "徳島県",
    "37": "香川県",
    "38": "愛媛県",
    "39": "高知県",
    "40": "福岡県",
    "41": "佐賀県",
    "42": "長崎県",
    "43": "熊本県",
    "44": "大分県",
    "45": "宮崎県",
    "46": "鹿児島県",
    "47": "沖縄県",
}

SCHOOL_KINDS: Final[dict[str, str]] = {
    "A1": "幼稚園",
    "A2": "幼保連携型認定こども園",
    "B1": "小学校",
    "C1": "中学校",
    "C2": "義務教育学校",
    "D1": "高等学校",
    "D2": "中等教育学校",
    "E1": "特別支援学校",
    "F1": "大学",
    "F2": "短期大学",
    "G1": "高等専門学校",
    "H1": "専修学校",
    "H2": "各種学校",
}

FOUNDERS: Final[dict[str, str]] = {"1": "国立", "2": "公立", "3": "私立"}

_LOCAL_GOVERNMENT_WEIGHTS: Final = (6, 5, 4, 3, 2)
_SCHOOL_KIND_LETTER_DIGITS: Final = {
    letter: f"{number:02d}" for number, letter in enumerate("ABCDEFGH", start=1)
}
_DIGITS: Final = re.compile(r"[0-9]*")
_SCHOOL_CODE_BODY: Final = re.compile(r"[A-H][0-9]{11}")


@dataclass(frozen=True, slots=True)
class _Problem:
    """What is wrong with a code, as a Django-style message with params."""

    message: str
    code: str
    params: dict[str, str | int]

    def text(self) -> str:
        return self.message % self.params

    def error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code, params=self.params)


def known_prefectures() -> dict[str, str]:
    """The 47 prefectures, plus the fictional ones a non-production deployment declares in
    ``settings.FICTIONAL_PREFECTURES`` (the demo's みらい県 is "48"). Production has none."""
    from django.conf import settings

    extra: dict[str, str] = (
        getattr(settings, "FICTIONAL_PREFECTURES", {}) if settings.configured else {}
    )
    return {**PREFECTURES, **extra}


def _is_digits(value: str) -> bool:
    return _DIGITS.fullmatch(value) is not None


# 全国地方公共団体コード


def local_government_check_digit(first5: str) -> str:
    """Return the check digit for the first five digits of a 全国地方公共団体コード."""
    if len(first5) != 5 or not _is_digits(first5):
        raise ValueError(f"検査数字の計算には5桁の半角数字が必要です（入力: 「{first5}」）")
    total = sum(int(c) * w for c, w in zip(first5, _LOCAL_GOVERNMENT_WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def _local_government_problem(value: str) -> _Problem | None:
    if not _is_digits(value):
        return _Problem(
            "全国地方公共団体コードは半角数字で入力してください（入力: 「%(value)s」）",
            "invalid_characters",
            {"value": value},
        )
    if len(value) == 5:
        return _Problem(
            "全国地方公共団体コードは検査数字を含む6桁で入力してください"
            "（5桁のコードなら、検査数字を付けた「%(suggestion)s」です）",
            "invalid_length",
            {"value": value, "suggestion": value + local_government_check_digit(value)},
        )
    if len(value) != 6:
        return _Problem(
            "全国地方公共団体コードは6桁で入力してください（入力は%(length)d桁です）",
            "invalid_length",
            {"value": value, "length": len(value)},
        )
    if value[:2] not in known_prefectures():
        return _Problem(
            "全国地方公共団体コードの先頭2桁（都道府県コード）「%(prefecture)s」が正しくありません"
            "（01〜47）",
            "invalid_prefecture",
            {"value": value, "prefecture": value[:2]},
        )
    expected = local_government_check_digit(value[:5])
    if value[5] != expected:
        return _Problem(
            "全国地方公共団体コードの検査数字が正しくありません（末尾が「%(actual)s」ですが、"
            "正しくは「%(expected)s」です: %(corrected)s）",
            "invalid_check_digit",
            {
                "value": value,
                "actual": value[5],
                "expected": expected,
                "corrected": value[:5] + expected,
            },
        )
    return None


def is_valid_local_government_code(code: str) -> bool:
    """Whether `code` is six digits with a known prefecture and the right check digit."""
    return isinstance(code, str) and _local_government_problem(code) is None


def validate_local_government_code(value: object) -> None:
    """Django validator for a six-digit 全国地方公共団体コード."""
    if not isinstance(value, str):
        raise ValidationError(
            "全国地方公共団体コードは文字列で指定してください", code="invalid_type"
        )
    problem = _local_government_problem(value)
    if problem is not None:
        raise problem.error()


def prefecture_code(code: str) -> str:
    """Return the prefecture code (01–47) of a five- or six-digit local government code.

    The check digit is not verified here.
    """
    if len(code) not in (5, 6) or not _is_digits(code):
        raise ValueError(f"「{code}」は5桁または6桁の全国地方公共団体コードではありません")
    if code[:2] not in known_prefectures():
        raise ValueError(f"「{code}」の都道府県コード「{code[:2]}」は01〜47の範囲外です")
    return code[:2]


def prefecture_name(prefecture: str) -> str:
    """Return the name of a prefecture from its two-digit code (13 → 東京都)."""
    try:
        return known_prefectures()[prefecture]
    except KeyError:
        raise ValueError(f"都道府県コード「{prefecture}」は01〜47の範囲外です") from None


# 学校コード


@dataclass(frozen=True, slots=True)
class SchoolCode:
    """The parts of a valid 学校コード."""

    code: str
    kind: str
    kind_label: str
    prefecture: str
    founder_code: str
    founder: str
    school_number: str
    check_digit: str

    @property
    def kind_letter(self) -> str:
        return self.kind[0]

    @property
    def prefecture_name(self) -> str:
        return known_prefectures()[self.prefecture]


def school_code_check_digit(first12: str) -> str:
    """Return the check digit for the first 12 characters of a 学校コード (e.g. F11231010234)."""
    if _SCHOOL_CODE_BODY.fullmatch(first12) is None:
        raise ValueError(
            "検査数字の計算には、英大文字（A〜H）1文字と半角数字11桁が必要です"
            f"（入力: 「{first12}」）"
        )
    digits = _SCHOOL_KIND_LETTER_DIGITS[first12[0]] + first12[1:]
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 else 1)
        total += product // 10 + product % 10
    return str(-total % 10)


def _school_code_problem(value: str) -> _Problem | None:
    if len(value) != 13:
        return _Problem(
            "学校コードは13桁で入力してください（入力は%(length)d桁です）",
            "invalid_length",
            {"value": value, "length": len(value)},
        )
    kind, prefecture, founder = value[:2], value[2:4], value[4]
    if kind not in SCHOOL_KINDS:
        return _Problem(
            "学校コードの学校種（1〜2桁目）「%(kind)s」が正しくありません（%(kinds)s）",
            "invalid_kind",
            {"value": value, "kind": kind, "kinds": "、".join(SCHOOL_KINDS)},
        )
    if prefecture not in known_prefectures():
        return _Problem(
            "学校コードの都道府県番号（3〜4桁目）「%(prefecture)s」が正しくありません（01〜47）",
            "invalid_prefecture",
            {"value": value, "prefecture": prefecture},
        )
    if founder not in FOUNDERS:
        return _Problem(
            "学校コードの設置区分（5桁目）「%(founder)s」が正しくありません"
            "（1: 国立、2: 公立、3: 私立）",
            "invalid_founder",
            {"value": value, "founder": founder},
        )
    if not _is_digits(value[5:]):
        return _Problem(
            "学校コードの学校番号と検査数字（6〜13桁目）は半角数字で入力してください"
            "（入力: 「%(rest)s」）",
            "invalid_school_number",
            {"value": value, "rest": value[5:]},
        )
    expected = school_code_check_digit(value[:12])
    if value[12] != expected:
        return _Problem(
            "学校コードの検査数字が正しくありません（末尾が「%(actual)s」ですが、"
            "正しくは「%(expected)s」です: %(corrected)s）",
            "invalid_check_digit",
            {
                "value": value,
                "actual": value[12],
                "expected": expected,
                "corrected": value[:12] + expected,
            },
        )
    return None


def is_valid_school_code(code: str) -> bool:
    """Whether `code` is a well-formed 学校コード with the right check digit."""
    return isinstance(code, str) and _school_code_problem(code) is None


def validate_school_code(value: object) -> None:
    """Django validator for a 13-character 学校コード."""
    if not isinstance(value, str):
        raise ValidationError("学校コードは文字列で指定してください", code="invalid_type")
    problem = _school_code_problem(value)
    if problem is not None:
        raise problem.error()


def parse_school_code(code: str) -> SchoolCode:
    """Split a valid 学校コード into its parts; raises ValueError if it is not valid."""
    problem = _school_code_problem(code)
    if problem is not None:
        raise ValueError(problem.text())
    return SchoolCode(
        code=code,
        kind=code[:2],
        kind_label=SCHOOL_KINDS[code[:2]],
        prefecture=code[2:4],
        founder_code=code[4],
        founder=FOUNDERS[code[4]],
        school_number=code[5:12],
        check_digit=code[12],
    )
