from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "manabi.orgs"
    label = "orgs"
    verbose_name = "組織"
