"""Demo designations of みらい県: the listed 主幹教諭 of みらい市立中央小学校 is the school's
システム担当 (seed 001 第21条), designated by its 校長, so that the roster import and 学籍 pages
have someone below the school leaders to show them to; and its 校長 has widened the 教諭
group's 児童生徒名簿 閲覧・Excel出力 from 学級担当 (the 別表1 default) to 学年担当, so that a 学年主任
sees the whole grade while a 担任 still sees only their class. Idempotent."""

from __future__ import annotations

from manabi.access.functions import Action
from manabi.access.models import FunctionPermission, RoleGroupDesignation
from manabi.accounts.demo import listed_school_staff
from manabi.accounts.models import Account
from manabi.accounts.rolegroups import RoleGroup
from manabi.accounts.scopes import Scope
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.orgs.models import Organisation

ORDER = 35
# 中央小's own cells: the 教諭 group's roster by grade.
GRADE_WIDE = (Action.VIEW, Action.EXCEL_OUT)


def accounts() -> list[DemoAccount]:
    return []


def build(options: DemoOptions) -> None:
    listed = listed_school_staff()
    for person in listed:
        if person.role_group != RoleGroup.SYSTEM_STAFF:
            continue
        school = Organisation.objects.filter(code=person.school_code).first()
        account = Account.objects.filter(login_id=person.login_id).first()
        principal = next(
            (
                Account.objects.filter(login_id=p.login_id).first()
                for p in listed
                if p.school_code == person.school_code and p.role_group == RoleGroup.PRINCIPAL
            ),
            None,
        )
        if school is None or account is None:
            continue
        RoleGroupDesignation.objects.get_or_create(
            school=school,
            account=account,
            defaults={"group": RoleGroup.SYSTEM_STAFF, "designated_by": principal},
        )
        for action in GRADE_WIDE:
            FunctionPermission.objects.get_or_create(
                school=school,
                role_group=RoleGroup.TEACHER,
                function="roster.students",
                action=action,
                defaults={"scope": Scope.GRADE, "changed_by": principal},
            )
