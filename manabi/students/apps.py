from django.apps import AppConfig


class StudentsConfig(AppConfig):
    """児童生徒・学籍: pupils, guardians, enrolments and transfers between schools."""

    name = "manabi.students"
    label = "students"
    verbose_name = "児童生徒・学籍"
