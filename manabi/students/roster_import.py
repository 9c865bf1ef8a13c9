"""児童生徒名簿の取込み: pupils, guardians, classes and class lists of one school from a
CSV (UTF-8, UTF-8 BOM, CP932) or .xlsx file, on the shared import job (manabi.imports).

One row per pupil, for the acting school and the current 年度. A row either enrols a new
pupil (新規), changes an enrolled pupil's 学籍 or place in the class list (変更), or changes
nothing (変更なし); a class (学年・組) that does not exist yet is created. Empty cells of an
enrolled pupil keep what is recorded, so a class list with only 児童生徒コード・学年・組・出席番号
moves pupils between classes. Pupils enrolled at another school are refused: they move by
転出入, not by import. Registering re-checks the file in one transaction: all or nothing.

Who: the school's 生徒情報管理 (システム担当, 校長・副校長・教頭; seed 001 第21条) whose
別表1 Excel入力 scope of 児童生徒名簿 is the whole school.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from manabi.access.functions import Action
from manabi.access.selectors import acting_school_id
from manabi.accounts.selectors import Acting
from manabi.classes.models import ClassKind, SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.classes.services import grade_limit
from manabi.core.converters import is_digits
from manabi.core.csvio import RowError
from manabi.core.kana import is_full_width_kana
from manabi.imports.kinds import KindHandler
from manabi.imports.models import ImportJob, ImportKind
from manabi.imports.plans import Outcome
from manabi.imports.rows import (
    CellError,
    Cells,
    Column,
    Table,
    parse_date,
    parse_label,
    parse_phone,
    parse_rows,
    parse_text,
)
from manabi.orgs.models import Organisation
from manabi.students.models import (
    PRESENT_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    Sex,
    Student,
)
from manabi.students.permissions import can_manage_records, roster_reach

PROGRESS_EVERY = 2000
LOOKUP_CHUNK = 2000
OUTCOMES = (Outcome.NEW, Outcome.UPDATE, Outcome.UNCHANGED)
_CODE = re.compile(r"[0-9A-Za-z\-]{1,20}")

COLUMNS: tuple[Column, ...] = (
    Column(
        "児童生徒コード",
        "code",
        True,
        "半角英数字20文字まで。自治体内で1人に1つ。1人につき1行。",
        "S0000012345",
    ),
    Column("学年", "grade", True, "数字(小学校は1〜6)。", "3"),
    Column("組", "class_name", True, "「1」「2」や「ひまわり」など。ない学級は作成します。", "1"),
    Column(
        "学級種別", "class_kind", False, "新しく作る学級だけ。空欄なら通常の学級。", "", ClassKind
    ),
    Column("出席番号", "number", False, "1〜99。学級の中で重ならないこと。", "12"),
    Column("氏", "family_name", True, "新しい児童生徒では必須。40文字まで。", "山田"),
    Column("名", "given_name", True, "新しい児童生徒では必須。40文字まで。", "花子"),
    Column("氏ふりがな", "family_kana", True, "全角のひらがな又はカタカナ。", "やまだ"),
    Column("名ふりがな", "given_kana", True, "全角のひらがな又はカタカナ。", "はなこ"),
    Column("通称名", "common_name", False, "使う児童生徒だけ。80文字まで。", ""),
    Column("アルファベット表記", "alphabet_name", False, "外国籍の児童生徒など。", ""),
    Column("性別", "sex", True, "新しい児童生徒では必須。", "女", Sex),
    Column(
        "生年月日",
        "birth_date",
        True,
        "新しい児童生徒では必須。西暦(2018-05-01)か和暦(H30.5.1)。",
        "H30.5.1",
    ),
    Column("郵便番号", "postal_code", False, "半角数字とハイフン。", "000-0000"),
    Column("住所", "address", False, "200文字まで。", "みらい市中央1-2-3"),
    Column(
        "保護者氏",
        "guardian_family_name",
        False,
        "保護者を書くときは保護者氏・保護者名・続柄が必須。第1保護者を登録・変更します。",
        "山田",
    ),
    Column("保護者名", "guardian_given_name", False, "", "太郎"),
    Column("保護者氏ふりがな", "guardian_family_kana", False, "", "やまだ"),
    Column("保護者名ふりがな", "guardian_given_kana", False, "", "たろう"),
    Column("続柄", "guardian_relation", False, "父、母、祖母など。", "父"),
    Column("保護者電話番号", "guardian_phone", False, "半角数字とハイフン。", "0120-000-000"),
    Column(
        "在籍開始日",
        "start_date",
        False,
        "新しく在籍する児童生徒だけ。空欄なら年度の初め(4月1日)。",
        "",
    ),
)
PERSONAL = (
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "common_name",
    "alphabet_name",
    "sex",
    "birth_date",
    "postal_code",
    "address",
)
NEW_PUPIL_NEEDS = ("family_name", "given_name", "family_kana", "given_kana", "sex", "birth_date")
GUARDIAN_FIELDS = ("family_name", "given_name", "family_kana", "given_kana", "relation", "phone")


# --- rows (pure) -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One checked row. Empty text / None: not given (an enrolled pupil keeps what is there)."""

    row: int
    code: str
    grade: int
    class_name: str
    class_kind: str
    number: int | None
    personal: dict[str, object]
    guardian: dict[str, str]
    start_date: date | None


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_code(text: str) -> str:
    value = _nfkc(text)
    if not _CODE.fullmatch(value):
        raise CellError("半角英数字とハイフンの20文字以内で入力してください。")
    return value


def _number(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = _nfkc(text)
        if not value.isdigit() or not low <= int(value) <= high:
            raise CellError(f"{low}から{high}の数字で入力してください。")
        return int(value)

    return parse


def _kana(what: str, max_length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        # 半角ｶﾅ becomes 全角 (NFKC), as the 学籍 records it; anything else is refused.
        value = unicodedata.normalize("NFKC", text).strip()
        parse_text(value, what, max_length)
        if not is_full_width_kana(value):
            raise CellError(f"{what}は全角のひらがな又はカタカナで入力してください。")
        return value

    return parse


def _text(what: str, max_length: int) -> Callable[[str], str]:
    return lambda text: parse_text(text, what, max_length)


def _postal(text: str) -> str:
    value = _nfkc(text)
    if not re.fullmatch(r"\d{3}-?\d{4}", value):
        raise CellError("郵便番号は 123-4567 の形で入力してください。")
    return value if "-" in value else f"{value[:3]}-{value[3:]}"


def _parse_roster_row(cells: Cells) -> RosterRow | None:
    for key in ("code", "grade", "class_name"):
        cells.require(key, "どの行でも必要です")
    code = cells.get("code", parse_code, "")
    grade = cells.get("grade", _number(1, 12), 0)
    class_name = cells.get("class_name", lambda t: parse_text(_nfkc(t), "組", 20), "")
    class_kind = cells.get("class_kind", lambda t: parse_label(t, ClassKind, "学級種別"), "")
    number = cells.get("number", _number(1, 99), None)
    personal: dict[str, object] = {}
    parsers: dict[str, Callable[[str], object]] = {
        "family_name": _text("氏", 40),
        "given_name": _text("名", 40),
        "family_kana": _kana("氏ふりがな", 60),
        "given_kana": _kana("名ふりがな", 60),
        "common_name": _text("通称名", 80),
        "alphabet_name": _text("アルファベット表記", 120),
        "sex": lambda t: parse_label(t, Sex, "性別"),
        "birth_date": parse_date,
        "postal_code": _postal,
        "address": _text("住所", 200),
    }
    for key, parse in parsers.items():
        value = cells.get(key, parse, None)
        if value is not None:
            personal[key] = value
    birth = personal.get("birth_date")
    if isinstance(birth, date) and birth >= timezone.localdate():
        cells.error("birth_date", "生年月日が今日以降になっています。")
    guardian: dict[str, str] = {}
    guardian_parsers: dict[str, Callable[[str], str]] = {
        "family_name": _text("保護者氏", 40),
        "given_name": _text("保護者名", 40),
        "family_kana": _kana("保護者氏ふりがな", 60),
        "given_kana": _kana("保護者名ふりがな", 60),
        "relation": _text("続柄", 20),
        "phone": parse_phone,
    }
    for key, parse_guardian in guardian_parsers.items():
        value = cells.get(f"guardian_{key}", parse_guardian, "")
        if value:
            guardian[key] = value
    if guardian or any(cells.raw(f"guardian_{key}") for key in guardian_parsers):
        for key in ("family_name", "given_name", "relation"):
            cells.require(f"guardian_{key}", "保護者を書くときは必要です")
    start = cells.get("start_date", parse_date, None)
    if cells.errors or not code or not grade or not class_name:
        return None  # a row with errors is reported once, not planned
    return RosterRow(
        row=cells.number,
        code=code,
        grade=grade,
        class_name=class_name,
        class_kind=class_kind,
        number=number,
        personal=personal,
        guardian=guardian,
        start_date=start,
    )


def parse_roster_rows(
    table: Table, *, progress: Callable[[int], None] | None = None
) -> tuple[list[RosterRow], list[RowError]]:
    return parse_rows(
        table,
        COLUMNS,
        _parse_roster_row,
        progress=progress,
        key="code",
        normalise=_nfkc,
        describe=lambda code, first: (
            f"児童生徒コード {code} は{first}行目にもあります。1人につき1行にしてください。"
        ),
    )


# --- what is there (one school, one 年度) -------------------------------------------------


@dataclass
class RosterSnapshot:
    school: Organisation
    fiscal_year: int
    classes: dict[tuple[int, str], SchoolClass]
    students: dict[str, Student]
    guardians: dict[int, Guardian]  # student id → first guardian
    present: dict[int, Enrolment]  # student id → present enrolment this 年度 (any school)
    last_school: dict[int, int]  # student id → school of the latest enrolment
    school_names: dict[int, str]
    # (class id, 出席番号) → student id of the present pupils of this school.
    numbers: dict[tuple[int, int], int]


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def roster_snapshot(
    school: Organisation, fiscal_year: int, codes: Sequence[str], *, lock: bool
) -> RosterSnapshot:
    """Everything the plan needs, in a few queries per 2,000 codes (no query per row)."""
    if lock:
        # One roster import (or 学籍 change through it) at a time per school.
        Organisation.objects.select_for_update().filter(pk=school.pk).first()
    classes = {
        (c.grade, c.name): c
        for c in SchoolClass.objects.filter(
            school=school, fiscal_year=fiscal_year, is_provisional=False
        )
    }
    students: dict[str, Student] = {}
    for part in _chunks(sorted(set(codes))):
        students.update((s.code, s) for s in Student.objects.filter(code__in=part))
    ids = [s.pk for s in students.values()]
    guardians: dict[int, Guardian] = {}
    present: dict[int, Enrolment] = {}
    last_school: dict[int, int] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        part_ids = ids[start : start + LOOKUP_CHUNK]
        for g in Guardian.objects.filter(student_id__in=part_ids).order_by("order", "pk"):
            guardians.setdefault(g.student_id, g)
        for e in Enrolment.objects.filter(student_id__in=part_ids).order_by(
            "fiscal_year", "start_date", "pk"
        ):
            last_school[e.student_id] = e.school_id
            if (
                e.fiscal_year == fiscal_year
                and not e.is_provisional
                and e.status in PRESENT_STATUSES
                and e.end_date is None
            ):
                present[e.student_id] = e
    numbers = {
        (class_id, number): student_id
        for class_id, number, student_id in Enrolment.objects.filter(
            school=school,
            fiscal_year=fiscal_year,
            is_provisional=False,
            status__in=PRESENT_STATUSES,
            end_date__isnull=True,
            school_class__isnull=False,
            number__isnull=False,
        ).values_list("school_class_id", "number", "student_id")
        if class_id is not None and number is not None
    }
    others = {e.school_id for e in present.values()} | set(last_school.values())
    school_names = dict(Organisation.objects.filter(pk__in=others).values_list("pk", "name"))
    return RosterSnapshot(
        school=school,
        fiscal_year=fiscal_year,
        classes=classes,
        students=students,
        guardians=guardians,
        present=present,
        last_school=last_school,
        school_names=school_names,
        numbers=numbers,
    )


# --- the plan (pure over the snapshot) ---------------------------------------------------------


@dataclass
class RosterChange:
    row: int
    code: str
    outcome: Outcome
    class_key: tuple[int, str]
    number: int | None
    student: Student | None  # None: a new pupil
    personal: dict[str, object]  # the fields to set (new pupil: all of them)
    guardian: dict[str, str]  # empty: leave the guardians alone
    enrolment: Enrolment | None  # the present enrolment to move, or None to enrol
    start_date: date


@dataclass
class RosterCheck:
    """What the dry run found (the :class:`~manabi.imports.kinds.KindCheck` of the kind)."""

    errors: list[RowError]
    changes: list[RosterChange] = field(default_factory=list)
    new_classes: dict[tuple[int, str], str] = field(default_factory=dict)  # key → kind
    snapshot: RosterSnapshot | None = None

    @property
    def outcomes(self) -> list[Outcome]:
        return [c.outcome for c in self.changes]

    @property
    def plan(self) -> list[list[object]]:
        return [[c.row, c.code, c.outcome.value] for c in self.changes]

    @property
    def notes(self) -> list[str]:
        if self.snapshot is None:
            return []
        year = self.snapshot.fiscal_year
        notes = [f"{year}年度の{self.snapshot.school.name}の名簿に登録します。"]
        for (grade, name), kind in sorted(self.new_classes.items()):
            label = SchoolClass(grade=grade, name=name).label
            notes.append(f"学級「{label}」({ClassKind(kind).label})を新しく作成します。")
        return notes


def _error(row: RosterRow, column: str, message: str, value: str = "") -> RowError:
    return RowError.at(row.row, message, column=column, value=value or row.code)


def _guardian_changes(row: RosterRow, current: Guardian | None) -> dict[str, str]:
    if not row.guardian:
        return {}
    wanted = {key: row.guardian.get(key, "") for key in GUARDIAN_FIELDS}
    if current is not None and all(getattr(current, k) == v for k, v in wanted.items()):
        return {}
    return wanted


def plan_roster(
    rows: Sequence[RosterRow],
    snapshot: RosterSnapshot,
    *,
    progress: Callable[[int], None] | None = None,
) -> RosterCheck:
    check = RosterCheck(errors=[], snapshot=snapshot)
    school = snapshot.school
    top = grade_limit(school)
    fiscal_start = date(snapshot.fiscal_year, 4, 1)
    for done, row in enumerate(rows, start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
        if row.grade > top:
            check.errors.append(
                _error(row, "学年", f"この学校の学年は1から{top}です。", str(row.grade))
            )
            continue
        key = (row.grade, row.class_name)
        existing_class = snapshot.classes.get(key)
        if existing_class is None:
            kind = row.class_kind or check.new_classes.get(key) or ClassKind.REGULAR
            check.new_classes[key] = kind
        elif row.class_kind and row.class_kind != existing_class.kind:
            check.errors.append(
                _error(
                    row,
                    "学級種別",
                    f"{existing_class.label}は{existing_class.get_kind_display()}です。"
                    "登録済みの学級の種別は学級の画面で変えてください。",
                    ClassKind(row.class_kind).label,
                )
            )
            continue
        student = snapshot.students.get(row.code)
        if student is None:
            missing = [c for c in COLUMNS if c.key in NEW_PUPIL_NEEDS and c.key not in row.personal]
            for column in missing:
                check.errors.append(
                    _error(row, column.name, f"新しい児童生徒なので{column.name}が必要です。", " ")
                )
            if missing:
                continue
            check.changes.append(
                RosterChange(
                    row=row.row,
                    code=row.code,
                    outcome=Outcome.NEW,
                    class_key=key,
                    number=row.number,
                    student=None,
                    personal=dict(row.personal),
                    guardian=_guardian_changes(row, None),
                    enrolment=None,
                    start_date=row.start_date or fiscal_start,
                )
            )
            continue
        enrolment = snapshot.present.get(student.pk)
        if enrolment is not None and enrolment.school_id != school.pk:
            where = snapshot.school_names.get(enrolment.school_id, "他の学校")
            check.errors.append(
                _error(
                    row,
                    "児童生徒コード",
                    f"この児童生徒は{where}に在籍しています。"
                    "転校は転出・転入の手続きで行ってください。",
                )
            )
            continue
        last = snapshot.last_school.get(student.pk)
        if enrolment is None and last is not None and last != school.pk:
            where = snapshot.school_names.get(last, "他の学校")
            check.errors.append(
                _error(
                    row,
                    "児童生徒コード",
                    f"この児童生徒の最後の在籍は{where}です。"
                    "転入は「転出入」の画面で受け入れてください。",
                )
            )
            continue
        personal = {k: v for k, v in row.personal.items() if getattr(student, k) != v}
        guardian = _guardian_changes(row, snapshot.guardians.get(student.pk))
        class_id = existing_class.pk if existing_class else None
        number = row.number
        if number is None and enrolment is not None and enrolment.school_class_id == class_id:
            number = enrolment.number  # an empty 出席番号 keeps the number in the same class
        moved = enrolment is None or (
            (enrolment.school_class_id, enrolment.number, enrolment.grade)
            != (class_id, number, row.grade)
        )
        if enrolment is None:
            outcome = Outcome.NEW
        elif personal or guardian or moved:
            outcome = Outcome.UPDATE
        else:
            outcome = Outcome.UNCHANGED
        check.changes.append(
            RosterChange(
                row=row.row,
                code=row.code,
                outcome=outcome,
                class_key=key,
                number=number,
                student=student,
                personal=personal,
                guardian=guardian,
                enrolment=enrolment,
                start_date=row.start_date or fiscal_start,
            )
        )
    check.errors.extend(_number_clashes(check, snapshot))
    check.errors.sort(key=lambda error: error.row)
    return check


def _number_clashes(check: RosterCheck, snapshot: RosterSnapshot) -> list[RowError]:
    """出席番号 must not repeat within a class once the file is applied."""
    label_of = {
        key: SchoolClass(grade=key[0], name=key[1]).label
        for key in {c.class_key for c in check.changes}
    }
    key_of_class = {c.pk: key for key, c in snapshot.classes.items()}
    moving = {c.student.pk for c in check.changes if c.student is not None}
    # Pupils not in the file keep their numbers.
    holders: dict[tuple[tuple[int, str], int], list[str]] = defaultdict(list)
    for (class_id, number), student_id in snapshot.numbers.items():
        if student_id not in moving and class_id in key_of_class:
            holders[(key_of_class[class_id], number)].append("")
    rows: dict[tuple[tuple[int, str], int], list[RosterChange]] = defaultdict(list)
    for change in check.changes:
        if change.number is not None:
            rows[(change.class_key, change.number)].append(change)
    errors = []
    for slot, changes in rows.items():
        kept = holders.get(slot, [])
        if len(changes) + len(kept) < 2:
            continue
        label = label_of[slot[0]]
        for change in changes:
            others = [f"{c.row}行目" for c in changes if c is not change]
            if kept:
                others.append("ファイルにない在籍中の児童生徒")
            errors.append(
                RowError.at(
                    change.row,
                    f"{label}の出席番号 {slot[1]} が{'・'.join(others)}と重なっています。",
                    column="出席番号",
                    value=str(slot[1]),
                )
            )
    return errors


# --- the kind handler -----------------------------------------------------------------------


def may_import(acting: Acting) -> bool:
    reach = roster_reach(acting, action=Action.EXCEL_IN)
    return reach is not None and can_manage_records(reach) and reach.everything


def sees(acting: Acting, organisation_id: int | None) -> bool:
    return (
        organisation_id is not None
        and acting_school_id(acting) == organisation_id
        and (may_import(acting))
    )


def check(
    table: Table,
    acting: Acting,
    lock: bool,
    parsed: Callable[[int], None],
    planned: Callable[[int], None],
) -> RosterCheck:
    school_id = acting_school_id(acting)
    if school_id is None:
        return RosterCheck(
            errors=[RowError.at(0, "学校の所属として取り込んだファイルではありません。")]
        )
    rows, errors = parse_roster_rows(table, progress=parsed)
    school = Organisation.objects.get(pk=school_id)
    snapshot = roster_snapshot(school, current_fiscal_year(), [r.code for r in rows], lock=lock)
    result = plan_roster(rows, snapshot, progress=planned)
    result.errors = sorted(errors + result.errors, key=lambda error: error.row)
    return result


def apply(result: RosterCheck, committer: Acting, job: ImportJob) -> None:
    """Write the plan (inside the commit transaction): classes, pupils, guardians,
    enrolments, in bulk."""
    snapshot = result.snapshot
    assert snapshot is not None and not result.errors
    classes = dict(snapshot.classes)
    made = SchoolClass.objects.bulk_create(
        [
            SchoolClass(
                school=snapshot.school,
                fiscal_year=snapshot.fiscal_year,
                grade=grade,
                name=name,
                kind=kind,
                order=int(name) if is_digits(name) and int(name) < 1000 else 100,
            )
            for (grade, name), kind in sorted(result.new_classes.items())
        ]
    )
    classes.update(((c.grade, c.name), c) for c in made)
    writing = [c for c in result.changes if c.outcome != Outcome.UNCHANGED]
    new_students = [Student(code=c.code, **c.personal) for c in writing if c.student is None]
    Student.objects.bulk_create(new_students, batch_size=1000)
    by_code = {s.code: s for s in new_students}
    changed_students: list[Student] = []
    changed_fields: set[str] = set()
    for change in writing:
        if change.student is not None and change.personal:
            for name, value in change.personal.items():
                setattr(change.student, name, value)
            changed_students.append(change.student)
            changed_fields |= set(change.personal)
    if changed_students:
        Student.objects.bulk_update(
            changed_students, sorted(changed_fields | {"updated_at"}), batch_size=1000
        )
    _write_guardians(writing, by_code, snapshot)
    _write_enrolments(writing, by_code, classes, snapshot)


def _write_guardians(
    writing: list[RosterChange], by_code: dict[str, Student], snapshot: RosterSnapshot
) -> None:
    create: list[Guardian] = []
    update: list[Guardian] = []
    for change in writing:
        if not change.guardian:
            continue
        student = change.student or by_code[change.code]
        current = snapshot.guardians.get(student.pk)
        if current is None:
            create.append(Guardian(student=student, order=1, **change.guardian))
        else:
            for name, value in change.guardian.items():
                setattr(current, name, value)
            update.append(current)
    Guardian.objects.bulk_create(create, batch_size=1000)
    if update:
        Guardian.objects.bulk_update(update, list(GUARDIAN_FIELDS), batch_size=1000)


def _write_enrolments(
    writing: list[RosterChange],
    by_code: dict[str, Student],
    classes: dict[tuple[int, str], SchoolClass],
    snapshot: RosterSnapshot,
) -> None:
    moves: list[Enrolment] = []
    create: list[Enrolment] = []
    for change in writing:
        school_class = classes[change.class_key]
        if change.enrolment is not None:
            enrolment = change.enrolment
            place = (school_class.pk, change.number, school_class.grade)
            if (enrolment.school_class_id, enrolment.number, enrolment.grade) != place:
                enrolment.school_class = school_class
                enrolment.number = change.number
                enrolment.grade = school_class.grade
                moves.append(enrolment)
            continue
        create.append(
            Enrolment(
                student=change.student or by_code[change.code],
                school=snapshot.school,
                fiscal_year=snapshot.fiscal_year,
                grade=school_class.grade,
                school_class=school_class,
                number=change.number,
                start_date=change.start_date,
                status=EnrolmentStatus.ENROLLED,
            )
        )
    if moves:
        Enrolment.objects.bulk_update(moves, ["school_class", "number", "grade"], batch_size=1000)
    Enrolment.objects.bulk_create(create, batch_size=1000)


HANDLER = KindHandler(
    kind=ImportKind.ROSTER.value,
    label="児童生徒名簿",
    columns=COLUMNS,
    outcomes=OUTCOMES,
    may_import=may_import,
    sees=sees,
    check=check,
    apply=apply,
    upload_url="students:roster_import",
    committed_note="名簿の画面で学級ごとの一覧を確かめてください。",
)
