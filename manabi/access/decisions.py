"""The one decision of the school-affairs half: may actor A do action X of function F on
class C (or pupil S) at school K?

A's role group at K (designated, else derived from role and 職名) → the scope for (F, X)
(the school's own setting, else the 別表1 default for 校長・副校長・教頭 or for everyone
else) → does C fall in that scope (every class / A's grades / A's classes)? The menu level
(別表2) is decided by ``manabi.menus``; this is the data level beneath it.

Costs: one query for the standing (role group, job title and the school's settings in one
statement), one more for A's duties when the scope is 学年担当 or 学級担当. Selectors narrow
lists with the same two values, so a list costs the same whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from manabi.access.functions import Action, Function, function
from manabi.access.models import FunctionPermission, RoleGroupDesignation
from manabi.accounts.rolegroups import SCHOOL_GROUPS, RoleGroup, default_role_group
from manabi.accounts.scopes import ClassRef, Duties, Scope, scope_covers
from manabi.accounts.selectors import Acting
from manabi.classes.models import CLASS_DUTIES, GRADE_DUTIES, Duty, DutyKind
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.people.models import Staff


@dataclass(frozen=True)
class Target:
    """What a decision is about: one 学級/授業クラス, or a pupil through all their classes."""

    school_id: int
    fiscal_year: int
    classes: tuple[ClassRef, ...]
    label: str = ""


@dataclass(frozen=True)
class Standing:
    """A's standing at a school for one function and action."""

    school_id: int | None
    function: Function
    action: Action
    role_group: RoleGroup | None
    scope: Scope
    # "default" (別表1), "school" (the school's own setting) or "" (no school role).
    source: str
    designated: bool = False
    staff_id: int | None = None

    @property
    def scope_label(self) -> str:
        return Scope(self.scope).label

    def describe(self) -> str:
        if self.role_group is None:
            return "この学校での役職グループがありません。"
        how = "学校の設定" if self.source == "school" else "別表1の初期設定"
        via = "(指定)" if self.designated else ""
        return (
            f"{self.role_group.label}{via} の「{self.function.title}」{self.action.label}は"
            f"{self.scope_label} ({how})"
        )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    standing: Standing
    duties: Duties | None = None
    reasons: tuple[str, ...] = field(default=())

    @property
    def explanation(self) -> str:
        return " → ".join(self.reasons)


NO_DUTIES = Duties(school_id=0)


def _no_standing(fn: Function, action: Action, school_id: int | None) -> Standing:
    return Standing(
        school_id=school_id,
        function=fn,
        action=action,
        role_group=None,
        scope=Scope.NONE,
        source="",
    )


def standing_at(
    acting: Acting, school_id: int, function_key: str, action: Action | str
) -> Standing:
    """A's role group at the school and the scope it holds for (function, action): one query.

    Only a role held at the school itself counts (a 兼務 teacher acts in one school at a time,
    seed 001 第11条5); boards and system administrators hold no class-level scope.
    """
    fn = function(function_key)
    act = Action(action)
    account = acting.account
    org = acting.organisation
    if account is None or org is None or org.pk != school_id or org.kind != OrganisationKind.SCHOOL:
        return _no_standing(fn, act, school_id)
    scopes = {
        f"scope_{g.value}": Subquery(
            FunctionPermission.objects.filter(
                school=OuterRef("pk"), role_group=g.value, function=fn.key, action=act.value
            ).values("scope")[:1]
        )
        for g in SCHOOL_GROUPS
    }
    row = (
        Organisation.objects.filter(pk=school_id)
        .annotate(
            designated=Subquery(
                RoleGroupDesignation.objects.filter(
                    school=OuterRef("pk"), account_id=account.pk
                ).values("group")[:1]
            ),
            job_title=Subquery(
                Staff.objects.filter(pk=account.staff_id or 0).values("job_title")[:1]
            ),
            **scopes,
        )
        .values("designated", "job_title", *scopes)
        .first()
    )
    if row is None:
        return _no_standing(fn, act, school_id)
    designated = row["designated"]
    group = (
        RoleGroup(designated)
        if designated
        else default_role_group(acting.role, row["job_title"], organisation_kind=org.kind)
    )
    if group is None:
        return _no_standing(fn, act, school_id)
    own = row.get(f"scope_{group.value}")
    return Standing(
        school_id=school_id,
        function=fn,
        action=act,
        role_group=group,
        scope=Scope(own) if own else fn.default_scope(group, act),
        source="school" if own else "default",
        designated=bool(designated),
        staff_id=account.staff_id,
    )


def duties_from_rows(
    school_id: int, rows: Iterable[tuple[str, int | None, int | None, int | None]]
) -> Duties:
    """``Duties`` from (kind, grade, school_class_id, lesson_class_id) rows (pure)."""
    grades: set[int] = set()
    classes: set[int] = set()
    lessons: set[int] = set()
    for kind, grade, class_id, lesson_id in rows:
        if kind in GRADE_DUTIES and grade is not None:
            grades.add(grade)
        elif kind in CLASS_DUTIES and class_id is not None:
            classes.add(class_id)
        elif kind == DutyKind.SUBJECT and lesson_id is not None:
            lessons.add(lesson_id)
    return Duties(
        school_id=school_id,
        grades=frozenset(grades),
        classes=frozenset(classes),
        lesson_classes=frozenset(lessons),
    )


def duties_of(staff_id: int | None, school_id: int, fiscal_year: int) -> Duties:
    """What the person is assigned to at the school in the 年度: one query."""
    if staff_id is None:
        return Duties(school_id=school_id)
    rows = Duty.objects.filter(
        staff_id=staff_id, school_id=school_id, fiscal_year=fiscal_year
    ).values_list("kind", "grade", "school_class_id", "lesson_class_id")
    return duties_from_rows(school_id, rows)


def needs_duties(scope: Scope) -> bool:
    return scope in (Scope.GRADE, Scope.CLASS)


def decide(standing: Standing, duties: Duties | None, target: Target) -> Decision:
    """The pure part: does the standing (with the duties, where the scope needs them) reach
    the target? Explains itself in Japanese."""
    reasons = [standing.describe()]
    if standing.role_group is None or standing.school_id != target.school_id:
        return Decision(False, standing, duties, tuple(reasons))
    if standing.scope == Scope.NONE:
        reasons.append("権限がありません")
        return Decision(False, standing, duties, tuple(reasons))
    if standing.scope == Scope.WHOLE_SCHOOL:
        reasons.append("学校内の全てのクラスに有効")
        return Decision(True, standing, duties, tuple(reasons))
    held = duties or Duties(school_id=target.school_id)
    hit = next((c for c in target.classes if scope_covers(standing.scope, held, c)), None)
    if hit is None:
        what = "担当する学年" if standing.scope == Scope.GRADE else "担任・担当するクラス"
        reasons.append(f"{target.label or '対象'}は{what}ではありません")
        return Decision(False, standing, duties, tuple(reasons))
    if standing.scope == Scope.GRADE and hit.grade in held.grades:
        reasons.append(f"{hit.grade}学年の担当")
    else:
        reasons.append("担当する授業クラス" if hit.lesson else "担任する学級")
    return Decision(True, standing, duties, tuple(reasons))


def can(acting: Acting, action: Action | str, function_key: str, target: Target) -> Decision:
    """May ``acting`` do ``action`` of ``function_key`` on ``target``? At most two queries."""
    standing = standing_at(acting, target.school_id, function_key, action)
    duties = None
    if standing.role_group is not None and needs_duties(standing.scope):
        duties = duties_of(standing.staff_id, target.school_id, target.fiscal_year)
    return decide(standing, duties, target)
