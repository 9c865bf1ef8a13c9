"""Reading and checking the rows of an import file (pure: no database).

A file is a CSV (UTF-8, UTF-8 with BOM or CP932) or an .xlsx whose first non-blank row is
the header, in Japanese. Every cell is checked here against its column's rules and every
problem becomes a :class:`~manabi.core.csvio.RowError` naming the row, the column and the
value; the rows that pass become :class:`StaffRow` / :class:`OrganisationRow`. What needs the
database (does the code exist, is it within the jurisdiction …) is decided later by
:mod:`manabi.imports.plans` over a snapshot.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from manabi.core.codes import validate_local_government_code, validate_school_code
from manabi.core.csvio import CsvRow, RowError, read_csv, unneutralise_cell
from manabi.core.kana import is_kana
from manabi.core.wareki import parse_wareki
from manabi.core.xlsx import UnsafeSpreadsheet, read_xlsx
from manabi.orgs.models import Founder, HighSchoolCourse, OrganisationKind, SchoolType
from manabi.people.choices import EmploymentType, JobTitle

MAX_ROWS = 100_000
PROGRESS_EVERY = 5000
MAX_FILE_BYTES = 20 * 1024 * 1024

T = TypeVar("T")


class Movement(models.TextChoices):
    """異動区分: what a staff row asks for."""

    NEW_HIRE = "new_hire", "新規採用"
    TRANSFER = "transfer", "異動"
    CONCURRENT = "concurrent", "兼務"
    RETIREMENT = "retirement", "退職"
    NO_CHANGE = "no_change", "変更なし"


# --- columns --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an import file: its Japanese header, what goes in it, an example."""

    name: str
    key: str
    required: bool
    rule: str
    example: str
    choices: type[models.TextChoices] | None = None

    @property
    def allowed(self) -> list[str]:
        """The values the column accepts, when it is a list of labels."""
        return [str(label) for label in self.choices.labels] if self.choices else []


STAFF_COLUMNS: tuple[Column, ...] = (
    Column("職員番号", "staff_number", True, "半角数字8桁。1人につき1行。", "10012345"),
    Column("氏名", "name", True, "新規採用では必須。100文字まで。", "山田 太郎"),
    Column("ふりがな", "kana", True, "新規採用では必須。ひらがな又はカタカナ。", "やまだ たろう"),
    Column("旧姓・通称", "alias_name", False, "使う人だけ。画面や帳票ではこちらを表示。", ""),
    Column(
        "生年月日",
        "birth_date",
        False,
        "西暦(2000-04-01、2000/4/1)か和暦(H12.4.1、平成12年4月1日)。",
        "H2.4.1",
    ),
    Column("職名", "job_title", True, "新規採用では必須。", "教諭", JobTitle),
    Column(
        "任用形態", "employment_type", False, "新規採用で空欄なら正規。", "正規", EmploymentType
    ),
    Column(
        "県費負担",
        "prefecture_funded",
        False,
        "○ か ×(1/0、はい/いいえ も可)。新規採用で空欄なら ○。",
        "○",
    ),
    Column(
        "所属コード",
        "org_code",
        True,
        "新規採用・異動・兼務では必須。組織の所属コード。",
        "S00001",
    ),
    Column("異動区分", "movement", True, "行ごとに1つ。", "新規採用", Movement),
    Column(
        "発令日",
        "effective",
        True,
        "新規採用・異動・兼務・退職では必須(書き方は生年月日と同じ)。退職は退職日。",
        "2026-04-01",
    ),
)

ORGANISATION_COLUMNS: tuple[Column, ...] = (
    Column("所属コード", "code", True, "半角英数字20文字まで。このコードで組織を特定。", "S01234"),
    Column("種別", "kind", True, "", "学校・園", OrganisationKind),
    Column("名称", "name", True, "100文字まで。", "みなみ第二小学校"),
    Column("名称かな", "name_kana", False, "ひらがな又はカタカナ。", "みなみだいにしょうがっこう"),
    Column(
        "上位所属コード",
        "parent_code",
        False,
        "上位の組織の所属コード。このファイルの後の行の組織でも可。",
        "M00001",
    ),
    Column("全国地方公共団体コード", "local_government_code", False, "検査数字を含む6桁。", ""),
    Column("学校コード", "school_code", False, "文部科学省の13桁の学校コード。", ""),
    Column(
        "学校種", "school_type", False, "種別が「学校・園」のときは必須。", "小学校", SchoolType
    ),
    Column("課程", "high_school_course", False, "", "", HighSchoolCourse),
    Column("設置者", "founder", False, "種別が「学校・園」のときは必須。", "市町村立", Founder),
    Column("電話番号", "phone", False, "半角数字とハイフン。", "0120-000-000"),
)

# Headers people commonly write for the same column.
HEADER_ALIASES = {
    "名称(かな)": "名称かな",
    "フリガナ": "ふりがな",
    "旧姓/通称": "旧姓・通称",
    "旧姓・通称名": "旧姓・通称",
}


# --- reading the file -----------------------------------------------------------------------


@dataclass(slots=True)
class Table:
    """The cells of an uploaded file as text, before any column is looked at."""

    encoding: str  # "utf-8", "utf-8-sig", "cp932" or "xlsx"
    header: list[str]
    rows: list[CsvRow]
    errors: list[RowError]


def read_table(data: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """Read a CSV or an .xlsx (told apart by content, not by the file name)."""
    if data.startswith(b"PK\x03\x04"):
        try:
            sheet = read_xlsx(data, max_rows=max_rows, max_bytes=MAX_FILE_BYTES)
        except UnsafeSpreadsheet as exc:
            return Table("xlsx", [], [], [RowError.at(0, str(exc))])
        return Table("xlsx", sheet.header, sheet.rows, list(sheet.errors))
    csv = read_csv(data, max_rows=max_rows)
    return Table(csv.encoding, csv.header, csv.rows, list(csv.errors))


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def clean_cell(raw: str) -> str:
    """A cell as the person meant it: a formula guard (leading ') removed, spaces trimmed."""
    return unneutralise_cell(raw).strip()


def map_header(
    header: Sequence[str], columns: Sequence[Column]
) -> tuple[dict[str, int], list[RowError]]:
    """Where each column is (key → index); missing, repeated or unknown headers are errors."""
    known = {column.name: column for column in columns}
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(header):
        name = _nfkc(raw)
        name = HEADER_ALIASES.get(name, name)
        if not name:
            continue
        column = known.get(name)
        if column is None:
            allowed = "、".join(c.name for c in columns)
            errors.append(
                RowError.at(
                    0,
                    f"見出し行の「{raw}」は使えない列名です。使える列名: {allowed}。",
                    column=raw,
                    value=raw,
                )
            )
        elif column.key in positions:
            errors.append(
                RowError.at(
                    0, f"見出し行に「{name}」の列が2つあります。1つにしてください。", column=name
                )
            )
        else:
            positions[column.key] = index
    for column in columns:
        if column.required and column.key not in positions:
            errors.append(
                RowError.at(
                    0,
                    f"見出し行に「{column.name}」の列がありません。"
                    "ひな形の見出し行をそのまま使ってください。",
                    column=column.name,
                )
            )
    return positions, errors


# --- cells ----------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be used; ``str()`` is the Japanese reason (without the location)."""


_STAFF_NUMBER = re.compile(r"[0-9]{8}")
_ORG_CODE = re.compile(r"[0-9A-Za-z_-]{1,20}")
_PHONE = re.compile(r"[0-9][0-9()-]{0,19}")
_ISO_DATE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_KANJI_DATE = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日")
_ERA_START = re.compile(r"[明大昭平令MTSHRmtshr]")
_DATE_EXAMPLES = "例: 2025-04-01、2025/4/1、R7.4.1、令和7年4月1日"
EARLIEST_DATE = date(1900, 1, 1)

TRUE_WORDS = frozenset({"○", "〇", "◯", "1", "はい", "true", "TRUE", "True"})
FALSE_WORDS = frozenset({"×", "✕", "0", "いいえ", "false", "FALSE", "False"})


def parse_staff_number(text: str) -> str:
    value = _nfkc(text)
    if _STAFF_NUMBER.fullmatch(value):
        return value
    hint = ""
    if value.isdigit() and len(value) < 8:
        hint = "Excel で先頭の0が消えていないか確認してください。"
    raise CellError(f"職員番号は半角数字8桁で入力してください。{hint}")


def parse_org_code(text: str, what: str = "所属コード") -> str:
    value = _nfkc(text)
    if _ORG_CODE.fullmatch(value):
        return value
    raise CellError(f"{what}は半角英数字(と - _)20文字以内で入力してください。")


def parse_date(text: str) -> date:
    """A date written as 2025-04-01, 2025/4/1, 2025年4月1日, R7.4.1 or 令和7年4月1日."""
    value = _nfkc(text)
    match = _ISO_DATE.fullmatch(value) or _KANJI_DATE.fullmatch(value)
    if match is not None:
        year, month, day = (int(part) for part in match.groups())
        try:
            result = date(year, month, day)
        except ValueError:
            raise CellError(f"{year}年{month}月{day}日は存在しない日付です。") from None
    elif _ERA_START.match(value):
        try:
            result = parse_wareki(value)
        except ValueError as exc:
            raise CellError(f"{exc}。") from None
    else:
        raise CellError(f"日付として読み取れません({_DATE_EXAMPLES})。")
    if result < EARLIEST_DATE:
        raise CellError("1900年より前の日付は入力できません。")
    return result


def parse_flag(text: str) -> bool:
    value = _nfkc(text)
    if value in TRUE_WORDS or text.strip() in TRUE_WORDS:
        return True
    if value in FALSE_WORDS or text.strip() in FALSE_WORDS:
        return False
    raise CellError("○ か × で入力してください(1/0、はい/いいえ も使えます)。")


@cache
def label_map(choices: type[models.TextChoices]) -> dict[str, str]:
    """Japanese label (NFKC) → stored value."""
    return {_nfkc(str(label)): str(value) for value, label in choices.choices}


def parse_label(text: str, choices: type[models.TextChoices], what: str) -> str:
    value = label_map(choices).get(_nfkc(text))
    if value is not None:
        return value
    allowed = "、".join(str(label) for label in choices.labels)
    raise CellError(f"{what}に「{text}」は使えません。使える値: {allowed}。")


def parse_text(text: str, what: str, max_length: int) -> str:
    if len(text) > max_length:
        raise CellError(f"{what}は{max_length}文字以内で入力してください({len(text)}文字)。")
    return text


def parse_kana(text: str, what: str, max_length: int) -> str:
    parse_text(text, what, max_length)
    if not is_kana(text):
        raise CellError(f"{what}はひらがな又はカタカナで入力してください。")
    return text


def _validated_code(text: str, validator: Callable[[object], None]) -> str:
    value = _nfkc(text)
    try:
        validator(value)
    except ValidationError as exc:
        raise CellError("。".join(m.rstrip("。") for m in exc.messages) + "。") from None
    return value


def parse_local_government_code(text: str) -> str:
    return _validated_code(text, validate_local_government_code)


def parse_school_code(text: str) -> str:
    return _validated_code(text.upper(), validate_school_code)


def parse_phone(text: str) -> str:
    value = _nfkc(text).replace("ー", "-").replace("‐", "-")
    if _PHONE.fullmatch(value):
        return value
    raise CellError("電話番号は半角数字とハイフンで20文字以内で入力してください。")


class Cells:
    """The cells of one data row by column key, collecting errors per cell."""

    def __init__(self, row: CsvRow, positions: dict[str, int], columns: dict[str, Column]) -> None:
        self.number = row.number
        self.values = row.values
        self.positions = positions
        self.columns = columns
        self.errors: list[RowError] = []

    def raw(self, key: str) -> str:
        index = self.positions.get(key)
        if index is None or index >= len(self.values):
            return ""
        return clean_cell(self.values[index])

    def error(self, key: str, message: str) -> None:
        self.errors.append(
            RowError.at(self.number, message, column=self.columns[key].name, value=self.raw(key))
        )

    def get(self, key: str, parse: Callable[[str], T], default: T) -> T:
        text = self.raw(key)
        if not text:
            return default
        try:
            return parse(text)
        except CellError as exc:
            self.error(key, str(exc))
            return default

    def require(self, key: str, because: str) -> None:
        if not self.raw(key):
            name = self.columns[key].name
            self.errors.append(
                RowError.at(
                    self.number, f"{name}を入力してください({because})。", column=name, value=""
                )
            )


def _duplicates(
    keys: Sequence[tuple[int, str]], column: str, describe: Callable[[str, int], str]
) -> list[RowError]:
    """An error on every row whose key already appeared on an earlier row."""
    first: dict[str, int] = {}
    errors = []
    for number, key in keys:
        if not key:
            continue
        if key in first:
            errors.append(RowError.at(number, describe(key, first[key]), column=column, value=key))
        else:
            first[key] = number
    return errors


# --- staff (教職員) --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffRow:
    """One checked row of a staff file. Empty text / None means "not given" (keep as is)."""

    row: int
    staff_number: str
    movement: Movement
    name: str
    kana: str
    alias_name: str
    birth_date: date | None
    job_title: str
    employment_type: str
    prefecture_funded: bool | None
    org_code: str
    effective: date | None


NEEDS_ORGANISATION = frozenset({Movement.NEW_HIRE, Movement.TRANSFER, Movement.CONCURRENT})
NEEDS_DATE = frozenset(
    {Movement.NEW_HIRE, Movement.TRANSFER, Movement.CONCURRENT, Movement.RETIREMENT}
)


def parse_staff_row(cells: Cells) -> StaffRow | None:
    movement_text = cells.raw("movement")
    movement = cells.get("movement", lambda t: Movement(parse_label(t, Movement, "異動区分")), None)
    if not movement_text:
        cells.require("movement", "新規採用・異動・兼務・退職・変更なし のいずれか")
    number = cells.get("staff_number", parse_staff_number, "")
    if not cells.raw("staff_number"):
        cells.require("staff_number", "必須の項目です")
    name = cells.get("name", lambda t: parse_text(t, "氏名", 100), "")
    kana = cells.get("kana", lambda t: parse_kana(t, "ふりがな", 200), "")
    alias = cells.get("alias_name", lambda t: parse_text(t, "旧姓・通称", 100), "")
    birth = cells.get("birth_date", parse_date, None)
    title = cells.get("job_title", lambda t: parse_label(t, JobTitle, "職名"), "")
    employment = cells.get(
        "employment_type", lambda t: parse_label(t, EmploymentType, "任用形態"), ""
    )
    funded = cells.get("prefecture_funded", parse_flag, None)
    org_code = cells.get("org_code", parse_org_code, "")
    effective = cells.get("effective", parse_date, None)
    if movement is not None:
        because = f"異動区分が「{movement.label}」のときは必須です"
        if movement == Movement.NEW_HIRE:
            for key in ("name", "kana", "job_title"):
                cells.require(key, because)
        if movement in NEEDS_ORGANISATION:
            cells.require("org_code", because)
        if movement in NEEDS_DATE:
            cells.require("effective", because)
    if birth is not None and effective is not None and birth >= effective:
        cells.error("birth_date", "生年月日が発令日以後になっています。")
    if cells.errors or movement is None:
        return None
    return StaffRow(
        row=cells.number,
        staff_number=number,
        movement=movement,
        name=name,
        kana=kana,
        alias_name=alias,
        birth_date=birth,
        job_title=title,
        employment_type=employment,
        prefecture_funded=funded,
        org_code=org_code,
        effective=effective,
    )


def parse_staff_rows(
    table: Table, *, progress: Callable[[int], None] | None = None
) -> tuple[list[StaffRow], list[RowError]]:
    """Check every row of a staff file; duplicates of 職員番号 are errors on the later row."""
    return parse_rows(
        table,
        STAFF_COLUMNS,
        parse_staff_row,
        progress=progress,
        key="staff_number",
        normalise=lambda text: _nfkc(text),
        describe=lambda key, first: (
            f"職員番号「{key}」は{first}行目にもあります。1人につき1行にしてください"
            "(兼務などは別のファイルで登録してください)。"
        ),
    )


# --- organisations (組織) --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    """One checked row of an organisation file. Empty text means "not given"."""

    row: int
    code: str
    kind: str
    name: str
    name_kana: str
    parent_code: str
    local_government_code: str
    school_code: str
    school_type: str
    high_school_course: str
    founder: str
    phone: str


def parse_organisation_row(cells: Cells) -> OrganisationRow | None:
    for key in ("code", "kind", "name"):
        cells.require(key, "必須の項目です")
    code = cells.get("code", parse_org_code, "")
    kind = cells.get("kind", lambda t: parse_label(t, OrganisationKind, "種別"), "")
    name = cells.get("name", lambda t: parse_text(t, "名称", 100), "")
    kana = cells.get("name_kana", lambda t: parse_kana(t, "名称かな", 200), "")
    parent = cells.get("parent_code", lambda t: parse_org_code(t, "上位所属コード"), "")
    lg_code = cells.get("local_government_code", parse_local_government_code, "")
    school_code = cells.get("school_code", parse_school_code, "")
    school_type = cells.get("school_type", lambda t: parse_label(t, SchoolType, "学校種"), "")
    course = cells.get("high_school_course", lambda t: parse_label(t, HighSchoolCourse, "課程"), "")
    founder = cells.get("founder", lambda t: parse_label(t, Founder, "設置者"), "")
    phone = cells.get("phone", parse_phone, "")
    if kind and kind != OrganisationKind.SCHOOL:
        for key in ("school_type", "school_code", "high_school_course"):
            if cells.raw(key):
                cells.error(
                    key, f"{cells.columns[key].name}は種別が「学校・園」のときだけ入力できます。"
                )
    if code and parent and code == parent:
        cells.error("parent_code", "上位所属コードに自分自身の所属コードは指定できません。")
    if cells.errors:
        return None
    return OrganisationRow(
        row=cells.number,
        code=code,
        kind=kind,
        name=name,
        name_kana=kana,
        parent_code=parent,
        local_government_code=lg_code,
        school_code=school_code,
        school_type=school_type,
        high_school_course=course,
        founder=founder,
        phone=phone,
    )


def parse_organisation_rows(
    table: Table, *, progress: Callable[[int], None] | None = None
) -> tuple[list[OrganisationRow], list[RowError]]:
    rows, errors = parse_rows(
        table,
        ORGANISATION_COLUMNS,
        parse_organisation_row,
        progress=progress,
        key="code",
        normalise=lambda text: _nfkc(text),
        describe=lambda key, first: (
            f"所属コード「{key}」は{first}行目にもあります。1つの組織は1行にしてください。"
        ),
    )
    errors.extend(
        _duplicates(
            [(r.row, r.school_code) for r in rows],
            "学校コード",
            lambda key, first: f"学校コード「{key}」は{first}行目の組織にも指定されています。",
        )
    )
    if any(e.column == "学校コード" for e in errors):
        bad = {e.row for e in errors}
        rows = [r for r in rows if r.row not in bad]
    return rows, errors


# --- shared ---------------------------------------------------------------------------------


class _Numbered(Protocol):
    @property
    def row(self) -> int: ...


R = TypeVar("R", bound=_Numbered)


def parse_rows(
    table: Table,
    columns: Sequence[Column],
    parse_row: Callable[[Cells], R | None],
    *,
    progress: Callable[[int], None] | None,
    key: str,
    normalise: Callable[[str], str],
    describe: Callable[[str, int], str],
) -> tuple[list[R], list[RowError]]:
    errors = list(table.errors)
    if errors and not table.header:
        return [], errors
    positions, header_errors = map_header(table.header, columns)
    errors.extend(header_errors)
    if header_errors:
        return [], errors
    if not table.rows:
        errors.append(
            RowError.at(0, "データ行がありません。見出し行の下に1行以上入力してください。")
        )
        return [], errors
    by_key = {column.key: column for column in columns}
    bad_rows = {error.row for error in errors}
    rows: list[R] = []
    for done, row in enumerate(table.rows, start=1):
        cells = Cells(row, positions, by_key)
        parsed = parse_row(cells)
        errors.extend(cells.errors)
        if parsed is not None and row.number not in bad_rows:
            rows.append(parsed)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    key_index = positions[key]
    keys = [
        (
            row.number,
            normalise(clean_cell(row.values[key_index])) if key_index < len(row.values) else "",
        )
        for row in table.rows
    ]
    duplicates = _duplicates(keys, by_key[key].name, describe)
    if duplicates:
        errors.extend(duplicates)
        again = {error.row for error in duplicates}
        rows = [r for r in rows if r.row not in again]
    errors.sort(key=lambda error: error.row)
    return rows, errors


def template_rows(columns: Sequence[Column]) -> tuple[list[str], list[str]]:
    """Header and one example row for the downloadable template (ひな形)."""
    return [c.name for c in columns], [c.example for c in columns]
