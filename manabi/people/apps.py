from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "manabi.people"
    label = "people"
    verbose_name = "教職員"

    def ready(self) -> None:
        from manabi.accounts.roles import Role
        from manabi.core import navigation

        navigation.register(
            navigation.NavItem(
                label="教職員",
                url_name="people:staff_list",
                order=100,
                roles=frozenset({Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN}),
            )
        )
