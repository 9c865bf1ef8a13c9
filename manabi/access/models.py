"""Role groups designated at a school, and a school's changes to the 別表1 defaults.

- ``RoleGroupDesignation``: the role group a person holds at one school when it is not the
  one their role and job title give (システム担当 is always designated by the principal; a
  教頭 who is also 養護教諭 …). One per person per school (兼務: one per school they serve).
- ``FunctionPermission``: a school's own scope for (role group, function, action), replacing
  the shipped default (seed 001 第12条: 初期の設定 … システム責任者の責任において変更できる).
  Only differences from the defaults are stored; removing a row restores the default.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from manabi.access.functions import Action
from manabi.accounts.rolegroups import SCHOOL_GROUPS, RoleGroup
from manabi.accounts.scopes import Scope

SCHOOL_GROUP_CHOICES = [(g.value, g.label) for g in SCHOOL_GROUPS]


class RoleGroupDesignation(models.Model):
    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.CASCADE, related_name="+"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="アカウント",
        on_delete=models.CASCADE,
        related_name="role_group_designations",
    )
    group = models.CharField("役職グループ", max_length=20, choices=SCHOOL_GROUP_CHOICES)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="指定した人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    designated_at = models.DateTimeField("指定日時", auto_now=True)

    class Meta:
        verbose_name = "役職グループの指定"
        verbose_name_plural = "役職グループの指定"
        constraints = [
            models.UniqueConstraint(fields=["school", "account"], name="one_group_per_school"),
        ]

    def __str__(self) -> str:
        return RoleGroup(self.group).label


class FunctionPermission(models.Model):
    school = models.ForeignKey(
        "orgs.Organisation", verbose_name="学校", on_delete=models.CASCADE, related_name="+"
    )
    role_group = models.CharField("役職グループ", max_length=20, choices=SCHOOL_GROUP_CHOICES)
    function = models.CharField("機能", max_length=60)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    scope = models.CharField("担当", max_length=20, choices=Scope.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="変更した人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField("変更日時", auto_now=True)

    class Meta:
        verbose_name = "機能権限 (学校ごとの設定)"
        verbose_name_plural = "機能権限 (学校ごとの設定)"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "role_group", "function", "action"],
                name="one_scope_per_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.function} {self.action} {self.scope}"
