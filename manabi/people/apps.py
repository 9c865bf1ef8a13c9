from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "manabi.people"
    label = "people"
    verbose_name = "教職員"

    def ready(self) -> None:
        from manabi.core import extensions, navigation
        from manabi.core.acting import Role
        from manabi.orgs.points import ORGANISATION_FACTS
        from manabi.people.selectors import organisation_staff_fact

        extensions.register(ORGANISATION_FACTS, organisation_staff_fact)

        navigation.register(
            navigation.NavItem(
                label="教職員",
                url_name="people:staff_list",
                order=100,
                roles=frozenset({Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN}),
                group="roster",
                keywords=("職員", "先生", "教員"),
            )
        )
