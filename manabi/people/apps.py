from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "manabi.people"
    label = "people"
    verbose_name = "教職員"
