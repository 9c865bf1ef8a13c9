from django.apps import AppConfig


class StudentsConfig(AppConfig):
    """児童生徒・学籍: pupils, guardians, enrolments and transfers between schools."""

    name = "manabi.students"
    label = "students"
    verbose_name = "児童生徒・学籍"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation
        from manabi.imports import kinds
        from manabi.students.roster_import import HANDLER

        kinds.register(HANDLER)

        school = frozenset({Role.STAFF, Role.SCHOOL_ADMIN})
        navigation.register(
            navigation.NavItem(
                "児童生徒名簿",
                "students:roster",
                order=300,
                roles=school,
                group="roster",
                keywords=("児童", "生徒", "学籍"),
            ),
            navigation.NavItem(
                "学級・授業クラス",
                "classes:list",
                order=305,
                roles=school,
                group="roster",
                keywords=("学級", "クラス", "授業"),
            ),
            navigation.NavItem(
                "転出入",
                "students:transfers",
                order=310,
                roles=frozenset({Role.SCHOOL_ADMIN}),
                group="roster",
                keywords=("転出", "転入", "転校", "引継ぎ"),
            ),
            navigation.NavItem(
                "在籍者数",
                "students:counts",
                order=300,
                roles=frozenset({Role.BOARD, Role.SYSTEM_ADMIN}),
                group="roster",
                keywords=("児童", "生徒", "人数"),
            ),
        )
