from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "manabi.records"
    label = "records"
    verbose_name = "研修受講履歴"
