from django.apps import AppConfig


class ClassesConfig(AppConfig):
    """学級・授業クラス: the classes of a school year and the staff assigned to them."""

    name = "manabi.classes"
    label = "classes"
    verbose_name = "学級・授業クラス"
