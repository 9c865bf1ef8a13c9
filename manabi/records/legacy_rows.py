"""Reading the rows of a legacy history file (移行データ: Asttra などの研修履歴), without the
database.

One row per training in a person's past history, keyed by 職員番号::

    | 職員番号 | 研修名 | 主催者 | 研修事業番号 | 区分 | 開始日 | 終了日 | 時間 | 形態 | 修了 | 育成指標 | 備考 | 履歴ID |

Every row gets a *reference* (``source_ref``) that stays the same when the same history is
imported again, whatever the file looks like: ``import:id:<履歴ID>`` when the old system's
record ID is given, else ``import:<digest>`` of the row's facts (person, training, dates,
hours …). Re-importing therefore adds nothing. Problems become ``RowError``s naming the row,
the column and the value; what needs the database (is the person in the jurisdiction, do the
育成指標 codes exist) is decided in :mod:`manabi.records.legacy`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from manabi.core import wareki
from manabi.core.csvio import RowError
from manabi.imports.rows import (
    CellError,
    Cells,  # the per-row cell reader of every import
    Column,
    Table,
    map_header,
    parse_date,
    parse_flag,
    parse_staff_number,
    parse_text,
)
from manabi.records.choices import CATEGORY_SHORT, RecordCategory, TrainingFormat

PROGRESS_EVERY = 5000
NO_CODES: tuple[str, ...] = ()
REQUIRED = ("staff_number", "title", "organiser", "category", "start", "hours")
MAX_HOURS = Decimal("999.9")

COLUMNS: tuple[Column, ...] = (
    Column("職員番号", "staff_number", True, "半角数字8桁。", "10012345"),
    Column("研修名", "title", True, "200文字まで。", "初任者研修(授業づくり)"),
    Column("主催者", "organiser", True, "200文字まで。", "県総合教育センター"),
    Column("研修事業番号", "programme_number", False, "分かるときだけ。20文字まで。", "2023309001"),
    Column(
        "区分",
        "category",
        True,
        "必須記録研修 i〜iii、その他 i〜iii(校内研修・研究、自主研修も可)。",
        "必須 i",
        RecordCategory,
    ),
    Column(
        "開始日",
        "start",
        True,
        "西暦(2023-06-01、2023/6/1)か和暦(R5.6.1、令和5年6月1日)。",
        "2023-06-01",
    ),
    Column("終了日", "end", False, "空欄なら開始日と同じ。", "2023-06-01"),
    Column("時間", "hours", True, "時間数(3、3.5、3時間、90分)。", "3.5"),
    Column("形態", "format", False, "空欄なら対面。", "対面", TrainingFormat),
    Column("修了", "completed", False, "○ か ×。空欄なら ○。", "○"),
    Column(
        "育成指標",
        "items",
        False,
        "紐づける育成指標の項目番号。複数はスペースか「、」で区切る。",
        "A-1 B-2",
    ),
    Column("備考", "note", False, "", ""),
    Column(
        "履歴ID",
        "legacy_id",
        False,
        "移行元のシステムでの記録の番号。あれば同じ記録を二重に登録しません。60文字まで。",
        "AS-000123",
    ),
)

HEADER_ALIASES = {
    "研修番号": "研修事業番号",
    "時間数": "時間",
    "受講時間": "時間",
    "研修区分": "区分",
    "主催機関": "主催者",
    "実施形態": "形態",
    "修了状況": "修了",
    "育成指標項目": "育成指標",
}


def _key(text: str) -> str:
    """Labels compared without width, spaces, ・ and brackets."""
    return re.sub(r"[\s・、,()（）「」]", "", unicodedata.normalize("NFKC", text)).lower()


def _table(pairs: dict[str, str]) -> dict[str, str]:
    return {_key(label): value for label, value in pairs.items()}


CATEGORIES = _table(
    {
        **{str(c.label): c.value for c in RecordCategory},
        **{c.value: c.value for c in RecordCategory},
        **{short: value for value, short in CATEGORY_SHORT.items()},
        "必須記録研修i": RecordCategory.REQUIRED_I,
        "必須記録研修ii": RecordCategory.REQUIRED_II,
        "必須記録研修iii": RecordCategory.REQUIRED_III,
        "必須1": RecordCategory.REQUIRED_I,
        "必須2": RecordCategory.REQUIRED_II,
        "必須3": RecordCategory.REQUIRED_III,
        "その他1": RecordCategory.OTHER_I,
        "その他2": RecordCategory.OTHER_II,
        "その他3": RecordCategory.OTHER_III,
        "校内研修": RecordCategory.OTHER_II,
        "校内研究": RecordCategory.OTHER_II,
        "自主研修": RecordCategory.OTHER_III,
        "免許法認定講習": RecordCategory.REQUIRED_III,
        "大学院修学休業": RecordCategory.REQUIRED_II,
    }
)
FORMATS = _table(
    {
        **{str(f.label): f.value for f in TrainingFormat},
        **{f.value: f.value for f in TrainingFormat},
        "集合": TrainingFormat.IN_PERSON,
        "集合研修": TrainingFormat.IN_PERSON,
        "オンライン": TrainingFormat.LIVE_ONLINE,
        "ライブ配信": TrainingFormat.LIVE_ONLINE,
        "同時双方向": TrainingFormat.LIVE_ONLINE,
        "動画視聴": TrainingFormat.ON_DEMAND,
    }
)
_HOURS = re.compile(r"([0-9]+(?:\.[0-9])?)\s*(時間)?")
_MINUTES = re.compile(r"([0-9]+)\s*分")
_HOURS_MINUTES = re.compile(r"([0-9]+)\s*時間\s*([0-9]+)\s*分")
_ITEM_SPLIT = re.compile(r"[\s,、，;；/／]+")
_ITEM_CODE = re.compile(r"[0-9A-Za-z._-]{1,20}")


def parse_category(text: str) -> str:
    value = CATEGORIES.get(_key(text))
    if value is None:
        raise CellError(
            f"区分に「{text}」は使えません。必須 i・必須 ii・必須 iii・その他 i・"
            "校内研修・研究・自主研修 のいずれか(又は区分の正式な名前)にしてください。"
        )
    return str(value)


def parse_format(text: str) -> str:
    value = FORMATS.get(_key(text))
    if value is None:
        allowed = "、".join(str(label) for label in TrainingFormat.labels)
        raise CellError(f"形態に「{text}」は使えません。使える値: {allowed}。")
    return str(value)


def parse_hours(text: str) -> Decimal:
    value = unicodedata.normalize("NFKC", text).strip()
    if match := _HOURS_MINUTES.fullmatch(value):
        hours = Decimal(match[1]) + Decimal(match[2]) / 60
    elif match := _MINUTES.fullmatch(value):
        hours = Decimal(match[1]) / 60
    elif match := _HOURS.fullmatch(value):
        try:
            hours = Decimal(match[1])
        except InvalidOperation:
            raise CellError("時間は数で入力してください(例: 3、3.5、90分)。") from None
    else:
        raise CellError("時間は数で入力してください(例: 3、3.5、3時間、90分)。")
    hours = hours.quantize(Decimal("0.1"))
    if hours < 0 or hours > MAX_HOURS:
        raise CellError(f"時間は0〜{MAX_HOURS}の範囲で入力してください。")
    return hours


def parse_item_codes(text: str) -> tuple[str, ...]:
    codes = tuple(
        dict.fromkeys(c for c in _ITEM_SPLIT.split(unicodedata.normalize("NFKC", text)) if c)
    )
    bad = [c for c in codes if not _ITEM_CODE.fullmatch(c)]
    if bad:
        raise CellError(f"育成指標の項目番号「{bad[0]}」の書き方が正しくありません。")
    return codes


def parse_programme_number(text: str) -> str:
    return parse_text(unicodedata.normalize("NFKC", text).strip(), "研修事業番号", 20)


def parse_legacy_id(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).strip()
    if len(value) > 60:
        raise CellError("履歴IDは60文字以内にしてください。")
    return value


@dataclass(frozen=True, slots=True)
class LegacyRow:
    """One checked row of a legacy file."""

    row: int
    staff_number: str
    title: str
    organiser: str
    programme_number: str
    category: str
    start: date
    end: date
    hours: Decimal
    format: str
    completed: bool
    item_codes: tuple[str, ...]
    note: str
    legacy_id: str

    @property
    def fiscal_year(self) -> int:
        return wareki.fiscal_year(self.start)

    @property
    def source_ref(self) -> str:
        """The same for the same history, however the file is written."""
        if self.legacy_id:
            return f"import:id:{self.legacy_id}"
        facts = "\x1f".join(
            [
                self.staff_number,
                unicodedata.normalize("NFKC", self.title).strip(),
                unicodedata.normalize("NFKC", self.organiser).strip(),
                self.programme_number,
                self.category,
                self.start.isoformat(),
                self.end.isoformat(),
                str(self.hours),
                self.format,
                "1" if self.completed else "0",
            ]
        )
        return "import:" + hashlib.sha256(facts.encode("utf-8")).hexdigest()[:40]


def parse_legacy_rows(
    table: Table, *, progress: Callable[[int], None] | None = None
) -> tuple[list[LegacyRow], list[RowError]]:
    """Check every row; a reference that appears twice is an error on the later row."""
    errors = list(table.errors)
    if errors and not table.header:
        return [], errors
    header = [HEADER_ALIASES.get(unicodedata.normalize("NFKC", h).strip(), h) for h in table.header]
    positions, header_errors = map_header(header, COLUMNS)
    if header_errors:
        return [], errors + header_errors
    if not table.rows:
        return [], [
            *errors,
            RowError.at(0, "データ行がありません。見出し行の下に1行以上入力してください。"),
        ]
    by_key = {column.key: column for column in COLUMNS}
    rows: list[LegacyRow] = []
    first: dict[tuple[str, str], int] = {}
    for done, raw in enumerate(table.rows, start=1):
        cells = Cells(raw, positions, by_key)
        for key in REQUIRED:
            if not cells.raw(key):
                cells.require(key, "必須の項目です")
        number = cells.get("staff_number", parse_staff_number, "")
        title = cells.get("title", lambda t: parse_text(t, "研修名", 200), "")
        organiser = cells.get("organiser", lambda t: parse_text(t, "主催者", 200), "")
        programme = cells.get("programme_number", parse_programme_number, "")
        category = cells.get("category", parse_category, "")
        start = cells.get("start", parse_date, None)
        end = cells.get("end", parse_date, None)
        hours = cells.get("hours", parse_hours, None)
        fmt = cells.get("format", parse_format, TrainingFormat.IN_PERSON.value)
        completed = cells.get("completed", parse_flag, True)
        items = cells.get("items", parse_item_codes, NO_CODES)
        note = cells.get("note", lambda t: parse_text(t, "備考", 1000), "")
        legacy_id = cells.get("legacy_id", parse_legacy_id, "")
        if start is not None and end is not None and end < start:
            cells.error("end", "終了日が開始日より前になっています。")
        row_errors = cells.errors
        if row_errors:
            errors.extend(row_errors)
        else:
            assert start is not None and hours is not None
            row = LegacyRow(
                row=raw.number,
                staff_number=number,
                title=title,
                organiser=organiser,
                programme_number=programme,
                category=category,
                start=start,
                end=end or start,
                hours=hours,
                format=fmt,
                completed=completed,
                item_codes=items,
                note=note,
                legacy_id=legacy_id,
            )
            ref = (row.staff_number, row.source_ref)
            if ref in first:
                what = "履歴ID" if row.legacy_id else "内容"
                errors.append(
                    RowError.at(
                        row.row,
                        f"{first[ref]}行目と同じ{what}の記録です。1つの記録は1行にしてください。",
                        column="履歴ID" if row.legacy_id else None,
                        value=row.legacy_id or None,
                    )
                )
            else:
                first[ref] = row.row
                rows.append(row)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    errors.sort(key=lambda error: error.row)
    return rows, errors


def template_rows() -> tuple[list[str], list[str]]:
    return [c.name for c in COLUMNS], [c.example for c in COLUMNS]
