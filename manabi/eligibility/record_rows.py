"""Reading the rows of a service-record import (在職記録の一括登録), without the database.

One row per period, leave or completed training:

| 職員番号 | 区分 | 種類 | 開始日 | 終了日 | 研修 | (備考) |
|---|---|---|---|---|---|---|
| 10000002 | 勤務 | 教諭 | 2024-04-01 | | | |
| 10000002 | 休業 | 育児休業 | 令和6年6月1日 | R7.5.31 | | |
| 10000002 | 修了 | | 2023-02-10 | | 教職2年次研修 | 他県で修了 |

- 区分: 勤務 (在職期間), 休業 (休職・休業等) or 修了 (修了済みの基本研修).
- 種類: the Japanese label of the kind (docs/eligibility.md), a common short form (教諭, 育休,
  産休, 組合専従 …) or the code itself (``teacher``); empty for 修了.
- 開始日・終了日: ``2024-04-01``, ``2024/4/1`` or 和暦 (令和6年4月1日, R6.4.1); 終了日 empty
  means still running. For 修了, 開始日 is the date of completion (optional; its fiscal year is
  kept) and 終了日 is not used.
- 研修: for 修了 only: 教職2年次研修, 教職6年次研修, 中堅教諭等資質向上研修, an equivalent
  (学級経営講座, 教職5年経験者研修, 教職10年経験者研修 …) or the code.

Every problem becomes a ``RowError`` naming the row and the column; the caller writes nothing
when there is any.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from manabi.core import wareki
from manabi.core.csvio import CsvRow, RowError
from manabi.eligibility.engine import LeaveKind, ServiceKind

COL_STAFF = "職員番号"
COL_CATEGORY = "区分"
COL_KIND = "種類"
COL_START = "開始日"
COL_END = "終了日"
COL_TRAINING = "研修"
COL_NOTE = "備考"
REQUIRED_COLUMNS = (COL_STAFF, COL_CATEGORY, COL_KIND, COL_START, COL_END, COL_TRAINING)
COLUMNS = (*REQUIRED_COLUMNS, COL_NOTE)

SERVICE = "service"
LEAVE = "leave"
COMPLETED = "completed"
CATEGORIES = {"勤務": SERVICE, "在職": SERVICE, "休業": LEAVE, "休職": LEAVE, "修了": COMPLETED}
CATEGORY_LABELS = {SERVICE: "勤務", LEAVE: "休業", COMPLETED: "修了"}


def _key(text: str) -> str:
    """Labels compared without width, spaces, ・ and brackets: 「教諭・養護教諭」≈「教諭養護教諭」."""
    normalized = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s・、,()（）「」]", "", normalized).lower()


def _aliases(enum_labels: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    table = {_key(code): code for code in enum_labels}
    table.update({_key(label): code for code, label in enum_labels.items()})
    table.update({_key(alias): code for alias, code in extra.items()})
    return table


SERVICE_KINDS = _aliases(
    {kind.value: kind.label for kind in ServiceKind},
    {
        "教諭": "teacher",
        "養護教諭": "teacher",
        "保育教諭": "teacher",
        "幼稚園教諭": "teacher",
        "主幹教諭": "teacher",
        "指導教諭": "teacher",
        "指導主事": "education_admin",
        "社会教育主事": "education_admin",
        "教育委員会": "education_admin",
        "大学院派遣": "graduate_dispatch",
        "内地留学": "graduate_dispatch",
        "知事部局": "governor_office",
        "臨時的任用": "temporary",
        "臨任": "temporary",
        "講師": "lecturer",
    },
)
LEAVE_KINDS = _aliases(
    {kind.value: kind.label for kind in LeaveKind},
    {
        "組合専従": "union_duty",
        "専従": "union_duty",
        "病気休暇": "sick_leave",
        "病休": "sick_leave",
        "同行休業": "spouse_accompany",
        "育休": "childcare",
        "産休": "maternity",
        "産前産後休業": "maternity",
    },
)
TRAININGS = _aliases(
    {
        "second_year": "教職2年次研修",
        "sixth_year": "教職6年次研修",
        "mid_career": "中堅教諭等資質向上研修",
    },
    {
        "学級経営講座": "second_year",
        "養護教諭実務研修": "second_year",
        "教職5年経験者研修": "sixth_year",
        "5年経験者研修": "sixth_year",
        "若手5年目研修": "sixth_year",
        "教職10年経験者研修": "mid_career",
        "10年経験者研修": "mid_career",
        "教職12年経験者研修": "mid_career",
        "12年経験者研修": "mid_career",
        "中堅研": "mid_career",
    },
)
_OWN_TRAINING_NAMES = {
    _key(name) for name in ("教職2年次研修", "教職6年次研修", "中堅教諭等資質向上研修")
}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One valid row: a service period, a leave or a completed training."""

    row: int
    staff_number: str
    category: str
    kind: str
    start: date | None
    end: date | None
    training: str
    year: int | None
    note: str


def parse_day(text: str) -> date | None:
    """``2024-04-01``, ``2024/4/1``, 令和6年4月1日 or R6.4.1; empty → None; ValueError with a
    Japanese message otherwise."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return None
    match = _ISO.match(value)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise ValueError(f"「{text}」は存在しない日付です。") from None
    try:
        return wareki.parse_wareki(value)
    except ValueError as exc:
        message = str(exc)
        if "読み取れません" in message:
            message = (
                f"「{text}」は日付として読み取れません"
                "（例: 2024-04-01、2024/4/1、令和6年4月1日、R6.4.1）"
            )
        raise ValueError(f"{message}。") from None


def missing_columns(header: Sequence[str]) -> list[str]:
    present = {unicodedata.normalize("NFKC", name).strip() for name in header}
    return [name for name in REQUIRED_COLUMNS if name not in present]


def header_errors(header: Sequence[str]) -> list[RowError]:
    missing = missing_columns(header)
    if not missing:
        return []
    listed = "、".join(f"「{name}」" for name in missing)
    return [
        RowError.at(
            1,
            f"見出しに {listed} の列がありません。見出しは "
            f"{'、'.join(COLUMNS)} にしてください (備考は省略できます)。",
        )
    ]


def parse_record_rows(
    header: Sequence[str], rows: Sequence[CsvRow], *, known_staff: Collection[str]
) -> tuple[list[RecordRow], list[RowError]]:
    """Check every row; ``known_staff``: the staff numbers the importer may change."""
    errors = header_errors(header)
    if errors:
        return [], errors
    index = {unicodedata.normalize("NFKC", name).strip(): i for i, name in enumerate(header)}
    parsed: list[RecordRow] = []
    seen_completed: dict[tuple[str, str], int] = {}
    for row in rows:

        def cell(name: str, row: CsvRow = row) -> str:
            position = index.get(name)
            if position is None or position >= len(row.values):
                return ""
            return row.values[position].strip()

        before = len(errors)

        def fail(column: str, detail: str, row: CsvRow = row) -> None:
            errors.append(RowError.at(row.number, detail, column=column, value=cell(column)))

        number = unicodedata.normalize("NFKC", cell(COL_STAFF))
        if not number:
            fail(COL_STAFF, "職員番号を入力してください。")
        elif number not in known_staff:
            fail(
                COL_STAFF,
                f"職員番号 {number} の職員が見つからないか、あなたが記録を変更できる職員ではありません。",
            )
        category = CATEGORIES.get(_key(cell(COL_CATEGORY)))
        if category is None:
            fail(COL_CATEGORY, "区分は「勤務」「休業」「修了」のいずれかにしてください。")
        start = end = None
        try:
            start = parse_day(cell(COL_START))
        except ValueError as exc:
            fail(COL_START, str(exc))
        try:
            end = parse_day(cell(COL_END))
        except ValueError as exc:
            fail(COL_END, str(exc))
        kind = training = ""
        year = None
        note = cell(COL_NOTE)
        if category in (SERVICE, LEAVE):
            table = SERVICE_KINDS if category == SERVICE else LEAVE_KINDS
            found = table.get(_key(cell(COL_KIND)))
            if found is None:
                what = "勤務" if category == SERVICE else "休業"
                if not cell(COL_KIND):
                    fail(COL_KIND, f"{what}の種類を入力してください。")
                else:
                    fail(
                        COL_KIND,
                        f"{what}の種類として使えません (使えるもの: {_labels(category)})。",
                    )
            else:
                kind = found
            if start is None and not cell(COL_START):
                fail(COL_START, "開始日を入力してください。")
            if start is not None and end is not None and end < start:
                fail(COL_END, f"終了日 {end.isoformat()} が開始日 {start.isoformat()} より前です。")
        elif category == COMPLETED:
            name = cell(COL_TRAINING)
            found = TRAININGS.get(_key(name))
            if found is None:
                fail(
                    COL_TRAINING,
                    "研修は「教職2年次研修」「教職6年次研修」「中堅教諭等資質向上研修」"
                    "(又は同等の研修の名前) にしてください。"
                    if name
                    else "修了した研修の名前を入力してください。",
                )
            else:
                training = found
                if _key(name) not in _OWN_TRAINING_NAMES and not note:
                    note = name
                first = seen_completed.setdefault((number, found), row.number)
                if first != row.number:
                    fail(COL_TRAINING, f"{first}行目と同じ研修の修了が重複しています。")
            year = wareki.fiscal_year(start) if start else None
        if len(errors) == before and category is not None:
            parsed.append(
                RecordRow(
                    row=row.number,
                    staff_number=number,
                    category=category,
                    kind=kind,
                    start=start,
                    end=end if category != COMPLETED else None,
                    training=training,
                    year=year,
                    note=note[:200],
                )
            )
    return parsed, errors


def _labels(category: str) -> str:
    kinds = ServiceKind if category == SERVICE else LeaveKind
    return "、".join(kind.label for kind in kinds)
