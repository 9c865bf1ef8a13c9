"""What each checked row would change (pure: no database).

The planners take the rows from :mod:`manabi.imports.rows` and a *snapshot* of what the
database holds for them (loaded in one batch by :mod:`manabi.imports.selectors`) and return
one change per row, or row errors. The same planning runs for the dry run (確認) and, inside
the commit's transaction, once more before anything is written. A row whose effect is
already in the database plans to ``Outcome.UNCHANGED``: importing the same file twice
changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models

from manabi.accounts.roles import Role
from manabi.core.csvio import RowError
from manabi.core.wareki import format_date
from manabi.imports.rows import Movement, OrganisationRow, StaffRow
from manabi.orgs.models import OrganisationKind
from manabi.people.choices import EmploymentType

PROGRESS_EVERY = 5000
ONE_DAY = timedelta(days=1)

Progress = Callable[[int], None]


class Outcome(models.TextChoices):
    """What a row does (or would do)."""

    NEW = "new", "新規"
    TRANSFER = "transfer", "異動"
    CONCURRENT = "concurrent", "兼務"
    RETIRE = "retire", "退職"
    UPDATE = "update", "変更"
    UNCHANGED = "unchanged", "変更なし"


STAFF_OUTCOMES = tuple(Outcome)
ORGANISATION_OUTCOMES = (Outcome.NEW, Outcome.UPDATE, Outcome.UNCHANGED)


def _day(value: date) -> str:
    return f"{format_date(value)}({value.isoformat()})"


# --- staff: snapshot ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrgRef:
    id: int
    code: str
    name: str
    is_active: bool
    in_scope: bool  # within the acting role's jurisdiction


@dataclass(frozen=True, slots=True)
class AssignmentRef:
    id: int
    organisation_id: int
    start: date
    end: date | None
    concurrent: bool

    def open_on(self, day: date) -> bool:
        """Not ended before ``day`` (it may start later)."""
        return self.end is None or self.end >= day


@dataclass(frozen=True, slots=True)
class RoleRef:
    id: int
    role: str
    organisation_id: int | None
    valid_from: date
    valid_to: date | None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


@dataclass(frozen=True, slots=True)
class StaffRef:
    id: int
    staff_number: str
    name: str
    kana: str
    alias_name: str
    birth_date: date | None
    job_title: str
    employment_type: str
    prefecture_funded: bool
    retired_on: date | None
    assignments: tuple[AssignmentRef, ...] = ()
    account_id: int | None = None
    account_active: bool = False
    roles: tuple[RoleRef, ...] = ()


@dataclass(slots=True)
class StaffSnapshot:
    today: date
    login_prefix: str  # login IDs of staff are login_prefix + staff number
    orgs_by_code: dict[str, OrgRef]
    orgs_by_id: dict[int, OrgRef]
    staff: dict[str, StaffRef]
    taken_login_ids: set[str]
    everything_in_scope: bool  # system administrators

    def in_scope(self, organisation_id: int) -> bool:
        if self.everything_in_scope:
            return True
        org = self.orgs_by_id.get(organisation_id)
        return org is not None and org.in_scope

    def org_name(self, organisation_id: int) -> str:
        org = self.orgs_by_id.get(organisation_id)
        return f"{org.name}({org.code})" if org else f"#{organisation_id}"

    def visible(self, person: StaffRef) -> bool:
        """Within the jurisdiction: assigned there now or from a future date, or (with no
        such assignment) last assigned there."""
        if self.everything_in_scope:
            return True
        relevant = [a for a in person.assignments if a.open_on(self.today)]
        if not relevant and person.assignments:
            last = max(a.start for a in person.assignments)
            relevant = [a for a in person.assignments if a.start == last]
        return any(self.in_scope(a.organisation_id) for a in relevant)


# --- staff: plan ----------------------------------------------------------------------------

# Personal fields a row can set (in the order of the columns).
PERSONAL_FIELDS = (
    "name",
    "kana",
    "alias_name",
    "birth_date",
    "job_title",
    "employment_type",
    "prefecture_funded",
)


@dataclass(frozen=True, slots=True)
class NewAssignment:
    organisation_id: int
    start: date
    concurrent: bool


@dataclass(slots=True)
class StaffChange:
    """Everything one staff row writes; empty parts write nothing."""

    row: int
    staff_number: str
    outcome: Outcome
    staff_id: int | None  # None: a new person
    fields: dict[str, object] = field(default_factory=dict)  # all (new) or the changed ones
    assignment: NewAssignment | None = None
    assignment_ends: list[tuple[int, date]] = field(default_factory=list)
    create_account: bool = False
    login_id: str = ""
    display_name: str = ""
    role_ends: list[tuple[int, date]] = field(default_factory=list)
    role_add: tuple[int, date] | None = None  # (organisation, valid_from) of a staff role
    deactivate_account: int | None = None

    @property
    def writes(self) -> bool:
        return self.outcome != Outcome.UNCHANGED


class _RowProblems:
    def __init__(self, row: StaffRow) -> None:
        self.row = row
        self.errors: list[RowError] = []

    def add(self, column: str, message: str) -> None:
        values = {
            "職員番号": self.row.staff_number,
            "所属コード": self.row.org_code,
            "発令日": self.row.effective.isoformat() if self.row.effective else "",
            "異動区分": self.row.movement.label,
        }
        self.errors.append(
            RowError.at(self.row.row, message, column=column, value=values.get(column, ""))
        )


def plan_staff(
    rows: Sequence[StaffRow], snapshot: StaffSnapshot, *, progress: Progress | None = None
) -> tuple[list[StaffChange], list[RowError]]:
    """One change per row, or the errors of the rows that cannot be done."""
    changes: list[StaffChange] = []
    errors: list[RowError] = []
    for done, row in enumerate(rows, start=1):
        problems = _RowProblems(row)
        change = _plan_staff_row(row, snapshot, problems)
        if problems.errors:
            errors.extend(problems.errors)
        elif change is not None:
            changes.append(change)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    return changes, errors


def _personal_changes(row: StaffRow, person: StaffRef | None) -> dict[str, object]:
    given: dict[str, object] = {
        "name": row.name or None,
        "kana": row.kana or None,
        "alias_name": row.alias_name or None,
        "birth_date": row.birth_date,
        "job_title": row.job_title or None,
        "employment_type": row.employment_type or None,
        "prefecture_funded": row.prefecture_funded,
    }
    if person is None:
        return {
            "staff_number": row.staff_number,
            "name": row.name,
            "kana": row.kana,
            "alias_name": row.alias_name,
            "birth_date": row.birth_date,
            "job_title": row.job_title,
            "employment_type": row.employment_type or EmploymentType.REGULAR.value,
            "prefecture_funded": True if row.prefecture_funded is None else row.prefecture_funded,
        }
    return {
        name: value
        for name, value in given.items()
        if value is not None and value != getattr(person, name)
    }


def _role_to_add(
    person: StaffRef | None, organisation_id: int, start: date, *, new_account: bool
) -> tuple[int, date] | None:
    if person is None or new_account:
        return (organisation_id, start)
    if person.account_id is None:
        return None
    covered = any(
        r.role == Role.STAFF and r.organisation_id == organisation_id and r.covers(start)
        for r in person.roles
    )
    return None if covered else (organisation_id, start)


def _plan_staff_row(
    row: StaffRow, snap: StaffSnapshot, problems: _RowProblems
) -> StaffChange | None:
    person = snap.staff.get(row.staff_number)
    org: OrgRef | None = None
    if row.movement in (Movement.NEW_HIRE, Movement.TRANSFER, Movement.CONCURRENT) or (
        row.movement == Movement.RETIREMENT and row.org_code
    ):
        org = snap.orgs_by_code.get(row.org_code)
        if org is None:
            problems.add(
                "所属コード",
                f"所属コード「{row.org_code}」の組織が登録されていません。"
                "先に組織を登録するか、所属コードを確認してください。",
            )
        elif not (snap.everything_in_scope or org.in_scope):
            problems.add("所属コード", "管轄外の所属コードです。")
        elif not org.is_active and row.movement != Movement.RETIREMENT:
            problems.add("所属コード", f"所属「{org.name}」は廃止(無効)になっています。")
    if person is not None and not snap.visible(person):
        problems.add("職員番号", f"職員番号「{row.staff_number}」の職員は管轄外です。")
    if person is None and row.movement != Movement.NEW_HIRE:
        problems.add(
            "職員番号",
            f"職員番号「{row.staff_number}」の職員が登録されていません。"
            "新しく採用した人は異動区分を「新規採用」にしてください。",
        )
    if (
        person is not None
        and person.retired_on is not None
        and row.movement in (Movement.TRANSFER, Movement.CONCURRENT)
    ):
        problems.add("異動区分", f"この職員は{_day(person.retired_on)}付で退職しています。")
    if problems.errors:
        return None
    fields = _personal_changes(row, person)
    change = StaffChange(
        row=row.row,
        staff_number=row.staff_number,
        outcome=Outcome.UNCHANGED,
        staff_id=person.id if person else None,
        fields=fields,
    )
    if row.movement == Movement.NEW_HIRE:
        assert org is not None and row.effective is not None
        _plan_new_hire(row, snap, person, org, row.effective, change, problems)
    elif row.movement == Movement.TRANSFER:
        assert org is not None and row.effective is not None and person is not None
        _plan_transfer(snap, person, org, row.effective, change, problems)
    elif row.movement == Movement.CONCURRENT:
        assert org is not None and row.effective is not None and person is not None
        _plan_concurrent(person, org, row.effective, change, problems)
    elif row.movement == Movement.RETIREMENT:
        assert row.effective is not None and person is not None
        _plan_retirement(snap, person, row.effective, change, problems)
    if problems.errors:
        return None
    if change.outcome == Outcome.UNCHANGED and (
        change.fields or change.create_account or change.role_add or change.role_ends
    ):
        change.outcome = Outcome.UPDATE
    return change


def _plan_new_hire(
    row: StaffRow,
    snap: StaffSnapshot,
    person: StaffRef | None,
    org: OrgRef,
    start: date,
    change: StaffChange,
    problems: _RowProblems,
) -> None:
    login_id = f"{snap.login_prefix}{row.staff_number}"
    if person is None:
        if login_id in snap.taken_login_ids:
            problems.add(
                "職員番号", f"ログインID「{login_id}」はすでに別のアカウントで使われています。"
            )
            return
        change.outcome = Outcome.NEW
        change.assignment = NewAssignment(org.id, start, concurrent=False)
        change.create_account = True
        change.login_id = login_id
        change.display_name = row.alias_name or row.name
        change.role_add = (org.id, start)
        return
    # Already registered: the same file (or the same hire) imported again.
    if person.retired_on is not None:
        problems.add(
            "異動区分",
            f"職員番号「{row.staff_number}」の職員は{_day(person.retired_on)}付で退職しています。"
            "再び採用する場合は、画面から個別に登録してください。",
        )
        return
    hired_here = any(
        a.organisation_id == org.id and a.start == start and not a.concurrent
        for a in person.assignments
    )
    if not hired_here:
        problems.add(
            "職員番号",
            f"職員番号「{row.staff_number}」はすでに登録されています({person.name})。"
            "所属が変わる場合は異動区分を「異動」にしてください。",
        )
        return
    if person.account_id is None:
        if login_id in snap.taken_login_ids:
            problems.add(
                "職員番号", f"ログインID「{login_id}」はすでに別のアカウントで使われています。"
            )
            return
        change.create_account = True
        change.login_id = login_id
        change.display_name = str(change.fields.get("alias_name") or person.alias_name) or str(
            change.fields.get("name") or person.name
        )
    change.role_add = _role_to_add(person, org.id, start, new_account=change.create_account)


def _plan_transfer(
    snap: StaffSnapshot,
    person: StaffRef,
    org: OrgRef,
    start: date,
    change: StaffChange,
    problems: _RowProblems,
) -> None:
    same = [a for a in person.assignments if a.organisation_id == org.id and a.start == start]
    if same:
        if same[0].concurrent:
            problems.add("異動区分", "同じ所属・発令日の兼務がすでに登録されています。")
            return
        change.role_add = _role_to_add(person, org.id, start, new_account=False)
        return
    open_main = [a for a in person.assignments if not a.concurrent and a.open_on(start)]
    for current in open_main:
        if current.start >= start:
            problems.add(
                "発令日",
                f"発令日が今の所属「{snap.org_name(current.organisation_id)}」の開始日"
                f"{_day(current.start)}以前です。発令日を確認してください。",
            )
            return
        if current.organisation_id == org.id:
            problems.add(
                "所属コード",
                "今と同じ所属への異動です。所属が変わらない場合は異動区分を「変更なし」に"
                "してください。",
            )
            return
        if not snap.in_scope(current.organisation_id):
            problems.add(
                "職員番号",
                f"今の所属「{snap.org_name(current.organisation_id)}」が管轄外のため、"
                "異動を登録できません。",
            )
            return
    change.outcome = Outcome.TRANSFER
    change.assignment = NewAssignment(org.id, start, concurrent=False)
    day_before = start - ONE_DAY
    change.assignment_ends = [(a.id, day_before) for a in open_main]
    left = {a.organisation_id for a in open_main}
    change.role_ends = [
        (r.id, day_before)
        for r in person.roles
        if r.role in (Role.STAFF, Role.SCHOOL_ADMIN)
        and r.organisation_id in left
        and r.valid_from < start
        and (r.valid_to is None or r.valid_to >= start)
    ]
    change.role_add = _role_to_add(person, org.id, start, new_account=False)


def _plan_concurrent(
    person: StaffRef, org: OrgRef, start: date, change: StaffChange, problems: _RowProblems
) -> None:
    same = [a for a in person.assignments if a.organisation_id == org.id and a.start == start]
    if same:
        if not same[0].concurrent:
            problems.add("異動区分", "同じ所属・発令日の本務がすでに登録されています。")
            return
        change.role_add = _role_to_add(person, org.id, start, new_account=False)
        return
    if any(
        a.organisation_id == org.id and not a.concurrent and a.start <= start and a.open_on(start)
        for a in person.assignments
    ):
        problems.add("所属コード", "本務の所属を兼務にすることはできません。")
        return
    change.outcome = Outcome.CONCURRENT
    change.assignment = NewAssignment(org.id, start, concurrent=True)
    change.role_add = _role_to_add(person, org.id, start, new_account=False)


def _plan_retirement(
    snap: StaffSnapshot,
    person: StaffRef,
    retired_on: date,
    change: StaffChange,
    problems: _RowProblems,
) -> None:
    if person.retired_on is not None:
        if person.retired_on != retired_on:
            problems.add("発令日", f"この職員は{_day(person.retired_on)}付ですでに退職しています。")
        return
    ending = [a for a in person.assignments if a.end is None or a.end > retired_on]
    for assignment in ending:
        if assignment.start > retired_on:
            problems.add(
                "発令日",
                f"退職日(発令日)が所属「{snap.org_name(assignment.organisation_id)}」の"
                f"開始日{_day(assignment.start)}より前です。",
            )
            return
        if not snap.in_scope(assignment.organisation_id):
            problems.add(
                "職員番号",
                f"管轄外の所属「{snap.org_name(assignment.organisation_id)}」があるため、"
                "退職を登録できません。",
            )
            return
    change.outcome = Outcome.RETIRE
    change.fields["retired_on"] = retired_on
    change.assignment_ends = [(a.id, retired_on) for a in ending]
    change.role_ends = [
        (r.id, retired_on)
        for r in person.roles
        if r.valid_from <= retired_on and (r.valid_to is None or r.valid_to > retired_on)
    ]
    if person.account_id is not None and person.account_active:
        change.deactivate_account = person.account_id


# --- organisations: snapshot and plan -------------------------------------------------------

ORGANISATION_FIELDS = (
    "kind",
    "name",
    "name_kana",
    "local_government_code",
    "school_code",
    "school_type",
    "high_school_course",
    "founder",
    "phone",
)


@dataclass(frozen=True, slots=True)
class OrgNode:
    id: int
    code: str
    parent_id: int | None
    path: str
    kind: str
    name: str
    name_kana: str
    local_government_code: str
    school_code: str
    school_type: str
    high_school_course: str
    founder: str
    phone: str
    in_scope: bool


@dataclass(slots=True)
class OrganisationSnapshot:
    by_code: dict[str, OrgNode]
    by_id: dict[int, OrgNode]
    everything_in_scope: bool

    def parent_code(self, node: OrgNode) -> str | None:
        return self.by_id[node.parent_id].code if node.parent_id in self.by_id else None


@dataclass(slots=True)
class OrganisationChange:
    row: int
    code: str
    outcome: Outcome
    organisation_id: int | None  # None: a new organisation
    fields: dict[str, str] = field(default_factory=dict)
    parent_code: str | None = None  # the final parent (None: top of the tree)
    moves: bool = False  # new organisations and those that get another parent

    @property
    def writes(self) -> bool:
        return self.outcome != Outcome.UNCHANGED


def plan_organisations(
    rows: Sequence[OrganisationRow],
    snapshot: OrganisationSnapshot,
    *,
    progress: Progress | None = None,
) -> tuple[list[OrganisationChange], list[RowError]]:
    """Upsert by 所属コード; parents may come later in the file; cycles are refused."""
    in_file = {row.code: row for row in rows}

    def final_parent(code: str) -> str | None:
        row = in_file.get(code)
        if row is not None and row.parent_code:
            return row.parent_code
        node = snapshot.by_code.get(code)
        return snapshot.parent_code(node) if node else None

    school_codes = {n.school_code: n for n in snapshot.by_code.values() if n.school_code}
    changes: list[OrganisationChange] = []
    errors: list[RowError] = []
    for done, row in enumerate(rows, start=1):
        problems: list[RowError] = []
        change = _plan_organisation_row(
            row, snapshot, in_file, final_parent, school_codes, problems
        )
        if problems:
            errors.extend(problems)
        elif change is not None:
            changes.append(change)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    return changes, errors


def _plan_organisation_row(
    row: OrganisationRow,
    snapshot: OrganisationSnapshot,
    in_file: dict[str, OrganisationRow],
    final_parent: Callable[[str], str | None],
    school_codes: dict[str, OrgNode],
    problems: list[RowError],
) -> OrganisationChange | None:
    def add(column: str, message: str, value: str) -> None:
        problems.append(RowError.at(row.row, message, column=column, value=value))

    node = snapshot.by_code.get(row.code)
    scoped = snapshot.everything_in_scope
    if node is not None and not (scoped or node.in_scope):
        add("所属コード", "管轄外の所属コードです。", row.code)
    parent = row.parent_code
    if parent:
        parent_node = snapshot.by_code.get(parent)
        if parent not in in_file and parent_node is None:
            add(
                "上位所属コード",
                f"上位所属コード「{parent}」の組織が見つかりません"
                "(このファイルにも、登録済みの組織にもありません)。",
                parent,
            )
        elif parent_node is not None and not (scoped or parent_node.in_scope):
            add("上位所属コード", "管轄外の上位所属コードです。", parent)
        else:
            chain = _cycle(row.code, final_parent)
            if chain:
                add(
                    "上位所属コード",
                    "上位所属コードをたどると自分自身に戻ります("
                    + " → ".join(chain)
                    + ")。組織の上下関係を確認してください。",
                    parent,
                )
    elif node is None and not scoped:
        add(
            "上位所属コード",
            "上位所属コードを入力してください(管轄内の組織の下にだけ登録できます)。",
            "",
        )
    merged = {
        name: getattr(row, name) or (getattr(node, name) if node else "")
        for name in ORGANISATION_FIELDS
    }
    merged["kind"] = row.kind
    if row.kind == OrganisationKind.SCHOOL:
        if not merged["school_type"]:
            add("学校種", "種別が「学校・園」のときは学校種を入力してください。", "")
        if not merged["founder"]:
            add("設置者", "種別が「学校・園」のときは設置者を入力してください。", "")
    elif merged["school_type"]:
        add(
            "種別",
            "学校種が登録されている組織の種別は「学校・園」以外に変えられません。",
            OrganisationKind(row.kind).label,
        )
    if row.school_code:
        owner = school_codes.get(row.school_code)
        if owner is not None and owner.code != row.code:
            add(
                "学校コード",
                f"学校コード「{row.school_code}」はすでに「{owner.name}」({owner.code})"
                "に登録されています。",
                row.school_code,
            )
    if problems:
        return None
    return _organisation_change(row, node, merged, snapshot)


def _cycle(code: str, final_parent: Callable[[str], str | None]) -> list[str]:
    """The codes from ``code`` back to itself when its parents loop, else []."""
    chain = [code]
    seen = {code}
    current = final_parent(code)
    while current is not None:
        chain.append(current)
        if current == code:
            return chain
        if current in seen:  # a loop further up: reported on its own rows
            return []
        seen.add(current)
        current = final_parent(current)
    return []


def _organisation_change(
    row: OrganisationRow,
    node: OrgNode | None,
    merged: dict[str, str],
    snapshot: OrganisationSnapshot,
) -> OrganisationChange:
    if node is None:
        return OrganisationChange(
            row=row.row,
            code=row.code,
            outcome=Outcome.NEW,
            organisation_id=None,
            fields={"code": row.code, **merged},
            parent_code=row.parent_code or None,
            moves=True,
        )
    fields = {name: value for name, value in merged.items() if value != getattr(node, name)}
    current_parent = snapshot.parent_code(node)
    moves = bool(row.parent_code) and row.parent_code != current_parent
    return OrganisationChange(
        row=row.row,
        code=row.code,
        outcome=Outcome.UPDATE if fields or moves else Outcome.UNCHANGED,
        organisation_id=node.id,
        fields=fields,
        parent_code=row.parent_code if moves else current_parent,
        moves=moves,
    )


def count_outcomes(outcomes: Sequence[Outcome], kinds: Sequence[Outcome]) -> dict[str, int]:
    counts = dict.fromkeys((k.value for k in kinds), 0)
    for outcome in outcomes:
        counts[outcome.value] += 1
    return counts


def tree_paths(parent_of: dict[int, int | None]) -> dict[int, str]:
    """Materialised paths ("/1/4/17/") of every organisation from its parent (no cycles)."""
    paths: dict[int, str] = {}
    for org_id in parent_of:
        chain: list[int] = []
        current: int | None = org_id
        while current is not None and current not in paths:
            chain.append(current)
            current = parent_of.get(current)
        base = paths[current] if current is not None else "/"
        for node in reversed(chain):
            base = f"{base}{node}/"
            paths[node] = base
    return paths
