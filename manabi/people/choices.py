"""Job titles (職名) and employment types (任用形態) of school staff."""

from __future__ import annotations

from django.db import models


class JobTitle(models.TextChoices):
    """職名 as listed in seed 000 section 2 (教育公務員特例法第2条 and school operations)."""

    PRINCIPAL = "principal", "校長"
    KINDERGARTEN_PRINCIPAL = "kindergarten_principal", "園長"
    VICE_PRINCIPAL = "vice_principal", "副校長"
    KINDERGARTEN_VICE_PRINCIPAL = "kindergarten_vice_principal", "副園長"
    HEAD_TEACHER = "head_teacher", "教頭"
    SENIOR_TEACHER = "senior_teacher", "主幹教諭"
    SENIOR_NURSE_TEACHER = "senior_nurse_teacher", "主幹養護教諭"
    SENIOR_NUTRITION_TEACHER = "senior_nutrition_teacher", "主幹栄養教諭"
    ADVISING_TEACHER = "advising_teacher", "指導教諭"
    TEACHER = "teacher", "教諭"
    ASSISTANT_TEACHER = "assistant_teacher", "助教諭"
    NURSE_TEACHER = "nurse_teacher", "養護教諭"
    ASSISTANT_NURSE_TEACHER = "assistant_nurse_teacher", "養護助教諭"
    NUTRITION_TEACHER = "nutrition_teacher", "栄養教諭"
    SENIOR_NURSERY_TEACHER = "senior_nursery_teacher", "主幹保育教諭"
    ADVISING_NURSERY_TEACHER = "advising_nursery_teacher", "指導保育教諭"
    NURSERY_TEACHER = "nursery_teacher", "保育教諭"
    ASSISTANT_NURSERY_TEACHER = "assistant_nursery_teacher", "助保育教諭"
    LECTURER = "lecturer", "講師"
    CLERK = "clerk", "事務職員"
    SCHOOL_NUTRITIONIST = "school_nutritionist", "学校栄養職員"
    LAB_ASSISTANT = "lab_assistant", "実習助手"
    DORMITORY_SUPERVISOR = "dormitory_supervisor", "寄宿舎指導員"
    SUPERVISOR = "supervisor", "指導主事"
    OTHER = "other", "その他"


class EmploymentType(models.TextChoices):
    REGULAR = "regular", "正規"
    REAPPOINTED = "reappointed", "再任用"
    TEMPORARY = "temporary", "臨時的任用"
    FISCAL_YEAR = "fiscal_year", "会計年度任用"


# Titles whose holders lead a school (学校管理職), for defaults of the school_admin role.
SCHOOL_LEADER_TITLES = frozenset(
    {
        JobTitle.PRINCIPAL,
        JobTitle.KINDERGARTEN_PRINCIPAL,
        JobTitle.VICE_PRINCIPAL,
        JobTitle.KINDERGARTEN_VICE_PRINCIPAL,
        JobTitle.HEAD_TEACHER,
    }
)
