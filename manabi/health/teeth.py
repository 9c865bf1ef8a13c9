"""歯式 and 歯・口腔 findings of the 児童生徒健康診断票（歯・口腔） (pure, no database).

Positions: 永久歯 1–8 and 乳歯 A–E in the four quadrants 右上・左上・左下・右下, named from the
pupil's side as on the form (``右上6`` is the pupil's upper right first molar). ``fdi`` gives the
FDI two-digit code (永久歯 quadrants 1–4, 乳歯 5–8, clockwise from 右上).

Symbols of the 歯式 (記入要領 of the form, 日本学校保健会『児童生徒等の健康診断マニュアル
平成27年度改訂』, 2015; 日本学校歯科医会 学校歯科健診の記入要領):

    ／ or －  現在歯 (sound tooth present; stored as ``/``)
    C         未処置歯 (むし歯; a 処置歯 with 二次う蝕 is also C)
    ○         処置歯
    △         喪失歯 — a 永久歯 lost because of むし歯 (永久歯 only)
    ×         要注意乳歯 — a 乳歯 whose keeping needs care, e.g. 晩期残存 (乳歯 only)
    CO        要観察歯 (初期のむし歯が疑われ経過観察する歯; counted as 現在歯, not as D)

A tooth left blank is not erupted (or a 乳歯 shed). G and GO are not per-tooth marks: they are
the 歯肉の状態 of the whole mouth (1 = GO 歯周疾患要観察者, 2 = G 要精検).

The form's 集計: 現在歯数 counts every present tooth (／ C ○ × CO), 未処置歯数 the C, 処置歯数
the ○, 喪失歯数 the △ (永久歯 only), and DMF歯数 = D + M + F of the 永久歯.

歯列・咬合, 顎関節, 歯垢の状態 and 歯肉の状態 are each judged 0 / 1 / 2.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

PERMANENT_TEETH = "12345678"
PRIMARY_TEETH = "ABCDE"


class ToothChartError(ValueError):
    """A 歯式 that cannot be recorded; ``problems`` lists every fault, each naming the tooth."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("歯式に誤りがあります:\n" + "\n".join(f"- {p}" for p in problems))


class Quadrant(StrEnum):
    """歯式の四分画, from the pupil's side."""

    UPPER_RIGHT = "右上"
    UPPER_LEFT = "左上"
    LOWER_LEFT = "左下"
    LOWER_RIGHT = "右下"

    @property
    def fdi_permanent(self) -> int:
        return _FDI_QUADRANT[self]


_FDI_QUADRANT = {
    Quadrant.UPPER_RIGHT: 1,
    Quadrant.UPPER_LEFT: 2,
    Quadrant.LOWER_LEFT: 3,
    Quadrant.LOWER_RIGHT: 4,
}


class Dentition(StrEnum):
    PERMANENT = "永久歯"
    PRIMARY = "乳歯"


@dataclass(frozen=True)
class ToothPosition:
    """One place of the 歯式: a quadrant and 1–8 (永久歯) or A–E (乳歯)."""

    quadrant: Quadrant
    tooth: str

    def __post_init__(self) -> None:
        if self.tooth not in PERMANENT_TEETH + PRIMARY_TEETH or len(self.tooth) != 1:
            raise ValueError(f"{self.quadrant}{self.tooth}: 歯の番号は永久歯1〜8、乳歯A〜Eです。")

    @property
    def dentition(self) -> Dentition:
        return Dentition.PERMANENT if self.tooth in PERMANENT_TEETH else Dentition.PRIMARY

    @property
    def label(self) -> str:
        """``右上6``, ``左下E``."""
        return f"{self.quadrant}{self.tooth}"

    @property
    def fdi(self) -> str:
        """FDI code: ``16`` for 右上6, ``55`` for 右上E."""
        if self.dentition is Dentition.PERMANENT:
            return f"{self.quadrant.fdi_permanent}{self.tooth}"
        return f"{self.quadrant.fdi_permanent + 4}{PRIMARY_TEETH.index(self.tooth) + 1}"

    def __str__(self) -> str:
        return self.label


def _row(quadrant: Quadrant, teeth: str, *, outward: bool) -> list[ToothPosition]:
    order = teeth if outward else teeth[::-1]
    return [ToothPosition(quadrant, t) for t in order]


# The order of the form: 永久歯上, 乳歯上, 乳歯下, 永久歯下; each row read from the pupil's right
# (8→1 | 1→8, E→A | A→E).
ALL_POSITIONS: tuple[ToothPosition, ...] = tuple(
    _row(Quadrant.UPPER_RIGHT, PERMANENT_TEETH, outward=False)
    + _row(Quadrant.UPPER_LEFT, PERMANENT_TEETH, outward=True)
    + _row(Quadrant.UPPER_RIGHT, PRIMARY_TEETH, outward=False)
    + _row(Quadrant.UPPER_LEFT, PRIMARY_TEETH, outward=True)
    + _row(Quadrant.LOWER_RIGHT, PRIMARY_TEETH, outward=False)
    + _row(Quadrant.LOWER_LEFT, PRIMARY_TEETH, outward=True)
    + _row(Quadrant.LOWER_RIGHT, PERMANENT_TEETH, outward=False)
    + _row(Quadrant.LOWER_LEFT, PERMANENT_TEETH, outward=True)
)
_BY_LABEL = {p.label: p for p in ALL_POSITIONS}
_FORM_ORDER = {p: i for i, p in enumerate(ALL_POSITIONS)}


def parse_position(text: str) -> ToothPosition:
    """``右上6`` / ``左下Ｅ`` → ToothPosition; raises ``ToothChartError``."""
    raw = unicodedata.normalize("NFKC", text).strip().upper()
    position = _BY_LABEL.get(raw)
    if position is None:
        raise ToothChartError([_position_problem(text.strip())])
    return position


def _position_problem(raw: str) -> str:
    if raw[:2] in {q.value for q in Quadrant}:
        return f"{raw}: 歯の番号は永久歯1〜8、乳歯A〜Eです。"
    return f"「{raw}」は歯の位置ではありません（例: 右上6、左下E）。"


class ToothMark(StrEnum):
    """歯式の記号 (stored form)."""

    PRESENT = "/"
    DECAYED = "C"
    FILLED = "○"
    MISSING = "△"
    CAUTION_PRIMARY = "×"
    OBSERVE = "CO"

    @property
    def label(self) -> str:
        return _MARK_LABELS[self]

    @property
    def is_present(self) -> bool:
        """Counted in 現在歯数 (every mark but △)."""
        return self is not ToothMark.MISSING


_MARK_LABELS = {
    ToothMark.PRESENT: "現在歯",
    ToothMark.DECAYED: "未処置歯",
    ToothMark.FILLED: "処置歯",
    ToothMark.MISSING: "喪失歯",
    ToothMark.CAUTION_PRIMARY: "要注意乳歯",
    ToothMark.OBSERVE: "要観察歯",
}

# What nurses type for each mark, after NFKC (full-width → ASCII) and upper-casing.
_MARK_ALIASES: dict[str, ToothMark] = {
    **dict.fromkeys(["/", "-", "ー", "―", "−", "‐", "—", "–"], ToothMark.PRESENT),
    "C": ToothMark.DECAYED,
    **dict.fromkeys(["○", "〇", "◯"], ToothMark.FILLED),
    "△": ToothMark.MISSING,
    **dict.fromkeys(["×", "✕", "✖", "X"], ToothMark.CAUTION_PRIMARY),
    **dict.fromkeys(["CO", "C0"], ToothMark.OBSERVE),
}
_SYMBOLS_HINT = "使える記号: ／（－） C ○ △ × CO"


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().upper()


def parse_mark(text: str) -> ToothMark | None:
    """A typed symbol → ToothMark, or None when it is not one."""
    return _MARK_ALIASES.get(_normalise(text))


def _rule_problem(position: ToothPosition, mark: ToothMark) -> str | None:
    if mark is ToothMark.MISSING and position.dentition is Dentition.PRIMARY:
        return f"{position}: △（喪失歯）は永久歯にだけ使います。乳歯が抜けた所は空欄にします。"
    if mark is ToothMark.CAUTION_PRIMARY and position.dentition is Dentition.PERMANENT:
        return f"{position}: ×（要注意乳歯）は乳歯にだけ使います。"
    return None


def _mark_problem(where: str, raw: str) -> str:
    if _normalise(raw) in {"G", "GO"}:
        return f"{where}: G・GOは歯ごとではなく「歯肉の状態」に記入します。"
    if not raw.strip():
        return f"{where}: 記号がありません（{_SYMBOLS_HINT}）。"
    return f"{where}: 記号「{raw.strip()}」は使えません（{_SYMBOLS_HINT}）。"


@dataclass(frozen=True)
class ToothCounts:
    """The 集計 columns of the 歯の状態."""

    primary_present: int
    primary_decayed: int
    primary_filled: int
    permanent_present: int
    permanent_decayed: int
    permanent_filled: int
    permanent_missing: int
    observe: int
    caution_primary: int

    @property
    def dmf(self) -> int:
        """DMF歯数 = 永久歯の未処置歯 (D) + 喪失歯 (M) + 処置歯 (F)."""
        return self.permanent_decayed + self.permanent_missing + self.permanent_filled

    @property
    def has_untreated(self) -> bool:
        """未処置歯 (C) on any tooth: a 受診勧告 is due."""
        return self.primary_decayed + self.permanent_decayed > 0


@dataclass(frozen=True)
class ToothChart:
    """歯式: the mark of each recorded tooth; a tooth not in ``marks`` is blank on the form."""

    marks: Mapping[ToothPosition, ToothMark] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = [
            problem
            for position, mark in self._in_form_order()
            if (problem := _rule_problem(position, mark)) is not None
        ]
        if problems:
            raise ToothChartError(problems)

    def _in_form_order(self) -> list[tuple[ToothPosition, ToothMark]]:
        return sorted(self.marks.items(), key=lambda item: _FORM_ORDER[item[0]])

    def mark(self, position: ToothPosition | str) -> ToothMark | None:
        if isinstance(position, str):
            position = parse_position(position)
        return self.marks.get(position)

    def to_dict(self) -> dict[str, str]:
        """``{"右上6": "C", "左下E": "×"}`` in the form's order, for JSON storage."""
        return {position.label: mark.value for position, mark in self._in_form_order()}

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> ToothChart:
        """The inverse of ``to_dict``; also takes typed aliases. Raises ``ToothChartError``."""
        problems: list[str] = []
        marks: dict[ToothPosition, ToothMark] = {}
        for key, value in data.items():
            position = _BY_LABEL.get(_normalise(key))
            if position is None:
                problems.append(_position_problem(key.strip()))
                continue
            _add(marks, problems, position, value)
        return _build(marks, problems)

    def counts(self) -> ToothCounts:
        def count(dentition: Dentition, *wanted: ToothMark) -> int:
            return sum(1 for p, m in self.marks.items() if p.dentition is dentition and m in wanted)

        present = [m for m in ToothMark if m.is_present]
        return ToothCounts(
            primary_present=count(Dentition.PRIMARY, *present),
            primary_decayed=count(Dentition.PRIMARY, ToothMark.DECAYED),
            primary_filled=count(Dentition.PRIMARY, ToothMark.FILLED),
            permanent_present=count(Dentition.PERMANENT, *present),
            permanent_decayed=count(Dentition.PERMANENT, ToothMark.DECAYED),
            permanent_filled=count(Dentition.PERMANENT, ToothMark.FILLED),
            permanent_missing=count(Dentition.PERMANENT, ToothMark.MISSING),
            observe=sum(1 for m in self.marks.values() if m is ToothMark.OBSERVE),
            caution_primary=count(Dentition.PRIMARY, ToothMark.CAUTION_PRIMARY),
        )


def _add(
    marks: dict[ToothPosition, ToothMark],
    problems: list[str],
    position: ToothPosition,
    raw_mark: str,
) -> None:
    mark = parse_mark(raw_mark)
    if mark is None:
        problems.append(_mark_problem(position.label, raw_mark))
        return
    if position in marks:
        problems.append(f"{position}: 2回記入されています。")
        return
    marks[position] = mark


def _build(marks: dict[ToothPosition, ToothMark], problems: list[str]) -> ToothChart:
    problems.extend(
        problem
        for position, mark in sorted(marks.items(), key=lambda item: _FORM_ORDER[item[0]])
        if (problem := _rule_problem(position, mark)) is not None
    )
    if problems:
        raise ToothChartError(problems)
    return ToothChart(marks=marks)


_TOKEN_SPLIT = re.compile(r"[\s,、]+")


def _parse_quadrant(
    quadrant_key: str,
    text: str,
    marks: dict[ToothPosition, ToothMark],
    problems: list[str],
) -> None:
    quadrant_raw = unicodedata.normalize("NFKC", quadrant_key).strip()
    if quadrant_raw not in {q.value for q in Quadrant}:
        problems.append(
            f"「{quadrant_key.strip()}」は歯式の区分（右上・左上・右下・左下）ではありません。"
        )
        return
    quadrant = Quadrant(quadrant_raw)
    for token in _TOKEN_SPLIT.split(unicodedata.normalize("NFKC", text).strip()):
        if not token:
            continue
        tooth = token[0].upper()
        if tooth not in PERMANENT_TEETH + PRIMARY_TEETH:
            problems.append(
                f"{quadrant}: 「{token}」は歯の番号（永久歯1〜8、乳歯A〜E）で始まっていません（例: 6C、E×）。"
            )
            continue
        _add(marks, problems, ToothPosition(quadrant, tooth), token[1:])


def parse_chart(quadrants: Mapping[str, str]) -> ToothChart:
    """Read a 歯式 typed per quadrant.

    Each value lists teeth as ``<番号><記号>`` separated by spaces, commas or 、, in any order:
    ``{"右上": "6C 5/ 4/ E×", "左下": "6○ D/"}``. Full-width input is accepted
    (``６Ｃ``, ``Ｅ×``, ``１／``). Raises ``ToothChartError`` listing every problem.
    """
    problems: list[str] = []
    marks: dict[ToothPosition, ToothMark] = {}
    for key, text in quadrants.items():
        _parse_quadrant(key, text, marks, problems)
    return _build(marks, problems)


def parse_chart_lines(text: str) -> ToothChart:
    """Read a 歯式 from lines ``右上: 6C 5/`` (one quadrant a line; the colon is optional)."""
    problems: list[str] = []
    marks: dict[ToothPosition, ToothMark] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = unicodedata.normalize("NFKC", line).strip()
        if not stripped:
            continue
        key, rest = stripped[:2], stripped[2:].strip().lstrip(":").strip()
        if key not in {q.value for q in Quadrant}:
            problems.append(
                f"{number}行目: 行の初めに右上・左上・右下・左下のどれかを書いてください。"
            )
            continue
        _parse_quadrant(key, rest, marks, problems)
    return _build(marks, problems)


# --- 歯列・咬合, 顎関節, 歯垢の状態, 歯肉の状態 --------------------------------------------


class OralItem(StrEnum):
    OCCLUSION = "歯列・咬合"
    JAW_JOINT = "顎関節"
    PLAQUE = "歯垢の状態"
    GINGIVA = "歯肉の状態"


class OralScale(IntEnum):
    """0 / 1 / 2 of the form: 異常なし, 要観察 (定期的観察が必要), 要精検 (専門医による診断が必要)."""

    NORMAL = 0
    OBSERVE = 1
    REFER = 2


_GENERAL_LABELS = {
    OralScale.NORMAL: "異常なし",
    OralScale.OBSERVE: "定期的観察が必要",
    OralScale.REFER: "専門医（歯科医師）による診断が必要",
}
_PLAQUE_LABELS = {
    OralScale.NORMAL: "ほとんど付着なし",
    OralScale.OBSERVE: "若干の付着あり",
    OralScale.REFER: "相当の付着あり",
}


def scale_label(item: OralItem, value: OralScale) -> str:
    """The form's wording of a 0/1/2 for ``item``."""
    if item is OralItem.PLAQUE:
        return _PLAQUE_LABELS[value]
    label = _GENERAL_LABELS[value]
    code = gingiva_code(value) if item is OralItem.GINGIVA else None
    if code == "GO":
        return f"{label}（GO: 歯周疾患要観察者）"
    if code == "G":
        return f"{label}（G）"
    return label


def gingiva_code(value: OralScale) -> str | None:
    """歯肉の状態 1 → ``GO`` (歯周疾患要観察者), 2 → ``G`` (要精検), 0 → None."""
    return {OralScale.OBSERVE: "GO", OralScale.REFER: "G"}.get(value)


def parse_scale(text: str, *, item: OralItem) -> OralScale | None:
    """``0``/``1``/``2`` (full-width too) for ``item``; for 歯肉の状態 also ``GO`` / ``G``.

    Blank is None (not examined). Raises ``ValueError`` naming the item.
    """
    raw = _normalise(text)
    if not raw:
        return None
    if raw in {"0", "1", "2"}:
        return OralScale(int(raw))
    if item is OralItem.GINGIVA and raw in {"GO", "G"}:
        return OralScale.OBSERVE if raw == "GO" else OralScale.REFER
    extra = "、またはGO・G" if item is OralItem.GINGIVA else ""
    raise ValueError(f"{item}: 「{text.strip()}」は使えません。0・1・2{extra}で入力してください。")


@dataclass(frozen=True)
class OralFindings:
    """歯列・咬合, 顎関節, 歯垢の状態, 歯肉の状態 of one examination."""

    occlusion: OralScale
    jaw_joint: OralScale
    plaque: OralScale
    gingiva: OralScale

    @property
    def gingiva_code(self) -> str | None:
        return gingiva_code(self.gingiva)

    def items(self) -> Iterable[tuple[OralItem, OralScale]]:
        yield OralItem.OCCLUSION, self.occlusion
        yield OralItem.JAW_JOINT, self.jaw_joint
        yield OralItem.PLAQUE, self.plaque
        yield OralItem.GINGIVA, self.gingiva
