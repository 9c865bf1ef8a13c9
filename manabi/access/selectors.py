"""Reads of the function permissions: the table a school sees, the classes a scope reaches,
and who at a school may do what on a class (with the reason)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from manabi.access.decisions import (
    Decision,
    Standing,
    Target,
    decide,
    duties_from_rows,
    duties_of,
    needs_duties,
    standing_at,
)
from manabi.access.functions import Action, Function, functions
from manabi.access.models import FunctionPermission, RoleGroupDesignation
from manabi.accounts.models import RoleAssignment
from manabi.accounts.rolegroups import SCHOOL_GROUPS, RoleGroup, default_role_group
from manabi.accounts.roles import Role
from manabi.accounts.scopes import ClassRef, Duties, Scope
from manabi.accounts.selectors import Acting
from manabi.classes.models import Duty, LessonClass, SchoolClass
from manabi.orgs.models import Organisation


@dataclass(frozen=True)
class Reach:
    """How far a standing reaches in one 年度: every class, or the listed grades/classes.

    Selectors turn it into a filter, so a scoped list costs the same whatever its size.
    """

    standing: Standing
    fiscal_year: int
    duties: Duties | None

    @property
    def everything(self) -> bool:
        return self.standing.role_group is not None and self.standing.scope == Scope.WHOLE_SCHOOL

    @property
    def nothing(self) -> bool:
        return self.standing.role_group is None or self.standing.scope == Scope.NONE

    @property
    def grades(self) -> frozenset[int]:
        if self.standing.scope == Scope.GRADE and self.duties:
            return self.duties.grades
        return frozenset()

    @property
    def class_ids(self) -> frozenset[int]:
        """One's own 学級 (学級担当, and 学年担当 which is wider)."""
        if self.standing.scope in (Scope.GRADE, Scope.CLASS) and self.duties:
            return self.duties.classes
        return frozenset()

    @property
    def lesson_class_ids(self) -> frozenset[int]:
        if self.standing.scope in (Scope.GRADE, Scope.CLASS) and self.duties:
            return self.duties.lesson_classes
        return frozenset()


def reach_of(
    acting: Acting, *, school_id: int, fiscal_year: int, function: str, action: Action | str
) -> Reach:
    """The standing and, where the scope needs them, the duties: at most two queries."""
    standing = standing_at(acting, school_id, function, action)
    duties = None
    if standing.role_group is not None and needs_duties(standing.scope):
        duties = duties_of(standing.staff_id, school_id, fiscal_year)
    return Reach(standing=standing, fiscal_year=fiscal_year, duties=duties)


def acting_school_id(acting: Acting) -> int | None:
    org = acting.organisation
    return org.pk if org is not None and org.kind == "school" else None


def acting_school_reach(
    acting: Acting, function: str, action: Action | str, *, fiscal_year: int | None = None
) -> Reach | None:
    """The reach of ``action`` on ``function`` at the school ``acting`` acts for, in
    ``fiscal_year`` (default: this 年度); ``None`` outside a school."""
    from manabi.classes.selectors import current_fiscal_year

    school_id = acting_school_id(acting)
    if school_id is None:
        return None
    return reach_of(
        acting,
        school_id=school_id,
        fiscal_year=fiscal_year or current_fiscal_year(),
        function=function,
        action=action,
    )


@dataclass(frozen=True)
class Cell:
    action: Action
    exists: bool
    default: Scope
    scope: Scope

    @property
    def changed(self) -> bool:
        return self.exists and self.scope != self.default


@dataclass(frozen=True)
class TableRow:
    function: Function
    cells: tuple[Cell, ...]


def permission_table(school: Organisation, group: RoleGroup) -> list[tuple[str, list[TableRow]]]:
    """The 別表1 table of one role group at a school, laid out as the seed lays it out, with
    the school's own settings in place of the defaults (one query)."""
    own = {
        (p.function, p.action): Scope(p.scope)
        for p in FunctionPermission.objects.filter(school=school, role_group=group)
    }
    grouped: dict[str, list[TableRow]] = {}
    for fn in functions().values():
        cells = []
        for action in Action:
            default = fn.default_scope(group, action)
            exists = action in fn.actions and not (
                fn.managers_only and group not in (RoleGroup.PRINCIPAL, RoleGroup.VICE_PRINCIPAL)
            )
            cells.append(
                Cell(
                    action=action,
                    exists=exists,
                    default=default,
                    scope=own.get((fn.key, action.value), default),
                )
            )
        grouped.setdefault(fn.group, []).append(TableRow(function=fn, cells=tuple(cells)))
    return list(grouped.items())


@dataclass(frozen=True)
class PersonAnswer:
    account_id: int
    name: str
    decision: Decision


def who_can(
    school: Organisation, *, function: str, action: Action | str, target: Target
) -> list[PersonAnswer]:
    """Everyone with a current role at the school, and whether (and why) they may do
    ``action`` of ``function`` on ``target``. A fixed number of queries."""
    today = timezone.localdate()
    roles = (
        RoleAssignment.objects.filter(organisation=school, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(role__in=[Role.SCHOOL_ADMIN, Role.STAFF])
        .select_related("account__staff")
        .order_by("account__display_name")
    )
    designations = dict(
        RoleGroupDesignation.objects.filter(school=school).values_list("account_id", "group")
    )
    own = {
        g: Scope(s)
        for g, s in FunctionPermission.objects.filter(
            school=school, function=function, action=Action(action).value
        ).values_list("role_group", "scope")
    }
    duty_rows: dict[int, list[tuple[str, int | None, int | None, int | None]]] = {}
    for staff_id, *row in Duty.objects.filter(
        school=school, fiscal_year=target.fiscal_year
    ).values_list("staff_id", "kind", "grade", "school_class_id", "lesson_class_id"):
        duty_rows.setdefault(staff_id, []).append(tuple(row))  # type: ignore[arg-type]
    fn = functions()[function]
    act = Action(action)
    best: dict[int, PersonAnswer] = {}
    for ra in roles:
        account = ra.account
        designated = designations.get(account.pk)
        title = account.staff.job_title if account.staff else None
        group = (
            RoleGroup(designated)
            if designated
            else default_role_group(ra.role, title, organisation_kind=school.kind)
        )
        if group is None or group not in SCHOOL_GROUPS:
            continue
        scope = own.get(group.value) or fn.default_scope(group, act)
        standing = Standing(
            school_id=school.pk,
            function=fn,
            action=act,
            role_group=group,
            scope=scope,
            source="school" if group.value in own else "default",
            designated=bool(designated),
            staff_id=account.staff_id,
        )
        duties = duties_from_rows(school.pk, duty_rows.get(account.staff_id or 0, []))
        answer = PersonAnswer(account.pk, account.display_name, decide(standing, duties, target))
        # A person with two roles at the school (校長 who also teaches) counts by the wider.
        previous = best.get(account.pk)
        if previous is None or (answer.decision.allowed and not previous.decision.allowed):
            best[account.pk] = answer
    return sorted(best.values(), key=lambda a: (not a.decision.allowed, a.name))


def target_of_class(school_class: SchoolClass) -> Target:
    return Target(
        school_id=school_class.school_id,
        fiscal_year=school_class.fiscal_year,
        classes=(ClassRef(school_class.school_id, school_class.grade, school_class.pk),),
        label=school_class.label,
    )


def target_of_lesson(lesson: LessonClass) -> Target:
    return Target(
        school_id=lesson.school_id,
        fiscal_year=lesson.fiscal_year,
        classes=(ClassRef(lesson.school_id, lesson.grade, lesson.pk, lesson=True),),
        label=lesson.name,
    )


def designations_at(school: Organisation) -> list[RoleGroupDesignation]:
    return list(
        RoleGroupDesignation.objects.filter(school=school)
        .select_related("account", "designated_by")
        .order_by("group", "account__display_name")
    )


__all__ = [
    "Reach",
    "acting_school_id",
    "designations_at",
    "duties_of",
    "permission_table",
    "reach_of",
    "target_of_class",
    "target_of_lesson",
    "who_can",
]
